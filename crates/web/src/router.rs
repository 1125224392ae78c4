use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use ward_domain::Permission;

use crate::auth::{Access, authenticate, enforce};
use crate::error::Problem;
use crate::i18n::{Tr, locale_of};
use crate::pages::{
    account, admin, assessment, audit, guidance, inventory, members, plan, scoping, session, settings,
};
use crate::state::AppState;
use crate::{api, assets, middleware, pages};

/// Largest request body accepted: forms and JSON are small; uploads get their own limit.
/// The largest request body, except uploads.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The largest upload (evidence files up to 10 MiB, workbooks), with room for the form around it.
pub const UPLOAD_LIMIT: usize = 11 * 1024 * 1024;

/// The largest inventory file (a scan of a large hospital network); larger ones go through
/// `ward assets import`.
pub const INVENTORY_LIMIT: usize = 64 * 1024 * 1024;

/// Routes that take files: only these accept bodies above [`BODY_LIMIT`].
fn is_upload(path: &str) -> bool {
    ["/import", "/evidence", "/workbook", "/admin/catalog"].iter().any(|end| path.ends_with(end))
}

/// Refuses, from its headers alone, a body larger than the route accepts. The hard cap for every
/// route (uploads included) is the body-limit layer; chunked bodies are bounded by it and by the
/// extractors' own limit.
async fn body_limit(request: Request, next: axum::middleware::Next) -> Response {
    let path = request.uri().path();
    let limit = if path.ends_with("/assets/import") {
        INVENTORY_LIMIT
    } else if is_upload(path) {
        UPLOAD_LIMIT
    } else {
        BODY_LIMIT
    };
    let announced = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > limit) {
        return Problem::new(StatusCode::PAYLOAD_TOO_LARGE, None).into_response();
    }
    next.run(request).await
}

/// One route and the access it declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: Method,
    pub path: String,
    pub access: Access,
}

/// Collects routes with their declared access, wrapping each in the enforcement layer.
struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
    state: AppState,
}

impl Routes {
    fn add(
        mut self,
        method: Method,
        path: &'static str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Self {
        self.table.push(RouteInfo { method, path: path.to_owned(), access });
        let layered = handler.route_layer(from_fn_with_state((self.state.clone(), access), enforce));
        self.router = self.router.route(path, layered);
        self
    }
}

/// The whole application: pages, API, probes and assets, with the middleware every request passes.
pub fn router(state: AppState) -> Router {
    build(state).0
}

/// Every route with its declared access (for the authorisation matrix test and SECURITY.md).
pub fn route_table(state: AppState) -> Vec<RouteInfo> {
    build(state).1
}

