//! Ticket categories: a tree within the entities, each bringing its group
//! and service level; managed by supervisors and park managers.

pub mod api;
mod db;
pub mod domain;
mod form;
mod pages;

use axum::{Router, routing::get};
use sqlx::PgPool;
use uuid::Uuid;

pub use db::{choices, insert};
use domain::{CategoryInput, TicketCategory};
use form::CategoryForm;

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

impl Resource for TicketCategory {
    const KIND: ObjectKind = ObjectKind::TicketCategory;
    const KIND_KEY: &'static str = "kind-ticket-category";
    type List = db::CategoryList;

    fn title(&self) -> String {
        self.name.clone()
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
    fn filter(raw: Option<&str>) -> AppResult<db::CategoryFilter> {
        pages::filter_from(raw)
    }
}

impl Editable for TicketCategory {
    type Form = CategoryForm;
    type Input = CategoryInput;
    const NEW_KEY: &'static str = "ticket-category-new";

    fn parse(form: &CategoryForm) -> Result<CategoryInput, FieldErrors> {
        form.parse()
    }
    fn version_field(form: &CategoryForm) -> &str {
        &form.version
    }
    async fn fields(state: &AppState, ctx: &PageCtx, form: &CategoryForm) -> AppResult<Vec<FormField>> {
        pages::form_fields(state, ctx, form).await
    }
    /// The entity within the person's scope; the parent, group and service
    /// level from that entity or one above it.
    async fn check(state: &AppState, actor: &Actor, input: &CategoryInput, action: Action) -> AppResult<()> {
        let mut errors = FieldErrors::default();
        if !actor.scope_or_empty(Self::KIND, action).contains(input.entity_id) {
            errors.add("entity_id", "field-invalid-choice");
        }
        let (parent, group, sla) = db::references_fit(&state.db, input).await?;
        if !parent {
            errors.add("parent_id", "ticket-category-parent-elsewhere");
        }
        if !group {
            errors.add("group_id", "field-invalid-choice");
        }
        if !sla {
            errors.add("sla_id", "field-invalid-choice");
        }
        errors.finish(()).map_err(AppError::Validation)
    }
    async fn insert(state: &AppState, actor: &Actor, input: &CategoryInput) -> AppResult<Uuid> {
        db::insert(&state.db, &actor.audit(), input).await
    }
    async fn update(
        state: &AppState,
        actor: &Actor,
        current: &Self,
        version: i64,
        input: &CategoryInput,
    ) -> AppResult<()> {
        db::update(&state.db, &actor.audit(), current, version, input).await
    }
}

pub fn router() -> Router<AppState> {
    resource::pages::<TicketCategory>(get(pages::list), get(pages::show))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/ticket-categories", api::list_ticket_categories)
        .post("/api/v1/ticket-categories", api::create_ticket_category)
        .get("/api/v1/ticket-categories/{id}", api::find_ticket_category)
        .patch("/api/v1/ticket-categories/{id}", api::update_ticket_category)
        .delete("/api/v1/ticket-categories/{id}", api::delete_ticket_category)
        .get("/api/v1/ticket-categories/{id}/history", api::ticket_category_history)
}
