//! The kinds of audit record, each with ids that stay the same from one version to the next:
//! a Windows event id (Application log, source `gomme`) and a journald `MESSAGE_ID` (128 bits,
//! as systemd's catalog uses them), so that Windows Event Forwarding subscriptions and journal
//! filters can pick the records they want. Knowledge as data: the README's table and the WEF
//! subscription's query are checked against this one (`tests/fleet.rs`).

use crate::report::{Mode, Status};

pub use crate::platform::RecordKind;

/// Every kind, by event id. Never change an id once released; a new kind takes a new one.
pub const KINDS: [RecordKind; 6] = [
    RecordKind {
        name: "cleaned",
        meaning: "a profile cleaned",
        event_id: 1000,
        message_id: "b2bb08b2c6c244e7876a4759f52cba27",
        warning: false,
    },
    RecordKind {
        name: "nothing-to-remove",
        meaning: "dry run or audit: a profile read, nothing to remove",
        event_id: 1001,
        message_id: "663dea5668304b85bbc8f28dca1e4a46",
        warning: false,
    },
    RecordKind {
        name: "traces-found",
        meaning: "dry run or audit: a profile read, traces a clean would remove",
        event_id: 1002,
        message_id: "5294e9ecb53f4311bdd1a15d1e6bfa47",
        warning: false,
    },
    RecordKind {
        name: "skipped-running",
        meaning: "a profile skipped: its browser is open",
        event_id: 1003,
        message_id: "0d3a66650f7a4f23b8250470c4d2827e",
        warning: true,
    },
    RecordKind {
        name: "error",
        meaning: "a profile that could not be fully read or cleaned",
        event_id: 1004,
        message_id: "580a5112261c4c2bbf593dd2cecb48a5",
        warning: true,
    },
    RecordKind {
        name: "unfinished",
        meaning: "a profile left unfinished at the run's deadline",
        event_id: 1005,
        message_id: "1000293b21814b3b8d37d6953ab6f4bb",
        warning: true,
    },
];

fn named(name: &str) -> &'static RecordKind {
    KINDS
        .iter()
        .find(|k| k.name == name)
        .expect("a kind of KINDS")
}

/// The kind of a profile's record: by its status, and for a dry run or an audit by whether
/// anything was found.
pub fn kind_of(mode: Mode, status: Status, items: u64) -> &'static RecordKind {
    match status {
        Status::Cleaned => named("cleaned"),
        Status::Planned if items == 0 => named("nothing-to-remove"),
        Status::Planned if mode == Mode::Clean => named("cleaned"),
        Status::Planned => named("traces-found"),
        Status::SkippedRunning => named("skipped-running"),
        Status::Error => named("error"),
        Status::Unfinished => named("unfinished"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        for (i, k) in KINDS.iter().enumerate() {
            assert_eq!(k.event_id, 1000 + i as u32, "{}", k.name);
            assert!(
                k.message_id.len() == 32
                    && k.message_id
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                "{}",
                k.name
            );
            for other in &KINDS[i + 1..] {
                assert_ne!(k.message_id, other.message_id);
                assert_ne!(k.name, other.name);
            }
        }
        // The one id documented before the others existed keeps its meaning.
        assert_eq!(named("cleaned").event_id, 1000);
    }

    #[test]
    fn each_status_has_its_kind() {
        assert_eq!(kind_of(Mode::Clean, Status::Cleaned, 3).event_id, 1000);
        assert_eq!(kind_of(Mode::DryRun, Status::Planned, 0).event_id, 1001);
        assert_eq!(kind_of(Mode::DryRun, Status::Planned, 5).event_id, 1002);
        let skipped = kind_of(Mode::Clean, Status::SkippedRunning, 0);
        assert!(skipped.event_id == 1003 && skipped.warning);
        assert_eq!(kind_of(Mode::DryRun, Status::Error, 0).event_id, 1004);
        assert_eq!(kind_of(Mode::Clean, Status::Unfinished, 1).event_id, 1005);
    }
}
