//! HTML pages of asset statuses: the list and the detail page.

use axum::{
    extract::{RawQuery, State},
    response::Response,
};
use serde::Deserialize;

use super::{
    db::{self, StatusFilter, StatusList},
    domain::StatusKind,
};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, parse_query},
        list::{ListParams, fetch_page},
        render,
        table::{Cell, Column, DetailTemplate, Fact, FilterSelect, ListTemplate, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::AssetStatus;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    kind: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<StatusFilter> {
    let params: FilterParams = parse_query(raw)?;
    let kind = match params.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(StatusKind::parse(k).ok_or_else(|| AppError::BadRequest("unknown status kind".into()))?),
    };
    Ok(StatusFilter { kind })
}

pub(super) fn kind_options(ctx: &PageCtx) -> Vec<(String, String)> {
    StatusKind::ALL.iter().map(|k| (k.as_str().to_owned(), ctx.t(&k.label_key()))).collect()
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
    let page = fetch_page::<StatusList>(&state.db, &scope, &filter, &query).await?;
    let filters = vec![FilterSelect {
        name: "kind",
        label_key: "status-kind",
        options: kind_options(&ctx),
        selected: filter.kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
    }];
    let mut view = ListTemplate::new(ctx, "nav-statuses", "/asset-statuses", &query, &page, filters);
    view.columns = vec![Column::sortable("field-name", "name"), Column::sortable("status-kind", "kind")];
    view.rows = page
        .items
        .iter()
        .map(|s| {
            vec![
                Cell::link(s.name.clone(), format!("/asset-statuses/{}", s.id)),
                Cell::badge(view.ctx.t(&s.kind.label_key()), s.kind.badge()),
            ]
        })
        .collect();
    view.sections = crate::assets::catalog_sections("/asset-statuses");
    view.new_href = actor.can(KIND, Action::Create).then(|| "/asset-statuses/new".to_owned());
    view.render()
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    actor.scope(KIND, Action::View)?;
    let status = db::find(&state.db, id).await?;
    let facts = vec![
        Fact::text("field-name", status.name.clone()),
        Fact::new("status-kind", Cell::badge(ctx.t(&status.kind.label_key()), status.kind.badge())),
        Fact::text("field-notes", status.notes.clone()),
        Fact::text("field-updated", ctx.time(&status.updated_at)),
    ];
    render(&DetailTemplate {
        ctx,
        kind_key: "kind-asset-status",
        title: status.name,
        tabs: Tabs { base: format!("/asset-statuses/{id}"), current: "main" },
        facts,
        related: Vec::new(),
        can_edit: actor.can(KIND, Action::Update),
        can_delete: actor.can(KIND, Action::Delete),
    })
}
