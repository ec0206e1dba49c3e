//! JSON API of the knowledge base.

use axum::{
    Json,
    extract::{Query, RawQuery, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    db::{self, ArticleList},
    domain::{Article, ArticleBody, Hit, Reader, Revision},
    form::ArticleForm,
    pages::{SuggestParams, filter_from},
};
use crate::{
    api::{ApiJson, ListResponse},
    audit::HistoryEntry,
    auth::{
        actor::ApiActor,
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError},
    state::AppState,
    web::{
        extract::{ApiId, parse_query},
        list::{ListParams, fetch_page},
        resource,
    },
};

const KIND: ObjectKind = ObjectKind::KbArticle;

/// List the articles the caller may read
#[utoipa::path(get, path = "/api/v1/kb/articles", tag = "knowledge base",
    params(("q" = Option<String>, Query, description = "full text, French and English"),
           ("category_id" = Option<uuid::Uuid>, Query), ("lang" = Option<String>, Query, description = "fr or en"),
           ("sort" = Option<String>, Query, description = "updated, title, category"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<Article>)))]
pub async fn list(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<Article>>> {
    let reader = Reader::of(&actor);
    let query = parse_query::<ListParams>(raw.as_deref())?.check()?;
    let filter = filter_from(raw.as_deref(), Some(reader.clone()))?;
    Ok(Json(fetch_page::<ArticleList>(&state.db, &reader.helpdesk, &filter, &query).await?.into()))
}

/// The best matches for a question, ranked, with an excerpt
#[utoipa::path(get, path = "/api/v1/kb/search", tag = "knowledge base",
    params(("q" = String, Query, description = "what to look for")),
    responses((status = 200, body = Vec<Hit>)))]
pub async fn search(
    State(state): State<AppState>,
    actor: ApiActor,
    Query(params): Query<SuggestParams>,
) -> ApiResult<Json<Vec<Hit>>> {
    let q: String = params.q.trim().chars().take(200).collect();
    if q.is_empty() {
        return Err(AppError::BadRequest("q is required".into()).into());
    }
    Ok(Json(db::search(&state.db, &Reader::of(&actor), &q, 20).await?))
}

/// One article
#[utoipa::path(get, path = "/api/v1/kb/articles/{id}", tag = "knowledge base",
    responses((status = 200, body = Article), (status = 404, body = crate::error::Problem)))]
pub async fn find(State(state): State<AppState>, actor: ApiActor, ApiId(id): ApiId) -> ApiResult<Json<Article>> {
    Ok(Json(db::find_readable(&state.db, &Reader::of(&actor), id).await?))
}

/// Write an article (optionally from a ticket)
#[utoipa::path(post, path = "/api/v1/kb/articles", tag = "knowledge base", request_body = ArticleBody,
    responses((status = 201, body = Article), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<ArticleBody>,
) -> ApiResult<(StatusCode, Json<Article>)> {
    let defaults = ArticleForm { lang: actor.lang.code().into(), visibility: "everyone".into(), ..Default::default() };
    resource::api_create::<Article>(&state, &actor, defaults.patched(&body)).await
}

/// Change an article from its version (the previous text stays in its revisions)
#[utoipa::path(patch, path = "/api/v1/kb/articles/{id}", tag = "knowledge base", request_body = ArticleBody,
    responses((status = 200, body = Article), (status = 409, body = crate::error::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ArticleBody>,
) -> ApiResult<Json<Article>> {
    if body.ticket_id.is_some() {
        return Err(AppError::field("ticket_id", "field-not-allowed").into());
    }
    resource::api_update::<Article>(&state, &actor, id, &headers, body.version, |current| {
        ArticleForm::from(current).patched(&body)
    })
    .await
}

/// Delete an article
#[utoipa::path(delete, path = "/api/v1/kb/articles/{id}", tag = "knowledge base",
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    actor: ApiActor,
    id: ApiId,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    resource::api_delete::<Article>(&state, &actor, id, &headers).await
}

/// History of an article: who changed what, old and new
#[utoipa::path(get, path = "/api/v1/kb/articles/{id}/history", tag = "knowledge base",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn history(State(state): State<AppState>, actor: ApiActor, id: ApiId) -> ApiResult<Json<Vec<HistoryEntry>>> {
    resource::api_history::<Article>(&state, &actor, id).await
}

/// Every saved version of an article, newest first
#[utoipa::path(get, path = "/api/v1/kb/articles/{id}/revisions", tag = "knowledge base",
    responses((status = 200, body = Vec<Revision>), (status = 404, body = crate::error::Problem)))]
pub async fn revisions(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<Vec<Revision>>> {
    db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    Ok(Json(db::revisions(&state.db, id).await?))
}
