//! Raw form values -> typed values, collecting every field's error at once so a
//! form comes back with each problem next to its field and the input kept.

use crate::error::{AppError, AppResult};
use serde::Serialize;
use uuid::Uuid;

/// The body of a delete confirmation: the version the person saw.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct VersionForm {
    pub version: String,
}

impl VersionForm {
    /// The version sent, else `current` (a form without one deletes what is there).
    pub fn or(&self, current: i64) -> i64 {
        self.version.trim().parse().unwrap_or(current)
    }
}

/// Field name -> message key, in the order they were found; some with a
/// detail the message cannot hold (what exactly a parser refused).
#[derive(Clone, Debug, Default, Serialize)]
#[serde(transparent)]
pub struct FieldErrors {
    errors: Vec<(String, String)>,
    #[serde(skip)]
    details: Vec<(String, String)>,
}

impl FieldErrors {
    pub fn single(field: &str, message_key: &str) -> Self {
        let mut errors = Self::default();
        errors.add(field, message_key);
        errors
    }

    pub fn add(&mut self, field: &str, message_key: &str) {
        if self.get(field).is_none() {
            self.errors.push((field.to_owned(), message_key.to_owned()));
        }
    }

    /// An error with the text that says what exactly is wrong (untranslated:
    /// it quotes the person's input), shown after the message.
    pub fn add_detailed(&mut self, field: &str, message_key: &str, detail: &str) {
        if self.get(field).is_none() {
            self.add(field, message_key);
            self.details.push((field.to_owned(), detail.to_owned()));
        }
    }

    /// The message key of `field`'s error, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    /// The detail of `field`'s error, if it has one.
    pub fn detail(&self, field: &str) -> Option<&str> {
        self.details.iter().find(|(f, _)| f == field).map(|(_, d)| d.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.errors.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    /// `Ok(value)` when no error was collected.
    pub fn finish<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }
}

/// Checks on one form, each recording its field's error.
#[derive(Debug, Default)]
pub struct Parser {
    pub errors: FieldErrors,
}

impl Parser {
    /// Trimmed text of 1..=max characters.
    pub fn required(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = self.text(field, value, max);
        if value.is_empty() {
            self.errors.add(field, "field-required");
        }
        value
    }

    /// Trimmed text of at most max characters, possibly empty. NUL is refused:
    /// PostgreSQL text cannot hold it, and no person types it.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.chars().count() > max {
            self.errors.add(field, "field-too-long");
        } else if value.contains('\0') {
            self.errors.add(field, "field-invalid");
        }
        value.to_owned()
    }

    /// Empty -> None; else the trimmed text.
    pub fn optional(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        let value = self.text(field, value, max);
        (!value.is_empty()).then_some(value)
    }

    /// Empty -> None; else a UUID (select lists send ids).
    pub fn optional_id(&mut self, field: &str, value: &str) -> Option<Uuid> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        match Uuid::parse_str(value) {
            Ok(id) => Some(id),
            Err(_) => {
                self.errors.add(field, "field-invalid-choice");
                None
            }
        }
    }

    pub fn required_id(&mut self, field: &str, value: &str) -> Uuid {
        match self.optional_id(field, value) {
            Some(id) => id,
            None => {
                self.errors.add(field, "field-required");
                Uuid::nil()
            }
        }
    }

    /// One of `choices` (compared exactly).
    pub fn choice<'c>(&mut self, field: &str, value: &str, choices: &[&'c str]) -> &'c str {
        match choices.iter().find(|c| **c == value.trim()) {
            Some(choice) => choice,
            None => {
                self.errors.add(field, "field-invalid-choice");
                choices.first().copied().unwrap_or_default()
            }
        }
    }

    /// Optional e-mail address: one @, something on each side, no spaces.
    pub fn optional_email(&mut self, field: &str, value: &str) -> Option<String> {
        let value = self.optional(field, value, 254)?;
        let valid = match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !value.chars().any(|c| c.is_whitespace() || c.is_control())
                    && !domain.contains('@')
            }
            None => false,
        };
        if !valid {
            self.errors.add(field, "field-invalid-email");
        }
        Some(value)
    }

    /// Optional web address: http(s) only, so a stored link can never run script.
    pub fn web_address(&mut self, field: &str, value: &str) -> String {
        let value = self.text(field, value, 500);
        let valid = value.is_empty()
            || ((value.starts_with("https://") || value.starts_with("http://"))
                && value.len() > 8
                && !value.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>'));
        if !valid {
            self.errors.add(field, "field-invalid-url");
        }
        value
    }

    /// Optional date, as YYYY-MM-DD (what date inputs send).
    pub fn optional_date(&mut self, field: &str, value: &str) -> Option<chrono::NaiveDate> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                self.errors.add(field, "field-invalid-date");
                None
            }
        }
    }

    /// Optional amount of money: at most 2 decimals, not negative, below a
    /// trillion. Accepts "1234.5", "1 234,50" (French) and "1,234.50".
    pub fn optional_money(&mut self, field: &str, value: &str) -> Option<rust_decimal::Decimal> {
        let compact: String = value.chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}').collect();
        if compact.is_empty() {
            return None;
        }
        // The last separator is the decimal one; any other is grouping.
        let normalised = match compact.rfind([',', '.']) {
            Some(at) => {
                let (whole, fraction) = compact.split_at(at);
                format!("{}.{}", whole.replace([',', '.'], ""), &fraction[1..])
            }
            None => compact,
        };
        // Plain digits only: no exponent ("1e9"), no sign but a leading minus.
        let plain = normalised.strip_prefix('-').unwrap_or(&normalised);
        if plain.is_empty() || !plain.chars().all(|c| c.is_ascii_digit() || c == '.') {
            self.errors.add(field, "field-invalid-money");
            return None;
        }
        match normalised.parse::<rust_decimal::Decimal>() {
            Ok(amount) if amount.is_sign_negative() => {
                self.errors.add(field, "field-negative");
                None
            }
            Ok(amount) if amount.scale() > 2 || amount >= rust_decimal::Decimal::from(1_000_000_000_000i64) => {
                self.errors.add(field, "field-invalid-money");
                None
            }
            Ok(amount) => Some(amount),
            Err(_) => {
                self.errors.add(field, "field-invalid-money");
                None
            }
        }
    }

    /// The stored version the form was loaded from.
    pub fn version(&mut self, value: &str) -> i64 {
        value.trim().parse().unwrap_or_else(|_| {
            self.errors.add("version", "field-invalid");
            0
        })
    }

    pub fn finish<T>(self, value: T) -> Result<T, FieldErrors> {
        self.errors.finish(value)
    }
}

