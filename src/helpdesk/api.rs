//! JSON API of tickets: the same checks, visibility and status machine as
//! the pages. A requester's body may only carry what the portal lets them
//! set; anything else is refused with the field named.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    Viewer,
    db::{self, TaskInput, TicketList},
    domain::{Channel, Ticket, TimelineItem},
    form::{Author, FollowupForm, TicketForm},
    pages::{AnswerForm, PeriodParams, StatusForm, SurveyForm, filter_from},
    rules, sla,
};
use crate::{
    api::{ApiJson, ListResponse, expected_version},
    audit::{self, HistoryEntry},
    auth::{
        actor::ApiActor,
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError},
    state::AppState,
    web::{
        extract::{ApiId, parse_query},
        list::{ListParams, fetch_page},
    },
};

/// A ticket's fields as JSON; on PATCH, the fields given replace the current ones.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketBody {
    /// incident or request
    pub kind: Option<String>,
    pub title: Option<String>,
    /// Markdown
    pub description: Option<String>,
    /// Helpdesk only (default: the caller)
    pub requester_id: Option<Uuid>,
    pub category_id: Option<Uuid>,
    /// 1 (very low) to 5 (very high)
    pub urgency: Option<i16>,
    /// Helpdesk only
    pub impact: Option<i16>,
    /// Helpdesk only: web, phone or email (default: api)
    pub source: Option<String>,
    /// Helpdesk only (default: the caller's entity)
    pub entity_id: Option<Uuid>,
    /// Assets the ticket is about (on creation)
    pub asset_ids: Option<Vec<Uuid>>,
    /// Helpdesk only, on creation: people who follow the ticket (they see it and hear of its public news)
    pub watcher_ids: Option<Vec<Uuid>>,
    /// The version the change is based on (PATCH; or If-Match)
    pub version: Option<i64>,
}

impl TicketBody {
    fn over(&self, mut form: TicketForm) -> TicketForm {
        let text = |v: &Option<String>, into: &mut String| {
            if let Some(v) = v {
                into.clone_from(v);
            }
        };
        let show = |v: Option<String>, into: &mut String| {
            if let Some(v) = v {
                *into = v;
            }
        };
        text(&self.kind, &mut form.kind);
        text(&self.title, &mut form.title);
        text(&self.description, &mut form.description);
        text(&self.source, &mut form.source);
        show(self.requester_id.map(|v| v.to_string()), &mut form.requester_id);
        show(self.category_id.map(|v| v.to_string()), &mut form.category_id);
        show(self.urgency.map(|v| v.to_string()), &mut form.urgency);
        show(self.impact.map(|v| v.to_string()), &mut form.impact);
        show(self.entity_id.map(|v| v.to_string()), &mut form.entity_id);
        form
    }
}

/// List the tickets the caller may see
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets",
    params(("q" = Option<String>, Query, description = "title, or #number"),
           ("queue" = Option<String>, Query, description = "all, mine, groups, unassigned, late, requested"),
           ("status" = Option<String>, Query, description = "open, new, assigned, in_progress, pending, solved, closed"),
           ("kind" = Option<String>, Query), ("priority" = Option<i16>, Query),
           ("category_id" = Option<Uuid>, Query), ("entity_id" = Option<Uuid>, Query),
           ("sort" = Option<String>, Query, description = "number, title, status, priority, requester, due, updated"),
           ("dir" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListResponse<Ticket>), (status = 400, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListResponse<Ticket>>> {
    let viewer = Viewer::of(&actor);
    let query = parse_query::<ListParams>(raw.as_deref())?.check()?;
    let filter = filter_from(raw.as_deref(), viewer.clone())?;
    Ok(Json(fetch_page::<TicketList>(&state.db, &viewer.helpdesk, &filter, &query).await?.into()))
}

/// Open a ticket (priority, group and due dates follow from its category)
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = TicketBody,
    responses((status = 201, body = Ticket), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<TicketBody>,
) -> ApiResult<(StatusCode, Json<Ticket>)> {
    let author = Author::of(&actor);
    let form = body.over(TicketForm { kind: "incident".into(), ..Default::default() });
    let input = form.parse(author, Channel::Api).map_err(AppError::Validation)?;
    let assets = body.asset_ids.clone().unwrap_or_default();
    if assets.len() > 20 {
        return Err(AppError::field("asset_ids", "field-too-long").into());
    }
    rules::check_input(&state.db, &actor, &input, None).await?;
    for asset in &assets {
        rules::check_asset(&state.db, &actor, *asset, input.requester_id).await?;
    }
    let watchers = body.watcher_ids.clone().unwrap_or_default();
    rules::check_watchers(&state.db, &actor, author, &watchers).await?;
    let opening = db::Opening { assets, watchers };
    let (id, _) = db::insert(&state.db, &actor.audit(), &input, &opening).await?;
    Ok((StatusCode::CREATED, Json(db::find(&state.db, &Viewer::of(&actor), id).await?)))
}

/// One ticket
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets",
    responses((status = 200, body = Ticket), (status = 404, body = crate::error::Problem)))]
