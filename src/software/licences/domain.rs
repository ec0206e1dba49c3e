//! Software licences: what was bought (kind, seats, key, purchase, validity)
//! and the seats given to assets or people.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How a licence counts: per device, per user, per core, concurrent use, a
/// whole site (no seats), or a subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum LicenceKind {
    PerDevice,
    PerUser,
    PerCore,
    Concurrent,
    Site,
    Subscription,
}

/// Who holds the seats of a kind of licence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    Asset,
    Person,
}

impl LicenceKind {
    pub const ALL: [LicenceKind; 6] = [
        LicenceKind::PerDevice,
        LicenceKind::PerUser,
        LicenceKind::PerCore,
        LicenceKind::Concurrent,
        LicenceKind::Site,
        LicenceKind::Subscription,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LicenceKind::PerDevice => "per_device",
            LicenceKind::PerUser => "per_user",
            LicenceKind::PerCore => "per_core",
            LicenceKind::Concurrent => "concurrent",
            LicenceKind::Site => "site",
            LicenceKind::Subscription => "subscription",
        }
    }

    pub fn parse(value: &str) -> Option<LicenceKind> {
        LicenceKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn label_key(self) -> String {
        format!("licence-kind-{}", self.as_str())
    }

    /// Per-user licences are given to people, a site licence to nobody (it
    /// covers its entities), the others to assets.
    pub fn holder(self) -> Option<Holder> {
        match self {
            LicenceKind::PerUser => Some(Holder::Person),
            LicenceKind::Site => None,
            _ => Some(Holder::Asset),
        }
    }
}

/// A licence key. Whoever may not change the licence sees it masked, so the
/// key is masked unless a handler reveals it for such a person; `Debug` never
/// prints it (nor do logs).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct LicenceKey {
    text: String,
    shown: bool,
}

impl LicenceKey {
    pub fn new(text: impl Into<String>) -> Self {
        Self { text: text.into(), shown: false }
    }

    /// The key itself: for the edit form and the database, never for display.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Serialise the key in clear (the person may change the licence).
    pub fn reveal(&mut self) {
        self.shown = true;
    }

    /// What the person may see: the key, or its mask.
    pub fn display(&self) -> String {
        if self.shown { self.text.clone() } else { mask(&self.text) }
    }
}

/// `XXXXX-…-WXYZ` for a long key (its last four characters), `••••` for a
/// short one, where four characters would give away too much.
pub fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    match chars.len() {
        0 => String::new(),
        1..16 => "••••".into(),
        n => format!("XXXXX-…-{}", chars[n - 4..].iter().collect::<String>()),
    }
}

impl std::fmt::Debug for LicenceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LicenceKey(<redacted>)")
    }
}

impl Serialize for LicenceKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.display())
    }
}

impl<'de> Deserialize<'de> for LicenceKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(LicenceKey::new)
    }
}

impl sqlx::Type<sqlx::Postgres> for LicenceKey {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <String as sqlx::Type<sqlx::Postgres>>::type_info()
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Postgres> for LicenceKey {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        <String as sqlx::Decode<sqlx::Postgres>>::decode(value).map(LicenceKey::new)
    }
}

/// Where a licence stands today, for the list's filter and badges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
    /// Past its expiry date.
    Expired,
    /// Expiring within [`EXPIRING_DAYS`] days.
    Expiring,
    /// Not expired (expiring ones included).
    Valid,
}

/// How soon an expiry counts as "expiring".
pub const EXPIRING_DAYS: i32 = 30;

impl Validity {
    pub const ALL: [Validity; 3] = [Validity::Expired, Validity::Expiring, Validity::Valid];

    pub fn as_str(self) -> &'static str {
        match self {
            Validity::Expired => "expired",
            Validity::Expiring => "expiring",
            Validity::Valid => "valid",
        }
    }
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Licence {
    pub id: Uuid,
    pub entity_id: Uuid,
    pub entity_name: String,
    pub software_id: Uuid,
    pub software_name: String,
    pub name: String,
    pub kind: LicenceKind,
    /// None for a site licence.
    pub seats: Option<i32>,
    pub seats_used: i32,
    /// In clear for those who may change the licence, masked for others.
    #[schema(value_type = String)]
    pub licence_key: LicenceKey,
    pub supplier: String,
    pub order_number: String,
    pub invoice_number: String,
    #[schema(value_type = Option<String>)]
    pub price: Option<Decimal>,
    pub currency: String,
    pub purchase_date: Option<NaiveDate>,
    pub starts_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub renewal_on: Option<NaiveDate>,
    pub notes: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Licence {
    /// Seats left, None for a site licence.
    pub fn seats_free(&self) -> Option<i32> {
        self.seats.map(|seats| (seats - self.seats_used).max(0))
    }

    pub fn validity(&self, today: NaiveDate) -> Validity {
        match self.expires_on {
            Some(end) if end < today => Validity::Expired,
            Some(end) if end <= today + chrono::Days::new(EXPIRING_DAYS as u64) => Validity::Expiring,
            _ => Validity::Valid,
        }
    }
}

/// Checked values to write; also the snapshot the history compares. The
/// key is left out of the snapshot: the history says it changed, not what it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LicenceInput {
    pub entity_id: Uuid,
    pub software_id: Uuid,
    pub name: String,
    pub kind: LicenceKind,
    pub seats: Option<i32>,
    #[serde(skip)]
    pub licence_key: LicenceKey,
    pub supplier: String,
    pub order_number: String,
    pub invoice_number: String,
    pub price: Option<Decimal>,
    pub currency: String,
    pub purchase_date: Option<NaiveDate>,
    pub starts_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub renewal_on: Option<NaiveDate>,
    pub notes: String,
}

