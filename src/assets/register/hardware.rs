//! Hardware facts of computers: operating system, processor, memory, disks and
//! network interfaces. Typed by hand or sent by the API today; the inventory
//! agents fill the same tables.

use std::net::IpAddr;

use axum::{
    Form, Json,
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{db, domain::Asset};
use crate::{
    api::{ApiJson, expected_version},
    audit::{self, AuditActor, Subject},
    auth::{
        actor::{Actor, ApiActor},
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError, AppResult},
    state::AppState,
    web::{
        PageCtx,
        extract::{ApiId, Id},
        form::{FieldErrors, Parser},
        layout::redirect_with_flash,
        table::{FormField, FormTemplate},
    },
};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Disk {
    pub name: String,
    /// Gigabytes, one decimal.
    #[schema(value_type = Option<String>)]
    pub size_gb: Option<Decimal>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkInterface {
    #[serde(default)]
    pub name: String,
    /// Any common notation in; "aa:bb:cc:dd:ee:ff" out.
    pub mac: Option<String>,
    /// IPv4 or IPv6 addresses.
    #[serde(default)]
    pub ips: Vec<String>,
}

/// The hardware facts of one asset. As a PUT body every field is replaced:
/// a field left out is cleared.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Hardware {
    pub os_name: String,
    pub os_version: String,
    pub cpu: String,
    pub cpu_cores: Option<i32>,
    pub memory_mb: Option<i64>,
    pub disks: Vec<Disk>,
    pub interfaces: Vec<NetworkInterface>,
}

/// PUT /api/v1/assets/{id}/hardware: the facts, and the asset's version.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HardwareUpdate {
    pub version: Option<i64>,
    #[serde(default)]
    pub hardware: Hardware,
}

/// "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff", "AABBCCDDEEFF"... -> "aa:bb:cc:dd:ee:ff".
pub fn normalise_mac(raw: &str) -> Option<String> {
    let hex: String = raw.chars().filter(|c| !matches!(c, ':' | '-' | '.' | ' ')).collect();
    if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let hex = hex.to_ascii_lowercase();
    Some(hex.as_bytes().chunks(2).map(|pair| String::from_utf8_lossy(pair).into_owned()).collect::<Vec<_>>().join(":"))
}

/// An address in its canonical text form ("2001:db8::1", "10.0.0.5").
pub fn normalise_ip(raw: &str) -> Option<String> {
    raw.trim().parse::<IpAddr>().ok().map(|ip| ip.to_string())
}

impl Hardware {
    /// Trimmed, bounded and normalised, or the fields that are wrong.
    pub fn checked(self) -> Result<Self, FieldErrors> {
        let mut p = Parser::default();
        let os_name = p.text("os_name", &self.os_name, 200);
        let os_version = p.text("os_version", &self.os_version, 100);
        let cpu = p.text("cpu", &self.cpu, 200);
        if self.cpu_cores.is_some_and(|n| !(1..=100_000).contains(&n)) {
            p.errors.add("cpu_cores", "field-invalid-number");
        }
        if self.memory_mb.is_some_and(|n| n < 0) {
            p.errors.add("memory_mb", "field-negative");
        }
        let disks = self.disks.into_iter().map(checked_disk).collect::<Result<Vec<_>, _>>();
        let interfaces = self.interfaces.into_iter().map(checked_interface).collect::<Result<Vec<_>, _>>();
        let (disks, interfaces) = match (disks, interfaces) {
            (Ok(d), Ok(i)) if d.len() <= 100 && i.len() <= 100 => (d, i),
            (d, i) => {
                if d.is_err() {
                    p.errors.add("disks", "hardware-disks-invalid");
                }
                if i.is_err() {
                    p.errors.add("interfaces", "hardware-interfaces-invalid");
                }
                (Vec::new(), Vec::new())
            }
        };
        let hardware =
            Self { os_name, os_version, cpu, cpu_cores: self.cpu_cores, memory_mb: self.memory_mb, disks, interfaces };
        p.finish(hardware)
    }

