//! All SQL of ticket categories.

use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{CategoryInput, TicketCategory};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt, delete_refusal},
    web::list::{CsvRecord, Listing, SortKey, find_in_scope, like_pattern},
};

const SELECT: &str = "c.id, c.entity_id, en.name as entity_name, c.parent_id, p.name as parent_name, c.name,
    c.group_id, g.name as group_name, c.sla_id, s.name as sla_name, c.on_portal,
    (select count(*) from ticket_categories k where k.parent_id = c.id) as child_count, c.version, c.created_at, c.updated_at";
const FROM: &str = "from ticket_categories c join entities en on en.id = c.entity_id
    left join ticket_categories p on p.id = c.parent_id left join groups g on g.id = c.group_id
    left join slas s on s.id = c.sla_id";
const KIND: ObjectKind = ObjectKind::TicketCategory;

pub async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<TicketCategory> {
    find_in_scope::<CategoryList>(pool, scope, "c.entity_id", id).await
}

/// The categories directly below `id`, within `scope`.
pub async fn children(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "select id, name from ticket_categories where parent_id = $1 and entity_id = any($2) order by name",
        id,
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// (id, name) of every ticket category, for the tickets' select lists.
pub async fn choices(pool: &PgPool) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!("select id, name from ticket_categories order by name limit 1000").fetch_all(pool).await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
}

/// (id, "Parent › Child") of the categories usable as a parent within
/// `scope`: those of its entities and of the entities above them.
pub async fn parent_choices(pool: &PgPool, scope: &Scope) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"with recursive tree (id, entity_id, label, depth) as (
               select id, entity_id, name, 0 from ticket_categories where parent_id is null
               union all
               select c.id, c.entity_id, t.label || ' › ' || c.name, t.depth + 1
                 from ticket_categories c join tree t on c.parent_id = t.id where t.depth < 20
           )
           select id as "id!", label as "label!" from tree
            where entity_id in (select id from entity_lineages($1)) order by label limit 1000"#,
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.label)).collect())
}

/// (id, name) of the groups a category may send its tickets to within `scope`.
pub async fn group_choices(pool: &PgPool, scope: &Scope) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "select id, name from groups where entity_id in (select id from entity_lineages($1)) order by name",
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
}

/// Whether the parent, group and service level (when given) belong to the
/// category's entity or to one above it.
pub async fn references_fit(pool: &PgPool, input: &CategoryInput) -> AppResult<(bool, bool, bool)> {
    let row = sqlx::query!(
        r#"select ($2::uuid is null or exists (select 1 from ticket_categories
                    where id = $2 and entity_id in (select id from entity_lineage($1)))) as "parent!",
                  ($3::uuid is null or exists (select 1 from groups
                    where id = $3 and entity_id in (select id from entity_lineage($1)))) as "group!",
                  ($4::uuid is null or exists (select 1 from slas
                    where id = $4 and entity_id in (select id from entity_lineage($1)))) as "sla!""#,
        input.entity_id,
        input.parent_id,
        input.group_id,
        input.sla_id
    )
    .fetch_one(pool)
    .await?;
    Ok((row.parent, row.group, row.sla))
}

fn name_taken() -> AppError {
    AppError::field("name", "name-taken")
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &CategoryInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into ticket_categories (id, entity_id, parent_id, name, group_id, sla_id, on_portal)
         values ($1, $2, $3, $4, $5, $6, $7)",
        id,
        input.entity_id,
        input.parent_id,
        &input.name,
        input.group_id,
        input.sla_id,
        input.on_portal
    )
    .execute(&mut *tx)
    .await
    .on_constraint("ticket_categories_parent_name_key", name_taken)?;
    audit::created(&mut tx, actor, Subject::new(KIND, id, Some(input.entity_id)), input).await?;
    tx.commit().await?;
    Ok(id)
}

