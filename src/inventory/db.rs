//! Inventory in PostgreSQL: the agents, the match rules and placeholder
//! lists, and applying one inventory to its asset. Matching and writing one
//! device happen in one transaction under advisory locks on its identifiers,
//! so ten submissions of one new machine at once make one asset. A partial
//! inventory only touches the sections it carries; a section that did not
//! change writes nothing, so a resubmitted inventory leaves no trace but the
//! agent's contact time.

use std::{
    collections::{HashMap, HashSet},
    net::IpAddr,
    sync::{Arc, LazyLock, Mutex},
};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::{Acquire, PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::{
    config::Config,
    model::{Dialect, Inventory, ItemType, Software, lowercase},
    normalize::text,
    normalize::{Blacklist, DEFAULTS, Field},
};
use crate::{
    assets::register::{db as assets_db, domain::AssetInput, hardware},
    audit::{self, AuditActor, Change, Record, Source, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult},
    software::dictionary::Categories,
    web::form::FieldErrors,
};

/// What an agent says about itself with each message.
#[derive(Clone, Debug, Default)]
pub struct Hello {
    /// The GLPI-Agent-ID header.
    pub agent_uuid: Option<String>,
    pub deviceid: String,
    pub user_agent: String,
    pub tag: Option<String>,
    pub remote_ip: Option<IpAddr>,
}

/// An agent as the inventory sees it.
#[derive(Clone, Debug)]
pub struct Agent {
    pub id: Uuid,
    pub asset_id: Option<Uuid>,
    pub last_body_sha256: Option<Vec<u8>>,
    /// Of the normalised inventory this agent last sent.
    pub last_checksum: Option<Vec<u8>>,
}

/// Find or create the agent (by GLPI-Agent-ID, else deviceid), noting this
/// contact, after taking the transaction's advisory locks on `locks` (in one
/// order, in the same statement: one round trip less per inventory).
pub async fn contact(conn: &mut PgConnection, hello: &Hello, locks: &[String]) -> AppResult<Agent> {
    let ip = hello.remote_ip.map(|ip| ip.to_string());
    let tag = hello.tag.clone().unwrap_or_default();
    let row = match &hello.agent_uuid {
        Some(agent_uuid) => {
            sqlx::query_as!(
                Agent,
                "insert into inventory_agents (agent_uuid, deviceid, user_agent, tag, remote_ip)
                 select $1, $2, $3, $4, $5::text::inet
                   from (select count(pg_advisory_xact_lock(hashtextextended(k, 42))) as n
                           from (select k from unnest($6::text[]) k order by k) keys) locked
                  where locked.n >= 0
                 on conflict (agent_uuid) where agent_uuid is not null do update
                    set deviceid = $2, user_agent = $3, tag = case when $4 = '' then inventory_agents.tag else $4 end,
                        remote_ip = $5::text::inet, last_contact_at = now()
                 returning id, asset_id, last_body_sha256, last_checksum",
                agent_uuid,
                hello.deviceid,
                hello.user_agent,
                tag,
                ip,
                locks
            )
            .fetch_one(conn)
            .await?
        }
        None => {
            sqlx::query_as!(
                Agent,
                "insert into inventory_agents (deviceid, user_agent, tag, remote_ip)
                 select $1, $2, $3, $4::text::inet
                   from (select count(pg_advisory_xact_lock(hashtextextended(k, 42))) as n
                           from (select k from unnest($5::text[]) k order by k) keys) locked
                  where locked.n >= 0
                 on conflict (deviceid) where agent_uuid is null do update
                    set user_agent = $2, tag = case when $3 = '' then inventory_agents.tag else $3 end,
                        remote_ip = $4::text::inet, last_contact_at = now()
                 returning id, asset_id, last_body_sha256, last_checksum",
                hello.deviceid,
                hello.user_agent,
                tag,
                ip,
                locks
            )
            .fetch_one(conn)
            .await?
        }
    };
    Ok(row)
}

/// What a rule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    /// Refuse when one of the criteria is absent.
    RefuseMissing,
    /// Take the asset having every criterion's value.
    Link,
    /// Make a new asset when every criterion is present.
    Create,
    Refuse,
}

impl RuleAction {
    pub fn parse(text: &str) -> Option<RuleAction> {
        match text {
            "refuse_missing" => Some(RuleAction::RefuseMissing),
            "link" => Some(RuleAction::Link),
            "create" => Some(RuleAction::Create),
            "refuse" => Some(RuleAction::Refuse),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RuleAction::RefuseMissing => "refuse_missing",
            RuleAction::Link => "link",
            RuleAction::Create => "create",
            RuleAction::Refuse => "refuse",
        }
    }
}

/// One match rule.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Rule {
    pub id: Uuid,
    pub position: i32,
    pub name: String,
    /// Null: every kind of device.
    pub itemtype: Option<String>,
    pub action: RuleAction,
    /// Of agent, serial, uuid, name, mac, stored_uuid_empty.
    pub criteria: Vec<String>,
    pub active: bool,
}

/// GLPI's default rules for computers, in order, with the link through the
/// agent first (so a renamed machine keeps its asset). UUID and MAC rules
/// exist but are off: cloned machines share them.
pub const DEFAULT_RULES: &[(&str, RuleAction, &[&str], bool)] = &[
    ("Device constraint (name)", RuleAction::RefuseMissing, &["name"], true),
    ("Update (by agent)", RuleAction::Link, &["agent"], true),
    ("Update (by serial + uuid)", RuleAction::Link, &["serial", "uuid"], true),
    ("Update (by serial, stored uuid empty)", RuleAction::Link, &["serial", "stored_uuid_empty"], true),
    ("Import (by serial + uuid)", RuleAction::Create, &["serial", "uuid"], true),
    ("Update (by serial)", RuleAction::Link, &["serial"], true),
    ("Update (by uuid)", RuleAction::Link, &["uuid"], false),
    ("Update (by mac)", RuleAction::Link, &["mac"], false),
    ("Update (by name)", RuleAction::Link, &["name"], true),
    ("Import (by serial)", RuleAction::Create, &["serial"], true),
    ("Import (by uuid)", RuleAction::Create, &["uuid"], false),
    ("Import (by mac)", RuleAction::Create, &["mac"], false),
    ("Import (by name)", RuleAction::Create, &["name"], true),
    ("Import denied", RuleAction::Refuse, &[], true),
];

/// Write the default rules and placeholder lists, once: afterwards they are the admin's.
pub async fn write_defaults(pool: &PgPool) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let first = sqlx::query_scalar!(
        "update inventory_settings set defaults_written = true where not defaults_written returning id"
    )
    .fetch_optional(&mut *tx)
    .await?;
    if first.is_none() {
        return Ok(());
    }
    for (position, (name, action, criteria, active)) in DEFAULT_RULES.iter().enumerate() {
        let criteria: Vec<String> = criteria.iter().map(|c| (*c).to_owned()).collect();
        sqlx::query!(
            "insert into inventory_rules (position, name, action, criteria, active) values ($1, $2, $3, $4, $5)",
            (position as i32 + 1) * 10,
            name,
            action.as_str(),
            &criteria,
            active
        )
        .execute(&mut *tx)
        .await?;
    }
    let (fields, values): (Vec<String>, Vec<String>) =
        DEFAULTS.iter().map(|(field, value)| (field.as_str().to_owned(), (*value).to_owned())).unzip();
    sqlx::query!(
        "insert into inventory_blacklist (field, value) select * from unnest($1::text[], $2::text[]) on conflict do nothing",
        &fields,
        &values
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The secret every agent may give (its SHA-256 is kept).
pub async fn set_shared_secret(pool: &PgPool, secret: &str) -> AppResult<()> {
    sqlx::query!(
        "update inventory_settings set shared_secret_sha256 = $1, version = version + 1",
        crate::auth::secret::digest(secret)
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The placeholder lists as the admin keeps them, compiled (the inventory
/// settings keep them per generation: see `config`).
pub async fn blacklist(pool: &PgPool) -> AppResult<Arc<Blacklist>> {
    let rows =
        sqlx::query!("select field, value from inventory_blacklist order by field, value").fetch_all(pool).await?;
    let list = Blacklist::new(rows.iter().filter_map(|r| Some((Field::parse(&r.field)?, r.value.as_str()))))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("inventory blacklist: {e}")))?;
    Ok(Arc::new(list))
}

/// A rule as stored.
struct RuleRow {
    id: Uuid,
    position: i32,
    name: String,
    itemtype: Option<String>,
    action: String,
    criteria: Vec<String>,
    active: bool,
}

impl RuleRow {
    fn into_rule(self) -> Option<Rule> {
        Some(Rule {
            id: self.id,
            position: self.position,
            name: self.name,
            itemtype: self.itemtype,
            action: RuleAction::parse(&self.action)?,
            criteria: self.criteria,
            active: self.active,
        })
    }
}

/// The active rules, in order.
pub async fn active_rules(pool: &PgPool) -> AppResult<Vec<Rule>> {
    let rows = sqlx::query_as!(
        RuleRow,
        "select id, position, name, itemtype, action, criteria, active from inventory_rules
          where active order by position, name"
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().filter_map(RuleRow::into_rule).collect())
}

/// One inventory to apply.
pub struct Submission<'a> {
    pub hello: &'a Hello,
    pub inventory: &'a Inventory,
    /// The inventory as received (JSON shape), kept when refused.
    pub document: &'a Value,
    pub dialect: Dialect,
    /// SHA-256 of the decompressed body.
    pub body_sha256: [u8; 32],
    /// Where a new device goes, from the token it came with.
    pub entity_id: Option<Uuid>,
    /// The placeholder lists, rules and dictionary it is read and matched with.
    pub config: &'a Config,
    /// An admin imports a refused inventory: a refusal becomes a new asset.
    pub force: bool,
    /// Compare the body with the agent's last one before anything else:
    /// false when the caller already did (or there is no body).
    pub compare_body: bool,
}

/// What became of an inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created(Uuid),
    Updated(Uuid),
    Unchanged(Uuid),
    Refused { id: Uuid, reason: String },
}

/// The decision of the rules.
enum Decision {
    Link(Uuid, Uuid),
    Create(Option<Uuid>),
    Refuse(Option<Uuid>, String),
}

/// The installations' reference to the catalogue's versions.
const INSTALLED_VERSION: &str = "software_installations_version_id_fkey";

/// Match and apply one inventory, in one transaction.
pub async fn ingest(pool: &PgPool, submission: Submission<'_>) -> AppResult<Outcome> {
    match ingest_once(pool, &submission).await {
        // A version id kept in memory was deleted after the catalogue's
        // generation was read (which a deletion moves on): the transaction is
        // gone; read the catalogue again, once.
        Err(error) if error.violates(INSTALLED_VERSION) => {
            versions_cache().ids.clear();
            ingest_once(pool, &submission).await
        }
        done => done,
    }
}

