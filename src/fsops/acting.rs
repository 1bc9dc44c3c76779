//! Acting as the account whose files gomme works on.
//!
//! When root works in a home, the kernel must judge each access as it would judge the
//! account's own: its uid, its gid *and* its supplementary groups. `setfsuid`/`setfsgid` change
//! the first two for the calling thread only; the groups are changed with the raw `setgroups`
//! system call, which (unlike the C library's wrapper, which changes every thread of the
//! process) also acts on the calling thread only. Profiles are cleaned on several threads at
//! once, each as its own account.

use super::Owner;
use std::io;

/// While alive, the file accesses of this thread are checked as those of `owner` (Linux:
/// `setfsuid`/`setfsgid` and the account's groups, per thread), so that a library that works
/// by path (SQLite) and every file gomme creates or removes can only reach what that person
/// could reach themselves, whatever they swap meanwhile; files and folders created meanwhile
/// belong to them. Does nothing when not running as root, when the owner is root, or on other
/// systems.
pub struct ActingAs {
    #[cfg(target_os = "linux")]
    previous: Option<Previous>,
}

#[cfg(target_os = "linux")]
struct Previous {
    uid: u32,
    gid: u32,
    groups: Vec<libc::gid_t>,
}

impl ActingAs {
    pub fn new(owner: Owner) -> io::Result<ActingAs> {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: geteuid has no preconditions.
            let Some((uid, gid)) = owner.0.filter(|_| unsafe { libc::geteuid() } == 0) else {
                return Ok(ActingAs { previous: None });
            };
            if uid == 0 {
                return Ok(ActingAs { previous: None });
            }
            let groups = linux::groups_of(uid, gid);
            let old_groups = linux::thread_groups()?;
            linux::set_thread_groups(&groups)?;
            // SAFETY: setfsgid/setfsuid only change this thread's filesystem ids; they return
            // the previous value and cannot fail visibly, so the result is read back (an
            // invalid id, -1, changes nothing and returns the current one).
            let (old_gid, old_uid, now_gid, now_uid) = unsafe {
                let old_gid = libc::setfsgid(gid);
                let old_uid = libc::setfsuid(uid);
                (
                    old_gid,
                    old_uid,
                    libc::setfsgid(u32::MAX),
                    libc::setfsuid(u32::MAX),
                )
            };
            let acting = ActingAs {
                previous: Some(Previous {
                    uid: old_uid as u32,
                    gid: old_gid as u32,
                    groups: old_groups,
                }),
            };
            let mut now_groups = linux::thread_groups()?;
            now_groups.sort_unstable();
            let mut wanted = groups;
            wanted.sort_unstable();
            if (now_uid as u32, now_gid as u32) != (uid, gid) || now_groups != wanted {
                drop(acting);
                return Err(io::Error::other("cannot act as the owner of the profile"));
            }
            Ok(acting)
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = owner;
            Ok(ActingAs {})
        }
    }
}

impl Drop for ActingAs {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(previous) = self.previous.take() {
            // SAFETY: see `new`; this restores the ids this thread had. The uid first: it
            // gives back the capabilities the groups are set with.
            unsafe {
                libc::setfsuid(previous.uid);
                libc::setfsgid(previous.gid);
            }
            if linux::set_thread_groups(&previous.groups).is_err() {
                // A thread that cannot be itself again must not go on as someone else.
                std::process::abort();
            }
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashMap;
    use std::io;
    use std::sync::Mutex;

    /// This thread's supplementary groups.
    pub fn thread_groups() -> io::Result<Vec<libc::gid_t>> {
        // SAFETY: a count of 0 asks for the number of groups only.
        let n = unsafe { libc::getgroups(0, std::ptr::null_mut()) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut groups = vec![0; n as usize];
        // SAFETY: the buffer holds `n` gids.
        let n = unsafe { libc::getgroups(n, groups.as_mut_ptr()) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        groups.truncate(n as usize);
        Ok(groups)
    }

    /// Sets this thread's supplementary groups, and only this thread's (the raw system call).
    pub fn set_thread_groups(groups: &[libc::gid_t]) -> io::Result<()> {
        // SAFETY: the pointer and the count describe `groups`; the kernel copies them.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_setgroups,
                groups.len() as libc::c_long,
                groups.as_ptr(),
            )
        };
        if rc < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(())
        }
    }

    /// The groups of the account `uid` whose primary group is `gid`: those the account
    /// database gives it (`getgrouplist`), or its primary group alone when the uid names no
    /// account here (a disk from another machine). Looked up once per account.
    pub fn groups_of(uid: u32, gid: u32) -> Vec<libc::gid_t> {
        type Known = HashMap<(u32, u32), Vec<libc::gid_t>>;
        static CACHE: Mutex<Option<Known>> = Mutex::new(None);
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get_or_insert_with(HashMap::new)
            .entry((uid, gid))
            .or_insert_with(|| lookup(uid, gid).unwrap_or_else(|| vec![gid]))
            .clone()
    }

    fn lookup(uid: u32, gid: u32) -> Option<Vec<libc::gid_t>> {
        let mut buf = vec![0 as libc::c_char; 16 * 1024];
        // SAFETY: a zeroed passwd is a valid out-buffer; `buf` outlives its use below.
        let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        let rc = unsafe { libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr(), buf.len(), &mut found) };
        if rc != 0 || found.is_null() || pw.pw_name.is_null() {
            return None;
        }
        let mut groups: Vec<libc::gid_t> = vec![0; 64];
        for _ in 0..4 {
            let mut n = groups.len() as libc::c_int;
            // SAFETY: the name is the NUL-terminated one getpwuid_r filled in; the buffer
            // holds `n` gids and the call says how many it needs when that is too few.
            let rc = unsafe { libc::getgrouplist(pw.pw_name, gid, groups.as_mut_ptr(), &mut n) };
            if rc >= 0 {
                groups.truncate(n.max(0) as usize);
                if !groups.contains(&gid) {
                    groups.push(gid);
                }
                return Some(groups);
            }
            groups.resize((n.max(1) as usize).max(groups.len() * 2), 0);
        }
        None
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// As root, acting as another account gives this thread that account's groups and no
    /// other (root's group 0 included), leaves the other threads as they were, and comes back.
    #[test]
    fn groups_are_the_accounts_and_only_this_threads() {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return;
        }
        let before = linux::thread_groups().unwrap();
        let uid = 4_000_123;
        let gid = 4_000_321;
        // A thread started before (a new thread takes its creator's credentials).
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let other = std::thread::spawn(move || {
            wait.recv().unwrap();
            linux::thread_groups().unwrap()
        });
        {
            let _acting = ActingAs::new(Owner(Some((uid, gid)))).unwrap();
            assert_eq!(linux::thread_groups().unwrap(), vec![gid]);
            go.send(()).unwrap();
            assert_eq!(
                other.join().unwrap(),
                before,
                "another thread keeps its groups"
            );
        }
        assert_eq!(linux::thread_groups().unwrap(), before);
    }
}
