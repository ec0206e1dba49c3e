//! The history of every change: who, when, what (old -> new), the request id
//! and the source. Written in the same transaction as the change, by an explicit
//! call from each slice's `db.rs`, so a failed change leaves no history and a
//! change never goes unrecorded.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::{
    auth::permission::ObjectKind,
    error::{AppError, AppResult},
};

/// Where a change came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Web,
    Api,
    Cli,
    System,
    /// A CSV import, on behalf of the person who started it.
    Import,
    /// An inventory agent.
    Inventory,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Web => "web",
            Source::Api => "api",
            Source::Cli => "cli",
            Source::System => "system",
            Source::Import => "import",
            Source::Inventory => "inventory",
        }
    }
}

/// The author of a change, taken from the session, token or command line.
#[derive(Clone, Debug)]
pub struct AuditActor {
    pub id: Option<Uuid>,
    pub label: String,
    pub source: Source,
    pub request_id: Option<String>,
}

impl AuditActor {
    pub fn system() -> Self {
        Self { id: None, label: "system".into(), source: Source::System, request_id: None }
    }

    pub fn cli() -> Self {
        Self { id: None, label: "cli".into(), source: Source::Cli, request_id: None }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Create,
    Update,
    Delete,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Create => "create",
            Change::Update => "update",
            Change::Delete => "delete",
        }
    }
}

/// Field -> {"old", "new"} for every field whose value differs.
pub fn diff(before: Option<&Value>, after: Option<&Value>) -> Map<String, Value> {
    let empty = Map::new();
    let before = before.and_then(Value::as_object).unwrap_or(&empty);
    let after = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut changes = Map::new();
    let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
    fields.sort();
    fields.dedup();
    for field in fields {
        let old = before.get(field).unwrap_or(&Value::Null);
        let new = after.get(field).unwrap_or(&Value::Null);
        if old != new {
            let mut pair = Map::new();
            pair.insert("old".into(), old.clone());
            pair.insert("new".into(), new.clone());
            changes.insert(field.clone(), Value::Object(pair));
        }
    }
    changes
}

/// One change of one object: the rows before and after as snapshots.
pub struct Record<'a> {
    pub kind: ObjectKind,
    pub object_id: Uuid,
    pub entity_id: Option<Uuid>,
    pub change: Change,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub actor: &'a AuditActor,
}

/// Write the history row, inside the caller's transaction. An update that
/// changed nothing writes nothing and returns false.
pub async fn record(conn: &mut PgConnection, record: Record<'_>) -> AppResult<bool> {
    let changes = diff(record.before.as_ref(), record.after.as_ref());
    if record.change == Change::Update && changes.is_empty() {
        return Ok(false);
    }
    sqlx::query!(
        "insert into audit_log (actor_id, actor_label, source, request_id, object_kind, object_id, entity_id, action, changes)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        record.actor.id,
        record.actor.label,
        record.actor.source.as_str(),
        record.actor.request_id,
        record.kind.as_str(),
        record.object_id,
        record.entity_id,
        record.change.as_str(),
        Value::Object(changes)
    )
    .execute(conn)
    .await?;
    Ok(true)
}

/// The object a history row is about.
#[derive(Clone, Copy, Debug)]
pub struct Subject {
    pub kind: ObjectKind,
    pub id: Uuid,
    pub entity_id: Option<Uuid>,
}

impl Subject {
    pub fn new(kind: ObjectKind, id: Uuid, entity_id: Option<Uuid>) -> Self {
        Self { kind, id, entity_id }
    }
}

fn snapshot(value: &impl Serialize) -> AppResult<Value> {
    Ok(serde_json::to_value(value).map_err(anyhow::Error::from)?)
}

