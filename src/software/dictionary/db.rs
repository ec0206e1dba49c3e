//! The dictionary's SQL. Changes are written to the history of the inventory
//! settings: the dictionary decides, like them, how agents' data is read.

use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{RuleRow, compile};
use crate::{
    audit::{self, AuditActor},
    error::{AppError, AppResult, ResultExt},
    inventory::db::settings_subject,
    web::form::FieldErrors,
};

/// A rule as the form gives it.
#[derive(Clone, Debug, Default)]
pub struct RuleInput {
    pub name_pattern: String,
    pub publisher_pattern: String,
    pub set_name: String,
    pub set_publisher: String,
    pub set_version: String,
    pub set_category_id: Option<Uuid>,
    pub ignore: bool,
}

impl RuleInput {
    /// A rule from raw values (a form or a JSON body); lengths as the table
    /// allows, each wrong one marked on its field. Patterns are compiled when
    /// the rule is added.
    pub fn check(raw: RuleInput) -> Result<RuleInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut check = |name: &str, value: &str, max: usize, required: bool| {
            if required && value.is_empty() {
                errors.add(name, "field-required");
            } else if value.chars().count() > max {
                errors.add(name, "field-too-long");
            }
        };
        check("name_pattern", &raw.name_pattern, super::MAX_PATTERN, true);
        check("publisher_pattern", &raw.publisher_pattern, super::MAX_PATTERN, false);
        check("set_name", &raw.set_name, 250, false);
        check("set_publisher", &raw.set_publisher, 250, false);
        check("set_version", &raw.set_version, 100, false);
        errors.finish(raw)
    }
}

/// The rules in the order they are tried.
pub async fn rules(pool: &PgPool) -> AppResult<Vec<RuleRow>> {
    Ok(sqlx::query_as!(
        RuleRow,
        r#"select d.id, d.position, d.name_pattern, d.publisher_pattern, d.set_name, d.set_publisher, d.set_version,
                  d.set_category_id, c.name as "set_category_name?", d.ignore
             from software_dictionary d left join software_categories c on c.id = d.set_category_id
            order by d.position, d.id"#
    )
    .fetch_all(pool)
    .await?)
}

/// One line of history per rule: what it matches and what it does.
fn describe(name_pattern: &str, set_name: &str, ignore: bool) -> String {
    if ignore { format!("{name_pattern} → ∅") } else { format!("{name_pattern} → {set_name}") }
}

