//! Saved searches in PostgreSQL; every query is limited to its owner.

use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// A person may keep this many saved searches.
const MAX_PER_PERSON: i64 = 200;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SavedSearch {
    pub id: Uuid,
    /// The list it belongs to, e.g. `/tickets`.
    pub list: String,
    pub name: String,
    /// The list's query string: search, filters, sort.
    pub query: String,
}

impl SavedSearch {
    /// The list with this search applied.
    pub fn href(&self) -> String {
        if self.query.is_empty() { self.list.clone() } else { format!("{}?{}", self.list, self.query) }
    }
}

/// `user`'s saved searches, of one list or of all, by list then name.
pub async fn of_user(pool: &PgPool, user: Uuid, list: Option<&str>) -> AppResult<Vec<SavedSearch>> {
    Ok(sqlx::query_as!(
        SavedSearch,
        r#"select id, list_path as "list", name, query from saved_searches
            where user_id = $1 and ($2::text is null or list_path = $2)
            order by list_path, lower(name), id"#,
        user,
        list
    )
    .fetch_all(pool)
    .await?)
}

/// Save (or replace, under the same name on the same list) a search.
pub async fn save(pool: &PgPool, user: Uuid, list: &str, name: &str, query: &str) -> AppResult<SavedSearch> {
    let count = sqlx::query_scalar!(r#"select count(*) as "n!" from saved_searches where user_id = $1"#, user)
        .fetch_one(pool)
        .await?;
    if count >= MAX_PER_PERSON {
        return Err(AppError::field("name", "saved-search-too-many"));
    }
    Ok(sqlx::query_as!(
        SavedSearch,
        r#"insert into saved_searches (user_id, list_path, name, query) values ($1, $2, $3, $4)
           on conflict (user_id, list_path, name) do update set query = excluded.query
           returning id, list_path as "list", name, query"#,
        user,
        list,
        name,
        query
    )
    .fetch_one(pool)
    .await?)
}

/// Forget one of `user`'s searches; anyone else's is "not found".
pub async fn delete(pool: &PgPool, user: Uuid, id: Uuid) -> AppResult<()> {
    let deleted = sqlx::query!("delete from saved_searches where id = $1 and user_id = $2", id, user)
        .execute(pool)
        .await?
        .rows_affected();
    if deleted == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
