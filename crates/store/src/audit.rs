//! The audit log: appending sealed entries inside the caller's transaction, reading them back,
//! checkpoints, and verification.

use std::io::Write;
use std::path::Path;

use time::OffsetDateTime;
use uuid::Uuid;
use ward_crypto::audit::GENESIS;
use ward_domain::{ActorKind, AuditEntry, ChainBreak, ChainReport, Checkpoint, NewAuditEntry, verify_chain};

use crate::db::{TxInner, on_db, on_tx};
use crate::{Store, StoreError, Tx};

/// A signed checkpoint is written every this many entries (and on demand).
pub const CHECKPOINT_EVERY: i64 = 100;

/// Arbitrary constant naming the PostgreSQL advisory lock that serialises appends.
const APPEND_LOCK: i64 = 0x5741_5244_4155_4449; // "WARDAUDI"

#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    at: OffsetDateTime,
    actor_kind: String,
    actor_id: Option<Uuid>,
    actor_label: String,
    organisation_id: Option<Uuid>,
    action: String,
    target_type: String,
    target_id: Option<String>,
    summary: String,
    details: String,
    request_id: Option<String>,
    ip: Option<String>,
    mac: Vec<u8>,
}

impl EventRow {
    fn into_entry(self) -> (AuditEntry, Vec<u8>) {
        let entry = AuditEntry {
            seq: self.seq,
            at: self.at,
            entry: NewAuditEntry {
                // An unknown kind cannot be produced by Ward; keep the row and let the MAC flag it.
                actor_kind: ActorKind::parse(&self.actor_kind).unwrap_or(ActorKind::Anonymous),
                actor_id: self.actor_id,
                actor_label: self.actor_label,
                organisation_id: self.organisation_id,
                action: self.action,
                target_type: self.target_type,
                target_id: self.target_id,
                summary: self.summary,
                details: self.details,
                request_id: self.request_id,
                ip: self.ip,
            },
        };
        (entry, self.mac)
    }
}

macro_rules! event_columns {
    () => {
        "seq, at, actor_kind, actor_id, actor_label, organisation_id, action, target_type, target_id, \
         summary, details, request_id, ip, mac"
    };
}

/// Which entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// `Some(id)`: that organisation's entries; `None`: the whole installation.
    pub organisation_id: Option<Uuid>,
    /// Entries whose action starts with this (e.g. `member.`).
    pub action_prefix: Option<String>,
    /// Entries whose actor label contains this.
    pub actor: Option<String>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    /// Newest first, at most this many (capped at 10 000).
    pub limit: i64,
    /// Only entries before this sequence number (for paging).
    pub before_seq: Option<i64>,
}

impl Tx {
    /// Appends an entry to the audit log in this transaction: numbered after the last one and
    /// sealed with the chain MAC. Appends are serialised (SQLite's write lock, taken at BEGIN
    /// IMMEDIATE; an advisory lock on PostgreSQL), so the chain stays linear with many processes.
    pub async fn append_audit(
        &mut self,
        entry: NewAuditEntry,
        at: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        if let TxInner::Postgres(t) = &mut self.inner {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(APPEND_LOCK).execute(&mut **t).await?;
        }
        const LAST: &str = "SELECT seq, mac FROM audit_events ORDER BY seq DESC LIMIT 1";
        let last: Option<(i64, Vec<u8>)> =
            on_tx!(&mut self.inner, c => sqlx::query_as(LAST).fetch_optional(c).await)?;
        let (seq, previous) = match last {
            Some((seq, mac)) => (seq + 1, mac),
            None => (1, GENESIS.to_vec()),
        };
        let sealed = AuditEntry { seq, at, entry };
        let mac = self.keys.chain.mac(&previous, &sealed.canonical_bytes());
        const INSERT: &str = concat!(
            "INSERT INTO audit_events (",
            event_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        );
        let e = &sealed.entry;
        on_tx!(&mut self.inner, c => sqlx::query(INSERT)
            .bind(seq)
            .bind(at)
            .bind(e.actor_kind.code())
            .bind(e.actor_id)
            .bind(&e.actor_label)
            .bind(e.organisation_id)
            .bind(&e.action)
            .bind(&e.target_type)
            .bind(&e.target_id)
            .bind(&e.summary)
            .bind(&e.details)
            .bind(&e.request_id)
            .bind(&e.ip)
            .bind(mac.as_slice())
            .execute(c)
            .await
            .map(|_| ()))?;
        if seq.is_positive() && (seq % CHECKPOINT_EVERY == 0) {
            self.write_checkpoint(seq, &mac, at).await?;
        }
        Ok(seq)
    }