pub async fn find(State(state): State<AppState>, actor: ApiActor, ApiId(id): ApiId) -> ApiResult<Json<Ticket>> {
    Ok(Json(rules::visible(&state.db, &actor, id).await?.0))
}

/// Change a ticket's fields (helpdesk), from its version
#[utoipa::path(patch, path = "/api/v1/tickets/{id}", tag = "tickets", request_body = TicketBody,
    responses((status = 200, body = Ticket), (status = 409, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TicketBody>,
) -> ApiResult<Json<Ticket>> {
    let (ticket, viewer) = rules::workable(&state.db, &actor, id).await?;
    let version = expected_version(&headers, body.version)?;
    if body.asset_ids.is_some() || body.watcher_ids.is_some() {
        let field = if body.asset_ids.is_some() { "asset_ids" } else { "watcher_ids" };
        return Err(AppError::field(field, "field-not-allowed").into());
    }
    let input =
        body.over(TicketForm::from(&ticket)).parse(Author::of(&actor), ticket.source).map_err(AppError::Validation)?;
    rules::check_input(&state.db, &actor, &input, None).await?;
    db::update(&state.db, &actor.audit(), &ticket, version, &input).await?;
    Ok(Json(db::find(&state.db, &viewer, id).await?))
}

/// The ticket's history: every change of its fields, status, people and files (the helpdesk working it)
#[utoipa::path(get, path = "/api/v1/tickets/{id}/history", tag = "tickets",
    responses((status = 200, body = Vec<HistoryEntry>), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)))]
pub async fn history(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    rules::workable(&state.db, &actor, id).await?;
    Ok(Json(audit::history(&state.db, ObjectKind::Ticket, id, 1000).await?))
}

/// The ticket's followups, tasks, solutions and status changes (private ones for the helpdesk only)
#[utoipa::path(get, path = "/api/v1/tickets/{id}/timeline", tag = "tickets",
    responses((status = 200, body = Vec<TimelineItem>), (status = 404, body = crate::error::Problem)))]
