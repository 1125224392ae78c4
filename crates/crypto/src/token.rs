//! Random bearer secrets (session cookies, API tokens, setup and recovery codes) and their hashes.
//! Only hashes are stored: a copy of the database holds no usable token.

use data_encoding::BASE64URL_NOPAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{CryptoError, random_bytes};

/// 256 random bits, URL-safe base64 (43 characters), with an optional readable prefix.
pub fn new_token(prefix: &str) -> Result<String, CryptoError> {
    let bytes = random_bytes::<32>()?;
    Ok(format!("{prefix}{}", BASE64URL_NOPAD.encode(&bytes)))
}

/// SHA-256 of a token: what the database stores and looks up. A fast hash is right here: the
/// token has 256 bits of entropy, so there is nothing to brute-force.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Compares secrets without leaking where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// A one-time code people can type: groups of lowercase letters and digits without look-alikes.
pub fn new_human_code(groups: usize) -> Result<String, CryptoError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut out = String::new();
    for g in 0..groups {
        if g > 0 {
            out.push('-');
        }
        let bytes = random_bytes::<5>()?;
        for b in bytes {
            // Each character carries log2(31) ≈ 4.95 bits (the modulo bias is below 1 %): four
            // groups of five give about 99 bits, beyond offline guessing of their hashes.
            out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
        }
    }
    Ok(out)
}

/// HMAC-SHA256 of `data` under `key`: for values Ward derives and later checks (CSRF tokens).
pub fn keyed_mac(key: &[u8; 32], data: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, KeyInit, Mac};
    match <Hmac<Sha256> as KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().into()
        }
        // HMAC takes keys of any length; this arm cannot be reached.
        Err(_) => [0; 32],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hash_stably() {
        let a = new_token("wt_").unwrap();
        let b = new_token("wt_").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("wt_") && a.len() == 46);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        let code = new_human_code(2).unwrap();
        assert_eq!(code.len(), 11);
    }
}
