//! CSV imports of assets, models and people, with one machinery: upload (any
//! size, stored in chunks), a column mapping remembered for files with the
//! same columns, a dry run that reports each refused row with its line number,
//! then the import itself as a background job with its progress on the page.
//! Rows whose key (tag or serial, model name, login) exists update that
//! object instead of making a duplicate, including a key repeated in the file. Each row runs in its own savepoint,
//! a batch of rows in one transaction; a dry run rolls every batch back.

pub mod api;
mod assets;
pub mod db;
mod models;
mod pages;
pub mod source;
mod users;

use std::collections::HashMap;

use axum::{
    Router,
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::{Acquire, PgConnection, PgPool};
use uuid::Uuid;

use crate::{
    api::RouteTable,
    audit::{AuditActor, Source},
    auth::{
        actor::Actor,
        db::Credential,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    jobs::{self, Job},
    state::AppState,
    web::form::FieldErrors,
};

/// The job kind of imports in the queue.
pub const KIND: &str = "import";
/// Rows per transaction.
const BATCH: usize = 1000;
/// Row errors kept per run (the count is always complete).
const MAX_ERRORS: i64 = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImportKind {
    Assets,
    Models,
    Users,
}

impl ImportKind {
    pub const ALL: [Self; 3] = [Self::Assets, Self::Models, Self::Users];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assets => "assets",
            Self::Models => "models",
            Self::Users => "users",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }

    /// What an importer must be allowed to create.
    pub fn object_kind(self) -> ObjectKind {
        match self {
            Self::Assets => ObjectKind::Asset,
            Self::Models => ObjectKind::AssetModel,
            Self::Users => ObjectKind::User,
        }
    }

    pub fn label_key(self) -> String {
        format!("import-kind-{}", self.as_str())
    }
}

/// A field of the imported objects that a column can fill.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Target {
    pub name: String,
    /// A message key, or the label of a custom field.
    pub label: String,
    /// Needed to create an object (an update can leave it out).
    pub required: bool,
}

impl Target {
    fn new(name: &str, label_key: &str, required: bool) -> Self {
        Self { name: name.to_owned(), label: label_key.to_owned(), required }
    }
}

/// One data row: target field -> the trimmed cell (absent when not mapped).
#[derive(Debug, Default)]
pub struct Row {
    pub line: u64,
    values: HashMap<String, String>,
}

impl Row {
    /// The cell mapped to `target`, or "".
    pub fn get(&self, target: &str) -> &str {
        self.values.get(target).map(String::as_str).unwrap_or_default()
    }

    /// The cell of `target` when the file has it and it is not empty: an
    /// update keeps the current value otherwise.
    pub fn given(&self, target: &str) -> Option<&str> {
        Some(self.get(target)).filter(|v| !v.is_empty())
    }

    pub fn from_pairs(line: u64, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self { line, values: pairs.into_iter().map(|(k, v)| (k, v.trim().to_owned())).collect() }
    }
}

/// What a row did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// A row refused: each wrong field with its message key.
pub type RowResult = AppResult<Result<Outcome, FieldErrors>>;

/// A date as YYYY-MM-DD, from that or the DD/MM/YYYY spreadsheets write.
pub fn iso_date(text: &str) -> String {
    let parts: Vec<&str> = text.trim().split('/').collect();
    match parts.as_slice() {
        [day, month, year] if year.len() == 4 && day.len() <= 2 && month.len() <= 2 => {
            format!("{year}-{month:0>2}-{day:0>2}")
        }
        _ => text.trim().to_owned(),
    }
}

/// Errors keyed by form fields, re-keyed by the import's target names.
fn renamed(errors: FieldErrors, names: &[(&str, &str)]) -> FieldErrors {
    let mut out = FieldErrors::default();
    for (field, key) in errors.iter() {
        let target = names.iter().find(|(form, _)| *form == field).map(|(_, target)| *target).unwrap_or(field);
        out.add(target, key);
    }
    out
}

/// Turn a row-level refusal into the row's errors; anything else stops the job.
fn row_refusal(error: AppError) -> RowResult {
    match error {
        AppError::Validation(errors) | AppError::Taken(errors) => Ok(Err(errors)),
        AppError::StaleEdit { .. } => Ok(Err(FieldErrors::single("row", "stale-edit-short"))),
        AppError::Conflict(_) | AppError::Unprocessable(_) | AppError::NotFound => {
            Ok(Err(FieldErrors::single("row", "import-row-refused")))
        }
        other => Err(other),
    }
}

/// The rows of one kind of file.
trait Rows {
    /// Create or update the object of one row, on `conn` (a savepoint).
    async fn row(&mut self, conn: &mut PgConnection, pool: &PgPool, audit: &AuditActor, row: &Row) -> RowResult;
}

/// The rows of one import kind, with the lookups they need loaded once.
enum Processor {
    Assets(Box<assets::AssetRows>),
    Models(models::ModelRows),
    Users(Box<users::UserRows>),
}

