//! HTML pages of imports: upload, mapping, dry-run results, progress.

use std::collections::HashMap;

use askama::Template;
use axum::{
    body::Bytes,
    extract::{Multipart, State},
    response::Response,
};
use futures_util::TryStreamExt;
use uuid::Uuid;

use super::{ImportKind, Target, db, source};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    jobs::{self, JobStatus},
    org::entity_choices,
    state::AppState,
    web::{PageCtx, extract::Id, layout::redirect_with_flash, render, render_status},
};

/// Rows with errors shown on the page.
const ERRORS_SHOWN: i64 = 200;

#[derive(Template)]
#[template(path = "imports/list.html")]
struct ListPage {
    ctx: PageCtx,
    kinds: Vec<(String, String)>,
    entities: Vec<(String, String)>,
    recent: Vec<(Uuid, String, String, chrono::DateTime<chrono::Utc>)>,
    /// Why the last upload was refused (a message key).
    refusal: Option<String>,
}

async fn list_page(state: &AppState, ctx: PageCtx, actor: &Actor, refusal: Option<String>) -> AppResult<Response> {
    let kinds: Vec<(String, String)> = ImportKind::ALL
        .into_iter()
        .filter(|k| super::check_allowed(actor, *k).is_ok())
        .map(|k| (k.as_str().to_owned(), ctx.t(&k.label_key())))
        .collect();
    if kinds.is_empty() {
        return Err(AppError::Forbidden);
    }
    let scope = actor.scope_or_empty(ObjectKind::Asset, Action::Create);
    let entities = entity_choices(&state.db, &scope).await?;
    let recent = db::recent(&state.db, actor.id).await?;
    let status =
        if refusal.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    render_status(status, &ListPage { ctx, kinds, entities, recent, refusal })
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    list_page(&state, ctx, &actor, None).await
}

/// Store an uploaded file as a new import of `kind`; its id.
pub async fn create_import<S, E>(
    state: &AppState,
    actor: &Actor,
    kind: ImportKind,
    entity_id: Option<Uuid>,
    file_name: &str,
    body: S,
) -> AppResult<Uuid>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    super::check_allowed(actor, kind)?;
    if entity_id.is_some_and(|e| !actor.scope_or_empty(kind.object_kind(), Action::Create).contains(e)) {
        return Err(AppError::field("entity_id", "field-invalid-choice"));
    }
    let name: String = file_name.chars().filter(|c| !c.is_control()).take(300).collect();
    let new = db::NewImport { kind, file_name: &name, entity_id, created_by: actor.id };
    let id = db::create(&state.db, &new).await?;
    let described = async {
        let stored = source::store(&state.db, id, body).await?;
        let (delimiter, columns) = source::header(&state.db, id, stored.encoding).await?;
        let mapping = super::suggested_mapping(&state.db, kind, &columns).await?;
        db::describe(&state.db, id, stored.encoding, delimiter, &columns, stored.size, &mapping).await
    }
    .await;
    if let Err(error) = described {
        db::discard(&state.db, id).await?;
        return Err(error);
    }
    Ok(id)
}

/// The upload form: kind and entity first, then the file, streamed as it comes.
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut kind = None;
    let mut entity_id = None;
    let bad_form = |_| AppError::BadRequest("malformed upload".into());
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        match field.name().unwrap_or_default() {
            "kind" => kind = ImportKind::parse(&field.text().await.map_err(bad_form)?),
            "entity_id" => entity_id = Uuid::parse_str(field.text().await.map_err(bad_form)?.trim()).ok(),
            "file" => {
                let Some(kind) = kind else {
                    return list_page(&state, ctx, &actor, Some("import-choose-kind".into())).await;
                };
                let file_name = field.file_name().unwrap_or("import.csv").to_owned();
                let stream = field.map_err(|e| e.to_string());
                return match create_import(&state, &actor, kind, entity_id, &file_name, Box::pin(stream)).await {
                    Ok(id) => Ok(redirect_with_flash(&format!("/imports/{id}"), "success", "import-uploaded")),
                    Err(AppError::Validation(errors)) => {
                        let key = errors.iter().next().map(|(_, key)| key.to_owned());
                        list_page(&state, ctx, &actor, key).await
                    }
                    Err(other) => Err(other),
                };
            }
            _ => {}
        }
    }
    list_page(&state, ctx, &actor, Some("import-no-file".into())).await
}

