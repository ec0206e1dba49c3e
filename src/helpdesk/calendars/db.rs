//! All SQL of working calendars and their closed days.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{Calendar, CalendarInput, Closure};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt, delete_refusal},
    web::list::{CsvRecord, Listing, SortKey, find_in_scope, like_pattern},
};

const SELECT: &str = "k.id, k.entity_id, en.name as entity_name, k.name, k.time_zone, k.week, k.french_holidays,
    coalesce((select jsonb_agg(jsonb_build_object('day', cc.day, 'name', cc.name) order by cc.day)
                from calendar_closures cc where cc.calendar_id = k.id), '[]'::jsonb) as closures,
    (select count(*) from slas s where s.calendar_id = k.id) as sla_count, k.version, k.created_at, k.updated_at";
const FROM: &str = "from calendars k join entities en on en.id = k.entity_id";
const KIND: ObjectKind = ObjectKind::Calendar;

pub async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Calendar> {
    find_in_scope::<CalendarList>(pool, scope, "k.entity_id", id).await
}

/// (id, name) of the calendars usable within `scope`: those of its
/// entities and of the entities above them.
pub async fn choices(pool: &PgPool, scope: &Scope) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "select id, name from calendars where entity_id in (select id from entity_lineages($1)) order by name",
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
}

/// Whether calendar `id` belongs to `entity` or to an entity above it.
pub async fn usable_from(pool: &PgPool, id: Uuid, entity: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"select exists (select 1 from calendars
              where id = $1 and entity_id in (select id from entity_lineage($2))) as "usable!""#,
        id,
        entity
    )
    .fetch_one(pool)
    .await?)
}

/// The service levels counting in a calendar, within `scope`: (id, name).
pub async fn slas(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "select id, name from slas where calendar_id = $1 and entity_id = any($2) order by name",
        id,
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// What the history compares: the fields and the closed days.
#[derive(Serialize)]
struct Snapshot<'a> {
    #[serde(flatten)]
    input: &'a CalendarInput,
    closures: Vec<String>,
}

fn snapshot<'a>(input: &'a CalendarInput, closures: &[Closure]) -> Snapshot<'a> {
    Snapshot { input, closures: closures.iter().map(Closure::label).collect() }
}

fn name_taken() -> AppError {
    AppError::field("name", "name-taken")
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &CalendarInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into calendars (id, entity_id, name, time_zone, week, french_holidays) values ($1, $2, $3, $4, $5, $6)",
        id,
        input.entity_id,
        &input.name,
        &input.time_zone,
        &input.week,
        input.french_holidays
    )
    .execute(&mut *tx)
    .await
    .on_constraint("calendars_entity_name_key", name_taken)?;
    audit::created(&mut tx, actor, Subject::new(KIND, id, Some(input.entity_id)), &snapshot(input, &[])).await?;
    tx.commit().await?;
    Ok(id)
}

/// Refused when it would move the calendar away from service levels that
/// count in it (they must stay at its entity or below).
pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &Calendar,
    version: i64,
    input: &CalendarInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    if input.entity_id != current.entity_id {
        let stranded = sqlx::query_scalar!(
            r#"select exists (select 1 from slas s where s.calendar_id = $1
                  and $2 not in (select id from entity_lineage(s.entity_id))) as "stranded!""#,
            current.id,
            input.entity_id
        )
        .fetch_one(&mut *tx)
        .await?;
        if stranded {
            return Err(AppError::field("entity_id", "calendar-used-elsewhere"));
        }
    }
    let updated = sqlx::query!(
        "update calendars set entity_id = $3, name = $4, time_zone = $5, week = $6, french_holidays = $7,
                version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        input.entity_id,
        &input.name,
        &input.time_zone,
        &input.week,
        input.french_holidays
    )
    .execute(&mut *tx)
    .await
    .on_constraint("calendars_entity_name_key", name_taken)?;
    let subject = Subject::new(KIND, current.id, Some(input.entity_id));
    let before = CalendarInput::from(current);
    let (before, after) = (snapshot(&before, &current.closures), snapshot(input, &current.closures));
    audit::updated(&mut tx, pool, actor, subject, updated.rows_affected(), &before, &after).await?;
    tx.commit().await?;
    Ok(())
}

