//! The inventory as the JSON API shows it: agents, what is installed on an
//! asset, and the inventories the rules refused (importable later). Agents
//! and refused inventories are for those who manage the park.

use axum::{
    Json,
    extract::{Query, State},
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::db;
use crate::{
    api::RouteTable,
    auth::{
        actor::ApiActor,
        permission::{Action, ObjectKind, Scope},
    },
    error::{ApiResult, AppError, AppResult},
    state::AppState,
    web::extract::ApiId,
};

/// Those who manage the park (park managers, admins) see agents and refusals
/// within their entities.
fn park_scope(actor: &ApiActor) -> AppResult<Scope> {
    actor.scope(ObjectKind::Asset, Action::Delete)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Limit {
    /// At most this many (1 to 1000, default 100).
    pub limit: Option<i64>,
}

impl Limit {
    fn value(&self) -> i64 {
        self.limit.unwrap_or(100).clamp(1, 1000)
    }
}

/// Inventory agents, latest contact first
#[utoipa::path(get, path = "/api/v1/inventory/agents", tag = "inventory", params(Limit),
    responses((status = 200, body = Vec<db::AgentRow>), (status = 403, body = crate::error::Problem)))]
pub async fn agents(
    State(state): State<AppState>,
    actor: ApiActor,
    Query(limit): Query<Limit>,
) -> ApiResult<Json<Vec<db::AgentRow>>> {
    let scope = park_scope(&actor)?;
    Ok(Json(db::agents(&state.db, &scope, actor.can(ObjectKind::Entity, Action::Delete), limit.value()).await?))
}

/// One installed program.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Installation {
    pub software_id: Uuid,
    pub name: String,
    pub publisher: String,
    pub version: String,
    pub arch: String,
    pub install_date: Option<NaiveDate>,
    /// inventory or manual.
    pub source: String,
    pub since: DateTime<Utc>,
}

/// Software installed on an asset
#[utoipa::path(get, path = "/api/v1/assets/{id}/software", tag = "assets",
    responses((status = 200, body = Vec<Installation>), (status = 404, body = crate::error::Problem)))]
pub async fn asset_software(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<Vec<Installation>>> {
    let asset =
        crate::assets::register::db::find(&state.db, &actor.scope(ObjectKind::Asset, Action::View)?, id).await?;
    Ok(Json(db::installations(&state.db, asset.id).await?))
}

/// Inventories the rules refused, newest first
#[utoipa::path(get, path = "/api/v1/inventory/refused", tag = "inventory", params(Limit),
    responses((status = 200, body = Vec<db::RefusedRow>), (status = 403, body = crate::error::Problem)))]
pub async fn refused(
    State(state): State<AppState>,
    actor: ApiActor,
    Query(limit): Query<Limit>,
) -> ApiResult<Json<Vec<db::RefusedRow>>> {
    park_scope(&actor)?;
    // Refused devices belong to no entity yet: only those who manage the top entity see them.
    if !actor.can(ObjectKind::Entity, Action::Delete) {
        return Err(AppError::Forbidden.into());
    }
    Ok(Json(db::refused(&state.db, limit.value()).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub asset_id: Uuid,
}

/// Import a refused inventory: its device becomes an asset whatever the rules say
#[utoipa::path(post, path = "/api/v1/inventory/refused/{id}/import", tag = "inventory",
    responses((status = 200, body = Imported), (status = 404, body = crate::error::Problem)))]
pub async fn import_refused(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<Imported>> {
    if !actor.can(ObjectKind::Entity, Action::Delete) {
        return Err(AppError::NotFound.into());
    }
    let asset_id = db::import_refused(&state.db, id).await?;
    Ok(Json(Imported { asset_id }))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/inventory/agents", agents)
        .get("/api/v1/inventory/refused", refused)
        .post("/api/v1/inventory/refused/{id}/import", import_refused)
        .get("/api/v1/assets/{id}/software", asset_software)
}
