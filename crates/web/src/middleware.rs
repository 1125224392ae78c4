//! Cross-cutting request handling: request ids and logging, security headers, and refusal of
//! cross-site state changes.

use std::time::Instant;

use axum::extract::Request;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::error::Problem;

tokio::task_local! {
    static REQUEST_ID: String;
}

pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being handled, for error bodies and logs.
pub fn current_request_id() -> String {
    REQUEST_ID.try_with(Clone::clone).unwrap_or_else(|_| "-".to_owned())
}

/// Accepts a well-formed incoming `x-request-id` (from a load balancer) or makes one, logs the
/// request (method, path without query string, status, time) and echoes the id in the response.
pub async fn request_context(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    // Probes and assets are hit constantly; log them only at debug level.
    let quiet = path == "/healthz" || path == "/readyz" || path.starts_with("/assets/");
    let span = tracing::info_span!("request", request_id = %id, %method, %path);
    let started = Instant::now();
    let mut response = REQUEST_ID.scope(id.clone(), next.run(request)).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let micros = started.elapsed().as_micros() as u64;
    span.in_scope(|| {
        if quiet && status < 500 {
            tracing::debug!(status, micros, "served");
        } else {
            tracing::info!(status, micros, "served");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(X_REQUEST_ID.clone(), value);
    }
    response
}

/// Headers every response carries. The CSP forbids inline script and framing; pages use only
/// same-origin styles and scripts.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
    ];
    for (name, value) in set {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    // Pages and API answers hold a hospital's weaknesses (and, once, new secrets): never cached.
    // Static assets set their own caching.
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Tells browsers to use HTTPS only, when Ward is served over HTTPS (`WARD_PUBLIC_URL=https://…`).
pub async fn strict_transport_security(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .entry(header::STRICT_TRANSPORT_SECURITY)
        .or_insert(HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    response
}

/// Refuses state-changing requests that a browser marks as coming from another site
/// (`Sec-Fetch-Site`, else `Origin` against `Host`). Requests without either header come from
/// non-browser clients, which cannot be driven by a hostile page. Per-session CSRF tokens add a
/// second layer with Ward's accounts.
pub async fn same_origin_writes(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let cross_site = if let Some(site) = headers.get("sec-fetch-site") {
        !matches!(site.as_bytes(), b"same-origin" | b"none")
    } else if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let origin_host = origin.to_str().ok().and_then(|o| o.split_once("://")).map(|(_, rest)| rest);
        origin_host.is_none() || origin_host != host
    } else {
        false
    };
    if cross_site {
        tracing::warn!(request_id = %current_request_id(), "refused a cross-site state-changing request");
        return Problem::new(StatusCode::FORBIDDEN, Some("cross-site request refused".to_owned()))
            .into_response();
    }
    next.run(request).await
}
