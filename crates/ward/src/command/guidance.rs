//! `ward catalog requirements|search|plans`: Ward's healthcare guidance on the command line.
//! Nothing here touches the database: the guidance ships with Ward.

use anyhow::{Context, bail};
use ward_domain::Locale;
use ward_domain::cyfun::Framework;
use ward_domain::guidance::{Area, Effort, Guidance};
use ward_web::api::guidance_model::{self, PlanView, SearchHitView};

use crate::cli::{CatalogPlansArgs, CatalogRequirementsArgs, CatalogSearchArgs};

fn locale(tag: &str) -> anyhow::Result<Locale> {
    Locale::from_tag(tag).with_context(|| format!("--lang {tag:?}: use en, nl or fr"))
}

pub fn requirements(args: &CatalogRequirementsArgs) -> anyhow::Result<()> {
    let framework = Framework::parse(&args.framework)
        .with_context(|| format!("--framework {:?}: use cyfun2025 or cyfun2023", args.framework))?;
    let locale = locale(&args.lang)?;
    let area = match &args.area {
        Some(a) => Some(Area::parse(a).with_context(|| {
            format!("--area {a:?}: use patient_data, medical_devices, ransomware or continuity")
        })?),
        None => None,
    };
    let effort = match &args.effort {
        Some(e) => Some(Effort::parse(e).with_context(|| format!("--effort {e:?}: use S, M or L"))?),
        None => None,
    };
    let mut list = guidance_model::requirements(framework, locale);
    list.retain(|r| {
        r.guidance.iter().any(|g| {
            area.is_none_or(|a| g.areas.contains(&a.code())) && effort.is_none_or(|e| g.effort == e.code())
        })
    });
    if args.output.json {
        return super::print_json(&list);
    }
    for r in &list {
        println!("{}  {}", r.id, r.title);
        for g in &r.guidance {
            if r.guidance.len() > 1 || g.requirement != r.id {
                println!("  → {}", g.requirement);
            }
            println!(
                "  effort {} · patient safety {} · {}{}",
                g.effort,
                g.patient_safety,
                g.owners.join(", "),
                if g.areas.is_empty() { String::new() } else { format!(" · {}", g.areas.join(", ")) }
            );
            println!("  {}", g.healthcare);
            for s in &g.first_steps {
                println!("   - {s}");
            }
        }
        println!();
    }
    println!("{} requirements ({}).", list.len(), framework.label());
    Ok(())
}

pub fn search(args: &CatalogSearchArgs) -> anyhow::Result<()> {
    let locale = locale(&args.lang)?;
    let query = args.query.join(" ");
    let hits: Vec<SearchHitView> = Guidance::builtin()
        .search(&query, args.limit.clamp(1, 200))
        .iter()
        .map(|h| SearchHitView::new(h, locale))
        .collect();
    if args.output.json {
        return super::print_json(&hits);
    }
    if hits.is_empty() {
        println!("Nothing matches {query:?}. Try another or a shorter word, or a requirement id.");
        return Ok(());
    }
    for h in &hits {
        let label = if h.kind == "requirement" { h.id.clone() } else { format!("{} {}", h.kind, h.id) };
        println!("{label}  {}", h.title);
        println!("  {}", h.summary);
    }
    Ok(())
}

pub fn plans(args: &CatalogPlansArgs) -> anyhow::Result<()> {
    let locale = locale(&args.lang)?;
    let guidance = Guidance::builtin();
    let plans: Vec<PlanView> = match &args.plan {
        Some(id) => match guidance.plan(id) {
            Some(p) => vec![PlanView::new(p, locale)],
            None => bail!(
                "no plan {id:?}; the plans are {}",
                guidance.plans.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        },
        None => guidance.plans.iter().map(|p| PlanView::new(p, locale)).collect(),
    };
    if args.output.json {
        return super::print_json(&plans);
    }
    for p in &plans {
        println!("{}  ({})", p.title, p.id);
        println!("  {}", p.summary);
        let mut phase = None;
        for (n, s) in p.steps.iter().enumerate() {
            if s.days != phase {
                if let Some(d) = s.days {
                    println!("  Within {d} days:");
                }
                phase = s.days;
            }
            println!("  {}. {} [{}]", n + 1, s.title, s.requirements.join(", "));
            println!("     {}", s.detail);
        }
        println!();
    }
    Ok(())
}
