//! HTML pages of assets: the list and the asset page.

use askama::Template;
use axum::{
    extract::{RawQuery, State},
    response::Response,
};
use serde::Deserialize;

use super::{
    db::{self, AssetFilter, AssetList},
    domain::Asset,
    hardware::{self, Hardware},
    lifecycle::{self, Checkout},
    links::{self, AssetUser, Relation, RelationKind},
};
use crate::{
    assets::{
        categories::{self, fields::value_text},
        statuses::domain::StatusKind,
    },
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    org::{entity_choices, locations, users},
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_id, parse_query},
        form::FieldErrors,
        list::{ListParams, fetch_page},
        render,
        table::{BulkPanel, Cell, Column, Fact, FilterSelect, FormField, FormTemplate, ListTemplate, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::Asset;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    status_id: Option<String>,
    status_kind: Option<String>,
    category_id: Option<String>,
    model_id: Option<String>,
    entity_id: Option<String>,
    location_id: Option<String>,
    assigned_user_id: Option<String>,
}

pub(crate) fn filter_from(raw: Option<&str>) -> AppResult<AssetFilter> {
    let p: FilterParams = parse_query(raw)?;
    let status_kind = match p.status_kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(StatusKind::parse(k).ok_or_else(|| AppError::BadRequest("unknown status kind".into()))?),
    };
    Ok(AssetFilter {
        status_id: filter_id(&p.status_id, "status_id")?,
        status_kind,
        category_id: filter_id(&p.category_id, "category_id")?,
        model_id: filter_id(&p.model_id, "model_id")?,
        entity_id: filter_id(&p.entity_id, "entity_id")?,
        location_id: filter_id(&p.location_id, "location_id")?,
        assigned_user_id: filter_id(&p.assigned_user_id, "assigned_user_id")?,
    })
}