/// An optional id as a form or filter carries it: empty when there is none.
pub fn id_text(id: Option<Uuid>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

/// A checkbox's value: "on" when ticked, nothing when not (as browsers send it).
pub fn ticked(on: bool) -> String {
    if on { "on".into() } else { String::new() }
}

/// A form's value by name, trimmed; empty when absent.
pub fn pair_value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or_default()
}

/// A form's optional id by name; a malformed one is marked on its field.
pub fn pair_optional_id(pairs: &[(String, String)], name: &str) -> AppResult<Option<Uuid>> {
    match pair_value(pairs, name) {
        "" => Ok(None),
        text => Uuid::parse_str(text).map(Some).map_err(|_| AppError::field(name, "field-invalid-choice")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_error_once_per_field() {
        let mut p = Parser::default();
        p.required("name", "   ", 10);
        p.required("name", "x", 10);
        p.text("notes", &"é".repeat(11), 10);
        p.optional_email("email", "not-an-address");
        p.optional_id("entity", "42");
        let errors = p.finish(()).expect_err("four fields are wrong");
        let found: Vec<_> = errors.iter().collect();
        assert_eq!(
            found,
            vec![
                ("name", "field-required"),
                ("notes", "field-too-long"),
                ("email", "field-invalid-email"),
                ("entity", "field-invalid-choice")
            ]
        );
    }

    #[test]
    fn accepts_good_values() {
        let mut p = Parser::default();
        assert_eq!(p.required("name", "  Ada  ", 10), "Ada");
        assert_eq!(p.optional_email("email", "ada@example.org").as_deref(), Some("ada@example.org"));
        assert_eq!(p.optional("phone", " ", 10), None);
        assert!(p.finish(()).is_ok());
    }

    #[test]
    fn web_addresses_and_dates() {
        let mut p = Parser::default();
        assert_eq!(p.web_address("url", "https://www.dell.com"), "https://www.dell.com");
        assert_eq!(p.web_address("url", ""), "");
        assert_eq!(p.optional_date("eol", "2031-12-31"), chrono::NaiveDate::from_ymd_opt(2031, 12, 31));
        assert!(p.finish(()).is_ok());
        for bad in ["javascript:alert(1)", "ftp://x", "https://a b", "https://\"><script>"] {
            let mut p = Parser::default();
            p.web_address("url", bad);
            assert_eq!(p.finish(()).expect_err(bad).get("url"), Some("field-invalid-url"));
        }
        for bad in ["2026-02-30", "31/12/2031", "tomorrow"] {
            let mut p = Parser::default();
            p.optional_date("eol", bad);
            assert_eq!(p.finish(()).expect_err(bad).get("eol"), Some("field-invalid-date"));
        }
    }

    #[test]
    fn money_in_french_and_english_writing() {
        let mut p = Parser::default();
        assert_eq!(p.optional_money("price", "1 234,50").map(|d| d.to_string()), Some("1234.50".into()));
        assert_eq!(p.optional_money("price", "1,234.5").map(|d| d.to_string()), Some("1234.5".into()));
        assert_eq!(p.optional_money("price", "899").map(|d| d.to_string()), Some("899".into()));
        assert_eq!(p.optional_money("price", ""), None);
        assert!(p.finish(()).is_ok());
        for (bad, key) in [
            ("-5", "field-negative"),
            ("abc", "field-invalid-money"),
            ("1.234", "field-invalid-money"),
            ("1e9", "field-invalid-money"),
        ] {
            let mut p = Parser::default();
            p.optional_money("price", bad);
            assert_eq!(p.finish(()).expect_err(bad).get("price"), Some(key), "{bad}");
        }
    }

    #[test]
    fn refuses_nul_bytes() {
        let mut p = Parser::default();
        p.required("name", "a\0b", 10);
        assert_eq!(p.finish(()).expect_err("NUL").get("name"), Some("field-invalid"));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut p = Parser::default();
        p.required("name", &"é".repeat(10), 10);
        assert!(p.finish(()).is_ok());
    }
}
