//! All SQL of licence compliance: the job's count of installations, what the
//! compliance page weighs, forbidden installations and the alerts.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::domain::{Demand, Entitlement, EntityNode, LicenceKind};
use crate::{auth::permission::Scope, error::AppResult};

/// A licence as the software and compliance pages list it (never its key).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LicenceLine {
    pub id: Uuid,
    pub name: String,
    pub entity: String,
    pub kind: String,
    pub seats: Option<i32>,
    pub seats_used: i32,
    pub starts_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
}

/// The licences of a software within `scope`.
pub async fn licences_of(pool: &PgPool, scope: &Scope, software: Uuid) -> AppResult<Vec<LicenceLine>> {
    Ok(sqlx::query_as!(
        LicenceLine,
        "select l.id, l.name, e.name as entity, l.kind, l.seats, l.seats_used, l.starts_on, l.expires_on
           from licences l join entities e on e.id = l.entity_id
          where l.software_id = $1 and l.entity_id = any($2)
          order by l.expires_on nulls last, l.name",
        software,
        scope.ids()
    )
    .fetch_all(pool)
    .await?)
}

/// Count again, per software and entity, the assets in service carrying it,
/// the people using them and their cores; readers see the previous count
/// until this one commits. The number of rows written.
pub async fn count_usage(pool: &PgPool) -> AppResult<u64> {
    let mut tx = pool.begin().await?;
    sqlx::query!("delete from software_usage").execute(&mut *tx).await?;
    let rows = sqlx::query!(
        "insert into software_usage (software_id, entity_id, installs, users, cores)
         select c.software_id, a.entity_id, count(*), count(distinct coalesce(a.assigned_user_id, a.id)),
                sum(coalesce(h.cpu_cores, 1))
           from (select distinct v.software_id, i.asset_id
                   from software_installations i join software_versions v on v.id = i.version_id) c
           join assets a on a.id = c.asset_id and not a.archived
           left join asset_hardware h on h.asset_id = a.id
          group by c.software_id, a.entity_id"
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query!("update compliance_state set counted_at = now()").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(rows)
}

/// The compliance settings and when installations were last counted.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct State {
    pub counted_at: Option<DateTime<Utc>>,
    pub expiry_warning_days: i32,
    pub version: i64,
}

pub async fn state(pool: &PgPool) -> AppResult<State> {
    Ok(sqlx::query_as!(State, "select counted_at, expiry_warning_days, version from compliance_state")
        .fetch_one(pool)
        .await?)
}

/// Save the warning delay read at `version`; false when someone saved meanwhile.
pub async fn save_expiry_warning(pool: &PgPool, version: i64, days: i32) -> AppResult<bool> {
    Ok(sqlx::query!(
        "update compliance_state set expiry_warning_days = $2, version = version + 1 where version = $1",
        version,
        days
    )
    .execute(pool)
    .await?
    .rows_affected()
        == 1)
}

/// The entities of `scope` with their parents (the domain cuts parents outside it).
pub async fn entity_nodes(pool: &PgPool, scope: &Scope) -> AppResult<Vec<EntityNode>> {
    Ok(sqlx::query_as!(
        EntityNode,
        "select id, parent_id, name from entities where id = any($1) order by name",
        scope.ids()
    )
    .fetch_all(pool)
    .await?)
}

/// A software compliance follows: one with a licence within the scope.
#[derive(Clone, Debug)]
pub struct Tracked {
    pub id: Uuid,
    pub name: String,
    pub publisher: String,
}

pub async fn tracked(pool: &PgPool, scope: &Scope, only: Option<Uuid>) -> AppResult<Vec<Tracked>> {
    Ok(sqlx::query_as!(
        Tracked,
        "select s.id, s.name, s.publisher from software s
          where exists (select 1 from licences l where l.software_id = s.id and l.entity_id = any($1))
            and ($2::uuid is null or s.id = $2)
          order by lower(s.name), s.id",
        scope.ids(),
        only
    )
    .fetch_all(pool)
    .await?)
}

