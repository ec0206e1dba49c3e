//! Standard workstation configurations: the software every asset of a model
//! or category must carry, and the assets that deviate.

pub mod api;
pub(crate) mod db;
pub mod domain;
mod form;
mod pages;

use axum::{
    Router,
    routing::{get, post},
};
use sqlx::PgPool;
use utoipa::OpenApi;
use uuid::Uuid;

use domain::{ConfigurationInput, StandardConfiguration};
use form::ConfigurationForm;

use crate::{
    api::RouteTable,
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Scope},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        PageCtx,
        form::FieldErrors,
        resource::{self, Editable, Resource},
        table::FormField,
    },
};

#[derive(OpenApi)]
#[openapi(
    paths(
        api::list_configurations,
        api::create_configuration,
        api::find_configuration,
        api::update_configuration,
        api::delete_configuration,
        api::configuration_history,
        api::required_software,
        api::replace_software,
        api::deviations,
        api::deviations_csv
    ),
    components(schemas(
        domain::StandardConfiguration,
        domain::ConfigurationCreate,
        domain::ConfigurationPatch,
        domain::RequiredSoftware,
        domain::SoftwareList,
        domain::SoftwareListBody,
        domain::Deviation,
        domain::DeviationPage
    ))
)]
pub struct Doc;

impl Resource for StandardConfiguration {
    const KIND: ObjectKind = ObjectKind::StandardConfiguration;
    const KIND_KEY: &'static str = "kind-standard-configuration";
    type List = db::ConfigurationList;

    fn title(&self) -> String {
        self.name.clone()
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
    fn filter(raw: Option<&str>) -> AppResult<db::ConfigurationFilter> {
        pages::filter_from(raw)
    }
}

impl Editable for StandardConfiguration {
    type Form = ConfigurationForm;
    type Input = ConfigurationInput;
    const NEW_KEY: &'static str = "standard-configuration-new";

    fn parse(form: &ConfigurationForm) -> Result<ConfigurationInput, FieldErrors> {
        form.parse()
    }
    fn version_field(form: &ConfigurationForm) -> &str {
        &form.version
    }
    async fn fields(state: &AppState, ctx: &PageCtx, form: &ConfigurationForm) -> AppResult<Vec<FormField>> {
        pages::form_fields(state, ctx, form).await
    }
    /// The entity within the person's scope; the category and model in the
    /// catalogue, the model of the category when both are given.
    async fn check(state: &AppState, actor: &Actor, input: &ConfigurationInput, action: Action) -> AppResult<()> {
        let mut errors = FieldErrors::default();
        if !actor.scope_or_empty(Self::KIND, action).contains(input.entity_id) {
            errors.add("entity_id", "field-invalid-choice");
        }
        let (category_exists, model_category) =
            db::catalogue_facts(&state.db, input.category_id, input.model_id).await?;
        if input.category_id.is_some() && !category_exists {
            errors.add("category_id", "field-invalid-choice");
        }
        match (input.model_id, model_category) {
            (Some(_), None) => errors.add("model_id", "field-invalid-choice"),
            (Some(_), Some(of_model)) if input.category_id.is_some_and(|c| c != of_model) => {
                errors.add("model_id", "standard-configuration-model-elsewhere")
            }
            _ => {}
        }
        errors.finish(()).map_err(AppError::Validation)
    }
    async fn insert(state: &AppState, actor: &Actor, input: &ConfigurationInput) -> AppResult<Uuid> {
        db::insert(&state.db, &actor.audit(), input).await
    }
    async fn update(
        state: &AppState,
        actor: &Actor,
        current: &Self,
        version: i64,
        input: &ConfigurationInput,
    ) -> AppResult<()> {
        db::update(&state.db, &actor.audit(), current, version, input).await
    }
}

pub fn router() -> Router<AppState> {
    resource::pages::<StandardConfiguration>(get(pages::list), get(pages::show))
        .route("/standard-configurations/{id}/software", post(pages::add_software))
        .route("/standard-configurations/{id}/software/remove", post(pages::remove_software))
        .route("/standard-configurations/{id}/deviations.csv", get(pages::deviations_csv))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/standard-configurations", api::list_configurations)
        .post("/api/v1/standard-configurations", api::create_configuration)
        .get("/api/v1/standard-configurations/{id}", api::find_configuration)
        .patch("/api/v1/standard-configurations/{id}", api::update_configuration)
        .delete("/api/v1/standard-configurations/{id}", api::delete_configuration)
        .get("/api/v1/standard-configurations/{id}/history", api::configuration_history)
        .get("/api/v1/standard-configurations/{id}/software", api::required_software)
        .put("/api/v1/standard-configurations/{id}/software", api::replace_software)
        .get("/api/v1/standard-configurations/{id}/deviations", api::deviations)
        .get("/api/v1/standard-configurations/{id}/deviations.csv", api::deviations_csv)
}
