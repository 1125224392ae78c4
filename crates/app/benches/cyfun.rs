//! CyFun figures with targets from the assessment issue:
//! scoring a full Essential assessment (< 50 µs), reading the official workbook into an assessment
//! (< 500 ms) and filling a blank one (< 1 s). The assessment page's server time (< 30 ms) is
//! measured on a release server by `bench/cyfun.py`. Also: loading the healthcare guidance and
//! searching it (no target set; reported for the record).
//!
//! Run: `cargo bench -p ward-app --bench cyfun` (needs the CCB workbook in ../shared/data/cyfun
//! for the workbook figures).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use ward_app::{Ctx, DatabaseTarget, KeySource, MasterKey, Ward};
use ward_domain::cyfun::{Answer, Answers, Framework, Level, Thresholds, minimum_path, score, verdict};
use ward_domain::guidance::Guidance;

const TEMPLATE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/cyfun/CyFun2025_Self-Assessment_tool_ESSENTIAL_v3.1.xlsx"
);

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(what: &str, mut samples: Vec<Duration>, unit: &str) {
    samples.sort();
    let (p50, p95) = (percentile(&samples, 0.5), percentile(&samples, 0.95));
    let show = |d: Duration| match unit {
        "µs" => format!("{:.2} µs", d.as_secs_f64() * 1e6),
        _ => format!("{:.1} ms", d.as_secs_f64() * 1e3),
    };
    println!("{what:<44} p50 {:>10}  p95 {:>10}  ({} runs)", show(p50), show(p95), samples.len());
}

fn answers() -> Answers {
    let c = Framework::Cyfun2025.catalog();
    let mut a = Answers::new(c);
    for (i, r) in c.requirements.iter().enumerate() {
        let d = (i * 7 % 5) as u8 + 1;
        let m = (i * 3 % 5) as u8 + 1;
        a.set(c, &r.id, Some(Answer::scored(d, m).unwrap())).unwrap();
    }
    a
}

fn main() {
    let c = Framework::Cyfun2025.catalog();
    let a = answers();
    // Scoring: each sample is the mean of 1,000 calls (one call is too short to time alone).
    let mut samples = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        for _ in 0..1000 {
            black_box(score(c, Level::Essential, black_box(&a)));
        }
        samples.push(t.elapsed() / 1000);
    }
    report("score a full Essential assessment (218)", samples, "µs");
    let mut samples = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        for _ in 0..100 {
            for level in Level::ALL {
                black_box(verdict(c, level, black_box(&a), Thresholds::embedded()));
            }
        }
        samples.push(t.elapsed() / 100);
    }
    report("verdicts of all three levels, with paths", samples, "µs");

    // The minimum path to pass (exact), weighted by the guidance's effort: a full Essential
    // assessment (varied scores), and a blank one (the largest search: every point is open).
    let guidance = Guidance::builtin();
    let weight = |r: &ward_domain::cyfun::Requirement| {
        ward_domain::gaps::effort_weight(guidance.requirement(&r.id).map(|g| g.effort))
    };
    let t = Thresholds::embedded();
    for (what, answers) in [("full Essential assessment", &a), ("blank assessment", &Answers::new(c))] {
        let mut samples = Vec::new();
        for _ in 0..30 {
            let start = Instant::now();
            black_box(minimum_path(c, Level::Essential, black_box(answers), t, weight).unwrap());
            samples.push(start.elapsed());
        }
        report(&format!("minimum path, {what}"), samples, "ms");
    }

    // Guidance: parsing and checking all content (once per process), and a search.
    let files: Vec<(&str, &str)> = Guidance::builtin_files().collect();
    let text = |name: &str| files.iter().find(|(n, _)| *n == name).unwrap().1;
    let categories: Vec<(&str, &str)> =
        files.iter().copied().filter(|(n, _)| n.starts_with(|c: char| c.is_ascii_uppercase())).collect();
    let mut samples = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        black_box(
            Guidance::parse(
                &categories,
                text("plans.toml"),
                text("challenges.toml"),
                text("cyfun2023-links.toml"),
            )
            .unwrap(),
        );
        samples.push(t.elapsed());
    }
    report("load and check all guidance (218 × 3 languages)", samples, "ms");
    for query in ["infusion pump", "downtime", "vendor remote access"] {
        let mut samples = Vec::new();
        for _ in 0..200 {
            let t = Instant::now();
            black_box(guidance.search(black_box(query), 40));
            samples.push(t.elapsed());
        }
        report(&format!("search the guidance for {query:?}"), samples, "ms");
    }

    dashboard_with_many_tasks();
    register_with_many_assets();

    let Ok(template) = std::fs::read(TEMPLATE) else {
        println!("(the official workbook is not at {TEMPLATE}: workbook figures skipped)");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeySource { master: MasterKey::generate().unwrap(), checkpoint_file: None };
        let ward = Ward::open(&DatabaseTarget::in_data_dir(dir.path()), keys).await.unwrap();
        ward.refresh_demo(&Ctx::cli()).await.unwrap();
        let ctx = Ctx::cli();
        let demo = ward.assessments(&ctx, "az-voorbeeldstad").await.unwrap()[0].id;
        let filled = ward.export_workbook(&ctx, "az-voorbeeldstad", demo, &template).await.unwrap();

        let mut read = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            black_box(ward_workbook::read(&filled).unwrap());
            read.push(t.elapsed());
        }
        report("read the filled workbook (parse only)", read, "ms");
        let mut import = Vec::new();
        for i in 0..30 {
            let t = Instant::now();
            ward.import_workbook(&ctx, "az-voorbeeldstad", &filled, &format!("bench {i}")).await.unwrap();
            import.push(t.elapsed());
        }
        report("import the workbook into SQLite (all steps)", import, "ms");
        let mut export = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            black_box(ward.export_workbook(&ctx, "az-voorbeeldstad", demo, &template).await.unwrap());
            export.push(t.elapsed());
        }
        report("fill a blank workbook (export, all steps)", export, "ms");
        ward.close().await;
    });
}

