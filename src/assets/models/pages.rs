//! HTML pages of asset models: the list and the detail page.

use axum::{
    extract::{RawQuery, State},
    response::Response,
};
use serde::Deserialize;

use super::db::{self, ModelFilter, ModelList};
use crate::{
    assets::{categories, manufacturers},
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::AppResult,
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_id, parse_query},
        list::{ListParams, fetch_page},
        render,
        table::{Cell, Column, DetailTemplate, Fact, FilterSelect, ListTemplate, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::AssetModel;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    category_id: Option<String>,
    manufacturer_id: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<ModelFilter> {
    let params: FilterParams = parse_query(raw)?;
    Ok(ModelFilter {
        category_id: filter_id(&params.category_id, "category_id")?,
        manufacturer_id: filter_id(&params.manufacturer_id, "manufacturer_id")?,
    })
}

fn id_text(id: Option<uuid::Uuid>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
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
    let page = fetch_page::<ModelList>(&state.db, &scope, &filter, &query).await?;
    let filters = vec![
        FilterSelect {
            name: "category_id",
            label_key: "kind-asset-category",
            options: categories::choices(&state.db).await?,
            selected: id_text(filter.category_id),
        },
        FilterSelect {
            name: "manufacturer_id",
            label_key: "kind-manufacturer",
            options: manufacturers::choices(&state.db).await?,
            selected: id_text(filter.manufacturer_id),
        },
    ];
    let mut view = ListTemplate::new(ctx, "nav-models", "/asset-models", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::sortable("kind-asset-category", "category"),
        Column::sortable("kind-manufacturer", "manufacturer"),
        Column::plain("field-part-number"),
        Column::sortable("field-end-of-life", "end_of_life"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|m| {
            vec![
                Cell::link(m.name.clone(), format!("/asset-models/{}", m.id)),
                Cell::link(m.category_name.clone(), format!("/asset-categories/{}", m.category_id)),
                Cell::object(m.manufacturer_name.clone(), "manufacturers", m.manufacturer_id),
                Cell::text(m.part_number.clone()),
                Cell::text(m.end_of_life.map(|d| d.to_string()).unwrap_or_default()),
            ]
        })
        .collect();
    view.sections = crate::assets::catalog_sections("/asset-models");
    view.new_href = actor.can(KIND, Action::Create).then(|| "/asset-models/new".to_owned());
    view.render()
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    actor.scope(KIND, Action::View)?;
    let model = db::find(&state.db, id).await?;
    let facts = vec![
        Fact::text("field-name", model.name.clone()),
        Fact::new(
            "kind-asset-category",
            Cell::link(model.category_name.clone(), format!("/asset-categories/{}", model.category_id)),
        ),
        Fact::new(
            "kind-manufacturer",
            Cell::object(model.manufacturer_name.clone(), "manufacturers", model.manufacturer_id),
        ),
        Fact::text("field-part-number", model.part_number.clone()),
        Fact::text("field-end-of-life", model.end_of_life.map(|d| d.to_string()).unwrap_or_default()),
        Fact::text("field-notes", model.notes.clone()),
        Fact::text("field-updated", ctx.time(&model.updated_at)),
    ];
    render(&DetailTemplate {
        ctx,
        kind_key: "kind-asset-model",
        title: model.name,
        tabs: Tabs { base: format!("/asset-models/{id}"), current: "main" },
        facts,
        related: Vec::new(),
        can_edit: actor.can(KIND, Action::Update),
        can_delete: actor.can(KIND, Action::Delete),
    })
}
