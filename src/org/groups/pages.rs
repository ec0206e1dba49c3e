//! HTML pages of groups.

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
    db::{self, GroupFilter, GroupList},
    domain::{Group, GroupInput, Member},
    form::GroupForm,
};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    org::{entity_choices, users},
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_id, parse_query},
        form::FieldErrors,
        layout::redirect_with_flash,
        list::{ListParams, fetch_page},
        render_status,
        table::{Cell, Column, FilterSelect, ListTemplate, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::Group;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    entity_id: Option<String>,
    member_id: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<GroupFilter> {
    let params: FilterParams = parse_query(raw)?;
    Ok(GroupFilter {
        entity_id: filter_id(&params.entity_id, "entity_id")?,
        member_id: filter_id(&params.member_id, "member_id")?,
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
    let page = fetch_page::<GroupList>(&state.db, &scope, &filter, &query).await?;
    let filters = vec![FilterSelect {
        name: "entity_id",
        label_key: "field-entity",
        options: entity_choices(&state.db, &scope).await?,
        selected: filter.entity_id.map(|id| id.to_string()).unwrap_or_default(),
    }];
    let mut view = ListTemplate::new(ctx, "nav-groups", "/groups", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::sortable("field-entity", "entity"),
        Column::sortable("group-members", "members"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|g| {
            vec![
                Cell::link(g.name.clone(), format!("/groups/{}", g.id)),
                Cell::link(g.entity_name.clone(), format!("/entities/{}", g.entity_id)),
                Cell::text(g.member_count.to_string()),
            ]
        })
        .collect();
    view.new_href = actor.can(KIND, Action::Create).then(|| "/groups/new".to_owned());
    view.render()
}

#[derive(Template)]
#[template(path = "org/group_detail.html")]
struct DetailPage {
    ctx: PageCtx,
    group: Group,
    tabs: Tabs,
    members: Vec<Member>,
    candidates: Vec<(String, String)>,
    can_edit: bool,
    can_delete: bool,
    errors: FieldErrors,
}

async fn detail_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    id: Uuid,
    errors: FieldErrors,
) -> AppResult<Response> {
    let group = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    let mut conn = state.db.acquire().await?;
    let members = db::members(&mut conn, id).await?;
    drop(conn);
    let can_edit = actor.scope_or_empty(KIND, Action::Update).contains(group.entity_id);
    let candidates = if can_edit {
        let people_scope = actor.scope_or_empty(ObjectKind::User, Action::View);
        let mut people = users::db::choices(&state.db, &people_scope).await?;
        people.retain(|(value, _)| !members.iter().any(|m| m.id.to_string() == *value));
        people
    } else {
        Vec::new()
    };
    let page = DetailPage {
        ctx,
        tabs: Tabs { base: format!("/groups/{id}"), current: "main" },
        members,
        candidates,
        can_edit,
        can_delete: actor.scope_or_empty(KIND, Action::Delete).contains(group.entity_id),
        group,
        errors,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &page)
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    detail_page(&state, ctx, &actor, id, FieldErrors::default()).await
}

#[derive(Template)]
#[template(path = "org/group_form.html")]
struct FormPage {
    ctx: PageCtx,
    action: String,
    cancel: String,
    form: GroupForm,
    errors: FieldErrors,
    entities: Vec<(String, String)>,
    editing: bool,
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    editing: Option<Uuid>,
    form: GroupForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let scope = actor.scope(KIND, if editing.is_some() { Action::Update } else { Action::Create })?;
    let page = FormPage {
        ctx,
        action: editing.map(|id| format!("/groups/{id}/edit")).unwrap_or_else(|| "/groups".into()),
        cancel: editing.map(|id| format!("/groups/{id}")).unwrap_or_else(|| "/groups".into()),
        entities: entity_choices(&state.db, &scope).await?,
        form,
        editing: editing.is_some(),
        errors,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &page)
}

pub async fn new_form(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    actor.scope(KIND, Action::Create)?;
    let form = GroupForm { entity_id: actor.entity_id.to_string(), ..GroupForm::default() };
    form_page(&state, ctx, &actor, None, form, FieldErrors::default()).await
}

/// The entity must be in the person's scope; members must be people they can see.
pub(super) async fn check_input(
    state: &AppState,
    actor: &Actor,
    input: &GroupInput,
    people: Option<&[Uuid]>,
    action: Action,
) -> AppResult<()> {
    if !actor.scope(KIND, action)?.contains(input.entity_id) {
        return Err(AppError::field("entity_id", "field-invalid-choice"));
    }
    if let Some(people) = people {
        let visible =
            db::visible_people(&state.db, &actor.scope_or_empty(ObjectKind::User, Action::View), people).await?;
        if people.iter().any(|p| !visible.contains(p)) {
            return Err(AppError::field("members", "field-invalid-choice"));
        }
    }
    Ok(())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(form): Form<GroupForm>,
) -> AppResult<Response> {
    let outcome = async {
        let input = form.parse().map_err(AppError::Validation)?;
        check_input(&state, &actor, &input, None, Action::Create).await?;
        db::insert(&state.db, &actor.audit(), &input, &[]).await
    }
    .await;
    match outcome {
        Ok(id) => Ok(redirect_with_flash(&format!("/groups/{id}"), "success", "flash-created")),
        Err(AppError::Validation(errors)) => form_page(&state, ctx, &actor, None, form, errors).await,
        Err(other) => Err(other),
    }
}

pub async fn edit_form(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let group = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    form_page(&state, ctx, &actor, Some(id), GroupForm::from(&group), FieldErrors::default()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<GroupForm>,
) -> AppResult<Response> {
    let current = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    let outcome = async {
        let input = form.parse().map_err(AppError::Validation)?;
        let version = form.version().map_err(AppError::Validation)?;
        check_input(&state, &actor, &input, None, Action::Update).await?;
        db::update(&state.db, &actor.audit(), &current, version, &input, None).await
    }
    .await;
    match outcome {
        Ok(()) => Ok(redirect_with_flash(&format!("/groups/{id}"), "success", "flash-saved")),
        Err(AppError::Validation(errors)) => form_page(&state, ctx, &actor, Some(id), form, errors).await,
        Err(AppError::StaleEdit { by, at }) => {
            let ctx = ctx.with_stale(&by, &at);
            form_page(&state, ctx, &actor, Some(id), form, FieldErrors::single("version", "stale-edit-short")).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    user_id: String,
    version: String,
}

async fn change_member(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    id: Uuid,
    form: &MemberForm,
    add: bool,
) -> AppResult<Response> {
    let current = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    let Ok(person) = Uuid::parse_str(form.user_id.trim()) else {
        return detail_page(state, ctx, actor, id, FieldErrors::single("user_id", "field-invalid-choice")).await;
    };
    let mut conn = state.db.acquire().await?;
    let mut people: Vec<Uuid> = db::members(&mut conn, id).await?.into_iter().map(|m| m.id).collect();
    drop(conn);
    people.retain(|p| *p != person);
    if add {
        people.push(person);
        if let Err(AppError::Validation(errors)) =
            check_input(state, actor, &GroupInput::from(&current), Some(&[person]), Action::Update).await
        {
            return detail_page(state, ctx, actor, id, errors).await;
        }
    }
    let version = form.version.trim().parse().unwrap_or(current.version);
    match db::update(&state.db, &actor.audit(), &current, version, &GroupInput::from(&current), Some(&people)).await {
        Ok(()) => Ok(redirect_with_flash(&format!("/groups/{id}"), "success", "flash-saved")),
        Err(AppError::StaleEdit { .. }) => {
            Ok(redirect_with_flash(&format!("/groups/{id}"), "error", "stale-edit-short"))
        }
        Err(other) => Err(other),
    }
}

pub async fn add_member(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<MemberForm>,
) -> AppResult<Response> {
    change_member(&state, ctx, &actor, id, &form, true).await
}

pub async fn remove_member(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<MemberForm>,
) -> AppResult<Response> {
    change_member(&state, ctx, &actor, id, &form, false).await
}
