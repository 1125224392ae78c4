//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the format
//! every authenticator app understands. Verification accepts one step of clock drift either way
//! and refuses a step at or before the last one used, so a code cannot be replayed.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::{CryptoError, random_bytes};

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;

/// A new 160-bit secret (RFC 4226 recommends at least 128 bits; 160 is the common choice).
pub fn new_secret() -> Result<Vec<u8>, CryptoError> {
    Ok(random_bytes::<20>()?.to_vec())
}

/// The secret as authenticator apps show and accept it (base32, no padding).
pub fn secret_base32(secret: &[u8]) -> String {
    BASE32_NOPAD.encode(secret)
}

/// The code for one time step (RFC 4226 dynamic truncation).
pub fn code_at_step(secret: &[u8], step: i64) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else { return 0 };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10u32.pow(DIGITS)
}

pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The step a typed code matches at `unix_seconds` (±1 step), if it is newer than `last_used_step`.
pub fn verify(secret: &[u8], code: &str, unix_seconds: i64, last_used_step: Option<i64>) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let typed: u32 = code.parse().ok()?;
    let now = step_of(unix_seconds);
    [now - 1, now, now + 1].into_iter().filter(|step| last_used_step.is_none_or(|last| *step > last)).find(
        |step| {
            crate::token::constant_time_eq(&code_at_step(secret, *step).to_be_bytes(), &typed.to_be_bytes())
        },
    )
}

/// The `otpauth://` URI an authenticator app scans.
pub fn provisioning_uri(secret: &[u8], account: &str, issuer: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        secret_base32(secret),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, truncated to 6 digits.
    #[test]
    fn rfc_6238_vectors() {
        let secret = b"12345678901234567890";
        for (t, expected) in
            [(59, 287082), (1111111109, 81804), (1111111111, 50471), (1234567890, 5924), (2000000000, 279037)]
        {
            assert_eq!(code_at_step(secret, step_of(t)), expected, "t={t}");
        }
    }

    #[test]
    fn verification_allows_drift_and_refuses_replay() {
        let secret = b"12345678901234567890";
        let t = 1111111111;
        let code = format!("{:06}", code_at_step(secret, step_of(t)));
        let step = verify(secret, &code, t, None).unwrap();
        assert_eq!(verify(secret, &code, t + 30, None), Some(step), "one step late is fine");
        assert_eq!(verify(secret, &code, t + 90, None), None, "three steps late is not");
        assert_eq!(verify(secret, &code, t, Some(step)), None, "a used code cannot be replayed");
        assert_eq!(verify(secret, "12345", t, None), None);
        assert_eq!(verify(secret, "abcdef", t, None), None);
    }

    #[test]
    fn provisioning_uri_is_well_formed() {
        let uri = provisioning_uri(b"12345678901234567890", "an@az.be", "Ward AZ");
        assert!(
            uri.starts_with(
                "otpauth://totp/Ward%20AZ:an@az.be?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Ward%20AZ"
            ),
            "{uri}"
        );
    }
}
