//! What an asset is linked to: the people who use a shared device ("used by",
//! besides the person responsible for it) and other assets (a monitor
//! connected to a computer, a laptop on its docking station, a component).
//! Every link made or undone is written to the history of the assets concerned.

use axum::{
    Form, Json,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{db, domain::Asset, handlers::check_target, lifecycle::Target};
use crate::{
    api::ApiJson,
    audit::{self, AuditActor},
    auth::{
        actor::{Actor, ApiActor},
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError, AppResult},
    state::AppState,
    web::layout::redirect_with_flash,
};

/// How `asset` relates to `related`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RelationKind {
    /// A monitor, printer or peripheral connected to a computer.
    Connected,
    /// A laptop on a docking station.
    Docked,
    /// A part inside another asset.
    Component,
}

impl RelationKind {
    pub const ALL: [Self; 3] = [Self::Connected, Self::Docked, Self::Component];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::Docked => "docked",
            Self::Component => "component",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }

    /// Message key of the relation read from this side ("connected to") or the other ("has connected").
    pub fn label_key(self, outgoing: bool) -> String {
        format!("relation-{}-{}", self.as_str(), if outgoing { "to" } else { "from" })
    }
}

/// A relation as seen from one of its two assets.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Relation {
    pub id: Uuid,
    pub kind: RelationKind,
    /// True when this asset is the one connected to / docked on / part of the other.
    pub outgoing: bool,
    pub other_id: Uuid,
    pub other_tag: String,
    pub other_name: String,
}

impl Relation {
    /// Message key of the relation read from this asset's side.
    pub fn label_key(&self) -> String {
        self.kind.label_key(self.outgoing)
    }
}

/// A person using a shared device.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AssetUser {
    pub user_id: Uuid,
    pub name: String,
}

pub async fn users_of(pool: &PgPool, asset_id: Uuid) -> AppResult<Vec<AssetUser>> {
    Ok(sqlx::query_as!(
        AssetUser,
        "select u.id as user_id, u.name from asset_users au join users u on u.id = au.user_id
          where au.asset_id = $1 order by u.name",
        asset_id
    )
    .fetch_all(pool)
    .await?)
}

/// The relations of `asset_id` whose other asset is in `visible` entities.
pub async fn relations_of(pool: &PgPool, asset_id: Uuid, visible: &[Uuid]) -> AppResult<Vec<Relation>> {
    let rows = sqlx::query!(
        r#"select r.id, r.kind, r.asset_id = $1 as "outgoing!", o.id as other_id, o.tag, o.name
             from asset_relations r join assets o on o.id = case when r.asset_id = $1 then r.related_id else r.asset_id end
            where (r.asset_id = $1 or r.related_id = $1) and o.entity_id = any($2)
            order by r.kind, o.tag"#,
        asset_id,
        visible
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Relation {
                id: r.id,
                kind: RelationKind::parse(&r.kind)?,
                outgoing: r.outgoing,
                other_id: r.other_id,
                other_tag: r.tag,
                other_name: r.name,
            })
        })
        .collect())
}

/// The "used by" names of an asset, for its history.
async fn user_names(conn: &mut PgConnection, asset_id: Uuid) -> AppResult<String> {
    let names = sqlx::query_scalar!(
        "select u.name from asset_users au join users u on u.id = au.user_id where au.asset_id = $1 order by u.name",
        asset_id
    )
    .fetch_all(conn)
    .await?;
    Ok(names.join(", "))
}

/// Every relation of an asset as "kind tag" text, for its history.
async fn relation_text(conn: &mut PgConnection, asset_id: Uuid) -> AppResult<String> {
    let lines = sqlx::query_scalar!(
        r#"select r.kind || case when r.asset_id = $1 then ' → ' else ' ← ' end || o.tag as "line!"
             from asset_relations r join assets o on o.id = case when r.asset_id = $1 then r.related_id else r.asset_id end
            where r.asset_id = $1 or r.related_id = $1 order by 1"#,
        asset_id
    )
    .fetch_all(conn)
    .await?;
    Ok(lines.join("; "))
}

