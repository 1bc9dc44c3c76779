//! Multi-token search over raw bytes, in UTF-8/Latin-1 and UTF-16LE.
//!
//! Every marker token starts with `gmk`, so the search looks for `gmk`
//! (and `g\0m\0k\0`) with a SIMD substring finder and then checks the
//! bytes that follow against the token set, once per distinct token
//! length. The cost is linear in the input plus a small constant per
//! `gmk` occurrence. Tokens may sit next to other letters or digits
//! (`gmkcookie0001127` in `cookies.sqlite`), so no word boundary is
//! required, and a token that is a prefix of another is still found.

use std::collections::HashMap;

use memchr::memmem;

/// The prefix every marker token starts with.
pub const PREFIX: &str = "gmk";

/// How a token was encoded where it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Encoding {
    /// One byte per character: UTF-8, Latin-1 and ASCII agree for tokens.
    Utf8,
    /// Two bytes per character, little-endian.
    Utf16Le,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf8",
            Encoding::Utf16Le => "utf16le",
        }
    }
}

/// A set of tokens to look for.
#[derive(Debug)]
pub struct Matcher {
    tokens: Vec<String>,
    index: HashMap<Vec<u8>, usize>,
    lengths: Vec<usize>,
    utf8: memmem::Finder<'static>,
    utf16: memmem::Finder<'static>,
}

impl Matcher {
    /// Builds a matcher. Tokens must start with [`PREFIX`]; duplicates are
    /// merged (the first index wins).
    pub fn new<S: AsRef<str>>(tokens: &[S]) -> Matcher {
        let mut index = HashMap::new();
        let mut list = Vec::new();
        for t in tokens {
            let t = t.as_ref();
            assert!(
                t.starts_with(PREFIX) && t.len() > PREFIX.len(),
                "marker token {t:?} does not start with {PREFIX:?}"
            );
            if !index.contains_key(t.as_bytes()) {
                index.insert(t.as_bytes().to_vec(), list.len());
                list.push(t.to_string());
            }
        }
        let mut lengths: Vec<usize> = list.iter().map(|t| t.len()).collect();
        lengths.sort_unstable();
        lengths.dedup();
        Matcher {
            tokens: list,
            index,
            lengths,
            utf8: memmem::Finder::new(PREFIX.as_bytes()).into_owned(),
            utf16: memmem::Finder::new(b"g\0m\0k\0").into_owned(),
        }
    }

    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    pub fn token(&self, i: usize) -> &str {
        &self.tokens[i]
    }

    pub fn index_of(&self, token: &str) -> Option<usize> {
        self.index.get(token.as_bytes()).copied()
    }

    /// Calls `hit(token_index, encoding)` for every occurrence in `data`.
    pub fn find(&self, data: &[u8], mut hit: impl FnMut(usize, Encoding)) {
        if self.tokens.is_empty() {
            return;
        }
        for pos in self.utf8.find_iter(data) {
            for &len in &self.lengths {
                let Some(cand) = data.get(pos..pos + len) else {
                    break;
                };
                if let Some(&i) = self.index.get(cand) {
                    hit(i, Encoding::Utf8);
                }
            }
        }
        let mut buf = Vec::with_capacity(64);
        for pos in self.utf16.find_iter(data) {
            buf.clear();
            let mut li = 0;
            let mut k = 0;
            // Collect low bytes while the high bytes are zero, checking
            // each token length on the way.
            while li < self.lengths.len() {
                let at = pos + 2 * k;
                if at + 1 >= data.len() || data[at + 1] != 0 {
                    break;
                }
                buf.push(data[at]);
                k += 1;
                if k == self.lengths[li] {
                    if let Some(&i) = self.index.get(buf.as_slice()) {
                        hit(i, Encoding::Utf16Le);
                    }
                    li += 1;
                }
            }
        }
    }

    /// The distinct token indexes found in `data` (any encoding).
    pub fn find_set(&self, data: &[u8]) -> Vec<(usize, Encoding)> {
        let mut out = Vec::new();
        self.find(data, |i, e| out.push((i, e)));
        out.sort_unstable();
        out.dedup();
        out
    }
}
