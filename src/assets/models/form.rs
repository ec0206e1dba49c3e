//! Raw model values (HTML form or API) -> [`ModelInput`].

use serde::Deserialize;

use super::domain::{AssetModel, ModelCreate, ModelInput, ModelPatch};
use crate::web::{
    form::{FieldErrors, Parser},
    table::FormField,
};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ModelForm {
    pub category_id: String,
    pub manufacturer_id: String,
    pub name: String,
    pub part_number: String,
    pub end_of_life: String,
    pub notes: String,
    pub version: String,
}

fn id_text(id: Option<uuid::Uuid>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

impl ModelForm {
    pub fn parse(&self) -> Result<ModelInput, FieldErrors> {
        let mut p = Parser::default();
        let input = ModelInput {
            category_id: p.required_id("category_id", &self.category_id),
            manufacturer_id: p.optional_id("manufacturer_id", &self.manufacturer_id),
            name: p.required("name", &self.name, 200),
            part_number: p.text("part_number", &self.part_number, 100),
            end_of_life: p.optional_date("end_of_life", &self.end_of_life),
            notes: p.text("notes", &self.notes, 10_000),
        };
        p.finish(input)
    }

    pub fn fields(&self, categories: Vec<(String, String)>, manufacturers: Vec<(String, String)>) -> Vec<FormField> {
        vec![
            FormField::text("name", "field-name", &self.name, true),
            FormField::select("category_id", "kind-asset-category", categories, &self.category_id, true),
            FormField::select("manufacturer_id", "kind-manufacturer", manufacturers, &self.manufacturer_id, false),
            FormField::text("part_number", "field-part-number", &self.part_number, false),
            FormField::input("end_of_life", "field-end-of-life", "date", &self.end_of_life),
            FormField::area("notes", "field-notes", &self.notes),
        ]
    }

    pub fn patched(current: &AssetModel, patch: ModelPatch) -> Self {
        let mut form = Self::from(current);
        if let Some(v) = patch.category_id {
            form.category_id = v.to_string();
        }
        if let Some(v) = patch.manufacturer_id {
            form.manufacturer_id = id_text(v);
        }
        if let Some(v) = patch.end_of_life {
            form.end_of_life = v.unwrap_or_default();
        }
        for (target, value) in
            [(&mut form.name, patch.name), (&mut form.part_number, patch.part_number), (&mut form.notes, patch.notes)]
        {
            if let Some(value) = value {
                *target = value;
            }
        }
        form
    }
}

impl From<&AssetModel> for ModelForm {
    fn from(m: &AssetModel) -> Self {
        Self {
            category_id: m.category_id.to_string(),
            manufacturer_id: id_text(m.manufacturer_id),
            name: m.name.clone(),
            part_number: m.part_number.clone(),
            end_of_life: m.end_of_life.map(|d| d.to_string()).unwrap_or_default(),
            notes: m.notes.clone(),
            version: m.version.to_string(),
        }
    }
}

impl From<ModelCreate> for ModelForm {
    fn from(b: ModelCreate) -> Self {
        Self {
            category_id: b.category_id.to_string(),
            manufacturer_id: id_text(b.manufacturer_id),
            name: b.name,
            part_number: b.part_number.unwrap_or_default(),
            end_of_life: b.end_of_life.unwrap_or_default(),
            notes: b.notes.unwrap_or_default(),
            version: String::new(),
        }
    }
}
