//! Software categories: a tree shared by every entity, managed by park
//! managers. The catalogue's entries and the dictionary's rules refer to them.

pub mod api;
pub mod db;
pub mod domain;
mod form;
mod pages;

use axum::{Router, routing::get};
use sqlx::PgPool;
use utoipa::OpenApi;
use uuid::Uuid;

pub use db::{choices, exists, insert};
use domain::{CategoryInput, SoftwareCategory};
use form::CategoryForm;

use crate::{
    api::RouteTable,
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Scope},
    },
    error::AppResult,
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
        api::list_software_categories,
        api::find_software_category,
        api::create_software_category,
        api::update_software_category,
        api::delete_software_category,
        api::software_category_history,
    ),
    components(schemas(domain::SoftwareCategory, domain::CategoryCreate, domain::CategoryPatch))
)]
pub struct Doc;

impl Resource for SoftwareCategory {
    const KIND: ObjectKind = ObjectKind::SoftwareCategory;
    const KIND_KEY: &'static str = "kind-software-category";
    type List = db::CategoryList;

    fn title(&self) -> String {
        self.name.clone()
    }
    fn version(&self) -> i64 {
        self.version
    }
    async fn find(pool: &PgPool, _scope: &Scope, id: Uuid) -> AppResult<Self> {
        db::find(pool, id).await
    }
    async fn delete(pool: &PgPool, actor: &Actor, current: &Self, version: i64) -> AppResult<()> {
        db::delete(pool, &actor.audit(), current, version).await
    }
    fn filter(raw: Option<&str>) -> AppResult<db::CategoryFilter> {
        pages::filter_from(raw)
    }
    /// What else the delete changes, so the confirmation says it first.
    fn delete_notice(&self, ctx: &PageCtx) -> Option<String> {
        let counts = [self.software_count, self.rule_count, self.child_count];
        counts.iter().any(|n| *n > 0).then(|| {
            let [software, rules, children] = counts.map(|n| n.to_string());
            ctx.t_args(
                "software-category-delete-notice",
                &[("software", &software), ("rules", &rules), ("children", &children)],
            )
        })
    }
}

impl Editable for SoftwareCategory {
    type Form = CategoryForm;
    type Input = CategoryInput;
    const NEW_KEY: &'static str = "software-category-new";

    fn parse(form: &CategoryForm) -> Result<CategoryInput, FieldErrors> {
        form.parse()
    }
    fn version_field(form: &CategoryForm) -> &str {
        &form.version
    }
    async fn fields(state: &AppState, _ctx: &PageCtx, form: &CategoryForm) -> AppResult<Vec<FormField>> {
        pages::form_fields(state, form).await
    }
    /// The parent, when given, is a category (the tree's own check refuses cycles).
    async fn check(state: &AppState, _actor: &Actor, input: &CategoryInput, _action: Action) -> AppResult<()> {
        match input.parent_id {
            Some(parent) if !db::exists(&state.db, parent).await? => {
                Err(crate::error::AppError::field("parent_id", "field-invalid-choice"))
            }
            _ => Ok(()),
        }
    }
    async fn insert(state: &AppState, actor: &Actor, input: &CategoryInput) -> AppResult<Uuid> {
        db::insert(&state.db, &actor.audit(), input).await
    }
    async fn update(
        state: &AppState,
        actor: &Actor,
        current: &Self,
        version: i64,
        input: &CategoryInput,
    ) -> AppResult<()> {
        db::update(&state.db, &actor.audit(), current, version, input).await
    }
}

pub fn router() -> Router<AppState> {
    resource::pages::<SoftwareCategory>(get(pages::list), get(pages::show))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/software-categories", api::list_software_categories)
        .post("/api/v1/software-categories", api::create_software_category)
        .get("/api/v1/software-categories/{id}", api::find_software_category)
        .patch("/api/v1/software-categories/{id}", api::update_software_category)
        .delete("/api/v1/software-categories/{id}", api::delete_software_category)
        .get("/api/v1/software-categories/{id}/history", api::software_category_history)
}