/// Record `field` of `asset` going from `before` to what `now` reads, in the caller's transaction.
async fn record_change(
    conn: &mut PgConnection,
    actor: &AuditActor,
    asset: (Uuid, Uuid),
    field: &str,
    before: String,
    after: String,
) -> AppResult<()> {
    let record = audit::Record {
        kind: ObjectKind::Asset,
        object_id: asset.0,
        entity_id: Some(asset.1),
        change: audit::Change::Update,
        before: Some(serde_json::json!({ field: before })),
        after: Some(serde_json::json!({ field: after })),
        actor,
    };
    audit::record(conn, record).await.map(drop)
}

/// Add (`add` true) or remove a person from the users of `asset`.
pub async fn set_user(pool: &PgPool, actor: &AuditActor, asset: &Asset, user_id: Uuid, add: bool) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!("select id from assets where id = $1 for update", asset.id).fetch_one(&mut *tx).await?;
    let before = user_names(&mut tx, asset.id).await?;
    if add {
        sqlx::query!(
            "insert into asset_users (asset_id, user_id) values ($1, $2) on conflict do nothing",
            asset.id,
            user_id
        )
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query!("delete from asset_users where asset_id = $1 and user_id = $2", asset.id, user_id)
            .execute(&mut *tx)
            .await?;
    }
    let after = user_names(&mut tx, asset.id).await?;
    record_change(&mut tx, actor, (asset.id, asset.entity_id), "used_by", before, after).await?;
    tx.commit().await?;
    Ok(())
}

/// Link `asset` to `other`; a pair of assets has at most one relation.
pub async fn relate(
    pool: &PgPool,
    actor: &AuditActor,
    asset: &Asset,
    kind: RelationKind,
    other: &Asset,
) -> AppResult<Uuid> {
    if asset.id == other.id {
        return Err(AppError::field("tag", "relation-itself"));
    }
    let mut tx = pool.begin().await?;
    let ends = lock_both(&mut tx, asset.id, other.id).await?;
    let before = histories(&mut tx, &ends).await?;
    let id = Uuid::now_v7();
    let inserted = sqlx::query!(
        "insert into asset_relations (id, asset_id, related_id, kind) values ($1, $2, $3, $4) on conflict do nothing",
        id,
        asset.id,
        other.id,
        kind.as_str()
    )
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(AppError::Taken(crate::web::form::FieldErrors::single("tag", "relation-exists")));
    }
    record_both(&mut tx, actor, &ends, before).await?;
    tx.commit().await?;
    Ok(id)
}

/// Undo relation `relation_id` of `asset`.
pub async fn unrelate(pool: &PgPool, actor: &AuditActor, asset: &Asset, relation_id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let other = sqlx::query_scalar!(
        "select case when asset_id = $2 then related_id else asset_id end as \"other!\"
           from asset_relations where id = $1 and (asset_id = $2 or related_id = $2)",
        relation_id,
        asset.id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let ends = lock_both(&mut tx, asset.id, other).await?;
    let before = histories(&mut tx, &ends).await?;
    sqlx::query!("delete from asset_relations where id = $1", relation_id).execute(&mut *tx).await?;
    record_both(&mut tx, actor, &ends, before).await?;
    tx.commit().await?;
    Ok(())
}

/// Lock both assets in id order (so two opposite links cannot deadlock);
/// their (id, entity) pairs.
async fn lock_both(conn: &mut PgConnection, a: Uuid, b: Uuid) -> AppResult<Vec<(Uuid, Uuid)>> {
    let rows =
        sqlx::query!("select id, entity_id from assets where id = any($1) order by id for update", &[a, b] as &[Uuid])
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.entity_id)).collect())
}

async fn histories(conn: &mut PgConnection, ends: &[(Uuid, Uuid)]) -> AppResult<Vec<String>> {
    let mut texts = Vec::new();
    for (id, _) in ends {
        texts.push(relation_text(conn, *id).await?);
    }
    Ok(texts)
}

