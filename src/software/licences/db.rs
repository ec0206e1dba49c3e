//! All SQL of licences and their seats. Seat counts are kept by the
//! `licence_seats_count` trigger, and the table's checks make a seat beyond
//! the count, or a count below the seats given, impossible: this file turns
//! those refusals into clear errors rather than checking first in Rust.

use serde_json::{Value, json};
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{AssetLicence, Holder, Licence, LicenceInput, LicenceKind, Seat, SeatTarget, Validity};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, ResultExt},
    web::list::{CsvRecord, Listing, SortKey, find_in_scope, like_pattern},
};

const KIND: ObjectKind = ObjectKind::Licence;

// PostgreSQL named the table's unnamed checks by their order in
// migrations/20261121000026_software.sql: the second one is
// `seats_used <= seats`, which the seat trigger and a lowered count run into.
const SEATS_USED_CHECK: &str = "licences_check1";

const SELECT: &str = "l.id, l.entity_id, en.name as entity_name, l.software_id, sw.name as software_name, l.name,
    l.kind, l.seats, l.seats_used, l.licence_key, l.supplier, l.order_number, l.invoice_number, l.price, l.currency,
    l.purchase_date, l.starts_on, l.expires_on, l.renewal_on, l.notes, l.version, l.created_at, l.updated_at";
const FROM: &str = "from licences l join entities en on en.id = l.entity_id join software sw on sw.id = l.software_id";

pub async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Licence> {
    find_in_scope::<LicenceList>(pool, scope, "l.entity_id", id).await
}

/// (id, "name — publisher") of every catalogue entry, for the form's select.
pub async fn software_choices(pool: &PgPool) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!("select id, name, publisher from software order by lower(name), lower(publisher), id")
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let label = if r.publisher.is_empty() { r.name } else { format!("{} — {}", r.name, r.publisher) };
            (r.id.to_string(), label)
        })
        .collect())
}

/// (id, name) of the software that licences of `scope` cover, for the list's filter.
pub async fn licensed_software(pool: &PgPool, scope: &Scope) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "select s.id, s.name from software s
          where exists (select 1 from licences l where l.software_id = s.id and l.entity_id = any($1))
          order by lower(s.name), s.id",
        scope.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
}

pub async fn software_exists(pool: &PgPool, id: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(r#"select exists (select 1 from software where id = $1) as "found!""#, id)
        .fetch_one(pool)
        .await?)
}

/// The history's snapshot: the input without the key, and a note when the
/// key was set or changed (never its value).
fn snapshot(input: &LicenceInput, key_note: Option<&str>) -> AppResult<Value> {
    let mut value = serde_json::to_value(input).map_err(anyhow::Error::from)?;
    if let (Some(note), Some(fields)) = (key_note, value.as_object_mut()) {
        fields.insert("licence_key".into(), note.into());
    }
    Ok(value)
}

fn seats_below_used() -> AppError {
    AppError::field("seats", "licence-seats-below-used")
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &LicenceInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into licences (id, entity_id, software_id, name, kind, seats, licence_key, supplier, order_number,
                               invoice_number, price, currency, purchase_date, starts_on, expires_on, renewal_on, notes)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        id,
        input.entity_id,
        input.software_id,
        &input.name,
        input.kind.as_str(),
        input.seats,
        input.licence_key.text(),
        &input.supplier,
        &input.order_number,
        &input.invoice_number,
        input.price,
        &input.currency,
        input.purchase_date,
        input.starts_on,
        input.expires_on,
        input.renewal_on,
        &input.notes
    )
    .execute(&mut *tx)
    .await?;
    let after = snapshot(input, (!input.licence_key.is_empty()).then_some("set"))?;
    audit::created(&mut tx, actor, Subject::new(KIND, id, Some(input.entity_id)), &after).await?;
    tx.commit().await?;
    Ok(id)
}

