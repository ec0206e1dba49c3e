//! The helpdesk's settings: the settings row (auto-closing, surveys) and
//! the priority matrix, each saved from the version read, with one history.
//! Their pages link to the categories, calendars and service levels.

pub mod api;
mod db;
pub mod domain;
mod form;
mod pages;

use axum::{Router, routing::get};

pub use pages::sections;

use crate::{api::RouteTable, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/helpdesk", get(pages::show).post(pages::update))
        .route("/settings/helpdesk/history", get(pages::history))
        .route("/settings/helpdesk/priorities", get(pages::matrix).post(pages::save_matrix))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/helpdesk/settings", api::find_settings)
        .patch("/api/v1/helpdesk/settings", api::update_settings)
        .get("/api/v1/helpdesk/settings/history", api::settings_history)
        .get("/api/v1/helpdesk/priority-matrix", api::find_matrix)
        .put("/api/v1/helpdesk/priority-matrix", api::replace_matrix)
}
