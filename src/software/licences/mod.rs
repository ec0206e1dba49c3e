//! Software licences: what the company bought, and the seats given to assets or people.

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
