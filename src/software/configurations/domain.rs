//! Standard workstation configurations: a named profile (a model, or a whole
//! category) with the software each of its assets must carry, and the assets
//! that lack some of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StandardConfiguration {
    pub id: Uuid,
    /// Its assets are those of this entity and the entities below it.
    pub entity_id: Uuid,
    pub entity_name: String,
    pub name: String,
    /// The category whose assets it covers, when it names no model.
    pub category_id: Option<Uuid>,
    pub category_name: Option<String>,
    /// The model whose assets it covers (it then belongs to `category_id`, if given).
    pub model_id: Option<Uuid>,
    pub model_name: Option<String>,
    pub notes: String,
    /// How many software the configuration requires.
    pub software_count: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConfigurationInput {
    pub entity_id: Uuid,
    pub name: String,
    pub category_id: Option<Uuid>,
    pub model_id: Option<Uuid>,
    pub notes: String,
}

impl From<&StandardConfiguration> for ConfigurationInput {
    fn from(c: &StandardConfiguration) -> Self {
        Self {
            entity_id: c.entity_id,
            name: c.name.clone(),
            category_id: c.category_id,
            model_id: c.model_id,
            notes: c.notes.clone(),
        }
    }
}

/// Body of POST /api/v1/standard-configurations: a category, a model, or both.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationCreate {
    pub entity_id: Uuid,
    pub name: String,
    pub category_id: Option<Uuid>,
    pub model_id: Option<Uuid>,
    pub notes: Option<String>,
}

/// Body of PATCH /api/v1/standard-configurations/{id}: absent fields keep
/// their value, null clears the category or the model.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationPatch {
    pub version: Option<i64>,
    pub entity_id: Option<Uuid>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub category_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub model_id: Option<Option<Uuid>>,
    pub notes: Option<String>,
}

/// A software of the catalogue a configuration requires.
#[derive(Clone, Debug, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RequiredSoftware {
    pub id: Uuid,
    pub name: String,
    pub publisher: String,
}

/// The required software with the configuration's version, which a change of
/// the list must send back.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SoftwareList {
    pub version: i64,
    pub items: Vec<RequiredSoftware>,
}

/// Body of PUT /api/v1/standard-configurations/{id}/software: the whole new list.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SoftwareListBody {
    /// The configuration's version the list was read with (or If-Match).
    pub version: Option<i64>,
    pub software_ids: Vec<Uuid>,
}

/// An asset of the configuration that lacks required software.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Deviation {
    pub asset_id: Uuid,
    pub tag: String,
    pub name: String,
    pub entity_name: String,
    pub assigned_user_id: Option<Uuid>,
    pub assigned_user_name: Option<String>,
    /// Names of the required software it carries in no version, sorted.
    pub missing: Vec<String>,
}

/// One page of deviating assets and how many there are in all.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeviationPage {
    pub items: Vec<Deviation>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl DeviationPage {
    pub fn page_count(&self) -> u32 {
        let pages = (self.total.max(0) as u64).div_ceil(u64::from(self.per_page.max(1)));
        u32::try_from(pages).unwrap_or(u32::MAX).max(1)
    }
}

/// The deviations as a spreadsheet reads them: one row per asset, the
/// missing software in one cell.
pub fn deviation_csv_row(d: &Deviation) -> Vec<String> {
    vec![
        d.tag.clone(),
        d.name.clone(),
        d.entity_name.clone(),
        d.assigned_user_name.clone().unwrap_or_default(),
        d.missing.join(", "),
    ]
}

pub const DEVIATION_CSV_HEADER: [&str; 5] = ["tag", "name", "entity", "assigned_to", "missing_software"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_deviations() {
        let page = |total| DeviationPage { items: vec![], total, page: 1, per_page: 50 };
        assert_eq!((page(0).page_count(), page(50).page_count(), page(51).page_count()), (1, 1, 2));
    }

    #[test]
    fn a_csv_row_lists_the_missing_software_in_one_cell() {
        let deviation = Deviation {
            asset_id: Uuid::nil(),
            tag: "PC-1".into(),
            name: "Poste".into(),
            entity_name: "Filiale A".into(),
            assigned_user_id: None,
            assigned_user_name: None,
            missing: vec!["7-Zip".into(), "Firefox".into()],
        };
        assert_eq!(deviation_csv_row(&deviation), vec!["PC-1", "Poste", "Filiale A", "", "7-Zip, Firefox"]);
    }
}
