//! The inventory's pages for those who run the park: the agents and what
//! they last sent, refused inventories to import, the match rules, the
//! placeholder lists, and who may send (access, networks, secret, tokens).

use askama::Template;
use axum::{Form, extract::State, http::StatusCode, response::Response};
use uuid::Uuid;

use super::{
    db::{self, AgentRow, BlacklistRow, RefusedRow, Rule, RuleAction, RuleInput, Settings, SettingsInput, TokenRow},
    normalize::Field,
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
        extract::Id,
        form::{FieldErrors, pair_value},
        layout::{NavItem, redirect_with_flash},
        render, render_status,
    },
};

const KIND: ObjectKind = ObjectKind::InventorySettings;
type Fields = Form<Vec<(String, String)>>;

/// The tabs of the inventory's pages.
fn sections(current: &str) -> Vec<NavItem> {
    [
        ("/inventory/agents", "inventory-agents"),
        ("/inventory/refused", "inventory-refused"),
        ("/inventory/rules", "inventory-rules"),
        ("/inventory/blacklist", "inventory-blacklist"),
        ("/inventory/placements", "inventory-placements"),
        ("/inventory/settings", "inventory-settings"),
    ]
    .into_iter()
    .map(|(href, key)| NavItem { href, key, current: href == current })
    .collect()
}

/// The entities new devices may go to: those where the person registers assets.
async fn new_device_entities(state: &AppState, actor: &Actor) -> AppResult<Vec<(String, String)>> {
    crate::org::entity_choices(&state.db, &actor.scope_or_empty(ObjectKind::Asset, Action::Create)).await
}

fn allowed(actor: &Actor, action: Action) -> AppResult<()> {
    if actor.can(KIND, action) { Ok(()) } else { Err(AppError::Forbidden) }
}

#[derive(Template)]
#[template(path = "inventory/agents.html")]
struct AgentsPage {
    ctx: PageCtx,
    sections: Vec<NavItem>,
    agents: Vec<AgentRow>,
}

pub async fn agents(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    allowed(&actor, Action::View)?;
    let scope = actor.scope(ObjectKind::Asset, Action::View)?;
    let agents = db::agents(&state.db, &scope, actor.can(ObjectKind::Entity, Action::Delete), 500).await?;
    render(&AgentsPage { ctx, sections: sections("/inventory/agents"), agents })
}

#[derive(Template)]
#[template(path = "inventory/refused.html")]
struct RefusedPage {
    ctx: PageCtx,
    sections: Vec<NavItem>,
    refused: Vec<RefusedRow>,
}

pub async fn refused(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    let refused = db::refused(&state.db, 500).await?;
    render(&RefusedPage { ctx, sections: sections("/inventory/refused"), refused })
}

pub async fn import_refused(State(state): State<AppState>, actor: Actor, Id(id): Id) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    match db::import_refused(&state.db, id).await {
        Ok(asset) => Ok(redirect_with_flash(&format!("/assets/{asset}"), "success", "inventory-imported")),
        Err(AppError::Unprocessable(_)) => {
            Ok(redirect_with_flash("/inventory/refused", "error", "inventory-import-failed"))
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "inventory/rules.html")]
struct RulesPage {
    ctx: PageCtx,
    sections: Vec<NavItem>,
    rules: Vec<Rule>,
    errors: FieldErrors,
    itemtypes: Vec<(String, String)>,
    actions: Vec<(String, String)>,
    criteria: Vec<&'static str>,
}

impl RulesPage {
    fn action_key(&self, action: &RuleAction) -> String {
        format!("inventory-action-{}", action.as_str())
    }
}

use db::{ACTIONS, CRITERIA, ITEMTYPES};

async fn rules_page(state: &AppState, ctx: PageCtx, errors: FieldErrors) -> AppResult<Response> {
    let rules = db::all_rules(&state.db).await?;
    let itemtypes = ITEMTYPES.iter().map(|t| (t.as_str().to_owned(), t.as_str().to_owned())).collect();
    let actions =
        ACTIONS.iter().map(|a| (a.as_str().to_owned(), ctx.t(&format!("inventory-action-{}", a.as_str())))).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = RulesPage {
        ctx,
        sections: sections("/inventory/rules"),
        rules,
        errors,
        itemtypes,
        actions,
        criteria: CRITERIA.to_vec(),
    };
    render_status(status, &page)
}

pub async fn rules(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    rules_page(&state, ctx, FieldErrors::default()).await
}

