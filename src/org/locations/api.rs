//! JSON API of locations.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    db,
    domain::{Location, LocationCreate, LocationPatch},
    form::LocationForm,
    pages::check_input,
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

const KIND: ObjectKind = ObjectKind::Location;

/// List locations
#[utoipa::path(get, path = "/api/v1/locations", tag = "locations",
    params(("q" = Option<String>, Query, description = "search in name, city and address"),
           ("entity_id" = Option<uuid::Uuid>, Query), ("kind" = Option<String>, Query), ("parent_id" = Option<uuid::Uuid>, Query),
           ("sort" = Option<String>, Query, description = "name, kind, city, entity, parent, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<Location>), (status = 400, body = crate::error::Problem)))]
pub async fn list_locations(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<Location>>> {
    resource::api_list::<Location>(&state, &actor, raw.as_deref()).await
}

/// One location
#[utoipa::path(get, path = "/api/v1/locations/{id}", tag = "locations",
    responses((status = 200, body = Location), (status = 404, body = crate::error::Problem)))]
pub async fn find_location(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<Location>> {
    Ok(Json(db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?))
}

/// Create a location
#[utoipa::path(post, path = "/api/v1/locations", tag = "locations", request_body = LocationCreate,
    responses((status = 201, body = Location), (status = 422, body = crate::error::Problem)))]
pub async fn create_location(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<LocationCreate>,
) -> ApiResult<(StatusCode, Json<Location>)> {
    let input = LocationForm::from(body).parse().map_err(AppError::Validation)?;
    check_input(&state, &actor, None, &input, Action::Create).await?;
    let id = db::insert(&state.db, &actor.audit(), &input).await?;
    Ok((StatusCode::CREATED, Json(db::find(&state.db, &actor.scope(KIND, Action::Create)?, id).await?)))
}

/// Change a location (absent fields keep their value; `version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/locations/{id}", tag = "locations", request_body = LocationPatch,
    responses((status = 200, body = Location), (status = 409, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_location(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LocationPatch>,
) -> ApiResult<Json<Location>> {
    let scope = actor.scope(KIND, Action::Update)?;
    let current = db::find(&state.db, &scope, id).await?;
    let version = expected_version(&headers, body.version)?;
    let input = LocationForm::patched(&current, body).parse().map_err(AppError::Validation)?;
    check_input(&state, &actor, Some(id), &input, Action::Update).await?;
    db::update(&state.db, &actor.audit(), &current, version, &input).await?;
    Ok(Json(db::find(&state.db, &scope, id).await?))
}

/// Delete a location (refused while it is used)
#[utoipa::path(delete, path = "/api/v1/locations/{id}", tag = "locations",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_location(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<Location>(&state, &actor, id, &headers).await
}

/// History of a location
#[utoipa::path(get, path = "/api/v1/locations/{id}/history", tag = "locations",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn location_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<Location>(&state, &actor, id).await
}
