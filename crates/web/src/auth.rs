//! Who is asking: resolves the session cookie or API token of every request into a [`Ctx`],
//! enforces CSRF tokens on state-changing requests made with a session, and enforces each
//! route's declared [`Access`] before its handler runs.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use ward_app::{Actor, AppError, Ctx, Session};
use ward_crypto::token::{constant_time_eq, keyed_mac};
use ward_domain::Permission;

use crate::error::{ApiError, PageError, Problem};
use crate::i18n::{Tr, cookie};
use crate::middleware::current_request_id;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "ward_session";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What the request is allowed to be: set by [`authenticate`] for every request.
#[derive(Clone, Debug)]
pub struct Auth {
    pub ctx: Ctx,
    /// The full session of a signed-in person.
    pub session: Option<Session>,
    /// A session whose password was accepted but whose second factor is still due.
    pub pending: Option<Session>,
    /// The CSRF token to put in this person's forms.
    pub csrf_token: String,
}

impl Auth {
    pub fn signed_in(&self) -> bool {
        self.session.is_some()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Auth>().cloned().unwrap_or_else(|| Auth {
            ctx: Ctx::anonymous(Some(current_request_id()), None),
            session: None,
            pending: None,
            csrf_token: String::new(),
        }))
    }
}

/// The client address as the socket saw it (a proxy's address behind a reverse proxy).
fn client_ip(request: &Request) -> Option<String> {
    request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
}

pub fn csrf_token_for(state: &AppState, session: &Session) -> String {
    keyed_mac(&state.csrf_key, &session.csrf_secret).iter().map(|b| format!("{b:02x}")).collect()
}

/// Resolves the actor, then checks the CSRF token of state-changing requests made with a session.
pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Probes and static assets need no identity: spare them the session lookup, a database round
    // trip that browsers would otherwise trigger with every stylesheet and icon.
    let path = request.uri().path();
    if path.starts_with("/assets/") || path == "/healthz" || path == "/readyz" {
        return next.run(request).await;
    }
    let request_id = Some(current_request_id());
    let ip = client_ip(&request);
    let is_api = request.uri().path().starts_with("/api/");
    let bearer = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .map(str::to_owned);
    let session_cookie = {
        request
            .headers()
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|p| p.trim().split_once('='))
            .find_map(|(k, v)| (k == SESSION_COOKIE).then(|| v.to_owned()))
    };
    let mut auth = Auth {
        ctx: Ctx::anonymous(request_id.clone(), ip.clone()),
        session: None,
        pending: None,
        csrf_token: String::new(),
    };

    if let (Some(secret), true) = (&bearer, is_api) {
        match state.ward.actor_for_api_token(secret).await {
            Ok(Some(actor)) => auth.ctx.actor = actor,
            Ok(None) => {
                tracing::warn!(
                    security_event = "bad_api_token",
                    request_id = request_id.as_deref().unwrap_or("-"),
                    "unknown, expired or revoked API token"
                );
                return ApiError(AppError::Unauthenticated).into_response();
            }
            Err(e) => return ApiError(e).into_response(),
        }
    } else if let Some(secret) = &session_cookie {
        match state.ward.session(secret).await {
            Ok(Some(session)) => {
                auth.csrf_token = csrf_token_for(&state, &session);
                if session.mfa_pending {
                    auth.pending = Some(session);
                } else {
                    auth.ctx.actor = Actor::User(session.user.clone());
                    auth.session = Some(session);
                }
            }
            Ok(None) => {}
            Err(e) => return error_response(is_api, Tr::new(Default::default()), e),
        }
    }

    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let has_session = auth.session.is_some() || auth.pending.is_some();
    let request = if unsafe_method && has_session {
        match check_csrf(request, &auth.csrf_token).await {
            Ok(request) => request,
            Err(response) => {
                tracing::warn!(
                    security_event = "csrf_rejected",
                    request_id = request_id.as_deref().unwrap_or("-"),
                    "state-changing request without a valid CSRF token"
                );
                return response;
            }
        }
    } else {
        request
    };
    let mut request = request;
    request.extensions_mut().insert(auth);
    next.run(request).await
}