fn id_text(id: Option<uuid::Uuid>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
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
    let page = fetch_page::<AssetList>(&state.db, &scope, &filter, &query).await?;
    let kinds = StatusKind::ALL.iter().map(|k| (k.as_str().to_owned(), ctx.t(&k.label_key()))).collect();
    let filters = vec![
        FilterSelect {
            name: "status_kind",
            label_key: "status-kind",
            options: kinds,
            selected: filter.status_kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
        },
        FilterSelect {
            name: "status_id",
            label_key: "field-status",
            options: db::status_choices(&state.db).await?,
            selected: id_text(filter.status_id),
        },
        FilterSelect {
            name: "category_id",
            label_key: "kind-asset-category",
            options: categories::choices(&state.db).await?,
            selected: id_text(filter.category_id),
        },
        FilterSelect {
            name: "entity_id",
            label_key: "field-entity",
            options: entity_choices(&state.db, &scope).await?,
            selected: id_text(filter.entity_id),
        },
    ];
    let mut view = ListTemplate::new(ctx, "nav-assets", "/assets", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-tag", "tag"),
        Column::sortable("field-name", "name"),
        Column::sortable("kind-asset-model", "model"),
        Column::sortable("field-status", "status"),
        Column::sortable("field-location", "location"),
        Column::sortable("field-assigned-to", "assignee"),
        Column::sortable("field-serial", "serial"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|a| {
            vec![
                Cell::link(a.tag.clone(), format!("/assets/{}", a.id)),
                Cell::text(a.name.clone()),
                Cell::text(a.model_name.clone()),
                Cell::badge(a.status_name.clone(), a.status_kind.badge()),
                Cell::object(a.location_name.clone(), "locations", a.location_id),
                Cell::object(a.assigned_user_name.clone(), "users", a.assigned_user_id),
                Cell::text(a.serial.clone().unwrap_or_default()),
            ]
        })
        .collect();
    if actor.can(KIND, Action::Update) {
        view.row_ids = page.items.iter().map(|a| a.id.to_string()).collect();
        view.bulk = Some(bulk_panel(&state, &view.ctx, &actor).await?);
    }
    view.new_href = actor.can(KIND, Action::Create).then(|| "/assets/new".to_owned());
    view.links.push((view.with_filters("/assets/labels"), "labels-action"));
    view.render()
}

/// The bulk form under the list: one action, and the values it needs.
async fn bulk_panel(state: &AppState, ctx: &PageCtx, actor: &Actor) -> AppResult<BulkPanel> {
    let actions = ["status", "location", "assignee", "entity"]
        .into_iter()
        .map(|a| (a.to_owned(), ctx.t(&format!("bulk-action-{a}"))))
        .collect();
    let people = actor.scope_or_empty(ObjectKind::User, Action::View);
    let places = actor.scope_or_empty(ObjectKind::Location, Action::View);
    Ok(BulkPanel {
        action: "/assets/bulk".into(),
        title_key: "bulk-title",
        apply_key: "bulk-apply",
        fields_href: None,
        fields: vec![
            FormField::select("action", "bulk-action", actions, "", true),
            FormField::select("status_id", "field-status", db::status_choices(&state.db).await?, "", false),
            FormField::text("reason", "status-reason", "", false),
            FormField::select(
                "location_id",
                "field-location",
                locations::choices(&state.db, &places).await?,
                "",
                false,
            ),
            FormField::select(
                "assigned_user_id",
                "field-assigned-to",
                users::db::choices(&state.db, &people).await?,
                "",
                false,
            ),
            FormField::select(
                "entity_id",
                "field-entity",
                entity_choices(&state.db, &actor.scope_or_empty(KIND, Action::Update)).await?,
                "",
                false,
            ),
        ],
    })
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    if !actor.can(KIND, Action::View)
        && let Some(to_the_portal) = crate::helpdesk::portal::scanned(&state, &actor, id).await?
    {
        return Ok(to_the_portal);
    }
    let asset = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let price = asset.price.map(|p| format!("{p} {}", asset.currency)).unwrap_or_default();
    let facts = vec![
        Fact::text("field-tag", asset.tag.clone()),
        Fact::text("field-name", asset.name.clone()),
        Fact::text("field-serial", asset.serial.clone().unwrap_or_default()),
        Fact::new(
            "kind-asset-model",
            Cell::link(asset.model_name.clone(), format!("/asset-models/{}", asset.model_id)),
        ),
        Fact::new(
            "kind-asset-category",
            Cell::link(asset.category_name.clone(), format!("/asset-categories/{}", asset.category_id)),
        ),
        Fact::text("kind-manufacturer", asset.manufacturer_name.clone().unwrap_or_default()),
        Fact::new("field-status", Cell::badge(asset.status_name.clone(), asset.status_kind.badge())),
        Fact::new("field-entity", Cell::link(asset.entity_name.clone(), format!("/entities/{}", asset.entity_id))),
        Fact::new("field-location", Cell::object(asset.location_name.clone(), "locations", asset.location_id)),
        Fact::new("field-assigned-to", Cell::object(asset.assigned_user_name.clone(), "users", asset.assigned_user_id)),
        Fact::new(
            "field-assigned-group",
            Cell::object(asset.assigned_group_name.clone(), "groups", asset.assigned_group_id),
        ),
        Fact::text("field-supplier", asset.supplier.clone()),
        Fact::text("field-order-number", asset.order_number.clone()),
        Fact::text("field-invoice-number", asset.invoice_number.clone()),
        Fact::text("field-purchase-date", date(asset.purchase_date)),
        Fact::text("field-price", price),
        Fact::text("field-warranty-end", date(asset.warranty_end)),
        Fact::text("field-notes", asset.notes.clone()),
        Fact::text("field-updated", ctx.time(&asset.updated_at)),
    ];
    let can_edit = actor.scope_or_empty(KIND, Action::Update).contains(asset.entity_id);
    let visible = actor.scope(KIND, Action::View)?;
    let pool = &state.db;
    // The page's parts read side by side, each on a pooled connection. The
    // long choice lists (people, places) are on the check-out and
    // add-a-user pages: loading them here made the page three times slower.
    let (custom, timeline, hardware, used_by, relations, software, inventory, seats, (return_statuses, statuses)) = tokio::try_join!(
        custom_facts(&state, &ctx, &asset),
        lifecycle::timeline(pool, id),
        async { if asset.has_hardware { hardware::load(pool, id).await.map(Some) } else { Ok(None) } },
        links::users_of(pool, id),
        links::relations_of(pool, id, visible.ids()),
        async {
            if actor.can(ObjectKind::Software, Action::View) {
                crate::inventory::db::installations(pool, id).await.map(Some)
            } else {
                Ok(None)
            }
        },
        crate::inventory::db::inventory_view(pool, id),
        async {
            if actor.can(ObjectKind::Licence, Action::View) {
                crate::software::licences::seats_of_asset(pool, id).await
            } else {
                Ok(Vec::new())
            }
        },
        async { if can_edit { db::return_and_all_status_choices(pool).await } else { Ok(Default::default()) } },
    )?;
    // The fields locked against the agents, and those that may be.
    let (locks, unlocked): (Vec<_>, Vec<_>) = crate::inventory::db::LOCKABLE
        .iter()
        .map(|field| ((*field).to_owned(), ctx.t(crate::inventory::db::lockable_label_key(field))))
        .partition(|(field, _)| inventory.as_ref().is_some_and(|found| found.locked_fields.contains(field)));
    render(&AssetPage {
        custom,
        hardware,
        used_by,
        relations,
        software,
        inventory,
        locks,
        unlocked,
        seats,
        relation_kinds: RelationKind::ALL.iter().map(|k| (k.as_str().to_owned(), ctx.t(&k.label_key(true)))).collect(),
        open: timeline.iter().find(|c| c.checked_in_at.is_none()).cloned(),
        deployable: asset.status_kind == StatusKind::Deployable,
        can_delete: actor.scope_or_empty(KIND, Action::Delete).contains(asset.entity_id),
        tabs: Tabs { base: format!("/assets/{id}"), current: "main" },
        errors: FieldErrors::default(),
        ctx,
        asset,
        facts,
        timeline,
        can_edit,
        return_statuses,
        statuses,
    })
}

/// A form of its own for one lifecycle step, with the choices it needs.
async fn step_form(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    id: uuid::Uuid,
    step: (&'static str, &str),
    fields: Vec<FormField>,
) -> AppResult<Response> {
    let asset = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    let template = FormTemplate {
        title: format!("{} · {}", asset.tag, ctx.t(step.0)),
        action: format!("/assets/{id}/{}", step.1),
        cancel: format!("/assets/{id}"),
        version: asset.version.to_string(),
        fields,
        errors: FieldErrors::default(),
        ctx,
    };
    template.render()
}

/// The check-out form: to a person or a place, with an expected return.
pub async fn checkout_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
) -> AppResult<Response> {
    let people = users::db::choices(&state.db, &actor.scope_or_empty(ObjectKind::User, Action::View)).await?;
    let places = locations::choices(&state.db, &actor.scope_or_empty(ObjectKind::Location, Action::View)).await?;
    let fields = vec![
        FormField::select("user_id", "checkout-to-person", people, "", false),
        FormField::select("location_id", "checkout-to-place", places, "", false),
        FormField::input("expected_return", "expected-return", "date", ""),
        FormField::area("note", "field-notes", ""),
    ];
    step_form(&state, ctx, &actor, id, ("check-out", "checkout"), fields).await
}

/// The form adding a person to the users of a shared asset.
pub async fn add_user_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
) -> AppResult<Response> {
    let people = users::db::choices(&state.db, &actor.scope_or_empty(ObjectKind::User, Action::View)).await?;
    let fields = vec![FormField::select("user_id", "used-by-add", people, "", true)];
    step_form(&state, ctx, &actor, id, ("used-by", "users"), fields).await
}

