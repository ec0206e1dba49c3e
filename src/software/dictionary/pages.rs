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

use super::{Named, RuleRow, db, replay};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    jobs::JobStatus,
    state::AppState,
    web::{
        PageCtx,
        extract::Id,
        form::{FieldErrors, Parser, pair_value},
        layout::{NavItem, redirect_with_flash},
        render, render_status,
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
    /// The name of the category the trial's rule gives, if any.
    outcome_category: Option<String>,
    /// The software categories a rule may give.
    categories: Vec<(String, String)>,
    replay: ReplayCard,
}

impl DictionaryPage {
    fn typed(&self, name: &str) -> &str {
        pair_value(&self.input, name)
    }
}

/// The replay over the catalogue: the button, the last run's progress or
/// result. The page and its polling share it.
#[derive(Template)]
#[template(path = "software/_replay.html")]
struct ReplayCard {
    ctx: PageCtx,
    can_edit: bool,
    last: Option<JobStatus>,
}

impl ReplayCard {
    async fn load(state: &AppState, ctx: PageCtx, actor: &Actor) -> AppResult<ReplayCard> {
        Ok(ReplayCard { ctx, can_edit: actor.can(KIND, Action::Update), last: replay::latest(&state.db).await? })
    }

    /// Queued or running: the card asks again until it ends.
    fn working(&self) -> bool {
        self.last.as_ref().is_some_and(|job| !job.finished())
    }

    /// A count from the finished replay's result.
    fn count(&self, name: &str) -> String {
        let result = self.last.as_ref().and_then(|job| job.result.as_ref());
        result.and_then(|r| r.get(name)).map(|v| v.to_string()).unwrap_or_default()
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
    let given = outcome.as_ref().and_then(|o| o.as_ref()).and_then(|named| named.category_id);
    let outcome_category = super::category_name(&state.db, given).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let replay = ReplayCard::load(state, ctx.clone(), actor).await?;
    let page = DictionaryPage {
        ctx,
        replay,
        sections: crate::software::sections("/software-dictionary"),
        rules,
        can_edit: actor.can(KIND, Action::Update),
        errors,
        input,
        trial,
        outcome,
        outcome_category,
        categories: crate::software::categories::choices(&state.db).await?,
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
    let mut category = Parser::default();
    let set_category_id = category.optional_id("set_category_id", pair_value(fields, "set_category_id"));
    let checked = db::RuleInput::check(db::RuleInput {
        name_pattern: text("name_pattern"),
        publisher_pattern: text("publisher_pattern"),
        set_name: text("set_name"),
        set_publisher: text("set_publisher"),
        set_version: text("set_version"),
        set_category_id,
        ignore: pair_value(fields, "ignore") == "on",
    });
    // A category that is no id is marked with the other fields' errors.
    match checked {
        Ok(input) => category.finish(input),
        Err(mut errors) => {
            for (field, key) in category.errors.iter() {
                errors.add(field, key);
            }
            Err(errors)
        }
    }
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

/// Replay the rules over the catalogue, in the background.
pub async fn replay(State(state): State<AppState>, actor: Actor) -> AppResult<Response> {
    actor.scope(KIND, Action::Update)?;
    replay::start(&state.db, &actor.audit()).await?;
    Ok(redirect_with_flash("/software-dictionary", "success", "dictionary-replay-started"))
}

/// The replay card alone: the page polls it while a replay runs.
pub async fn replay_status(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    actor.scope(KIND, Action::View)?;
    render(&ReplayCard::load(&state, ctx, &actor).await?)
}