/// Installations per software and entity, as last counted, within `scope`.
pub async fn demand(
    pool: &PgPool,
    scope: &Scope,
    software: &[Uuid],
) -> AppResult<HashMap<Uuid, HashMap<Uuid, Demand>>> {
    let rows = sqlx::query!(
        "select software_id, entity_id, installs, users, cores from software_usage
          where software_id = any($1) and entity_id = any($2)",
        software,
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    let mut by_software: HashMap<Uuid, HashMap<Uuid, Demand>> = HashMap::new();
    for r in rows {
        by_software
            .entry(r.software_id)
            .or_default()
            .insert(r.entity_id, Demand { installs: r.installs.into(), users: r.users.into(), cores: r.cores.into() });
    }
    Ok(by_software)
}

/// Licences in force on `today` per software, within `scope`.
pub async fn entitlements(
    pool: &PgPool,
    scope: &Scope,
    software: &[Uuid],
    today: NaiveDate,
) -> AppResult<HashMap<Uuid, Vec<Entitlement>>> {
    let rows = sqlx::query!(
        "select software_id, entity_id, kind, seats from licences
          where software_id = any($1) and entity_id = any($2)
            and (starts_on is null or starts_on <= $3) and (expires_on is null or expires_on >= $3)",
        software,
        scope.ids(),
        today
    )
    .fetch_all(pool)
    .await?;
    let mut by_software: HashMap<Uuid, Vec<Entitlement>> = HashMap::new();
    for r in rows {
        let Some(kind) = LicenceKind::parse(&r.kind) else { continue };
        by_software.entry(r.software_id).or_default().push(Entitlement {
            entity_id: r.entity_id,
            kind,
            seats: r.seats.map(i64::from),
        });
    }
    Ok(by_software)
}

/// An installation of forbidden software, with the asset and its user.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ForbiddenInstallation {
    pub software_id: Uuid,
    pub software: String,
    pub version: String,
    pub asset_id: Uuid,
    pub tag: String,
    pub asset_name: String,
    pub entity: String,
    pub assigned_to: Option<String>,
    pub since: DateTime<Utc>,
}

pub async fn forbidden(pool: &PgPool, scope: &Scope, limit: i64) -> AppResult<Vec<ForbiddenInstallation>> {
    Ok(sqlx::query_as!(
        ForbiddenInstallation,
        r#"select s.id as software_id, s.name as software, v.version, a.id as asset_id, a.tag, a.name as asset_name,
                  e.name as entity, u.name as "assigned_to?", i.created_at as since
             from software s
             join software_versions v on v.software_id = s.id
             join software_installations i on i.version_id = v.id
             join assets a on a.id = i.asset_id and not a.archived
             join entities e on e.id = a.entity_id
             left join users u on u.id = a.assigned_user_id
            where s.forbidden and a.entity_id = any($1)
            order by lower(s.name), a.tag limit $2"#,
        scope.ids(),
        limit
    )
    .fetch_all(pool)
    .await?)
}

/// How many installations of forbidden software lie within `scope`.
pub async fn forbidden_count(pool: &PgPool, scope: &Scope) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "n!" from software s
             join software_versions v on v.software_id = s.id
             join software_installations i on i.version_id = v.id
             join assets a on a.id = i.asset_id and not a.archived
            where s.forbidden and a.entity_id = any($1)"#,
        scope.ids()
    )
    .fetch_one(pool)
    .await?)
}

/// An asset carrying a software without a seat of any of its licences, for
/// itself or for the person it is assigned to: where to look when the
/// software is over-deployed.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Unseated {
    pub asset_id: Uuid,
    pub tag: String,
    pub asset_name: String,
    pub entity: String,
    pub assigned_to: Option<String>,
    pub versions: String,
}

pub async fn unseated(pool: &PgPool, scope: &Scope, software: Uuid, limit: i64) -> AppResult<Vec<Unseated>> {
    Ok(sqlx::query_as!(
        Unseated,
        r#"select a.id as asset_id, a.tag, a.name as asset_name, e.name as entity, u.name as "assigned_to?",
                  string_agg(distinct v.version, ', ') as "versions!"
             from software_versions v
             join software_installations i on i.version_id = v.id
             join assets a on a.id = i.asset_id and not a.archived
             join entities e on e.id = a.entity_id
             left join users u on u.id = a.assigned_user_id
            where v.software_id = $1 and a.entity_id = any($2)
              and not exists (select 1 from licence_seats ls join licences l on l.id = ls.licence_id
                               where l.software_id = $1
                                 and (ls.asset_id = a.id or (a.assigned_user_id is not null and ls.user_id = a.assigned_user_id)))
            group by a.id, a.tag, a.name, e.name, u.name
            order by a.tag limit $3"#,
        software,
        scope.ids(),
        limit
    )
    .fetch_all(pool)
    .await?)
}

