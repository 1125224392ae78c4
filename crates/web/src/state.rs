use std::sync::Arc;

use ward_app::Ward;

/// What every handler can reach: the application and the rendered OpenAPI document.
#[derive(Clone)]
pub struct AppState {
    pub ward: Arc<Ward>,
    pub(crate) openapi_json: Arc<String>,
}

impl AppState {
    pub fn new(ward: Ward) -> Self {
        let openapi_json = crate::api::openapi_document().to_pretty_json().unwrap_or_default();
        Self { ward: Arc::new(ward), openapi_json: Arc::new(openapi_json) }
    }
}
