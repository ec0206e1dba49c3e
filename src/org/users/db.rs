//! All SQL of people and their roles.

use serde_json::Value;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{RoleGrant, RoleGrantView, User, UserInput};
use crate::{
    audit::{self, AuditActor, Change, Record},
    auth::{
        db::end_all_access,
        permission::{ObjectKind, Role, Scope},
    },
    error::{AppError, AppResult, ResultExt, delete_refusal},
    web::list::{CsvRecord, Listing, SortKey, like_pattern},
};

const SELECT: &str = "u.id, u.login, u.name, u.email, u.phone, u.entity_id, en.name as entity_name,
    u.location_id, l.name as location_name, u.manager_id, m.name as manager_name, u.language, u.time_zone, u.active,
    coalesce((select array_agg(distinct r.role::text) from role_grants r where r.user_id = u.id), '{}') as roles,
    u.version, u.created_at, u.updated_at";

const FROM: &str = "from users u join entities en on en.id = u.entity_id
    left join locations l on l.id = u.location_id left join users m on m.id = u.manager_id";

pub async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<User> {
    find_in(&mut *pool.acquire().await?, scope, id).await
}

/// [`find`] on the caller's connection (imports).
pub async fn find_in(conn: &mut PgConnection, scope: &Scope, id: Uuid) -> AppResult<User> {
    sqlx::query_as(&format!("select {SELECT} {FROM} where u.id = $1 and u.entity_id = any($2)"))
        .bind(id)
        .bind(scope.ids())
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn grants_of(conn: &mut PgConnection, user_id: Uuid) -> AppResult<Vec<RoleGrantView>> {
    Ok(sqlx::query_as!(
        RoleGrantView,
        r#"select g.role as "role: Role", g.entity_id, e.name as entity_name from role_grants g join entities e on e.id = g.entity_id
            where g.user_id = $1 order by g.role, e.name"#,
        user_id
    )
    .fetch_all(conn)
    .await?)
}

/// The user's fields and roles as the history records them.
async fn snapshot(conn: &mut PgConnection, input: &UserInput, user_id: Uuid) -> AppResult<Value> {
    let mut value = serde_json::to_value(input).map_err(anyhow::Error::from)?;
    let roles: Vec<String> = grants_of(conn, user_id)
        .await?
        .into_iter()
        .map(|g| format!("{} @ {}", g.role.as_str(), g.entity_name))
        .collect();
    if let Some(object) = value.as_object_mut() {
        object.insert("roles".into(), roles.into());
    }
    Ok(value)
}

fn login_taken() -> AppError {
    AppError::field("login", "login-taken")
}

fn email_taken() -> AppError {
    AppError::field("email", "email-taken")
}

async fn write_grants(conn: &mut PgConnection, user_id: Uuid, grants: &[RoleGrant]) -> AppResult<()> {
    for grant in grants {
        sqlx::query!(
            "insert into role_grants (user_id, role, entity_id) values ($1, $2, $3) on conflict do nothing",
            user_id,
            grant.role as Role,
            grant.entity_id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn insert(
    pool: &PgPool,
    actor: &AuditActor,
    input: &UserInput,
    password_hash: Option<&str>,
    grants: &[RoleGrant],
) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = insert_in(&mut tx, actor, input, password_hash, grants).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`insert`] inside the caller's transaction (imports).
pub async fn insert_in(
    tx: &mut PgConnection,
    actor: &AuditActor,
    input: &UserInput,
    password_hash: Option<&str>,
    grants: &[RoleGrant],
) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!("insert into users (id, login, name, email, phone, entity_id, location_id, manager_id, language, time_zone, active,
                            password_hash, password_changed_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, case when $12::text is null then null else now() end)", id, &input.login, &input.name, input.email.as_deref(), &input.phone, input.entity_id, input.location_id, input.manager_id, &input.language, &input.time_zone, input.active, password_hash)
    .execute(&mut *tx)
    .await
    .on_constraint("users_login_key", login_taken)
    .on_constraint("users_email_key", email_taken)?;
    write_grants(tx, id, grants).await?;
    let after = snapshot(tx, input, id).await?;
    audit::record(
        tx,
        Record {
            kind: ObjectKind::User,
            object_id: id,
            entity_id: Some(input.entity_id),
            change: Change::Create,
            before: None,
            after: Some(after),
            actor,
        },
    )
    .await?;
    Ok(id)
}

/// What an update changes besides the plain fields.
#[derive(Debug, Default)]
pub struct UserUpdateExtras<'a> {
    /// Replace every role.
    pub grants: Option<&'a [RoleGrant]>,
    /// A new password hash (ends sessions and tokens).
    pub password_hash: Option<&'a str>,
}

pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &User,
    version: i64,
    input: &UserInput,
    extras: UserUpdateExtras<'_>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    update_in(&mut tx, pool, actor, current, version, input, extras).await?;
    tx.commit().await?;
    Ok(())
}

