//! An organisation's members: everyone sees who is in; owners add, change and remove.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::macros::format_description;
use time::{Date, OffsetDateTime, Time};
use ward_app::AppError;
use ward_domain::{Permission, Role};

use crate::auth::Auth;
use crate::error::{OrPage, PageError};
use crate::i18n::Tr;
use crate::pages::language::redirect_with_flash;
use crate::pages::layout::{Layout, PageContext, Section, org_layout};
use crate::state::AppState;

pub struct MemberRow {
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub until: Option<String>,
    pub expired: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "members.html")]
pub struct MembersPage {
    layout: Layout,
    slug: String,
    members: Vec<MemberRow>,
    can_manage: bool,
    roles: Vec<(&'static str, &'static str)>,
    error: String,
}

pub fn role_options(tr: Tr) -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.code(), tr.label("role", r.code()))).collect()
}

async fn render(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    error: String,
) -> Result<MembersPage, PageError> {
    let profile = state.ward.organisation(&auth.ctx, slug).await.or_page(tr)?;
    let members = state.ward.members(&auth.ctx, slug).await.or_page(tr)?;
    let org = &profile.organisation;
    let layout = org_layout(state, auth, tr, ctx, &profile, "members.title", Section::Members).await?;
    let now = OffsetDateTime::now_utc();
    let day = format_description!("[year]-[month]-[day]");
    Ok(MembersPage {
        layout,
        slug: org.slug.to_string(),
        members: members
            .into_iter()
            .map(|m| MemberRow {
                name: m.user.display_name.clone(),
                email: m.user.email.to_string(),
                role: tr.label("role", m.membership.role.code()),
                until: m.membership.expires_at.and_then(|t| t.format(&day).ok()),
                expired: !m.membership.is_active(now),
            })
            .collect(),
        can_manage: profile.role.is_none_or(|r| r.allows(Permission::ManageMembers)),
        roles: role_options(tr),
        error,
    })
}

/// `GET /orgs/{slug}/members`
pub async fn list(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<MembersPage, PageError> {
    render(&state, &auth, tr, ctx, &slug, String::new()).await
}

#[derive(Deserialize)]
pub struct MemberForm {
    email: String,
    role: String,
    #[serde(default)]
    until: String,
}

/// The end of the day `until` (a date), in UTC: access lasts through that day.
pub fn parse_until(until: &str) -> Result<Option<OffsetDateTime>, AppError> {
    let until = until.trim();
    if until.is_empty() {
        return Ok(None);
    }
    let date = Date::parse(until, format_description!("[year]-[month]-[day]")).map_err(|_| {
        AppError::Validation(vec![ward_domain::ValidationError::new(
            "until",
            "format",
            "must be a date like 2027-04-18",
        )])
    })?;
    Ok(Some(date.with_time(Time::MIDNIGHT).assume_utc() + time::Duration::days(1)))
}

/// `POST /orgs/{slug}/members`
pub async fn save(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Form(form): Form<MemberForm>,
) -> Response {
    let result = async {
        let role = Role::parse(&form.role)?;
        let until = parse_until(&form.until)?;
        state.ward.set_member(&auth.ctx, &slug, &form.email, role, until).await
    }
    .await;
    match result {
        Ok(_) => redirect_with_flash(&format!("/orgs/{slug}/members"), "member_saved", &[]),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_) | AppError::NotFound("user"))) => {
            let message = e.to_string();
            crate::pages::unprocessable(render(&state, &auth, tr, ctx, &slug, message).await)
        }
        Err(error) => PageError { tr, error }.into_response(),
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    email: String,
}

/// `POST /orgs/{slug}/members/remove`
pub async fn remove(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Form(form): Form<RemoveForm>,
) -> Response {
    match state.ward.remove_member(&auth.ctx, &slug, &form.email).await {
        Ok(()) => redirect_with_flash(&format!("/orgs/{slug}/members"), "member_removed", &[]),
        Err(e @ (AppError::Conflict(_) | AppError::NotFound("member") | AppError::NotFound("user"))) => {
            let message = e.to_string();
            crate::pages::unprocessable(render(&state, &auth, tr, ctx, &slug, message).await)
        }
        Err(error) => PageError { tr, error }.into_response(),
    }
}
