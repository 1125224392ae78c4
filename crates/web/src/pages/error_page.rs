use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::i18n::Tr;
use crate::pages::layout::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorTemplate {
    layout: Layout,
    heading: &'static str,
    body: &'static str,
    detail: String,
    request_id: String,
    show_reference: bool,
}

/// A friendly error page with the right status code.
pub struct ErrorPage {
    status: StatusCode,
    template: ErrorTemplate,
}

impl ErrorPage {
    pub fn for_status(tr: Tr, status: StatusCode, request_id: String, detail: String) -> Self {
        let (heading, body) = match status {
            StatusCode::NOT_FOUND => ("error.not_found_title", "error.not_found_body"),
            StatusCode::CONFLICT => ("error.conflict_title", "error.bad_request_body"),
            StatusCode::FORBIDDEN => ("error.forbidden_title", "error.forbidden_body"),
            StatusCode::SERVICE_UNAVAILABLE => ("error.unavailable_title", "error.unavailable_body"),
            s if s.is_client_error() => ("error.bad_request_title", "error.bad_request_body"),
            _ => ("error.internal_title", "error.internal_body"),
        };
        let heading = tr.t(heading);
        Self {
            status,
            template: ErrorTemplate {
                layout: Layout::bare(tr, heading, "/"),
                heading,
                body: tr.t(body),
                detail,
                request_id,
                show_reference: status.is_server_error(),
            },
        }
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        (self.status, self.template).into_response()
    }
}
