//! HTML pages of software categories: the list and the detail page (forms,
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

const KIND: ObjectKind = ObjectKind::SoftwareCategory;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    parent_id: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<CategoryFilter> {
    let params: FilterParams = parse_query(raw)?;
    Ok(CategoryFilter { parent_id: filter_id(&params.parent_id, "parent_id")? })
}

/// The catalogue's entries in a category (and in those below it).
fn software_href(id: uuid::Uuid) -> String {
    format!("/software?category_id={id}")
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
    let filters = vec![FilterSelect {
        name: "parent_id",
        label_key: "software-category-parent",
        options: db::choices(&state.db).await?,
        selected: id_text(filter.parent_id),
    }];
    let mut view = ListTemplate::new(ctx, "nav-software-categories", "/software-categories", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::sortable("software-category-parent", "parent"),
        Column::sortable("nav-software", "software"),
        Column::plain("software-category-rules"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                Cell::link(c.name.clone(), format!("/software-categories/{}", c.id)),
                Cell::object(c.parent_name.clone(), "software-categories", c.parent_id),
                Cell::link(c.software_count.to_string(), software_href(c.id)),
                Cell::text(c.rule_count.to_string()),
            ]
        })
        .collect();
    view.sections = crate::software::sections("/software-categories");
    view.new_href = actor.can(KIND, Action::Create).then(|| "/software-categories/new".to_owned());
    view.render()
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    actor.scope(KIND, Action::View)?;
    let category = db::find(&state.db, id).await?;
    let children = db::children(&state.db, id).await?;
    let facts = vec![
        Fact::text("field-name", category.name.clone()),
        Fact::new(
            "software-category-parent",
            Cell::object(category.parent_name.clone(), "software-categories", category.parent_id),
        ),
        Fact::new("nav-software", Cell::link(category.software_count.to_string(), software_href(id))),
        Fact::new("software-category-rules", Cell::link(category.rule_count.to_string(), "/software-dictionary")),
        Fact::text("field-notes", category.notes.clone()),
        Fact::text("field-updated", ctx.time(&category.updated_at)),
    ];
    let related = vec![Related {
        title_key: "software-category-children",
        items: children
            .into_iter()
            .map(|(child, name)| Cell::link(name, format!("/software-categories/{child}")))
            .collect(),
    }];
    render(&DetailTemplate {
        ctx,
        kind_key: "kind-software-category",
        title: category.name,
        tabs: Tabs { base: format!("/software-categories/{id}"), current: "main" },
        facts,
        related,
        can_edit: actor.can(KIND, Action::Update),
        can_delete: actor.can(KIND, Action::Delete),
    })
}

pub async fn form_fields(state: &AppState, form: &CategoryForm) -> AppResult<Vec<FormField>> {
    Ok(vec![
        FormField::text("name", "field-name", &form.name, true),
        FormField::select(
            "parent_id",
            "software-category-parent",
            db::choices(&state.db).await?,
            &form.parent_id,
            false,
        ),
        FormField::area("notes", "field-notes", &form.notes),
    ])
}
