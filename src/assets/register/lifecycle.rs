//! The life of an asset: handed to a person, a place or another asset, and
//! given back. Each step is one transaction: the asset row is locked, the
//! check-out row written (at most one open per asset), the asset updated and
//! its history recorded.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::domain::{Asset, AssetInput};
use crate::{
    assets::statuses::domain::StatusKind,
    audit::{self, AuditActor, Change, Record},
    auth::permission::ObjectKind,
    error::{AppError, AppResult},
};

/// Where an asset goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    User(Uuid),
    Location(Uuid),
    Asset(Uuid),
}

/// A check-out as the asset page and the API show it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Checkout {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub user_name: Option<String>,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub parent_asset_id: Option<Uuid>,
    pub parent_asset_tag: Option<String>,
    pub checked_out_at: DateTime<Utc>,
    pub checked_out_by: String,
    pub expected_return: Option<NaiveDate>,
    pub note: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_by: Option<String>,
    pub checkin_condition: String,
}

impl Checkout {
    /// The person, place or asset it went to.
    pub fn holder(&self) -> String {
        self.user_name
            .clone()
            .or_else(|| self.location_name.clone())
            .or_else(|| self.parent_asset_tag.clone())
            .unwrap_or_default()
    }
}

/// Body of POST /api/v1/assets/{id}/checkout: exactly one of the three targets.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    pub user_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    pub asset_id: Option<Uuid>,
    /// YYYY-MM-DD
    pub expected_return: Option<String>,
    pub note: Option<String>,
    /// The status it takes (of kind "deployed"); the first such status by default.
    pub status_id: Option<Uuid>,
}

/// Body of POST /api/v1/assets/{id}/checkin.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinRequest {
    /// The state it came back in.
    pub condition: Option<String>,
    /// The status it takes (of kind "deployable" or "pending"); the first deployable one by default.
    pub status_id: Option<Uuid>,
}

const SELECT_CHECKOUT: &str = "select c.id, c.user_id, u.name as user_name, c.location_id, l.name as location_name,
    c.parent_asset_id, p.tag as parent_asset_tag, c.checked_out_at, c.checked_out_by, c.expected_return, c.note,
    c.checked_in_at, c.checked_in_by, c.checkin_condition
    from asset_checkouts c left join users u on u.id = c.user_id left join locations l on l.id = c.location_id
    left join assets p on p.id = c.parent_asset_id";

/// Every check-out of an asset, newest first (the assignment timeline).
pub async fn timeline(pool: &PgPool, asset_id: Uuid) -> AppResult<Vec<Checkout>> {
    Ok(sqlx::query_as(&format!("{SELECT_CHECKOUT} where c.asset_id = $1 order by c.checked_out_at desc limit 200"))
        .bind(asset_id)
        .fetch_all(pool)
        .await?)
}

async fn open_checkout(conn: &mut PgConnection, asset_id: Uuid) -> AppResult<Option<Checkout>> {
    Ok(sqlx::query_as(&format!("{SELECT_CHECKOUT} where c.asset_id = $1 and c.checked_in_at is null"))
        .bind(asset_id)
        .fetch_optional(conn)
        .await?)
}

/// A status of `kind`: the one asked for (checked), else the first by name.
async fn status_of_kind(conn: &mut PgConnection, wanted: Option<Uuid>, kinds: &[StatusKind]) -> AppResult<Uuid> {
    let kinds: Vec<String> = kinds.iter().map(|k| k.as_str().to_owned()).collect();
    let found = sqlx::query_scalar!(
        "select id from asset_statuses where kind::text = any($2) and ($1::uuid is null or id = $1) order by kind, name limit 1",
        wanted,
        &kinds
    )
    .fetch_optional(conn)
    .await?;
    found.ok_or_else(|| AppError::field("status_id", "field-invalid-choice"))
}

/// Parse a check-out request into its target, return date and note.
pub fn target_of(request: &CheckoutRequest) -> AppResult<(Target, Option<NaiveDate>)> {
    let target = match (request.user_id, request.location_id, request.asset_id) {
        (Some(user), None, None) => Target::User(user),
        (None, Some(location), None) => Target::Location(location),
        (None, None, Some(parent)) => Target::Asset(parent),
        _ => return Err(AppError::field("user_id", "checkout-one-target")),
    };
    let mut parser = crate::web::form::Parser::default();
    let expected = parser.optional_date("expected_return", request.expected_return.as_deref().unwrap_or_default());
    if let Some(date) = expected {
        if date < Utc::now().date_naive() {
            parser.errors.add("expected_return", "return-in-past");
        }
    }
    parser.finish((target, expected)).map_err(AppError::Validation)
}

