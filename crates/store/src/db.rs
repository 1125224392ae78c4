use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use std::sync::RwLock;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgConnection, PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use ward_crypto::audit::{ChainKey, CheckpointSigner};
use ward_crypto::field::FieldCipher;
use ward_crypto::keys::MasterKey;

use crate::StoreError;

/// Runs `$body` with `$c` bound to the backend's pool (or connection), once per backend, so both
/// arms are type-checked against their driver.
macro_rules! on_db {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($c) => $body,
            $crate::db::Db::Postgres($c) => $body,
        }
    };
}

/// Same as [`on_db!`] for an open transaction.
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::db::TxInner::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::TxInner::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use {on_db, on_tx};

/// Where the data lives: a SQLite file in the data folder, or a PostgreSQL URL.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    SqliteFile(PathBuf),
    Postgres(String),
}

impl DatabaseTarget {
    /// The database file inside a data folder.
    pub fn in_data_dir(dir: &Path) -> Self {
        DatabaseTarget::SqliteFile(dir.join("ward.db"))
    }

    /// `postgres://` / `postgresql://` URLs select PostgreSQL; `sqlite://PATH` a SQLite file.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseTarget::Postgres(url.to_owned()))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or(path);
            Ok(DatabaseTarget::SqliteFile(PathBuf::from(path)))
        } else {
            Err(StoreError::Unavailable(format!(
                "unsupported database URL {}; use postgres://… or sqlite://PATH",
                redact_url(url)
            )))
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            DatabaseTarget::SqliteFile(_) => "sqlite",
            DatabaseTarget::Postgres(_) => "postgres",
        }
    }

    /// A form safe to print: passwords replaced by `****`.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseTarget::SqliteFile(path) => format!("sqlite://{}", path.display()),
            DatabaseTarget::Postgres(url) => redact_url(url),
        }
    }
}

impl fmt::Debug for DatabaseTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Replaces the password of `scheme://user:password@host…` (and a `password=` query parameter).
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = out[rest_start..].find(['/', '?']).map_or(out.len(), |i| rest_start + i);
        if let Some(at) = out[rest_start..authority_end].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                out.replace_range(rest_start + colon + 1..rest_start + at, "****");
            }
        }
    }
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=****"),
                _ => kv.to_owned(),
            })
            .collect();
        out = format!("{head}{}", query.join("&"));
    }
    out
}

pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The keys storage uses: the audit chain key and checkpoint signer (derived from the master key)
/// and the data-encryption keys for sensitive columns (stored wrapped in `data_keys`).
pub(crate) struct Keys {
    pub(crate) master: MasterKey,
    pub(crate) chain: ChainKey,
    pub(crate) signer: CheckpointSigner,
    pub(crate) fields: RwLock<FieldCipher>,
    /// Checkpoints are also appended here, outside the database.
    pub(crate) checkpoint_file: Option<PathBuf>,
}

/// A handle on Ward's database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) db: std::sync::Arc<Db>,
    pub(crate) keys: std::sync::Arc<Keys>,
    target: DatabaseTarget,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("target", &self.target).finish()
    }
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

