//! Software licences: what the company bought, and the seats given to assets or people.
//!
//! The key is shown in clear only to those who may change the licence;
//! others see it masked, pages and API alike. It never reaches a CSV
//! export, a history row or a log line.

pub mod api;
mod db;
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

use domain::{AssetLicence, Licence, LicenceInput, SeatTarget};
use form::LicenceForm;

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

const KIND: ObjectKind = ObjectKind::Licence;

#[derive(OpenApi)]
#[openapi(
    paths(
        api::list_licences,
        api::create_licence,
        api::find_licence,
        api::update_licence,
        api::delete_licence,
        api::licence_history,
        api::list_seats,
        api::assign_seat,
        api::release_seat
    ),
    components(schemas(
        domain::Licence,
        domain::LicenceKind,
        domain::LicenceCreate,
        domain::LicencePatch,
        domain::Seat,
        domain::SeatRequest
    ))
)]
pub struct Doc;

/// The licences whose seats an asset holds (licence id, name, software name),
/// for the asset's page. The caller checks that the person may see the asset.
pub async fn seats_of_asset(pool: &PgPool, asset_id: Uuid) -> AppResult<Vec<AssetLicence>> {
    db::seats_of_asset(pool, asset_id).await
}

/// The licence as `actor` may see it: the key in clear only for those who
/// may change this licence.
fn for_viewer(mut licence: Licence, actor: &Actor) -> Licence {
    if actor.scope_or_empty(KIND, Action::Update).contains(licence.entity_id) {
        licence.licence_key.reveal();
    }
    licence
}

/// Give a seat of `licence` (found within the actor's update scope) to the
/// asset or person asked for: NotFound when the actor may not see them,
/// refused on the field when they lie outside the licence's entities.
async fn give_seat(state: &AppState, actor: &Actor, licence: &Licence, target: &SeatTarget) -> AppResult<Uuid> {
    let (kind, field) = match target {
        SeatTarget::AssetId(_) => (ObjectKind::Asset, "asset_id"),
        SeatTarget::AssetTag(_) => (ObjectKind::Asset, "asset_tag"),
        SeatTarget::User(_) => (ObjectKind::User, "user_id"),
    };
    let scope = actor.scope_or_empty(kind, Action::View);
    let (holder, covered) = db::seat_holder(&state.db, target, &scope, licence.entity_id).await?;
    if !covered {
        return Err(AppError::field(field, "licence-seat-outside-entity"));
    }
    db::assign_seat(&state.db, &actor.audit(), licence.id, target.holder(), holder).await
}

impl Resource for Licence {
    const KIND: ObjectKind = KIND;
    const KIND_KEY: &'static str = "kind-licence";
    type List = db::LicenceList;

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
    fn filter(raw: Option<&str>) -> AppResult<db::LicenceFilter> {
        pages::filter_from(raw)
    }
}

impl Editable for Licence {
    type Form = LicenceForm;
    type Input = LicenceInput;
    const NEW_KEY: &'static str = "licence-new";

    fn parse(form: &LicenceForm) -> Result<LicenceInput, FieldErrors> {
        form.parse()
    }
    fn version_field(form: &LicenceForm) -> &str {
        &form.version
    }
    async fn fields(state: &AppState, ctx: &PageCtx, form: &LicenceForm) -> AppResult<Vec<FormField>> {
        pages::form_fields(state, ctx, form).await
    }
    /// The entity within the person's scope; the software in the catalogue.
    async fn check(state: &AppState, actor: &Actor, input: &LicenceInput, action: Action) -> AppResult<()> {
        let mut errors = FieldErrors::default();
        if !actor.scope_or_empty(KIND, action).contains(input.entity_id) {
            errors.add("entity_id", "field-invalid-choice");
        }
        if !db::software_exists(&state.db, input.software_id).await? {
            errors.add("software_id", "field-invalid-choice");
        }
        errors.finish(()).map_err(AppError::Validation)
    }
    async fn insert(state: &AppState, actor: &Actor, input: &LicenceInput) -> AppResult<Uuid> {
        db::insert(&state.db, &actor.audit(), input).await
    }
    async fn update(
        state: &AppState,
        actor: &Actor,
        current: &Self,
        version: i64,
        input: &LicenceInput,
    ) -> AppResult<()> {
        db::update(&state.db, &actor.audit(), current, version, input).await
    }
}

/// The generic pages of an editable type, but for the new form (which takes
/// the software from `?software_id=`), the licence page and its seats.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/licences", get(pages::list).post(resource::create::<Licence>))
        .route("/licences/new", get(pages::new_form))
        .route("/licences/export.csv", get(resource::export::<Licence>))
        .route("/licences/{id}", get(pages::show))
        .route("/licences/{id}/edit", get(resource::edit_form::<Licence>).post(resource::update::<Licence>))
        .route("/licences/{id}/delete", get(resource::delete_form::<Licence>).post(resource::delete::<Licence>))
        .route("/licences/{id}/history", get(resource::history::<Licence>))
        .route("/licences/{id}/seats", post(pages::assign))
        .route("/licences/{id}/seats/{seat_id}/release", get(pages::release_form).post(pages::release))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/licences", api::list_licences)
        .post("/api/v1/licences", api::create_licence)
        .get("/api/v1/licences/{id}", api::find_licence)
        .patch("/api/v1/licences/{id}", api::update_licence)
        .delete("/api/v1/licences/{id}", api::delete_licence)
        .get("/api/v1/licences/{id}/history", api::licence_history)
        .get("/api/v1/licences/{id}/seats", api::list_seats)
        .post("/api/v1/licences/{id}/seats", api::assign_seat)
        .delete("/api/v1/licences/{id}/seats/{seat_id}", api::release_seat)
}
