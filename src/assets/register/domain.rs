//! Assets: every piece of equipment the company owns.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::assets::{categories::fields::value_text, statuses::domain::StatusKind};

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Asset {
    pub id: Uuid,
    pub tag: String,
    pub name: String,
    pub serial: Option<String>,
    pub model_id: Uuid,
    pub model_name: String,
    pub category_id: Uuid,
    pub category_name: String,
    /// Whether its category carries hardware facts.
    pub has_hardware: bool,
    pub manufacturer_name: Option<String>,
    pub status_id: Uuid,
    pub status_name: String,
    pub status_kind: StatusKind,
    pub entity_id: Uuid,
    pub entity_name: String,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub assigned_user_id: Option<Uuid>,
    pub assigned_user_name: Option<String>,
    pub assigned_group_id: Option<Uuid>,
    pub assigned_group_name: Option<String>,
    pub supplier: String,
    pub order_number: String,
    pub invoice_number: String,
    pub purchase_date: Option<NaiveDate>,
    /// Decimal, as a string ("1234.50").
    #[schema(value_type = Option<String>)]
    pub price: Option<Decimal>,
    pub currency: String,
    pub warranty_end: Option<NaiveDate>,
    pub notes: String,
    /// Custom field key -> typed value (number, text, "YYYY-MM-DD", true/false).
    #[schema(value_type = Object)]
    pub custom_values: sqlx::types::Json<serde_json::Map<String, serde_json::Value>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AssetInput {
    /// None on creation: allocated from the category's pattern.
    pub tag: Option<String>,
    pub name: String,
    pub serial: Option<String>,
    pub model_id: Uuid,
    pub status_id: Uuid,
    pub entity_id: Uuid,
    pub location_id: Option<Uuid>,
    pub assigned_user_id: Option<Uuid>,
    pub assigned_group_id: Option<Uuid>,
    pub supplier: String,
    pub order_number: String,
    pub invoice_number: String,
    pub purchase_date: Option<NaiveDate>,
    pub price: Option<Decimal>,
    pub currency: String,
    pub warranty_end: Option<NaiveDate>,
    pub notes: String,
    /// Custom field key -> value as typed, empty ones left out; typed and
    /// checked against the category's definitions when written.
    #[serde(skip)]
    pub custom: BTreeMap<String, String>,
}

impl From<&Asset> for AssetInput {
    fn from(a: &Asset) -> Self {
        Self {
            tag: Some(a.tag.clone()),
            name: a.name.clone(),
            serial: a.serial.clone(),
            model_id: a.model_id,
            status_id: a.status_id,
            entity_id: a.entity_id,
            location_id: a.location_id,
            assigned_user_id: a.assigned_user_id,
            assigned_group_id: a.assigned_group_id,
            supplier: a.supplier.clone(),
            order_number: a.order_number.clone(),
            invoice_number: a.invoice_number.clone(),
            purchase_date: a.purchase_date,
            price: a.price,
            currency: a.currency.clone(),
            warranty_end: a.warranty_end,
            notes: a.notes.clone(),
            custom: a.custom_values.iter().map(|(k, v)| (k.clone(), value_text(v))).collect(),
        }
    }
}

/// Values manufacturers and BIOSes put where a serial should be: they identify
/// nothing, so such an asset simply has no serial.
const PLACEHOLDER_SERIALS: [&str; 16] = [
    "to be filled by o.e.m.",
    "to be filled by oem",
    "default string",
    "system serial number",
    "not specified",
    "not applicable",
    "none",
    "n/a",
    "na",
    "invalid",
    "unknown",
    "0123456789",
    "123456789",
    "1234567890",
    "serial",
    "chassis serial number",
];

/// The serial to store: trimmed, or None when empty or a placeholder (one
/// character repeated, "0", "To be filled by O.E.M."...).
pub fn identity_serial(raw: &str) -> Option<String> {
    let serial = raw.trim();
    let mut chars = serial.chars();
    let first = chars.next()?;
    let repeated = chars.all(|c| c == first);
    if repeated || PLACEHOLDER_SERIALS.contains(&serial.to_lowercase().as_str()) {
        None
    } else {
        Some(serial.to_owned())
    }
}

/// Body of POST /api/v1/assets.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetCreate {
    /// Leave out to allocate one from the category's pattern.
    pub tag: Option<String>,
    pub name: Option<String>,
    pub serial: Option<String>,
    pub model_id: Uuid,
    pub status_id: Uuid,
    pub entity_id: Uuid,
    pub location_id: Option<Uuid>,
    pub assigned_user_id: Option<Uuid>,
    pub assigned_group_id: Option<Uuid>,
    pub supplier: Option<String>,
    pub order_number: Option<String>,
    pub invoice_number: Option<String>,
    /// YYYY-MM-DD
    pub purchase_date: Option<String>,
    /// "1234.50"
    pub price: Option<String>,
    pub currency: Option<String>,
    /// YYYY-MM-DD
    pub warranty_end: Option<String>,
    pub notes: Option<String>,
    /// Custom field key -> value, as the category defines them.
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Body of PATCH /api/v1/assets/{id}: absent fields keep their value, null clears.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetPatch {
    pub version: Option<i64>,
    pub tag: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<String>)]
    pub serial: Option<Option<String>>,
    pub model_id: Option<Uuid>,
    pub status_id: Option<Uuid>,
    pub entity_id: Option<Uuid>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub location_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub assigned_user_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub assigned_group_id: Option<Option<Uuid>>,
    pub supplier: Option<String>,
    pub order_number: Option<String>,
    pub invoice_number: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<String>)]
    pub purchase_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<String>)]
    pub price: Option<Option<String>>,
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<String>)]
    pub warranty_end: Option<Option<String>>,
    pub notes: Option<String>,
    /// The keys given replace their values; null clears one; others are kept.
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_serials_identify_nothing() {
        for placeholder in [
            "To be filled by O.E.M.",
            " Default string ",
            "0",
            "000000",
            "XXXXXXXX",
            "",
            "   ",
            "N/A",
            "System Serial Number",
        ] {
            assert_eq!(identity_serial(placeholder), None, "{placeholder:?}");
        }
        assert_eq!(identity_serial(" 5CG1234XYZ "), Some("5CG1234XYZ".to_owned()));
        assert_eq!(identity_serial("0A"), Some("0A".to_owned()));
    }
}
