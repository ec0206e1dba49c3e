//! The SQL of authentication: people by login, sessions, API tokens, grants.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{
    actor::{Actor, Grant, Via},
    permission::Role,
    secret,
};
use crate::{error::AppResult, web::i18n::Lang};

struct ActorRow {
    id: Uuid,
    login: String,
    name: String,
    language: String,
    time_zone: String,
    entity_id: Uuid,
    unread: i64,
    csrf_token: Option<String>,
}

/// Unread notifications are counted up to this many (the badge then says "99+").
pub const UNREAD_CAP: i64 = 100;

/// What a request proves its person with.
#[derive(Clone, Copy, Debug)]
pub enum Credential<'a> {
    /// A page's session cookie.
    Session(&'a str),
    /// An API bearer token.
    Token(&'a str),
    /// A person known already (a background job acting for them).
    User(Uuid),
}

/// The active person behind `credential`, with their grants, and for a
/// session its CSRF token; None if the credential is unknown, expired or
/// revoked, or the person disabled or gone. The credential and the person are
/// read in one statement, which also marks a token used (at most once a
/// minute, to spare writes).
pub async fn find_actor(
    pool: &PgPool,
    credential: Credential<'_>,
    request_id: Option<String>,
) -> AppResult<Option<(Actor, Option<String>)>> {
    let (user, token, session, via) = match credential {
        Credential::Session(secret) => (None, None, Some(secret::digest(secret)), Via::Session),
        // Longer than any token we issue: not worth a lookup.
        Credential::Token(secret) if secret.len() > 100 => return Ok(None),
        Credential::Token(secret) => (None, Some(secret::digest(secret)), None, Via::Token),
        Credential::User(id) => (Some(id), None, None, Via::Session),
    };
    let row = sqlx::query_as!(
        ActorRow,
        r#"with token as (select id, user_id from api_tokens
                           where token_hash = $2 and revoked_at is null and (expires_at is null or expires_at > now())),
                touched as (update api_tokens set last_used_at = now()
                             where id = (select id from token)
                               and (last_used_at is null or last_used_at < now() - interval '1 minute')),
                session as (select user_id, csrf_token from sessions where id_hash = $3 and expires_at > now())
           select u.id, u.login, u.name, u.language, u.time_zone, u.entity_id,
                  -- In the order of the unread index, so that it is what the count walks: with
                  -- a few people holding most notifications, a plain LIMIT made the planner
                  -- expect to meet enough rows early in a sequential scan, which for
                  -- anyone else then read every notification.
                  (select count(*) from (select 1 from notifications n where n.user_id = u.id and n.read_at is null
                                          order by n.created_at desc limit $4) unread) as "unread!",
                  (select csrf_token from session) as csrf_token
             from users u
            where u.active and u.id = coalesce($1, (select user_id from token), (select user_id from session))"#,
        user,
        token,
        session,
        UNREAD_CAP
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let grants = load_grants(pool, row.id).await?;
    let actor = Actor {
        id: row.id,
        login: row.login,
        name: row.name,
        lang: Lang::parse(&row.language).unwrap_or_default(),
        time_zone: row.time_zone.parse().unwrap_or(chrono_tz::Europe::Paris),
        entity_id: row.entity_id,
        unread_notifications: row.unread,
        grants: grants.into(),
        request_id,
        via,
    };
    Ok(Some((actor, row.csrf_token)))
}

/// Each grant with the entity it names and all entities below it.
pub async fn load_grants(pool: &PgPool, user_id: Uuid) -> AppResult<Vec<Grant>> {
    Ok(sqlx::query_as!(
        Grant,
        r#"with recursive tree (role, root, id) as (
               select g.role, g.entity_id, g.entity_id from role_grants g where g.user_id = $1
               union
               select t.role, t.root, e.id from entities e join tree t on e.parent_id = t.id
           )
           select role as "role!: Role", root as "entity_id!", array_agg(id) as "covered!"
             from tree group by role, root order by role, root"#,
        user_id
    )
    .fetch_all(pool)
    .await?)
}

