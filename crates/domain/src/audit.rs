//! The audit log's entries and the rules that make it tamper-evident.
//!
//! Every change Ward makes is recorded as one entry: who, when, in which organisation, what, and a
//! summary of before and after. Entries are numbered without gaps and each carries a MAC over the
//! previous MAC and its own canonical bytes; [`verify_chain`] finds the first entry that was
//! modified, deleted, reordered, or cut off after a signed checkpoint.

use std::fmt;

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// Who acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A signed-in person.
    User,
    /// An automation using an API token.
    ApiToken,
    /// Someone with shell access on the server, through the `ward` command.
    Cli,
    /// Ward itself (first-run setup, scheduled work).
    System,
    /// Nobody known yet (failed sign-ins).
    Anonymous,
}

impl ActorKind {
    pub fn code(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::ApiToken => "api_token",
            ActorKind::Cli => "cli",
            ActorKind::System => "system",
            ActorKind::Anonymous => "anonymous",
        }
    }

    pub fn parse(code: &str) -> Option<ActorKind> {
        [ActorKind::User, ActorKind::ApiToken, ActorKind::Cli, ActorKind::System, ActorKind::Anonymous]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// An entry before it is numbered and sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAuditEntry {
    pub actor_kind: ActorKind,
    pub actor_id: Option<Uuid>,
    /// E-mail, token name or OS user: readable without joins, kept even if the actor is deleted.
    pub actor_label: String,
    pub organisation_id: Option<Uuid>,
    /// Dotted verb: `organisation.create`, `member.add`, `session.login_failed` …
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    /// One line for people.
    pub summary: String,
    /// JSON object with `before`/`after` (or other detail); never secrets.
    pub details: String,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(flatten)]
    pub entry: NewAuditEntry,
}

impl AuditEntry {
    /// The bytes the chain MAC covers: every field, length-prefixed, in a fixed order, so no two
    /// different entries share an encoding.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let e = &self.entry;
        let mut out = Vec::with_capacity(256);
        let mut field = |bytes: &[u8]| {
            out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
            out.extend_from_slice(bytes);
        };
        let micros = self.at.unix_timestamp_nanos() / 1_000;
        field(b"ward-audit-v1");
        field(&self.seq.to_be_bytes());
        field(&micros.to_be_bytes());
        field(e.actor_kind.code().as_bytes());
        field(e.actor_id.map(|u| u.into_bytes().to_vec()).unwrap_or_default().as_slice());
        field(e.actor_label.as_bytes());
        field(e.organisation_id.map(|u| u.into_bytes().to_vec()).unwrap_or_default().as_slice());
        field(e.action.as_bytes());
        field(e.target_type.as_bytes());
        field(e.target_id.as_deref().unwrap_or("").as_bytes());
        field(e.summary.as_bytes());
        field(e.details.as_bytes());
        field(e.request_id.as_deref().unwrap_or("").as_bytes());
        field(e.ip.as_deref().unwrap_or("").as_bytes());
        out
    }
}

/// A signed statement "the log had this MAC at this entry".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub mac: Vec<u8>,
    pub signature: Vec<u8>,
    /// Where the checkpoint was read from (database, checkpoint file): for the report.
    pub origin: String,
}

/// The first problem found in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ChainBreak {
    /// The entry's contents do not match its MAC: modified, or moved from elsewhere.
    Altered { seq: i64 },
    /// A number is missing: an entry was deleted (or entries were reordered).
    Missing { seq: i64 },
    /// The log ends before an entry a checkpoint vouches for: it was cut off.
    Truncated { last_seq: i64, checkpoint_seq: i64 },
    /// A checkpoint's signature is invalid, or it disagrees with the log.
    BadCheckpoint { seq: i64, origin: String },
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainBreak::Altered { seq } => write!(f, "entry {seq} was altered (its MAC does not match)"),
            ChainBreak::Missing { seq } => write!(f, "entry {seq} is missing (deleted or reordered)"),
            ChainBreak::Truncated { last_seq, checkpoint_seq } => write!(
                f,
                "the log was truncated: it ends at entry {last_seq}, but a signed checkpoint vouches for entry {checkpoint_seq}"
            ),
            ChainBreak::BadCheckpoint { seq, origin } => {
                write!(f, "the checkpoint at entry {seq} ({origin}) is invalid or disagrees with the log")
            }
        }
    }
}

/// What a successful verification covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub entries: i64,
    pub last_seq: i64,
    pub checkpoints: usize,
}

