//! Raw status values (HTML form or API) -> [`StatusInput`].

use serde::Deserialize;

use super::domain::{AssetStatus, StatusCreate, StatusInput, StatusKind, StatusPatch};
use crate::web::{
    form::{FieldErrors, Parser},
    table::FormField,
};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    pub name: String,
    pub kind: String,
    pub notes: String,
    pub version: String,
}

impl StatusForm {
    pub fn parse(&self) -> Result<StatusInput, FieldErrors> {
        let mut p = Parser::default();
        let name = p.required("name", &self.name, 100);
        let kind = StatusKind::parse(self.kind.trim());
        if kind.is_none() {
            p.errors.add("kind", "field-invalid-choice");
        }
        let notes = p.text("notes", &self.notes, 10_000);
        p.finish(StatusInput { name, kind: kind.unwrap_or(StatusKind::Deployable), notes })
    }

    /// `kinds`: (value, translated label) of each kind.
    pub fn fields(&self, kinds: Vec<(String, String)>) -> Vec<FormField> {
        vec![
            FormField::text("name", "field-name", &self.name, true),
            FormField::select("kind", "status-kind", kinds, &self.kind, true),
            FormField::area("notes", "field-notes", &self.notes),
        ]
    }

    pub fn patched(current: &AssetStatus, patch: StatusPatch) -> Self {
        let mut form = Self::from(current);
        if let Some(name) = patch.name {
            form.name = name;
        }
        if let Some(kind) = patch.kind {
            form.kind = kind.as_str().to_owned();
        }
        if let Some(notes) = patch.notes {
            form.notes = notes;
        }
        form
    }
}

impl From<&AssetStatus> for StatusForm {
    fn from(s: &AssetStatus) -> Self {
        Self {
            name: s.name.clone(),
            kind: s.kind.as_str().to_owned(),
            notes: s.notes.clone(),
            version: s.version.to_string(),
        }
    }
}

impl From<StatusCreate> for StatusForm {
    fn from(b: StatusCreate) -> Self {
        Self {
            name: b.name,
            kind: b.kind.as_str().to_owned(),
            notes: b.notes.unwrap_or_default(),
            version: String::new(),
        }
    }
}
