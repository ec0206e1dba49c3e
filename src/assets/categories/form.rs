//! Raw category values (HTML form or API) -> [`CategoryInput`].

use serde::Deserialize;

use super::{
    domain::{AssetCategory, CategoryCreate, CategoryInput, CategoryPatch},
    fields::{definitions_text, parse_definitions},
};
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
    /// One custom field per line: `key | label | kind | required | option, option`.
    pub custom_fields: String,
    /// "true" or "false".
    pub has_hardware: String,
    pub notes: String,
    pub version: String,
}

fn yes_no(flag: bool) -> String {
    flag.to_string()
}

impl CategoryForm {
    pub fn parse(&self) -> Result<CategoryInput, FieldErrors> {
        let mut p = Parser::default();
        if let Err(key) = TagPattern::parse(&self.tag_pattern) {
            p.errors.add("tag_pattern", key);
        }
        let custom_fields = parse_definitions(&self.custom_fields).unwrap_or_else(|key| {
            p.errors.add("custom_fields", key);
            Vec::new()
        });
        let input = CategoryInput {
            name: p.required("name", &self.name, 200),
            tag_pattern: p.text("tag_pattern", &self.tag_pattern, 60),
            custom_fields,
            // Left out (an older form, an API body without it) means no.
            has_hardware: p.choice("has_hardware", &self.has_hardware, &["", "false", "true"]) == "true",
            notes: p.text("notes", &self.notes, 10_000),
        };
        p.finish(input)
    }

    pub fn fields(&self) -> Vec<FormField> {
        vec![
            FormField::text("name", "field-name", &self.name, true),
            FormField::text("tag_pattern", "field-tag-pattern", &self.tag_pattern, true),
            FormField::select(
                "has_hardware",
                "field-has-hardware",
                vec![("false".into(), "—".into()), ("true".into(), "✓".into())],
                &self.has_hardware,
                true,
            ),
            FormField::area("custom_fields", "field-custom-fields", &self.custom_fields),
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
        if let Some(fields) = patch.custom_fields {
            form.custom_fields = definitions_text(&fields);
        }
        if let Some(flag) = patch.has_hardware {
            form.has_hardware = yes_no(flag);
        }
        form
    }
}

impl From<&AssetCategory> for CategoryForm {
    fn from(m: &AssetCategory) -> Self {
        Self {
            name: m.name.clone(),
            tag_pattern: m.tag_pattern.clone(),
            custom_fields: definitions_text(&m.custom_fields),
            has_hardware: yes_no(m.has_hardware),
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
            custom_fields: definitions_text(&b.custom_fields.unwrap_or_default()),
            has_hardware: yes_no(b.has_hardware.unwrap_or(false)),
            notes: b.notes.unwrap_or_default(),
            version: String::new(),
        }
    }
}
