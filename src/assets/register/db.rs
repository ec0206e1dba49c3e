//! All SQL of assets.

use chrono::NaiveDate;
use serde_json::{Map, Value};
use sqlx::{Acquire, PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::{
    domain::{Asset, AssetInput},
    hardware::{normalise_ip, normalise_mac},
};
use crate::{
    assets::{
        categories::{
            self,
            fields::{FIELD_PREFIX, typed_values},
        },
        statuses::domain::StatusKind,
        tag::TagPattern,
    },
    audit::{self, AuditActor, Change, Record},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt, delete_refusal},
    web::{
        form::FieldErrors,
        list::{CsvRecord, Listing, SortKey, like_pattern},
    },
};

// Joins only for the columns a list sorts by (model, status, place, holder);
// the other names come from scalar subqueries, evaluated for the rows shown
// only. Planning a nine-table join cost ten times the query itself.
const SELECT: &str = "a.id, a.tag, a.name, a.serial, a.model_id, am.name as model_name, am.category_id,
    (select name from asset_categories where id = am.category_id) as category_name,
    (select has_hardware from asset_categories where id = am.category_id) as has_hardware,
    (select name from manufacturers where id = a.manufacturer_id) as manufacturer_name,
    a.status_id, s.name as status_name, s.kind as status_kind,
    a.entity_id, (select name from entities where id = a.entity_id) as entity_name,
    a.location_id, l.name as location_name, a.assigned_user_id, u.name as assigned_user_name,
    a.assigned_group_id, (select name from groups where id = a.assigned_group_id) as assigned_group_name,
    a.supplier, a.order_number, a.invoice_number, a.purchase_date, a.price, a.currency,
    a.warranty_end, a.notes, a.custom_values, a.version, a.created_at, a.updated_at";
const FROM: &str =
    "from assets a join asset_models am on am.id = a.model_id join asset_statuses s on s.id = a.status_id
    left join locations l on l.id = a.location_id left join users u on u.id = a.assigned_user_id";
const KIND: ObjectKind = ObjectKind::Asset;

pub async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Asset> {
    find_in(&mut *pool.acquire().await?, scope, id).await
}

/// The assets with these ids, in one query, ordered by tag; "not found" when
/// any of them is missing or outside the scope.
pub async fn find_many(pool: &PgPool, scope: &Scope, ids: &[Uuid]) -> AppResult<Vec<Asset>> {
    let found: Vec<Asset> = sqlx::query_as(&format!(
        "select {SELECT} {FROM} where a.id = any($1) and a.entity_id = any($2) order by a.tag"
    ))
    .bind(ids)
    .bind(scope.ids())
    .fetch_all(pool)
    .await?;
    let mut wanted = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    if found.len() == wanted.len() { Ok(found) } else { Err(AppError::NotFound) }
}

