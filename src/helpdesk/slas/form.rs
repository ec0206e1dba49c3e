//! Raw service-level values (HTML form or API) -> [`SlaInput`]: ten delays
//! written as people write them (`4h`, `1h30`, `90`), each above zero, the
//! time to resolve never below the time to own.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::domain::{PRIORITIES, Sla, SlaCreate, SlaInput, SlaPatch, format_minutes, parse_minutes, parse_shares};
use crate::web::form::{FieldErrors, Parser, ticked};

/// The form as posted: `own_1`..`own_5` and `resolve_1`..`resolve_5` are
/// gathered in arrays (index 0 is priority 1).
#[derive(Clone, Debug, Deserialize)]
#[serde(from = "BTreeMap<String, String>")]
pub struct SlaForm {
    pub entity_id: String,
    pub name: String,
    pub calendar_id: String,
    pub own: [String; PRIORITIES],
    pub resolve: [String; PRIORITIES],
    pub escalate_at: String,
    /// "on" when ticked.
    pub is_default: String,
    pub version: String,
}

impl From<BTreeMap<String, String>> for SlaForm {
    fn from(mut fields: BTreeMap<String, String>) -> Self {
        let mut take = |name: &str| fields.remove(name).unwrap_or_default();
        Self {
            entity_id: take("entity_id"),
            name: take("name"),
            calendar_id: take("calendar_id"),
            own: std::array::from_fn(|i| take(&format!("own_{}", i + 1))),
            resolve: std::array::from_fn(|i| take(&format!("resolve_{}", i + 1))),
            escalate_at: take("escalate_at"),
            is_default: take("is_default"),
            version: take("version"),
        }
    }
}

/// A new level starts from common values, to adjust.
impl Default for SlaForm {
    fn default() -> Self {
        Self {
            entity_id: String::new(),
            name: String::new(),
            calendar_id: String::new(),
            own: ["8h", "4h", "2h", "1h", "30m"].map(String::from),
            resolve: ["80h", "40h", "16h", "8h", "4h"].map(String::from),
            escalate_at: "75, 100".into(),
            is_default: String::new(),
            version: String::new(),
        }
    }
}

/// The five delays of one row, each marked on its own field.
fn delays(p: &mut Parser, prefix: &str, values: &[String; PRIORITIES]) -> [Option<i32>; PRIORITIES] {
    std::array::from_fn(|i| {
        let field = format!("{prefix}_{}", i + 1);
        let text = p.text(&field, &values[i], 20);
        if text.is_empty() {
            p.errors.add(&field, "field-required");
            return None;
        }
        let minutes = parse_minutes(&text);
        if minutes.is_none() {
            p.errors.add(&field, "sla-delay-invalid");
        }
        minutes
    })
}

fn written(minutes: &[i32]) -> [String; PRIORITIES] {
    std::array::from_fn(|i| minutes.get(i).map(|m| format_minutes(*m)).unwrap_or_default())
}

/// Numbers from the API, as the form would carry them (a bad one stays bad).
fn numbers(minutes: &[i32]) -> [String; PRIORITIES] {
    std::array::from_fn(|i| minutes.get(i).map(i32::to_string).unwrap_or_default())
}

fn shares(values: &[i16]) -> String {
    values.iter().map(i16::to_string).collect::<Vec<_>>().join(", ")
}

impl SlaForm {
    pub fn parse(&self) -> Result<SlaInput, FieldErrors> {
        let mut p = Parser::default();
        let own = delays(&mut p, "own", &self.own);
        let resolve = delays(&mut p, "resolve", &self.resolve);
        for (i, pair) in own.iter().zip(&resolve).enumerate() {
            if let (Some(own), Some(resolve)) = pair {
                if resolve < own {
                    p.errors.add(&format!("resolve_{}", i + 1), "sla-resolve-before-own");
                }
            }
        }
        let escalate_at = parse_shares(&self.escalate_at).unwrap_or_else(|| {
            p.errors.add("escalate_at", "sla-shares-invalid");
            Vec::new()
        });
        let input = SlaInput {
            entity_id: p.required_id("entity_id", &self.entity_id),
            name: p.required("name", &self.name, 200),
            calendar_id: p.required_id("calendar_id", &self.calendar_id),
            own_minutes: own.iter().map(|m| m.unwrap_or_default()).collect(),
            resolve_minutes: resolve.iter().map(|m| m.unwrap_or_default()).collect(),
            escalate_at,
            is_default: !self.is_default.trim().is_empty(),
        };
        p.finish(input)
    }

