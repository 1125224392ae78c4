use serde::Serialize;
use ward_app::DEMO_ORG_SLUG;

use crate::cli::DemoArgs;
use crate::config::Config;

#[derive(Serialize)]
struct DemoReport {
    organisation: String,
    created: bool,
    sites: usize,
    url: Option<String>,
}

pub async fn run(config: &Config, args: &DemoArgs) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let summary = ward.refresh_demo().await?;
    let listener = if args.no_serve { None } else { Some(super::serve::bind(config.bind.value).await?) };
    let url = match &listener {
        Some(l) => {
            Some(format!("http://{}/orgs/{DEMO_ORG_SLUG}", super::serve::display_addr(l.local_addr()?)))
        }
        None => None,
    };
    if args.output.json {
        super::print_json(&DemoReport {
            organisation: summary.organisation.slug.to_string(),
            created: summary.created,
            sites: summary.sites,
            url: url.clone(),
        })?;
    } else {
        let verb = if summary.created { "created" } else { "refreshed" };
        println!("Demo organisation \"{}\" {verb} ({} sites).", summary.organisation.name, summary.sites);
        if let Some(url) = &url {
            println!("Open {url}");
            println!(
                "No sign-in is needed: this build has no user accounts yet, so keep it on a loopback address."
            );
            println!("Stop with Ctrl-C.");
        }
    }
    match listener {
        Some(listener) => super::serve::serve(ward, listener).await,
        None => {
            ward.close().await;
            Ok(())
        }
    }
}
