//! `ward cyfun …` and `ward catalog import`.

use anyhow::Context;
use uuid::Uuid;
use ward_app::{AssessmentInput, Ctx, ScoreReport};
use ward_domain::cyfun::{Dimension, Failing, Framework, Level};

use ward_web::api::cyfun_model::{AssessmentView, ComparisonView, ScoreReportView};

use crate::cli::{
    CatalogImportArgs, CyfunAnswerArgs, CyfunCompareArgs, CyfunCreateArgs, CyfunExportArgs, CyfunIdArgs,
    CyfunImportArgs, CyfunSnapshotArgs,
};
use crate::config::Config;

fn parse_id(id: &str) -> anyhow::Result<Uuid> {
    Uuid::parse_str(id.trim())
        .map_err(|_| anyhow::anyhow!("{id:?} is not an assessment id; see `ward cyfun list --org SLUG`"))
}

fn read_file(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

pub async fn list(config: &Config, slug: &str, json: bool) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.assessments(&Ctx::cli(), slug).await;
    ward.close().await;
    let list = result?;
    if json {
        return super::print_json(&list.iter().map(AssessmentView::from).collect::<Vec<_>>());
    }
    if list.is_empty() {
        println!("No assessments yet. Start one with `ward cyfun create --org {slug} --name NAME`.");
        return Ok(());
    }
    println!(
        "{:<36}  {:<10}  {:<9}  {:>5}  {:<4}  {:>9}  NAME",
        "ID", "FRAMEWORK", "TARGET", "TOTAL", "PASS", "ANSWERED"
    );
    for a in &list {
        println!(
            "{:<36}  {:<10}  {:<9}  {:>5.2}  {:<4}  {:>4}/{:<4}  {}",
            a.id,
            a.framework.code(),
            a.target_level.code(),
            a.total,
            if a.pass { "yes" } else { "no" },
            a.answered,
            a.applicable,
            a.name
        );
    }
    Ok(())
}

