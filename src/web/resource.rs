//! Handlers every object type shares, written once: history, delete
//! confirmation and delete, CSV export, and their API twins. A type implements
//! [`Resource`] (find, delete, a title) and [`Listing`]; its slice routes to
//! `resource::history::<Location>` and so on. List pages, detail pages and
//! forms stay per type, because their templates are concrete.

use std::future::Future;

use axum::{
    Form, Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    PageCtx,
    extract::{ApiId, Id, parse_query},
    form::VersionForm,
    layout::after_delete,
    list::{ListParams, Listing, csv_download, fetch_page},
    render,
    table::{ConfirmDeleteTemplate, HistoryTemplate, Tabs},
};
use crate::{
    api::{ListResponse, expected_version},
    audit::{self, HistoryEntry},
    auth::{
        actor::{Actor, ApiActor},
        permission::{Action, ObjectKind, Scope},
    },
    error::{ApiResult, AppResult},
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

    fn base(id: Uuid) -> String {
        format!("/{}/{id}", Self::KIND.plural())
    }
}

pub async fn history<R: Resource>(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
) -> AppResult<Response> {
    let object = R::find(&state.db, &actor.scope(R::KIND, Action::View)?, id).await?;
    let entries = audit::history(&state.db, R::KIND, id, 500).await?;
    let tabs = Tabs { base: R::base(id), current: "history" };
    render(&HistoryTemplate { ctx, kind_key: R::KIND_KEY, title: object.title(), tabs, entries })
}

pub async fn delete_form<R: Resource>(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
) -> AppResult<Response> {
    let object = R::find(&state.db, &actor.scope(R::KIND, Action::Delete)?, id).await?;
    render(&ConfirmDeleteTemplate {
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
    let filter = R::filter(raw.as_deref())?;
    Ok(csv_download::<R::List>(state.db, scope, filter, query, &format!("{}.csv", R::KIND.plural())))
}

pub async fn api_list<R: Resource>(
    state: &AppState,
    actor: &ApiActor,
    raw: Option<&str>,
) -> ApiResult<Json<ListResponse<<R::List as Listing>::Row>>> {
    let scope = actor.scope(R::KIND, Action::View)?;
    let query = parse_query::<ListParams>(raw)?.check()?;
    let filter = R::filter(raw)?;
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
