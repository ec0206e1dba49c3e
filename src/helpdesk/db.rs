//! All SQL of tickets and their timeline. Every read goes through the
//! viewer's visibility ([`push_visible`]); every status change goes through
//! [`transition`], which locks the ticket and computes the next status from
//! what it is now.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::{
    Viewer,
    domain::{Event, Refused, Status, Ticket, TicketInput, TimelineItem, Workload, next_status},
    notices::{self, Notice},
    sla,
};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult},
    web::list::{CsvRecord, Listing, SortKey, like_pattern},
};

pub const SELECT: &str = "t.id, t.number, t.entity_id, en.name as entity_name, t.kind, t.title, t.description,
    t.requester_id, ru.name as requester_name, t.created_by_id, t.category_id, tc.name as category_name,
    t.urgency, t.impact, t.priority, t.status, t.pending_reason, t.source, t.sla_id, s.name as sla_name,
    t.own_due_at, t.resolve_due_at, t.owned_at, t.solved_at, t.closed_at,
    coalesce((select string_agg(n.name, ', ' order by n.name) from (
        select u.name from users u where u.id = any(t.assignee_ids)
        union all select g.name from groups g where g.id = any(t.group_ids)) n), '') as assignees,
    t.version, t.created_at, t.updated_at";
pub const FROM: &str = "from tickets t join entities en on en.id = t.entity_id join users ru on ru.id = t.requester_id
    left join ticket_categories tc on tc.id = t.category_id left join slas s on s.id = t.sla_id";

/// Tickets of the helpdesk's entities, plus the ones the person asked for,
/// typed for someone, or watches.
pub fn push_visible(qb: &mut QueryBuilder<'_, Postgres>, viewer: &Viewer) {
    qb.push("(t.entity_id = any(")
        .push_bind(viewer.helpdesk.ids().to_vec())
        .push(") or t.requester_id = ")
        .push_bind(viewer.id)
        .push(" or t.created_by_id = ")
        .push_bind(viewer.id)
        .push(" or t.id = any(array(select ticket_id from ticket_people where role = 'watcher' and user_id = ")
        .push_bind(viewer.id)
        .push(")))");
}

pub async fn find(pool: &PgPool, viewer: &Viewer, id: Uuid) -> AppResult<Ticket> {
    let mut qb = QueryBuilder::new(format!("select {SELECT} {FROM} where t.id = "));
    qb.push_bind(id).push(" and ");
    push_visible(&mut qb, viewer);
    qb.build_query_as().fetch_optional(pool).await?.ok_or(AppError::NotFound)
}

/// The priority the matrix gives to an urgency and an impact.
/// The priority when the matrix has no cell for an urgency and impact.
const DEFAULT_PRIORITY: i16 = 3;

pub async fn priority_of(conn: &mut PgConnection, urgency: i16, impact: i16) -> AppResult<i16> {
    let priority =
        sqlx::query_scalar!("select priority from priority_matrix where urgency = $1 and impact = $2", urgency, impact)
            .fetch_optional(conn)
            .await?;
    Ok(priority.unwrap_or(DEFAULT_PRIORITY))
}

/// (id, name) of the categories offered on the portal to people of `entity`:
/// those of the entity and of the entities above it.
pub async fn portal_categories(pool: &PgPool, entity: Uuid) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"select c.id, c.name from ticket_categories c
            where c.on_portal and c.entity_id in (select id from entity_lineage($1)) order by c.name"#,
        entity
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
}

/// A ticket to open, beyond its editable fields.
#[derive(Clone, Debug, Default)]
pub struct Opening {
    pub assets: Vec<Uuid>,
    pub watchers: Vec<Uuid>,
}

#[derive(Serialize)]
struct Snapshot<'a> {
    #[serde(flatten)]
    input: &'a TicketInput,
    priority: i16,
    status: Status,
}

