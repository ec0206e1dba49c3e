//! Planning: each technician's week of planned tasks, the team's load for
//! the supervisor, and a secret iCalendar address per technician that
//! calendar applications subscribe to (revoked by making a new one).

use askama::Template;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Scope},
        secret,
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{PageCtx, form::VersionForm, layout::redirect_with_flash, render},
};

/// A planned task as the calendars show it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Planned {
    pub id: Uuid,
    pub ticket_id: Uuid,
    pub number: i64,
    pub title: String,
    pub body: String,
    pub state: String,
    pub planned_start: DateTime<Utc>,
    pub planned_end: Option<DateTime<Utc>>,
}

impl Planned {
    /// Tasks planned without an end last an hour.
    pub fn end(&self) -> DateTime<Utc> {
        self.planned_end.unwrap_or(self.planned_start + Duration::hours(1))
    }
}

/// The technician's tasks overlapping [from, to).
pub async fn tasks_of(
    pool: &PgPool,
    technician: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<Planned>> {
    Ok(sqlx::query_as!(
        Planned,
        r#"select k.id, k.ticket_id, t.number, t.title, k.body, k.state, k.planned_start as "planned_start!", k.planned_end
             from ticket_tasks k join tickets t on t.id = k.ticket_id
            where k.technician_id = $1 and k.planned_start is not null and k.planned_start < $3
              and coalesce(k.planned_end, k.planned_start + interval '1 hour') > $2
            order by k.planned_start"#,
        technician,
        from,
        to
    )
    .fetch_all(pool)
    .await?)
}

/// The Monday starting the week of `day`, as an instant in `zone`.
fn week_start(day: NaiveDate, zone: Tz) -> (NaiveDate, DateTime<Utc>) {
    let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    (monday, week_start_of_day(monday, zone))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WeekParams {
    /// Any day of the week to show (YYYY-MM-DD); this week when absent.
    pub date: String,
}

impl WeekParams {
    fn day(&self, zone: Tz) -> AppResult<NaiveDate> {
        match self.date.trim() {
            "" => Ok(Utc::now().with_timezone(&zone).date_naive()),
            typed => NaiveDate::parse_from_str(typed, "%Y-%m-%d")
                .map_err(|_| AppError::BadRequest("date must be YYYY-MM-DD".into())),
        }
    }
}

pub struct DayColumn {
    pub date: NaiveDate,
    pub tasks: Vec<(String, Planned)>,
}

#[derive(Template)]
#[template(path = "helpdesk/planning.html")]
struct WeekPage {
    ctx: PageCtx,
    monday: NaiveDate,
    days: Vec<DayColumn>,
    feed: Option<DateTime<Utc>>,
    /// A new feed address, shown once.
    new_feed_url: Option<String>,
}

impl WeekPage {
    fn week_href(&self, offset: i64) -> String {
        format!("/planning?date={}", self.monday + Duration::days(offset * 7))
    }
}

fn local_hm(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%H:%M").to_string()
}

/// Split tasks into the seven days of the week, by their local start.
fn columns(monday: NaiveDate, tasks: Vec<Planned>, zone: Tz) -> Vec<DayColumn> {
    let mut days: Vec<DayColumn> =
        (0..7).map(|i| DayColumn { date: monday + Duration::days(i), tasks: Vec::new() }).collect();
    for task in tasks {
        let local = task.planned_start.with_timezone(&zone).date_naive();
        let span = format!("{}–{}", local_hm(task.planned_start, zone), local_hm(task.end(), zone));
        if let Some(day) = days.iter_mut().find(|d| d.date == local) {
            day.tasks.push((span, task));
        } else if let Some(first) = days.first_mut().filter(|_| local < monday) {
            // Started the week before and still running.
            first.tasks.push((span, task));
        }
    }
    days
}

async fn week_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    date: &WeekParams,
    new_feed: Option<String>,
) -> AppResult<Response> {
    actor.scope(ObjectKind::Ticket, Action::Update)?;
    let zone = actor.time_zone;
    let (monday, start) = week_start(date.day(zone)?, zone);
    let end = week_start_of_day(monday + Duration::days(7), zone);
    let tasks = tasks_of(&state.db, actor.id, start, end).await?;
    let feed = sqlx::query_scalar!("select created_at from calendar_feeds where user_id = $1", actor.id)
        .fetch_optional(&state.db)
        .await?;
    let new_feed_url =
        new_feed.map(|token| format!("{}/planning/feed/{token}.ics", state.config.public_url.trim_end_matches('/')));
    render(&WeekPage { ctx, monday, days: columns(monday, tasks, zone), feed, new_feed_url })
}

/// The technician's own week.
pub async fn week(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Query(params): Query<WeekParams>,
) -> AppResult<Response> {
    week_page(&state, ctx, &actor, &params, None).await
}

/// A new secret feed address (the old one stops working), shown once.
pub async fn new_feed(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(_): Form<VersionForm>,
) -> AppResult<Response> {
    actor.scope(ObjectKind::Ticket, Action::Update)?;
    let token = secret::new_secret();
    sqlx::query!(
        "insert into calendar_feeds (user_id, token_hash) values ($1, $2)
         on conflict (user_id) do update set token_hash = excluded.token_hash, created_at = now()",
        actor.id,
        secret::digest(&token)
    )
    .execute(&state.db)
    .await?;
    week_page(&state, ctx, &actor, &WeekParams::default(), Some(token)).await
}

pub async fn revoke_feed(
    State(state): State<AppState>,
    actor: Actor,
    Form(_): Form<VersionForm>,
) -> AppResult<Response> {
    sqlx::query!("delete from calendar_feeds where user_id = $1", actor.id).execute(&state.db).await?;
    Ok(redirect_with_flash("/planning", "success", "planning-feed-revoked"))
}

/// Text for an iCalendar property value (RFC 5545 §3.3.11).
fn ical_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets, never inside a character (RFC 5545 §3.1).
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

fn ical_time(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The iCalendar document of a technician's tasks.
pub fn calendar(tasks: &[Planned], public_url: &str, now: DateTime<Utc>) -> String {
    let mut doc =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Parc//Planning//EN\r\nCALSCALE:GREGORIAN\r\n");
    for task in tasks {
        doc.push_str("BEGIN:VEVENT\r\n");
        doc.push_str(&fold(&format!("UID:{}@parc", task.id)));
        doc.push_str(&fold(&format!("DTSTAMP:{}", ical_time(now))));
        doc.push_str(&fold(&format!("DTSTART:{}", ical_time(task.planned_start))));
        doc.push_str(&fold(&format!("DTEND:{}", ical_time(task.end()))));
        doc.push_str(&fold(&format!("SUMMARY:{}", ical_text(&format!("#{} {}", task.number, task.title)))));
        doc.push_str(&fold(&format!("DESCRIPTION:{}", ical_text(&task.body))));
        doc.push_str(&fold(&format!("URL:{}/tickets/{}", public_url.trim_end_matches('/'), task.ticket_id)));
        if task.state == "done" {
            doc.push_str("STATUS:CONFIRMED\r\n");
        }
        doc.push_str("END:VEVENT\r\n");
    }
    doc.push_str("END:VCALENDAR\r\n");
    doc
}

/// The feed behind a secret address; an unknown or revoked one is a 404.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let user = sqlx::query_scalar!("select user_id from calendar_feeds where token_hash = $1", secret::digest(token))
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let tasks = tasks_of(&state.db, user, now - Duration::days(30), now + Duration::days(180)).await?;
    let mut response = calendar(&tasks, &state.config.public_url, now).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// One technician's planned minutes per day of the week.
pub struct TeamRow {
    pub name: String,
    pub open_tickets: i64,
    pub minutes: Vec<i64>,
}

#[derive(Template)]
#[template(path = "helpdesk/team.html")]
struct TeamPage {
    ctx: PageCtx,
    monday: NaiveDate,
    rows: Vec<TeamRow>,
}

impl TeamPage {
    fn day(&self, offset: &i64) -> NaiveDate {
        self.monday + Duration::days(*offset)
    }
    fn week_href(&self, offset: i64) -> String {
        format!("/planning/team?date={}", self.monday + Duration::days(offset * 7))
    }
}

/// The local midnights from `monday` to the Monday after, as instants (a
/// day across a DST change lasts 23 or 25 hours).
fn day_bounds(monday: NaiveDate, zone: Tz) -> Vec<DateTime<Utc>> {
    (0..=7).map(|i| week_start_of_day(monday + Duration::days(i), zone)).collect()
}

/// Local midnight of `day` as an instant.
fn week_start_of_day(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    zone.from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// The team's load: for each technician of the supervised entities, the
/// minutes planned each day of the week and the open tickets assigned.
async fn team_load(pool: &PgPool, scope: &Scope, bounds: &[DateTime<Utc>]) -> AppResult<Vec<TeamRow>> {
    let rows = sqlx::query!(
        r#"with people as (
               select distinct u.id, u.name from users u join role_grants g on g.user_id = u.id
                where u.active and u.entity_id = any($1) and g.role in ('technician', 'supervisor'))
           select p.id as "id!", p.name as "name!",
                  (select count(*) from ticket_people tp join tickets t on t.id = tp.ticket_id
                    where tp.user_id = p.id and tp.role = 'assignee' and t.status not in ('solved', 'closed')) as "open!",
                  array(select coalesce(sum(extract(epoch from coalesce(k.planned_end, k.planned_start + interval '1 hour')
                                                           - k.planned_start) / 60), 0)::int8
                          from generate_series(1, 7) d
                          left join ticket_tasks k on k.technician_id = p.id
                               and k.planned_start >= ($2::timestamptz[])[d] and k.planned_start < ($2::timestamptz[])[d + 1]
                         group by d order by d) as "minutes!"
             from people p order by p.name"#,
        scope.ids(),
        bounds
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| TeamRow { name: r.name, open_tickets: r.open, minutes: r.minutes }).collect())
}

pub async fn team(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Query(params): Query<WeekParams>,
) -> AppResult<Response> {
    let scope = actor.scope(ObjectKind::Ticket, Action::Delete)?;
    let zone = actor.time_zone;
    let (monday, _) = week_start(params.day(zone)?, zone);
    let rows = team_load(&state.db, &scope, &day_bounds(monday, zone)).await?;
    render(&TeamPage { ctx, monday, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ical_text_is_escaped_and_lines_are_folded() {
        assert_eq!(ical_text("a;b,c\\d\ne\r"), "a\\;b\\,c\\\\d\\ne");
        let long = format!("SUMMARY:{}", "é".repeat(60));
        let folded = fold(&long);
        assert!(folded.split("\r\n").all(|line| line.len() <= 75), "{folded:?}");
        assert_eq!(folded.replace("\r\n ", "").trim_end(), long);
    }

    #[test]
    fn a_week_starts_on_monday_at_local_midnight() {
        let (monday, start) = week_start(NaiveDate::from_ymd_opt(2026, 3, 29).expect("date"), chrono_tz::Europe::Paris);
        assert_eq!(monday, NaiveDate::from_ymd_opt(2026, 3, 23).expect("date"));
        assert_eq!(start.to_rfc3339(), "2026-03-22T23:00:00+00:00");
    }
}
