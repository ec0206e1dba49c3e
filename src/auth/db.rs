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

/// How a request says who is behind it.
#[derive(Clone, Copy, Debug)]
pub enum Credential<'a> {
    /// The secret of a session cookie.
    Session(&'a str),
    /// The secret of an API token.
    Token(&'a str),
    /// The person themselves, for work done later on their behalf (an import).
    Person(Uuid),
}

/// The person behind a credential, and the CSRF token of their session.
#[derive(Clone, Debug)]
pub struct Authenticated {
    pub actor: Actor,
    /// Only for a session: the token its forms must carry.
    pub csrf: Option<String>,
}

/// One row per grant (a single row without grant when the person holds none).
struct ActorRow {
    id: Uuid,
    login: String,
    name: String,
    language: String,
    time_zone: String,
    entity_id: Uuid,
    unread: i64,
    csrf: Option<String>,
    /// The token, when it was last marked used more than a minute ago.
    unmarked_token: Option<Uuid>,
    role: Option<Role>,
    root: Option<Uuid>,
    covered: Option<Vec<Uuid>>,
}

/// The active person behind `credential`, with their grants (each with the
/// entity it names and all entities below it), in one statement: a live
/// session or token, the person, their unread notifications and their
/// grants. A token is marked used at most once a minute (a second
/// statement then), to spare writes.
/// None when the credential is unknown, expired or revoked, or the person
/// disabled or gone.
pub async fn authenticate(
    pool: &PgPool,
    credential: Credential<'_>,
    request_id: Option<String>,
) -> AppResult<Option<Authenticated>> {
    let (session, token, person, via) = match credential {
        Credential::Session(secret) => (Some(secret::digest(secret)), None, None, Via::Session),
        Credential::Token(secret) if secret.len() > 100 => return Ok(None),
        Credential::Token(secret) => (None, Some(secret::digest(secret)), None, Via::Token),
        Credential::Person(id) => (None, None, Some(id), Via::Session),
    };
    let rows = sqlx::query_as!(
        ActorRow,
        r#"with recursive session as (
               select user_id, csrf_token from sessions where id_hash = $1 and expires_at > now()
           ), token as (
               select id, user_id, last_used_at is null or last_used_at < now() - interval '1 minute' as unmarked
                 from api_tokens
                where token_hash = $2 and revoked_at is null and (expires_at is null or expires_at > now())
           ), person as (
               select u.id, u.login, u.name, u.language, u.time_zone, u.entity_id,
                      (select csrf_token from session) as csrf, (select id from token where unmarked) as unmarked_token,
                      (select count(*) from notifications n where n.user_id = u.id and n.read_at is null) as unread
                 from users u
                where u.active and u.id = coalesce($3, (select user_id from session), (select user_id from token))
           ), tree (role, root, id) as (
               select g.role, g.entity_id, g.entity_id from role_grants g where g.user_id = (select id from person)
               union
               select t.role, t.root, e.id from entities e join tree t on e.parent_id = t.id
           ), grants as (
               select role, root, array_agg(id) as covered from tree group by role, root
           )
           select p.id as "id!", p.login as "login!", p.name as "name!", p.language as "language!",
                  p.time_zone as "time_zone!", p.entity_id as "entity_id!", p.unread as "unread!", p.csrf,
                  p.unmarked_token,
                  g.role as "role?: Role", g.root as "root?", g.covered as "covered?"
             from person p left join grants g on true
            order by g.role, g.root"#,
        session,
        token,
        person
    )
    .fetch_all(pool)
    .await?;
    let Some(first) = rows.first() else { return Ok(None) };
    if let Some(token) = first.unmarked_token {
        sqlx::query!(
            "update api_tokens set last_used_at = now()
              where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')",
            token
        )
        .execute(pool)
        .await?;
    }
    let (id, login, name, entity_id, unread, csrf) =
        (first.id, first.login.clone(), first.name.clone(), first.entity_id, first.unread, first.csrf.clone());
    let lang = Lang::parse(&first.language).unwrap_or_default();
    let time_zone = first.time_zone.parse().unwrap_or(chrono_tz::Europe::Paris);
    let grants: Vec<Grant> = rows
        .into_iter()
        .filter_map(|row| Some(Grant { role: row.role?, entity_id: row.root?, covered: row.covered? }))
        .collect();
    let actor = Actor {
        id,
        login,
        name,
        lang,
        time_zone,
        entity_id,
        unread_notifications: unread,
        grants: grants.into(),
        request_id,
        via,
    };
    Ok(Some(Authenticated { actor, csrf }))
}

/// The active person `user_id` with their grants, or None if disabled or gone.
pub async fn load_actor(
    pool: &PgPool,
    user_id: Uuid,
    via: Via,
    request_id: Option<String>,
) -> AppResult<Option<Actor>> {
    let found = authenticate(pool, Credential::Person(user_id), request_id).await?;
    Ok(found.map(|found| Actor { via, ..found.actor }))
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
