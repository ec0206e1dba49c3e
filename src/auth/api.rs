//! API authentication: token login, the caller's identity, their tokens.

use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    actor::ApiActor,
    db::{self, TokenInfo},
    middleware::ClientAddr,
    pages::{LoginRefusal, check_credentials},
    permission::Role,
};
use crate::{
    api::ApiJson,
    error::{ApiResult, AppError},
    state::AppState,
    web::extract::ApiId,
};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`. Shown once.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Exchange a login and password for an API token
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest, security(()),
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    match check_credentials(&state, &body.login, &body.password, address).await? {
        Ok(user_id) => {
            let expires_at = Utc::now() + chrono::Duration::days(i64::from(state.config.token_days));
            let (token, _) = db::create_token(&state.db, user_id, "login", Some(expires_at)).await?;
            Ok(Json(LoginResponse { token, expires_at }))
        }
        Err(LoginRefusal::Wrong) => Err(AppError::Unauthenticated.into()),
        Err(LoginRefusal::Throttled(retry_after_secs)) => Err(AppError::TooManyRequests { retry_after_secs }.into()),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GrantView {
    pub role: Role,
    pub entity_id: Uuid,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub login: String,
    pub name: String,
    pub language: crate::web::i18n::Lang,
    pub time_zone: String,
    pub roles: Vec<GrantView>,
}

/// The caller
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = Me), (status = 401, body = crate::error::Problem)))]
pub async fn me(actor: ApiActor) -> Json<Me> {
    Json(Me {
        id: actor.id,
        login: actor.login.clone(),
        name: actor.name.clone(),
        language: actor.lang,
        time_zone: actor.time_zone.name().to_owned(),
        roles: actor.grants.iter().map(|g| GrantView { role: g.role, entity_id: g.entity_id }).collect(),
    })
}

/// The caller's API tokens
#[utoipa::path(get, path = "/api/v1/tokens", tag = "auth", responses((status = 200, body = Vec<TokenInfo>)))]
pub async fn list_tokens(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<Vec<TokenInfo>>> {
    Ok(Json(db::list_tokens(&state.db, actor.id).await?))
}

/// Revoke one of the caller's tokens
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "auth", responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn revoke_token(State(state): State<AppState>, actor: ApiActor, ApiId(id): ApiId) -> ApiResult<StatusCode> {
    if db::revoke_token(&state.db, actor.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound.into())
    }
}
