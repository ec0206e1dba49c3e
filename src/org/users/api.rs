//! JSON API of people.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};
use serde::Serialize;

use super::{
    access::{check_grants, check_target},
    db::{self, UserUpdateExtras},
    domain::{RoleGrantView, User, UserCreate, UserPatch},
    form::UserForm,
    pages::check_input,
};
use crate::{
    api::{ApiJson, ListResponse, expected_version},
    audit::HistoryEntry,
    auth::{
        actor::ApiActor,
        password,
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError, AppResult},
    state::AppState,
    web::{extract::ApiId, resource},
};

const KIND: ObjectKind = ObjectKind::User;

/// A person with their roles on each entity.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserDetail {
    #[serde(flatten)]
    pub user: User,
    pub grants: Vec<RoleGrantView>,
}

async fn detail(state: &AppState, actor: &ApiActor, id: uuid::Uuid) -> AppResult<UserDetail> {
    let user = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    let mut conn = state.db.acquire().await?;
    let grants = db::grants_of(&mut conn, id).await?;
    Ok(UserDetail { user, grants })
}

/// List people
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    params(("q" = Option<String>, Query, description = "search in login, name and e-mail"),
           ("entity_id" = Option<uuid::Uuid>, Query), ("role" = Option<String>, Query), ("active" = Option<bool>, Query),
           ("sort" = Option<String>, Query, description = "name, login, email, entity, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<User>), (status = 400, body = crate::error::Problem)))]
pub async fn list_users(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<User>>> {
    resource::api_list::<User>(&state, &actor, raw.as_deref()).await
}

/// One person
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    responses((status = 200, body = UserDetail), (status = 404, body = crate::error::Problem)))]
pub async fn find_user(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<UserDetail>> {
    Ok(Json(detail(&state, &actor, id).await?))
}

async fn optional_hash(given: Option<String>) -> AppResult<Option<String>> {
    match given {
        None => Ok(None),
        Some(given) => {
            password::check_policy(&given, "password").map_err(AppError::Validation)?;
            Ok(Some(password::hash(given).await?))
        }
    }
}

/// Create a person
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserCreate,
    responses((status = 201, body = UserDetail), (status = 422, body = crate::error::Problem)))]
pub async fn create_user(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<UserCreate>,
) -> ApiResult<(StatusCode, Json<UserDetail>)> {
    let input = UserForm::from(&body).parse().map_err(AppError::Validation)?;
    check_input(&state, &actor, &input, Action::Create).await?;
    check_grants(&actor, &body.roles, Action::Create).map_err(AppError::Validation)?;
    let hash = optional_hash(body.password).await?;
    let id = db::insert(&state.db, &actor.audit(), &input, hash.as_deref(), &body.roles).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &actor, id).await?)))
}

/// Change a person (absent fields keep their value; `version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserPatch,
    responses((status = 200, body = UserDetail), (status = 403, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_user(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UserPatch>,
) -> ApiResult<Json<UserDetail>> {
    let scope = actor.scope(KIND, Action::Update)?;
    let current = db::find(&state.db, &scope, id).await?;
    let mut conn = state.db.acquire().await?;
    check_target(&actor, &db::grants_of(&mut conn, id).await?)?;
    drop(conn);
    let version = expected_version(&headers, body.version)?;
    let input = UserForm::patched(&current, &body).parse().map_err(AppError::Validation)?;
    if id == actor.id && !input.active {
        return Err(AppError::field("active", "cannot-disable-self").into());
    }
    check_input(&state, &actor, &input, Action::Update).await?;
    if let Some(grants) = &body.roles {
        check_grants(&actor, grants, Action::Update).map_err(AppError::Validation)?;
    }
    let hash = optional_hash(body.password.clone()).await?;
    let extras = UserUpdateExtras { grants: body.roles.as_deref(), password_hash: hash.as_deref() };
    db::update(&state.db, &actor.audit(), &current, version, &input, extras).await?;
    Ok(Json(detail(&state, &actor, id).await?))
}

/// Delete a person (refused while they manage others)
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_user(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<User>(&state, &actor, id, &headers).await
}

/// History of a person
#[utoipa::path(get, path = "/api/v1/users/{id}/history", tag = "users",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn user_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<User>(&state, &actor, id).await
}
