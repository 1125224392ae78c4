//! Test harness shared by the integration tests of every crate (a dev-dependency only).
//!
//! * [`TestDb`]: a fresh SQLite file, or a fresh PostgreSQL database created on the server named by
//!   `WARD_TEST_POSTGRES_URL` and dropped afterwards.
//! * [`on_both_databases!`]: writes one test body once and runs it on both backends.
//! * [`TestApp`]: the real router served on 127.0.0.1:0 against a `TestDb`.
//! * [`Browser`]: Debian's headless Chromium driven over WebDriver (chromedriver).
//! * [`recalculate_with_libreoffice`], [`cached_numbers`]: LibreOffice as a second spreadsheet
//!   engine, to check the results of workbooks that Ward writes.
//!
//! A test that needs PostgreSQL or the browser is skipped with a message on a developer machine
//! that lacks them, and fails when `CI` (or `WARD_TEST_REQUIRE_POSTGRES` / `WARD_TEST_REQUIRE_BROWSER`)
//! is set: CI must never go green by skipping.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser;
pub mod libreoffice;

use std::net::SocketAddr;

use sqlx::{Connection, Executor, PgConnection};
use tempfile::TempDir;
use ward_app::Ward;
use ward_store::DatabaseTarget;
use ward_web::{AppState, WebOptions, router};

pub use browser::Browser;
pub use libreoffice::{cached_numbers, recalculate_with_libreoffice};

/// True when a missing service must fail the test rather than skip it.
pub fn required(specific: &str) -> bool {
    std::env::var_os("CI").is_some() || std::env::var_os(specific).is_some()
}

/// One fresh, empty database, with its own data folder and master key (`master.key` in it, so
/// the `ward` binary pointed at the folder uses the same key).
pub struct TestDb {
    pub target: DatabaseTarget,
    /// The data folder; keeps SQLite files apart from other tests'.
    pub dir: TempDir,
    pub master: ward_app::MasterKey,
    postgres: Option<PostgresDb>,
}

fn new_data_dir() -> (TempDir, ward_app::MasterKey) {
    let dir = tempfile::tempdir().expect("temp dir");
    let master = ward_app::MasterKey::generate().expect("random key");
    let path = dir.path().join("master.key");
    std::fs::write(&path, master.to_text()).expect("write master key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod master key");
    }
    (dir, master)
}

