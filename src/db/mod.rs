//! Database access shared by every slice: the pool, migrations, durability
//! checks and the embedded cluster.

pub mod embedded;

use std::time::Duration;

use anyhow::{Context, bail};
use sqlx::{PgPool, migrate::Migrator, postgres::PgPoolOptions};

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// A pool of `max` connections to `url`.
pub async fn connect(url: &str, max: u32) -> anyhow::Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .context("cannot connect to PostgreSQL")
}

/// Apply pending migrations.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("database migration failed")
}

/// Refuse a server that can lose or corrupt committed data.
pub async fn check_durability(pool: &PgPool) -> anyhow::Result<()> {
    for setting in ["fsync", "full_page_writes"] {
        let value = sqlx::query_scalar!(r#"select current_setting($1) as "value!""#, setting).fetch_one(pool).await?;
        if value != "on" {
            bail!(
                "PostgreSQL has {setting} = {value}; Parc refuses to run without {setting} = on (it risks corrupting data)"
            );
        }
    }
    let synchronous =
        sqlx::query_scalar!(r#"select current_setting('synchronous_commit') as "value!""#).fetch_one(pool).await?;
    if synchronous == "off" {
        tracing::warn!("synchronous_commit is off: the last transactions may be lost in a crash");
    }
    Ok(())
}

/// The database answers and every migration this binary knows is applied.
pub async fn is_ready(pool: &PgPool) -> bool {
    let latest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or_default();
    let applied = sqlx::query_scalar!("select max(version) from _sqlx_migrations where success").fetch_one(pool).await;
    matches!(applied, Ok(Some(version)) if version >= latest)
}
