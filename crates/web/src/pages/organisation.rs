use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::auth::Auth;
use crate::error::{OrPage, PageError};
use crate::i18n::Tr;
use crate::pages::layout::{Layout, PageContext, Section};
use crate::state::AppState;

pub struct SiteRow {
    pub name: String,
    pub kind: &'static str,
    pub city: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "organisation.html")]
pub struct OverviewPage {
    layout: Layout,
    name: String,
    kind: &'static str,
    enterprise_number: Option<String>,
    default_language: &'static str,
    created_at: String,
    created_on: String,
    updated_at: String,
    updated_on: String,
    sites: Vec<SiteRow>,
    dashboard: crate::pages::plan::DashboardPart,
}

/// `GET /orgs/{slug}`: the organisation's overview.
pub async fn overview(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<OverviewPage, PageError> {
    let profile = state.ward.organisation(&auth.ctx, &slug).await.or_page(tr)?;
    let org = &profile.organisation;
    let layout = Layout::build(
        &state.ward,
        &auth,
        tr,
        ctx,
        org.name.as_str(),
        Some((org, profile.role, Section::Overview)),
    )
    .await
    .or_page(tr)?;
    let dashboard = state.ward.dashboard(&auth.ctx, &slug).await.or_page(tr)?;
    let day = format_description!("[year]-[month]-[day]");
    Ok(OverviewPage {
        name: org.name.to_string(),
        kind: tr.label("kind", org.kind.code()),
        enterprise_number: org.enterprise_number.as_ref().map(|n| n.formatted()),
        default_language: org.default_locale.endonym(),
        created_at: org.created_at.format(&Rfc3339).unwrap_or_default(),
        created_on: org.created_at.format(&day).unwrap_or_default(),
        updated_at: org.updated_at.format(&Rfc3339).unwrap_or_default(),
        updated_on: org.updated_at.format(&day).unwrap_or_default(),
        sites: profile
            .sites
            .iter()
            .map(|s| SiteRow {
                name: s.name.clone(),
                kind: tr.label("site_kind", s.kind.code()),
                city: s.city.clone(),
            })
            .collect(),
        dashboard: crate::pages::plan::dashboard_part(tr, &dashboard),
        layout,
    })
}
