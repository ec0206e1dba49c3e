//! Custom fields: what the assets of a category carry beyond the register's
//! columns (a screen's size, a phone's line number...). A category holds the
//! definitions; each asset holds typed values checked against them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::web::form::FieldErrors;

/// The prefix of a custom value's form field and error field ("custom.screen_size").
pub const FIELD_PREFIX: &str = "custom.";
const MAX_FIELDS: usize = 50;
const MAX_TEXT: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Text,
    Number,
    Date,
    /// Yes or no.
    Boolean,
    /// One of the definition's options.
    List,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Date => "date",
            Self::Boolean => "boolean",
            Self::List => "list",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Some(match text.trim().to_lowercase().as_str() {
            "text" | "texte" => Self::Text,
            "number" | "nombre" => Self::Number,
            "date" => Self::Date,
            "boolean" | "yes/no" | "oui/non" => Self::Boolean,
            "list" | "liste" => Self::List,
            _ => return None,
        })
    }
}

/// One custom field of a category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomField {
    /// Lower-case letters, digits and underscores; the value's name in the API.
    pub key: String,
    pub label: String,
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    /// The allowed values of a list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

impl CustomField {
    /// The name of this field's input and of its errors.
    pub fn input_name(&self) -> String {
        format!("{FIELD_PREFIX}{}", self.key)
    }

    /// The text of one line of the category form.
    fn line(&self) -> String {
        let mut parts = vec![self.key.clone(), self.label.clone(), self.kind.as_str().to_owned()];
        if self.required || !self.options.is_empty() {
            parts.push(if self.required { "required".into() } else { String::new() });
        }
        if !self.options.is_empty() {
            parts.push(self.options.join(", "));
        }
        parts.join(" | ")
    }
}

/// The category form's text: one field per line, `key | label | kind | required | option, option`.
pub fn definitions_text(fields: &[CustomField]) -> String {
    fields.iter().map(CustomField::line).collect::<Vec<_>>().join("\n")
}

/// Definitions from the category form's text; the error is a message key.
pub fn parse_definitions(text: &str) -> Result<Vec<CustomField>, &'static str> {
    let mut fields = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        if !(3..=5).contains(&parts.len()) {
            return Err("custom-fields-line");
        }
        let kind = FieldType::parse(parts[2]).ok_or("custom-fields-kind")?;
        let required = match parts.get(3).map(|r| r.to_lowercase()) {
            None => false,
            Some(flag) => match flag.as_str() {
                "" | "optional" | "facultatif" => false,
                "required" | "obligatoire" => true,
                _ => return Err("custom-fields-required"),
            },
        };
        let options = parts
            .get(4)
            .map(|o| o.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        fields.push(CustomField { key: parts[0].to_owned(), label: parts[1].to_owned(), kind, required, options });
    }
    check_definitions(&fields)?;
    Ok(fields)
}

/// The rules every set of definitions follows, from the form or the API.
pub fn check_definitions(fields: &[CustomField]) -> Result<(), &'static str> {
    if fields.len() > MAX_FIELDS {
        return Err("custom-fields-too-many");
    }
    let mut keys = std::collections::HashSet::new();
    for field in fields {
        let key_ok = field.key.len() <= 40
            && field.key.starts_with(|c: char| c.is_ascii_lowercase())
            && field.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            return Err("custom-fields-key");
        }
        if !keys.insert(field.key.as_str()) {
            return Err("custom-fields-duplicate");
        }
        // The form's text format must be able to hold every definition.
        let label = field.label.trim();
        if label.is_empty() || label.chars().count() > 100 || label.contains(['|', '\n']) {
            return Err("custom-fields-label");
        }
        let options_ok = field.options.iter().all(|o| {
            !o.trim().is_empty() && o.chars().count() <= 100 && !o.contains(['|', ',', '\n']) && o.trim() == o
        });
        let has_options = !field.options.is_empty();
        if !options_ok || has_options != (field.kind == FieldType::List) {
            return Err("custom-fields-options");
        }
    }
    Ok(())
}

/// The text a form shows for a stored value.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The typed values of `raw` (key -> text, empty values left out), checked
/// against the definitions; errors are keyed by the input's name.
pub fn typed_values(fields: &[CustomField], raw: &BTreeMap<String, String>) -> Result<Map<String, Value>, FieldErrors> {
    let mut errors = FieldErrors::default();
    for key in raw.keys().filter(|k| !fields.iter().any(|f| &f.key == *k)) {
        errors.add(&format!("{FIELD_PREFIX}{key}"), "custom-field-unknown");
    }
    let mut values = Map::new();
    for field in fields {
        match raw.get(&field.key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None if field.required => errors.add(&field.input_name(), "field-required"),
            None => {}
            Some(text) => match typed_value(field, text) {
                Ok(value) => {
                    values.insert(field.key.clone(), value);
                }
                Err(key) => errors.add(&field.input_name(), key),
            },
        }
    }
    errors.finish(values)
}

