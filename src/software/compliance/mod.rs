//! Licence compliance: installations weighed against the licences in force,
//! per software and entity; forbidden software; and the alerts the job
//! runner raises (new over-deployments, licences about to expire, forbidden
//! software found).

mod api;
pub mod db;
pub mod domain;
mod pages;

use axum::{
    Router,
    routing::{get, post},
};
use chrono::{NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::PgPool;
use utoipa::OpenApi;
use uuid::Uuid;

use crate::{api::RouteTable, auth::permission::Scope, error::AppResult, state::AppState};
use domain::Balance;

/// The job that counts installations and raises the alerts.
pub const KIND: &str = "software-compliance";
/// How often it runs.
pub const EVERY_SECONDS: i64 = 900;

#[derive(OpenApi)]
#[openapi(
    paths(api::report, api::software, api::forbidden, api::count_now),
    components(schemas(
        SoftwareBalance,
        domain::Balance,
        domain::EntityBalance,
        domain::Status,
        db::ForbiddenInstallation,
        db::Unseated,
        db::LicenceLine,
        api::Report,
        api::SoftwareReport,
        api::Counting
    ))
)]
pub struct Doc;

/// One software's balance.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SoftwareBalance {
    pub software_id: Uuid,
    pub name: String,
    pub publisher: String,
    #[serde(flatten)]
    pub balance: Balance,
}

/// The balance of every software licensed within `scope` (or of `only`),
/// on `today`, from the last count of installations.
pub async fn report(
    pool: &PgPool,
    scope: &Scope,
    only: Option<Uuid>,
    today: NaiveDate,
) -> AppResult<Vec<SoftwareBalance>> {
    let tracked = db::tracked(pool, scope, only).await?;
    let ids: Vec<Uuid> = tracked.iter().map(|t| t.id).collect();
    let mut demand = db::demand(pool, scope, &ids).await?;
    let mut licences = db::entitlements(pool, scope, &ids, today).await?;
    let entities = db::entity_nodes(pool, scope).await?;
    Ok(tracked
        .into_iter()
        .map(|t| {
            let balance = domain::balance(
                &entities,
                &demand.remove(&t.id).unwrap_or_default(),
                &licences.remove(&t.id).unwrap_or_default(),
            );
            SoftwareBalance { software_id: t.id, name: t.name, publisher: t.publisher, balance }
        })
        .collect())
}

/// The job: count installations, then tell the park managers what is new.
pub async fn run(pool: &PgPool) -> AppResult<Value> {
    let counted = db::count_usage(pool).await?;
    let everything = db::all_entities(pool).await?;
    let balances = report(pool, &everything, None, Utc::now().date_naive()).await?;
    let found: Vec<(Uuid, Uuid, i64)> = balances
        .iter()
        .flat_map(|s| {
            s.balance.entities.iter().filter(|e| e.unlicensed > 0).map(|e| (s.software_id, e.entity_id, e.unlicensed))
        })
        .collect();
    let overdeployed = db::alert_overdeployed(pool, &found).await?;
    let expiring = db::alert_expiring(pool).await?;
    let forbidden = db::alert_forbidden(pool).await?;
    Ok(json!({
        "usage_rows": counted,
        "overdeployed_notices": overdeployed,
        "expiring_notices": expiring,
        "forbidden_notices": forbidden,
    }))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/compliance", get(pages::list))
        .route("/compliance/export.csv", get(pages::export))
        .route("/compliance/count", post(pages::count_now))
        .route("/compliance/settings", post(pages::save_settings))
        .route("/compliance/{id}", get(pages::show))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/compliance", api::report)
        .post("/api/v1/compliance/count", api::count_now)
        .get("/api/v1/compliance/forbidden", api::forbidden)
        .get("/api/v1/compliance/{id}", api::software)
}
