//! User accounts: e-mail addresses, display names and the password rules (OWASP ASVS V2.1).

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// A login e-mail address, stored lowercased so `A@x.be` and `a@x.be` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, ValidationError> {
        let s = input.trim().to_lowercase();
        let err = |reason: &str| ValidationError::new("email", "format", reason);
        if s.len() > 254 {
            return Err(err("must be at most 254 characters"));
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(err("must look like name@example.be"));
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with(['.', '-'])
            && !domain.ends_with(['.', '-'])
            && domain.split('.').all(|label| !label.is_empty())
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.chars().any(|c| {
                c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ',' | ';' | '@')
            });
        if !domain_ok || !local_ok {
            return Err(err("must look like name@example.be"));
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a person is shown: 1–100 characters, no control characters.
pub fn parse_display_name(input: &str) -> Result<String, ValidationError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(ValidationError::new("display_name", "required", "must not be empty"));
    }
    if s.chars().count() > 100 || s.chars().any(char::is_control) {
        return Err(ValidationError::new("display_name", "format", "must be 1 to 100 printable characters"));
    }
    Ok(s.to_owned())
}

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

fn common_passwords() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| include_str!("../data/common-passwords.txt").lines().map(str::trim).collect())
}

/// Checks a new password: long enough (12+ characters, no upper limit below 128, any characters
/// including spaces, so passphrases work), not a well-known password, and not built from the
/// account's own e-mail address. No composition rules: ASVS V2.1.9 advises against them.
pub fn check_new_password(password: &str, email: Option<&Email>) -> Result<(), ValidationError> {
    let chars = password.chars().count();
    let err = |code, reason: String| ValidationError::new("password", code, reason);
    if chars < PASSWORD_MIN_CHARS {
        return Err(err("length", format!("must be at least {PASSWORD_MIN_CHARS} characters")));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(err("length", format!("must be at most {PASSWORD_MAX_CHARS} characters")));
    }
    let lowered = password.to_lowercase();
    let list = common_passwords();
    let collapsed: String = lowered.chars().filter(|c| !c.is_whitespace()).collect();
    let without_trailing_digits =
        collapsed.trim_end_matches(|c: char| c.is_ascii_digit() || "!?.".contains(c));
    if list.contains(lowered.as_str())
        || list.contains(collapsed.as_str())
        || list.contains(without_trailing_digits)
    {
        return Err(err("common", "is a well-known password; choose another".to_owned()));
    }
    if let Some(email) = email {
        let local = email.as_str().split('@').next().unwrap_or_default();
        if local.len() >= 4 && lowered.contains(local) {
            return Err(err("personal", "must not contain your e-mail address".to_owned()));
        }
    }
    let distinct: HashSet<char> = password.chars().collect();
    if distinct.len() < 4 {
        return Err(err("repetitive", "uses too few different characters".to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  An.Peeters@AZ-Voorbeeld.be ").unwrap().as_str(),
            "an.peeters@az-voorbeeld.be"
        );
        for bad in ["", "a", "a@b", "@b.be", "a@.be", "a@b.", "a b@c.be", "a@b..be", "<a>@b.be"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_follow_the_rules() {
        let email = Email::parse("an.peeters@az.be").unwrap();
        assert!(check_new_password("correct horse battery staple", Some(&email)).is_ok());
        assert_eq!(check_new_password("short", None).unwrap_err().code, "length");
        assert_eq!(check_new_password(&"x".repeat(129), None).unwrap_err().code, "length");
        assert_eq!(check_new_password("password1234", None).unwrap_err().code, "common");
        assert_eq!(check_new_password("Qwertyuiop!!", None).unwrap_err().code, "common");
        assert_eq!(check_new_password("an.peeters-2026", Some(&email)).unwrap_err().code, "personal");
        assert_eq!(check_new_password("abababababababab", None).unwrap_err().code, "repetitive");
        assert!(common_passwords().len() > 19_000);
    }

    proptest! {
        #[test]
        fn email_parse_never_panics(s in ".{0,300}") {
            let _ = Email::parse(&s);
        }

        #[test]
        fn password_check_never_panics(s in ".{0,200}") {
            let _ = check_new_password(&s, None);
        }
    }
}

/// A person who can sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: uuid::Uuid,
    pub email: Email,
    pub display_name: String,
    /// Manages organisations, users and memberships of the whole installation.
    pub is_admin: bool,
    pub disabled: bool,
    /// The language the person chose; pages follow it wherever they sign in.
    pub locale: Option<crate::Locale>,
    pub totp_enabled: bool,
    /// Signs in through the organisation's identity provider (single sign-on).
    pub sso: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}