async fn record_both(
    conn: &mut PgConnection,
    actor: &AuditActor,
    ends: &[(Uuid, Uuid)],
    before: Vec<String>,
) -> AppResult<()> {
    for (end, before) in ends.iter().zip(before) {
        let after = relation_text(conn, end.0).await?;
        record_change(conn, actor, *end, "relations", before, after).await?;
    }
    Ok(())
}

async fn editable(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<Asset> {
    db::find(&state.db, &actor.scope(ObjectKind::Asset, Action::Update)?, id).await
}

/// The asset with this tag among those the actor can see.
async fn visible_by_tag(state: &AppState, actor: &Actor, tag: &str) -> AppResult<Asset> {
    let scope = actor.scope(ObjectKind::Asset, Action::View)?;
    let id =
        db::id_by_tag(&state.db, tag.trim()).await?.ok_or_else(|| AppError::field("tag", "relation-unknown-tag"))?;
    db::find(&state.db, &scope, id).await.map_err(|error| match error {
        AppError::NotFound => AppError::field("tag", "relation-unknown-tag"),
        other => other,
    })
}

async fn add_user(state: &AppState, actor: &Actor, id: Uuid, user_id: Uuid) -> AppResult<()> {
    let asset = editable(state, actor, id).await?;
    check_target(state, actor, Target::User(user_id)).await?;
    set_user(&state.db, &actor.audit(), &asset, user_id, true).await
}

async fn remove_user(state: &AppState, actor: &Actor, id: Uuid, user_id: Uuid) -> AppResult<()> {
    let asset = editable(state, actor, id).await?;
    set_user(&state.db, &actor.audit(), &asset, user_id, false).await
}

async fn add_relation(state: &AppState, actor: &Actor, id: Uuid, kind: RelationKind, tag: &str) -> AppResult<Uuid> {
    let asset = editable(state, actor, id).await?;
    let other = visible_by_tag(state, actor, tag).await?;
    relate(&state.db, &actor.audit(), &asset, kind, &other).await
}

async fn remove_relation(state: &AppState, actor: &Actor, id: Uuid, relation_id: Uuid) -> AppResult<()> {
    let asset = editable(state, actor, id).await?;
    unrelate(&state.db, &actor.audit(), &asset, relation_id).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserLink {
    pub user_id: Uuid,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationRequest {
    pub kind: RelationKind,
    /// The other asset's tag.
    pub tag: String,
}

/// The people using an asset
#[utoipa::path(get, path = "/api/v1/assets/{id}/users", tag = "assets", responses((status = 200, body = Vec<AssetUser>)))]
pub async fn list_users(
    State(state): State<AppState>,
    actor: ApiActor,
    crate::web::extract::ApiId(id): crate::web::extract::ApiId,
) -> ApiResult<Json<Vec<AssetUser>>> {
    let asset = db::find(&state.db, &actor.scope(ObjectKind::Asset, Action::View)?, id).await?;
    Ok(Json(users_of(&state.db, asset.id).await?))
}

/// Add a person to the users of a shared asset
#[utoipa::path(post, path = "/api/v1/assets/{id}/users", tag = "assets", request_body = UserLink,
    responses((status = 200, body = Vec<AssetUser>), (status = 422, body = crate::error::Problem)))]
pub async fn post_user(
    State(state): State<AppState>,
    actor: ApiActor,
    crate::web::extract::ApiId(id): crate::web::extract::ApiId,
    ApiJson(body): ApiJson<UserLink>,
) -> ApiResult<Json<Vec<AssetUser>>> {
    add_user(&state, &actor, id, body.user_id).await?;
    Ok(Json(users_of(&state.db, id).await?))
}

/// Remove a person from the users of an asset
#[utoipa::path(delete, path = "/api/v1/assets/{id}/users/{user_id}", tag = "assets", responses((status = 204)))]
pub async fn delete_user(
    State(state): State<AppState>,
    actor: ApiActor,
    Path((id, user_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    remove_user(&state, &actor, id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The assets linked to an asset
#[utoipa::path(get, path = "/api/v1/assets/{id}/relations", tag = "assets", responses((status = 200, body = Vec<Relation>)))]
pub async fn list_relations(
    State(state): State<AppState>,
    actor: ApiActor,
    crate::web::extract::ApiId(id): crate::web::extract::ApiId,
) -> ApiResult<Json<Vec<Relation>>> {
    let scope = actor.scope(ObjectKind::Asset, Action::View)?;
    let asset = db::find(&state.db, &scope, id).await?;
    Ok(Json(relations_of(&state.db, asset.id, scope.ids()).await?))
}

/// Link an asset to another (connected to, docked on, part of)
#[utoipa::path(post, path = "/api/v1/assets/{id}/relations", tag = "assets", request_body = RelationRequest,
    responses((status = 201, body = Vec<Relation>), (status = 409, body = crate::error::Problem, description = "already linked"),
              (status = 422, body = crate::error::Problem)))]
pub async fn post_relation(
    State(state): State<AppState>,
    actor: ApiActor,
    crate::web::extract::ApiId(id): crate::web::extract::ApiId,
    ApiJson(body): ApiJson<RelationRequest>,
) -> ApiResult<(StatusCode, Json<Vec<Relation>>)> {
    add_relation(&state, &actor, id, body.kind, &body.tag).await?;
    let scope = actor.scope(ObjectKind::Asset, Action::View)?;
    Ok((StatusCode::CREATED, Json(relations_of(&state.db, id, scope.ids()).await?)))
}

/// Undo a relation
#[utoipa::path(delete, path = "/api/v1/assets/{id}/relations/{relation_id}", tag = "assets", responses((status = 204)))]
pub async fn delete_relation(
    State(state): State<AppState>,
    actor: ApiActor,
    Path((id, relation_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    remove_relation(&state, &actor, id, relation_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserForm {
    user_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RelationForm {
    kind: String,
    tag: String,
}

/// Back to the asset page, with the outcome as a message.
fn back(id: Uuid, outcome: AppResult<()>, success_key: &str) -> AppResult<Response> {
    let page = format!("/assets/{id}");
    match outcome {
        Ok(()) => Ok(redirect_with_flash(&page, "success", success_key)),
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let key = errors.iter().next().map(|(_, key)| key.to_owned()).unwrap_or_else(|| "form-has-errors".into());
            Ok(redirect_with_flash(&page, "error", &key))
        }
        Err(other) => Err(other),
    }
}

fn form_id(text: &str, field: &str) -> AppResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| AppError::field(field, "field-invalid-choice"))
}

pub async fn add_user_page(
    State(state): State<AppState>,
    actor: Actor,
    crate::web::extract::Id(id): crate::web::extract::Id,
    Form(form): Form<UserForm>,
) -> AppResult<Response> {
    let outcome = match form_id(&form.user_id, "user_id") {
        Ok(user_id) => add_user(&state, &actor, id, user_id).await,
        Err(error) => Err(error),
    };
    back(id, outcome, "flash-saved")
}

pub async fn remove_user_page(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, user_id)): Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    back(id, remove_user(&state, &actor, id, user_id).await, "flash-saved")
}

pub async fn add_relation_page(
    State(state): State<AppState>,
    actor: Actor,
    crate::web::extract::Id(id): crate::web::extract::Id,
    Form(form): Form<RelationForm>,
) -> AppResult<Response> {
    let outcome = match RelationKind::parse(&form.kind) {
        Some(kind) => add_relation(&state, &actor, id, kind, &form.tag).await.map(drop),
        None => Err(AppError::field("kind", "field-invalid-choice")),
    };
    back(id, outcome, "flash-saved")
}

pub async fn remove_relation_page(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, relation_id)): Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    back(id, remove_relation(&state, &actor, id, relation_id).await, "flash-saved")
}