    async fn write_checkpoint(&mut self, seq: i64, mac: &[u8], at: OffsetDateTime) -> Result<(), StoreError> {
        let signature = self.keys.signer.sign(seq, mac);
        const SQL: &str = "INSERT INTO audit_checkpoints (seq, mac, signature, created_at) VALUES ($1, $2, $3, $4) \
                           ON CONFLICT (seq) DO NOTHING";
        on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(seq).bind(mac).bind(signature.as_slice()).bind(at).execute(c).await.map(|_| ()))?;
        self.pending_checkpoints.push(format!(
            "{seq} {} {} {}",
            to_hex(mac),
            to_hex(&signature),
            at.unix_timestamp()
        ));
        tracing::info!(seq, mac = %to_hex(mac), "audit checkpoint signed");
        Ok(())
    }

    /// Signs a checkpoint at the current end of the log (e.g. before a backup or an audit).
    pub async fn checkpoint_now(&mut self, at: OffsetDateTime) -> Result<Option<i64>, StoreError> {
        if let TxInner::Postgres(t) = &mut self.inner {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(APPEND_LOCK).execute(&mut **t).await?;
        }
        const LAST: &str = "SELECT seq, mac FROM audit_events ORDER BY seq DESC LIMIT 1";
        let last: Option<(i64, Vec<u8>)> =
            on_tx!(&mut self.inner, c => sqlx::query_as(LAST).fetch_optional(c).await)?;
        match last {
            Some((seq, mac)) => {
                self.write_checkpoint(seq, &mac, at).await?;
                Ok(Some(seq))
            }
            None => Ok(None),
        }
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// Appends checkpoint lines to the file outside the database. A failure is logged, not fatal:
/// the database copy exists, and refusing the user's change over a full disk would be worse.
pub(crate) fn append_checkpoint_lines(path: &Path, lines: &[String]) {
    let result = std::fs::OpenOptions::new().create(true).append(true).open(path).and_then(|mut f| {
        for line in lines {
            writeln!(f, "{line}")?;
        }
        f.sync_data()
    });
    if let Err(e) = result {
        tracing::error!(path = %path.display(), error = %e, "cannot write the audit checkpoint file");
    }
}

/// Reads `seq mac signature unix_time` lines; malformed lines become invalid checkpoints so
/// verification reports them rather than skipping them.
fn read_checkpoint_file(path: &Path) -> Vec<Checkpoint> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    let origin = format!("file {}", path.display());
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut parts = line.split_whitespace();
            let seq = parts.next().and_then(|s| s.parse().ok()).unwrap_or(-1);
            let mac = parts.next().and_then(from_hex).unwrap_or_default();
            let signature = parts.next().and_then(from_hex).unwrap_or_default();
            Checkpoint { seq, mac, signature, origin: origin.clone() }
        })
        .collect()
}

impl Store {
    /// Entries matching `query`, newest first.
    pub async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        // Optional filters as `($n IS NULL OR …)` keep one static SQL text for every combination.
        const SQL: &str = concat!(
            "SELECT ",
            event_columns!(),
            " FROM audit_events WHERE ($1 IS NULL OR organisation_id = $1) \
             AND ($2 IS NULL OR action LIKE $2 ESCAPE '\\') AND ($3 IS NULL OR LOWER(actor_label) LIKE $3 ESCAPE '\\') \
             AND ($4 IS NULL OR at >= $4) AND ($5 IS NULL OR at < $5) AND ($6 IS NULL OR seq < $6) \
             ORDER BY seq DESC LIMIT $7"
        );
        let like_prefix = query.action_prefix.as_ref().map(|p| format!("{}%", escape_like(p)));
        let like_actor = query.actor.as_ref().map(|a| format!("%{}%", escape_like(&a.to_lowercase())));
        let limit = query.limit.clamp(1, 10_000);
        let rows: Vec<EventRow> = on_db!(&*self.db, p => sqlx::query_as(SQL)
            .bind(query.organisation_id)
            .bind(&like_prefix)
            .bind(&like_actor)
            .bind(query.since)
            .bind(query.until)
            .bind(query.before_seq)
            .bind(limit)
            .fetch_all(p)
            .await)?;
        Ok(rows.into_iter().map(|r| r.into_entry().0).collect())
    }

    /// Walks the whole log and every checkpoint (database and file) and reports the first break.
    pub async fn verify_audit_log(&self) -> Result<Result<ChainReport, ChainBreak>, StoreError> {
        const ENTRIES: &str = concat!("SELECT ", event_columns!(), " FROM audit_events ORDER BY seq");
        const CHECKPOINTS: &str = "SELECT seq, mac, signature FROM audit_checkpoints ORDER BY seq";
        let rows: Vec<EventRow> = on_db!(&*self.db, p => sqlx::query_as(ENTRIES).fetch_all(p).await)?;
        let stored: Vec<(i64, Vec<u8>, Vec<u8>)> =
            on_db!(&*self.db, p => sqlx::query_as(CHECKPOINTS).fetch_all(p).await)?;
        let mut checkpoints: Vec<Checkpoint> = stored
            .into_iter()
            .map(|(seq, mac, signature)| Checkpoint { seq, mac, signature, origin: "database".to_owned() })
            .collect();
        if let Some(path) = &self.keys.checkpoint_file {
            checkpoints.extend(read_checkpoint_file(path));
        }
        let keys = &self.keys;
        Ok(verify_chain(
            rows.into_iter().map(EventRow::into_entry),
            &checkpoints,
            &GENESIS,
            |prev, bytes| keys.chain.mac(prev, bytes).to_vec(),
            |cp| keys.signer.verify(cp.seq, &cp.mac, &cp.signature),
        ))
    }

    /// The checkpoint signing key's public half, for offline verification by an auditor.
    pub fn checkpoint_public_key(&self) -> [u8; 32] {
        self.keys.signer.public_key()
    }
}

/// Escapes `%`, `_` and `\` for LIKE with the default escape character.
fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        assert_eq!(from_hex(&to_hex(&[0, 1, 254, 255])), Some(vec![0, 1, 254, 255]));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
    }
}
