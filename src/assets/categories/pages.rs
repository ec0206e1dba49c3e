//! HTML pages of asset categories: the list and the detail page (forms, history
//! and delete are the generic ones).

use axum::{
    extract::{RawQuery, State},
    response::Response,
};

use super::db::{self, CategoryList};
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

const KIND: ObjectKind = ObjectKind::AssetCategory;

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::View)?;
    let query = parse_query::<ListParams>(raw.as_deref())?.check()?;
    let page = fetch_page::<CategoryList>(&state.db, &scope, &db::CategoryFilter, &query).await?;
    let mut view = ListTemplate::new(ctx, "nav-categories", "/asset-categories", &query, &page, Vec::new());
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::plain("field-tag-pattern"),
        Column::sortable("catalog-models", "models"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|m| {
            vec![
                Cell::link(m.name.clone(), format!("/asset-categories/{}", m.id)),
                Cell::text(m.tag_pattern.clone()),
                Cell::link(m.model_count.to_string(), format!("/asset-models?category_id={}", m.id)),
            ]
        })
        .collect();
    view.sections = crate::assets::catalog_sections("/asset-categories");
    view.new_href = actor.can(KIND, Action::Create).then(|| "/asset-categories/new".to_owned());
    view.render()
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    actor.scope(KIND, Action::View)?;
    let category = db::find(&state.db, id).await?;
    let facts = vec![
        Fact::text("field-name", category.name.clone()),
        Fact::text("field-tag-pattern", category.tag_pattern.clone()),
        Fact::text("field-has-hardware", if category.has_hardware { "✓" } else { "—" }),
        Fact::text("field-custom-fields", super::fields::definitions_text(&category.custom_fields)),
        Fact::new(
            "catalog-models",
            Cell::link(category.model_count.to_string(), format!("/asset-models?category_id={id}")),
        ),
        Fact::text("field-notes", category.notes.clone()),
        Fact::text("field-updated", ctx.time(&category.updated_at)),
    ];
    render(&DetailTemplate {
        ctx,
        kind_key: "kind-asset-category",
        title: category.name,
        tabs: Tabs { base: format!("/asset-categories/{id}"), current: "main" },
        facts,
        related: Vec::new(),
        can_edit: actor.can(KIND, Action::Update),
        can_delete: actor.can(KIND, Action::Delete),
    })
}