struct PostgresDb {
    admin_url: String,
    name: String,
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let (dir, master) = new_data_dir();
        let target = DatabaseTarget::in_data_dir(dir.path());
        TestDb { target, dir, master, postgres: None }
    }

    /// The keys a `Ward` for this database uses (checkpoint copies go to the data folder).
    pub fn keys(&self) -> ward_app::KeySource {
        ward_app::KeySource {
            master: self.master.clone(),
            checkpoint_file: Some(self.dir.path().join("audit-checkpoints.log")),
        }
    }

    /// Runs raw SQL against the database, bypassing Ward: for tests that play the attacker.
    pub async fn execute_raw(&self, sql: &str) {
        match &self.target {
            DatabaseTarget::SqliteFile(path) => {
                let mut c =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
                c.execute(sqlx::AssertSqlSafe(sql.to_owned())).await.unwrap();
                let _ = c.close().await;
            }
            DatabaseTarget::Postgres(url) => {
                let mut c = PgConnection::connect(url).await.unwrap();
                c.execute(sqlx::AssertSqlSafe(sql.to_owned())).await.unwrap();
                let _ = c.close().await;
            }
        }
    }

    /// One value from raw SQL, as bytes (BLOB/BYTEA) or text.
    pub async fn fetch_bytes(&self, sql: &str) -> Option<Vec<u8>> {
        match &self.target {
            DatabaseTarget::SqliteFile(path) => {
                let mut c =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
                let v: Option<Vec<u8>> =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut c).await.unwrap();
                let _ = c.close().await;
                v
            }
            DatabaseTarget::Postgres(url) => {
                let mut c = PgConnection::connect(url).await.unwrap();
                let v: Option<Vec<u8>> =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut c).await.unwrap();
                let _ = c.close().await;
                v
            }
        }
    }

    /// A new database on the PostgreSQL server of `WARD_TEST_POSTGRES_URL`; `None` (with a note)
    /// when that is unset and PostgreSQL is not required.
    pub async fn postgres() -> Option<TestDb> {
        let Some(admin_url) = std::env::var("WARD_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) else {
            assert!(
                !required("WARD_TEST_REQUIRE_POSTGRES"),
                "WARD_TEST_POSTGRES_URL is not set, and PostgreSQL tests are required here (CI)"
            );
            eprintln!("note: WARD_TEST_POSTGRES_URL is not set; skipping the PostgreSQL variant");
            return None;
        };
        let name = format!("ward_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at WARD_TEST_POSTGRES_URL: {e}"));
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("create test database");
        let _ = admin.close().await;
        let target = DatabaseTarget::Postgres(with_database(&admin_url, &name));
        let (dir, master) = new_data_dir();
        Some(TestDb { target, dir, master, postgres: Some(PostgresDb { admin_url, name }) })
    }

    pub fn backend(&self) -> &'static str {
        self.target.backend()
    }

    /// The version [`TestDb::add_future_migration`] records.
    pub const FUTURE_MIGRATION: i64 = 29991231000000;

    /// Pretends a newer ward applied a migration this binary does not know (raw SQL: no Ward API
    /// does this, on purpose).
    pub async fn add_future_migration(&self) {
        const INSERT: &str = "INSERT INTO _sqlx_migrations \
            (version, description, installed_on, success, checksum, execution_time) VALUES ";
        match &self.target {
            DatabaseTarget::SqliteFile(path) => {
                let mut c =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
                let sql = format!(
                    "{INSERT} ({}, 'from the future', CURRENT_TIMESTAMP, TRUE, X'00', 0)",
                    Self::FUTURE_MIGRATION
                );
                c.execute(sqlx::AssertSqlSafe(sql)).await.unwrap();
                let _ = c.close().await;
            }
            DatabaseTarget::Postgres(url) => {
                let mut c = PgConnection::connect(url).await.unwrap();
                let sql = format!(
                    "{INSERT} ({}, 'from the future', now(), TRUE, '\\x00'::bytea, 0)",
                    Self::FUTURE_MIGRATION
                );
                c.execute(sqlx::AssertSqlSafe(sql)).await.unwrap();
                let _ = c.close().await;
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(pg) = self.postgres.take() else { return };
        // Drop runs outside async; a short-lived runtime on its own thread removes the database.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                if let Ok(mut admin) = PgConnection::connect(&pg.admin_url).await {
                    let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", pg.name);
                    let _ = admin.execute(sqlx::AssertSqlSafe(sql)).await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// Replaces the database name of a PostgreSQL URL, keeping credentials and parameters.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{database}?{q}"),
        None => format!("{host_part}/{database}"),
    }
}

/// Runs each test body twice: `<name>::sqlite` and `<name>::postgres`.
///
/// ```ignore
/// on_both_databases! {
///     async fn creates_things(db) { let ward = Ward::open(&db.target).await.unwrap(); … }
/// }
/// ```
#[macro_export]
macro_rules! on_both_databases {
    ($(async fn $name:ident($db:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = $crate::TestDb::sqlite();
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = $crate::TestDb::postgres().await else { return };
                $body
            }
        }
    )*};
}

/// The real application served on an ephemeral loopback port.
pub struct TestApp {
    pub addr: SocketAddr,
    pub ward: Ward,
    pub db: TestDb,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn spawn(db: TestDb) -> TestApp {
        Self::spawn_with(db, |ward, _| ward).await
    }

