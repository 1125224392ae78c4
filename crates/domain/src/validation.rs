//! The one error type for input that breaks a domain rule.

use std::fmt;

/// A value that breaks a rule: which field, and why, in words a user can act on.
///
/// `reason` is English for logs and the CLI; `code` is a stable key the web layer translates.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    pub field: &'static str,
    pub code: &'static str,
    pub reason: String,
}

impl ValidationError {
    pub fn new(field: &'static str, code: &'static str, reason: impl Into<String>) -> Self {
        Self { field, code, reason: reason.into() }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}
