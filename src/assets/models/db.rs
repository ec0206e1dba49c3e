//! All SQL of asset models.

use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{AssetModel, ModelInput};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt, delete_refusal},
    web::list::{CsvRecord, Listing, SortKey, like_pattern},
};

const SELECT: &str = "am.id, am.category_id, c.name as category_name, am.manufacturer_id, m.name as manufacturer_name,
    am.name, am.part_number, am.end_of_life, am.notes, am.version, am.created_at, am.updated_at";
const FROM: &str = "from asset_models am join asset_categories c on c.id = am.category_id
    left join manufacturers m on m.id = am.manufacturer_id";
const KIND: ObjectKind = ObjectKind::AssetModel;

pub async fn find(pool: &PgPool, id: Uuid) -> AppResult<AssetModel> {
    find_in(&mut *pool.acquire().await?, id).await
}

/// [`find`] on the caller's connection (imports).
pub async fn find_in(conn: &mut PgConnection, id: Uuid) -> AppResult<AssetModel> {
    sqlx::query_as(&format!("select {SELECT} {FROM} where am.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound)
}

fn name_taken() -> AppError {
    AppError::field("name", "name-taken")
}

fn no_such(field: &'static str) -> impl FnOnce() -> AppError {
    move || AppError::field(field, "field-invalid-choice")
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &ModelInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = insert_in(&mut tx, actor, input).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`insert`] inside the caller's transaction (imports).
pub async fn insert_in(tx: &mut PgConnection, actor: &AuditActor, input: &ModelInput) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into asset_models (id, category_id, manufacturer_id, name, part_number, end_of_life, notes)
         values ($1, $2, $3, $4, $5, $6, $7)",
        id,
        input.category_id,
        input.manufacturer_id,
        input.name,
        input.part_number,
        input.end_of_life,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("asset_models_name_key", name_taken)
    .on_constraint("asset_models_category_id_fkey", no_such("category_id"))
    .on_constraint("asset_models_manufacturer_id_fkey", no_such("manufacturer_id"))?;
    audit::created(tx, actor, Subject::new(KIND, id, None), input).await?;
    Ok(id)
}

pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &AssetModel,
    version: i64,
    input: &ModelInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    update_in(&mut tx, pool, actor, current, version, input).await?;
    tx.commit().await?;
    Ok(())
}

/// [`update`] inside the caller's transaction (imports).
pub async fn update_in(
    tx: &mut PgConnection,
    pool: &PgPool,
    actor: &AuditActor,
    current: &AssetModel,
    version: i64,
    input: &ModelInput,
) -> AppResult<()> {
    let updated = sqlx::query!(
        "update asset_models set category_id = $3, manufacturer_id = $4, name = $5, part_number = $6, end_of_life = $7,
                notes = $8, version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        input.category_id,
        input.manufacturer_id,
        input.name,
        input.part_number,
        input.end_of_life,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("asset_models_name_key", name_taken)
    .on_constraint("asset_models_category_id_fkey", no_such("category_id"))
    .on_constraint("asset_models_manufacturer_id_fkey", no_such("manufacturer_id"))?;
    let subject = Subject::new(KIND, current.id, None);
    audit::updated(tx, pool, actor, subject, updated.rows_affected(), &ModelInput::from(current), input).await
}

pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &AssetModel, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let deleted = sqlx::query!("delete from asset_models where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await
        .map_err(|e| delete_refusal(e, "asset_models"))?;
    let subject = Subject::new(KIND, current.id, None);
    audit::deleted(&mut tx, pool, actor, subject, deleted.rows_affected(), &ModelInput::from(current)).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct ModelFilter {
    pub category_id: Option<Uuid>,
    pub manufacturer_id: Option<Uuid>,
}

#[derive(Clone, Copy, Debug)]
pub enum ModelSort {
    Name,
    Category,
    Manufacturer,
    EndOfLife,
    Updated,
}

impl SortKey for ModelSort {
    const ALL: &'static [Self] = &[Self::Name, Self::Category, Self::Manufacturer, Self::EndOfLife, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Category => "category",
            Self::Manufacturer => "manufacturer",
            Self::EndOfLife => "end_of_life",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "am.name",
            Self::Category => "c.name",
            Self::Manufacturer => "m.name",
            Self::EndOfLife => "am.end_of_life",
            Self::Updated => "am.updated_at",
        }
    }
}

pub struct ModelList;

impl Listing for ModelList {
    type Row = AssetModel;
    type Filter = ModelFilter;
    type Sort = ModelSort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from asset_models am";
    const TIEBREAK: &'static str = "am.id";

    /// Shared by every entity: the handler checks the permission, not a scope.
    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, _scope: &Scope, filter: &ModelFilter, q: Option<&str>) {
        qb.push("where true");
        if let Some(category) = filter.category_id {
            qb.push(" and am.category_id = ").push_bind(category);
        }
        if let Some(manufacturer) = filter.manufacturer_id {
            qb.push(" and am.manufacturer_id = ").push_bind(manufacturer);
        }
        if let Some(q) = q {
            let pattern = like_pattern(q);
            qb.push(" and (am.name ilike ")
                .push_bind(pattern.clone())
                .push(" or am.part_number ilike ")
                .push_bind(pattern)
                .push(")");
        }
    }
}

impl CsvRecord for AssetModel {
    fn csv_header() -> &'static [&'static str] {
        &["id", "name", "category", "manufacturer", "part_number", "end_of_life", "notes", "updated_at"]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.category_name.clone(),
            self.manufacturer_name.clone().unwrap_or_default(),
            self.part_number.clone(),
            self.end_of_life.map(|d| d.to_string()).unwrap_or_default(),
            self.notes.clone(),
            self.updated_at.to_rfc3339(),
        ]
    }
}
