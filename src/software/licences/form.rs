//! Raw licence values (HTML form or API) -> [`LicenceInput`], with every
//! field's error: seats required except for a site licence (which has none),
//! expiry not before the start.

use serde::Deserialize;

use super::domain::{Licence, LicenceCreate, LicenceInput, LicenceKey, LicenceKind, LicencePatch};
use crate::web::form::{FieldErrors, Parser, id_text};

/// The most seats a licence may count (the table's check).
const MAX_SEATS: i32 = 10_000_000;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LicenceForm {
    pub entity_id: String,
    pub software_id: String,
    pub name: String,
    pub kind: String,
    pub seats: String,
    /// Debug-safe: a key is never printed.
    pub licence_key: LicenceKey,
    pub supplier: String,
    pub order_number: String,
    pub invoice_number: String,
    pub price: String,
    pub currency: String,
    pub purchase_date: String,
    pub starts_on: String,
    pub expires_on: String,
    pub renewal_on: String,
    pub notes: String,
    pub version: String,
}

fn date_text(date: Option<chrono::NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

fn number_text(seats: Option<i32>) -> String {
    seats.map(|s| s.to_string()).unwrap_or_default()
}

/// Seats as typed: none for a site licence, else a whole number in range.
fn seats(p: &mut Parser, kind: Option<LicenceKind>, text: &str) -> Option<i32> {
    let text = text.trim();
    match kind {
        Some(LicenceKind::Site) => {
            if !text.is_empty() {
                p.errors.add("seats", "licence-site-no-seats");
            }
            None
        }
        _ if text.is_empty() => {
            p.errors.add("seats", "field-required");
            None
        }
        _ => {
            let seats = text.parse::<i32>().ok().filter(|s| (0..=MAX_SEATS).contains(s));
            if seats.is_none() {
                p.errors.add("seats", "licence-seats-invalid");
            }
            seats
        }
    }
}

fn currency(p: &mut Parser, text: &str) -> String {
    let code = match text.trim() {
        "" => "EUR".to_owned(),
        code => code.to_uppercase(),
    };
    if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
        p.errors.add("currency", "field-invalid-currency");
    }
    code
}

impl LicenceForm {
    pub fn parse(&self) -> Result<LicenceInput, FieldErrors> {
        let mut p = Parser::default();
        let kind = LicenceKind::parse(self.kind.trim());
        if kind.is_none() {
            p.errors.add("kind", if self.kind.trim().is_empty() { "field-required" } else { "field-invalid-choice" });
        }
        let starts_on = p.optional_date("starts_on", &self.starts_on);
        let expires_on = p.optional_date("expires_on", &self.expires_on);
        if let (Some(start), Some(end)) = (starts_on, expires_on) {
            if end < start {
                p.errors.add("expires_on", "licence-expires-before-start");
            }
        }
        let input = LicenceInput {
            entity_id: p.required_id("entity_id", &self.entity_id),
            software_id: p.required_id("software_id", &self.software_id),
            name: p.required("name", &self.name, 200),
            kind: kind.unwrap_or(LicenceKind::PerDevice),
            seats: seats(&mut p, kind, &self.seats),
            licence_key: LicenceKey::new(p.text("licence_key", self.licence_key.text(), 1000)),
            supplier: p.text("supplier", &self.supplier, 200),
            order_number: p.text("order_number", &self.order_number, 100),
            invoice_number: p.text("invoice_number", &self.invoice_number, 100),
            price: p.optional_money("price", &self.price),
            currency: currency(&mut p, &self.currency),
            purchase_date: p.optional_date("purchase_date", &self.purchase_date),
            starts_on,
            expires_on,
            renewal_on: p.optional_date("renewal_on", &self.renewal_on),
            notes: p.text("notes", &self.notes, 10_000),
        };
        p.finish(input)
    }

