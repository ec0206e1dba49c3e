//! The inventory as the JSON API shows it: agents, what is installed on an
//! asset, and the inventories the rules refused (importable later). Agents
//! and refused inventories are for those who manage the park.

use axum::{
    Json,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::db;
use crate::{
    api::{ApiJson, RouteTable, expected_version},
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

/// The values that identify nothing, per field
#[utoipa::path(get, path = "/api/v1/inventory/blacklist", tag = "inventory",
    responses((status = 200, body = Vec<db::BlacklistRow>), (status = 403, body = crate::error::Problem)))]
pub async fn blacklist(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<Vec<db::BlacklistRow>>> {
    may_set_up(&actor)?;
    Ok(Json(db::blacklist_rows(&state.db).await?))
}

/// Body of POST /api/v1/inventory/blacklist.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlaceholder {
    /// serial, uuid, mac, ip, model or manufacturer.
    pub field: String,
    /// Compared without case; `/…/` is a regular expression.
    pub value: String,
}

/// Add a value that identifies nothing (one already listed answers 200)
#[utoipa::path(post, path = "/api/v1/inventory/blacklist", tag = "inventory", request_body = NewPlaceholder,
    responses((status = 201, body = Created), (status = 200, body = Created, description = "already listed"),
              (status = 422, body = crate::error::Problem)))]
pub async fn add_blacklisted(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<NewPlaceholder>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    may_set_up(&actor)?;
    let (field, value) = db::check_blacklisted(&body.field, &body.value).map_err(AppError::Validation)?;
    let (id, new) = db::add_blacklisted(&state.db, &actor.audit(), field, &value).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(Created { id })))
}

/// Delete a value from the placeholder lists
#[utoipa::path(delete, path = "/api/v1/inventory/blacklist/{id}", tag = "inventory",
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete_blacklisted(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<StatusCode> {
    may_set_up(&actor)?;
    db::delete_blacklisted(&state.db, &actor.audit(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who may send inventories and where new devices go
#[utoipa::path(get, path = "/api/v1/inventory/settings", tag = "inventory",
    responses((status = 200, body = db::Settings), (status = 403, body = crate::error::Problem)))]
pub async fn settings(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<db::Settings>> {
    may_set_up(&actor)?;
    Ok(Json(db::settings(&state.db).await?))
}

/// Body of PUT /api/v1/inventory/settings: every setting, and the version read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdate {
    /// The version read (or send If-Match).
    pub version: Option<i64>,
    /// secret (agents give the shared secret or a token) or open.
    pub access: String,
    /// Addresses or networks ("10.0.0.0/8"); empty: any client address.
    #[serde(default)]
    pub allowed_networks: Vec<String>,
    /// Entity of new devices (one where you register assets); absent: the top entity.
    pub entity_id: Option<Uuid>,
    /// Status of new devices; absent: the first status of the deployed kind.
    pub status_id: Option<Uuid>,
    /// Largest inventory accepted, decompressed: 1 MB to 1 GB.
    pub max_body_bytes: i64,
}

/// Change who may send inventories and where new devices go
#[utoipa::path(put, path = "/api/v1/inventory/settings", tag = "inventory", request_body = SettingsUpdate,
    responses((status = 200, body = db::Settings), (status = 409, body = crate::error::Problem, description = "stale version"),
              (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn save_settings(
    State(state): State<AppState>,
    actor: ApiActor,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SettingsUpdate>,
) -> ApiResult<Json<db::Settings>> {
    may_set_up(&actor)?;
    let version = expected_version(&headers, body.version)?;
    let entities =
        crate::org::entity_choices(&state.db, &actor.scope_or_empty(ObjectKind::Asset, Action::Create)).await?;
    let statuses = crate::assets::register::db::status_choices(&state.db).await?;
    let draft = db::SettingsDraft {
        access: &body.access,
        allowed_networks: body.allowed_networks.iter().map(String::as_str).collect(),
        entity_id: body.entity_id,
        status_id: body.status_id,
        max_body_bytes: Some(body.max_body_bytes),
    };
    let input = db::SettingsInput::check(&draft, &entities, &statuses).map_err(AppError::Validation)?;
    db::save_settings(&state.db, &actor.audit(), version, &input).await?;
    Ok(Json(db::settings(&state.db).await?))
}

/// A secret shown once: it is never shown again.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NewSecret {
    pub secret: String,
}

/// Make a new shared secret for the agents (the old one stops working); shown once
#[utoipa::path(post, path = "/api/v1/inventory/secret", tag = "inventory",
    responses((status = 200, body = NewSecret), (status = 403, body = crate::error::Problem)))]
pub async fn rotate_secret(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<NewSecret>> {
    may_set_up(&actor)?;
    Ok(Json(NewSecret { secret: db::rotate_secret(&state.db, &actor.audit()).await? }))
}

/// The per-site tokens agents may give instead of the shared secret (never the tokens themselves)
#[utoipa::path(get, path = "/api/v1/inventory/tokens", tag = "inventory",
    responses((status = 200, body = Vec<db::TokenRow>), (status = 403, body = crate::error::Problem)))]
