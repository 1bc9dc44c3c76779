//! Acting as the account whose files gomme works on.

use super::Owner;
use std::io;

/// While alive, the file accesses of this thread are checked as those of `owner` (Linux:
/// `setfsuid`/`setfsgid`, per thread), so that a library that works by path (SQLite) can only
/// reach what that person could reach themselves, whatever they swap meanwhile. Does nothing
/// when not running as root, when the owner is root, or on other systems.
pub struct ActingAs {
    #[cfg(target_os = "linux")]
    previous: Option<(u32, u32)>,
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
                previous: Some((old_uid as u32, old_gid as u32)),
            };
            if (now_uid as u32, now_gid as u32) != (uid, gid) {
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
        if let Some((uid, gid)) = self.previous {
            // SAFETY: see `new`; this restores the ids this thread had.
            unsafe {
                libc::setfsuid(uid);
                libc::setfsgid(gid);
            }
        }
    }
}
