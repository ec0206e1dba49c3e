//! All SQL of entities.

use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{Entity, EntityInput};
use crate::{
    audit::{self, AuditActor, Change, Record},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt, delete_refusal},
    web::{
        list::{CsvRecord, Listing, SortKey, like_pattern},
        table::Cell,
    },
};

const FROM: &str = "from entities e left join entities p on p.id = e.parent_id";
const SELECT: &str = "e.id, e.parent_id, p.name as parent_name, e.name, e.kind, e.country, e.notes, e.version, e.created_at, e.updated_at";

/// The top of the entity tree (the first created, if there are several).
pub async fn top(pool: &PgPool) -> AppResult<Option<Uuid>> {
    Ok(sqlx::query_scalar!("select id from entities where parent_id is null order by created_at limit 1")
        .fetch_optional(pool)
        .await?)
}

pub async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Entity> {
    sqlx::query_as(&format!("select {SELECT} {FROM} where e.id = $1 and e.id = any($2)"))
        .bind(id)
        .bind(scope.ids())
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// The direct sub-entities of `id` within `scope`, for the detail page.
pub async fn children(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "select id, name from entities where parent_id = $1 and id = any($2) order by name",
        id,
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// Whether `candidate` is `id` or lies below it (it cannot become its parent).
async fn is_within(pool: &PgPool, id: Uuid, candidate: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"with recursive below (id) as (
               select $1::uuid union select e.id from entities e join below b on e.parent_id = b.id
           ) select exists (select 1 from below where id = $2) as "within!""#,
        id,
        candidate
    )
    .fetch_one(pool)
    .await?)
}

fn name_taken() -> AppError {
    AppError::field("name", "entity-name-taken")
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &EntityInput) -> AppResult<Entity> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into entities (id, parent_id, name, kind, country, notes) values ($1, $2, $3, $4, $5, $6)",
        id,
        input.parent_id,
        input.name,
        input.kind,
        input.country,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("entities_parent_name_key", name_taken)?;
    let after = serde_json::to_value(input).map_err(anyhow::Error::from)?;
    audit::record(
        &mut tx,
        Record {
            kind: ObjectKind::Entity,
            object_id: id,
            entity_id: Some(id),
            change: Change::Create,
            before: None,
            after: Some(after),
            actor,
        },
    )
    .await?;
    tx.commit().await?;
    let everything = Scope::new(vec![id]);
    find(pool, &everything, id).await
}

/// Update from `version`; a stale version is refused naming who changed it.
pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &Entity,
    version: i64,
    input: &EntityInput,
) -> AppResult<()> {
    if let Some(parent) = input.parent_id {
        if is_within(pool, current.id, parent).await? {
            return Err(AppError::field("parent_id", "entity-parent-cycle"));
        }
    }
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "update entities set parent_id = $3, name = $4, kind = $5, country = $6, notes = $7, version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        input.parent_id,
        input.name,
        input.kind,
        input.country,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("entities_parent_name_key", name_taken)?;
    if updated.rows_affected() == 0 {
        return Err(audit::stale_edit(pool, ObjectKind::Entity, current.id).await);
    }
    let before = serde_json::to_value(EntityInput::from(current)).map_err(anyhow::Error::from)?;
    let after = serde_json::to_value(input).map_err(anyhow::Error::from)?;
    audit::record(
        &mut tx,
        Record {
            kind: ObjectKind::Entity,
            object_id: current.id,
            entity_id: Some(current.id),
            change: Change::Update,
            before: Some(before),
            after: Some(after),
            actor,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Delete, refused while anything still uses the entity.
pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &Entity, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let deleted = sqlx::query!("delete from entities where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await
        .map_err(|e| delete_refusal(e, "entities"))?;
    if deleted.rows_affected() == 0 {
        return Err(audit::stale_edit(pool, ObjectKind::Entity, current.id).await);
    }
    let before = serde_json::to_value(EntityInput::from(current)).map_err(anyhow::Error::from)?;
    audit::record(
        &mut tx,
        Record {
            kind: ObjectKind::Entity,
            object_id: current.id,
            entity_id: Some(current.id),
            change: Change::Delete,
            before: Some(before),
            after: None,
            actor,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Filters of the entity list.
#[derive(Clone, Debug, Default)]
pub struct EntityFilter {
    pub kind: Option<String>,
    pub parent_id: Option<Uuid>,
}

#[derive(Clone, Copy, Debug)]
pub enum EntitySort {
    Name,
    Kind,
    Country,
    Parent,
    Updated,
}

impl SortKey for EntitySort {
    const ALL: &'static [Self] = &[Self::Name, Self::Kind, Self::Country, Self::Parent, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Kind => "kind",
            Self::Country => "country",
            Self::Parent => "parent",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "e.name",
            Self::Kind => "e.kind",
            Self::Country => "e.country",
            Self::Parent => "p.name",
            Self::Updated => "e.updated_at",
        }
    }
}

pub struct EntityList;

impl Listing for EntityList {
    type Row = Entity;
    type Filter = EntityFilter;
    type Sort = EntitySort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from entities e";
    const TIEBREAK: &'static str = "e.id";

    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filter: &EntityFilter, q: Option<&str>) {
        qb.push("where e.id = any(").push_bind(scope.ids().to_vec()).push(")");
        if let Some(kind) = &filter.kind {
            qb.push(" and e.kind = ").push_bind(kind.clone());
        }
        if let Some(parent) = filter.parent_id {
            qb.push(" and e.parent_id = ").push_bind(parent);
        }
        if let Some(q) = q {
            qb.push(" and (e.name ilike ")
                .push_bind(like_pattern(q))
                .push(" or e.country ilike ")
                .push_bind(like_pattern(q))
                .push(")");
        }
    }
}

impl CsvRecord for Entity {
    fn csv_header() -> &'static [&'static str] {
        &["id", "name", "kind", "parent", "country", "notes", "updated_at"]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.kind.clone(),
            self.parent_name.clone().unwrap_or_default(),
            self.country.clone(),
            self.notes.clone(),
            self.updated_at.to_rfc3339(),
        ]
    }
}

impl Entity {
    /// The cells of its row in the list page.
    pub fn cells(&self, kind_label: String) -> Vec<Cell> {
        vec![
            Cell::link(self.name.clone(), format!("/entities/{}", self.id)),
            Cell::text(kind_label),
            Cell::object(self.parent_name.clone(), "entities", self.parent_id),
            Cell::text(self.country.clone()),
        ]
    }
}
