//! HTML pages of people.

use askama::Template;
use axum::{
    Form,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    access::{check_grants, check_target},
    db::{self, UserFilter, UserList, UserUpdateExtras},
    domain::{RoleGrant, RoleGrantView, User, UserInput},
    form::UserForm,
};
use crate::{
    auth::{
        actor::Actor,
        db::{TokenInfo, list_tokens, revoke_token},
        password,
        permission::{Action, ObjectKind, Role},
    },
    error::{AppError, AppResult},
    org::{entity_choices, locations},
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_bool, filter_id, parse_query},
        form::FieldErrors,
        layout::redirect_with_flash,
        list::{ListParams, fetch_page},
        render_status,
        table::{Cell, Column, FilterSelect, ListTemplate, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::User;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    entity_id: Option<String>,
    role: Option<String>,
    active: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<UserFilter> {
    let params: FilterParams = parse_query(raw)?;
    let role = match params.role.as_deref().filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => Some(Role::parse(r).ok_or_else(|| AppError::BadRequest("unknown role".into()))?),
    };
    Ok(UserFilter {
        entity_id: filter_id(&params.entity_id, "entity_id")?,
        role,
        active: filter_bool(&params.active, "active")?,
    })
}

fn role_options(ctx: &PageCtx) -> Vec<(String, String)> {
    Role::ALL.iter().map(|r| (r.as_str().to_owned(), ctx.t(&r.label_key()))).collect()
}

fn yes_no(ctx: &PageCtx) -> Vec<(String, String)> {
    vec![("true".into(), ctx.t("yes")), ("false".into(), ctx.t("no"))]
}

fn cells(ctx: &PageCtx, user: &User) -> Vec<Cell> {
    let roles =
        user.roles.iter().filter_map(|r| Role::parse(r)).map(|r| ctx.t(&r.label_key())).collect::<Vec<_>>().join(", ");
    vec![
        Cell::link(user.name.clone(), format!("/users/{}", user.id)),
        Cell::text(user.login.clone()),
        Cell::text(user.email.clone().unwrap_or_default()),
        Cell::link(user.entity_name.clone(), format!("/entities/{}", user.entity_id)),
        Cell::text(roles),
        if user.active {
            Cell::badge(ctx.t("active"), "badge-ok")
        } else {
            Cell::badge(ctx.t("inactive"), "badge-off")
        },
    ]
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
    let page = fetch_page::<UserList>(&state.db, &scope, &filter, &query).await?;
    let filters = vec![
        FilterSelect {
            name: "entity_id",
            label_key: "field-entity",
            options: entity_choices(&state.db, &scope).await?,
            selected: filter.entity_id.map(|id| id.to_string()).unwrap_or_default(),
        },
        FilterSelect {
            name: "role",
            label_key: "field-role",
            options: role_options(&ctx),
            selected: filter.role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        },
        FilterSelect {
            name: "active",
            label_key: "active",
            options: yes_no(&ctx),
            selected: filter.active.map(|a| a.to_string()).unwrap_or_default(),
        },
    ];
    let mut view = ListTemplate::new(ctx, "nav-users", "/users", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::sortable("field-login", "login"),
        Column::sortable("field-email", "email"),
        Column::sortable("field-entity", "entity"),
        Column::plain("field-roles"),
        Column::plain("active"),
    ];
    view.rows = page.items.iter().map(|u| cells(&view.ctx, u)).collect();
    view.new_href = actor.can(KIND, Action::Create).then(|| "/users/new".to_owned());
    view.render()
}

fn tabs(id: Uuid, current: &'static str) -> Tabs {
    Tabs { base: format!("/users/{id}"), current }
}

#[derive(Template)]
#[template(path = "org/user_detail.html")]
struct DetailPage {
    ctx: PageCtx,
    user: User,
    tabs: Tabs,
    grants: Vec<RoleGrantView>,
    groups: Vec<(Uuid, String)>,
    tokens: Vec<TokenInfo>,
    can_edit: bool,
    can_delete: bool,
    can_manage_tokens: bool,
    role_options: Vec<(String, String)>,
    entity_options: Vec<(String, String)>,
    errors: FieldErrors,
}

