//! Raw manufacturer values (HTML form or API) -> [`ManufacturerInput`].

use serde::Deserialize;

use super::domain::{Manufacturer, ManufacturerCreate, ManufacturerInput, ManufacturerPatch};
use crate::web::{
    form::{FieldErrors, Parser},
    table::FormField,
};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ManufacturerForm {
    pub name: String,
    pub url: String,
    pub notes: String,
    pub version: String,
}

impl ManufacturerForm {
    pub fn parse(&self) -> Result<ManufacturerInput, FieldErrors> {
        let mut p = Parser::default();
        let input = ManufacturerInput {
            name: p.required("name", &self.name, 200),
            url: p.web_address("url", &self.url),
            notes: p.text("notes", &self.notes, 10_000),
        };
        p.finish(input)
    }

    pub fn fields(&self) -> Vec<FormField> {
        vec![
            FormField::text("name", "field-name", &self.name, true),
            FormField::input("url", "field-url", "url", &self.url),
            FormField::area("notes", "field-notes", &self.notes),
        ]
    }

    pub fn patched(current: &Manufacturer, patch: ManufacturerPatch) -> Self {
        let mut form = Self::from(current);
        for (target, value) in
            [(&mut form.name, patch.name), (&mut form.url, patch.url), (&mut form.notes, patch.notes)]
        {
            if let Some(value) = value {
                *target = value;
            }
        }
        form
    }
}

impl From<&Manufacturer> for ManufacturerForm {
    fn from(m: &Manufacturer) -> Self {
        Self { name: m.name.clone(), url: m.url.clone(), notes: m.notes.clone(), version: m.version.to_string() }
    }
}

impl From<ManufacturerCreate> for ManufacturerForm {
    fn from(b: ManufacturerCreate) -> Self {
        Self {
            name: b.name,
            url: b.url.unwrap_or_default(),
            notes: b.notes.unwrap_or_default(),
            version: String::new(),
        }
    }
}
