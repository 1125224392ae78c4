//! Authenticated encryption of sensitive fields (XChaCha20-Poly1305).
//!
//! Envelope: `"E1" ‖ key id (u32, big-endian) ‖ nonce (24 random bytes) ‖ ciphertext ‖ tag`.
//! The associated data binds each ciphertext to its table, column and row, so a value copied to
//! another row or column fails to decrypt instead of being shown in the wrong place.

use std::collections::BTreeMap;

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::{CryptoError, random_bytes};

const MAGIC: &[u8; 2] = b"E1";
const HEADER: usize = 2 + 4 + 24;

/// Where a value lives; part of what is authenticated.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub row: &'a [u8],
}

impl Place<'_> {
    fn aad(&self) -> Vec<u8> {
        [b"ward-field-v1\0".as_slice(), self.table.as_bytes(), b"\0", self.column.as_bytes(), b"\0", self.row]
            .concat()
    }
}

/// The data-encryption keys in use: new values use the current one, old values keep decrypting
/// with theirs until `ward keys rotate` re-encrypts them.
#[derive(Clone, Default)]
pub struct FieldCipher {
    keys: BTreeMap<u32, Zeroizing<[u8; 32]>>,
    current: Option<u32>,
}

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldCipher")
            .field("key_ids", &self.keys.keys().collect::<Vec<_>>())
            .field("current", &self.current)
            .finish()
    }
}

impl FieldCipher {
    /// Adds a key; the highest id is the current one.
    pub fn insert(&mut self, id: u32, key: [u8; 32]) {
        self.keys.insert(id, Zeroizing::new(key));
        self.current = self.keys.keys().next_back().copied();
    }

    pub fn current_key_id(&self) -> Option<u32> {
        self.current
    }

    pub fn has_key(&self, id: u32) -> bool {
        self.keys.contains_key(&id)
    }

    pub fn encrypt(&self, place: Place<'_>, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let id = self.current.ok_or(CryptoError::UnknownKey(0))?;
        let key = self.keys.get(&id).ok_or(CryptoError::UnknownKey(id))?;
        let nonce = random_bytes::<24>()?;
        let cipher = XChaCha20Poly1305::new(&(**key).into());
        let ct = cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad: &place.aad() })
            .map_err(|_| CryptoError::Decrypt)?;
        let mut out = Vec::with_capacity(HEADER + ct.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    pub fn decrypt(&self, place: Place<'_>, envelope: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let id = key_id_of(envelope).ok_or(CryptoError::Malformed)?;
        let key = self.keys.get(&id).ok_or(CryptoError::UnknownKey(id))?;
        let nonce: [u8; 24] = envelope[6..HEADER].try_into().map_err(|_| CryptoError::Malformed)?;
        let cipher = XChaCha20Poly1305::new(&(**key).into());
        cipher
            .decrypt(&XNonce::from(nonce), Payload { msg: &envelope[HEADER..], aad: &place.aad() })
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Decrypt)
    }
}

/// The key id of an envelope, or `None` when it is not one.
pub fn key_id_of(envelope: &[u8]) -> Option<u32> {
    if envelope.len() < HEADER + 16 || &envelope[..2] != MAGIC {
        return None;
    }
    Some(u32::from_be_bytes([envelope[2], envelope[3], envelope[4], envelope[5]]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cipher() -> FieldCipher {
        let mut c = FieldCipher::default();
        c.insert(1, [1; 32]);
        c
    }

    const HERE: Place<'static> = Place { table: "incidents", column: "narrative", row: b"row-1" };

    #[test]
    fn round_trip_and_binding() {
        let c = cipher();
        let env = c.encrypt(HERE, b"ransomware on PACS").unwrap();
        assert_eq!(key_id_of(&env), Some(1));
        assert_eq!(c.decrypt(HERE, &env).unwrap().as_slice(), b"ransomware on PACS");
        for other in [
            Place { row: b"row-2", ..HERE },
            Place { column: "summary", ..HERE },
            Place { table: "devices", ..HERE },
        ] {
            assert_eq!(c.decrypt(other, &env).unwrap_err(), CryptoError::Decrypt);
        }
    }

    #[test]
    fn rotation_keeps_old_values_readable() {
        let mut c = cipher();
        let old = c.encrypt(HERE, b"v1").unwrap();
        c.insert(2, [2; 32]);
        let new = c.encrypt(HERE, b"v2").unwrap();
        assert_eq!(key_id_of(&new), Some(2));
        assert_eq!(c.decrypt(HERE, &old).unwrap().as_slice(), b"v1");
        let mut only_new = FieldCipher::default();
        only_new.insert(2, [2; 32]);
        assert_eq!(only_new.decrypt(HERE, &old).unwrap_err(), CryptoError::UnknownKey(1));
    }

    proptest! {
        #[test]
        fn any_single_byte_change_is_detected(msg in proptest::collection::vec(any::<u8>(), 0..64), idx in any::<usize>(), bit in 0u8..8) {
            let c = cipher();
            let mut env = c.encrypt(HERE, &msg).unwrap();
            let i = idx % env.len();
            env[i] ^= 1 << bit;
            prop_assert!(c.decrypt(HERE, &env).is_err());
        }

        #[test]
        fn decrypt_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
            let _ = cipher().decrypt(HERE, &bytes);
        }
    }
}