/// Refused while service levels count in it; its closed days go with it.
pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &Calendar, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let deleted = sqlx::query!("delete from calendars where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await
        .map_err(|e| delete_refusal(e, "calendars"))?;
    let subject = Subject::new(KIND, current.id, Some(current.entity_id));
    let before = CalendarInput::from(current);
    audit::deleted(&mut tx, pool, actor, subject, deleted.rows_affected(), &snapshot(&before, &current.closures))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A change of the closed days.
#[derive(Clone, Debug)]
pub enum ClosureChange {
    Add(Closure),
    Remove(NaiveDate),
}

/// Add or remove a closed day from `version`: the calendar's version moves
/// on and the history records the days before and after.
pub async fn change_closures(
    pool: &PgPool,
    actor: &AuditActor,
    current: &Calendar,
    version: i64,
    change: &ClosureChange,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let bumped =
        sqlx::query!("update calendars set version = version + 1 where id = $1 and version = $2", current.id, version)
            .execute(&mut *tx)
            .await?;
    if bumped.rows_affected() == 0 {
        return Err(audit::stale_edit(pool, KIND, current.id).await);
    }
    let mut closures = current.closures.0.clone();
    match change {
        ClosureChange::Add(closure) => {
            sqlx::query!(
                "insert into calendar_closures (calendar_id, day, name) values ($1, $2, $3)",
                current.id,
                closure.day,
                &closure.name
            )
            .execute(&mut *tx)
            .await
            .on_constraint("calendar_closures_pkey", || AppError::field("day", "calendar-closure-taken"))?;
            closures.push(closure.clone());
            closures.sort_by_key(|c| c.day);
        }
        ClosureChange::Remove(day) => {
            let removed =
                sqlx::query!("delete from calendar_closures where calendar_id = $1 and day = $2", current.id, day)
                    .execute(&mut *tx)
                    .await?;
            if removed.rows_affected() == 0 {
                return Err(AppError::field("day", "field-invalid-choice"));
            }
            closures.retain(|c| c.day != *day);
        }
    }
    let input = CalendarInput::from(current);
    let subject = Subject::new(KIND, current.id, Some(current.entity_id));
    audit::record_change(&mut tx, actor, subject, &snapshot(&input, &current.closures), &snapshot(&input, &closures))
        .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct CalendarFilter {
    pub entity_id: Option<Uuid>,
}

#[derive(Clone, Copy, Debug)]
pub enum CalendarSort {
    Name,
    Entity,
    TimeZone,
    Updated,
}

impl SortKey for CalendarSort {
    const ALL: &'static [Self] = &[Self::Name, Self::Entity, Self::TimeZone, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Entity => "entity",
            Self::TimeZone => "time_zone",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "k.name",
            Self::Entity => "en.name",
            Self::TimeZone => "k.time_zone",
            Self::Updated => "k.updated_at",
        }
    }
}

pub struct CalendarList;

impl Listing for CalendarList {
    type Row = Calendar;
    type Filter = CalendarFilter;
    type Sort = CalendarSort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from calendars k";
    const TIEBREAK: &'static str = "k.id";

    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filter: &CalendarFilter, q: Option<&str>) {
        qb.push("where k.entity_id = any(").push_bind(scope.ids().to_vec()).push(")");
        if let Some(entity) = filter.entity_id {
            qb.push(" and k.entity_id = ").push_bind(entity);
        }
        if let Some(q) = q {
            qb.push(" and k.name ilike ").push_bind(like_pattern(q));
        }
    }
}

impl CsvRecord for Calendar {
    fn csv_header() -> &'static [&'static str] {
        &["id", "name", "entity", "time_zone", "week", "french_holidays", "closed_days", "updated_at"]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.entity_name.clone(),
            self.time_zone.clone(),
            self.week.clone(),
            self.french_holidays.to_string(),
            self.closures.iter().map(Closure::label).collect::<Vec<_>>().join("; "),
            self.updated_at.to_rfc3339(),
        ]
    }
}