pub async fn create(config: &Config, args: &CyfunCreateArgs) -> anyhow::Result<()> {
    let framework = Framework::parse(&args.framework).ok_or_else(|| {
        anyhow::anyhow!("--framework: {:?} is not cyfun-2025 or cyfun-2023", args.framework)
    })?;
    let target = args
        .target
        .as_deref()
        .map(Level::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--target: {}", e.reason))?;
    let ward = super::open(config).await?;
    let input =
        AssessmentInput { name: args.name.clone(), framework, target_level: target, scope: String::new() };
    let result = ward.create_assessment(&Ctx::cli(), &args.org, &input).await;
    ward.close().await;
    let id = result?;
    if args.output.json {
        return super::print_json(&serde_json::json!({"id": id}));
    }
    println!("{id}");
    Ok(())
}

pub async fn score(config: &Config, args: &CyfunIdArgs) -> anyhow::Result<()> {
    let id = parse_id(&args.id)?;
    let ward = super::open(config).await?;
    let ctx = Ctx::cli();
    let result = async {
        let slug = ward.assessment_organisation(&ctx, id).await?;
        ward.score_report(&ctx, &slug, id).await
    }
    .await;
    ward.close().await;
    let report = result?;
    if args.output.json {
        return super::print_json(&ScoreReportView::from(&report));
    }
    print_report(&report);
    Ok(())
}

fn print_report(r: &ScoreReport) {
    println!(
        "{} at {} level: total maturity {:.2} ({} of {} requirements answered)",
        r.framework.label(),
        r.level.code(),
        r.total,
        r.answered,
        r.applicable
    );
    println!();
    println!("{:<8}  {:>13}  {:>14}  {:>8}", "FUNCTION", "DOCUMENTATION", "IMPLEMENTATION", "MATURITY");
    let catalog = r.framework.catalog();
    for f in &catalog.functions {
        if let Some(x) = r.functions.get(&f.id) {
            println!(
                "{:<8}  {:>13.2}  {:>14.2}  {:>8.2}  {}",
                f.id, x.documentation, x.implementation, x.maturity, f.name.en
            );
        }
    }
    println!();
    println!("{:<8}  {:>13}  {:>14}  {:>8}", "CATEGORY", "DOCUMENTATION", "IMPLEMENTATION", "MATURITY");
    for c in &catalog.categories {
        if let Some(x) = r.categories.get(&c.id) {
            println!(
                "{:<8}  {:>13.2}  {:>14.2}  {:>8.2}  {}",
                c.id, x.documentation, x.implementation, x.maturity, c.name.en
            );
        }
    }
    println!();
    for level in Level::ALL {
        let Some(v) = r.verdict.get(level.code()) else { continue };
        println!("{:<9}  {}  total {:.2}", level.code(), if v.pass { "PASS" } else { "FAIL" }, v.total);
        for f in &v.failing {
            let line = match f {
                Failing::KeyMeasure { requirement, score, required } => {
                    format!("key measure {requirement}: {score:.2} < {required:.2}")
                }
                Failing::Category { category, maturity, required } => {
                    format!("category {category}: {maturity:.2} < {required:.2}")
                }
                Failing::Total { total, required } => format!("total: {total:.2} < {required:.2}"),
                Failing::Answer { problem } => problem.to_string(),
            };
            println!("           - {line}");
        }
        if !v.to_pass.is_empty() {
            let points: u32 = v.to_pass.iter().map(|i| u32::from(i.to - i.from)).sum();
            println!("           to pass, raise {} score(s) by {points} point(s) in all:", v.to_pass.len());
            for inc in &v.to_pass {
                let dim = match inc.dimension {
                    Dimension::Documentation => "documentation",
                    Dimension::Implementation => "implementation",
                };
                println!("             {} {dim} {} -> {}", inc.requirement, inc.from, inc.to);
            }
        }
    }
}

pub async fn import_workbook(config: &Config, args: &CyfunImportArgs) -> anyhow::Result<()> {
    let bytes = read_file(&args.file)?;
    let name = args.name.clone().unwrap_or_else(|| {
        args.file.file_stem().map_or_else(|| "Imported workbook".into(), |s| s.to_string_lossy().into_owned())
    });
    let ward = super::open(config).await?;
    let result = ward.import_workbook(&Ctx::cli(), &args.org, &bytes, &name).await;
    ward.close().await;
    let id = result.map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    if args.output.json {
        return super::print_json(&serde_json::json!({"id": id}));
    }
    println!("{id}");
    Ok(())
}

pub async fn export_workbook(config: &Config, args: &CyfunExportArgs) -> anyhow::Result<()> {
    let id = parse_id(&args.id)?;
    let template = read_file(&args.template)?;
    let ward = super::open(config).await?;
    let ctx = Ctx::cli();
    let result = async {
        let slug = ward.assessment_organisation(&ctx, id).await?;
        ward.export_workbook(&ctx, &slug, id, &template).await
    }
    .await;
    ward.close().await;
    let bytes = result.map_err(|e| anyhow::anyhow!("{}: {e}", args.template.display()))?;
    // Write beside the target, then rename: a failure never leaves half a workbook.
    let tmp = args.out.with_extension("xlsx.part");
    std::fs::write(&tmp, &bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &args.out).with_context(|| format!("cannot write {}", args.out.display()))?;
    if args.output.json {
        return super::print_json(&serde_json::json!({"out": args.out, "bytes": bytes.len()}));
    }
    println!("Wrote {} ({} bytes).", args.out.display(), bytes.len());
    Ok(())
}

pub async fn snapshot(config: &Config, args: &CyfunSnapshotArgs) -> anyhow::Result<()> {
    let id = parse_id(&args.id)?;
    let ward = super::open(config).await?;
    let ctx = Ctx::cli();
    let result = async {
        let slug = ward.assessment_organisation(&ctx, id).await?;
        ward.take_snapshot(&ctx, &slug, id, &args.label).await
    }
    .await;
    ward.close().await;
    let snapshot = result?;
    if args.output.json {
        return super::print_json(&serde_json::json!({"snapshot": snapshot}));
    }
    println!("{snapshot}");
    Ok(())
}

pub async fn import_catalog(config: &Config, args: &CatalogImportArgs) -> anyhow::Result<()> {
    let bytes = read_file(&args.file)?;
    let name = args.file.file_name().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let ward = super::open(config).await?;
    let result = ward.import_catalog(&Ctx::cli(), &name, &bytes).await;
    ward.close().await;
    let import = result.map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    if args.output.json {
        return super::print_json(&import);
    }
    let langs: Vec<String> = import.languages.iter().map(|(l, n)| format!("{n} in {l}")).collect();
    println!("Imported the official {} texts: {}.", import.framework.label(), langs.join(", "));
    for s in &import.skipped {
        println!("  skipped: {s}");
    }
    Ok(())
}

pub async fn compare(config: &Config, args: &CyfunCompareArgs) -> anyhow::Result<()> {
    let id = parse_id(&args.id)?;
    let snapshot =
        |raw: &str| Uuid::parse_str(raw.trim()).map_err(|_| anyhow::anyhow!("{raw:?} is not a snapshot id"));
    let from = snapshot(&args.from)?;
    let to = args.to.as_deref().map(snapshot).transpose()?;
    let ward = super::open(config).await?;
    let ctx = Ctx::cli();
    let result = async {
        let slug = ward.assessment_organisation(&ctx, id).await?;
        ward.compare_snapshots(&ctx, &slug, id, from, to).await
    }
    .await;
    ward.close().await;
    let c = ComparisonView::from(&result?);
    if args.output.json {
        return super::print_json(&c);
    }
    println!("{} -> {}: total {:.2} -> {:.2}", c.from, c.to, c.total_from, c.total_to);
    for d in c.categories.iter().filter(|d| d.delta.abs() > 1e-12) {
        println!("  {:<8} {:.2} -> {:.2} ({:+.2})", d.category, d.from, d.to, d.delta);
    }
    println!("{} answer(s) changed", c.changed.len());
    for x in &c.changed {
        println!(
            "  {:<12} {} -> {}",
            x.requirement,
            x.from.as_deref().unwrap_or("-"),
            x.to.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

pub async fn answer(config: &Config, args: &CyfunAnswerArgs) -> anyhow::Result<()> {
    let id = parse_id(&args.id)?;
    let status = args
        .status
        .as_deref()
        .map(ward_app::AnswerStatus::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--status: {}", e.reason))?;
    let input = ward_app::AnswerInput {
        documentation: args.documentation,
        implementation: args.implementation,
        not_applicable: if args.not_applicable {
            Some(true)
        } else if args.applicable {
            Some(false)
        } else {
            None
        },
        justification: args.justification.clone(),
        comment: args.comment.clone(),
        owner: args.owner.clone(),
        status,
        reviewed: false,
    };
    let ward = super::open(config).await?;
    let ctx = Ctx::cli();
    let result = async {
        let slug = ward.assessment_organisation(&ctx, id).await?;
        ward.save_answer(&ctx, &slug, id, &args.requirement, &input).await
    }
    .await;
    ward.close().await;
    let report = ScoreReport::of(&result?);
    if args.output.json {
        return super::print_json(&ScoreReportView::from(&report));
    }
    println!("Saved {}.", args.requirement);
    for level in Level::ALL {
        if let Some(v) = report.verdict.get(level.code()) {
            println!("{:<9}  {}  total {:.2}", level.code(), if v.pass { "PASS" } else { "FAIL" }, v.total);
        }
    }
    Ok(())
}
