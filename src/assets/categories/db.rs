//! All SQL of categories.

use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::{
    domain::{AssetCategory, CategoryInput},
    fields::CustomField,
};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt, delete_refusal},
    web::list::{CsvRecord, Listing, SortKey, like_pattern},
};

const SELECT: &str = "m.id, m.name, m.tag_pattern, m.custom_fields, m.has_hardware, m.notes,
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

fn definitions_json(input: &CategoryInput) -> AppResult<serde_json::Value> {
    Ok(serde_json::to_value(&input.custom_fields).map_err(anyhow::Error::from)?)
}

/// The custom fields of the category of `model_id` (none for an unknown model).
pub async fn fields_of_model(conn: &mut sqlx::PgConnection, model_id: Uuid) -> AppResult<Vec<CustomField>> {
    let fields = sqlx::query_scalar!(
        r#"select c.custom_fields as "fields: sqlx::types::Json<Vec<CustomField>>"
             from asset_models m join asset_categories c on c.id = m.category_id where m.id = $1"#,
        model_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(fields.map(|f| f.0).unwrap_or_default())
}

/// (category name, its custom fields) of every category that has some.
pub async fn all_fields(pool: &PgPool) -> AppResult<Vec<(String, Vec<CustomField>)>> {
    let rows = sqlx::query!(
        r#"select name, custom_fields as "fields: sqlx::types::Json<Vec<CustomField>>"
             from asset_categories where custom_fields <> '[]' order by name"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.name, r.fields.0)).collect())
}

fn name_taken() -> AppError {
    AppError::field("name", "name-taken")
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &CategoryInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into asset_categories (id, name, tag_pattern, custom_fields, has_hardware, notes)
         values ($1, $2, $3, $4, $5, $6)",
        id,
        input.name,
        input.tag_pattern,
        definitions_json(input)?,
        input.has_hardware,
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
        "update asset_categories set name = $3, tag_pattern = $4, custom_fields = $5, has_hardware = $6, notes = $7,
                version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        input.name,
        input.tag_pattern,
        definitions_json(input)?,
        input.has_hardware,
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
        &["id", "name", "tag_pattern", "custom_fields", "models", "notes", "updated_at"]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.tag_pattern.clone(),
            super::fields::definitions_text(&self.custom_fields),
            self.model_count.to_string(),
            self.notes.clone(),
            self.updated_at.to_rfc3339(),
        ]
    }
}
