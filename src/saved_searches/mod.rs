//! Saved searches: each person keeps the searches they run often (a queue
//! with its filters and sort, a slice of the park) under a name, on every
//! list. The list's "saved searches" menu loads them when opened, so list
//! pages never pay for them.

pub mod db;

use askama::Template;
use axum::{
    Json, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;

use crate::{
    api::{ApiJson, RouteTable},
    auth::actor::{Actor, ApiActor},
    error::{ApiResult, AppError, AppResult},
    state::AppState,
    web::{
        PageCtx,
        extract::{ApiId, Id},
        form::{FieldErrors, Parser, pair_value},
        layout::redirect_with_flash,
        render,
    },
};
pub use db::SavedSearch;

/// The lists a search can be saved on.
pub const LISTS: [&str; 11] = [
    "/tickets",
    "/assets",
    "/asset-models",
    "/asset-categories",
    "/asset-statuses",
    "/manufacturers",
    "/users",
    "/groups",
    "/entities",
    "/locations",
    "/kb",
];

/// A search to save, as the list's menu or the API sends it.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SearchInput {
    /// One of the lists, e.g. `/tickets`.
    pub list: String,
    pub name: String,
    /// The list's query string (search, filters, sort); a page number is dropped.
    pub query: String,
}

impl SearchInput {
    /// The list, name and query, checked; the errors marked per field.
    fn parse(&self) -> Result<(&'static str, String, String), FieldErrors> {
        let mut p = Parser::default();
        let name = p.required("name", &self.name, 100);
        let list = LISTS.iter().copied().find(|l| *l == self.list.trim());
        if list.is_none() {
            p.errors.add("list", "field-invalid-choice");
        }
        let query = match serde_urlencoded::from_str::<Vec<(String, String)>>(self.query.trim()) {
            Ok(pairs) => {
                let kept: Vec<_> = pairs.into_iter().filter(|(k, v)| k != "page" && !v.is_empty()).collect();
                serde_urlencoded::to_string(kept).unwrap_or_default()
            }
            Err(_) => {
                p.errors.add("query", "field-invalid");
                String::new()
            }
        };
        if query.len() > 2000 {
            p.errors.add("query", "field-too-long");
        }
        let list = list.unwrap_or_default();
        p.errors.finish((list, name, query))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MenuParams {
    list: String,
    query: String,
}

#[derive(Template)]
#[template(path = "saved_searches/page.html")]
struct SearchesPage {
    ctx: PageCtx,
    menu: Menu,
}

#[derive(Template)]
#[template(path = "saved_searches/menu.html")]
struct MenuFragment {
    ctx: PageCtx,
    menu: Menu,
}

/// The saved searches shown, and the search that may be saved from here.
struct Menu {
    searches: Vec<SavedSearch>,
    list: String,
    query: String,
}

/// The menu of a list (the fragment the list loads), or, followed as a
/// link, the page of all one's saved searches.
async fn menu(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    headers: HeaderMap,
    Query(params): Query<MenuParams>,
) -> AppResult<Response> {
    let list = LISTS.iter().copied().find(|l| *l == params.list);
    let fragment = headers.contains_key("hx-request") && list.is_some();
    let searches = db::of_user(&state.db, actor.id, list.filter(|_| fragment)).await?;
    let menu = Menu { searches, list: list.unwrap_or_default().to_owned(), query: params.query };
    if fragment { render(&MenuFragment { ctx, menu }) } else { render(&SearchesPage { ctx, menu }) }
}

/// Save the list's current search and go back to it.
async fn save_page(
    State(state): State<AppState>,
    actor: Actor,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let value = |name: &str| pair_value(&fields, name).to_owned();
    let input = SearchInput { list: value("list"), name: value("name"), query: value("query") };
    let back = LISTS.iter().copied().find(|l| *l == input.list).unwrap_or("/saved-searches");
    let (list, name, query) = match input.parse() {
        Ok(parsed) => parsed,
        Err(errors) => {
            let key = errors.iter().next().map(|(_, key)| key.to_owned()).unwrap_or_default();
            return Ok(redirect_with_flash(back, "error", &key));
        }
    };
    let saved = db::save(&state.db, actor.id, list, &name, &query).await?;
    Ok(redirect_with_flash(&saved.href(), "success", "saved-search-saved"))
}

async fn delete_page(State(state): State<AppState>, actor: Actor, Id(id): Id) -> AppResult<Response> {
    db::delete(&state.db, actor.id, id).await?;
    Ok(redirect_with_flash("/saved-searches", "success", "saved-search-deleted"))
}

/// Your saved searches
#[utoipa::path(get, path = "/api/v1/me/saved-searches", tag = "me", responses((status = 200, body = Vec<SavedSearch>)))]
pub async fn list_api(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<Vec<SavedSearch>>> {
    Ok(Json(db::of_user(&state.db, actor.id, None).await?))
}

/// Save a search (the same name on the same list replaces it)
#[utoipa::path(post, path = "/api/v1/me/saved-searches", tag = "me", request_body = SearchInput,
    responses((status = 201, body = SavedSearch), (status = 422, body = crate::error::Problem)))]
pub async fn create_api(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(input): ApiJson<SearchInput>,
) -> ApiResult<(StatusCode, Json<SavedSearch>)> {
    let (list, name, query) = input.parse().map_err(AppError::Validation)?;
    Ok((StatusCode::CREATED, Json(db::save(&state.db, actor.id, list, &name, &query).await?)))
}

/// Forget one of your saved searches
#[utoipa::path(delete, path = "/api/v1/me/saved-searches/{id}", tag = "me",
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete_api(State(state): State<AppState>, actor: ApiActor, ApiId(id): ApiId) -> ApiResult<StatusCode> {
    db::delete(&state.db, actor.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/saved-searches", get(menu).post(save_page))
        .route("/saved-searches/{id}/delete", post(delete_page))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/me/saved-searches", list_api)
        .post("/api/v1/me/saved-searches", create_api)
        .delete("/api/v1/me/saved-searches/{id}", delete_api)
}
