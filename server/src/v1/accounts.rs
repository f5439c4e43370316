//! `/api/v1/me` and `/api/v1/accounts`: who a token acts as, and (admins' tokens) the accounts —
//! read, and made with a one-time password as the admin console makes them
//! (`app::server::accounts`), audited the same way.

use super::{answer, time, ErrorBody, Token};
use app::audit::Action;
use app::dto::{self, NewAccount};
use app::error::AppError;
use app::roles::Role;
use app::server::access::Policy;
use app::server::accounts;
use app::tokens::Scope;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<app::server::AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list, create))
}

/// The token's account and what the token may do.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub scopes: Vec<Scope>,
}

/// Who am I
///
/// The account the token acts as, and the token's scopes. Any scope.
#[utoipa::path(operation_id = "me", get, path = "/me", tag = "accounts", security(("token" = [])),
    responses((status = 200, description = "Done", body = Me), (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn me(Extension(api): Token) -> Result<Json<Me>, AppError> {
    let user = &api.caller.session()?.user;
    Ok(Json(Me {
        id: user.id,
        username: user.username.clone(),
        full_name: user.full_name.clone(),
        role: user.role()?,
        scopes: api.grant.scopes.clone(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub disabled: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<dto::Account> for Account {
    fn from(a: dto::Account) -> Self {
        Account {
            id: a.id,
            username: a.username,
            full_name: a.full_name,
            email: a.email,
            role: a.role,
            disabled: a.disabled,
            created_at: time(a.created_at),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// Only accounts of this role.
    pub role: Option<Role>,
}

/// List accounts
///
/// Every account, or those of one role. An admin's token with scope `accounts:read`.
#[utoipa::path(operation_id = "list_accounts", get, path = "/accounts", tag = "accounts", params(AccountQuery),
    security(("token" = [])),
    responses((status = 200, description = "Done", body = Vec<Account>), (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn list(
    Extension(api): Token,
    Query(q): Query<AccountQuery>,
) -> Result<Json<Vec<Account>>, AppError> {
    api.admit(Scope::AccountsRead, Policy::Role(Role::Admin))?;
    let all = accounts::overview(&api.caller.state).await?;
    Ok(Json(
        all.accounts
            .into_iter()
            .filter(|a| q.role.is_none_or(|r| r == a.role))
            .map(Account::from)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewAccountBody {
    /// The username is made from it, as in the admin console.
    pub full_name: String,
    pub email: Option<String>,
    pub role: Role,
}

/// A new account and its one-time password, which must be replaced at the first sign-in.
#[derive(Serialize, ToSchema)]
pub struct CreatedAccount {
    pub account: Account,
    pub one_time_password: String,
    #[schema(format = DateTime)]
    pub one_time_password_expires_at: String,
}

/// Create an account
///
/// A client, operator or admin account with a one-time password, within the edition's limits.
/// An admin's token with scope `accounts:manage`; audited as the admin console's is.
#[utoipa::path(operation_id = "create_account", post, path = "/accounts", tag = "accounts", request_body = NewAccountBody,
    security(("token" = [])),
    responses((status = 201, description = "Made", body = CreatedAccount), (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn create(
    Extension(api): Token,
    Json(body): Json<NewAccountBody>,
) -> Result<Response, AppError> {
    api.admit(Scope::AccountsManage, Policy::Role(Role::Admin))?;
    let input = NewAccount {
        full_name: body.full_name,
        email: body.email,
        role: body.role,
    };
    let issued = accounts::create(&api.caller.state, &input).await?;
    let detail = format!("{} ({})", issued.account.username, input.role.as_str());
    api.caller
        .audit(Action::AccountCreated, Some(issued.account.id), &detail)
        .await?;
    Ok(answer(
        StatusCode::CREATED,
        CreatedAccount {
            account: issued.account.into(),
            one_time_password: issued.one_time_password,
            one_time_password_expires_at: time(issued.expires_at),
        },
    ))
}
