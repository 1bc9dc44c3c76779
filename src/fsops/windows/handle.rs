//! Open folders and files as handles, each opened relative to the folder it is listed in
//! (`NtCreateFile` with `OBJECT_ATTRIBUTES.RootDirectory`), never through a reparse point
//! (`FILE_OPEN_REPARSE_POINT`: a junction, a symbolic link or a mount point is opened as
//! itself); what a handle is, is asked of the handle; removal goes through the handle.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::windows::ffi::{OsStrExt, OsStringExt};
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::path::Path;
use windows_sys::Wdk::Foundation::OBJECT_ATTRIBUTES;
use windows_sys::Wdk::Storage::FileSystem::{
    NtCreateFile, FILE_DIRECTORY_FILE, FILE_OPEN, FILE_OPEN_FOR_BACKUP_INTENT,
    FILE_OPEN_REPARSE_POINT, FILE_SYNCHRONOUS_IO_NONALERT,
};
use windows_sys::Win32::Foundation::{
    RtlNtStatusToDosError, ERROR_INVALID_FUNCTION, ERROR_INVALID_PARAMETER, ERROR_NOT_SUPPORTED,
    ERROR_NO_MORE_FILES, HANDLE, INVALID_HANDLE_VALUE, UNICODE_STRING,
};
use windows_sys::Win32::Storage::FileSystem::{
    CreateFileW, FileAttributeTagInfo, FileBasicInfo, FileDispositionInfo, FileDispositionInfoEx,
    FileIdBothDirectoryInfo, FileIdBothDirectoryRestartInfo, GetFileInformationByHandle,
    GetFileInformationByHandleEx, SetFileInformationByHandle, BY_HANDLE_FILE_INFORMATION, DELETE,
    FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_NORMAL, FILE_ATTRIBUTE_READONLY,
    FILE_ATTRIBUTE_REPARSE_POINT, FILE_ATTRIBUTE_TAG_INFO, FILE_BASIC_INFO,
    FILE_DISPOSITION_FLAG_DELETE, FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE,
    FILE_DISPOSITION_FLAG_POSIX_SEMANTICS, FILE_DISPOSITION_INFO, FILE_DISPOSITION_INFO_EX,
    FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT, FILE_ID_BOTH_DIR_INFO,
    FILE_LIST_DIRECTORY, FILE_READ_ATTRIBUTES, FILE_SHARE_DELETE, FILE_SHARE_READ,
    FILE_SHARE_WRITE, FILE_WRITE_ATTRIBUTES, OPEN_EXISTING, SYNCHRONIZE,
};

const SHARE_ALL: u32 = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

/// What to open a handle for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    /// Its attributes only (a folder on the way).
    Look,
    /// A folder to list.
    List,
    /// A folder to list, then remove.
    ListAndRemove,
    /// Something to remove (its attributes writable, to clear read-only).
    Remove,
}

impl Access {
    fn rights(self) -> u32 {
        let look = FILE_READ_ATTRIBUTES | SYNCHRONIZE;
        match self {
            Access::Look => look,
            Access::List => look | FILE_LIST_DIRECTORY,
            Access::ListAndRemove => look | FILE_LIST_DIRECTORY | DELETE | FILE_WRITE_ATTRIBUTES,
            Access::Remove => look | DELETE | FILE_WRITE_ATTRIBUTES,
        }
    }
}

/// What a handle is, asked of the handle itself.
#[derive(Clone, Copy, Debug)]
pub(super) struct Info {
    pub attributes: u32,
    pub reparse_tag: u32,
    pub volume: u32,
    pub links: u32,
    pub size: u64,
}

impl Info {
    /// A junction, a symbolic link, a mount point or another reparse point that stands for
    /// something elsewhere (a "name surrogate"): never entered.
    pub fn is_link(&self) -> bool {
        is_link(self.attributes, self.reparse_tag)
    }

    /// A folder that may be entered.
    pub fn is_dir(&self) -> bool {
        self.attributes & FILE_ATTRIBUTE_DIRECTORY != 0 && !self.is_link()
    }
}

/// Whether these attributes and reparse tag are those of a link (see [`Info::is_link`]).
pub(super) fn is_link(attributes: u32, tag: u32) -> bool {
    const NAME_SURROGATE: u32 = 0x2000_0000;
    attributes & FILE_ATTRIBUTE_REPARSE_POINT != 0 && tag & NAME_SURROGATE != 0
}

pub(super) struct Handle(OwnedHandle);

impl Handle {
    fn raw(&self) -> HANDLE {
        self.0.as_raw_handle() as HANDLE
    }