/// Walks the log in order. `mac(previous, bytes)` recomputes an entry's MAC; `signature_ok`
/// checks a checkpoint's signature. Returns the first break, or what was verified.
pub fn verify_chain<I, M, S>(
    entries: I,
    checkpoints: &[Checkpoint],
    genesis: &[u8],
    mac: M,
    signature_ok: S,
) -> Result<ChainReport, ChainBreak>
where
    I: IntoIterator<Item = (AuditEntry, Vec<u8>)>,
    M: Fn(&[u8], &[u8]) -> Vec<u8>,
    S: Fn(&Checkpoint) -> bool,
{
    for cp in checkpoints {
        if !signature_ok(cp) {
            return Err(ChainBreak::BadCheckpoint { seq: cp.seq, origin: cp.origin.clone() });
        }
    }
    let mut previous = genesis.to_vec();
    let mut expected = 1i64;
    let mut count = 0i64;
    for (entry, stored_mac) in entries {
        if entry.seq != expected {
            return Err(ChainBreak::Missing { seq: expected.min(entry.seq) });
        }
        let computed = mac(&previous, &entry.canonical_bytes());
        if computed != stored_mac {
            return Err(ChainBreak::Altered { seq: entry.seq });
        }
        for cp in checkpoints.iter().filter(|cp| cp.seq == entry.seq) {
            if cp.mac != computed {
                return Err(ChainBreak::BadCheckpoint { seq: cp.seq, origin: cp.origin.clone() });
            }
        }
        previous = computed;
        expected += 1;
        count += 1;
    }
    let last_seq = expected - 1;
    if let Some(cp) = checkpoints.iter().filter(|cp| cp.seq > last_seq).max_by_key(|cp| cp.seq) {
        return Err(ChainBreak::Truncated { last_seq, checkpoint_seq: cp.seq });
    }
    Ok(ChainReport { entries: count, last_seq, checkpoints: checkpoints.len() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn entry(seq: i64, summary: &str) -> AuditEntry {
        AuditEntry {
            seq,
            at: datetime!(2026-11-29 10:00 UTC) + time::Duration::seconds(seq),
            entry: NewAuditEntry {
                actor_kind: ActorKind::User,
                actor_id: Some(Uuid::nil()),
                actor_label: "an@az.be".into(),
                organisation_id: None,
                action: "organisation.create".into(),
                target_type: "organisation".into(),
                target_id: Some(format!("org-{seq}")),
                summary: summary.into(),
                details: "{}".into(),
                request_id: None,
                ip: None,
            },
        }
    }

    /// A toy MAC for the rules (the real one is keyed HMAC-SHA256 in ward-crypto).
    fn mac(prev: &[u8], bytes: &[u8]) -> Vec<u8> {
        let mut h: u64 = 1469598103934665603;
        for b in prev.iter().chain(bytes) {
            h = (h ^ u64::from(*b)).wrapping_mul(1099511628211);
        }
        h.to_be_bytes().to_vec()
    }

    fn sealed(n: i64) -> Vec<(AuditEntry, Vec<u8>)> {
        let mut prev = vec![0u8; 8];
        (1..=n)
            .map(|seq| {
                let e = entry(seq, &format!("change {seq}"));
                let m = mac(&prev, &e.canonical_bytes());
                prev = m.clone();
                (e, m)
            })
            .collect()
    }

    fn verify(log: Vec<(AuditEntry, Vec<u8>)>, cps: &[Checkpoint]) -> Result<ChainReport, ChainBreak> {
        verify_chain(log, cps, &[0u8; 8], mac, |cp| cp.signature == b"ok")
    }

    fn checkpoint(log: &[(AuditEntry, Vec<u8>)], seq: i64) -> Checkpoint {
        let mac = log.iter().find(|(e, _)| e.seq == seq).unwrap().1.clone();
        Checkpoint { seq, mac, signature: b"ok".to_vec(), origin: "database".into() }
    }

    #[test]
    fn an_intact_log_verifies() {
        let log = sealed(5);
        let cps = [checkpoint(&log, 5)];
        assert_eq!(verify(log, &cps), Ok(ChainReport { entries: 5, last_seq: 5, checkpoints: 1 }));
        assert_eq!(verify(vec![], &[]), Ok(ChainReport { entries: 0, last_seq: 0, checkpoints: 0 }));
    }

    #[test]
    fn modification_is_found() {
        let mut log = sealed(5);
        log[2].0.entry.summary = "nothing happened".into();
        assert_eq!(verify(log, &[]), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn deletion_is_found() {
        let mut log = sealed(5);
        log.remove(1);
        assert_eq!(verify(log, &[]), Err(ChainBreak::Missing { seq: 2 }));
    }

    #[test]
    fn reordering_is_found() {
        let mut log = sealed(5);
        // Swap the contents of entries 2 and 4 but keep the numbering.
        let (a, b) = (log[1].0.entry.clone(), log[3].0.entry.clone());
        log[1].0.entry = b;
        log[3].0.entry = a;
        assert_eq!(verify(log.clone(), &[]), Err(ChainBreak::Altered { seq: 2 }));
        // Swap whole rows.
        let mut rows = sealed(5);
        rows.swap(1, 3);
        assert_eq!(verify(rows, &[]), Err(ChainBreak::Missing { seq: 2 }));
    }

    #[test]
    fn truncation_after_a_checkpoint_is_found() {
        let log = sealed(5);
        let cps = [checkpoint(&log, 4)];
        let cut: Vec<_> = log.into_iter().take(3).collect();
        assert_eq!(verify(cut, &cps), Err(ChainBreak::Truncated { last_seq: 3, checkpoint_seq: 4 }));
    }

    #[test]
    fn forged_or_mismatched_checkpoints_are_found() {
        let log = sealed(3);
        let mut forged = checkpoint(&log, 2);
        forged.signature = b"forged".to_vec();
        assert_eq!(
            verify(log.clone(), &[forged]),
            Err(ChainBreak::BadCheckpoint { seq: 2, origin: "database".into() })
        );
        let mut wrong = checkpoint(&log, 2);
        wrong.mac = vec![1; 8];
        assert_eq!(
            verify(log, &[wrong]),
            Err(ChainBreak::BadCheckpoint { seq: 2, origin: "database".into() })
        );
    }

    #[test]
    fn canonical_bytes_separate_fields() {
        let mut a = entry(1, "ab");
        a.entry.actor_label = "x".into();
        let mut b = entry(1, "b");
        b.entry.actor_label = "xa".into();
        assert_ne!(a.canonical_bytes(), b.canonical_bytes());
    }
}
