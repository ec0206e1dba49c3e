//! Who is asking, and what they may do: passwords (argon2id), sessions, CSRF,
//! login throttling, API tokens, roles and permissions, the Actor extractor.

pub mod actor;
pub mod api;
pub mod db;
pub mod middleware;
pub mod pages;
pub mod password;
pub mod permission;
pub mod secret;
pub mod throttle;

use axum::{
    Router,
    routing::{get, post},
};

use crate::{api::RouteTable, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/language", post(pages::set_visitor_language))
        .route("/profile", get(pages::profile))
        .route("/profile/password", post(pages::change_password))
        .route("/profile/language", post(pages::set_language))
        .route("/profile/tokens", post(pages::create_token))
        .route("/profile/tokens/{id}/revoke", post(pages::revoke_token))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .post("/api/v1/auth/login", api::login)
        .get("/api/v1/me", api::me)
        .get("/api/v1/tokens", api::list_tokens)
        .delete("/api/v1/tokens/{id}", api::revoke_token)
}
