//! Service levels as objects of the settings pages: per priority a time to
//! own and a time to resolve in a calendar's working time, escalation
//! shares, one default per entity. (`helpdesk::sla` computes with them.)

pub mod api;
mod db;
pub mod domain;
mod form;
mod pages;

use axum::{Router, routing::get};
use sqlx::PgPool;
use uuid::Uuid;

pub use db::{choices, insert};
use domain::{Sla, SlaInput};
use form::SlaForm;

use crate::{
    api::RouteTable,
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Scope},
    },
    error::{AppError, AppResult},
    helpdesk::calendars,
    state::AppState,
    web::{
        PageCtx,
        form::FieldErrors,
        resource::{self, Editable, Resource},
        table::FormField,
    },
};

impl Resource for Sla {
    const KIND: ObjectKind = ObjectKind::Sla;
    const KIND_KEY: &'static str = "kind-sla";
    type List = db::SlaList;

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
    fn filter(raw: Option<&str>) -> AppResult<db::SlaFilter> {
        pages::filter_from(raw)
    }
}

impl Editable for Sla {
    type Form = SlaForm;
    type Input = SlaInput;
    const NEW_KEY: &'static str = "sla-new";

    fn parse(form: &SlaForm) -> Result<SlaInput, FieldErrors> {
        form.parse()
    }
    fn version_field(form: &SlaForm) -> &str {
        &form.version
    }
    async fn fields(state: &AppState, ctx: &PageCtx, form: &SlaForm) -> AppResult<Vec<FormField>> {
        pages::form_fields(state, ctx, form).await
    }
    /// The entity within the person's scope; the calendar of that entity or one above it.
    async fn check(state: &AppState, actor: &Actor, input: &SlaInput, action: Action) -> AppResult<()> {
        let mut errors = FieldErrors::default();
        if !actor.scope_or_empty(Self::KIND, action).contains(input.entity_id) {
            errors.add("entity_id", "field-invalid-choice");
        }
        if !calendars::usable_from(&state.db, input.calendar_id, input.entity_id).await? {
            errors.add("calendar_id", "sla-calendar-elsewhere");
        }
        errors.finish(()).map_err(AppError::Validation)
    }
    async fn insert(state: &AppState, actor: &Actor, input: &SlaInput) -> AppResult<Uuid> {
        db::insert(&state.db, &actor.audit(), input).await
    }
    async fn update(state: &AppState, actor: &Actor, current: &Self, version: i64, input: &SlaInput) -> AppResult<()> {
        db::update(&state.db, &actor.audit(), current, version, input).await
    }
}

pub fn router() -> Router<AppState> {
    resource::pages::<Sla>(get(pages::list), get(pages::show))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/slas", api::list_slas)
        .post("/api/v1/slas", api::create_sla)
        .get("/api/v1/slas/{id}", api::find_sla)
        .patch("/api/v1/slas/{id}", api::update_sla)
        .delete("/api/v1/slas/{id}", api::delete_sla)
        .get("/api/v1/slas/{id}/history", api::sla_history)
}
