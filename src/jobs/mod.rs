//! Background work: a queue in PostgreSQL. A job is claimed with
//! `FOR UPDATE SKIP LOCKED`, so any number of `parc serve` processes share the
//! queue and no job runs twice at once. A job whose server died is claimed
//! again once its heartbeat is old; recurring jobs (reminders) queue their
//! next run when they finish.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    notify::mail::{self, Mailer},
};

/// What jobs reach beyond the database.
#[derive(Clone, Default)]
pub struct Services {
    /// None when no SMTP server is configured: mail stays in the outbox.
    pub mailer: Option<Arc<Mailer>>,
}

/// How long a running job may go without a heartbeat before another server takes it over.
const STALE_AFTER_SECONDS: f64 = 300.0;
/// Attempts before a job that keeps failing is left failed.
const MAX_ATTEMPTS: i32 = 3;
/// How often an idle worker looks at the queue.
const IDLE_POLL: Duration = Duration::from_secs(2);

/// A job as a worker runs it.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: Uuid,
    pub kind: String,
    pub payload: Value,
    pub attempts: i32,
}

/// A job as its page and the API show it (an import's progress bar).
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct JobStatus {
    pub id: Uuid,
    pub kind: String,
    /// queued, running, done or failed.
    pub state: String,
    pub done_count: i64,
    pub total_count: Option<i64>,
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    pub error: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl JobStatus {
    /// Percent done, when the total is known.
    pub fn percent(&self) -> Option<i64> {
        self.total_count.filter(|t| *t > 0).map(|total| (self.done_count * 100 / total).clamp(0, 100))
    }

    pub fn finished(&self) -> bool {
        matches!(self.state.as_str(), "done" | "failed")
    }
}

/// The recurring jobs every Parc runs, and how long between two runs.
const RECURRING: [(&str, i64); 6] = [
    (crate::assets::register::reminders::KIND, 3600),
    (HOUSEKEEPING, 3600),
    (crate::helpdesk::AUTOCLOSE, 3600),
    // Escalations tell supervisors in time, so they run often.
    (crate::helpdesk::ESCALATIONS, 300),
    (mail::KIND, 30),
    // Licence compliance: installations counted, alerts raised.
    (crate::software::compliance::KIND, crate::software::compliance::EVERY_SECONDS),
];

/// The job that forgets what is no longer needed.
const HOUSEKEEPING: &str = "housekeeping";

/// Idempotency keys after a day, finished jobs after 30 days (runs of
/// recurring jobs after a day), uploaded files a week after upload, sent mail
/// after 30 days and mail given up after 90, refused inventories after 90 days.
async fn housekeeping(pool: &PgPool) -> AppResult<Value> {
    let keys = sqlx::query!("delete from idempotency_keys where created_at < now() - interval '1 day'")
        .execute(pool)
        .await?
        .rows_affected();
    let jobs = sqlx::query!(
        "delete from jobs where state in ('done', 'failed')
                and finished_at < now() - case when recurring then interval '1 day' else interval '30 days' end"
    )
    .execute(pool)
    .await?
    .rows_affected();
    let files = sqlx::query!(
        "delete from import_chunks where import_id in (select id from imports where created_at < now() - interval '7 days')"
    )
    .execute(pool)
    .await?
    .rows_affected();
    let mails = sqlx::query!(
        "delete from mail_outbox where (state = 'sent' and sent_at < now() - interval '30 days')
            or (state = 'failed' and created_at < now() - interval '90 days')"
    )
    .execute(pool)
    .await?
    .rows_affected();
    let refused = sqlx::query!("delete from inventory_refused where created_at < now() - interval '90 days'")
        .execute(pool)
        .await?
        .rows_affected();
    Ok(serde_json::json!({
        "idempotency_keys": keys, "jobs": jobs, "file_chunks": files, "mails": mails, "refused_inventories": refused
    }))
}

/// Queue a job now; its id.
pub async fn enqueue(
    conn: &mut sqlx::PgConnection,
    kind: &str,
    payload: &Value,
    created_by: Option<Uuid>,
) -> AppResult<Uuid> {
    Ok(sqlx::query_scalar!(
        "insert into jobs (kind, payload, created_by) values ($1, $2, $3) returning id",
        kind,
        payload,
        created_by
    )
    .fetch_one(conn)
    .await?)
}

/// Queue a job unless one of its kind is waiting or running (one at a time
/// across all servers); the id of the job queued or found, and whether it is new.
pub async fn enqueue_once(
    pool: &PgPool,
    kind: &str,
    payload: &Value,
    created_by: Option<Uuid>,
) -> AppResult<(Uuid, bool)> {
    let mut tx = pool.begin().await?;
    // Two people asking at once: the second waits, then finds the first's job.
    sqlx::query!("select pg_advisory_xact_lock(hashtext('jobs:' || $1))", kind).execute(&mut *tx).await?;
    let pending = sqlx::query_scalar!(
        "select id from jobs where kind = $1 and state in ('queued', 'running') order by created_at limit 1",
        kind
    )
    .fetch_optional(&mut *tx)
    .await?;
    let queued = match pending {
        Some(id) => (id, false),
        None => (enqueue(&mut tx, kind, payload, created_by).await?, true),
    };
    tx.commit().await?;
    Ok(queued)
}

/// Queue each recurring job that has no pending run (one per kind across all servers).
pub async fn schedule_recurring(pool: &PgPool) -> AppResult<()> {
    for (kind, _) in RECURRING {
        sqlx::query!(
            "insert into jobs (kind, recurring) values ($1, true)
             on conflict (kind) where recurring and state in ('queued', 'running') do nothing",
            kind
        )
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// Take the next due job for `worker`, or None when the queue is empty.
pub async fn claim(pool: &PgPool, worker: &str) -> AppResult<Option<Job>> {
    let row = sqlx::query!(
        "update jobs set state = 'running', claimed_by = $1, claimed_at = now(), attempts = attempts + 1
          where id = (select id from jobs
                       where (state = 'queued' and run_at <= now())
                          or (state = 'running' and claimed_at < now() - make_interval(secs => $2))
                       order by run_at limit 1 for update skip locked)
          returning id, kind, payload, attempts",
        worker,
        STALE_AFTER_SECONDS
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Job { id: r.id, kind: r.kind, payload: r.payload, attempts: r.attempts }))
}

/// Record progress (and that the worker is alive).
pub async fn progress(pool: &PgPool, id: Uuid, done: i64, total: Option<i64>) -> AppResult<()> {
    sqlx::query!(
        "update jobs set done_count = $2, total_count = coalesce($3, total_count), claimed_at = now() where id = $1",
        id,
        done,
        total
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Close a job with its result; a recurring job queues its next run.
async fn finish(pool: &PgPool, job: &Job, outcome: Result<Value, String>) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let (state, result, error) = match outcome {
        Ok(result) => ("done", Some(result), None),
        // A failure is tried again later, up to MAX_ATTEMPTS.
        Err(error) if job.attempts < MAX_ATTEMPTS => ("queued", None, Some(error)),
        Err(error) => ("failed", None, Some(error)),
    };
    let recurring = sqlx::query_scalar!(
        "update jobs set state = $2, result = $3, error = $4,
                finished_at = case when $2 in ('done', 'failed') then now() end,
                run_at = case when $2 = 'queued' then now() + interval '1 minute' else run_at end
          where id = $1 returning recurring",
        job.id,
        state,
        result,
        error
    )
    .fetch_one(&mut *tx)
    .await?;
    if recurring && state != "queued" {
        let every = RECURRING.iter().find(|(kind, _)| *kind == job.kind).map(|(_, seconds)| *seconds).unwrap_or(3600);
        sqlx::query!(
            "insert into jobs (kind, recurring, run_at) values ($1, true, now() + make_interval(secs => $2))
             on conflict (kind) where recurring and state in ('queued', 'running') do nothing",
            job.kind,
            every as f64
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Do one job's work.
async fn perform(pool: &PgPool, services: &Services, job: &Job) -> AppResult<Value> {
    match job.kind.as_str() {
        crate::assets::register::reminders::KIND => crate::assets::register::reminders::run(pool).await,
        crate::imports::KIND => crate::imports::run_job(pool, job).await,
        HOUSEKEEPING => housekeeping(pool).await,
        crate::helpdesk::AUTOCLOSE => crate::helpdesk::db::autoclose(pool).await,
        crate::helpdesk::ESCALATIONS => crate::helpdesk::sla::escalate_due(pool).await,
        mail::KIND => mail::send_due(pool, services.mailer.as_deref()).await,
        crate::software::compliance::KIND => crate::software::compliance::run(pool).await,
        crate::software::dictionary::replay::KIND => crate::software::dictionary::replay::run(pool, job).await,
        other => Err(AppError::Internal(anyhow::anyhow!("unknown job kind {other}"))),
    }
}

/// Claim and run the next due job; false when there was none.
pub async fn run_next(pool: &PgPool, services: &Services, worker: &str) -> AppResult<bool> {
    let Some(job) = claim(pool, worker).await? else { return Ok(false) };
    let outcome = perform(pool, services, &job).await;
    if let Err(error) = &outcome {
        tracing::warn!(job = %job.id, kind = %job.kind, %error, "job failed");
    }
    finish(pool, &job, outcome.map_err(|e| e.to_string())).await?;
    Ok(true)
}

/// The status of a job, if `user` started it (or anyone, for admins: `user` None).
pub async fn status(pool: &PgPool, id: Uuid, user: Option<Uuid>) -> AppResult<JobStatus> {
    sqlx::query_as!(
        JobStatus,
        "select id, kind, state, done_count, total_count, result, error, created_by, created_at, finished_at
           from jobs where id = $1 and ($2::uuid is null or created_by = $2)",
        id,
        user
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)
}

/// The newest job of `kind`, whoever started it.
pub async fn latest(pool: &PgPool, kind: &str) -> AppResult<Option<JobStatus>> {
    Ok(sqlx::query_as!(
        JobStatus,
        "select id, kind, state, done_count, total_count, result, error, created_by, created_at, finished_at
           from jobs where kind = $1 order by created_at desc, id desc limit 1",
        kind
    )
    .fetch_optional(pool)
    .await?)
}

/// The worker of one `parc serve`: runs jobs until the process stops.
pub fn spawn_worker(pool: PgPool, services: Services) -> tokio::task::JoinHandle<()> {
    let worker = format!("{}-{}", std::process::id(), Uuid::now_v7());
    tokio::spawn(async move {
        if let Err(error) = schedule_recurring(&pool).await {
            tracing::warn!(%error, "cannot schedule the recurring jobs");
        }
        loop {
            match run_next(&pool, &services, &worker).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, "job queue unavailable"),
            }
            tokio::time::sleep(IDLE_POLL).await;
        }
    })
}
