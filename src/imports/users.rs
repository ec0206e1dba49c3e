//! Rows of a people file: matched on login; entity, place and manager by
//! name within the importer's scope. Roles and passwords never come from a
//! file: imported people get them from an administrator.

use std::collections::HashMap;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{Outcome, Row, RowResult, Target, renamed, row_refusal};
use crate::{
    audit::AuditActor,
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Scope},
    },
    error::AppResult,
    org::users::{
        access,
        db::{self, UserUpdateExtras},
        domain::UserInput,
        form::UserForm,
    },
    web::form::FieldErrors,
};

const RENAMES: [(&str, &str); 3] = [("entity_id", "entity"), ("location_id", "location"), ("manager_id", "manager")];

pub fn targets() -> Vec<Target> {
    vec![
        Target::new("login", "field-login", true),
        Target::new("name", "field-name", true),
        Target::new("email", "field-email", false),
        Target::new("phone", "field-phone", false),
        Target::new("entity", "field-entity", false),
        Target::new("location", "field-location", false),
        Target::new("manager", "field-manager", false),
        Target::new("language", "language", false),
        Target::new("time_zone", "field-time-zone", false),
        Target::new("active", "active", false),
    ]
}

pub struct UserRows {
    actor: Actor,
    create_scope: Scope,
    update_scope: Scope,
    default_entity: Option<Uuid>,
    entities: HashMap<String, Uuid>,
    locations: HashMap<String, Uuid>,
    /// Login -> person, for managers.
    logins: HashMap<String, Uuid>,
}

fn key(text: &str) -> String {
    text.trim().to_lowercase()
}

impl UserRows {
    pub async fn load(pool: &PgPool, actor: &Actor, default_entity: Option<Uuid>) -> AppResult<Self> {
        let create_scope = actor.scope_or_empty(ObjectKind::User, Action::Create);
        let view = actor.scope_or_empty(ObjectKind::User, Action::View);
        let places = actor.scope_or_empty(ObjectKind::Location, Action::View);
        let pairs = |rows: Vec<(Uuid, String)>| rows.into_iter().map(|(id, name)| (key(&name), id)).collect();
        let entities = pairs(
            sqlx::query_as("select id, name from entities where id = any($1)")
                .bind(create_scope.ids())
                .fetch_all(pool)
                .await?,
        );
        let locations = pairs(
            sqlx::query_as("select id, name from locations where entity_id = any($1)")
                .bind(places.ids())
                .fetch_all(pool)
                .await?,
        );
        let logins = pairs(
            sqlx::query_as("select id, login from users where entity_id = any($1)")
                .bind(view.ids())
                .fetch_all(pool)
                .await?,
        );
        Ok(Self {
            actor: actor.clone(),
            update_scope: actor.scope_or_empty(ObjectKind::User, Action::Update),
            default_entity: default_entity.filter(|e| create_scope.contains(*e)),
            create_scope,
            entities,
            locations,
            logins,
        })
    }
}

impl super::Rows for UserRows {
    async fn row(&mut self, conn: &mut PgConnection, pool: &PgPool, audit: &AuditActor, row: &Row) -> RowResult {
        let existing = sqlx::query_scalar!(
            "select id from users where lower(login) = lower($1) and entity_id = any($2)",
            row.get("login"),
            self.update_scope.ids()
        )
        .fetch_optional(&mut *conn)
        .await?;
        let current = match existing {
            Some(id) => Some(db::find_in(conn, &self.update_scope, id).await?),
            None => None,
        };
        let mut form = match &current {
            Some(user) => UserForm::from(user),
            None => UserForm {
                entity_id: self.default_entity.map(|e| e.to_string()).unwrap_or_default(),
                language: "fr".into(),
                time_zone: "Europe/Paris".into(),
                active: Some("on".into()),
                ..UserForm::default()
            },
        };
        let mut errors = FieldErrors::default();
        let texts = [
            ("login", &mut form.login),
            ("name", &mut form.name),
            ("email", &mut form.email),
            ("phone", &mut form.phone),
            ("language", &mut form.language),
            ("time_zone", &mut form.time_zone),
        ];
        for (target, field) in texts {
            if let Some(value) = row.given(target) {
                *field = value.to_owned();
            }
        }
        if let Some(active) = row.given("active") {
            form.active =
                Some(if matches!(key(active).as_str(), "0" | "no" | "non" | "false") { "false" } else { "on" }.into());
        }
        let lookups = [
            ("entity", &self.entities, &mut form.entity_id),
            ("location", &self.locations, &mut form.location_id),
            ("manager", &self.logins, &mut form.manager_id),
        ];
        for (target, names, field) in lookups {
            if let Some(name) = row.given(target) {
                match names.get(&key(name)) {
                    Some(id) => *field = id.to_string(),
                    None => errors.add(target, "import-unknown-value"),
                }
            }
        }
        let input = match form.parse() {
            Ok(input) if errors.is_empty() => input,
            Ok(_) => return Ok(Err(errors)),
            Err(more) => {
                for (field, key) in renamed(more, &RENAMES).iter() {
                    errors.add(field, key);
                }
                return Ok(Err(errors));
            }
        };
        let outcome = match current {
            None if !self.create_scope.contains(input.entity_id) => {
                return Ok(Err(FieldErrors::single("entity", "field-invalid-choice")));
            }
            None => db::insert_in(conn, audit, &input, None, &[]).await.map(|_| Outcome::Created),
            Some(user) => {
                // Someone who outranks the importer (an administrator) is left alone.
                let grants = db::grants_of(conn, user.id).await?;
                if access::check_target(&self.actor, &grants).is_err() || !self.update_scope.contains(input.entity_id) {
                    return Ok(Err(FieldErrors::single("login", "import-not-allowed")));
                }
                if UserInput::from(&user) == input {
                    Ok(Outcome::Unchanged)
                } else {
                    let extras = UserUpdateExtras::default();
                    db::update_in(conn, pool, audit, &user, user.version, &input, extras)
                        .await
                        .map(|()| Outcome::Updated)
                }
            }
        };
        match outcome {
            Ok(done) => Ok(Ok(done)),
            Err(error) => row_refusal(error).map(|r| r.map_err(|e| renamed(e, &RENAMES))),
        }
    }
}
