//! HTML pages of manufacturers: the list and the detail page (forms, history
//! and delete are the generic ones).

use axum::{
    extract::{RawQuery, State},
    response::Response,
};

use super::db::{self, ManufacturerList};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::AppResult,
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, parse_query},
        list::{ListParams, fetch_page},
        render,
        table::{Cell, Column, DetailTemplate, Fact, ListTemplate, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::Manufacturer;

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::View)?;
    let query = parse_query::<ListParams>(raw.as_deref())?.check()?;
    let page = fetch_page::<ManufacturerList>(&state.db, &scope, &db::ManufacturerFilter, &query).await?;
    let mut view = ListTemplate::new(ctx, "nav-manufacturers", "/manufacturers", &query, &page, Vec::new());
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::plain("field-url"),
        Column::sortable("catalog-models", "models"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|m| {
            vec![
                Cell::link(m.name.clone(), format!("/manufacturers/{}", m.id)),
                Cell::text(m.url.clone()),
                Cell::link(m.model_count.to_string(), format!("/asset-models?manufacturer_id={}", m.id)),
            ]
        })
        .collect();
    view.sections = crate::assets::catalog_sections("/manufacturers");
    view.new_href = actor.can(KIND, Action::Create).then(|| "/manufacturers/new".to_owned());
    view.render()
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    actor.scope(KIND, Action::View)?;
    let manufacturer = db::find(&state.db, id).await?;
    let facts = vec![
        Fact::text("field-name", manufacturer.name.clone()),
        // A link only to http(s) addresses: the form refuses anything else.
        Fact::new(
            "field-url",
            if manufacturer.url.is_empty() {
                Cell::default()
            } else {
                Cell::link(manufacturer.url.clone(), manufacturer.url.clone())
            },
        ),
        Fact::new(
            "catalog-models",
            Cell::link(manufacturer.model_count.to_string(), format!("/asset-models?manufacturer_id={id}")),
        ),
        Fact::text("field-notes", manufacturer.notes.clone()),
        Fact::text("field-updated", ctx.time(&manufacturer.updated_at)),
    ];
    render(&DetailTemplate {
        ctx,
        kind_key: "kind-manufacturer",
        title: manufacturer.name,
        tabs: Tabs { base: format!("/manufacturers/{id}"), current: "main" },
        facts,
        related: Vec::new(),
        can_edit: actor.can(KIND, Action::Update),
        can_delete: actor.can(KIND, Action::Delete),
    })
}
