//! HTML pages of ticket categories: the list and the detail page (forms,
//! history and delete are the generic ones).

use axum::{
    extract::{RawQuery, State},
    response::Response,
};
use serde::Deserialize;

use super::{
    db::{self, CategoryFilter, CategoryList},
    form::CategoryForm,
};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::AppResult,
    helpdesk::settings::sections,
    org::{entity_choices, entity_filter},
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_id, parse_query},
        form::id_text,
        list::{ListParams, fetch_page},
        render,
        table::{Cell, Column, DetailTemplate, Fact, FilterSelect, FormField, ListTemplate, Related, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::TicketCategory;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    entity_id: Option<String>,
    parent_id: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<CategoryFilter> {
    let params: FilterParams = parse_query(raw)?;
    Ok(CategoryFilter {
        entity_id: filter_id(&params.entity_id, "entity_id")?,
        parent_id: filter_id(&params.parent_id, "parent_id")?,
    })
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
    let page = fetch_page::<CategoryList>(&state.db, &scope, &filter, &query).await?;
    let filters = vec![
        entity_filter(&state.db, &scope, filter.entity_id).await?,
        FilterSelect {
            name: "parent_id",
            label_key: "ticket-category-parent",
            options: db::parent_choices(&state.db, &scope).await?,
            selected: id_text(filter.parent_id),
        },
    ];
    let mut view = ListTemplate::new(ctx, "nav-ticket-categories", "/ticket-categories", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::sortable("field-entity", "entity"),
        Column::sortable("ticket-category-parent", "parent"),
        Column::plain("kind-group"),
        Column::plain("kind-sla"),
        Column::plain("ticket-category-on-portal"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                Cell::link(c.name.clone(), format!("/ticket-categories/{}", c.id)),
                Cell::text(c.entity_name.clone()),
                Cell::object(c.parent_name.clone(), "ticket-categories", c.parent_id),
                Cell::text(c.group_name.clone().unwrap_or_default()),
                Cell::text(c.sla_name.clone().unwrap_or_default()),
                Cell::text(view.ctx.yes_no(c.on_portal)),
            ]
        })
        .collect();
    view.sections = sections("/ticket-categories");
    view.new_href = actor.can(KIND, Action::Create).then(|| "/ticket-categories/new".to_owned());
    view.render()
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::View)?;
    let category = db::find(&state.db, &scope, id).await?;
    let children = db::children(&state.db, &scope, id).await?;
    let facts = vec![
        Fact::text("field-name", category.name.clone()),
        Fact::text("field-entity", category.entity_name.clone()),
        Fact::new(
            "ticket-category-parent",
            Cell::object(category.parent_name.clone(), "ticket-categories", category.parent_id),
        ),
        Fact::text("kind-group", category.group_name.clone().unwrap_or_default()),
        Fact::new("kind-sla", Cell::object(category.sla_name.clone(), "slas", category.sla_id)),
        Fact::text("ticket-category-on-portal", ctx.yes_no(category.on_portal)),
        Fact::new(
            "nav-tickets",
            Cell::link(ctx.t("ticket-category-tickets"), format!("/tickets?queue=all&category_id={id}")),
        ),
        Fact::text("field-updated", ctx.time(&category.updated_at)),
    ];
    let related = vec![Related {
        title_key: "ticket-category-children",
        items: children
            .into_iter()
            .map(|(child, name)| Cell::link(name, format!("/ticket-categories/{child}")))
            .collect(),
    }];
    render(&DetailTemplate {
        ctx,
        kind_key: "kind-ticket-category",
        title: category.name,
        tabs: Tabs { base: format!("/ticket-categories/{id}"), current: "main" },
        facts,
        related,
        can_edit: actor.scope_or_empty(KIND, Action::Update).contains(category.entity_id),
        can_delete: actor.scope_or_empty(KIND, Action::Delete).contains(category.entity_id),
    })
}

pub async fn form_fields(state: &AppState, ctx: &PageCtx, form: &CategoryForm) -> AppResult<Vec<FormField>> {
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
        FormField::select(
            "parent_id",
            "ticket-category-parent",
            db::parent_choices(&state.db, &writer).await?,
            &form.parent_id,
            false,
        )
        .with_hint("ticket-category-parent-hint"),
        FormField::select(
            "group_id",
            "kind-group",
            db::group_choices(&state.db, &writer).await?,
            &form.group_id,
            false,
        ),
        FormField::select(
            "sla_id",
            "kind-sla",
            crate::helpdesk::slas::choices(&state.db, &writer).await?,
            &form.sla_id,
            false,
        )
        .with_hint("ticket-category-sla-hint"),
        FormField::checkbox("on_portal", "ticket-category-on-portal", !form.on_portal.is_empty()),
    ])
}