/// Open a ticket: its number, priority, the category's group and the
/// service level's due dates. The ticket, its team, people, assets,
/// escalation instants, history and notice are one statement, atomic
/// without a transaction around it.
pub async fn insert(
    pool: &PgPool,
    actor: &AuditActor,
    input: &TicketInput,
    opening: &Opening,
) -> AppResult<(Uuid, i64)> {
    let mut conn = pool.acquire().await?;
    let facts = sqlx::query!(
        r#"select coalesce((select priority from priority_matrix where urgency = $1 and impact = $2), $4) as "priority!",
                  (select group_id from ticket_categories where id = $3) as group_id"#,
        input.urgency,
        input.impact,
        input.category_id,
        DEFAULT_PRIORITY
    )
    .fetch_one(&mut *conn)
    .await?;
    let (priority, group) = (facts.priority, facts.group_id);
    // The category's team takes it at once.
    let status = if group.is_some() { Status::Assigned } else { Status::New };
    let created_at = Utc::now();
    let level = sla::for_ticket(&mut conn, input.entity_id, input.category_id).await?;
    let plan = sla::Plan::of(level.as_ref(), priority, created_at, &[]);
    let escalations = plan.escalation_columns();
    let id = Uuid::now_v7();
    let history = audit::creation_changes(&Snapshot { input, priority, status })?;
    let notice = Notice::Created.columns(id);
    let number = sqlx::query_scalar!(
        r#"with made as (
               insert into tickets (id, entity_id, kind, title, description, requester_id, created_by_id, category_id,
                                    urgency, impact, priority, source, status, sla_id, own_due_at, resolve_due_at,
                                    created_at, assigned, group_ids)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
               returning id, number),
             team as (insert into ticket_groups (ticket_id, group_id) select made.id, unnest($19) from made),
             opened as (insert into ticket_events (ticket_id, actor_id, old_status, new_status, reason)
                        select made.id, $7, null, $13, '' from made),
             watching as (insert into ticket_people (ticket_id, user_id, role)
                          select made.id, unnest($20::uuid[]), 'watcher' from made on conflict do nothing),
             concerning as (insert into ticket_assets (ticket_id, asset_id)
                            select made.id, unnest($21::uuid[]) from made on conflict do nothing),
             escalating as (insert into ticket_escalations (ticket_id, target, percent, due_at)
                            select made.id, e.* from made, unnest($22::text[], $23::smallint[], $24::timestamptz[]) e
                            on conflict (ticket_id, target, percent) do nothing),
             recorded as (insert into audit_log (actor_id, actor_label, source, request_id, object_kind, object_id,
                                                 entity_id, action, changes)
                          select $7, $25, $26, $27, 'ticket', made.id, $2, 'create', $28 from made),
             told as (insert into ticket_notices (ticket_id, message, mail_event, mail_message, to_requester,
                                                  to_requester_side, to_helpdesk_side, to_supervisors, private, percent,
                                                  file_name, dedupe_key, actor_id)
                      select made.id, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $7 from made)
           select number as "number!" from made"#,
        id,
        input.entity_id,
        input.kind.as_str(),
        &input.title,
        &input.description,
        input.requester_id,
        actor.id,
        input.category_id,
        input.urgency,
        input.impact,
        priority,
        input.source.as_str(),
        status.as_str(),
        plan.sla_id,
        plan.dues.own,
        plan.dues.resolve,
        created_at,
        group.is_some(),
        &Vec::from_iter(group),
        &opening.watchers,
        &opening.assets,
        &escalations.targets as &[&str],
        &escalations.percents,
        &escalations.instants,
        actor.label,
        actor.source.as_str(),
        actor.request_id,
        history,
        notice.message,
        notice.mail_event,
        notice.mail_message,
        notice.to_requester,
        notice.to_requester_side,
        notice.to_helpdesk_side,
        notice.to_supervisors,
        notice.private,
        notice.percent,
        notice.file_name,
        notice.dedupe_key
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, number))
}

/// Change the ticket's own fields from `version`; priority and due dates follow.
pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &Ticket,
    version: i64,
    input: &TicketInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let priority = priority_of(&mut tx, input.urgency, input.impact).await?;
    let updated = sqlx::query!(
        "update tickets set entity_id = $3, kind = $4, title = $5, description = $6, requester_id = $7, category_id = $8,
                urgency = $9, impact = $10, priority = $11, source = $12, version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        input.entity_id,
        input.kind.as_str(),
        &input.title,
        &input.description,
        input.requester_id,
        input.category_id,
        input.urgency,
        input.impact,
        priority,
        input.source.as_str()
    )
    .execute(&mut *tx)
    .await?;
    let subject = Subject::new(ObjectKind::Ticket, current.id, Some(input.entity_id));
    let before = Snapshot { input: &TicketInput::from(current), priority: current.priority, status: current.status };
    let after = Snapshot { input, priority, status: current.status };
    audit::updated(&mut tx, pool, actor, subject, updated.rows_affected(), &before, &after).await?;
    if priority != current.priority || input.category_id != current.category_id || input.entity_id != current.entity_id
    {
        sla::refresh(&mut tx, current.id).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn add_people(conn: &mut PgConnection, ticket: Uuid, people: &[Uuid], role: &str) -> AppResult<()> {
    sqlx::query!(
        "insert into ticket_people (ticket_id, user_id, role) select $1, unnest($2::uuid[]), $3 on conflict do nothing",
        ticket,
        people,
        role
    )
    .execute(conn)
    .await?;
    Ok(())
}

async fn record_event(
    conn: &mut PgConnection,
    ticket: Uuid,
    actor: Option<Uuid>,
    old: Option<Status>,
    new: Status,
    reason: &str,
) -> AppResult<()> {
    sqlx::query!(
        "insert into ticket_events (ticket_id, actor_id, old_status, new_status, reason) values ($1, $2, $3, $4, $5)",
        ticket,
        actor,
        old.map(Status::as_str),
        new.as_str(),
        reason
    )
    .execute(conn)
    .await?;
    Ok(())
}

async fn workload(conn: &mut PgConnection, ticket: Uuid) -> AppResult<Workload> {
    let row = sqlx::query!(
        r#"select (select assigned from tickets where id = $1) as "assigned!",
                  exists (select 1 from ticket_tasks where ticket_id = $1 and state = 'todo' and planned_start is not null) as "planned!""#,
        ticket
    )
    .fetch_one(conn)
    .await?;
    Ok(Workload { assigned: row.assigned, planned: row.planned })
}

#[derive(Serialize)]
struct StatusSnapshot<'a> {
    status: Status,
    pending_reason: &'a str,
}

