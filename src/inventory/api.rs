//! The inventory as the JSON API shows it: agents, what is installed on an
//! asset, and the inventories the rules refused (importable later). Agents
//! and refused inventories are for those who manage the park.

use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::db;
use crate::{
    api::{ApiJson, RouteTable},
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

/// What the agents last said about an asset: agent, last logged-on user (and
/// the person it suggests), volumes, antivirus, virtual machines, ports, printer
#[utoipa::path(get, path = "/api/v1/assets/{id}/inventory", tag = "assets",
    responses((status = 200, body = db::InventoryView), (status = 404, body = crate::error::Problem)))]
pub async fn asset_inventory(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<db::InventoryView>> {
    let asset =
        crate::assets::register::db::find(&state.db, &actor.scope(ObjectKind::Asset, Action::View)?, id).await?;
    Ok(Json(db::inventory_view(&state.db, asset.id).await?.ok_or(AppError::NotFound)?))
}

/// The fields of an asset the agents leave alone.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Locks {
    /// Of name, serial, model, os, cpu, memory, disks, networks.
    pub fields: Vec<String>,
}

/// The fields of an asset the agents leave alone (set by hand)
#[utoipa::path(get, path = "/api/v1/assets/{id}/locks", tag = "assets",
    responses((status = 200, body = Locks), (status = 404, body = crate::error::Problem)))]
pub async fn asset_locks(State(state): State<AppState>, actor: ApiActor, ApiId(id): ApiId) -> ApiResult<Json<Locks>> {
    // Those who may not see the asset are told it does not exist.
    let scope = actor.scope_or_empty(ObjectKind::Asset, Action::View);
    let asset = crate::assets::register::db::find(&state.db, &scope, id).await?;
    Ok(Json(Locks { fields: db::locked_fields(&state.db, asset.id).await? }))
}

/// Lock exactly these fields of an asset against the agents, unlocking the others
#[utoipa::path(put, path = "/api/v1/assets/{id}/locks", tag = "assets", request_body = Locks,
    responses((status = 200, body = Locks), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn set_asset_locks(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<Locks>,
) -> ApiResult<Json<Locks>> {
    let scope = actor.scope_or_empty(ObjectKind::Asset, Action::Update);
    let asset = crate::assets::register::db::find(&state.db, &scope, id).await?;
    let fields = db::lockable_fields(&body.fields).map_err(AppError::Validation)?;
    let subject = crate::audit::Subject::new(ObjectKind::Asset, asset.id, Some(asset.entity_id));
    let fields = db::set_locks(&state.db, &actor.audit(), subject, &fields).await?;
    Ok(Json(Locks { fields }))
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

/// Those who set the inventory up (park managers, admins) edit the match rules.
fn may_set_up(actor: &ApiActor) -> AppResult<()> {
    if actor.can(ObjectKind::InventorySettings, Action::Update) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The match rules, in the order they are tried
#[utoipa::path(get, path = "/api/v1/inventory/rules", tag = "inventory",
    responses((status = 200, body = Vec<db::Rule>), (status = 403, body = crate::error::Problem)))]
pub async fn rules(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<Vec<db::Rule>>> {
    may_set_up(&actor)?;
    Ok(Json(db::all_rules(&state.db).await?))
}

/// Body of POST /api/v1/inventory/rules.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRule {
    pub name: String,
    pub position: i32,
    /// computer, phone, network_equipment, printer, unmanaged; absent: every kind.
    pub itemtype: Option<String>,
    /// refuse_missing, link, create or refuse.
    pub action: String,
    /// Of agent, serial, uuid, name, mac, stored_uuid_empty.
    pub criteria: Vec<String>,
    pub active: Option<bool>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: Uuid,
}

/// Add a match rule
#[utoipa::path(post, path = "/api/v1/inventory/rules", tag = "inventory", request_body = NewRule,
    responses((status = 201, body = Created), (status = 422, body = crate::error::Problem)))]
