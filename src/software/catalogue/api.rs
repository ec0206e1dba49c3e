//! JSON API of the software catalogue and of manual installations.

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    db,
    domain::{Installation, ManualInstallation, Software, SoftwareCreate, SoftwarePatch, VersionCount},
    form::SoftwareForm,
};
use crate::{
    api::{ApiJson, ListResponse},
    assets::register::db as assets_db,
    audit::HistoryEntry,
    auth::{
        actor::ApiActor,
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError},
    state::AppState,
    web::{
        extract::{ApiId, parse_query},
        list::Cursor,
        resource,
    },
};

/// List software
#[utoipa::path(get, path = "/api/v1/software", tag = "software",
    params(("q" = Option<String>, Query, description = "search in name and publisher"),
           ("category_id" = Option<Uuid>, Query, description = "a software category, with those below it"),
           ("forbidden" = Option<bool>, Query),
           ("installed" = Option<bool>, Query, description = "carried by an asset of your entities"),
           ("sort" = Option<String>, Query, description = "name, publisher, category, installs, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<Software>), (status = 400, body = crate::error::Problem)))]
pub async fn list_software(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<Software>>> {
    resource::api_list::<Software>(&state, &actor, raw.as_deref()).await
}

/// One software
#[utoipa::path(get, path = "/api/v1/software/{id}", tag = "software",
    responses((status = 200, body = Software), (status = 404, body = crate::error::Problem)))]
pub async fn find_software(State(state): State<AppState>, actor: ApiActor, id: ApiId) -> ApiResult<Json<Software>> {
    resource::api_find::<Software>(&state, &actor, id).await
}

/// Add a software to the catalogue
#[utoipa::path(post, path = "/api/v1/software", tag = "software", request_body = SoftwareCreate,
    responses((status = 201, body = Software), (status = 422, body = crate::error::Problem)))]
pub async fn create_software(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<SoftwareCreate>,
) -> ApiResult<(StatusCode, Json<Software>)> {
    resource::api_create::<Software>(&state, &actor, SoftwareForm::from(body)).await
}

/// Change a software: category, forbidden flag, notes... (`version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/software/{id}", tag = "software", request_body = SoftwarePatch,
    responses((status = 200, body = Software), (status = 409, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_software(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SoftwarePatch>,
) -> ApiResult<Json<Software>> {
    resource::api_update::<Software>(&state, &actor, id, &headers, body.version, |current| {
        SoftwareForm::patched(current, body)
    })
    .await
}

/// Delete a software (refused while installed or licensed)
#[utoipa::path(delete, path = "/api/v1/software/{id}", tag = "software",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_software(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<Software>(&state, &actor, id, &headers).await
}

/// History of a software
#[utoipa::path(get, path = "/api/v1/software/{id}/history", tag = "software",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn software_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<Software>(&state, &actor, id).await
}

/// Versions of a software with the assets of your entities carrying each
#[utoipa::path(get, path = "/api/v1/software/{id}/versions", tag = "software",
    responses((status = 200, body = Vec<VersionCount>), (status = 404, body = crate::error::Problem)))]
pub async fn software_versions(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<Vec<VersionCount>>> {
    let scope = actor.scope(ObjectKind::Software, Action::View)?;
    db::find(&state.db, &scope, id).await?;
    Ok(Json(db::versions(&state.db, &scope, id).await?))
}

#[derive(Debug, Default, Deserialize)]
struct PageParams {
    page: Option<u32>,
    per_page: Option<u32>,
    after: Option<String>,
}

/// Installations of a software on the assets of your entities
#[utoipa::path(get, path = "/api/v1/software/{id}/installations", tag = "software",
    params(("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query, description = "at most 200"),
           ("after" = Option<String>, Query, description = "a next_cursor")),
    responses((status = 200, body = ListResponse<Installation>), (status = 404, body = crate::error::Problem)))]
pub async fn software_installations(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<Installation>>> {
    let scope = actor.scope(ObjectKind::Software, Action::View)?;
    let params: PageParams = parse_query(raw.as_deref())?;
    let page = params.page.unwrap_or(1).clamp(1, 1_000_000);
    let per_page = params.per_page.unwrap_or(50).clamp(1, 200);
    let offset = match params.after.as_deref().filter(|a| !a.is_empty()) {
        Some(_) if page > 1 => return Err(AppError::BadRequest("give either after or page, not both".into()).into()),
        Some(after) => Cursor::offset_in(after)?,
        None => i64::from(page - 1) * i64::from(per_page),
    };
    db::find(&state.db, &scope, id).await?;
    let (items, total) = db::installations(&state.db, &scope, id, i64::from(per_page), offset).await?;
    let next = offset.saturating_add(i64::from(per_page));
    let next_cursor = (next < total).then(|| Cursor::Offset(next).encode());
    Ok(Json(ListResponse { items, total, total_exact: true, page, per_page, next_cursor }))
}

/// Record a manual installation on an asset
#[utoipa::path(post, path = "/api/v1/assets/{id}/software", tag = "software", request_body = ManualInstallation,
    responses((status = 201), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn add_manual_installation(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(asset): ApiId,
    ApiJson(body): ApiJson<ManualInstallation>,
) -> ApiResult<StatusCode> {
    let scope = actor.scope(ObjectKind::Asset, Action::Update)?;
    let entity = assets_db::find(&state.db, &scope, asset).await?.entity_id;
    let software = db::find(&state.db, &actor.scope(ObjectKind::Software, Action::View)?, body.software_id)
        .await
        .map_err(|_| AppError::field("software_id", "field-invalid-choice"))?;
    if body.version.chars().count() > 100 {
        return Err(AppError::field("version", "field-too-long").into());
    }
    db::add_manual(&state.db, &actor.audit(), (asset, entity), &software, body.version.trim(), body.install_date)
        .await?;
    Ok(StatusCode::CREATED)
}

/// Remove a manual installation from an asset
#[utoipa::path(delete, path = "/api/v1/assets/{id}/software/{version_id}", tag = "software",
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn remove_manual_installation(
    State(state): State<AppState>,
    actor: ApiActor,
    Path((asset, version_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    let scope = actor.scope(ObjectKind::Asset, Action::Update)?;
    let entity = assets_db::find(&state.db, &scope, asset).await?.entity_id;
    db::remove_manual(&state.db, &actor.audit(), (asset, entity), version_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
