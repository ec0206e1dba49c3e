//! JSON API of standard configurations, their required software and their deviations.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::Deserialize;

use super::{
    db,
    domain::{
        ConfigurationCreate, ConfigurationPatch, DeviationPage, SoftwareList, SoftwareListBody, StandardConfiguration,
    },
    form::ConfigurationForm,
    pages::deviations_download,
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
    web::{
        extract::{ApiId, parse_query},
        list::{DEFAULT_PER_PAGE, MAX_PER_PAGE},
        resource,
    },
};

const KIND: ObjectKind = ObjectKind::StandardConfiguration;
const TAG: &str = "software";

/// List standard configurations
#[utoipa::path(get, path = "/api/v1/standard-configurations", tag = TAG,
    params(("q" = Option<String>, Query, description = "search in name"), ("entity_id" = Option<uuid::Uuid>, Query),
           ("category_id" = Option<uuid::Uuid>, Query, description = "naming the category or one of its models"),
           ("model_id" = Option<uuid::Uuid>, Query),
           ("sort" = Option<String>, Query, description = "name, entity, category, model, software, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<StandardConfiguration>), (status = 400, body = crate::error::Problem)))]
pub async fn list_configurations(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<StandardConfiguration>>> {
    resource::api_list::<StandardConfiguration>(&state, &actor, raw.as_deref()).await
}

/// One standard configuration
#[utoipa::path(get, path = "/api/v1/standard-configurations/{id}", tag = TAG,
    responses((status = 200, body = StandardConfiguration), (status = 404, body = crate::error::Problem)))]
pub async fn find_configuration(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<StandardConfiguration>> {
    resource::api_find::<StandardConfiguration>(&state, &actor, id).await
}

/// Create a standard configuration (a category, a model, or both: the model then of that category)
#[utoipa::path(post, path = "/api/v1/standard-configurations", tag = TAG, request_body = ConfigurationCreate,
    responses((status = 201, body = StandardConfiguration), (status = 422, body = crate::error::Problem)))]
pub async fn create_configuration(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<ConfigurationCreate>,
) -> ApiResult<(StatusCode, Json<StandardConfiguration>)> {
    resource::api_create::<StandardConfiguration>(&state, &actor, ConfigurationForm::from(body)).await
}

/// Change a standard configuration (absent fields keep their value; `version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/standard-configurations/{id}", tag = TAG, request_body = ConfigurationPatch,
    responses((status = 200, body = StandardConfiguration), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_configuration(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ConfigurationPatch>,
) -> ApiResult<Json<StandardConfiguration>> {
    resource::api_update::<StandardConfiguration>(&state, &actor, id, &headers, body.version, |current| {
        ConfigurationForm::patched(current, body)
    })
    .await
}

/// Delete a standard configuration (with its list of required software)
#[utoipa::path(delete, path = "/api/v1/standard-configurations/{id}", tag = TAG,
    responses((status = 204), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn delete_configuration(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<StandardConfiguration>(&state, &actor, id, &headers).await
}

/// History of a standard configuration, changes of its required software included
#[utoipa::path(get, path = "/api/v1/standard-configurations/{id}/history", tag = TAG,
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn configuration_history(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<StandardConfiguration>(&state, &actor, id).await
}

async fn software_list(state: &AppState, configuration: &StandardConfiguration) -> ApiResult<Json<SoftwareList>> {
    let mut conn = state.db.acquire().await.map_err(AppError::from)?;
    let items = db::required_software(&mut conn, configuration.id).await?;
    Ok(Json(SoftwareList { version: configuration.version, items }))
}

/// The software a standard configuration requires, with its version
#[utoipa::path(get, path = "/api/v1/standard-configurations/{id}/software", tag = TAG,
    responses((status = 200, body = SoftwareList), (status = 404, body = crate::error::Problem)))]
pub async fn required_software(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<SoftwareList>> {
    let configuration = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    software_list(&state, &configuration).await
}

/// Replace the software a standard configuration requires (`version` or If-Match required;
/// the configuration's version moves on)
#[utoipa::path(put, path = "/api/v1/standard-configurations/{id}/software", tag = TAG, request_body = SoftwareListBody,
    responses((status = 200, body = SoftwareList), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem),
              (status = 428, body = crate::error::Problem)))]
pub async fn replace_software(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SoftwareListBody>,
) -> ApiResult<Json<SoftwareList>> {
    let scope = actor.scope(KIND, Action::Update)?;
    let current = db::find(&state.db, &scope, id).await?;
    let version = expected_version(&headers, body.version)?;
    let mut software = body.software_ids;
    software.sort_unstable();
    software.dedup();
    if software.len() > 500 {
        return Err(AppError::field("software_ids", "field-too-long").into());
    }
    db::set_software(&state.db, &actor.audit(), &current, version, &software).await?;
    software_list(&state, &db::find(&state.db, &scope, id).await?).await
}

#[derive(Debug, Default, Deserialize)]
struct PageParams {
    page: Option<String>,
    per_page: Option<String>,
}

fn number(value: Option<&str>, name: &str, default: u32) -> Result<u32, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| AppError::BadRequest(format!("{name} must be a positive number"))),
    }
}

/// Assets that deviate from a standard configuration
#[utoipa::path(get, path = "/api/v1/standard-configurations/{id}/deviations", tag = TAG,
    params(("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query, description = "at most 200")),
    responses((status = 200, body = DeviationPage, description = "the assets of its entity and those below (within \
        the caller's scope), of its model or else of its category, not archived, lacking at least one required \
        software in every version; sorted by asset tag"),
              (status = 400, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn deviations(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<DeviationPage>> {
    let configuration = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    let params: PageParams = parse_query(raw.as_deref())?;
    let page = number(params.page.as_deref(), "page", 1)?.max(1);
    let per_page = number(params.per_page.as_deref(), "per_page", DEFAULT_PER_PAGE)?.clamp(1, MAX_PER_PAGE);
    let assets = actor.scope_or_empty(ObjectKind::Asset, Action::View);
    Ok(Json(db::deviations(&state.db, configuration.id, &assets, page, per_page).await?))
}

/// Assets that deviate from a standard configuration, every one, as CSV
#[utoipa::path(get, path = "/api/v1/standard-configurations/{id}/deviations.csv", tag = TAG,
    responses((status = 200, content_type = "text/csv", body = String,
               description = "tag, name, entity, assigned_to, missing_software"),
              (status = 404, body = crate::error::Problem)))]
pub async fn deviations_csv(State(state): State<AppState>, actor: ApiActor, ApiId(id): ApiId) -> ApiResult<Response> {
    let configuration = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    Ok(deviations_download(state, configuration, actor.scope_or_empty(ObjectKind::Asset, Action::View)))
}
