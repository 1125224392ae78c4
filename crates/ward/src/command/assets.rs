//! `ward assets list|import` and `ward segments check|set`.

use anyhow::Context;
use ward_app::{AssetQuery, Ctx, ImportFormat};
use ward_web::api::assets_model::{AssetView, ImportView, ViolationView};

use crate::cli::{AssetImportArgs, AssetListArgs, SegmentSetArgs};
use crate::config::Config;

pub async fn list(config: &Config, args: &AssetListArgs) -> anyhow::Result<()> {
    let query = AssetQuery {
        kind: args.kind.clone(),
        text: args.search.clone(),
        limit: args.limit,
        ..AssetQuery::default()
    };
    let ward = super::open(config).await?;
    let result = ward.assets(&Ctx::cli(), &args.org, &query).await;
    ward.close().await;
    let page = result?;
    let assets: Vec<AssetView> = page.assets.iter().map(AssetView::from).collect();
    if args.output.json {
        return super::print_json(&serde_json::json!({ "total": page.total, "assets": assets }));
    }
    println!("{:<32}  {:<20}  {:<15}  {:<17}  {:<16}  SEGMENT", "NAME", "KIND", "IP", "MAC", "VENDOR");
    for a in &assets {
        println!(
            "{:<32}  {:<20}  {:<15}  {:<17}  {:<16}  {}",
            a.name,
            a.kind,
            a.ip.as_deref().unwrap_or("-"),
            a.mac.as_deref().unwrap_or("-"),
            a.vendor.as_deref().unwrap_or("-"),
            a.segment.as_deref().unwrap_or("-")
        );
    }
    println!("{} of {} asset(s).", assets.len(), page.total);
    Ok(())
}

pub async fn import(config: &Config, args: &AssetImportArgs) -> anyhow::Result<()> {
    let format = match &args.format {
        Some(f) => Some(ImportFormat::parse(f).with_context(|| format!("--format {f:?}: use csv or nmap"))?),
        None => None,
    };
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let name = args.file.file_name().map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned());
    let ward = super::open(config).await?;
    let ctx = Ctx::cli();
    let result = async {
        let preview = ward.preview_asset_import(&ctx, &args.org, format, &name, &bytes, None).await?;
        if args.dry_run {
            return Ok(ImportView::from(&preview));
        }
        let (_, report) =
            ward.apply_asset_import(&ctx, &args.org, preview.id, None, args.skip_bad_rows).await?;
        Ok::<_, ward_app::AppError>(ImportView::applied(&preview, &report))
    }
    .await;
    ward.close().await;
    let view = result.map_err(|e| anyhow::anyhow!("{}: {e}; nothing was imported", args.file.display()))?;
    if args.output.json {
        return super::print_json(&view);
    }
    for note in &view.notes {
        println!("note: {note}");
    }
    for r in view.rows.iter().filter(|r| r.action != "unchanged") {
        let detail = match r.action {
            "change" => format!("{} (matched by {})", r.fields.join(", "), r.rule.unwrap_or("-")),
            "error" => r.errors.join("; "),
            _ => String::new(),
        };
        println!("line {:>6}  {:<9}  {:<32}  {detail}", r.line, r.action, r.name);
    }
    let verb = if view.applied { "done" } else { "dry run, nothing written" };
    println!(
        "{} to add, {} to change, {} unchanged, {} with errors ({verb}).",
        view.add, view.change, view.unchanged, view.errors
    );
    Ok(())
}

pub async fn check(config: &Config, org: &str, json: bool) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.segment_violations(&Ctx::cli(), org).await;
    ward.close().await;
    let violations: Vec<ViolationView> = result?.iter().map(ViolationView::from).collect();
    if json {
        return super::print_json(&violations);
    }
    if violations.is_empty() {
        println!("Every asset sits where the segment policy allows it.");
    }
    for v in &violations {
        println!("{}  in {} ({}): {}", v.name, v.segment, v.zone.unwrap_or("undescribed"), v.explanation);
    }
    Ok(())
}

pub async fn set_segment(config: &Config, args: &SegmentSetArgs) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward
        .save_segment(
            &Ctx::cli(),
            &args.org,
            &args.name,
            &args.zone,
            args.vlan.as_deref(),
            args.cidr.as_deref(),
        )
        .await;
    ward.close().await;
    result?;
    println!("Segment {} saved.", args.name);
    Ok(())
}
