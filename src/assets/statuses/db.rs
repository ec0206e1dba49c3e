//! All SQL of asset statuses.

use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{AssetStatus, StatusInput, StatusKind};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt, delete_refusal},
    web::list::{CsvRecord, Listing, SortKey, like_pattern},
};

const SELECT: &str = "s.id, s.name, s.kind, s.notes, s.version, s.created_at, s.updated_at";
const FROM: &str = "from asset_statuses s";
const KIND: ObjectKind = ObjectKind::AssetStatus;

pub async fn find(pool: &PgPool, id: Uuid) -> AppResult<AssetStatus> {
    sqlx::query_as!(
        AssetStatus,
        r#"select id, name, kind as "kind: StatusKind", notes, version, created_at, updated_at from asset_statuses where id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)
}

fn name_taken() -> AppError {
    AppError::field("name", "name-taken")
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &StatusInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into asset_statuses (id, name, kind, notes) values ($1, $2, $3, $4)",
        id,
        input.name,
        input.kind as StatusKind,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("asset_statuses_name_key", name_taken)?;
    audit::created(&mut tx, actor, Subject::new(KIND, id, None), input).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &AssetStatus,
    version: i64,
    input: &StatusInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "update asset_statuses set name = $3, kind = $4, notes = $5, version = version + 1 where id = $1 and version = $2",
        current.id,
        version,
        input.name,
        input.kind as StatusKind,
        input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint("asset_statuses_name_key", name_taken)?;
    let subject = Subject::new(KIND, current.id, None);
    audit::updated(&mut tx, pool, actor, subject, updated.rows_affected(), &StatusInput::from(current), input).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &AssetStatus, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let deleted = sqlx::query!("delete from asset_statuses where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await
        .map_err(|e| delete_refusal(e, "asset_statuses"))?;
    let subject = Subject::new(KIND, current.id, None);
    audit::deleted(&mut tx, pool, actor, subject, deleted.rows_affected(), &StatusInput::from(current)).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct StatusFilter {
    pub kind: Option<StatusKind>,
}

#[derive(Clone, Copy, Debug)]
pub enum StatusSort {
    Name,
    Kind,
    Updated,
}

impl SortKey for StatusSort {
    const ALL: &'static [Self] = &[Self::Name, Self::Kind, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Kind => "kind",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "s.name",
            Self::Kind => "s.kind",
            Self::Updated => "s.updated_at",
        }
    }
}

pub struct StatusList;

impl Listing for StatusList {
    type Row = AssetStatus;
    type Filter = StatusFilter;
    type Sort = StatusSort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = FROM;
    const TIEBREAK: &'static str = "s.id";

    /// Shared by every entity: the handler checks the permission, not a scope.
    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, _scope: &Scope, filter: &StatusFilter, q: Option<&str>) {
        qb.push("where true");
        if let Some(kind) = filter.kind {
            qb.push(" and s.kind = ").push_bind(kind);
        }
        if let Some(q) = q {
            qb.push(" and s.name ilike ").push_bind(like_pattern(q));
        }
    }
}

impl CsvRecord for AssetStatus {
    fn csv_header() -> &'static [&'static str] {
        &["id", "name", "kind", "notes", "updated_at"]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.kind.as_str().to_owned(),
            self.notes.clone(),
            self.updated_at.to_rfc3339(),
        ]
    }
}
