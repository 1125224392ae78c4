//! The language picker and the one-shot flash message it leaves.

use axum::Form;
use axum::extract::{Request, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use ward_domain::Locale;

use crate::auth::Auth;
use crate::i18n::LANG_COOKIE;
use crate::state::AppState;

pub const FLASH_COOKIE: &str = "ward_flash";

/// Flash messages are keys from this list, never text from the cookie: a forged cookie can at
/// worst show one of these.
const FLASH_KEYS: [(&str, &str); 32] = [
    ("asset_saved", "flash.asset_saved"),
    ("asset_deleted", "flash.asset_deleted"),
    ("assets_imported", "flash.assets_imported"),
    ("segment_saved", "flash.segment_saved"),
    ("task_created", "flash.task_created"),
    ("task_saved", "flash.task_saved"),
    ("task_done", "flash.task_done"),
    ("task_deleted", "flash.task_deleted"),
    ("tasks_imported", "flash.tasks_imported"),
    ("assessment_saved", "flash.assessment_saved"),
    ("assessment_deleted", "flash.assessment_deleted"),
    ("assessment_created", "flash.assessment_created"),
    ("workbook_imported", "flash.workbook_imported"),
    ("answer_saved", "flash.answer_saved"),
    ("evidence_added", "flash.evidence_added"),
    ("evidence_removed", "flash.evidence_removed"),
    ("snapshot_taken", "flash.snapshot_taken"),
    ("catalog_imported", "flash.catalog_imported"),
    ("scoping_saved", "flash.scoping_saved"),
    ("language_changed", "flash.language_changed"),
    ("signed_out", "flash.signed_out"),
    ("signed_out_everywhere", "flash.signed_out_everywhere"),
    ("mfa_enabled", "flash.mfa_enabled"),
    ("password_changed", "flash.password_changed"),
    ("member_saved", "flash.member_saved"),
    ("member_removed", "flash.member_removed"),
    ("settings_saved", "flash.settings_saved"),
    ("token_revoked", "flash.token_revoked"),
    ("org_created", "flash.org_created"),
    ("account_disabled", "flash.account_disabled"),
    ("account_enabled", "flash.account_enabled"),
    ("setup_done", "flash.setup_done"),
];

/// A redirect (303) that shows `flash` once on the next page.
pub fn redirect_with_flash(to: &str, flash: &'static str, extra_cookies: &[String]) -> Response {
    debug_assert!(flash_key(flash).is_some(), "unknown flash {flash}");
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(safe_return_path(to)) {
        headers.insert(LOCATION, v);
    }
    let flash_cookie = format!("{FLASH_COOKIE}={flash}; Path=/; Max-Age=60; SameSite=Lax; HttpOnly");
    for cookie in extra_cookies.iter().chain(std::iter::once(&flash_cookie)) {
        if let Ok(v) = HeaderValue::from_str(cookie) {
            headers.append(SET_COOKIE, v);
        }
    }
    response
}

pub fn flash_key(value: &str) -> Option<&'static str> {
    FLASH_KEYS.iter().find(|(name, _)| *name == value).map(|(_, key)| *key)
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    return_to: String,
}

/// Only same-site absolute paths, for `?next=` after sign-in too.
pub fn safe_next(path: &str) -> &str {
    safe_return_path(path)
}

/// Only same-site absolute paths: `/orgs/x`, never `//evil.example` or `https://…`.
fn safe_return_path(path: &str) -> &str {
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.len() <= 512
        && path.bytes().all(|b| b.is_ascii_graphic());
    if ok { path } else { "/" }
}

/// `POST /language`: remembers the choice (on the account when signed in, and in a cookie for a
/// year) and returns to the page it came from.
pub async fn set_language(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<LanguageForm>,
) -> Response {
    let Some(locale) = Locale::from_tag(&form.lang) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "unknown language").into_response();
    };
    if auth.signed_in()
        && let Err(e) = state.ward.set_user_locale(&auth.ctx, locale).await
    {
        return crate::error::PageError { tr: crate::i18n::Tr::new(locale), error: e }.into_response();
    }
    let lang_cookie =
        format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", locale.tag());
    redirect_with_flash(&form.return_to, "language_changed", &[lang_cookie])
}

/// Once a page has shown the flash message, the browser forgets it.
pub async fn clear_flash(request: Request, next: Next) -> Response {
    let had_flash = request
        .headers()
        .get_all(axum::http::header::COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|s| s.contains(FLASH_COOKIE)));
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if had_flash && is_page {
        response.headers_mut().append(
            SET_COOKIE,
            HeaderValue::from_static("ward_flash=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_site() {
        assert_eq!(safe_return_path("/orgs/az-x"), "/orgs/az-x");
        for bad in ["//evil.example", "https://evil.example", "", "/\\evil", "/a b", "javascript:alert(1)"] {
            assert_eq!(safe_return_path(bad), "/", "{bad}");
        }
    }
}
