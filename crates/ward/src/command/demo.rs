use serde::Serialize;
use ward_app::{Ctx, DEMO_ORG_SLUG};

use crate::cli::DemoArgs;
use crate::config::Config;

#[derive(Serialize)]
struct DemoReport {
    organisation: String,
    created: bool,
    sites: usize,
    url: Option<String>,
    accounts: Vec<DemoAccountView>,
    /// The password of every demo account, new at every refresh.
    password: String,
}

#[derive(Serialize)]
struct DemoAccountView {
    email: String,
    name: String,
    role: String,
}

pub async fn run(config: &Config, args: &DemoArgs) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let summary = ward.refresh_demo(&Ctx::cli()).await?;
    let listener = if args.no_serve { None } else { Some(super::serve::bind(config.bind.value).await?) };
    let url = match &listener {
        Some(l) => Some(format!("{}/orgs/{DEMO_ORG_SLUG}", super::serve::base_url(config, l)?)),
        None => None,
    };
    let accounts: Vec<DemoAccountView> = summary
        .accounts
        .iter()
        .map(|a| DemoAccountView {
            email: a.email.clone(),
            name: a.name.clone(),
            role: a.role.map_or("administrator", |r| r.code()).to_owned(),
        })
        .collect();
    if args.output.json {
        super::print_json(&DemoReport {
            organisation: summary.organisation.slug.to_string(),
            created: summary.created,
            sites: summary.sites,
            url: url.clone(),
            accounts,
            password: summary.password.clone(),
        })?;
    } else {
        let verb = if summary.created { "created" } else { "refreshed" };
        println!("Demo organisation \"{}\" {verb} ({} sites).", summary.organisation.name, summary.sites);
        println!();
        println!(
            "Sign in with any of these accounts. Password (new at every refresh):  {}",
            summary.password
        );
        for a in &accounts {
            println!("  {:<42} {}", a.email, a.role);
        }
        if let Some(url) = &url {
            println!();
            println!("Open {url}");
            println!("Stop with Ctrl-C.");
        }
    }
    match listener {
        Some(listener) => super::serve::serve(ward, listener, config).await,
        None => {
            ward.close().await;
            Ok(())
        }
    }
}
