//! Rows of an asset file: names (model, status, place, person, group,
//! entity) resolved against what the importer may see, matched on tag or
//! serial, then created or updated through the register's own checks.

use std::collections::HashMap;

use sqlx::{Acquire, PgConnection, PgPool};
use uuid::Uuid;

use serde_json::{Map, Value};

use super::{Outcome, Row, RowResult, Rows, Target, in_savepoint, iso_date, renamed, row_refusal};
use crate::{
    assets::{
        categories::{
            self,
            fields::{CustomField, FIELD_PREFIX, typed_values},
        },
        register::{
            db,
            domain::{Asset, AssetInput, identity_serial},
            form::AssetForm,
        },
    },
    audit::AuditActor,
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Scope},
    },
    error::{AppError, AppResult},
    web::form::FieldErrors,
};

/// The plain text targets, copied to the form field of the same name.
const TEXTS: [&str; 11] = [
    "tag",
    "name",
    "serial",
    "supplier",
    "order_number",
    "invoice_number",
    "purchase_date",
    "price",
    "currency",
    "warranty_end",
    "notes",
];

/// Form fields whose errors belong to another target.
const RENAMES: [(&str, &str); 6] = [
    ("model_id", "model"),
    ("status_id", "status"),
    ("entity_id", "entity"),
    ("location_id", "location"),
    ("assigned_user_id", "assigned_to"),
    ("assigned_group_id", "group"),
];

pub async fn targets(pool: &PgPool) -> AppResult<Vec<super::Target>> {
    let mut targets = vec![
        Target::new("tag", "field-tag", false),
        Target::new("name", "field-name", false),
        Target::new("serial", "field-serial", false),
        Target::new("model", "kind-asset-model", true),
        Target::new("manufacturer", "kind-manufacturer", false),
        Target::new("status", "field-status", false),
        Target::new("entity", "field-entity", false),
        Target::new("location", "field-location", false),
        Target::new("assigned_to", "field-assigned-to", false),
        Target::new("group", "field-assigned-group", false),
    ];
    for text in &TEXTS[3..] {
        targets.push(Target::new(text, &format!("field-{}", text.replace('_', "-")), false));
    }
    for (category, fields) in categories::all_fields(pool).await? {
        for field in fields {
            if !targets.iter().any(|t| t.name == field.input_name()) {
                targets.push(Target {
                    name: field.input_name(),
                    label: format!("{} ({category})", field.label),
                    required: false,
                });
            }
        }
    }
    Ok(targets)
}

/// Lower-case name -> ids, for names that are not unique (places, models).
type Names = HashMap<String, Vec<(Uuid, Option<Uuid>)>>;

pub struct AssetRows {
    create_scope: Scope,
    update_scope: Scope,
    default_entity: Option<Uuid>,
    default_status: Option<Uuid>,
    /// Model name -> (id, manufacturer id).
    models: Names,
    manufacturers: HashMap<String, Uuid>,
    statuses: HashMap<String, Uuid>,
    entities: HashMap<String, Uuid>,
    /// Place name -> (id, entity).
    locations: Names,
    /// Login, e-mail and name -> person.
    people: HashMap<String, Uuid>,
    groups: HashMap<String, Uuid>,
    /// Model -> the custom fields of its category.
    definitions: HashMap<Uuid, Vec<CustomField>>,
}

fn key(text: &str) -> String {
    text.trim().to_lowercase()
}

