//! The audit log's tamper evidence.
//!
//! Each entry's MAC is `HMAC-SHA256(chain key, previous MAC ‖ entry bytes)`, with a key that is
//! not in the database: someone who can write the database cannot recompute the chain after
//! changing, removing or reordering entries. Periodic checkpoints sign `(sequence, MAC)` with an
//! Ed25519 key and are also written outside the database, so a truncated log is caught too.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use zeroize::Zeroizing;

/// The MAC of the entry before the first one.
pub const GENESIS: [u8; 32] = [0; 32];

pub struct ChainKey(Zeroizing<[u8; 32]>);

impl ChainKey {
    pub fn from_bytes(bytes: [u8; 32]) -> ChainKey {
        ChainKey(Zeroizing::new(bytes))
    }

    pub fn mac(&self, previous: &[u8], entry: &[u8]) -> [u8; 32] {
        let mut input = Vec::with_capacity(4 + previous.len() + entry.len());
        input.extend_from_slice(&(previous.len() as u32).to_be_bytes());
        input.extend_from_slice(previous);
        input.extend_from_slice(entry);
        crate::token::keyed_mac(&self.0, &input)
    }
}

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(****)")
    }
}

pub struct CheckpointSigner(SigningKey);

impl CheckpointSigner {
    pub fn from_seed(seed: [u8; 32]) -> CheckpointSigner {
        CheckpointSigner(SigningKey::from_bytes(&seed))
    }

    pub fn sign(&self, seq: i64, mac: &[u8]) -> Vec<u8> {
        self.0.sign(&checkpoint_message(seq, mac)).to_bytes().to_vec()
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    pub fn verify(&self, seq: i64, mac: &[u8], signature: &[u8]) -> bool {
        verify_checkpoint(&self.public_key(), seq, mac, signature)
    }
}

impl std::fmt::Debug for CheckpointSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckpointSigner(****)")
    }
}

fn checkpoint_message(seq: i64, mac: &[u8]) -> Vec<u8> {
    [b"ward-audit-checkpoint-v1".as_slice(), &seq.to_be_bytes(), mac].concat()
}

/// Checks a checkpoint with only the public key: what an auditor can do offline.
pub fn verify_checkpoint(public_key: &[u8; 32], seq: i64, mac: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(public_key) else { return false };
    let Ok(sig) = Signature::from_slice(signature) else { return false };
    key.verify(&checkpoint_message(seq, mac), &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_depends_on_key_previous_and_entry() {
        let key = ChainKey::from_bytes([1; 32]);
        let a = key.mac(&GENESIS, b"entry 1");
        assert_eq!(a, key.mac(&GENESIS, b"entry 1"));
        assert_ne!(a, key.mac(&GENESIS, b"entry 2"));
        assert_ne!(a, key.mac(&[1; 32], b"entry 1"));
        assert_ne!(a, ChainKey::from_bytes([2; 32]).mac(&GENESIS, b"entry 1"));
    }

    #[test]
    fn checkpoints_verify_with_the_public_key_only() {
        let signer = CheckpointSigner::from_seed([3; 32]);
        let sig = signer.sign(42, &[9; 32]);
        assert!(verify_checkpoint(&signer.public_key(), 42, &[9; 32], &sig));
        assert!(!verify_checkpoint(&signer.public_key(), 43, &[9; 32], &sig));
        assert!(!verify_checkpoint(&signer.public_key(), 42, &[8; 32], &sig));
        assert!(!verify_checkpoint(&CheckpointSigner::from_seed([4; 32]).public_key(), 42, &[9; 32], &sig));
        assert!(!verify_checkpoint(&signer.public_key(), 42, &[9; 32], b"short"));
    }
}
