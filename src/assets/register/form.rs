//! Raw asset values (HTML form or API) -> [`AssetInput`].

use std::collections::BTreeMap;

use serde::Deserialize;

use super::domain::{Asset, AssetCreate, AssetInput, AssetPatch, identity_serial};
use crate::{
    assets::categories::fields::{FIELD_PREFIX, value_text},
    web::form::{FieldErrors, Parser},
};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssetForm {
    pub tag: String,
    pub name: String,
    pub serial: String,
    pub model_id: String,
    pub status_id: String,
    pub entity_id: String,
    pub location_id: String,
    pub assigned_user_id: String,
    pub assigned_group_id: String,
    pub supplier: String,
    pub order_number: String,
    pub invoice_number: String,
    pub purchase_date: String,
    pub price: String,
    pub currency: String,
    pub warranty_end: String,
    pub notes: String,
    pub version: String,
    /// Every other field of the form; custom values are the "custom.<key>" ones.
    #[serde(flatten)]
    pub other: BTreeMap<String, String>,
}

impl AssetForm {
    /// Custom field key -> text, empty ones left out.
    fn custom_values(&self) -> BTreeMap<String, String> {
        self.other
            .iter()
            .filter_map(|(name, value)| Some((name.strip_prefix(FIELD_PREFIX)?.to_owned(), value.trim().to_owned())))
            .filter(|(_, value)| !value.is_empty())
            .collect()
    }

    /// The text of custom field `key` as the form holds it.
    pub fn custom_value(&self, key: &str) -> &str {
        self.other.get(&format!("{FIELD_PREFIX}{key}")).map(String::as_str).unwrap_or_default()
    }

    /// Lay JSON custom values (API) over the form's: null clears a value.
    fn set_custom(&mut self, values: serde_json::Map<String, serde_json::Value>) {
        for (key, value) in values {
            self.other.insert(format!("{FIELD_PREFIX}{key}"), value_text(&value));
        }
    }
}