impl Processor {
    async fn new(kind: ImportKind, pool: &PgPool, actor: &Actor, default_entity: Option<Uuid>) -> AppResult<Self> {
        Ok(match kind {
            ImportKind::Assets => Self::Assets(Box::new(assets::AssetRows::load(pool, actor, default_entity).await?)),
            ImportKind::Models => Self::Models(models::ModelRows::load(pool, actor).await?),
            ImportKind::Users => Self::Users(Box::new(users::UserRows::load(pool, actor, default_entity).await?)),
        })
    }

    /// What each row of a batch did, in order.
    async fn batch(
        &mut self,
        tx: &mut PgConnection,
        pool: &PgPool,
        audit: &AuditActor,
        rows: &[Row],
    ) -> AppResult<Vec<Result<Outcome, FieldErrors>>> {
        match self {
            Self::Assets(assets) => assets.batch(tx, pool, audit, rows).await,
            Self::Models(models) => each_row(tx, pool, audit, models, rows).await,
            Self::Users(users) => each_row(tx, pool, audit, users.as_mut(), rows).await,
        }
    }
}

/// One row after the other, each in its own savepoint.
async fn each_row<R: Rows>(
    tx: &mut PgConnection,
    pool: &PgPool,
    audit: &AuditActor,
    processor: &mut R,
    rows: &[Row],
) -> AppResult<Vec<Result<Outcome, FieldErrors>>> {
    let mut outcomes = Vec::with_capacity(rows.len());
    for row in rows {
        outcomes.push(in_savepoint(tx, pool, audit, processor, row).await?);
    }
    Ok(outcomes)
}

/// The fields a file of `kind` can fill.
pub async fn targets(pool: &PgPool, kind: ImportKind) -> AppResult<Vec<Target>> {
    Ok(match kind {
        ImportKind::Assets => assets::targets(pool).await?,
        ImportKind::Models => models::targets(),
        ImportKind::Users => users::targets(),
    })
}

/// A mapping for `columns`: the one remembered for these columns, else each
/// target mapped to the column of the same name.
pub async fn suggested_mapping(
    pool: &PgPool,
    kind: ImportKind,
    columns: &[String],
) -> AppResult<HashMap<String, String>> {
    if let Some(remembered) = db::remembered_mapping(pool, kind, columns).await? {
        return Ok(remembered);
    }
    let normal = |text: &str| text.trim().to_lowercase().replace([' ', '-'], "_");
    Ok(targets(pool, kind)
        .await?
        .into_iter()
        .filter_map(|t| columns.iter().find(|c| normal(c) == normal(&t.name)).map(|c| (t.name, c.clone())))
        .collect())
}

/// Counts of one run, stored as the job's result.
#[derive(Debug, Default, Serialize)]
struct Tally {
    rows: u64,
    created: u64,
    updated: u64,
    unchanged: u64,
    failed: u64,
}

/// Queue a dry run (`dry_run`) or the import of `import_id`; the job's id.
pub async fn start(pool: &PgPool, import: &db::Import, actor: &Actor, dry_run: bool) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let payload = json!({ "import_id": import.id, "dry_run": dry_run });
    let job = jobs::enqueue(&mut tx, KIND, &payload, Some(actor.id)).await?;
    db::set_job(&mut tx, import.id, job, dry_run).await?;
    tx.commit().await?;
    Ok(job)
}

/// The job: parse the stored file on a blocking thread, and apply its rows in batches.
pub async fn run_job(pool: &PgPool, job: &Job) -> AppResult<Value> {
    let import_id: Uuid = serde_json::from_value(job.payload["import_id"].clone()).map_err(anyhow::Error::from)?;
    let dry_run = job.payload["dry_run"].as_bool().unwrap_or(true);
    let import = db::find(pool, import_id).await?;
    let (actor, _) = crate::auth::db::find_actor(pool, Credential::User(import.created_by), None)
        .await?
        .ok_or(AppError::Forbidden)?;
    let mut audit = actor.audit();
    audit.source = Source::Import;
    let mut processor = Processor::new(import.kind, pool, &actor, import.entity_id).await?;
    db::clear_errors(pool, import_id, dry_run).await?;

    let columns: Vec<(String, usize)> = import
        .mapping
        .iter()
        .filter_map(|(target, column)| Some((target.clone(), import.columns.iter().position(|c| c == column)?)))
        .collect();
    let reader = source::ChunkReader::new(pool.clone(), tokio::runtime::Handle::current(), import_id, import.encoding);
    let consumed = reader.consumed.clone();
    let (sender, mut batches) = tokio::sync::mpsc::channel::<Vec<Row>>(2);
    let delimiter = import.delimiter;
    let parser = tokio::task::spawn_blocking(move || parse(reader, delimiter, &columns, &sender));

    let mut tally = Tally::default();
    let mut errors_kept = 0;
    while let Some(batch) = batches.recv().await {
        let mut tx = pool.begin().await?;
        let mut refused: Vec<(u64, FieldErrors)> = Vec::new();
        let outcomes = processor.batch(&mut tx, pool, &audit, &batch).await?;
        for (row, outcome) in batch.iter().zip(outcomes) {
            tally.rows += 1;
            match outcome {
                Ok(Outcome::Created) => tally.created += 1,
                Ok(Outcome::Updated) => tally.updated += 1,
                Ok(Outcome::Unchanged) => tally.unchanged += 1,
                Err(errors) => {
                    tally.failed += 1;
                    if errors_kept < MAX_ERRORS {
                        errors_kept += 1;
                        refused.push((row.line, errors));
                    }
                }
            }
        }
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        db::add_errors(pool, import_id, dry_run, &refused).await?;
        let done = consumed.load(std::sync::atomic::Ordering::Relaxed) as i64;
        jobs::progress(pool, job.id, done, Some(import.size_bytes)).await?;
    }
    parser.await.map_err(anyhow::Error::from)?.map_err(|e| AppError::Unprocessable(format!("unreadable CSV: {e}")))?;
    jobs::progress(pool, job.id, import.size_bytes, Some(import.size_bytes)).await?;
    if !dry_run {
        notify_done(pool, &import, &tally).await?;
    }
    Ok(serde_json::to_value(&tally).map_err(anyhow::Error::from)?)
}