/// Refused on its field when the new kind cannot keep the seats given: a
/// site licence has none, and seats of assets cannot become seats of people.
async fn check_seats_fit(conn: &mut sqlx::PgConnection, id: Uuid, kind: LicenceKind) -> AppResult<()> {
    // The row lock holds back seats being given meanwhile.
    sqlx::query!("select id from licences where id = $1 for update", id).fetch_optional(&mut *conn).await?;
    let held = sqlx::query!(
        r#"select count(*) filter (where asset_id is not null) as "assets!",
                  count(*) filter (where user_id is not null) as "people!"
             from licence_seats where licence_id = $1"#,
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    let refused = match kind.holder() {
        None if held.assets + held.people > 0 => Some("licence-site-has-seats"),
        Some(Holder::Person) if held.assets > 0 => Some("licence-holder-change"),
        Some(Holder::Asset) if held.people > 0 => Some("licence-holder-change"),
        _ => None,
    };
    match refused {
        Some(key) => Err(AppError::field("kind", key)),
        None => Ok(()),
    }
}

pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &Licence,
    version: i64,
    input: &LicenceInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    if input.kind != current.kind {
        check_seats_fit(&mut tx, current.id, input.kind).await?;
    }
    let updated = sqlx::query!(
        "update licences set entity_id = $3, software_id = $4, name = $5, kind = $6, seats = $7, licence_key = $8,
                supplier = $9, order_number = $10, invoice_number = $11, price = $12, currency = $13,
                purchase_date = $14, starts_on = $15, expires_on = $16, renewal_on = $17, notes = $18,
                version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        input.entity_id,
        input.software_id,
        &input.name,
        input.kind.as_str(),
        input.seats,
        input.licence_key.text(),
        &input.supplier,
        &input.order_number,
        &input.invoice_number,
        input.price,
        &input.currency,
        input.purchase_date,
        input.starts_on,
        input.expires_on,
        input.renewal_on,
        &input.notes
    )
    .execute(&mut *tx)
    .await
    .on_constraint(SEATS_USED_CHECK, seats_below_used)?;
    let key_changed = input.licence_key.text() != current.licence_key.text();
    let before = snapshot(&LicenceInput::from(current), None)?;
    let after = snapshot(input, key_changed.then_some("changed"))?;
    let subject = Subject::new(KIND, current.id, Some(input.entity_id));
    audit::updated(&mut tx, pool, actor, subject, updated.rows_affected(), &before, &after).await?;
    tx.commit().await?;
    Ok(())
}

/// Refused while seats are given: they are released one by one first, so
/// the history says who lost which seat.
pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &Licence, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let used = sqlx::query_scalar!("select seats_used from licences where id = $1 for update", current.id)
        .fetch_optional(&mut *tx)
        .await?;
    if used.is_some_and(|n| n > 0) {
        return Err(AppError::InUse("licence-in-use-seats".into()));
    }
    let deleted = sqlx::query!("delete from licences where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await?;
    let before = snapshot(&LicenceInput::from(current), None)?;
    let subject = Subject::new(KIND, current.id, Some(current.entity_id));
    audit::deleted(&mut tx, pool, actor, subject, deleted.rows_affected(), &before).await?;
    tx.commit().await?;
    Ok(())
}

/// The asset or person a seat is asked for, when `scope` (the assets' or
/// the people's) lets the actor see it; else NotFound. The boolean says
/// whether they belong to `licence_entity` or an entity below it.
pub async fn seat_holder(
    pool: &PgPool,
    target: &SeatTarget,
    scope: &Scope,
    licence_entity: Uuid,
) -> AppResult<(Uuid, bool)> {
    // An asset by id or by tag (the other one null), or a person.
    let (asset_id, tag, user_id) = match target {
        SeatTarget::AssetId(id) => (Some(*id), None, None),
        SeatTarget::AssetTag(tag) => (None, Some(tag.as_str()), None),
        SeatTarget::User(id) => (None, None, Some(*id)),
    };
    let found = if let Some(user_id) = user_id {
        sqlx::query!(
            r#"select u.id, $3 in (select id from entity_lineage(u.entity_id)) as "covered!"
                 from users u where u.id = $1 and u.entity_id = any($2)"#,
            user_id,
            scope.ids(),
            licence_entity
        )
        .fetch_optional(pool)
        .await?
        .map(|r| (r.id, r.covered))
    } else {
        sqlx::query!(
            r#"select a.id, $4 in (select id from entity_lineage(a.entity_id)) as "covered!"
                 from assets a
                where num_nonnulls($1::uuid, $2::text) = 1 and ($1::uuid is null or a.id = $1)
                  and ($2::text is null or a.tag = $2) and a.entity_id = any($3)"#,
            asset_id,
            tag,
            scope.ids(),
            licence_entity
        )
        .fetch_optional(pool)
        .await?
        .map(|r| (r.id, r.covered))
    };
    found.ok_or(AppError::NotFound)
}

