//! Bulk actions on selected assets: a new status (with the reason), place,
//! holder or entity, in one transaction. Either every asset changes, each with
//! its own history row, or none does and the person is told which one refused.

use axum::{Json, body::Bytes, extract::State, response::Response};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    check_input, db,
    domain::{Asset, AssetInput},
    lifecycle,
};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::{
        actor::{Actor, ApiActor},
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError, AppResult},
    state::AppState,
    web::{PageCtx, bulk, form},
};

/// At most this many assets per action, so one request stays one short transaction.
pub const MAX_ASSETS: usize = 1000;

/// What to change on every selected asset.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum BulkAction {
    /// A new status, with the reason (as a single status change).
    Status { status_id: Uuid, reason: String },
    /// A new place; null clears it.
    Location { location_id: Option<Uuid> },
    /// A new responsible person; null clears it.
    Assignee { assigned_user_id: Option<Uuid> },
    /// Move to another entity.
    Entity { entity_id: Uuid },
}

/// Body of POST /api/v1/assets/bulk. Unknown fields are refused by the
/// action (serde cannot deny them on a struct with a flattened part).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BulkRequest {
    pub ids: Vec<Uuid>,
    #[serde(flatten)]
    pub change: BulkAction,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BulkOutcome {
    /// Tags of the assets changed.
    pub updated: Vec<String>,
}

impl BulkAction {
    /// The asset's values after the change (the status is handled by the lifecycle).
    fn applied_to(&self, asset: &Asset) -> AssetInput {
        let mut after = AssetInput::from(asset);
        match *self {
            Self::Status { .. } => {}
            Self::Location { location_id } => after.location_id = location_id,
            Self::Assignee { assigned_user_id } => after.assigned_user_id = assigned_user_id,
            Self::Entity { entity_id } => after.entity_id = entity_id,
        }
        after
    }
}

/// Refusals name the asset, so the person knows which one to look at.
fn naming(asset: &Asset, error: AppError) -> AppError {
    match error {
        AppError::Conflict(reason) => AppError::Conflict(format!("{}: {reason}", asset.tag)),
        AppError::StaleEdit { .. } => AppError::Conflict(format!("{}: changed meanwhile, reload", asset.tag)),
        AppError::Validation(errors) | AppError::Taken(errors) => {
            let fields: Vec<&str> = errors.iter().map(|(field, _)| field).collect();
            AppError::Unprocessable(format!("{}: {} refused", asset.tag, fields.join(", ")))
        }
        other => other,
    }
}

/// The selected assets the actor may edit; any other id is "not found".
async fn editable_assets(state: &AppState, actor: &Actor, ids: &[Uuid]) -> AppResult<Vec<Asset>> {
    bulk::check_selection(ids, MAX_ASSETS)?;
    let scope = actor.scope(ObjectKind::Asset, Action::Update)?;
    let mut assets = db::find_many(&state.db, &scope, ids).await?;
    // One order for every bulk action, so two of them never deadlock.
    assets.sort_unstable_by_key(|a| a.id);
    Ok(assets)
}

/// Check every asset's new values, then change them all in one transaction.
pub async fn run(state: &AppState, actor: &Actor, ids: &[Uuid], change: &BulkAction) -> AppResult<Vec<String>> {
    let assets = editable_assets(state, actor, ids).await?;
    if let BulkAction::Status { reason, .. } = change {
        if reason.trim().is_empty() || reason.chars().count() > 2000 {
            return Err(AppError::field("reason", "field-required"));
        }
    }
    for asset in &assets {
        let after = change.applied_to(asset);
        check_input(state, actor, &after, Action::Update).await.map_err(|e| naming(asset, e))?;
    }
    apply(&state.db, &actor.audit(), &assets, change).await?;
    Ok(assets.into_iter().map(|a| a.tag).collect())
}

async fn apply(pool: &PgPool, actor: &AuditActor, assets: &[Asset], change: &BulkAction) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let today = chrono::Utc::now().date_naive();
    for asset in assets {
        let outcome = match change {
            BulkAction::Status { status_id, reason } => {
                lifecycle::change_status_in(&mut tx, actor, asset, *status_id, reason.trim(), today).await
            }
            _ => update_fields(&mut tx, pool, actor, asset, &change.applied_to(asset)).await,
        };
        outcome.map_err(|e| naming(asset, e))?;
    }
    tx.commit().await?;
    Ok(())
}

async fn update_fields(
    conn: &mut sqlx::PgConnection,
    pool: &PgPool,
    actor: &AuditActor,
    asset: &Asset,
    after: &AssetInput,
) -> AppResult<()> {
    let updated = sqlx::query!(
        "update assets set location_id = $3, assigned_user_id = $4, entity_id = $5, version = version + 1
          where id = $1 and version = $2",
        asset.id,
        asset.version,
        after.location_id,
        after.assigned_user_id,
        after.entity_id
    )
    .execute(&mut *conn)
    .await?;
    let subject = Subject::new(ObjectKind::Asset, asset.id, Some(after.entity_id));
    audit::updated(conn, pool, actor, subject, updated.rows_affected(), &AssetInput::from(asset), after).await
}

/// Change several assets at once
#[utoipa::path(post, path = "/api/v1/assets/bulk", tag = "assets", request_body = BulkRequest,
    responses((status = 200, body = BulkOutcome), (status = 404, body = crate::error::Problem, description = "an asset is not in your scope"),
              (status = 409, body = crate::error::Problem, description = "an asset refused the change (named in the detail); none changed"),
              (status = 422, body = crate::error::Problem)))]
pub async fn bulk_assets(
    State(state): State<AppState>,
    actor: ApiActor,
    crate::api::ApiJson(body): crate::api::ApiJson<BulkRequest>,
) -> ApiResult<Json<BulkOutcome>> {
    let updated = run(&state, &actor, &body.ids, &body.change).await?;
    Ok(Json(BulkOutcome { updated }))
}

/// The list page's bulk form: the ticked `ids`, the `action` and its values.
fn parse_form(body: &[u8]) -> AppResult<(Vec<Uuid>, BulkAction)> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("malformed form".into()))?;
    let id = |name: &str| form::pair_optional_id(&pairs, name);
    let required = |name: &str| id(name)?.ok_or_else(|| AppError::field(name, "field-required"));
    let ids = bulk::ticked_ids(&pairs, MAX_ASSETS)?;
    let change = match form::pair_value(&pairs, "action") {
        "status" => BulkAction::Status {
            status_id: required("status_id")?,
            reason: form::pair_value(&pairs, "reason").to_owned(),
        },
        "location" => BulkAction::Location { location_id: id("location_id")? },
        "assignee" => BulkAction::Assignee { assigned_user_id: id("assigned_user_id")? },
        "entity" => BulkAction::Entity { entity_id: required("entity_id")? },
        _ => return Err(AppError::field("action", "field-required")),
    };
    Ok((ids, change))
}

/// The outcome of a bulk action from the list: what changed, or why nothing did.
pub async fn bulk_page(State(state): State<AppState>, ctx: PageCtx, actor: Actor, body: Bytes) -> AppResult<Response> {
    let outcome = match parse_form(&body) {
        Ok((ids, change)) => run(&state, &actor, &ids, &change).await,
        Err(error) => Err(error),
    };
    let wording = bulk::ResultWording { title_key: "bulk-title", back_href: "/assets", back_key: "bulk-back" };
    bulk::result_page(ctx, &wording, outcome)
}
