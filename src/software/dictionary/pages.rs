//! The dictionary's page: the rules in order, a form to add one, and a box
//! to try a name against them before an agent sends it.

use askama::Template;
use axum::{
    Form,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;

use super::{Named, RuleRow, db};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        PageCtx,
        extract::Id,
        form::{FieldErrors, pair_value},
        layout::{NavItem, redirect_with_flash},
        render_status,
    },
};

const KIND: ObjectKind = ObjectKind::Software;
type Fields = Form<Vec<(String, String)>>;

/// A name tried against the rules, and what it became.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Trial {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub version: String,
}

#[derive(Template)]
#[template(path = "software/dictionary.html")]
struct DictionaryPage {
    ctx: PageCtx,
    sections: Vec<NavItem>,
    rules: Vec<RuleRow>,
    can_edit: bool,
    errors: FieldErrors,
    input: Vec<(String, String)>,
    trial: Trial,
    /// None before a trial; Some(None) when a rule leaves the name out.
    outcome: Option<Option<Named>>,
}

impl DictionaryPage {
    fn typed(&self, name: &str) -> &str {
        pair_value(&self.input, name)
    }
}

async fn show(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    errors: FieldErrors,
    input: Vec<(String, String)>,
    trial: Trial,
) -> AppResult<Response> {
    let rules = db::rules(&state.db).await?;
    let outcome = if trial.name.trim().is_empty() {
        None
    } else {
        let dictionary = super::current(&state.db).await?;
        Some(dictionary.name(trial.name.trim(), trial.publisher.trim(), trial.version.trim()))
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = DictionaryPage {
        ctx,
        sections: crate::software::sections("/software-dictionary"),
        rules,
        can_edit: actor.can(KIND, Action::Update),
        errors,
        input,
        trial,
        outcome,
    };
    render_status(status, &page)
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    actor.scope(KIND, Action::View)?;
    show(&state, ctx, &actor, FieldErrors::default(), Vec::new(), Trial::default()).await
}

pub async fn try_name(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Query(trial): Query<Trial>,
) -> AppResult<Response> {
    actor.scope(KIND, Action::View)?;
    show(&state, ctx, &actor, FieldErrors::default(), Vec::new(), trial).await
}

/// The rule the form describes, checked as the API checks it.
fn rule_input(fields: &[(String, String)]) -> Result<db::RuleInput, FieldErrors> {
    let text = |name: &str| pair_value(fields, name).to_owned();
    db::RuleInput::check(db::RuleInput {
        name_pattern: text("name_pattern"),
        publisher_pattern: text("publisher_pattern"),
        set_name: text("set_name"),
        set_publisher: text("set_publisher"),
        set_version: text("set_version"),
        set_category: text("set_category"),
        ignore: pair_value(fields, "ignore") == "on",
    })
}

pub async fn add(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(fields): Fields,
) -> AppResult<Response> {
    actor.scope(KIND, Action::Update)?;
    let saved = match rule_input(&fields) {
        Ok(input) => db::add(&state.db, &actor.audit(), &input).await.map(|_| ()),
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match saved {
        Ok(()) => Ok(redirect_with_flash("/software-dictionary", "success", "flash-saved")),
        Err(AppError::Validation(errors)) => show(&state, ctx, &actor, errors, fields, Trial::default()).await,
        Err(other) => Err(other),
    }
}

pub async fn move_rule(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(fields): Fields,
) -> AppResult<Response> {
    actor.scope(KIND, Action::Update)?;
    db::move_rule(&state.db, &actor.audit(), id, pair_value(&fields, "direction") == "up").await?;
    Ok(redirect_with_flash("/software-dictionary", "success", "flash-saved"))
}

pub async fn delete(State(state): State<AppState>, actor: Actor, Id(id): Id) -> AppResult<Response> {
    actor.scope(KIND, Action::Update)?;
    db::delete(&state.db, &actor.audit(), id).await?;
    Ok(redirect_with_flash("/software-dictionary", "success", "flash-deleted"))
}
