//! Knowledge base: articles the helpdesk writes (often from a ticket's
//! solution) and everyone searches, in French and English.

pub mod api;
pub mod db;
pub mod domain;
mod form;
mod pages;

use axum::{Router, routing::get};
use sqlx::PgPool;
use uuid::Uuid;

use domain::{Article, ArticleInput};
use form::ArticleForm;

use crate::{
    api::RouteTable,
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Scope},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        PageCtx,
        form::FieldErrors,
        resource::{self, Editable, Resource},
        table::FormField,
    },
};

impl Resource for Article {
    const KIND: ObjectKind = ObjectKind::KbArticle;
    const KIND_KEY: &'static str = "kind-kb-article";
    type List = db::ArticleList;

    fn title(&self) -> String {
        self.title.clone()
    }
    fn version(&self) -> i64 {
        self.version
    }
    async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Self> {
        db::find(pool, scope, id).await
    }
    async fn delete(pool: &PgPool, actor: &Actor, current: &Self, version: i64) -> AppResult<()> {
        db::delete(pool, &actor.audit(), current, version).await
    }
    fn filter(raw: Option<&str>) -> AppResult<db::ArticleFilter> {
        // Within the scope only; the export reads as the person does (below).
        pages::filter_from(raw, None)
    }
    /// The export holds what the person's list shows: with the articles for
    /// everyone of the entities above theirs.
    fn filter_for(actor: &Actor, raw: Option<&str>) -> AppResult<db::ArticleFilter> {
        pages::filter_from(raw, Some(domain::Reader::of(actor)))
    }
}

impl Editable for Article {
    type Form = ArticleForm;
    type Input = ArticleInput;
    const NEW_KEY: &'static str = "kb-new";

    fn parse(form: &ArticleForm) -> Result<ArticleInput, FieldErrors> {
        form.parse()
    }
    fn version_field(form: &ArticleForm) -> &str {
        &form.version
    }
    async fn fields(state: &AppState, ctx: &PageCtx, form: &ArticleForm) -> AppResult<Vec<FormField>> {
        pages::form_fields(state, ctx, form).await
    }
    async fn check(state: &AppState, actor: &Actor, input: &ArticleInput, action: Action) -> AppResult<()> {
        if !actor.scope_or_empty(ObjectKind::KbArticle, action).contains(input.entity_id) {
            return Err(AppError::field("entity_id", "field-invalid-choice"));
        }
        if let Some(ticket) = input.ticket_id {
            let helpdesk = actor.scope_or_empty(ObjectKind::Ticket, Action::View);
            if !db::ticket_in(&state.db, ticket, &helpdesk).await? {
                return Err(AppError::field("ticket_id", "field-invalid-choice"));
            }
        }
        Ok(())
    }
    async fn insert(state: &AppState, actor: &Actor, input: &ArticleInput) -> AppResult<Uuid> {
        db::insert(&state.db, &actor.audit(), input).await
    }
    async fn update(
        state: &AppState,
        actor: &Actor,
        current: &Self,
        version: i64,
        input: &ArticleInput,
    ) -> AppResult<()> {
        db::update(&state.db, &actor.audit(), current, version, input).await
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/kb/suggest", get(pages::suggest))
        .route("/kb/from-ticket/{id}", get(pages::from_ticket))
        .route("/kb/{id}/revisions", get(pages::revisions))
        .merge(resource::pages::<Article>(get(pages::list), get(pages::show)))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/kb/articles", api::list)
        .post("/api/v1/kb/articles", api::create)
        .get("/api/v1/kb/search", api::search)
        .get("/api/v1/kb/articles/{id}", api::find)
        .patch("/api/v1/kb/articles/{id}", api::update)
        .delete("/api/v1/kb/articles/{id}", api::delete)
        .get("/api/v1/kb/articles/{id}/revisions", api::revisions)
        .get("/api/v1/kb/articles/{id}/history", api::history)
}
