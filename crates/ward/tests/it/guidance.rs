//! Ward's healthcare guidance end to end: the pages (catalog, search, requirement, plans,
//! challenges, and beside each requirement of an assessment), the API and the command line agree.

use serde_json::Value;
use ward_app::Ctx;
use ward_testkit::{TestApp, TestDb, on_both_databases};

use crate::cli::{stderr, stdout, ward};

const OWNER: &str = "an.peeters@az-voorbeeldstad.example";
const SLUG: &str = "az-voorbeeldstad";

on_both_databases! {
    async fn guidance_pages_search_and_link_plans_challenges_and_requirements(db) {
        let app = TestApp::spawn(db).await;
        let password = app.demo().await;
        let owner = app.sign_in(OWNER, &password).await;

        // Signed-out readers are sent to sign in.
        let res = crate::client().get(app.url("/guidance")).send().await.unwrap();
        assert_eq!(res.status(), 303);

        let html = owner.get("/guidance").await.text().await.unwrap();
        assert!(html.contains("218 shown"), "the whole catalog is listed");
        assert!(html.contains("href=\"/guidance/plans/scoped-in\""));
        assert!(html.contains("href=\"/guidance/challenges/always-on\""));

        // Words a clinician types find the advice.
        let html = owner.get("/guidance?q=infusion+pump").await.text().await.unwrap();
        assert!(html.contains("href=\"/guidance/cyfun-2025/"), "{html}");
        let html = owner.get("/guidance?q=badge&function=PR").await.text().await.unwrap();
        assert!(html.contains("href=\"/guidance/cyfun-2025/PR.AA-"));
        assert!(!html.contains("href=\"/guidance/cyfun-2025/ID."), "the function filter holds");
        let html = owner.get("/guidance?q=zzqqxx").await.text().await.unwrap();
        assert!(html.contains("Nothing matches"));

        // Filters narrow the catalog.
        let html = owner.get("/guidance?area=medical_devices&effort=S").await.text().await.unwrap();
        let shown: usize = html.split(" shown<").next().unwrap().rsplit('>').next().unwrap().trim().parse().unwrap();
        assert!(shown > 0 && shown < 218, "{shown}");

        // A requirement's page, in Dutch.
        let res = crate::client()
            .get(app.url("/guidance/cyfun-2025/PR.AA-02.2"))
            .header("cookie", format!("ward_session={}; ward_lang=nl", owner.session.clone().unwrap()))
            .send()
            .await
            .unwrap();
        let html = res.text().await.unwrap();
        let g = ward_domain::guidance::Guidance::builtin().requirement("PR.AA-02.2").unwrap();
        assert!(html.contains(&askama_escape(&g.text.nl.first_steps[0])), "Dutch first step shown");
        assert!(html.contains("Eerste stappen"));

        // CyFun 2023 reaches the 2025 guidance.
        let html = owner.get("/guidance/cyfun-2023/PR.AC-6.2").await.text().await.unwrap();
        assert!(html.contains("/guidance/cyfun-2025/PR.AA-02.2"));

        // Plans and challenge pages link to requirements.
        let html = owner.get("/guidance/plans/scoped-in").await.text().await.unwrap();
        assert!(html.contains("First 30 days") && html.contains("Days 61 to 90"));
        assert!(html.contains("href=\"/guidance/cyfun-2025/"));
        let html = owner.get("/guidance/challenges/legacy-systems").await.text().await.unwrap();
        assert!(html.contains("<h2>") && html.contains("<li>"));
        assert_eq!(owner.get("/guidance/plans/nope").await.status(), 404);
        assert_eq!(owner.get("/guidance/cyfun-2025/XX.YY-01.1").await.status(), 404);
        assert_eq!(owner.get("/guidance/cyfun-1999/PR.AA-02.2").await.status(), 404);

        // Beside each requirement of an assessment.
        let list = app.ward.assessments(&Ctx::cli(), SLUG).await.unwrap();
        let id = list[0].id;
        let html = owner.get(&format!("/orgs/{SLUG}/assessments/{id}/requirements/PR.AA-03.2")).await.text().await.unwrap();
        let g = ward_domain::guidance::Guidance::builtin().requirement("PR.AA-03.2").unwrap();
        assert!(html.contains("Ward&#39;s advice for healthcare") || html.contains("Ward's advice for healthcare"));
        assert!(html.contains(&askama_escape(&g.text.en.project)));
        app.stop().await;
    }

    async fn guidance_api_lists_searches_and_refuses_an_unknown_language(db) {
        let app = TestApp::spawn(db).await;
        let password = app.demo().await;
        let owner = app.sign_in(OWNER, &password).await;
        let list: Value = owner.get("/api/v1/guidance/cyfun-2025/requirements?lang=fr").await.json().await.unwrap();
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 218);
        assert!(list.iter().all(|r| r["guidance"].as_array().unwrap().len() == 1));
        let g = ward_domain::guidance::Guidance::builtin().requirement(list[0]["id"].as_str().unwrap()).unwrap();
        assert_eq!(list[0]["guidance"][0]["healthcare"], g.text.fr.healthcare.as_str());
        let old: Value = owner.get("/api/v1/guidance/cyfun-2023/requirements").await.json().await.unwrap();
        assert_eq!(old.as_array().unwrap().len(), 221);
        assert!(old.as_array().unwrap().iter().all(|r| !r["guidance"].as_array().unwrap().is_empty()));

        let hits: Value = owner.get("/api/v1/guidance/search?q=downtime&limit=5").await.json().await.unwrap();
        let hits = hits.as_array().unwrap();
        assert!(!hits.is_empty() && hits.len() <= 5);
        assert!(hits.iter().all(|h| ["requirement", "plan", "challenge"].contains(&h["kind"].as_str().unwrap())));

        let res = owner.get("/api/v1/guidance/plans?lang=xx").await;
        assert_eq!(res.status(), 422);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "lang", "{problem}");
        let plans: Value = owner.get("/api/v1/guidance/plans?lang=nl").await.json().await.unwrap();
        assert_eq!(plans.as_array().unwrap().len(), 5);
        let challenges: Value = owner.get("/api/v1/guidance/challenges").await.json().await.unwrap();
        assert_eq!(challenges.as_array().unwrap().len(), 5);
        let anonymous = crate::client().get(app.url("/api/v1/guidance/plans")).send().await.unwrap();
        assert_eq!(anonymous.status(), 401);
        app.stop().await;
    }
}

