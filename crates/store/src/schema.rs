//! Migrations and the schema version check behind `ward migrate` and `/readyz`.

use sqlx::migrate::Migrator;

use crate::db::{Db, on_db};
use crate::{Store, StoreError};

static SQLITE: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("migrations/postgres");

/// Where the schema stands relative to what this binary knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaStatus {
    /// Highest migration applied to the database, if any.
    pub applied: Option<i64>,
    /// Highest migration this binary ships.
    pub known: i64,
    /// Migrations this binary ships that the database lacks.
    pub pending: usize,
    /// Migrations in the database this binary does not know: a newer ward wrote them.
    pub unknown: Vec<i64>,
}

impl SchemaStatus {
    pub fn is_current(&self) -> bool {
        self.pending == 0 && self.unknown.is_empty()
    }
}

impl Store {
    fn migrator(&self) -> &'static Migrator {
        match &*self.db {
            Db::Sqlite(_) => &SQLITE,
            Db::Postgres(_) => &POSTGRES,
        }
    }

    /// Compares the applied migrations with the ones this binary ships.
    pub async fn schema_status(&self) -> Result<SchemaStatus, StoreError> {
        let exists: bool = match &*self.db {
            Db::Sqlite(p) => sqlx::query_scalar(
                "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_one(p)
            .await?,
            Db::Postgres(p) => {
                sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL").fetch_one(p).await?
            }
        };
        let applied: Vec<i64> = if exists {
            on_db!(&*self.db, p => sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(p)
                .await)?
        } else {
            Vec::new()
        };
        let known: Vec<i64> = self.migrator().iter().map(|m| m.version).collect();
        Ok(SchemaStatus {
            applied: applied.last().copied(),
            known: known.last().copied().unwrap_or(0),
            pending: known.iter().filter(|v| !applied.contains(v)).count(),
            unknown: applied.iter().copied().filter(|v| !known.contains(v)).collect(),
        })
    }

    /// Applies pending migrations. Refuses a schema written by a newer ward, changing nothing.
    /// Safe with several processes: sqlx serialises migrators (an advisory lock on PostgreSQL,
    /// the database lock on SQLite).
    pub async fn migrate(&self) -> Result<SchemaStatus, StoreError> {
        let before = self.schema_status().await?;
        if let Some(&found) = before.unknown.iter().max() {
            return Err(StoreError::SchemaTooNew { found, known: before.known });
        }
        if before.pending > 0 {
            let migrator = self.migrator();
            on_db!(&*self.db, p => migrator.run(p).await)
                .map_err(|e| StoreError::Migration(e.to_string()))?;
        }
        self.schema_status().await
    }
}
