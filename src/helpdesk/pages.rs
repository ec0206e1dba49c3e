//! Ticket pages: the queues, the ticket with its timeline and actions, the
//! forms, and how its due dates were computed.

use askama::Template;
use axum::{
    Form,
    extract::{RawQuery, State},
    response::Response,
};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    Viewer,
    db::{self, Queue, TicketFilter, TicketList},
    domain::{Channel, Event, LEVELS, Status, Ticket, TimelineItem, level_key},
    form::{Author, FollowupForm, TaskForm, TicketForm},
    rules, sla, supervises,
};
use crate::{
    audit,
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    org::{entity_choices, users},
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_choice, filter_id, parse_query},
        form::FieldErrors,
        layout::{NavItem, redirect_with_flash},
        list::{ListParams, csv_download, fetch_page},
        markdown::to_safe_html,
        render,
        table::{Cell, Column, FilterSelect, FormField, FormTemplate, HistoryTemplate, ListTemplate, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::Ticket;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FilterParams {
    queue: Option<String>,
    status: Option<String>,
    kind: Option<String>,
    priority: Option<String>,
    category_id: Option<String>,
    entity_id: Option<String>,
    group_id: Option<String>,
    assignee_id: Option<String>,
}

const STATUS_FILTERS: [&str; 7] = ["open", "new", "assigned", "in_progress", "pending", "solved", "closed"];

pub fn filter_from(raw: Option<&str>, viewer: Viewer) -> AppResult<TicketFilter> {
    let params = parse_query::<FilterParams>(raw)?;
    let queue = match filter_choice(&params.queue, "queue", &Queue::ALL.map(Queue::as_str))? {
        Some(queue) => Queue::parse(&queue).unwrap_or_default(),
        None => Queue::All,
    };
    Ok(TicketFilter {
        viewer,
        queue,
        status: filter_choice(&params.status, "status", &STATUS_FILTERS)?,
        kind: filter_choice(&params.kind, "kind", &["incident", "request"])?,
        priority: filter_choice(&params.priority, "priority", &LEVELS)?.and_then(|p| p.parse().ok()),
        category_id: filter_id(&params.category_id, "category_id")?,
        entity_id: filter_id(&params.entity_id, "entity_id")?,
        group_id: filter_id(&params.group_id, "group_id")?,
        assignee_id: filter_id(&params.assignee_id, "assignee_id")?,
    })
}

fn queue_tabs(current: Queue) -> Vec<NavItem> {
    let tab = |queue: Queue, href: &'static str, key: &'static str| NavItem { href, key, current: queue == current };
    vec![
        tab(Queue::All, "/tickets?queue=all", "queue-all"),
        tab(Queue::Mine, "/tickets?queue=mine", "queue-mine"),
        tab(Queue::MyGroups, "/tickets?queue=groups", "queue-groups"),
        tab(Queue::Unassigned, "/tickets?queue=unassigned", "queue-unassigned"),
        tab(Queue::Late, "/tickets?queue=late", "queue-late"),
        tab(Queue::Requested, "/tickets?queue=requested", "queue-requested"),
    ]
}

async fn category_choices(state: &AppState) -> AppResult<Vec<(String, String)>> {
    super::categories::choices(&state.db).await
}

fn level_choices(ctx: &PageCtx) -> Vec<(String, String)> {
    (1..=5).map(|l: i16| (l.to_string(), ctx.t(level_key(l)))).collect()
}

const PRIORITIES: [i16; 5] = [1, 2, 3, 4, 5];

/// The place of `level`'s label in [`PRIORITIES`]: the highest beyond, as [`level_key`] reads it.
fn level_index(level: i16) -> usize {
    usize::try_from(level - 1).unwrap_or(PRIORITIES.len() - 1).min(PRIORITIES.len() - 1)
}

fn due_cell(ctx: &PageCtx, ticket: &Ticket) -> Cell {
    match ticket.resolve_due_at {
        Some(due) if ticket.status.is_open() && due < Utc::now() => Cell::badge(ctx.time(&due), "badge-late"),
        Some(due) if ticket.status.is_open() => Cell::text(ctx.time(&due)),
        _ => Cell::default(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let viewer = Viewer::of(&actor);
    let query = parse_query::<ListParams>(raw.as_deref())?.check()?;
    let filter = filter_from(raw.as_deref(), viewer.clone())?;
    // The filters' choice lists do not depend on the page: read them beside it.
    let choices = async {
        if viewer.is_helpdesk() {
            db::filter_choices(&state.db, &viewer.helpdesk).await
        } else {
            Ok(db::FilterChoices::default())
        }
    };
    let (page, choices) =
        tokio::try_join!(fetch_page::<TicketList>(&state.db, &viewer.helpdesk, &filter, &query), choices)?;
    let statuses = STATUS_FILTERS
        .iter()
        .map(|s| (s.to_string(), ctx.t(&Status::parse(s).map(Status::label_key).unwrap_or("ticket-open".into()))))
        .collect();
    let mut filters = vec![
        FilterSelect {
            name: "status",
            label_key: "field-status",
            options: statuses,
            selected: filter.status.clone().unwrap_or_default(),
        },
        FilterSelect {
            name: "kind",
            label_key: "ticket-kind",
            options: ["incident", "request"]
                .iter()
                .map(|k| (k.to_string(), ctx.t(&format!("ticket-kind-{k}"))))
                .collect(),
            selected: filter.kind.clone().unwrap_or_default(),
        },
    ];
    if viewer.is_helpdesk() {
        filters.push(FilterSelect {
            name: "priority",
            label_key: "ticket-priority",
            options: level_choices(&ctx),
            selected: filter.priority.map(|p| p.to_string()).unwrap_or_default(),
        });
        filters.push(FilterSelect {
            name: "category_id",
            label_key: "ticket-category",
            options: choices.categories,
            selected: filter.category_id.map(|id| id.to_string()).unwrap_or_default(),
        });
        filters.push(FilterSelect {
            name: "entity_id",
            label_key: "field-entity",
            options: choices.entities,
            selected: filter.entity_id.map(|id| id.to_string()).unwrap_or_default(),
        });
        filters.push(FilterSelect {
            name: "group_id",
            label_key: "kind-group",
            options: choices.groups,
            selected: filter.group_id.map(|id| id.to_string()).unwrap_or_default(),
        });
        // A technician is chosen from the dashboard or the team view; the
        // filter shows only when set, so lists do not carry every name.
        if let Some(person) = filter.assignee_id {
            let name = db::person_name(&state.db, person).await?;
            filters.push(FilterSelect {
                name: "assignee_id",
                label_key: "ticket-technician",
                options: vec![(person.to_string(), name)],
                selected: person.to_string(),
            });
        }
        filters.push(FilterSelect {
            name: "queue",
            label_key: "queue",
            options: Queue::ALL
                .iter()
                .map(|q| (q.as_str().to_owned(), ctx.t(&format!("queue-{}", q.as_str()))))
                .collect(),
            selected: filter.queue.as_str().to_owned(),
        });
    }
    let mut view = ListTemplate::new(ctx, "nav-tickets", "/tickets", &query, &page, filters);
    if viewer.is_helpdesk() {
        view.sections = queue_tabs(filter.queue);
        view.row_ids = page.items.iter().map(|t| t.id.to_string()).collect();
        view.bulk = Some(super::bulk::panel(&actor));
    }
    view.columns = vec![
        Column::sortable("ticket-number", "number"),
        Column::sortable("ticket-title", "title"),
        Column::sortable("field-status", "status"),
        Column::sortable("ticket-priority", "priority"),
        Column::sortable("ticket-requester", "requester"),
        Column::plain("ticket-assigned"),
        Column::sortable("ticket-due", "due"),
    ];
    // Labels translated once for the page, not once per row.
    let status_labels = Status::ALL.map(|s| (s, view.ctx.t(&s.label_key())));
    let status_label =
        |status: Status| status_labels.iter().find(|(s, _)| *s == status).map(|(_, label)| label.clone());
    let level_labels = PRIORITIES.map(|l| view.ctx.t(level_key(l)));
    view.rows = page
        .items
        .into_iter()
        .map(|t| {
            let href = format!("/tickets/{}", t.id);
            let due = due_cell(&view.ctx, &t);
            vec![
                Cell::link(t.reference(), href.clone()),
                Cell::link(t.title, href),
                Cell::badge(status_label(t.status).unwrap_or_default(), t.status.style()),
                Cell::text(level_labels[level_index(t.priority)].clone()),
                Cell::text(t.requester_name),
                Cell::text(t.assignees),
                due,
            ]
        })
        .collect();
    view.new_href = Some("/tickets/new".to_owned());
    if viewer.is_helpdesk() {
        view.links.push(("/planning".to_owned(), "planning"));
    }
    if actor.can(KIND, Action::Delete) {
        view.links.push(("/tickets/dashboard".to_owned(), "dashboard"));
        view.links.push(("/planning/team".to_owned(), "planning-team"));
    }
    view.render()
}

pub async fn export(State(state): State<AppState>, actor: Actor, RawQuery(raw): RawQuery) -> AppResult<Response> {
    let viewer = Viewer::of(&actor);
    let query = parse_query::<ListParams>(raw.as_deref())?.check()?;
    let filter = filter_from(raw.as_deref(), viewer.clone())?;
    Ok(csv_download::<TicketList>(state.db, viewer.helpdesk, filter, query, "tickets.csv"))
}

async fn form_fields(state: &AppState, ctx: &PageCtx, actor: &Actor, form: &TicketForm) -> AppResult<Vec<FormField>> {
    let kinds = ["incident", "request"].iter().map(|k| (k.to_string(), ctx.t(&format!("ticket-kind-{k}")))).collect();
    let mut fields = vec![
        FormField::select("kind", "ticket-kind", kinds, &form.kind, true),
        FormField::text("title", "ticket-title", &form.title, true),
        FormField::area("description", "field-description", &form.description),
        FormField::select("category_id", "ticket-category", category_choices(state).await?, &form.category_id, false),
        FormField::select("urgency", "ticket-urgency", level_choices(ctx), &form.urgency, false),
    ];
    if Author::of(actor).helpdesk {
        let helpdesk = actor.scope_or_empty(KIND, Action::Create);
        let people = users::db::choices(&state.db, &actor.scope_or_empty(ObjectKind::User, Action::View)).await?;
        let channels = Channel::TYPED.iter().map(|c| (c.to_string(), ctx.t(&format!("ticket-source-{c}")))).collect();
        fields.extend([
            FormField::select("impact", "ticket-impact", level_choices(ctx), &form.impact, false),
            FormField::select("requester_id", "ticket-requester", people, &form.requester_id, false),
            FormField::select(
                "entity_id",
                "field-entity",
                entity_choices(&state.db, &helpdesk).await?,
                &form.entity_id,
                false,
            ),
            FormField::select("source", "ticket-source", channels, &form.source, false),
        ]);
    }
    Ok(fields)
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    editing: Option<&Ticket>,
    form: TicketForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let (title, action, cancel) = match editing {
        Some(t) => (
            format!("{} : {} {}", ctx.t("action-edit"), t.reference(), t.title),
            format!("/tickets/{}/edit", t.id),
            format!("/tickets/{}", t.id),
        ),
        None => (ctx.t("ticket-new"), "/tickets".to_owned(), "/tickets".to_owned()),
    };
    FormTemplate {
        fields: form_fields(state, &ctx, actor, &form).await?,
        version: form.version.clone(),
        ctx,
        title,
        action,
        cancel,
        errors,
    }
    .render()
}

pub async fn new_form(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    let form = TicketForm { kind: "incident".into(), urgency: "3".into(), impact: "3".into(), ..Default::default() };
    form_page(&state, ctx, &actor, None, form, FieldErrors::default()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(form): Form<TicketForm>,
) -> AppResult<Response> {
    let author = Author::of(&actor);
    let channel = if author.helpdesk { Channel::Web } else { Channel::Portal };
    let outcome = async {
        let input = form.parse(author, channel).map_err(AppError::Validation)?;
        let asset = form.asset().map_err(AppError::Validation)?;
        rules::check_input(&state.db, &actor, &input, asset).await?;
        let opening = db::Opening { assets: asset.into_iter().collect(), watchers: Vec::new() };
        db::insert(&state.db, &actor.audit(), &input, &opening).await
    }
    .await;
    match outcome.map_err(AppError::into_field_errors) {
        Ok((id, _)) => Ok(redirect_with_flash(&format!("/tickets/{id}"), "success", "flash-created")),
        Err(Ok(errors)) => form_page(&state, ctx, &actor, None, form, errors).await,
        Err(Err(other)) => Err(other),
    }
}

pub async fn edit_form(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let (ticket, _) = rules::workable(&state.db, &actor, id).await?;
    let form = TicketForm::from(&ticket);
    form_page(&state, ctx, &actor, Some(&ticket), form, FieldErrors::default()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<TicketForm>,
) -> AppResult<Response> {
    let (ticket, _) = rules::workable(&state.db, &actor, id).await?;
    let outcome = async {
        let input = form.parse(Author::of(&actor), ticket.source).map_err(AppError::Validation)?;
        let version = form.version().map_err(AppError::Validation)?;
        rules::check_input(&state.db, &actor, &input, None).await?;
        db::update(&state.db, &actor.audit(), &ticket, version, &input).await
    }
    .await;
    match outcome {
        Ok(()) => Ok(redirect_with_flash(&format!("/tickets/{id}"), "success", "flash-saved")),
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            form_page(&state, ctx, &actor, Some(&ticket), form, errors).await
        }
        Err(AppError::StaleEdit { by, at }) => {
            let ctx = ctx.with_stale(&by, &at);
            let errors = FieldErrors::single("version", "stale-edit-short");
            form_page(&state, ctx, &actor, Some(&ticket), form, errors).await
        }
        Err(other) => Err(other),
    }
}

pub async fn history(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let (ticket, _) = rules::workable(&state.db, &actor, id).await?;
    let entries = audit::history_lines(&state.db, KIND, id, 500).await?;
    let names = audit::names_of_ids(&state.db, &entries).await?;
    let tabs = Tabs { base: format!("/tickets/{id}"), current: "history" };
    let title = format!("{} {}", ticket.reference(), ticket.title);
    render(&HistoryTemplate::new(ctx, "kind-ticket", title, tabs, entries, names))
}

/// What the ticket page offers this person.
struct Offers {
    /// Works the ticket: tasks, status, solution, private followups.
    work: bool,
    /// May assign others (supervisor).
    assign_others: bool,
    answer_solution: bool,
    follow_up: bool,
}

#[derive(Template)]
#[template(path = "helpdesk/show.html")]
struct ShowPage {
    ctx: PageCtx,
    ticket: Ticket,
    description_html: String,
    timeline: Vec<(TimelineItem, String)>,
    people: Vec<(Uuid, String)>,
    groups: Vec<(Uuid, String)>,
    watchers: Vec<(Uuid, String)>,
    assets: Vec<(Uuid, String, String)>,
    offers: Offers,
    technicians: Vec<(String, String)>,
    group_choices: Vec<(String, String)>,
    late: bool,
    survey: Option<db::Survey>,
    attachments: Vec<super::attachments::Attachment>,
    /// The requester may rate the ticket now.
    rate_now: bool,
    errors: FieldErrors,
}

impl ShowPage {
    fn level(&self, level: &i16) -> &'static str {
        level_key(*level)
    }

    fn item_key(&self, prefix: &str, value: &str) -> String {
        format!("{prefix}-{value}")
    }
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let (ticket, viewer) = rules::visible(&state.db, &actor, id).await?;
    let helpdesk = actor.scope_or_empty(KIND, Action::Update);
    let work = helpdesk.contains(ticket.entity_id);
    let private = viewer.sees_private(ticket.entity_id);
    let park = actor.scope_or_empty(ObjectKind::Asset, Action::View);
    let assign_others = work && supervises(&actor, ticket.entity_id);
    // The ticket is visible: the rest of its page is read side by side.
    let (timeline, links, survey, attachments) = tokio::try_join!(
        db::timeline(&state.db, id, private),
        db::page_links(&state.db, id, &park, actor.id, assign_others.then_some(&helpdesk)),
        db::survey(&state.db, id),
        super::attachments::list(&state.db, id, private),
    )?;
    let timeline = timeline
        .into_iter()
        .map(|item| {
            let html = to_safe_html(&item.body);
            (item, html)
        })
        .collect();
    let offers = Offers {
        work,
        assign_others,
        answer_solution: ticket.status == Status::Solved && rules::answers_for_requester(&actor, &ticket),
        follow_up: ticket.status != Status::Closed,
    };
    let rate_now = survey.as_ref().is_some_and(|s| s.is_open(Utc::now()) && s.requester_id == actor.id);
    render(&ShowPage {
        ctx,
        survey,
        attachments,
        rate_now,
        description_html: to_safe_html(&ticket.description),
        late: ticket.is_late(Utc::now()),
        ticket,
        timeline,
        people: links.assignees,
        groups: links.groups,
        watchers: links.watchers,
        assets: links.assets,
        offers,
        technicians: links.technicians,
        group_choices: links.teams,
        errors: FieldErrors::default(),
    })
}

/// Back to the ticket, with the reason when the action was refused.
fn after_action(id: Uuid, outcome: AppResult<()>, done_key: &str) -> AppResult<Response> {
    let to = format!("/tickets/{id}");
    match outcome {
        Ok(()) => Ok(redirect_with_flash(&to, "success", done_key)),
        Err(AppError::Refused(key)) => Ok(redirect_with_flash(&to, "error", key)),
        Err(AppError::Validation(errors)) => {
            let key = errors.iter().next().map(|(_, key)| key.to_owned()).unwrap_or_else(|| "form-has-errors".into());
            Ok(redirect_with_flash(&to, "error", &key))
        }
        Err(other) => Err(other),
    }
}

pub async fn add_followup(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<FollowupForm>,
) -> AppResult<Response> {
    let (ticket, viewer) = rules::visible(&state.db, &actor, id).await?;
    let outcome = async {
        let (body, private) = form.parse().map_err(AppError::Validation)?;
        let works = actor.scope_or_empty(KIND, Action::Update).contains(ticket.entity_id);
        if private && !viewer.sees_private(ticket.entity_id) {
            return Err(AppError::field("private", "field-not-allowed"));
        }
        db::add_followup(&state.db, &actor.audit(), &ticket, &body, private, works).await.map(drop)
    }
    .await;
    after_action(id, outcome, "followup-added")
}

pub async fn add_task(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<TaskForm>,
) -> AppResult<Response> {
    let (ticket, _) = rules::workable(&state.db, &actor, id).await?;
    let outcome = async {
        let task = form.parse(actor.time_zone).map_err(AppError::Validation)?;
        if let Some(technician) = task.technician_id {
            rules::check_assignees(&state.db, &actor, &ticket, &[technician], &[]).await?;
        }
        db::add_task(&state.db, &actor.audit(), &ticket, &task).await.map(drop)
    }
    .await;
    after_action(id, outcome, "task-added")
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    user_id: String,
    group_id: String,
}

pub async fn assign(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<AssignForm>,
) -> AppResult<Response> {
    let (ticket, _) = rules::workable(&state.db, &actor, id).await?;
    let outcome = async {
        let parse = |value: &str, field: &str| -> AppResult<Vec<Uuid>> {
            match value.trim() {
                "" => Ok(Vec::new()),
                v => Uuid::parse_str(v).map(|id| vec![id]).map_err(|_| AppError::field(field, "field-invalid-choice")),
            }
        };
        let people = parse(&form.user_id, "user_id")?;
        let groups = parse(&form.group_id, "group_id")?;
        rules::check_assignees(&state.db, &actor, &ticket, &people, &groups).await?;
        db::assign(&state.db, &actor.audit(), &ticket, &people, &groups).await
    }
    .await;
    after_action(id, outcome, "flash-ticket-assigned")
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WatcherForm {
    /// The login of the person to add.
    pub login: String,
}

/// Add a watcher by login, from the ticket's page.
pub async fn add_watcher(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<WatcherForm>,
) -> AppResult<Response> {
    let (ticket, _) = rules::workable(&state.db, &actor, id).await?;
    let outcome = async {
        let person = users::db::id_by_login(&state.db, form.login.trim())
            .await?
            .ok_or_else(|| AppError::field("login", "watcher-unknown-login"))?;
        let mut watchers: Vec<Uuid> =
            db::people_in_role(&state.db, id, "watcher").await?.into_iter().map(|(id, _)| id).collect();
        watchers.push(person);
        rules::check_watcher_people(&state.db, &actor, &watchers)
            .await
            .map_err(|_| AppError::field("login", "watcher-unknown-login"))?;
        db::set_watchers(&state.db, &actor.audit(), &ticket, &watchers).await
    }
    .await;
    after_action(id, outcome, "flash-watchers-saved")
}

/// Take a watcher off, from the ticket's page.
pub async fn remove_watcher(
    State(state): State<AppState>,
    actor: Actor,
    axum::extract::Path((id, person)): axum::extract::Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    let (ticket, _) = rules::workable(&state.db, &actor, id).await?;
    let watchers: Vec<Uuid> = db::people_in_role(&state.db, id, "watcher")
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .filter(|w| *w != person)
        .collect();
    let outcome = db::set_watchers(&state.db, &actor.audit(), &ticket, &watchers).await;
    after_action(id, outcome, "flash-watchers-saved")
}

pub async fn take(State(state): State<AppState>, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let (ticket, _) = rules::workable(&state.db, &actor, id).await?;
    let outcome = db::assign(&state.db, &actor.audit(), &ticket, &[actor.id], &[]).await;
    after_action(id, outcome, "flash-ticket-assigned")
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    /// pend, resume, close or reopen.
    pub action: String,
    pub reason: String,
}

impl StatusForm {
    pub fn event(&self) -> AppResult<Event> {
        match self.action.as_str() {
            "pend" => Ok(Event::Pend),
            "resume" => Ok(Event::Resume),
            "close" => Ok(Event::Close),
            "reopen" => Ok(Event::Reopen),
            _ => Err(AppError::field("action", "field-invalid-choice")),
        }
    }

    pub fn reason(&self) -> AppResult<String> {
        let reason = self.reason.trim();
        if reason.chars().count() > 500 {
            return Err(AppError::field("reason", "field-too-long"));
        }
        Ok(reason.to_owned())
    }
}

pub async fn change_status(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<StatusForm>,
) -> AppResult<Response> {
    let (ticket, _) = rules::workable(&state.db, &actor, id).await?;
    let outcome = async {
        let (event, reason) = (form.event()?, form.reason()?);
        db::change_status(&state.db, &actor.audit(), &ticket, event, &reason).await
    }
    .await;
    after_action(id, outcome, "flash-saved")
}

pub async fn solve(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<FollowupForm>,
) -> AppResult<Response> {
    let (ticket, _) = rules::workable(&state.db, &actor, id).await?;
    let outcome = async {
        let (body, _) = form.parse().map_err(AppError::Validation)?;
        db::solve(&state.db, &actor.audit(), &ticket, &body).await
    }
    .await;
    after_action(id, outcome, "flash-ticket-solved")
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    /// accept or refuse.
    pub answer: String,
    pub comment: String,
}

impl AnswerForm {
    pub fn accepted(&self) -> AppResult<bool> {
        match self.answer.as_str() {
            "accept" => Ok(true),
            "refuse" => Ok(false),
            _ => Err(AppError::field("answer", "field-invalid-choice")),
        }
    }
}

pub async fn answer_solution(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    let (ticket, _) = rules::visible(&state.db, &actor, id).await?;
    if !rules::answers_for_requester(&actor, &ticket) {
        return Err(AppError::Forbidden);
    }
    let outcome = async {
        let accept = form.accepted()?;
        if form.comment.chars().count() > 100_000 {
            return Err(AppError::field("comment", "field-too-long"));
        }
        db::answer_solution(&state.db, &actor.audit(), &ticket, accept, form.comment.trim()).await
    }
    .await;
    after_action(id, outcome, "flash-saved")
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SurveyForm {
    pub rating: String,
    pub comment: String,
}

impl SurveyForm {
    pub fn parse(&self) -> Result<(i16, String), FieldErrors> {
        let mut p = crate::web::form::Parser::default();
        let rating = p.choice("rating", &self.rating, &LEVELS).parse().unwrap_or(3);
        let comment = p.text("comment", &self.comment, 10_000);
        p.finish((rating, comment))
    }
}

pub async fn rate(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<SurveyForm>,
) -> AppResult<Response> {
    rules::visible(&state.db, &actor, id).await?;
    let outcome = async {
        let (rating, comment) = form.parse().map_err(AppError::Validation)?;
        db::answer_survey(&state.db, id, actor.id, rating, &comment).await
    }
    .await;
    after_action(id, outcome, "survey-thanks")
}

#[derive(Template)]
#[template(path = "helpdesk/satisfaction.html")]
struct SatisfactionPage {
    ctx: PageCtx,
    rows: Vec<db::SatisfactionRow>,
    days: i64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PeriodParams {
    /// Days back from today.
    pub days: Option<String>,
}

impl PeriodParams {
    pub fn days(&self) -> AppResult<i64> {
        match self.days.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => Ok(30),
            Some(d) => d
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=3660).contains(d))
                .ok_or_else(|| AppError::BadRequest("days must be a number of days from 1 to 3660".into())),
        }
    }
}

/// Survey results of the helpdesk the person supervises.
impl SatisfactionPage {
    fn by_key(&self, by: &str) -> &'static str {
        match by {
            "technician" => "ticket-technician",
            "group" => "kind-group",
            _ => "ticket-category",
        }
    }
}

pub async fn satisfaction(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::Delete)?;
    let days = parse_query::<PeriodParams>(raw.as_deref())?.days()?;
    let rows = db::satisfaction(&state.db, &scope, Utc::now() - chrono::Duration::days(days)).await?;
    render(&SatisfactionPage { ctx, rows, days })
}

#[derive(Template)]
#[template(path = "helpdesk/sla.html")]
struct SlaPage {
    ctx: PageCtx,
    ticket: Ticket,
    explanation: Option<sla::Explanation>,
}

impl SlaPage {
    fn level(&self, level: &i16) -> &'static str {
        level_key(*level)
    }

    fn delay_text(&self, minutes: &i64) -> String {
        self.ctx.t1("sla-delay", "minutes", &minutes.to_string())
    }

    fn remaining_text(&self, seconds: &i64) -> String {
        self.ctx.t1("sla-remaining", "minutes", &(seconds / 60).to_string())
    }

    fn sections<'a>(&self, x: &'a sla::Explanation) -> [(&'static str, i64, &'a sla::Steps); 2] {
        [("ticket-own-due", x.own_minutes, &x.own), ("ticket-resolve-due", x.resolve_minutes, &x.resolve)]
    }
}

pub async fn sla_explanation(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
) -> AppResult<Response> {
    let (ticket, _) = rules::visible(&state.db, &actor, id).await?;
    let explanation = match ticket.sla_id {
        Some(sla_id) => {
            let mut conn = state.db.acquire().await?;
            Some(sla::explain(&mut conn, id, sla_id, ticket.priority, ticket.created_at).await?)
        }
        None => None,
    };
    render(&SlaPage { ctx, ticket, explanation })
}