/// Id and password hash of an active account, by login (case-insensitive).
pub async fn credentials(pool: &PgPool, login: &str) -> AppResult<Option<(Uuid, Option<String>)>> {
    let row = sqlx::query!("select id, password_hash from users where lower(login) = lower($1) and active", login)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| (r.id, r.password_hash)))
}

pub async fn password_hash(pool: &PgPool, user_id: Uuid) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!("select password_hash from users where id = $1", user_id).fetch_one(pool).await?)
}

/// A new session; returns the cookie secret and the CSRF token.
pub async fn create_session(pool: &PgPool, user_id: Uuid, hours: u32) -> AppResult<(String, String)> {
    let secret = secret::new_secret();
    let csrf = secret::new_secret();
    sqlx::query!(
        "insert into sessions (id_hash, user_id, csrf_token, expires_at)
         values ($1, $2, $3, now() + make_interval(hours => $4))",
        secret::digest(&secret),
        user_id,
        csrf,
        i32::try_from(hours).unwrap_or(i32::MAX)
    )
    .execute(pool)
    .await?;
    Ok((secret, csrf))
}

pub async fn delete_session(pool: &PgPool, secret: &str) -> AppResult<()> {
    sqlx::query!("delete from sessions where id_hash = $1", secret::digest(secret)).execute(pool).await?;
    Ok(())
}

/// End every session and token of a person (password change, disabling).
pub async fn end_all_access(conn: &mut PgConnection, user_id: Uuid) -> AppResult<()> {
    sqlx::query!("delete from sessions where user_id = $1", user_id).execute(&mut *conn).await?;
    sqlx::query!("update api_tokens set revoked_at = now() where user_id = $1 and revoked_at is null", user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Set a new password hash and end every session and token.
pub async fn set_password(conn: &mut PgConnection, user_id: Uuid, hash: &str) -> AppResult<()> {
    sqlx::query!("update users set password_hash = $2, password_changed_at = now() where id = $1", user_id, hash)
        .execute(&mut *conn)
        .await?;
    end_all_access(conn, user_id).await
}

/// An API token as its owner sees it (never the secret).
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: Uuid,
    pub name: String,
    /// First characters of the secret, to recognise it.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new API token for `user_id`; the secret is returned once, only its hash kept.
pub async fn create_token(
    pool: &PgPool,
    user_id: Uuid,
    name: &str,
    expires_at: Option<DateTime<Utc>>,
) -> AppResult<(String, TokenInfo)> {
    let secret = format!("parc_{}", secret::new_secret());
    let info = sqlx::query_as!(
        TokenInfo,
        "insert into api_tokens (id, user_id, name, token_hash, prefix, expires_at) values ($1, $2, $3, $4, $5, $6)
         returning id, name, prefix, created_at, expires_at, last_used_at, revoked_at",
        Uuid::now_v7(),
        user_id,
        name,
        secret::digest(&secret),
        &secret[..13],
        expires_at
    )
    .fetch_one(pool)
    .await?;
    Ok((secret, info))
}

pub async fn list_tokens(pool: &PgPool, user_id: Uuid) -> AppResult<Vec<TokenInfo>> {
    Ok(sqlx::query_as!(
        TokenInfo,
        "select id, name, prefix, created_at, expires_at, last_used_at, revoked_at
           from api_tokens where user_id = $1 order by created_at desc",
        user_id
    )
    .fetch_all(pool)
    .await?)
}

/// Revoke token `id` of `user_id`; false when there is no such live token.
pub async fn revoke_token(pool: &PgPool, user_id: Uuid, id: Uuid) -> AppResult<bool> {
    let done = sqlx::query!(
        "update api_tokens set revoked_at = now() where id = $1 and user_id = $2 and revoked_at is null",
        id,
        user_id
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
