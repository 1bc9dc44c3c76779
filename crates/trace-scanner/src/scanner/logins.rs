//! Firefox logins: NSS ciphertexts decrypted with the key4.db of their
//! profile.

use std::fs;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::sqlite::copy_db;
use super::{Hits, Out, Scanner, RAW};
use crate::nss::{self, Key4};

impl Scanner<'_> {
    /// The key4.db of the profile holding `file`, if any.
    // Writes by path only in its own private temporary folder (self.tmp), never in the home.
    #[allow(clippy::disallowed_methods)]
    fn key4_for(&self, file: &Path) -> Option<Arc<Key4>> {
        let dir = file.parent()?;
        let key4 = dir.join("key4.db");
        if !key4.is_file() {
            return None;
        }
        let mut cache = self.key4.lock().unwrap();
        if let Some(k) = cache.get(dir) {
            return Some(k.clone());
        }
        // Open a copy: the home is never written to.
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let copy_dir = self.tmp.path().join(format!("key4-{n}"));
        let k = match fs::create_dir_all(&copy_dir)
            .and_then(|_| copy_db(&key4, &copy_dir.join("key4.db")))
        {
            Ok(copy) => nss::open_key4(&copy),
            Err(e) => Key4::Unreadable(format!("copying key4.db: {e}")),
        };
        let _ = fs::remove_dir_all(&copy_dir);
        let k = Arc::new(k);
        cache.insert(dir.to_path_buf(), k.clone());
        Some(k)
    }

    pub(super) fn nss_strings<'s>(
        &self,
        path: &Path,
        strings: impl Iterator<Item = &'s str>,
        how: &str,
        hits: &mut Hits,
        o: &mut Out,
    ) {
        let mut key4: Option<Option<Arc<Key4>>> = None;
        let mut locked = 0usize;
        let mut failed = 0usize;
        for s in strings {
            let Some(der_bytes) = nss::nss_b64(s) else {
                continue;
            };
            let k = key4.get_or_insert_with(|| self.key4_for(path));
            match k.as_deref() {
                Some(Key4::Unlocked(keys)) => match keys.decrypt(&der_bytes) {
                    Some(plain) => self.content_hits(&plain, &format!("{how}/nss"), 1, RAW, hits),
                    None => failed += 1,
                },
                Some(Key4::PrimaryPassword) => locked += 1,
                Some(Key4::Unreadable(_)) | None => failed += 1,
            }
        }
        let rel = self.rel(path);
        if locked > 0 {
            o.notes.push(format!(
                "{}: {locked} NSS values encrypted, not checked (primary password set)",
                rel.display()
            ));
        }
        if failed > 0 {
            let why = match key4.flatten().as_deref() {
                Some(Key4::Unreadable(e)) => e.clone(),
                None => "no key4.db beside it".into(),
                _ => "did not decrypt".into(),
            };
            o.notes.push(format!(
                "{}: {failed} NSS values undecrypted: {why}",
                rel.display()
            ));
        }
    }
}