pub async fn add_rule(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<NewRule>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    may_set_up(&actor)?;
    let rule = db::RuleInput::check(
        &body.name,
        body.itemtype.as_deref().unwrap_or_default(),
        &body.action,
        body.criteria,
        Some(body.position),
        body.active.unwrap_or(true),
    )
    .map_err(AppError::Validation)?;
    let id = db::add_rule(&state.db, &actor.audit(), &rule).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Body of PATCH /api/v1/inventory/rules/{id}.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleChange {
    pub position: i32,
    pub active: bool,
}

/// Move a match rule or switch it on or off
#[utoipa::path(patch, path = "/api/v1/inventory/rules/{id}", tag = "inventory", request_body = RuleChange,
    responses((status = 204), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn change_rule(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<RuleChange>,
) -> ApiResult<StatusCode> {
    may_set_up(&actor)?;
    if !(0..=100_000).contains(&body.position) {
        return Err(AppError::field("position", "field-invalid-number").into());
    }
    db::set_rule(&state.db, &actor.audit(), id, body.position, body.active).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a match rule
#[utoipa::path(delete, path = "/api/v1/inventory/rules/{id}", tag = "inventory",
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete_rule(State(state): State<AppState>, actor: ApiActor, ApiId(id): ApiId) -> ApiResult<StatusCode> {
    may_set_up(&actor)?;
    db::delete_rule(&state.db, &actor.audit(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The placement rules for new devices, in the order they are tried
#[utoipa::path(get, path = "/api/v1/inventory/placements", tag = "inventory",
    responses((status = 200, body = Vec<db::Placement>), (status = 403, body = crate::error::Problem)))]
pub async fn placements(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<Vec<db::Placement>>> {
    may_set_up(&actor)?;
    Ok(Json(db::placements(&state.db).await?))
}

/// Body of POST /api/v1/inventory/placements.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlacement {
    pub position: i32,
    /// The agent's tag; absent: any.
    pub agent_tag: Option<String>,
    /// "10.1.0.0/16"; absent: any address.
    pub network: Option<String>,
    pub entity_id: Uuid,
    pub location_id: Option<Uuid>,
}

/// Add a placement rule
#[utoipa::path(post, path = "/api/v1/inventory/placements", tag = "inventory", request_body = NewPlacement,
    responses((status = 201, body = Created), (status = 422, body = crate::error::Problem)))]
pub async fn add_placement(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<NewPlacement>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    may_set_up(&actor)?;
    if !actor.scope(ObjectKind::Asset, Action::Create)?.contains(body.entity_id) {
        return Err(AppError::field("entity_id", "field-invalid-choice").into());
    }
    let input = db::PlacementInput::check(
        Some(body.position),
        body.agent_tag.as_deref().unwrap_or_default(),
        body.network.as_deref().unwrap_or_default(),
        Some(body.entity_id),
        body.location_id,
    )
    .map_err(AppError::Validation)?;
    let id = db::add_placement(&state.db, &actor.audit(), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Delete a placement rule
#[utoipa::path(delete, path = "/api/v1/inventory/placements/{id}", tag = "inventory",
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete_placement(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<StatusCode> {
    may_set_up(&actor)?;
    db::delete_placement(&state.db, &actor.audit(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/inventory/placements", placements)
        .post("/api/v1/inventory/placements", add_placement)
        .delete("/api/v1/inventory/placements/{id}", delete_placement)
        .get("/api/v1/inventory/rules", rules)
        .post("/api/v1/inventory/rules", add_rule)
        .patch("/api/v1/inventory/rules/{id}", change_rule)
        .delete("/api/v1/inventory/rules/{id}", delete_rule)
        .get("/api/v1/inventory/agents", agents)
        .get("/api/v1/inventory/refused", refused)
        .post("/api/v1/inventory/refused/{id}/import", import_refused)
        .get("/api/v1/assets/{id}/software", asset_software)
        .get("/api/v1/assets/{id}/inventory", asset_inventory)
        .get("/api/v1/assets/{id}/locks", asset_locks)
        .put("/api/v1/assets/{id}/locks", set_asset_locks)
}