/// [`update`] inside the caller's transaction (imports).
pub async fn update_in(
    tx: &mut PgConnection,
    pool: &PgPool,
    actor: &AuditActor,
    current: &User,
    version: i64,
    input: &UserInput,
    extras: UserUpdateExtras<'_>,
) -> AppResult<()> {
    let before = snapshot(tx, &UserInput::from(current), current.id).await?;
    let updated = sqlx::query!(
        "update users set login = $3, name = $4, email = $5, phone = $6, entity_id = $7, location_id = $8,
                manager_id = $9, language = $10, time_zone = $11, active = $12, version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        &input.login,
        &input.name,
        input.email.as_deref(),
        &input.phone,
        input.entity_id,
        input.location_id,
        input.manager_id,
        &input.language,
        &input.time_zone,
        input.active
    )
    .execute(&mut *tx)
    .await
    .on_constraint("users_login_key", login_taken)
    .on_constraint("users_email_key", email_taken)?;
    if updated.rows_affected() == 0 {
        return Err(audit::stale_edit(pool, ObjectKind::User, current.id).await);
    }
    if let Some(grants) = extras.grants {
        sqlx::query!("delete from role_grants where user_id = $1", current.id).execute(&mut *tx).await?;
        write_grants(tx, current.id, grants).await?;
    }
    if current.active && !input.active {
        // A disabled account stops working at its next request.
        end_all_access(tx, current.id).await?;
    }
    let mut after = snapshot(tx, input, current.id).await?;
    if let Some(hash) = extras.password_hash {
        crate::auth::db::set_password(tx, current.id, hash).await?;
        if let Some(object) = after.as_object_mut() {
            object.insert("password".into(), "changed".into());
        }
    }
    audit::record(
        tx,
        Record {
            kind: ObjectKind::User,
            object_id: current.id,
            entity_id: Some(input.entity_id),
            change: Change::Update,
            before: Some(before),
            after: Some(after),
            actor,
        },
    )
    .await
    .map(drop)
}

pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &User, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let before = snapshot(&mut tx, &UserInput::from(current), current.id).await?;
    let deleted = sqlx::query!("delete from users where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await
        .map_err(|e| delete_refusal(e, "users"))?;
    if deleted.rows_affected() == 0 {
        return Err(audit::stale_edit(pool, ObjectKind::User, current.id).await);
    }
    audit::record(
        &mut tx,
        Record {
            kind: ObjectKind::User,
            object_id: current.id,
            entity_id: Some(current.entity_id),
            change: Change::Delete,
            before: Some(before),
            after: None,
            actor,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The first administrator, on an empty database.
pub async fn insert_bootstrap_admin(pool: &PgPool, actor: &AuditActor, root: Uuid, hash: &str) -> AppResult<Uuid> {
    let input = UserInput {
        login: "admin".into(),
        name: "Administrator".into(),
        email: None,
        phone: String::new(),
        entity_id: root,
        location_id: None,
        manager_id: None,
        language: "fr".into(),
        time_zone: "Europe/Paris".into(),
        active: true,
    };
    insert(pool, actor, &input, Some(hash), &[RoleGrant { role: Role::Admin, entity_id: root }]).await
}

/// Whether a location and a manager exist within the scopes the person sees.
pub async fn references_visible(
    pool: &PgPool,
    input: &UserInput,
    location_scope: &Scope,
    user_scope: &Scope,
) -> AppResult<Vec<&'static str>> {
    let mut wrong = Vec::new();
    if let Some(location) = input.location_id {
        let ok = sqlx::query_scalar!(
            r#"select exists (select 1 from locations where id = $1 and entity_id = any($2)) as "ok!""#,
            location,
            location_scope.ids()
        )
        .fetch_one(pool)
        .await?;
        if !ok {
            wrong.push("location_id");
        }
    }
    if let Some(manager) = input.manager_id {
        let ok = sqlx::query_scalar!(
            r#"select exists (select 1 from users where id = $1 and entity_id = any($2)) as "ok!""#,
            manager,
            user_scope.ids()
        )
        .fetch_one(pool)
        .await?;
        if !ok {
            wrong.push("manager_id");
        }
    }
    Ok(wrong)
}

/// (id, label) of people in `scope`, for select lists (capped).
pub async fn choices(pool: &PgPool, scope: &Scope) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "select id, name, login from users where entity_id = any($1) and active order by name limit 500",
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), format!("{} ({})", r.name, r.login))).collect())
}

