//! Ward's cryptography, small and separately tested: password hashing, random tokens, TOTP,
//! field encryption with keys bound to their place, and the keyed audit chain with signed
//! checkpoints.
//!
//! Pure computation over bytes: no I/O except the operating system's random source. Keys come in
//! as bytes; where they are kept is the application's business.

pub mod audit;
pub mod field;
pub mod keys;
pub mod password;
pub mod token;
pub mod totp;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("the operating system's random source failed")]
    Random,
    #[error("ciphertext is malformed")]
    Malformed,
    #[error("no key with id {0}")]
    UnknownKey(u32),
    #[error("decryption failed: wrong key, wrong place, or tampered data")]
    Decrypt,
    #[error("password hashing failed")]
    PasswordHash,
    #[error("key material is invalid: {0}")]
    InvalidKey(&'static str),
}

/// Fills `buf` from the operating system's random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|_| CryptoError::Random)?;
    Ok(buf)
}
