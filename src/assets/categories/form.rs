//! Raw category values (HTML form or API) -> [`CategoryInput`].

use serde::Deserialize;

use super::domain::{AssetCategory, CategoryCreate, CategoryInput, CategoryPatch};
use crate::{
    assets::tag::TagPattern,
    web::{
        form::{FieldErrors, Parser},
        table::FormField,
    },
};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CategoryForm {
    pub name: String,
    pub tag_pattern: String,
    pub notes: String,
    pub version: String,
}

impl CategoryForm {
    pub fn parse(&self) -> Result<CategoryInput, FieldErrors> {
        let mut p = Parser::default();
        if let Err(key) = TagPattern::parse(&self.tag_pattern) {
            p.errors.add("tag_pattern", key);
        }
        let input = CategoryInput {
            name: p.required("name", &self.name, 200),
            tag_pattern: p.text("tag_pattern", &self.tag_pattern, 60),
            notes: p.text("notes", &self.notes, 10_000),
        };
        p.finish(input)
    }

    pub fn fields(&self) -> Vec<FormField> {
        vec![
            FormField::text("name", "field-name", &self.name, true),
            FormField::text("tag_pattern", "field-tag-pattern", &self.tag_pattern, true),
            FormField::area("notes", "field-notes", &self.notes),
        ]
    }

    pub fn patched(current: &AssetCategory, patch: CategoryPatch) -> Self {
        let mut form = Self::from(current);
        for (target, value) in
            [(&mut form.name, patch.name), (&mut form.tag_pattern, patch.tag_pattern), (&mut form.notes, patch.notes)]
        {
            if let Some(value) = value {
                *target = value;
            }
        }
        form
    }
}

impl From<&AssetCategory> for CategoryForm {
    fn from(m: &AssetCategory) -> Self {
        Self {
            name: m.name.clone(),
            tag_pattern: m.tag_pattern.clone(),
            notes: m.notes.clone(),
            version: m.version.to_string(),
        }
    }
}

impl From<CategoryCreate> for CategoryForm {
    fn from(b: CategoryCreate) -> Self {
        Self {
            name: b.name,
            tag_pattern: b.tag_pattern.unwrap_or_else(|| "A-{YYYY}-{#####}".into()),
            notes: b.notes.unwrap_or_default(),
            version: String::new(),
        }
    }
}
