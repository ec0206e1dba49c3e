//! JSON API of asset statuses.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    domain::{AssetStatus, StatusCreate, StatusPatch},
    form::StatusForm,
};
use crate::{
    api::{ApiJson, ListResponse},
    audit::HistoryEntry,
    auth::actor::ApiActor,
    error::ApiResult,
    state::AppState,
    web::{extract::ApiId, resource},
};

/// List asset statuses
#[utoipa::path(get, path = "/api/v1/asset-statuses", tag = "catalog",
    params(("q" = Option<String>, Query, description = "search in name"), ("kind" = Option<String>, Query),
           ("sort" = Option<String>, Query, description = "name, kind, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<AssetStatus>), (status = 400, body = crate::error::Problem)))]
pub async fn list_asset_statuses(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<AssetStatus>>> {
    resource::api_list::<AssetStatus>(&state, &actor, raw.as_deref()).await
}

/// One asset status
#[utoipa::path(get, path = "/api/v1/asset-statuses/{id}", tag = "catalog",
    responses((status = 200, body = AssetStatus), (status = 404, body = crate::error::Problem)))]
pub async fn find_asset_status(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<AssetStatus>> {
    resource::api_find::<AssetStatus>(&state, &actor, ApiId(id)).await
}

/// Create an asset status
#[utoipa::path(post, path = "/api/v1/asset-statuses", tag = "catalog", request_body = StatusCreate,
    responses((status = 201, body = AssetStatus), (status = 422, body = crate::error::Problem)))]
pub async fn create_asset_status(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<StatusCreate>,
) -> ApiResult<(StatusCode, Json<AssetStatus>)> {
    resource::api_create::<AssetStatus>(&state, &actor, StatusForm::from(body)).await
}

/// Change an asset status (absent fields keep their value; `version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/asset-statuses/{id}", tag = "catalog", request_body = StatusPatch,
    responses((status = 200, body = AssetStatus), (status = 409, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_asset_status(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StatusPatch>,
) -> ApiResult<Json<AssetStatus>> {
    resource::api_update::<AssetStatus>(&state, &actor, ApiId(id), &headers, body.version, |current| {
        StatusForm::patched(current, body)
    })
    .await
}

/// Delete an asset status (refused while assets use it)
#[utoipa::path(delete, path = "/api/v1/asset-statuses/{id}", tag = "catalog",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_asset_status(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<AssetStatus>(&state, &actor, id, &headers).await
}

/// History of an asset status
#[utoipa::path(get, path = "/api/v1/asset-statuses/{id}/history", tag = "catalog",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn asset_status_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<AssetStatus>(&state, &actor, id).await
}
