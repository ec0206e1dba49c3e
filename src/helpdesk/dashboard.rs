//! The supervisor's view of the helpdesk: backlog, tickets created and
//! solved per day, SLA compliance, times to own and resolve, load per
//! technician and satisfaction, for the entities, group and period chosen.
//! Each figure is one aggregate query over indexed columns, so the page
//! stays quick over hundreds of thousands of tickets.

use std::collections::HashMap;

use askama::Template;
use axum::{
    Json,
    extract::{RawQuery, State},
    response::Response,
};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    auth::{
        actor::{Actor, ApiActor},
        permission::{Action, ObjectKind, Scope},
    },
    error::{ApiResult, AppError, AppResult},
    org::{entity_choices, groups},
    state::AppState,
    web::{
        PageCtx,
        extract::{filter_id, parse_query},
        render,
        table::FilterSelect,
    },
};

/// What the dashboard looks at.
#[derive(Clone, Debug)]
pub struct Focus {
    pub scope: Scope,
    pub entity_id: Option<Uuid>,
    pub group_id: Option<Uuid>,
    pub days: i64,
    pub time_zone: String,
}

impl Focus {
    fn since(&self) -> DateTime<Utc> {
        Utc::now() - Duration::days(self.days)
    }

    fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::Europe::Paris)
    }

    /// The entities looked at: the chosen one if it is in scope, else all of them.
    fn entities(&self) -> Vec<Uuid> {
        match self.entity_id {
            Some(entity) if self.scope.contains(entity) => vec![entity],
            Some(_) => Vec::new(),
            None => self.scope.ids().to_vec(),
        }
    }

    /// The query string that keeps this focus on the ticket lists it links to.
    pub fn link_filters(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(entity) = self.entity_id {
            pairs.push(("entity_id", entity.to_string()));
        }
        if let Some(group) = self.group_id {
            pairs.push(("group_id", group.to_string()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Count {
    /// A status, a priority (1-5), a group or technician id.
    pub key: String,
    pub label: String,
    pub count: i64,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Day {
    pub day: NaiveDate,
    pub created: i64,
    pub solved: i64,
}

/// Share of tickets on time, over a period.
#[derive(Clone, Debug, Default, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Compliance {
    pub own_total: i64,
    pub own_on_time: i64,
    pub resolve_total: i64,
    pub resolve_on_time: i64,
}

impl Compliance {
    pub fn own_percent(&self) -> Option<i64> {
        percent(self.own_on_time, self.own_total)
    }
    pub fn resolve_percent(&self) -> Option<i64> {
        percent(self.resolve_on_time, self.resolve_total)
    }
}

fn percent(part: i64, total: i64) -> Option<i64> {
    (total > 0).then(|| part * 100 / total)
}

/// Elapsed times, in minutes, over the tickets owned / solved in the period.
#[derive(Clone, Debug, Default, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Times {
    pub own_mean: Option<f64>,
    pub own_median: Option<f64>,
    pub resolve_mean: Option<f64>,
    pub resolve_median: Option<f64>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Load {
    pub user_id: Uuid,
    pub name: String,
    pub open_tickets: i64,
    /// Minutes of tasks planned for the next seven days.
    pub planned_minutes: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub backlog_by_status: Vec<Count>,
    pub backlog_by_priority: Vec<Count>,
    pub backlog_by_group: Vec<Count>,
    pub per_day: Vec<Day>,
    pub this_week: Compliance,
    pub this_month: Compliance,
    pub times: Times,
    pub load: Vec<Load>,
    pub satisfaction_average: Option<f64>,
    pub satisfaction_answers: i64,
}

/// The focus (entities, group) as a condition on `tickets t`, inlined in
/// each query so the planner uses the indexes of the other conditions (a
/// shared CTE would copy every ticket first). The ticket's teams are read
/// from its own copy of them (`group_ids`).
const FOCUS: &str = "t.entity_id = any($1) and ($2::uuid is null or $2 = any(t.group_ids))";

/// One figure's row of the backlog: status, priority, group or technician.
#[derive(sqlx::FromRow)]
struct BacklogRow {
    figure: String,
    key: String,
    label: String,
    count: i64,
    /// The technician, for the load rows.
    person: Option<Uuid>,
    planned_minutes: i64,
}

/// The open tickets by status, priority, team and technician, in one pass:
/// the tickets not closed are first counted by (status, priority, teams,
/// technicians), read from the backlog's covering index, and those few
/// hundred combinations give the four figures.
async fn backlog(pool: &PgPool, focus: &Focus) -> AppResult<Backlog> {
    let rows: Vec<BacklogRow> = sqlx::query_as(&format!(
        "with open as materialized (
             select status, priority, group_ids, assignee_ids, count(*) as n from tickets t
              where {FOCUS} and status <> 'closed' group by 1, 2, 3, 4),
         unsolved as (select * from open where status <> 'solved')
         select 'status' as figure, status as key, status as label, sum(n)::int8 as count, null::uuid as person,
                0::int8 as planned_minutes
           from open group by status
         union all
         select 'priority', priority::text, priority::text, sum(n)::int8, null, 0 from unsolved group by priority
         union all
         (select 'group', g.id::text, g.name, sum(o.n)::int8, null, 0
            from unsolved o cross join unnest(o.group_ids) team join groups g on g.id = team
           group by g.id, g.name order by 4 desc limit 20)
         union all
         (select 'load', u.id::text, u.name, sum(o.n)::int8, u.id,
                 coalesce((select sum(extract(epoch from k.planned_end - k.planned_start) / 60)::int8 from ticket_tasks k
                            where k.technician_id = u.id and k.state = 'todo'
                              and k.planned_start between now() and now() + interval '7 days'), 0)
            from unsolved o cross join unnest(o.assignee_ids) person join users u on u.id = person
           group by u.id, u.name order by 4 desc, u.name limit 50)"
    ))
    .bind(focus.entities())
    .bind(focus.group_id)
    .fetch_all(pool)
    .await?;
    Ok(Backlog::of(rows))
}

/// The open tickets counted four ways.
#[derive(Default)]
struct Backlog {
    by_status: Vec<Count>,
    by_priority: Vec<Count>,
    by_group: Vec<Count>,
    load: Vec<Load>,
}

impl Backlog {
    fn of(rows: Vec<BacklogRow>) -> Self {
        let mut backlog = Backlog::default();
        for row in rows {
            let count = Count { key: row.key, label: row.label, count: row.count };
            match (row.figure.as_str(), row.person) {
                ("status", _) => backlog.by_status.push(count),
                ("priority", _) => backlog.by_priority.push(count),
                ("group", _) => backlog.by_group.push(count),
                (_, Some(user_id)) => backlog.load.push(Load {
                    user_id,
                    name: count.label,
                    open_tickets: count.count,
                    planned_minutes: row.planned_minutes,
                }),
                (_, None) => {}
            }
        }
        backlog.by_status.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        backlog.by_priority.sort_by(|a, b| b.key.cmp(&a.key));
        backlog.by_group.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        backlog.load.sort_by(|a, b| b.open_tickets.cmp(&a.open_tickets).then_with(|| a.name.cmp(&b.name)));
        backlog
    }
}

/// One pass over the period's rows (by the column's index), grouped by local day.
async fn counts_by_day(
    pool: &PgPool,
    focus: &Focus,
    column: &'static str,
    since: DateTime<Utc>,
) -> AppResult<HashMap<NaiveDate, i64>> {
    let rows: Vec<(NaiveDate, i64)> = sqlx::query_as(&format!(
        "select ({column} at time zone $4)::date, count(*) from tickets t where {FOCUS} and {column} >= $3 group by 1"
    ))
    .bind(focus.entities())
    .bind(focus.group_id)
    .bind(since)
    .bind(&focus.time_zone)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}

async fn per_day(pool: &PgPool, focus: &Focus) -> AppResult<Vec<Day>> {
    let today = Utc::now().with_timezone(&focus.zone()).date_naive();
    let first = today - Duration::days(focus.days.clamp(1, 366) - 1);
    let since = focus.zone().from_local_datetime(&first.and_time(chrono::NaiveTime::MIN)).earliest();
    let since = since.map(|at| at.with_timezone(&Utc)).unwrap_or_else(|| focus.since());
    let (created, solved) = tokio::try_join!(
        counts_by_day(pool, focus, "created_at", since),
        counts_by_day(pool, focus, "solved_at", since)
    )?;
    Ok((0..)
        .map(|i| first + Duration::days(i))
        .take_while(|day| *day <= today)
        .map(|day| Day {
            day,
            created: created.get(&day).copied().unwrap_or(0),
            solved: solved.get(&day).copied().unwrap_or(0),
        })
        .collect())
}

async fn compliance(pool: &PgPool, focus: &Focus, since: DateTime<Utc>) -> AppResult<Compliance> {
    Ok(sqlx::query_as(&format!(
        "select (select count(*) from tickets t where {FOCUS} and owned_at >= $3 and own_due_at is not null) as own_total,
                (select count(*) from tickets t where {FOCUS} and owned_at >= $3 and owned_at <= own_due_at) as own_on_time,
                (select count(*) from tickets t where {FOCUS} and solved_at >= $3 and resolve_due_at is not null) as resolve_total,
                (select count(*) from tickets t where {FOCUS} and solved_at >= $3 and solved_at <= resolve_due_at) as resolve_on_time"
    ))
    .bind(focus.entities())
    .bind(focus.group_id)
    .bind(since)
    .fetch_one(pool)
    .await?)
}

async fn times(pool: &PgPool, focus: &Focus) -> AppResult<Times> {
    Ok(sqlx::query_as(&format!(
        "with owned as (select extract(epoch from owned_at - created_at) / 60 as m from tickets t
                          where {FOCUS} and owned_at >= $3),
              solved as (select extract(epoch from solved_at - created_at) / 60 as m from tickets t
                          where {FOCUS} and solved_at >= $3)
         select (select avg(m)::float8 from owned) as own_mean,
                (select percentile_cont(0.5) within group (order by m)::float8 from owned) as own_median,
                (select avg(m)::float8 from solved) as resolve_mean,
                (select percentile_cont(0.5) within group (order by m)::float8 from solved) as resolve_median"
    ))
    .bind(focus.entities())
    .bind(focus.group_id)
    .bind(focus.since())
    .fetch_one(pool)
    .await?)
}

async fn satisfaction(pool: &PgPool, focus: &Focus) -> AppResult<(Option<f64>, i64)> {
    let row: (Option<f64>, i64) = sqlx::query_as(&format!(
        // The period's answers first, then their tickets one by one: a join
        // of the whole scope let the planner scan every survey.
        "with answered as materialized (select ticket_id, rating from satisfaction_surveys where answered_at >= $3)
         select round(avg(s.rating), 2)::float8, count(s.rating) from answered s join tickets t on t.id = s.ticket_id
          where {FOCUS}"
    ))
    .bind(focus.entities())
    .bind(focus.group_id)
    .bind(focus.since())
    .fetch_one(pool)
    .await?;
    Ok(row)
}

/// Every figure at once: each query runs on its own connection, so the
/// figures are computed side by side on the database's cores.
pub async fn compute(pool: &PgPool, focus: &Focus) -> AppResult<Dashboard> {
    let now = Utc::now();
    let (backlog, (satisfaction_average, satisfaction_answers), per_day, this_week, this_month, times) = tokio::try_join!(
        backlog(pool, focus),
        satisfaction(pool, focus),
        per_day(pool, focus),
        compliance(pool, focus, now - Duration::days(7)),
        compliance(pool, focus, now - Duration::days(30)),
        times(pool, focus),
    )?;
    Ok(Dashboard {
        backlog_by_status: backlog.by_status,
        backlog_by_priority: backlog.by_priority,
        backlog_by_group: backlog.by_group,
        per_day,
        this_week,
        this_month,
        times,
        load: backlog.load,
        satisfaction_average,
        satisfaction_answers,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FocusParams {
    entity_id: Option<String>,
    group_id: Option<String>,
    days: Option<String>,
}

fn focus_of(actor: &Actor, raw: Option<&str>) -> AppResult<Focus> {
    let scope = actor.scope(ObjectKind::Ticket, Action::Delete)?;
    let params = parse_query::<FocusParams>(raw)?;
    let days = super::pages::PeriodParams { days: params.days }.days()?;
    Ok(Focus {
        scope,
        entity_id: filter_id(&params.entity_id, "entity_id")?,
        group_id: filter_id(&params.group_id, "group_id")?,
        days,
        time_zone: actor.time_zone.name().to_owned(),
    })
}

/// The bars of the created/solved chart, as SVG coordinates.
pub struct Bar {
    pub x: i64,
    pub created_height: i64,
    pub solved_height: i64,
    pub title: String,
}

const CHART_HEIGHT: i64 = 120;

fn bars(days: &[Day]) -> (Vec<Bar>, i64) {
    let top = days.iter().map(|d| d.created.max(d.solved)).max().unwrap_or(0).max(1);
    let bars = days
        .iter()
        .zip(0..)
        .map(|(d, i)| Bar {
            x: i * 12,
            created_height: d.created * CHART_HEIGHT / top,
            solved_height: d.solved * CHART_HEIGHT / top,
            title: format!("{}: +{} / ✓{}", d.day, d.created, d.solved),
        })
        .collect();
    (bars, top)
}

#[derive(Template)]
#[template(path = "helpdesk/dashboard.html")]
struct DashboardPage {
    ctx: PageCtx,
    data: Dashboard,
    focus: Focus,
    filters: Vec<FilterSelect>,
    bars: Vec<Bar>,
    chart_top: i64,
    chart_width: i64,
}

impl DashboardPage {
    fn link(&self, extra: &str) -> String {
        let base = self.focus.link_filters();
        match (base.is_empty(), extra.is_empty()) {
            (true, _) => format!("/tickets?{extra}"),
            (false, true) => format!("/tickets?{base}"),
            (false, false) => format!("/tickets?{base}&{extra}"),
        }
    }

    fn minutes(&self, value: &Option<f64>) -> String {
        match value {
            Some(m) if *m >= 1440.0 => format!("{:.1} j", m / 1440.0),
            Some(m) if *m >= 60.0 => format!("{:.1} h", m / 60.0),
            Some(m) => format!("{m:.0} min"),
            None => "—".into(),
        }
    }

    fn share(&self, value: Option<i64>) -> String {
        value.map(|p| format!("{p} %")).unwrap_or_else(|| "—".into())
    }

    fn status_label(&self, key: &str) -> String {
        self.ctx.t(&format!("ticket-status-{key}"))
    }

    fn level_label(&self, key: &str) -> String {
        self.ctx.t(super::domain::level_key(key.parse().unwrap_or(3)))
    }
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let focus = focus_of(&actor, raw.as_deref())?;
    let data = compute(&state.db, &focus).await?;
    let filters = vec![
        FilterSelect {
            name: "entity_id",
            label_key: "field-entity",
            options: entity_choices(&state.db, &focus.scope).await?,
            selected: focus.entity_id.map(|id| id.to_string()).unwrap_or_default(),
        },
        FilterSelect {
            name: "group_id",
            label_key: "kind-group",
            options: groups::choices(&state.db, &focus.scope).await?,
            selected: focus.group_id.map(|id| id.to_string()).unwrap_or_default(),
        },
    ];
    let (bars, chart_top) = bars(&data.per_day);
    let chart_width = i64::try_from(bars.len()).unwrap_or(0) * 12;
    render(&DashboardPage { ctx, data, focus, filters, bars, chart_top, chart_width })
}

/// The supervisor's dashboard as JSON
#[utoipa::path(get, path = "/api/v1/helpdesk/dashboard", tag = "tickets",
    params(("entity_id" = Option<Uuid>, Query), ("group_id" = Option<Uuid>, Query),
           ("days" = Option<i64>, Query, description = "period in days (default 30)")),
    responses((status = 200, body = Dashboard), (status = 403, body = crate::error::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Dashboard>> {
    let focus = focus_of(&actor, raw.as_deref())?;
    if focus.entities().is_empty() {
        return Err(AppError::NotFound.into());
    }
    Ok(Json(compute(&state.db, &focus).await?))
}