async fn ingest_once(pool: &PgPool, submission: &Submission<'_>) -> AppResult<Outcome> {
    let inventory = submission.inventory;
    if submission.compare_body
        && let Some(asset) = same_body(pool, submission.hello, &submission.body_sha256).await?
    {
        return Ok(Outcome::Unchanged(asset));
    }
    let prepared = prepare(pool, submission).await?;
    let mut tx = pool.begin().await?;
    let agent = contact(&mut tx, submission.hello, &lock_keys(submission.hello, inventory)).await?;
    let rules: Vec<&Rule> = submission.config.rules_for(inventory.itemtype).collect();
    let decision = match decide(&mut tx, &rules, inventory, &agent, submission.entity_id).await? {
        Decision::Refuse(..) if submission.force => Decision::Create(None),
        decided => decided,
    };
    let actor = AuditActor {
        id: None,
        label: format!("inventory {}", submission.hello.deviceid).chars().take(200).collect(),
        source: Source::Inventory,
        request_id: None,
    };
    let checksum = checksum(inventory);
    let outcome = match decision {
        Decision::Refuse(rule, reason) => {
            let id = refuse(&mut tx, submission, agent.id, rule, &reason).await?;
            tx.commit().await?;
            return Ok(Outcome::Refused { id, reason });
        }
        Decision::Link(asset, rule) => {
            if unchanged(&mut tx, &agent, asset, &checksum).await? {
                free_space(&mut tx, asset, inventory).await?;
                Outcome::Unchanged(asset)
            } else {
                let matched = Match { rule: Some(rule), agent: agent.id, checksum: &checksum, made: None };
                apply(&mut tx, &actor, asset, inventory, &matched, &prepared).await?;
                Outcome::Updated(asset)
            }
        }
        Decision::Create(rule) => {
            let made = create(&mut tx, &actor, inventory, submission.hello, submission.entity_id, &prepared).await?;
            let matched = Match { rule, agent: agent.id, checksum: &checksum, made: Some(&made) };
            apply(&mut tx, &actor, made.id, inventory, &matched, &prepared).await?;
            Outcome::Created(made.id)
        }
    };
    let (Outcome::Created(asset) | Outcome::Updated(asset) | Outcome::Unchanged(asset)) = outcome else {
        return Ok(outcome);
    };
    let applied = !matches!(outcome, Outcome::Unchanged(_));
    touch_agent(&mut tx, agent.id, asset, &submission.body_sha256, &checksum, applied).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// The volumes' free space, which changes at every run without making the
/// inventory a new one.
async fn free_space(conn: &mut PgConnection, asset: Uuid, inventory: &Inventory) -> AppResult<()> {
    let Some(volumes) = inventory.volumes.as_ref().filter(|v| !v.is_empty()) else { return Ok(()) };
    let free: Vec<Option<i64>> = volumes.iter().map(|v| v.free_mb).collect();
    sqlx::query!(
        "update asset_volumes v set free_mb = t.free from unnest($2::bigint[]) with ordinality t(free, position)
          where v.asset_id = $1 and v.position = t.position and v.free_mb is distinct from t.free",
        asset,
        &free as &[Option<i64>]
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Nothing new for the asset: this agent's last inventory of it was the same,
/// or the asset's last inventory (from any agent) was. Each agent of a machine
/// comparing with its own keeps two agents from rewriting it in turn.
async fn unchanged(conn: &mut PgConnection, agent: &Agent, asset: Uuid, checksum: &[u8; 32]) -> AppResult<bool> {
    if agent.asset_id == Some(asset) && agent.last_checksum.as_deref() == Some(&checksum[..]) {
        return Ok(true);
    }
    let stored = sqlx::query_scalar!("select checksum from asset_inventory where asset_id = $1", asset)
        .fetch_optional(conn)
        .await?
        .flatten();
    Ok(stored.as_deref() == Some(&checksum[..]))
}

/// SHA-256 of the normalised inventory (dates of the run are not in it).
fn checksum(inventory: &Inventory) -> [u8; 32] {
    // Written straight into the hash: the same bytes, without a copy of them.
    let mut hasher = Sha256::new();
    if serde_json::to_writer(&mut hasher, inventory).is_err() {
        // As the digest of the empty serialisation it stood for.
        return Sha256::digest([]).into();
    }
    hasher.finalize().into()
}

/// The same body as the agent's last inventory: one statement notes the
/// contact and nothing else is read or written. The asset, if so. Only the
/// agent's id or, without one, its deviceid is read from `hello`.
pub async fn same_body(pool: &PgPool, hello: &Hello, body_sha256: &[u8; 32]) -> AppResult<Option<Uuid>> {
    Ok(sqlx::query_scalar!(
        "update inventory_agents set last_contact_at = now(), last_inventory_at = now(), remote_ip = $4::text::inet
          where (($1::text is not null and agent_uuid = $1) or ($1 is null and agent_uuid is null and deviceid = $2))
            and last_body_sha256 = $3 and asset_id is not null
          returning asset_id",
        hello.agent_uuid,
        hello.deviceid,
        &body_sha256[..],
        hello.remote_ip.map(|ip| ip.to_string())
    )
    .fetch_optional(pool)
    .await?
    .flatten())
}

/// Shared rows an inventory needs, written before its transaction (each
/// statement committing at once): the model and manufacturer, the software
/// catalogue, and for an agent never seen before, the tag of the asset it
/// will likely create. Concurrent inventories then never wait for each
/// other's commit on these; what a failed ingest leaves is reference data
/// (and a gap in a tag series).
struct Prepared {
    model_id: Uuid,
    tag: Option<String>,
    /// The software list as the dictionary names it.
    software: Option<Vec<Software>>,
    /// The catalogue version of each entry of `software`, in order.
    versions: Option<Vec<Option<Uuid>>>,
}

async fn prepare(pool: &PgPool, submission: &Submission<'_>) -> AppResult<Prepared> {
    // Read before taking a connection for the rest: one request never holds two.
    let mut conn = pool.acquire().await?;
    let (model, manufacturer, category) = model_wanted(submission.inventory);
    let hello = submission.hello;
    // One read: the model (nearly always there), whether the agent has an
    // asset already, and the catalogue's generation.
    let known = sqlx::query!(
        r#"select (select m.id from asset_models m left join manufacturers f on f.id = m.manufacturer_id
                    where lower(m.name) = lower($2)
                      and case when $1::text is null then m.manufacturer_id is null else lower(f.name) = lower($1) end
                    order by m.created_at, m.id limit 1) as model_id,
                  (select asset_id from inventory_agents
                    where ($3::text is not null and agent_uuid = $3) or ($3 is null and agent_uuid is null and deviceid = $4))
                    as asset_id,
                  c.epoch, c.generation
             from software_catalogue_generation c"#,
        manufacturer,
        model,
        hello.agent_uuid,
        hello.deviceid
    )
    .fetch_one(&mut *conn)
    .await?;
    let model_id = match known.model_id {
        Some(id) => id,
        None => model_named(&mut conn, category, manufacturer, &model).await?,
    };
    let tag = match known.asset_id {
        Some(_) => None,
        None => Some(assets_db::allocate_tag_now(&mut conn, model_id, Utc::now().date_naive()).await?),
    };
    let stamp = (known.epoch, known.generation);
    let (software, versions) = match &submission.inventory.software {
        Some(list) => {
            let (named, categories) = submission.config.dictionary.apply(list);
            let versions = version_ids(&mut conn, &named, &categories, stamp).await?;
            (Some(named), Some(versions))
        }
        None => (None, None),
    };
    Ok(Prepared { model_id, tag, software, versions })
}

async fn touch_agent(
    conn: &mut PgConnection,
    agent: Uuid,
    asset: Uuid,
    body: &[u8; 32],
    checksum: &[u8; 32],
    applied: bool,
) -> AppResult<()> {
    sqlx::query!(
        "update inventory_agents set asset_id = $2, last_body_sha256 = $3, last_checksum = $4, last_inventory_at = now()
          where id = $1",
        agent,
        asset,
        &body[..],
        &checksum[..]
    )
    .execute(&mut *conn)
    .await?;
    // Applying the inventory has noted its agent and time already.
    if applied {
        return Ok(());
    }
    sqlx::query!(
        "update asset_inventory set agent_id = $2, last_inventory_at = now() where asset_id = $1",
        asset,
        agent
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One advisory lock per identifier, taken in one order: two submissions of
/// the same device wait for each other; different devices do not.
fn lock_keys(hello: &Hello, inventory: &Inventory) -> Vec<String> {
    let mut keys: Vec<String> = vec![format!("agent:{}", hello.agent_uuid.as_deref().unwrap_or(&hello.deviceid))];
    if let Some(serial) = &inventory.serial {
        keys.push(format!("serial:{}", serial.to_lowercase()));
    }
    if let Some(uuid) = &inventory.uuid {
        keys.push(format!("uuid:{uuid}"));
    }
    if let Some(name) = &inventory.name {
        keys.push(format!("name:{}:{}", inventory.itemtype.as_str(), name.to_lowercase()));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The values an inventory gives each criterion.
fn present(inventory: &Inventory, agent: &Agent, criterion: &str) -> bool {
    match criterion {
        "agent" => agent.asset_id.is_some(),
        "serial" => inventory.serial.is_some(),
        "uuid" => inventory.uuid.is_some(),
        "name" => inventory.name.is_some(),
        "mac" => !macs(inventory).is_empty(),
        "stored_uuid_empty" => true,
        _ => false,
    }
}

/// MACs of the physical interfaces, else of the virtual ones (virtual machines).
fn macs(inventory: &Inventory) -> Vec<String> {
    let nics = inventory.networks.as_deref().unwrap_or_default();
    let physical: Vec<String> = nics.iter().filter(|n| !n.virtual_device).filter_map(|n| n.mac.clone()).collect();
    if physical.is_empty() { nics.iter().filter_map(|n| n.mac.clone()).collect() } else { physical }
}

/// The first rule that applies. `within`: a token's entity, whose inventories
/// only ever match assets of that entity and those below it. The link rules
/// before a rule that decides alone are looked up together, in one query.
async fn decide(
    conn: &mut PgConnection,
    rules: &[&Rule],
    inventory: &Inventory,
    agent: &Agent,
    within: Option<Uuid>,
) -> AppResult<Decision> {
    let mut links: Vec<&Rule> = Vec::new();
    for rule in rules {
        let all_present = rule.criteria.iter().all(|c| present(inventory, agent, c));
        let decided = match rule.action {
            RuleAction::RefuseMissing if !all_present => {
                Decision::Refuse(Some(rule.id), format!("refused by rule \"{}\"", rule.name))
            }
            // A criterion this server does not know finds nothing.
            RuleAction::Link if all_present => {
                if rule.criteria.iter().all(|c| CRITERIA.contains(&c.as_str())) {
                    links.push(rule);
                }
                continue;
            }
            RuleAction::Create if all_present => Decision::Create(Some(rule.id)),
            RuleAction::Refuse if all_present => {
                Decision::Refuse(Some(rule.id), format!("refused by rule \"{}\"", rule.name))
            }
            _ => continue,
        };
        return Ok(first_link(conn, &links, inventory, agent, within).await?.unwrap_or(decided));
    }
    let linked = first_link(conn, &links, inventory, agent, within).await?;
    Ok(linked.unwrap_or_else(|| Decision::Refuse(None, "no rule matched".into())))
}

/// The asset the first of `links` finds, in one query.
async fn first_link(
    conn: &mut PgConnection,
    links: &[&Rule],
    inventory: &Inventory,
    agent: &Agent,
    within: Option<Uuid>,
) -> AppResult<Option<Decision>> {
    if links.is_empty() {
        return Ok(None);
    }
    let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new("select r, id from (");
    for (position, rule) in (0_i32..).zip(links) {
        if position > 0 {
            qb.push(" union all ");
        }
        qb.push("(select ").push_bind(position).push("::int as r, a.id");
        push_find(&mut qb, &rule.criteria, inventory, agent, within);
        qb.push(")");
    }
    qb.push(") found order by r limit 1");
    let found: Option<(i32, Uuid)> = qb.build_query_as().fetch_optional(conn).await?;
    Ok(found.and_then(|(position, asset)| {
        let rule = links.get(usize::try_from(position).ok()?)?;
        Some(Decision::Link(asset, rule.id))
    }))
}

/// The rest of a query finding the asset having every criterion's value, of
/// the same kind of device (criteria of [`CRITERIA`]).
fn push_find(
    qb: &mut QueryBuilder<'_, Postgres>,
    criteria: &[String],
    inventory: &Inventory,
    agent: &Agent,
    within: Option<Uuid>,
) {
    qb.push(" from assets a left join asset_inventory ai on ai.asset_id = a.id where true");
    for criterion in criteria {
        match criterion.as_str() {
            // A cloned image carries its agent's id: the agent's asset is this
            // machine only when the serial and UUID sent do not say otherwise.
            // A serial set by hand (locked) says nothing of the machine.
            "agent" => {
                qb.push(" and a.id = ").push_bind(agent.asset_id);
                qb.push(" and (a.serial is null or ")
                    .push_bind(inventory.serial.clone())
                    .push("::text is null or lower(a.serial) = lower(")
                    .push_bind(inventory.serial.clone())
                    .push(") or exists (select 1 from asset_locked_fields l where l.asset_id = a.id and l.field = 'serial'))");
                qb.push(" and (ai.system_uuid is null or ")
                    .push_bind(inventory.uuid.clone())
                    .push("::text is null or ai.system_uuid = ")
                    .push_bind(inventory.uuid.clone())
                    .push(")");
            }
            // A serial identifies an asset registered by hand too.
            "serial" => {
                // Two index lookups: the register's serial, or the one inventory noted on a clone.
                qb.push(" and a.id in (select id from assets where lower(serial) = lower(")
                    .push_bind(inventory.serial.clone())
                    .push(") union all select asset_id from asset_inventory where lower(serial) = lower(")
                    .push_bind(inventory.serial.clone())
                    .push("))");
            }
            "uuid" => {
                qb.push(" and ai.system_uuid = ").push_bind(inventory.uuid.clone());
            }
            "stored_uuid_empty" => {
                qb.push(" and ai.system_uuid is null");
            }
            "name" => {
                qb.push(" and lower(a.name) = lower(").push_bind(inventory.name.clone()).push(")");
                qb.push(" and ai.itemtype = ").push_bind(inventory.itemtype.as_str());
            }
            "mac" => {
                qb.push(" and a.id in (select asset_id from asset_network_interfaces where mac = any(")
                    .push_bind(macs(inventory))
                    .push("))");
                qb.push(" and ai.itemtype = ").push_bind(inventory.itemtype.as_str());
            }
            _ => {
                qb.push(" and false");
            }
        }
    }
    if let Some(entity) = within {
        qb.push(" and a.entity_id in (with recursive below(id) as (select ").push_bind(entity).push(
            "::uuid union all select e.id from entities e join below on e.parent_id = below.id) select id from below)",
        );
    }
    qb.push(" order by a.created_at, a.id limit 1");
}

async fn refuse(
    conn: &mut PgConnection,
    submission: &Submission<'_>,
    agent: Uuid,
    rule: Option<Uuid>,
    reason: &str,
) -> AppResult<Uuid> {
    let inventory = submission.inventory;
    // A refused inventory is kept whole to be imported later, up to a size:
    // beyond it only its identity is kept, and import is refused.
    let kept = serde_json::to_vec(submission.document).map_or(0, |b| b.len()) <= MAX_REFUSED_BYTES;
    let empty = json!({});
    let document = if kept { submission.document } else { &empty };
    let dialect = match submission.dialect {
        Dialect::Json => "json",
        Dialect::Xml => "xml",
    };
    Ok(sqlx::query_scalar!(
        "insert into inventory_refused (agent_id, itemtype, name, serial, uuid, macs, rule_id, reason, dialect, document, entity_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id",
        agent,
        inventory.itemtype.as_str(),
        inventory.name,
        inventory.serial,
        inventory.uuid,
        &macs(inventory),
        rule,
        reason,
        dialect,
        document,
        submission.entity_id
    )
    .fetch_one(conn)
    .await?)
}

/// Largest refused inventory kept whole.
const MAX_REFUSED_BYTES: usize = 8 * 1024 * 1024;

/// The register's category of a device: by its kind, else its chassis.
fn category_name(inventory: &Inventory) -> &'static str {
    let kind = inventory.kind.as_deref().unwrap_or_default().to_ascii_lowercase();
    match inventory.itemtype {
        ItemType::Phone => "Téléphone",
        ItemType::Printer => "Imprimante",
        ItemType::NetworkEquipment => "Équipement réseau",
        ItemType::Unmanaged => "Périphérique",
        ItemType::Computer if ["laptop", "notebook", "portable", "sub notebook"].iter().any(|k| kind == *k) => {
            "Portable"
        }
        ItemType::Computer if kind.contains("server") => "Serveur",
        ItemType::Computer => "Ordinateur",
    }
}

/// The model a device reports (else one named after its category), its
/// manufacturer, and the register's category it goes in when first seen.
fn model_wanted(inventory: &Inventory) -> (String, Option<&str>, &'static str) {
    let category = category_name(inventory);
    let fallback = format!("{category} ({})", inventory.itemtype.as_str());
    (inventory.model.clone().unwrap_or(fallback), inventory.manufacturer.as_deref(), category)
}

/// The model `name` of `manufacturer` in `category`, made when first seen.
async fn model_named(
    conn: &mut PgConnection,
    category: &str,
    manufacturer: Option<&str>,
    name: &str,
) -> AppResult<Uuid> {
    let category_id = match sqlx::query_scalar!("select id from asset_categories where lower(name) = lower($1)", category)
        .fetch_optional(&mut *conn)
        .await?
    {
        Some(id) => id,
        None => sqlx::query_scalar!(
            "insert into asset_categories (name) values ($1) on conflict (lower(name)) do update set name = excluded.name returning id",
            category
        )
        .fetch_one(&mut *conn)
        .await?,
    };
    let manufacturer = match manufacturer {
        Some(maker) => {
            // Insert, then read in a new statement: a manufacturer another
            // inventory has just made is then seen.
            sqlx::query!("insert into manufacturers (name) values ($1) on conflict do nothing", maker)
                .execute(&mut *conn)
                .await?;
            Some(
                sqlx::query_scalar!("select id from manufacturers where lower(name) = lower($1)", maker)
                    .fetch_one(&mut *conn)
                    .await?,
            )
        }
        None => None,
    };
    let found = sqlx::query_scalar!(
        "select id from asset_models where manufacturer_id is not distinct from $1 and lower(name) = lower($2)",
        manufacturer,
        name
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = found {
        return Ok(id);
    }
    // Two first inventories of one model at once: one inserts, the other finds it.
    sqlx::query!(
        "insert into asset_models (category_id, manufacturer_id, name) values ($1, $2, $3) on conflict do nothing",
        category_id,
        manufacturer,
        name
    )
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_scalar!(
        "select id from asset_models where manufacturer_id is not distinct from $1 and lower(name) = lower($2)",
        manufacturer,
        name
    )
    .fetch_one(conn)
    .await?)
}

/// A new asset for a device seen for the first time.
async fn create(
    conn: &mut PgConnection,
    actor: &AuditActor,
    inventory: &Inventory,
    hello: &Hello,
    token_entity: Option<Uuid>,
    prepared: &Prepared,
) -> AppResult<Made> {
    // A placement rule on the agent's tag or address comes first, then the
    // token's entity, then the settings'.
    let tag = inventory.tag.as_deref().or(hello.tag.as_deref()).unwrap_or_default();
    let placed = sqlx::query!(
        r#"with placed as (
             select entity_id, location_id from inventory_placements
              where (agent_tag = '' or lower(agent_tag) = lower($1))
                and (network is null or ($2::text is not null and $2::text::inet <<= network))
              order by position, created_at limit 1)
           select coalesce((select entity_id from placed), $3, s.entity_id,
                           (select id from entities where parent_id is null order by created_at limit 1)) as entity_id,
                  (select location_id from placed) as location_id,
                  coalesce(s.status_id, (select id from asset_statuses where kind = 'deployed' order by created_at, name limit 1)) as status_id
             from inventory_settings s"#,
        tag,
        hello.remote_ip.map(|ip| ip.to_string()),
        token_entity
    )
    .fetch_one(&mut *conn)
    .await?;
    let (Some(entity_id), Some(status_id)) = (placed.entity_id, placed.status_id) else {
        return Err(AppError::Internal(anyhow::anyhow!("no entity or no deployed status for new devices")));
    };
    let model_id = prepared.model_id;
    let name = inventory.name.clone().unwrap_or_else(|| hello.deviceid.clone());
    let mut input = device_input(name, inventory.serial.clone(), model_id, status_id, entity_id);
    input.tag = prepared.tag.clone();
    input.location_id = placed.location_id;
    let mut savepoint = conn.begin().await?;
    match assets_db::insert_in(&mut savepoint, actor, &input).await {
        Ok(id) => {
            savepoint.commit().await?;
            Ok(Made { id, entity_id, serial_dropped: false })
        }
        // Another asset of this manufacturer has the serial (a clone): this
        // one is kept without it; asset_inventory remembers what was sent.
        Err(AppError::Taken(errors)) if errors.get("serial").is_some() => {
            savepoint.rollback().await?;
            input.serial = None;
            let id = assets_db::insert_in(conn, actor, &input).await?;
            Ok(Made { id, entity_id, serial_dropped: true })
        }
        Err(other) => Err(other),
    }
}

/// An asset made for the inventory being applied.
struct Made {
    id: Uuid,
    entity_id: Uuid,
    /// Another asset had the serial sent: this one was made without it.
    serial_dropped: bool,
}

/// A device seen for the first time, as the register takes it (the tag
/// allocated at insert unless given).
fn device_input(name: String, serial: Option<String>, model_id: Uuid, status_id: Uuid, entity_id: Uuid) -> AssetInput {
    AssetInput {
        tag: None,
        name: name.chars().take(200).collect(),
        serial,
        model_id,
        status_id,
        entity_id,
        location_id: None,
        assigned_user_id: None,
        assigned_group_id: None,
        supplier: String::new(),
        order_number: String::new(),
        invoice_number: String::new(),
        purchase_date: None,
        price: None,
        currency: "EUR".into(),
        warranty_end: None,
        notes: String::new(),
        custom: Default::default(),
    }
}

/// The register's fields inventory fills, as history shows them.
#[derive(Serialize, PartialEq)]
struct Identity {
    name: String,
    serial: Option<String>,
    model_id: Uuid,
}

/// How an inventory reached its asset.
struct Match<'a> {
    rule: Option<Uuid>,
    agent: Uuid,
    checksum: &'a [u8; 32],
    /// The asset was made for this inventory.
    made: Option<&'a Made>,
}

/// Apply an inventory to its asset: identity, facts, components, software.
async fn apply(
    conn: &mut PgConnection,
    actor: &AuditActor,
    asset: Uuid,
    inventory: &Inventory,
    matched: &Match<'_>,
    prepared: &Prepared,
) -> AppResult<()> {
    let (rule, agent, checksum) = (matched.rule, matched.agent, matched.checksum);
    let created = matched.made.is_some();
    let (entity_id, sent_serial, locked) = match matched.made {
        // An asset just made has nothing locked, no facts and no software yet.
        Some(made) => (made.entity_id, inventory.serial.clone().filter(|_| made.serial_dropped), Vec::new()),
        None => identity(conn, actor, asset, inventory, prepared).await?,
    };
    sqlx::query!(
        "insert into asset_inventory (asset_id, itemtype, system_uuid, serial, kind, last_user, agent_id, rule_id, checksum)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (asset_id) do update set itemtype = $2, system_uuid = coalesce($3, asset_inventory.system_uuid),
                serial = $4, kind = coalesce(nullif($5, ''), asset_inventory.kind),
                last_user = coalesce(nullif($6, ''), asset_inventory.last_user),
                agent_id = $7, rule_id = $8, checksum = $9, last_inventory_at = now()",
        asset,
        inventory.itemtype.as_str(),
        inventory.uuid,
        sent_serial,
        inventory.kind.clone().unwrap_or_default(),
        inventory.last_user.clone().unwrap_or_default(),
        agent,
        rule,
        &checksum[..]
    )
    .execute(&mut *conn)
    .await?;
    facts(conn, actor, asset, entity_id, inventory, &locked, created).await?;
    components(conn, actor, asset, entity_id, inventory, created).await?;
    sections(conn, actor, asset, entity_id, inventory).await?;
    monitors(conn, actor, asset, entity_id, inventory).await?;
    software(conn, actor, asset, entity_id, prepared, created).await?;
    Ok(())
}

/// The name, serial and model an inventory gives an existing asset, where
/// not locked: its entity, the serial sent when the asset keeps another (a
/// serial set by hand, or one another asset has), and its locked fields.
async fn identity(
    conn: &mut PgConnection,
    actor: &AuditActor,
    asset: Uuid,
    inventory: &Inventory,
    prepared: &Prepared,
) -> AppResult<(Uuid, Option<String>, Vec<String>)> {
    let row = sqlx::query!("select name, serial, model_id, entity_id from assets where id = $1 for update", asset)
        .fetch_one(&mut *conn)
        .await?;
    // Read under the asset's row lock, which a person changing the locks takes too.
    let locked = locked_fields(&mut *conn, asset).await?;
    let is_locked = |field: &str| locked.iter().any(|f| f == field);
    let entity_id = row.entity_id;
    let subject = || Subject::new(ObjectKind::Asset, asset, Some(entity_id));
    let mut sent_serial = None;
    let before = Identity { name: row.name.clone(), serial: row.serial.clone(), model_id: row.model_id };
    let mut after = Identity { name: row.name, serial: row.serial, model_id: row.model_id };
    if let Some(name) = inventory.name.as_ref().filter(|_| !is_locked("name")) {
        after.name = name.chars().take(200).collect();
    }
    if inventory.serial.is_some() && !is_locked("serial") {
        after.serial = inventory.serial.clone();
    }
    // A model only replaces the stored one when one was sent (not a placeholder).
    if !is_locked("model") && inventory.model.is_some() {
        after.model_id = prepared.model_id;
    }
    if after != before {
        let mut savepoint = conn.begin().await?;
        let updated = sqlx::query!(
            "update assets set name = $2, serial = $3, model_id = $4, version = version + 1 where id = $1",
            asset,
            after.name,
            after.serial,
            after.model_id
        )
        .execute(&mut *savepoint)
        .await;
        match updated {
            Ok(_) => {
                savepoint.commit().await?;
                audit::record_change(conn, actor, subject(), &before, &after).await?;
            }
            // The serial belongs to another asset: keep ours, note what was sent.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                savepoint.rollback().await?;
                sent_serial = after.serial.clone();
                let kept = Identity { serial: before.serial.clone(), ..after };
                if kept != before {
                    sqlx::query!(
                        "update assets set name = $2, model_id = $3, version = version + 1 where id = $1",
                        asset,
                        kept.name,
                        kept.model_id
                    )
                    .execute(&mut *conn)
                    .await?;
                    audit::record_change(conn, actor, subject(), &before, &kept).await?;
                }
            }
            Err(other) => return Err(other.into()),
        }
    }
    // A serial set by hand: the one sent is noted, so matching by serial still finds the asset.
    if is_locked("serial") && sent_serial.is_none() {
        sent_serial = inventory.serial.clone();
    }
    Ok((entity_id, sent_serial, locked))
}

/// Hardware facts, disks and interfaces: the sections present replace the
/// stored ones when they differ; memory going down is told to the park managers.
async fn facts(
    conn: &mut PgConnection,
    actor: &AuditActor,
    asset: Uuid,
    entity_id: Uuid,
    inventory: &Inventory,
    locked: &[String],
    created: bool,
) -> AppResult<()> {
    let is_locked = |field: &str| locked.iter().any(|f| f == field);
    let before = if created { hardware::Hardware::default() } else { hardware::load_in(&mut *conn, asset).await? };
    let mut after = before.clone();
    if let Some(os) = inventory.os.as_ref().filter(|_| !is_locked("os")) {
        after.os_name = os.name.chars().take(200).collect();
        after.os_version = os.version.chars().take(100).collect();
    }
    if let Some(cpus) = inventory.cpus.as_ref().filter(|_| !is_locked("cpu")) {
        after.cpu = cpus.first().map(|c| c.name.chars().take(200).collect()).unwrap_or_default();
        let cores: i64 = cpus.iter().filter_map(|c| c.cores).sum();
        after.cpu_cores = i32::try_from(cores).ok().filter(|c| (1..=100_000).contains(c));
    }
    if let Some(memory) = inventory.memory_mb.filter(|m| *m >= 0 && !is_locked("memory")) {
        after.memory_mb = Some(memory);
    }
    if let Some(disks) = inventory.disks.as_ref().filter(|_| !is_locked("disks")) {
        after.disks = disks
            .iter()
            .map(|d| hardware::Disk {
                name: d.name.chars().take(200).collect(),
                size_gb: d.size_mb.filter(|s| *s >= 0).map(|mb| (Decimal::from(mb) / Decimal::from(1000)).round_dp(1)),
            })
            .collect();
    }
    if let Some(nics) = inventory.networks.as_ref().filter(|_| !is_locked("networks")) {
        after.interfaces = nics
            .iter()
            .filter(|n| n.mac.is_some() || !n.ips.is_empty())
            .map(|n| hardware::NetworkInterface {
                name: n.name.chars().take(100).collect(),
                mac: n.mac.clone(),
                ips: n.ips.clone(),
            })
            .collect();
    }
    if after == before {
        return Ok(());
    }
    // A new asset's history begins with its creation by the inventory.
    if created {
        return hardware::write_new(&mut *conn, asset, &after).await;
    }
    hardware::write_in(&mut *conn, asset, &after).await?;
    audit::record_change(
        conn,
        actor,
        Subject::new(ObjectKind::Asset, asset, Some(entity_id)),
        &before.summary(),
        &after.summary(),
    )
    .await?;
    if let (Some(old), Some(new)) = (before.memory_mb, after.memory_mb)
        && new < old
    {
        alert_memory(conn, asset, entity_id, old, new).await?;
    }
    Ok(())
}

/// Volumes and antivirus: the sections present replace the stored rows when
/// they differ (a volume's free space alone is not a change).
async fn components(
    conn: &mut PgConnection,
    actor: &AuditActor,
    asset: Uuid,
    entity_id: Uuid,
    inventory: &Inventory,
    created: bool,
) -> AppResult<()> {
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    if let Some(volumes) = &inventory.volumes {
        let stored: Vec<(String, String, Option<i64>)> = if created {
            Vec::new()
        } else {
            sqlx::query!(
                "select mount, filesystem, total_mb from asset_volumes where asset_id = $1 order by position",
                asset
            )
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|r| (r.mount, r.filesystem, r.total_mb))
            .collect()
        };
        let wanted: Vec<(String, String, Option<i64>)> =
            volumes.iter().map(|v| (text(&v.mount, 300), text(&v.filesystem, 50), v.total_mb)).collect();
        if stored != wanted {
            let mounts: Vec<String> = wanted.iter().map(|v| v.0.clone()).collect();
            let filesystems: Vec<String> = wanted.iter().map(|v| v.1.clone()).collect();
            let totals: Vec<Option<i64>> = wanted.iter().map(|v| v.2).collect();
            let free: Vec<Option<i64>> = volumes.iter().map(|v| v.free_mb).collect();
            sqlx::query!("delete from asset_volumes where asset_id = $1", asset).execute(&mut *conn).await?;
            sqlx::query!(
                "insert into asset_volumes (asset_id, position, mount, filesystem, total_mb, free_mb)
                 select $1, n, m, f, t, fr from unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) with ordinality v(m, f, t, fr, n)",
                asset,
                &mounts,
                &filesystems,
                &totals as &[Option<i64>],
                &free as &[Option<i64>]
            )
            .execute(&mut *conn)
            .await?;
            let line = |v: &(String, String, Option<i64>)| format!("{} {} {} MB", v.0, v.1, v.2.unwrap_or_default());
            before.insert("volumes".into(), Value::String(stored.iter().map(line).collect::<Vec<_>>().join("; ")));
            after.insert("volumes".into(), Value::String(wanted.iter().map(line).collect::<Vec<_>>().join("; ")));
        }
    }
    if let Some(antivirus) = &inventory.antivirus {
        let stored: Vec<(String, String, Option<bool>, Option<bool>)> = if created {
            Vec::new()
        } else {
            sqlx::query!(
                "select name, version, enabled, up_to_date from asset_antivirus where asset_id = $1 order by position",
                asset
            )
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|r| (r.name, r.version, r.enabled, r.up_to_date))
            .collect()
        };
        let wanted: Vec<(String, String, Option<bool>, Option<bool>)> =
            antivirus.iter().map(|a| (text(&a.name, 200), text(&a.version, 100), a.enabled, a.up_to_date)).collect();
        if stored != wanted {
            sqlx::query!("delete from asset_antivirus where asset_id = $1", asset).execute(&mut *conn).await?;
            for (position, (name, version, enabled, up_to_date)) in wanted.iter().enumerate() {
                sqlx::query!(
                    "insert into asset_antivirus (asset_id, position, name, version, enabled, up_to_date) values ($1, $2, $3, $4, $5, $6)",
                    asset,
                    position as i32,
                    name,
                    version,
                    *enabled,
                    *up_to_date
                )
                .execute(&mut *conn)
                .await?;
            }
            let line = |a: &(String, String, Option<bool>, Option<bool>)| {
                format!("{} {} (on: {:?}, up to date: {:?})", a.0, a.1, a.2, a.3)
            };
            before.insert("antivirus".into(), Value::String(stored.iter().map(line).collect::<Vec<_>>().join("; ")));
            after.insert("antivirus".into(), Value::String(wanted.iter().map(line).collect::<Vec<_>>().join("; ")));
        }
    }
    if after.is_empty() {
        return Ok(());
    }
    let subject = Subject::new(ObjectKind::Asset, asset, Some(entity_id));
    audit::record_change(conn, actor, subject, &Value::Object(before), &Value::Object(after)).await
}