/// Apply `event` to the ticket, inside the caller's transaction: lock it,
/// compute the next status from its current one (refused when the event does
/// not apply), keep the SLA clock's pauses, and record the change.
/// `owning` marks the ticket as taken in charge (a technician acted on it).
pub async fn transition(
    conn: &mut PgConnection,
    actor: &AuditActor,
    ticket: Uuid,
    event: Event,
    reason: &str,
    owning: bool,
) -> AppResult<Status> {
    let row = sqlx::query!("select status, pending_reason, entity_id from tickets where id = $1 for update", ticket)
        .fetch_one(&mut *conn)
        .await?;
    let current = Status::parse(&row.status).ok_or_else(|| anyhow::anyhow!("unknown ticket status {}", row.status))?;
    let work = workload(conn, ticket).await?;
    let next = next_status(current, event, work).map_err(|Refused(key)| AppError::Refused(key))?;
    if next == current && !owning {
        return Ok(next);
    }
    let pending_reason = if next == Status::Pending { reason } else { "" };
    sqlx::query!(
        "update tickets set status = $2, pending_reason = $3,
                owned_at = case when $4 then coalesce(owned_at, now()) else owned_at end,
                solved_at = case when $2 = 'solved' then now() when $2 in ('closed') then solved_at end,
                closed_at = case when $2 = 'closed' then now() end,
                version = version + case when status <> $2 then 1 else 0 end
          where id = $1",
        ticket,
        next.as_str(),
        pending_reason,
        owning
    )
    .execute(&mut *conn)
    .await?;
    if next == current {
        return Ok(next);
    }
    keep_pauses(conn, ticket, current, next).await?;
    record_event(conn, ticket, actor.id, Some(current), next, reason).await?;
    let subject = Subject::new(ObjectKind::Ticket, ticket, Some(row.entity_id));
    let before = StatusSnapshot { status: current, pending_reason: &row.pending_reason };
    audit::record_change(conn, actor, subject, &before, &StatusSnapshot { status: next, pending_reason }).await?;
    match next {
        Status::Solved => {
            notices::raise(conn, ticket, Notice::Solved, actor.id).await?;
        }
        Status::Closed => {
            notices::raise(conn, ticket, Notice::Closed, actor.id).await?;
            if open_survey(conn, ticket).await? {
                notices::raise(conn, ticket, Notice::Survey, actor.id).await?;
            }
        }
        _ => {}
    }
    Ok(next)
}

/// Pending stops the resolution clock; leaving it starts it again and moves
/// the due date by the working time spent waiting.
async fn keep_pauses(conn: &mut PgConnection, ticket: Uuid, current: Status, next: Status) -> AppResult<()> {
    if next == Status::Pending {
        sqlx::query!(
            "insert into ticket_pauses (ticket_id, started_at) values ($1, now()) on conflict do nothing",
            ticket
        )
        .execute(&mut *conn)
        .await?;
    } else if current == Status::Pending {
        sqlx::query!("update ticket_pauses set ended_at = now() where ticket_id = $1 and ended_at is null", ticket)
            .execute(&mut *conn)
            .await?;
    }
    if next == Status::Pending || current == Status::Pending {
        sla::refresh(conn, ticket).await?;
    }
    Ok(())
}

/// Ask the requester of a ticket just closed how it went (once per ticket);
/// false when they were asked already.
async fn open_survey(conn: &mut PgConnection, ticket: Uuid) -> AppResult<bool> {
    let opened = sqlx::query!(
        "insert into satisfaction_surveys (ticket_id, requester_id, expires_at)
         select t.id, t.requester_id, now() + make_interval(days => s.survey_valid_days)
           from tickets t cross join helpdesk_settings s where t.id = $1
         on conflict (ticket_id) do nothing",
        ticket
    )
    .execute(conn)
    .await?;
    Ok(opened.rows_affected() == 1)
}

