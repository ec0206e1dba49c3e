//! Raw standard configuration values (HTML form or API) -> [`ConfigurationInput`].

use serde::Deserialize;

use super::domain::{ConfigurationCreate, ConfigurationInput, ConfigurationPatch, StandardConfiguration};
use crate::web::form::{FieldErrors, Parser, id_text};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfigurationForm {
    pub name: String,
    pub entity_id: String,
    pub category_id: String,
    pub model_id: String,
    pub notes: String,
    pub version: String,
}

impl ConfigurationForm {
    /// A configuration covers a model or a whole category: one of them is
    /// needed. Whether the model belongs to the category is checked against
    /// the catalogue (`check`).
    pub fn parse(&self) -> Result<ConfigurationInput, FieldErrors> {
        let mut p = Parser::default();
        let input = ConfigurationInput {
            name: p.required("name", &self.name, 200),
            entity_id: p.required_id("entity_id", &self.entity_id),
            category_id: p.optional_id("category_id", &self.category_id),
            model_id: p.optional_id("model_id", &self.model_id),
            notes: p.text("notes", &self.notes, 10_000),
        };
        let chosen = |value: &str| !value.trim().is_empty();
        if !chosen(&self.category_id) && !chosen(&self.model_id) {
            p.errors.add("category_id", "standard-configuration-target-required");
        }
        p.finish(input)
    }

    pub fn patched(current: &StandardConfiguration, patch: ConfigurationPatch) -> Self {
        let mut form = Self::from(current);
        if let Some(v) = patch.entity_id {
            form.entity_id = v.to_string();
        }
        if let Some(v) = patch.name {
            form.name = v;
        }
        if let Some(v) = patch.category_id {
            form.category_id = id_text(v);
        }
        if let Some(v) = patch.model_id {
            form.model_id = id_text(v);
        }
        if let Some(v) = patch.notes {
            form.notes = v;
        }
        form
    }
}

impl From<&StandardConfiguration> for ConfigurationForm {
    fn from(c: &StandardConfiguration) -> Self {
        Self {
            name: c.name.clone(),
            entity_id: c.entity_id.to_string(),
            category_id: id_text(c.category_id),
            model_id: id_text(c.model_id),
            notes: c.notes.clone(),
            version: c.version.to_string(),
        }
    }
}

impl From<ConfigurationCreate> for ConfigurationForm {
    fn from(b: ConfigurationCreate) -> Self {
        Self {
            name: b.name,
            entity_id: b.entity_id.to_string(),
            category_id: id_text(b.category_id),
            model_id: id_text(b.model_id),
            notes: b.notes.unwrap_or_default(),
            version: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTITY: &str = "0190a4a0-0000-7000-8000-000000000001";
    const MODEL: &str = "0190a4a0-0000-7000-8000-000000000002";

    fn form(category: &str, model: &str) -> ConfigurationForm {
        ConfigurationForm {
            name: " Poste bureautique ".into(),
            entity_id: ENTITY.into(),
            category_id: category.into(),
            model_id: model.into(),
            ..ConfigurationForm::default()
        }
    }

    #[test]
    fn a_model_alone_is_enough() {
        let input = form("", MODEL).parse().expect("valid");
        assert_eq!(input.name, "Poste bureautique");
        assert_eq!(input.model_id.map(|m| m.to_string()).as_deref(), Some(MODEL));
        assert_eq!(input.category_id, None);
    }

    #[test]
    fn neither_category_nor_model_is_marked_on_the_category() {
        let errors = form(" ", "").parse().expect_err("no target");
        assert_eq!(errors.get("category_id"), Some("standard-configuration-target-required"));
        let errors = form("not-an-id", "").parse().expect_err("bad id");
        assert_eq!(errors.get("category_id"), Some("field-invalid-choice"));
    }
}
