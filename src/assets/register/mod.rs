//! The asset register: every piece of equipment, its tag, serial, model,
//! status, place, holder and purchase facts.

pub mod api;
pub mod bulk;
pub mod db;
pub mod domain;
pub mod form;
pub mod handlers;
pub mod hardware;
pub mod labels;
pub mod lifecycle;
pub mod links;
mod pages;
pub mod reminders;

use axum::{
    Router,
    routing::{get, post},
};
use sqlx::PgPool;
use uuid::Uuid;

use domain::{Asset, AssetInput};
use form::AssetForm;

use crate::{
    api::RouteTable,
    assets::categories::{self, fields::FieldType},
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Scope},
    },
    error::{AppError, AppResult},
    org::{entity_choices, groups, locations, users},
    state::AppState,
    web::{
        PageCtx,
        form::FieldErrors,
        resource::{self, Editable, Resource},
        table::{FieldKind, FormField},
    },
};

impl Resource for Asset {
    const KIND: ObjectKind = ObjectKind::Asset;
    const KIND_KEY: &'static str = "kind-asset";
    type List = db::AssetList;

    fn title(&self) -> String {
        self.tag.clone()
    }
    fn version(&self) -> i64 {
        self.version
    }
    async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Self> {
        db::find(pool, scope, id).await
    }
    async fn delete(pool: &PgPool, actor: &Actor, current: &Self, version: i64) -> AppResult<()> {
        db::delete(pool, &actor.audit(), current, version).await
    }
    fn filter(raw: Option<&str>) -> AppResult<db::AssetFilter> {
        pages::filter_from(raw)
    }
}

/// The entity must be in the actor's scope for `action`; the place, person and
/// group must be ones they can see.
pub(crate) async fn check_input(state: &AppState, actor: &Actor, input: &AssetInput, action: Action) -> AppResult<()> {
    if !actor.scope(ObjectKind::Asset, action)?.contains(input.entity_id) {
        return Err(AppError::field("entity_id", "field-invalid-choice"));
    }
    let locations = actor.scope_or_empty(ObjectKind::Location, Action::View);
    let people = actor.scope_or_empty(ObjectKind::User, Action::View);
    match db::references_visible(&state.db, input, &locations, &people).await? {
        Some(field) => Err(AppError::field(field, "field-invalid-choice")),
        None => Ok(()),
    }
}

/// The inputs of the custom fields of the form's model's category; before a
/// model is chosen, those of every category, each labelled with its category.
async fn custom_inputs(state: &AppState, ctx: &PageCtx, form: &AssetForm) -> AppResult<Vec<FormField>> {
    let groups = match Uuid::parse_str(form.model_id.trim()) {
        Ok(model) => vec![(None, categories::fields_of_model(&mut *state.db.acquire().await?, model).await?)],
        Err(_) => categories::all_fields(&state.db).await?.into_iter().map(|(name, f)| (Some(name), f)).collect(),
    };
    let mut inputs: Vec<FormField> = Vec::new();
    for (category, definitions) in groups {
        for definition in definitions {
            let name = definition.input_name();
            if inputs.iter().any(|input| input.name == name) {
                continue;
            }
            let label = match &category {
                Some(category) => format!("{} ({category})", definition.label),
                None => definition.label.clone(),
            };
            let kind = match definition.kind {
                FieldType::Text | FieldType::Number => FieldKind::Input("text"),
                FieldType::Date => FieldKind::Input("date"),
                FieldType::Boolean => {
                    FieldKind::Select(vec![("true".into(), ctx.t("yes")), ("false".into(), ctx.t("no"))])
                }
                FieldType::List => {
                    FieldKind::Select(definition.options.iter().map(|o| (o.clone(), o.clone())).collect())
                }
            };
            let value = form.custom_value(&definition.key);
            inputs.push(FormField::dynamic(name, label, kind, value, definition.required && category.is_none()));
        }
    }
    Ok(inputs)
}

impl Editable for Asset {
    type Form = AssetForm;
    type Input = AssetInput;
    const NEW_KEY: &'static str = "asset-new";