    /// What the history records: one readable line per fact.
    /// The facts as history shows them, one line per disk and interface.
    pub fn summary(&self) -> serde_json::Value {
        let disks: Vec<String> = self.disks.iter().map(disk_line).collect();
        let interfaces: Vec<String> = self.interfaces.iter().map(interface_line).collect();
        serde_json::json!({
            "os": format!("{} {}", self.os_name, self.os_version).trim(),
            "cpu": self.cpu,
            "cpu_cores": self.cpu_cores,
            "memory_mb": self.memory_mb,
            "disks": disks.join("; "),
            "interfaces": interfaces.join("; "),
        })
    }
}

fn checked_disk(disk: Disk) -> Result<Disk, ()> {
    let name = disk.name.trim().to_owned();
    let size_ok = disk.size_gb.is_none_or(|s| !s.is_sign_negative() && s < Decimal::from(100_000_000));
    if name.is_empty() || name.chars().count() > 200 || name.contains('\0') || !size_ok {
        return Err(());
    }
    Ok(Disk { name, size_gb: disk.size_gb.map(|s| s.round_dp(1)) })
}

fn checked_interface(interface: NetworkInterface) -> Result<NetworkInterface, ()> {
    let name = interface.name.trim().to_owned();
    if name.chars().count() > 100 || name.contains('\0') || interface.ips.len() > 50 {
        return Err(());
    }
    let mac = match interface.mac.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => None,
        Some(raw) => Some(normalise_mac(raw).ok_or(())?),
    };
    let ips = interface.ips.iter().map(|ip| normalise_ip(ip).ok_or(())).collect::<Result<Vec<_>, _>>()?;
    if mac.is_none() && ips.is_empty() && name.is_empty() {
        return Err(());
    }
    Ok(NetworkInterface { name, mac, ips })
}

fn disk_line(disk: &Disk) -> String {
    match disk.size_gb {
        Some(size) => format!("{} | {size}", disk.name),
        None => disk.name.clone(),
    }
}

fn interface_line(interface: &NetworkInterface) -> String {
    format!("{} | {} | {}", interface.name, interface.mac.as_deref().unwrap_or_default(), interface.ips.join(" "))
}

pub async fn load(pool: &PgPool, asset_id: Uuid) -> AppResult<Hardware> {
    let mut conn = pool.acquire().await?;
    load_in(&mut conn, asset_id).await
}

