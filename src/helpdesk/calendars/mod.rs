//! Working calendars: when the helpdesk of an entity works, in its time
//! zone, with its closed days. Service levels count their delays in them.

pub mod api;
mod db;
pub mod domain;
mod form;
mod pages;

use axum::{
    Router,
    routing::{get, post},
};
use sqlx::PgPool;
use uuid::Uuid;

pub use db::{choices, insert, usable_from};
use domain::{Calendar, CalendarInput};
use form::CalendarForm;

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

impl Resource for Calendar {
    const KIND: ObjectKind = ObjectKind::Calendar;
    const KIND_KEY: &'static str = "kind-calendar";
    type List = db::CalendarList;

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
    fn filter(raw: Option<&str>) -> AppResult<db::CalendarFilter> {
        pages::filter_from(raw)
    }
}

impl Editable for Calendar {
    type Form = CalendarForm;
    type Input = CalendarInput;
    const NEW_KEY: &'static str = "calendar-new";

    fn parse(form: &CalendarForm) -> Result<CalendarInput, FieldErrors> {
        form.parse()
    }
    fn version_field(form: &CalendarForm) -> &str {
        &form.version
    }
    async fn fields(state: &AppState, ctx: &PageCtx, form: &CalendarForm) -> AppResult<Vec<FormField>> {
        pages::form_fields(state, ctx, form).await
    }
    async fn check(_state: &AppState, actor: &Actor, input: &CalendarInput, action: Action) -> AppResult<()> {
        if !actor.scope_or_empty(Self::KIND, action).contains(input.entity_id) {
            return Err(AppError::field("entity_id", "field-invalid-choice"));
        }
        Ok(())
    }
    async fn insert(state: &AppState, actor: &Actor, input: &CalendarInput) -> AppResult<Uuid> {
        db::insert(&state.db, &actor.audit(), input).await
    }
    async fn update(
        state: &AppState,
        actor: &Actor,
        current: &Self,
        version: i64,
        input: &CalendarInput,
    ) -> AppResult<()> {
        db::update(&state.db, &actor.audit(), current, version, input).await
    }
}

pub fn router() -> Router<AppState> {
    resource::pages::<Calendar>(get(pages::list), get(pages::show))
        .route("/calendars/{id}/closures", post(pages::add_closure))
        .route("/calendars/{id}/closures/remove", post(pages::remove_closure))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/calendars", api::list_calendars)
        .post("/api/v1/calendars", api::create_calendar)
        .get("/api/v1/calendars/{id}", api::find_calendar)
        .patch("/api/v1/calendars/{id}", api::update_calendar)
        .delete("/api/v1/calendars/{id}", api::delete_calendar)
        .get("/api/v1/calendars/{id}/history", api::calendar_history)
        .post("/api/v1/calendars/{id}/closures", api::add_closure)
        .delete("/api/v1/calendars/{id}/closures/{day}", api::remove_closure)
}
