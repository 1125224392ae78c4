use ward_app::{Ctx, OrganisationInput};
use ward_web::api::model::{OrganisationDetail, OrganisationView};

use crate::cli::{OrgCreateArgs, OrgPolicyArgs};
use crate::config::Config;

pub async fn create(config: &Config, args: &OrgCreateArgs) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let input = OrganisationInput {
        name: args.name.clone(),
        slug: args.slug.clone(),
        kind: Some(args.kind.clone()),
        enterprise_number: args.enterprise_number.clone(),
        default_locale: Some(args.language.clone()),
    };
    let result = ward.create_organisation(&Ctx::cli(), &input).await;
    ward.close().await;
    let org = result?;
    if args.output.json {
        return super::print_json(&OrganisationView::from(&org));
    }
    println!("Created organisation \"{}\" (slug {}).", org.name, org.slug);
    Ok(())
}

pub async fn list(config: &Config, json: bool) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.organisations(&Ctx::cli()).await;
    ward.close().await;
    let orgs: Vec<OrganisationView> = result?.iter().map(OrganisationView::from).collect();
    if json {
        return super::print_json(&orgs);
    }
    if orgs.is_empty() {
        println!("No organisations yet. Create one with `ward org create --name NAME`, or run `ward demo`.");
        return Ok(());
    }
    let width = orgs.iter().map(|o| o.slug.len()).max().unwrap_or(4).max(4);
    println!("{:<width$}  {:<18}  NAME", "SLUG", "KIND");
    for org in &orgs {
        println!("{:<width$}  {:<18}  {}", org.slug, org.kind, org.name);
    }
    Ok(())
}

pub async fn show(config: &Config, slug: &str, json: bool) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let result = ward.organisation(&Ctx::cli(), slug).await;
    ward.close().await;
    let profile = result.map_err(|e| match e {
        ward_app::AppError::NotFound(_) => {
            anyhow::anyhow!("no organisation with slug {slug:?}; see `ward org list`")
        }
        other => other.into(),
    })?;
    let detail = OrganisationDetail::from(&profile);
    if json {
        return super::print_json(&detail);
    }
    let o = &detail.organisation;
    println!("{} ({})", o.name, o.slug);
    println!("  kind               {}", o.kind);
    println!("  enterprise number  {}", o.enterprise_number.as_deref().unwrap_or("-"));
    println!("  default language   {}", o.default_locale);
    println!("  sites              {}", detail.sites.len());
    for site in &detail.sites {
        println!("    - {} ({}, {})", site.name, site.kind, site.city);
    }
    Ok(())
}

pub async fn policy(config: &Config, args: &OrgPolicyArgs) -> anyhow::Result<()> {
    let required = match args.require_mfa.as_str() {
        "on" | "true" | "yes" => true,
        "off" | "false" | "no" => false,
        other => anyhow::bail!("--require-mfa {other:?} must be on or off"),
    };
    let ward = super::open(config).await?;
    let result = ward.set_require_mfa(&Ctx::cli(), &args.org, required).await;
    ward.close().await;
    result?;
    println!("{}: two-step verification {}.", args.org, if required { "required" } else { "not required" });
    Ok(())
}
