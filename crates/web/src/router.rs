use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;

use crate::error::Problem;
use crate::i18n::{Tr, locale_of};
use crate::state::AppState;
use crate::{api, assets, middleware, pages};

/// Largest request body accepted: forms and JSON are small; uploads get their own limit.
const BODY_LIMIT: usize = 1024 * 1024;

/// The whole application: pages, API, probes and assets, with the middleware every request passes.
pub fn router(state: AppState) -> Router {
    let (api_routes, _) = api::routes().split_for_parts();
    Router::new()
        .route("/", get(pages::home))
        .route("/orgs/{slug}", get(pages::overview))
        .route("/language", post(pages::set_language))
        .route("/healthz", get(api::health::healthz))
        .route("/readyz", get(api::health::readyz))
        .route("/assets/{*path}", get(assets::serve))
        .route("/api/v1/openapi.json", get(api::openapi_json))
        .merge(api_routes)
        .fallback(fallback)
        .with_state(state)
        .layer(from_fn(pages::clear_flash))
        .layer(from_fn(middleware::same_origin_writes))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            Problem::new(StatusCode::INTERNAL_SERVER_ERROR, None).into_response()
        }))
        .layer(from_fn(middleware::security_headers))
        .layer(from_fn(middleware::request_context))
}

/// Unknown addresses: a problem document under `/api`, a friendly page elsewhere.
async fn fallback(request: Request) -> Response {
    if request.uri().path().starts_with("/api/") || request.uri().path() == "/api" {
        return api::not_found().await.into_response();
    }
    let (parts, _) = request.into_parts();
    let tr = Tr::new(locale_of(&parts));
    pages::ErrorPage::for_status(tr, StatusCode::NOT_FOUND, middleware::current_request_id(), String::new())
        .into_response()
}
