//! Signing in and out, the second step, and first-run setup.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use ward_app::AppError;

use crate::auth::{Auth, SESSION_COOKIE, user_agent};
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::language::{redirect_with_flash, safe_next};
use crate::pages::layout::{Layout, PageContext};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    layout: Layout,
    error: String,
    email: String,
    next: String,
    /// The single sign-on button's text, when configured.
    sso: Option<String>,
}

impl LoginPage {
    /// The sign-in form, with an error to show (or none) and what to put back in its fields.
    fn new(
        state: &AppState,
        auth: &Auth,
        tr: Tr,
        ctx: PageContext,
        error: &str,
        email: String,
        next: String,
    ) -> Self {
        LoginPage {
            layout: Layout::minimal(tr, tr.t("login.title"), ctx, auth),
            error: error.to_owned(),
            email,
            next,
            sso: state.ward.sso_label().map(str::to_owned),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "mfa.html")]
pub struct MfaPage {
    layout: Layout,
    error: String,
    next: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "setup.html")]
pub struct SetupPage {
    layout: Layout,
    error: String,
    token: String,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    token: String,
}

fn session_cookie(state: &AppState, token: &str) -> String {
    format!("{SESSION_COOKIE}={token}; {}", state.cookie_attributes())
}

fn clear_session_cookie(state: &AppState) -> String {
    format!("{SESSION_COOKIE}=; Max-Age=0; {}", state.cookie_attributes())
}

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// `GET /login`
pub async fn login_form(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Query(q): Query<NextQuery>,
) -> Response {
    if auth.signed_in() {
        return Redirect::to(safe_next(&q.next)).into_response();
    }
    LoginPage::new(&state, &auth, tr, ctx, "", String::new(), q.next).into_response()
}

/// `GET /login/oidc?next=…`: sends the browser to the identity provider.
pub async fn sso_start(State(state): State<AppState>, tr: Tr, Query(q): Query<NextQuery>) -> Response {
    match state.ward.sso_start(safe_next(&q.next)).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(error) => PageError { tr, error }.into_response(),
    }
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /login/oidc/callback`: the identity provider's answer.
pub async fn sso_callback(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    parts: Parts,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let refused = |ctx: PageContext| {
        let page =
            LoginPage::new(&state, &auth, tr, ctx, tr.t("login.sso_failed"), String::new(), String::new());
        (StatusCode::UNAUTHORIZED, page).into_response()
    };
    let (Some(code), Some(flow_state)) = (q.code.as_deref(), q.state.as_deref()) else {
        let reason = q.error.as_deref().unwrap_or("no code");
        tracing::warn!(
            security_event = "sso_refused",
            reason,
            "the identity provider did not sign the person in"
        );
        return refused(ctx);
    };
    match state.ward.sso_finish(&auth.ctx, code, flow_state, user_agent(&parts).as_deref()).await {
        Ok((signed_in, next)) => with_cookie(
            Redirect::to(safe_next(&next)).into_response(),
            &session_cookie(&state, &signed_in.token),
        ),
        Err(AppError::InvalidCredentials) => refused(ctx),
        Err(error) => PageError { tr, error }.into_response(),
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`: one answer for every failure, so it never tells whether an account exists.
pub async fn login(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    parts: Parts,
    Form(form): Form<LoginForm>,
) -> Response {
    match state.ward.sign_in(&auth.ctx, &form.email, &form.password, user_agent(&parts).as_deref()).await {
        Ok(signed_in) => {
            let target = if signed_in.mfa_pending {
                format!("/login/mfa?next={}", crate::auth::percent_encode(safe_next(&form.next)))
            } else {
                safe_next(&form.next).to_owned()
            };
            with_cookie(Redirect::to(&target).into_response(), &session_cookie(&state, &signed_in.token))
        }
        Err(e @ (AppError::InvalidCredentials | AppError::TooManyAttempts)) => {
            let (status, key) = if matches!(e, AppError::TooManyAttempts) {
                (StatusCode::TOO_MANY_REQUESTS, "login.throttled")
            } else {
                (StatusCode::UNAUTHORIZED, "login.failed")
            };
            let page = LoginPage::new(&state, &auth, tr, ctx, tr.t(key), form.email, form.next);
            (status, page).into_response()
        }
        Err(error) => PageError { tr, error }.into_response(),
    }
}

