//! Login throttling per account and per client address, shared by every
//! server process through the `login_failures` table.

use std::net::IpAddr;

use sqlx::PgPool;

use crate::error::{AppError, AppResult};

/// Failures older than this no longer count.
const WINDOW_SECS: i64 = 15 * 60;

/// The key of an account's failures: any text a visitor types, made safe to
/// store (no NUL, which PostgreSQL refuses; bounded length).
fn account_key(login: &str) -> String {
    let login: String = login.trim().to_lowercase().chars().filter(|c| *c != '\0').take(100).collect();
    format!("login:{login}")
}

fn address_key(address: IpAddr) -> String {
    format!("addr:{address}")
}

/// Refuse with 429 and a retry delay when either key has too many recent failures.
pub async fn check(pool: &PgPool, login: &str, address: IpAddr, max_account: i64, max_address: i64) -> AppResult<()> {
    for (key, max) in [(account_key(login), max_account), (address_key(address), max_address)] {
        let recent = sqlx::query!(
            r#"select count(*) as "count!", extract(epoch from min(at) + make_interval(secs => $2) - now())::float8 as retry_after
                 from (select at from login_failures
                        where key = $1 and at > now() - make_interval(secs => $2)
                        order by at desc limit $3) recent"#,
            key,
            WINDOW_SECS as f64,
            max
        )
        .fetch_one(pool)
        .await?;
        let (count, retry_after) = (recent.count, recent.retry_after);
        if count >= max {
            let retry_after_secs = retry_after.unwrap_or(WINDOW_SECS as f64).ceil().max(1.0) as u64;
            tracing::warn!(throttle = key.split(':').next().unwrap_or_default(), "login throttled");
            return Err(AppError::TooManyRequests { retry_after_secs });
        }
    }
    Ok(())
}

pub async fn record_failure(pool: &PgPool, login: &str, address: IpAddr) -> AppResult<()> {
    sqlx::query!("insert into login_failures (key) values ($1), ($2)", account_key(login), address_key(address))
        .execute(pool)
        .await?;
    // Keep the table small; old rows no longer count anyway.
    sqlx::query!("delete from login_failures where at < now() - make_interval(secs => $1)", WINDOW_SECS as f64)
        .execute(pool)
        .await?;
    Ok(())
}

/// A successful login clears the account's failures (not the address's).
pub async fn clear_account(pool: &PgPool, login: &str) -> AppResult<()> {
    sqlx::query!("delete from login_failures where key = $1", account_key(login)).execute(pool).await?;
    Ok(())
}
