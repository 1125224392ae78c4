use std::sync::Arc;

use ward_app::Ward;

/// How the web layer is deployed.
#[derive(Debug, Clone, Copy, Default)]
pub struct WebOptions {
    /// Served over HTTPS (directly or behind a TLS proxy): cookies get `Secure`, responses HSTS.
    pub https: bool,
}

/// What every handler can reach: the application, the rendered OpenAPI document, and keys.
#[derive(Clone)]
pub struct AppState {
    pub ward: Arc<Ward>,
    pub(crate) openapi_json: Arc<String>,
    pub(crate) csrf_key: [u8; 32],
    pub options: WebOptions,
}

impl AppState {
    pub fn new(ward: Ward, options: WebOptions) -> Self {
        let openapi_json = crate::api::openapi_document().to_pretty_json().unwrap_or_default();
        let csrf_key = ward.csrf_key();
        Self { ward: Arc::new(ward), openapi_json: Arc::new(openapi_json), csrf_key, options }
    }

    /// Attributes for Ward's cookies.
    pub fn cookie_attributes(&self) -> &'static str {
        if self.options.https {
            "Path=/; HttpOnly; SameSite=Lax; Secure"
        } else {
            "Path=/; HttpOnly; SameSite=Lax"
        }
    }
}
