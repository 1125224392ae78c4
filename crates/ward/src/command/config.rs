use serde::Serialize;

use crate::config::{Config, Source};

#[derive(Serialize)]
struct Entry {
    key: &'static str,
    value: String,
    source: Source,
}

#[derive(Serialize)]
struct Report {
    config_file: Option<String>,
    settings: Vec<Entry>,
}

pub fn run(config: &Config, json: bool) -> anyhow::Result<()> {
    let database_source = match &config.database_url {
        Some(url) => url.source.clone(),
        None => config.data_dir.source.clone(),
    };
    let mut settings = vec![
        Entry {
            key: "data_dir",
            value: config.data_dir.value.display().to_string(),
            source: config.data_dir.source.clone(),
        },
        Entry { key: "database", value: config.database_display(), source: database_source },
        Entry { key: "bind", value: config.bind.value.to_string(), source: config.bind.source.clone() },
        Entry { key: "log", value: config.log.value.clone(), source: config.log.source.clone() },
        Entry {
            key: "log_format",
            value: format!("{:?}", config.log_format.value).to_lowercase(),
            source: config.log_format.source.clone(),
        },
    ];
    if let Some(url) = &config.public_url {
        settings.push(Entry { key: "public_url", value: url.value.clone(), source: url.source.clone() });
    }
    if let (Some(url), Some(setting)) = (config.smtp_display(), &config.smtp_url) {
        settings.push(Entry { key: "smtp_url", value: url, source: setting.source.clone() });
        settings.push(Entry {
            key: "smtp_from",
            value: config.smtp_from.value.clone(),
            source: config.smtp_from.source.clone(),
        });
    }
    let (key_path, _) = config.master_key_path();
    let key_source =
        config.master_key_file.as_ref().map_or(config.data_dir.source.clone(), |s| s.source.clone());
    settings.push(Entry {
        key: "master_key_file",
        value: key_path.display().to_string(),
        source: key_source,
    });
    if let Some((sso, source)) = &config.oidc {
        settings.push(Entry { key: "oidc_issuer", value: sso.issuer.clone(), source: source.clone() });
        settings.push(Entry { key: "oidc_client_id", value: sso.client_id.clone(), source: source.clone() });
        // A secret: shown only as set.
        settings.push(Entry { key: "oidc_client_secret", value: "****".into(), source: source.clone() });
        settings.push(Entry {
            key: "oidc_redirect_url",
            value: sso.redirect_url.clone(),
            source: source.clone(),
        });
        settings.push(Entry {
            key: "oidc_rules",
            value: sso.rules.len().to_string(),
            source: source.clone(),
        });
    }
    let report =
        Report { config_file: config.config_file.as_ref().map(|p| p.display().to_string()), settings };
    if json {
        return super::print_json(&report);
    }
    println!("{:<18} {}", "config file", report.config_file.as_deref().unwrap_or("none"));
    for entry in &report.settings {
        println!("{:<18} {:<40} ({})", entry.key, entry.value, entry.source);
    }
    Ok(())
}
