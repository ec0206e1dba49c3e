//! All SQL of the helpdesk settings row and the priority matrix. Both are
//! saved from the version read, with their history under one object.

use chrono::Utc;
use sqlx::{PgConnection, PgPool};

use super::domain::{HelpdeskSettings, LEVELS, PriorityMatrix, SETTINGS_ID, SettingsInput};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::ObjectKind,
    error::{AppError, AppResult},
};

const KIND: ObjectKind = ObjectKind::HelpdeskSettings;

fn subject() -> Subject {
    Subject::new(KIND, SETTINGS_ID, None)
}

/// The stale-edit error naming who saved last (the settings row was made by
/// the migration, so before any save there is no one to name).
async fn stale(pool: &PgPool) -> AppError {
    match audit::stale_edit(pool, KIND, SETTINGS_ID).await {
        AppError::NotFound => AppError::StaleEdit { by: "system".into(), at: Utc::now() },
        other => other,
    }
}

pub async fn settings(pool: &PgPool) -> AppResult<HelpdeskSettings> {
    Ok(sqlx::query_as!(
        HelpdeskSettings,
        "select autoclose_days, survey_valid_days, version, updated_at from helpdesk_settings"
    )
    .fetch_one(pool)
    .await?)
}

pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &HelpdeskSettings,
    version: i64,
    input: &SettingsInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "update helpdesk_settings set autoclose_days = $2, survey_valid_days = $3, version = version + 1
          where version = $1",
        version,
        input.autoclose_days,
        input.survey_valid_days
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(stale(pool).await);
    }
    audit::record_change(&mut tx, actor, subject(), &SettingsInput::from(current), input).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn matrix(conn: &mut PgConnection) -> AppResult<PriorityMatrix> {
    let version = sqlx::query_scalar!("select matrix_version from helpdesk_settings").fetch_one(&mut *conn).await?;
    let cells = sqlx::query!("select urgency, impact, priority from priority_matrix").fetch_all(&mut *conn).await?;
    let mut priorities = [[3; LEVELS]; LEVELS];
    for cell in cells {
        let (Ok(u), Ok(i)) = (usize::try_from(cell.urgency - 1), usize::try_from(cell.impact - 1)) else { continue };
        if let Some(slot) = priorities.get_mut(u).and_then(|row| row.get_mut(i)) {
            *slot = cell.priority;
        }
    }
    Ok(PriorityMatrix { version, priorities })
}

/// Replace the whole matrix from `version`, in one transaction with its history.
pub async fn save_matrix(
    pool: &PgPool,
    actor: &AuditActor,
    version: i64,
    priorities: &[[i16; LEVELS]; LEVELS],
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let bumped = sqlx::query!(
        "update helpdesk_settings set matrix_version = matrix_version + 1 where matrix_version = $1",
        version
    )
    .execute(&mut *tx)
    .await?;
    if bumped.rows_affected() == 0 {
        return Err(stale(pool).await);
    }
    // Read under the settings row's lock: no one else saves meanwhile.
    let before = matrix(&mut tx).await?;
    let (mut urgencies, mut impacts, mut values) = (Vec::new(), Vec::new(), Vec::new());
    for (u, row) in (1i16..).zip(priorities) {
        for (i, priority) in (1i16..).zip(row) {
            urgencies.push(u);
            impacts.push(i);
            values.push(*priority);
        }
    }
    sqlx::query!(
        "insert into priority_matrix (urgency, impact, priority)
         select * from unnest($1::smallint[], $2::smallint[], $3::smallint[])
         on conflict (urgency, impact) do update set priority = excluded.priority",
        &urgencies,
        &impacts,
        &values
    )
    .execute(&mut *tx)
    .await?;
    let (before, after) = (PriorityMatrix::snapshot(&before.priorities), PriorityMatrix::snapshot(priorities));
    audit::record_change(&mut tx, actor, subject(), &before, &after).await?;
    tx.commit().await?;
    Ok(())
}
