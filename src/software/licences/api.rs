//! JSON API of licences and their seats. Every licence answered goes
//! through `for_viewer`, so the key is masked for whoever may not change it.

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
};
use uuid::Uuid;

use super::{
    KIND, db,
    domain::{Licence, LicenceCreate, LicencePatch, Seat, SeatRequest, SeatTarget},
    for_viewer,
    form::LicenceForm,
    give_seat,
};
use crate::{
    api::{ApiJson, ListResponse},
    audit::HistoryEntry,
    auth::{actor::ApiActor, permission::Action},
    error::{ApiResult, AppError},
    state::AppState,
    web::{extract::ApiId, resource},
};

/// List licences
#[utoipa::path(get, path = "/api/v1/licences", tag = "software",
    params(("q" = Option<String>, Query, description = "search in name, software, supplier, order and invoice numbers"),
           ("software_id" = Option<Uuid>, Query), ("entity_id" = Option<Uuid>, Query),
           ("kind" = Option<String>, Query, description = "per_device, per_user, per_core, concurrent, site, subscription"),
           ("validity" = Option<String>, Query, description = "expired, expiring (within 30 days), valid"),
           ("sort" = Option<String>, Query, description = "name, software, kind, entity, seats, used, expires, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<Licence>), (status = 400, body = crate::error::Problem)))]
pub async fn list_licences(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<Licence>>> {
    let Json(mut list) = resource::api_list::<Licence>(&state, &actor, raw.as_deref()).await?;
    list.items = list.items.into_iter().map(|l| for_viewer(l, &actor)).collect();
    Ok(Json(list))
}

/// One licence (the key in clear only for those who may change it)
#[utoipa::path(get, path = "/api/v1/licences/{id}", tag = "software",
    responses((status = 200, body = Licence), (status = 404, body = crate::error::Problem)))]
pub async fn find_licence(State(state): State<AppState>, actor: ApiActor, id: ApiId) -> ApiResult<Json<Licence>> {
    let Json(licence) = resource::api_find::<Licence>(&state, &actor, id).await?;
    Ok(Json(for_viewer(licence, &actor)))
}

/// Create a licence
#[utoipa::path(post, path = "/api/v1/licences", tag = "software", request_body = LicenceCreate,
    responses((status = 201, body = Licence), (status = 422, body = crate::error::Problem)))]
pub async fn create_licence(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<LicenceCreate>,
) -> ApiResult<(StatusCode, Json<Licence>)> {
    let (status, Json(licence)) = resource::api_create::<Licence>(&state, &actor, LicenceForm::from(body)).await?;
    Ok((status, Json(for_viewer(licence, &actor))))
}

/// Change a licence (absent fields keep their value, null clears; `version` or If-Match required).
/// Seats below those given are refused on `seats`.
#[utoipa::path(patch, path = "/api/v1/licences/{id}", tag = "software", request_body = LicencePatch,
    responses((status = 200, body = Licence), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_licence(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LicencePatch>,
) -> ApiResult<Json<Licence>> {
    let Json(licence) = resource::api_update::<Licence>(&state, &actor, id, &headers, body.version, |current| {
        LicenceForm::patched(current, body)
    })
    .await?;
    Ok(Json(for_viewer(licence, &actor)))
}

/// Delete a licence (refused while seats are given)
#[utoipa::path(delete, path = "/api/v1/licences/{id}", tag = "software",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_licence(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<Licence>(&state, &actor, id, &headers).await
}

/// History of a licence (a changed key is recorded without its value)
#[utoipa::path(get, path = "/api/v1/licences/{id}/history", tag = "software",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn licence_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<Licence>(&state, &actor, id).await
}

/// Seats of a licence
#[utoipa::path(get, path = "/api/v1/licences/{id}/seats", tag = "software",
    responses((status = 200, body = Vec<Seat>), (status = 404, body = crate::error::Problem)))]
pub async fn list_seats(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<Vec<Seat>>> {
    let licence = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    Ok(Json(db::seats(&state.db, licence.id).await?))
}

/// The one holder a seat request names.
fn target(body: SeatRequest) -> Result<SeatTarget, AppError> {
    let tag = body.asset_tag.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    match (body.asset_id, tag, body.user_id) {
        (Some(id), None, None) => Ok(SeatTarget::AssetId(id)),
        (None, Some(tag), None) => Ok(SeatTarget::AssetTag(tag)),
        (None, None, Some(id)) => Ok(SeatTarget::User(id)),
        _ => Err(AppError::field("asset_id", "licence-seat-one-holder")),
    }
}

/// Give a seat to an asset (`asset_id` or `asset_tag`) or a person (`user_id`).
/// 409 when no seat is free or the holder has one already.
#[utoipa::path(post, path = "/api/v1/licences/{id}/seats", tag = "software", request_body = SeatRequest,
    responses((status = 201, body = Seat), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn assign_seat(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<SeatRequest>,
) -> ApiResult<(StatusCode, Json<Seat>)> {
    let licence = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    let seat = give_seat(&state, &actor, &licence, &target(body)?).await?;
    Ok((StatusCode::CREATED, Json(db::seat(&state.db, licence.id, seat).await?)))
}

/// Take a seat back
#[utoipa::path(delete, path = "/api/v1/licences/{id}/seats/{seat_id}", tag = "software",
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn release_seat(
    State(state): State<AppState>,
    actor: ApiActor,
    Path((id, seat)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (Ok(id), Ok(seat)) = (Uuid::parse_str(&id), Uuid::parse_str(&seat)) else {
        return Err(AppError::NotFound.into());
    };
    let licence = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    db::release_seat(&state.db, &actor.audit(), &licence, seat).await?;
    Ok(StatusCode::NO_CONTENT)
}