/// Refuse a tree the change would break: a parent that is the category
/// itself or lies below it, or sub-categories left in entities the new
/// entity is not above. Run under the tree's lock.
async fn check_tree(conn: &mut PgConnection, current: &TicketCategory, input: &CategoryInput) -> AppResult<()> {
    sqlx::query!("select pg_advisory_xact_lock(hashtext('ticket_categories'))").execute(&mut *conn).await?;
    if let Some(parent) = input.parent_id {
        let cycle = sqlx::query_scalar!(
            r#"with recursive up (id, parent_id, depth) as (
                   select id, parent_id, 0 from ticket_categories where id = $2
                   union all
                   select c.id, c.parent_id, up.depth + 1 from ticket_categories c join up on c.id = up.parent_id
                    where up.depth < 100
               ) select exists (select 1 from up where id = $1) as "cycle!""#,
            current.id,
            parent
        )
        .fetch_one(&mut *conn)
        .await?;
        if cycle {
            return Err(AppError::field("parent_id", "ticket-category-cycle"));
        }
    }
    if input.entity_id != current.entity_id {
        let stranded = sqlx::query_scalar!(
            r#"select exists (select 1 from ticket_categories k where k.parent_id = $1
                  and $2 not in (select id from entity_lineage(k.entity_id))) as "stranded!""#,
            current.id,
            input.entity_id
        )
        .fetch_one(&mut *conn)
        .await?;
        if stranded {
            return Err(AppError::field("entity_id", "ticket-category-children-elsewhere"));
        }
    }
    Ok(())
}

pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &TicketCategory,
    version: i64,
    input: &CategoryInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    check_tree(&mut tx, current, input).await?;
    let updated = sqlx::query!(
        "update ticket_categories set entity_id = $3, parent_id = $4, name = $5, group_id = $6, sla_id = $7,
                on_portal = $8, version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        input.entity_id,
        input.parent_id,
        &input.name,
        input.group_id,
        input.sla_id,
        input.on_portal
    )
    .execute(&mut *tx)
    .await
    .on_constraint("ticket_categories_parent_name_key", name_taken)?;
    let subject = Subject::new(KIND, current.id, Some(input.entity_id));
    audit::updated(&mut tx, pool, actor, subject, updated.rows_affected(), &CategoryInput::from(current), input)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Refused while tickets or sub-categories use it.
pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &TicketCategory, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    // The row lock holds back tickets being opened in the category meanwhile.
    let used = sqlx::query_scalar!(
        r#"select exists (select 1 from tickets where category_id = $1) as "used!"
             from ticket_categories where id = $1 for update"#,
        current.id
    )
    .fetch_optional(&mut *tx)
    .await?;
    if used == Some(true) {
        return Err(AppError::InUse("in-use-tickets".into()));
    }
    let deleted = sqlx::query!("delete from ticket_categories where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await
        .map_err(|e| delete_refusal(e, "ticket_categories"))?;
    let subject = Subject::new(KIND, current.id, Some(current.entity_id));
    audit::deleted(&mut tx, pool, actor, subject, deleted.rows_affected(), &CategoryInput::from(current)).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct CategoryFilter {
    pub entity_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
}

#[derive(Clone, Copy, Debug)]
pub enum CategorySort {
    Name,
    Entity,
    Parent,
    Updated,
}

impl SortKey for CategorySort {
    const ALL: &'static [Self] = &[Self::Name, Self::Entity, Self::Parent, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Entity => "entity",
            Self::Parent => "parent",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "c.name",
            Self::Entity => "en.name",
            Self::Parent => "p.name",
            Self::Updated => "c.updated_at",
        }
    }
}

pub struct CategoryList;

impl Listing for CategoryList {
    type Row = TicketCategory;
    type Filter = CategoryFilter;
    type Sort = CategorySort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from ticket_categories c";
    const TIEBREAK: &'static str = "c.id";

    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filter: &CategoryFilter, q: Option<&str>) {
        qb.push("where c.entity_id = any(").push_bind(scope.ids().to_vec()).push(")");
        if let Some(entity) = filter.entity_id {
            qb.push(" and c.entity_id = ").push_bind(entity);
        }
        if let Some(parent) = filter.parent_id {
            qb.push(" and c.parent_id = ").push_bind(parent);
        }
        if let Some(q) = q {
            qb.push(" and c.name ilike ").push_bind(like_pattern(q));
        }
    }
}

impl CsvRecord for TicketCategory {
    fn csv_header() -> &'static [&'static str] {
        &["id", "name", "entity", "parent", "group", "sla", "on_portal", "updated_at"]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.entity_name.clone(),
            self.parent_name.clone().unwrap_or_default(),
            self.group_name.clone().unwrap_or_default(),
            self.sla_name.clone().unwrap_or_default(),
            self.on_portal.to_string(),
            self.updated_at.to_rfc3339(),
        ]
    }
}