/// Virtual machines, ports and the printer's state: each section the
/// inventory carries replaces the stored one when it differs. A change in
/// the virtual machines goes to the history; counters and ports are state.
async fn sections(
    conn: &mut PgConnection,
    actor: &AuditActor,
    asset: Uuid,
    entity_id: Uuid,
    inventory: &Inventory,
) -> AppResult<()> {
    let sent = [
        ("virtual_machines", inventory.virtual_machines.as_ref().map(serde_json::to_value)),
        ("ports", inventory.ports.as_ref().map(serde_json::to_value)),
        ("printer", inventory.printer.as_ref().map(serde_json::to_value)),
    ];
    let mut names = Vec::new();
    let mut contents = Vec::new();
    for (name, content) in sent {
        if let Some(content) = content {
            names.push(name.to_owned());
            contents.push(content.map_err(|e| AppError::Internal(e.into()))?);
        }
    }
    if names.is_empty() {
        return Ok(());
    }
    // One statement: the stored virtual machines are read as they were before it.
    let previous_vms = sqlx::query_scalar!(
        r#"with written as (
             insert into asset_inventory_sections (asset_id, section, content)
             select $1, s, c from unnest($2::text[], $3::jsonb[]) t(s, c)
             on conflict (asset_id, section) do update set content = excluded.content, updated_at = now()
              where asset_inventory_sections.content is distinct from excluded.content)
           select (select content from asset_inventory_sections where asset_id = $1 and section = 'virtual_machines')"#,
        asset,
        &names,
        &contents
    )
    .fetch_one(&mut *conn)
    .await?;
    let vm_names = |content: Option<&Value>| {
        let list = content.and_then(Value::as_array).cloned().unwrap_or_default();
        list.iter().filter_map(|vm| vm["name"].as_str().map(str::to_owned)).collect::<Vec<_>>().join(", ")
    };
    if let Some(position) = names.iter().position(|n| n == "virtual_machines") {
        let (before, after) = (vm_names(previous_vms.as_ref()), vm_names(contents.get(position)));
        if before != after {
            let subject = Subject::new(ObjectKind::Asset, asset, Some(entity_id));
            audit::record_change(
                conn,
                actor,
                subject,
                &json!({"virtual_machines": before}),
                &json!({"virtual_machines": after}),
            )
            .await?;
        }
    }
    Ok(())
}

