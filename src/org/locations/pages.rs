//! HTML pages of locations.

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
    db::{self, LocationFilter, LocationList},
    domain::{KINDS, LocationInput},
    form::LocationForm,
};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    org::entity_choices,
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_choice, filter_id, parse_query},
        form::FieldErrors,
        layout::redirect_with_flash,
        list::{ListParams, fetch_page},
        render, render_status,
        table::{Cell, Column, DetailTemplate, Fact, FilterSelect, ListTemplate, Related, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::Location;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    entity_id: Option<String>,
    kind: Option<String>,
    parent_id: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<LocationFilter> {
    let params: FilterParams = parse_query(raw)?;
    Ok(LocationFilter {
        entity_id: filter_id(&params.entity_id, "entity_id")?,
        kind: filter_choice(&params.kind, "kind", &KINDS)?,
        parent_id: filter_id(&params.parent_id, "parent_id")?,
    })
}

fn kind_options(ctx: &PageCtx) -> Vec<(String, String)> {
    KINDS.iter().map(|k| (k.to_string(), ctx.t(&format!("location-kind-{k}")))).collect()
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
    let page = fetch_page::<LocationList>(&state.db, &scope, &filter, &query).await?;
    let filters = vec![
        FilterSelect {
            name: "entity_id",
            label_key: "field-entity",
            options: entity_choices(&state.db, &scope).await?,
            selected: filter.entity_id.map(|id| id.to_string()).unwrap_or_default(),
        },
        FilterSelect {
            name: "kind",
            label_key: "location-kind",
            options: kind_options(&ctx),
            selected: filter.kind.clone().unwrap_or_default(),
        },
    ];
    let mut view = ListTemplate::new(ctx, "nav-locations", "/locations", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::sortable("location-kind", "kind"),
        Column::sortable("location-parent", "parent"),
        Column::sortable("field-city", "city"),
        Column::sortable("field-entity", "entity"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|l| {
            vec![
                Cell::link(l.name.clone(), format!("/locations/{}", l.id)),
                Cell::text(view.ctx.t(&format!("location-kind-{}", l.kind))),
                Cell::object(l.parent_name.clone(), "locations", l.parent_id),
                Cell::text(l.city.clone()),
                Cell::link(l.entity_name.clone(), format!("/entities/{}", l.entity_id)),
            ]
        })
        .collect();
    view.new_href = actor.can(KIND, Action::Create).then(|| "/locations/new".to_owned());
    view.render()
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::View)?;
    let location = db::find(&state.db, &scope, id).await?;
    let children = db::children(&state.db, &scope, id).await?;
    let address =
        [location.address.as_str(), location.postcode.as_str(), location.city.as_str(), location.country.as_str()]
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
    let facts = vec![
        Fact::text("field-name", location.name.clone()),
        Fact::text("location-kind", ctx.t(&format!("location-kind-{}", location.kind))),
        Fact::new(
            "field-entity",
            Cell::link(location.entity_name.clone(), format!("/entities/{}", location.entity_id)),
        ),
        Fact::new("location-parent", Cell::object(location.parent_name.clone(), "locations", location.parent_id)),
        Fact::text("field-address", address),
        Fact::text("field-notes", location.notes.clone()),
        Fact::text("field-updated", ctx.time(&location.updated_at)),
    ];
    render(&DetailTemplate {
        ctx,
        kind_key: "kind-location",
        title: location.name.clone(),
        tabs: Tabs { base: format!("/locations/{id}"), current: "main" },
        facts,
        related: vec![Related {
            title_key: "location-children",
            items: children.into_iter().map(|(id, name)| Cell::link(name, format!("/locations/{id}"))).collect(),
        }],
        can_edit: actor.scope_or_empty(KIND, Action::Update).contains(location.entity_id),
        can_delete: actor.scope_or_empty(KIND, Action::Delete).contains(location.entity_id),
    })
}

#[derive(Template)]
#[template(path = "org/location_form.html")]
struct FormPage {
    ctx: PageCtx,
    action: String,
    cancel: String,
    form: LocationForm,
    errors: FieldErrors,
    entities: Vec<(String, String)>,
    parents: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    editing: bool,
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    editing: Option<Uuid>,
    form: LocationForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let scope = actor.scope(KIND, if editing.is_some() { Action::Update } else { Action::Create })?;
    let mut parents = db::choices(&state.db, &scope).await?;
    if let Some(id) = editing {
        parents.retain(|(value, _)| *value != id.to_string());
    }
    let page = FormPage {
        kinds: kind_options(&ctx),
        ctx,
        action: editing.map(|id| format!("/locations/{id}/edit")).unwrap_or_else(|| "/locations".into()),
        cancel: editing.map(|id| format!("/locations/{id}")).unwrap_or_else(|| "/locations".into()),
        entities: entity_choices(&state.db, &scope).await?,
        parents,
        form,
        editing: editing.is_some(),
        errors,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &page)
}

pub async fn new_form(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    actor.scope(KIND, Action::Create)?;
    let form = LocationForm { kind: "room".into(), entity_id: actor.entity_id.to_string(), ..LocationForm::default() };
    form_page(&state, ctx, &actor, None, form, FieldErrors::default()).await
}

/// The entity and parent must be within the person's scope for `action`.
pub(super) async fn check_input(
    state: &AppState,
    actor: &Actor,
    id: Option<Uuid>,
    input: &LocationInput,
    action: Action,
) -> AppResult<()> {
    let scope = actor.scope(KIND, action)?;
    if !scope.contains(input.entity_id) {
        return Err(AppError::field("entity_id", "field-invalid-choice"));
    }
    if let Some(parent) = input.parent_id {
        if !db::parent_allowed(&state.db, &scope, id, parent).await? {
            return Err(AppError::field("parent_id", "field-invalid-choice"));
        }
    }
    Ok(())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(form): Form<LocationForm>,
) -> AppResult<Response> {
    let outcome = async {
        let input = form.parse().map_err(AppError::Validation)?;
        check_input(&state, &actor, None, &input, Action::Create).await?;
        db::insert(&state.db, &actor.audit(), &input).await
    }
    .await;
    match outcome {
        Ok(id) => Ok(redirect_with_flash(&format!("/locations/{id}"), "success", "flash-created")),
        Err(AppError::Validation(errors)) => form_page(&state, ctx, &actor, None, form, errors).await,
        Err(other) => Err(other),
    }
}

pub async fn edit_form(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let location = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    form_page(&state, ctx, &actor, Some(id), LocationForm::from(&location), FieldErrors::default()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<LocationForm>,
) -> AppResult<Response> {
    let current = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    let outcome = async {
        let input = form.parse().map_err(AppError::Validation)?;
        let version = form.version().map_err(AppError::Validation)?;
        check_input(&state, &actor, Some(id), &input, Action::Update).await?;
        db::update(&state.db, &actor.audit(), &current, version, &input).await
    }
    .await;
    match outcome {
        Ok(()) => Ok(redirect_with_flash(&format!("/locations/{id}"), "success", "flash-saved")),
        Err(AppError::Validation(errors)) => form_page(&state, ctx, &actor, Some(id), form, errors).await,
        Err(AppError::StaleEdit { by, at }) => {
            let ctx = ctx.with_stale(&by, &at);
            form_page(&state, ctx, &actor, Some(id), form, FieldErrors::single("version", "stale-edit-short")).await
        }
        Err(other) => Err(other),
    }
}
