//! A minimal DER reader and writer (enough for NSS's key4.db and
//! logins.json structures).

pub const SEQUENCE: u8 = 0x30;
pub const OCTET_STRING: u8 = 0x04;
pub const OID: u8 = 0x06;
pub const INTEGER: u8 = 0x02;

/// One TLV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
}

/// Reads one TLV from the start of `data`; returns it and the rest.
pub fn read(data: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = data.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let mut len = 0usize;
        for &b in &rest[..n] {
            len = (len << 8) | b as usize;
        }
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return None;
    }
    Some((
        Tlv {
            tag,
            value: &rest[..len],
        },
        &rest[len..],
    ))
}

/// Reads all TLVs in `data` (the contents of a constructed value).
pub fn children(data: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (t, r) = read(rest)?;
        out.push(t);
        rest = r;
    }
    Some(out)
}

/// Reads a value that must be one TLV with the given tag, filling all of `data`.
pub fn expect(data: &[u8], tag: u8) -> Option<&[u8]> {
    let (t, rest) = read(data)?;
    (t.tag == tag && rest.is_empty()).then_some(t.value)
}

/// Children of a SEQUENCE TLV.
pub fn seq<'a>(t: &Tlv<'a>) -> Option<Vec<Tlv<'a>>> {
    (t.tag == SEQUENCE).then(|| children(t.value)).flatten()
}

/// Decodes an OID into dotted form.
pub fn oid_string(value: &[u8]) -> String {
    let mut parts: Vec<u64> = Vec::new();
    let mut acc = 0u64;
    for &b in value {
        acc = (acc << 7) | (b & 0x7f) as u64;
        if b & 0x80 == 0 {
            if parts.is_empty() {
                let first = if acc < 80 { acc / 40 } else { 2 };
                parts.push(first);
                parts.push(acc - first * 40);
            } else {
                parts.push(acc);
            }
            acc = 0;
        }
    }
    parts
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// Big-endian unsigned integer value of an INTEGER's contents.
pub fn uint(value: &[u8]) -> Option<u64> {
    if value.len() > 9 {
        return None;
    }
    Some(value.iter().fold(0u64, |a, &b| (a << 8) | b as u64))
}

// ---- writer (for tests that build NSS structures) ----

pub fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(value);
    out
}

pub fn sequence(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(SEQUENCE, &items.concat())
}

pub fn octets(v: &[u8]) -> Vec<u8> {
    tlv(OCTET_STRING, v)
}

pub fn integer(mut n: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    loop {
        bytes.push((n & 0xff) as u8);
        n >>= 8;
        if n == 0 {
            break;
        }
    }
    if bytes.last().is_some_and(|&b| b & 0x80 != 0) {
        bytes.push(0);
    }
    bytes.reverse();
    tlv(INTEGER, &bytes)
}

pub fn oid(dotted: &str) -> Vec<u8> {
    let parts: Vec<u64> = dotted.split('.').map(|p| p.parse().unwrap()).collect();
    let mut body = Vec::new();
    let mut arcs = vec![parts[0] * 40 + parts[1]];
    arcs.extend_from_slice(&parts[2..]);
    for arc in arcs {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut a = arc >> 7;
        while a > 0 {
            groups.push(0x80 | (a & 0x7f) as u8);
            a >>= 7;
        }
        groups.reverse();
        body.extend(groups);
    }
    tlv(OID, &body)
}