/// [`find`] on the caller's connection (imports).
pub async fn find_in(conn: &mut PgConnection, scope: &Scope, id: Uuid) -> AppResult<Asset> {
    sqlx::query_as(&format!("select {SELECT} {FROM} where a.id = $1 and a.entity_id = any($2)"))
        .bind(id)
        .bind(scope.ids())
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// The next tag of the model's category pattern, counted in this transaction.
async fn allocate_tag(conn: &mut PgConnection, model_id: Uuid, on: NaiveDate) -> AppResult<String> {
    let (pattern, series) = tag_series(conn, model_id, on).await?;
    let next = sqlx::query_scalar!(
        "insert into tag_counters (series, last) values ($1, 1)
         on conflict (series) do update set last = tag_counters.last + 1 returning last",
        series
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(pattern.render(on, next))
}

/// The pattern of the model's category and its series on `on`.
async fn tag_series(conn: &mut PgConnection, model_id: Uuid, on: NaiveDate) -> AppResult<(TagPattern, String)> {
    let pattern = sqlx::query_scalar!(
        "select c.tag_pattern from asset_models m join asset_categories c on c.id = m.category_id where m.id = $1",
        model_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::field("model_id", "field-invalid-choice"))?;
    // The table refuses patterns without a counter; a pattern stored before
    // this check existed still gets a tag rather than an error.
    let pattern = TagPattern::parse(&pattern)
        .or_else(|_| TagPattern::parse("A-{YYYY}-{#####}"))
        .map_err(|e| anyhow::anyhow!(e))?;
    let series = pattern.series(on);
    Ok((pattern, series))
}

/// A tag taken on its own, outside the writer's transaction: for writers
/// whose transactions are long (inventory ingest), so that concurrent
/// creates of one series never wait on each other's commit. A create that
/// fails afterwards leaves a gap in the series.
///
/// Its commit does not wait for the disk (`synchronous_commit` off for this
/// statement alone), so the counter's row lock is held for microseconds, not
/// for a WAL flush. Safe: an asset carrying the tag commits later and waits
/// for the flush of everything written before it, the counter included; a
/// crash before that loses a tag nobody holds.
pub async fn allocate_tag_now(conn: &mut PgConnection, model_id: Uuid, on: NaiveDate) -> AppResult<String> {
    let (pattern, series) = tag_series(conn, model_id, on).await?;
    let next = sqlx::query_scalar!(
        r#"insert into tag_counters (series, last)
           select $1, 1 from (select set_config('synchronous_commit', 'off', true)) as lazily
           on conflict (series) do update set last = tag_counters.last + 1 returning last as "last!""#,
        series
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(pattern.render(on, next))
}

fn taken(field: &str, key: &str) -> AppError {
    AppError::Taken(FieldErrors::single(field, key))
}

/// Unique and foreign-key violations of an asset row, as field errors.
fn row_errors<T>(result: Result<T, sqlx::Error>) -> AppResult<T> {
    result
        .on_constraint("assets_tag_key", || taken("tag", "tag-taken"))
        .on_constraint("assets_serial_key", || taken("serial", "serial-taken"))
        .on_constraint("assets_model_id_fkey", || AppError::field("model_id", "field-invalid-choice"))
        .on_constraint("assets_status_id_fkey", || AppError::field("status_id", "field-invalid-choice"))
}

async fn insert_row(
    conn: &mut PgConnection,
    id: Uuid,
    tag: &str,
    input: &AssetInput,
    custom: &Map<String, Value>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into assets (id, tag, name, serial, model_id, status_id, entity_id, location_id, assigned_user_id,
                             assigned_group_id, supplier, order_number, invoice_number, purchase_date, price, currency,
                             warranty_end, notes, custom_values)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        id,
        tag,
        input.name,
        input.serial,
        input.model_id,
        input.status_id,
        input.entity_id,
        input.location_id,
        input.assigned_user_id,
        input.assigned_group_id,
        input.supplier,
        input.order_number,
        input.invoice_number,
        input.purchase_date,
        input.price,
        input.currency,
        input.warranty_end,
        input.notes,
        Value::Object(custom.clone())
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The history's view of an asset: its columns, and each custom value as "custom.<key>".
pub(crate) fn snapshot(input: &AssetInput, custom: &Map<String, Value>) -> AppResult<Value> {
    let mut value = serde_json::to_value(input).map_err(anyhow::Error::from)?;
    if let Some(fields) = value.as_object_mut() {
        for (key, custom_value) in custom {
            fields.insert(format!("{FIELD_PREFIX}{key}"), custom_value.clone());
        }
    }
    Ok(value)
}

/// The input's custom values, typed and checked against its model's category.
async fn custom_values(conn: &mut PgConnection, input: &AssetInput) -> AppResult<Map<String, Value>> {
    let definitions = categories::fields_of_model(conn, input.model_id).await?;
    typed_values(&definitions, &input.custom).map_err(AppError::Validation)
}

/// Insert, allocating the tag when none is given. An allocated tag someone
/// already typed by hand is skipped for the next one.
pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &AssetInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = insert_in(&mut tx, actor, input).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`insert`] inside the caller's transaction (imports); the new asset's id.
pub async fn insert_in(tx: &mut PgConnection, actor: &AuditActor, input: &AssetInput) -> AppResult<Uuid> {
    let custom = custom_values(&mut *tx, input).await?;
    let id = Uuid::now_v7();
    let today = chrono::Utc::now().date_naive();
    let mut attempts = 0;
    let tag = loop {
        let tag = match &input.tag {
            // A tag given is tried once: no savepoint to come back to.
            Some(tag) => {
                row_errors(insert_row(&mut *tx, id, tag, input, &custom).await)?;
                break tag.clone();
            }
            None => allocate_tag(&mut *tx, input.model_id, today).await?,
        };
        let mut savepoint = (&mut *tx).begin().await?;
        match row_errors(insert_row(&mut savepoint, id, &tag, input, &custom).await) {
            Ok(()) => {
                savepoint.commit().await?;
                break tag;
            }
            Err(AppError::Taken(errors)) if input.tag.is_none() && errors.get("tag").is_some() && attempts < 20 => {
                savepoint.rollback().await?;
                attempts += 1;
            }
            Err(other) => return Err(other),
        }
    };
    let stored = AssetInput { tag: Some(tag), ..input.clone() };
    let record = Record {
        kind: KIND,
        object_id: id,
        entity_id: Some(input.entity_id),
        change: Change::Create,
        before: None,
        after: Some(snapshot(&stored, &custom)?),
        actor,
    };
    audit::record(tx, record).await?;
    Ok(id)
}

/// Insert many new assets at once (imports): tags allocated per series in
/// one step, one INSERT for the rows and one for their history. Values must
/// already be checked, custom values typed. A unique violation (a tag or
/// serial taken, within the rows or by an existing asset) fails the whole
/// call, and the caller falls back to one row at a time.
pub async fn insert_many(
    conn: &mut PgConnection,
    actor: &AuditActor,
    rows: &[(AssetInput, Map<String, Value>)],
) -> AppResult<Vec<Uuid>> {
    let today = chrono::Utc::now().date_naive();
    let tags = allocate_tags(conn, rows.iter().map(|(input, _)| input), today).await?;
    let ids: Vec<Uuid> = rows.iter().map(|_| Uuid::now_v7()).collect();
    let column = |f: &dyn Fn(&AssetInput) -> String| rows.iter().map(|(i, _)| f(i)).collect::<Vec<String>>();
    let optional_ids = |f: &dyn Fn(&AssetInput) -> Option<Uuid>| rows.iter().map(|(i, _)| f(i)).collect::<Vec<_>>();
    let dates = |f: &dyn Fn(&AssetInput) -> Option<NaiveDate>| rows.iter().map(|(i, _)| f(i)).collect::<Vec<_>>();
    let customs: Vec<Value> = rows.iter().map(|(_, c)| Value::Object(c.clone())).collect();
    row_errors(
        sqlx::query!(
            "insert into assets (id, tag, name, serial, model_id, status_id, entity_id, location_id, assigned_user_id,
                                 assigned_group_id, supplier, order_number, invoice_number, purchase_date, price, currency,
                                 warranty_end, notes, custom_values)
             select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::uuid[], $8::uuid[],
                                  $9::uuid[], $10::uuid[], $11::text[], $12::text[], $13::text[], $14::date[], $15::numeric[],
                                  $16::text[], $17::date[], $18::text[], $19::jsonb[])",
            &ids,
            &tags,
            &column(&|i| i.name.clone()),
            &rows.iter().map(|(i, _)| i.serial.clone()).collect::<Vec<_>>() as &[Option<String>],
            &rows.iter().map(|(i, _)| i.model_id).collect::<Vec<_>>(),
            &rows.iter().map(|(i, _)| i.status_id).collect::<Vec<_>>(),
            &rows.iter().map(|(i, _)| i.entity_id).collect::<Vec<_>>(),
            &optional_ids(&|i| i.location_id) as &[Option<Uuid>],
            &optional_ids(&|i| i.assigned_user_id) as &[Option<Uuid>],
            &optional_ids(&|i| i.assigned_group_id) as &[Option<Uuid>],
            &column(&|i| i.supplier.clone()),
            &column(&|i| i.order_number.clone()),
            &column(&|i| i.invoice_number.clone()),
            &dates(&|i| i.purchase_date) as &[Option<NaiveDate>],
            &rows.iter().map(|(i, _)| i.price).collect::<Vec<_>>() as &[Option<rust_decimal::Decimal>],
            &column(&|i| i.currency.clone()),
            &dates(&|i| i.warranty_end) as &[Option<NaiveDate>],
            &column(&|i| i.notes.clone()),
            &customs
        )
        .execute(&mut *conn)
        .await,
    )?;
    let mut history = Vec::with_capacity(rows.len());
    for ((id, tag), (input, custom)) in ids.iter().zip(&tags).zip(rows) {
        let stored = AssetInput { tag: Some(tag.clone()), ..input.clone() };
        history.push((*id, Some(input.entity_id), snapshot(&stored, custom)?));
    }
    audit::created_many(conn, actor, KIND, &history).await?;
    Ok(ids)
}

/// The tag of each input: its own, or the next numbers of its category's
/// series, taken for the whole series at once.
async fn allocate_tags<'a>(
    conn: &mut PgConnection,
    inputs: impl Iterator<Item = &'a AssetInput>,
    on: NaiveDate,
) -> AppResult<Vec<String>> {
    let inputs: Vec<&AssetInput> = inputs.collect();
    let mut models: Vec<Uuid> = inputs.iter().filter(|i| i.tag.is_none()).map(|i| i.model_id).collect();
    models.sort_unstable();
    models.dedup();
    let patterns: std::collections::HashMap<Uuid, TagPattern> = sqlx::query!(
        "select m.id, c.tag_pattern from asset_models m join asset_categories c on c.id = m.category_id where m.id = any($1)",
        &models
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| {
        let pattern = TagPattern::parse(&r.tag_pattern).or_else(|_| TagPattern::parse("A-{YYYY}-{#####}"));
        pattern.map(|p| (r.id, p)).map_err(|e| anyhow::anyhow!(e))
    })
    .collect::<Result<_, _>>()?;
    let mut wanted: std::collections::BTreeMap<String, i64> = Default::default();
    for input in inputs.iter().filter(|i| i.tag.is_none()) {
        let pattern =
            patterns.get(&input.model_id).ok_or_else(|| AppError::field("model_id", "field-invalid-choice"))?;
        *wanted.entry(pattern.series(on)).or_default() += 1;
    }
    // The next free number of each series.
    let mut next: std::collections::HashMap<String, i64> = Default::default();
    for (series, count) in wanted {
        let last = sqlx::query_scalar!(
            "insert into tag_counters (series, last) values ($1, $2)
             on conflict (series) do update set last = tag_counters.last + $2 returning last",
            series,
            count
        )
        .fetch_one(&mut *conn)
        .await?;
        next.insert(series, last - count + 1);
    }
    let mut tags = Vec::with_capacity(inputs.len());
    for input in inputs {
        match &input.tag {
            Some(tag) => tags.push(tag.clone()),
            None => {
                let pattern = &patterns[&input.model_id];
                let number = next.entry(pattern.series(on)).or_default();
                tags.push(pattern.render(on, *number));
                *number += 1;
            }
        }
    }
    Ok(tags)
}

pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &Asset,
    version: i64,
    input: &AssetInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    update_in(&mut tx, pool, actor, current, version, input).await?;
    tx.commit().await?;
    Ok(())
}

/// [`update`] inside the caller's transaction (imports).
pub async fn update_in(
    tx: &mut PgConnection,
    pool: &PgPool,
    actor: &AuditActor,
    current: &Asset,
    version: i64,
    input: &AssetInput,
) -> AppResult<()> {
    let custom = custom_values(&mut *tx, input).await?;
    let tag = input.tag.clone().unwrap_or_else(|| current.tag.clone());
    let updated = row_errors(
        sqlx::query!(
            "update assets set tag = $3, name = $4, serial = $5, model_id = $6, status_id = $7, entity_id = $8, location_id = $9,
                    assigned_user_id = $10, assigned_group_id = $11, supplier = $12, order_number = $13, invoice_number = $14,
                    purchase_date = $15, price = $16, currency = $17, warranty_end = $18, notes = $19, custom_values = $20,
                    version = version + 1
              where id = $1 and version = $2",
            current.id,
            version,
            tag,
            input.name,
            input.serial,
            input.model_id,
            input.status_id,
            input.entity_id,
            input.location_id,
            input.assigned_user_id,
            input.assigned_group_id,
            input.supplier,
            input.order_number,
            input.invoice_number,
            input.purchase_date,
            input.price,
            input.currency,
            input.warranty_end,
            input.notes,
            Value::Object(custom.clone())
        )
        .execute(&mut *tx)
        .await,
    )?;
    if updated.rows_affected() == 0 {
        return Err(audit::stale_edit(pool, KIND, current.id).await);
    }
    let before = snapshot(&AssetInput::from(current), &current.custom_values)?;
    let after = snapshot(&AssetInput { tag: Some(tag), ..input.clone() }, &custom)?;
    let record = Record {
        kind: KIND,
        object_id: current.id,
        entity_id: Some(input.entity_id),
        change: Change::Update,
        before: Some(before),
        after: Some(after),
        actor,
    };
    audit::record(&mut *tx, record).await?;
    // What a person sets by hand, the agents no longer overwrite.
    let edited: Vec<&str> = [
        ("name", input.name != current.name),
        ("serial", input.serial != current.serial),
        ("model", input.model_id != current.model_id),
    ]
    .into_iter()
    .filter_map(|(field, changed)| changed.then_some(field))
    .collect();
    let subject = audit::Subject::new(KIND, current.id, Some(input.entity_id));
    crate::inventory::db::lock_edited(tx, actor, subject, &edited).await
}

pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &Asset, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let deleted = sqlx::query!("delete from assets where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await
        .map_err(|e| delete_refusal(e, "assets"))?;
    if deleted.rows_affected() == 0 {
        return Err(audit::stale_edit(pool, KIND, current.id).await);
    }
    let before = snapshot(&AssetInput::from(current), &current.custom_values)?;
    let record = Record {
        kind: KIND,
        object_id: current.id,
        entity_id: Some(current.entity_id),
        change: Change::Delete,
        before: Some(before),
        after: None,
        actor,
    };
    audit::record(&mut tx, record).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the location, person and group exist within the scopes the actor sees.
pub async fn references_visible(
    pool: &PgPool,
    input: &AssetInput,
    locations: &Scope,
    people: &Scope,
) -> AppResult<Option<&'static str>> {
    let row = sqlx::query!(
        r#"select ($1::uuid is null or exists (select 1 from locations where id = $1 and entity_id = any($4))) as "location!",
                  ($2::uuid is null or exists (select 1 from users where id = $2 and entity_id = any($5))) as "user!",
                  ($3::uuid is null or exists (select 1 from groups where id = $3 and entity_id = any($5))) as "group!""#,
        input.location_id,
        input.assigned_user_id,
        input.assigned_group_id,
        locations.ids(),
        people.ids()
    )
    .fetch_one(pool)
    .await?;
    Ok(if !row.location {
        Some("location_id")
    } else if !row.user {
        Some("assigned_user_id")
    } else if !row.group {
        Some("assigned_group_id")
    } else {
        None
    })
}

