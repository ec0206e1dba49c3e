//! JSON API of licence compliance.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::StatusCode,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    SoftwareBalance,
    db::{self, ForbiddenInstallation, LicenceLine, Unseated},
};
use crate::{
    auth::{
        actor::ApiActor,
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError},
    jobs,
    state::AppState,
    web::extract::{ApiId, filter_choice, parse_query},
};

const KIND: ObjectKind = ObjectKind::Licence;

/// Every licensed software of your entities, weighed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// When installations were last counted (the balances use that count).
    pub counted_at: Option<DateTime<Utc>>,
    pub items: Vec<SoftwareBalance>,
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    status: Option<String>,
}

/// Compliance of every licensed software
#[utoipa::path(get, path = "/api/v1/compliance", tag = "software",
    params(("status" = Option<String>, Query, description = "over_deployed, under_used or compliant")),
    responses((status = 200, body = Report), (status = 400, body = crate::error::Problem)))]
pub async fn report(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Report>> {
    let scope = actor.scope(KIND, Action::View)?;
    let params: Params = parse_query(raw.as_deref())?;
    let status = filter_choice(&params.status, "status", &["over_deployed", "under_used", "compliant"])?;
    let mut items = super::report(&state.db, &scope, None, Utc::now().date_naive()).await?;
    items.retain(|r| status.as_deref().is_none_or(|s| r.balance.status.as_str() == s));
    Ok(Json(Report { counted_at: db::state(&state.db).await?.counted_at, items }))
}

/// One software's compliance, its licences and the assets holding no seat.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SoftwareReport {
    pub counted_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub balance: SoftwareBalance,
    pub licences: Vec<LicenceLine>,
    /// When over-deployed: assets carrying it without a seat (at most 200).
    pub unseated: Vec<Unseated>,
}

/// Compliance of one software
#[utoipa::path(get, path = "/api/v1/compliance/{id}", tag = "software",
    responses((status = 200, body = SoftwareReport), (status = 404, body = crate::error::Problem)))]
pub async fn software(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<SoftwareReport>> {
    let scope = actor.scope(KIND, Action::View)?;
    let balance = super::report(&state.db, &scope, Some(id), Utc::now().date_naive())
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let unseated =
        if balance.balance.unlicensed > 0 { db::unseated(&state.db, &scope, id, 200).await? } else { Vec::new() };
    Ok(Json(SoftwareReport {
        counted_at: db::state(&state.db).await?.counted_at,
        licences: db::licences_of(&state.db, &scope, id).await?,
        unseated,
        balance,
    }))
}

/// Installations of forbidden software
#[utoipa::path(get, path = "/api/v1/compliance/forbidden", tag = "software",
    responses((status = 200, body = Vec<ForbiddenInstallation>)))]
pub async fn forbidden(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<Vec<ForbiddenInstallation>>> {
    let scope = actor.scope(KIND, Action::View)?;
    Ok(Json(db::forbidden(&state.db, &scope, 10_000).await?))
}

/// The count queued.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Counting {
    pub job_id: Uuid,
}

/// Count installations now (the job also runs every quarter hour)
#[utoipa::path(post, path = "/api/v1/compliance/count", tag = "software",
    responses((status = 202, body = Counting), (status = 403, body = crate::error::Problem)))]
pub async fn count_now(State(state): State<AppState>, actor: ApiActor) -> ApiResult<(StatusCode, Json<Counting>)> {
    actor.scope(KIND, Action::Update)?;
    let mut conn = state.db.acquire().await?;
    let job_id = jobs::enqueue(&mut conn, super::KIND, &serde_json::Value::Null, Some(actor.id)).await?;
    Ok((StatusCode::ACCEPTED, Json(Counting { job_id })))
}