/// One row in its own savepoint: a refused row leaves the batch intact.
async fn in_savepoint<R: Rows>(
    tx: &mut PgConnection,
    pool: &PgPool,
    audit: &AuditActor,
    processor: &mut R,
    row: &Row,
) -> AppResult<Result<Outcome, FieldErrors>> {
    let mut savepoint = tx.begin().await?;
    let outcome = processor.row(&mut savepoint, pool, audit, row).await;
    match outcome {
        Ok(Ok(done)) => {
            savepoint.commit().await?;
            Ok(Ok(done))
        }
        other => {
            savepoint.rollback().await?;
            other
        }
    }
}

/// Read records on this (blocking) thread and send them in batches.
fn parse(
    reader: source::ChunkReader,
    delimiter: u8,
    columns: &[(String, usize)],
    sender: &tokio::sync::mpsc::Sender<Vec<Row>>,
) -> Result<(), csv::Error> {
    let mut csv = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(reader);
    let mut batch = Vec::with_capacity(BATCH);
    let mut record = csv::StringRecord::new();
    while csv.read_record(&mut record)? {
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let line = record.position().map(|p| p.line()).unwrap_or_default();
        let values =
            columns.iter().map(|(target, index)| (target.clone(), record.get(*index).unwrap_or_default().to_owned()));
        batch.push(Row::from_pairs(line, values));
        if batch.len() == BATCH && sender.blocking_send(std::mem::take(&mut batch)).is_err() {
            return Ok(());
        }
    }
    if !batch.is_empty() {
        let _ = sender.blocking_send(batch);
    }
    Ok(())
}

async fn notify_done(pool: &PgPool, import: &db::Import, tally: &Tally) -> AppResult<()> {
    let mut conn = pool.acquire().await?;
    let args = json!({
        "file": import.file_name,
        "created": tally.created.to_string(),
        "updated": tally.updated.to_string(),
        "failed": tally.failed.to_string(),
    });
    let link = format!("/imports/{}", import.id);
    crate::notify::send(&mut conn, import.created_by, "notify-import-done", &args, &link, None).await
}

/// Create or update assets from rows named like an import file's, in one
/// transaction (the bulk API); each row's outcome.
pub async fn upsert_assets(pool: &PgPool, actor: &Actor, rows: &[Row]) -> AppResult<Vec<Result<Outcome, FieldErrors>>> {
    let mut processor = assets::AssetRows::load(pool, actor, None).await?;
    let mut tx = pool.begin().await?;
    let outcomes = processor.batch(&mut tx, pool, &actor.audit(), rows).await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// The importer must be allowed to create objects of the kind somewhere.
pub fn check_allowed(actor: &Actor, kind: ImportKind) -> AppResult<()> {
    actor.scope(kind.object_kind(), Action::Create).map(drop)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports", get(pages::list))
        .route("/imports/{id}", get(pages::show))
        .route("/imports/{id}/check", post(pages::check))
        .route("/imports/{id}/run", post(pages::run))
}

/// The upload route: its body may be far larger than a form's.
pub fn upload_router() -> Router<AppState> {
    Router::new().route("/imports/upload", post(pages::upload))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .upload("/api/v1/imports", api::create_import)
        .get("/api/v1/imports/{id}", api::find_import)
        .post("/api/v1/imports/{id}/check", api::check_import)
        .post("/api/v1/imports/{id}/run", api::run_import)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_dates_become_iso() {
        assert_eq!(iso_date("5/3/2026"), "2026-03-05");
        assert_eq!(iso_date("2026-03-05"), "2026-03-05");
        assert_eq!(iso_date("31/02/2026"), "2026-02-31", "left for the date check to refuse");
    }
}
