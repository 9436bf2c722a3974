//! A finding's identity: its code, its subject and its event. Lines and
//! columns are not part of it, so moving a block of the file changes no
//! identity; the message is not either, so a load figure that moves a
//! little does not make a finding "new".

use serde::Serialize;

use crate::code::Code;
use crate::findings::Finding;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Identity {
    pub code: String,
    pub subject: String,
    /// `fail`, `short` or `common`; empty for findings with no event.
    pub event_kind: String,
    pub event_id: String,
}

impl Identity {
    pub fn of(f: &Finding) -> Identity {
        Identity::new(
            f.code,
            &f.subject,
            f.event.as_ref().map(|e| (e.kind, e.id.as_str())),
        )
    }

    pub fn new(code: Code, subject: &str, event: Option<(&str, &str)>) -> Identity {
        Identity {
            code: code.name().to_string(),
            subject: subject.to_string(),
            event_kind: event.map(|e| e.0.to_string()).unwrap_or_default(),
            event_id: event.map(|e| e.1.to_string()).unwrap_or_default(),
        }
    }

    /// A stable 64-bit FNV-1a hash of the identity, in hex: the SARIF
    /// `partialFingerprints` value code scanning tracks a finding by.
    /// FNV-1a is written out here rather than taken from a crate because
    /// its value must never change with a dependency's version; it is not
    /// a security hash and need not be.
    pub fn fingerprint(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for part in [&self.code, &self.subject, &self.event_kind, &self.event_id] {
            for &b in part.as_bytes().iter().chain(std::iter::once(&0u8)) {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }
}
