//! Installation administration: organisations, accounts, and the audit log's integrity.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use ward_app::{AppError, NewAccount, OrganisationInput};
use ward_domain::OrgKind;

use crate::auth::Auth;
use crate::error::{OrPage, PageError};
use crate::i18n::Tr;
use crate::pages::account::SecretPage;
use crate::pages::language::redirect_with_flash;
use crate::pages::layout::{Layout, PageContext};
use crate::state::AppState;

pub struct UserRow {
    pub name: String,
    pub email: String,
    pub admin: bool,
    pub mfa: bool,
    pub disabled: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin.html")]
pub struct AdminPage {
    layout: Layout,
    orgs: Vec<(String, String)>,
    users: Vec<UserRow>,
    kinds: Vec<(&'static str, &'static str)>,
    integrity_ok: bool,
    integrity: String,
    error: String,
    /// (framework, imported official texts)
    official: Vec<(&'static str, i64)>,
}

async fn render(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    error: String,
) -> Result<AdminPage, PageError> {
    let users = state.ward.users(&auth.ctx).await.or_page(tr)?;
    let orgs = state.ward.organisations(&auth.ctx).await.or_page(tr)?;
    let verdict = state.ward.verify_audit_log(&auth.ctx).await.or_page(tr)?;
    let (integrity_ok, integrity) = match verdict {
        Ok(report) => (true, format!("{} {}", report.entries, tr.t("admin.entries"))),
        Err(broken) => (false, broken.to_string()),
    };
    let mut official = Vec::new();
    for f in ward_domain::cyfun::Framework::ALL {
        official.push((f.label(), state.ward.official_text_count(&auth.ctx, f).await.or_page(tr)?));
    }
    let layout = Layout::build(&state.ward, auth, tr, ctx, tr.t("admin.title"), None).await.or_page(tr)?;
    Ok(AdminPage {
        layout,
        orgs: orgs.into_iter().map(|o| (o.slug.to_string(), o.name.to_string())).collect(),
        users: users
            .into_iter()
            .map(|u| UserRow {
                name: u.display_name,
                email: u.email.to_string(),
                admin: u.is_admin,
                mfa: u.totp_enabled,
                disabled: u.disabled,
            })
            .collect(),
        kinds: OrgKind::ALL.iter().map(|k| (k.code(), tr.label("kind", k.code()))).collect(),
        integrity_ok,
        integrity,
        error,
        official,
    })
}

async fn with_error(state: &AppState, auth: &Auth, tr: Tr, ctx: PageContext, e: AppError) -> Response {
    match e {
        AppError::Validation(_) | AppError::Conflict(_) | AppError::NotFound("user") => {
            crate::pages::unprocessable(render(state, auth, tr, ctx, e.to_string()).await)
        }
        error => PageError { tr, error }.into_response(),
    }
}

/// `GET /admin`
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<AdminPage, PageError> {
    render(&state, &auth, tr, ctx, String::new()).await
}

#[derive(Deserialize)]
pub struct OrgForm {
    name: String,
    #[serde(default)]
    slug: String,
    kind: String,
}

/// `POST /admin/orgs`
pub async fn create_org(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Form(form): Form<OrgForm>,
) -> Response {
    let input = OrganisationInput {
        name: form.name,
        slug: Some(form.slug).filter(|s| !s.trim().is_empty()),
        kind: Some(form.kind),
        enterprise_number: None,
        default_locale: Some(tr.locale.tag().to_owned()),
    };
    match state.ward.create_organisation(&auth.ctx, &input).await {
        Ok(org) => redirect_with_flash(&format!("/orgs/{}", org.slug), "org_created", &[]),
        Err(e) => with_error(&state, &auth, tr, ctx, e).await,
    }
}

#[derive(Deserialize)]
pub struct UserForm {
    email: String,
    name: String,
    #[serde(default)]
    admin: Option<String>,
}

/// `POST /admin/users`: shows the generated one-time password once.
pub async fn create_user(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Form(form): Form<UserForm>,
) -> Response {
    let input = NewAccount {
        email: form.email,
        display_name: Some(form.name),
        password: None,
        admin: form.admin.is_some(),
    };
    match state.ward.create_account(&auth.ctx, &input).await {
        Ok(created) => {
            match Layout::build(&state.ward, &auth, tr, ctx, tr.t("admin.create_user"), None).await {
                Ok(layout) => SecretPage {
                    layout,
                    heading: tr.t("admin.create_user"),
                    intro: tr.t("admin.user_created"),
                    secrets: created.generated_password.into_iter().collect(),
                    continue_to: "/admin".into(),
                }
                .into_response(),
                Err(error) => PageError { tr, error }.into_response(),
            }
        }
        Err(e) => with_error(&state, &auth, tr, ctx, e).await,
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    email: String,
    disabled: bool,
}

/// `POST /admin/users/status`
pub async fn set_status(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Form(form): Form<StatusForm>,
) -> Response {
    match state.ward.set_account_disabled(&auth.ctx, &form.email, form.disabled).await {
        Ok(_) => redirect_with_flash(
            "/admin",
            if form.disabled { "account_disabled" } else { "account_enabled" },
            &[],
        ),
        Err(e) => with_error(&state, &auth, tr, ctx, e).await,
    }
}

/// `POST /admin/catalog`: the official CyFun texts, from the CCB workbook or a CISO Assistant library.
pub async fn import_catalog(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    multipart: axum::extract::Multipart,
) -> Response {
    let (name, bytes) = match crate::pages::assessment::read_upload(multipart).await {
        Ok((_, Some((name, _, bytes)))) => (name, bytes),
        Ok((_, None)) => {
            return crate::pages::unprocessable(
                render(&state, &auth, tr, ctx, tr.t("cyfun.choose_file").to_owned()).await,
            );
        }
        Err(e) => return crate::pages::unprocessable(render(&state, &auth, tr, ctx, e).await),
    };
    match state.ward.import_catalog(&auth.ctx, &name, &bytes).await {
        Ok(_) => redirect_with_flash("/admin", "catalog_imported", &[]),
        Err(AppError::Validation(errors)) => {
            let text = errors.iter().map(|e| e.reason.clone()).collect::<Vec<_>>().join(" · ");
            crate::pages::unprocessable(render(&state, &auth, tr, ctx, format!("{name}: {text}")).await)
        }
        Err(e) => with_error(&state, &auth, tr, ctx, e).await,
    }
}
