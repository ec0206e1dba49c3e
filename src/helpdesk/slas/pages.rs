//! HTML pages of service levels: the list and the detail page, and the
//! form's fields (forms, history and delete are the generic ones).

use axum::{
    extract::{RawQuery, State},
    response::Response,
};
use serde::Deserialize;

use super::{
    db::{self, SlaFilter, SlaList},
    domain::{PRIORITIES, Sla, format_minutes},
    form::SlaForm,
};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::AppResult,
    helpdesk::{calendars, settings::sections},
    org::{entity_choices, entity_filter},
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_id, parse_query},
        form::id_text,
        list::{ListParams, fetch_page},
        render,
        table::{Cell, Column, DetailTemplate, Fact, FieldKind, FilterSelect, FormField, ListTemplate, Related, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::Sla;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    entity_id: Option<String>,
    calendar_id: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<SlaFilter> {
    let params: FilterParams = parse_query(raw)?;
    Ok(SlaFilter {
        entity_id: filter_id(&params.entity_id, "entity_id")?,
        calendar_id: filter_id(&params.calendar_id, "calendar_id")?,
    })
}

/// "2h · 16h": the two delays of one priority.
fn delays(sla: &Sla, priority: usize) -> String {
    let at = |list: &[i32]| list.get(priority).map(|m| format_minutes(*m)).unwrap_or_default();
    format!("{} · {}", at(&sla.own_minutes), at(&sla.resolve_minutes))
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
    let page = fetch_page::<SlaList>(&state.db, &scope, &filter, &query).await?;
    let filters = vec![
        entity_filter(&state.db, &scope, filter.entity_id).await?,
        FilterSelect {
            name: "calendar_id",
            label_key: "kind-calendar",
            options: calendars::choices(&state.db, &scope).await?,
            selected: id_text(filter.calendar_id),
        },
    ];
    let mut view = ListTemplate::new(ctx, "nav-slas", "/slas", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::sortable("field-entity", "entity"),
        Column::sortable("kind-calendar", "calendar"),
        Column::plain("sla-default"),
        Column::plain("sla-priority-3"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|s| {
            vec![
                Cell::link(s.name.clone(), format!("/slas/{}", s.id)),
                Cell::text(s.entity_name.clone()),
                Cell::text(s.calendar_name.clone()),
                Cell::text(if s.is_default { view.ctx.t("yes") } else { String::new() }),
                Cell::text(delays(s, 2)),
            ]
        })
        .collect();
    view.sections = sections("/slas");
    view.new_href = actor.can(KIND, Action::Create).then(|| "/slas/new".to_owned());
    view.render()
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let sla = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    let calendar_visible = actor.scope_or_empty(ObjectKind::Calendar, Action::View).contains(sla.calendar_entity_id);
    let calendar = if calendar_visible {
        Cell::link(sla.calendar_name.clone(), format!("/calendars/{}", sla.calendar_id))
    } else {
        Cell::text(sla.calendar_name.clone())
    };
    let mut facts = vec![
        Fact::text("field-name", sla.name.clone()),
        Fact::text("field-entity", sla.entity_name.clone()),
        Fact::new("kind-calendar", calendar),
        Fact::text("sla-default", ctx.yes_no(sla.is_default)),
    ];
    for priority in 0..PRIORITIES {
        let label = format!("{} — {}", ctx.t(&format!("level-{}", priority + 1)), ctx.t("sla-own-resolve"));
        facts.push(Fact::labelled(label, delays(&sla, priority)));
    }
    let shares: Vec<String> = sla.escalate_at.iter().map(|s| format!("{s} %")).collect();
    facts.push(Fact::text("sla-escalate-at", shares.join(", ")));
    facts.push(Fact::text("field-updated", ctx.time(&sla.updated_at)));
    let categories =
        db::categories(&state.db, &actor.scope_or_empty(ObjectKind::TicketCategory, Action::View), id).await?;
    let related = vec![Related {
        title_key: "nav-ticket-categories",
        items: categories.into_iter().map(|(c, name)| Cell::link(name, format!("/ticket-categories/{c}"))).collect(),
    }];
    render(&DetailTemplate {
        ctx,
        kind_key: "kind-sla",
        title: sla.name,
        tabs: Tabs { base: format!("/slas/{id}"), current: "main" },
        facts,
        related,
        can_edit: actor.scope_or_empty(KIND, Action::Update).contains(sla.entity_id),
        can_delete: actor.scope_or_empty(KIND, Action::Delete).contains(sla.entity_id),
    })
}

/// One delay's input, labelled "Time to own — High".
fn delay_field(ctx: &PageCtx, row: &str, priority: usize, value: &str) -> FormField {
    let label = format!("{} — {}", ctx.t(&format!("sla-{row}")), ctx.t(&format!("level-{}", priority + 1)));
    FormField::dynamic(format!("{row}_{}", priority + 1), label, FieldKind::Input("text"), value, true)
}

pub async fn form_fields(state: &AppState, ctx: &PageCtx, form: &SlaForm) -> AppResult<Vec<FormField>> {
    let writer = ctx.user.as_ref().map(|u| u.scope_or_empty(KIND, Action::Create)).unwrap_or_default();
    let mut fields = vec![
        FormField::text("name", "field-name", &form.name, true),
        FormField::select(
            "entity_id",
            "field-entity",
            entity_choices(&state.db, &writer).await?,
            &form.entity_id,
            true,
        ),
        FormField::select(
            "calendar_id",
            "kind-calendar",
            calendars::choices(&state.db, &writer).await?,
            &form.calendar_id,
            true,
        )
        .with_hint("sla-calendar-hint"),
    ];
    for (row, values) in [("own", &form.own), ("resolve", &form.resolve)] {
        fields.extend(values.iter().enumerate().map(|(priority, value)| delay_field(ctx, row, priority, value)));
    }
    // How to write a delay under the first one; what a change does to open
    // tickets under the last one.
    if let Some(first) = fields.get_mut(3) {
        first.hint = Some("sla-delays-hint");
    }
    if let Some(last) = fields.last_mut() {
        last.hint = Some("sla-open-tickets-hint");
    }
    fields.push(
        FormField::text("escalate_at", "sla-escalate-at", &form.escalate_at, false).with_hint("sla-escalate-hint"),
    );
    fields.push(
        FormField::checkbox("is_default", "sla-default", !form.is_default.is_empty()).with_hint("sla-default-hint"),
    );
    Ok(fields)
}
