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
    let settings = vec![
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
    let report =
        Report { config_file: config.config_file.as_ref().map(|p| p.display().to_string()), settings };
    if json {
        return super::print_json(&report);
    }
    println!("{:<12} {}", "config file", report.config_file.as_deref().unwrap_or("none"));
    for entry in &report.settings {
        println!("{:<12} {:<40} ({})", entry.key, entry.value, entry.source);
    }
    Ok(())
}
