//! Manufacturers: shared by every entity, managed by park managers.

pub mod api;
mod db;
pub mod domain;
mod form;
mod pages;

use axum::{Router, routing::get};
use sqlx::PgPool;
use uuid::Uuid;

pub use db::{choices, insert};
use domain::{Manufacturer, ManufacturerInput};
use form::ManufacturerForm;

use crate::{
    api::RouteTable,
    auth::{
        actor::Actor,
        permission::{ObjectKind, Scope},
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

impl Resource for Manufacturer {
    const KIND: ObjectKind = ObjectKind::Manufacturer;
    const KIND_KEY: &'static str = "kind-manufacturer";
    type List = db::ManufacturerList;

    fn title(&self) -> String {
        self.name.clone()
    }
    fn version(&self) -> i64 {
        self.version
    }
    async fn find(pool: &PgPool, _scope: &Scope, id: Uuid) -> AppResult<Self> {
        db::find(pool, id).await
    }
    async fn delete(pool: &PgPool, actor: &Actor, current: &Self, version: i64) -> AppResult<()> {
        db::delete(pool, &actor.audit(), current, version).await
    }
    fn filter(_raw: Option<&str>) -> AppResult<db::ManufacturerFilter> {
        Ok(db::ManufacturerFilter)
    }
}

impl Editable for Manufacturer {
    type Form = ManufacturerForm;
    type Input = ManufacturerInput;
    const NEW_KEY: &'static str = "manufacturer-new";

    fn parse(form: &ManufacturerForm) -> Result<ManufacturerInput, FieldErrors> {
        form.parse()
    }
    fn version_field(form: &ManufacturerForm) -> &str {
        &form.version
    }
    async fn fields(_state: &AppState, _ctx: &PageCtx, form: &ManufacturerForm) -> AppResult<Vec<FormField>> {
        Ok(form.fields())
    }
    async fn check(
        _state: &AppState,
        _actor: &Actor,
        _input: &ManufacturerInput,
        _action: crate::auth::permission::Action,
    ) -> AppResult<()> {
        Ok(())
    }
    async fn insert(state: &AppState, actor: &Actor, input: &ManufacturerInput) -> AppResult<Uuid> {
        db::insert(&state.db, &actor.audit(), input).await
    }
    async fn update(
        state: &AppState,
        actor: &Actor,
        current: &Self,
        version: i64,
        input: &ManufacturerInput,
    ) -> AppResult<()> {
        db::update(&state.db, &actor.audit(), current, version, input).await
    }
}

pub fn router() -> Router<AppState> {
    resource::pages::<Manufacturer>(get(pages::list), get(pages::show))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/manufacturers", api::list_manufacturers)
        .post("/api/v1/manufacturers", api::create_manufacturer)
        .get("/api/v1/manufacturers/{id}", api::find_manufacturer)
        .patch("/api/v1/manufacturers/{id}", api::update_manufacturer)
        .delete("/api/v1/manufacturers/{id}", api::delete_manufacturer)
        .get("/api/v1/manufacturers/{id}/history", api::manufacturer_history)
}
