//! Groups: teams of people (used later to assign tickets).

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

pub use db::{choices, insert};
use domain::Group;

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

impl Resource for Group {
    const KIND: ObjectKind = ObjectKind::Group;
    const KIND_KEY: &'static str = "kind-group";
    type List = db::GroupList;

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
    fn filter(raw: Option<&str>) -> AppResult<db::GroupFilter> {
        pages::filter_from(raw)
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/groups", get(pages::list).post(pages::create))
        .route("/groups/new", get(pages::new_form))
        .route("/groups/export.csv", get(resource::export::<Group>))
        .route("/groups/{id}", get(pages::show))
        .route("/groups/{id}/edit", get(pages::edit_form).post(pages::update))
        .route("/groups/{id}/delete", get(resource::delete_form::<Group>).post(resource::delete::<Group>))
        .route("/groups/{id}/history", get(resource::history::<Group>))
        .route("/groups/{id}/members", post(pages::add_member))
        .route("/groups/{id}/members/remove", post(pages::remove_member))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/groups", api::list_groups)
        .post("/api/v1/groups", api::create_group)
        .get("/api/v1/groups/{id}", api::find_group)
        .patch("/api/v1/groups/{id}", api::update_group)
        .delete("/api/v1/groups/{id}", api::delete_group)
        .get("/api/v1/groups/{id}/history", api::group_history)
}
