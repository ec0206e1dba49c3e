//! The dictionary through the JSON API: the same rules, checks and history
//! as its page, and its replay over the catalogue. Those who read the
//! software catalogue read the rules and try names; those who change it
//! change them and replay them.

use axum::{
    Json,
    extract::{RawQuery, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{RuleRow, db, replay};
use crate::{
    api::ApiJson,
    auth::{
        actor::ApiActor,
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError},
    jobs::{self, JobStatus},
    state::AppState,
    web::extract::{ApiId, parse_query},
};

const KIND: ObjectKind = ObjectKind::Software;

/// The dictionary's rules, in the order they are tried (the first match decides)
#[utoipa::path(get, path = "/api/v1/software-dictionary", tag = "software",
    responses((status = 200, body = Vec<RuleRow>), (status = 403, body = crate::error::Problem)))]
pub async fn rules(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<Vec<RuleRow>>> {
    actor.scope(KIND, Action::View)?;
    Ok(Json(db::rules(&state.db).await?))
}

/// Body of POST /api/v1/software-dictionary.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDictionaryRule {
    /// A regular expression (any case) matched against the reported name.
    pub name_pattern: String,
    /// A regular expression the publisher must match too; absent: any.
    #[serde(default)]
    pub publisher_pattern: String,
    /// The catalogue name (`$1` is the name pattern's first group); absent: the name as reported.
    #[serde(default)]
    pub set_name: String,
    #[serde(default)]
    pub set_publisher: String,
    #[serde(default)]
    pub set_version: String,
    /// The software category of a new catalogue entry (GET /api/v1/software-categories).
    #[serde(default)]
    pub set_category_id: Option<Uuid>,
    /// Leave matching entries out of inventories.
    #[serde(default)]
    pub ignore: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedRule {
    pub id: Uuid,
}

/// Add a rule after the others (a pattern that does not compile answers 422 on its field)
#[utoipa::path(post, path = "/api/v1/software-dictionary", tag = "software", request_body = NewDictionaryRule,
    responses((status = 201, body = CreatedRule), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn add_rule(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiJson(body): ApiJson<NewDictionaryRule>,
) -> ApiResult<(StatusCode, Json<CreatedRule>)> {
    actor.scope(KIND, Action::Update)?;
    let input = db::RuleInput::check(db::RuleInput {
        name_pattern: body.name_pattern,
        publisher_pattern: body.publisher_pattern,
        set_name: body.set_name,
        set_publisher: body.set_publisher,
        set_version: body.set_version,
        set_category_id: body.set_category_id,
        ignore: body.ignore,
    })
    .map_err(AppError::Validation)?;
    let id = db::add(&state.db, &actor.audit(), &input).await?;
    Ok((StatusCode::CREATED, Json(CreatedRule { id })))
}

/// Body of PATCH /api/v1/software-dictionary/{id}: one of the two.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DictionaryRuleMove {
    /// up or down: swap with the rule before or after it.
    pub direction: Option<String>,
    /// A position of its own (0 to 1 000 000; lower is tried first).
    pub position: Option<i32>,
}

/// Move a rule: one place up or down, or to a position
#[utoipa::path(patch, path = "/api/v1/software-dictionary/{id}", tag = "software", request_body = DictionaryRuleMove,
    responses((status = 204), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn move_rule(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<DictionaryRuleMove>,
) -> ApiResult<StatusCode> {
    actor.scope(KIND, Action::Update)?;
    match (body.direction.as_deref(), body.position) {
        (Some(direction @ ("up" | "down")), None) => {
            db::move_rule(&state.db, &actor.audit(), id, direction == "up").await?;
        }
        (None, Some(position)) if (0..=1_000_000).contains(&position) => {
            db::set_position(&state.db, &actor.audit(), id, position).await?;
        }
        (None, Some(_)) => return Err(AppError::field("position", "field-invalid-number").into()),
        _ => return Err(AppError::field("direction", "field-invalid-choice").into()),
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a rule
#[utoipa::path(delete, path = "/api/v1/software-dictionary/{id}", tag = "software",
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete_rule(State(state): State<AppState>, actor: ApiActor, ApiId(id): ApiId) -> ApiResult<StatusCode> {
    actor.scope(KIND, Action::Update)?;
    db::delete(&state.db, &actor.audit(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize)]
struct TrialQuery {
    #[serde(default)]
    name: String,
    #[serde(default)]
    publisher: String,
    #[serde(default)]
    version: String,
}

/// What a reported entry becomes in the catalogue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DictionaryTrial {
    /// A rule leaves the entry out (the other fields are then empty).
    pub ignored: bool,
    pub name: String,
    pub publisher: String,
    pub version: String,
    /// The software category a new catalogue entry gets (null when no rule gives one), and its name.
    pub category_id: Option<Uuid>,
    pub category: Option<String>,
}

/// What a name (and publisher, version) an agent reports becomes
#[utoipa::path(get, path = "/api/v1/software-dictionary/try", tag = "software",
    params(("name" = String, Query), ("publisher" = Option<String>, Query), ("version" = Option<String>, Query)),
    responses((status = 200, body = DictionaryTrial), (status = 422, body = crate::error::Problem)))]
pub async fn try_name(
    State(state): State<AppState>,
    actor: ApiActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<DictionaryTrial>> {
    actor.scope(KIND, Action::View)?;
    let query: TrialQuery = parse_query(raw.as_deref())?;
    let name = query.name.trim();
    if name.is_empty() {
        return Err(AppError::field("name", "field-required").into());
    }
    let dictionary = super::current(&state.db).await?;
    let trial = match dictionary.name(name, query.publisher.trim(), query.version.trim()) {
        Some(named) => DictionaryTrial {
            ignored: false,
            category: super::category_name(&state.db, named.category_id).await?,
            category_id: named.category_id,
            name: named.name,
            publisher: named.publisher,
            version: named.version,
        },
        None => DictionaryTrial {
            ignored: true,
            name: String::new(),
            publisher: String::new(),
            version: String::new(),
            category_id: None,
            category: None,
        },
    };
    Ok(Json(trial))
}

/// Replay the dictionary over the catalogue (a background job; a replay already queued is not queued twice)
#[utoipa::path(post, path = "/api/v1/software-dictionary/replay", tag = "software",
    responses((status = 202, body = JobStatus), (status = 403, body = crate::error::Problem)))]
pub async fn replay(State(state): State<AppState>, actor: ApiActor) -> ApiResult<(StatusCode, Json<JobStatus>)> {
    actor.scope(KIND, Action::Update)?;
    let job = replay::start(&state.db, &actor.audit()).await?;
    Ok((StatusCode::ACCEPTED, Json(jobs::status(&state.db, job, None).await?)))
}

/// The last replay of the dictionary: its progress, or what it renamed, merged and left out
#[utoipa::path(get, path = "/api/v1/software-dictionary/replay", tag = "software",
    responses((status = 200, body = JobStatus), (status = 404, body = crate::error::Problem, description = "never replayed")))]
pub async fn last_replay(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<JobStatus>> {
    actor.scope(KIND, Action::View)?;
    Ok(Json(replay::latest(&state.db).await?.ok_or(AppError::NotFound)?))
}