    /// The root of `path` (`C:\`, `\\server\share\`), opened by its name: nothing above it
    /// can be swapped.
    pub fn open_root(root: &Path) -> io::Result<Handle> {
        let name: Vec<u16> = root.as_os_str().encode_wide().chain([0]).collect();
        // SAFETY: `name` is NUL-terminated and outlives the call; no security attributes.
        let h = unsafe {
            CreateFileW(
                name.as_ptr(),
                Access::Look.rights(),
                SHARE_ALL,
                std::ptr::null(),
                OPEN_EXISTING,
                FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT,
                std::ptr::null_mut(),
            )
        };
        if h == INVALID_HANDLE_VALUE {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `h` is a handle this call just opened, owned from here on.
        Ok(Handle(unsafe { OwnedHandle::from_raw_handle(h as _) }))
    }

    /// The entry `name` of this open folder, opened as itself (a reparse point is not
    /// followed). With `dir`, only a folder (or a link to one) opens.
    pub fn open(&self, name: &OsStr, access: Access, dir: bool) -> io::Result<Handle> {
        let mut wide: Vec<u16> = name.encode_wide().collect();
        if wide.is_empty() || wide.len() > 32_767 || wide.contains(&0) {
            return Err(io::ErrorKind::InvalidInput.into());
        }
        let bytes = (wide.len() * 2) as u16;
        let unicode = UNICODE_STRING {
            Length: bytes,
            MaximumLength: bytes,
            Buffer: wide.as_mut_ptr(),
        };
        let attributes = OBJECT_ATTRIBUTES {
            Length: std::mem::size_of::<OBJECT_ATTRIBUTES>() as u32,
            RootDirectory: self.raw(),
            ObjectName: &unicode,
            // Names compared as Windows compares them (case-insensitively).
            Attributes: windows_sys::Win32::Foundation::OBJ_CASE_INSENSITIVE,
            SecurityDescriptor: std::ptr::null(),
            SecurityQualityOfService: std::ptr::null(),
        };
        let mut options =
            FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT;
        if dir {
            options |= FILE_DIRECTORY_FILE;
        }
        let mut h: HANDLE = std::ptr::null_mut();
        // SAFETY: every pointer names a live local; the status block is written by the call.
        let status = unsafe {
            let mut iosb = std::mem::zeroed();
            NtCreateFile(
                &mut h,
                access.rights(),
                &attributes,
                &mut iosb,
                std::ptr::null(),
                0,
                SHARE_ALL,
                FILE_OPEN,
                options,
                std::ptr::null(),
                0,
            )
        };
        if status < 0 {
            // SAFETY: no preconditions.
            let code = unsafe { RtlNtStatusToDosError(status) };
            return Err(io::Error::from_raw_os_error(code as i32));
        }
        // SAFETY: `h` is a handle this call just opened, owned from here on.
        Ok(Handle(unsafe { OwnedHandle::from_raw_handle(h as _) }))
    }

    /// What this handle is: attributes, reparse tag, volume and number of names.
    pub fn info(&self) -> io::Result<Info> {
        // SAFETY: plain data filled in by the calls, sized as they expect.
        unsafe {
            let mut tag: FILE_ATTRIBUTE_TAG_INFO = std::mem::zeroed();
            if GetFileInformationByHandleEx(
                self.raw(),
                FileAttributeTagInfo,
                (&mut tag as *mut FILE_ATTRIBUTE_TAG_INFO).cast(),
                std::mem::size_of::<FILE_ATTRIBUTE_TAG_INFO>() as u32,
            ) == 0
            {
                return Err(io::Error::last_os_error());
            }
            let mut by: BY_HANDLE_FILE_INFORMATION = std::mem::zeroed();
            if GetFileInformationByHandle(self.raw(), &mut by) == 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(Info {
                attributes: tag.FileAttributes,
                reparse_tag: tag.ReparseTag,
                volume: by.dwVolumeSerialNumber,
                links: by.nNumberOfLinks,
                size: (u64::from(by.nFileSizeHigh) << 32) | u64::from(by.nFileSizeLow),
            })
        }
    }

    /// The entries of this open folder (`.` and `..` left out), listed through the handle.
    pub fn list(&self) -> io::Result<Vec<Entry>> {
        let mut entries = Vec::new();
        // u64s: the buffer is aligned for the records.
        let mut buf = vec![0u64; 8192];
        let mut class = FileIdBothDirectoryRestartInfo;
        loop {
            // SAFETY: `buf` is writable for its whole size.
            let ok = unsafe {
                GetFileInformationByHandleEx(
                    self.raw(),
                    class,
                    buf.as_mut_ptr().cast(),
                    (buf.len() * 8) as u32,
                )
            };
            if ok == 0 {
                let e = io::Error::last_os_error();
                if e.raw_os_error() == Some(ERROR_NO_MORE_FILES as i32) {
                    return Ok(entries);
                }
                return Err(e);
            }
            class = FileIdBothDirectoryInfo;
            let base = buf.as_ptr().cast::<u8>();
            let mut offset = 0usize;
            loop {
                // SAFETY: the call wrote whole records, each at an 8-byte aligned offset it
                // gives, inside `buf`; the name is FileNameLength bytes from FileName.
                let (record, name) = unsafe {
                    let record = &*base.add(offset).cast::<FILE_ID_BOTH_DIR_INFO>();
                    let name = std::slice::from_raw_parts(
                        std::ptr::addr_of!(record.FileName).cast::<u16>(),
                        record.FileNameLength as usize / 2,
                    );
                    (record, name)
                };
                if name != [b'.' as u16] && name != [b'.' as u16, b'.' as u16] {
                    entries.push(Entry {
                        name: OsString::from_wide(name),
                        attributes: record.FileAttributes,
                        // For a reparse point, the EA size field holds its tag.
                        reparse_tag: record.EaSize,
                        size: u64::try_from(record.EndOfFile).unwrap_or(0),
                    });
                }
                if record.NextEntryOffset == 0 {
                    break;
                }
                offset += record.NextEntryOffset as usize;
            }
        }
    }

    /// Removes what this handle is (opened with [`Access::Remove`] or
    /// [`Access::ListAndRemove`]): its name goes at once where the system can (POSIX
    /// semantics, even while another program holds it open with delete sharing), read-only
    /// ignored; elsewhere (FAT, older Windows, Wine) read-only is cleared and it goes when the
    /// last handle to it closes.
    pub fn remove(self, attributes: u32) -> io::Result<()> {
        let ex = FILE_DISPOSITION_INFO_EX {
            Flags: FILE_DISPOSITION_FLAG_DELETE
                | FILE_DISPOSITION_FLAG_POSIX_SEMANTICS
                | FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE,
        };
        // SAFETY: `ex` is the structure this class expects, alive during the call.
        let ok = unsafe {
            SetFileInformationByHandle(
                self.raw(),
                FileDispositionInfoEx,
                (&ex as *const FILE_DISPOSITION_INFO_EX).cast(),
                std::mem::size_of::<FILE_DISPOSITION_INFO_EX>() as u32,
            )
        };
        if ok != 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        let unsupported = [
            ERROR_INVALID_PARAMETER,
            ERROR_NOT_SUPPORTED,
            ERROR_INVALID_FUNCTION,
        ];
        if !unsupported
            .iter()
            .any(|&c| e.raw_os_error() == Some(c as i32))
        {
            return Err(e);
        }
        if attributes & FILE_ATTRIBUTE_READONLY != 0 {
            self.set_attributes(attributes & !FILE_ATTRIBUTE_READONLY)?;
        }
        let plain = FILE_DISPOSITION_INFO { DeleteFile: true };
        // SAFETY: as above, for the older class.
        let ok = unsafe {
            SetFileInformationByHandle(
                self.raw(),
                FileDispositionInfo,
                (&plain as *const FILE_DISPOSITION_INFO).cast(),
                std::mem::size_of::<FILE_DISPOSITION_INFO>() as u32,
            )
        };
        if ok != 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    fn set_attributes(&self, attributes: u32) -> io::Result<()> {
        // Zero times: left as they are. Zero attributes would mean "unchanged".
        let kept = attributes & !(FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT);
        let basic = FILE_BASIC_INFO {
            CreationTime: 0,
            LastAccessTime: 0,
            LastWriteTime: 0,
            ChangeTime: 0,
            FileAttributes: if kept == 0 {
                FILE_ATTRIBUTE_NORMAL
            } else {
                kept
            },
        };
        // SAFETY: `basic` is the structure this class expects, alive during the call.
        let ok = unsafe {
            SetFileInformationByHandle(
                self.raw(),
                FileBasicInfo,
                (&basic as *const FILE_BASIC_INFO).cast(),
                std::mem::size_of::<FILE_BASIC_INFO>() as u32,
            )
        };
        if ok != 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
}

/// One entry of a folder listing, as the folder saw it a moment ago.
pub(super) struct Entry {
    pub name: OsString,
    pub attributes: u32,
    pub reparse_tag: u32,
    pub size: u64,
}
