//! Raw settings and matrix values (HTML forms or API) -> checked values.

use serde::Deserialize;

use super::domain::{HelpdeskSettings, LEVELS, SettingsInput, SettingsPatch};
use crate::web::form::{FieldErrors, Parser, pair_value};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub autoclose_days: String,
    pub survey_valid_days: String,
    pub version: String,
}

/// A number of days from 1 to 365 (what the table accepts).
fn days(p: &mut Parser, field: &str, value: &str) -> i32 {
    match value.trim().parse::<i32>() {
        Ok(days) if (1..=365).contains(&days) => days,
        _ => {
            p.errors.add(field, "settings-days-range");
            0
        }
    }
}

impl SettingsForm {
    pub fn parse(&self) -> Result<(SettingsInput, i64), FieldErrors> {
        let mut p = Parser::default();
        let input = SettingsInput {
            autoclose_days: days(&mut p, "autoclose_days", &self.autoclose_days),
            survey_valid_days: days(&mut p, "survey_valid_days", &self.survey_valid_days),
        };
        let version = p.version(&self.version);
        p.finish((input, version))
    }

    /// The current values with the body laid over them.
    pub fn patched(current: &HelpdeskSettings, patch: &SettingsPatch, version: i64) -> Self {
        Self {
            autoclose_days: patch.autoclose_days.unwrap_or(current.autoclose_days).to_string(),
            survey_valid_days: patch.survey_valid_days.unwrap_or(current.survey_valid_days).to_string(),
            version: version.to_string(),
        }
    }
}

impl From<&HelpdeskSettings> for SettingsForm {
    fn from(s: &HelpdeskSettings) -> Self {
        Self {
            autoclose_days: s.autoclose_days.to_string(),
            survey_valid_days: s.survey_valid_days.to_string(),
            version: s.version.to_string(),
        }
    }
}

/// The name of a cell of the matrix form.
pub fn cell_name(urgency: usize, impact: usize) -> String {
    format!("p_{urgency}_{impact}")
}

/// A matrix whose every cell is a priority from 1 to 5; `cell(u, i)` reads
/// urgency u, impact i (from 1), and a bad one is marked on `field(u, i)`.
fn matrix(
    cell: impl Fn(usize, usize) -> Option<i16>,
    field: impl Fn(usize, usize) -> String,
) -> Result<[[i16; LEVELS]; LEVELS], FieldErrors> {
    let mut errors = FieldErrors::default();
    let priorities = std::array::from_fn(|u| {
        std::array::from_fn(|i| match cell(u + 1, i + 1).filter(|p| (1..=5).contains(p)) {
            Some(priority) => priority,
            None => {
                errors.add(&field(u + 1, i + 1), "priority-matrix-invalid");
                0
            }
        })
    });
    errors.finish(priorities)
}

/// The posted matrix form (`p_<urgency>_<impact>` and `version`).
pub fn matrix_from_form(pairs: &[(String, String)]) -> Result<([[i16; LEVELS]; LEVELS], i64), FieldErrors> {
    let priorities = matrix(|u, i| pair_value(pairs, &cell_name(u, i)).parse().ok(), cell_name);
    let mut p = Parser::default();
    let version = p.version(pair_value(pairs, "version"));
    match (priorities, p.finish(version)) {
        (Ok(priorities), Ok(version)) => Ok((priorities, version)),
        (Err(errors), _) | (_, Err(errors)) => Err(errors),
    }
}

/// The matrix of an API body: five rows of five.
pub fn matrix_from_rows(rows: &[Vec<i16>]) -> Result<[[i16; LEVELS]; LEVELS], FieldErrors> {
    if rows.len() != LEVELS || rows.iter().any(|row| row.len() != LEVELS) {
        return Err(FieldErrors::single("priorities", "priority-matrix-shape"));
    }
    matrix(|u, i| rows.get(u - 1).and_then(|row| row.get(i - 1)).copied(), |_, _| "priorities".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_run_from_one_to_a_year() {
        let form = SettingsForm { autoclose_days: "0".into(), survey_valid_days: "30".into(), version: "x".into() };
        let errors = form.parse().expect_err("invalid");
        assert_eq!(errors.get("autoclose_days"), Some("settings-days-range"));
        assert_eq!(errors.get("version"), Some("field-invalid"));
        let form = SettingsForm { autoclose_days: " 14 ".into(), survey_valid_days: "365".into(), version: "2".into() };
        assert_eq!(form.parse().expect("valid"), (SettingsInput { autoclose_days: 14, survey_valid_days: 365 }, 2));
    }

    #[test]
    fn a_matrix_has_twenty_five_priorities() {
        let mut pairs: Vec<(String, String)> = vec![("version".into(), "1".into())];
        for u in 1..=5 {
            for i in 1..=5 {
                pairs.push((cell_name(u, i), ((u + i) / 2).to_string()));
            }
        }
        let (priorities, version) = matrix_from_form(&pairs).expect("valid");
        assert_eq!((priorities[4][4], priorities[0][0], version), (5, 1, 1));
        pairs[3].1 = "6".into();
        assert_eq!(matrix_from_form(&pairs).expect_err("six").get("p_1_3"), Some("priority-matrix-invalid"));
        assert_eq!(
            matrix_from_rows(&vec![vec![3; 5]; 4]).expect_err("4 rows").get("priorities"),
            Some("priority-matrix-shape")
        );
        assert_eq!(matrix_from_rows(&vec![vec![3; 5]; 5]).expect("valid")[2], [3; 5]);
    }
}
