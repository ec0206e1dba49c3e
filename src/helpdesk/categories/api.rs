//! JSON API of ticket categories.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    domain::{CategoryCreate, CategoryPatch, TicketCategory},
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

/// List ticket categories
#[utoipa::path(get, path = "/api/v1/ticket-categories", tag = "helpdesk-settings",
    params(("q" = Option<String>, Query, description = "search in name"), ("entity_id" = Option<uuid::Uuid>, Query),
           ("parent_id" = Option<uuid::Uuid>, Query), ("sort" = Option<String>, Query, description = "name, entity, parent, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<TicketCategory>), (status = 400, body = crate::error::Problem)))]
pub async fn list_ticket_categories(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<TicketCategory>>> {
    resource::api_list::<TicketCategory>(&state, &actor, raw.as_deref()).await
}

/// One ticket category
#[utoipa::path(get, path = "/api/v1/ticket-categories/{id}", tag = "helpdesk-settings",
    responses((status = 200, body = TicketCategory), (status = 404, body = crate::error::Problem)))]
pub async fn find_ticket_category(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<TicketCategory>> {
    resource::api_find::<TicketCategory>(&state, &actor, id).await
}

/// Create a ticket category
#[utoipa::path(post, path = "/api/v1/ticket-categories", tag = "helpdesk-settings", request_body = CategoryCreate,
    responses((status = 201, body = TicketCategory), (status = 422, body = crate::error::Problem)))]
pub async fn create_ticket_category(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<CategoryCreate>,
) -> ApiResult<(StatusCode, Json<TicketCategory>)> {
    resource::api_create::<TicketCategory>(&state, &actor, CategoryForm::from(body)).await
}

/// Change a ticket category (absent fields keep their value; `version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/ticket-categories/{id}", tag = "helpdesk-settings", request_body = CategoryPatch,
    responses((status = 200, body = TicketCategory), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_ticket_category(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CategoryPatch>,
) -> ApiResult<Json<TicketCategory>> {
    resource::api_update::<TicketCategory>(&state, &actor, id, &headers, body.version, |current| {
        CategoryForm::patched(current, body)
    })
    .await
}

/// Delete a ticket category (refused while tickets or sub-categories use it)
#[utoipa::path(delete, path = "/api/v1/ticket-categories/{id}", tag = "helpdesk-settings",
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn delete_ticket_category(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<TicketCategory>(&state, &actor, id, &headers).await
}

/// History of a ticket category
#[utoipa::path(get, path = "/api/v1/ticket-categories/{id}/history", tag = "helpdesk-settings",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn ticket_category_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<TicketCategory>(&state, &actor, id).await
}