/// (id, "Category › Model") of every model, for select lists.
pub async fn model_choices(pool: &PgPool) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"select am.id, c.name || ' › ' || coalesce(m.name || ' ', '') || am.name as "label!"
             from asset_models am join asset_categories c on c.id = am.category_id left join manufacturers m on m.id = am.manufacturer_id
            order by 2"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.label)).collect())
}

/// (id, name) of every status, for select lists.
pub async fn status_choices(pool: &PgPool) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!("select id, name from asset_statuses order by kind, name").fetch_all(pool).await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
}

/// The assets a person holds or uses, whatever the register's permissions:
/// everyone may see their own equipment.
pub async fn held_by(pool: &PgPool, user_id: Uuid) -> AppResult<Vec<Asset>> {
    Ok(sqlx::query_as(&format!(
        // Two indexed lookups gathered first: as an OR, the planner scans every asset.
        "select {SELECT} {FROM} where a.id = any(array(select id from assets where assigned_user_id = $1
                                                     union select asset_id from asset_users where user_id = $1))
          order by a.tag"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

/// The statuses an asset can come back to (ready, or away for repair), and
/// every status: the asset page's two lists, read together.
pub async fn return_and_all_status_choices(pool: &PgPool) -> AppResult<(Vec<(String, String)>, Vec<(String, String)>)> {
    let rows = sqlx::query!(
        r#"select id, name, kind::text in ('deployable', 'pending') as "comes_back!"
                                 from asset_statuses order by kind, name"#
    )
    .fetch_all(pool)
    .await?;
    let returns = rows.iter().filter(|r| r.comes_back).map(|r| (r.id.to_string(), r.name.clone())).collect();
    Ok((returns, rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect()))
}

#[derive(Clone, Debug, Default)]
pub struct AssetFilter {
    pub status_id: Option<Uuid>,
    pub status_kind: Option<StatusKind>,
    pub category_id: Option<Uuid>,
    pub model_id: Option<Uuid>,
    pub entity_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    pub assigned_user_id: Option<Uuid>,
}

impl AssetFilter {
    /// Archived assets leave the default list; a search, a status or a kind brings them back.
    fn hides_archived(&self, q: Option<&str>) -> bool {
        q.is_none() && self.status_id.is_none() && self.status_kind.is_none()
    }
}

#[derive(Clone, Copy, Debug)]
pub enum AssetSort {
    Tag,
    Name,
    Serial,
    Model,
    Status,
    Location,
    Assignee,
    PurchaseDate,
    WarrantyEnd,
    Updated,
}

impl SortKey for AssetSort {
    const ALL: &'static [Self] = &[
        Self::Tag,
        Self::Name,
        Self::Serial,
        Self::Model,
        Self::Status,
        Self::Location,
        Self::Assignee,
        Self::PurchaseDate,
        Self::WarrantyEnd,
        Self::Updated,
    ];
    const DEFAULT: Self = Self::Tag;
    fn name(self) -> &'static str {
        match self {
            Self::Tag => "tag",
            Self::Name => "name",
            Self::Serial => "serial",
            Self::Model => "model",
            Self::Status => "status",
            Self::Location => "location",
            Self::Assignee => "assignee",
            Self::PurchaseDate => "purchase_date",
            Self::WarrantyEnd => "warranty_end",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Tag => "a.tag",
            Self::Name => "a.name",
            Self::Serial => "a.serial",
            Self::Model => "am.name",
            Self::Status => "s.name",
            Self::Location => "l.name",
            Self::Assignee => "u.name",
            Self::PurchaseDate => "a.purchase_date",
            Self::WarrantyEnd => "a.warranty_end",
            Self::Updated => "a.updated_at",
        }
    }
    fn on_base_table(self) -> bool {
        matches!(self, Self::Tag | Self::Name | Self::Serial | Self::PurchaseDate | Self::WarrantyEnd | Self::Updated)
    }
}

