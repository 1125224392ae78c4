//! `ward gaps`, `ward plan`, `ward task …` and `ward reminders send`.

use anyhow::Context;
use uuid::Uuid;
use ward_app::{Ctx, TaskInput};
use ward_domain::cyfun::Level;
use ward_web::api::gaps_model::{GapsView, PlanView, TaskView};

use crate::cli::{GapsArgs, PlanArgs, TaskCreateArgs, TaskImportArgs, TaskListArgs};
use crate::config::Config;
use crate::mail::Mailer;

fn parse_id(id: &str) -> anyhow::Result<Uuid> {
    Uuid::parse_str(id.trim())
        .map_err(|_| anyhow::anyhow!("{id:?} is not an assessment id; see `ward cyfun list --org SLUG`"))
}

fn parse_level(text: &str, flag: &str) -> anyhow::Result<Level> {
    Level::parse(text).map_err(|_| anyhow::anyhow!("{flag} {text:?}: use basic, important or essential"))
}

async fn report(config: &Config, id: &str, level: Option<Level>) -> anyhow::Result<ward_app::GapReport> {
    let id = parse_id(id)?;
    let ward = super::open(config).await?;
    let ctx = Ctx::cli();
    let result = async {
        let slug = ward.assessment_organisation(&ctx, id).await?;
        ward.gap_report(&ctx, &slug, id, level).await
    }
    .await;
    ward.close().await;
    Ok(result?)
}

pub async fn gaps(config: &Config, args: &GapsArgs) -> anyhow::Result<()> {
    let level = args.level.as_deref().map(|l| parse_level(l, "--level")).transpose()?;
    let view = GapsView::from(&report(config, &args.id, level).await?);
    if args.output.json {
        return super::print_json(&view);
    }
    if view.gaps.is_empty() {
        println!("No gaps at {}: every requirement is where the level needs it.", view.level);
        return Ok(());
    }
    println!("{} gap(s) at {}, most urgent first:", view.gaps.len(), view.level);
    println!();
    println!(
        "{:>4}  {:<12}  {:>3}  {:<14}  {:<6}  {:<6}  WHY",
        "RANK", "REQUIREMENT", "D/I", "BLOCKS", "SAFETY", "EFFORT"
    );
    for g in &view.gaps {
        println!(
            "{:>4}  {:<12}  {}/{}  {:<14}  {:<6}  {:<6}  {}",
            g.rank,
            g.requirement,
            g.documentation,
            g.implementation,
            g.blocking,
            g.patient_safety.unwrap_or("-"),
            g.effort.unwrap_or("-"),
            g.why
        );
        for c in &g.contradictions {
            println!("{:>6}! {c}", "");
        }
    }
    println!();
    println!("{}", view.plan.explanation);
    Ok(())
}

pub async fn plan(config: &Config, args: &PlanArgs) -> anyhow::Result<()> {
    let level = parse_level(&args.target, "--target")?;
    let view = PlanView::from(&report(config, &args.id, Some(level)).await?);
    if args.output.json {
        return super::print_json(&view);
    }
    println!("{}", view.explanation);
    if !view.steps.is_empty() {
        println!();
        println!("{:<12}  {:<15}  FROM  TO", "REQUIREMENT", "DIMENSION");
        for s in &view.steps {
            println!("{:<12}  {:<15}  {:>4}  {:>2}", s.requirement, s.dimension, s.from, s.to);
        }
    }
    if let Some(r) = &view.reaches {
        println!();
        println!(
            "Verdict after these steps: {} (total {:.2}).",
            if r.pass { "pass" } else { "not yet" },
            r.total
        );
    }
    Ok(())
}

pub async fn list_tasks(config: &Config, args: &TaskListArgs) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.tasks(&Ctx::cli(), &args.org, !args.all, ward_app::MAX_TASK_PAGE, 0).await;
    ward.close().await;
    let tasks: Vec<TaskView> = result?.iter().map(TaskView::from).collect();
    if args.output.json {
        return super::print_json(&tasks);
    }
    if tasks.is_empty() {
        println!("No tasks. Create one with `ward task create --org {} --title T`.", args.org);
        return Ok(());
    }
    println!("{:<36}  {:<11}  {:<10}  {:<9}  {:<24}  TITLE", "ID", "STATUS", "DUE", "STATE", "OWNER");
    for t in &tasks {
        println!(
            "{:<36}  {:<11}  {:<10}  {:<9}  {:<24}  {}{}",
            t.id,
            t.status,
            t.due.as_deref().unwrap_or("-"),
            t.due_state,
            t.owner.as_deref().unwrap_or("-"),
            t.title,
            if t.requirements.is_empty() {
                String::new()
            } else {
                format!(" [{}]", t.requirements.join(" "))
            }
        );
    }
    Ok(())
}

pub async fn create_task(config: &Config, args: &TaskCreateArgs) -> anyhow::Result<()> {
    let assessment_id = args.assessment.as_deref().map(parse_id).transpose()?;
    let input = TaskInput {
        title: args.title.clone(),
        owner: args.owner.clone(),
        due: args.due.clone(),
        status: None,
        requirements: args.requirements.clone(),
        notes: args.notes.clone(),
        assessment_id,
    };
    let ward = super::open(config).await?;
    let result = ward.create_task(&Ctx::cli(), &args.org, &input).await;
    ward.close().await;
    let id = result?;
    if args.output.json {
        return super::print_json(&serde_json::json!({ "id": id }));
    }
    println!("{id}");
    Ok(())
}

pub async fn import_tasks(config: &Config, args: &TaskImportArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let ward = super::open(config).await?;
    let result = ward.import_tasks(&Ctx::cli(), &args.org, &bytes).await;
    ward.close().await;
    let report = result.map_err(|e| anyhow::anyhow!("{}: {e}; nothing was imported", args.file.display()))?;
    if args.output.json {
        return super::print_json(&report);
    }
    println!("{} task(s) created, {} updated.", report.created, report.updated);
    Ok(())
}

pub async fn export_tasks(config: &Config, org: &str) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.export_tasks(&Ctx::cli(), org).await;
    ward.close().await;
    print!("{}", result?);
    Ok(())
}

pub async fn send_reminders(config: &Config, json: bool) -> anyhow::Result<()> {
    let mailer = Mailer::from_config(config)?
        .context("no mail server: set WARD_SMTP_URL (e.g. smtp://mail.example.org:25) to send reminders")?;
    let ward = super::open(config).await?;
    let result = ward
        .send_reminders(&Ctx::cli(), |r| {
            let mailer = mailer.clone();
            async move { mailer.send(&r).await }
        })
        .await;
    ward.close().await;
    let report = result?;
    if json {
        return super::print_json(&report);
    }
    if report.messages.is_empty() {
        println!("No reminders due today.");
    }
    for m in &report.messages {
        println!("Reminded {} of {} task(s) ({}).", m.to, m.tasks.len(), m.organisation);
    }
    Ok(())
}