/// Groups a person belongs to, within the scope.
pub async fn groups_of(pool: &PgPool, scope: &Scope, user_id: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "select g.id, g.name from group_members gm join groups g on g.id = gm.group_id
          where gm.user_id = $1 and g.entity_id = any($2) order by g.name",
        user_id,
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    pub entity_id: Option<Uuid>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

#[derive(Clone, Copy, Debug)]
pub enum UserSort {
    Name,
    Login,
    Email,
    Entity,
    Updated,
}

impl SortKey for UserSort {
    const ALL: &'static [Self] = &[Self::Name, Self::Login, Self::Email, Self::Entity, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Login => "login",
            Self::Email => "email",
            Self::Entity => "entity",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "u.name",
            Self::Login => "u.login",
            Self::Email => "u.email",
            Self::Entity => "en.name",
            Self::Updated => "u.updated_at",
        }
    }
}

pub struct UserList;

impl Listing for UserList {
    type Row = User;
    type Filter = UserFilter;
    type Sort = UserSort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from users u";
    const TIEBREAK: &'static str = "u.id";

    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filter: &UserFilter, q: Option<&str>) {
        qb.push("where u.entity_id = any(").push_bind(scope.ids().to_vec()).push(")");
        if let Some(entity) = filter.entity_id {
            qb.push(" and u.entity_id = ").push_bind(entity);
        }
        if let Some(role) = filter.role {
            qb.push(" and exists (select 1 from role_grants r where r.user_id = u.id and r.role = ")
                .push_bind(role)
                .push(")");
        }
        if let Some(active) = filter.active {
            qb.push(" and u.active = ").push_bind(active);
        }
        if let Some(q) = q {
            // The same expression as the trigram index users_search_trgm.
            qb.push(" and (u.login || ' ' || u.name || ' ' || coalesce(u.email, '')) ilike ")
                .push_bind(like_pattern(q));
        }
    }
}

impl CsvRecord for User {
    fn csv_header() -> &'static [&'static str] {
        &[
            "id",
            "login",
            "name",
            "email",
            "phone",
            "entity",
            "location",
            "manager",
            "language",
            "time_zone",
            "active",
            "roles",
        ]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.login.clone(),
            self.name.clone(),
            self.email.clone().unwrap_or_default(),
            self.phone.clone(),
            self.entity_name.clone(),
            self.location_name.clone().unwrap_or_default(),
            self.manager_name.clone().unwrap_or_default(),
            self.language.clone(),
            self.time_zone.clone(),
            self.active.to_string(),
            self.roles.join(" "),
        ]
    }
}

/// The id of the active person with `login` (any case).
pub async fn id_by_login(pool: &PgPool, login: &str) -> AppResult<Option<Uuid>> {
    Ok(sqlx::query_scalar!("select id from users where lower(login) = lower($1) and active", login)
        .fetch_optional(pool)
        .await?)
}
