//! Rows of a model file: category and manufacturer by name, matched on
//! (manufacturer, name).

use std::collections::HashMap;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{Outcome, Row, RowResult, Target, iso_date, renamed, row_refusal};
use crate::{
    assets::models::{db, domain::ModelInput, form::ModelForm},
    audit::AuditActor,
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::AppResult,
    web::form::FieldErrors,
};

const RENAMES: [(&str, &str); 2] = [("category_id", "category"), ("manufacturer_id", "manufacturer")];

pub fn targets() -> Vec<Target> {
    vec![
        Target::new("name", "field-name", true),
        Target::new("category", "kind-asset-category", true),
        Target::new("manufacturer", "kind-manufacturer", false),
        Target::new("part_number", "field-part-number", false),
        Target::new("end_of_life", "field-end-of-life", false),
        Target::new("notes", "field-notes", false),
    ]
}

pub struct ModelRows {
    may_create: bool,
    may_update: bool,
    categories: HashMap<String, Uuid>,
    manufacturers: HashMap<String, Uuid>,
}

fn key(text: &str) -> String {
    text.trim().to_lowercase()
}

impl ModelRows {
    pub async fn load(pool: &PgPool, actor: &Actor) -> AppResult<Self> {
        let pairs = |rows: Vec<(Uuid, String)>| rows.into_iter().map(|(id, name)| (key(&name), id)).collect();
        Ok(Self {
            may_create: actor.can(ObjectKind::AssetModel, Action::Create),
            may_update: actor.can(ObjectKind::AssetModel, Action::Update),
            categories: pairs(sqlx::query_as("select id, name from asset_categories").fetch_all(pool).await?),
            manufacturers: pairs(sqlx::query_as("select id, name from manufacturers").fetch_all(pool).await?),
        })
    }
}

impl super::Rows for ModelRows {
    async fn row(&mut self, conn: &mut PgConnection, pool: &PgPool, audit: &AuditActor, row: &Row) -> RowResult {
        let mut errors = FieldErrors::default();
        let manufacturer = match row.given("manufacturer") {
            Some(name) => match self.manufacturers.get(&key(name)) {
                Some(id) => Some(*id),
                None => {
                    errors.add("manufacturer", "import-unknown-value");
                    None
                }
            },
            None => None,
        };
        let existing = sqlx::query_scalar!(
            "select id from asset_models where lower(name) = lower($1) and manufacturer_id is not distinct from $2",
            row.get("name"),
            manufacturer
        )
        .fetch_optional(&mut *conn)
        .await?;
        let current = match existing {
            Some(id) => Some(db::find_in(conn, id).await?),
            None => None,
        };
        let mut form = current.as_ref().map(ModelForm::from).unwrap_or_default();
        if let Some(id) = manufacturer {
            form.manufacturer_id = id.to_string();
        }
        if let Some(category) = row.given("category") {
            match self.categories.get(&key(category)) {
                Some(id) => form.category_id = id.to_string(),
                None => errors.add("category", "import-unknown-value"),
            }
        }
        for (target, field) in
            [("name", &mut form.name), ("part_number", &mut form.part_number), ("notes", &mut form.notes)]
        {
            if let Some(value) = row.given(target) {
                *field = value.to_owned();
            }
        }
        if let Some(date) = row.given("end_of_life") {
            form.end_of_life = iso_date(date);
        }
        let input = match form.parse() {
            Ok(input) if errors.is_empty() => input,
            Ok(_) => return Ok(Err(errors)),
            Err(more) => {
                for (field, key) in renamed(more, &RENAMES).iter() {
                    errors.add(field, key);
                }
                return Ok(Err(errors));
            }
        };
        let outcome = match current {
            None if !self.may_create => return Ok(Err(FieldErrors::single("row", "import-not-allowed"))),
            None => db::insert_in(conn, audit, &input).await.map(|_| Outcome::Created),
            Some(_) if !self.may_update => return Ok(Err(FieldErrors::single("row", "import-not-allowed"))),
            Some(model) if ModelInput::from(&model) == input => Ok(Outcome::Unchanged),
            Some(model) => {
                db::update_in(conn, pool, audit, &model, model.version, &input).await.map(|()| Outcome::Updated)
            }
        };
        match outcome {
            Ok(done) => Ok(Ok(done)),
            Err(error) => row_refusal(error).map(|r| r.map_err(|e| renamed(e, &RENAMES))),
        }
    }
}