/// A ticket's survey, as its page shows it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Survey {
    pub ticket_id: Uuid,
    pub requester_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub rating: Option<i16>,
    pub comment: String,
    pub answered_at: Option<DateTime<Utc>>,
}

impl Survey {
    /// Open for an answer: not answered yet and not expired.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.answered_at.is_none() && self.expires_at > now
    }
}

pub async fn survey(pool: &PgPool, ticket: Uuid) -> AppResult<Option<Survey>> {
    Ok(sqlx::query_as!(
        Survey,
        "select ticket_id, requester_id, created_at, expires_at, rating, comment, answered_at
           from satisfaction_surveys where ticket_id = $1",
        ticket
    )
    .fetch_optional(pool)
    .await?)
}

/// The requester's rating, once, before the survey expires.
pub async fn answer_survey(pool: &PgPool, ticket: Uuid, requester: Uuid, rating: i16, comment: &str) -> AppResult<()> {
    let answered = sqlx::query!(
        "update satisfaction_surveys set rating = $3, comment = $4, answered_at = now()
          where ticket_id = $1 and requester_id = $2 and answered_at is null and expires_at > now()",
        ticket,
        requester,
        rating,
        comment
    )
    .execute(pool)
    .await?;
    if answered.rows_affected() == 0 {
        return Err(AppError::Refused("survey-closed"));
    }
    Ok(())
}

/// Average rating and count, grouped by technician, group or category.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SatisfactionRow {
    /// technician, group or category
    pub by: String,
    pub name: String,
    pub answers: i64,
    /// Average of the ratings (1 to 5), two decimals.
    pub average: f64,
}

/// Survey results over the tickets of `scope` closed since `since`.
pub async fn satisfaction(pool: &PgPool, scope: &Scope, since: DateTime<Utc>) -> AppResult<Vec<SatisfactionRow>> {
    Ok(sqlx::query_as!(
        SatisfactionRow,
        r#"with answered as (
               select s.ticket_id, s.rating from satisfaction_surveys s join tickets t on t.id = s.ticket_id
                where s.answered_at is not null and s.answered_at >= $2 and t.entity_id = any($1))
           select 'technician' as "by!", u.name as "name!", count(*) as "answers!", round(avg(a.rating), 2)::float8 as "average!"
             from answered a join ticket_people p on p.ticket_id = a.ticket_id and p.role = 'assignee' join users u on u.id = p.user_id
            group by u.name
           union all
           select 'group', g.name, count(*), round(avg(a.rating), 2)::float8
             from answered a join ticket_groups tg on tg.ticket_id = a.ticket_id join groups g on g.id = tg.group_id
            group by g.name
           union all
           select 'category', coalesce(c.name, '—'), count(*), round(avg(a.rating), 2)::float8
             from answered a join tickets t on t.id = a.ticket_id left join ticket_categories c on c.id = t.category_id
            group by c.name
           order by 1, 2"#,
        scope.ids(),
        since
    )
    .fetch_all(pool)
    .await?)
}

/// Close the tickets solved more than the configured days ago that nobody answered.
pub async fn autoclose(pool: &PgPool) -> AppResult<serde_json::Value> {
    let due = sqlx::query_scalar!(
        "select t.id from tickets t cross join helpdesk_settings s
          where t.status = 'solved' and t.solved_at < now() - make_interval(days => s.autoclose_days)
          order by t.solved_at limit 1000"
    )
    .fetch_all(pool)
    .await?;
    let actor = AuditActor::system();
    for ticket in &due {
        let mut tx = pool.begin().await?;
        transition(&mut tx, &actor, *ticket, Event::Close, "", false).await?;
        tx.commit().await?;
    }
    Ok(serde_json::json!({ "closed": due.len() }))
}

/// A followup, with the status change it implies.
pub async fn add_followup(
    pool: &PgPool,
    actor: &AuditActor,
    ticket: &Ticket,
    body: &str,
    private: bool,
    by_technician: bool,
) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let event = if by_technician { Event::Note } else { Event::RequesterReply };
    transition(&mut tx, actor, ticket.id, event, "", by_technician && !private).await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into followups (id, ticket_id, author_id, body, private) values ($1, $2, $3, $4, $5)",
        id,
        ticket.id,
        actor.id,
        body,
        private
    )
    .execute(&mut *tx)
    .await?;
    notices::raise(&mut tx, ticket.id, Notice::Followup { private }, actor.id).await?;
    tx.commit().await?;
    Ok(id)
}

/// A task as entered.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaskInput {
    pub body: String,
    pub technician_id: Option<Uuid>,
    pub planned_start: Option<DateTime<Utc>>,
    pub planned_end: Option<DateTime<Utc>>,
    pub minutes_spent: i32,
    pub done: bool,
    pub private: bool,
}

