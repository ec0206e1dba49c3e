//! JSON API of categories.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    domain::{AssetCategory, CategoryCreate, CategoryPatch},
    form::CategoryForm,
};
use crate::{
    api::{ApiJson, ListResponse},
    audit::HistoryEntry,
    auth::actor::ApiActor,
    error::ApiResult,
    state::AppState,
    web::{extract::ApiId, resource},
};

/// List categories
#[utoipa::path(get, path = "/api/v1/asset-categories", tag = "catalog",
    params(("q" = Option<String>, Query, description = "search in name"), ("sort" = Option<String>, Query, description = "name, models, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<AssetCategory>), (status = 400, body = crate::error::Problem)))]
pub async fn list_asset_categories(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<AssetCategory>>> {
    resource::api_list::<AssetCategory>(&state, &actor, raw.as_deref()).await
}

/// One category
#[utoipa::path(get, path = "/api/v1/asset-categories/{id}", tag = "catalog",
    responses((status = 200, body = AssetCategory), (status = 404, body = crate::error::Problem)))]
pub async fn find_asset_category(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<AssetCategory>> {
    resource::api_find::<AssetCategory>(&state, &actor, ApiId(id)).await
}

/// Create a category
#[utoipa::path(post, path = "/api/v1/asset-categories", tag = "catalog", request_body = CategoryCreate,
    responses((status = 201, body = AssetCategory), (status = 422, body = crate::error::Problem)))]
pub async fn create_asset_category(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<CategoryCreate>,
) -> ApiResult<(StatusCode, Json<AssetCategory>)> {
    resource::api_create::<AssetCategory>(&state, &actor, CategoryForm::from(body)).await
}

/// Change a category (absent fields keep their value; `version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/asset-categories/{id}", tag = "catalog", request_body = CategoryPatch,
    responses((status = 200, body = AssetCategory), (status = 409, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_asset_category(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CategoryPatch>,
) -> ApiResult<Json<AssetCategory>> {
    resource::api_update::<AssetCategory>(&state, &actor, ApiId(id), &headers, body.version, |current| {
        CategoryForm::patched(current, body)
    })
    .await
}

/// Delete a category (refused while models use it)
#[utoipa::path(delete, path = "/api/v1/asset-categories/{id}", tag = "catalog",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_asset_category(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<AssetCategory>(&state, &actor, id, &headers).await
}

/// History of a category
#[utoipa::path(get, path = "/api/v1/asset-categories/{id}/history", tag = "catalog",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn asset_category_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<AssetCategory>(&state, &actor, id).await
}