pub struct AssetList;

impl Listing for AssetList {
    type Row = Asset;
    type Filter = AssetFilter;
    type Sort = AssetSort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from assets a";
    const TIEBREAK: &'static str = "a.id";

    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filter: &AssetFilter, q: Option<&str>) {
        qb.push("where a.entity_id = any(").push_bind(scope.ids().to_vec()).push(")");
        if filter.hides_archived(q) {
            qb.push(" and not a.archived");
        }
        let ids = [
            (" and a.status_id = ", filter.status_id),
            (" and a.model_id = ", filter.model_id),
            (" and a.entity_id = ", filter.entity_id),
            (" and a.location_id = ", filter.location_id),
            (" and a.assigned_user_id = ", filter.assigned_user_id),
        ];
        for (condition, value) in ids {
            if let Some(value) = value {
                qb.push(condition).push_bind(value);
            }
        }
        if let Some(kind) = filter.status_kind {
            qb.push(" and a.status_id in (select id from asset_statuses where kind = ").push_bind(kind).push(")");
        }
        if let Some(category) = filter.category_id {
            qb.push(" and a.model_id in (select id from asset_models where category_id = ")
                .push_bind(category)
                .push(")");
        }
        if let Some(q) = q {
            push_search(qb, q);
        }
    }
}