/// A new rule from the form: name, kind of device, action, criteria, position.
fn rule_input(fields: &[(String, String)]) -> Result<RuleInput, FieldErrors> {
    let criteria: Vec<String> = fields.iter().filter(|(k, _)| k == "criteria").map(|(_, v)| v.clone()).collect();
    let position = pair_value(fields, "position").parse::<i32>().ok();
    RuleInput::check(
        pair_value(fields, "name"),
        pair_value(fields, "itemtype"),
        pair_value(fields, "action"),
        criteria,
        position,
        true,
    )
}

pub async fn add_rule(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(fields): Fields,
) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    match rule_input(&fields) {
        Ok(rule) => {
            db::add_rule(&state.db, &actor.audit(), &rule).await?;
            Ok(redirect_with_flash("/inventory/rules", "success", "flash-saved"))
        }
        Err(errors) => rules_page(&state, ctx, errors).await,
    }
}

pub async fn set_rule(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(fields): Fields,
) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    let position = pair_value(&fields, "position")
        .parse::<i32>()
        .ok()
        .filter(|p| (0..=100_000).contains(p))
        .ok_or_else(|| AppError::field("position", "field-invalid-number"))?;
    let active = pair_value(&fields, "active") == "on";
    db::set_rule(&state.db, &actor.audit(), id, position, active).await?;
    Ok(redirect_with_flash("/inventory/rules", "success", "flash-saved"))
}

pub async fn delete_rule(State(state): State<AppState>, actor: Actor, Id(id): Id) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    db::delete_rule(&state.db, &actor.audit(), id).await?;
    Ok(redirect_with_flash("/inventory/rules", "success", "flash-deleted"))
}

#[derive(Template)]
#[template(path = "inventory/blacklist.html")]
struct BlacklistPage {
    ctx: PageCtx,
    sections: Vec<NavItem>,
    rows: Vec<BlacklistRow>,
    fields: Vec<(String, String)>,
    errors: FieldErrors,
    value: String,
}

async fn blacklist_page(state: &AppState, ctx: PageCtx, errors: FieldErrors, value: String) -> AppResult<Response> {
    let rows = db::blacklist_rows(&state.db).await?;
    let fields =
        Field::ALL.iter().map(|f| (f.as_str().to_owned(), ctx.t(&format!("inventory-field-{}", f.as_str())))).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(
        status,
        &BlacklistPage { ctx, sections: sections("/inventory/blacklist"), rows, fields, errors, value },
    )
}

pub async fn blacklist(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    blacklist_page(&state, ctx, FieldErrors::default(), String::new()).await
}

pub async fn add_blacklisted(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(fields): Fields,
) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    let value = pair_value(&fields, "value").to_owned();
    let (field, checked) = match db::check_blacklisted(pair_value(&fields, "field"), &value) {
        Ok(checked) => checked,
        Err(errors) => return blacklist_page(&state, ctx, errors, value).await,
    };
    match db::add_blacklisted(&state.db, &actor.audit(), field, &checked).await {
        Ok(_) => Ok(redirect_with_flash("/inventory/blacklist", "success", "flash-saved")),
        Err(AppError::Validation(errors)) => blacklist_page(&state, ctx, errors, value).await,
        Err(other) => Err(other),
    }
}

pub async fn delete_blacklisted(State(state): State<AppState>, actor: Actor, Id(id): Id) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    db::delete_blacklisted(&state.db, &actor.audit(), id).await?;
    Ok(redirect_with_flash("/inventory/blacklist", "success", "flash-deleted"))
}

#[derive(Template)]
#[template(path = "inventory/settings.html")]
struct SettingsPage {
    ctx: PageCtx,
    sections: Vec<NavItem>,
    settings: Settings,
    /// What the form shows (what was typed when it comes back with errors).
    networks: String,
    max_mb: String,
    entity_id: String,
    status_id: String,
    entities: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    tokens: Vec<TokenRow>,
    /// A secret or token just made: shown once.
    new_secret: Option<String>,
    errors: FieldErrors,
}

async fn settings_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    typed: Option<&[(String, String)]>,
    new_secret: Option<String>,
    errors: FieldErrors,
) -> AppResult<Response> {
    let settings = db::settings(&state.db).await?;
    let shown = |name: &str, stored: String| typed.map(|t| pair_value(t, name).to_owned()).unwrap_or(stored);
    let networks = shown("allowed_networks", settings.allowed_networks.join("\n"));
    let max_mb = shown("max_mb", (settings.max_body_bytes / (1024 * 1024)).to_string());
    let entity_id = shown("entity_id", settings.entity_id.map(|e| e.to_string()).unwrap_or_default());
    let status_id = shown("status_id", settings.status_id.map(|s| s.to_string()).unwrap_or_default());
    let entities = new_device_entities(state, actor).await?;
    let statuses = crate::assets::register::db::status_choices(&state.db).await?;
    let tokens = db::tokens(&state.db).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = SettingsPage {
        ctx,
        sections: sections("/inventory/settings"),
        settings,
        networks,
        max_mb,
        entity_id,
        status_id,
        entities,
        statuses,
        tokens,
        new_secret,
        errors,
    };
    render_status(status, &page)
}

