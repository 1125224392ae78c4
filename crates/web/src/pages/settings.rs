//! An organisation's settings (owners): the MFA policy and API tokens.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::macros::format_description;
use uuid::Uuid;
use ward_app::AppError;
use ward_domain::Role;

use crate::auth::Auth;
use crate::error::{OrPage, PageError};
use crate::i18n::Tr;
use crate::pages::account::SecretPage;
use crate::pages::language::redirect_with_flash;
use crate::pages::layout::{Layout, PageContext, Section, org_layout};
use crate::pages::members::role_options;
use crate::state::AppState;

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub role: &'static str,
    pub expires: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    layout: Layout,
    slug: String,
    require_mfa: bool,
    tokens: Vec<TokenRow>,
    roles: Vec<(&'static str, &'static str)>,
    error: String,
}

async fn render(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    error: String,
) -> Result<SettingsPage, PageError> {
    let profile = state.ward.organisation(&auth.ctx, slug).await.or_page(tr)?;
    let tokens = state.ward.api_tokens(&auth.ctx, slug).await.or_page(tr)?;
    let org = &profile.organisation;
    let layout = org_layout(state, auth, tr, ctx, &profile, "settings.title", Section::Settings).await?;
    let day = format_description!("[year]-[month]-[day]");
    Ok(SettingsPage {
        layout,
        slug: org.slug.to_string(),
        require_mfa: org.require_mfa,
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id.to_string(),
                name: t.name,
                role: tr.label("role", t.role.code()),
                expires: t.expires_at.format(&day).unwrap_or_default(),
                last_used: t
                    .last_used_at
                    .and_then(|d| d.format(&day).ok())
                    .unwrap_or_else(|| tr.t("settings.never").to_owned()),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        roles: role_options(tr),
        error,
    })
}

async fn with_error(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    e: AppError,
) -> Response {
    match e {
        AppError::Validation(_) | AppError::Conflict(_) => {
            crate::pages::unprocessable(render(state, auth, tr, ctx, slug, e.to_string()).await)
        }
        error => PageError { tr, error }.into_response(),
    }
}

/// `GET /orgs/{slug}/settings`
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<SettingsPage, PageError> {
    render(&state, &auth, tr, ctx, &slug, String::new()).await
}

#[derive(Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    require_mfa: Option<String>,
}

/// `POST /orgs/{slug}/settings`
pub async fn save(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Form(form): Form<PolicyForm>,
) -> Response {
    match state.ward.set_require_mfa(&auth.ctx, &slug, form.require_mfa.is_some()).await {
        Ok(()) => redirect_with_flash(&format!("/orgs/{slug}/settings"), "settings_saved", &[]),
        Err(e) => with_error(&state, &auth, tr, ctx, &slug, e).await,
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    role: String,
    days: String,
}

/// `POST /orgs/{slug}/tokens`: shows the new token once.
pub async fn create_token(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Form(form): Form<TokenForm>,
) -> Response {
    let result = async {
        let role = Role::parse(&form.role)?;
        let days: i64 = form.days.trim().parse().map_err(|_| {
            AppError::Validation(vec![ward_domain::ValidationError::new(
                "days",
                "format",
                "must be a whole number",
            )])
        })?;
        state.ward.create_api_token(&auth.ctx, &slug, &form.name, role, days).await
    }
    .await;
    match result {
        Ok((_, secret)) => {
            match Layout::build(&state.ward, &auth, tr, ctx, tr.t("settings.tokens"), None).await {
                Ok(layout) => SecretPage {
                    layout,
                    heading: tr.t("settings.tokens"),
                    intro: tr.t("settings.token_created"),
                    secrets: vec![secret],
                    continue_to: format!("/orgs/{slug}/settings"),
                }
                .into_response(),
                Err(error) => PageError { tr, error }.into_response(),
            }
        }
        Err(e) => with_error(&state, &auth, tr, ctx, &slug, e).await,
    }
}

/// `POST /orgs/{slug}/tokens/{id}/revoke`
pub async fn revoke_token(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return PageError { tr, error: AppError::NotFound("API token") }.into_response();
    };
    match state.ward.revoke_api_token(&auth.ctx, &slug, id).await {
        Ok(()) => redirect_with_flash(&format!("/orgs/{slug}/settings"), "token_revoked", &[]),
        Err(error) => PageError { tr, error }.into_response(),
    }
}
