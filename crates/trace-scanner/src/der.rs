//! A small DER reader and writer, enough for NSS: `key4.db` items and
//! `logins.json` fields. Written for the scanner alone, apart from gomme's
//! own decoder, so that a mistake in one does not hide itself in the other.
//!
//! Only what those structures use: one-byte tags (no high tag numbers),
//! definite lengths in short or long form (at most 4 length bytes), and the
//! universal types SEQUENCE, OCTET STRING, OBJECT IDENTIFIER, INTEGER and
//! NULL. Every reader returns `None` on malformed input; none panics.

pub const INTEGER: u8 = 0x02;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OID: u8 = 0x06;
pub const SEQUENCE: u8 = 0x30;

/// One element: its tag byte and the bytes of its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
}

/// Reads the element at the start of `data`; returns it and what follows.
pub fn read(data: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = data.split_first()?;
    // Tag number 31 announces a multi-byte tag, which NSS never writes.
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        // 0x80 is the indefinite form (BER, not DER); more than 4 bytes is no
        // length a key database holds.
        if count == 0 || count > 4 {
            return None;
        }
        if rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        let len = bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b));
        (len, rest)
    };
    if rest.len() < len {
        return None;
    }
    let (value, rest) = rest.split_at(len);
    Some((Tlv { tag, value }, rest))
}

/// Reads an element that must be the whole of `data`.
pub fn read_all(data: &[u8]) -> Option<Tlv<'_>> {
    match read(data)? {
        (t, []) => Some(t),
        _ => None,
    }
}

/// The elements one after the other in `data` (the value of a SEQUENCE).
pub fn items(mut data: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let (t, rest) = read(data)?;
        out.push(t);
        data = rest;
    }
    Some(out)
}

/// The elements of a SEQUENCE; `None` if `t` is not one or is malformed.
pub fn seq<'a>(t: &Tlv<'a>) -> Option<Vec<Tlv<'a>>> {
    if t.tag != SEQUENCE {
        return None;
    }
    items(t.value)
}

/// An OBJECT IDENTIFIER's value in dotted form (`1.2.840.113549.1.5.13`).
/// Malformed input (an unfinished arc, an arc past `u64`) gives `""`.
pub fn oid_string(value: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut n: u64 = 0;
    let mut open = false;
    for &b in value {
        if n > u64::MAX >> 7 {
            return String::new();
        }
        n = (n << 7) | u64::from(b & 0x7f);
        open = b & 0x80 != 0;
        if !open {
            if arcs.is_empty() {
                // The first subidentifier packs two arcs: 40 * a + b, a <= 2.
                let a = (n / 40).min(2);
                arcs.push(a);
                arcs.push(n - 40 * a);
            } else {
                arcs.push(n);
            }
            n = 0;
        }
    }
    if open || arcs.is_empty() {
        return String::new();
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// A non-negative INTEGER's value, if it fits in `u64`.
pub fn uint(value: &[u8]) -> Option<u64> {
    let (&first, _) = value.split_first()?;
    if first & 0x80 != 0 {
        return None; // negative
    }
    // One leading zero byte may make room for a high bit.
    let digits = match value {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => value,
    };
    if digits.len() > 8 {
        return None;
    }
    Some(digits.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)))
}

// ---- writing, for the tests' synthetic inputs ----

/// One element: tag, DER length, value.
pub fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(value);
    out
}

/// A SEQUENCE of already encoded elements.
pub fn sequence(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(SEQUENCE, &items.concat())
}

pub fn octets(value: &[u8]) -> Vec<u8> {
    tlv(OCTET_STRING, value)
}

pub fn null() -> Vec<u8> {
    tlv(NULL, &[])
}

/// A non-negative INTEGER, in the fewest bytes (with a zero byte before a
/// high bit).
pub fn integer(n: u64) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
    let mut value = Vec::new();
    if bytes[skip] & 0x80 != 0 {
        value.push(0);
    }
    value.extend_from_slice(&bytes[skip..]);
    tlv(INTEGER, &value)
}

