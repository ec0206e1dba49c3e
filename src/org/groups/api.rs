//! JSON API of groups.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};
use serde::Serialize;

use super::{
    db,
    domain::{Group, GroupCreate, GroupPatch, Member},
    form::GroupForm,
    pages::check_input,
};
use crate::{
    api::{ApiJson, ListResponse, expected_version},
    audit::HistoryEntry,
    auth::{
        actor::ApiActor,
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError, AppResult},
    state::AppState,
    web::{extract::ApiId, resource},
};

const KIND: ObjectKind = ObjectKind::Group;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GroupDetail {
    #[serde(flatten)]
    pub group: Group,
    pub members: Vec<Member>,
}

async fn detail(state: &AppState, actor: &ApiActor, id: uuid::Uuid) -> AppResult<GroupDetail> {
    let group = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    let mut conn = state.db.acquire().await?;
    Ok(GroupDetail { group, members: db::members(&mut conn, id).await? })
}

/// List groups
#[utoipa::path(get, path = "/api/v1/groups", tag = "groups",
    params(("q" = Option<String>, Query, description = "search in name"), ("entity_id" = Option<uuid::Uuid>, Query),
           ("member_id" = Option<uuid::Uuid>, Query), ("sort" = Option<String>, Query, description = "name, entity, members, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<Group>), (status = 400, body = crate::error::Problem)))]
pub async fn list_groups(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<Group>>> {
    resource::api_list::<Group>(&state, &actor, raw.as_deref()).await
}

/// One group with its members
#[utoipa::path(get, path = "/api/v1/groups/{id}", tag = "groups",
    responses((status = 200, body = GroupDetail), (status = 404, body = crate::error::Problem)))]
pub async fn find_group(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<GroupDetail>> {
    Ok(Json(detail(&state, &actor, id).await?))
}

/// Create a group
#[utoipa::path(post, path = "/api/v1/groups", tag = "groups", request_body = GroupCreate,
    responses((status = 201, body = GroupDetail), (status = 422, body = crate::error::Problem)))]
pub async fn create_group(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<GroupCreate>,
) -> ApiResult<(StatusCode, Json<GroupDetail>)> {
    let input = GroupForm::from(&body).parse().map_err(AppError::Validation)?;
    check_input(&state, &actor, &input, Some(&body.members), Action::Create).await?;
    let id = db::insert(&state.db, &actor.audit(), &input, &body.members).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &actor, id).await?)))
}

/// Change a group (absent fields keep their value; `members` replaces them)
#[utoipa::path(patch, path = "/api/v1/groups/{id}", tag = "groups", request_body = GroupPatch,
    responses((status = 200, body = GroupDetail), (status = 409, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_group(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<GroupPatch>,
) -> ApiResult<Json<GroupDetail>> {
    let current = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    let version = expected_version(&headers, body.version)?;
    let input = GroupForm::patched(&current, &body).parse().map_err(AppError::Validation)?;
    check_input(&state, &actor, &input, body.members.as_deref(), Action::Update).await?;
    db::update(&state.db, &actor.audit(), &current, version, &input, body.members.as_deref()).await?;
    Ok(Json(detail(&state, &actor, id).await?))
}

/// Delete a group
#[utoipa::path(delete, path = "/api/v1/groups/{id}", tag = "groups",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_group(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<Group>(&state, &actor, id, &headers).await
}

/// History of a group
#[utoipa::path(get, path = "/api/v1/groups/{id}/history", tag = "groups",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn group_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<Group>(&state, &actor, id).await
}
