//! Raw user values (from the HTML form or the API) -> [`UserInput`].

use serde::Deserialize;

use super::domain::{User, UserCreate, UserInput, UserPatch};
use crate::{
    auth::permission::Role,
    web::form::{FieldErrors, Parser},
};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserForm {
    pub login: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub entity_id: String,
    pub location_id: String,
    pub manager_id: String,
    pub language: String,
    pub time_zone: String,
    /// A checkbox: present ("on") when ticked.
    pub active: Option<String>,
    pub version: String,
    /// On creation only: an initial password and role.
    pub password: String,
    pub role: String,
}

impl UserForm {
    pub fn parse(&self) -> Result<UserInput, FieldErrors> {
        let mut p = Parser::default();
        let login = p.required("login", &self.login, 100);
        if login.chars().any(|c| c.is_whitespace() || c.is_control()) {
            p.errors.add("login", "login-invalid");
        }
        let time_zone = p.required("time_zone", &self.time_zone, 64);
        if time_zone.parse::<chrono_tz::Tz>().is_err() {
            p.errors.add("time_zone", "field-invalid-choice");
        }
        let input = UserInput {
            login,
            name: p.required("name", &self.name, 200),
            email: p.optional_email("email", &self.email),
            phone: p.text("phone", &self.phone, 50),
            entity_id: p.required_id("entity_id", &self.entity_id),
            location_id: p.optional_id("location_id", &self.location_id),
            manager_id: p.optional_id("manager_id", &self.manager_id),
            language: p.choice("language", &self.language, &["fr", "en"]).to_owned(),
            time_zone,
            active: self.active.as_deref().is_some_and(|v| !v.is_empty() && v != "false"),
        };
        p.finish(input)
    }

    pub fn version(&self) -> Result<i64, FieldErrors> {
        let mut p = Parser::default();
        let version = p.version(&self.version);
        p.finish(version)
    }

    /// The initial role chosen on the creation form.
    pub fn initial_role(&self) -> Result<Option<Role>, FieldErrors> {
        match self.role.trim() {
            "" => Ok(None),
            other => Role::parse(other).map(Some).ok_or_else(|| FieldErrors::single("role", "field-invalid-choice")),
        }
    }
}

fn id_text(id: Option<uuid::Uuid>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

fn checkbox(value: bool) -> Option<String> {
    value.then(|| "on".to_owned())
}

impl From<&User> for UserForm {
    fn from(u: &User) -> Self {
        Self {
            login: u.login.clone(),
            name: u.name.clone(),
            email: u.email.clone().unwrap_or_default(),
            phone: u.phone.clone(),
            entity_id: u.entity_id.to_string(),
            location_id: id_text(u.location_id),
            manager_id: id_text(u.manager_id),
            language: u.language.clone(),
            time_zone: u.time_zone.clone(),
            active: checkbox(u.active),
            version: u.version.to_string(),
            password: String::new(),
            role: String::new(),
        }
    }
}

impl From<&UserCreate> for UserForm {
    fn from(body: &UserCreate) -> Self {
        Self {
            login: body.login.clone(),
            name: body.name.clone(),
            email: body.email.clone().unwrap_or_default(),
            phone: body.phone.clone().unwrap_or_default(),
            entity_id: body.entity_id.to_string(),
            location_id: id_text(body.location_id),
            manager_id: id_text(body.manager_id),
            language: body.language.clone().unwrap_or_else(|| "fr".into()),
            time_zone: body.time_zone.clone().unwrap_or_else(|| "Europe/Paris".into()),
            active: checkbox(body.active.unwrap_or(true)),
            version: String::new(),
            password: String::new(),
            role: String::new(),
        }
    }
}

impl UserForm {
    /// The current values with a PATCH body's fields laid over them.
    pub fn patched(current: &User, patch: &UserPatch) -> Self {
        let mut form = Self::from(current);
        if let Some(v) = &patch.login {
            form.login = v.clone();
        }
        if let Some(v) = &patch.name {
            form.name = v.clone();
        }
        if let Some(v) = &patch.email {
            form.email = v.clone().unwrap_or_default();
        }
        if let Some(v) = &patch.phone {
            form.phone = v.clone();
        }
        if let Some(v) = patch.entity_id {
            form.entity_id = v.to_string();
        }
        if let Some(v) = patch.location_id {
            form.location_id = id_text(v);
        }
        if let Some(v) = patch.manager_id {
            form.manager_id = id_text(v);
        }
        if let Some(v) = &patch.language {
            form.language = v.clone();
        }
        if let Some(v) = &patch.time_zone {
            form.time_zone = v.clone();
        }
        if let Some(v) = patch.active {
            form.active = checkbox(v);
        }
        form
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> UserForm {
        UserForm {
            login: "ada".into(),
            name: "Ada Lovelace".into(),
            email: "ada@example.org".into(),
            entity_id: uuid::Uuid::now_v7().to_string(),
            language: "en".into(),
            time_zone: "Europe/Paris".into(),
            active: Some("on".into()),
            ..UserForm::default()
        }
    }

    #[test]
    fn parses_a_valid_form() {
        let input = valid().parse().expect("valid");
        assert!(input.active);
        assert_eq!(input.email.as_deref(), Some("ada@example.org"));
    }

    #[test]
    fn marks_each_wrong_field() {
        let form = UserForm {
            login: "ada lovelace".into(),
            time_zone: "Mars/Olympus".into(),
            language: "de".into(),
            email: "nope".into(),
            entity_id: String::new(),
            active: None,
            ..valid()
        };
        let errors = form.parse().expect_err("invalid");
        for field in ["login", "time_zone", "language", "email", "entity_id"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }
}