pub async fn timeline(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<Vec<TimelineItem>>> {
    let (ticket, viewer) = rules::visible(&state.db, &actor, id).await?;
    Ok(Json(db::timeline(&state.db, id, viewer.sees_private(ticket.entity_id)).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowupBody {
    pub body: String,
    /// Helpdesk only
    #[serde(default)]
    pub private: bool,
}

/// Add a followup (a requester's answer puts a pending ticket back to work)
#[utoipa::path(post, path = "/api/v1/tickets/{id}/followups", tag = "tickets", request_body = FollowupBody,
    responses((status = 201, body = Ticket), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn add_followup(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<FollowupBody>,
) -> ApiResult<(StatusCode, Json<Ticket>)> {
    let (ticket, viewer) = rules::visible(&state.db, &actor, id).await?;
    let form = FollowupForm { body: body.body, private: body.private.to_string() };
    let (text, private) = form.parse().map_err(AppError::Validation)?;
    if private && !viewer.sees_private(ticket.entity_id) {
        return Err(AppError::field("private", "field-not-allowed").into());
    }
    let works = viewer.sees_private(ticket.entity_id);
    db::add_followup(&state.db, &actor.audit(), &ticket, &text, private, works).await?;
    Ok((StatusCode::CREATED, Json(db::find(&state.db, &viewer, id).await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskBody {
    pub body: String,
    pub technician_id: Option<Uuid>,
    pub planned_start: Option<DateTime<Utc>>,
    pub planned_end: Option<DateTime<Utc>>,
    #[serde(default)]
    pub minutes_spent: i32,
    #[serde(default)]
    pub done: bool,
    #[serde(default)]
    pub private: bool,
}

impl TaskBody {
    fn input(self) -> Result<TaskInput, AppError> {
        let body = self.body.trim().to_owned();
        if body.is_empty() || body.chars().count() > 100_000 {
            return Err(AppError::field("body", "field-required"));
        }
        match (self.planned_start, self.planned_end) {
            (None, Some(_)) => return Err(AppError::field("planned_start", "field-required")),
            (Some(start), Some(end)) if end <= start => {
                return Err(AppError::field("planned_end", "task-end-before-start"));
            }
            _ => {}
        }
        if !(0..=100_000).contains(&self.minutes_spent) {
            return Err(AppError::field("minutes_spent", "field-invalid-number"));
        }
        Ok(TaskInput {
            body,
            technician_id: self.technician_id,
            planned_start: self.planned_start,
            planned_end: self.planned_end,
            minutes_spent: self.minutes_spent,
            done: self.done,
            private: self.private,
        })
    }
}

/// Add a task (planning one puts the ticket in progress)
#[utoipa::path(post, path = "/api/v1/tickets/{id}/tasks", tag = "tickets", request_body = TaskBody,
    responses((status = 201, body = Ticket), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_task(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<TaskBody>,
) -> ApiResult<(StatusCode, Json<Ticket>)> {
    let (ticket, viewer) = rules::workable(&state.db, &actor, id).await?;
    let task = body.input()?;
    if let Some(technician) = task.technician_id {
        rules::check_assignees(&state.db, &actor, &ticket, &[technician], &[]).await?;
    }
    db::add_task(&state.db, &actor.audit(), &ticket, &task).await?;
    Ok((StatusCode::CREATED, Json(db::find(&state.db, &viewer, id).await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    #[serde(default)]
    pub user_ids: Vec<Uuid>,
    #[serde(default)]
    pub group_ids: Vec<Uuid>,
}

/// Assign technicians and groups (a technician may assign themselves; others are for supervisors)
#[utoipa::path(post, path = "/api/v1/tickets/{id}/assign", tag = "tickets", request_body = AssignBody,
    responses((status = 200, body = Ticket), (status = 403, body = crate::error::Problem)))]
pub async fn assign(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<AssignBody>,
) -> ApiResult<Json<Ticket>> {
    let (ticket, viewer) = rules::workable(&state.db, &actor, id).await?;
    rules::check_assignees(&state.db, &actor, &ticket, &body.user_ids, &body.group_ids).await?;
    db::assign(&state.db, &actor.audit(), &ticket, &body.user_ids, &body.group_ids).await?;
    Ok(Json(db::find(&state.db, &viewer, id).await?))
}

/// A person watching a ticket.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Watcher {
    pub id: Uuid,
    pub name: String,
}

/// The people watching a ticket
#[utoipa::path(get, path = "/api/v1/tickets/{id}/watchers", tag = "tickets",
    responses((status = 200, body = Vec<Watcher>), (status = 404, body = crate::error::Problem)))]
pub async fn watchers(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<Vec<Watcher>>> {
    rules::visible(&state.db, &actor, id).await?;
    let people = db::people_in_role(&state.db, id, "watcher").await?;
    Ok(Json(people.into_iter().map(|(id, name)| Watcher { id, name }).collect()))
}

/// Body of PUT /api/v1/tickets/{id}/watchers.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WatchersBody {
    pub user_ids: Vec<Uuid>,
}

/// Replace the people watching a ticket (the helpdesk, among people it may see)
#[utoipa::path(put, path = "/api/v1/tickets/{id}/watchers", tag = "tickets", request_body = WatchersBody,
    responses((status = 200, body = Vec<Watcher>), (status = 422, body = crate::error::Problem)))]
pub async fn set_watchers(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<WatchersBody>,
) -> ApiResult<Json<Vec<Watcher>>> {
    let (ticket, _) = rules::workable(&state.db, &actor, id).await?;
    let mut wanted = body.user_ids;
    wanted.sort_unstable();
    wanted.dedup();
    if !wanted.is_empty() {
        rules::check_watcher_people(&state.db, &actor, &wanted)
            .await
            .map_err(|_| AppError::field("user_ids", "field-invalid-choice"))?;
    }
    db::set_watchers(&state.db, &actor.audit(), &ticket, &wanted).await?;
    let people = db::people_in_role(&state.db, id, "watcher").await?;
    Ok(Json(people.into_iter().map(|(id, name)| Watcher { id, name }).collect()))
}

/// Put on hold (with a reason), resume, close or reopen
#[utoipa::path(post, path = "/api/v1/tickets/{id}/status", tag = "tickets",
    request_body(content = Object, description = r#"{"action": "pend|resume|close|reopen", "reason": "..."}"#),
    responses((status = 200, body = Ticket), (status = 409, body = crate::error::Problem)))]
pub async fn change_status(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<StatusForm>,
) -> ApiResult<Json<Ticket>> {
    let (ticket, viewer) = rules::workable(&state.db, &actor, id).await?;
    db::change_status(&state.db, &actor.audit(), &ticket, body.event()?, &body.reason()?).await?;
    Ok(Json(db::find(&state.db, &viewer, id).await?))
}

/// Propose a solution
#[utoipa::path(post, path = "/api/v1/tickets/{id}/solve", tag = "tickets", request_body = FollowupBody,
    responses((status = 200, body = Ticket), (status = 409, body = crate::error::Problem)))]
pub async fn solve(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<FollowupBody>,
) -> ApiResult<Json<Ticket>> {
    let (ticket, viewer) = rules::workable(&state.db, &actor, id).await?;
    let (text, _) = FollowupForm { body: body.body, private: String::new() }.parse().map_err(AppError::Validation)?;
    db::solve(&state.db, &actor.audit(), &ticket, &text).await?;
    Ok(Json(db::find(&state.db, &viewer, id).await?))
}

/// The requester accepts (closes) or refuses (reopens) the solution
#[utoipa::path(post, path = "/api/v1/tickets/{id}/solution", tag = "tickets",
    request_body(content = Object, description = r#"{"answer": "accept|refuse", "comment": "..."}"#),
    responses((status = 200, body = Ticket), (status = 409, body = crate::error::Problem)))]
pub async fn answer_solution(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<AnswerForm>,
) -> ApiResult<Json<Ticket>> {
    let (ticket, viewer) = rules::visible(&state.db, &actor, id).await?;
    if !rules::answers_for_requester(&actor, &ticket) {
        return Err(AppError::Forbidden.into());
    }
    db::answer_solution(&state.db, &actor.audit(), &ticket, body.accepted()?, body.comment.trim()).await?;
    Ok(Json(db::find(&state.db, &viewer, id).await?))
}

/// How the ticket's due dates were computed
#[utoipa::path(get, path = "/api/v1/tickets/{id}/sla", tag = "tickets",
    responses((status = 200, body = sla::Explanation), (status = 404, body = crate::error::Problem)))]
