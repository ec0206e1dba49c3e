//! JSON API of asset models.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    domain::{AssetModel, ModelCreate, ModelPatch},
    form::ModelForm,
};
use crate::{
    api::{ApiJson, ListResponse},
    audit::HistoryEntry,
    auth::actor::ApiActor,
    error::ApiResult,
    state::AppState,
    web::{extract::ApiId, resource},
};

/// List asset models
#[utoipa::path(get, path = "/api/v1/asset-models", tag = "catalog",
    params(("q" = Option<String>, Query, description = "search in name and part number"),
           ("category_id" = Option<uuid::Uuid>, Query), ("manufacturer_id" = Option<uuid::Uuid>, Query),
           ("sort" = Option<String>, Query, description = "name, category, manufacturer, end_of_life, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<AssetModel>), (status = 400, body = crate::error::Problem)))]
pub async fn list_asset_models(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<AssetModel>>> {
    resource::api_list::<AssetModel>(&state, &actor, raw.as_deref()).await
}

/// One asset model
#[utoipa::path(get, path = "/api/v1/asset-models/{id}", tag = "catalog",
    responses((status = 200, body = AssetModel), (status = 404, body = crate::error::Problem)))]
pub async fn find_asset_model(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<AssetModel>> {
    resource::api_find::<AssetModel>(&state, &actor, ApiId(id)).await
}

/// Create an asset model
#[utoipa::path(post, path = "/api/v1/asset-models", tag = "catalog", request_body = ModelCreate,
    responses((status = 201, body = AssetModel), (status = 422, body = crate::error::Problem)))]
pub async fn create_asset_model(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<ModelCreate>,
) -> ApiResult<(StatusCode, Json<AssetModel>)> {
    resource::api_create::<AssetModel>(&state, &actor, ModelForm::from(body)).await
}

/// Change an asset model (absent fields keep their value; `version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/asset-models/{id}", tag = "catalog", request_body = ModelPatch,
    responses((status = 200, body = AssetModel), (status = 409, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_asset_model(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ModelPatch>,
) -> ApiResult<Json<AssetModel>> {
    resource::api_update::<AssetModel>(&state, &actor, ApiId(id), &headers, body.version, |current| {
        ModelForm::patched(current, body)
    })
    .await
}

/// Delete an asset model (refused while assets use it)
#[utoipa::path(delete, path = "/api/v1/asset-models/{id}", tag = "catalog",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_asset_model(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<AssetModel>(&state, &actor, id, &headers).await
}

/// History of an asset model
#[utoipa::path(get, path = "/api/v1/asset-models/{id}/history", tag = "catalog",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn asset_model_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<AssetModel>(&state, &actor, id).await
}
