//! Asset categories: shared by every entity, managed by park managers.

pub mod api;
mod db;
pub mod domain;
pub mod fields;
mod form;
mod pages;

use axum::{Router, routing::get};
use sqlx::PgPool;
use uuid::Uuid;

pub use db::{all_fields, choices, fields_of_model, insert};
use domain::{AssetCategory, CategoryInput};
use form::CategoryForm;

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

impl Resource for AssetCategory {
    const KIND: ObjectKind = ObjectKind::AssetCategory;
    const KIND_KEY: &'static str = "kind-asset-category";
    type List = db::CategoryList;

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
    fn filter(_raw: Option<&str>) -> AppResult<db::CategoryFilter> {
        Ok(db::CategoryFilter)
    }
}

impl Editable for AssetCategory {
    type Form = CategoryForm;
    type Input = CategoryInput;
    const NEW_KEY: &'static str = "asset-category-new";

    fn parse(form: &CategoryForm) -> Result<CategoryInput, FieldErrors> {
        form.parse()
    }
    fn version_field(form: &CategoryForm) -> &str {
        &form.version
    }
    async fn fields(_state: &AppState, _ctx: &PageCtx, form: &CategoryForm) -> AppResult<Vec<FormField>> {
        Ok(form.fields())
    }
    async fn check(
        _state: &AppState,
        _actor: &Actor,
        _input: &CategoryInput,
        _action: crate::auth::permission::Action,
    ) -> AppResult<()> {
        Ok(())
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
    resource::pages::<AssetCategory>(get(pages::list), get(pages::show))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/asset-categories", api::list_asset_categories)
        .post("/api/v1/asset-categories", api::create_asset_category)
        .get("/api/v1/asset-categories/{id}", api::find_asset_category)
        .patch("/api/v1/asset-categories/{id}", api::update_asset_category)
        .delete("/api/v1/asset-categories/{id}", api::delete_asset_category)
        .get("/api/v1/asset-categories/{id}/history", api::asset_category_history)
}
