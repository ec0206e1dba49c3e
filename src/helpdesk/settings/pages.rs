//! The settings page of the helpdesk (with its history) and the priority
//! matrix page.

use askama::Template;
use axum::{Form, extract::State, http::StatusCode, response::Response};

use super::{
    db,
    domain::{LEVELS, SETTINGS_ID},
    form::{SettingsForm, cell_name, matrix_from_form},
};
use crate::{
    audit,
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        PageCtx,
        form::{FieldErrors, pair_value},
        layout::{NavItem, redirect_with_flash},
        render, render_status,
        table::{HistoryTemplate, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::HelpdeskSettings;
const BASE: &str = "/settings/helpdesk";
const PRIORITIES: &str = "/settings/helpdesk/priorities";

/// The tabs of the helpdesk's settings pages and lists.
pub fn sections(current: &str) -> Vec<NavItem> {
    [
        (BASE, "nav-helpdesk-settings"),
        ("/ticket-categories", "nav-ticket-categories"),
        ("/calendars", "nav-calendars"),
        ("/slas", "nav-slas"),
        (PRIORITIES, "nav-priority-matrix"),
    ]
    .into_iter()
    .map(|(href, key)| NavItem { href, key, current: href == current })
    .collect()
}

fn status_of(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY }
}

#[derive(Template)]
#[template(path = "helpdesk/settings.html")]
struct SettingsPage {
    ctx: PageCtx,
    sections: Vec<NavItem>,
    form: SettingsForm,
    errors: FieldErrors,
    can_edit: bool,
}

fn settings_page(ctx: PageCtx, actor: &Actor, form: SettingsForm, errors: FieldErrors) -> AppResult<Response> {
    let status = status_of(&errors);
    let page = SettingsPage { ctx, sections: sections(BASE), form, errors, can_edit: actor.can(KIND, Action::Update) };
    render_status(status, &page)
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    actor.scope(KIND, Action::View)?;
    let current = db::settings(&state.db).await?;
    settings_page(ctx, &actor, SettingsForm::from(&current), FieldErrors::default())
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    actor.scope(KIND, Action::Update)?;
    let current = db::settings(&state.db).await?;
    let outcome = match form.parse() {
        Ok((input, version)) => db::update(&state.db, &actor.audit(), &current, version, &input).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match outcome {
        Ok(()) => Ok(redirect_with_flash(BASE, "success", "flash-saved")),
        Err(AppError::Validation(errors)) => settings_page(ctx, &actor, form, errors),
        Err(AppError::StaleEdit { by, at }) => {
            let ctx = ctx.with_stale(&by, &at);
            settings_page(ctx, &actor, form, FieldErrors::single("version", "stale-edit-short"))
        }
        Err(other) => Err(other),
    }
}

/// The changes of the settings and of the priority matrix.
pub async fn history(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    actor.scope(KIND, Action::View)?;
    let entries = audit::history_lines(&state.db, KIND, SETTINGS_ID, 500).await?;
    let title = ctx.t("nav-helpdesk-settings");
    let tabs = Tabs { base: BASE.into(), current: "history" };
    render(&HistoryTemplate::new(ctx, "nav-helpdesk", title, tabs, entries, Default::default()))
}

/// One select of the matrix.
struct Cell {
    name: String,
    value: String,
    /// "Urgency 3, impact 4", for screen readers.
    label: String,
}

#[derive(Template)]
#[template(path = "helpdesk/priorities.html")]
struct MatrixPage {
    ctx: PageCtx,
    sections: Vec<NavItem>,
    /// Translated names of the levels 1 to 5.
    levels: Vec<(String, String)>,
    /// Urgency rows, each with its five impact cells.
    rows: Vec<(String, Vec<Cell>)>,
    version: String,
    errors: FieldErrors,
    can_edit: bool,
}

fn matrix_page(
    ctx: PageCtx,
    actor: &Actor,
    value: impl Fn(usize, usize) -> String,
    version: String,
    errors: FieldErrors,
) -> AppResult<Response> {
    let levels: Vec<(String, String)> =
        (1..=LEVELS).map(|level| (level.to_string(), ctx.t(&format!("level-{level}")))).collect();
    let rows = (1..=LEVELS)
        .map(|u| {
            let cells = (1..=LEVELS)
                .map(|i| Cell {
                    name: cell_name(u, i),
                    value: value(u, i),
                    label: ctx
                        .t_args("priority-matrix-cell", &[("urgency", &levels[u - 1].1), ("impact", &levels[i - 1].1)]),
                })
                .collect();
            (levels[u - 1].1.clone(), cells)
        })
        .collect();
    let status = status_of(&errors);
    let page = MatrixPage {
        ctx,
        sections: sections(PRIORITIES),
        levels,
        rows,
        version,
        errors,
        can_edit: actor.can(KIND, Action::Update),
    };
    render_status(status, &page)
}

pub async fn matrix(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    actor.scope(KIND, Action::View)?;
    let mut conn = state.db.acquire().await?;
    let current = db::matrix(&mut conn).await?;
    drop(conn);
    let value = |u: usize, i: usize| current.priorities[u - 1][i - 1].to_string();
    matrix_page(ctx, &actor, value, current.version.to_string(), FieldErrors::default())
}

pub async fn save_matrix(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    actor.scope(KIND, Action::Update)?;
    let outcome = match matrix_from_form(&pairs) {
        Ok((priorities, version)) => db::save_matrix(&state.db, &actor.audit(), version, &priorities).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    let typed = |u: usize, i: usize| pair_value(&pairs, &cell_name(u, i)).to_owned();
    let version = pair_value(&pairs, "version").to_owned();
    match outcome {
        Ok(()) => Ok(redirect_with_flash(PRIORITIES, "success", "flash-saved")),
        Err(AppError::Validation(errors)) => matrix_page(ctx, &actor, typed, version, errors),
        Err(AppError::StaleEdit { by, at }) => {
            let ctx = ctx.with_stale(&by, &at);
            matrix_page(ctx, &actor, typed, version, FieldErrors::single("version", "stale-edit-short"))
        }
        Err(other) => Err(other),
    }
}