/// Lock the asset row; refuse if it changed since the caller read it.
///
/// The row is locked on its own: `FOR UPDATE` over a join re-checks a row
/// changed by a concurrent transaction against the joined rows of the
/// original snapshot, and the asset would seem to vanish when its status
/// just changed. The status kind is read after the lock.
async fn lock(conn: &mut PgConnection, asset: &Asset) -> AppResult<StatusKind> {
    let row = sqlx::query!("select version, status_id from assets where id = $1 for update", asset.id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    // Someone checked it out first: say who, rather than "it changed".
    if let Some(open) = open_checkout(conn, asset.id).await?.filter(|_| row.version != asset.version) {
        return Err(refused_busy(&open.holder()));
    }
    if row.version != asset.version {
        return Err(AppError::Conflict("the asset changed meanwhile; reload it".into()));
    }
    Ok(sqlx::query_scalar!(r#"select kind as "kind: StatusKind" from asset_statuses where id = $1"#, row.status_id)
        .fetch_one(&mut *conn)
        .await?)
}

fn refused_busy(holder: &str) -> AppError {
    AppError::Conflict(format!("already checked out to {holder}"))
}

/// Hand the asset over. Only a deployable asset (in stock, ready) goes out.
pub async fn check_out(
    pool: &PgPool,
    actor: &AuditActor,
    asset: &Asset,
    target: Target,
    expected_return: Option<NaiveDate>,
    note: &str,
    status: Option<Uuid>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let kind = lock(&mut tx, asset).await?;
    if let Some(open) = open_checkout(&mut tx, asset.id).await? {
        return Err(refused_busy(&open.holder()));
    }
    if kind != StatusKind::Deployable {
        return Err(AppError::Conflict("only an asset ready to deploy can be checked out".into()));
    }
    let status_id = status_of_kind(&mut tx, status, &[StatusKind::Deployed]).await?;
    let (user, location, parent) = match target {
        Target::User(id) => (Some(id), None, None),
        Target::Location(id) => (None, Some(id), None),
        Target::Asset(id) if id == asset.id => return Err(AppError::field("asset_id", "field-invalid-choice")),
        Target::Asset(id) => (None, None, Some(id)),
    };
    sqlx::query!(
        "insert into asset_checkouts (asset_id, user_id, location_id, parent_asset_id, checked_out_by, checked_out_by_id,
                                      expected_return, note)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        asset.id,
        user,
        location,
        parent,
        actor.label,
        actor.id,
        expected_return,
        note
    )
    .execute(&mut *tx)
    .await?;
    let after = AssetInput {
        status_id,
        // Handed to a person: they hold it; to a place or another asset: nobody does.
        assigned_user_id: user,
        location_id: location.or(asset.location_id),
        ..AssetInput::from(asset)
    };
    sqlx::query!(
        "update assets set status_id = $2, assigned_user_id = $3, location_id = $4, parent_asset_id = $5, version = version + 1
          where id = $1",
        asset.id,
        after.status_id,
        after.assigned_user_id,
        after.location_id,
        parent
    )
    .execute(&mut *tx)
    .await?;
    record(&mut tx, actor, asset, &after, "checkout", parent).await?;
    tx.commit().await?;
    Ok(())
}

/// Take the asset back, noting the condition it came back in.
pub async fn check_in(
    pool: &PgPool,
    actor: &AuditActor,
    asset: &Asset,
    condition: &str,
    status: Option<Uuid>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    lock(&mut tx, asset).await?;
    let closed = sqlx::query!(
        "update asset_checkouts set checked_in_at = now(), checked_in_by = $2, checkin_condition = $3
          where asset_id = $1 and checked_in_at is null",
        asset.id,
        actor.label,
        condition
    )
    .execute(&mut *tx)
    .await?;
    if closed.rows_affected() == 0 {
        return Err(AppError::Conflict("the asset is not checked out".into()));
    }
    let status_id = status_of_kind(&mut tx, status, &[StatusKind::Deployable, StatusKind::Pending]).await?;
    let after = AssetInput { status_id, assigned_user_id: None, ..AssetInput::from(asset) };
    sqlx::query!(
        "update assets set status_id = $2, assigned_user_id = null, parent_asset_id = null, version = version + 1 where id = $1",
        asset.id,
        status_id
    )
    .execute(&mut *tx)
    .await?;
    record(&mut tx, actor, asset, &after, "checkin", None).await?;
    tx.commit().await?;
    Ok(())
}

/// Body of POST /api/v1/assets/{id}/status.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status_id: Uuid,
    /// Why (sent to repair, stolen, end of life...). Required.
    pub reason: String,
    /// When it happened, YYYY-MM-DD (today by default), e.g. the disposal date.
    pub on: Option<String>,
}