/// [`load`] on the caller's connection (inside its transaction).
pub async fn load_in(conn: &mut PgConnection, asset_id: Uuid) -> AppResult<Hardware> {
    let base = sqlx::query!(
        "select os_name, os_version, cpu, cpu_cores, memory_mb from asset_hardware where asset_id = $1",
        asset_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let disks =
        sqlx::query_as!(Disk, "select name, size_gb from asset_disks where asset_id = $1 order by position", asset_id)
            .fetch_all(&mut *conn)
            .await?;
    let interfaces = sqlx::query_as!(
        NetworkInterface,
        "select name, mac, ips from asset_network_interfaces where asset_id = $1 order by position",
        asset_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut hardware = Hardware { disks, interfaces, ..Hardware::default() };
    if let Some(base) = base {
        hardware.os_name = base.os_name;
        hardware.os_version = base.os_version;
        hardware.cpu = base.cpu;
        hardware.cpu_cores = base.cpu_cores;
        hardware.memory_mb = base.memory_mb;
    }
    Ok(hardware)
}

/// Replace the facts of `asset` seen at `version`; the asset's version moves on
/// so a stale edit of either is refused.
pub async fn save(
    pool: &PgPool,
    actor: &AuditActor,
    asset: &Asset,
    version: i64,
    hardware: &Hardware,
) -> AppResult<()> {
    if !asset.has_hardware {
        return Err(AppError::Unprocessable("this asset's category has no hardware facts".into()));
    }
    let before = load(pool, asset.id).await?;
    let mut tx = pool.begin().await?;
    let bumped =
        sqlx::query!("update assets set version = version + 1 where id = $1 and version = $2", asset.id, version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    write_in(&mut tx, asset.id, hardware).await?;
    let subject = Subject::new(ObjectKind::Asset, asset.id, Some(asset.entity_id));
    audit::updated(&mut tx, pool, actor, subject, bumped, &before.summary(), &hardware.summary()).await?;
    // What a person sets by hand, the agents no longer overwrite.
    let edited: Vec<&str> = [
        ("os", (&before.os_name, &before.os_version) != (&hardware.os_name, &hardware.os_version)),
        ("cpu", (&before.cpu, before.cpu_cores) != (&hardware.cpu, hardware.cpu_cores)),
        ("memory", before.memory_mb != hardware.memory_mb),
        ("disks", before.disks != hardware.disks),
        ("networks", before.interfaces != hardware.interfaces),
    ]
    .into_iter()
    .filter_map(|(field, changed)| changed.then_some(field))
    .collect();
    crate::inventory::db::lock_edited(&mut tx, actor, subject, &edited).await?;
    tx.commit().await?;
    Ok(())
}

/// Replace an asset's facts, disks and interfaces inside the caller's transaction.
pub async fn write_in(conn: &mut PgConnection, asset_id: Uuid, hardware: &Hardware) -> AppResult<()> {
    sqlx::query!("delete from asset_disks where asset_id = $1", asset_id).execute(&mut *conn).await?;
    sqlx::query!("delete from asset_network_interfaces where asset_id = $1", asset_id).execute(&mut *conn).await?;
    write_new(conn, asset_id, hardware).await
}

/// Write the facts, disks and interfaces of an asset that has none yet.
pub async fn write_new(conn: &mut PgConnection, asset_id: Uuid, hardware: &Hardware) -> AppResult<()> {
    sqlx::query!(
        "insert into asset_hardware (asset_id, os_name, os_version, cpu, cpu_cores, memory_mb) values ($1, $2, $3, $4, $5, $6)
         on conflict (asset_id) do update set os_name = $2, os_version = $3, cpu = $4, cpu_cores = $5, memory_mb = $6, updated_at = now()",
        asset_id,
        hardware.os_name,
        hardware.os_version,
        hardware.cpu,
        hardware.cpu_cores,
        hardware.memory_mb
    )
    .execute(&mut *conn)
    .await?;
    let (names, sizes): (Vec<String>, Vec<Option<Decimal>>) =
        hardware.disks.iter().map(|d| (d.name.clone(), d.size_gb)).unzip();
    sqlx::query!(
        "insert into asset_disks (asset_id, position, name, size_gb)
         select $1, n, name, size from unnest($2::text[], $3::numeric[]) with ordinality as d(name, size, n)",
        asset_id,
        &names,
        &sizes as &[Option<Decimal>]
    )
    .execute(&mut *conn)
    .await?;
    if hardware.interfaces.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = hardware.interfaces.iter().map(|i| i.name.as_str()).collect();
    let macs: Vec<Option<&str>> = hardware.interfaces.iter().map(|i| i.mac.as_deref()).collect();
    // Each interface's addresses as a JSON array: arrays of arrays cannot be unnested by row.
    let ips: Vec<Value> = hardware.interfaces.iter().map(|i| Value::from(i.ips.clone())).collect();
    sqlx::query!(
        "insert into asset_network_interfaces (asset_id, position, name, mac, ips)
         select $1, n - 1, name, mac, array(select jsonb_array_elements_text(ips))
           from unnest($2::text[], $3::text[], $4::jsonb[]) with ordinality as i(name, mac, ips, n)",
        asset_id,
        &names as &[&str],
        &macs as &[Option<&str>],
        &ips
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn editable(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<Asset> {
    db::find(&state.db, &actor.scope(ObjectKind::Asset, Action::Update)?, id).await
}

/// The hardware facts of an asset
#[utoipa::path(get, path = "/api/v1/assets/{id}/hardware", tag = "assets",
    responses((status = 200, body = Hardware), (status = 404, body = crate::error::Problem)))]
pub async fn get_hardware(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<Json<Hardware>> {
    let asset = db::find(&state.db, &actor.scope(ObjectKind::Asset, Action::View)?, id).await?;
    Ok(Json(load(&state.db, asset.id).await?))
}

/// Replace the hardware facts of an asset (computers, laptops, servers)
#[utoipa::path(put, path = "/api/v1/assets/{id}/hardware", tag = "assets", request_body = HardwareUpdate,
    responses((status = 200, body = Hardware), (status = 409, body = crate::error::Problem, description = "stale version"),
              (status = 422, body = crate::error::Problem)))]
pub async fn put_hardware(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<HardwareUpdate>,
) -> ApiResult<Json<Hardware>> {
    let asset = editable(&state, &actor, id).await?;
    let version = expected_version(&headers, body.version)?;
    let hardware = body.hardware.checked().map_err(AppError::Validation)?;
    save(&state.db, &actor.audit(), &asset, version, &hardware).await?;
    Ok(Json(load(&state.db, id).await?))
}

/// The hardware form: disks and interfaces one per line.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct HardwareForm {
    os_name: String,
    os_version: String,
    cpu: String,
    cpu_cores: String,
    memory_mb: String,
    /// `name | size in GB` per line.
    disks: String,
    /// `name | MAC | address address` per line.
    interfaces: String,
    version: String,
}

impl HardwareForm {
    fn of(hardware: &Hardware, version: i64) -> Self {
        let lines = |items: Vec<String>| items.join("\n");
        Self {
            os_name: hardware.os_name.clone(),
            os_version: hardware.os_version.clone(),
            cpu: hardware.cpu.clone(),
            cpu_cores: hardware.cpu_cores.map(|n| n.to_string()).unwrap_or_default(),
            memory_mb: hardware.memory_mb.map(|n| n.to_string()).unwrap_or_default(),
            disks: lines(hardware.disks.iter().map(disk_line).collect()),
            interfaces: lines(hardware.interfaces.iter().map(interface_line).collect()),
            version: version.to_string(),
        }
    }

    fn parse(&self) -> Result<Hardware, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut number = |field: &str, text: &str| match text.trim() {
            "" => None,
            text => text.parse::<i64>().map_err(|_| errors.add(field, "field-invalid-number")).ok(),
        };
        let cpu_cores = number("cpu_cores", &self.cpu_cores);
        let memory_mb = number("memory_mb", &self.memory_mb);
        let mut disks = Vec::new();
        for parts in lines(&self.disks) {
            let size = match parts.get(1).map(String::as_str).unwrap_or_default() {
                "" => None,
                text => match text.replace(',', ".").parse::<Decimal>() {
                    Ok(size) => Some(size),
                    Err(_) => {
                        errors.add("disks", "hardware-disks-invalid");
                        None
                    }
                },
            };
            disks.push(Disk { name: parts.first().cloned().unwrap_or_default(), size_gb: size });
        }
        let interfaces = lines(&self.interfaces)
            .map(|parts| NetworkInterface {
                name: parts.first().cloned().unwrap_or_default(),
                mac: parts.get(1).cloned(),
                ips: parts.get(2).map(|ips| ips.split_whitespace().map(str::to_owned).collect()).unwrap_or_default(),
            })
            .collect();
        let hardware = Hardware {
            os_name: self.os_name.clone(),
            os_version: self.os_version.clone(),
            cpu: self.cpu.clone(),
            cpu_cores: cpu_cores.map(|n| i32::try_from(n).unwrap_or(0)),
            memory_mb,
            disks,
            interfaces,
        };
        let checked = hardware.checked();
        match (errors.is_empty(), checked) {
            (true, result) => result,
            (false, Ok(_)) => Err(errors),
            (false, Err(more)) => {
                for (field, key) in more.iter() {
                    errors.add(field, key);
                }
                Err(errors)
            }
        }
    }

    fn fields(&self) -> Vec<FormField> {
        vec![
            FormField::text("os_name", "hardware-os", &self.os_name, false),
            FormField::text("os_version", "hardware-os-version", &self.os_version, false),
            FormField::text("cpu", "hardware-cpu", &self.cpu, false),
            FormField::input("cpu_cores", "hardware-cores", "number", &self.cpu_cores),
            FormField::input("memory_mb", "hardware-memory", "number", &self.memory_mb),
            FormField::area("disks", "hardware-disks-help", &self.disks),
            FormField::area("interfaces", "hardware-interfaces-help", &self.interfaces),
        ]
    }
}

/// The non-empty lines of a text area, each split on "|".
fn lines(text: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| line.split('|').map(|part| part.trim().to_owned()).collect())
}

