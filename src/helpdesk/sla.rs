//! Service levels: which one applies to a ticket, and its due dates to own
//! and to resolve, counted in the working hours of the level's calendar with
//! the ticket's pending periods left out. Due dates are always recomputed from
//! the ticket's creation and its recorded pauses, so a change of service level
//! (another priority or category) keeps the paused time out.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{
    calendar::{Counted, Due, Pause, WorkingCalendar, french_holidays},
    notices::{self, Notice},
};
use crate::error::{AppError, AppResult};

/// A service level with its calendar, ready to compute.
#[derive(Clone, Debug)]
pub struct ServiceLevel {
    pub id: Uuid,
    pub name: String,
    pub calendar_name: String,
    pub calendar: WorkingCalendar,
    /// Minutes per priority (index 0 = priority 1).
    pub own_minutes: Vec<i32>,
    pub resolve_minutes: Vec<i32>,
    pub escalate_at: Vec<i16>,
}

/// The two delays of one priority, in seconds of working time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delays {
    pub own: i64,
    pub resolve: i64,
}

impl ServiceLevel {
    pub fn delays(&self, priority: i16) -> Delays {
        let index = usize::try_from(priority.clamp(1, 5) - 1).unwrap_or(0);
        let minutes = |list: &[i32]| i64::from(list.get(index).copied().unwrap_or(0)) * 60;
        Delays { own: minutes(&self.own_minutes), resolve: minutes(&self.resolve_minutes) }
    }
}

/// The due dates a ticket carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DueDates {
    pub own: Option<DateTime<Utc>>,
    pub resolve: Option<DateTime<Utc>>,
}

fn due_at(due: Due) -> Option<DateTime<Utc>> {
    match due {
        Due::At { due, .. } => Some(due),
        Due::Paused { .. } | Due::Never => None,
    }
}

/// Time to own runs from creation regardless of pauses (taking a ticket is
/// not something a requester can hold up); time to resolve leaves pauses out.
pub fn due_dates(level: &ServiceLevel, priority: i16, created_at: DateTime<Utc>, pauses: &[Pause]) -> DueDates {
    let delays = level.delays(priority);
    DueDates {
        own: due_at(level.calendar.due(created_at, delays.own, &[])),
        resolve: due_at(level.calendar.due(created_at, delays.resolve, pauses)),
    }
}

/// Holidays for the years a delay can span from `year`.
fn holidays(french: bool, closures: Vec<NaiveDate>, year: i32) -> BTreeSet<NaiveDate> {
    let mut days: BTreeSet<NaiveDate> = closures.into_iter().collect();
    if french {
        for y in year - 1..=year + 10 {
            days.extend(french_holidays(y));
        }
    }
    days
}

/// The row a service level is built from.
struct LevelRow {
    id: Uuid,
    name: String,
    own_minutes: Vec<i32>,
    resolve_minutes: Vec<i32>,
    escalate_at: Vec<i16>,
    calendar_name: String,
    time_zone: String,
    week: String,
    french_holidays: bool,
    closures: Vec<NaiveDate>,
}

impl LevelRow {
    fn build(self) -> AppResult<ServiceLevel> {
        let week = WorkingCalendar::parse_week(&self.week)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("calendar {} has a bad week: {e}", self.calendar_name)))?;
        let time_zone: Tz = self.time_zone.parse().unwrap_or(chrono_tz::Europe::Paris);
        let holidays = holidays(self.french_holidays, self.closures, Utc::now().year());
        Ok(ServiceLevel {
            id: self.id,
            name: self.name,
            calendar_name: self.calendar_name,
            calendar: WorkingCalendar { time_zone, week, holidays },
            own_minutes: self.own_minutes,
            resolve_minutes: self.resolve_minutes,
            escalate_at: self.escalate_at,
        })
    }
}

