use std::net::SocketAddr;

use anyhow::Context;
use ward_app::Ward;
use ward_web::{AppState, WebOptions, router};

use crate::config::Config;

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let listener = bind(config.bind.value).await?;
    let base = base_url(config, &listener)?;
    say(&format!("Ward is listening on {base}"));
    if ward.setup_needed().await? {
        // No account exists yet: there is no default password, only this one-time token.
        let token = ward.issue_setup_token().await?;
        say(&format!("First run: create the administrator account at {base}/setup?token={token}"));
        say("(the token works once, for 24 hours; restart Ward for a new one)");
    }
    serve(ward, listener, config).await
}

/// Prints a line for the operator; a closed standard output (a detached service) is no reason to stop.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// What people type to reach Ward: the configured public URL, else the listening address.
pub fn base_url(config: &Config, listener: &tokio::net::TcpListener) -> anyhow::Result<String> {
    Ok(match &config.public_url {
        Some(url) => url.value.trim_end_matches('/').to_owned(),
        None => format!("http://{}", display_addr(listener.local_addr()?)),
    })
}

pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen on {addr}; choose another address with --bind or WARD_BIND")
    })?;
    if !addr.ip().is_loopback() {
        tracing::warn!(%addr, "listening beyond this machine: put Ward behind TLS and restrict who can reach it");
    }
    Ok(listener)
}

/// Serves until Ctrl-C or SIGTERM, then finishes in-flight requests and closes the database.
pub async fn serve(ward: Ward, listener: tokio::net::TcpListener, config: &Config) -> anyhow::Result<()> {
    tracing::info!(database = %ward.database().redacted(), "serving");
    if let Some(mailer) = crate::mail::Mailer::from_config(config)? {
        tokio::spawn(remind_hourly(ward.clone(), mailer));
    }
    let state = AppState::new(ward.clone(), WebOptions { https: config.https() });
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped unexpectedly")?;
    ward.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Sends the day's task reminders once an hour; each owner gets at most one message a day (the
/// tasks remember the day they were reminded).
async fn remind_hourly(ward: Ward, mailer: crate::mail::Mailer) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let result = ward
            .send_reminders(&ward_app::Ctx::cli(), |r| {
                let mailer = mailer.clone();
                async move { mailer.send(&r).await }
            })
            .await;
        match result {
            Ok(report) if !report.messages.is_empty() => {
                tracing::info!(messages = report.messages.len(), "task reminders sent");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "task reminders could not be sent"),
        }
    }
}

/// A URL a person can open: an unspecified address (0.0.0.0, ::) is reachable on loopback.
pub fn display_addr(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() { format!("127.0.0.1:{}", addr.port()) } else { addr.to_string() }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
