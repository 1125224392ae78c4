//! My account: two-step verification, password, sessions.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use ward_app::AppError;

use crate::auth::{Auth, SESSION_COOKIE};
use crate::error::{OrPage, PageError};
use crate::i18n::Tr;
use crate::pages::language::redirect_with_flash;
use crate::pages::layout::{Layout, PageContext};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub struct AccountPage {
    layout: Layout,
    name: String,
    email: String,
    mfa_on: bool,
    mfa_required: bool,
    has_password: bool,
    enrollment: Option<(String, String)>,
    error: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "secret.html")]
pub struct SecretPage {
    pub layout: Layout,
    pub heading: &'static str,
    pub intro: &'static str,
    pub secrets: Vec<String>,
    pub continue_to: String,
}

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    #[serde(default)]
    required: bool,
}

async fn render(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    error: String,
    mfa_required: bool,
) -> Result<AccountPage, PageError> {
    let user = auth.ctx.user().cloned().ok_or(AppError::Unauthenticated).or_page(tr)?;
    let enrollment = state.ward.pending_totp(&auth.ctx).await.or_page(tr)?.map(|e| (e.secret_base32, e.uri));
    let layout = Layout::build(&state.ward, auth, tr, ctx, tr.t("account.title"), None).await.or_page(tr)?;
    Ok(AccountPage {
        layout,
        name: user.display_name.clone(),
        email: user.email.to_string(),
        mfa_on: user.totp_enabled,
        mfa_required,
        has_password: !user.sso,
        enrollment,
        error,
    })
}

/// `GET /account` (and `/account/mfa`, where organisations that require MFA send members).
pub async fn account(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Query(q): Query<AccountQuery>,
) -> Result<AccountPage, PageError> {
    let required = q.required || ctx.path == "/account/mfa";
    render(&state, &auth, tr, ctx, String::new(), required).await
}

/// `POST /account/mfa/start`
pub async fn mfa_start(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<AccountPage, PageError> {
    state.ward.begin_totp(&auth.ctx).await.or_page(tr)?;
    render(&state, &auth, tr, ctx, String::new(), false).await
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

/// `POST /account/mfa`: confirms the first code and shows the recovery codes once.
pub async fn mfa_confirm(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Form(form): Form<CodeForm>,
) -> Response {
    match state.ward.confirm_totp(&auth.ctx, &form.code).await {
        Ok(codes) => {
            let layout = match Layout::build(
                &state.ward,
                &auth,
                tr,
                ctx,
                tr.t("account.recovery_title"),
                None,
            )
            .await
            {
                Ok(l) => l,
                Err(error) => return PageError { tr, error }.into_response(),
            };
            SecretPage {
                layout,
                heading: tr.t("account.recovery_title"),
                intro: tr.t("account.recovery_intro"),
                secrets: codes,
                continue_to: "/account".into(),
            }
            .into_response()
        }
        Err(AppError::Validation(errors)) => {
            let message = errors.iter().map(|e| e.reason.clone()).collect::<Vec<_>>().join("; ");
            crate::pages::unprocessable(render(&state, &auth, tr, ctx, message, false).await)
        }
        Err(error) => PageError { tr, error }.into_response(),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
}

/// `POST /account/password`
pub async fn change_password(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Form(form): Form<PasswordForm>,
) -> Response {
    match state.ward.change_password(&auth.ctx, &form.current, &form.new).await {
        Ok(()) => redirect_with_flash(
            "/login?next=/account",
            "password_changed",
            &[format!("{SESSION_COOKIE}=; Max-Age=0; {}", state.cookie_attributes())],
        ),
        Err(e @ (AppError::Validation(_) | AppError::InvalidCredentials)) => {
            let message = match &e {
                AppError::InvalidCredentials => tr.t("login.failed").to_owned(),
                other => other.to_string(),
            };
            crate::pages::unprocessable(render(&state, &auth, tr, ctx, message, false).await)
        }
        Err(error) => PageError { tr, error }.into_response(),
    }
}

/// `POST /account/sessions/end`: signs out on every device, this one included.
pub async fn end_sessions(State(state): State<AppState>, auth: Auth, tr: Tr) -> Response {
    match state.ward.sign_out_everywhere(&auth.ctx).await {
        Ok(_) => redirect_with_flash(
            "/login",
            "signed_out_everywhere",
            &[format!("{SESSION_COOKIE}=; Max-Age=0; {}", state.cookie_attributes())],
        ),
        Err(error) => PageError { tr, error }.into_response(),
    }
}
