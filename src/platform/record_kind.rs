//! What the system log needs to know of an audit record's kind: its name, its ids (a Windows
//! event id, a journald `MESSAGE_ID`) and whether it is a warning. The kinds themselves, and
//! which record is of which kind, are the audit log's (`audit_log::KINDS`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordKind {
    /// Its name in the journal's `GOMME_RECORD` field and in the README.
    pub name: &'static str,
    /// What it says, for the README.
    pub meaning: &'static str,
    /// The Windows event id.
    pub event_id: u32,
    /// The journald `MESSAGE_ID`: 32 lowercase hexadecimal digits.
    pub message_id: &'static str,
    /// A warning (something was left) rather than information.
    pub warning: bool,
}