    /// Like [`TestApp::spawn`], letting the test configure the application once its address is
    /// known (single sign-on needs it for the redirect URL).
    pub async fn spawn_with(db: TestDb, configure: impl FnOnce(Ward, SocketAddr) -> Ward) -> TestApp {
        let ward = Ward::open(&db.target, db.keys()).await.expect("open test database");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let addr = listener.local_addr().expect("local addr");
        let ward = configure(ward, addr);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(AppState::new(ward.clone(), WebOptions::default()))
            .into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .expect("server");
        });
        TestApp { addr, ward, db, shutdown: Some(tx), server: Some(server) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Creates (or refreshes) the demo hospital and its team; returns the demo password.
    pub async fn demo(&self) -> String {
        self.ward.refresh_demo(&ward_app::Ctx::cli()).await.expect("demo").password
    }

    /// Signs in through the real form; panics if sign-in does not complete.
    pub async fn sign_in(&self, email: &str, password: &str) -> Client {
        let client = Client::new(self);
        let res = client
            .post_form_anonymous("/login", &[("email", email), ("password", password), ("next", "/")])
            .await;
        assert_eq!(res.status(), 303, "sign-in of {email} failed");
        let cookie = session_cookie_of(&res).expect("session cookie");
        client.with_session(cookie).await
    }

    /// Stops the server and closes the database (needed before the database can be dropped).
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        self.ward.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(with_database("postgres://127.0.0.1:5432/test", "x"), "postgres://127.0.0.1:5432/x");
        assert_eq!(
            with_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}

/// A real OpenID Connect provider (panva/oidc-provider on Node.js) signing in one account.
pub struct OidcProvider {
    child: std::process::Child,
    pub issuer: String,
    port: u16,
}

impl OidcProvider {
    /// Starts the provider from `provider_dir` (holding provider.mjs and its node_modules); `None`
    /// (with a note) when Node.js or the package is missing and the test is not required.
    pub fn start(
        provider_dir: &std::path::Path,
        redirect_uri: &str,
        account: &serde_json::Value,
    ) -> Option<OidcProvider> {
        Self::start_on(provider_dir, free_port(), redirect_uri, account)
    }

    fn start_on(
        dir: &std::path::Path,
        port: u16,
        redirect_uri: &str,
        account: &serde_json::Value,
    ) -> Option<OidcProvider> {
        use std::io::BufRead;
        let installed = dir.join("node_modules/oidc-provider").exists();
        let node =
            std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
        if !installed || !node {
            assert!(
                !required("WARD_TEST_REQUIRE_OIDC"),
                "the test OpenID provider is not installed (node, and `npm ci` in {}); it is required here (CI)",
                dir.display()
            );
            eprintln!(
                "note: node or oidc-provider missing (run `npm ci` in {}); skipping the SSO test",
                dir.display()
            );
            return None;
        }
        let mut child = std::process::Command::new("node")
            .arg("provider.mjs")
            .current_dir(dir)
            .env("PORT", port.to_string())
            .env("CLIENT_ID", "ward")
            .env("CLIENT_SECRET", "ward-test-client-secret")
            .env("REDIRECT_URI", redirect_uri)
            .env("ACCOUNT", account.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("start node");
        let mut line = String::new();
        let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        out.read_line(&mut line).expect("provider output");
        assert!(line.starts_with("ready"), "the OpenID provider did not start: {line}");
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in out.lines() {});
        Some(OidcProvider { child, issuer: format!("http://127.0.0.1:{port}"), port })
    }

    /// Restarts the provider at the same address with another account or groups.
    pub fn restart(
        mut self,
        dir: &std::path::Path,
        redirect_uri: &str,
        account: &serde_json::Value,
    ) -> OidcProvider {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let port = self.port;
        for _ in 0..50 {
            if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self::start_on(dir, port, redirect_uri, account).expect("provider restarts")
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A real SMTP server (Python's aiosmtpd) that keeps every message it receives, for the e-mail
/// reminder tests. Required under CI (`WARD_TEST_REQUIRE_SMTP`).
pub struct SmtpSink {
    child: std::process::Child,
    pub port: u16,
    folder: TempDir,
}

impl SmtpSink {
    /// Starts the server; `None` (with a note) when Python or aiosmtpd is missing and not required.
    pub fn start() -> Option<SmtpSink> {
        use std::io::BufRead;
        let available = std::process::Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !available {
            assert!(
                !required("WARD_TEST_REQUIRE_SMTP"),
                "python3 with aiosmtpd is required here (CI) for the e-mail tests: pip install aiosmtpd"
            );
            eprintln!(
                "note: python3 -m aiosmtpd is missing (pip install aiosmtpd); skipping the e-mail test"
            );
            return None;
        }
        let folder = tempfile::tempdir().expect("mail folder");
        let port = free_port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/smtp/sink.py");
        let mut child = std::process::Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(folder.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        out.read_line(&mut line).expect("SMTP server output");
        assert!(line.starts_with("ready"), "the SMTP server did not start: {line}");
        Some(SmtpSink { child, port, folder })
    }

    /// `smtp://127.0.0.1:PORT`, for `WARD_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far (headers and body), in order.
    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(self.folder.path())
            .expect("mail folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files.iter().map(|p| std::fs::read_to_string(p).expect("message")).collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port()
}

/// The value of the `ward_session` cookie a response sets, if any.
pub fn session_cookie_of(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix("ward_session=").map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
        .filter(|v| !v.is_empty())
}

/// An HTTP client acting as one browser: its session cookie and CSRF token travel with each call.
#[derive(Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    pub session: Option<String>,
    pub csrf: Option<String>,
}

impl Client {
    pub fn new(app: &TestApp) -> Client {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Client { base: format!("http://{}", app.addr), http, session: None, csrf: None }
    }

    /// Adopts a session cookie and reads its CSRF token from a page.
    pub async fn with_session(mut self, cookie: String) -> Client {
        self.session = Some(cookie);
        let html = self.get("/account").await.text().await.unwrap();
        self.csrf = csrf_in(&html);
        self
    }

    fn cookie(&self) -> String {
        self.session.as_ref().map(|s| format!("ward_session={s}")).unwrap_or_default()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.base)).header("cookie", self.cookie()).send().await.unwrap()
    }

    /// A form post with the session's CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if let Some(csrf) = &self.csrf {
            all.push(("_csrf", csrf));
        }
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie())
            .form(&all)
            .send()
            .await
            .unwrap()
    }

    /// A raw body (an uploaded file) posted with the session's CSRF header.
    pub async fn post_bytes(&self, path: &str, body: &[u8]) -> reqwest::Response {
        let mut req = self.http.post(format!("{}{path}", self.base)).header("cookie", self.cookie());
        if let Some(csrf) = &self.csrf {
            req = req.header("x-csrf-token", csrf);
        }
        req.body(body.to_vec()).send().await.unwrap()
    }

    /// A multipart form post (file uploads) with the session's CSRF token as a `_csrf` field.
    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> reqwest::Response {
        let form = match &self.csrf {
            Some(csrf) => form.text("_csrf", csrf.clone()),
            None => form,
        };
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie())
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// A form post without any CSRF token (to test the refusal).
    pub async fn post_form_anonymous(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie())
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// A JSON call with the session cookie and the CSRF header.
    pub async fn json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut req =
            self.http.request(method, format!("{}{path}", self.base)).header("cookie", self.cookie());
        if let Some(csrf) = &self.csrf {
            req = req.header("x-csrf-token", csrf);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap()
    }
}

/// The first `_csrf` value in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\" value=\"")?;
    let rest = &html[i + "name=\"_csrf\" value=\"".len()..];
    rest.split('"').next().map(str::to_owned).filter(|s| !s.is_empty())
}
