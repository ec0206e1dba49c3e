//! Standard workstation configurations: the software every asset of a model
//! or category must carry, and the assets that deviate.

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
