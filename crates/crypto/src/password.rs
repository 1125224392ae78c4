//! Password hashing with Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane),
//! stored as PHC strings so parameters can be raised later and old hashes upgraded on login.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::CryptoError;

pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> Result<String, CryptoError> {
    argon2().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|_| CryptoError::PasswordHash)
}

/// True when `password` matches the stored PHC string. A malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else { return false };
    argon2().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// Spends the same time as a real verification, for unknown accounts: the response time must not
/// tell whether an e-mail address has an account.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_password("ward dummy password for timing").unwrap_or_default());
    let _ = verify_password(password, phc);
}

/// True when a stored hash uses weaker parameters than today's: rehash on the next login.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else { return true };
    let Ok(params) = Params::try_from(&parsed) else { return true };
    parsed.algorithm.as_str() != "argon2id" || params.m_cost() < MEMORY_KIB || params.t_cost() < ITERATIONS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_carry_their_parameters() {
        let phc = hash_password("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("correct horse battery staple", &phc));
        assert!(!verify_password("correct horse battery stapl", &phc));
        assert!(!verify_password("x", "not a hash"));
        assert!(!needs_rehash(&phc));
        assert!(needs_rehash("$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"));
    }
}
