use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::auth::Auth;
use crate::error::{OrPage, PageError};
use crate::i18n::Tr;
use crate::pages::layout::{Layout, PageContext};
use crate::state::AppState;

pub struct OrgCard {
    pub slug: String,
    pub name: String,
    pub kind: &'static str,
    /// The roll-up: verdict at the target level, gaps, tasks.
    pub dashboard: Option<crate::pages::plan::DashboardPart>,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    layout: Layout,
    orgs: Vec<OrgCard>,
}

/// `GET /`: the organisations the reader may open.
pub async fn home(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<HomePage, PageError> {
    let orgs = state.ward.organisations(&auth.ctx).await.or_page(tr)?;
    let dashboards = state.ward.dashboards(&auth.ctx).await.or_page(tr)?;
    let layout = Layout::build(&state.ward, &auth, tr, ctx, tr.t("home.title"), None).await.or_page(tr)?;
    let orgs = orgs
        .into_iter()
        .map(|o| OrgCard {
            slug: o.slug.to_string(),
            name: o.name.to_string(),
            kind: tr.label("kind", o.kind.code()),
            dashboard: dashboards
                .iter()
                .find(|d| d.organisation == o.slug.as_str())
                .map(|d| crate::pages::plan::dashboard_part(tr, d)),
        })
        .collect();
    Ok(HomePage { layout, orgs })
}
