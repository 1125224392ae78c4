//! The gap plan, the minimum path, remediation tasks, dashboards and e-mail reminders, end to end:
//! the API, the pages and the command line agree, on both databases.

use reqwest::Method;
use serde_json::{Value, json};
use ward_app::Ctx;
use ward_testkit::{SmtpSink, TestApp, on_both_databases};

use crate::cli::{stderr, stdout, ward};

const OWNER: &str = "an.peeters@az-voorbeeldstad.example";
const CONTRIBUTOR: &str = "lotte.janssens@az-voorbeeldstad.example";
const SLUG: &str = "az-voorbeeldstad";

async fn demo_assessment(app: &TestApp) -> uuid::Uuid {
    app.ward.assessments(&Ctx::cli(), SLUG).await.unwrap()[0].id
}

on_both_databases! {
    async fn the_gap_plan_and_minimum_path_agree_across_api_and_command_line(db) {
        let app = TestApp::spawn(db).await;
        let password = app.demo().await;
        let owner = app.sign_in(OWNER, &password).await;
        let id = demo_assessment(&app).await;

        // Basic fails only on the key measure PR.AA-03.2 at 2/2: it ranks first, and the minimum
        // path raises exactly that one requirement until the level passes.
        let gaps: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/assessments/{id}/gaps?level=basic")).await.json().await.unwrap();
        assert_eq!(gaps["gaps"][0]["requirement"], "PR.AA-03.2", "{gaps}");
        assert_eq!(gaps["gaps"][0]["blocking"], "key_measure");
        assert!(gaps["gaps"][0]["why"].as_str().unwrap().contains("key measure"));
        let plan: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/assessments/{id}/plan?target=basic")).await.json().await.unwrap();
        assert_eq!(plan["reachable"], true);
        let steps = plan["steps"].as_array().unwrap();
        assert!(!steps.is_empty() && steps.iter().all(|s| s["requirement"] == "PR.AA-03.2"), "{plan}");
        assert_eq!(plan["reaches"]["pass"], true);

        // Essential (the target): the path reaches a pass too, and the ranks start at the blockers.
        let essential: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/assessments/{id}/gaps")).await.json().await.unwrap();
        assert_eq!(essential["level"], "essential");
        assert_eq!(essential["plan"]["reaches"]["pass"], true);
        let blocking: Vec<&str> = essential["gaps"].as_array().unwrap().iter().map(|g| g["blocking"].as_str().unwrap()).collect();
        let order = |b: &str| ["key_measure", "category_floor", "total", "below_target"].iter().position(|x| *x == b).unwrap();
        assert!(blocking.windows(2).all(|w| order(w[0]) <= order(w[1])), "ranked by what blocks: {blocking:?}");

        // The command line prints the same path and plan.
        let o = ward(&app.db).args(["plan", &id.to_string(), "--target", "basic", "--json"]).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let cli: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(cli["steps"], plan["steps"]);
        assert_eq!(cli["cost"], plan["cost"]);
        let o = ward(&app.db).args(["gaps", &id.to_string(), "--json"]).output().unwrap();
        let cli: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(cli["gaps"].as_array().unwrap().len(), essential["gaps"].as_array().unwrap().len());
        let o = ward(&app.db).args(["plan", &id.to_string(), "--target", "basic"]).output().unwrap();
        assert!(stdout(&o).contains("PR.AA-03.2") && stdout(&o).contains("Verdict after these steps: pass"), "{}", stdout(&o));
        let o = ward(&app.db).args(["plan", &id.to_string(), "--target", "expert"]).output().unwrap();
        assert!(!o.status.success() && stderr(&o).contains("basic, important or essential"));

        // The page shows the path and a form per gap.
        let html = owner.get(&format!("/orgs/{SLUG}/assessments/{id}/gaps?level=basic")).await.text().await.unwrap();
        assert!(html.contains("id=\"gap-PR-AA-03-2\""));
        assert!(html.contains("data-level=\"basic\""));
        app.stop().await;
    }

    async fn tasks_from_gaps_move_the_dashboard_and_round_trip_through_csv(db) {
        let app = TestApp::spawn(db).await;
        let password = app.demo().await;
        let owner = app.sign_in(OWNER, &password).await;
        let id = demo_assessment(&app).await;
        let before: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/dashboard")).await.json().await.unwrap();
        let open_before = before["open_tasks"].as_i64().unwrap();

        // A gap becomes a task (the form of the gap plan), owned by the contributor.
        let res = owner.post_form(&format!("/orgs/{SLUG}/tasks"), &[
            ("title", "PR.AA-03.2: MFA on the VPN"),
            ("requirements", "PR.AA-03.2"),
            ("assessment_id", &id.to_string()),
            ("owner", CONTRIBUTOR),
            ("due", "2020-01-31"),
            ("return_to", &format!("/orgs/{SLUG}/tasks")),
        ]).await;
        assert_eq!(res.status(), 303);
        let list: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/tasks")).await.json().await.unwrap();
        let task = list.as_array().unwrap().iter().find(|t| t["title"] == "PR.AA-03.2: MFA on the VPN").unwrap().clone();
        assert_eq!(task["due_state"], "overdue");
        let after: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/dashboard")).await.json().await.unwrap();
        assert_eq!(after["open_tasks"].as_i64().unwrap(), open_before + 1);
        assert!(after["overdue_tasks"].as_i64().unwrap() >= 1);
        let html = owner.get(&format!("/orgs/{SLUG}")).await.text().await.unwrap();
        assert!(html.contains("PR.AA-03.2: MFA on the VPN"), "the overview lists the overdue task");

        // The signal shows on the requirement.
        let html = owner.get(&format!("/orgs/{SLUG}/assessments/{id}/requirements/PR.AA-03.2")).await.text().await.unwrap();
        assert!(html.contains("2 open task(s), 2 overdue"), "readiness signal beside the score (the demo has one already)");

        // The contributor who owns it can mark it done; another contributor's task would be refused.
        let contributor = app.sign_in(CONTRIBUTOR, &password).await;
        let task_id = task["id"].as_str().unwrap();
        let res = contributor.json(Method::PUT, &format!("/api/v1/orgs/{SLUG}/tasks/{task_id}"), Some(json!({
            "title": "renamed by the contributor", "status": "done", "requirements": ["PR.AA-03.2"], "owner": OWNER
        }))).await;
        assert_eq!(res.status(), 200);
        let done: Value = res.json().await.unwrap();
        assert_eq!(done["status"], "done");
        assert_eq!(done["title"], "PR.AA-03.2: MFA on the VPN", "an owner without wider rights cannot rename");
        assert_eq!(done["owner"], CONTRIBUTOR, "nor hand the task over");
        let other = owner.json(Method::POST, &format!("/api/v1/orgs/{SLUG}/tasks"), Some(json!({"title": "Owner's own", "owner": OWNER}))).await;
        let other_id = other.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let res = contributor.json(Method::PUT, &format!("/api/v1/orgs/{SLUG}/tasks/{other_id}"), Some(json!({"title": "x", "status": "done"}))).await;
        assert_eq!(res.status(), 403);

        // CSV: export, change a row, import it back (an update), and a bad file changes nothing.
        let csv = owner.get(&format!("/orgs/{SLUG}/tasks.csv")).await.text().await.unwrap();
        assert!(csv.starts_with("\"id\",\"title\""));
        let edited = csv.replace("\"Owner's own\"", "\"Owner's own, revised\"");
        let part = reqwest::multipart::Part::bytes(edited.into_bytes()).file_name("tasks.csv");
        let res = owner.post_multipart(&format!("/orgs/{SLUG}/tasks/import"), reqwest::multipart::Form::new().part("file", part)).await;
        assert_eq!(res.status(), 303);
        let all: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/tasks?all=true")).await.json().await.unwrap();
        assert!(all.as_array().unwrap().iter().any(|t| t["title"] == "Owner's own, revised"));
        let count = all.as_array().unwrap().len();
        let bad = "title;due;requirements\nPatch the PACS;31/12/2026;PR.PS-02.1\n;2026-01-01;\nBackups;whenever;ZZ-9\n";
        let part = reqwest::multipart::Part::bytes(bad.as_bytes().to_vec()).file_name("bad.csv");
        let res = owner.post_multipart(&format!("/orgs/{SLUG}/tasks/import"), reqwest::multipart::Form::new().part("file", part)).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("line 3") && html.contains("line 4") && html.contains("whenever"), "{html}");
        let all: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/tasks?all=true")).await.json().await.unwrap();
        assert_eq!(all.as_array().unwrap().len(), count, "nothing half-imported");

        // The command line sees the same tasks; the roll-up lists the organisation.
        let o = ward(&app.db).args(["task", "list", "--org", SLUG, "--all", "--json"]).output().unwrap();
        let cli: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(cli.as_array().unwrap().len(), count);
        let rollup: Value = owner.get("/api/v1/dashboard").await.json().await.unwrap();
        assert!(rollup.as_array().unwrap().iter().any(|d| d["organisation"] == SLUG));
        let home = owner.get("/").await.text().await.unwrap();
        assert!(home.contains("id=\"rollup\""));

        // Titles describe weaknesses: they are encrypted at rest.
        let raw = app.db.fetch_bytes(&format!("SELECT title FROM remediation_tasks WHERE requirements = 'PR.AA-03.2' AND created_by = '{OWNER}'")).await.unwrap();
        assert!(!String::from_utf8_lossy(&raw).contains("MFA on the VPN"), "the title is not stored in clear");

        // Every change is in the audit log.
        let log = app.ward.audit_log(&Ctx::cli(), SLUG, &ward_app::AuditFilter::default()).await.unwrap();
        for action in ["task.create", "task.update", "task.import"] {
            assert!(log.iter().any(|e| e.entry.action == action), "{action} audited");
        }
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_reach_the_owner_through_a_real_smtp_server_once_a_day() {
    let Some(smtp) = SmtpSink::start() else { return };
    let app = TestApp::spawn(ward_testkit::TestDb::sqlite()).await;
    app.demo().await;
    let input = ward_app::TaskInput {
        title: "Offline copy of the PACS backups".into(),
        owner: Some(CONTRIBUTOR.into()),
        due: Some((time::OffsetDateTime::now_utc().date() + time::Duration::days(2)).to_string()),
        requirements: vec!["PR.DS-11.1".into()],
        ..Default::default()
    };
    app.ward.create_task(&Ctx::cli(), SLUG, &input).await.unwrap();
    let later = ward_app::TaskInput {
        title: "Not due for months".into(),
        owner: Some(CONTRIBUTOR.into()),
        due: Some("2099-01-01".into()),
        ..Default::default()
    };
    app.ward.create_task(&Ctx::cli(), SLUG, &later).await.unwrap();

    let run = || {
        ward(&app.db)
            .env("WARD_SMTP_URL", smtp.url())
            .env("WARD_SMTP_FROM", "Ward <ward@az-voorbeeldstad.example>")
            .args(["reminders", "send", "--json"])
            .output()
            .unwrap()
    };
    let o = run();
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let sent: Vec<&Value> =
        report["messages"].as_array().unwrap().iter().filter(|m| m["to"] == CONTRIBUTOR).collect();
    assert_eq!(sent.len(), 1, "{report}");
    let mail = smtp.messages();
    let mine: Vec<&String> = mail.iter().filter(|m| m.contains(CONTRIBUTOR)).collect();
    assert_eq!(mine.len(), 1, "{mail:?}");
    assert!(mine[0].contains("Offline copy of the PACS backups"));
    assert!(!mine[0].contains("Not due for months"), "only tasks coming due");
    assert!(mine[0].contains("Subject: [Ward] AZ Voorbeeldstad"));

    // Once a day: a second run sends nothing new.
    let o = run();
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(report["messages"].as_array().unwrap().iter().all(|m| m["to"] != CONTRIBUTOR));
    assert_eq!(smtp.messages().iter().filter(|m| m.contains(CONTRIBUTOR)).count(), 1);

    // Without a mail server the command says what to set.
    let o = ward(&app.db).args(["reminders", "send"]).output().unwrap();
    assert!(!o.status.success() && stderr(&o).contains("WARD_SMTP_URL"));
    app.stop().await;
}