pub async fn settings(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    settings_page(&state, ctx, &actor, None, None, FieldErrors::default()).await
}

/// The settings form, checked field by field as the API checks them.
fn settings_input(
    fields: &[(String, String)],
    entities: &[(String, String)],
    statuses: &[(String, String)],
) -> Result<SettingsInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut id = |name: &str| match pair_value(fields, name) {
        "" => None,
        text => Uuid::parse_str(text).map_err(|_| errors.add(name, "field-invalid-choice")).ok(),
    };
    let draft = db::SettingsDraft {
        access: pair_value(fields, "access"),
        allowed_networks: pair_value(fields, "allowed_networks").lines().collect(),
        entity_id: id("entity_id"),
        status_id: id("status_id"),
        max_body_bytes: pair_value(fields, "max_mb")
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|mb| mb.checked_mul(1024 * 1024)),
    };
    let checked = SettingsInput::check(&draft, entities, statuses);
    // The form asks for megabytes.
    for (field, message) in checked.as_ref().err().into_iter().flat_map(|e| e.iter()) {
        errors.add(if field == "max_body_bytes" { "max_mb" } else { field }, message);
    }
    match checked {
        Ok(input) if errors.is_empty() => Ok(input),
        _ => Err(errors),
    }
}

pub async fn save_settings(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(fields): Fields,
) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    let entities = new_device_entities(&state, &actor).await?;
    let statuses = crate::assets::register::db::status_choices(&state.db).await?;
    let input = match settings_input(&fields, &entities, &statuses) {
        Ok(input) => input,
        Err(errors) => return settings_page(&state, ctx, &actor, Some(&fields), None, errors).await,
    };
    let version = pair_value(&fields, "version").parse::<i64>().unwrap_or_default();
    match db::save_settings(&state.db, &actor.audit(), version, &input).await {
        Ok(()) => Ok(redirect_with_flash("/inventory/settings", "success", "flash-saved")),
        Err(AppError::StaleEdit { .. }) => {
            let errors = FieldErrors::single("version", "inventory-settings-stale");
            settings_page(&state, ctx, &actor, Some(&fields), None, errors).await
        }
        Err(other) => Err(other),
    }
}

pub async fn rotate_secret(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    let secret = db::rotate_secret(&state.db, &actor.audit()).await?;
    settings_page(&state, ctx, &actor, None, Some(secret), FieldErrors::default()).await
}

pub async fn create_token(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(fields): Fields,
) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    let entities = new_device_entities(&state, &actor).await?;
    let entity = match pair_value(&fields, "token_entity_id") {
        "" => Ok(None),
        text => Uuid::parse_str(text).map(Some),
    };
    let checked = match entity {
        Ok(entity) => db::check_token(pair_value(&fields, "token_name"), entity, &entities),
        Err(_) => Err(FieldErrors::single("entity_id", "field-invalid-choice")),
    };
    let (name, entity) = match checked {
        Ok(token) => token,
        Err(errors) => {
            // The form's fields are named token_name and token_entity_id.
            let mut marked = FieldErrors::default();
            for (field, message) in errors.iter() {
                marked.add(&format!("token_{field}"), message);
            }
            return settings_page(&state, ctx, &actor, None, None, marked).await;
        }
    };
    let (_, secret) = db::create_token(&state.db, &actor.audit(), &name, entity).await?;
    settings_page(&state, ctx, &actor, None, Some(secret), FieldErrors::default()).await
}

pub async fn revoke_token(State(state): State<AppState>, actor: Actor, Id(id): Id) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    db::revoke_token(&state.db, &actor.audit(), id).await?;
    Ok(redirect_with_flash("/inventory/settings", "success", "inventory-token-revoked"))
}

/// Who changed the inventory's settings, rules, placeholders and tokens.
pub async fn history(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    let entries = crate::audit::history_lines(&state.db, KIND, db::SETTINGS_ID, 500).await?;
    let title = ctx.t("inventory-settings");
    let tabs = crate::web::table::Tabs { base: "/inventory/settings".into(), current: "history" };
    render(&crate::web::table::HistoryTemplate::new(ctx, "nav-inventory", title, tabs, entries, Default::default()))
}

