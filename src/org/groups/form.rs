//! Raw group values -> [`GroupInput`].

use serde::Deserialize;

use super::domain::{Group, GroupCreate, GroupInput, GroupPatch};
use crate::web::form::{FieldErrors, Parser};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct GroupForm {
    pub entity_id: String,
    pub name: String,
    pub description: String,
    pub version: String,
}

impl GroupForm {
    pub fn parse(&self) -> Result<GroupInput, FieldErrors> {
        let mut p = Parser::default();
        let input = GroupInput {
            entity_id: p.required_id("entity_id", &self.entity_id),
            name: p.required("name", &self.name, 200),
            description: p.text("description", &self.description, 10_000),
        };
        p.finish(input)
    }

    pub fn version(&self) -> Result<i64, FieldErrors> {
        let mut p = Parser::default();
        let version = p.version(&self.version);
        p.finish(version)
    }

    pub fn patched(current: &Group, patch: &GroupPatch) -> Self {
        let mut form = Self::from(current);
        if let Some(v) = patch.entity_id {
            form.entity_id = v.to_string();
        }
        if let Some(v) = &patch.name {
            form.name = v.clone();
        }
        if let Some(v) = &patch.description {
            form.description = v.clone();
        }
        form
    }
}

impl From<&Group> for GroupForm {
    fn from(g: &Group) -> Self {
        Self {
            entity_id: g.entity_id.to_string(),
            name: g.name.clone(),
            description: g.description.clone(),
            version: g.version.to_string(),
        }
    }
}

impl From<&GroupCreate> for GroupForm {
    fn from(b: &GroupCreate) -> Self {
        Self {
            entity_id: b.entity_id.to_string(),
            name: b.name.clone(),
            description: b.description.clone().unwrap_or_default(),
            version: String::new(),
        }
    }
}