/// Move an asset to another status, saying why (repair and back, retire,
/// dispose, lost, stolen). An asset someone holds must be checked in before it
/// leaves the "in use" statuses.
pub async fn change_status(
    pool: &PgPool,
    actor: &AuditActor,
    asset: &Asset,
    status: Uuid,
    reason: &str,
    on: NaiveDate,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    change_status_in(&mut tx, actor, asset, status, reason, on).await?;
    tx.commit().await?;
    Ok(())
}

/// [`change_status`] inside the caller's transaction (bulk actions).
pub async fn change_status_in(
    tx: &mut PgConnection,
    actor: &AuditActor,
    asset: &Asset,
    status: Uuid,
    reason: &str,
    on: NaiveDate,
) -> AppResult<()> {
    lock(&mut *tx, asset).await?;
    let kind = sqlx::query_scalar!(r#"select kind as "kind: StatusKind" from asset_statuses where id = $1"#, status)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::field("status_id", "field-invalid-choice"))?;
    if kind != StatusKind::Deployed {
        if let Some(open) = open_checkout(&mut *tx, asset.id).await? {
            return Err(AppError::Conflict(format!("check it in from {} first", open.holder())));
        }
    }
    sqlx::query!("update assets set status_id = $2, version = version + 1 where id = $1", asset.id, status)
        .execute(&mut *tx)
        .await?;
    let after = AssetInput { status_id: status, ..AssetInput::from(asset) };
    let mut before = serde_json::to_value(AssetInput::from(asset)).map_err(anyhow::Error::from)?;
    let mut after = serde_json::to_value(after).map_err(anyhow::Error::from)?;
    if let (Some(before), Some(after)) = (before.as_object_mut(), after.as_object_mut()) {
        before.insert("reason".into(), serde_json::Value::Null);
        after.insert("reason".into(), reason.into());
        before.insert("status_since".into(), serde_json::Value::Null);
        after.insert("status_since".into(), on.to_string().into());
    }
    let record = Record {
        kind: ObjectKind::Asset,
        object_id: asset.id,
        entity_id: Some(asset.entity_id),
        change: Change::Update,
        before: Some(before),
        after: Some(after),
        actor,
    };
    audit::record(tx, record).await?;
    Ok(())
}

/// The history row of a lifecycle step: the fields that moved, and the step's name.
async fn record(
    conn: &mut PgConnection,
    actor: &AuditActor,
    asset: &Asset,
    after: &AssetInput,
    step: &str,
    parent: Option<Uuid>,
) -> AppResult<()> {
    let mut before = serde_json::to_value(AssetInput::from(asset)).map_err(anyhow::Error::from)?;
    let mut after = serde_json::to_value(after).map_err(anyhow::Error::from)?;
    if let (Some(before), Some(after)) = (before.as_object_mut(), after.as_object_mut()) {
        before.insert("lifecycle".into(), serde_json::Value::Null);
        after.insert("lifecycle".into(), step.into());
        after.insert("parent_asset_id".into(), serde_json::to_value(parent).unwrap_or_default());
        before.insert("parent_asset_id".into(), serde_json::Value::Null);
    }
    let record = Record {
        kind: ObjectKind::Asset,
        object_id: asset.id,
        entity_id: Some(asset.entity_id),
        change: Change::Update,
        before: Some(before),
        after: Some(after),
        actor,
    };
    audit::record(conn, record).await?;
    Ok(())
}
