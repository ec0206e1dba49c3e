//! Raw ticket-category values (HTML form or API) -> [`CategoryInput`].

use serde::Deserialize;

use super::domain::{CategoryCreate, CategoryInput, CategoryPatch, TicketCategory};
use crate::web::form::{FieldErrors, Parser, id_text, ticked};

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct CategoryForm {
    pub entity_id: String,
    pub parent_id: String,
    pub name: String,
    pub group_id: String,
    pub sla_id: String,
    /// "on" when ticked; an unticked box sends nothing.
    #[serde(default)]
    pub on_portal: String,
    pub version: String,
}

/// A new category is offered on the portal unless unticked.
impl Default for CategoryForm {
    fn default() -> Self {
        Self {
            entity_id: String::new(),
            parent_id: String::new(),
            name: String::new(),
            group_id: String::new(),
            sla_id: String::new(),
            on_portal: "on".into(),
            version: String::new(),
        }
    }
}

impl CategoryForm {
    pub fn parse(&self) -> Result<CategoryInput, FieldErrors> {
        let mut p = Parser::default();
        let input = CategoryInput {
            entity_id: p.required_id("entity_id", &self.entity_id),
            parent_id: p.optional_id("parent_id", &self.parent_id),
            name: p.required("name", &self.name, 200),
            group_id: p.optional_id("group_id", &self.group_id),
            sla_id: p.optional_id("sla_id", &self.sla_id),
            on_portal: !self.on_portal.trim().is_empty(),
        };
        p.finish(input)
    }

    pub fn patched(current: &TicketCategory, patch: CategoryPatch) -> Self {
        let mut form = Self::from(current);
        if let Some(v) = patch.entity_id {
            form.entity_id = v.to_string();
        }
        if let Some(v) = patch.name {
            form.name = v;
        }
        for (target, value) in [
            (&mut form.parent_id, patch.parent_id),
            (&mut form.group_id, patch.group_id),
            (&mut form.sla_id, patch.sla_id),
        ] {
            if let Some(value) = value {
                *target = id_text(value);
            }
        }
        if let Some(v) = patch.on_portal {
            form.on_portal = ticked(v);
        }
        form
    }
}

impl From<&TicketCategory> for CategoryForm {
    fn from(c: &TicketCategory) -> Self {
        Self {
            entity_id: c.entity_id.to_string(),
            parent_id: id_text(c.parent_id),
            name: c.name.clone(),
            group_id: id_text(c.group_id),
            sla_id: id_text(c.sla_id),
            on_portal: ticked(c.on_portal),
            version: c.version.to_string(),
        }
    }
}

impl From<CategoryCreate> for CategoryForm {
    fn from(b: CategoryCreate) -> Self {
        Self {
            entity_id: b.entity_id.to_string(),
            parent_id: id_text(b.parent_id),
            name: b.name,
            group_id: id_text(b.group_id),
            sla_id: id_text(b.sla_id),
            on_portal: ticked(b.on_portal.unwrap_or(true)),
            version: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unticked_box_is_off_and_a_new_form_is_on() {
        let posted: CategoryForm =
            serde_urlencoded::from_str("name=Imprimantes&entity_id=0190a4a0-0000-7000-8000-000000000001")
                .expect("form");
        assert!(!posted.parse().expect("valid").on_portal);
        assert_eq!(CategoryForm::default().on_portal, "on");
        let bad = CategoryForm { parent_id: "x".into(), ..CategoryForm::default() }.parse().expect_err("invalid");
        assert_eq!(bad.get("parent_id"), Some("field-invalid-choice"));
        assert_eq!(bad.get("name"), Some("field-required"));
    }
}