pub async fn sla_explanation(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<sla::Explanation>> {
    let (ticket, _) = rules::visible(&state.db, &actor, id).await?;
    let sla_id = ticket.sla_id.ok_or(AppError::NotFound)?;
    let mut conn = state.db.acquire().await?;
    Ok(Json(sla::explain(&mut conn, id, sla_id, ticket.priority, ticket.created_at).await?))
}

/// The ticket's satisfaction survey (once it is closed)
#[utoipa::path(get, path = "/api/v1/tickets/{id}/satisfaction", tag = "tickets",
    responses((status = 200, body = db::Survey), (status = 404, body = crate::error::Problem)))]
pub async fn survey(State(state): State<AppState>, actor: ApiActor, ApiId(id): ApiId) -> ApiResult<Json<db::Survey>> {
    rules::visible(&state.db, &actor, id).await?;
    Ok(Json(db::survey(&state.db, id).await?.ok_or(AppError::NotFound)?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingBody {
    /// 1 to 5
    pub rating: i16,
    #[serde(default)]
    pub comment: String,
}

/// The requester rates a closed ticket, once, before the survey expires
#[utoipa::path(post, path = "/api/v1/tickets/{id}/satisfaction", tag = "tickets", request_body = RatingBody,
    responses((status = 200, body = db::Survey), (status = 409, body = crate::error::Problem)))]
pub async fn rate(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<RatingBody>,
) -> ApiResult<Json<db::Survey>> {
    rules::visible(&state.db, &actor, id).await?;
    let form = SurveyForm { rating: body.rating.to_string(), comment: body.comment };
    let (rating, comment) = form.parse().map_err(AppError::Validation)?;
    db::answer_survey(&state.db, id, actor.id, rating, &comment).await?;
    Ok(Json(db::survey(&state.db, id).await?.ok_or(AppError::NotFound)?))
}

/// Survey results per technician, group and category over the last `days` days
#[utoipa::path(get, path = "/api/v1/helpdesk/satisfaction", tag = "tickets",
    params(("days" = Option<i64>, Query, description = "days back from now (default 30)")),
    responses((status = 200, body = Vec<db::SatisfactionRow>), (status = 403, body = crate::error::Problem)))]
pub async fn satisfaction(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Vec<db::SatisfactionRow>>> {
    let scope = actor.scope(ObjectKind::Ticket, Action::Delete)?;
    let days = parse_query::<PeriodParams>(raw.as_deref())?.days()?;
    let since = Utc::now() - chrono::Duration::days(days);
    Ok(Json(db::satisfaction(&state.db, &scope, since).await?))
}
