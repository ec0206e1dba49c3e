//! All SQL of service levels as the settings pages edit them (the helpdesk
//! reads them through `helpdesk::sla`).

use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{Sla, SlaInput};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt},
    web::list::{CsvRecord, Listing, SortKey, find_in_scope, like_pattern},
};

const SELECT: &str = "s.id, s.entity_id, en.name as entity_name, s.name, s.calendar_id, k.name as calendar_name,
    k.entity_id as calendar_entity_id, s.own_minutes, s.resolve_minutes, s.escalate_at, s.is_default, s.version,
    s.created_at, s.updated_at";
const FROM: &str = "from slas s join entities en on en.id = s.entity_id join calendars k on k.id = s.calendar_id";
const KIND: ObjectKind = ObjectKind::Sla;

pub async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Sla> {
    find_in_scope::<SlaList>(pool, scope, "s.entity_id", id).await
}

/// (id, name) of the service levels usable within `scope`: those of its
/// entities and of the entities above them.
pub async fn choices(pool: &PgPool, scope: &Scope) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "select id, name from slas where entity_id in (select id from entity_lineages($1)) order by name",
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
}

/// The categories of `scope` that bring this service level: (id, name).
pub async fn categories(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "select id, name from ticket_categories where sla_id = $1 and entity_id = any($2) order by name",
        id,
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

fn name_taken() -> AppError {
    AppError::field("name", "name-taken")
}

fn default_taken() -> AppError {
    AppError::field("is_default", "sla-default-taken")
}

/// An entity has one default service level: the others of `entity` stop
/// being it, each with its history row.
async fn unset_other_defaults(conn: &mut PgConnection, actor: &AuditActor, entity: Uuid, keep: Uuid) -> AppResult<()> {
    let others = sqlx::query_scalar!(
        "update slas set is_default = false, version = version + 1
          where entity_id = $1 and is_default and id <> $2 returning id",
        entity,
        keep
    )
    .fetch_all(&mut *conn)
    .await?;
    for other in others {
        let subject = Subject::new(KIND, other, Some(entity));
        let (before, after) = (serde_json::json!({"is_default": true}), serde_json::json!({"is_default": false}));
        audit::record_change(conn, actor, subject, &before, &after).await?;
    }
    Ok(())
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &SlaInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    if input.is_default {
        unset_other_defaults(&mut tx, actor, input.entity_id, id).await?;
    }
    sqlx::query!(
        "insert into slas (id, entity_id, name, calendar_id, own_minutes, resolve_minutes, escalate_at, is_default)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        input.entity_id,
        &input.name,
        input.calendar_id,
        &input.own_minutes,
        &input.resolve_minutes,
        &input.escalate_at,
        input.is_default
    )
    .execute(&mut *tx)
    .await
    .on_constraint("slas_entity_name_key", name_taken)
    .on_constraint("slas_one_default", default_taken)?;
    audit::created(&mut tx, actor, Subject::new(KIND, id, Some(input.entity_id)), input).await?;
    tx.commit().await?;
    Ok(id)
}

/// Refused when it would move the level away from categories that bring it
/// (they must stay at its entity or below).
pub async fn update(pool: &PgPool, actor: &AuditActor, current: &Sla, version: i64, input: &SlaInput) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    if input.entity_id != current.entity_id {
        let stranded = sqlx::query_scalar!(
            r#"select exists (select 1 from ticket_categories c where c.sla_id = $1
                  and $2 not in (select id from entity_lineage(c.entity_id))) as "stranded!""#,
            current.id,
            input.entity_id
        )
        .fetch_one(&mut *tx)
        .await?;
        if stranded {
            return Err(AppError::field("entity_id", "sla-used-elsewhere"));
        }
    }
    if input.is_default {
        unset_other_defaults(&mut tx, actor, input.entity_id, current.id).await?;
    }
    let updated = sqlx::query!(
        "update slas set entity_id = $3, name = $4, calendar_id = $5, own_minutes = $6, resolve_minutes = $7,
                escalate_at = $8, is_default = $9, version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        input.entity_id,
        &input.name,
        input.calendar_id,
        &input.own_minutes,
        &input.resolve_minutes,
        &input.escalate_at,
        input.is_default
    )
    .execute(&mut *tx)
    .await
    .on_constraint("slas_entity_name_key", name_taken)
    .on_constraint("slas_one_default", default_taken)?;
    let subject = Subject::new(KIND, current.id, Some(input.entity_id));
    audit::updated(&mut tx, pool, actor, subject, updated.rows_affected(), &SlaInput::from(current), input).await?;
    tx.commit().await?;
    Ok(())
}

/// Refused while tickets or categories use it.
pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &Sla, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    // The row lock holds back tickets and categories taking it meanwhile.
    let used = sqlx::query!(
        r#"select exists (select 1 from tickets where sla_id = $1) as "tickets!",
                  exists (select 1 from ticket_categories where sla_id = $1) as "categories!"
             from slas where id = $1 for update"#,
        current.id
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(used) = used {
        if used.tickets {
            return Err(AppError::InUse("in-use-tickets".into()));
        }
        if used.categories {
            return Err(AppError::InUse("in-use-ticket_categories".into()));
        }
    }
    let deleted =
        sqlx::query!("delete from slas where id = $1 and version = $2", current.id, version).execute(&mut *tx).await?;
    let subject = Subject::new(KIND, current.id, Some(current.entity_id));
    audit::deleted(&mut tx, pool, actor, subject, deleted.rows_affected(), &SlaInput::from(current)).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct SlaFilter {
    pub entity_id: Option<Uuid>,
    pub calendar_id: Option<Uuid>,
}

#[derive(Clone, Copy, Debug)]
pub enum SlaSort {
    Name,
    Entity,
    Calendar,
    Updated,
}

impl SortKey for SlaSort {
    const ALL: &'static [Self] = &[Self::Name, Self::Entity, Self::Calendar, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Entity => "entity",
            Self::Calendar => "calendar",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "s.name",
            Self::Entity => "en.name",
            Self::Calendar => "k.name",
            Self::Updated => "s.updated_at",
        }
    }
}

pub struct SlaList;

impl Listing for SlaList {
    type Row = Sla;
    type Filter = SlaFilter;
    type Sort = SlaSort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from slas s";
    const TIEBREAK: &'static str = "s.id";

    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filter: &SlaFilter, q: Option<&str>) {
        qb.push("where s.entity_id = any(").push_bind(scope.ids().to_vec()).push(")");
        if let Some(entity) = filter.entity_id {
            qb.push(" and s.entity_id = ").push_bind(entity);
        }
        if let Some(calendar) = filter.calendar_id {
            qb.push(" and s.calendar_id = ").push_bind(calendar);
        }
        if let Some(q) = q {
            qb.push(" and s.name ilike ").push_bind(like_pattern(q));
        }
    }
}

fn joined<T: ToString>(values: &[T]) -> String {
    values.iter().map(T::to_string).collect::<Vec<_>>().join(" ")
}

impl CsvRecord for Sla {
    fn csv_header() -> &'static [&'static str] {
        &[
            "id",
            "name",
            "entity",
            "calendar",
            "own_minutes",
            "resolve_minutes",
            "escalate_at",
            "is_default",
            "updated_at",
        ]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.entity_name.clone(),
            self.calendar_name.clone(),
            joined(&self.own_minutes),
            joined(&self.resolve_minutes),
            joined(&self.escalate_at),
            self.is_default.to_string(),
            self.updated_at.to_rfc3339(),
        ]
    }
}
