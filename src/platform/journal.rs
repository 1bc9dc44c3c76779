//! journald's native protocol: one datagram per record to its socket, `FIELD=value` lines, so
//! that each record carries its `MESSAGE_ID` (syslog(3) cannot). See systemd's
//! `sd_journal_sendv` and "Native Journal Protocol".

use super::RecordKind;
use std::io;
use std::os::unix::net::UnixDatagram;
use std::path::Path;

/// Where journald listens.
pub const SOCKET: &str = "/run/systemd/journal/socket";

/// The datagram of one record.
pub fn entry(line: &str, kind: &RecordKind) -> Vec<u8> {
    // A field value with a newline would need the binary form: gomme's lines have none (JSON
    // escapes them), and any that slipped in becomes a space.
    let message = line.replace(['\n', '\0'], " ");
    let priority = if kind.warning { 4 } else { 6 };
    format!(
        "MESSAGE={message}\nMESSAGE_ID={}\nPRIORITY={priority}\nSYSLOG_IDENTIFIER=gomme\n\
         SYSLOG_FACILITY=1\nSYSLOG_PID={}\nGOMME_RECORD={}\nGOMME_EVENT_ID={}\n",
        kind.message_id,
        std::process::id(),
        kind.name,
        kind.event_id,
    )
    .into_bytes()
}

/// Sends every record to the journal at `socket`: `Ok(false)`, with nothing sent, when no
/// journal listens there (the caller then uses syslog).
pub fn send(socket: &Path, records: &[(String, &RecordKind)]) -> io::Result<bool> {
    let sock = UnixDatagram::unbound()?;
    if sock.connect(socket).is_err() {
        return Ok(false);
    }
    for (line, kind) in records {
        sock.send(&entry(line, kind))?;
    }
    Ok(true)
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // the test's socket lives in a private temporary folder
mod tests {
    use super::*;

    /// Two of the audit log's kinds, as `audit_log::KINDS` has them.
    const CLEANED: RecordKind = RecordKind {
        name: "cleaned",
        meaning: "",
        event_id: 1000,
        message_id: "b2bb08b2c6c244e7876a4759f52cba27",
        warning: false,
    };
    const SKIPPED: RecordKind = RecordKind {
        name: "skipped-running",
        meaning: "",
        event_id: 1003,
        message_id: "0d3a66650f7a4f23b8250470c4d2827e",
        warning: true,
    };

    #[test]
    fn each_record_carries_its_message_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("socket");
        let journal = UnixDatagram::bind(&path).unwrap();
        let records = vec![
            ("{\"status\":\"cleaned\"}".to_owned(), &CLEANED),
            ("{\"status\":\"skipped-running\"}\nx".to_owned(), &SKIPPED),
        ];
        assert!(send(&path, &records).unwrap());
        let mut buf = vec![0; 65536];
        let n = journal.recv(&mut buf).unwrap();
        let first = String::from_utf8(buf[..n].to_vec()).unwrap();
        assert!(
            first.starts_with("MESSAGE={\"status\":\"cleaned\"}\n"),
            "{first}"
        );
        assert!(first.contains(&format!("\nMESSAGE_ID={}\n", CLEANED.message_id)));
        assert!(first.contains("\nPRIORITY=6\n") && first.contains("\nSYSLOG_IDENTIFIER=gomme\n"));
        assert!(first.contains("\nGOMME_EVENT_ID=1000\n"));
        let n = journal.recv(&mut buf).unwrap();
        let second = String::from_utf8(buf[..n].to_vec()).unwrap();
        assert!(second.contains("\nPRIORITY=4\n") && second.contains("\nGOMME_EVENT_ID=1003\n"));
        assert_eq!(second.lines().count(), 8, "one line a field: {second}");
        // No journal there: nothing sent, and syslog takes over.
        assert!(!send(&dir.path().join("none"), &records).unwrap());
    }
}