/// Give a seat of `licence` to an asset or a person (already checked to be
/// visible and covered), with its history row. Of several people taking the
/// last seat at once, the seat-count check lets exactly one through.
pub async fn assign_seat(
    pool: &PgPool,
    actor: &AuditActor,
    licence: Uuid,
    holder: Holder,
    holder_id: Uuid,
) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    // The kind, read under the row lock, so a change of kind cannot slip in.
    let row = sqlx::query!(
        r#"select kind as "kind: LicenceKind", entity_id from licences where id = $1 for update"#,
        licence
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    match row.kind.holder() {
        None => return Err(AppError::Refused("licence-site-no-seats-to-give")),
        Some(expected) if expected != holder => {
            let field = if expected == Holder::Person { "user_id" } else { "asset_id" };
            return Err(AppError::field(field, "licence-seat-wrong-holder"));
        }
        Some(_) => {}
    }
    let (asset_id, user_id) = match holder {
        Holder::Asset => (Some(holder_id), None),
        Holder::Person => (None, Some(holder_id)),
    };
    let seat = Uuid::now_v7();
    sqlx::query!(
        "insert into licence_seats (id, licence_id, asset_id, user_id, assigned_by) values ($1, $2, $3, $4, $5)",
        seat,
        licence,
        asset_id,
        user_id,
        actor.id
    )
    .execute(&mut *tx)
    .await
    .on_constraint(SEATS_USED_CHECK, || AppError::Refused("licence-no-free-seat"))
    .on_constraint("licence_seats_asset_key", || AppError::Refused("licence-seat-taken"))
    .on_constraint("licence_seats_user_key", || AppError::Refused("licence-seat-taken"))?;
    let subject = Subject::new(KIND, licence, Some(row.entity_id));
    audit::record_change(&mut tx, actor, subject, &json!({}), &json!({ "seat": holder_id })).await?;
    tx.commit().await?;
    Ok(seat)
}