#[derive(Template)]
#[template(path = "inventory/placements.html")]
struct PlacementsPage {
    ctx: PageCtx,
    sections: Vec<NavItem>,
    rows: Vec<db::Placement>,
    entities: Vec<(String, String)>,
    locations: Vec<(String, String)>,
    errors: FieldErrors,
    typed: Vec<(String, String)>,
}

impl PlacementsPage {
    fn value(&self, name: &str) -> &str {
        pair_value(&self.typed, name)
    }
}

async fn placements_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    errors: FieldErrors,
    typed: Vec<(String, String)>,
) -> AppResult<Response> {
    let rows = db::placements(&state.db).await?;
    let entities = new_device_entities(state, actor).await?;
    let locations =
        crate::org::locations::choices(&state.db, &actor.scope_or_empty(ObjectKind::Asset, Action::Create)).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page =
        PlacementsPage { ctx, sections: sections("/inventory/placements"), rows, entities, locations, errors, typed };
    render_status(status, &page)
}

pub async fn placements(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    placements_page(&state, ctx, &actor, FieldErrors::default(), Vec::new()).await
}

pub async fn add_placement(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(fields): Fields,
) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    let saved = async {
        let entity = crate::web::form::pair_optional_id(&fields, "entity_id")?;
        let location = crate::web::form::pair_optional_id(&fields, "location_id")?;
        let scope = actor.scope(ObjectKind::Asset, Action::Create)?;
        if entity.is_some_and(|e| !scope.contains(e)) {
            return Err(AppError::field("entity_id", "field-invalid-choice"));
        }
        let input = db::PlacementInput::check(
            pair_value(&fields, "position").parse().ok(),
            pair_value(&fields, "agent_tag"),
            pair_value(&fields, "network"),
            entity,
            location,
        )
        .map_err(AppError::Validation)?;
        db::add_placement(&state.db, &actor.audit(), &input).await
    }
    .await;
    match saved {
        Ok(_) => Ok(redirect_with_flash("/inventory/placements", "success", "flash-saved")),
        Err(AppError::Validation(errors)) => placements_page(&state, ctx, &actor, errors, fields).await,
        Err(other) => Err(other),
    }
}

pub async fn delete_placement(State(state): State<AppState>, actor: Actor, Id(id): Id) -> AppResult<Response> {
    allowed(&actor, Action::Update)?;
    db::delete_placement(&state.db, &actor.audit(), id).await?;
    Ok(redirect_with_flash("/inventory/placements", "success", "flash-deleted"))
}

/// Lock a field of an asset against the agents, or unlock it, from the
/// asset's page (`field`, and `action` lock or unlock).
pub async fn lock_field(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(fields): Fields,
) -> AppResult<Response> {
    let asset =
        crate::assets::register::db::find(&state.db, &actor.scope(ObjectKind::Asset, Action::Update)?, id).await?;
    let page = format!("/assets/{id}");
    let lock = match pair_value(&fields, "action") {
        "lock" => true,
        "unlock" => false,
        _ => return Ok(redirect_with_flash(&page, "error", "field-invalid-choice")),
    };
    let subject = crate::audit::Subject::new(ObjectKind::Asset, asset.id, Some(asset.entity_id));
    match db::lock_one(&state.db, &actor.audit(), subject, pair_value(&fields, "field"), lock).await {
        Ok(_) => Ok(redirect_with_flash(&page, "success", if lock { "asset-lock-done" } else { "asset-unlock-done" })),
        Err(AppError::Validation(_)) => Ok(redirect_with_flash(&page, "error", "field-invalid-choice")),
        Err(other) => Err(other),
    }
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/inventory/agents", get(agents))
        .route("/inventory/refused", get(refused))
        .route("/inventory/refused/{id}/import", post(import_refused))
        .route("/inventory/rules", get(rules).post(add_rule))
        .route("/inventory/rules/{id}", post(set_rule))
        .route("/inventory/rules/{id}/delete", post(delete_rule))
        .route("/inventory/blacklist", get(blacklist).post(add_blacklisted))
        .route("/inventory/blacklist/{id}/delete", post(delete_blacklisted))
        .route("/inventory/placements", get(placements).post(add_placement))
        .route("/inventory/placements/{id}/delete", post(delete_placement))
        .route("/inventory/settings", get(settings).post(save_settings))
        .route("/inventory/settings/history", get(history))
        .route("/inventory/secret", post(rotate_secret))
        .route("/inventory/tokens", post(create_token))
        .route("/inventory/tokens/{id}/revoke", post(revoke_token))
        .route("/assets/{id}/locks", post(lock_field))
}
