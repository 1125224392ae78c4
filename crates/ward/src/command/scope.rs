//! `ward scope`: the scoping rules on the command line. Needs no database.

use anyhow::{Context, bail};
use time::Date;
use time::macros::format_description;
use ward_domain::scoping::{Enterprise, Nis2Status, Partner, Rules, ScopingInput, ScopingResult, scope};

use crate::cli::ScopeArgs;

fn numbers(value: &str, what: &str, n: usize) -> anyhow::Result<Vec<f64>> {
    let parts: Vec<f64> = value
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .with_context(|| format!("{what} {value:?} must be {n} numbers separated by commas"))?;
    if parts.len() != n {
        bail!("{what} {value:?} must be {n} numbers separated by commas");
    }
    Ok(parts)
}

pub fn run(args: &ScopeArgs) -> anyhow::Result<()> {
    let rules = Rules::embedded();
    if args.list_sectors {
        if args.output.json {
            return super::print_json(&rules.sectors);
        }
        for s in &rules.sectors {
            println!("{:<32} Annex {:<5} {}", s.slug, s.annex, s.name);
        }
        return Ok(());
    }
    let linked = args
        .linked
        .iter()
        .map(|v| {
            numbers(v, "--linked", 3).map(|n| Enterprise {
                staff: n[0],
                turnover_eur: n[1],
                balance_eur: n[2],
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let partners = args
        .partner
        .iter()
        .map(|v| {
            numbers(v, "--partner", 4).map(|n| Partner {
                enterprise: Enterprise { staff: n[0], turnover_eur: n[1], balance_eur: n[2] },
                share_percent: n[3],
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let designated = match args.designated.as_deref() {
        None => None,
        Some("essential") => Some(Nis2Status::Essential),
        Some("important") => Some(Nis2Status::Important),
        Some(other) => bail!("--designated {other:?} must be essential or important"),
    };
    let entry_into_scope = args
        .entry_date
        .as_deref()
        .map(|d| Date::parse(d, format_description!("[year]-[month]-[day]")))
        .transpose()
        .map_err(|_| anyhow::anyhow!("--entry-date must be a date like 2025-03-01"))?;
    let input = ScopingInput {
        sectors: args.sectors.clone(),
        own: Enterprise {
            staff: args.employees.unwrap_or_default(),
            turnover_eur: args.turnover_eur.unwrap_or_default(),
            balance_eur: args.balance_eur.unwrap_or_default(),
        },
        linked,
        partners,
        established_in_belgium: !args.not_in_belgium,
        public_entity: args.public_entity,
        sole_provider: args.sole_provider,
        designated,
        entry_into_scope,
    };
    let result: ScopingResult = scope(rules, &input).map_err(|errors| {
        anyhow::anyhow!(
            "invalid answers: {}",
            errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
        )
    })?;
    let report = ward_web::api::model::ScopingResponse::from(&result);
    if args.output.json {
        return super::print_json(&report);
    }
    println!("NIS2: {}    CyFun level to aim for: {}", report.nis2, report.cyfun_level);
    println!("\nWhy:");
    for r in &result.reasons {
        println!("  - {} [{}]", r.text, r.source);
    }
    println!("\nObligations:");
    for o in report.obligations.iter().chain(&report.gdpr) {
        let when = o.due.clone().unwrap_or_else(|| "ongoing".into());
        println!("  {:<11} {}{} [{}]", when, o.what, if o.advice { " (advice)" } else { "" }, o.source);
    }
    Ok(())
}