/// The service level that applies: the category's, else the default one of
/// the ticket's entity or of its nearest parent entity that has one.
pub async fn for_ticket(
    conn: &mut PgConnection,
    entity_id: Uuid,
    category_id: Option<Uuid>,
) -> AppResult<Option<ServiceLevel>> {
    let row = sqlx::query_as!(
        LevelRow,
        r#"select s.id, s.name, s.own_minutes, s.resolve_minutes, s.escalate_at, c.name as calendar_name,
                  c.time_zone, c.week, c.french_holidays,
                  array(select day from calendar_closures cc where cc.calendar_id = c.id) as "closures!"
             from slas s join calendars c on c.id = s.calendar_id
            where s.id = coalesce(
                    (select sla_id from ticket_categories where id = $2),
                    (select d.id from slas d join entity_lineage($1) up on up.id = d.entity_id
                      where d.is_default order by up.depth limit 1))"#,
        entity_id,
        category_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(LevelRow::build).transpose()
}

pub async fn load(conn: &mut PgConnection, id: Uuid) -> AppResult<ServiceLevel> {
    sqlx::query_as!(
        LevelRow,
        r#"select s.id, s.name, s.own_minutes, s.resolve_minutes, s.escalate_at, c.name as calendar_name,
                  c.time_zone, c.week, c.french_holidays,
                  array(select day from calendar_closures cc where cc.calendar_id = c.id) as "closures!"
             from slas s join calendars c on c.id = s.calendar_id where s.id = $1"#,
        id
    )
    .fetch_one(&mut *conn)
    .await?
    .build()
}

pub async fn pauses(conn: &mut PgConnection, ticket_id: Uuid) -> AppResult<Vec<Pause>> {
    let rows = sqlx::query!(
        "select started_at, ended_at from ticket_pauses where ticket_id = $1 order by started_at",
        ticket_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| Pause { start: r.started_at, end: r.ended_at }).collect())
}

