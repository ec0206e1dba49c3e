//! HTML pages of calendars: the list, the calendar with its closed days
//! (added and removed there), and the form's fields. Forms, history and
//! delete are the generic ones.

use askama::Template;
use axum::{
    Form,
    extract::{RawQuery, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    db::{self, CalendarFilter, CalendarList, ClosureChange},
    domain::Calendar,
    form::{CalendarForm, ClosureForm},
};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    helpdesk::settings::sections,
    org::{entity_choices, entity_filter},
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_id, parse_query},
        form::{FieldErrors, Parser},
        layout::redirect_with_flash,
        list::{ListParams, fetch_page},
        render_status,
        table::{Cell, Column, Fact, FormField, ListTemplate, Related, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::Calendar;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    entity_id: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<CalendarFilter> {
    let params: FilterParams = parse_query(raw)?;
    Ok(CalendarFilter { entity_id: filter_id(&params.entity_id, "entity_id")? })
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::View)?;
    let query = parse_query::<ListParams>(raw.as_deref())?.check()?;
    let filter = filter_from(raw.as_deref())?;
    let page = fetch_page::<CalendarList>(&state.db, &scope, &filter, &query).await?;
    let filters = vec![entity_filter(&state.db, &scope, filter.entity_id).await?];
    let mut view = ListTemplate::new(ctx, "nav-calendars", "/calendars", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::sortable("field-entity", "entity"),
        Column::sortable("field-time-zone", "time_zone"),
        Column::plain("calendar-week"),
        Column::plain("calendar-french-holidays"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                Cell::link(c.name.clone(), format!("/calendars/{}", c.id)),
                Cell::text(c.entity_name.clone()),
                Cell::text(c.time_zone.clone()),
                Cell::text(c.week.clone()),
                Cell::text(view.ctx.yes_no(c.french_holidays)),
            ]
        })
        .collect();
    view.sections = sections("/calendars");
    view.new_href = actor.can(KIND, Action::Create).then(|| "/calendars/new".to_owned());
    view.render()
}

#[derive(Template)]
#[template(path = "helpdesk/calendar.html")]
struct ShowPage {
    ctx: PageCtx,
    calendar: Calendar,
    tabs: Tabs,
    facts: Vec<Fact>,
    related: Vec<Related>,
    /// The closed day being added, as typed (when it comes back with an error).
    added: ClosureForm,
    can_edit: bool,
    can_delete: bool,
    errors: FieldErrors,
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    id: Uuid,
    added: ClosureForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::View)?;
    let calendar = db::find(&state.db, &scope, id).await?;
    let levels = db::slas(&state.db, &actor.scope_or_empty(ObjectKind::Sla, Action::View), id).await?;
    let facts = vec![
        Fact::text("field-name", calendar.name.clone()),
        Fact::text("field-entity", calendar.entity_name.clone()),
        Fact::text("field-time-zone", calendar.time_zone.clone()),
        Fact::text("calendar-week", calendar.week.clone()),
        Fact::text("calendar-french-holidays", ctx.yes_no(calendar.french_holidays)),
        Fact::text("field-updated", ctx.time(&calendar.updated_at)),
    ];
    let related = vec![Related {
        title_key: "nav-slas",
        items: levels.into_iter().map(|(sla, name)| Cell::link(name, format!("/slas/{sla}"))).collect(),
    }];
    let page = ShowPage {
        ctx,
        tabs: Tabs { base: format!("/calendars/{id}"), current: "main" },
        facts,
        related,
        added,
        can_edit: actor.scope_or_empty(KIND, Action::Update).contains(calendar.entity_id),
        can_delete: actor.scope_or_empty(KIND, Action::Delete).contains(calendar.entity_id),
        calendar,
        errors,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &page)
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    show_page(&state, ctx, &actor, id, ClosureForm::default(), FieldErrors::default()).await
}

pub async fn form_fields(state: &AppState, ctx: &PageCtx, form: &CalendarForm) -> AppResult<Vec<FormField>> {
    let writer = ctx.user.as_ref().map(|u| u.scope_or_empty(KIND, Action::Create)).unwrap_or_default();
    Ok(vec![
        FormField::text("name", "field-name", &form.name, true),
        FormField::select(
            "entity_id",
            "field-entity",
            entity_choices(&state.db, &writer).await?,
            &form.entity_id,
            true,
        ),
        FormField::text("time_zone", "field-time-zone", &form.time_zone, true).with_hint("calendar-time-zone-hint"),
        FormField::text("week", "calendar-week", &form.week, true).with_hint("calendar-week-hint"),
        FormField::checkbox("french_holidays", "calendar-french-holidays", !form.french_holidays.is_empty()),
    ])
}

/// Add or remove a closed day; a bad day comes back marked on the page.
async fn change(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    id: Uuid,
    form: ClosureForm,
    parse: impl FnOnce(&ClosureForm) -> Result<(ClosureChange, i64), FieldErrors>,
) -> AppResult<Response> {
    let current = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    let outcome = match parse(&form) {
        Ok((change, version)) => db::change_closures(&state.db, &actor.audit(), &current, version, &change).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    let base = format!("/calendars/{id}");
    match outcome {
        Ok(()) => Ok(redirect_with_flash(&base, "success", "flash-saved")),
        Err(AppError::StaleEdit { .. }) => Ok(redirect_with_flash(&base, "error", "stale-edit-short")),
        Err(AppError::Validation(errors)) => show_page(state, ctx, actor, id, form, errors).await,
        Err(other) => Err(other),
    }
}

pub async fn add_closure(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<ClosureForm>,
) -> AppResult<Response> {
    change(&state, ctx, &actor, id, form, |form| form.parse().map(|(closure, v)| (ClosureChange::Add(closure), v)))
        .await
}

pub async fn remove_closure(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<ClosureForm>,
) -> AppResult<Response> {
    change(&state, ctx, &actor, id, ClosureForm::default(), |_| {
        let mut p = Parser::default();
        let day = p.optional_date("day", &form.day);
        let version = p.version(&form.version);
        match day {
            Some(day) => p.finish((ClosureChange::Remove(day), version)),
            None => Err(FieldErrors::single("day", "field-invalid-date")),
        }
    })
    .await
}