    /// The current values with a PATCH body's fields laid over them.
    pub fn patched(current: &Licence, patch: LicencePatch) -> Self {
        let mut form = Self::from(current);
        for (target, value) in [(&mut form.entity_id, patch.entity_id), (&mut form.software_id, patch.software_id)] {
            if let Some(value) = value {
                *target = value.to_string();
            }
        }
        if let Some(seats) = patch.seats {
            form.seats = number_text(seats);
        }
        if let Some(key) = patch.licence_key {
            form.licence_key = key;
        }
        let nullable = [
            (&mut form.price, patch.price),
            (&mut form.purchase_date, patch.purchase_date),
            (&mut form.starts_on, patch.starts_on),
            (&mut form.expires_on, patch.expires_on),
            (&mut form.renewal_on, patch.renewal_on),
        ];
        for (target, value) in nullable {
            if let Some(value) = value {
                *target = value.unwrap_or_default();
            }
        }
        let texts = [
            (&mut form.name, patch.name),
            (&mut form.kind, patch.kind),
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
        form
    }
}

impl From<&Licence> for LicenceForm {
    fn from(l: &Licence) -> Self {
        Self {
            entity_id: l.entity_id.to_string(),
            software_id: l.software_id.to_string(),
            name: l.name.clone(),
            kind: l.kind.as_str().to_owned(),
            seats: number_text(l.seats),
            licence_key: LicenceKey::new(l.licence_key.text()),
            supplier: l.supplier.clone(),
            order_number: l.order_number.clone(),
            invoice_number: l.invoice_number.clone(),
            price: l.price.map(|p| p.to_string()).unwrap_or_default(),
            currency: l.currency.clone(),
            purchase_date: date_text(l.purchase_date),
            starts_on: date_text(l.starts_on),
            expires_on: date_text(l.expires_on),
            renewal_on: date_text(l.renewal_on),
            notes: l.notes.clone(),
            version: l.version.to_string(),
        }
    }
}

impl From<LicenceCreate> for LicenceForm {
    fn from(b: LicenceCreate) -> Self {
        Self {
            entity_id: b.entity_id.to_string(),
            software_id: b.software_id.to_string(),
            name: b.name,
            kind: b.kind,
            seats: number_text(b.seats),
            licence_key: b.licence_key.unwrap_or_default(),
            supplier: b.supplier.unwrap_or_default(),
            order_number: b.order_number.unwrap_or_default(),
            invoice_number: b.invoice_number.unwrap_or_default(),
            price: b.price.unwrap_or_default(),
            currency: b.currency.unwrap_or_default(),
            purchase_date: b.purchase_date.unwrap_or_default(),
            starts_on: b.starts_on.unwrap_or_default(),
            expires_on: b.expires_on.unwrap_or_default(),
            renewal_on: b.renewal_on.unwrap_or_default(),
            notes: b.notes.unwrap_or_default(),
            version: String::new(),
        }
    }
}

impl LicenceForm {
    /// A new licence's form, with the software chosen when coming from its page.
    pub fn for_software(software_id: Option<uuid::Uuid>) -> Self {
        Self { software_id: id_text(software_id), kind: LicenceKind::PerDevice.as_str().into(), ..Self::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, seats: &str) -> LicenceForm {
        LicenceForm {
            entity_id: "0190a4a0-0000-7000-8000-000000000001".into(),
            software_id: "0190a4a0-0000-7000-8000-000000000002".into(),
            name: "Office 2021".into(),
            kind: kind.into(),
            seats: seats.into(),
            price: "1 234,50".into(),
            ..LicenceForm::default()
        }
    }

    #[test]
    fn seats_are_required_except_for_a_site_licence() {
        let input = form("per_user", "25").parse().expect("valid");
        assert_eq!((input.kind, input.seats, input.currency.as_str()), (LicenceKind::PerUser, Some(25), "EUR"));
        assert_eq!(input.price.map(|p| p.to_string()).as_deref(), Some("1234.50"));
        assert_eq!(form("site", "").parse().expect("valid").seats, None);
        assert_eq!(form("per_device", "").parse().expect_err("seats").get("seats"), Some("field-required"));
        assert_eq!(form("site", "10").parse().expect_err("site").get("seats"), Some("licence-site-no-seats"));
        for bad in ["-1", "2.5", "many", "10000001"] {
            assert_eq!(form("per_core", bad).parse().expect_err(bad).get("seats"), Some("licence-seats-invalid"));
        }
        assert_eq!(form("floating", "3").parse().expect_err("kind").get("kind"), Some("field-invalid-choice"));
    }

    #[test]
    fn expiry_cannot_come_before_the_start() {
        let mut late = form("subscription", "5");
        late.starts_on = "2026-03-01".into();
        late.expires_on = "2026-02-28".into();
        assert_eq!(late.parse().expect_err("dates").get("expires_on"), Some("licence-expires-before-start"));
        late.expires_on = "2026-03-01".into();
        assert!(late.parse().is_ok());
    }
}
