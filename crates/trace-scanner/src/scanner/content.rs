//! Any buffer searched, and everything decoded from it: mozlz4, snappy
//! framed, gzip streams, Chromium `v10` ciphertexts, raw snappy.

use std::collections::BTreeSet;
use std::path::Path;

use super::{Hits, Opts, Out, Scanner, State, MAX_CANDIDATES, MAX_DEPTH, RAW, V10_PREFIX_MAX};
use crate::chromium_crypt;
use crate::decode;

impl Scanner<'_> {
    /// Searches a buffer and everything decoded from it.
    pub(super) fn content_hits(
        &self,
        data: &[u8],
        how: &str,
        depth: u32,
        opts: Opts,
        hits: &mut Hits,
    ) {
        self.matcher.find(data, |i, enc| {
            hits.push((i, format!("{how}/{}", enc.label())))
        });
        if depth >= MAX_DEPTH || data.len() < 8 {
            return;
        }
        let d = depth + 1;
        if data.starts_with(decode::MOZLZ4_MAGIC) {
            if let Some(out) = decode::mozlz4(data) {
                self.content_hits(&out, &format!("{how}/mozlz4"), d, RAW, hits);
            }
        }
        if data.starts_with(decode::SNAPPY_FRAMED_MAGIC) {
            if let Some(out) = decode::snappy_framed(data) {
                self.content_hits(&out, &format!("{how}/snappy-framed"), d, RAW, hits);
            }
        }
        for out in decode::gzip_streams(data, MAX_CANDIDATES) {
            self.content_hits(&out, &format!("{how}/gzip"), d, RAW, hits);
        }
        if opts.v10_scan {
            if let Some(plain) = chromium_crypt::decrypt_v10(data) {
                // a whole value: exact plaintext
                self.content_hits(
                    &plain,
                    &format!("{how}/v10"),
                    d,
                    Opts {
                        snappy: false,
                        v10_scan: false,
                    },
                    hits,
                );
            } else {
                for plain in chromium_crypt::v10_prefixes(data, V10_PREFIX_MAX, MAX_CANDIDATES) {
                    self.matcher.find(&plain, |i, enc| {
                        hits.push((i, format!("{how}/v10/{}", enc.label())))
                    });
                }
            }
        }
        if opts.snappy {
            if let Some((_, out)) = decode::snappy_raw_search(data, 8) {
                self.content_hits(&out, &format!("{how}/snappy"), d, RAW, hits);
            }
        }
    }

    pub(super) fn emit(&self, o: &mut Out, file: &Path, hits: Hits, state: State) {
        let set: BTreeSet<(usize, String)> = hits.into_iter().collect();
        for (t, how) in set {
            self.finding(o, t, file, how, state);
        }
    }
}
