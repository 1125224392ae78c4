//! The master key and what is derived from it.
//!
//! One 256-bit master key per installation (a file in the data folder, or supplied by the
//! operator; every `ward serve` of one installation needs the same one). From it, HKDF-SHA256
//! derives separate keys per purpose, so no key is used for two things: the audit chain's MAC key,
//! the checkpoint signing key, and the key-encryption key that wraps the data-encryption keys
//! stored in the database.

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use data_encoding::BASE64;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::{CryptoError, random_bytes};

const PREFIX: &str = "ward-master-key-v1:";

#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(****)")
    }
}

impl MasterKey {
    pub fn generate() -> Result<MasterKey, CryptoError> {
        Ok(MasterKey(Zeroizing::new(random_bytes::<32>()?)))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> MasterKey {
        MasterKey(Zeroizing::new(bytes))
    }

    /// Reads `ward-master-key-v1:<base64>` (surrounding whitespace and `#` comment lines ignored).
    pub fn from_text(text: &str) -> Result<MasterKey, CryptoError> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .ok_or(CryptoError::InvalidKey("the key file is empty"))?;
        let encoded =
            line.strip_prefix(PREFIX).ok_or(CryptoError::InvalidKey("expected ward-master-key-v1:…"))?;
        let mut bytes =
            BASE64.decode(encoded.as_bytes()).map_err(|_| CryptoError::InvalidKey("not base64"))?;
        let key: [u8; 32] =
            bytes.as_slice().try_into().map_err(|_| CryptoError::InvalidKey("not 32 bytes"))?;
        bytes.zeroize();
        Ok(MasterKey(Zeroizing::new(key)))
    }

    pub fn to_text(&self) -> String {
        format!(
            "# Ward master key: keep it secret, back it up apart from the database.\n{PREFIX}{}\n",
            BASE64.encode(self.0.as_slice())
        )
    }

    fn derive(&self, purpose: &str) -> [u8; 32] {
        let hk = Hkdf::<Sha256>::new(Some(b"ward"), self.0.as_slice());
        let mut out = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's output limit, so expand cannot fail.
        let _ = hk.expand(purpose.as_bytes(), &mut out);
        out
    }

    pub fn audit_mac_key(&self) -> crate::audit::ChainKey {
        crate::audit::ChainKey::from_bytes(self.derive("audit chain mac v1"))
    }

    pub fn checkpoint_signer(&self) -> crate::audit::CheckpointSigner {
        crate::audit::CheckpointSigner::from_seed(self.derive("audit checkpoint ed25519 v1"))
    }

    /// Key for things Ward must not forge but need not hide (e.g. CSRF tokens).
    pub fn mac_key(&self, purpose: &str) -> [u8; 32] {
        self.derive(&format!("mac {purpose} v1"))
    }

    fn kek(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.derive("data key wrapping v1").into())
    }

    /// Encrypts a data-encryption key for storage, bound to its id.
    pub fn wrap_data_key(&self, id: u32, key: &[u8; 32]) -> Result<Vec<u8>, CryptoError> {
        let nonce_bytes = random_bytes::<24>()?;
        let aad = [b"ward-dek-v1:".as_slice(), &id.to_be_bytes()].concat();
        let ct = self
            .kek()
            .encrypt(&XNonce::from(nonce_bytes), Payload { msg: key, aad: &aad })
            .map_err(|_| CryptoError::Decrypt)?;
        Ok([nonce_bytes.as_slice(), &ct].concat())
    }

    pub fn unwrap_data_key(&self, id: u32, wrapped: &[u8]) -> Result<[u8; 32], CryptoError> {
        if wrapped.len() < 24 {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ct) = wrapped.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().map_err(|_| CryptoError::Malformed)?;
        let aad = [b"ward-dek-v1:".as_slice(), &id.to_be_bytes()].concat();
        let mut plain = self
            .kek()
            .decrypt(&XNonce::from(nonce), Payload { msg: ct, aad: &aad })
            .map_err(|_| CryptoError::Decrypt)?;
        let key: Result<[u8; 32], _> = plain.as_slice().try_into();
        plain.zeroize();
        key.map_err(|_| CryptoError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trip_and_errors() {
        let key = MasterKey::generate().unwrap();
        let back = MasterKey::from_text(&key.to_text()).unwrap();
        assert_eq!(*key.0, *back.0);
        assert!(MasterKey::from_text("").is_err());
        assert!(MasterKey::from_text("ward-master-key-v1:AAAA").is_err());
        assert!(MasterKey::from_text("something else").is_err());
        assert_eq!(format!("{key:?}"), "MasterKey(****)");
    }

    #[test]
    fn derived_keys_differ_by_purpose() {
        let key = MasterKey::from_bytes([7; 32]);
        assert_ne!(key.derive("a"), key.derive("b"));
        assert_eq!(key.derive("a"), MasterKey::from_bytes([7; 32]).derive("a"));
    }

    #[test]
    fn data_keys_wrap_and_are_bound_to_their_id() {
        let key = MasterKey::generate().unwrap();
        let dek = [9u8; 32];
        let wrapped = key.wrap_data_key(3, &dek).unwrap();
        assert_eq!(key.unwrap_data_key(3, &wrapped).unwrap(), dek);
        assert_eq!(key.unwrap_data_key(4, &wrapped), Err(CryptoError::Decrypt));
        let other = MasterKey::generate().unwrap();
        assert_eq!(other.unwrap_data_key(3, &wrapped), Err(CryptoError::Decrypt));
    }
}
