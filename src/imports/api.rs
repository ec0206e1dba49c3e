//! JSON handlers of imports: upload a CSV body, start the dry run and the
//! import, follow them.

use std::collections::HashMap;

use axum::{
    Json,
    body::Body,
    extract::{Query, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ImportKind, Target, db};
use crate::{
    api::ApiJson,
    auth::actor::ApiActor,
    error::{ApiResult, AppError},
    jobs::{self, JobStatus},
    state::AppState,
    web::extract::ApiId,
};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    pub kind: ImportKind,
    /// Where new rows go when the file names no entity.
    pub entity_id: Option<Uuid>,
    pub file_name: Option<String>,
}

/// An import, the fields it can fill, and how its jobs went.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportView {
    pub import: db::Import,
    pub targets: Vec<Target>,
    pub check: Option<JobStatus>,
    pub run: Option<JobStatus>,
    /// The first refused rows of the dry run.
    pub check_errors: Vec<db::RowError>,
    /// The first refused rows of the import.
    pub run_errors: Vec<db::RowError>,
}

async fn view(state: &AppState, import: db::Import) -> ApiResult<ImportView> {
    let status = |job: Option<Uuid>| async move {
        match job {
            Some(job) => jobs::status(&state.db, job, None).await.map(Some),
            None => Ok(None),
        }
    };
    Ok(ImportView {
        targets: super::targets(&state.db, import.kind).await?,
        check: status(import.check_job).await?,
        run: status(import.run_job).await?,
        check_errors: db::errors(&state.db, import.id, true, 1000).await?,
        run_errors: db::errors(&state.db, import.id, false, 1000).await?,
        import,
    })
}

/// Upload a CSV file (UTF-8 with or without BOM, or Latin-1; , ; or tab separated)
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports", params(UploadParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportView), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_import(
    State(state): State<AppState>,
    actor: ApiActor,
    Query(params): Query<UploadParams>,
    body: Body,
) -> ApiResult<(StatusCode, Json<ImportView>)> {
    let name = params.file_name.unwrap_or_else(|| "import.csv".into());
    let stream = body.into_data_stream();
    let id = super::pages::create_import(&state, &actor, params.kind, params.entity_id, &name, stream).await?;
    let import = db::find(&state.db, id).await?;
    Ok((StatusCode::CREATED, Json(view(&state, import).await?)))
}

/// An import you uploaded, with its dry run and import progress and refused rows
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", responses((status = 200, body = ImportView), (status = 404, body = crate::error::Problem)))]
pub async fn find_import(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<ImportView>> {
    let import = db::find_own(&state.db, id, actor.id).await?;
    Ok(Json(view(&state, import).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// Target field -> column name; the suggested or last mapping when left out.
    pub mapping: Option<HashMap<String, String>>,
}

/// Start a dry run: every row checked, nothing written
#[utoipa::path(post, path = "/api/v1/imports/{id}/check", tag = "imports", request_body = CheckRequest,
    responses((status = 202, body = JobStatus), (status = 409, body = crate::error::Problem, description = "already imported")))]
pub async fn check_import(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<CheckRequest>,
) -> ApiResult<(StatusCode, Json<JobStatus>)> {
    let import = db::find_own(&state.db, id, actor.id).await?;
    if import.run_job.is_some() {
        return Err(AppError::Conflict("this file was already imported".into()).into());
    }
    if let Some(mapping) = body.mapping {
        if let Some((_, column)) = mapping.iter().find(|(_, column)| !import.columns.contains(column)) {
            return Err(AppError::Unprocessable(format!("no column named {column:?}")).into());
        }
        db::save_mapping(&state.db, &import, &mapping).await?;
    }
    let job = super::start(&state.db, &import, &actor, true).await?;
    Ok((StatusCode::ACCEPTED, Json(jobs::status(&state.db, job, None).await?)))
}

/// Start the import, after a finished dry run
#[utoipa::path(post, path = "/api/v1/imports/{id}/run", tag = "imports",
    responses((status = 202, body = JobStatus), (status = 409, body = crate::error::Problem, description = "no finished dry run, or already imported")))]
pub async fn run_import(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<(StatusCode, Json<JobStatus>)> {
    let import = db::find_own(&state.db, id, actor.id).await?;
    let checked = match import.check_job {
        Some(job) => jobs::status(&state.db, job, None).await?.state == "done",
        None => false,
    };
    if !checked || import.run_job.is_some() {
        return Err(AppError::Conflict("run a dry run first; a file is imported once".into()).into());
    }
    let job = super::start(&state.db, &import, &actor, false).await?;
    Ok((StatusCode::ACCEPTED, Json(jobs::status(&state.db, job, None).await?)))
}

/// The most rows one bulk request takes.
const MAX_UPSERT: usize = 1000;

/// One row's fate in a bulk create/update.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UpsertResult {
    /// Position in the request, from 0.
    pub index: usize,
    pub tag: String,
    /// created, updated, unchanged or refused.
    pub outcome: &'static str,
    /// The refused fields, with their message keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<crate::error::ProblemField>,
}

/// Create or update assets by tag, for migrations from another tool
///
/// Each item names its values as an import file does (`tag`, `name`, `serial`,
/// `model`, `manufacturer`, `status`, `entity`, `location`, `assigned_to`,
/// `group`, purchase fields, `custom.<key>`), by name rather than by id. An
/// existing tag is updated, a new one created; refused items are reported
/// and the others kept.
#[utoipa::path(post, path = "/api/v1/assets/by-tag", tag = "assets",
    request_body(content = Vec<Object>, description = "at most 1000 items, each with a tag"),
    responses((status = 200, body = Vec<UpsertResult>), (status = 422, body = crate::error::Problem)))]
pub async fn upsert_assets_by_tag(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(items): ApiJson<Vec<serde_json::Map<String, serde_json::Value>>>,
) -> ApiResult<Json<Vec<UpsertResult>>> {
    super::check_allowed(&actor, ImportKind::Assets)?;
    if items.len() > MAX_UPSERT {
        return Err(AppError::Unprocessable(format!("at most {MAX_UPSERT} items per request")).into());
    }
    let targets = super::targets(&state.db, ImportKind::Assets).await?;
    let mut rows = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        if let Some(unknown) = item.keys().find(|k| !targets.iter().any(|t| &t.name == *k)) {
            return Err(AppError::Unprocessable(format!("item {index}: unknown field {unknown:?}")).into());
        }
        let text = |v: &serde_json::Value| crate::assets::categories::fields::value_text(v);
        let row = super::Row::from_pairs(index as u64, item.iter().map(|(k, v)| (k.clone(), text(v))));
        if row.given("tag").is_none() {
            return Err(AppError::field(&format!("{index}.tag"), "field-required").into());
        }
        rows.push(row);
    }
    let outcomes = super::upsert_assets(&state.db, &actor, &rows).await?;
    let results = rows
        .iter()
        .zip(outcomes)
        .enumerate()
        .map(|(index, (row, outcome))| {
            let (outcome, errors) = match outcome {
                Ok(super::Outcome::Created) => ("created", Vec::new()),
                Ok(super::Outcome::Updated) => ("updated", Vec::new()),
                Ok(super::Outcome::Unchanged) => ("unchanged", Vec::new()),
                Err(errors) => ("refused", crate::error::ProblemField::all(&errors)),
            };
            UpsertResult { index, tag: row.get("tag").to_owned(), outcome, errors }
        })
        .collect();
    Ok(Json(results))
}
