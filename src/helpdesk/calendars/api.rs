//! JSON API of calendars and their closed days.

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
};
use chrono::NaiveDate;

use super::{
    db::{self, ClosureChange},
    domain::{Calendar, CalendarCreate, CalendarPatch, Closure, ClosureBody},
    form::CalendarForm,
};
use crate::{
    api::{ApiJson, ListResponse, expected_version},
    audit::HistoryEntry,
    auth::{actor::ApiActor, permission::Action},
    error::{ApiResult, AppError},
    state::AppState,
    web::{extract::ApiId, form::Parser, resource, resource::Resource},
};

/// List calendars
#[utoipa::path(get, path = "/api/v1/calendars", tag = "helpdesk-settings",
    params(("q" = Option<String>, Query, description = "search in name"), ("entity_id" = Option<uuid::Uuid>, Query),
           ("sort" = Option<String>, Query, description = "name, entity, time_zone, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<Calendar>), (status = 400, body = crate::error::Problem)))]
pub async fn list_calendars(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<Calendar>>> {
    resource::api_list::<Calendar>(&state, &actor, raw.as_deref()).await
}

/// One calendar with its closed days
#[utoipa::path(get, path = "/api/v1/calendars/{id}", tag = "helpdesk-settings",
    responses((status = 200, body = Calendar), (status = 404, body = crate::error::Problem)))]
pub async fn find_calendar(State(state): State<AppState>, actor: ApiActor, id: ApiId) -> ApiResult<Json<Calendar>> {
    resource::api_find::<Calendar>(&state, &actor, id).await
}

/// Create a calendar (`week` like `mon-fri 09:00-12:00,13:30-18:00; sat 09:00-12:00`, or `24/7`)
#[utoipa::path(post, path = "/api/v1/calendars", tag = "helpdesk-settings", request_body = CalendarCreate,
    responses((status = 201, body = Calendar), (status = 422, body = crate::error::Problem)))]
pub async fn create_calendar(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<CalendarCreate>,
) -> ApiResult<(StatusCode, Json<Calendar>)> {
    resource::api_create::<Calendar>(&state, &actor, CalendarForm::from(body)).await
}

/// Change a calendar (absent fields keep their value; `version` or If-Match required).
/// Open tickets keep their due dates.
#[utoipa::path(patch, path = "/api/v1/calendars/{id}", tag = "helpdesk-settings", request_body = CalendarPatch,
    responses((status = 200, body = Calendar), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_calendar(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CalendarPatch>,
) -> ApiResult<Json<Calendar>> {
    resource::api_update::<Calendar>(&state, &actor, id, &headers, body.version, |current| {
        CalendarForm::patched(current, body)
    })
    .await
}

/// Delete a calendar (refused while service levels count in it)
#[utoipa::path(delete, path = "/api/v1/calendars/{id}", tag = "helpdesk-settings",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_calendar(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<Calendar>(&state, &actor, id, &headers).await
}

/// History of a calendar (its closed days included)
#[utoipa::path(get, path = "/api/v1/calendars/{id}/history", tag = "helpdesk-settings",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn calendar_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<Calendar>(&state, &actor, id).await
}

async fn change(
    state: &AppState,
    actor: &ApiActor,
    id: uuid::Uuid,
    version: i64,
    change: ClosureChange,
) -> ApiResult<Json<Calendar>> {
    let scope = actor.scope(Calendar::KIND, Action::Update)?;
    let current = db::find(&state.db, &scope, id).await?;
    db::change_closures(&state.db, &actor.audit(), &current, version, &change).await?;
    Ok(Json(db::find(&state.db, &scope, id).await?))
}

/// Add a closed day (`version` or If-Match required); answers the calendar
#[utoipa::path(post, path = "/api/v1/calendars/{id}/closures", tag = "helpdesk-settings", request_body = ClosureBody,
    responses((status = 200, body = Calendar), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn add_closure(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ClosureBody>,
) -> ApiResult<Json<Calendar>> {
    actor.scope(Calendar::KIND, Action::Update)?;
    let version = expected_version(&headers, body.version)?;
    let mut p = Parser::default();
    let name = p.text("name", body.name.as_deref().unwrap_or_default(), 200);
    let closure = p.finish(Closure { day: body.day, name }).map_err(AppError::Validation)?;
    change(&state, &actor, id, version, ClosureChange::Add(closure)).await
}

/// Remove a closed day (the version from If-Match when given, else the current one); answers the calendar
#[utoipa::path(delete, path = "/api/v1/calendars/{id}/closures/{day}", tag = "helpdesk-settings",
    params(("id" = uuid::Uuid, Path), ("day" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 200, body = Calendar), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem)))]
pub async fn remove_closure(
    State(state): State<AppState>,
    actor: ApiActor,
    Path((id, day)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Json<Calendar>> {
    let scope = actor.scope(Calendar::KIND, Action::Update)?;
    let (Ok(id), Ok(day)) = (id.parse(), NaiveDate::parse_from_str(&day, "%Y-%m-%d")) else {
        return Err(AppError::NotFound.into());
    };
    let current = db::find(&state.db, &scope, id).await?;
    let version = expected_version(&headers, None).unwrap_or(current.version);
    if !current.closures.iter().any(|c| c.day == day) {
        return Err(AppError::NotFound.into());
    }
    change(&state, &actor, id, version, ClosureChange::Remove(day)).await
}
