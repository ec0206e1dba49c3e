//! AssetStatuss: shared by every entity, managed by park managers.

pub mod api;
mod db;
pub mod domain;
mod form;
mod pages;

use axum::{Router, routing::get};
use sqlx::PgPool;
use uuid::Uuid;

pub use db::insert;
use domain::{AssetStatus, StatusInput};
use form::StatusForm;

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

impl Resource for AssetStatus {
    const KIND: ObjectKind = ObjectKind::AssetStatus;
    const KIND_KEY: &'static str = "kind-asset-status";
    type List = db::StatusList;

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
    fn filter(raw: Option<&str>) -> AppResult<db::StatusFilter> {
        pages::filter_from(raw)
    }
}

impl Editable for AssetStatus {
    type Form = StatusForm;
    type Input = StatusInput;
    const NEW_KEY: &'static str = "asset-status-new";

    fn parse(form: &StatusForm) -> Result<StatusInput, FieldErrors> {
        form.parse()
    }
    fn version_field(form: &StatusForm) -> &str {
        &form.version
    }
    async fn fields(_state: &AppState, ctx: &PageCtx, form: &StatusForm) -> AppResult<Vec<FormField>> {
        Ok(form.fields(pages::kind_options(ctx)))
    }
    async fn check(
        _state: &AppState,
        _actor: &Actor,
        _input: &StatusInput,
        _action: crate::auth::permission::Action,
    ) -> AppResult<()> {
        Ok(())
    }
    async fn insert(state: &AppState, actor: &Actor, input: &StatusInput) -> AppResult<Uuid> {
        db::insert(&state.db, &actor.audit(), input).await
    }
    async fn update(
        state: &AppState,
        actor: &Actor,
        current: &Self,
        version: i64,
        input: &StatusInput,
    ) -> AppResult<()> {
        db::update(&state.db, &actor.audit(), current, version, input).await
    }
}

pub fn router() -> Router<AppState> {
    resource::pages::<AssetStatus>(get(pages::list), get(pages::show))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/asset-statuses", api::list_asset_statuses)
        .post("/api/v1/asset-statuses", api::create_asset_status)
        .get("/api/v1/asset-statuses/{id}", api::find_asset_status)
        .patch("/api/v1/asset-statuses/{id}", api::update_asset_status)
        .delete("/api/v1/asset-statuses/{id}", api::delete_asset_status)
        .get("/api/v1/asset-statuses/{id}/history", api::asset_status_history)
}
