//! People: accounts, their place in the organisation, their roles.

pub(crate) mod access;
pub mod api;
pub mod db;
pub mod domain;
pub mod form;
mod pages;

use axum::{
    Router,
    routing::{get, post},
};

use sqlx::PgPool;
use uuid::Uuid;

use domain::User;

use crate::{
    api::RouteTable,
    auth::{
        actor::Actor,
        permission::{ObjectKind, Scope},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::resource::{self, Resource},
};

impl Resource for User {
    const KIND: ObjectKind = ObjectKind::User;
    const KIND_KEY: &'static str = "kind-user";
    type List = db::UserList;

    fn title(&self) -> String {
        self.name.clone()
    }
    fn version(&self) -> i64 {
        self.version
    }
    async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Self> {
        db::find(pool, scope, id).await
    }
    /// Nobody deletes their own account, or someone more powerful than themselves.
    async fn delete(pool: &PgPool, actor: &Actor, current: &Self, version: i64) -> AppResult<()> {
        let mut conn = pool.acquire().await?;
        access::check_target(actor, &db::grants_of(&mut conn, current.id).await?)?;
        drop(conn);
        if current.id == actor.id {
            return Err(AppError::InUse("cannot-delete-self".into()));
        }
        db::delete(pool, &actor.audit(), current, version).await
    }
    fn filter(raw: Option<&str>) -> AppResult<db::UserFilter> {
        pages::filter_from(raw)
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(pages::list).post(pages::create))
        .route("/users/new", get(pages::new_form))
        .route("/users/export.csv", get(resource::export::<User>))
        .route("/users/{id}", get(pages::show))
        .route("/users/{id}/edit", get(pages::edit_form).post(pages::update))
        .route("/users/{id}/delete", get(resource::delete_form::<User>).post(resource::delete::<User>))
        .route("/users/{id}/history", get(resource::history::<User>))
        .route("/users/{id}/roles", post(pages::grant_role))
        .route("/users/{id}/roles/revoke", post(pages::revoke_role))
        .route("/users/{id}/password", post(pages::reset_password))
        .route("/users/{id}/tokens/{token}/revoke", post(pages::revoke_user_token))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/users", api::list_users)
        .post("/api/v1/users", api::create_user)
        .get("/api/v1/users/{id}", api::find_user)
        .patch("/api/v1/users/{id}", api::update_user)
        .delete("/api/v1/users/{id}", api::delete_user)
        .get("/api/v1/users/{id}/history", api::user_history)
}
