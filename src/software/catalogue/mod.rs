//! The software catalogue: software and versions found by the inventory
//! agents or added by hand, where each is installed, and manual installations.

pub mod api;
pub mod db;
pub mod domain;
mod form;
mod pages;

use axum::{
    Router,
    routing::{get, post},
};
use sqlx::PgPool;
use utoipa::OpenApi;
use uuid::Uuid;

use domain::{Software, SoftwareInput};
use form::SoftwareForm;

use crate::{
    api::RouteTable,
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Scope},
    },
    error::AppResult,
    state::AppState,
    web::{
        PageCtx,
        form::FieldErrors,
        resource::{self, Editable, Resource},
        table::FormField,
    },
};

#[derive(OpenApi)]
#[openapi(
    paths(
        api::list_software,
        api::find_software,
        api::create_software,
        api::update_software,
        api::delete_software,
        api::software_history,
        api::software_versions,
        api::software_installations,
        api::add_manual_installation,
        api::remove_manual_installation,
    ),
    components(schemas(
        domain::Software,
        domain::SoftwareCreate,
        domain::SoftwarePatch,
        domain::VersionCount,
        domain::Installation,
        domain::ManualInstallation
    ))
)]
pub struct Doc;

impl Resource for Software {
    const KIND: ObjectKind = ObjectKind::Software;
    const KIND_KEY: &'static str = "kind-software";
    type List = db::SoftwareList;

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
    fn filter(raw: Option<&str>) -> AppResult<db::SoftwareFilter> {
        pages::filter_from(raw)
    }
}

impl Editable for Software {
    type Form = SoftwareForm;
    type Input = SoftwareInput;
    const NEW_KEY: &'static str = "software-new";

    fn parse(form: &SoftwareForm) -> Result<SoftwareInput, FieldErrors> {
        form.parse()
    }
    fn version_field(form: &SoftwareForm) -> &str {
        &form.version
    }
    async fn fields(state: &AppState, _ctx: &PageCtx, form: &SoftwareForm) -> AppResult<Vec<FormField>> {
        Ok(form.fields(crate::software::categories::choices(&state.db).await?))
    }
    /// The category, when given, is one of the software categories.
    async fn check(state: &AppState, _actor: &Actor, input: &SoftwareInput, _action: Action) -> AppResult<()> {
        match input.category_id {
            Some(category) if !crate::software::categories::exists(&state.db, category).await? => {
                Err(crate::error::AppError::field("category_id", "field-invalid-choice"))
            }
            _ => Ok(()),
        }
    }
    async fn insert(state: &AppState, actor: &Actor, input: &SoftwareInput) -> AppResult<Uuid> {
        db::insert(&state.db, &actor.audit(), input).await
    }
    async fn update(
        state: &AppState,
        actor: &Actor,
        current: &Self,
        version: i64,
        input: &SoftwareInput,
    ) -> AppResult<()> {
        db::update(&state.db, &actor.audit(), current, version, input).await
    }
}

pub fn router() -> Router<AppState> {
    resource::pages::<Software>(get(pages::list), get(pages::show))
        .route("/software/{id}/installations", post(pages::add_installation))
        .route("/software/{id}/installations/remove", post(pages::remove_installation))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/software", api::list_software)
        .post("/api/v1/software", api::create_software)
        .get("/api/v1/software/{id}", api::find_software)
        .patch("/api/v1/software/{id}", api::update_software)
        .delete("/api/v1/software/{id}", api::delete_software)
        .get("/api/v1/software/{id}/history", api::software_history)
        .get("/api/v1/software/{id}/versions", api::software_versions)
        .get("/api/v1/software/{id}/installations", api::software_installations)
        .post("/api/v1/assets/{id}/software", api::add_manual_installation)
        .delete("/api/v1/assets/{id}/software/{version_id}", api::remove_manual_installation)
}