fn form_page(ctx: PageCtx, asset: &Asset, form: &HardwareForm, errors: FieldErrors) -> AppResult<Response> {
    let template = FormTemplate {
        title: format!("{} · {}", asset.tag, ctx.t("hardware")),
        action: format!("/assets/{}/hardware", asset.id),
        cancel: format!("/assets/{}", asset.id),
        version: form.version.clone(),
        fields: form.fields(),
        errors,
        ctx,
    };
    template.render()
}

pub async fn edit_page(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let asset = editable(&state, &actor, id).await?;
    if !asset.has_hardware {
        return Err(AppError::NotFound);
    }
    let form = HardwareForm::of(&load(&state.db, id).await?, asset.version);
    form_page(ctx, &asset, &form, FieldErrors::default())
}

pub async fn save_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<HardwareForm>,
) -> AppResult<Response> {
    let asset = editable(&state, &actor, id).await?;
    let outcome = async {
        let hardware = form.parse().map_err(AppError::Validation)?;
        let version = form.version.trim().parse().map_err(|_| AppError::field("version", "field-invalid"))?;
        save(&state.db, &actor.audit(), &asset, version, &hardware).await
    }
    .await;
    match outcome {
        Ok(()) => Ok(redirect_with_flash(&format!("/assets/{id}"), "success", "flash-saved")),
        Err(AppError::Validation(errors)) => form_page(ctx, &asset, &form, errors),
        Err(AppError::StaleEdit { by, at }) => {
            form_page(ctx.with_stale(&by, &at), &asset, &form, FieldErrors::single("version", "stale-edit-short"))
        }
        Err(other) => Ok(other.into_response()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macs_and_addresses_are_normalised() {
        for mac in ["AA-BB-CC-DD-EE-0F", "aa:bb:cc:dd:ee:0f", "aabb.ccdd.ee0f", "AABBCCDDEE0F"] {
            assert_eq!(normalise_mac(mac).as_deref(), Some("aa:bb:cc:dd:ee:0f"), "{mac}");
        }
        assert_eq!(normalise_mac("aa:bb:cc:dd:ee"), None);
        assert_eq!(normalise_mac("zz:bb:cc:dd:ee:ff"), None);
        assert_eq!(normalise_ip(" 2001:0db8::0001 ").as_deref(), Some("2001:db8::1"));
        assert_eq!(normalise_ip("10.0.0.256"), None);
    }

    #[test]
    fn the_form_reads_one_disk_and_one_interface_per_line() {
        let form = HardwareForm {
            disks: "nvme0n1 | 512\nsda | 1000,5".into(),
            interfaces: "eth0 | AA-BB-CC-DD-EE-FF | 10.0.0.5 fe80::1".into(),
            memory_mb: "16384".into(),
            ..HardwareForm::default()
        };
        let hardware = form.parse().expect("valid facts");
        assert_eq!(hardware.disks[1].size_gb, Some(Decimal::new(10005, 1)));
        assert_eq!(hardware.interfaces[0].mac.as_deref(), Some("aa:bb:cc:dd:ee:ff"));
        assert_eq!(hardware.interfaces[0].ips, vec!["10.0.0.5", "fe80::1"]);
        let bad = HardwareForm { interfaces: "eth0 | not-a-mac".into(), memory_mb: "lots".into(), ..form };
        let errors = bad.parse().expect_err("bad facts");
        assert_eq!(errors.get("interfaces"), Some("hardware-interfaces-invalid"));
        assert_eq!(errors.get("memory_mb"), Some("field-invalid-number"));
    }
}