/// The organisation dashboard's server time with 10,000 tasks (target < 100 ms): the demo
/// hospital plus 10,000 imported tasks, on SQLite.
fn dashboard_with_many_tasks() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeySource { master: MasterKey::generate().unwrap(), checkpoint_file: None };
        let ward = Ward::open(&DatabaseTarget::in_data_dir(dir.path()), keys).await.unwrap();
        ward.refresh_demo(&Ctx::cli()).await.unwrap();
        let ctx = Ctx::cli();
        let mut csv = String::from("title,owner,due,status,requirements\n");
        let ids: Vec<&str> =
            Framework::Cyfun2025.catalog().requirements.iter().map(|r| r.id.as_str()).collect();
        for i in 0..10_000 {
            let status = ["open", "in_progress", "done", "cancelled"][i % 4];
            let due = format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
            csv.push_str(&format!(
                "Task {i},owner{}@az.example,{due},{status},{}\n",
                i % 40,
                ids[i % ids.len()]
            ));
        }
        let t = Instant::now();
        ward.import_tasks(&ctx, "az-voorbeeldstad", csv.as_bytes()).await.unwrap();
        println!(
            "{:<44} {:>10.1} ms  (once)",
            "import 10,000 tasks from CSV",
            t.elapsed().as_secs_f64() * 1e3
        );
        let mut samples = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            black_box(ward.dashboard(&ctx, "az-voorbeeldstad").await.unwrap());
            samples.push(t.elapsed());
        }
        report("dashboard of an organisation with 10,000 tasks", samples, "ms");
        ward.close().await;
    });
}

/// The asset list's server time with 100,000 assets, filtered and paginated (target < 50 ms),
/// and importing them from a CSV file (preview and write).
fn register_with_many_assets() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeySource { master: MasterKey::generate().unwrap(), checkpoint_file: None };
        let ward = Ward::open(&DatabaseTarget::in_data_dir(dir.path()), keys).await.unwrap();
        ward.refresh_demo(&Ctx::cli()).await.unwrap();
        let ctx = Ctx::cli();
        let mut csv = String::from("name,kind,vendor,model,serial,ip,mac,segment,criticality\n");
        let kinds = ["medical_device", "clinical_workstation", "server", "network_device", "building_iot"];
        for i in 0..100_000u32 {
            csv.push_str(&format!(
                "device-{i:06},{},Vendor {},Model {},SN{i:08},10.{}.{}.{},02:00:{:02x}:{:02x}:{:02x}:{:02x},SEG-{},{}\n",
                kinds[i as usize % kinds.len()],
                i % 37,
                i % 101,
                (i >> 16) & 0xff,
                (i >> 8) & 0xff,
                i & 0xff,
                (i >> 24) & 0xff,
                (i >> 16) & 0xff,
                (i >> 8) & 0xff,
                i & 0xff,
                i % 12,
                ["life_sustaining", "therapeutic", "diagnostic", "support"][i as usize % 4],
            ));
        }
        let t = Instant::now();
        let preview = ward.preview_asset_import(&ctx, "az-voorbeeldstad", None, "bench.csv", csv.as_bytes(), None).await.unwrap();
        println!("{:<44} {:>10.1} ms  (once)", "preview 100,000 assets from CSV", t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        ward.apply_asset_import(&ctx, "az-voorbeeldstad", preview.id, None, false).await.unwrap();
        println!("{:<44} {:>10.1} ms  (once)", "write 100,000 assets (preview again + write)", t.elapsed().as_secs_f64() * 1e3);
        let queries = [
            ("asset list, first page of 50", ward_app::AssetQuery { limit: 50, ..Default::default() }),
            (
                "asset list, medical devices, page 100",
                ward_app::AssetQuery { kind: Some("medical_device".into()), limit: 50, offset: 4950, ..Default::default() },
            ),
            ("asset list, search \"device-0999\"", ward_app::AssetQuery { text: Some("device-0999".into()), limit: 50, ..Default::default() }),
        ];
        for (what, q) in queries {
            let mut samples = Vec::new();
            for _ in 0..30 {
                let t = Instant::now();
                black_box(ward.assets(&ctx, "az-voorbeeldstad", &q).await.unwrap());
                samples.push(t.elapsed());
            }
            report(what, samples, "ms");
        }
        ward.close().await;
    });
}