/// Monitors with a serial become assets of their own (category "Écran"),
/// connected to the computer; a monitor moved to another computer follows.
async fn monitors(
    conn: &mut PgConnection,
    actor: &AuditActor,
    asset: Uuid,
    entity_id: Uuid,
    inventory: &Inventory,
) -> AppResult<()> {
    let Some(list) = &inventory.monitors else { return Ok(()) };
    for monitor in list {
        let Some(serial) = &monitor.serial else { continue };
        // Two computers reporting one monitor at once: one makes it, the other finds it.
        sqlx::query!("select pg_advisory_xact_lock(hashtextextended('monitor:' || lower($1), 42))", serial)
            .fetch_one(&mut *conn)
            .await?;
        let found = sqlx::query_scalar!(
            "select a.id from assets a join asset_models m on m.id = a.model_id join asset_categories c on c.id = m.category_id
              where lower(a.serial) = lower($1) and lower(c.name) = lower('Écran') order by a.created_at limit 1",
            serial
        )
        .fetch_optional(&mut *conn)
        .await?;
        let monitor_id = match found {
            Some(id) => id,
            None => {
                let maker = Some(monitor.manufacturer.as_str()).filter(|m| !m.is_empty());
                let name = if monitor.name.is_empty() { "Écran" } else { monitor.name.as_str() };
                let model_id = model_named(&mut *conn, "Écran", maker, name).await?;
                let status_id = sqlx::query_scalar!("select status_id from assets where id = $1", asset)
                    .fetch_one(&mut *conn)
                    .await?;
                let serial = Some(serial.chars().take(100).collect());
                let input = device_input(name.to_owned(), serial, model_id, status_id, entity_id);
                assets_db::insert_in(&mut *conn, actor, &input).await?
            }
        };
        if monitor_id == asset {
            continue;
        }
        // A monitor is on one computer at a time.
        sqlx::query!(
            "delete from asset_relations where kind = 'connected' and asset_id = $1 and related_id <> $2",
            monitor_id,
            asset
        )
        .execute(&mut *conn)
        .await?;
        let linked = sqlx::query!(
            "insert into asset_relations (id, asset_id, related_id, kind) values ($1, $2, $3, 'connected') on conflict do nothing",
            Uuid::now_v7(),
            monitor_id,
            asset
        )
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if linked > 0 {
            let subject = Subject::new(ObjectKind::Asset, asset, Some(entity_id));
            audit::record_change(conn, actor, subject, &json!({"monitor": null}), &json!({"monitor": serial})).await?;
        }
    }
    Ok(())
}

