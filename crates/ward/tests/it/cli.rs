//! The real `ward` binary: commands, output for people and `--json`, and bad input.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use ward_testkit::{TestDb, on_both_databases};

use crate::client;

const WARD_VARS: [&str; 7] = [
    "WARD_DATA_DIR",
    "WARD_DATABASE_URL",
    "WARD_CONFIG",
    "WARD_BIND",
    "WARD_LOG",
    "WARD_LOG_FORMAT",
    "RUST_LOG",
];

/// `ward` with a clean environment, working in the test's folder, pointed at the test database.
pub(crate) fn ward(db: &TestDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ward"));
    for var in WARD_VARS {
        cmd.env_remove(var);
    }
    cmd.current_dir(db.dir.path()).arg("--data").arg(data_dir(db));
    if let ward_store::DatabaseTarget::Postgres(url) = &db.target {
        cmd.env("WARD_DATABASE_URL", url);
    }
    cmd
}

fn data_dir(db: &TestDb) -> PathBuf {
    db.dir.path().to_owned()
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("run ward")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A bad-input failure: non-zero exit, exactly one line on stderr that starts with `error:`.
fn assert_one_line_error(o: &Output) -> String {
    assert!(!o.status.success(), "expected failure, got success: {}", stdout(o));
    let err = stderr(o);
    assert_eq!(err.trim_end().lines().count(), 1, "one line, got: {err}");
    assert!(err.starts_with("error:"), "{err}");
    err
}

#[test]
fn version_and_help() {
    let db = TestDb::sqlite();
    let o = run(ward(&db).arg("--version"));
    assert!(o.status.success());
    assert_eq!(stdout(&o).trim(), format!("ward {}", env!("CARGO_PKG_VERSION")));
    let o = run(ward(&db).arg("--help"));
    assert!(o.status.success());
    for word in ["serve", "demo", "migrate", "config", "org", "--data"] {
        assert!(stdout(&o).contains(word), "help mentions {word}");
    }
}

#[test]
fn unknown_flags_are_one_line_errors() {
    let db = TestDb::sqlite();
    for args in
        [vec!["--frobnicate"], vec!["org", "list", "--colour"], vec!["serve", "--bind"], vec!["teleport"]]
    {
        let o = run(ward(&db).args(&args));
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = assert_one_line_error(&o);
        assert!(err.contains("ward --help"), "{err}");
    }
    assert!(!data_dir(&db).join("ward.db").exists(), "nothing was created");
}

#[test]
fn a_data_folder_that_cannot_be_written_is_refused() {
    let db = TestDb::sqlite();
    let file = db.dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let o = run(Command::new(env!("CARGO_BIN_EXE_ward"))
        .env_remove("WARD_DATABASE_URL")
        .args(["org", "list", "--data"])
        .arg(file.join("data")));
    let err = assert_one_line_error(&o);
    assert!(err.contains("cannot be created") && err.contains("--data"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder", "nothing changed");
}

#[test]
fn a_database_that_does_not_answer_is_a_clear_error() {
    let db = TestDb::sqlite();
    let o = run(ward(&db)
        .env("WARD_DATABASE_URL", "postgres://ward:s3cret@127.0.0.1:1/ward")
        .args(["org", "list"]));
    let err = assert_one_line_error(&o);
    assert!(err.contains("does not answer") && err.contains("WARD_DATABASE_URL"), "{err}");
    assert!(!err.contains("s3cret"), "the password never reaches output: {err}");
    let o = run(ward(&db).env("WARD_DATABASE_URL", "mysql://h/db").args(["org", "list"]));
    assert!(assert_one_line_error(&o).contains("unsupported database URL"));
}

#[test]
fn config_shows_sources_and_redacts_secrets() {
    let db = TestDb::sqlite();
    let config = db.dir.path().join("ward.toml");
    std::fs::write(&config, "bind = \"127.0.0.1:9999\"\nlog = \"debug\"\n").unwrap();
    let o = run(ward(&db)
        .env("WARD_DATABASE_URL", "postgres://ward:s3cret@db.example/ward")
        .env("WARD_LOG", "warn")
        .args(["config", "--json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains("s3cret"));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let setting =
        |key: &str| report["settings"].as_array().unwrap().iter().find(|s| s["key"] == key).unwrap().clone();
    assert_eq!(setting("database")["value"], "postgres://ward:****@db.example/ward");
    assert_eq!(setting("database")["source"]["name"], "WARD_DATABASE_URL");
    assert_eq!(setting("bind")["value"], "127.0.0.1:9999");
    assert_eq!(setting("bind")["source"]["kind"], "file");
    assert_eq!(setting("log")["value"], "warn", "environment beats the file");
    assert_eq!(setting("data_dir")["source"]["kind"], "flag");
    let o = run(ward(&db).args(["config"]));
    assert!(stdout(&o).contains("(flag --data)"), "{}", stdout(&o));

    std::fs::write(&config, "bnd = 1\n").unwrap();
    let o = run(ward(&db).args(["config"]));
    assert!(assert_one_line_error(&o).contains("unknown field `bnd`"));
}

on_both_databases! {
    async fn organisations_from_the_command_line(db) {
        let o = run(ward(&db).args(["org", "list", "--json"]));
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(serde_json::from_str::<Value>(&stdout(&o)).unwrap(), serde_json::json!([]));

        let o = run(ward(&db).args(["org", "create", "--name", "Clinique Saint-Élooi", "--kind", "clinic", "--language", "fr", "--enterprise-number", "0123.456.749", "--json"]));
        assert!(o.status.success(), "{}", stderr(&o));
        let created: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(created["slug"], "clinique-saint-elooi");
        assert_eq!(created["enterprise_number"], "0123.456.749");

        let o = run(ward(&db).args(["org", "create", "--name", "Huisarts Peeters", "--slug", "peeters", "--kind", "medical-practice"]));
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(stdout(&o).trim(), "Created organisation \"Huisarts Peeters\" (slug peeters).");

        let o = run(ward(&db).args(["org", "list"]));
        let text = stdout(&o);
        assert!(text.lines().next().unwrap().starts_with("SLUG"), "{text}");
        assert!(text.contains("peeters") && text.contains("medical_practice"));
        let o = run(ward(&db).args(["org", "show", "--org", "peeters", "--json"]));
        let detail: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(detail["organisation"]["name"], "Huisarts Peeters");
    }

    async fn invalid_organisations_are_refused_and_nothing_is_written(db) {
        run(ward(&db).args(["org", "create", "--name", "Existing", "--slug", "taken"]));
        let cases: [(&[&str], &str); 4] = [
            (&["--name", "  "], "name: must not be empty"),
            (&["--name", "X", "--slug=-bad"], "slug"),
            (&["--name", "Y", "--enterprise-number", "0123.456.748"], "mod 97"),
            (&["--name", "Again", "--slug", "taken"], "already exists"),
        ];
        for (args, expected) in cases {
            let o = run(ward(&db).args(["org", "create"]).args(args));
            let err = assert_one_line_error(&o);
            assert!(err.contains(expected), "{args:?}: {err}");
        }
        let o = run(ward(&db).args(["org", "list", "--json"]));
        assert_eq!(serde_json::from_str::<Value>(&stdout(&o)).unwrap().as_array().unwrap().len(), 1);
        let o = run(ward(&db).args(["org", "show", "--org", "nobody"]));
        assert!(assert_one_line_error(&o).contains("ward org list"));
    }

    async fn demo_is_created_then_refreshed(db) {
        let o = run(ward(&db).args(["demo", "--no-serve", "--json"]));
        assert!(o.status.success(), "{}", stderr(&o));
        let first: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(first["created"], true);
        assert_eq!(first["sites"], 5);
        assert_eq!(first["accounts"].as_array().unwrap().len(), 6);
        assert!(first["password"].as_str().unwrap().len() >= 20);
        let o = run(ward(&db).args(["demo", "--no-serve"]));
        assert!(stdout(&o).contains("refreshed"), "{}", stdout(&o));
        let o = run(ward(&db).args(["org", "list", "--json"]));
        assert_eq!(serde_json::from_str::<Value>(&stdout(&o)).unwrap().as_array().unwrap().len(), 1);
    }

    async fn a_newer_schema_is_refused_without_changes(db) {
        let o = run(ward(&db).args(["migrate", "--json"]));
        assert!(o.status.success(), "{}", stderr(&o));
        let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert!(report["applied_now"].as_u64().unwrap() >= 1);
        let o = run(ward(&db).args(["migrate"]));
        assert!(stdout(&o).contains("schema is current"), "{}", stdout(&o));

        db.add_future_migration().await;
        for args in [&["migrate"][..], &["org", "list"], &["serve", "--bind", "127.0.0.1:0"]] {
            let o = run(ward(&db).args(args));
            let err = assert_one_line_error(&o);
            assert!(err.contains("newer than this ward binary") && err.contains("upgrade ward"), "{err}");
        }
    }

    async fn several_serve_processes_share_one_database_and_sessions(db) {
        let mut a = Server::start(&db);
        let mut b = Server::start(&db);
        let http = client();
        for server in [&a, &b] {
            let res = http.get(format!("{}/readyz", server.url)).send().await.unwrap();
            assert_eq!(res.status(), 200);
        }
        // An administrator created on the command line while both run.
        let mut create = ward(&db);
        create.args(["user", "create", "--email", "it@kliniek.example", "--admin", "--password-stdin"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = create.spawn().unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"a long and unusual passphrase\n").unwrap();
        assert!(child.wait_with_output().unwrap().status.success());
        // Sign in on one process…
        let res = http.post(format!("{}/login", a.url)).form(&[("email", "it@kliniek.example"), ("password", "a long and unusual passphrase")]).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let session = ward_testkit::session_cookie_of(&res).unwrap();
        let cookie = format!("ward_session={session}");
        // …the session and its CSRF token work on the other.
        let html = http.get(format!("{}/admin", b.url)).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
        let csrf = ward_testkit::csrf_in(&html).expect("a CSRF token on the page");
        let res = http
            .post(format!("{}/admin/orgs", b.url))
            .header("cookie", &cookie)
            .form(&[("name", "Shared Clinic"), ("slug", ""), ("kind", "clinic"), ("_csrf", &csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "a write through B with a session made on A");
        for server in [&a, &b] {
            let list: Value = http.get(format!("{}/api/v1/orgs", server.url)).header("cookie", &cookie).send().await.unwrap().json().await.unwrap();
            assert_eq!(list[0]["slug"], "shared-clinic", "{} sees what the other wrote", server.url);
        }
        // Signing out on B ends the session on A too.
        http.post(format!("{}/logout", b.url)).header("cookie", &cookie).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        let res = http.get(format!("{}/api/v1/orgs", a.url)).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(res.status(), 401);
        assert!(a.terminate().success(), "SIGTERM stops the server cleanly");
        assert!(b.terminate().success());
    }

    async fn audit_verify_names_the_first_bad_entry(db) {
        // Three audited changes.
        for name in ["Eerste", "Tweede", "Derde"] {
            assert!(run(ward(&db).args(["org", "create", "--name", name])).status.success());
        }
        let o = run(ward(&db).args(["audit", "verify", "--json"]));
        assert!(o.status.success(), "{}", stderr(&o));
        let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(report["ok"], true);
        assert_eq!(report["entries"], 3);

        let cases: [(&str, &str, &str); 2] = [
            ("UPDATE audit_events SET summary = 'nothing happened' WHERE seq = 2", "altered", "entry 2"),
            ("DELETE FROM audit_events WHERE seq = 2", "missing", "entry 2"),
        ];
        for (attack, problem, named) in cases {
            db.execute_raw("CREATE TABLE audit_backup AS SELECT * FROM audit_events").await;
            db.execute_raw(attack).await;
            let o = run(ward(&db).args(["audit", "verify", "--json"]));
            assert_eq!(o.status.code(), Some(1), "{attack}");
            let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
            assert_eq!(report["problem"]["problem"], problem, "{attack}");
            assert!(report["message"].as_str().unwrap().contains(named), "{attack}: {report}");
            let o = run(ward(&db).args(["audit", "verify"]));
            assert!(assert_one_line_error(&o).contains(named));
            db.execute_raw("DELETE FROM audit_events").await;
            db.execute_raw("INSERT INTO audit_events SELECT * FROM audit_backup").await;
            db.execute_raw("DROP TABLE audit_backup").await;
        }

        // Reordering: entries 1 and 3 swap places (numbers swapped with their contents).
        db.execute_raw("UPDATE audit_events SET seq = -1 WHERE seq = 1").await;
        db.execute_raw("UPDATE audit_events SET seq = 1 WHERE seq = 3").await;
        db.execute_raw("UPDATE audit_events SET seq = 3 WHERE seq = -1").await;
        let o = run(ward(&db).args(["audit", "verify", "--json"]));
        assert_eq!(o.status.code(), Some(1));
        let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(report["problem"], json!({"problem": "altered", "seq": 1}));
        db.execute_raw("UPDATE audit_events SET seq = -1 WHERE seq = 1").await;
        db.execute_raw("UPDATE audit_events SET seq = 1 WHERE seq = 3").await;
        db.execute_raw("UPDATE audit_events SET seq = 3 WHERE seq = -1").await;
        assert!(run(ward(&db).args(["audit", "verify"])).status.success(), "restored");

        // Truncation after a signed checkpoint, even with the database's checkpoint removed too.
        assert!(run(ward(&db).args(["audit", "checkpoint"])).status.success());
        db.execute_raw("DELETE FROM audit_events WHERE seq = 3").await;
        db.execute_raw("DELETE FROM audit_checkpoints").await;
        let o = run(ward(&db).args(["audit", "verify", "--json"]));
        assert_eq!(o.status.code(), Some(1));
        let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(report["problem"]["problem"], "truncated");
        assert_eq!(report["problem"]["last_seq"], 2);
        assert_eq!(report["problem"]["checkpoint_seq"], 3);
    }
}

/// A real `ward serve` process on a free port.
struct Server {
    child: Child,
    url: String,
    /// Kept open: the server keeps writing to its standard output.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    fn start(db: &TestDb) -> Server {
        let mut child = ward(db)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn ward serve");
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let deadline = Instant::now() + Duration::from_secs(60);
        while !line.contains("listening on") {
            line.clear();
            assert!(
                out.read_line(&mut line).unwrap() > 0 && Instant::now() < deadline,
                "ward serve did not start"
            );
        }
        let url = line.trim().rsplit(' ').next().unwrap().to_owned();
        Server { child, url, _stdout: out }
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The scoping table, run through the command line and the API: both must agree.
#[tokio::test]
async fn scoping_agrees_on_the_command_line_and_in_the_api() {
    let db = TestDb::sqlite();
    let app = ward_testkit::TestApp::spawn(ward_testkit::TestDb::sqlite()).await;
    let password = app.demo().await;
    let owner = app.sign_in("an.peeters@az-voorbeeldstad.example", &password).await;
    for (staff, turnover, balance, linked, designated, nis2, level) in crate::SCOPING_CASES {
        let mut args = vec![
            "scope",
            "--sector",
            "healthcare-provider",
            "--employees",
            staff,
            "--turnover-eur",
            turnover,
            "--balance-eur",
            balance,
        ];
        let linked_arg = format!("{linked},0,0");
        if !linked.is_empty() {
            args.extend(["--linked", linked_arg.as_str()]);
        }
        if !designated.is_empty() {
            args.extend(["--designated", designated]);
        }
        let o = run(ward(&db).args(&args).arg("--json"));
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let cli: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(cli["nis2"], nis2, "{args:?}");
        assert_eq!(cli["cyfun_level"], level, "{args:?}");
        assert!(cli["reasons"].as_array().unwrap().iter().all(|r| !r["source"].as_str().unwrap().is_empty()));
        // The same answers through the API.
        let num = |v: &str| if v.is_empty() { 0.0 } else { v.parse::<f64>().unwrap() };
        let linked_list: Vec<Value> = if linked.is_empty() {
            Vec::new()
        } else {
            vec![json!({"employees": num(linked), "turnover_eur": 0, "balance_eur": 0})]
        };
        let body = json!({
            "sectors": ["healthcare-provider"],
            "employees": num(staff), "turnover_eur": num(turnover), "balance_eur": num(balance),
            "linked": linked_list, "designated": if designated.is_empty() { None } else { Some(designated) },
        });
        let api: Value =
            owner.json(reqwest::Method::POST, "/api/v1/scoping", Some(body)).await.json().await.unwrap();
        assert_eq!(api, cli, "{args:?}: CLI and API agree");
    }
    // Essential: the dates from the law.
    let o = run(ward(&db).args([
        "scope",
        "--sector",
        "healthcare-provider",
        "--employees",
        "1200",
        "--turnover-eur",
        "1",
        "--balance-eur",
        "1",
        "--json",
    ]));
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let due = |id: &str| {
        r["obligations"].as_array().unwrap().iter().find(|o| o["id"] == id).unwrap()["due"].clone()
    };
    assert_eq!(due("registration"), "2025-03-18");
    assert_eq!(due("verification"), "2026-04-18");
    assert_eq!(due("certification"), "2027-04-18");
    // Bad answers: one line naming the field.
    let o = run(ward(&db).args([
        "scope",
        "--sector",
        "dentistry",
        "--employees",
        "-3",
        "--turnover-eur",
        "1",
        "--balance-eur",
        "1",
    ]));
    let err = assert_one_line_error(&o);
    assert!(err.contains("sectors") && err.contains("own"), "{err}");
    let res = owner
        .json(
            reqwest::Method::POST,
            "/api/v1/scoping",
            Some(json!({"sectors": ["dentistry"], "employees": 1, "turnover_eur": 1, "balance_eur": 1})),
        )
        .await;
    assert_eq!(res.status(), 422);
    let o = run(ward(&db).args(["scope", "--list-sectors"]));
    assert!(stdout(&o).contains("healthcare-provider"));
    app.stop().await;
}
