//! Handlers every object type shares, written once: history, delete
//! confirmation and delete, CSV export, and their API twins. A type implements
//! [`Resource`] (find, delete, a title) and [`Listing`]; its slice routes to
//! `resource::history::<Location>` and so on. List pages, detail pages and
//! forms stay per type, because their templates are concrete.

use std::future::Future;

use axum::{
    Form, Json, Router,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::{MethodRouter, get},
};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    PageCtx,
    extract::{ApiId, Id, parse_query},
    form::{FieldErrors, VersionForm},
    layout::{after_delete, redirect_with_flash},
    list::{ListParams, Listing, csv_download, fetch_page},
    render,
    table::{ConfirmDeleteTemplate, FormField, FormTemplate, HistoryTemplate, Tabs},
};
use crate::{
    api::{ListResponse, expected_version},
    audit::{self, HistoryEntry},
    auth::{
        actor::{Actor, ApiActor},
        permission::{Action, ObjectKind, Scope},
    },
    error::{ApiResult, AppError, AppResult},
    state::AppState,
};

/// An object type with pages, API, permissions and history.
pub trait Resource: Sized + Send + Sync + 'static {
    const KIND: ObjectKind;
    /// Message key of the type's name ("kind-location").
    const KIND_KEY: &'static str;
    /// The list of this type.
    type List: Listing;

    fn title(&self) -> String;
    fn version(&self) -> i64;

    /// The object if it exists and lies within `scope`; else NotFound.
    fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> impl Future<Output = AppResult<Self>> + Send;

    /// Delete from `version`, with the history row; refused while the object is used.
    fn delete(pool: &PgPool, actor: &Actor, current: &Self, version: i64)
    -> impl Future<Output = AppResult<()>> + Send;

    /// Filters of the list, from the query string.
    fn filter(raw: Option<&str>) -> AppResult<<Self::List as Listing>::Filter>;

    /// Filters of the list as `actor` sees it, for the export and the API
    /// list, so they hold the rows of the person's list page. A type whose
    /// list depends on more than the scope (what the person may read beyond
    /// it) says so here.
    fn filter_for(_actor: &Actor, raw: Option<&str>) -> AppResult<<Self::List as Listing>::Filter> {
        Self::filter(raw)
    }

    fn base(id: Uuid) -> String {
        format!("/{}/{id}", Self::KIND.plural())
    }

    /// What deleting the object changes beyond it (objects it leaves without
    /// it, say), told on the confirmation page; nothing by default.
    fn delete_notice(&self, _ctx: &PageCtx) -> Option<String> {
        None
    }
}

pub async fn history<R: Resource>(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
) -> AppResult<Response> {
    let object = R::find(&state.db, &actor.scope(R::KIND, Action::View)?, id).await?;
    let entries = audit::history_lines(&state.db, R::KIND, id, 500).await?;
    let names = audit::names_of_ids(&state.db, &entries).await?;
    let tabs = Tabs { base: R::base(id), current: "history" };
    render(&HistoryTemplate::new(ctx, R::KIND_KEY, object.title(), tabs, entries, names))
}

pub async fn delete_form<R: Resource>(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
) -> AppResult<Response> {
    let object = R::find(&state.db, &actor.scope(R::KIND, Action::Delete)?, id).await?;
    render(&ConfirmDeleteTemplate {
        notice: object.delete_notice(&ctx),
        ctx,
        kind_key: R::KIND_KEY,
        title: object.title(),
        action: format!("{}/delete", R::base(id)),
        cancel: R::base(id),
        version: object.version(),
    })
}

pub async fn delete<R: Resource>(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    let object = R::find(&state.db, &actor.scope(R::KIND, Action::Delete)?, id).await?;
    let outcome = R::delete(&state.db, &actor, &object, form.or(object.version())).await;
    after_delete(outcome, &format!("/{}", R::KIND.plural()), &R::base(id))
}

/// The filtered list as a streamed CSV file, with the list's own scope.
pub async fn export<R: Resource>(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let scope = actor.scope(R::KIND, Action::View)?;
    let query = parse_query::<ListParams>(raw.as_deref())?.check()?;
    let filter = R::filter_for(&actor, raw.as_deref())?;
    Ok(csv_download::<R::List>(state.db, scope, filter, query, &format!("{}.csv", R::KIND.plural())))
}

