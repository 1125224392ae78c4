//! Ward's web application: server-rendered pages, the JSON API under `/api/v1` with its OpenAPI
//! document, health probes and embedded static assets.
//!
//! Handlers extract input, call one `ward-app` use case and render; they hold no SQL and no
//! business rules. This is the only crate that knows HTTP.

pub mod api;
mod assets;
pub mod auth;
mod error;
mod i18n;
mod middleware;
mod pages;
mod router;
mod state;

pub use api::openapi_document;
pub use i18n::{Catalog, Tr};
pub use router::{RouteInfo, route_table, router};
pub use state::{AppState, WebOptions};
