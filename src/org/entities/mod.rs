//! Entities: a tree (group, subsidiaries in France and abroad, sites). Every
//! role is held within an entity and covers the entities below it.

pub mod api;
pub mod db;
pub mod domain;
mod form;
mod pages;

use axum::{Router, routing::get};
use sqlx::PgPool;
use uuid::Uuid;

pub use db::{insert, top};
use domain::Entity;

use crate::{
    api::RouteTable,
    auth::{
        actor::Actor,
        permission::{ObjectKind, Scope},
    },
    error::AppResult,
    state::AppState,
    web::resource::{self, Resource},
};

impl Resource for Entity {
    const KIND: ObjectKind = ObjectKind::Entity;
    const KIND_KEY: &'static str = "kind-entity";
    type List = db::EntityList;

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
    fn filter(raw: Option<&str>) -> AppResult<db::EntityFilter> {
        pages::filter_from(raw)
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/entities", get(pages::list).post(pages::create))
        .route("/entities/new", get(pages::new_form))
        .route("/entities/export.csv", get(resource::export::<Entity>))
        .route("/entities/{id}", get(pages::show))
        .route("/entities/{id}/edit", get(pages::edit_form).post(pages::update))
        .route("/entities/{id}/delete", get(resource::delete_form::<Entity>).post(resource::delete::<Entity>))
        .route("/entities/{id}/history", get(resource::history::<Entity>))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/entities", api::list_entities)
        .post("/api/v1/entities", api::create_entity)
        .get("/api/v1/entities/{id}", api::find_entity)
        .patch("/api/v1/entities/{id}", api::update_entity)
        .delete("/api/v1/entities/{id}", api::delete_entity)
        .get("/api/v1/entities/{id}/history", api::entity_history)
}
