//! AssetModels: shared by every entity, managed by park managers.

pub mod api;
pub mod db;
pub mod domain;
pub mod form;
mod pages;

use axum::{Router, routing::get};
use sqlx::PgPool;
use uuid::Uuid;

pub use db::insert;
use domain::{AssetModel, ModelInput};
use form::ModelForm;

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

impl Resource for AssetModel {
    const KIND: ObjectKind = ObjectKind::AssetModel;
    const KIND_KEY: &'static str = "kind-asset-model";
    type List = db::ModelList;

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
    fn filter(raw: Option<&str>) -> AppResult<db::ModelFilter> {
        pages::filter_from(raw)
    }
}

impl Editable for AssetModel {
    type Form = ModelForm;
    type Input = ModelInput;
    const NEW_KEY: &'static str = "asset-model-new";

    fn parse(form: &ModelForm) -> Result<ModelInput, FieldErrors> {
        form.parse()
    }
    fn version_field(form: &ModelForm) -> &str {
        &form.version
    }
    async fn fields(state: &AppState, _ctx: &PageCtx, form: &ModelForm) -> AppResult<Vec<FormField>> {
        let categories = crate::assets::categories::choices(&state.db).await?;
        let manufacturers = crate::assets::manufacturers::choices(&state.db).await?;
        Ok(form.fields(categories, manufacturers))
    }
    async fn check(
        _state: &AppState,
        _actor: &Actor,
        _input: &ModelInput,
        _action: crate::auth::permission::Action,
    ) -> AppResult<()> {
        Ok(())
    }
    async fn insert(state: &AppState, actor: &Actor, input: &ModelInput) -> AppResult<Uuid> {
        db::insert(&state.db, &actor.audit(), input).await
    }
    async fn update(
        state: &AppState,
        actor: &Actor,
        current: &Self,
        version: i64,
        input: &ModelInput,
    ) -> AppResult<()> {
        db::update(&state.db, &actor.audit(), current, version, input).await
    }
}

pub fn router() -> Router<AppState> {
    resource::pages::<AssetModel>(get(pages::list), get(pages::show))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/asset-models", api::list_asset_models)
        .post("/api/v1/asset-models", api::create_asset_model)
        .get("/api/v1/asset-models/{id}", api::find_asset_model)
        .patch("/api/v1/asset-models/{id}", api::update_asset_model)
        .delete("/api/v1/asset-models/{id}", api::delete_asset_model)
        .get("/api/v1/asset-models/{id}/history", api::asset_model_history)
}
