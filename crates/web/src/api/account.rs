use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use ward_app::NewAccount;

use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// An account.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub email: String,
    pub name: String,
    pub admin: bool,
    pub disabled: bool,
    pub mfa: bool,
    /// Signs in through single sign-on.
    pub sso: bool,
}

impl From<&ward_domain::User> for AccountView {
    fn from(u: &ward_domain::User) -> Self {
        AccountView {
            email: u.email.to_string(),
            name: u.display_name.clone(),
            admin: u.is_admin,
            disabled: u.disabled,
            mfa: u.totp_enabled,
            sso: u.sso,
        }
    }
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AccountInput {
    #[schema(example = "lotte.janssens@az-voorbeeldstad.example")]
    pub email: String,
    pub name: Option<String>,
    #[serde(default)]
    pub admin: bool,
}

/// The created account and its one-time password (shown once).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedAccountView {
    pub account: AccountView,
    pub one_time_password: Option<String>,
}

/// List the installation's accounts (administrators).
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", operation_id = "list_accounts",
    responses((status = 200, body = Vec<AccountView>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<AccountView>>, ApiError> {
    Ok(Json(state.ward.users(&auth.ctx).await?.iter().map(AccountView::from).collect()))
}

/// Create an account with a one-time password (administrators).
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", operation_id = "create_account",
    request_body = AccountInput,
    responses((status = 201, body = CreatedAccountView), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Json(input): Json<AccountInput>,
) -> Result<(StatusCode, Json<CreatedAccountView>), ApiError> {
    let created = state
        .ward
        .create_account(
            &auth.ctx,
            &NewAccount { email: input.email, display_name: input.name, password: None, admin: input.admin },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedAccountView {
            account: AccountView::from(&created.user),
            one_time_password: created.generated_password,
        }),
    ))
}