pub async fn api_list<R: Resource>(
    state: &AppState,
    actor: &ApiActor,
    raw: Option<&str>,
) -> ApiResult<Json<ListResponse<<R::List as Listing>::Row>>> {
    let scope = actor.scope(R::KIND, Action::View)?;
    let query = parse_query::<ListParams>(raw)?.check()?;
    let filter = R::filter_for(actor, raw)?;
    Ok(Json(fetch_page::<R::List>(&state.db, &scope, &filter, &query).await?.into()))
}

pub async fn api_history<R: Resource>(
    state: &AppState,
    actor: &ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    R::find(&state.db, &actor.scope(R::KIND, Action::View)?, id).await?;
    Ok(Json(audit::history(&state.db, R::KIND, id, 1000).await?))
}

/// GET one object, within the caller's scope.
pub async fn api_find<R: Resource + serde::Serialize>(
    state: &AppState,
    actor: &ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<R>> {
    Ok(Json(R::find(&state.db, &actor.scope(R::KIND, Action::View)?, id).await?))
}

/// POST: the body's values through the same checks as the form, then 201 with the object.
pub async fn api_create<R: Editable + serde::Serialize>(
    state: &AppState,
    actor: &ApiActor,
    form: R::Form,
) -> ApiResult<(StatusCode, Json<R>)> {
    let scope = actor.scope(R::KIND, Action::Create)?;
    let input = R::parse(&form).map_err(AppError::Validation)?;
    R::check(state, &actor.0, &input, Action::Create).await?;
    let id = R::insert(state, &actor.0, &input).await?;
    Ok((StatusCode::CREATED, Json(R::find(&state.db, &scope, id).await?)))
}

/// PATCH: the version from the body or If-Match, the current values with the
/// body laid over them (`patch`), the same checks as the form.
pub async fn api_update<R: Editable + serde::Serialize>(
    state: &AppState,
    actor: &ApiActor,
    ApiId(id): ApiId,
    headers: &HeaderMap,
    body_version: Option<i64>,
    patch: impl FnOnce(&R) -> R::Form,
) -> ApiResult<Json<R>> {
    let scope = actor.scope(R::KIND, Action::Update)?;
    let current = R::find(&state.db, &scope, id).await?;
    let version = expected_version(headers, body_version)?;
    let input = R::parse(&patch(&current)).map_err(AppError::Validation)?;
    R::check(state, &actor.0, &input, Action::Update).await?;
    R::update(state, &actor.0, &current, version, &input).await?;
    Ok(Json(R::find(&state.db, &scope, id).await?))
}

/// DELETE: the version from If-Match when given, else the current one.
pub async fn api_delete<R: Resource>(
    state: &AppState,
    actor: &ApiActor,
    ApiId(id): ApiId,
    headers: &HeaderMap,
) -> ApiResult<StatusCode> {
    let object = R::find(&state.db, &actor.scope(R::KIND, Action::Delete)?, id).await?;
    let version = expected_version(headers, None).unwrap_or(object.version());
    R::delete(&state.db, actor, &object, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A type whose create and edit forms are a plain list of fields
/// ([`FormTemplate`]); its four form handlers come from here.
/// The pages every editable type has under `/<plural>`: its list (given)
/// and the creation it posts to, the new form, the CSV export, its page
/// (given), the edit form, the delete confirmation and the history.
pub fn pages<R: Editable>(list: MethodRouter<AppState>, show: MethodRouter<AppState>) -> Router<AppState> {
    let base = format!("/{}", R::KIND.plural());
    Router::new()
        .route(&base, list.post(create::<R>))
        .route(&format!("{base}/new"), get(new_form::<R>))
        .route(&format!("{base}/export.csv"), get(export::<R>))
        .route(&format!("{base}/{{id}}"), show)
        .route(&format!("{base}/{{id}}/edit"), get(edit_form::<R>).post(update::<R>))
        .route(&format!("{base}/{{id}}/delete"), get(delete_form::<R>).post(delete::<R>))
        .route(&format!("{base}/{{id}}/history"), get(history::<R>))
}

pub trait Editable: Resource {
    /// The raw form, as posted (all text).
    type Form: serde::de::DeserializeOwned + Default + Clone + Send + Sync + for<'a> From<&'a Self> + 'static;
    /// The checked values to write.
    type Input: Send + Sync;
    /// Message key of the creation page's title ("manufacturer-new").
    const NEW_KEY: &'static str;

    fn parse(form: &Self::Form) -> Result<Self::Input, FieldErrors>;
    fn version_field(form: &Self::Form) -> &str;
    /// The form's fields with their values and choices.
    fn fields(
        state: &AppState,
        ctx: &PageCtx,
        form: &Self::Form,
    ) -> impl Future<Output = AppResult<Vec<FormField>>> + Send;
    /// Checks that need the database or the person (references in scope...).
    /// `action` is Create or Update.
    fn check(
        state: &AppState,
        actor: &Actor,
        input: &Self::Input,
        action: Action,
    ) -> impl Future<Output = AppResult<()>> + Send;
    fn insert(state: &AppState, actor: &Actor, input: &Self::Input) -> impl Future<Output = AppResult<Uuid>> + Send;
    fn update(
        state: &AppState,
        actor: &Actor,
        current: &Self,
        version: i64,
        input: &Self::Input,
    ) -> impl Future<Output = AppResult<()>> + Send;
}

async fn form_page<R: Editable>(
    state: &AppState,
    ctx: PageCtx,
    editing: Option<(Uuid, String)>,
    form: R::Form,
    errors: FieldErrors,
) -> AppResult<Response> {
    let plural = R::KIND.plural();
    let (title, action, cancel) = match &editing {
        Some((id, name)) => {
            (format!("{} : {name}", ctx.t("action-edit")), format!("/{plural}/{id}/edit"), format!("/{plural}/{id}"))
        }
        None => (ctx.t(R::NEW_KEY), format!("/{plural}"), format!("/{plural}")),
    };
    let page = FormTemplate {
        fields: R::fields(state, &ctx, &form).await?,
        version: R::version_field(&form).to_owned(),
        ctx,
        title,
        action,
        cancel,
        errors,
    };
    page.render()
}

pub async fn new_form<R: Editable>(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    actor.scope(R::KIND, Action::Create)?;
    form_page::<R>(&state, ctx, None, R::Form::default(), FieldErrors::default()).await
}

pub async fn create<R: Editable>(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(form): Form<R::Form>,
) -> AppResult<Response> {
    actor.scope(R::KIND, Action::Create)?;
    let outcome = async {
        let input = R::parse(&form).map_err(AppError::Validation)?;
        R::check(&state, &actor, &input, Action::Create).await?;
        R::insert(&state, &actor, &input).await
    }
    .await;
    match outcome.map_err(AppError::into_field_errors) {
        Ok(id) => Ok(redirect_with_flash(&R::base(id), "success", "flash-created")),
        Err(Ok(errors)) => form_page::<R>(&state, ctx, None, form, errors).await,
        Err(Err(other)) => Err(other),
    }
}

pub async fn edit_form<R: Editable>(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
) -> AppResult<Response> {
    let current = R::find(&state.db, &actor.scope(R::KIND, Action::Update)?, id).await?;
    let form = R::Form::from(&current);
    form_page::<R>(&state, ctx, Some((id, current.title())), form, FieldErrors::default()).await
}

pub async fn update<R: Editable>(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<R::Form>,
) -> AppResult<Response> {
    let current = R::find(&state.db, &actor.scope(R::KIND, Action::Update)?, id).await?;
    let outcome = async {
        let input = R::parse(&form).map_err(AppError::Validation)?;
        let version =
            R::version_field(&form).trim().parse().map_err(|_| AppError::field("version", "field-invalid"))?;
        R::check(&state, &actor, &input, Action::Update).await?;
        R::update(&state, &actor, &current, version, &input).await
    }
    .await;
    let editing = Some((id, current.title()));
    match outcome {
        Ok(()) => Ok(redirect_with_flash(&R::base(id), "success", "flash-saved")),
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            form_page::<R>(&state, ctx, editing, form, errors).await
        }
        Err(AppError::StaleEdit { by, at }) => {
            let ctx = ctx.with_stale(&by, &at);
            form_page::<R>(&state, ctx, editing, form, FieldErrors::single("version", "stale-edit-short")).await
        }
        Err(other) => Err(other),
    }
}