/// The assets a search finds: tag, name or serial (the trigram index
/// assets_search_trgm), the model's or manufacturer's name, a MAC or an IP
/// address. The matching ids are gathered once, each source through its own
/// index, then the list sorts and pages those few rows: written as a plain
/// OR, the planner cannot estimate the matches and walks the whole tag index.
fn push_search(qb: &mut QueryBuilder<'_, Postgres>, q: &str) {
    let pattern = like_pattern(q);
    qb.push(
        " and a.id = any(array(select id from assets where (tag || ' ' || name || ' ' || coalesce(serial, '')) ilike ",
    )
    .push_bind(pattern.clone());
    qb.push(" union select id from assets where model_id = any(array(select am.id from asset_models am left join manufacturers m on m.id = am.manufacturer_id where (am.name || ' ' || coalesce(m.name, '')) ilike ")
        .push_bind(pattern)
        .push("))");
    if let Some(mac) = normalise_mac(q) {
        qb.push(" union select asset_id from asset_network_interfaces where mac = ").push_bind(mac);
    }
    if let Some(ip) = normalise_ip(q) {
        qb.push(" union select asset_id from asset_network_interfaces where ").push_bind(ip).push(" = any(ips)");
    }
    qb.push("))");
}

impl CsvRecord for Asset {
    fn csv_header() -> &'static [&'static str] {
        &[
            "tag",
            "name",
            "serial",
            "category",
            "manufacturer",
            "model",
            "status",
            "entity",
            "location",
            "assigned_to",
            "group",
            "supplier",
            "order_number",
            "invoice_number",
            "purchase_date",
            "price",
            "currency",
            "warranty_end",
            "notes",
        ]
    }
    fn csv_row(&self) -> Vec<String> {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        vec![
            self.tag.clone(),
            self.name.clone(),
            self.serial.clone().unwrap_or_default(),
            self.category_name.clone(),
            self.manufacturer_name.clone().unwrap_or_default(),
            self.model_name.clone(),
            self.status_name.clone(),
            self.entity_name.clone(),
            self.location_name.clone().unwrap_or_default(),
            self.assigned_user_name.clone().unwrap_or_default(),
            self.assigned_group_name.clone().unwrap_or_default(),
            self.supplier.clone(),
            self.order_number.clone(),
            self.invoice_number.clone(),
            date(self.purchase_date),
            self.price.map(|p| p.to_string()).unwrap_or_default(),
            self.currency.clone(),
            date(self.warranty_end),
            self.notes.clone(),
        ]
    }
}

/// The asset with this tag (case-insensitive), whatever its scope: the caller
/// then reads it through `find`, which applies the scope.
pub async fn id_by_tag(pool: &PgPool, tag: &str) -> AppResult<Option<Uuid>> {
    Ok(sqlx::query_scalar!("select id from assets where lower(tag) = lower($1)", tag).fetch_optional(pool).await?)
}

/// Assets with this serial, across manufacturers.
pub async fn ids_by_serial(pool: &PgPool, serial: &str) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!("select id from assets where lower(serial) = lower($1) order by tag", serial.trim())
        .fetch_all(pool)
        .await?)
}
