//! Raw location values (from the HTML form or the API) -> [`LocationInput`].

use serde::Deserialize;

use super::domain::{KINDS, Location, LocationCreate, LocationInput, LocationPatch};
use crate::web::form::{FieldErrors, Parser};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LocationForm {
    pub entity_id: String,
    pub parent_id: String,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub notes: String,
    pub version: String,
}

impl LocationForm {
    pub fn parse(&self) -> Result<LocationInput, FieldErrors> {
        let mut p = Parser::default();
        let input = LocationInput {
            entity_id: p.required_id("entity_id", &self.entity_id),
            parent_id: p.optional_id("parent_id", &self.parent_id),
            name: p.required("name", &self.name, 200),
            kind: p.choice("kind", &self.kind, &KINDS).to_owned(),
            address: p.text("address", &self.address, 500),
            postcode: p.text("postcode", &self.postcode, 20),
            city: p.text("city", &self.city, 100),
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

    pub fn patched(current: &Location, patch: LocationPatch) -> Self {
        let mut form = Self::from(current);
        if let Some(v) = patch.entity_id {
            form.entity_id = v.to_string();
        }
        if let Some(v) = patch.parent_id {
            form.parent_id = v.map(|id| id.to_string()).unwrap_or_default();
        }
        for (target, value) in [
            (&mut form.name, patch.name),
            (&mut form.kind, patch.kind),
            (&mut form.address, patch.address),
            (&mut form.postcode, patch.postcode),
            (&mut form.city, patch.city),
            (&mut form.country, patch.country),
            (&mut form.notes, patch.notes),
        ] {
            if let Some(value) = value {
                *target = value;
            }
        }
        form
    }
}

impl From<&Location> for LocationForm {
    fn from(l: &Location) -> Self {
        Self {
            entity_id: l.entity_id.to_string(),
            parent_id: l.parent_id.map(|id| id.to_string()).unwrap_or_default(),
            name: l.name.clone(),
            kind: l.kind.clone(),
            address: l.address.clone(),
            postcode: l.postcode.clone(),
            city: l.city.clone(),
            country: l.country.clone(),
            notes: l.notes.clone(),
            version: l.version.to_string(),
        }
    }
}

impl From<LocationCreate> for LocationForm {
    fn from(b: LocationCreate) -> Self {
        Self {
            entity_id: b.entity_id.to_string(),
            parent_id: b.parent_id.map(|id| id.to_string()).unwrap_or_default(),
            name: b.name,
            kind: b.kind.unwrap_or_else(|| "room".into()),
            address: b.address.unwrap_or_default(),
            postcode: b.postcode.unwrap_or_default(),
            city: b.city.unwrap_or_default(),
            country: b.country.unwrap_or_default(),
            notes: b.notes.unwrap_or_default(),
            version: String::new(),
        }
    }
}
