//! Structured logs on standard error (text for people, JSON for collectors). Log lines carry the
//! request id; they never carry secrets, request bodies or decrypted fields.

use tracing_subscriber::EnvFilter;

use crate::config::{Config, LogFormat, Source};

pub fn init(config: &Config, server: bool) {
    // One-shot commands stay quiet unless the operator asked for more.
    let level =
        if !server && config.log.source == Source::Default { "warn" } else { config.log.value.as_str() };
    let filter = EnvFilter::try_new(format!("{level},sqlx=warn,hyper=warn"))
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false);
    let _ = match config.log_format.value {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
