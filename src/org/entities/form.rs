//! Raw entity values (from the HTML form or the API) -> [`EntityInput`].

use serde::Deserialize;

use super::domain::{Entity, EntityCreate, EntityInput, EntityPatch, KINDS};
use crate::web::form::{FieldErrors, Parser};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct EntityForm {
    pub name: String,
    pub parent_id: String,
    pub kind: String,
    pub country: String,
    pub notes: String,
    pub version: String,
}

impl EntityForm {
    pub fn parse(&self) -> Result<EntityInput, FieldErrors> {
        let mut p = Parser::default();
        let input = EntityInput {
            name: p.required("name", &self.name, 200),
            parent_id: p.optional_id("parent_id", &self.parent_id),
            kind: p.choice("kind", &self.kind, &KINDS).to_owned(),
            country: p.text("country", &self.country, 100),
            notes: p.text("notes", &self.notes, 10_000),
        };
        p.finish(input)
    }

    pub fn version(&self) -> Result<i64, FieldErrors> {
        let mut p = Parser::default();
        let version = p.version(&self.version);
        p.finish(version)
    }
}

impl From<&Entity> for EntityForm {
    fn from(e: &Entity) -> Self {
        Self {
            name: e.name.clone(),
            parent_id: e.parent_id.map(|id| id.to_string()).unwrap_or_default(),
            kind: e.kind.clone(),
            country: e.country.clone(),
            notes: e.notes.clone(),
            version: e.version.to_string(),
        }
    }
}

impl From<EntityCreate> for EntityForm {
    fn from(body: EntityCreate) -> Self {
        Self {
            name: body.name,
            parent_id: body.parent_id.map(|id| id.to_string()).unwrap_or_default(),
            kind: body.kind.unwrap_or_else(|| "site".into()),
            country: body.country.unwrap_or_default(),
            notes: body.notes.unwrap_or_default(),
            version: String::new(),
        }
    }
}

impl EntityForm {
    /// The current values with a PATCH body's fields laid over them.
    pub fn patched(current: &Entity, patch: EntityPatch) -> Self {
        let mut form = Self::from(current);
        if let Some(name) = patch.name {
            form.name = name;
        }
        if let Some(parent) = patch.parent_id {
            form.parent_id = parent.map(|id| id.to_string()).unwrap_or_default();
        }
        if let Some(kind) = patch.kind {
            form.kind = kind;
        }
        if let Some(country) = patch.country {
            form.country = country;
        }
        if let Some(notes) = patch.notes {
            form.notes = notes;
        }
        form
    }
}
