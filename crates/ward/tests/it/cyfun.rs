//! CyFun assessments end to end: the API, the official workbook in and out through the command
//! line, bad workbooks refused with their cells named and nothing half-imported, the N/A rules,
//! contributors limited to what they own, snapshots, and the audit trail.

use std::io::{Read, Write};

use reqwest::Method;
use serde_json::{Value, json};
use ward_app::Ctx;
use ward_testkit::{TestApp, on_both_databases};

use crate::cli::{stderr as err, stdout as out, ward};

const OWNER: &str = "an.peeters@az-voorbeeldstad.example";
const CONTRIBUTOR: &str = "lotte.janssens@az-voorbeeldstad.example";
const SLUG: &str = "az-voorbeeldstad";
use ward_testkit::libreoffice::official_workbook as template;

/// Replaces `from` by `to` in one part of an .xlsx (a zip), keeping everything else.
fn patch_xlsx(bytes: &[u8], part: &str, from: &str, to: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        if name == part {
            let text = String::from_utf8(data).unwrap();
            assert!(text.contains(from), "{part} has no {from:?}");
            data = text.replacen(from, to, 1).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The sheet part of a function sheet, found through the workbook's relationships.
fn sheet_part(bytes: &[u8], sheet: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        archive.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let workbook = read("xl/workbook.xml");
    let rels = read("xl/_rels/workbook.xml.rels");
    let at = workbook.find(&format!("name=\"{sheet}\"")).unwrap();
    let tag_start = workbook[..at].rfind('<').unwrap();
    let tag = &workbook[tag_start..tag_start + workbook[tag_start..].find('>').unwrap()];
    let rid = tag.split("r:id=\"").nth(1).unwrap().split('"').next().unwrap();
    let rel_at = rels.find(&format!("Id=\"{rid}\"")).unwrap();
    let rel_start = rels[..rel_at].rfind('<').unwrap();
    let rel = &rels[rel_start..rel_start + rels[rel_start..].find('>').unwrap()];
    let target = rel.split("Target=\"").nth(1).unwrap().split('"').next().unwrap();
    format!("xl/{}", target.trim_start_matches("/xl/"))
}

async fn assessment_count(app: &TestApp) -> usize {
    app.ward.assessments(&Ctx::cli(), SLUG).await.unwrap().len()
}

on_both_databases! {
    async fn scoring_through_the_api_moves_the_verdict_and_is_audited(db) {
        let app = TestApp::spawn(db).await;
        let password = app.demo().await;
        let owner = app.sign_in(OWNER, &password).await;
        let list: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/assessments")).await.json().await.unwrap();
        let demo = list[0]["id"].as_str().unwrap().to_owned();
        let base = format!("/api/v1/orgs/{SLUG}/assessments/{demo}");
        let score: Value = owner.get(&format!("{base}/score")).await.json().await.unwrap();
        for key in ["total", "functions", "categories", "key_measures", "verdict"] {
            assert!(!score[key].is_null(), "score has {key}");
        }
        assert_eq!(score["categories"].as_object().unwrap().len(), 22);
        assert_eq!(score["key_measures"].as_object().unwrap().len(), 29);
        // The demo fails Basic on one key measure only: MFA for remote access (PR.AA-03.2 at 2/2).
        let basic = &score["verdict"]["basic"];
        assert_eq!(basic["pass"], false);
        assert_eq!(basic["failing"].as_array().unwrap().len(), 1, "{basic}");
        assert_eq!(basic["failing"][0]["requirement"], "PR.AA-03.2");
        assert_eq!(basic["to_pass"].as_array().unwrap().len(), 1, "{basic}");

        let res = owner.json(Method::PUT, &format!("{base}/answers/PR.AA-03.2"), Some(json!({"documentation": 3, "implementation": 3}))).await;
        assert_eq!(res.status(), 200);
        let after: Value = res.json().await.unwrap();
        assert_eq!(after["verdict"]["basic"]["pass"], true, "{}", after["verdict"]["basic"]);
        assert_eq!(after["key_measures"]["PR.AA-03.2"], 3.0);

        // Out-of-range scores and N/A on a key measure are refused, naming the field; nothing changes.
        for bad in [json!({"documentation": 0}), json!({"implementation": 6}), json!({"not_applicable": true, "justification": "no"})] {
            let res = owner.json(Method::PUT, &format!("{base}/answers/PR.AA-03.2"), Some(bad.clone())).await;
            assert_eq!(res.status(), 422, "{bad}");
        }
        let res = owner.json(Method::PUT, &format!("{base}/answers/PR.AA-03.2"), Some(json!({"documentation": "x"}))).await;
        assert_eq!(res.status(), 422);
        // N/A without a justification is refused; with one it is kept.
        let res = owner.json(Method::PUT, &format!("{base}/answers/GV.OC-01.1"), Some(json!({"not_applicable": true}))).await;
        assert_eq!(res.status(), 422);
        let still: Value = owner.get(&format!("{base}/score")).await.json().await.unwrap();
        assert_eq!(still["key_measures"]["PR.AA-03.2"], 3.0);

        // The change is in the audit log, without the comment text.
        owner.json(Method::PUT, &format!("{base}/answers/PR.AA-03.2"), Some(json!({"comment": "Vendor VPN gets MFA in January"}))).await;
        let log: Value = owner.get(&format!("/api/v1/orgs/{SLUG}/audit")).await.json().await.unwrap();
        let text = log.to_string();
        assert!(text.contains("assessment.answer"), "{text}");
        assert!(!text.contains("Vendor VPN"), "comments stay out of the audit log");
        // Stored encrypted: the comment's text is not in the database file or table.
        let raw = app.db.fetch_bytes("SELECT comment FROM assessment_answers WHERE requirement_id = 'PR.AA-03.2' AND comment IS NOT NULL").await.expect("a stored comment");
        assert!(!raw.is_empty() && !String::from_utf8_lossy(&raw).contains("Vendor VPN"));
        app.stop().await;
    }

    async fn not_applicable_is_limited_to_five_and_contributors_change_only_their_own(db) {
        let app = TestApp::spawn(db).await;
        let password = app.demo().await;
        let owner = app.sign_in(OWNER, &password).await;
        let created: Value = owner
            .json(Method::POST, &format!("/api/v1/orgs/{SLUG}/assessments"), Some(json!({"name": "Q4", "target_level": "essential"})))
            .await
            .json()
            .await
            .unwrap();
        let base = format!("/api/v1/orgs/{SLUG}/assessments/{}", created["id"].as_str().unwrap());
        let allowed: Vec<String> = ward_domain::cyfun::Framework::Cyfun2025
            .catalog()
            .requirements
            .iter()
            .filter(|r| r.not_applicable_allowed)
            .take(6)
            .map(|r| r.id.clone())
            .collect();
        for id in &allowed[..5] {
            let res = owner.json(Method::PUT, &format!("{base}/answers/{id}"), Some(json!({"not_applicable": true, "justification": "Not done here"}))).await;
            assert_eq!(res.status(), 200, "{id}");
        }
        let res = owner.json(Method::PUT, &format!("{base}/answers/{}", allowed[5]), Some(json!({"not_applicable": true, "justification": "Nor this"}))).await;
        assert_eq!(res.status(), 422);
        let problem: Value = res.json().await.unwrap();
        assert!(problem.to_string().contains("at most 5"), "{problem}");

        // The contributor may score what she owns, and nothing else.
        owner.json(Method::PUT, &format!("{base}/answers/ID.AM-08.2"), Some(json!({"owner": CONTRIBUTOR}))).await;
        let lotte = app.sign_in(CONTRIBUTOR, &password).await;
        let res = lotte.json(Method::PUT, &format!("{base}/answers/ID.AM-08.2"), Some(json!({"documentation": 4, "implementation": 3}))).await;
        assert_eq!(res.status(), 200);
        let res = lotte.json(Method::PUT, &format!("{base}/answers/PR.DS-11.1"), Some(json!({"documentation": 4}))).await;
        assert_eq!(res.status(), 403);

        // Snapshots: freeze, change, compare.
        let snap: Value = owner.json(Method::POST, &format!("{base}/snapshots"), Some(json!({"label": "before"}))).await.json().await.unwrap();
        owner.json(Method::PUT, &format!("{base}/answers/PR.DS-11.1"), Some(json!({"documentation": 4, "implementation": 4}))).await;
        let id = created["id"].as_str().unwrap().parse().unwrap();
        let cmp = app.ward.compare_snapshots(&Ctx::cli(), SLUG, id, snap["id"].as_str().unwrap().parse().unwrap(), None).await.unwrap();
        assert_eq!(cmp.changed.len(), 1);
        assert_eq!(cmp.changed[0].requirement, "PR.DS-11.1");
        assert!(cmp.total.1 > cmp.total.0);
        assert!(cmp.categories.iter().any(|c| c.category == "PR.DS" && c.delta > 0.0));

        // Settings change, then the owner deletes it; others cannot.
        let res = owner.json(Method::PUT, &base, Some(json!({"name": "Q4 2026", "target_level": "important"}))).await;
        assert_eq!(res.status(), 200);
        let detail: Value = res.json().await.unwrap();
        assert_eq!((detail["name"].as_str(), detail["target_level"].as_str()), (Some("Q4 2026"), Some("important")));
        assert_eq!(lotte.json(Method::DELETE, &base, None).await.status(), 403);
        assert_eq!(owner.json(Method::DELETE, &base, None).await.status(), 204);
        assert_eq!(owner.get(&base).await.status(), 404);
        app.stop().await;
    }

    async fn the_official_workbook_goes_out_and_comes_back_through_the_command_line(db) {
        let Some(template) = template() else { return };
        let app = TestApp::spawn(db).await;
        app.demo().await;
        let demo = app.ward.assessments(&Ctx::cli(), SLUG).await.unwrap()[0].id;
        let dir = app.db.dir.path().to_owned();
        std::fs::write(dir.join("blank.xlsx"), &template).unwrap();
        let o = ward(&app.db).args(["cyfun", "export-workbook", &demo.to_string(), "--template", "blank.xlsx", "--out", "filled.xlsx"]).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        let o = ward(&app.db).args(["cyfun", "import-workbook", "filled.xlsx", "--org", SLUG, "--name", "Round trip"]).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        let imported = out(&o).trim().to_owned();
        let o = ward(&app.db).args(["cyfun", "score", &imported, "--json"]).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        let back: Value = serde_json::from_str(&out(&o)).unwrap();
        let o = ward(&app.db).args(["cyfun", "score", &demo.to_string(), "--json"]).output().unwrap();
        let original: Value = serde_json::from_str(&out(&o)).unwrap();
        for key in ["total", "categories", "functions", "key_measures"] {
            assert_eq!(back[key], original[key], "{key} survives the round trip");
        }
        assert_eq!(back["verdict"]["essential"]["pass"], original["verdict"]["essential"]["pass"]);
        // Answer and compare from the command line: the demo's baseline against now, then a change.
        let o = ward(&app.db).args(["cyfun", "answer", &demo.to_string(), "PR.AA-03.2", "--documentation", "3", "--implementation", "3", "--json"]).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        let report: Value = serde_json::from_str(&out(&o)).unwrap();
        assert_eq!(report["verdict"]["basic"]["pass"], true);
        let o = ward(&app.db).args(["cyfun", "answer", &demo.to_string(), "PR.AA-03.2", "--documentation", "7"]).output().unwrap();
        assert!(!o.status.success() && err(&o).contains("use 1 to 5"), "{}", err(&o));
        let baseline = app.ward.snapshots(&Ctx::cli(), SLUG, demo).await.unwrap()[0].id;
        let o = ward(&app.db).args(["cyfun", "compare", &demo.to_string(), "--from", &baseline.to_string(), "--json"]).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        let cmp: Value = serde_json::from_str(&out(&o)).unwrap();
        assert!(cmp["total_to"].as_f64().unwrap() > cmp["total_from"].as_f64().unwrap());
        assert!(cmp["changed"].as_array().unwrap().iter().any(|c| c["requirement"] == "PR.AA-03.2"));
        // People get a table.
        let o = ward(&app.db).args(["cyfun", "score", &demo.to_string()]).output().unwrap();
        let text = out(&o);
        assert!(text.contains("PR.AA") && text.contains("FAIL") && text.contains("to pass"), "{text}");
        app.stop().await;
    }

    async fn bad_workbooks_are_refused_with_their_cells_and_nothing_is_imported(db) {
        let Some(template) = template() else { return };
        let app = TestApp::spawn(db).await;
        app.demo().await;
        let before = assessment_count(&app).await;
        let govern = sheet_part(&template, "GOVERN");
        let protect = sheet_part(&template, "PROTECT");
        let xml = |part: &str| {
            let mut a = zip::ZipArchive::new(std::io::Cursor::new(&template[..])).unwrap();
            let mut s = String::new();
            a.by_name(part).unwrap().read_to_string(&mut s).unwrap();
            s
        };
        let govern_xml = xml(&govern);
        // The cell G3 of GOVERN holds a number; find its <v> to change it.
        let cell = |xml: &str, r: &str| {
            let at = xml.find(&format!("r=\"{r}\"")).unwrap();
            let start = xml[..at].rfind("<c ").unwrap();
            let end = start + xml[start..].find("</c>").unwrap() + 4;
            xml[start..end].to_owned()
        };
        let g3 = cell(&govern_xml, "G3");
        let with_value = |c: &str, v: &str| {
            let open = c.find("<v>").unwrap();
            let close = c.find("</v>").unwrap();
            format!("{}<v>{v}</v>{}", &c[..open], &c[close + 4..])
        };
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("score 0", patch_xlsx(&template, &govern, &g3, &with_value(&g3, "0")), "GOVERN!G3"),
            ("score 6", patch_xlsx(&template, &govern, &g3, &with_value(&g3, "6")), "GOVERN!G3"),
            (
                "score x",
                patch_xlsx(&template, &govern, &g3, &format!("{}t=\"inlineStr\"><is><t>x</t></is></c>", &g3[..g3.find('>').unwrap()].trim_end_matches('/'))),
                "GOVERN!G3",
            ),
            // K3 no longer counts I11: the orphaned subcategory cell is named.
            ("a modified formula", patch_xlsx(&template, &govern, "AVERAGE(I3,I4,I5,I7,I11)", "AVERAGE(I3,I4,I5,I7)"), "GOVERN!I11"),
            ("not a workbook", b"PK\x03\x04 nothing".to_vec(), "workbook"),
        ];
        // N/A on a key measure (PROTECT!G3 is PR.AA-01.1).
        let protect_xml = xml(&protect);
        let p_g3 = cell(&protect_xml, "G3");
        let na = format!("{}t=\"inlineStr\"><is><t>N/A</t></is></c>", &p_g3[..p_g3.find('>').unwrap()].trim_end_matches('/'));
        let mut cases = cases;
        cases.push(("N/A on a key measure", patch_xlsx(&template, &protect, &p_g3, &na), "PROTECT!G3"));
        for (what, bytes, expected) in cases {
            let file = app.db.dir.path().join("bad.xlsx");
            std::fs::write(&file, &bytes).unwrap();
            let o = ward(&app.db).args(["cyfun", "import-workbook", "bad.xlsx", "--org", SLUG]).output().unwrap();
            assert!(!o.status.success(), "{what}: accepted");
            let e = err(&o);
            assert!(e.contains(expected), "{what}: {e}");
            assert_eq!(e.trim_end().lines().count(), 1, "{what}: one line: {e}");
            assert_eq!(assessment_count(&app).await, before, "{what}: nothing imported");
        }
        // A sixth N/A: six allowed cells of GOVERN set to N/A.
        let mut bytes = template.clone();
        for r in ["G3", "G4", "G5", "G6", "G7", "G8"] {
            let xml_now = {
                let mut a = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
                let mut s = String::new();
                a.by_name(&govern).unwrap().read_to_string(&mut s).unwrap();
                s
            };
            let c = cell(&xml_now, r);
            let na = format!("{}t=\"inlineStr\"><is><t>N/A</t></is></c>", &c[..c.find('>').unwrap()].trim_end_matches('/'));
            bytes = patch_xlsx(&bytes, &govern, &c, &na);
        }
        std::fs::write(app.db.dir.path().join("six.xlsx"), &bytes).unwrap();
        let o = ward(&app.db).args(["cyfun", "import-workbook", "six.xlsx", "--org", SLUG]).output().unwrap();
        assert!(!o.status.success());
        assert!(err(&o).contains("at most 5"), "{}", err(&o));
        assert_eq!(assessment_count(&app).await, before);
        // Five are fine.
        app.stop().await;
    }

    async fn official_texts_are_imported_and_shown_beside_wards_titles(db) {
        let Some(template) = template() else { return };
        let app = TestApp::spawn(db).await;
        let password = app.demo().await;
        let owner = app.sign_in(OWNER, &password).await;
        let demo = app.ward.assessments(&Ctx::cli(), SLUG).await.unwrap()[0].id;
        let page = format!("/orgs/{SLUG}/assessments/{demo}/requirements/PR.AA-03.2");
        let before = owner.get(&page).await.text().await.unwrap();
        assert!(before.contains("not loaded"), "no official text yet");
        // The CCB workbook gives the English texts; the CISO Assistant library adds Dutch and French.
        std::fs::write(app.db.dir.path().join("tool.xlsx"), &template).unwrap();
        let o = ward(&app.db).args(["catalog", "import", "tool.xlsx", "--json"]).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        let imported: Value = serde_json::from_str(&out(&o)).unwrap();
        assert_eq!(imported["languages"]["en"], 218);
        let library = std::path::Path::new(ward_testkit::libreoffice::OFFICIAL_WORKBOOK).with_file_name("cyfun2025.yaml");
        let o = ward(&app.db).arg("catalog").arg("import").arg(&library).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        assert!(out(&o).contains("218 in nl") && out(&o).contains("218 in fr"), "{}", out(&o));
        let after = owner.get(&page).await.text().await.unwrap();
        assert!(after.contains("class=\"official\"") && !after.contains("not loaded"), "the official text is shown");
        // Not a library, not a workbook: refused, nothing replaced.
        std::fs::write(app.db.dir.path().join("notes.yaml"), "just: [some, yaml]\n").unwrap();
        let o = ward(&app.db).args(["catalog", "import", "notes.yaml"]).output().unwrap();
        assert!(!o.status.success());
        assert!(err(&o).starts_with("error:") && err(&o).trim_end().lines().count() == 1, "{}", err(&o));
        let again = owner.get(&page).await.text().await.unwrap();
        assert!(again.contains("class=\"official\""));
        app.stop().await;
    }
}
