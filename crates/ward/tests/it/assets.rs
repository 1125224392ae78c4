//! The asset register end to end: CSV and nmap imports previewed before anything is written,
//! matched with the register by serial, MAC, then IP with hostname; bad rows named and never
//! half-written; segments and their policy; readiness signals from the register.

use reqwest::Method;
use serde_json::{Value, json};
use ward_app::Ctx;
use ward_testkit::{TestApp, on_both_databases};

use crate::cli::{stderr, stdout, ward};

const OWNER: &str = "an.peeters@az-voorbeeldstad.example";
const SLUG: &str = "az-voorbeeldstad";
const NMAP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/nmap");

async fn import(owner: &ward_testkit::Client, body: &[u8], query: &str) -> reqwest::Response {
    owner.post_bytes(&format!("/api/v1/orgs/{SLUG}/assets/import?{query}"), body).await
}

async fn total(owner: &ward_testkit::Client) -> i64 {
    let page: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/assets?limit=1")).await.json().await.unwrap();
    page["total"].as_i64().unwrap()
}

on_both_databases! {
    async fn csv_imports_show_what_they_will_do_and_never_half_write(db) {
        let app = TestApp::spawn(db).await;
        let password = app.demo().await;
        let owner = app.sign_in(OWNER, &password).await;
        let before = total(&owner).await;

        // Belgian Excel: semicolons, Dutch headers; one bad row.
        let csv = "Naam;Type;Fabrikant;Serienummer;IP-adres;MAC-adres;Segment\n\
                   Spuitpomp 1;medical device;Fresenius;FK-001;10.120.3.1;00:11:22:33:44:01;MED-ICU\n\
                   Spuitpomp 2;medical device;Fresenius;FK-002;10.120.3.2;00:11:22:33:44:02;OFFICE\n\
                   Kapotte rij;broodrooster;;;999.1.1.1;;\n";
        let res = import(&owner, csv.as_bytes(), "name=pompen.csv").await;
        assert_eq!(res.status(), 200);
        let preview: Value = res.json().await.unwrap();
        assert_eq!((preview["add"].as_u64(), preview["errors"].as_u64()), (Some(2), Some(1)), "{preview}");
        assert_eq!(preview["applied"], false);
        let bad = preview["rows"].as_array().unwrap().iter().find(|r| r["action"] == "error").unwrap();
        assert_eq!(bad["line"], 4);
        assert!(bad["errors"].to_string().contains("broodrooster") && bad["errors"].to_string().contains("999.1.1.1"));
        assert_eq!(total(&owner).await, before, "a dry run writes nothing");

        // Applying with a bad row writes nothing unless asked to keep the valid rows.
        let id = preview["id"].as_str().unwrap();
        let res = owner.json(Method::POST, &format!("/api/v1/orgs/{SLUG}/assets/imports/{id}"), None).await;
        assert_eq!(res.status(), 422);
        assert_eq!(total(&owner).await, before);
        let res = owner.json(Method::POST, &format!("/api/v1/orgs/{SLUG}/assets/imports/{id}?keep_valid=true"), None).await;
        assert_eq!(res.status(), 200);
        let done: Value = res.json().await.unwrap();
        assert_eq!((done["add"].as_u64(), done["errors"].as_u64()), (Some(2), Some(1)));
        assert_eq!(total(&owner).await, before + 2);

        // The same pumps again, one moved: matched by serial, only the change is written.
        let again = "name,serial,ip\nSpuitpomp 1,FK-001,10.120.3.1\nSpuitpomp 2,FK-002,10.120.3.99\n";
        let preview: Value = import(&owner, again.as_bytes(), "").await.json().await.unwrap();
        assert_eq!((preview["unchanged"].as_u64(), preview["change"].as_u64()), (Some(1), Some(1)), "{preview}");
        let change = preview["rows"].as_array().unwrap().iter().find(|r| r["action"] == "change").unwrap();
        assert_eq!(change["rule"], "serial");
        assert_eq!(change["fields"], json!(["ip"]));

        // The pump on the office network breaks the segment policy.
        let violations: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/segments/violations")).await.json().await.unwrap();
        let pump = violations.as_array().unwrap().iter().find(|v| v["name"] == "Spuitpomp 2").unwrap();
        assert_eq!(pump["rule"], "medical_device_outside_medical_zone");

        // Pages: the list finds them; a file uploaded through the page is previewed before it is written.
        let html = owner.get(&format!("/orgs/{SLUG}/assets?q=spuitpomp")).await.text().await.unwrap();
        assert!(html.contains("Spuitpomp 1") && html.contains("Spuitpomp 2"));
        let part = reqwest::multipart::Part::bytes(b"name,mac\nMonitor 9,00:11:22:33:44:99\n".to_vec()).file_name("monitors.csv");
        let res = owner.post_multipart(&format!("/orgs/{SLUG}/assets/import"), reqwest::multipart::Form::new().part("file", part)).await;
        assert_eq!(res.status(), 303);
        let preview_page = res.headers()["location"].to_str().unwrap().to_owned();
        let html = owner.get(&preview_page).await.text().await.unwrap();
        assert!(html.contains("data-count=\"add\">1"), "{html}");
        assert_eq!(total(&owner).await, before + 2, "nothing written before the person confirms");
        let res = owner.post_form(&preview_page, &[("map_0", "name"), ("map_1", "mac")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(total(&owner).await, before + 3);

        // Audited.
        let log = app.ward.audit_log(&Ctx::cli(), SLUG, &ward_app::AuditFilter::default()).await.unwrap();
        assert!(log.iter().any(|e| e.entry.action == "asset.import"));
        app.stop().await;
    }

    async fn nmap_scans_import_merge_by_mac_and_feed_readiness_signals(db) {
        let app = TestApp::spawn(db).await;
        let password = app.demo().await;
        let owner = app.sign_in(OWNER, &password).await;
        let Ok(scan) = std::fs::read(format!("{NMAP}/libnmap_full_sudo6.xml")) else {
            assert!(std::env::var("WARD_TEST_REQUIRE_WORKBOOK").is_err(), "{NMAP} is required here");
            return;
        };
        let before = total(&owner).await;
        let preview: Value = import(&owner, &scan, "format=nmap&name=full_sudo6.xml").await.json().await.unwrap();
        assert_eq!(preview["format"], "nmap");
        let added = preview["add"].as_u64().unwrap();
        assert!(added >= 4, "{preview}");
        assert_eq!(preview["errors"], 0);

        // Applied through the command line; a second run of the same scan changes nothing.
        let file = app.db.dir.path().join("scan.xml");
        std::fs::write(&file, &scan).unwrap();
        let o = ward(&app.db).args(["assets", "import", file.to_str().unwrap(), "--org", SLUG, "--json"]).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let done: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(done["applied"], true);
        assert_eq!(total(&owner).await, before + i64::try_from(added).unwrap());
        let o = ward(&app.db).args(["assets", "import", file.to_str().unwrap(), "--org", SLUG, "--dry-run", "--json"]).output().unwrap();
        let again: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(again["add"], 0, "{again}");
        assert!(again["rows"].as_array().unwrap().iter().all(|r| r["action"] == "unchanged"));

        // What the scan saw is kept on the asset.
        let page: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/assets?limit=500")).await.json().await.unwrap();
        let scanned = page["assets"].as_array().unwrap().iter().find(|a| a["sources"].to_string().contains("nmap")).unwrap();
        assert!(scanned["observed"]["services"].is_array());
        assert!(scanned["last_seen"].is_string());

        // Every sample scan either imports or is refused with a precise reason.
        for entry in std::fs::read_dir(NMAP).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "xml") {
                continue;
            }
            let res = import(&owner, &std::fs::read(&path).unwrap(), "format=nmap").await;
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap();
            assert!(status == 200 || (status == 422 && body["errors"][0]["reason"].as_str().unwrap().contains("line")), "{}: {status} {body}", path.display());
        }

        // The demo's register feeds the signals: a third of the pumps have no owner.
        let id = app.ward.assessments(&Ctx::cli(), SLUG).await.unwrap()[0].id;
        let gaps: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/assessments/{id}/gaps")).await.json().await.unwrap();
        let owners = gaps["signals"].as_array().unwrap().iter().find(|s| s["requirement"] == "ID.AM-01.2").unwrap();
        assert_eq!(owners["source"], "assets");
        assert_eq!(owners["fact"]["what"], "medical_devices_owned");

        // A hostile document is refused with its place, nothing written.
        let bomb = b"<?xml version=\"1.0\"?><!DOCTYPE nmaprun [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><nmaprun>&b;</nmaprun>";
        let count = total(&owner).await;
        let res = import(&owner, bomb, "format=nmap").await;
        assert_eq!(res.status(), 422);
        assert_eq!(total(&owner).await, count);
        app.stop().await;
    }
}

#[test]
fn segments_from_the_command_line() {
    let db = ward_testkit::TestDb::sqlite();
    let o = ward(&db).args(["demo", "--no-serve"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = ward(&db).args(["segments", "check", "--org", SLUG, "--json"]).output().unwrap();
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rules: Vec<&str> = v.as_array().unwrap().iter().map(|x| x["rule"].as_str().unwrap()).collect();
    assert!(
        rules.contains(&"medical_device_outside_medical_zone"),
        "the demo's ultrasound sits on the office network: {rules:?}"
    );
    assert!(rules.contains(&"patient_data_on_open_network"), "{rules:?}");
    let o = ward(&db)
        .args(["segments", "set", "--org", SLUG, "--name", "LAB", "--zone", "cafeteria"])
        .output()
        .unwrap();
    assert!(!o.status.success() && stderr(&o).contains("zone"), "{}", stderr(&o));
    let o = ward(&db)
        .args(["assets", "list", "--org", SLUG, "--kind", "medical_device", "--json"])
        .output()
        .unwrap();
    let list: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(list["total"].as_i64().unwrap() >= 17);
}
