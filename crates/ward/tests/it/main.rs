//! End-to-end tests of the `ward` product: the real router on a real port, the real binary, on
//! SQLite and (with `WARD_TEST_POSTGRES_URL`) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod cli;
mod openapi;
mod pages;
mod probes;
mod security;
mod sso;

/// A client that does not follow redirects, so tests can see them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}