async fn detail_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    id: Uuid,
    errors: FieldErrors,
) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::View)?;
    let user = db::find(&state.db, &scope, id).await?;
    let mut conn = state.db.acquire().await?;
    let grants = db::grants_of(&mut conn, id).await?;
    drop(conn);
    let update_scope = actor.scope_or_empty(KIND, Action::Update);
    let can_edit = update_scope.contains(user.entity_id) && check_target(actor, &grants).is_ok();
    let can_manage_tokens = actor.best_role() == Some(Role::Admin) && can_edit;
    let page = DetailPage {
        role_options: role_options(&ctx),
        entity_options: if can_edit { entity_choices(&state.db, &update_scope).await? } else { Vec::new() },
        ctx,
        tabs: tabs(id, "main"),
        groups: db::groups_of(&state.db, &actor.scope_or_empty(ObjectKind::Group, Action::View), id).await?,
        tokens: if can_manage_tokens { list_tokens(&state.db, id).await? } else { Vec::new() },
        can_edit,
        can_delete: actor.scope_or_empty(KIND, Action::Delete).contains(user.entity_id)
            && check_target(actor, &grants).is_ok()
            && user.id != actor.id,
        can_manage_tokens,
        grants,
        user,
        errors,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &page)
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    detail_page(&state, ctx, &actor, id, FieldErrors::default()).await
}

#[derive(Template)]
#[template(path = "org/user_form.html")]
struct FormPage {
    ctx: PageCtx,
    action: String,
    cancel: String,
    form: UserForm,
    errors: FieldErrors,
    entities: Vec<(String, String)>,
    locations: Vec<(String, String)>,
    managers: Vec<(String, String)>,
    roles: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    editing: bool,
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    editing: Option<Uuid>,
    form: UserForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let action = if editing.is_some() { Action::Update } else { Action::Create };
    let scope = actor.scope(KIND, action)?;
    let page = FormPage {
        roles: role_options(&ctx),
        languages: vec![("fr".into(), "Français".into()), ("en".into(), "English".into())],
        ctx,
        action: editing.map(|id| format!("/users/{id}/edit")).unwrap_or_else(|| "/users".into()),
        cancel: editing.map(|id| format!("/users/{id}")).unwrap_or_else(|| "/users".into()),
        entities: entity_choices(&state.db, &scope).await?,
        locations: locations::choices(&state.db, &actor.scope_or_empty(ObjectKind::Location, Action::View)).await?,
        managers: db::choices(&state.db, &actor.scope_or_empty(KIND, Action::View)).await?,
        form,
        editing: editing.is_some(),
        errors,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &page)
}

pub async fn new_form(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    actor.scope(KIND, Action::Create)?;
    let form = UserForm {
        entity_id: actor.entity_id.to_string(),
        language: ctx.lang.code().to_owned(),
        time_zone: "Europe/Paris".into(),
        active: Some("on".into()),
        role: "employee".into(),
        ..UserForm::default()
    };
    form_page(&state, ctx, &actor, None, form, FieldErrors::default()).await
}

/// Scope and reference checks shared by pages and API.
pub(super) async fn check_input(state: &AppState, actor: &Actor, input: &UserInput, action: Action) -> AppResult<()> {
    if !actor.scope(KIND, action)?.contains(input.entity_id) {
        return Err(AppError::field("entity_id", "field-invalid-choice"));
    }
    let location_scope = actor.scope_or_empty(ObjectKind::Location, Action::View);
    let user_scope = actor.scope_or_empty(KIND, Action::View);
    let wrong = db::references_visible(&state.db, input, &location_scope, &user_scope).await?;
    if let Some(field) = wrong.first() {
        return Err(AppError::field(field, "field-invalid-choice"));
    }
    Ok(())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(form): Form<UserForm>,
) -> AppResult<Response> {
    let outcome = create_from_form(&state, &actor, &form).await;
    match outcome {
        Ok(id) => Ok(redirect_with_flash(&format!("/users/{id}"), "success", "flash-created")),
        Err(AppError::Validation(errors)) => form_page(&state, ctx, &actor, None, form, errors).await,
        Err(other) => Err(other),
    }
}

async fn create_from_form(state: &AppState, actor: &Actor, form: &UserForm) -> AppResult<Uuid> {
    let input = form.parse().map_err(AppError::Validation)?;
    let role = form.initial_role().map_err(AppError::Validation)?;
    let grants: Vec<RoleGrant> = role.map(|role| RoleGrant { role, entity_id: input.entity_id }).into_iter().collect();
    check_input(state, actor, &input, Action::Create).await?;
    check_grants(actor, &grants, Action::Create).map_err(AppError::Validation)?;
    let hash = match form.password.as_str() {
        "" => None,
        given => {
            password::check_policy(given, "password").map_err(AppError::Validation)?;
            Some(password::hash(given.to_owned()).await?)
        }
    };
    db::insert(&state.db, &actor.audit(), &input, hash.as_deref(), &grants).await
}