/// Tell the park managers of the asset's entity that its memory went down.
async fn alert_memory(conn: &mut PgConnection, asset: Uuid, entity_id: Uuid, old: i64, new: i64) -> AppResult<()> {
    sqlx::query!(
        "insert into notifications (user_id, message, args, link)
         select distinct g.user_id, 'notify-inventory-memory-decreased',
                jsonb_build_object('tag', a.tag, 'name', a.name, 'before', $3::bigint, 'after', $4::bigint),
                '/assets/' || a.id
           from role_grants g cross join assets a
          where a.id = $1 and g.role = 'park_manager' and g.entity_id in (select id from entity_lineage($2))",
        asset,
        entity_id,
        old,
        new
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Installed software, by catalogue version: new entries added to the
/// asset, removed ones taken off; the history lists both.
async fn software(
    conn: &mut PgConnection,
    actor: &AuditActor,
    asset: Uuid,
    entity_id: Uuid,
    prepared: &Prepared,
    created: bool,
) -> AppResult<()> {
    let (Some(list), Some(versions)) = (prepared.software.as_deref(), prepared.versions.as_deref()) else {
        return Ok(());
    };
    let stored = if created { Vec::new() } else { stored_installations(conn, asset).await? };
    let present: Vec<(&Software, Uuid)> = list.iter().zip(versions).filter_map(|(s, id)| Some((s, (*id)?))).collect();
    let wanted: HashSet<(Uuid, &str)> = present.iter().map(|(s, id)| (*id, s.arch.as_str())).collect();
    let have: HashSet<(Uuid, &str)> = stored.iter().map(|s| (s.version_id, s.arch.as_str())).collect();
    let added: Vec<&(&Software, Uuid)> =
        present.iter().filter(|(s, id)| !have.contains(&(*id, s.arch.as_str()))).collect();
    let removed: Vec<_> = stored.iter().filter(|s| !wanted.contains(&(s.version_id, s.arch.as_str()))).collect();
    if added.is_empty() && removed.is_empty() {
        return Ok(());
    }
    if !removed.is_empty() {
        let versions: Vec<Uuid> = removed.iter().map(|s| s.version_id).collect();
        let arches: Vec<String> = removed.iter().map(|s| s.arch.clone()).collect();
        sqlx::query!(
            "delete from software_installations i using unnest($2::uuid[], $3::text[]) r(version_id, arch)
              where i.asset_id = $1 and i.version_id = r.version_id and i.arch = r.arch and i.source = 'inventory'",
            asset,
            &versions,
            &arches
        )
        .execute(&mut *conn)
        .await?;
    }
    if !added.is_empty() {
        install(conn, asset, &added, created).await?;
    }
    if created {
        return Ok(());
    }
    let line =
        |name: &str, version: &str| if version.is_empty() { name.to_owned() } else { format!("{name} {version}") };
    let before =
        json!({ "software": removed.iter().map(|s| line(&s.name, &s.version)).collect::<Vec<_>>().join(", ") });
    let after =
        json!({ "software": added.iter().map(|(s, _)| line(&s.name, &s.version)).collect::<Vec<_>>().join(", ") });
    audit::record(
        conn,
        Record {
            kind: ObjectKind::Asset,
            object_id: asset,
            entity_id: Some(entity_id),
            change: Change::Update,
            before: Some(before),
            after: Some(after),
            actor,
        },
    )
    .await?;
    Ok(())
}

/// One installation inventory made, as the software diff compares them.
struct Installed {
    name: String,
    version: String,
    arch: String,
    version_id: Uuid,
}

async fn stored_installations(conn: &mut PgConnection, asset: Uuid) -> AppResult<Vec<Installed>> {
    Ok(sqlx::query_as!(
        Installed,
        "select s.name, v.version, i.arch, v.id as version_id
           from software_installations i join software_versions v on v.id = i.version_id join software s on s.id = v.software_id
          where i.asset_id = $1 and i.source = 'inventory'",
        asset
    )
    .fetch_all(conn)
    .await?)
}

/// A catalogue entry as agents write it: name, publisher, version.
type CatalogueKey = (String, String, String);

/// A catalogue key, owned or borrowed from an entry: the cache is looked up
/// with an entry's texts, not with copies of them.
trait AsKey {
    fn key(&self) -> (&str, &str, &str);
}

impl AsKey for CatalogueKey {
    fn key(&self) -> (&str, &str, &str) {
        (&self.0, &self.1, &self.2)
    }
}

impl AsKey for Software {
    fn key(&self) -> (&str, &str, &str) {
        (&self.name, &self.publisher, &self.version)
    }
}

impl<'a> std::borrow::Borrow<dyn AsKey + 'a> for CatalogueKey {
    fn borrow(&self) -> &(dyn AsKey + 'a) {
        self
    }
}

// Hashed and compared as the owned key is (a String hashes as its str).
impl std::hash::Hash for dyn AsKey + '_ {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialEq for dyn AsKey + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for dyn AsKey + '_ {}

/// The catalogue's generation: its database's epoch, and how many times a
/// program was renamed or deleted, or a version deleted, there.
type Stamp = (Uuid, i64);

/// Catalogue version ids this process has seen, at one generation of the
/// catalogue: a rename, a merge or a deletion moves the generation on (a
/// trigger), and the ids kept are then forgotten. A version deleted between
/// the read of the generation and the insertion is skipped there and the
/// cache emptied.
#[derive(Default)]
struct Versions {
    stamp: Option<Stamp>,
    ids: HashMap<CatalogueKey, Uuid>,
}

static VERSIONS: LazyLock<Mutex<Versions>> = LazyLock::new(Mutex::default);
/// Entries kept before the cache starts again.
const VERSIONS_KEPT: usize = 200_000;

fn versions_cache() -> std::sync::MutexGuard<'static, Versions> {
    VERSIONS.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The ids kept for the entries of `list` at generation `stamp` (none at another).
fn cached_versions(list: &[Software], stamp: Stamp) -> Vec<Option<Uuid>> {
    let mut cache = versions_cache();
    if cache.stamp != Some(stamp) {
        *cache = Versions { stamp: Some(stamp), ids: HashMap::new() };
    }
    list.iter().map(|s| cache.ids.get(s as &dyn AsKey).copied()).collect()
}

/// The catalogue version of each entry of `list`, in order; entries never
/// seen are written to the catalogue first (in the category the dictionary
/// gives, by lowercase name and publisher). `stamp`: the catalogue's
/// generation, read before this.
async fn version_ids(
    conn: &mut PgConnection,
    list: &[Software],
    categories: &Categories,
    stamp: Stamp,
) -> AppResult<Vec<Option<Uuid>>> {
    let ids = cached_versions(list, stamp);
    let missing: Vec<&Software> = list.iter().zip(&ids).filter(|(_, id)| id.is_none()).map(|(s, _)| s).collect();
    if missing.is_empty() {
        return Ok(ids);
    }
    catalogue(conn, &missing, categories).await?;
    let names: Vec<String> = missing.iter().map(|s| s.name.clone()).collect();
    let publishers: Vec<String> = missing.iter().map(|s| s.publisher.clone()).collect();
    let versions: Vec<String> = missing.iter().map(|s| s.version.clone()).collect();
    let rows = sqlx::query!(
        r#"select t.n as "name!", t.p as "publisher!", t.v as "version!", v.id
             from unnest($1::text[], $2::text[], $3::text[]) t(n, p, v)
             join software s on lower(s.name) = lower(t.n) and lower(s.publisher) = lower(t.p)
             join software_versions v on v.software_id = s.id and v.version = t.v"#,
        &names,
        &publishers,
        &versions
    )
    .fetch_all(conn)
    .await?;
    let found: HashMap<CatalogueKey, Uuid> =
        rows.into_iter().map(|r| ((r.name, r.publisher, r.version), r.id)).collect();
    {
        // Read after `stamp`: kept only while the cache is still at it.
        let mut cache = versions_cache();
        if cache.stamp == Some(stamp) {
            if cache.ids.len() > VERSIONS_KEPT {
                cache.ids.clear();
            }
            cache.ids.extend(found.iter().map(|(k, v)| (k.clone(), *v)));
        }
    }
    Ok(list.iter().zip(ids).map(|(s, id)| id.or_else(|| found.get(s as &dyn AsKey).copied())).collect())
}

/// Catalogue entries and versions of a list (sorted, so concurrent writers
/// take locks in one order); the rows already there are left alone.
async fn catalogue(conn: &mut PgConnection, list: &[&Software], categories: &Categories) -> AppResult<()> {
    let mut sorted: Vec<&Software> = list.to_vec();
    sorted.sort_by_cached_key(|s| (lowercase(&s.name), lowercase(&s.publisher), s.version.as_str()));
    let names: Vec<String> = sorted.iter().map(|s| s.name.clone()).collect();
    let publishers: Vec<String> = sorted.iter().map(|s| s.publisher.clone()).collect();
    let versions: Vec<String> = sorted.iter().map(|s| s.version.clone()).collect();
    let category_of: Vec<Option<Uuid>> = sorted.iter().map(|s| category(categories, s)).collect();
    // A category deleted since the dictionary was read is no category.
    sqlx::query!(
        "insert into software (name, publisher, category_id)
         select distinct on (lower(n), lower(p)) n, p, (select c.id from software_categories c where c.id = t.c)
           from unnest($1::text[], $2::text[], $3::uuid[]) t(n, p, c)
          where not exists (select 1 from software s where lower(s.name) = lower(t.n) and lower(s.publisher) = lower(t.p))
          order by lower(n), lower(p)
         on conflict (lower(name), lower(publisher)) do nothing",
        &names,
        &publishers,
        &category_of as &[Option<Uuid>]
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into software_versions (software_id, version)
         select distinct s.id, t.v from unnest($1::text[], $2::text[], $3::text[]) t(n, p, v)
           join software s on lower(s.name) = lower(t.n) and lower(s.publisher) = lower(t.p)
          where not exists (select 1 from software_versions sv where sv.software_id = s.id and sv.version = t.v)
          order by s.id, t.v
         on conflict (software_id, version) do nothing",
        &names,
        &publishers,
        &versions
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The category the dictionary gives a new catalogue entry (rules giving
/// one are few: nothing is lowered without them).
fn category(categories: &Categories, s: &Software) -> Option<Uuid> {
    if categories.is_empty() {
        return None;
    }
    categories.get(&(s.name.to_lowercase(), s.publisher.to_lowercase())).copied()
}

/// The installations of an asset, by catalogue version. A version deleted
/// since its id was read fails the statement on [`INSTALLED_VERSION`], which
/// [`ingest`] retries. `first`: the asset has no installation yet (it was
/// just made), so plain insertions do: an ON CONFLICT insertion checks the
/// key first and writes each row twice (the speculative row, then its
/// confirmation).
async fn install(conn: &mut PgConnection, asset: Uuid, added: &[&(&Software, Uuid)], first: bool) -> AppResult<()> {
    let versions: Vec<Uuid> = added.iter().map(|(_, id)| *id).collect();
    let arches: Vec<String> = added.iter().map(|(s, _)| s.arch.clone()).collect();
    let dates: Vec<Option<chrono::NaiveDate>> = added.iter().map(|(s, _)| s.install_date).collect();
    if first {
        sqlx::query!(
            "insert into software_installations (asset_id, version_id, arch, install_date)
             select $1, t.v, t.a, t.d from unnest($2::uuid[], $3::text[], $4::date[]) t(v, a, d)",
            asset,
            &versions,
            &arches,
            &dates as &[Option<chrono::NaiveDate>]
        )
        .execute(&mut *conn)
        .await?;
    } else {
        sqlx::query!(
            "insert into software_installations (asset_id, version_id, arch, install_date)
             select $1, t.v, t.a, t.d from unnest($2::uuid[], $3::text[], $4::date[]) t(v, a, d)
             on conflict (asset_id, version_id, arch) do update set source = 'inventory', install_date = excluded.install_date",
            asset,
            &versions,
            &arches,
            &dates as &[Option<chrono::NaiveDate>]
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// An agent as the admin's list shows it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AgentRow {
    pub id: Uuid,
    pub deviceid: String,
    pub agent_uuid: Option<String>,
    pub user_agent: String,
    pub tag: String,
    pub asset_id: Option<Uuid>,
    pub asset_tag: Option<String>,
    pub last_contact_at: DateTime<Utc>,
    pub last_inventory_at: Option<DateTime<Utc>>,
}

/// Agents whose asset lies in `scope` (and, for `all`, those without one).
pub async fn agents(pool: &PgPool, scope: &Scope, all: bool, limit: i64) -> AppResult<Vec<AgentRow>> {
    Ok(sqlx::query_as!(
        AgentRow,
        "select g.id, g.deviceid, g.agent_uuid, g.user_agent, g.tag, g.asset_id, a.tag as \"asset_tag?\",
                g.last_contact_at, g.last_inventory_at
           from inventory_agents g left join assets a on a.id = g.asset_id
          where (a.id is null and $2) or a.entity_id = any($1)
          order by g.last_contact_at desc, g.id limit $3",
        scope.ids(),
        all,
        limit
    )
    .fetch_all(pool)
    .await?)
}

/// What is installed on an asset, by name.
pub async fn installations(pool: &PgPool, asset: Uuid) -> AppResult<Vec<super::api::Installation>> {
    Ok(sqlx::query_as!(
        super::api::Installation,
        "select s.id as software_id, s.name, s.publisher, v.version, i.arch, i.install_date, i.source, i.created_at as since
           from software_installations i join software_versions v on v.id = i.version_id join software s on s.id = v.software_id
          where i.asset_id = $1 order by lower(s.name), v.version, i.arch",
        asset
    )
    .fetch_all(pool)
    .await?)
}

/// A refused inventory as the review list shows it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RefusedRow {
    pub id: Uuid,
    pub itemtype: String,
    pub name: Option<String>,
    pub serial: Option<String>,
    pub uuid: Option<String>,
    pub macs: Vec<String>,
    pub reason: String,
    pub deviceid: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn refused(pool: &PgPool, limit: i64) -> AppResult<Vec<RefusedRow>> {
    Ok(sqlx::query_as!(
        RefusedRow,
        "select r.id, r.itemtype, r.name, r.serial, r.uuid, r.macs, r.reason, g.deviceid as \"deviceid?\", r.created_at
           from inventory_refused r left join inventory_agents g on g.id = r.agent_id
          order by r.created_at desc, r.id limit $1",
        limit
    )
    .fetch_all(pool)
    .await?)
}

/// Import a refused inventory as a new asset (or the asset the rules now
/// find), and forget the refusal.
pub async fn import_refused(pool: &PgPool, id: Uuid) -> AppResult<Uuid> {
    let row = sqlx::query!(
        "select r.document, r.dialect, r.itemtype, r.entity_id, g.deviceid as \"deviceid?\", g.agent_uuid
           from inventory_refused r left join inventory_agents g on g.id = r.agent_id where r.id = $1",
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let dialect = if row.dialect == "xml" { Dialect::Xml } else { Dialect::Json };
    let config = super::config::current(pool).await?;
    let itemtype = ItemType::parse(&row.itemtype);
    let partial = row.document.get("partial").and_then(Value::as_bool).unwrap_or(false);
    let content = row.document.get("content").cloned().unwrap_or(Value::Null);
    let inventory = super::model::read(&content, itemtype, partial, None, dialect, &config.blacklist)
        .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let hello = Hello {
        agent_uuid: row.agent_uuid,
        deviceid: row.deviceid.unwrap_or_else(|| format!("refused-{id}")),
        ..Hello::default()
    };
    let submission = Submission {
        hello: &hello,
        inventory: &inventory,
        document: &row.document,
        dialect,
        body_sha256: [0; 32],
        entity_id: row.entity_id,
        config: &config,
        force: true,
        compare_body: false,
    };
    let asset = match ingest(pool, submission).await? {
        Outcome::Created(asset) | Outcome::Updated(asset) | Outcome::Unchanged(asset) => asset,
        Outcome::Refused { reason, .. } => return Err(AppError::Unprocessable(reason)),
    };
    sqlx::query!("delete from inventory_refused where id = $1", id).execute(pool).await?;
    Ok(asset)
}

/// The one settings object of the inventory, as history names it.
pub const SETTINGS_ID: Uuid = Uuid::from_u128(0x696e_7665_6e74_6f72_7900_0000_0000_0001);

/// Who may send inventories and where new devices go.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Settings {
    /// secret or open.
    pub access: String,
    pub allowed_networks: Vec<String>,
    pub entity_id: Option<Uuid>,
    pub status_id: Option<Uuid>,
    pub max_body_bytes: i64,
    /// Whether a shared secret is set (it is never shown).
    pub has_secret: bool,
    pub version: i64,
}

/// What the settings form or the API changes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SettingsInput {
    pub access: String,
    pub allowed_networks: Vec<String>,
    pub entity_id: Option<Uuid>,
    pub status_id: Option<Uuid>,
    pub max_body_bytes: i64,
}

/// Settings as typed in the form or sent to the API, before they are checked.
#[derive(Clone, Debug, Default)]
pub struct SettingsDraft<'a> {
    pub access: &'a str,
    /// One address or network each.
    pub allowed_networks: Vec<&'a str>,
    pub entity_id: Option<Uuid>,
    pub status_id: Option<Uuid>,
    pub max_body_bytes: Option<i64>,
}

impl SettingsInput {
    /// The settings from raw values, each wrong one marked on its field:
    /// `entities` and `statuses` are the (id, name) choices of the person.
    pub fn check(
        draft: &SettingsDraft<'_>,
        entities: &[(String, String)],
        statuses: &[(String, String)],
    ) -> Result<SettingsInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let access = match draft.access {
            "open" => "open",
            "secret" => "secret",
            _ => {
                errors.add("access", "field-invalid-choice");
                "secret"
            }
        };
        let mut networks = Vec::new();
        for line in draft.allowed_networks.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
            let parsed =
                line.parse::<ipnet::IpNet>().or_else(|_| line.parse::<std::net::IpAddr>().map(ipnet::IpNet::from));
            match parsed {
                Ok(net) => networks.push(net.trunc().to_string()),
                Err(_) => errors.add("allowed_networks", "inventory-network-invalid"),
            }
        }
        let chosen = |id: Option<Uuid>, choices: &[(String, String)]| {
            id.is_none_or(|id| choices.iter().any(|(choice, _)| *choice == id.to_string()))
        };
        if !chosen(draft.entity_id, entities) {
            errors.add("entity_id", "field-invalid-choice");
        }
        if !chosen(draft.status_id, statuses) {
            errors.add("status_id", "field-invalid-choice");
        }
        let max_body_bytes = draft.max_body_bytes.filter(|m| (MAX_BODY_BYTES_RANGE).contains(m));
        if max_body_bytes.is_none() {
            errors.add("max_body_bytes", "inventory-max-invalid");
        }
        errors.finish(SettingsInput {
            access: access.to_owned(),
            allowed_networks: networks,
            entity_id: draft.entity_id,
            status_id: draft.status_id,
            max_body_bytes: max_body_bytes.unwrap_or(64 * 1024 * 1024),
        })
    }
}

/// The largest inventory accepted may be set from 1 MB to 1 GB.
pub const MAX_BODY_BYTES_RANGE: std::ops::RangeInclusive<i64> = 1024 * 1024..=1024 * 1024 * 1024;

pub async fn settings(pool: &PgPool) -> AppResult<Settings> {
    Ok(sqlx::query_as!(
        Settings,
        r#"select access, allowed_networks::text[] as "allowed_networks!", entity_id, status_id, max_body_bytes,
                  shared_secret_sha256 is not null as "has_secret!", version
             from inventory_settings"#
    )
    .fetch_one(pool)
    .await?)
}

pub fn settings_subject() -> Subject {
    Subject::new(ObjectKind::InventorySettings, SETTINGS_ID, None)
}

/// Save the settings read at `version`; a stale edit is refused.
pub async fn save_settings(pool: &PgPool, actor: &AuditActor, version: i64, input: &SettingsInput) -> AppResult<()> {
    let before = settings(pool).await?;
    let mut tx = pool.begin().await?;
    let rows = sqlx::query!(
        "update inventory_settings set access = $2, allowed_networks = $3::text[]::cidr[], entity_id = $4, status_id = $5,
                max_body_bytes = $6, version = version + 1
          where version = $1",
        version,
        input.access,
        &input.allowed_networks,
        input.entity_id,
        input.status_id,
        input.max_body_bytes
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let old = SettingsInput {
        access: before.access,
        allowed_networks: before.allowed_networks,
        entity_id: before.entity_id,
        status_id: before.status_id,
        max_body_bytes: before.max_body_bytes,
    };
    audit::updated(&mut tx, pool, actor, settings_subject(), rows, &old, input).await?;
    tx.commit().await?;
    Ok(())
}

/// A new shared secret, shown once; history says it changed, never what it is.
pub async fn rotate_secret(pool: &PgPool, actor: &AuditActor) -> AppResult<String> {
    let secret = crate::auth::secret::new_secret();
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "update inventory_settings set shared_secret_sha256 = $1, version = version + 1",
        crate::auth::secret::digest(&secret)
    )
    .execute(&mut *tx)
    .await?;
    audit::record_change(&mut tx, actor, settings_subject(), &json!({"secret": "…"}), &json!({"secret": "(new)"}))
        .await?;
    tx.commit().await?;
    Ok(secret)
}

/// A per-site token as its list shows it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TokenRow {
    pub id: Uuid,
    pub name: String,
    pub entity_id: Option<Uuid>,
    pub entity_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn tokens(pool: &PgPool) -> AppResult<Vec<TokenRow>> {
    Ok(sqlx::query_as!(
        TokenRow,
        r#"select t.id, t.name, t.entity_id, e.name as "entity_name?", t.created_at, t.revoked_at
             from inventory_tokens t left join entities e on e.id = t.entity_id
            order by t.revoked_at nulls first, t.created_at desc"#
    )
    .fetch_all(pool)
    .await?)
}

/// A token's name and entity from raw values, each wrong one marked on its
/// field; `entities` are the (id, name) choices of the person.
pub fn check_token(
    name: &str,
    entity_id: Option<Uuid>,
    entities: &[(String, String)],
) -> Result<(String, Option<Uuid>), FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.add("name", "field-required");
    }
    if entity_id.is_some_and(|id| !entities.iter().any(|(choice, _)| *choice == id.to_string())) {
        errors.add("entity_id", "field-invalid-choice");
    }
    errors.finish((name.to_owned(), entity_id))
}

/// A new token for `name` (its devices join `entity_id`): its id, and the
/// secret, shown once.
pub async fn create_token(
    pool: &PgPool,
    actor: &AuditActor,
    name: &str,
    entity_id: Option<Uuid>,
) -> AppResult<(Uuid, String)> {
    let secret = crate::auth::secret::new_secret();
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into inventory_tokens (name, secret_sha256, entity_id) values ($1, $2, $3) returning id",
        name,
        crate::auth::secret::digest(&secret),
        entity_id
    )
    .fetch_one(&mut *tx)
    .await?;
    audit::record_change(&mut tx, actor, settings_subject(), &json!({"token": null}), &json!({"token": name})).await?;
    tx.commit().await?;
    Ok((id, secret))
}

