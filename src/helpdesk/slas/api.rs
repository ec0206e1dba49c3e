//! JSON API of service levels.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    domain::{PRIORITIES, Sla, SlaCreate, SlaPatch},
    form::SlaForm,
};
use crate::{
    api::{ApiJson, ListResponse},
    audit::HistoryEntry,
    auth::actor::ApiActor,
    error::{ApiResult, AppError},
    state::AppState,
    web::{extract::ApiId, form::FieldErrors, resource},
};

/// Five delays, one per priority, in each list given.
fn five_each(lists: [(&str, Option<&Vec<i32>>); 2]) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    for (field, list) in lists {
        if list.is_some_and(|l| l.len() != PRIORITIES) {
            errors.add(field, "sla-five-delays");
        }
    }
    errors.finish(()).map_err(AppError::Validation)
}

/// List service levels
#[utoipa::path(get, path = "/api/v1/slas", tag = "helpdesk-settings",
    params(("q" = Option<String>, Query, description = "search in name"), ("entity_id" = Option<uuid::Uuid>, Query),
           ("calendar_id" = Option<uuid::Uuid>, Query), ("sort" = Option<String>, Query, description = "name, entity, calendar, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<Sla>), (status = 400, body = crate::error::Problem)))]
pub async fn list_slas(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<Sla>>> {
    resource::api_list::<Sla>(&state, &actor, raw.as_deref()).await
}

/// One service level
#[utoipa::path(get, path = "/api/v1/slas/{id}", tag = "helpdesk-settings",
    responses((status = 200, body = Sla), (status = 404, body = crate::error::Problem)))]
pub async fn find_sla(State(state): State<AppState>, actor: ApiActor, id: ApiId) -> ApiResult<Json<Sla>> {
    resource::api_find::<Sla>(&state, &actor, id).await
}

/// Create a service level (`is_default: true` makes the entity's other default an ordinary level)
#[utoipa::path(post, path = "/api/v1/slas", tag = "helpdesk-settings", request_body = SlaCreate,
    responses((status = 201, body = Sla), (status = 422, body = crate::error::Problem)))]
pub async fn create_sla(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<SlaCreate>,
) -> ApiResult<(StatusCode, Json<Sla>)> {
    five_each([("own_minutes", Some(&body.own_minutes)), ("resolve_minutes", Some(&body.resolve_minutes))])?;
    resource::api_create::<Sla>(&state, &actor, SlaForm::from(body)).await
}

/// Change a service level (absent fields keep their value; `version` or If-Match required).
/// Open tickets keep their due dates.
#[utoipa::path(patch, path = "/api/v1/slas/{id}", tag = "helpdesk-settings", request_body = SlaPatch,
    responses((status = 200, body = Sla), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_sla(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SlaPatch>,
) -> ApiResult<Json<Sla>> {
    five_each([("own_minutes", body.own_minutes.as_ref()), ("resolve_minutes", body.resolve_minutes.as_ref())])?;
    resource::api_update::<Sla>(&state, &actor, id, &headers, body.version, |current| SlaForm::patched(current, body))
        .await
}

/// Delete a service level (refused while tickets or categories use it)
#[utoipa::path(delete, path = "/api/v1/slas/{id}", tag = "helpdesk-settings",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_sla(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<Sla>(&state, &actor, id, &headers).await
}

/// History of a service level
#[utoipa::path(get, path = "/api/v1/slas/{id}/history", tag = "helpdesk-settings",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn sla_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<Sla>(&state, &actor, id).await
}