impl Store {
    /// Opens the database; a SQLite file (and its folder) is created when missing. Does not migrate.
    /// `master` unlocks the audit chain and encrypted columns; `checkpoint_file` receives a copy of
    /// every audit checkpoint.
    pub async fn connect(
        target: &DatabaseTarget,
        master: MasterKey,
        checkpoint_file: Option<PathBuf>,
    ) -> Result<Self, StoreError> {
        let db = match target {
            DatabaseTarget::SqliteFile(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        StoreError::Unavailable(format!(
                            "data folder {} cannot be created ({e}); choose another with --data or WARD_DATA_DIR",
                            dir.display()
                        ))
                    })?;
                }
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .connect_with(options)
                    .await
                    .map_err(|e| {
                        StoreError::Unavailable(format!(
                            "database file {} cannot be opened ({e}); check that the data folder is writable \
                             or choose another with --data or WARD_DATA_DIR",
                            path.display()
                        ))
                    })?;
                Db::Sqlite(pool)
            }
            DatabaseTarget::Postgres(url) => {
                let options = PgConnectOptions::from_str(url).map_err(|e| {
                    StoreError::Unavailable(format!("invalid PostgreSQL URL {} ({e})", redact_url(url)))
                })?;
                let unavailable = |reason: String| {
                    StoreError::Unavailable(format!(
                        "PostgreSQL at {} does not answer ({reason}); check WARD_DATABASE_URL and that the server is running",
                        redact_url(url),
                    ))
                };
                // One direct attempt first: a pool retries until its timeout and then reports only
                // "timed out", hiding the real cause (refused, unknown host, bad password …).
                let probe = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
                    .await
                    .map_err(|_| unavailable("no answer within 5 s".to_owned()))?
                    .map_err(|e| unavailable(first_line(&e.to_string()).to_owned()))?;
                let _ = probe.close().await;
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .connect_with(options)
                    .await
                    .map_err(|e| unavailable(first_line(&e.to_string()).to_owned()))?;
                Db::Postgres(pool)
            }
        };
        let keys = Keys {
            chain: master.audit_mac_key(),
            signer: master.checkpoint_signer(),
            master,
            fields: RwLock::new(FieldCipher::default()),
            checkpoint_file,
        };
        Ok(Self { db: std::sync::Arc::new(db), keys: std::sync::Arc::new(keys), target: target.clone() })
    }

    pub fn target(&self) -> &DatabaseTarget {
        &self.target
    }

    /// Round-trips a trivial query: the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_db!(&*self.db, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Starts a unit of work. Dropping it without [`Tx::commit`] rolls everything back.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let inner = match &*self.db {
            // IMMEDIATE takes SQLite's write lock up front, so two writers queue on busy_timeout
            // instead of one failing when it upgrades from a read.
            Db::Sqlite(p) => TxInner::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => TxInner::Postgres(p.begin().await?),
        };
        Ok(Tx { inner, keys: self.keys.clone(), pending_checkpoints: Vec::new() })
    }

    /// Closes the pool; waits for connections in use.
    pub async fn close(&self) {
        on_db!(&*self.db, p => p.close().await);
    }
}

pub(crate) enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// An open database transaction: every write of a use case goes through one.
pub struct Tx {
    pub(crate) inner: TxInner,
    pub(crate) keys: std::sync::Arc<Keys>,
    /// Checkpoints written in this transaction, copied to the checkpoint file once committed.
    pub(crate) pending_checkpoints: Vec<String>,
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        if let (Some(path), false) = (&self.keys.checkpoint_file, self.pending_checkpoints.is_empty()) {
            crate::audit::append_checkpoint_lines(path, &self.pending_checkpoints);
        }
        Ok(())
    }

    pub fn backend(&self) -> &'static str {
        match self.inner {
            TxInner::Sqlite(_) => "sqlite",
            TxInner::Postgres(_) => "postgres",
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(redact_url("postgres://ward:s3cret@db:5432/ward"), "postgres://ward:****@db:5432/ward");
        assert_eq!(redact_url("postgres://ward@db/ward"), "postgres://ward@db/ward");
        assert_eq!(
            redact_url("postgres://db/ward?user=w&password=x&sslmode=require"),
            "postgres://db/ward?user=w&password=****&sslmode=require"
        );
        assert_eq!(redact_url("postgres://a:b@c@host/x"), "postgres://a:****@host/x");
    }

    #[test]
    fn targets_from_urls() {
        assert_eq!(DatabaseTarget::from_url("postgresql://h/db").unwrap().backend(), "postgres");
        assert_eq!(
            DatabaseTarget::from_url("sqlite:///var/lib/ward/ward.db?mode=rwc").unwrap(),
            DatabaseTarget::SqliteFile("/var/lib/ward/ward.db".into())
        );
        let err = DatabaseTarget::from_url("mysql://u:pw@h/db").unwrap_err().to_string();
        assert!(err.contains("mysql://u:****@h/db"), "{err}");
    }
}