pub async fn add_task(pool: &PgPool, actor: &AuditActor, ticket: &Ticket, task: &TaskInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into ticket_tasks (id, ticket_id, author_id, technician_id, body, state, private, planned_start, planned_end, minutes_spent)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id,
        ticket.id,
        actor.id,
        task.technician_id,
        &task.body,
        if task.done { "done" } else { "todo" },
        task.private,
        task.planned_start,
        task.planned_end,
        task.minutes_spent
    )
    .execute(&mut *tx)
    .await?;
    let event = if task.planned_start.is_some() && !task.done { Event::PlanTask } else { Event::Note };
    transition(&mut tx, actor, ticket.id, event, "", true).await?;
    tx.commit().await?;
    Ok(id)
}

/// Assign people and groups (added to those already assigned).
pub async fn assign(
    pool: &PgPool,
    actor: &AuditActor,
    ticket: &Ticket,
    people: &[Uuid],
    groups: &[Uuid],
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    assign_in(&mut tx, actor, ticket, people, groups).await?;
    tx.commit().await?;
    Ok(())
}

/// Assign within a transaction (several tickets at once commit together).
pub async fn assign_in(
    tx: &mut PgConnection,
    actor: &AuditActor,
    ticket: &Ticket,
    people: &[Uuid],
    groups: &[Uuid],
) -> AppResult<()> {
    add_people(&mut *tx, ticket.id, people, "assignee").await?;
    sqlx::query!(
        "insert into ticket_groups (ticket_id, group_id) select $1, unnest($2::uuid[]) on conflict do nothing",
        ticket.id,
        groups
    )
    .execute(&mut *tx)
    .await?;
    if !people.is_empty() || !groups.is_empty() {
        sqlx::query!("update tickets set assigned = true where id = $1 and not assigned", ticket.id)
            .execute(&mut *tx)
            .await?;
    }
    transition(&mut *tx, actor, ticket.id, Event::Assign, "", true).await?;
    let names = sqlx::query_scalar!(
        r#"select coalesce(string_agg(name, ', ' order by name), '') as "names!" from (
             select u.name from ticket_people p join users u on u.id = p.user_id where p.ticket_id = $1 and p.role = 'assignee'
             union all select g.name from ticket_groups tg join groups g on g.id = tg.group_id where tg.ticket_id = $1) n"#,
        ticket.id
    )
    .fetch_one(&mut *tx)
    .await?;
    let subject = Subject::new(ObjectKind::Ticket, ticket.id, Some(ticket.entity_id));
    audit::record_change(
        &mut *tx,
        actor,
        subject,
        &serde_json::json!({ "assignees": ticket.assignees }),
        &serde_json::json!({ "assignees": names }),
    )
    .await?;
    notices::raise(&mut *tx, ticket.id, Notice::Assigned, actor.id).await?;
    Ok(())
}