/// Add a rule after the others; a pattern that does not compile is marked on its field.
pub async fn add(pool: &PgPool, actor: &AuditActor, input: &RuleInput) -> AppResult<Uuid> {
    if compile(input.name_pattern.trim()).is_err() {
        return Err(AppError::field("name_pattern", "dictionary-bad-pattern"));
    }
    if !input.publisher_pattern.trim().is_empty() && compile(input.publisher_pattern.trim()).is_err() {
        return Err(AppError::field("publisher_pattern", "dictionary-bad-pattern"));
    }
    let mut tx = pool.begin().await?;
    // One writer at a time picks the next position.
    sqlx::query!("lock table software_dictionary in share row exclusive mode").execute(&mut *tx).await?;
    let id = sqlx::query_scalar!(
        "insert into software_dictionary (position, name_pattern, publisher_pattern, set_name, set_publisher,
                                          set_version, set_category_id, ignore)
         select coalesce(max(position), 0) + 10, $1, $2, $3, $4, $5, $6, $7 from software_dictionary
         returning id",
        input.name_pattern,
        input.publisher_pattern,
        input.set_name,
        input.set_publisher,
        input.set_version,
        input.set_category_id,
        input.ignore
    )
    .fetch_one(&mut *tx)
    .await
    .on_constraint("software_dictionary_set_category_id_fkey", || {
        AppError::field("set_category_id", "field-invalid-choice")
    })?;
    let entry = describe(&input.name_pattern, &input.set_name, input.ignore);
    audit::record_change(
        &mut tx,
        actor,
        settings_subject(),
        &json!({"dictionary": null}),
        &json!({"dictionary": entry}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Rules giving `category` (being deleted, named `name`) give none any more,
/// each change in the inventory settings' history.
pub async fn forget_category(conn: &mut PgConnection, actor: &AuditActor, category: Uuid, name: &str) -> AppResult<()> {
    let rows = sqlx::query!(
        "update software_dictionary set set_category_id = null where set_category_id = $1
         returning name_pattern, set_name, ignore",
        category
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let entry = describe(&row.name_pattern, &row.set_name, row.ignore);
        audit::record_change(
            conn,
            actor,
            settings_subject(),
            &json!({"dictionary": format!("{entry} ({name})")}),
            &json!({"dictionary": entry}),
        )
        .await?;
    }
    Ok(())
}

pub async fn delete(pool: &PgPool, actor: &AuditActor, id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let row =
        sqlx::query!("delete from software_dictionary where id = $1 returning name_pattern, set_name, ignore", id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
    let entry = describe(&row.name_pattern, &row.set_name, row.ignore);
    audit::record_change(
        &mut tx,
        actor,
        settings_subject(),
        &json!({"dictionary": entry}),
        &json!({"dictionary": null}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The history line of a rule that moved.
async fn record_move(
    conn: &mut sqlx::PgConnection,
    actor: &AuditActor,
    entry: &str,
    from: i32,
    to: i32,
) -> AppResult<()> {
    audit::record_change(
        conn,
        actor,
        settings_subject(),
        &json!({"dictionary": format!("{entry} (position {from})")}),
        &json!({"dictionary": format!("{entry} (position {to})")}),
    )
    .await
}

/// Put a rule at `position` (the others keep theirs).
pub async fn set_position(pool: &PgPool, actor: &AuditActor, id: Uuid, position: i32) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let before = sqlx::query!(
        "select position, name_pattern, set_name, ignore from software_dictionary where id = $1 for update",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    sqlx::query!("update software_dictionary set position = $2 where id = $1", id, position).execute(&mut *tx).await?;
    if before.position != position {
        let entry = describe(&before.name_pattern, &before.set_name, before.ignore);
        record_move(&mut tx, actor, &entry, before.position, position).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Swap a rule with the one before it (`up`) or after it.
pub async fn move_rule(pool: &PgPool, actor: &AuditActor, id: Uuid, up: bool) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!("lock table software_dictionary in share row exclusive mode").execute(&mut *tx).await?;
    let row =
        sqlx::query!("select position, name_pattern, set_name, ignore from software_dictionary where id = $1", id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
    let position = row.position;
    let neighbour = sqlx::query!(
        "select id, position from software_dictionary
          where id <> $1 and (($3 and position <= $2) or (not $3 and position >= $2))
          order by case when $3 then -position else position end, id limit 1",
        id,
        position,
        up
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(other) = neighbour {
        // Equal positions are parted so the order is the one shown.
        let (mine, theirs) = if other.position == position {
            if up { (position - 1, position) } else { (position + 1, position) }
        } else {
            (other.position, position)
        };
        sqlx::query!(
            "update software_dictionary set position = case when id = $1 then $2::int else $4::int end where id in ($1, $3)",
            id,
            mine,
            other.id,
            theirs
        )
        .execute(&mut *tx)
        .await?;
        let entry = describe(&row.name_pattern, &row.set_name, row.ignore);
        record_move(&mut tx, actor, &entry, position, mine).await?;
    }
    tx.commit().await?;
    Ok(())
}

// The replay of the dictionary over the catalogue: the rows it reads and
// moves. Each function runs inside the caller's transaction (one per batch).

/// A catalogue entry as the replay reads it, locked.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: Uuid,
    pub name: String,
    pub publisher: String,
    /// Its category's name, for the history.
    pub category: Option<String>,
    pub forbidden: bool,
    pub notes: String,
}

/// A version of an entry, locked: no installation of it can be written
/// meanwhile (its foreign key waits for the lock).
#[derive(Clone, Debug)]
pub struct VersionRow {
    pub id: Uuid,
    pub version: String,
}

/// One installation taken off an asset.
#[derive(Clone, Debug)]
pub struct Removed {
    pub asset_id: Uuid,
    pub entity_id: Uuid,
    pub version: String,
}

/// A row that refers to an entry, with its entity (for its history).
#[derive(Clone, Copy, Debug)]
pub struct Referrer {
    pub id: Uuid,
    pub entity_id: Uuid,
}

/// How many entries the catalogue holds.
pub async fn catalogue_size(pool: &PgPool) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(r#"select count(*) as "count!" from software"#).fetch_one(pool).await?)
}

/// The next `limit` entries after `after`, in id order.
pub async fn catalogue_page(pool: &PgPool, after: Option<Uuid>, limit: i64) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!(
        "select id from software where $1::uuid is null or id > $1 order by id limit $2",
        after,
        limit
    )
    .fetch_all(pool)
    .await?)
}

/// An entry as it is, without a lock (most entries keep their name).
pub async fn entry(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<Entry>> {
    Ok(sqlx::query_as!(
        Entry,
        r#"select s.id, s.name, s.publisher, c.name as "category?", s.forbidden, s.notes
             from software s left join software_categories c on c.id = s.category_id where s.id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// The same, locked until the batch commits.
pub async fn lock_entry(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<Entry>> {
    Ok(sqlx::query_as!(
        Entry,
        r#"select s.id, s.name, s.publisher, c.name as "category?", s.forbidden, s.notes
             from software s left join software_categories c on c.id = s.category_id where s.id = $1 for update of s"#,
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// The entry of that name and publisher (case ignored, as the catalogue's key).
pub async fn find_entry(conn: &mut PgConnection, name: &str, publisher: &str) -> AppResult<Option<Entry>> {
    Ok(sqlx::query_as!(
        Entry,
        r#"select s.id, s.name, s.publisher, c.name as "category?", s.forbidden, s.notes
             from software s left join software_categories c on c.id = s.category_id
            where lower(s.name) = lower($1) and lower(s.publisher) = lower($2) for update of s"#,
        name,
        publisher
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn lock_versions(conn: &mut PgConnection, software: Uuid) -> AppResult<Vec<VersionRow>> {
    Ok(sqlx::query_as!(
        VersionRow,
        "select id, version from software_versions where software_id = $1 order by version, id for update",
        software
    )
    .fetch_all(conn)
    .await?)
}

/// The versions of an entry, as its history lists them.
pub async fn version_names(conn: &mut PgConnection, software: Uuid) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar!("select version from software_versions where software_id = $1 order by version", software)
        .fetch_all(conn)
        .await?)
}

/// Rename an entry; its category is the rule's when it had none (and the
/// rule's still exists). The name of its category after. Fails on the
/// catalogue's key when another entry took that name meanwhile (the batch is
/// then tried again, and merges).
pub async fn rename(
    conn: &mut PgConnection,
    id: Uuid,
    name: &str,
    publisher: &str,
    category: Option<Uuid>,
) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!(
        r#"update software set name = $2, publisher = $3,
                category_id = coalesce(category_id, (select c.id from software_categories c where c.id = $4)),
                version = version + 1
          where id = $1
         returning (select c.name from software_categories c where c.id = software.category_id) as "category?""#,
        id,
        name,
        publisher,
        category
    )
    .fetch_one(conn)
    .await?)
}

/// Move the installations of `version_id` to version `version` of entry
/// `target` (made if missing), then drop `version_id`. An asset carrying
/// both keeps one installation: the agent's word wins over a hand-made
/// record, as when an agent reports a version recorded by hand.
pub async fn move_version(conn: &mut PgConnection, version_id: Uuid, target: Uuid, version: &str) -> AppResult<()> {
    sqlx::query!(
        "insert into software_versions (software_id, version) values ($1, $2) on conflict (software_id, version) do nothing",
        target,
        version
    )
    .execute(&mut *conn)
    .await?;
    let into = sqlx::query_scalar!(
        "select id from software_versions where software_id = $1 and version = $2",
        target,
        version
    )
    .fetch_one(&mut *conn)
    .await?;
    if into == version_id {
        return Ok(());
    }
    sqlx::query!(
        "insert into software_installations (asset_id, version_id, arch, install_date, source, created_at, added_by)
         select asset_id, $2, arch, install_date, source, created_at, added_by from software_installations where version_id = $1
         on conflict (asset_id, version_id, arch) do update
            set source = case when excluded.source = 'inventory' then 'inventory' else software_installations.source end,
                install_date = coalesce(software_installations.install_date, excluded.install_date)",
        version_id,
        into
    )
    .execute(&mut *conn)
    .await?;
    // Its installations go with it (on delete cascade).
    sqlx::query!("delete from software_versions where id = $1", version_id).execute(conn).await?;
    Ok(())
}

/// Licences of `from` now of `to`; a form open on one of them is stale.
pub async fn move_licences(conn: &mut PgConnection, from: Uuid, to: Uuid) -> AppResult<Vec<Referrer>> {
    Ok(sqlx::query_as!(
        Referrer,
        "update licences set software_id = $2, version = version + 1 where software_id = $1 returning id, entity_id",
        from,
        to
    )
    .fetch_all(conn)
    .await?)
}

/// The standard configurations requiring `software`, locked.
pub async fn configurations_requiring(conn: &mut PgConnection, software: Uuid) -> AppResult<Vec<Referrer>> {
    Ok(sqlx::query_as!(
        Referrer,
        "select c.id, c.entity_id from standard_configurations c
           join standard_configuration_software r on r.configuration_id = c.id
          where r.software_id = $1 order by c.id for update of c",
        software
    )
    .fetch_all(conn)
    .await?)
}

/// A configuration requires `to` instead of `from` (once, if it required both).
pub async fn move_requirement(conn: &mut PgConnection, configuration: Uuid, from: Uuid, to: Uuid) -> AppResult<()> {
    sqlx::query!(
        "insert into standard_configuration_software (configuration_id, software_id) values ($1, $2)
         on conflict (configuration_id, software_id) do nothing",
        configuration,
        to
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "delete from standard_configuration_software where configuration_id = $1 and software_id = $2",
        configuration,
        from
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("update standard_configurations set version = version + 1 where id = $1", configuration)
        .execute(conn)
        .await?;
    Ok(())
}

/// The policy and notes of an entry another was merged into.
pub async fn absorb(conn: &mut PgConnection, id: Uuid, forbidden: bool, notes: &str) -> AppResult<()> {
    sqlx::query!(
        "update software set forbidden = $2, notes = $3, version = version + 1 where id = $1",
        id,
        forbidden,
        notes
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Delete an entry (its counts of installations go with it).
pub async fn delete_entry(conn: &mut PgConnection, id: Uuid) -> AppResult<()> {
    sqlx::query!("delete from software where id = $1", id).execute(conn).await?;
    Ok(())
}

/// Take off every asset the installations of `software` an agent found;
/// those recorded by hand stay.
pub async fn remove_inventory_installations(conn: &mut PgConnection, software: Uuid) -> AppResult<Vec<Removed>> {
    Ok(sqlx::query_as!(
        Removed,
        "with gone as (
             delete from software_installations i using software_versions v
              where v.id = i.version_id and v.software_id = $1 and i.source = 'inventory'
              returning i.asset_id, v.version)
         select g.asset_id, a.entity_id, g.version from gone g join assets a on a.id = g.asset_id
          order by g.asset_id, g.version",
        software
    )
    .fetch_all(conn)
    .await?)
}

/// Drop the versions of `software` no asset carries; how many.
pub async fn drop_unused_versions(conn: &mut PgConnection, software: Uuid) -> AppResult<u64> {
    Ok(sqlx::query!(
        "delete from software_versions v where v.software_id = $1
            and not exists (select 1 from software_installations i where i.version_id = v.id)",
        software
    )
    .execute(conn)
    .await?
    .rows_affected())
}

/// Whether anything still refers to `software`: a version, a licence, a
/// standard configuration.
pub async fn referenced(conn: &mut PgConnection, software: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"select (exists (select 1 from software_versions where software_id = $1)
                or exists (select 1 from licences where software_id = $1)
                or exists (select 1 from standard_configuration_software where software_id = $1)) as "referenced!""#,
        software
    )
    .fetch_one(conn)
    .await?)
}
