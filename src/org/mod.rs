//! The organisation: entities, locations, people and groups.

pub mod entities;
pub mod groups;
pub mod locations;
pub mod search;
pub mod users;

use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    auth::permission::Scope,
    error::AppResult,
    web::{form::id_text, table::FilterSelect},
};

/// The "Entity" select of a list's filters, with the entities of `scope`.
pub async fn entity_filter(pool: &PgPool, scope: &Scope, selected: Option<Uuid>) -> AppResult<FilterSelect> {
    Ok(FilterSelect {
        name: "entity_id",
        label_key: "field-entity",
        options: entity_choices(pool, scope).await?,
        selected: id_text(selected),
    })
}

/// (id, name) choices for a select list, limited to a scope.
pub async fn entity_choices(pool: &PgPool, scope: &Scope) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"select id as "id!", label as "label!" from entity_labels where id = any($1) order by label"#,
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.label)).collect())
}

/// True when `scope` covers every entity (a global administrator).
pub async fn covers_everything(pool: &PgPool, scope: &Scope) -> AppResult<bool> {
    let outside = sqlx::query_scalar!(
        r#"select exists (select 1 from entities where not (id = any($1))) as "outside!""#,
        scope.ids()
    )
    .fetch_one(pool)
    .await?;
    Ok(!outside)
}
