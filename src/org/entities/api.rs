//! JSON API of entities.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    db,
    domain::{Entity, EntityCreate, EntityPatch},
    form::EntityForm,
    pages,
};
use crate::{
    api::{ApiJson, ListResponse, expected_version},
    audit::HistoryEntry,
    auth::{
        actor::ApiActor,
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError},
    state::AppState,
    web::{extract::ApiId, resource},
};

const KIND: ObjectKind = ObjectKind::Entity;

/// List entities
#[utoipa::path(get, path = "/api/v1/entities", tag = "entities",
    params(("q" = Option<String>, Query, description = "search in name and country"),
           ("kind" = Option<String>, Query), ("parent_id" = Option<uuid::Uuid>, Query),
           ("sort" = Option<String>, Query, description = "name, kind, country, parent, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<Entity>), (status = 400, body = crate::error::Problem)))]
pub async fn list_entities(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<Entity>>> {
    resource::api_list::<Entity>(&state, &actor, raw.as_deref()).await
}

/// One entity
#[utoipa::path(get, path = "/api/v1/entities/{id}", tag = "entities",
    responses((status = 200, body = Entity), (status = 404, body = crate::error::Problem)))]
pub async fn find_entity(State(state): State<AppState>, actor: ApiActor, ApiId(id): ApiId) -> ApiResult<Json<Entity>> {
    let scope = actor.scope(KIND, Action::View)?;
    Ok(Json(db::find(&state.db, &scope, id).await?))
}

/// Create an entity
#[utoipa::path(post, path = "/api/v1/entities", tag = "entities", request_body = EntityCreate,
    responses((status = 201, body = Entity), (status = 422, body = crate::error::Problem)))]
pub async fn create_entity(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<EntityCreate>,
) -> ApiResult<(StatusCode, Json<Entity>)> {
    let scope = actor.scope(KIND, Action::Create)?;
    let input = EntityForm::from(body).parse().map_err(AppError::Validation)?;
    pages::check_parent(&state, &scope, input.parent_id).await?;
    let entity = db::insert(&state.db, &actor.audit(), &input).await?;
    Ok((StatusCode::CREATED, Json(entity)))
}

/// Change an entity (absent fields keep their value; `version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/entities/{id}", tag = "entities", request_body = EntityPatch,
    responses((status = 200, body = Entity), (status = 409, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_entity(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<EntityPatch>,
) -> ApiResult<Json<Entity>> {
    let scope = actor.scope(KIND, Action::Update)?;
    let current = db::find(&state.db, &scope, id).await?;
    let version = expected_version(&headers, body.version)?;
    let input = EntityForm::patched(&current, body).parse().map_err(AppError::Validation)?;
    if input.parent_id != current.parent_id {
        pages::check_parent(&state, &scope, input.parent_id).await?;
    }
    db::update(&state.db, &actor.audit(), &current, version, &input).await?;
    Ok(Json(db::find(&state.db, &scope, id).await?))
}

/// Delete an entity (refused while it is used)
#[utoipa::path(delete, path = "/api/v1/entities/{id}", tag = "entities",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_entity(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<Entity>(&state, &actor, id, &headers).await
}

/// History of an entity
#[utoipa::path(get, path = "/api/v1/entities/{id}/history", tag = "entities",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn entity_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<Entity>(&state, &actor, id).await
}
