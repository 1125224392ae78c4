//! Server-rendered pages. Each handler builds a [`Layout`] (navigation, organisation switcher,
//! language picker, account menu, flash message) and one page template.

pub mod account;
pub mod admin;
pub mod assessment;
pub mod audit;
mod error_page;
pub mod guidance;
mod home;
pub mod inventory;
pub mod language;
mod layout;
pub mod members;
mod organisation;
pub mod plan;
pub mod scoping;
pub mod session;
pub mod settings;

pub use error_page::ErrorPage;
pub use home::home;
pub use language::{clear_flash, set_language};
pub use organisation::overview;

/// A form shown again with what to fix: 422 with the page, or the error page when it cannot be built.
pub fn unprocessable<T: axum::response::IntoResponse>(
    page: Result<T, crate::error::PageError>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match page {
        Ok(page) => (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
        Err(e) => e.into_response(),
    }
}
