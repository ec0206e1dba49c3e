//! JSON API of manufacturers.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    db,
    domain::{Manufacturer, ManufacturerCreate, ManufacturerPatch},
    form::ManufacturerForm,
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

const KIND: ObjectKind = ObjectKind::Manufacturer;

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
    actor.scope(KIND, Action::View)?;
    Ok(Json(db::find(&state.db, id).await?))
}

/// Create a manufacturer
#[utoipa::path(post, path = "/api/v1/manufacturers", tag = "catalog", request_body = ManufacturerCreate,
    responses((status = 201, body = Manufacturer), (status = 422, body = crate::error::Problem)))]
pub async fn create_manufacturer(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<ManufacturerCreate>,
) -> ApiResult<(StatusCode, Json<Manufacturer>)> {
    actor.scope(KIND, Action::Create)?;
    let input = ManufacturerForm::from(body).parse().map_err(AppError::Validation)?;
    let id = db::insert(&state.db, &actor.audit(), &input).await?;
    Ok((StatusCode::CREATED, Json(db::find(&state.db, id).await?)))
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
    actor.scope(KIND, Action::Update)?;
    let current = db::find(&state.db, id).await?;
    let version = expected_version(&headers, body.version)?;
    let input = ManufacturerForm::patched(&current, body).parse().map_err(AppError::Validation)?;
    db::update(&state.db, &actor.audit(), &current, version, &input).await?;
    Ok(Json(db::find(&state.db, id).await?))
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