/// Every entity: the job weighs compliance over the whole park.
pub async fn all_entities(pool: &PgPool) -> AppResult<Scope> {
    Ok(Scope::new(sqlx::query_scalar!("select id from entities").fetch_all(pool).await?))
}

/// Record the over-deployments found now; tell the park managers of each
/// entity about those that are new. Those resolved are forgotten, so a
/// relapse is told again. The number of new ones.
pub async fn alert_overdeployed(pool: &PgPool, found: &[(Uuid, Uuid, i64)]) -> AppResult<u64> {
    let software: Vec<Uuid> = found.iter().map(|f| f.0).collect();
    let entities: Vec<Uuid> = found.iter().map(|f| f.1).collect();
    let counts: Vec<i64> = found.iter().map(|f| f.2).collect();
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "delete from compliance_overdeployed o
          where not exists (select 1 from unnest($1::uuid[], $2::uuid[]) f(s, e) where f.s = o.software_id and f.e = o.entity_id)",
        &software,
        &entities
    )
    .execute(&mut *tx)
    .await?;
    let new = sqlx::query!(
        "with new as (
            insert into compliance_overdeployed (software_id, entity_id)
            select s, e from unnest($1::uuid[], $2::uuid[]) f(s, e)
            on conflict do nothing returning software_id, entity_id)
         insert into notifications (user_id, message, args, link)
         select distinct g.user_id, 'notify-compliance-overdeployed',
                jsonb_build_object('software', s.name, 'entity', en.name, 'count', f.c), '/compliance/' || s.id
           from new n
           join unnest($1::uuid[], $2::uuid[], $3::bigint[]) f(s, e, c) on f.s = n.software_id and f.e = n.entity_id
           join software s on s.id = n.software_id
           join entities en on en.id = n.entity_id
           cross join lateral entity_lineage(n.entity_id) l
           join role_grants g on g.entity_id = l.id and g.role = 'park_manager'",
        &software,
        &entities,
        &counts
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(new)
}

/// Tell the park managers about licences expiring within the warning delay,
/// once per licence and expiry date.
pub async fn alert_expiring(pool: &PgPool) -> AppResult<u64> {
    Ok(sqlx::query!(
        "insert into notifications (user_id, message, args, link, dedupe_key)
         select distinct g.user_id, 'notify-licence-expiring',
                jsonb_build_object('licence', lc.name, 'software', s.name, 'date', lc.expires_on::text),
                '/licences/' || lc.id, 'licence-expiring:' || lc.id || ':' || lc.expires_on
           from licences lc
           join software s on s.id = lc.software_id
           cross join compliance_state st
           cross join lateral entity_lineage(lc.entity_id) l
           join role_grants g on g.entity_id = l.id and g.role = 'park_manager'
          where lc.expires_on between current_date and current_date + st.expiry_warning_days
         on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing"
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// Tell the park managers about each installation of forbidden software,
/// once per software and asset.
pub async fn alert_forbidden(pool: &PgPool) -> AppResult<u64> {
    Ok(sqlx::query!(
        "insert into notifications (user_id, message, args, link, dedupe_key)
         select distinct g.user_id, 'notify-forbidden-software',
                jsonb_build_object('software', s.name, 'tag', a.tag, 'name', a.name, 'user', coalesce(u.name, '')),
                '/assets/' || a.id, 'forbidden:' || s.id || ':' || a.id
           from software s
           join software_versions v on v.software_id = s.id
           join software_installations i on i.version_id = v.id
           join assets a on a.id = i.asset_id and not a.archived
           left join users u on u.id = a.assigned_user_id
           cross join lateral entity_lineage(a.entity_id) l
           join role_grants g on g.entity_id = l.id and g.role = 'park_manager'
          where s.forbidden
         on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing"
    )
    .execute(pool)
    .await?
    .rows_affected())
}