/// Propose a solution: the ticket is solved until its requester accepts or refuses.
pub async fn solve(pool: &PgPool, actor: &AuditActor, ticket: &Ticket, body: &str) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    transition(&mut tx, actor, ticket.id, Event::Solve, "", true).await?;
    sqlx::query!(
        "insert into ticket_solutions (id, ticket_id, author_id, body) values ($1, $2, $3, $4)",
        Uuid::now_v7(),
        ticket.id,
        actor.id,
        body
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The requester's answer to the proposed solution: accepted closes the
/// ticket, refused puts it back to work with the reason as a followup.
pub async fn answer_solution(
    pool: &PgPool,
    actor: &AuditActor,
    ticket: &Ticket,
    accept: bool,
    comment: &str,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let event = if accept { Event::AcceptSolution } else { Event::RefuseSolution };
    transition(&mut tx, actor, ticket.id, event, comment, false).await?;
    sqlx::query!(
        "update ticket_solutions set state = $2, answered_by = $3, answered_at = now() where ticket_id = $1 and state = 'proposed'",
        ticket.id,
        if accept { "accepted" } else { "refused" },
        actor.id
    )
    .execute(&mut *tx)
    .await?;
    if !accept && !comment.trim().is_empty() {
        sqlx::query!(
            "insert into followups (id, ticket_id, author_id, body) values ($1, $2, $3, $4)",
            Uuid::now_v7(),
            ticket.id,
            actor.id,
            comment
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A status change with nothing else written (pending, resume, close, reopen).
pub async fn change_status(
    pool: &PgPool,
    actor: &AuditActor,
    ticket: &Ticket,
    event: Event,
    reason: &str,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    if matches!(event, Event::Reopen) {
        sqlx::query!("update ticket_solutions set state = 'refused', answered_by = $2, answered_at = now() where ticket_id = $1 and state = 'proposed'", ticket.id, actor.id)
            .execute(&mut *tx)
            .await?;
    }
    transition(&mut tx, actor, ticket.id, event, reason, event != Event::Reopen).await?;
    tx.commit().await?;
    Ok(())
}

/// The ticket's followups, tasks, solutions and status changes, oldest
/// first; private followups and tasks only for the helpdesk.
pub async fn timeline(pool: &PgPool, ticket: Uuid, with_private: bool) -> AppResult<Vec<TimelineItem>> {
    Ok(sqlx::query_as!(
        TimelineItem,
        r#"select id as "id!", kind as "kind!", at as "at!", author_id, author_name, body as "body!", private as "private!",
                  state, planned_start, planned_end, minutes_spent, technician_name
             from (
               select f.id::text as id, 'followup' as kind, f.created_at as at, f.author_id, u.name as author_name, f.body,
                      f.private, null::text as state, null::timestamptz as planned_start, null::timestamptz as planned_end,
                      null::integer as minutes_spent, null::text as technician_name
                 from followups f left join users u on u.id = f.author_id
                where f.ticket_id = $1 and ($2 or not f.private)
               union all
               select k.id::text, 'task', k.created_at, k.author_id, u.name, k.body, k.private, k.state,
                      k.planned_start, k.planned_end, k.minutes_spent, tu.name
                 from ticket_tasks k left join users u on u.id = k.author_id left join users tu on tu.id = k.technician_id
                where k.ticket_id = $1 and ($2 or not k.private)
               union all
               select s.id::text, 'solution', s.created_at, s.author_id, u.name, s.body, false, s.state,
                      null, null, null, null
                 from ticket_solutions s left join users u on u.id = s.author_id
                where s.ticket_id = $1
               union all
               select e.id::text, 'status', e.at, e.actor_id, u.name, e.reason, false, e.new_status, null, null, null, null
                 from ticket_events e left join users u on u.id = e.actor_id
                where e.ticket_id = $1
             ) items
            order by at, kind, id"#,
        ticket,
        with_private
    )
    .fetch_all(pool)
    .await?)
}

/// The text of the newest solution proposed for a ticket.
pub async fn latest_solution(pool: &PgPool, ticket: Uuid) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!(
        "select body from ticket_solutions where ticket_id = $1 order by created_at desc limit 1",
        ticket
    )
    .fetch_optional(pool)
    .await?)
}

/// The technicians and supervisors working in `scope`, to assign tickets to:
/// (id, name) by name.
pub async fn technician_choices(pool: &PgPool, scope: &Scope) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "select u.id, u.name from users u
          where u.id = any(array(select user_id from role_grants where role in ('technician', 'supervisor')))
            and u.active and u.entity_id = any($1)
          order by u.name, u.id",
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
}

/// The choice lists of the ticket filters: every category, and the
/// entities and groups of the helpdesk's `scope`, as (id, label) by label.
#[derive(Debug, Default)]
pub struct FilterChoices {
    pub categories: Vec<(String, String)>,
    pub entities: Vec<(String, String)>,
    pub groups: Vec<(String, String)>,
}

/// The three lists in one statement (the queue pages show them on every request).
pub async fn filter_choices(pool: &PgPool, scope: &Scope) -> AppResult<FilterChoices> {
    let rows = sqlx::query!(
        r#"select list as "list!", id as "id!", label as "label!" from (
               select 'category' as list, id, name as label
                 from (select id, name from ticket_categories order by name limit 1000) c
               union all
               select 'entity', id, label from entity_labels where id = any($1)
               union all
               select 'group', id, name from groups where entity_id = any($1)
           ) choices
           order by list, label, id"#,
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    let mut choices = FilterChoices::default();
    for row in rows {
        let list = match row.list.as_str() {
            "category" => &mut choices.categories,
            "entity" => &mut choices.entities,
            _ => &mut choices.groups,
        };
        list.push((row.id.to_string(), row.label));
    }
    Ok(choices)
}

/// A person's name (empty when unknown), for a filter's label.
pub async fn person_name(pool: &PgPool, id: Uuid) -> AppResult<String> {
    let name = sqlx::query_scalar!("select name from users where id = $1", id).fetch_optional(pool).await?;
    Ok(name.unwrap_or_default())
}

/// The people of a ticket in one role (assignee or watcher), by name.
pub async fn people_in_role(
    conn: impl sqlx::PgExecutor<'_>,
    ticket: Uuid,
    role: &str,
) -> AppResult<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "select u.id, u.name from ticket_people p join users u on u.id = p.user_id
          where p.ticket_id = $1 and p.role = $2 order by u.name, u.id",
        ticket,
        role
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// Replace a ticket's watchers; the history lists them by name.
pub async fn set_watchers(pool: &PgPool, actor: &AuditActor, ticket: &Ticket, watchers: &[Uuid]) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let names = |people: &[(Uuid, String)]| people.iter().map(|p| p.1.as_str()).collect::<Vec<_>>().join(", ");
    let before = names(&people_in_role(&mut *tx, ticket.id, "watcher").await?);
    sqlx::query!(
        "delete from ticket_people where ticket_id = $1 and role = 'watcher' and user_id <> all($2)",
        ticket.id,
        watchers
    )
    .execute(&mut *tx)
    .await?;
    add_people(&mut tx, ticket.id, watchers, "watcher").await?;
    let after = names(&people_in_role(&mut *tx, ticket.id, "watcher").await?);
    let subject = Subject::new(ObjectKind::Ticket, ticket.id, Some(ticket.entity_id));
    audit::record_change(
        &mut tx,
        actor,
        subject,
        &serde_json::json!({ "watchers": before }),
        &serde_json::json!({ "watchers": after }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a ticket's page shows beside its timeline, each list by name (assets by tag).
#[derive(Debug, Default)]
pub struct PageLinks {
    pub assignees: Vec<(Uuid, String)>,
    pub watchers: Vec<(Uuid, String)>,
    pub groups: Vec<(Uuid, String)>,
    /// Linked assets the viewer may see: (id, tag, name).
    pub assets: Vec<(Uuid, String, String)>,
    /// Who a supervisor may assign: technicians and supervisors of the helpdesk, and its groups.
    pub technicians: Vec<(String, String)>,
    pub teams: Vec<(String, String)>,
}

/// The people, groups and assets of a ticket's page in one statement: the
/// assets of the `park` the viewer sees or assigned to them, and the choices
/// of the assign form only when `assigning`, within that scope.
pub async fn page_links(
    pool: &PgPool,
    ticket: Uuid,
    park: &Scope,
    viewer: Uuid,
    assigning: Option<&Scope>,
) -> AppResult<PageLinks> {
    let helpdesk: &[Uuid] = assigning.map(Scope::ids).unwrap_or_default();
    let rows = sqlx::query!(
        r#"select part as "part!", id as "id!", label as "label!", detail from (
               select p.role as part, u.id, u.name as label, null::text as detail
                 from ticket_people p join users u on u.id = p.user_id
                where p.ticket_id = $1
               union all
               select 'group', g.id, g.name, null
                 from ticket_groups tg join groups g on g.id = tg.group_id where tg.ticket_id = $1
               union all
               select 'asset', a.id, a.tag, a.name
                 from ticket_assets ta join assets a on a.id = ta.asset_id
                where ta.ticket_id = $1 and (a.entity_id = any($2) or a.assigned_user_id = $3)
               union all
               select 'technician', u.id, u.name, null from users u
                where $4 and u.id = any(array(select user_id from role_grants where role in ('technician', 'supervisor')))
                  and u.active and u.entity_id = any($5)
               union all
               select 'team', id, name, null from groups where $4 and entity_id = any($5)
           ) links
           order by part, label, id"#,
        ticket,
        park.ids(),
        viewer,
        assigning.is_some(),
        helpdesk
    )
    .fetch_all(pool)
    .await?;
    let mut links = PageLinks::default();
    for row in rows {
        match row.part.as_str() {
            "assignee" => links.assignees.push((row.id, row.label)),
            "watcher" => links.watchers.push((row.id, row.label)),
            "group" => links.groups.push((row.id, row.label)),
            "asset" => links.assets.push((row.id, row.label, row.detail.unwrap_or_default())),
            "technician" => links.technicians.push((row.id.to_string(), row.label)),
            _ => links.teams.push((row.id.to_string(), row.label)),
        }
    }
    Ok(links)
}

/// Which queue of the helpdesk a list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Queue {
    #[default]
    All,
    /// Assigned to me.
    Mine,
    /// Assigned to one of my groups.
    MyGroups,
    /// Open, nobody and no group assigned.
    Unassigned,
    /// Open and past due, or due within the hour.
    Late,
    /// The tickets I asked for.
    Requested,
}

impl Queue {
    pub const ALL: [Queue; 6] =
        [Queue::All, Queue::Mine, Queue::MyGroups, Queue::Unassigned, Queue::Late, Queue::Requested];

    pub fn as_str(self) -> &'static str {
        match self {
            Queue::All => "all",
            Queue::Mine => "mine",
            Queue::MyGroups => "groups",
            Queue::Unassigned => "unassigned",
            Queue::Late => "late",
            Queue::Requested => "requested",
        }
    }

    pub fn parse(value: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.as_str() == value)
    }
}

