use std::net::SocketAddr;

use anyhow::Context;
use ward_app::Ward;
use ward_web::{AppState, router};

use crate::config::Config;

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let ward = super::open(config).await?;
    let listener = bind(config.bind.value).await?;
    println!("Ward is listening on http://{}", display_addr(listener.local_addr()?));
    serve(ward, listener).await
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
pub async fn serve(ward: Ward, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    tracing::info!(database = %ward.database().redacted(), "serving");
    let state = AppState::new(ward.clone());
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped unexpectedly")?;
    ward.close().await;
    tracing::info!("stopped");
    Ok(())
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
