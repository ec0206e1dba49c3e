//! JSON API of software categories.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    domain::{CategoryCreate, CategoryPatch, SoftwareCategory},
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

/// List software categories
#[utoipa::path(get, path = "/api/v1/software-categories", tag = "software",
    params(("q" = Option<String>, Query, description = "search in name"), ("parent_id" = Option<uuid::Uuid>, Query),
           ("sort" = Option<String>, Query, description = "name, parent, software, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<SoftwareCategory>), (status = 400, body = crate::error::Problem)))]
pub async fn list_software_categories(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<SoftwareCategory>>> {
    resource::api_list::<SoftwareCategory>(&state, &actor, raw.as_deref()).await
}

/// One software category
#[utoipa::path(get, path = "/api/v1/software-categories/{id}", tag = "software",
    responses((status = 200, body = SoftwareCategory), (status = 404, body = crate::error::Problem)))]
pub async fn find_software_category(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<SoftwareCategory>> {
    resource::api_find::<SoftwareCategory>(&state, &actor, id).await
}

/// Create a software category
#[utoipa::path(post, path = "/api/v1/software-categories", tag = "software", request_body = CategoryCreate,
    responses((status = 201, body = SoftwareCategory), (status = 422, body = crate::error::Problem)))]
pub async fn create_software_category(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<CategoryCreate>,
) -> ApiResult<(StatusCode, Json<SoftwareCategory>)> {
    resource::api_create::<SoftwareCategory>(&state, &actor, CategoryForm::from(body)).await
}

/// Change a software category (absent fields keep their value; `version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/software-categories/{id}", tag = "software", request_body = CategoryPatch,
    responses((status = 200, body = SoftwareCategory), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_software_category(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CategoryPatch>,
) -> ApiResult<Json<SoftwareCategory>> {
    resource::api_update::<SoftwareCategory>(&state, &actor, id, &headers, body.version, |current| {
        CategoryForm::patched(current, body)
    })
    .await
}

/// Delete a software category: its sub-categories move up to its parent, its software and the
/// dictionary rules giving it are left without a category
#[utoipa::path(delete, path = "/api/v1/software-categories/{id}", tag = "software",
    responses((status = 204), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn delete_software_category(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<SoftwareCategory>(&state, &actor, id, &headers).await
}

/// History of a software category
#[utoipa::path(get, path = "/api/v1/software-categories/{id}/history", tag = "software",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn software_category_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<SoftwareCategory>(&state, &actor, id).await
}
