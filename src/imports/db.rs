//! All SQL of imports.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{ImportKind, source::Encoding};
use crate::{
    error::{AppError, AppResult},
    web::form::FieldErrors,
};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Import {
    pub id: Uuid,
    pub kind: ImportKind,
    pub file_name: String,
    #[serde(skip)]
    pub encoding: Encoding,
    #[serde(skip)]
    pub delimiter: u8,
    /// The file's header.
    pub columns: Vec<String>,
    /// Target field -> column name.
    pub mapping: HashMap<String, String>,
    pub entity_id: Option<Uuid>,
    pub size_bytes: i64,
    /// The last dry run's job.
    pub check_job: Option<Uuid>,
    /// The import's job.
    pub run_job: Option<Uuid>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A refused row of a dry run or a run.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub line: i64,
    pub field: String,
    /// Message key.
    pub message: String,
}

/// What the upload learnt, to create the import.
pub struct NewImport<'a> {
    pub kind: ImportKind,
    pub file_name: &'a str,
    pub entity_id: Option<Uuid>,
    pub created_by: Uuid,
}

/// The row of an upload about to be stored (its header comes after).
pub async fn create(pool: &PgPool, new: &NewImport<'_>) -> AppResult<Uuid> {
    Ok(sqlx::query_scalar!(
        "insert into imports (kind, file_name, encoding, delimiter, columns, entity_id, size_bytes, created_by)
         values ($1, $2, 'utf-8', ',', '{}', $3, 0, $4) returning id",
        new.kind.as_str(),
        new.file_name,
        new.entity_id,
        new.created_by
    )
    .fetch_one(pool)
    .await?)
}

/// Record what the stored file turned out to be.
pub async fn describe(
    pool: &PgPool,
    id: Uuid,
    encoding: Encoding,
    delimiter: u8,
    columns: &[String],
    size: i64,
    mapping: &HashMap<String, String>,
) -> AppResult<()> {
    sqlx::query!(
        "update imports set encoding = $2, delimiter = $3, columns = $4, size_bytes = $5, mapping = $6 where id = $1",
        id,
        encoding.as_str(),
        char::from(delimiter).to_string(),
        columns,
        size,
        serde_json::to_value(mapping).map_err(anyhow::Error::from)?
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// An upload that could not be read leaves nothing behind.
pub async fn discard(pool: &PgPool, id: Uuid) -> AppResult<()> {
    sqlx::query!("delete from imports where id = $1", id).execute(pool).await?;
    Ok(())
}

pub async fn find(pool: &PgPool, id: Uuid) -> AppResult<Import> {
    let row = sqlx::query!(
        "select id, kind, file_name, encoding, delimiter, columns, mapping, entity_id, size_bytes, check_job, run_job,
                created_by, created_at
           from imports where id = $1",
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Import {
        id: row.id,
        kind: ImportKind::parse(&row.kind).ok_or(AppError::NotFound)?,
        file_name: row.file_name,
        encoding: Encoding::parse(&row.encoding),
        delimiter: row.delimiter.bytes().next().unwrap_or(b','),
        columns: row.columns,
        mapping: serde_json::from_value(row.mapping).unwrap_or_default(),
        entity_id: row.entity_id,
        size_bytes: row.size_bytes,
        check_job: row.check_job,
        run_job: row.run_job,
        created_by: row.created_by,
        created_at: row.created_at,
    })
}

/// The import `id` if `user_id` uploaded it: anyone else's is "not found".
pub async fn find_own(pool: &PgPool, id: Uuid, user_id: Uuid) -> AppResult<Import> {
    let import = find(pool, id).await?;
    if import.created_by == user_id { Ok(import) } else { Err(AppError::NotFound) }
}

/// (id, kind, file name, uploaded at) of a person's latest imports.
pub async fn recent(pool: &PgPool, user_id: Uuid) -> AppResult<Vec<(Uuid, String, String, DateTime<Utc>)>> {
    let rows = sqlx::query!(
        "select id, kind, file_name, created_at from imports where created_by = $1 order by created_at desc limit 50",
        user_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.kind, r.file_name, r.created_at)).collect())
}

/// A mapping: stored on the import, and remembered for files with the same columns.
pub async fn save_mapping(
    pool: &PgPool,
    import: &super::db::Import,
    mapping: &HashMap<String, String>,
) -> AppResult<()> {
    let value = serde_json::to_value(mapping).map_err(anyhow::Error::from)?;
    let mut tx = pool.begin().await?;
    sqlx::query!("update imports set mapping = $2 where id = $1", import.id, value).execute(&mut *tx).await?;
    sqlx::query!(
        "insert into import_mappings (kind, signature, mapping) values ($1, $2, $3)
         on conflict (kind, signature) do update set mapping = $3, updated_at = now()",
        import.kind.as_str(),
        signature(&import.columns),
        value
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The columns of a file, in a form that ignores their order and case.
fn signature(columns: &[String]) -> String {
    let mut names: Vec<String> = columns.iter().map(|c| c.trim().to_lowercase()).collect();
    names.sort();
    names.join("\u{1f}")
}

pub async fn remembered_mapping(
    pool: &PgPool,
    kind: ImportKind,
    columns: &[String],
) -> AppResult<Option<HashMap<String, String>>> {
    let stored = sqlx::query_scalar!(
        "select mapping from import_mappings where kind = $1 and signature = $2",
        kind.as_str(),
        signature(columns)
    )
    .fetch_optional(pool)
    .await?;
    Ok(stored.and_then(|value| serde_json::from_value(value).ok()))
}

pub async fn set_job(conn: &mut PgConnection, id: Uuid, job: Uuid, dry_run: bool) -> AppResult<()> {
    if dry_run {
        sqlx::query!("update imports set check_job = $2 where id = $1", id, job).execute(conn).await?;
    } else {
        sqlx::query!("update imports set run_job = $2 where id = $1", id, job).execute(conn).await?;
    }
    Ok(())
}

pub async fn clear_errors(pool: &PgPool, id: Uuid, dry_run: bool) -> AppResult<()> {
    sqlx::query!("delete from import_row_errors where import_id = $1 and dry_run = $2", id, dry_run)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn add_errors(pool: &PgPool, id: Uuid, dry_run: bool, refused: &[(u64, FieldErrors)]) -> AppResult<()> {
    let mut lines = Vec::new();
    let mut fields = Vec::new();
    let mut messages = Vec::new();
    for (line, errors) in refused {
        for (field, message) in errors.iter() {
            lines.push(*line as i64);
            fields.push(field.to_owned());
            messages.push(message.to_owned());
        }
    }
    sqlx::query!(
        "insert into import_row_errors (import_id, dry_run, line, field, message)
         select $1, $2, line, field, message from unnest($3::bigint[], $4::text[], $5::text[]) as e (line, field, message)",
        id,
        dry_run,
        &lines,
        &fields,
        &messages
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The first refused rows of the dry run or of the run.
pub async fn errors(pool: &PgPool, id: Uuid, dry_run: bool, limit: i64) -> AppResult<Vec<RowError>> {
    Ok(sqlx::query_as!(
        RowError,
        "select line, field, message from import_row_errors where import_id = $1 and dry_run = $2
          order by line, field limit $3",
        id,
        dry_run,
        limit
    )
    .fetch_all(pool)
    .await?)
}
