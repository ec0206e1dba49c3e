//! JSON API of assets.

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    db,
    domain::{Asset, AssetCreate, AssetPatch},
    form::AssetForm,
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

const KIND: ObjectKind = ObjectKind::Asset;

/// List assets (archived ones only with a search, a status or a status kind)
#[utoipa::path(get, path = "/api/v1/assets", tag = "assets",
    params(("q" = Option<String>, Query, description = "search in tag, name and serial"),
           ("status_id" = Option<uuid::Uuid>, Query), ("status_kind" = Option<String>, Query),
           ("category_id" = Option<uuid::Uuid>, Query), ("model_id" = Option<uuid::Uuid>, Query),
           ("entity_id" = Option<uuid::Uuid>, Query), ("location_id" = Option<uuid::Uuid>, Query),
           ("assigned_user_id" = Option<uuid::Uuid>, Query),
           ("sort" = Option<String>, Query, description = "tag, name, serial, model, status, location, assignee, purchase_date, warranty_end, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<Asset>), (status = 400, body = crate::error::Problem)))]
pub async fn list_assets(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<Asset>>> {
    resource::api_list::<Asset>(&state, &actor, raw.as_deref()).await
}

/// One asset
#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "assets",
    responses((status = 200, body = Asset), (status = 404, body = crate::error::Problem)))]
pub async fn find_asset(State(state): State<AppState>, actor: ApiActor, ApiId(id): ApiId) -> ApiResult<Json<Asset>> {
    Ok(Json(db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?))
}

/// The asset with this tag
#[utoipa::path(get, path = "/api/v1/assets/by-tag/{tag}", tag = "assets",
    responses((status = 200, body = Asset), (status = 404, body = crate::error::Problem)))]
pub async fn find_asset_by_tag(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(tag): Path<String>,
) -> ApiResult<Json<Asset>> {
    let scope = actor.scope(KIND, Action::View)?;
    let id = db::id_by_tag(&state.db, &tag).await?.ok_or(AppError::NotFound)?;
    Ok(Json(db::find(&state.db, &scope, id).await?))
}

/// Assets with this serial (unique per manufacturer)
#[utoipa::path(get, path = "/api/v1/assets/by-serial/{serial}", tag = "assets",
    responses((status = 200, body = Vec<Asset>)))]
pub async fn find_assets_by_serial(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(serial): Path<String>,
) -> ApiResult<Json<Vec<Asset>>> {
    let scope = actor.scope(KIND, Action::View)?;
    let mut found = Vec::new();
    for id in db::ids_by_serial(&state.db, &serial).await? {
        match db::find(&state.db, &scope, id).await {
            Ok(asset) => found.push(asset),
            Err(AppError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(Json(found))
}

/// Create an asset (the tag is allocated from the category's pattern unless given)
#[utoipa::path(post, path = "/api/v1/assets", tag = "assets", request_body = AssetCreate,
    responses((status = 201, body = Asset), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_asset(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<AssetCreate>,
) -> ApiResult<(StatusCode, Json<Asset>)> {
    let scope = actor.scope(KIND, Action::Create)?;
    let input = AssetForm::from(body).parse(true).map_err(AppError::Validation)?;
    super::check_input(&state, &actor, &input, Action::Create).await?;
    let id = db::insert(&state.db, &actor.audit(), &input).await?;
    Ok((StatusCode::CREATED, Json(db::find(&state.db, &scope, id).await?)))
}

/// Change an asset (absent fields keep their value; `version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/assets/{id}", tag = "assets", request_body = AssetPatch,
    responses((status = 200, body = Asset), (status = 409, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_asset(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AssetPatch>,
) -> ApiResult<Json<Asset>> {
    let scope = actor.scope(KIND, Action::Update)?;
    let current = db::find(&state.db, &scope, id).await?;
    let version = expected_version(&headers, body.version)?;
    let input = AssetForm::patched(&current, body).parse(false).map_err(AppError::Validation)?;
    super::check_input(&state, &actor, &input, Action::Update).await?;
    db::update(&state.db, &actor.audit(), &current, version, &input).await?;
    Ok(Json(db::find(&state.db, &scope, id).await?))
}

/// Delete an asset
#[utoipa::path(delete, path = "/api/v1/assets/{id}", tag = "assets",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_asset(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<Asset>(&state, &actor, id, &headers).await
}

/// History of an asset
#[utoipa::path(get, path = "/api/v1/assets/{id}/history", tag = "assets",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn asset_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<Asset>(&state, &actor, id).await
}

/// The assets the caller holds (any role)
#[utoipa::path(get, path = "/api/v1/me/assets", tag = "assets", responses((status = 200, body = Vec<Asset>)))]
pub async fn my_assets(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<Vec<Asset>>> {
    Ok(Json(db::held_by(&state.db, actor.id).await?))
}