/// Choose the service level again and recompute the due dates from the
/// ticket's creation and pauses, inside the caller's transaction.
pub async fn refresh(conn: &mut PgConnection, ticket_id: Uuid) -> AppResult<()> {
    let ticket = sqlx::query!(
        "select entity_id, category_id, priority, created_at from tickets where id = $1 for update",
        ticket_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let level = for_ticket(conn, ticket.entity_id, ticket.category_id).await?;
    let pauses = if level.is_some() { pauses(conn, ticket_id).await? } else { Vec::new() };
    let plan = Plan::of(level.as_ref(), ticket.priority, ticket.created_at, &pauses);
    sqlx::query!("delete from ticket_escalations where ticket_id = $1 and notified_at is null", ticket_id)
        .execute(&mut *conn)
        .await?;
    plan.schedule(conn, ticket_id).await?;
    sqlx::query!(
        "update tickets set sla_id = $2, own_due_at = $3, resolve_due_at = $4 where id = $1",
        ticket_id,
        plan.sla_id,
        plan.dues.own,
        plan.dues.resolve
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What a service level makes of a ticket: its due dates and escalation instants.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub sla_id: Option<Uuid>,
    pub dues: DueDates,
    escalations: Vec<Escalation>,
}

impl Plan {
    pub fn of(level: Option<&ServiceLevel>, priority: i16, created_at: DateTime<Utc>, pauses: &[Pause]) -> Self {
        match level {
            Some(level) => Plan {
                sla_id: Some(level.id),
                dues: due_dates(level, priority, created_at, pauses),
                escalations: escalations(level, priority, created_at, pauses),
            },
            None => Plan::default(),
        }
    }

    /// The escalation instants, for a statement that writes them with the ticket.
    pub fn escalation_columns(&self) -> EscalationColumns {
        EscalationColumns::of(&self.escalations)
    }

    /// Record the escalation instants (those not sent yet were removed first).
    pub async fn schedule(&self, conn: &mut PgConnection, ticket_id: Uuid) -> AppResult<()> {
        if self.escalations.is_empty() {
            return Ok(());
        }
        schedule(conn, ticket_id, &self.escalations).await
    }
}

/// When an escalation falls due: (resolve rather than own, percent, instant).
type Escalation = (bool, i16, DateTime<Utc>);

/// The instants each share of each delay runs out. Shares of the time to
/// resolve stand still while the ticket is pending (no instant then).
fn escalations(level: &ServiceLevel, priority: i16, created_at: DateTime<Utc>, pauses: &[Pause]) -> Vec<Escalation> {
    let delays = level.delays(priority);
    let mut due = Vec::new();
    for &percent in &level.escalate_at {
        let share = |delay: i64| delay * i64::from(percent) / 100;
        if let Some(at) = due_at(level.calendar.due(created_at, share(delays.own), &[])) {
            due.push((false, percent, at));
        }
        if let Some(at) = due_at(level.calendar.due(created_at, share(delays.resolve), pauses)) {
            due.push((true, percent, at));
        }
    }
    due
}

/// Escalation instants as the columns of `ticket_escalations`: target
/// ("own" or "resolve"), percent, due instant.
pub struct EscalationColumns {
    pub targets: Vec<&'static str>,
    pub percents: Vec<i16>,
    pub instants: Vec<DateTime<Utc>>,
}

impl EscalationColumns {
    fn of(escalations: &[Escalation]) -> Self {
        EscalationColumns {
            targets: escalations.iter().map(|(resolve, _, _)| if *resolve { "resolve" } else { "own" }).collect(),
            percents: escalations.iter().map(|(_, percent, _)| *percent).collect(),
            instants: escalations.iter().map(|(_, _, at)| *at).collect(),
        }
    }
}

/// Record the ticket's escalation instants.
async fn schedule(conn: &mut PgConnection, ticket_id: Uuid, escalations: &[Escalation]) -> AppResult<()> {
    let columns = EscalationColumns::of(escalations);
    sqlx::query!(
        "insert into ticket_escalations (ticket_id, target, percent, due_at)
         select $1, * from unnest($2::text[], $3::smallint[], $4::timestamptz[])
         on conflict (ticket_id, target, percent) do nothing",
        ticket_id,
        &columns.targets as &[&str],
        &columns.percents,
        &columns.instants
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Tell the supervisors about every escalation whose instant has passed, on
/// tickets still waiting for it (not yet owned; not solved, closed or pending).
pub async fn escalate_due(pool: &sqlx::PgPool) -> AppResult<serde_json::Value> {
    let mut tx = pool.begin().await?;
    let due = sqlx::query!(
        r#"update ticket_escalations e set notified_at = now()
             from tickets t
            where t.id = e.ticket_id and e.notified_at is null and e.due_at <= now()
              and t.status not in ('solved', 'closed', 'pending')
              and (e.target = 'resolve' or t.owned_at is null)
           returning e.ticket_id, e.target, e.percent"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let notices: Vec<_> = due
        .iter()
        .map(|row| (row.ticket_id, Notice::Escalation { resolve: row.target == "resolve", percent: row.percent }))
        .collect();
    notices::raise_many(&mut tx, &notices, None).await?;
    tx.commit().await?;
    Ok(serde_json::json!({ "escalations": due.len() }))
}

/// How a due date was computed, for the ticket page.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Explanation {
    pub sla_name: String,
    pub calendar_name: String,
    pub time_zone: String,
    pub priority: i16,
    pub own_minutes: i64,
    pub resolve_minutes: i64,
    pub start: DateTime<Utc>,
    /// Pending periods left out of the time to resolve.
    pub pauses: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    pub own: Steps,
    pub resolve: Steps,
}

/// The stretches of working time a delay was made of.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Steps {
    pub due: Option<DateTime<Utc>>,
    /// Seconds of working time left when the clock is stopped.
    pub paused_remaining: Option<i64>,
    pub counted: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

fn steps(due: Due) -> Steps {
    match due {
        Due::At { due, counted } => Steps {
            due: Some(due),
            paused_remaining: None,
            counted: counted.into_iter().map(|Counted { from, to }| (from, to)).collect(),
        },
        Due::Paused { remaining } => Steps { due: None, paused_remaining: Some(remaining), counted: Vec::new() },
        Due::Never => Steps { due: None, paused_remaining: None, counted: Vec::new() },
    }
}

pub async fn explain(
    conn: &mut PgConnection,
    ticket_id: Uuid,
    sla_id: Uuid,
    priority: i16,
    created_at: DateTime<Utc>,
) -> AppResult<Explanation> {
    let level = load(conn, sla_id).await?;
    let pauses = pauses(conn, ticket_id).await?;
    let delays = level.delays(priority);
    Ok(Explanation {
        sla_name: level.name.clone(),
        calendar_name: level.calendar_name.clone(),
        time_zone: level.calendar.time_zone.name().to_owned(),
        priority,
        own_minutes: delays.own / 60,
        resolve_minutes: delays.resolve / 60,
        start: created_at,
        pauses: pauses.iter().map(|p| (p.start, p.end)).collect(),
        own: steps(level.calendar.due(created_at, delays.own, &[])),
        resolve: steps(level.calendar.due(created_at, delays.resolve, &pauses)),
    })
}