    /// A form without a version is a creation: an empty tag is then allocated.
    fn parse(form: &AssetForm) -> Result<AssetInput, FieldErrors> {
        form.parse(form.version.trim().is_empty())
    }
    fn version_field(form: &AssetForm) -> &str {
        &form.version
    }
    async fn fields(state: &AppState, ctx: &PageCtx, form: &AssetForm) -> AppResult<Vec<FormField>> {
        let Some(actor) = &ctx.user else { return Err(AppError::Unauthenticated) };
        let creating = form.version.trim().is_empty();
        let action = if creating { Action::Create } else { Action::Update };
        let people = actor.scope_or_empty(ObjectKind::User, Action::View);
        let mut fields = vec![
            FormField::text("tag", "field-tag", &form.tag, !creating),
            FormField::text("name", "field-name", &form.name, false),
            FormField::text("serial", "field-serial", &form.serial, false),
            FormField::select(
                "model_id",
                "kind-asset-model",
                db::model_choices(&state.db).await?,
                &form.model_id,
                true,
            ),
            FormField::select("status_id", "field-status", db::status_choices(&state.db).await?, &form.status_id, true),
            FormField::select(
                "entity_id",
                "field-entity",
                entity_choices(&state.db, &actor.scope_or_empty(ObjectKind::Asset, action)).await?,
                &form.entity_id,
                true,
            ),
            FormField::select(
                "location_id",
                "field-location",
                locations::choices(&state.db, &actor.scope_or_empty(ObjectKind::Location, Action::View)).await?,
                &form.location_id,
                false,
            ),
            FormField::select(
                "assigned_user_id",
                "field-assigned-to",
                users::db::choices(&state.db, &people).await?,
                &form.assigned_user_id,
                false,
            ),
            FormField::select(
                "assigned_group_id",
                "field-assigned-group",
                groups::choices(&state.db, &people).await?,
                &form.assigned_group_id,
                false,
            ),
            FormField::text("supplier", "field-supplier", &form.supplier, false),
            FormField::text("order_number", "field-order-number", &form.order_number, false),
            FormField::text("invoice_number", "field-invoice-number", &form.invoice_number, false),
            FormField::input("purchase_date", "field-purchase-date", "date", &form.purchase_date),
            FormField::text("price", "field-price", &form.price, false),
            FormField::text(
                "currency",
                "field-currency",
                if form.currency.is_empty() { "EUR" } else { &form.currency },
                false,
            ),
            FormField::input("warranty_end", "field-warranty-end", "date", &form.warranty_end),
            FormField::area("notes", "field-notes", &form.notes),
        ];
        if creating {
            fields[0].label_key = "field-tag-or-automatic".into();
        }
        fields.extend(custom_inputs(state, ctx, form).await?);
        Ok(fields)
    }
    async fn check(state: &AppState, actor: &Actor, input: &AssetInput, action: Action) -> AppResult<()> {
        check_input(state, actor, input, action).await
    }
    async fn insert(state: &AppState, actor: &Actor, input: &AssetInput) -> AppResult<Uuid> {
        db::insert(&state.db, &actor.audit(), input).await
    }
    async fn update(
        state: &AppState,
        actor: &Actor,
        current: &Self,
        version: i64,
        input: &AssetInput,
    ) -> AppResult<()> {
        db::update(&state.db, &actor.audit(), current, version, input).await
    }
}

pub fn router() -> Router<AppState> {
    resource::pages::<Asset>(get(pages::list), get(pages::show))
        .route("/assets/bulk", post(bulk::bulk_page))
        .route("/my-equipment", get(pages::mine))
        .route("/assets/labels", get(labels::sheet))
        .route("/assets/{id}/label", get(labels::one))
        .route("/assets/{id}/checkout", get(pages::checkout_form).post(handlers::checkout_page))
        .route("/assets/{id}/checkin", post(handlers::checkin_page))
        .route("/assets/{id}/status", post(handlers::status_page))
        .route("/assets/{id}/hardware", get(hardware::edit_page).post(hardware::save_page))
        .route("/assets/{id}/users", get(pages::add_user_form).post(links::add_user_page))
        .route("/assets/{id}/users/{user_id}/remove", post(links::remove_user_page))
        .route("/assets/{id}/relations", post(links::add_relation_page))
        .route("/assets/{id}/relations/{relation_id}/remove", post(links::remove_relation_page))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/assets", api::list_assets)
        .post("/api/v1/assets", api::create_asset)
        .post("/api/v1/assets/bulk", bulk::bulk_assets)
        .post("/api/v1/assets/by-tag", crate::imports::api::upsert_assets_by_tag)
        .get("/api/v1/assets/by-tag/{tag}", api::find_asset_by_tag)
        .get("/api/v1/assets/by-serial/{serial}", api::find_assets_by_serial)
        .get("/api/v1/assets/{id}", api::find_asset)
        .patch("/api/v1/assets/{id}", api::update_asset)
        .delete("/api/v1/assets/{id}", api::delete_asset)
        .get("/api/v1/assets/{id}/history", api::asset_history)
        .get("/api/v1/me/assets", api::my_assets)
        .post("/api/v1/assets/{id}/checkout", handlers::checkout_asset)
        .post("/api/v1/assets/{id}/checkin", handlers::checkin_asset)
        .post("/api/v1/assets/{id}/status", handlers::change_asset_status)
        .get("/api/v1/assets/{id}/hardware", hardware::get_hardware)
        .put("/api/v1/assets/{id}/hardware", hardware::put_hardware)
        .get("/api/v1/assets/{id}/users", links::list_users)
        .post("/api/v1/assets/{id}/users", links::post_user)
        .delete("/api/v1/assets/{id}/users/{user_id}", links::delete_user)
        .get("/api/v1/assets/{id}/relations", links::list_relations)
        .post("/api/v1/assets/{id}/relations", links::post_relation)
        .delete("/api/v1/assets/{id}/relations/{relation_id}", links::delete_relation)
}
