//! All SQL of software categories.

use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{CategoryInput, SoftwareCategory};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt},
    software::{catalogue, dictionary},
    web::list::{CsvRecord, Listing, SortKey, like_pattern},
};

const SELECT: &str = "c.id, c.parent_id, p.name as parent_name, c.name, c.notes,
    (select count(*) from software s where s.category_id = c.id) as software_count,
    (select count(*) from software_dictionary d where d.set_category_id = c.id) as rule_count,
    (select count(*) from software_categories k where k.parent_id = c.id) as child_count,
    c.version, c.created_at, c.updated_at";
const FROM: &str = "from software_categories c left join software_categories p on p.id = c.parent_id";
const KIND: ObjectKind = ObjectKind::SoftwareCategory;
/// Deepest tree walked (a guard: the tree refuses cycles).
const MAX_DEPTH: i32 = 50;

pub async fn find(pool: &PgPool, id: Uuid) -> AppResult<SoftwareCategory> {
    sqlx::query_as(&format!("select {SELECT} {FROM} where c.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// The categories directly below `id`.
pub async fn children(pool: &PgPool, id: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    let rows = sqlx::query!("select id, name from software_categories where parent_id = $1 order by lower(name)", id)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// (id, "Parent › Child") of every category, in tree order, for select lists.
pub async fn choices(pool: &PgPool) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"with recursive tree (id, label, depth) as (
               select id, name, 0 from software_categories where parent_id is null
               union all
               select c.id, t.label || ' › ' || c.name, t.depth + 1
                 from software_categories c join tree t on c.parent_id = t.id where t.depth < $1
           )
           select id as "id!", label as "label!" from tree order by lower(label) limit 2000"#,
        MAX_DEPTH
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.label)).collect())
}

/// Whether a category of that id exists.
pub async fn exists(pool: &PgPool, id: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(r#"select exists (select 1 from software_categories where id = $1) as "found!""#, id)
        .fetch_one(pool)
        .await?)
}

/// The name of each category of `ids` that exists.
pub async fn names(pool: &PgPool, ids: &[Uuid]) -> AppResult<std::collections::HashMap<Uuid, String>> {
    let rows = sqlx::query!("select id, name from software_categories where id = any($1)", ids).fetch_all(pool).await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

fn name_taken() -> AppError {
    AppError::field("name", "name-taken")
}

/// The parent's foreign key: a parent deleted while the form was open.
fn parent_gone() -> AppError {
    AppError::field("parent_id", "field-invalid-choice")
}

/// One writer of the tree at a time: a move checked against a tree that
/// another move is changing could close a cycle.
async fn lock_tree(conn: &mut PgConnection) -> AppResult<()> {
    sqlx::query!("select pg_advisory_xact_lock(hashtext('software_categories'))").execute(conn).await?;
    Ok(())
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &CategoryInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    lock_tree(&mut tx).await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into software_categories (id, parent_id, name, notes) values ($1, $2, $3, $4)",
        id,
        input.parent_id,
        input.name,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("software_categories_name_key", name_taken)
    .on_constraint("software_categories_parent_id_fkey", parent_gone)?;
    audit::created(&mut tx, actor, Subject::new(KIND, id, None), input).await?;
    tx.commit().await?;
    Ok(id)
}

/// Refuse a parent that is the category itself or lies below it.
async fn check_parent(conn: &mut PgConnection, id: Uuid, parent: Option<Uuid>) -> AppResult<()> {
    let Some(parent) = parent else { return Ok(()) };
    let cycle = sqlx::query_scalar!(
        r#"with recursive up (id, parent_id, depth) as (
               select id, parent_id, 0 from software_categories where id = $2
               union all
               select c.id, c.parent_id, up.depth + 1 from software_categories c join up on c.id = up.parent_id
                where up.depth < $3
           ) select exists (select 1 from up where id = $1) as "cycle!""#,
        id,
        parent,
        MAX_DEPTH
    )
    .fetch_one(conn)
    .await?;
    if cycle { Err(AppError::field("parent_id", "software-category-cycle")) } else { Ok(()) }
}

pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &SoftwareCategory,
    version: i64,
    input: &CategoryInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    lock_tree(&mut tx).await?;
    check_parent(&mut tx, current.id, input.parent_id).await?;
    let updated = sqlx::query!(
        "update software_categories set parent_id = $3, name = $4, notes = $5, version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        input.parent_id,
        input.name,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("software_categories_name_key", name_taken)
    .on_constraint("software_categories_parent_id_fkey", parent_gone)?;
    let subject = Subject::new(KIND, current.id, None);
    audit::updated(&mut tx, pool, actor, subject, updated.rows_affected(), &CategoryInput::from(current), input)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Delete a category, as GLPI does with a tree dropdown: its sub-categories
/// move up to its parent, the software in it is left without a category,
/// and the dictionary rules giving it give none. Each of these changes is in
/// its object's history, in the same transaction.
pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &SoftwareCategory, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    lock_tree(&mut tx).await?;
    let moved = sqlx::query_scalar!(
        "update software_categories set parent_id = $2, version = version + 1 where parent_id = $1 returning id",
        current.id,
        current.parent_id
    )
    .fetch_all(&mut *tx)
    .await?;
    for child in moved {
        let subject = Subject::new(KIND, child, None);
        let before = serde_json::json!({ "parent_id": current.id });
        let after = serde_json::json!({ "parent_id": current.parent_id });
        audit::record_change(&mut tx, actor, subject, &before, &after).await?;
    }
    catalogue::db::uncategorise(&mut tx, actor, current.id).await?;
    dictionary::db::forget_category(&mut tx, actor, current.id, &current.name).await?;
    let deleted = sqlx::query!("delete from software_categories where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await?;
    let subject = Subject::new(KIND, current.id, None);
    audit::deleted(&mut tx, pool, actor, subject, deleted.rows_affected(), &CategoryInput::from(current)).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct CategoryFilter {
    pub parent_id: Option<Uuid>,
}

#[derive(Clone, Copy, Debug)]
pub enum CategorySort {
    Name,
    Parent,
    Software,
    Updated,
}

impl SortKey for CategorySort {
    const ALL: &'static [Self] = &[Self::Name, Self::Parent, Self::Software, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Parent => "parent",
            Self::Software => "software",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "lower(c.name)",
            Self::Parent => "lower(p.name)",
            Self::Software => "software_count",
            Self::Updated => "c.updated_at",
        }
    }
}

pub struct CategoryList;

impl Listing for CategoryList {
    type Row = SoftwareCategory;
    type Filter = CategoryFilter;
    type Sort = CategorySort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from software_categories c";
    const TIEBREAK: &'static str = "c.id";

    /// Shared by every entity: the scope only decides whether the person may
    /// see them at all (checked by the handler).
    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, _scope: &Scope, filter: &CategoryFilter, q: Option<&str>) {
        qb.push("where true");
        if let Some(parent) = filter.parent_id {
            qb.push(" and c.parent_id = ").push_bind(parent);
        }
        if let Some(q) = q {
            qb.push(" and c.name ilike ").push_bind(like_pattern(q));
        }
    }
}

impl CsvRecord for SoftwareCategory {
    fn csv_header() -> &'static [&'static str] {
        &["id", "name", "parent", "software", "rules", "notes", "updated_at"]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.parent_name.clone().unwrap_or_default(),
            self.software_count.to_string(),
            self.rule_count.to_string(),
            self.notes.clone(),
            self.updated_at.to_rfc3339(),
        ]
    }
}