/// The asset's custom values, labelled and in the order of its category's definitions.
async fn custom_facts(state: &AppState, ctx: &PageCtx, asset: &Asset) -> AppResult<Vec<Fact>> {
    let definitions = categories::fields_of_model(&mut *state.db.acquire().await?, asset.model_id).await?;
    Ok(definitions
        .into_iter()
        .filter_map(|definition| {
            let text = match asset.custom_values.get(&definition.key)? {
                serde_json::Value::Bool(flag) => ctx.t(if *flag { "yes" } else { "no" }),
                other => value_text(other),
            };
            Some(Fact::labelled(definition.label, text))
        })
        .collect())
}

#[derive(Template)]
#[template(path = "assets/detail.html")]
struct AssetPage {
    ctx: PageCtx,
    asset: Asset,
    tabs: Tabs,
    facts: Vec<Fact>,
    /// The values of the category's custom fields.
    custom: Vec<Fact>,
    hardware: Option<Hardware>,
    used_by: Vec<AssetUser>,
    relations: Vec<Relation>,
    relation_kinds: Vec<(String, String)>,
    /// Installed software, for those who may read the catalogue.
    software: Option<Vec<crate::inventory::api::Installation>>,
    /// What the agents last said, when an agent inventoried it.
    inventory: Option<crate::inventory::db::InventoryView>,
    /// (field, label) of the fields the agents leave alone.
    locks: Vec<(String, String)>,
    /// (field, label) of the fields a person may lock.
    unlocked: Vec<(String, String)>,
    /// Licence seats the asset holds, for those who may read licences.
    seats: Vec<crate::software::licences::domain::AssetLicence>,
    open: Option<Checkout>,
    timeline: Vec<Checkout>,
    deployable: bool,
    can_edit: bool,
    can_delete: bool,
    return_statuses: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "assets/mine.html")]
struct MinePage {
    ctx: PageCtx,
    assets: Vec<Asset>,
    can_open: bool,
}

/// "My equipment": what the person holds, for every role.
pub async fn mine(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    let assets = db::held_by(&state.db, actor.id).await?;
    render(&MinePage { ctx, assets, can_open: actor.can(KIND, Action::View) })
}
