//! JSON handlers of the dictionary: replay it over the catalogue, follow the replay.

use axum::{Json, extract::State, http::StatusCode};

use super::replay;
use crate::{
    auth::{
        actor::ApiActor,
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError},
    jobs::{self, JobStatus},
    state::AppState,
};

const KIND: ObjectKind = ObjectKind::Software;

/// Replay the dictionary over the catalogue (a background job; a replay already queued is not queued twice)
#[utoipa::path(post, path = "/api/v1/software-dictionary/replay", tag = "software",
    responses((status = 202, body = JobStatus), (status = 403, body = crate::error::Problem)))]
pub async fn replay(State(state): State<AppState>, actor: ApiActor) -> ApiResult<(StatusCode, Json<JobStatus>)> {
    actor.scope(KIND, Action::Update)?;
    let job = replay::start(&state.db, &actor.audit()).await?;
    Ok((StatusCode::ACCEPTED, Json(jobs::status(&state.db, job, None).await?)))
}

/// The last replay of the dictionary: its progress, or what it renamed, merged and left out
#[utoipa::path(get, path = "/api/v1/software-dictionary/replay", tag = "software",
    responses((status = 200, body = JobStatus), (status = 404, body = crate::error::Problem, description = "never replayed")))]
pub async fn last_replay(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<JobStatus>> {
    actor.scope(KIND, Action::View)?;
    Ok(Json(replay::latest(&state.db).await?.ok_or(AppError::NotFound)?))
}