/// `GET /login/mfa`
pub async fn mfa_form(auth: Auth, tr: Tr, ctx: PageContext, Query(q): Query<NextQuery>) -> Response {
    if auth.pending.is_none() {
        return Redirect::to("/login").into_response();
    }
    MfaPage {
        layout: Layout::minimal(tr, tr.t("login.mfa_title"), ctx, &auth),
        error: String::new(),
        next: q.next,
    }
    .into_response()
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
    #[serde(default)]
    next: String,
}

/// `POST /login/mfa`: completes sign-in and replaces the session token.
pub async fn mfa(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    parts: Parts,
    Form(form): Form<CodeForm>,
) -> Response {
    let Some(pending) = auth.pending.clone() else { return Redirect::to("/login").into_response() };
    match state
        .ward
        .verify_second_factor(&auth.ctx, &pending, &form.code, user_agent(&parts).as_deref())
        .await
    {
        Ok(token) => {
            with_cookie(Redirect::to(safe_next(&form.next)).into_response(), &session_cookie(&state, &token))
        }
        Err(e @ (AppError::InvalidCredentials | AppError::TooManyAttempts)) => {
            let key =
                if matches!(e, AppError::TooManyAttempts) { "login.throttled" } else { "login.mfa_failed" };
            let page = MfaPage {
                layout: Layout::minimal(tr, tr.t("login.mfa_title"), ctx, &auth),
                error: tr.t(key).to_owned(),
                next: form.next,
            };
            (StatusCode::UNAUTHORIZED, page).into_response()
        }
        Err(error) => PageError { tr, error }.into_response(),
    }
}

/// `POST /logout`
pub async fn logout(State(state): State<AppState>, auth: Auth, tr: Tr) -> Response {
    if let Some(session) = auth.session.as_ref().or(auth.pending.as_ref())
        && let Err(error) = state.ward.sign_out(&auth.ctx, session).await
    {
        return PageError { tr, error }.into_response();
    }
    let mut response = redirect_with_flash("/login", "signed_out", &[clear_session_cookie(&state)]);
    // Ask the browser to drop anything it kept for this site (ASVS 8.2.3).
    response.headers_mut().insert("clear-site-data", HeaderValue::from_static("\"cache\", \"storage\""));
    response
}

/// `GET /setup?token=…`
pub async fn setup_form(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Query(q): Query<NextQuery>,
) -> Response {
    match state.ward.setup_needed().await {
        Ok(true) => SetupPage {
            layout: Layout::minimal(tr, tr.t("setup.title"), ctx, &auth),
            error: String::new(),
            token: q.token,
        }
        .into_response(),
        Ok(false) => Redirect::to("/login").into_response(),
        Err(error) => PageError { tr, error }.into_response(),
    }
}

#[derive(Deserialize)]
pub struct SetupForm {
    token: String,
    name: String,
    email: String,
    password: String,
}

/// `POST /setup`: creates the first administrator.
pub async fn setup(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Form(form): Form<SetupForm>,
) -> Response {
    match state.ward.complete_setup(&auth.ctx, &form.token, &form.email, &form.name, &form.password).await {
        Ok(_) => redirect_with_flash("/login", "setup_done", &[]),
        Err(e) => {
            let (status, error) = match &e {
                AppError::InvalidCredentials => (StatusCode::UNAUTHORIZED, tr.t("setup.invalid").to_owned()),
                AppError::Validation(_) | AppError::Conflict(_) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
                }
                _ => return PageError { tr, error: e }.into_response(),
            };
            (
                status,
                SetupPage {
                    layout: Layout::minimal(tr, tr.t("setup.title"), ctx, &auth),
                    error,
                    token: form.token,
                },
            )
                .into_response()
        }
    }
}