pub async fn tokens(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<Vec<db::TokenRow>>> {
    may_set_up(&actor)?;
    Ok(Json(db::tokens(&state.db).await?))
}

/// Body of POST /api/v1/inventory/tokens.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// Who uses it (a site, an agent).
    pub name: String,
    /// The entity of new devices sent with it (one where you register assets).
    pub entity_id: Option<Uuid>,
}

/// A token just made: its id and the token, shown once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub id: Uuid,
    pub token: String,
}

/// Make a token for agents (the token is shown once)
#[utoipa::path(post, path = "/api/v1/inventory/tokens", tag = "inventory", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 422, body = crate::error::Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<NewToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    may_set_up(&actor)?;
    let entities =
        crate::org::entity_choices(&state.db, &actor.scope_or_empty(ObjectKind::Asset, Action::Create)).await?;
    let (name, entity) = db::check_token(&body.name, body.entity_id, &entities).map_err(AppError::Validation)?;
    let (id, token) = db::create_token(&state.db, &actor.audit(), &name, entity).await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { id, token })))
}

/// Revoke a token: agents giving it are refused
#[utoipa::path(post, path = "/api/v1/inventory/tokens/{id}/revoke", tag = "inventory",
    responses((status = 204), (status = 404, body = crate::error::Problem, description = "unknown or already revoked")))]
pub async fn revoke_token(State(state): State<AppState>, actor: ApiActor, ApiId(id): ApiId) -> ApiResult<StatusCode> {
    may_set_up(&actor)?;
    db::revoke_token(&state.db, &actor.audit(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revoke a token (the same as POST …/revoke; it stays listed as revoked)
#[utoipa::path(delete, path = "/api/v1/inventory/tokens/{id}", tag = "inventory",
    responses((status = 204), (status = 404, body = crate::error::Problem, description = "unknown or already revoked")))]
pub async fn delete_token(State(state): State<AppState>, actor: ApiActor, id: ApiId) -> ApiResult<StatusCode> {
    revoke_token(State(state), actor, id).await
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/inventory/blacklist", blacklist)
        .post("/api/v1/inventory/blacklist", add_blacklisted)
        .delete("/api/v1/inventory/blacklist/{id}", delete_blacklisted)
        .get("/api/v1/inventory/settings", settings)
        .put("/api/v1/inventory/settings", save_settings)
        .post("/api/v1/inventory/secret", rotate_secret)
        .get("/api/v1/inventory/tokens", tokens)
        .post("/api/v1/inventory/tokens", create_token)
        .delete("/api/v1/inventory/tokens/{id}", delete_token)
        .post("/api/v1/inventory/tokens/{id}/revoke", revoke_token)
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