async fn editable(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<User> {
    let scope = actor.scope(KIND, Action::Update)?;
    let user = db::find(&state.db, &scope, id).await?;
    let mut conn = state.db.acquire().await?;
    check_target(actor, &db::grants_of(&mut conn, id).await?)?;
    Ok(user)
}

pub async fn edit_form(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let user = editable(&state, &actor, id).await?;
    form_page(&state, ctx, &actor, Some(id), UserForm::from(&user), FieldErrors::default()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<UserForm>,
) -> AppResult<Response> {
    let current = editable(&state, &actor, id).await?;
    let outcome = async {
        let input = form.parse().map_err(AppError::Validation)?;
        let version = form.version().map_err(AppError::Validation)?;
        if id == actor.id && !input.active {
            return Err(AppError::field("active", "cannot-disable-self"));
        }
        check_input(&state, &actor, &input, Action::Update).await?;
        db::update(&state.db, &actor.audit(), &current, version, &input, UserUpdateExtras::default()).await
    }
    .await;
    match outcome {
        Ok(()) => Ok(redirect_with_flash(&format!("/users/{id}"), "success", "flash-saved")),
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
pub struct GrantForm {
    role: String,
    entity_id: String,
    version: String,
}

/// Add or remove one role, keeping the others.
async fn change_grants(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    id: Uuid,
    form: &GrantForm,
    add: bool,
) -> AppResult<Response> {
    let current = editable(state, actor, id).await?;
    let Some(role) = Role::parse(form.role.trim()) else {
        return detail_page(state, ctx, actor, id, FieldErrors::single("role", "field-invalid-choice")).await;
    };
    let Ok(entity_id) = Uuid::parse_str(form.entity_id.trim()) else {
        return detail_page(state, ctx, actor, id, FieldErrors::single("grant_entity_id", "field-invalid-choice"))
            .await;
    };
    let changed = RoleGrant { role, entity_id };
    if let Err(errors) = check_grants(actor, std::slice::from_ref(&changed), Action::Update) {
        return detail_page(state, ctx, actor, id, errors).await;
    }
    let mut conn = state.db.acquire().await?;
    let mut grants: Vec<RoleGrant> = db::grants_of(&mut conn, id)
        .await?
        .into_iter()
        .map(|g| RoleGrant { role: g.role, entity_id: g.entity_id })
        .collect();
    drop(conn);
    grants.retain(|g| *g != changed);
    if add {
        grants.push(changed);
    }
    let version = form.version.trim().parse().unwrap_or(current.version);
    let extras = UserUpdateExtras { grants: Some(&grants), password_hash: None };
    match db::update(&state.db, &actor.audit(), &current, version, &UserInput::from(&current), extras).await {
        Ok(()) => Ok(redirect_with_flash(&format!("/users/{id}"), "success", "flash-saved")),
        Err(AppError::StaleEdit { .. }) => {
            Ok(redirect_with_flash(&format!("/users/{id}"), "error", "stale-edit-short"))
        }
        Err(other) => Err(other),
    }
}

pub async fn grant_role(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<GrantForm>,
) -> AppResult<Response> {
    change_grants(&state, ctx, &actor, id, &form, true).await
}

pub async fn revoke_role(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<GrantForm>,
) -> AppResult<Response> {
    change_grants(&state, ctx, &actor, id, &form, false).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    new_password: String,
    version: String,
}

/// An administrator (or a manager of people) sets a new password; the person's
/// sessions and tokens end.
pub async fn reset_password(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<ResetForm>,
) -> AppResult<Response> {
    let current = editable(&state, &actor, id).await?;
    if let Err(errors) = password::check_policy(&form.new_password, "new_password") {
        return detail_page(&state, ctx, &actor, id, errors).await;
    }
    let hash = password::hash(form.new_password).await?;
    let version = form.version.trim().parse().unwrap_or(current.version);
    let extras = UserUpdateExtras { grants: None, password_hash: Some(&hash) };
    match db::update(&state.db, &actor.audit(), &current, version, &UserInput::from(&current), extras).await {
        Ok(()) => Ok(redirect_with_flash(&format!("/users/{id}"), "success", "password-changed")),
        Err(AppError::StaleEdit { .. }) => {
            Ok(redirect_with_flash(&format!("/users/{id}"), "error", "stale-edit-short"))
        }
        Err(other) => Err(other),
    }
}

/// Administrators may revoke anyone's API token.
pub async fn revoke_user_token(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, token)): Path<(String, String)>,
) -> AppResult<Response> {
    let (Ok(id), Ok(token)) = (Uuid::parse_str(&id), Uuid::parse_str(&token)) else { return Err(AppError::NotFound) };
    editable(&state, &actor, id).await?;
    if actor.best_role() != Some(Role::Admin) {
        return Err(AppError::Forbidden);
    }
    if !revoke_token(&state.db, id, token).await? {
        return Err(AppError::NotFound);
    }
    Ok(redirect_with_flash(&format!("/users/{id}"), "success", "token-revoked"))
}