/// Accepts the token in the `X-CSRF-Token` header or the `_csrf` field of a form.
async fn check_csrf(request: Request, expected: &str) -> Result<Request, Response> {
    let refuse = || {
        Problem::new(StatusCode::FORBIDDEN, Some("missing or invalid CSRF token".to_owned())).into_response()
    };
    if let Some(token) = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if constant_time_eq(token.as_bytes(), expected.as_bytes()) {
            Ok(request)
        } else {
            Err(refuse())
        };
    }
    let content_type = request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let is_upload = content_type.starts_with("multipart/form-data");
    if !is_form && !is_upload {
        return Err(refuse());
    }
    let (parts, body) = request.into_parts();
    let limit = if is_upload { crate::router::UPLOAD_LIMIT } else { crate::router::BODY_LIMIT };
    let bytes = to_bytes(body, limit)
        .await
        .map_err(|_| Problem::new(StatusCode::PAYLOAD_TOO_LARGE, None).into_response())?;
    let token = if is_form { form_urlencoded_value(&bytes, CSRF_FIELD) } else { multipart_csrf(&bytes) };
    let ok = token.is_some_and(|t| constant_time_eq(t.as_bytes(), expected.as_bytes()));
    if !ok {
        return Err(refuse());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The `_csrf` field of a multipart form (upload forms put it first): the value between the
/// part's blank line and the next line break.
fn multipart_csrf(body: &[u8]) -> Option<String> {
    let marker = b"name=\"_csrf\"";
    let at = body.windows(marker.len()).position(|w| w == marker)?;
    let rest = &body[at + marker.len()..];
    let start = rest.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let value = &rest[start..];
    let end = value.windows(2).position(|w| w == b"\r\n")?;
    String::from_utf8(value[..end].to_vec()).ok()
}

fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded_pairs(body).into_iter().find_map(|(k, v)| (k == name).then_some(v))
}

fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
}

/// What a route requires of the asker. Declared next to each route; enforced before the
/// handler; checked for every route and role by the authorisation matrix test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in page, probes, assets).
    Public,
    /// Someone signed in (any organisation).
    SignedIn,
    /// An installation administrator.
    Admin,
    /// A member of the organisation in the path (`{slug}`) with this permission.
    Org(Permission),
}

/// Route-level enforcement of an [`Access`] declaration.
pub async fn enforce(
    State((state, access)): State<(AppState, Access)>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let auth = Auth::from_request_parts(&mut parts, &()).await.unwrap_or_else(|never| match never {});
    let tr = crate::i18n::tr_for(&parts);
    let is_api = parts.uri.path().starts_with("/api/");
    let result = match access {
        Access::Public => Ok(()),
        Access::SignedIn => match auth.ctx.actor {
            Actor::Anonymous => Err(AppError::Unauthenticated),
            _ => Ok(()),
        },
        Access::Admin => {
            if matches!(auth.ctx.actor, Actor::Anonymous) {
                Err(AppError::Unauthenticated)
            } else if auth.ctx.is_admin() {
                Ok(())
            } else {
                Err(AppError::Forbidden)
            }
        }
        Access::Org(permission) => {
            let params = RawPathParams::from_request_parts(&mut parts, &()).await;
            let slug =
                params.ok().and_then(|p| p.iter().find(|(k, _)| *k == "slug").map(|(_, v)| v.to_owned()));
            match slug {
                Some(slug) => state.ward.authorize(&auth.ctx, &slug, permission).await.map(|_| ()),
                None => Err(AppError::NotFound("organisation")),
            }
        }
    };
    match result {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(AppError::Unauthenticated) if !is_api => {
            let next_path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let target = format!("/login?next={}", percent_encode(next_path));
            Redirect::to(&target).into_response()
        }
        Err(AppError::MfaRequired) if !is_api => Redirect::to("/account/mfa").into_response(),
        Err(e) => {
            if matches!(e, AppError::Forbidden) {
                tracing::warn!(security_event = "access_denied", request_id = %current_request_id(), path = %parts.uri.path(), "access denied");
            }
            error_response(is_api, tr, e)
        }
    }
}

fn error_response(is_api: bool, tr: Tr, e: AppError) -> Response {
    if is_api { ApiError(e).into_response() } else { PageError { tr, error: e }.into_response() }
}

pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Reads the session cookie value from request parts (for sign-out).
pub fn session_cookie(parts: &Parts) -> Option<&str> {
    cookie(parts, SESSION_COOKIE)
}

pub fn user_agent(parts: &Parts) -> Option<String> {
    parts.headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned)
}
