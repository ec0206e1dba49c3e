//! All SQL of locations.

use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{Location, LocationInput};
use crate::{
    audit::{self, AuditActor, Change, Record},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt, delete_refusal},
    web::list::{CsvRecord, Listing, SortKey, like_pattern},
};

const SELECT: &str = "l.id, l.entity_id, en.name as entity_name, l.parent_id, p.name as parent_name, l.name, l.kind,
    l.address, l.postcode, l.city, l.country, l.notes, l.version, l.created_at, l.updated_at";
const FROM: &str =
    "from locations l join entities en on en.id = l.entity_id left join locations p on p.id = l.parent_id";

pub async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Location> {
    sqlx::query_as(&format!("select {SELECT} {FROM} where l.id = $1 and l.entity_id = any($2)"))
        .bind(id)
        .bind(scope.ids())
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn children(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "select id, name from locations where parent_id = $1 and entity_id = any($2) order by name",
        id,
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// The parent must exist in `scope` and must not be the location or below it.
pub async fn parent_allowed(pool: &PgPool, scope: &Scope, id: Option<Uuid>, parent: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"with recursive below (id) as (
               select $1::uuid where $1::uuid is not null
               union select l.id from locations l join below b on l.parent_id = b.id
           )
           select exists (select 1 from locations where id = $2 and entity_id = any($3))
              and not exists (select 1 from below where id = $2) as "allowed!""#,
        id,
        parent,
        scope.ids()
    )
    .fetch_one(pool)
    .await?)
}

fn name_taken() -> AppError {
    AppError::field("name", "location-name-taken")
}

fn snapshot(input: &LocationInput) -> AppResult<serde_json::Value> {
    Ok(serde_json::to_value(input).map_err(anyhow::Error::from)?)
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &LocationInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into locations (id, entity_id, parent_id, name, kind, address, postcode, city, country, notes)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id,
        input.entity_id,
        input.parent_id,
        input.name,
        input.kind,
        input.address,
        input.postcode,
        input.city,
        input.country,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("locations_parent_name_key", name_taken)?;
    audit::record(
        &mut tx,
        Record {
            kind: ObjectKind::Location,
            object_id: id,
            entity_id: Some(input.entity_id),
            change: Change::Create,
            before: None,
            after: Some(snapshot(input)?),
            actor,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &Location,
    version: i64,
    input: &LocationInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "update locations set entity_id = $3, parent_id = $4, name = $5, kind = $6, address = $7, postcode = $8,
                city = $9, country = $10, notes = $11, version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        input.entity_id,
        input.parent_id,
        input.name,
        input.kind,
        input.address,
        input.postcode,
        input.city,
        input.country,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("locations_parent_name_key", name_taken)?;
    if updated.rows_affected() == 0 {
        return Err(audit::stale_edit(pool, ObjectKind::Location, current.id).await);
    }
    let before = snapshot(&LocationInput::from(current))?;
    audit::record(
        &mut tx,
        Record {
            kind: ObjectKind::Location,
            object_id: current.id,
            entity_id: Some(input.entity_id),
            change: Change::Update,
            before: Some(before),
            after: Some(snapshot(input)?),
            actor,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &Location, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let deleted = sqlx::query!("delete from locations where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await
        .map_err(|e| delete_refusal(e, "locations"))?;
    if deleted.rows_affected() == 0 {
        return Err(audit::stale_edit(pool, ObjectKind::Location, current.id).await);
    }
    let before = snapshot(&LocationInput::from(current))?;
    audit::record(
        &mut tx,
        Record {
            kind: ObjectKind::Location,
            object_id: current.id,
            entity_id: Some(current.entity_id),
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

/// (id, "Site › Building › Room") for select lists, within a scope.
pub async fn choices(pool: &PgPool, scope: &Scope) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"with recursive tree (id, label, depth) as (
               select id, name, 0 from locations where parent_id is null and entity_id = any($1)
               union all
               select l.id, t.label || ' › ' || l.name, t.depth + 1 from locations l join tree t on l.parent_id = t.id
               where t.depth < 20 and l.entity_id = any($1)
           )
           select id as "id!", label as "label!" from tree order by label limit 2000"#,
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.label)).collect())
}

#[derive(Clone, Debug, Default)]
pub struct LocationFilter {
    pub entity_id: Option<Uuid>,
    pub kind: Option<String>,
    pub parent_id: Option<Uuid>,
}

#[derive(Clone, Copy, Debug)]
pub enum LocationSort {
    Name,
    Kind,
    City,
    Entity,
    Parent,
    Updated,
}

impl SortKey for LocationSort {
    const ALL: &'static [Self] = &[Self::Name, Self::Kind, Self::City, Self::Entity, Self::Parent, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Kind => "kind",
            Self::City => "city",
            Self::Entity => "entity",
            Self::Parent => "parent",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "l.name",
            Self::Kind => "l.kind",
            Self::City => "l.city",
            Self::Entity => "en.name",
            Self::Parent => "p.name",
            Self::Updated => "l.updated_at",
        }
    }
}

pub struct LocationList;

impl Listing for LocationList {
    type Row = Location;
    type Filter = LocationFilter;
    type Sort = LocationSort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from locations l";
    const TIEBREAK: &'static str = "l.id";

    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filter: &LocationFilter, q: Option<&str>) {
        qb.push("where l.entity_id = any(").push_bind(scope.ids().to_vec()).push(")");
        if let Some(entity) = filter.entity_id {
            qb.push(" and l.entity_id = ").push_bind(entity);
        }
        if let Some(kind) = &filter.kind {
            qb.push(" and l.kind = ").push_bind(kind.clone());
        }
        if let Some(parent) = filter.parent_id {
            qb.push(" and l.parent_id = ").push_bind(parent);
        }
        if let Some(q) = q {
            let pattern = like_pattern(q);
            qb.push(" and (l.name ilike ")
                .push_bind(pattern.clone())
                .push(" or l.city ilike ")
                .push_bind(pattern.clone());
            qb.push(" or l.address ilike ").push_bind(pattern).push(")");
        }
    }
}

impl CsvRecord for Location {
    fn csv_header() -> &'static [&'static str] {
        &["id", "name", "kind", "entity", "parent", "address", "postcode", "city", "country", "notes", "updated_at"]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.kind.clone(),
            self.entity_name.clone(),
            self.parent_name.clone().unwrap_or_default(),
            self.address.clone(),
            self.postcode.clone(),
            self.city.clone(),
            self.country.clone(),
            self.notes.clone(),
            self.updated_at.to_rfc3339(),
        ]
    }
}
