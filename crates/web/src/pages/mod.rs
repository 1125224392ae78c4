//! Server-rendered pages. Each handler builds a [`Layout`] (navigation, organisation switcher,
//! language picker, flash message) and one page template.

mod error_page;
mod home;
mod language;
mod layout;
mod organisation;

pub use error_page::ErrorPage;
pub use home::home;
pub use language::{clear_flash, set_language};
pub use organisation::overview;
