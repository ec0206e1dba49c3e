//! HTML pages of entities.

use askama::Template;
use axum::{
    Form,
    extract::{RawQuery, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;

use super::{
    db::{self, EntityFilter, EntityList},
    domain::KINDS,
    form::EntityForm,
};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Scope},
    },
    error::{AppError, AppResult},
    org::{covers_everything, entity_choices},
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

const KIND: ObjectKind = ObjectKind::Entity;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    kind: Option<String>,
    parent_id: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<EntityFilter> {
    let params: FilterParams = parse_query(raw)?;
    Ok(EntityFilter {
        kind: filter_choice(&params.kind, "kind", &KINDS)?,
        parent_id: filter_id(&params.parent_id, "parent_id")?,
    })
}

fn kind_options(ctx: &PageCtx) -> Vec<(String, String)> {
    KINDS.iter().map(|k| (k.to_string(), ctx.t(&format!("entity-kind-{k}")))).collect()
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
    let page = fetch_page::<EntityList>(&state.db, &scope, &filter, &query).await?;
    let filters = vec![
        FilterSelect {
            name: "kind",
            label_key: "entity-kind",
            options: kind_options(&ctx),
            selected: filter.kind.clone().unwrap_or_default(),
        },
        FilterSelect {
            name: "parent_id",
            label_key: "entity-parent",
            options: entity_choices(&state.db, &scope).await?,
            selected: filter.parent_id.map(|id| id.to_string()).unwrap_or_default(),
        },
    ];
    let mut view = ListTemplate::new(ctx, "nav-entities", "/entities", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::sortable("entity-kind", "kind"),
        Column::sortable("entity-parent", "parent"),
        Column::sortable("field-country", "country"),
    ];
    view.rows = page.items.iter().map(|e| e.cells(view.ctx.t(&format!("entity-kind-{}", e.kind)))).collect();
    view.new_href = actor.can(KIND, Action::Create).then(|| "/entities/new".to_owned());
    view.render()
}

fn tabs(id: uuid::Uuid, current: &'static str) -> Tabs {
    Tabs { base: format!("/entities/{id}"), current }
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::View)?;
    let entity = db::find(&state.db, &scope, id).await?;
    let children = db::children(&state.db, &scope, id).await?;
    let facts = vec![
        Fact::text("field-name", entity.name.clone()),
        Fact::text("entity-kind", ctx.t(&format!("entity-kind-{}", entity.kind))),
        Fact::new("entity-parent", Cell::object(entity.parent_name.clone(), "entities", entity.parent_id)),
        Fact::text("field-country", entity.country.clone()),
        Fact::text("field-notes", entity.notes.clone()),
        Fact::text("field-updated", ctx.time(&entity.updated_at)),
    ];
    let related = vec![Related {
        title_key: "entity-children",
        items: children.into_iter().map(|(id, name)| Cell::link(name, format!("/entities/{id}"))).collect(),
    }];
    render(&DetailTemplate {
        ctx,
        kind_key: "kind-entity",
        title: entity.name.clone(),
        tabs: tabs(id, "main"),
        facts,
        related,
        can_edit: actor.scope_or_empty(KIND, Action::Update).contains(id),
        can_delete: actor.scope_or_empty(KIND, Action::Delete).contains(id),
    })
}

#[derive(Template)]
#[template(path = "org/entity_form.html")]
struct FormPage {
    ctx: PageCtx,
    action: String,
    cancel: String,
    form: EntityForm,
    errors: FieldErrors,
    parents: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    editing: bool,
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    scope: &Scope,
    editing: Option<uuid::Uuid>,
    form: EntityForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let mut parents = entity_choices(&state.db, scope).await?;
    if let Some(id) = editing {
        parents.retain(|(value, _)| *value != id.to_string());
    }
    let page = FormPage {
        kinds: kind_options(&ctx),
        ctx,
        action: editing.map(|id| format!("/entities/{id}/edit")).unwrap_or_else(|| "/entities".into()),
        cancel: editing.map(|id| format!("/entities/{id}")).unwrap_or_else(|| "/entities".into()),
        form,
        parents,
        editing: editing.is_some(),
        errors,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &page)
}

pub async fn new_form(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::Create)?;
    let form = EntityForm { kind: "site".into(), ..EntityForm::default() };
    form_page(&state, ctx, &scope, None, form, FieldErrors::default()).await
}

/// The parent must be an entity the person may create in; no parent (a new
/// root) only for someone whose scope covers every entity.
pub(super) async fn check_parent(state: &AppState, scope: &Scope, parent: Option<uuid::Uuid>) -> AppResult<()> {
    match parent {
        Some(parent) if !scope.contains(parent) => Err(AppError::field("parent_id", "field-invalid-choice")),
        None if !covers_everything(&state.db, scope).await? => Err(AppError::field("parent_id", "field-required")),
        _ => Ok(()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(form): Form<EntityForm>,
) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::Create)?;
    let outcome = match form.parse() {
        Ok(input) => match check_parent(&state, &scope, input.parent_id).await {
            Ok(()) => db::insert(&state.db, &actor.audit(), &input).await,
            Err(error) => Err(error),
        },
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match outcome {
        Ok(entity) => Ok(redirect_with_flash(&format!("/entities/{}", entity.id), "success", "flash-created")),
        Err(AppError::Validation(errors)) => form_page(&state, ctx, &scope, None, form, errors).await,
        Err(other) => Err(other),
    }
}

pub async fn edit_form(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::Update)?;
    let entity = db::find(&state.db, &scope, id).await?;
    form_page(&state, ctx, &scope, Some(id), EntityForm::from(&entity), FieldErrors::default()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<EntityForm>,
) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::Update)?;
    let current = db::find(&state.db, &scope, id).await?;
    let outcome = match (form.parse(), form.version()) {
        (Ok(input), Ok(version)) => {
            let parent_ok = match input.parent_id {
                Some(parent) if !scope.contains(parent) => Err(AppError::field("parent_id", "field-invalid-choice")),
                // Keeping no parent is fine; removing one needs a global scope.
                None if current.parent_id.is_some() => check_parent(&state, &scope, None).await,
                _ => Ok(()),
            };
            match parent_ok {
                Ok(()) => db::update(&state.db, &actor.audit(), &current, version, &input).await,
                Err(error) => Err(error),
            }
        }
        (Err(errors), _) | (_, Err(errors)) => Err(AppError::Validation(errors)),
    };
    match outcome {
        Ok(()) => Ok(redirect_with_flash(&format!("/entities/{id}"), "success", "flash-saved")),
        Err(AppError::Validation(errors)) => form_page(&state, ctx, &scope, Some(id), form, errors).await,
        Err(AppError::StaleEdit { by, at }) => {
            let errors = FieldErrors::single("version", "stale-edit");
            let ctx = ctx.with_stale(&by, &at);
            form_page(&state, ctx, &scope, Some(id), form, errors).await
        }
        Err(other) => Err(other),
    }
}