/// A job as the page shows it, with its first refused rows.
struct JobView {
    status: JobStatus,
    errors: Vec<db::RowError>,
}

async fn job_view(
    state: &AppState,
    import: &db::Import,
    job: Option<Uuid>,
    dry_run: bool,
) -> AppResult<Option<JobView>> {
    let Some(job) = job else { return Ok(None) };
    let status = jobs::status(&state.db, job, None).await?;
    let errors = db::errors(&state.db, import.id, dry_run, ERRORS_SHOWN).await?;
    Ok(Some(JobView { status, errors }))
}

#[derive(Template)]
#[template(path = "imports/show.html")]
struct ShowPage {
    ctx: PageCtx,
    import: db::Import,
    targets: Vec<Target>,
    check: Option<JobView>,
    run: Option<JobView>,
}

impl ShowPage {
    fn mapped(&self, target: &str) -> &str {
        self.import.mapping.get(target).map(String::as_str).unwrap_or_default()
    }

    /// (title key, dry run?, job) of the dry run and the import that exist.
    fn jobs(&self) -> Vec<(&'static str, bool, &JobView)> {
        let check = self.check.as_ref().map(|j| ("import-check-title", true, j));
        let run = self.run.as_ref().map(|j| ("import-run-title", false, j));
        check.into_iter().chain(run).collect()
    }

    /// Reload while a job is queued or running, for the progress bar.
    fn working(&self) -> bool {
        [&self.check, &self.run].into_iter().flatten().any(|j| !j.status.finished())
    }

    /// The import may start once a dry run has finished and no import ran yet.
    fn can_run(&self) -> bool {
        self.run.is_none() && self.check.as_ref().is_some_and(|c| c.status.state == "done")
    }

    /// A count from a finished job's result.
    fn count(&self, job: &JobView, name: &str) -> String {
        job.status.result.as_ref().and_then(|r| r.get(name)).map(|v| v.to_string()).unwrap_or_default()
    }

    /// The label of a row error's field: a target's, else the field's name.
    fn field_label(&self, field: &str) -> String {
        match self.targets.iter().find(|t| t.name == field) {
            Some(target) => self.ctx.t(&target.label),
            None => self.ctx.t(&format!("import-field-{field}")),
        }
    }
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let import = db::find_own(&state.db, id, actor.id).await?;
    let targets = super::targets(&state.db, import.kind).await?;
    let check = job_view(&state, &import, import.check_job, true).await?;
    let run = job_view(&state, &import, import.run_job, false).await?;
    render(&ShowPage { ctx, import, targets, check, run })
}

/// The mapping form: `map.<target>` = column name.
fn mapping_from(body: &[u8], columns: &[String]) -> AppResult<HashMap<String, String>> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("malformed form".into()))?;
    let mut mapping = HashMap::new();
    for (name, column) in pairs {
        let Some(target) = name.strip_prefix("map.") else { continue };
        if column.is_empty() {
            continue;
        }
        if !columns.contains(&column) {
            return Err(AppError::BadRequest("no such column".into()));
        }
        mapping.insert(target.to_owned(), column);
    }
    Ok(mapping)
}

/// Save the mapping and start a dry run.
pub async fn check(State(state): State<AppState>, actor: Actor, Id(id): Id, body: Bytes) -> AppResult<Response> {
    let import = db::find_own(&state.db, id, actor.id).await?;
    if import.run_job.is_some() {
        return Ok(redirect_with_flash(&format!("/imports/{id}"), "error", "import-already-run"));
    }
    let mapping = mapping_from(&body, &import.columns)?;
    db::save_mapping(&state.db, &import, &mapping).await?;
    super::start(&state.db, &import, &actor, true).await?;
    Ok(redirect_with_flash(&format!("/imports/{id}"), "success", "import-check-started"))
}

/// Start the import itself, after a dry run.
pub async fn run(State(state): State<AppState>, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let import = db::find_own(&state.db, id, actor.id).await?;
    let checked = match import.check_job {
        Some(job) => jobs::status(&state.db, job, None).await?.state == "done",
        None => false,
    };
    if !checked || import.run_job.is_some() {
        return Ok(redirect_with_flash(&format!("/imports/{id}"), "error", "import-check-first"));
    }
    super::start(&state.db, &import, &actor, false).await?;
    Ok(redirect_with_flash(&format!("/imports/{id}"), "success", "import-started"))
}
