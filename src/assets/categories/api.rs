//! JSON API of categories.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    db,
    domain::{AssetCategory, CategoryCreate, CategoryPatch},
    form::CategoryForm,
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

const KIND: ObjectKind = ObjectKind::AssetCategory;

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
    actor.scope(KIND, Action::View)?;
    Ok(Json(db::find(&state.db, id).await?))
}

/// Create a category
#[utoipa::path(post, path = "/api/v1/asset-categories", tag = "catalog", request_body = CategoryCreate,
    responses((status = 201, body = AssetCategory), (status = 422, body = crate::error::Problem)))]
pub async fn create_asset_category(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<CategoryCreate>,
) -> ApiResult<(StatusCode, Json<AssetCategory>)> {
    actor.scope(KIND, Action::Create)?;
    let input = CategoryForm::from(body).parse().map_err(AppError::Validation)?;
    let id = db::insert(&state.db, &actor.audit(), &input).await?;
    Ok((StatusCode::CREATED, Json(db::find(&state.db, id).await?)))
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
    actor.scope(KIND, Action::Update)?;
    let current = db::find(&state.db, id).await?;
    let version = expected_version(&headers, body.version)?;
    let input = CategoryForm::patched(&current, body).parse().map_err(AppError::Validation)?;
    db::update(&state.db, &actor.audit(), &current, version, &input).await?;
    Ok(Json(db::find(&state.db, id).await?))
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
