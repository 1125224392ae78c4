//! Server-rendered pages. Each handler builds a [`Layout`] (navigation, organisation switcher,
//! language picker, account menu, flash message) and one page template.

pub mod account;
pub mod admin;
pub mod audit;
mod error_page;
mod home;
pub mod language;
mod layout;
pub mod members;
mod organisation;
pub mod scoping;
pub mod session;
pub mod settings;

pub use error_page::ErrorPage;
pub use home::home;
pub use language::{clear_flash, set_language};
pub use organisation::overview;
