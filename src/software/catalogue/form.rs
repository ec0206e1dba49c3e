//! Raw software values (HTML form or API) -> [`SoftwareInput`].

use serde::Deserialize;

use super::domain::{Software, SoftwareCreate, SoftwareInput, SoftwarePatch};
use crate::web::{
    form::{FieldErrors, Parser, id_text, ticked},
    table::FormField,
};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SoftwareForm {
    pub name: String,
    pub publisher: String,
    pub category_id: String,
    pub forbidden: String,
    pub notes: String,
    pub version: String,
}

impl SoftwareForm {
    pub fn parse(&self) -> Result<SoftwareInput, FieldErrors> {
        let mut p = Parser::default();
        let input = SoftwareInput {
            name: p.required("name", &self.name, 250),
            publisher: p.text("publisher", &self.publisher, 250),
            category_id: p.optional_id("category_id", &self.category_id),
            forbidden: self.forbidden == "on",
            notes: p.text("notes", &self.notes, 10_000),
        };
        p.finish(input)
    }

    /// The form's fields; `categories` are the choices of software category.
    pub fn fields(&self, categories: Vec<(String, String)>) -> Vec<FormField> {
        vec![
            FormField::text("name", "field-name", &self.name, true),
            FormField::text("publisher", "software-publisher", &self.publisher, false),
            FormField::select("category_id", "software-category", categories, &self.category_id, false),
            FormField::checkbox("forbidden", "software-forbidden", self.forbidden == "on")
                .with_hint("software-forbidden-hint"),
            FormField::area("notes", "field-notes", &self.notes),
        ]
    }

    pub fn patched(current: &Software, patch: SoftwarePatch) -> Self {
        let mut form = Self::from(current);
        for (target, value) in
            [(&mut form.name, patch.name), (&mut form.publisher, patch.publisher), (&mut form.notes, patch.notes)]
        {
            if let Some(value) = value {
                *target = value;
            }
        }
        if let Some(category) = patch.category_id {
            form.category_id = id_text(category);
        }
        if let Some(forbidden) = patch.forbidden {
            form.forbidden = ticked(forbidden);
        }
        form
    }
}

impl From<&Software> for SoftwareForm {
    fn from(s: &Software) -> Self {
        Self {
            name: s.name.clone(),
            publisher: s.publisher.clone(),
            category_id: id_text(s.category_id),
            forbidden: ticked(s.forbidden),
            notes: s.notes.clone(),
            version: s.version.to_string(),
        }
    }
}

impl From<SoftwareCreate> for SoftwareForm {
    fn from(b: SoftwareCreate) -> Self {
        Self {
            name: b.name,
            publisher: b.publisher.unwrap_or_default(),
            category_id: id_text(b.category_id),
            forbidden: ticked(b.forbidden.unwrap_or(false)),
            notes: b.notes.unwrap_or_default(),
            version: String::new(),
        }
    }
}