#[derive(Clone, Debug)]
pub struct TicketFilter {
    pub viewer: Viewer,
    pub queue: Queue,
    /// A status, or "open" for every status still to work on.
    pub status: Option<String>,
    pub kind: Option<String>,
    pub priority: Option<i16>,
    pub category_id: Option<Uuid>,
    pub entity_id: Option<Uuid>,
    /// Assigned to this group.
    pub group_id: Option<Uuid>,
    /// Assigned to this technician.
    pub assignee_id: Option<Uuid>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketSort {
    Number,
    Title,
    Status,
    Priority,
    Requester,
    Due,
    Updated,
}

impl SortKey for TicketSort {
    const ALL: &'static [Self] =
        &[Self::Number, Self::Title, Self::Status, Self::Priority, Self::Requester, Self::Due, Self::Updated];
    const DEFAULT: Self = Self::Number;
    fn name(self) -> &'static str {
        match self {
            Self::Number => "number",
            Self::Title => "title",
            Self::Status => "status",
            Self::Priority => "priority",
            Self::Requester => "requester",
            Self::Due => "due",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Number => "t.number",
            Self::Title => "t.title",
            Self::Status => "t.status",
            Self::Priority => "t.priority",
            Self::Requester => "ru.name",
            Self::Due => "t.resolve_due_at",
            Self::Updated => "t.updated_at",
        }
    }
    fn descending_by_default(self) -> bool {
        matches!(self, Self::Number | Self::Priority | Self::Updated)
    }
    fn on_base_table(self) -> bool {
        !matches!(self, Self::Requester)
    }
}