/// Take a seat back, with its history row; NotFound when the licence has no such seat.
pub async fn release_seat(pool: &PgPool, actor: &AuditActor, licence: &Licence, seat: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let released = sqlx::query!(
        "delete from licence_seats where id = $1 and licence_id = $2 returning asset_id, user_id",
        seat,
        licence.id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let holder = released.asset_id.or(released.user_id);
    let subject = Subject::new(KIND, licence.id, Some(licence.entity_id));
    audit::record_change(&mut tx, actor, subject, &json!({ "seat": holder }), &json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// The seats of a licence, oldest first.
pub async fn seats(pool: &PgPool, licence: Uuid) -> AppResult<Vec<Seat>> {
    Ok(sqlx::query_as!(
        Seat,
        r#"select s.id, s.licence_id, s.asset_id, a.tag as "asset_tag?", a.name as "asset_name?", s.user_id,
                  u.name as "user_name?", b.login as "assigned_by?", s.assigned_at
             from licence_seats s
             left join assets a on a.id = s.asset_id
             left join users u on u.id = s.user_id
             left join users b on b.id = s.assigned_by
            where s.licence_id = $1
            order by s.assigned_at, s.id"#,
        licence
    )
    .fetch_all(pool)
    .await?)
}

/// One seat of a licence.
pub async fn seat(pool: &PgPool, licence: Uuid, seat: Uuid) -> AppResult<Seat> {
    seats(pool, licence).await?.into_iter().find(|s| s.id == seat).ok_or(AppError::NotFound)
}

/// The licences whose seats an asset holds. The caller has checked that the
/// person may see the asset.
pub async fn seats_of_asset(pool: &PgPool, asset_id: Uuid) -> AppResult<Vec<AssetLicence>> {
    Ok(sqlx::query_as!(
        AssetLicence,
        "select s.id as seat_id, l.id as licence_id, l.name as licence_name, sw.name as software_name
           from licence_seats s join licences l on l.id = s.licence_id join software sw on sw.id = l.software_id
          where s.asset_id = $1
          order by lower(sw.name), lower(l.name), l.id",
        asset_id
    )
    .fetch_all(pool)
    .await?)
}

#[derive(Clone, Debug, Default)]
pub struct LicenceFilter {
    pub software_id: Option<Uuid>,
    pub entity_id: Option<Uuid>,
    pub kind: Option<LicenceKind>,
    pub validity: Option<Validity>,
}

#[derive(Clone, Copy, Debug)]
pub enum LicenceSort {
    Name,
    Software,
    Kind,
    Entity,
    Seats,
    Used,
    Expires,
    Updated,
}

impl SortKey for LicenceSort {
    const ALL: &'static [Self] =
        &[Self::Name, Self::Software, Self::Kind, Self::Entity, Self::Seats, Self::Used, Self::Expires, Self::Updated];
    const DEFAULT: Self = Self::Name;
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Software => "software",
            Self::Kind => "kind",
            Self::Entity => "entity",
            Self::Seats => "seats",
            Self::Used => "used",
            Self::Expires => "expires",
            Self::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "l.name",
            Self::Software => "sw.name",
            Self::Kind => "l.kind",
            Self::Entity => "en.name",
            Self::Seats => "l.seats",
            Self::Used => "l.seats_used",
            Self::Expires => "l.expires_on",
            Self::Updated => "l.updated_at",
        }
    }
    fn on_base_table(self) -> bool {
        !matches!(self, Self::Software | Self::Entity)
    }
}

pub struct LicenceList;

impl Listing for LicenceList {
    type Row = Licence;
    type Filter = LicenceFilter;
    type Sort = LicenceSort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from licences l";
    const TIEBREAK: &'static str = "l.id";

    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filter: &LicenceFilter, q: Option<&str>) {
        qb.push("where l.entity_id = any(").push_bind(scope.ids().to_vec()).push(")");
        if let Some(software) = filter.software_id {
            qb.push(" and l.software_id = ").push_bind(software);
        }
        if let Some(entity) = filter.entity_id {
            qb.push(" and l.entity_id = ").push_bind(entity);
        }
        if let Some(kind) = filter.kind {
            qb.push(" and l.kind = ").push_bind(kind.as_str());
        }
        match filter.validity {
            Some(Validity::Expired) => {
                qb.push(" and l.expires_on < current_date");
            }
            Some(Validity::Expiring) => {
                qb.push(" and l.expires_on between current_date and current_date + ")
                    .push_bind(super::domain::EXPIRING_DAYS);
            }
            Some(Validity::Valid) => {
                qb.push(" and (l.expires_on is null or l.expires_on >= current_date)");
            }
            None => {}
        }
        // Every field but the key.
        if let Some(q) = q {
            let pattern = like_pattern(q);
            qb.push(" and (l.name ilike ").push_bind(pattern.clone());
            qb.push(" or l.supplier ilike ").push_bind(pattern.clone());
            qb.push(" or l.order_number ilike ").push_bind(pattern.clone());
            qb.push(" or l.invoice_number ilike ").push_bind(pattern.clone());
            qb.push(" or l.software_id in (select id from software where name ilike ").push_bind(pattern).push("))");
        }
    }
}

fn date_cell(date: Option<chrono::NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// The key is never exported, masked or not.
impl CsvRecord for Licence {
    fn csv_header() -> &'static [&'static str] {
        &[
            "id",
            "name",
            "software",
            "kind",
            "entity",
            "seats",
            "seats_used",
            "supplier",
            "order_number",
            "invoice_number",
            "price",
            "currency",
            "purchase_date",
            "starts_on",
            "expires_on",
            "renewal_on",
            "updated_at",
        ]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.software_name.clone(),
            self.kind.as_str().to_owned(),
            self.entity_name.clone(),
            self.seats.map(|s| s.to_string()).unwrap_or_default(),
            self.seats_used.to_string(),
            self.supplier.clone(),
            self.order_number.clone(),
            self.invoice_number.clone(),
            self.price.map(|p| p.to_string()).unwrap_or_default(),
            self.currency.clone(),
            date_cell(self.purchase_date),
            date_cell(self.starts_on),
            date_cell(self.expires_on),
            date_cell(self.renewal_on),
            self.updated_at.to_rfc3339(),
        ]
    }
}
