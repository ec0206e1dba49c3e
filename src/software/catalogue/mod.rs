//! The software catalogue: software, versions and installations.

use axum::Router;
use utoipa::OpenApi;

use crate::{api::RouteTable, state::AppState};

#[derive(OpenApi)]
#[openapi()]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
}

pub fn api(table: RouteTable) -> RouteTable {
    table
}
