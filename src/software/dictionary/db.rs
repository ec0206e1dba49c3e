//! The dictionary's SQL. Changes are written to the history of the inventory
//! settings: the dictionary decides, like them, how agents' data is read.

use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use super::{RuleRow, compile};
use crate::{
    audit::{self, AuditActor},
    error::{AppError, AppResult},
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
    pub set_category: String,
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
        check("set_category", &raw.set_category, 100, false);
        errors.finish(raw)
    }
}

/// The rules in the order they are tried.
pub async fn rules(pool: &PgPool) -> AppResult<Vec<RuleRow>> {
    Ok(sqlx::query_as!(
        RuleRow,
        "select id, position, name_pattern, publisher_pattern, set_name, set_publisher, set_version, set_category, ignore
           from software_dictionary order by position, id"
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
                                          set_version, set_category, ignore)
         select coalesce(max(position), 0) + 10, $1, $2, $3, $4, $5, $6, $7 from software_dictionary
         returning id",
        input.name_pattern,
        input.publisher_pattern,
        input.set_name,
        input.set_publisher,
        input.set_version,
        input.set_category,
        input.ignore
    )
    .fetch_one(&mut *tx)
    .await?;
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