/// The history row of an object just inserted (`after` is its snapshot).
pub async fn created(
    conn: &mut PgConnection,
    actor: &AuditActor,
    subject: Subject,
    after: &impl Serialize,
) -> AppResult<()> {
    let record = Record {
        kind: subject.kind,
        object_id: subject.id,
        entity_id: subject.entity_id,
        change: Change::Create,
        before: None,
        after: Some(snapshot(after)?),
        actor,
    };
    record_row(conn, record).await
}

/// The `changes` of the history row of an object just inserted (`after` is
/// its snapshot), for a statement that writes the object and its history
/// together.
pub fn creation_changes(after: &impl Serialize) -> AppResult<Value> {
    Ok(Value::Object(diff(None, Some(&snapshot(after)?))))
}

/// The history rows of many objects of one kind just inserted: (id, entity, snapshot).
pub async fn created_many(
    conn: &mut PgConnection,
    actor: &AuditActor,
    kind: ObjectKind,
    objects: &[(Uuid, Option<Uuid>, Value)],
) -> AppResult<()> {
    let ids: Vec<Uuid> = objects.iter().map(|(id, _, _)| *id).collect();
    let entities: Vec<Option<Uuid>> = objects.iter().map(|(_, entity, _)| *entity).collect();
    let changes: Vec<Value> = objects.iter().map(|(_, _, after)| Value::Object(diff(None, Some(after)))).collect();
    sqlx::query!(
        "insert into audit_log (actor_id, actor_label, source, request_id, object_kind, object_id, entity_id, action, changes)
         select $1, $2, $3, $4, $5, o, e, 'create', c from unnest($6::uuid[], $7::uuid[], $8::jsonb[]) as t (o, e, c)",
        actor.id,
        actor.label,
        actor.source.as_str(),
        actor.request_id,
        kind.as_str(),
        &ids,
        &entities as &[Option<Uuid>],
        &changes
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// After `UPDATE ... WHERE id = $1 AND version = $2` changed `rows` rows: the
/// stale-edit error when it changed none, else the history row.
pub async fn updated(
    conn: &mut PgConnection,
    pool: &PgPool,
    actor: &AuditActor,
    subject: Subject,
    rows: u64,
    before: &impl Serialize,
    after: &impl Serialize,
) -> AppResult<()> {
    if rows == 0 {
        return Err(stale_edit(pool, subject.kind, subject.id).await);
    }
    record_change(conn, actor, subject, before, after).await
}

/// The history row of a change already made under a row lock (a status
/// change, an assignment), where no stale edit can happen.
pub async fn record_change(
    conn: &mut PgConnection,
    actor: &AuditActor,
    subject: Subject,
    before: &impl Serialize,
    after: &impl Serialize,
) -> AppResult<()> {
    let record = Record {
        kind: subject.kind,
        object_id: subject.id,
        entity_id: subject.entity_id,
        change: Change::Update,
        before: Some(snapshot(before)?),
        after: Some(snapshot(after)?),
        actor,
    };
    record_row(conn, record).await
}

/// The history rows of one same change to many objects of a kind shared by
/// every entity, already made under their row locks (the category they all
/// lost, say): one statement however many they are.
pub async fn changed_alike(
    conn: &mut PgConnection,
    actor: &AuditActor,
    kind: ObjectKind,
    ids: &[Uuid],
    before: &Value,
    after: &Value,
) -> AppResult<()> {
    let changes = diff(Some(before), Some(after));
    if ids.is_empty() || changes.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "insert into audit_log (actor_id, actor_label, source, request_id, object_kind, object_id, action, changes)
         select $1, $2, $3, $4, $5, o, 'update', $7 from unnest($6::uuid[]) as t (o)",
        actor.id,
        actor.label,
        actor.source.as_str(),
        actor.request_id,
        kind.as_str(),
        ids,
        Value::Object(changes)
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// After `DELETE ... WHERE id = $1 AND version = $2`: the same, for a deletion.
pub async fn deleted(
    conn: &mut PgConnection,
    pool: &PgPool,
    actor: &AuditActor,
    subject: Subject,
    rows: u64,
    before: &impl Serialize,
) -> AppResult<()> {
    if rows == 0 {
        return Err(stale_edit(pool, subject.kind, subject.id).await);
    }
    let record = Record {
        kind: subject.kind,
        object_id: subject.id,
        entity_id: subject.entity_id,
        change: Change::Delete,
        before: Some(snapshot(before)?),
        after: None,
        actor,
    };
    record_row(conn, record).await
}

async fn record_row(conn: &mut PgConnection, record: Record<'_>) -> AppResult<()> {
    self::record(conn, record).await.map(drop)
}

/// A history row as pages and the API show it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_label: String,
    pub source: String,
    pub request_id: Option<String>,
    pub action: String,
    #[schema(value_type = Object)]
    pub changes: Value,
}

/// A history row as the History tab shows it: each changed field with its
/// old and new values already as text, read from the stored JSON in one
/// pass (no `Value` tree per row to build, copy and free).
#[derive(Clone, Debug)]
pub struct HistoryLine {
    pub at: DateTime<Utc>,
    pub actor_label: String,
    pub source: String,
    pub action: String,
    pub changes: sqlx::types::Json<FieldChanges>,
}

impl HistoryLine {
    /// Message key of the action.
    pub fn action_key(&self) -> &'static str {
        match self.action.as_str() {
            "create" => "history-create",
            "delete" => "history-delete",
            _ => "history-update",
        }
    }
}

/// One changed field: its name, and its values as text ("" for none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// The changed fields of a history row, by field name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldChanges(pub Vec<FieldChange>);

impl<'de> serde::Deserialize<'de> for FieldChanges {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = FieldChanges;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of changed fields")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<FieldChanges, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(1));
                while let Some((field, pair)) = map.next_entry::<String, OldNew>()? {
                    fields.push(FieldChange { field, old: pair.old.0, new: pair.new.0 });
                }
                // The order a JSON object's fields are listed in (by name).
                fields.sort_by(|a, b| a.field.cmp(&b.field));
                Ok(FieldChanges(fields))
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

/// `{"old": ..., "new": ...}`; anything else reads as two empty values.
#[derive(Default)]
struct OldNew {
    old: ValueText,
    new: ValueText,
}

impl<'de> serde::Deserialize<'de> for OldNew {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        struct Pair;
        impl<'de> Visitor<'de> for Pair {
            type Value = OldNew;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an old and a new value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OldNew, A::Error> {
                let mut pair = OldNew::default();
                while let Some(key) = map.next_key::<PairKey>()? {
                    match key {
                        PairKey::Old => pair.old = map.next_value()?,
                        PairKey::New => pair.new = map.next_value()?,
                        PairKey::Other => drop(map.next_value::<IgnoredAny>()?),
                    }
                }
                Ok(pair)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OldNew, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(OldNew::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<OldNew, E> {
                Ok(OldNew::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<OldNew, E> {
                Ok(OldNew::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<OldNew, E> {
                Ok(OldNew::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<OldNew, E> {
                Ok(OldNew::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<OldNew, E> {
                Ok(OldNew::default())
            }
            fn visit_unit<E>(self) -> Result<OldNew, E> {
                Ok(OldNew::default())
            }
        }
        deserializer.deserialize_any(Pair)
    }
}

/// A key of an old/new pair, read without keeping it.
enum PairKey {
    Old,
    New,
    Other,
}

impl<'de> serde::Deserialize<'de> for PairKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Key;
        impl serde::de::Visitor<'_> for Key {
            type Value = PairKey;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, key: &str) -> Result<PairKey, E> {
                Ok(match key {
                    "old" => PairKey::Old,
                    "new" => PairKey::New,
                    _ => PairKey::Other,
                })
            }
        }
        deserializer.deserialize_str(Key)
    }
}

/// A recorded value as text: a string as it is, nothing as "", anything
/// else as its JSON.
#[derive(Default)]
struct ValueText(String);

impl<'de> serde::Deserialize<'de> for ValueText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{
            MapAccess, SeqAccess, Visitor,
            value::{MapAccessDeserializer, SeqAccessDeserializer},
        };
        struct Text;
        impl<'de> Visitor<'de> for Text {
            type Value = ValueText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a value")
            }
            fn visit_str<E>(self, text: &str) -> Result<ValueText, E> {
                Ok(ValueText(text.to_owned()))
            }
            fn visit_string<E>(self, text: String) -> Result<ValueText, E> {
                Ok(ValueText(text))
            }
            fn visit_unit<E>(self) -> Result<ValueText, E> {
                Ok(ValueText::default())
            }
            fn visit_none<E>(self) -> Result<ValueText, E> {
                Ok(ValueText::default())
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, inner: D) -> Result<ValueText, D::Error> {
                ValueText::deserialize(inner)
            }
            fn visit_bool<E>(self, value: bool) -> Result<ValueText, E> {
                Ok(ValueText(Value::from(value).to_string()))
            }
            fn visit_i64<E>(self, value: i64) -> Result<ValueText, E> {
                Ok(ValueText(Value::from(value).to_string()))
            }
            fn visit_u64<E>(self, value: u64) -> Result<ValueText, E> {
                Ok(ValueText(Value::from(value).to_string()))
            }
            fn visit_f64<E>(self, value: f64) -> Result<ValueText, E> {
                Ok(ValueText(Value::from(value).to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<ValueText, A::Error> {
                Ok(ValueText(Value::deserialize(SeqAccessDeserializer::new(seq))?.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ValueText, A::Error> {
                Ok(ValueText(Value::deserialize(MapAccessDeserializer::new(map))?.to_string()))
            }
        }
        deserializer.deserialize_any(Text)
    }
}

/// Names of the objects the history mentions by id (a model, a person...),
/// so the History tab shows "Latitude 5440" rather than an id.
pub async fn names_of_ids(
    pool: &PgPool,
    entries: &[HistoryLine],
) -> AppResult<std::collections::HashMap<String, String>> {
    let mut ids: Vec<Uuid> = entries
        .iter()
        .flat_map(|e| e.changes.0.0.iter())
        .flat_map(|change| [change.old.as_str(), change.new.as_str()])
        // An id as the names are keyed (hyphenated): other text is no id.
        .filter(|text| text.len() == 36)
        .filter_map(|text| Uuid::parse_str(text).ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows = sqlx::query!(
        r#"select id as "id!", name as "name!" from (
               select id, name from entities union all select id, name from locations
               union all select id, name from users union all select id, name from groups
               union all select id, name from manufacturers union all select id, name from asset_statuses
               union all select id, name from asset_categories union all select id, name from asset_models
               union all select id, tag from assets union all select id, name from ticket_categories
               union all select id, name from slas union all select id, name from calendars
               union all select id, name from software union all select id, name from software_categories
           ) named where id = any($1)"#,
        &ids
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
}

/// The message key of a recorded field's label.
pub fn field_label_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => "field-name",
        "tag" => "field-tag",
        "serial" => "field-serial",
        "model_id" => "kind-asset-model",
        "status_id" => "field-status",
        "entity_id" => "field-entity",
        "location_id" => "field-location",
        "assigned_user_id" => "field-assigned-to",
        "assigned_group_id" => "field-assigned-group",
        "parent_id" => "history-field-parent",
        "parent_asset_id" => "history-field-parent",
        "kind" => "history-field-kind",
        "notes" => "field-notes",
        "description" => "field-description",
        "login" => "field-login",
        "email" => "field-email",
        "phone" => "field-phone",
        "manager_id" => "field-manager",
        "language" => "language",
        "time_zone" => "field-time-zone",
        "active" => "active",
        "roles" => "field-roles",
        "members" => "group-members",
        "password" => "field-password",
        "url" => "field-url",
        "tag_pattern" => "field-tag-pattern",
        "category_id" => "kind-asset-category",
        "manufacturer_id" => "kind-manufacturer",
        "part_number" => "field-part-number",
        "end_of_life" => "field-end-of-life",
        "supplier" => "field-supplier",
        "order_number" => "field-order-number",
        "invoice_number" => "field-invoice-number",
        "purchase_date" => "field-purchase-date",
        "price" => "field-price",
        "currency" => "field-currency",
        "warranty_end" => "field-warranty-end",
        "address" => "field-address",
        "postcode" => "field-postcode",
        "city" => "field-city",
        "country" => "field-country",
        "lifecycle" => "lifecycle",
        "reason" => "status-reason",
        "status_since" => "history-field-since",
        "custom_fields" => "field-custom-fields",
        "has_hardware" => "field-has-hardware",
        "used_by" => "used-by",
        "relations" => "relations",
        "os" => "hardware-os",
        "cpu" => "hardware-cpu",
        "cpu_cores" => "hardware-cores",
        "memory_mb" => "hardware-memory",
        "disks" => "hardware-disks",
        "interfaces" => "hardware-interfaces",
        "title" => "history-field-title",
        "urgency" => "history-field-urgency",
        "impact" => "history-field-impact",
        "priority" => "history-field-priority",
        "requester_id" => "history-field-requester",
        "source" => "history-field-source",
        "status" => "field-status",
        "pending_reason" => "history-field-pending-reason",
        "assignees" => "history-field-assignees",
        "group_id" => "kind-group",
        "sla_id" => "kind-sla",
        "on_portal" => "ticket-category-on-portal",
        "calendar_id" => "kind-calendar",
        "week" => "calendar-week",
        "french_holidays" => "calendar-french-holidays",
        "closures" => "calendar-closures",
        "own_minutes" => "sla-own",
        "resolve_minutes" => "sla-resolve",
        "escalate_at" => "sla-escalate-at",
        "is_default" => "sla-default",
        "autoclose_days" => "settings-autoclose-days",
        "survey_valid_days" => "settings-survey-days",
        "required_software" => "standard-configuration-software",
        "watchers" => "ticket-watchers",
        "attachment" => "history-field-attachment",
        "attachment_private" => "history-field-attachment-private",
        "software_id" => "kind-software",
        "software" => "kind-software",
        "publisher" => "software-publisher",
        "category" => "software-category",
        "software_category_id" => "software-category",
        "forbidden" => "software-forbidden",
        "versions" => "software-versions",
        "merged_into" => "software-merged-into",
        "merged_from" => "software-merged-from",
        "inventory_installations" => "software-inventory-installations",
        "left_out" => "software-left-out",
        "seats" => "licence-seats",
        "seat" => "licence-seat",
        "licence_key" => "licence-key",
        "starts_on" => "licence-starts-on",
        "expires_on" => "licence-expires-on",
        "renewal_on" => "licence-renewal-on",
        "locked_fields" => "asset-locks",
        _ => return None,
    })
}

/// The newest `limit` changes of an object, newest first.
pub async fn history(pool: &PgPool, kind: ObjectKind, id: Uuid, limit: i64) -> AppResult<Vec<HistoryEntry>> {
    Ok(sqlx::query_as!(
        HistoryEntry,
        "select id, at, actor_id, actor_label, source, request_id, action, changes
           from audit_log where object_kind = $1 and object_id = $2
          order by at desc, id desc limit $3",
        kind.as_str(),
        id,
        limit
    )
    .fetch_all(pool)
    .await?)
}

/// The newest `limit` changes of an object as the History tab shows them.
pub async fn history_lines(pool: &PgPool, kind: ObjectKind, id: Uuid, limit: i64) -> AppResult<Vec<HistoryLine>> {
    Ok(sqlx::query_as!(
        HistoryLine,
        r#"select at, actor_label, source, action, changes as "changes: sqlx::types::Json<FieldChanges>"
             from audit_log where object_kind = $1 and object_id = $2
            order by at desc, id desc limit $3"#,
        kind.as_str(),
        id,
        limit
    )
    .fetch_all(pool)
    .await?)
}

/// The error for an update or delete that matched no row: the object changed
/// since the person loaded it (naming who changed it and when), or it is gone.
pub async fn stale_edit(pool: &PgPool, kind: ObjectKind, id: Uuid) -> AppError {
    let last = sqlx::query!(
        "select actor_label, at, action from audit_log where object_kind = $1 and object_id = $2
          order by at desc, id desc limit 1",
        kind.as_str(),
        id
    )
    .fetch_optional(pool)
    .await
    .map(|row| row.map(|r| (r.actor_label, r.at, r.action)));
    match last {
        Ok(Some((by, at, action))) if action != "delete" => AppError::StaleEdit { by, at },
        Ok(_) => AppError::NotFound,
        Err(error) => error.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_lists_only_changed_fields() {
        let before = json!({"name": "Lyon", "city": "Lyon", "notes": ""});
        let after = json!({"name": "Lyon 2", "city": "Lyon", "notes": "new"});
        let changes = diff(Some(&before), Some(&after));
        assert_eq!(changes.len(), 2);
        assert_eq!(changes["name"], json!({"old": "Lyon", "new": "Lyon 2"}));
        assert_eq!(changes["notes"], json!({"old": "", "new": "new"}));
    }

    #[test]
    fn create_and_delete_show_every_field() {
        let row = json!({"name": "Lyon", "city": ""});
        let created = diff(None, Some(&row));
        assert_eq!(created["name"], json!({"old": null, "new": "Lyon"}));
        // "" differs from "no value", so an empty field is recorded at creation too.
        assert_eq!(created.len(), 2);
        let deleted = diff(Some(&row), None);
        assert_eq!(deleted["name"], json!({"old": "Lyon", "new": null}));
    }

    /// What the History tab showed when it read each row as a `Value`.
    fn through_value(changes: &Value) -> Vec<FieldChange> {
        let show = |v: Option<&Value>| match v {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        changes
            .as_object()
            .map(|fields| {
                fields
                    .iter()
                    .map(|(name, pair)| FieldChange {
                        field: name.clone(),
                        old: show(pair.get("old")),
                        new: show(pair.get("new")),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn changes_read_as_text_show_what_the_values_showed() {
        let rows = [
            json!({}),
            json!({"notes": {"old": "note 1", "new": "note 2"}}),
            json!({"status_id": {"old": null, "new": "0190a4a0-0000-7000-8000-0000000000ac"}, "name": {"old": "a", "new": "b"}}),
            json!({"price": {"old": 12.5, "new": 1200}, "active": {"old": true, "new": false}}),
            json!({"roles": {"old": [], "new": [{"role": "technician", "entity_id": "x"}]}}),
            json!({"custom": {"old": {"b": 1, "a": "é\"\n"}, "new": null}, "odd": "not a pair", "half": {"new": "only"}}),
            json!({"extra": {"old": 1, "new": 2, "why": "kept out"}, "z": {"old": "1e3", "new": -0.0}}),
        ];
        for row in rows {
            // As PostgreSQL hands it over: jsonb lists keys by length, then bytes.
            let text = row.to_string();
            let read: FieldChanges = serde_json::from_str(&text).expect("changes");
            assert_eq!(read.0, through_value(&row), "{text}");
        }
        let reordered = r#"{"zz": {"old": "1", "new": "2"}, "a": {"old": "3", "new": "4"}}"#;
        let read: FieldChanges = serde_json::from_str(reordered).expect("changes");
        assert_eq!(read.0.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(), ["a", "zz"], "by name");
    }
}
