//! All SQL of categories.

use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{AssetCategory, CategoryInput};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt, delete_refusal},
    web::list::{CsvRecord, Listing, SortKey, like_pattern},
};

const SELECT: &str = "m.id, m.name, m.tag_pattern, m.notes,
    (select count(*) from asset_models am where am.category_id = m.id) as model_count, m.version, m.created_at, m.updated_at";
const FROM: &str = "from asset_categories m";
const KIND: ObjectKind = ObjectKind::AssetCategory;

pub async fn find(pool: &PgPool, id: Uuid) -> AppResult<AssetCategory> {
    sqlx::query_as(&format!("select {SELECT} {FROM} where m.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)
}

fn name_taken() -> AppError {
    AppError::field("name", "name-taken")
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &CategoryInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into asset_categories (id, name, tag_pattern, notes) values ($1, $2, $3, $4)",
        id,
        input.name,
        input.tag_pattern,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("asset_categories_name_key", name_taken)?;
    audit::created(&mut tx, actor, Subject::new(KIND, id, None), input).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &AssetCategory,
    version: i64,
    input: &CategoryInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "update asset_categories set name = $3, tag_pattern = $4, notes = $5, version = version + 1 where id = $1 and version = $2",
        current.id,
        version,
        input.name,
        input.tag_pattern,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("asset_categories_name_key", name_taken)?;
    let subject = Subject::new(KIND, current.id, None);
    audit::updated(&mut tx, pool, actor, subject, updated.rows_affected(), &CategoryInput::from(current), input)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &AssetCategory, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let deleted = sqlx::query!("delete from asset_categories where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await
        .map_err(|e| delete_refusal(e, "asset_categories"))?;
    let subject = Subject::new(KIND, current.id, None);
    audit::deleted(&mut tx, pool, actor, subject, deleted.rows_affected(), &CategoryInput::from(current)).await?;
    tx.commit().await?;
    Ok(())
}

/// (id, name) for select lists.
pub async fn choices(pool: &PgPool) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!("select id, name from asset_categories order by name").fetch_all(pool).await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
}

#[derive(Clone, Debug, Default)]
pub struct CategoryFilter;

#[derive(Clone, Copy, Debug)]
pub enum CategorySort {
    Name,
    Models,
    Updated,
}

impl SortKey for CategorySort {
    const ALL: &'static [Self] = &[Self::Name, Self::Models, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Models => "models",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "m.name",
            Self::Models => "model_count",
            Self::Updated => "m.updated_at",
        }
    }
}

pub struct CategoryList;

impl Listing for CategoryList {
    type Row = AssetCategory;
    type Filter = CategoryFilter;
    type Sort = CategorySort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = FROM;
    const TIEBREAK: &'static str = "m.id";

    /// The catalog is shared by every entity: the scope only decides whether
    /// the person may see it at all (checked by the handler).
    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, _scope: &Scope, _filter: &CategoryFilter, q: Option<&str>) {
        qb.push("where true");
        if let Some(q) = q {
            qb.push(" and m.name ilike ").push_bind(like_pattern(q));
        }
    }
}

impl CsvRecord for AssetCategory {
    fn csv_header() -> &'static [&'static str] {
        &["id", "name", "tag_pattern", "models", "notes", "updated_at"]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.tag_pattern.clone(),
            self.model_count.to_string(),
            self.notes.clone(),
            self.updated_at.to_rfc3339(),
        ]
    }
}
