//! Data-encryption keys for sensitive columns, stored wrapped by the master key.
//!
//! Every process loads them at start; a key id it has not seen (another process rotated) makes it
//! reload. Rotation adds a key; re-encryption moves values to it; old keys stay until unused.

use time::OffsetDateTime;
use uuid::Uuid;
use ward_crypto::field::{FieldCipher, Place};
use ward_crypto::{CryptoError, random_bytes};

use crate::db::{on_db, on_tx};
use crate::{Store, StoreError, Tx};

/// Decrypted bytes, wiped when dropped.
pub type Secret = zeroize::Zeroizing<Vec<u8>>;

impl Store {
    /// Loads the data keys, creating the first one on a new installation. Fails when the master
    /// key does not match the database (a wrong or replaced key file).
    pub async fn load_data_keys(&self) -> Result<(), StoreError> {
        let mut rows = self.data_key_rows().await?;
        if rows.is_empty() {
            let key = random_bytes::<32>().map_err(crypto)?;
            let wrapped = self.keys.master.wrap_data_key(1, &key).map_err(crypto)?;
            const SQL: &str = "INSERT INTO data_keys (id, wrapped, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING";
            on_db!(&*self.db, p => sqlx::query(SQL).bind(wrapped).bind(OffsetDateTime::now_utc()).execute(p).await.map(|_| ()))?;
            rows = self.data_key_rows().await?;
        }
        let mut cipher = FieldCipher::default();
        for (id, wrapped) in rows {
            let id = u32::try_from(id).map_err(|_| StoreError::Corrupt(format!("data key id {id}")))?;
            let key = self.keys.master.unwrap_data_key(id, &wrapped).map_err(|_| {
                StoreError::Unavailable(
                    "the master key does not match this database; restore the right key file \
                     (WARD_MASTER_KEY_FILE or master.key in the data folder)"
                        .to_owned(),
                )
            })?;
            cipher.insert(id, key);
        }
        *self.keys.fields.write().map_err(|_| StoreError::Corrupt("key cache poisoned".into()))? = cipher;
        Ok(())
    }

    async fn data_key_rows(&self) -> Result<Vec<(i32, Vec<u8>)>, StoreError> {
        const SQL: &str = "SELECT id, wrapped FROM data_keys ORDER BY id";
        Ok(on_db!(&*self.db, p => sqlx::query_as(SQL).fetch_all(p).await)?)
    }

    /// Adds a new data key and makes it current. Returns its id.
    pub async fn add_data_key(&self) -> Result<u32, StoreError> {
        let mut tx = self.begin().await?;
        let next: i32 = on_tx!(&mut tx.inner, c => sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM data_keys").fetch_one(c).await)?;
        let id = u32::try_from(next).map_err(|_| StoreError::Corrupt("data key id".into()))?;
        let key = random_bytes::<32>().map_err(crypto)?;
        let wrapped = self.keys.master.wrap_data_key(id, &key).map_err(crypto)?;
        const SQL: &str = "INSERT INTO data_keys (id, wrapped, created_at) VALUES ($1, $2, $3)";
        on_tx!(&mut tx.inner, c => sqlx::query(SQL).bind(next).bind(wrapped).bind(OffsetDateTime::now_utc()).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        self.load_data_keys().await?;
        Ok(id)
    }

    pub fn current_data_key(&self) -> Option<u32> {
        self.keys.fields.read().ok().and_then(|c| c.current_key_id())
    }

    pub(crate) async fn decrypt(&self, place: Place<'_>, envelope: &[u8]) -> Result<Secret, StoreError> {
        let attempt = self.cipher()?.decrypt(place, envelope);
        match attempt {
            Err(CryptoError::UnknownKey(_)) => {
                // Another process rotated keys since this one loaded them.
                self.load_data_keys().await?;
                self.cipher()?.decrypt(place, envelope).map_err(crypto)
            }
            other => other.map_err(crypto),
        }
    }

    fn cipher(&self) -> Result<FieldCipher, StoreError> {
        self.keys
            .fields
            .read()
            .map(|c| c.clone())
            .map_err(|_| StoreError::Corrupt("key cache poisoned".into()))
    }
}

impl Tx {
    /// Moves every value of the given encrypted `(table, column)`s (rows keyed by a UUID `id`) that
    /// is not under the current data key to it. Returns how many moved.
    pub(crate) async fn reencrypt_columns(
        &mut self,
        store: &Store,
        columns: &[(&'static str, &'static str)],
    ) -> Result<usize, StoreError> {
        let current = store.current_data_key().ok_or(StoreError::Crypto("no data key".into()))?;
        let mut moved = 0;
        for &(table, column) in columns {
            // Table and column names are this crate's constants, never input.
            let select = format!("SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL");
            let rows: Vec<(Uuid, Vec<u8>)> = on_tx!(&mut self.inner, c => sqlx::query_as(sqlx::AssertSqlSafe(select.as_str())).fetch_all(c).await)?;
            let update = format!("UPDATE {table} SET {column} = $2 WHERE id = $1");
            for (id, envelope) in rows {
                if ward_crypto::field::key_id_of(&envelope) == Some(current) {
                    continue;
                }
                let place = Place { table, column, row: id.as_bytes() };
                let plain = store.decrypt(place, &envelope).await?;
                let fresh = self.encrypt(place, &plain)?;
                on_tx!(&mut self.inner, c => sqlx::query(sqlx::AssertSqlSafe(update.as_str())).bind(id).bind(&fresh).execute(c).await.map(|_| ()))?;
                moved += 1;
            }
        }
        Ok(moved)
    }

    pub(crate) fn encrypt(&self, place: Place<'_>, plaintext: &[u8]) -> Result<Vec<u8>, StoreError> {
        let cipher = self
            .keys
            .fields
            .read()
            .map(|c| c.clone())
            .map_err(|_| StoreError::Corrupt("key cache poisoned".into()))?;
        cipher.encrypt(place, plaintext).map_err(crypto)
    }
}

pub(crate) fn crypto(e: CryptoError) -> StoreError {
    StoreError::Crypto(e.to_string())
}
