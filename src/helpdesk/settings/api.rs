//! JSON API of the helpdesk settings and the priority matrix.

use axum::{Json, extract::State, http::HeaderMap};

use super::{
    db,
    domain::{HelpdeskSettings, MatrixBody, PriorityMatrix, SETTINGS_ID, SettingsPatch},
    form::{SettingsForm, matrix_from_rows},
};
use crate::{
    api::{ApiJson, expected_version},
    audit::{self, HistoryEntry},
    auth::{
        actor::ApiActor,
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError},
    state::AppState,
};

const KIND: ObjectKind = ObjectKind::HelpdeskSettings;

/// The helpdesk settings
#[utoipa::path(get, path = "/api/v1/helpdesk/settings", tag = "helpdesk-settings",
    responses((status = 200, body = HelpdeskSettings), (status = 403, body = crate::error::Problem)))]
pub async fn find_settings(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<HelpdeskSettings>> {
    actor.scope(KIND, Action::View)?;
    Ok(Json(db::settings(&state.db).await?))
}

/// Change the helpdesk settings (absent fields keep their value; `version` or If-Match required)
#[utoipa::path(patch, path = "/api/v1/helpdesk/settings", tag = "helpdesk-settings", request_body = SettingsPatch,
    responses((status = 200, body = HelpdeskSettings), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_settings(
    State(state): State<AppState>,
    actor: ApiActor,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SettingsPatch>,
) -> ApiResult<Json<HelpdeskSettings>> {
    actor.scope(KIND, Action::Update)?;
    let version = expected_version(&headers, body.version)?;
    let current = db::settings(&state.db).await?;
    let (input, version) = SettingsForm::patched(&current, &body, version).parse().map_err(AppError::Validation)?;
    db::update(&state.db, &actor.audit(), &current, version, &input).await?;
    Ok(Json(db::settings(&state.db).await?))
}

/// History of the helpdesk settings and of the priority matrix
#[utoipa::path(get, path = "/api/v1/helpdesk/settings/history", tag = "helpdesk-settings",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 403, body = crate::error::Problem)))]
pub async fn settings_history(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<Vec<HistoryEntry>>> {
    actor.scope(KIND, Action::View)?;
    Ok(Json(audit::history(&state.db, KIND, SETTINGS_ID, 1000).await?))
}

/// The priority matrix: `priorities[urgency - 1][impact - 1]`
#[utoipa::path(get, path = "/api/v1/helpdesk/priority-matrix", tag = "helpdesk-settings",
    responses((status = 200, body = PriorityMatrix), (status = 403, body = crate::error::Problem)))]
pub async fn find_matrix(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<PriorityMatrix>> {
    actor.scope(KIND, Action::View)?;
    let mut conn = state.db.acquire().await?;
    Ok(Json(db::matrix(&mut conn).await?))
}

/// Replace the priority matrix (`version` or If-Match required). Open tickets keep their priority.
#[utoipa::path(put, path = "/api/v1/helpdesk/priority-matrix", tag = "helpdesk-settings", request_body = MatrixBody,
    responses((status = 200, body = PriorityMatrix), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn replace_matrix(
    State(state): State<AppState>,
    actor: ApiActor,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MatrixBody>,
) -> ApiResult<Json<PriorityMatrix>> {
    actor.scope(KIND, Action::Update)?;
    let version = expected_version(&headers, body.version)?;
    let priorities = matrix_from_rows(&body.priorities).map_err(AppError::Validation)?;
    db::save_matrix(&state.db, &actor.audit(), version, &priorities).await?;
    let mut conn = state.db.acquire().await?;
    Ok(Json(db::matrix(&mut conn).await?))
}