pub async fn revoke_token(pool: &PgPool, actor: &AuditActor, id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let name = sqlx::query_scalar!(
        "update inventory_tokens set revoked_at = now() where id = $1 and revoked_at is null returning name",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    audit::record_change(&mut tx, actor, settings_subject(), &json!({"token": name}), &json!({"token": "(revoked)"}))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Every rule, active or not, in order.
pub async fn all_rules(pool: &PgPool) -> AppResult<Vec<Rule>> {
    let rows = sqlx::query_as!(
        RuleRow,
        "select id, position, name, itemtype, action, criteria, active from inventory_rules order by position, name"
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().filter_map(RuleRow::into_rule).collect())
}

/// A rule as the admin writes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleInput {
    pub position: i32,
    pub name: String,
    pub itemtype: Option<String>,
    pub action: RuleAction,
    pub criteria: Vec<String>,
    pub active: bool,
}

/// The criteria a rule may compare, the kinds of device and the actions.
pub const CRITERIA: [&str; 6] = ["agent", "serial", "uuid", "name", "mac", "stored_uuid_empty"];
pub const ITEMTYPES: [ItemType; 5] =
    [ItemType::Computer, ItemType::Phone, ItemType::NetworkEquipment, ItemType::Printer, ItemType::Unmanaged];
pub const ACTIONS: [RuleAction; 4] =
    [RuleAction::RefuseMissing, RuleAction::Link, RuleAction::Create, RuleAction::Refuse];

impl RuleInput {
    /// A rule from raw values (a form or a JSON body), each wrong one marked on its field.
    pub fn check(
        name: &str,
        itemtype: &str,
        action: &str,
        criteria: Vec<String>,
        position: Option<i32>,
        active: bool,
    ) -> Result<RuleInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            errors.add("name", "field-required");
        }
        let itemtype = match itemtype.trim() {
            "" => None,
            text => match ItemType::parse(text) {
                Some(t) => Some(t.as_str().to_owned()),
                None => {
                    errors.add("itemtype", "field-invalid-choice");
                    None
                }
            },
        };
        let action = RuleAction::parse(action.trim());
        if action.is_none() {
            errors.add("action", "field-invalid-choice");
        }
        if criteria.iter().any(|c| !CRITERIA.contains(&c.as_str())) {
            errors.add("criteria", "field-invalid-choice");
        }
        let position = position.filter(|p| (0..=100_000).contains(p));
        if position.is_none() {
            errors.add("position", "field-invalid-number");
        }
        match (action, position) {
            (Some(action), Some(position)) if errors.is_empty() => {
                Ok(RuleInput { position, name, itemtype, action, criteria, active })
            }
            _ => Err(errors),
        }
    }
}

