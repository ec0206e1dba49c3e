//! Locations: a tree of sites, buildings, floors and rooms within an entity.

pub mod api;
mod db;
pub mod domain;
mod form;
mod pages;

use axum::{Router, routing::get};
use sqlx::PgPool;
use uuid::Uuid;

pub use db::{choices, insert};
use domain::Location;

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

impl Resource for Location {
    const KIND: ObjectKind = ObjectKind::Location;
    const KIND_KEY: &'static str = "kind-location";
    type List = db::LocationList;

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
    fn filter(raw: Option<&str>) -> AppResult<db::LocationFilter> {
        pages::filter_from(raw)
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/locations", get(pages::list).post(pages::create))
        .route("/locations/new", get(pages::new_form))
        .route("/locations/export.csv", get(resource::export::<Location>))
        .route("/locations/{id}", get(pages::show))
        .route("/locations/{id}/edit", get(pages::edit_form).post(pages::update))
        .route("/locations/{id}/delete", get(resource::delete_form::<Location>).post(resource::delete::<Location>))
        .route("/locations/{id}/history", get(resource::history::<Location>))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/locations", api::list_locations)
        .post("/api/v1/locations", api::create_location)
        .get("/api/v1/locations/{id}", api::find_location)
        .patch("/api/v1/locations/{id}", api::update_location)
        .delete("/api/v1/locations/{id}", api::delete_location)
        .get("/api/v1/locations/{id}/history", api::location_history)
}
