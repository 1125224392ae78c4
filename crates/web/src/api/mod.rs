//! The JSON API under `/api/v1`, described by an OpenAPI document generated from the handlers
//! themselves (`utoipa`), served at `/api/v1/openapi.json` and snapshot-tested.

mod account;
mod assessment;
mod assets;
pub mod assets_model;
pub mod cyfun_model;
mod gaps;
pub mod gaps_model;
mod guidance;
pub mod guidance_model;
pub mod health;
pub mod model;
mod organisation;
mod scoping;
mod tasks;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use ward_domain::Permission;

use crate::auth::Access;
use crate::error::{FieldProblem, Problem};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ward API",
        description = "Cybersecurity compliance and security posture for healthcare: CyberFundamentals, NIS2, GDPR.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    components(schemas(Problem, FieldProblem)),
    tags(
        (name = "account", description = "The caller"),
        (name = "organisations", description = "Organisations (tenants) and their sites"),
        (name = "members", description = "Who belongs to an organisation, with which role"),
        (name = "audit", description = "The tamper-evident audit log"),
        (name = "accounts", description = "Accounts of the installation (administrators)"),
        (name = "scoping", description = "NIS2 status, CyFun level and obligations with their dates"),
        (name = "cyfun", description = "CyFun self-assessments, scored exactly as the CCB's official workbook"),
        (name = "assets", description = "The asset register, inventory imports, network segments and their policy"),
        (name = "plan", description = "The gap plan, the minimum path to pass, remediation tasks and dashboards"),
        (name = "guidance", description = "Ward's healthcare guidance for every CyFun requirement, quick-start plans and challenge pages"),
    ),
    modifiers(&Security)
)]
struct ApiDoc;

/// Documents the two ways to authenticate: an API token, or a browser session with its CSRF token.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An organisation's API token (`ward_…`)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "ward_session",
                "A browser session; state-changing calls also need the X-CSRF-Token header",
            ))),
        );
        openapi.security = Some(vec![
            SecurityRequirement::new("api_token", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
    }
}

/// The API routes in groups by the access they require, each with its OpenAPI description.
pub(crate) fn groups() -> Vec<(Access, OpenApiRouter<AppState>)> {
    vec![
        (
            Access::SignedIn,
            OpenApiRouter::new()
                .routes(routes!(organisation::me))
                .routes(routes!(organisation::list))
                .routes(routes!(scoping::evaluate))
                .routes(routes!(assessment::catalog))
                .routes(routes!(guidance::requirements))
                .routes(routes!(guidance::search))
                .routes(routes!(guidance::plans))
                .routes(routes!(guidance::challenges))
                .routes(routes!(gaps::rollup)),
        ),
        (
            Access::Org(Permission::View),
            OpenApiRouter::new()
                .routes(routes!(organisation::show))
                .routes(routes!(organisation::members))
                .routes(routes!(scoping::show))
                .routes(routes!(assessment::list))
                .routes(routes!(assessment::show))
                .routes(routes!(assessment::score))
                .routes(routes!(assessment::snapshots))
                .routes(routes!(assessment::compare))
                .routes(routes!(assessment::export_workbook))
                .routes(routes!(gaps::gaps))
                .routes(routes!(gaps::plan))
                .routes(routes!(gaps::dashboard))
                .routes(routes!(assets::list))
                .routes(routes!(assets::show))
                .routes(routes!(assets::segments))
                .routes(routes!(assets::violations))
                .routes(routes!(tasks::list))
                .routes(routes!(tasks::show)),
        ),
        (
            Access::Org(Permission::ManageMembers),
            OpenApiRouter::new()
                .routes(routes!(organisation::set_member))
                .routes(routes!(organisation::remove_member)),
        ),
        (Access::Org(Permission::ViewAuditLog), OpenApiRouter::new().routes(routes!(organisation::audit))),
        (
            Access::Org(Permission::EditAny),
            OpenApiRouter::new()
                .routes(routes!(scoping::save))
                .routes(routes!(assessment::create))
                .routes(routes!(assessment::take_snapshot))
                .routes(routes!(assessment::add_evidence))
                .routes(routes!(assessment::update))
                .routes(routes!(assessment::import_workbook))
                .routes(routes!(tasks::create))
                .routes(routes!(assets::create))
                .routes(routes!(assets::update))
                .routes(routes!(assets::delete))
                .routes(routes!(assets::import))
                .routes(routes!(assets::confirm))
                .routes(routes!(assets::save_segment))
                .routes(routes!(tasks::delete)),
        ),
        (
            Access::Org(Permission::EditAssigned),
            OpenApiRouter::new().routes(routes!(assessment::answer)).routes(routes!(tasks::update)),
        ),
        (
            Access::Org(Permission::ManageOrganisation),
            OpenApiRouter::new()
                .routes(routes!(organisation::set_policy))
                .routes(routes!(assessment::delete)),
        ),
        (Access::Admin, OpenApiRouter::new().routes(routes!(account::list, account::create))),
    ]
}

/// The OpenAPI document, derived from the real routes.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for (_, group) in groups() {
        doc.merge(group.split_for_parts().1);
    }
    doc
}

/// `GET /api/v1/openapi.json`
pub(crate) async fn openapi_json(State(state): State<AppState>) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], state.openapi_json.as_str().to_owned())
}

/// Any other path under `/api`: a problem document, not an HTML page.
pub(crate) async fn not_found() -> Problem {
    Problem::new(axum::http::StatusCode::NOT_FOUND, Some("no such API endpoint".to_owned()))
}
