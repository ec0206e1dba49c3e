//! Raw software-category values (HTML form or API) -> [`CategoryInput`].

use serde::Deserialize;

use super::domain::{CategoryCreate, CategoryInput, CategoryPatch, SoftwareCategory};
use crate::web::form::{FieldErrors, Parser, id_text};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CategoryForm {
    pub name: String,
    pub parent_id: String,
    pub notes: String,
    pub version: String,
}

impl CategoryForm {
    pub fn parse(&self) -> Result<CategoryInput, FieldErrors> {
        let mut p = Parser::default();
        let input = CategoryInput {
            name: p.required("name", &self.name, 100),
            parent_id: p.optional_id("parent_id", &self.parent_id),
            notes: p.text("notes", &self.notes, 10_000),
        };
        p.finish(input)
    }

    pub fn patched(current: &SoftwareCategory, patch: CategoryPatch) -> Self {
        let mut form = Self::from(current);
        if let Some(name) = patch.name {
            form.name = name;
        }
        if let Some(parent) = patch.parent_id {
            form.parent_id = id_text(parent);
        }
        if let Some(notes) = patch.notes {
            form.notes = notes;
        }
        form
    }
}

impl From<&SoftwareCategory> for CategoryForm {
    fn from(c: &SoftwareCategory) -> Self {
        Self {
            name: c.name.clone(),
            parent_id: id_text(c.parent_id),
            notes: c.notes.clone(),
            version: c.version.to_string(),
        }
    }
}

impl From<CategoryCreate> for CategoryForm {
    fn from(b: CategoryCreate) -> Self {
        Self {
            name: b.name,
            parent_id: id_text(b.parent_id),
            notes: b.notes.unwrap_or_default(),
            version: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_required_and_a_parent_is_an_id() {
        let bad = CategoryForm { parent_id: "x".into(), ..CategoryForm::default() }.parse().expect_err("invalid");
        assert_eq!(bad.get("name"), Some("field-required"));
        assert_eq!(bad.get("parent_id"), Some("field-invalid-choice"));
        let long = CategoryForm { name: "a".repeat(101), ..CategoryForm::default() }.parse().expect_err("too long");
        assert_eq!(long.get("name"), Some("field-too-long"));
        let good = CategoryForm { name: " Navigateurs ".into(), ..CategoryForm::default() }.parse().expect("valid");
        assert_eq!((good.name.as_str(), good.parent_id), ("Navigateurs", None));
    }
}
