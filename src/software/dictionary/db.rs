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

/// Swap a rule with the one before it (`up`) or after it.
pub async fn move_rule(pool: &PgPool, id: Uuid, up: bool) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!("lock table software_dictionary in share row exclusive mode").execute(&mut *tx).await?;
    let position = sqlx::query_scalar!("select position from software_dictionary where id = $1", id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
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
    }
    tx.commit().await?;
    Ok(())
}