pub struct TicketList;

impl Listing for TicketList {
    type Row = Ticket;
    type Filter = TicketFilter;
    type Sort = TicketSort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from tickets t";
    const TIEBREAK: &'static str = "t.id";

    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, _scope: &Scope, filter: &TicketFilter, q: Option<&str>) {
        let me = filter.viewer.id;
        qb.push("where ");
        push_visible(qb, &filter.viewer);
        let open = " and t.status not in ('solved', 'closed')";
        match filter.queue {
            Queue::All => {}
            Queue::Mine => {
                // The open tickets carry their technicians (an indexed copy of ticket_people).
                qb.push(open).push(" and t.assignee_ids @> array[").push_bind(me).push("]::uuid[]");
            }
            Queue::MyGroups => {
                // The open tickets carry their teams (an indexed copy of ticket_groups).
                qb.push(open).push(" and t.group_ids && array(select group_id from group_members where user_id = ");
                qb.push_bind(me).push(")");
            }
            Queue::Unassigned => {
                qb.push(open).push(" and not t.assigned");
            }
            Queue::Late => {
                qb.push(open).push(
                    " and (t.resolve_due_at < now() + interval '1 hour' or (t.owned_at is null and t.own_due_at < now() + interval '1 hour'))",
                );
            }
            Queue::Requested => {
                qb.push(" and t.requester_id = ").push_bind(me);
            }
        }
        match filter.status.as_deref() {
            Some("open") => {
                qb.push(open);
            }
            Some(status) => {
                qb.push(" and t.status = ").push_bind(status.to_owned());
            }
            None => {}
        }
        if let Some(kind) = &filter.kind {
            qb.push(" and t.kind = ").push_bind(kind.clone());
        }
        if let Some(priority) = filter.priority {
            qb.push(" and t.priority = ").push_bind(priority);
        }
        if let Some(category) = filter.category_id {
            qb.push(" and t.category_id = ").push_bind(category);
        }
        if let Some(entity) = filter.entity_id {
            qb.push(" and t.entity_id = ").push_bind(entity);
        }
        if let Some(group) = filter.group_id {
            qb.push(" and t.id = any(array(select ticket_id from ticket_groups where group_id = ")
                .push_bind(group)
                .push("))");
        }
        if let Some(person) = filter.assignee_id {
            qb.push(" and t.id = any(array(select ticket_id from ticket_people where role = 'assignee' and user_id = ")
                .push_bind(person)
                .push("))");
        }
        if let Some(q) = q {
            let number = q.trim_start_matches('#').parse::<i64>().ok();
            qb.push(" and (t.title ilike ").push_bind(like_pattern(q));
            if let Some(number) = number {
                qb.push(" or t.number = ").push_bind(number);
            }
            qb.push(")");
        }
    }
}

impl CsvRecord for Ticket {
    fn csv_header() -> &'static [&'static str] {
        &[
            "number",
            "title",
            "kind",
            "status",
            "priority",
            "requester",
            "entity",
            "category",
            "assigned",
            "created_at",
            "resolve_due_at",
        ]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.number.to_string(),
            self.title.clone(),
            self.kind.as_str().to_owned(),
            self.status.as_str().to_owned(),
            self.priority.to_string(),
            self.requester_name.clone(),
            self.entity_name.clone(),
            self.category_name.clone().unwrap_or_default(),
            self.assignees.clone(),
            self.created_at.to_rfc3339(),
            self.resolve_due_at.map(|d| d.to_rfc3339()).unwrap_or_default(),
        ]
    }
}
