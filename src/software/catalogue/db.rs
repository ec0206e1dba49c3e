//! All SQL of the software catalogue and of manual installations.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{Installation, Software, SoftwareInput, VersionCount};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt, delete_refusal},
    web::list::{CsvRecord, Listing, SortKey, like_pattern},
};

const SELECT: &str = "s.id, s.name, s.publisher, s.category_id, sc.name as category_name, s.forbidden, s.notes,
    coalesce(usage.installs, 0)::bigint as installs,
    (select count(*) from software_versions v where v.software_id = s.id) as version_count,
    s.version, s.created_at, s.updated_at";
const FROM: &str = "from software s left join software_categories sc on sc.id = s.category_id";
const KIND: ObjectKind = ObjectKind::Software;

/// The installation count of each row within `scope`: a join the WHERE
/// clause brings, since the count depends on the reader's entities.
fn push_usage(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope) {
    qb.push(
        "left join lateral (select sum(u.installs)::bigint as installs from software_usage u
          where u.software_id = s.id and u.entity_id = any(",
    )
    .push_bind(scope.ids().to_vec())
    .push(")) usage on true ");
}

pub async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Software> {
    let mut query = QueryBuilder::new("select ");
    query.push(SELECT).push(" ").push(FROM).push(" ");
    push_usage(&mut query, scope);
    query.push("where s.id = ").push_bind(id);
    query.build_query_as().fetch_optional(pool).await?.ok_or(AppError::NotFound)
}

fn name_taken() -> AppError {
    AppError::field("name", "software-name-taken")
}

/// The category's foreign key: a category deleted while the form was open.
fn category_gone() -> AppError {
    AppError::field("category_id", "field-invalid-choice")
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &SoftwareInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into software (id, name, publisher, category_id, forbidden, notes) values ($1, $2, $3, $4, $5, $6)",
        id,
        input.name,
        input.publisher,
        input.category_id,
        input.forbidden,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("software_name_key", name_taken)
    .on_constraint("software_category_id_fkey", category_gone)?;
    audit::created(&mut tx, actor, Subject::new(KIND, id, None), input).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &Software,
    version: i64,
    input: &SoftwareInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "update software set name = $3, publisher = $4, category_id = $5, forbidden = $6, notes = $7, version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        input.name,
        input.publisher,
        input.category_id,
        input.forbidden,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("software_name_key", name_taken)
    .on_constraint("software_category_id_fkey", category_gone)?;
    let subject = Subject::new(KIND, current.id, None);
    audit::updated(&mut tx, pool, actor, subject, updated.rows_affected(), &SoftwareInput::from(current), input)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Delete an entry nothing is installed from; licences of it refuse the delete.
pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &Software, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let installed = sqlx::query_scalar!(
        r#"select exists (select 1 from software_versions v join software_installations i on i.version_id = v.id
                           where v.software_id = $1) as "installed!""#,
        current.id
    )
    .fetch_one(&mut *tx)
    .await?;
    if installed {
        return Err(AppError::InUse("in-use-software_installations".into()));
    }
    let deleted = sqlx::query!("delete from software where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await
        .map_err(|e| delete_refusal(e, "software"))?;
    let subject = Subject::new(KIND, current.id, None);
    audit::deleted(&mut tx, pool, actor, subject, deleted.rows_affected(), &SoftwareInput::from(current)).await?;
    tx.commit().await?;
    Ok(())
}

/// Leave the entries of a category without one (the category is being
/// deleted), each with its history row; a form open on one of them is stale.
pub async fn uncategorise(conn: &mut PgConnection, actor: &AuditActor, category: Uuid) -> AppResult<()> {
    let ids = sqlx::query_scalar!(
        "update software set category_id = null, version = version + 1 where category_id = $1 returning id",
        category
    )
    .fetch_all(&mut *conn)
    .await?;
    let before = json!({ "software_category_id": category });
    let after = json!({ "software_category_id": null });
    audit::changed_alike(conn, actor, KIND, &ids, &before, &after).await
}

/// When the compliance job last counted installations.
pub async fn counted_at(pool: &PgPool) -> AppResult<Option<DateTime<Utc>>> {
    Ok(sqlx::query_scalar!("select counted_at from compliance_state").fetch_one(pool).await?)
}

/// Each version with the assets in service carrying it within `scope`.
pub async fn versions(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Vec<VersionCount>> {
    Ok(sqlx::query_as!(
        VersionCount,
        r#"select v.id, v.version, count(a.id) as "installs!"
             from software_versions v
             left join software_installations i on i.version_id = v.id
             left join assets a on a.id = i.asset_id and a.entity_id = any($2) and not a.archived
            where v.software_id = $1
            group by v.id, v.version order by v.version"#,
        id,
        scope.ids()
    )
    .fetch_all(pool)
    .await?)
}

/// A page of the software's installations within `scope`, and their number.
pub async fn installations(
    pool: &PgPool,
    scope: &Scope,
    id: Uuid,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<Installation>, i64)> {
    let items = sqlx::query_as!(
        Installation,
        r#"select a.id as asset_id, a.tag, a.name as asset_name, a.entity_id, u.name as "assigned_to?",
                  v.id as version_id, v.version, i.arch, i.install_date, i.source, i.created_at as since
             from software_versions v
             join software_installations i on i.version_id = v.id
             join assets a on a.id = i.asset_id
             left join users u on u.id = a.assigned_user_id
            where v.software_id = $1 and a.entity_id = any($2)
            order by a.tag, v.version, i.arch limit $3 offset $4"#,
        id,
        scope.ids(),
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"select count(*) as "count!" from software_versions v
             join software_installations i on i.version_id = v.id
             join assets a on a.id = i.asset_id
            where v.software_id = $1 and a.entity_id = any($2)"#,
        id,
        scope.ids()
    )
    .fetch_one(pool)
    .await?;
    Ok((items, total))
}

fn line(name: &str, version: &str) -> String {
    if version.is_empty() { name.to_owned() } else { format!("{name} {version}") }
}

/// Record an installation no agent reports; its version is added to the
/// catalogue if new. Refused when the asset already carries that version.
pub async fn add_manual(
    pool: &PgPool,
    actor: &AuditActor,
    asset: (Uuid, Uuid),
    software: &Software,
    version: &str,
    install_date: Option<NaiveDate>,
) -> AppResult<()> {
    let (asset_id, entity_id) = asset;
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "insert into software_versions (software_id, version) values ($1, $2) on conflict (software_id, version) do nothing",
        software.id,
        version
    )
    .execute(&mut *tx)
    .await?;
    let added = sqlx::query!(
        "insert into software_installations (asset_id, version_id, arch, install_date, source, added_by)
         select $1, v.id, '', $4, 'manual', $5 from software_versions v where v.software_id = $2 and v.version = $3
         on conflict (asset_id, version_id, arch) do nothing",
        asset_id,
        software.id,
        version,
        install_date,
        actor.id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if added == 0 {
        return Err(AppError::Conflict("this version is already installed on the asset".into()));
    }
    let subject = Subject::new(ObjectKind::Asset, asset_id, Some(entity_id));
    let entry = format!("{} ({})", line(&software.name, version), "manual");
    audit::record_change(&mut tx, actor, subject, &json!({"software": null}), &json!({"software": entry})).await?;
    tx.commit().await?;
    Ok(())
}

/// Take a manual installation off an asset (agents' findings come back at
/// the next inventory, so only manual ones are removed by hand).
pub async fn remove_manual(pool: &PgPool, actor: &AuditActor, asset: (Uuid, Uuid), version_id: Uuid) -> AppResult<()> {
    let (asset_id, entity_id) = asset;
    let mut tx = pool.begin().await?;
    let removed = sqlx::query!(
        "delete from software_installations i using software_versions v, software s
          where i.asset_id = $1 and i.version_id = $2 and i.source = 'manual' and v.id = i.version_id and s.id = v.software_id
          returning s.name, v.version",
        asset_id,
        version_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let subject = Subject::new(ObjectKind::Asset, asset_id, Some(entity_id));
    let entry = format!("{} ({})", line(&removed.name, &removed.version), "manual");
    audit::record_change(&mut tx, actor, subject, &json!({"software": entry}), &json!({"software": null})).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct SoftwareFilter {
    /// A category, with those below it.
    pub category_id: Option<Uuid>,
    pub forbidden: Option<bool>,
    pub installed: Option<bool>,
}

#[derive(Clone, Copy, Debug)]
pub enum SoftwareSort {
    Name,
    Publisher,
    Category,
    Installs,
    Updated,
}

impl SortKey for SoftwareSort {
    const ALL: &'static [Self] = &[Self::Name, Self::Publisher, Self::Category, Self::Installs, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Publisher => "publisher",
            Self::Category => "category",
            Self::Installs => "installs",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "lower(s.name)",
            Self::Publisher => "lower(s.publisher)",
            Self::Category => "lower(sc.name)",
            Self::Installs => "coalesce(usage.installs, 0)",
            Self::Updated => "s.updated_at",
        }
    }
}

pub struct SoftwareList;

impl Listing for SoftwareList {
    type Row = Software;
    type Filter = SoftwareFilter;
    type Sort = SoftwareSort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from software s";
    const TIEBREAK: &'static str = "s.id";

    /// The catalogue is shared by every entity; the installation counts are
    /// the reader's entities' own.
    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filter: &SoftwareFilter, q: Option<&str>) {
        push_usage(qb, scope);
        qb.push("where true");
        if let Some(q) = q {
            let pattern = like_pattern(q);
            qb.push(" and (s.name ilike ").push_bind(pattern.clone());
            qb.push(" or s.publisher ilike ").push_bind(pattern).push(")");
        }
        if let Some(category) = filter.category_id {
            qb.push(
                " and s.category_id in (with recursive below (id, depth) as (
                     select id, 0 from software_categories where id = ",
            )
            .push_bind(category)
            .push(
                " union all select c.id, b.depth + 1 from software_categories c join below b on c.parent_id = b.id
                     where b.depth < 50) select id from below)",
            );
        }
        if let Some(forbidden) = filter.forbidden {
            qb.push(" and s.forbidden = ").push_bind(forbidden);
        }
        match filter.installed {
            Some(true) => qb.push(" and usage.installs > 0"),
            Some(false) => qb.push(" and coalesce(usage.installs, 0) = 0"),
            None => qb,
        };
    }
}

impl CsvRecord for Software {
    fn csv_header() -> &'static [&'static str] {
        &["id", "name", "publisher", "category", "forbidden", "installs", "versions", "notes", "updated_at"]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.publisher.clone(),
            self.category_name.clone().unwrap_or_default(),
            self.forbidden.to_string(),
            self.installs.to_string(),
            self.version_count.to_string(),
            self.notes.clone(),
            self.updated_at.to_rfc3339(),
        ]
    }
}
