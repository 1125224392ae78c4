//! End-to-end tests of the `ward` product: the real router on a real port, the real binary, on
//! SQLite and (with `WARD_TEST_POSTGRES_URL`) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod assets;
mod cli;
mod cyfun;
mod guidance;
mod openapi;
mod pages;
mod plan;
mod probes;
mod security;
mod sso;

/// A client that does not follow redirects, so tests can see them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// One table of scoping cases for the wizard, the command line and the API:
/// (staff, turnover €, balance €, linked staff, designated, expected NIS2 status, expected CyFun level).
pub const SCOPING_CASES: [(&str, &str, &str, &str, &str, &str, &str); 6] = [
    ("1200", "150000000", "120000000", "", "", "essential", "essential"),
    ("249", "50000000", "43000000", "", "", "important", "important"),
    ("49", "10000000", "20000000", "", "", "check_designation", "basic"),
    ("49", "10000001", "10000001", "", "", "important", "important"),
    ("30", "1", "1", "25", "", "important", "important"),
    ("8", "1", "1", "", "important", "important", "important"),
];
