//! What every handler can reach.

use std::sync::Arc;

use sqlx::PgPool;

use crate::config::Config;

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    pub metrics: Arc<crate::web::metrics::Metrics>,
}

impl AppState {
    pub fn new(db: PgPool, config: Config) -> Self {
        Self { db, config: Arc::new(config), metrics: Arc::default() }
    }
}