impl AssetRows {
    pub async fn load(pool: &PgPool, actor: &Actor, default_entity: Option<Uuid>) -> AppResult<Self> {
        let create_scope = actor.scope_or_empty(ObjectKind::Asset, Action::Create);
        let people_scope = actor.scope_or_empty(ObjectKind::User, Action::View);
        let places_scope = actor.scope_or_empty(ObjectKind::Location, Action::View);
        let mut models = Names::new();
        for m in sqlx::query!("select id, name, manufacturer_id from asset_models").fetch_all(pool).await? {
            models.entry(key(&m.name)).or_default().push((m.id, m.manufacturer_id));
        }
        let mut locations = Names::new();
        for l in sqlx::query!("select id, name, entity_id from locations where entity_id = any($1)", places_scope.ids())
            .fetch_all(pool)
            .await?
        {
            locations.entry(key(&l.name)).or_default().push((l.id, Some(l.entity_id)));
        }
        let mut people = HashMap::new();
        for p in sqlx::query!(
            "select id, login, name, email from users where entity_id = any($1) and active",
            people_scope.ids()
        )
        .fetch_all(pool)
        .await?
        {
            for name in [Some(p.name), Some(p.login), p.email].into_iter().flatten() {
                people.entry(key(&name)).or_insert(p.id);
            }
        }
        let pairs = |rows: Vec<(Uuid, String)>| rows.into_iter().map(|(id, name)| (key(&name), id)).collect();
        let statuses: Vec<(Uuid, String)> =
            sqlx::query_as("select id, name from asset_statuses order by kind, name").fetch_all(pool).await?;
        let default_status =
            sqlx::query_scalar!("select id from asset_statuses where kind = 'deployable' order by name limit 1")
                .fetch_optional(pool)
                .await?;
        Ok(Self {
            update_scope: actor.scope_or_empty(ObjectKind::Asset, Action::Update),
            default_entity: default_entity.filter(|e| create_scope.contains(*e)),
            default_status,
            models,
            manufacturers: pairs(sqlx::query_as("select id, name from manufacturers").fetch_all(pool).await?),
            statuses: pairs(statuses),
            entities: pairs(
                sqlx::query_as("select id, name from entities where id = any($1)")
                    .bind(create_scope.ids())
                    .fetch_all(pool)
                    .await?,
            ),
            locations,
            people,
            groups: pairs(
                sqlx::query_as("select id, name from groups where entity_id = any($1)")
                    .bind(people_scope.ids())
                    .fetch_all(pool)
                    .await?,
            ),
            definitions: sqlx::query!(
                r#"select m.id, c.custom_fields as "fields: sqlx::types::Json<Vec<CustomField>>"
                     from asset_models m join asset_categories c on c.id = m.category_id"#
            )
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| (r.id, r.fields.0))
            .collect(),
            create_scope,
        })
    }

    /// The existing asset this row is about: by tag, else by serial.
    async fn existing(
        &self,
        conn: &mut PgConnection,
        row: &Row,
    ) -> AppResult<Option<crate::assets::register::domain::Asset>> {
        let id = match (row.given("tag"), row.given("serial").and_then(identity_serial)) {
            (Some(tag), _) => {
                sqlx::query_scalar!(
                    "select id from assets where lower(tag) = lower($1) and entity_id = any($2)",
                    tag,
                    self.update_scope.ids()
                )
                .fetch_optional(&mut *conn)
                .await?
            }
            // Without ORDER BY ... LIMIT, which would lead the planner to walk the tag index.
            (None, Some(serial)) => sqlx::query_scalar!(
                "select id from assets where lower(serial) = lower($1) and entity_id = any($2)",
                serial,
                self.update_scope.ids()
            )
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .min(),
            (None, None) => None,
        };
        match id {
            Some(id) => Ok(Some(db::find_in(conn, &self.update_scope, id).await?)),
            None => Ok(None),
        }
    }

    /// Names -> ids in the form, marking each name that matches nothing.
    fn resolve(&self, row: &Row, form: &mut AssetForm, errors: &mut FieldErrors) {
        if let Some(model) = row.given("model") {
            let manufacturer = row.given("manufacturer").map(|m| self.manufacturers.get(&key(m)).copied());
            let candidates = self.models.get(&key(model)).map(Vec::as_slice).unwrap_or_default();
            let chosen = match manufacturer {
                Some(Some(maker)) => candidates.iter().find(|(_, m)| *m == Some(maker)),
                Some(None) => None,
                None => candidates.first(),
            };
            match chosen {
                Some((id, _)) => form.model_id = id.to_string(),
                None => errors.add("model", "import-unknown-value"),
            }
        }
        let mut lookup = |target: &str, map: &HashMap<String, Uuid>, field: &mut String| {
            if let Some(name) = row.given(target) {
                match map.get(&key(name)) {
                    Some(id) => *field = id.to_string(),
                    None => errors.add(target, "import-unknown-value"),
                }
            }
        };
        lookup("status", &self.statuses, &mut form.status_id);
        lookup("entity", &self.entities, &mut form.entity_id);
        lookup("assigned_to", &self.people, &mut form.assigned_user_id);
        lookup("group", &self.groups, &mut form.assigned_group_id);
        if let Some(place) = row.given("location") {
            let entity = uuid::Uuid::parse_str(&form.entity_id).ok();
            let candidates = self.locations.get(&key(place)).map(Vec::as_slice).unwrap_or_default();
            let chosen = candidates.iter().find(|(_, e)| *e == entity).or(candidates.first());
            match chosen {
                Some((id, _)) => form.location_id = id.to_string(),
                None => errors.add("location", "import-unknown-value"),
            }
        }
    }

    /// The values a row gives, over the current asset's when it exists.
    fn prepared(&self, row: &Row, current: Option<&Asset>) -> Result<AssetInput, FieldErrors> {
        let mut form = match current {
            Some(asset) => AssetForm::from(asset),
            None => AssetForm {
                entity_id: self.default_entity.map(|e| e.to_string()).unwrap_or_default(),
                status_id: self.default_status.map(|s| s.to_string()).unwrap_or_default(),
                ..AssetForm::default()
            },
        };
        for target in TEXTS {
            if let Some(value) = row.given(target) {
                let value = if target.ends_with("_date") || target == "warranty_end" {
                    iso_date(value)
                } else {
                    value.to_owned()
                };
                *form_text(&mut form, target) = value;
            }
        }
        for (target, value) in row.values.iter().filter(|(t, v)| t.starts_with(FIELD_PREFIX) && !v.is_empty()) {
            form.other.insert(target.clone(), value.clone());
        }
        let mut errors = FieldErrors::default();
        self.resolve(row, &mut form, &mut errors);
        let input = match form.parse(current.is_none()) {
            Ok(input) if errors.is_empty() => input,
            Ok(_) => return Err(errors),
            Err(more) => {
                for (field, key) in renamed(more, &RENAMES).iter() {
                    errors.add(field, key);
                }
                return Err(errors);
            }
        };
        let scope = if current.is_some() { &self.update_scope } else { &self.create_scope };
        if !scope.contains(input.entity_id) {
            return Err(FieldErrors::single("entity", "field-invalid-choice"));
        }
        Ok(input)
    }

    /// The id of the asset each row is about (by tag, else by serial), two queries for the batch.
    async fn existing_ids(&self, conn: &mut PgConnection, rows: &[Row]) -> AppResult<Vec<Option<Uuid>>> {
        let tags: Vec<String> = rows.iter().filter_map(|r| r.given("tag")).map(key).collect();
        let serials: Vec<String> = rows
            .iter()
            .filter(|r| r.given("tag").is_none())
            .filter_map(|r| r.given("serial").and_then(identity_serial))
            .map(|s| key(&s))
            .collect();
        let by_tag: HashMap<String, Uuid> = sqlx::query!(
            r#"select id, lower(tag) as "tag!" from assets where lower(tag) = any($1) and entity_id = any($2)"#,
            &tags,
            self.update_scope.ids()
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.tag, r.id))
        .collect();
        let mut by_serial: HashMap<String, Uuid> = HashMap::new();
        for r in sqlx::query!(
            r#"select id, lower(serial) as "serial!" from assets where lower(serial) = any($1) and entity_id = any($2)"#,
            &serials,
            self.update_scope.ids()
        )
        .fetch_all(&mut *conn)
        .await?
        {
            let first = by_serial.entry(r.serial).or_insert(r.id);
            *first = (*first).min(r.id);
        }
        Ok(rows
            .iter()
            .map(|row| match row.given("tag") {
                Some(tag) => by_tag.get(&key(tag)).copied(),
                None => row.given("serial").and_then(identity_serial).and_then(|s| by_serial.get(&key(&s)).copied()),
            })
            .collect())
    }

    /// A batch: new assets inserted together, the others one by one. When
    /// the joint insert is refused (a tag or serial taken, or repeated in the
    /// batch), every new row goes one by one, so each refusal names its row.
    pub async fn batch(
        &mut self,
        tx: &mut PgConnection,
        pool: &PgPool,
        audit: &AuditActor,
        rows: &[Row],
    ) -> AppResult<Vec<Result<Outcome, FieldErrors>>> {
        let existing = self.existing_ids(tx, rows).await?;
        let mut outcomes: Vec<Option<Result<Outcome, FieldErrors>>> = vec![None; rows.len()];
        let mut creates = Vec::new();
        for (index, row) in rows.iter().enumerate().filter(|(i, _)| existing[*i].is_none()) {
            let typed = self.prepared(row, None).and_then(|input| {
                let definitions = self.definitions.get(&input.model_id).map(Vec::as_slice).unwrap_or_default();
                let custom = typed_values(definitions, &input.custom)?;
                Ok((input, custom))
            });
            match typed {
                Ok(values) => creates.push((index, values)),
                Err(errors) => outcomes[index] = Some(Err(errors)),
            }
        }
        if !creates.is_empty() {
            let values: Vec<(AssetInput, Map<String, Value>)> = creates.iter().map(|(_, v)| v.clone()).collect();
            let mut savepoint = tx.begin().await?;
            match db::insert_many(&mut savepoint, audit, &values).await {
                Ok(_) => {
                    savepoint.commit().await?;
                    for (index, _) in &creates {
                        outcomes[*index] = Some(Ok(Outcome::Created));
                    }
                }
                Err(AppError::Taken(_) | AppError::Validation(_)) => savepoint.rollback().await?,
                Err(other) => return Err(other),
            }
        }
        let mut done = Vec::with_capacity(rows.len());
        for (row, outcome) in rows.iter().zip(outcomes) {
            done.push(match outcome {
                Some(outcome) => outcome,
                None => in_savepoint(tx, pool, audit, self, row).await?,
            });
        }
        Ok(done)
    }
}