/// An OBJECT IDENTIFIER from its dotted form. Panics on a malformed one
/// (the tests write them as constants).
pub fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted
        .split('.')
        .map(|a| a.parse().expect("OID arc"))
        .collect();
    assert!(arcs.len() >= 2 && arcs[0] <= 2, "OID {dotted:?}");
    let mut value = Vec::new();
    let mut push = |n: u64| {
        let mut groups = vec![(n & 0x7f) as u8];
        let mut n = n >> 7;
        while n > 0 {
            groups.push(0x80 | (n & 0x7f) as u8);
            n >>= 7;
        }
        value.extend(groups.iter().rev());
    };
    push(40 * arcs[0] + arcs[1]);
    for &a in &arcs[2..] {
        push(a);
    }
    tlv(OID, &value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_form_lengths() {
        for (len, head) in [
            (0usize, vec![0x04, 0x00]),
            (127, vec![0x04, 0x7f]),
            (128, vec![0x04, 0x81, 0x80]),
            (200, vec![0x04, 0x81, 0xc8]),
            (300, vec![0x04, 0x82, 0x01, 0x2c]),
            (70_000, vec![0x04, 0x83, 0x01, 0x11, 0x70]),
        ] {
            let value = vec![0xab; len];
            let encoded = octets(&value);
            assert_eq!(&encoded[..head.len()], head.as_slice(), "length {len}");
            assert_eq!(encoded.len(), head.len() + len);
            let t = read_all(&encoded).unwrap();
            assert_eq!(t.tag, OCTET_STRING);
            assert_eq!(t.value, value.as_slice());
        }
        // A long form that a short one could have said is read all the same.
        assert_eq!(read_all(&[0x04, 0x81, 0x02, 1, 2]).unwrap().value, [1, 2]);
    }

    #[test]
    fn nested_sequence_oid_octets_integer() {
        let d = sequence(&[
            sequence(&[oid("1.2.840.113549.1.5.13"), null()]),
            octets(&[1; 200]),
            integer(10_000),
        ]);
        let (t, rest) = read(&d).unwrap();
        assert!(rest.is_empty());
        let items = seq(&t).unwrap();
        assert_eq!(items.len(), 3);
        let inner = seq(&items[0]).unwrap();
        assert_eq!(inner[0].tag, OID);
        // The bytes every PBES2 item of key4.db starts its algorithm with.
        assert_eq!(
            inner[0].value,
            [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d]
        );
        assert_eq!(oid_string(inner[0].value), "1.2.840.113549.1.5.13");
        assert_eq!(
            inner[1],
            Tlv {
                tag: NULL,
                value: &[]
            }
        );
        assert_eq!(items[1].value, [1; 200]);
        assert_eq!(items[2].tag, INTEGER);
        assert_eq!(uint(items[2].value), Some(10_000));
        assert_eq!(seq(&items[1]), None, "an OCTET STRING is no SEQUENCE");
    }

    #[test]
    fn oids() {
        for dotted in [
            "1.2.840.113549.1.12.5.1.3",
            "2.16.840.1.101.3.4.1.42",
            "1.2.840.113549.3.7",
            "2.999.1",
            "0.0",
        ] {
            let encoded = oid(dotted);
            assert_eq!(oid_string(read_all(&encoded).unwrap().value), dotted);
        }
        assert_eq!(oid_string(&[0x88, 0x37]), "2.999");
        // An arc whose last byte still has the continuation bit.
        assert_eq!(oid_string(&[0x2a, 0x86]), "");
        assert_eq!(oid_string(&[]), "");
        // An arc past u64.
        assert_eq!(
            oid_string(&[0x2a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
            ""
        );
    }

    #[test]
    fn integers() {
        for n in [0u64, 1, 127, 128, 255, 256, 10_000, u64::MAX >> 1, u64::MAX] {
            let encoded = integer(n);
            let t = read_all(&encoded).unwrap();
            assert_eq!(uint(t.value), Some(n), "{n}: {encoded:02x?}");
        }
        assert_eq!(integer(128), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(integer(0), [0x02, 0x01, 0x00]);
        assert_eq!(uint(&[0x80]), None, "negative");
        assert_eq!(uint(&[]), None, "empty");
        assert_eq!(uint(&[1; 9]), None, "past u64");
    }

    #[test]
    fn malformed_input_is_refused() {
        let cases: &[(&str, &[u8])] = &[
            ("empty", &[]),
            ("tag only", &[0x30]),
            ("length past the data", &[0x04, 0x05, 1, 2]),
            ("long length past the data", &[0x04, 0x81, 0x80, 1]),
            ("long-form length bytes missing", &[0x04, 0x82, 0x01]),
            ("long-form length without bytes", &[0x04, 0x81]),
            ("indefinite length", &[0x30, 0x80, 0x00, 0x00]),
            ("five length bytes", &[0x04, 0x85, 0, 0, 0, 0, 1, 9]),
            ("huge length", &[0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 1]),
            ("multi-byte tag", &[0x1f, 0x81, 0x01, 0x00]),
        ];
        for (what, data) in cases {
            assert_eq!(read(data), None, "{what}");
            assert_eq!(read_all(data), None, "{what}");
        }
        // Bytes after the element: fine for `read`, not for `read_all`.
        let (t, rest) = read(&[0x04, 0x01, 7, 0xee]).unwrap();
        assert_eq!((t.value, rest), (&[7u8][..], &[0xeeu8][..]));
        assert_eq!(read_all(&[0x04, 0x01, 7, 0xee]), None);
        // A SEQUENCE whose content does not parse.
        let bad = Tlv {
            tag: SEQUENCE,
            value: &[0x04, 0x03, 1],
        };
        assert_eq!(seq(&bad), None);
    }

    #[test]
    fn every_truncation_of_a_nested_item_is_refused() {
        let d = sequence(&[
            sequence(&[oid("1.2.840.113549.1.5.13"), octets(&[3; 150])]),
            octets(&[4; 300]),
        ]);
        assert!(read_all(&d).is_some());
        for n in 0..d.len() {
            assert_eq!(read_all(&d[..n]), None, "{n} bytes of {}", d.len());
        }
    }

    /// Walks whatever parses, as the NSS code does, on arbitrary bytes.
    fn walk(data: &[u8], depth: u32) {
        let Some(items) = items(data) else { return };
        for t in items {
            let _ = oid_string(t.value);
            let _ = uint(t.value);
            if depth < 8 {
                walk(t.value, depth + 1);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // xorshift: the same inputs every run.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let valid = sequence(&[sequence(&[oid("1.2.3.4"), integer(5)]), octets(&[6; 40])]);
        for round in 0..20_000 {
            let data: Vec<u8> = if round % 2 == 0 {
                let len = (next() % 64) as usize;
                (0..len).map(|_| next() as u8).collect()
            } else {
                // A valid item with one byte changed.
                let mut d = valid.clone();
                let i = (next() as usize) % d.len();
                d[i] = next() as u8;
                d
            };
            walk(&data, 0);
        }
    }
}