impl From<&Licence> for LicenceInput {
    fn from(l: &Licence) -> Self {
        Self {
            entity_id: l.entity_id,
            software_id: l.software_id,
            name: l.name.clone(),
            kind: l.kind,
            seats: l.seats,
            licence_key: LicenceKey::new(l.licence_key.text()),
            supplier: l.supplier.clone(),
            order_number: l.order_number.clone(),
            invoice_number: l.invoice_number.clone(),
            price: l.price,
            currency: l.currency.clone(),
            purchase_date: l.purchase_date,
            starts_on: l.starts_on,
            expires_on: l.expires_on,
            renewal_on: l.renewal_on,
            notes: l.notes.clone(),
        }
    }
}

/// Body of POST /api/v1/licences.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LicenceCreate {
    pub entity_id: Uuid,
    pub software_id: Uuid,
    pub name: String,
    pub kind: String,
    /// Required, except for a site licence (which has none).
    pub seats: Option<i32>,
    #[schema(value_type = Option<String>)]
    pub licence_key: Option<LicenceKey>,
    pub supplier: Option<String>,
    pub order_number: Option<String>,
    pub invoice_number: Option<String>,
    /// "1234.50"
    pub price: Option<String>,
    pub currency: Option<String>,
    /// YYYY-MM-DD
    pub purchase_date: Option<String>,
    pub starts_on: Option<String>,
    /// Not before `starts_on`.
    pub expires_on: Option<String>,
    pub renewal_on: Option<String>,
    pub notes: Option<String>,
}

/// Body of PATCH /api/v1/licences/{id}: absent fields keep their value, null clears.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LicencePatch {
    pub version: Option<i64>,
    pub entity_id: Option<Uuid>,
    pub software_id: Option<Uuid>,
    pub name: Option<String>,
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<i32>)]
    pub seats: Option<Option<i32>>,
    #[schema(value_type = Option<String>)]
    pub licence_key: Option<LicenceKey>,
    pub supplier: Option<String>,
    pub order_number: Option<String>,
    pub invoice_number: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<String>)]
    pub price: Option<Option<String>>,
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<String>)]
    pub purchase_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<String>)]
    pub starts_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<String>)]
    pub expires_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<String>)]
    pub renewal_on: Option<Option<String>>,
    pub notes: Option<String>,
}

/// A seat: given to one asset or one person.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Seat {
    pub id: Uuid,
    pub licence_id: Uuid,
    pub asset_id: Option<Uuid>,
    pub asset_tag: Option<String>,
    pub asset_name: Option<String>,
    pub user_id: Option<Uuid>,
    pub user_name: Option<String>,
    /// Who gave the seat, when still known.
    pub assigned_by: Option<String>,
    pub assigned_at: DateTime<Utc>,
}

/// Body of POST /api/v1/licences/{id}/seats: exactly one of the three.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatRequest {
    pub asset_id: Option<Uuid>,
    /// The asset's tag, instead of its id.
    pub asset_tag: Option<String>,
    pub user_id: Option<Uuid>,
}

/// Who a seat is asked for, as typed or sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeatTarget {
    AssetId(Uuid),
    AssetTag(String),
    User(Uuid),
}

impl SeatTarget {
    pub fn holder(&self) -> Holder {
        match self {
            SeatTarget::AssetId(_) | SeatTarget::AssetTag(_) => Holder::Asset,
            SeatTarget::User(_) => Holder::Person,
        }
    }
}

/// A licence held by an asset, for the asset's page.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AssetLicence {
    pub seat_id: Uuid,
    pub licence_id: Uuid,
    pub licence_name: String,
    pub software_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_keys_show_their_last_four_characters_only() {
        assert_eq!(mask("ABCDE-FGHIJ-KLMNO-PQRST-12345"), "XXXXX-…-2345");
        assert_eq!(mask("SHORTKEY-1234"), "••••");
        assert_eq!(mask(""), "");
        assert_eq!(mask("ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ"), "XXXXX-…-ÉÉÉÉ");
    }

    #[test]
    fn a_key_is_masked_unless_revealed_and_never_debug_printed() {
        let mut key = LicenceKey::new("ABCDE-FGHIJ-KLMNO-PQRST-12345");
        assert_eq!(serde_json::to_value(&key).ok(), Some(serde_json::json!("XXXXX-…-2345")));
        assert!(!format!("{key:?}").contains("ABCDE"));
        key.reveal();
        assert_eq!(serde_json::to_value(&key).ok(), Some(serde_json::json!("ABCDE-FGHIJ-KLMNO-PQRST-12345")));
        assert!(!format!("{key:?}").contains("ABCDE"));
    }

    #[test]
    fn seats_go_to_people_or_assets_by_kind() {
        assert_eq!(LicenceKind::PerUser.holder(), Some(Holder::Person));
        assert_eq!(LicenceKind::Concurrent.holder(), Some(Holder::Asset));
        assert_eq!(LicenceKind::Site.holder(), None);
        assert!(LicenceKind::ALL.iter().all(|k| LicenceKind::parse(k.as_str()) == Some(*k)));
    }
}