    pub fn patched(current: &Sla, patch: SlaPatch) -> Self {
        let mut form = Self::from(current);
        if let Some(v) = patch.entity_id {
            form.entity_id = v.to_string();
        }
        if let Some(v) = patch.name {
            form.name = v;
        }
        if let Some(v) = patch.calendar_id {
            form.calendar_id = v.to_string();
        }
        if let Some(v) = patch.own_minutes {
            form.own = numbers(&v);
        }
        if let Some(v) = patch.resolve_minutes {
            form.resolve = numbers(&v);
        }
        if let Some(v) = patch.escalate_at {
            form.escalate_at = shares(&v);
        }
        if let Some(v) = patch.is_default {
            form.is_default = ticked(v);
        }
        form
    }
}

impl From<&Sla> for SlaForm {
    fn from(s: &Sla) -> Self {
        Self {
            entity_id: s.entity_id.to_string(),
            name: s.name.clone(),
            calendar_id: s.calendar_id.to_string(),
            own: written(&s.own_minutes),
            resolve: written(&s.resolve_minutes),
            escalate_at: shares(&s.escalate_at),
            is_default: ticked(s.is_default),
            version: s.version.to_string(),
        }
    }
}

impl From<SlaCreate> for SlaForm {
    fn from(b: SlaCreate) -> Self {
        Self {
            entity_id: b.entity_id.to_string(),
            name: b.name,
            calendar_id: b.calendar_id.to_string(),
            own: numbers(&b.own_minutes),
            resolve: numbers(&b.resolve_minutes),
            escalate_at: shares(&b.escalate_at.unwrap_or_else(|| vec![75, 100])),
            is_default: ticked(b.is_default.unwrap_or(false)),
            version: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(pairs: &[(&str, &str)]) -> SlaForm {
        let mut fields: BTreeMap<String, String> = [
            ("name", "Standard"),
            ("entity_id", "0190a4a0-0000-7000-8000-000000000001"),
            ("calendar_id", "0190a4a0-0000-7000-8000-000000000002"),
            ("own_1", "8h"),
            ("own_2", "4h"),
            ("own_3", "2h"),
            ("own_4", "1h"),
            ("own_5", "30"),
            ("resolve_1", "80h"),
            ("resolve_2", "40h"),
            ("resolve_3", "16h"),
            ("resolve_4", "8h"),
            ("resolve_5", "4h"),
            ("escalate_at", "75,100"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        fields.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        SlaForm::from(fields)
    }

    #[test]
    fn ten_delays_in_minutes() {
        let input = posted(&[("own_3", "1h30"), ("is_default", "on")]).parse().expect("valid");
        assert_eq!(input.own_minutes, vec![480, 240, 90, 60, 30]);
        assert_eq!(input.resolve_minutes, vec![4800, 2400, 960, 480, 240]);
        assert_eq!(input.escalate_at, vec![75, 100]);
        assert!(input.is_default);
    }

    #[test]
    fn each_bad_delay_is_marked_on_its_field() {
        let errors = posted(&[("own_1", "0"), ("own_2", ""), ("resolve_4", "30m"), ("escalate_at", "150")])
            .parse()
            .expect_err("invalid");
        assert_eq!(errors.get("own_1"), Some("sla-delay-invalid"));
        assert_eq!(errors.get("own_2"), Some("field-required"));
        assert_eq!(errors.get("resolve_4"), Some("sla-resolve-before-own"));
        assert_eq!(errors.get("escalate_at"), Some("sla-shares-invalid"));
        assert_eq!(errors.get("resolve_1"), None);
    }
}