impl Rows for AssetRows {
    async fn row(&mut self, conn: &mut PgConnection, pool: &PgPool, audit: &AuditActor, row: &Row) -> RowResult {
        let current = self.existing(conn, row).await?;
        let input = match self.prepared(row, current.as_ref()) {
            Ok(input) => input,
            Err(errors) => return Ok(Err(errors)),
        };
        let outcome = match current {
            None => db::insert_in(conn, audit, &input).await.map(|_| Outcome::Created),
            Some(asset) if AssetInput::from(&asset) == input => Ok(Outcome::Unchanged),
            Some(asset) => {
                db::update_in(conn, pool, audit, &asset, asset.version, &input).await.map(|()| Outcome::Updated)
            }
        };
        match outcome {
            Ok(done) => Ok(Ok(done)),
            Err(error) => row_refusal(error).map(|r| r.map_err(|e| renamed(e, &RENAMES))),
        }
    }
}

/// The form field a text target fills.
fn form_text<'f>(form: &'f mut AssetForm, target: &str) -> &'f mut String {
    match target {
        "tag" => &mut form.tag,
        "name" => &mut form.name,
        "serial" => &mut form.serial,
        "supplier" => &mut form.supplier,
        "order_number" => &mut form.order_number,
        "invoice_number" => &mut form.invoice_number,
        "purchase_date" => &mut form.purchase_date,
        "price" => &mut form.price,
        "currency" => &mut form.currency,
        "warranty_end" => &mut form.warranty_end,
        _ => &mut form.notes,
    }
}
