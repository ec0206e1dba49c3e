//! What the agents' endpoint reads on every message: who may send, the
//! placeholder lists, the match rules and the software dictionary. A server
//! keeps a copy per database and generation of these settings (a trigger
//! moves the generation on at every change), so a message costs one small
//! read of the settings row instead of reading every list again.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, Mutex, PoisonError},
};

use sqlx::PgPool;

use super::{
    db::{self, Rule},
    model::ItemType,
    normalize::Blacklist,
};
use crate::{error::AppResult, software::dictionary::Dictionary};

/// Who may send inventories.
pub struct Access {
    pub open: bool,
    pub shared_secret_sha256: Option<Vec<u8>>,
    pub allowed_networks: Vec<ipnet::IpNet>,
    pub max_body_bytes: u64,
}

/// The settings an inventory is read and matched with.
pub struct Config {
    generation: i64,
    pub access: Access,
    pub blacklist: Arc<Blacklist>,
    /// The active match rules, in order.
    rules: Vec<Rule>,
    pub dictionary: Arc<Dictionary>,
}

impl Config {
    /// The active rules that apply to a kind of device, in order.
    pub fn rules_for(&self, itemtype: ItemType) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(move |r| r.itemtype.as_deref().is_none_or(|t| t == itemtype.as_str()))
    }
}

/// Copies per database: tests run many databases in one process.
static CACHED: LazyLock<Mutex<HashMap<String, Arc<Config>>>> = LazyLock::new(Mutex::default);

/// The settings as they are now.
pub async fn current(pool: &PgPool) -> AppResult<Arc<Config>> {
    let row = sqlx::query!(
        r#"select generation, access, shared_secret_sha256, allowed_networks::text[] as "networks!", max_body_bytes
             from inventory_settings"#
    )
    .fetch_one(pool)
    .await?;
    let database = pool.connect_options().get_database().unwrap_or_default().to_owned();
    let cached = CACHED.lock().unwrap_or_else(PoisonError::into_inner).get(&database).cloned();
    if let Some(config) = cached.filter(|c| c.generation == row.generation) {
        return Ok(config);
    }
    // Read after the generation: a change in between leaves newer lists
    // under an older generation, which the next message reads again.
    let config = Arc::new(Config {
        generation: row.generation,
        access: Access {
            open: row.access == "open",
            shared_secret_sha256: row.shared_secret_sha256,
            allowed_networks: row.networks.iter().filter_map(|n| n.parse().ok()).collect(),
            max_body_bytes: u64::try_from(row.max_body_bytes).unwrap_or(64 * 1024 * 1024),
        },
        blacklist: db::blacklist(pool).await?,
        rules: db::active_rules(pool).await?,
        dictionary: crate::software::dictionary::current(pool).await?,
    });
    CACHED.lock().unwrap_or_else(PoisonError::into_inner).insert(database, Arc::clone(&config));
    Ok(config)
}