pub async fn add_rule(pool: &PgPool, actor: &AuditActor, rule: &RuleInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into inventory_rules (position, name, itemtype, action, criteria, active) values ($1, $2, $3, $4, $5, $6)
         returning id",
        rule.position,
        rule.name,
        rule.itemtype,
        rule.action.as_str(),
        &rule.criteria,
        rule.active
    )
    .fetch_one(&mut *tx)
    .await?;
    audit::record_change(&mut tx, actor, settings_subject(), &json!({"rule": null}), &json!({"rule": rule})).await?;
    tx.commit().await?;
    Ok(id)
}

/// Turn a rule on or off, or move it.
pub async fn set_rule(pool: &PgPool, actor: &AuditActor, id: Uuid, position: i32, active: bool) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let before = sqlx::query!("select name, position, active from inventory_rules where id = $1 for update", id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    sqlx::query!(
        "update inventory_rules set position = $2, active = $3, version = version + 1 where id = $1",
        id,
        position,
        active
    )
    .execute(&mut *tx)
    .await?;
    audit::record_change(
        &mut tx,
        actor,
        settings_subject(),
        &json!({"rule": before.name, "position": before.position, "active": before.active}),
        &json!({"rule": before.name, "position": position, "active": active}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_rule(pool: &PgPool, actor: &AuditActor, id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let name = sqlx::query_scalar!("delete from inventory_rules where id = $1 returning name", id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record_change(&mut tx, actor, settings_subject(), &json!({"rule": name}), &json!({"rule": null})).await?;
    tx.commit().await?;
    Ok(())
}

/// One placeholder as the admin's list shows it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct BlacklistRow {
    pub id: Uuid,
    pub field: String,
    pub value: String,
}

pub async fn blacklist_rows(pool: &PgPool) -> AppResult<Vec<BlacklistRow>> {
    Ok(sqlx::query_as!(BlacklistRow, "select id, field, value from inventory_blacklist order by field, lower(value)")
        .fetch_all(pool)
        .await?)
}

/// A placeholder from raw values, each wrong one marked on its field (a
/// broken regular expression on `value`).
pub fn check_blacklisted(field: &str, value: &str) -> Result<(Field, String), FieldErrors> {
    let mut errors = FieldErrors::default();
    let parsed = Field::parse(field.trim());
    if parsed.is_none() {
        errors.add("field", "field-invalid-choice");
    }
    if value.is_empty() || value.chars().count() > 200 {
        errors.add("value", "field-required");
    } else if Blacklist::new([(parsed.unwrap_or(Field::Serial), value)]).is_err() {
        errors.add("value", "inventory-blacklist-bad-pattern");
    }
    match parsed {
        Some(field) if errors.is_empty() => Ok((field, value.to_owned())),
        _ => Err(errors),
    }
}

/// Add a placeholder (checked with [`check_blacklisted`]); its id, and
/// whether it is new (one already listed is left as it is).
pub async fn add_blacklisted(pool: &PgPool, actor: &AuditActor, field: Field, value: &str) -> AppResult<(Uuid, bool)> {
    if Blacklist::new([(field, value)]).is_err() {
        return Err(AppError::field("value", "inventory-blacklist-bad-pattern"));
    }
    let mut tx = pool.begin().await?;
    let added = sqlx::query_scalar!(
        "insert into inventory_blacklist (field, value) values ($1, $2) on conflict do nothing returning id",
        field.as_str(),
        value
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = added else {
        let id = sqlx::query_scalar!(
            "select id from inventory_blacklist where field = $1 and value = $2",
            field.as_str(),
            value
        )
        .fetch_one(&mut *tx)
        .await?;
        return Ok((id, false));
    };
    let entry = format!("{}: {value}", field.as_str());
    audit::record_change(
        &mut tx,
        actor,
        settings_subject(),
        &json!({"placeholder": null}),
        &json!({"placeholder": entry}),
    )
    .await?;
    tx.commit().await?;
    Ok((id, true))
}

pub async fn delete_blacklisted(pool: &PgPool, actor: &AuditActor, id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!("delete from inventory_blacklist where id = $1 returning field, value", id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = format!("{}: {}", row.field, row.value);
    audit::record_change(
        &mut tx,
        actor,
        settings_subject(),
        &json!({"placeholder": entry}),
        &json!({"placeholder": null}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the agents last said about an asset, as its page and the API show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct InventoryView {
    pub itemtype: String,
    pub deviceid: Option<String>,
    /// The agent's name and version, as it announces itself.
    pub agent: Option<String>,
    pub first_inventory_at: DateTime<Utc>,
    pub last_inventory_at: DateTime<Utc>,
    pub last_user: String,
    /// The person whose login is the last logged-on user, when nobody is
    /// responsible for the asset yet.
    pub suggested_assignee: Option<Person>,
    pub volumes: Vec<VolumeView>,
    pub antivirus: Vec<AntivirusView>,
    pub virtual_machines: Vec<VirtualMachineView>,
    pub ports: Vec<PortView>,
    pub printer: Option<PrinterView>,
    /// The fields the agents leave alone (set by hand), of name, serial,
    /// model, os, cpu, memory, disks, networks.
    pub locked_fields: Vec<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VolumeView {
    pub mount: String,
    pub filesystem: String,
    pub total_mb: Option<i64>,
    pub free_mb: Option<i64>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AntivirusView {
    pub name: String,
    pub version: String,
    pub enabled: Option<bool>,
    pub up_to_date: Option<bool>,
}

/// A virtual machine a host runs, with the asset it is in the register as
/// (the one an agent inside it inventoried, found by its UUID).
#[derive(Clone, Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VirtualMachineView {
    pub name: String,
    pub uuid: Option<String>,
    pub status: String,
    #[serde(default)]
    pub asset_id: Option<Uuid>,
    #[serde(default)]
    pub asset_tag: Option<String>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PortView {
    pub number: Option<i64>,
    pub name: String,
    pub mac: Option<String>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PrinterView {
    pub pages_total: Option<i64>,
    /// (supply, level as the printer gives it).
    pub cartridges: Vec<(String, String)>,
}

/// "CORP\jdupont" or "jdupont@corp.example" -> "jdupont".
fn login_of(last_user: &str) -> &str {
    let user = last_user.rsplit('\\').next().unwrap_or(last_user);
    user.split('@').next().unwrap_or(user).trim()
}

/// What the agents last said about `asset`; None when no agent ever did.
pub async fn inventory_view(pool: &PgPool, asset: Uuid) -> AppResult<Option<InventoryView>> {
    let Some(row) = sqlx::query!(
        r#"select ai.itemtype, g.deviceid as "deviceid?", g.user_agent as "agent?", ai.first_inventory_at,
                  ai.last_inventory_at, ai.last_user, a.assigned_user_id
             from asset_inventory ai join assets a on a.id = ai.asset_id
             left join inventory_agents g on g.id = ai.agent_id
            where ai.asset_id = $1"#,
        asset
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let login = login_of(&row.last_user);
    let suggested_assignee = if row.assigned_user_id.is_none() && !login.is_empty() {
        sqlx::query_as!(Person, "select id, name from users where lower(login) = lower($1) and active", login)
            .fetch_optional(pool)
            .await?
    } else {
        None
    };
    let volumes = sqlx::query_as!(
        VolumeView,
        "select mount, filesystem, total_mb, free_mb from asset_volumes where asset_id = $1 order by position",
        asset
    )
    .fetch_all(pool)
    .await?;
    let antivirus = sqlx::query_as!(
        AntivirusView,
        "select name, version, enabled, up_to_date from asset_antivirus where asset_id = $1 order by position",
        asset
    )
    .fetch_all(pool)
    .await?;
    let sections: HashMap<String, Value> =
        sqlx::query!("select section, content from asset_inventory_sections where asset_id = $1", asset)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| (r.section, r.content))
            .collect();
    let read = |name: &str| sections.get(name).cloned().unwrap_or(Value::Null);
    let mut virtual_machines: Vec<VirtualMachineView> =
        serde_json::from_value(read("virtual_machines")).unwrap_or_default();
    let uuids: Vec<String> = virtual_machines.iter().filter_map(|vm| vm.uuid.clone()).collect();
    if !uuids.is_empty() {
        let found: HashMap<String, (Uuid, String)> = sqlx::query!(
            "select ai.system_uuid as \"uuid!\", a.id, a.tag from asset_inventory ai join assets a on a.id = ai.asset_id
              where ai.system_uuid = any($1) and a.id <> $2",
            &uuids,
            asset
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| (r.uuid, (r.id, r.tag)))
        .collect();
        for vm in &mut virtual_machines {
            if let Some((id, tag)) = vm.uuid.as_ref().and_then(|u| found.get(u)) {
                vm.asset_id = Some(*id);
                vm.asset_tag = Some(tag.clone());
            }
        }
    }
    Ok(Some(InventoryView {
        itemtype: row.itemtype,
        deviceid: row.deviceid,
        agent: row.agent.filter(|a| !a.is_empty()),
        first_inventory_at: row.first_inventory_at,
        last_inventory_at: row.last_inventory_at,
        last_user: row.last_user,
        suggested_assignee,
        volumes,
        antivirus,
        virtual_machines,
        ports: serde_json::from_value(read("ports")).unwrap_or_default(),
        printer: serde_json::from_value(read("printer")).ok(),
        locked_fields: locked_fields(pool, asset).await?,
    }))
}

/// The fields of an asset a person may lock against the agents, in the
/// order pages list them.
pub const LOCKABLE: [&str; 8] = ["name", "serial", "model", "os", "cpu", "memory", "disks", "networks"];

/// The message key of a lockable field's label.
pub fn lockable_label_key(field: &str) -> &'static str {
    match field {
        "name" => "field-name",
        "serial" => "field-serial",
        "model" => "kind-asset-model",
        "os" => "hardware-os",
        "cpu" => "hardware-cpu",
        "memory" => "hardware-memory",
        "disks" => "hardware-disks",
        _ => "hardware-interfaces",
    }
}

/// Fields named in a request, each one of [`LOCKABLE`]; without repeats, in
/// LOCKABLE's order. An unknown one is marked on `fields`.
pub fn lockable_fields(fields: &[String]) -> Result<Vec<String>, FieldErrors> {
    if fields.iter().any(|f| !LOCKABLE.contains(&f.as_str())) {
        return Err(FieldErrors::single("fields", "field-invalid-choice"));
    }
    Ok(LOCKABLE.iter().filter(|l| fields.iter().any(|f| f == *l)).map(|l| (*l).to_owned()).collect())
}

/// The fields of `asset` the agents leave alone, in [`LOCKABLE`]'s order.
pub async fn locked_fields(conn: impl sqlx::PgExecutor<'_>, asset: Uuid) -> AppResult<Vec<String>> {
    let mut fields =
        sqlx::query_scalar!("select field from asset_locked_fields where asset_id = $1", asset).fetch_all(conn).await?;
    fields.sort_by_key(|f| LOCKABLE.iter().position(|l| l == f));
    Ok(fields)
}

/// After a person changed `fields` of an asset by hand (its page, the API,
/// an import): when an agent inventories it, those fields are locked, so the
/// next inventory keeps what the person set. In the caller's transaction,
/// with its line of history.
pub async fn lock_edited(
    conn: &mut PgConnection,
    actor: &AuditActor,
    asset: Subject,
    fields: &[&str],
) -> AppResult<()> {
    if fields.is_empty() || actor.source == Source::Inventory {
        return Ok(());
    }
    let fields: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    let added = sqlx::query_scalar!(
        "insert into asset_locked_fields (asset_id, field)
         select $1, f from unnest($2::text[]) f where exists (select 1 from asset_inventory where asset_id = $1)
         on conflict do nothing returning field",
        asset.id,
        &fields
    )
    .fetch_all(&mut *conn)
    .await?;
    if added.is_empty() {
        return Ok(());
    }
    let after = locked_fields(&mut *conn, asset.id).await?;
    let before: Vec<&String> = after.iter().filter(|f| !added.contains(f)).collect();
    audit::record_change(conn, actor, asset, &json!({"locked_fields": before}), &json!({"locked_fields": after})).await
}

/// Lock exactly `fields` of an asset (checked with [`lockable_fields`]) and
/// unlock the others; the fields locked now.
pub async fn set_locks(pool: &PgPool, actor: &AuditActor, asset: Subject, fields: &[String]) -> AppResult<Vec<String>> {
    change_locks(pool, actor, asset, |_| fields.to_vec()).await
}

/// Lock or unlock one field of an asset; the fields locked now.
pub async fn lock_one(
    pool: &PgPool,
    actor: &AuditActor,
    asset: Subject,
    field: &str,
    lock: bool,
) -> AppResult<Vec<String>> {
    let field = lockable_fields(&[field.to_owned()])
        .map_err(|_| AppError::field("field", "field-invalid-choice"))?
        .pop()
        .ok_or_else(|| AppError::field("field", "field-invalid-choice"))?;
    change_locks(pool, actor, asset, |mut current| {
        current.retain(|f| *f != field);
        if lock {
            current.push(field);
        }
        current
    })
    .await
}

async fn change_locks(
    pool: &PgPool,
    actor: &AuditActor,
    asset: Subject,
    change: impl FnOnce(Vec<String>) -> Vec<String>,
) -> AppResult<Vec<String>> {
    let mut tx = pool.begin().await?;
    // The inventory reads the locks under this row lock.
    sqlx::query!("select id from assets where id = $1 for update", asset.id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = locked_fields(&mut *tx, asset.id).await?;
    let wanted = change(before.clone());
    sqlx::query!("delete from asset_locked_fields where asset_id = $1 and field <> all($2)", asset.id, &wanted)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into asset_locked_fields (asset_id, field) select $1, unnest($2::text[]) on conflict do nothing",
        asset.id,
        &wanted
    )
    .execute(&mut *tx)
    .await?;
    let after = locked_fields(&mut *tx, asset.id).await?;
    if before.iter().any(|f| !after.contains(f)) {
        // A field unlocked: the next inventory is applied whole, even one
        // identical to the last, so the field takes the agent's value.
        sqlx::query!("update asset_inventory set checksum = null where asset_id = $1", asset.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
            "update inventory_agents set last_body_sha256 = null, last_checksum = null where asset_id = $1",
            asset.id
        )
        .execute(&mut *tx)
        .await?;
    }
    audit::record_change(&mut tx, actor, asset, &json!({"locked_fields": before}), &json!({"locked_fields": after}))
        .await?;
    tx.commit().await?;
    Ok(after)
}

/// A placement rule as its page and the API show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Placement {
    pub id: Uuid,
    pub position: i32,
    /// The agent's tag it matches (any case); empty: any tag.
    pub agent_tag: String,
    /// The network the agent sends from ("10.1.0.0/16"); none: any address.
    pub network: Option<String>,
    pub entity_id: Uuid,
    pub entity: String,
    pub location_id: Option<Uuid>,
    pub location: Option<String>,
}

pub async fn placements(pool: &PgPool) -> AppResult<Vec<Placement>> {
    Ok(sqlx::query_as!(
        Placement,
        r#"select p.id, p.position, p.agent_tag, p.network::text as network, p.entity_id, e.name as entity,
                  p.location_id, l.name as "location?"
             from inventory_placements p join entities e on e.id = p.entity_id
             left join locations l on l.id = p.location_id
            order by p.position, p.created_at"#
    )
    .fetch_all(pool)
    .await?)
}

/// A placement rule as checked: a tag and/or a network, an entity, a location in it.
#[derive(Clone, Debug)]
pub struct PlacementInput {
    pub position: i32,
    pub agent_tag: String,
    pub network: Option<String>,
    pub entity_id: Uuid,
    pub location_id: Option<Uuid>,
}

impl PlacementInput {
    /// Raw values from a form or a JSON body, each wrong one marked on its field.
    pub fn check(
        position: Option<i32>,
        agent_tag: &str,
        network: &str,
        entity_id: Option<Uuid>,
        location_id: Option<Uuid>,
    ) -> Result<PlacementInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let agent_tag = agent_tag.trim().to_owned();
        if agent_tag.chars().count() > 200 {
            errors.add("agent_tag", "field-too-long");
        }
        let network = match network.trim() {
            "" => None,
            text => {
                let parsed = text.parse::<ipnet::IpNet>().or_else(|_| text.parse::<IpAddr>().map(ipnet::IpNet::from));
                match parsed {
                    Ok(net) => Some(net.trunc().to_string()),
                    Err(_) => {
                        errors.add("network", "inventory-network-invalid");
                        None
                    }
                }
            }
        };
        if agent_tag.is_empty() && network.is_none() && errors.get("network").is_none() {
            errors.add("agent_tag", "inventory-placement-needs-criterion");
        }
        if entity_id.is_none() {
            errors.add("entity_id", "field-required");
        }
        let position = position.filter(|p| (0..=100_000).contains(p));
        if position.is_none() {
            errors.add("position", "field-invalid-number");
        }
        match (position, entity_id) {
            (Some(position), Some(entity_id)) if errors.is_empty() => {
                Ok(PlacementInput { position, agent_tag, network, entity_id, location_id })
            }
            _ => Err(errors),
        }
    }
}

/// Add a placement rule; its location must lie in its entity.
pub async fn add_placement(pool: &PgPool, actor: &AuditActor, input: &PlacementInput) -> AppResult<Uuid> {
    if let Some(location) = input.location_id {
        let fits = sqlx::query_scalar!(
            r#"select exists (select 1 from locations where id = $1 and entity_id = $2) as "fits!""#,
            location,
            input.entity_id
        )
        .fetch_one(pool)
        .await?;
        if !fits {
            return Err(AppError::field("location_id", "inventory-placement-location-elsewhere"));
        }
    }
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into inventory_placements (position, agent_tag, network, entity_id, location_id)
         values ($1, $2, $3::text::cidr, $4, $5) returning id",
        input.position,
        input.agent_tag,
        input.network,
        input.entity_id,
        input.location_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let entry = format!("{} {}", input.agent_tag, input.network.clone().unwrap_or_default());
    audit::record_change(
        &mut tx,
        actor,
        settings_subject(),
        &json!({"placement": null}),
        &json!({"placement": entry.trim()}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn delete_placement(pool: &PgPool, actor: &AuditActor, id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        "delete from inventory_placements where id = $1 returning agent_tag, network::text as network",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let entry = format!("{} {}", row.agent_tag, row.network.unwrap_or_default());
    audit::record_change(
        &mut tx,
        actor,
        settings_subject(),
        &json!({"placement": entry.trim()}),
        &json!({"placement": null}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