fn id_text(id: Option<uuid::Uuid>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

fn date_text(date: Option<chrono::NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

impl AssetForm {
    /// On creation an empty tag means "allocate one"; on edit a tag is required.
    pub fn parse(&self, creating: bool) -> Result<AssetInput, FieldErrors> {
        let mut p = Parser::default();
        let tag = if creating { p.optional("tag", &self.tag, 60) } else { Some(p.required("tag", &self.tag, 60)) };
        // Tags go on labels and into barcodes: letters, digits and a few separators.
        if tag.as_deref().is_some_and(|t| !t.chars().all(|c| c.is_ascii_alphanumeric() || "-_/.:#+".contains(c))) {
            p.errors.add("tag", "tag-invalid");
        }
        let currency = match self.currency.trim() {
            "" => "EUR".to_owned(),
            code => code.to_uppercase(),
        };
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            p.errors.add("currency", "field-invalid-currency");
        }
        let purchase_date = p.optional_date("purchase_date", &self.purchase_date);
        let warranty_end = p.optional_date("warranty_end", &self.warranty_end);
        if let (Some(bought), Some(warranty)) = (purchase_date, warranty_end) {
            if warranty < bought {
                p.errors.add("warranty_end", "warranty-before-purchase");
            }
        }
        let serial = p.text("serial", &self.serial, 100);
        let input = AssetInput {
            tag,
            name: p.text("name", &self.name, 200),
            serial: identity_serial(&serial),
            model_id: p.required_id("model_id", &self.model_id),
            status_id: p.required_id("status_id", &self.status_id),
            entity_id: p.required_id("entity_id", &self.entity_id),
            location_id: p.optional_id("location_id", &self.location_id),
            assigned_user_id: p.optional_id("assigned_user_id", &self.assigned_user_id),
            assigned_group_id: p.optional_id("assigned_group_id", &self.assigned_group_id),
            supplier: p.text("supplier", &self.supplier, 200),
            order_number: p.text("order_number", &self.order_number, 100),
            invoice_number: p.text("invoice_number", &self.invoice_number, 100),
            purchase_date,
            price: p.optional_money("price", &self.price),
            currency,
            warranty_end,
            notes: p.text("notes", &self.notes, 10_000),
            custom: self.custom_values(),
        };
        p.finish(input)
    }

    pub fn version(&self) -> Result<i64, FieldErrors> {
        let mut p = Parser::default();
        let version = p.version(&self.version);
        p.finish(version)
    }

    /// The current values with a PATCH body's fields laid over them.
    pub fn patched(current: &Asset, patch: AssetPatch) -> Self {
        let mut form = Self::from(current);
        let ids = [
            (&mut form.location_id, patch.location_id),
            (&mut form.assigned_user_id, patch.assigned_user_id),
            (&mut form.assigned_group_id, patch.assigned_group_id),
        ];
        for (target, value) in ids {
            if let Some(value) = value {
                *target = id_text(value);
            }
        }
        for (target, value) in [
            (&mut form.model_id, patch.model_id),
            (&mut form.status_id, patch.status_id),
            (&mut form.entity_id, patch.entity_id),
        ] {
            if let Some(value) = value {
                *target = value.to_string();
            }
        }
        let nullable = [
            (&mut form.serial, patch.serial),
            (&mut form.purchase_date, patch.purchase_date),
            (&mut form.price, patch.price),
            (&mut form.warranty_end, patch.warranty_end),
        ];
        for (target, value) in nullable {
            if let Some(value) = value {
                *target = value.unwrap_or_default();
            }
        }
        let texts = [
            (&mut form.tag, patch.tag),
            (&mut form.name, patch.name),
            (&mut form.supplier, patch.supplier),
            (&mut form.order_number, patch.order_number),
            (&mut form.invoice_number, patch.invoice_number),
            (&mut form.currency, patch.currency),
            (&mut form.notes, patch.notes),
        ];
        for (target, value) in texts {
            if let Some(value) = value {
                *target = value;
            }
        }
        if let Some(values) = patch.custom_fields {
            form.set_custom(values);
        }
        form
    }
}

impl From<&Asset> for AssetForm {
    fn from(a: &Asset) -> Self {
        Self {
            tag: a.tag.clone(),
            name: a.name.clone(),
            serial: a.serial.clone().unwrap_or_default(),
            model_id: a.model_id.to_string(),
            status_id: a.status_id.to_string(),
            entity_id: a.entity_id.to_string(),
            location_id: id_text(a.location_id),
            assigned_user_id: id_text(a.assigned_user_id),
            assigned_group_id: id_text(a.assigned_group_id),
            supplier: a.supplier.clone(),
            order_number: a.order_number.clone(),
            invoice_number: a.invoice_number.clone(),
            purchase_date: date_text(a.purchase_date),
            price: a.price.map(|p| p.to_string()).unwrap_or_default(),
            currency: a.currency.clone(),
            warranty_end: date_text(a.warranty_end),
            notes: a.notes.clone(),
            version: a.version.to_string(),
            other: a.custom_values.iter().map(|(k, v)| (format!("{FIELD_PREFIX}{k}"), value_text(v))).collect(),
        }
    }
}

impl From<AssetCreate> for AssetForm {
    fn from(b: AssetCreate) -> Self {
        let mut form = Self {
            tag: b.tag.unwrap_or_default(),
            name: b.name.unwrap_or_default(),
            serial: b.serial.unwrap_or_default(),
            model_id: b.model_id.to_string(),
            status_id: b.status_id.to_string(),
            entity_id: b.entity_id.to_string(),
            location_id: id_text(b.location_id),
            assigned_user_id: id_text(b.assigned_user_id),
            assigned_group_id: id_text(b.assigned_group_id),
            supplier: b.supplier.unwrap_or_default(),
            order_number: b.order_number.unwrap_or_default(),
            invoice_number: b.invoice_number.unwrap_or_default(),
            purchase_date: b.purchase_date.unwrap_or_default(),
            price: b.price.unwrap_or_default(),
            currency: b.currency.unwrap_or_default(),
            warranty_end: b.warranty_end.unwrap_or_default(),
            notes: b.notes.unwrap_or_default(),
            version: String::new(),
            other: BTreeMap::new(),
        };
        form.set_custom(b.custom_fields.unwrap_or_default());
        form
    }
}
