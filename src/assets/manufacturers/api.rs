//! JSON API of manufacturers.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    domain::{Manufacturer, ManufacturerCreate, ManufacturerPatch},
    form::ManufacturerForm,
};
use crate::{
    api::{ApiJson, ListResponse},
    audit::HistoryEntry,
    auth::actor::ApiActor,
    error::ApiResult,
    state::AppState,
    web::{extract::ApiId, resource},
};

/// List manufacturers
#[utoipa::path(get, path = "/api/v1/manufacturers", tag = "catalog",
    params(("q" = Option<String>, Query, description = "search in name"), ("sort" = Option<String>, Query, description = "name, models, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<Manufacturer>), (status = 400, body = crate::error::Problem)))]
pub async fn list_manufacturers(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<Manufacturer>>> {
    resource::api_list::<Manufacturer>(&state, &actor, raw.as_deref()).await
}

/// One manufacturer
#[utoipa::path(get, path = "/api/v1/manufacturers/{id}", tag = "catalog",
    responses((status = 200, body = Manufacturer), (status = 404, body = crate::error::Problem)))]
pub async fn find_manufacturer(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<Manufacturer>> {
    resource::api_find::<Manufacturer>(&state, &actor, ApiId(id)).await
}

/// Create a manufacturer
#[utoipa::path(post, path = "/api/v1/manufacturers", tag = "catalog", request_body = ManufacturerCreate,
    responses((status = 201, body = Manufacturer), (status = 422, body = crate::error::Problem)))]
pub async fn create_manufacturer(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<ManufacturerCreate>,
) -> ApiResult<(StatusCode, Json<Manufacturer>)> {
    resource::api_create::<Manufacturer>(&state, &actor, ManufacturerForm::from(body)).await
}

/// Change a manufacturer (absent fields keep their value; `version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/manufacturers/{id}", tag = "catalog", request_body = ManufacturerPatch,
    responses((status = 200, body = Manufacturer), (status = 409, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_manufacturer(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ManufacturerPatch>,
) -> ApiResult<Json<Manufacturer>> {
    resource::api_update::<Manufacturer>(&state, &actor, ApiId(id), &headers, body.version, |current| {
        ManufacturerForm::patched(current, body)
    })
    .await
}

/// Delete a manufacturer (refused while models use it)
#[utoipa::path(delete, path = "/api/v1/manufacturers/{id}", tag = "catalog",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_manufacturer(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<Manufacturer>(&state, &actor, id, &headers).await
}

/// History of a manufacturer
#[utoipa::path(get, path = "/api/v1/manufacturers/{id}/history", tag = "catalog",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn manufacturer_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<Manufacturer>(&state, &actor, id).await
}