/// Text as askama escapes it in HTML.
fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[test]
fn the_command_line_lists_and_searches_the_guidance() {
    let db = TestDb::sqlite();
    let o = ward(&db)
        .args(["catalog", "requirements", "--framework", "cyfun2025", "--lang", "nl", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let list: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 218);
    let first = &list[0];
    let g = ward_domain::guidance::Guidance::builtin().requirement(first["id"].as_str().unwrap()).unwrap();
    assert_eq!(
        first["guidance"][0]["healthcare"],
        g.text.nl.healthcare.as_str(),
        "the API's shape, in Dutch"
    );

    let o = ward(&db).args(["catalog", "requirements", "--framework", "cyfun2023"]).output().unwrap();
    assert!(o.status.success());
    assert!(stdout(&o).contains("221 requirements (CyFun 2023)"));

    let o =
        ward(&db).args(["catalog", "requirements", "--area", "medical_devices", "--json"]).output().unwrap();
    let devices: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let n = devices.as_array().unwrap().len();
    assert!(n > 5 && n < 218, "{n}");

    let o = ward(&db).args(["catalog", "search", "infusion", "pump", "--json"]).output().unwrap();
    let hits: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(!hits.as_array().unwrap().is_empty());
    let o = ward(&db).args(["catalog", "search", "badge"]).output().unwrap();
    assert!(stdout(&o).contains("PR.AA-"), "{}", stdout(&o));

    let o = ward(&db).args(["catalog", "plans", "scoped-in"]).output().unwrap();
    assert!(stdout(&o).contains("Within 30 days:") && stdout(&o).contains("Within 90 days:"));

    for bad in [
        vec!["catalog", "requirements", "--lang", "de"],
        vec!["catalog", "requirements", "--framework", "iso27001"],
        vec!["catalog", "requirements", "--effort", "XL"],
        vec!["catalog", "plans", "nope"],
    ] {
        let o = ward(&db).args(&bad).output().unwrap();
        assert!(!o.status.success(), "{bad:?}");
        let err = stderr(&o);
        assert_eq!(err.trim_end().lines().count(), 1, "{bad:?}: {err}");
        assert!(err.starts_with("error:"), "{err}");
    }
}
