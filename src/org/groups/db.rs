//! All SQL of groups and their members.

use serde_json::Value;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{Group, GroupInput, Member};
use crate::{
    audit::{self, AuditActor, Change, Record},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt, delete_refusal},
    web::list::{CsvRecord, Listing, SortKey, like_pattern},
};

const SELECT: &str = "g.id, g.entity_id, en.name as entity_name, g.name, g.description,
    (select count(*) from group_members gm where gm.group_id = g.id) as member_count, g.version, g.created_at, g.updated_at";
const FROM: &str = "from groups g join entities en on en.id = g.entity_id";

pub async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Group> {
    sqlx::query_as(&format!("select {SELECT} {FROM} where g.id = $1 and g.entity_id = any($2)"))
        .bind(id)
        .bind(scope.ids())
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn members(conn: &mut PgConnection, id: Uuid) -> AppResult<Vec<Member>> {
    Ok(sqlx::query_as!(
        Member,
        "select u.id, u.login, u.name from group_members gm join users u on u.id = gm.user_id where gm.group_id = $1 order by u.name",
        id
    )
    .fetch_all(conn)
    .await?)
}

/// The people among `ids` that exist within `scope` (members must be visible to the person adding them).
pub async fn visible_people(pool: &PgPool, scope: &Scope, ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!("select id from users where id = any($1) and entity_id = any($2)", ids, scope.ids())
        .fetch_all(pool)
        .await?)
}

async fn snapshot(conn: &mut PgConnection, input: &GroupInput, id: Uuid) -> AppResult<Value> {
    let mut value = serde_json::to_value(input).map_err(anyhow::Error::from)?;
    let logins: Vec<String> = members(conn, id).await?.into_iter().map(|m| m.login).collect();
    if let Some(object) = value.as_object_mut() {
        object.insert("members".into(), logins.into());
    }
    Ok(value)
}

/// (id, name) of the groups in `scope`, for select lists.
pub async fn choices(pool: &PgPool, scope: &Scope) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!("select id, name from groups where entity_id = any($1) order by name", scope.ids())
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
}

fn name_taken() -> AppError {
    AppError::field("name", "group-name-taken")
}

async fn set_members(conn: &mut PgConnection, id: Uuid, people: &[Uuid]) -> AppResult<()> {
    sqlx::query!("delete from group_members where group_id = $1", id).execute(&mut *conn).await?;
    sqlx::query!(
        "insert into group_members (group_id, user_id) select $1, unnest($2::uuid[]) on conflict do nothing",
        id,
        people
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &GroupInput, people: &[Uuid]) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into groups (id, entity_id, name, description) values ($1, $2, $3, $4)",
        id,
        input.entity_id,
        &input.name,
        &input.description
    )
    .execute(&mut *tx)
    .await
    .on_constraint("groups_entity_name_key", name_taken)?;
    set_members(&mut tx, id, people).await?;
    let after = snapshot(&mut tx, input, id).await?;
    audit::record(
        &mut tx,
        Record {
            kind: ObjectKind::Group,
            object_id: id,
            entity_id: Some(input.entity_id),
            change: Change::Create,
            before: None,
            after: Some(after),
            actor,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Update fields and, when given, replace the members.
pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &Group,
    version: i64,
    input: &GroupInput,
    people: Option<&[Uuid]>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let before = snapshot(&mut tx, &GroupInput::from(current), current.id).await?;
    let updated = sqlx::query!("update groups set entity_id = $3, name = $4, description = $5, version = version + 1 where id = $1 and version = $2", current.id, version, input.entity_id, &input.name, &input.description)
    .execute(&mut *tx)
    .await
    .on_constraint("groups_entity_name_key", name_taken)?;
    if updated.rows_affected() == 0 {
        return Err(audit::stale_edit(pool, ObjectKind::Group, current.id).await);
    }
    if let Some(people) = people {
        set_members(&mut tx, current.id, people).await?;
    }
    let after = snapshot(&mut tx, input, current.id).await?;
    audit::record(
        &mut tx,
        Record {
            kind: ObjectKind::Group,
            object_id: current.id,
            entity_id: Some(input.entity_id),
            change: Change::Update,
            before: Some(before),
            after: Some(after),
            actor,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &Group, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let before = snapshot(&mut tx, &GroupInput::from(current), current.id).await?;
    let deleted = sqlx::query!("delete from groups where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await
        .map_err(|e| delete_refusal(e, "groups"))?;
    if deleted.rows_affected() == 0 {
        return Err(audit::stale_edit(pool, ObjectKind::Group, current.id).await);
    }
    audit::record(
        &mut tx,
        Record {
            kind: ObjectKind::Group,
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

#[derive(Clone, Debug, Default)]
pub struct GroupFilter {
    pub entity_id: Option<Uuid>,
    pub member_id: Option<Uuid>,
}

#[derive(Clone, Copy, Debug)]
pub enum GroupSort {
    Name,
    Entity,
    Members,
    Updated,
}

impl SortKey for GroupSort {
    const ALL: &'static [Self] = &[Self::Name, Self::Entity, Self::Members, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Entity => "entity",
            Self::Members => "members",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "g.name",
            Self::Entity => "en.name",
            Self::Members => "member_count",
            Self::Updated => "g.updated_at",
        }
    }
}

pub struct GroupList;

impl Listing for GroupList {
    type Row = Group;
    type Filter = GroupFilter;
    type Sort = GroupSort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from groups g";
    const TIEBREAK: &'static str = "g.id";

    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filter: &GroupFilter, q: Option<&str>) {
        qb.push("where g.entity_id = any(").push_bind(scope.ids().to_vec()).push(")");
        if let Some(entity) = filter.entity_id {
            qb.push(" and g.entity_id = ").push_bind(entity);
        }
        if let Some(member) = filter.member_id {
            qb.push(" and exists (select 1 from group_members gm where gm.group_id = g.id and gm.user_id = ")
                .push_bind(member)
                .push(")");
        }
        if let Some(q) = q {
            qb.push(" and g.name ilike ").push_bind(like_pattern(q));
        }
    }
}

impl CsvRecord for Group {
    fn csv_header() -> &'static [&'static str] {
        &["id", "name", "entity", "description", "members", "updated_at"]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.entity_name.clone(),
            self.description.clone(),
            self.member_count.to_string(),
            self.updated_at.to_rfc3339(),
        ]
    }
}