fn typed_value(field: &CustomField, text: &str) -> Result<Value, &'static str> {
    Ok(match field.kind {
        FieldType::Text if text.chars().count() > MAX_TEXT => return Err("field-too-long"),
        FieldType::Text if text.contains('\0') => return Err("field-invalid"),
        FieldType::Text => Value::String(text.to_owned()),
        FieldType::Number => number(text).ok_or("field-invalid-number")?,
        FieldType::Date => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(|d| Value::String(d.to_string()))
            .map_err(|_| "field-invalid-date")?,
        FieldType::Boolean => match text.to_lowercase().as_str() {
            "true" | "yes" | "oui" | "1" | "on" => Value::Bool(true),
            "false" | "no" | "non" | "0" | "off" => Value::Bool(false),
            _ => return Err("field-invalid-boolean"),
        },
        FieldType::List => {
            let option = field.options.iter().find(|o| o.eq_ignore_ascii_case(text)).ok_or("field-invalid-choice")?;
            Value::String(option.clone())
        }
    })
}

/// A finite number written with digits, an optional sign and one decimal
/// point or comma ("12", "-3.5", "24,5"); no exponents, no "NaN".
fn number(text: &str) -> Option<Value> {
    let normalised = text.replace(',', ".");
    let digits = normalised.strip_prefix('-').unwrap_or(&normalised);
    let plain = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    if !plain || digits.len() > 30 {
        return None;
    }
    if let Ok(integer) = normalised.parse::<i64>() {
        return Some(Value::from(integer));
    }
    normalised.parse::<f64>().ok().filter(|n| n.is_finite()).map(Value::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn definitions_round_trip_through_the_form_text() {
        let text = "screen | Screen size (in) | number | required\nlayout | Keyboard | list | | AZERTY, QWERTY\nnote | Note | text";
        let fields = parse_definitions(text).expect("valid definitions");
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[1].options, vec!["AZERTY", "QWERTY"]);
        assert!(fields[0].required && !fields[1].required);
        assert_eq!(parse_definitions(&definitions_text(&fields)), Ok(fields));
    }

    #[test]
    fn bad_definitions_say_why() {
        assert_eq!(parse_definitions("Screen | Size | number"), Err("custom-fields-key"));
        assert_eq!(parse_definitions("size | Size | numbr"), Err("custom-fields-kind"));
        assert_eq!(parse_definitions("a | A | text\na | B | text"), Err("custom-fields-duplicate"));
        assert_eq!(parse_definitions("a | A | list"), Err("custom-fields-options"));
        assert_eq!(parse_definitions("a | A | text | maybe"), Err("custom-fields-required"));
        assert_eq!(parse_definitions("just a label"), Err("custom-fields-line"));
    }

    #[test]
    fn values_are_typed_or_marked_with_the_reason() {
        let fields = parse_definitions(
            "size | Size | number | required\nbought | Bought | date\nwifi | Wi-Fi | boolean\nlayout | Layout | list | | AZERTY, QWERTY",
        )
        .expect("valid definitions");
        let values = typed_values(&fields, &raw(&[("size", "24,5"), ("wifi", "oui"), ("layout", "azerty")]))
            .expect("valid values");
        assert_eq!(values["size"], Value::from(24.5));
        assert_eq!(values["wifi"], Value::Bool(true));
        assert_eq!(values["layout"], Value::from("AZERTY"));

        let errors =
            typed_values(&fields, &raw(&[("size", "abc"), ("bought", "2026-02-30"), ("layout", "DVORAK"), ("x", "1")]))
                .expect_err("invalid values");
        assert_eq!(errors.get("custom.size"), Some("field-invalid-number"));
        assert_eq!(errors.get("custom.bought"), Some("field-invalid-date"));
        assert_eq!(errors.get("custom.layout"), Some("field-invalid-choice"));
        assert_eq!(errors.get("custom.x"), Some("custom-field-unknown"));
        let missing = typed_values(&fields, &raw(&[])).expect_err("size is required");
        assert_eq!(missing.get("custom.size"), Some("field-required"));
        for not_a_number in ["1e9", "NaN", "inf", "1.2.3", "-", "12abc"] {
            assert_eq!(number(not_a_number), None, "{not_a_number}");
        }
    }
}
