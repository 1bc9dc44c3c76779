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