fn build(state: AppState) -> (Router, Vec<RouteInfo>) {
    use Access::*;
    use Method as M;
    let r = Routes { router: Router::new(), table: Vec::new(), state: state.clone() }
        // Anyone
        .add(M::GET, "/healthz", Public, get(api::health::healthz))
        .add(M::GET, "/readyz", Public, get(api::health::readyz))
        .add(M::GET, "/assets/{*path}", Public, get(assets::serve))
        .add(M::GET, "/api/v1/openapi.json", Public, get(api::openapi_json))
        .add(M::GET, "/login", Public, get(session::login_form))
        .add(M::POST, "/login", Public, post(session::login))
        .add(M::GET, "/login/mfa", Public, get(session::mfa_form))
        .add(M::POST, "/login/mfa", Public, post(session::mfa))
        .add(M::GET, "/login/oidc", Public, get(session::sso_start))
        .add(M::GET, "/login/oidc/callback", Public, get(session::sso_callback))
        .add(M::POST, "/logout", Public, post(session::logout))
        .add(M::GET, "/setup", Public, get(session::setup_form))
        .add(M::POST, "/setup", Public, post(session::setup))
        .add(M::POST, "/language", Public, post(pages::set_language))
        // Anyone signed in
        .add(M::GET, "/", SignedIn, get(pages::home))
        .add(M::GET, "/account", SignedIn, get(account::account))
        .add(M::GET, "/account/mfa", SignedIn, get(account::account))
        .add(M::POST, "/account/mfa/start", SignedIn, post(account::mfa_start))
        .add(M::POST, "/account/mfa", SignedIn, post(account::mfa_confirm))
        .add(M::POST, "/account/password", SignedIn, post(account::change_password))
        .add(M::POST, "/account/sessions/end", SignedIn, post(account::end_sessions))
        .add(M::GET, "/guidance", SignedIn, get(guidance::index))
        .add(M::GET, "/guidance/plans/{id}", SignedIn, get(guidance::plan))
        .add(M::GET, "/guidance/challenges/{id}", SignedIn, get(guidance::challenge))
        .add(M::GET, "/guidance/{framework}/{requirement}", SignedIn, get(guidance::requirement))
        // Installation administrators
        .add(M::GET, "/admin", Admin, get(admin::show))
        .add(M::POST, "/admin/orgs", Admin, post(admin::create_org))
        .add(M::POST, "/admin/users", Admin, post(admin::create_user))
        .add(M::POST, "/admin/users/status", Admin, post(admin::set_status))
        .add(M::GET, "/admin/audit", Admin, get(audit::installation_log))
        .add(M::POST, "/admin/catalog", Admin, post(admin::import_catalog))
        // Members of the organisation in the path
        .add(M::GET, "/orgs/{slug}", Org(Permission::View), get(pages::overview))
        .add(M::GET, "/orgs/{slug}/scoping", Org(Permission::View), get(scoping::show))
        .add(M::POST, "/orgs/{slug}/scoping", Org(Permission::EditAny), post(scoping::save))
        .add(M::GET, "/orgs/{slug}/scoping.ics", Org(Permission::View), get(scoping::calendar))
        .add(M::GET, "/orgs/{slug}/assessments", Org(Permission::View), get(assessment::list))
        .add(M::POST, "/orgs/{slug}/assessments", Org(Permission::EditAny), post(assessment::create))
        .add(M::POST, "/orgs/{slug}/assessments/import", Org(Permission::EditAny), post(assessment::import))
        .add(M::GET, "/orgs/{slug}/assessments/{id}", Org(Permission::View), get(assessment::workspace))
        .add(
            M::POST,
            "/orgs/{slug}/assessments/{id}/score/{requirement}",
            Org(Permission::EditAssigned),
            post(assessment::score_row),
        )
        .add(
            M::GET,
            "/orgs/{slug}/assessments/{id}/requirements/{requirement}",
            Org(Permission::View),
            get(assessment::requirement),
        )
        .add(
            M::POST,
            "/orgs/{slug}/assessments/{id}/requirements/{requirement}",
            Org(Permission::EditAssigned),
            post(assessment::save_requirement),
        )
        .add(
            M::POST,
            "/orgs/{slug}/assessments/{id}/requirements/{requirement}/evidence",
            Org(Permission::EditAny),
            post(assessment::add_evidence),
        )
        .add(
            M::POST,
            "/orgs/{slug}/assessments/{id}/evidence/{evidence}/remove",
            Org(Permission::EditAny),
            post(assessment::remove_evidence),
        )
        .add(
            M::GET,
            "/orgs/{slug}/assessments/{id}/evidence/{evidence}",
            Org(Permission::View),
            get(assessment::evidence_file),
        )
        .add(
            M::GET,
            "/orgs/{slug}/assessments/{id}/snapshots",
            Org(Permission::View),
            get(assessment::snapshots),
        )
        .add(
            M::POST,
            "/orgs/{slug}/assessments/{id}/settings",
            Org(Permission::EditAny),
            post(assessment::save_settings),
        )
        .add(
            M::POST,
            "/orgs/{slug}/assessments/{id}/delete",
            Org(Permission::ManageOrganisation),
            post(assessment::delete),
        )
        .add(
            M::POST,
            "/orgs/{slug}/assessments/{id}/snapshots",
            Org(Permission::EditAny),
            post(assessment::take_snapshot),
        )
        .add(
            M::POST,
            "/orgs/{slug}/assessments/{id}/workbook",
            Org(Permission::View),
            post(assessment::export_workbook),
        )
        .add(M::GET, "/orgs/{slug}/assessments/{id}/gaps", Org(Permission::View), get(plan::gaps))
        .add(M::GET, "/orgs/{slug}/tasks", Org(Permission::View), get(plan::tasks))
        .add(M::POST, "/orgs/{slug}/tasks", Org(Permission::EditAny), post(plan::create_task))
        .add(M::GET, "/orgs/{slug}/tasks.csv", Org(Permission::View), get(plan::export_tasks))
        .add(M::POST, "/orgs/{slug}/tasks/import", Org(Permission::EditAny), post(plan::import_tasks))
        .add(M::GET, "/orgs/{slug}/tasks/{id}", Org(Permission::View), get(plan::task))
        .add(M::POST, "/orgs/{slug}/tasks/{id}", Org(Permission::EditAssigned), post(plan::save_task))
        .add(
            M::POST,
            "/orgs/{slug}/tasks/{id}/complete",
            Org(Permission::EditAssigned),
            post(plan::complete_task),
        )
        .add(M::POST, "/orgs/{slug}/tasks/{id}/delete", Org(Permission::EditAny), post(plan::delete_task))
        .add(M::GET, "/orgs/{slug}/assets", Org(Permission::View), get(inventory::list))
        .add(M::POST, "/orgs/{slug}/assets", Org(Permission::EditAny), post(inventory::create))
        .add(M::POST, "/orgs/{slug}/assets/import", Org(Permission::EditAny), post(inventory::import))
        .add(M::GET, "/orgs/{slug}/assets/imports/{id}", Org(Permission::EditAny), get(inventory::preview))
        .add(M::POST, "/orgs/{slug}/assets/imports/{id}", Org(Permission::EditAny), post(inventory::confirm))
        .add(M::GET, "/orgs/{slug}/assets/{id}", Org(Permission::View), get(inventory::show))
        .add(M::POST, "/orgs/{slug}/assets/{id}", Org(Permission::EditAny), post(inventory::save))
        .add(M::POST, "/orgs/{slug}/assets/{id}/delete", Org(Permission::EditAny), post(inventory::delete))
        .add(M::GET, "/orgs/{slug}/segments", Org(Permission::View), get(inventory::segments))
        .add(M::POST, "/orgs/{slug}/segments", Org(Permission::EditAny), post(inventory::save_segment))
        .add(M::GET, "/orgs/{slug}/members", Org(Permission::View), get(members::list))
        .add(M::POST, "/orgs/{slug}/members", Org(Permission::ManageMembers), post(members::save))
        .add(M::POST, "/orgs/{slug}/members/remove", Org(Permission::ManageMembers), post(members::remove))
        .add(M::GET, "/orgs/{slug}/settings", Org(Permission::ManageOrganisation), get(settings::show))
        .add(M::POST, "/orgs/{slug}/settings", Org(Permission::ManageOrganisation), post(settings::save))
        .add(M::POST, "/orgs/{slug}/tokens", Org(Permission::ManageApiTokens), post(settings::create_token))
        .add(
            M::POST,
            "/orgs/{slug}/tokens/{id}/revoke",
            Org(Permission::ManageApiTokens),
            post(settings::revoke_token),
        )
        .add(M::GET, "/orgs/{slug}/audit", Org(Permission::ViewAuditLog), get(audit::org_log))
        .add(M::GET, "/orgs/{slug}/audit.csv", Org(Permission::ViewAuditLog), get(audit::org_log_csv));

    let mut table = r.table;
    let mut router = r.router;
    for (access, group) in api::groups() {
        let (group_router, doc) = group.split_for_parts();
        for (path, item) in &doc.paths.paths {
            let ops =
                [(M::GET, &item.get), (M::PUT, &item.put), (M::POST, &item.post), (M::DELETE, &item.delete)];
            for (method, op) in ops {
                if op.is_some() {
                    table.push(RouteInfo { method, path: path.clone(), access });
                }
            }
        }
        router = router.merge(group_router.route_layer(from_fn_with_state((state.clone(), access), enforce)));
    }

    let https = state.options.https;
    let app = router
        .fallback(fallback)
        .layer(from_fn_with_state(state.clone(), authenticate))
        .with_state(state)
        .layer(from_fn(pages::clear_flash))
        .layer(from_fn(middleware::same_origin_writes))
        .layer(axum::extract::DefaultBodyLimit::max(INVENTORY_LIMIT))
        .layer(from_fn(body_limit))
        .layer(RequestBodyLimitLayer::new(INVENTORY_LIMIT))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            Problem::new(StatusCode::INTERNAL_SERVER_ERROR, None).into_response()
        }))
        .layer(from_fn(middleware::security_headers));
    let app = if https { app.layer(from_fn(middleware::strict_transport_security)) } else { app };
    (app.layer(from_fn(middleware::request_context)), table)
}

/// Unknown addresses: a problem document under `/api`, a friendly page elsewhere.
async fn fallback(request: Request) -> Response {
    if request.uri().path().starts_with("/api/") || request.uri().path() == "/api" {
        return api::not_found().await.into_response();
    }
    let (parts, _) = request.into_parts();
    let tr = Tr::new(locale_of(&parts));
    pages::ErrorPage::for_status(tr, StatusCode::NOT_FOUND, middleware::current_request_id(), String::new())
        .into_response()
}
