//! One inventory model for every agent: what Parc keeps from an inventory,
//! read from the GLPI inventory format (JSON as sent, or legacy XML turned
//! into it). Values are normalised here; a section absent from a partial
//! inventory is `None`, and its stored rows are left alone; a list absent
//! from a full inventory is empty.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use super::normalize::{Blacklist, date, integer, into_text, text};

/// At most this many software entries in one inventory.
pub const MAX_SOFTWARE: usize = 20_000;
/// At most this many entries in any other section.
const MAX_ENTRIES: usize = 5_000;
/// Characters in one value.
pub const MAX_TEXT: usize = 65_535;

/// What kind of device an inventory describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ItemType {
    Computer,
    Phone,
    NetworkEquipment,
    Printer,
    Unmanaged,
}

impl ItemType {
    pub fn parse(text: &str) -> Option<ItemType> {
        match text.to_ascii_lowercase().as_str() {
            "computer" => Some(ItemType::Computer),
            "phone" => Some(ItemType::Phone),
            "networkequipment" | "networking" => Some(ItemType::NetworkEquipment),
            "printer" => Some(ItemType::Printer),
            "unmanaged" => Some(ItemType::Unmanaged),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ItemType::Computer => "Computer",
            ItemType::Phone => "Phone",
            ItemType::NetworkEquipment => "NetworkEquipment",
            ItemType::Printer => "Printer",
            ItemType::Unmanaged => "Unmanaged",
        }
    }
}

/// Why an inventory cannot be read. The message names the place in the
/// document, for the agent's log.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("{path}: expected {expected}")]
    WrongType { path: String, expected: &'static str },
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("unknown key {0}")]
    UnknownKey(String),
    #[error("{path}: more than {max} entries")]
    TooMany { path: String, max: usize },
    #[error("{path}: longer than {max} characters")]
    TooLong { path: String, max: usize },
}

type Read<T> = Result<T, ModelError>;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Os {
    pub name: String,
    pub version: String,
    pub arch: String,
    pub kernel: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cpu {
    pub name: String,
    pub cores: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disk {
    pub name: String,
    pub size_mb: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Volume {
    pub mount: String,
    pub filesystem: String,
    pub total_mb: Option<i64>,
    /// Changes at every run: not part of what makes two inventories differ.
    #[serde(skip_serializing)]
    pub free_mb: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Nic {
    pub name: String,
    pub mac: Option<String>,
    pub ips: Vec<String>,
    pub virtual_device: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Software {
    pub name: String,
    pub version: String,
    pub publisher: String,
    pub arch: String,
    pub install_date: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Monitor {
    pub name: String,
    pub manufacturer: String,
    pub serial: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Antivirus {
    pub name: String,
    pub version: String,
    pub enabled: Option<bool>,
    pub up_to_date: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VirtualMachine {
    pub name: String,
    pub uuid: Option<String>,
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Port {
    pub number: Option<i64>,
    pub name: String,
    pub mac: Option<String>,
}

/// A printer's counters and supplies.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PrinterState {
    pub pages_total: Option<i64>,
    /// (supply, level as sent).
    pub cartridges: Vec<(String, String)>,
}

/// The identity and facts of one device, normalised.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Inventory {
    pub itemtype: ItemType,
    pub partial: bool,
    pub tag: Option<String>,
    pub client: Option<String>,
    pub name: Option<String>,
    pub uuid: Option<String>,
    pub serial: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    /// "Laptop", "Desktop", a hypervisor's name for a virtual machine…
    pub kind: Option<String>,
    pub last_user: Option<String>,
    pub memory_mb: Option<i64>,
    pub os: Option<Os>,
    pub cpus: Option<Vec<Cpu>>,
    pub disks: Option<Vec<Disk>>,
    pub volumes: Option<Vec<Volume>>,
    pub networks: Option<Vec<Nic>>,
    pub software: Option<Vec<Software>>,
    pub monitors: Option<Vec<Monitor>>,
    pub antivirus: Option<Vec<Antivirus>>,
    pub virtual_machines: Option<Vec<VirtualMachine>>,
    pub ports: Option<Vec<Port>>,
    pub printer: Option<PrinterState>,
}

/// An object of the document and where it is, for error messages.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: Place<'a>,
}

/// Where an object is in the document: written out only when an error names it.
enum Place<'a> {
    Path(String),
    /// An entry of a list section of `content`.
    Entry(&'a str, usize),
}

impl std::fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Path(path) => f.write_str(path),
            Place::Entry(key, index) => write!(f, "content.{key}[{index}]"),
        }
    }
}

impl<'a> Obj<'a> {
    fn at(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    /// The first of `keys` present with a value: text, or a number or a
    /// boolean written as text. Empty text is None.
    fn text(&self, keys: &[&str]) -> Read<Option<String>> {
        for key in keys {
            let found: Cow<'_, str> = match self.map.get(*key) {
                None | Some(Value::Null) => continue,
                Some(Value::String(s)) => Cow::Borrowed(s),
                Some(Value::Number(n)) => Cow::Owned(n.to_string()),
                Some(Value::Bool(b)) => Cow::Owned(b.to_string()),
                Some(_) => return Err(ModelError::WrongType { path: self.at(key), expected: "a text or a number" }),
            };
            // No more characters than bytes: only a long value is counted.
            if found.len() > MAX_TEXT && found.chars().count() > MAX_TEXT {
                return Err(ModelError::TooLong { path: self.at(key), max: MAX_TEXT });
            }
            let found = text(&found, 1000);
            if !found.is_empty() {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    fn text_or_empty(&self, keys: &[&str]) -> Read<String> {
        Ok(self.text(keys)?.unwrap_or_default())
    }

    fn int(&self, keys: &[&str]) -> Read<Option<i64>> {
        Ok(self.text(keys)?.and_then(|t| integer(&t)))
    }

    /// `true`, `1`, `yes`… (XML has "0"/"1", JSON booleans).
    fn flag(&self, keys: &[&str]) -> Read<Option<bool>> {
        Ok(self.text(keys)?.map(|t| matches!(t.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")))
    }

    fn child(&self, key: &str) -> Read<Option<Obj<'a>>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Obj { map, path: Place::Path(self.at(key)) })),
            Some(_) => Err(ModelError::WrongType { path: self.at(key), expected: "an object" }),
        }
    }
}

/// The entries of a list section: an array of objects, a single object
/// (XML with one entry) or an empty element. None when absent.
fn entries<'v>(
    map: &'v Map<String, Value>,
    key: &str,
    path: &str,
    max: usize,
) -> Read<Option<Vec<&'v Map<String, Value>>>> {
    let items: Vec<&Value> = match map.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single @ Value::Object(_)) => vec![single],
        Some(_) => return Err(ModelError::WrongType { path: format!("{path}.{key}"), expected: "a list" }),
    };
    if items.len() > max {
        return Err(ModelError::TooMany { path: format!("{path}.{key}"), max });
    }
    items
        .into_iter()
        .enumerate()
        // Legacy XML has empty entries (`<STORAGES></STORAGES>`).
        .filter(|(_, item)| !matches!(item, Value::String(s) if s.trim().is_empty()))
        .map(|(i, item)| match item {
            Value::Object(entry) => Ok(entry),
            _ => Err(ModelError::WrongType { path: format!("{path}.{key}[{i}]"), expected: "an object" }),
        })
        .collect::<Read<Vec<_>>>()
        .map(Some)
}

/// Read each entry of a list section with `read`; None when the section is absent.
fn section<T>(
    content: &Map<String, Value>,
    key: &str,
    max: usize,
    mut read: impl FnMut(Obj<'_>) -> Read<Option<T>>,
) -> Read<Option<Vec<T>>> {
    let Some(items) = entries(content, key, "content", max)? else { return Ok(None) };
    let mut out = Vec::with_capacity(items.len());
    for (i, map) in items.into_iter().enumerate() {
        if let Some(item) = read(Obj { map, path: Place::Entry(key, i) })? {
            out.push(item);
        }
    }
    Ok(Some(out))
}

/// The content keys of the GLPI inventory format; any other is refused.
pub const SECTIONS: [&str; 49] = [
    "accesslog",
    "antivirus",
    "batteries",
    "bios",
    "cameras",
    "cartridges",
    "consumables",
    "controllers",
    "cpus",
    "databases_services",
    "drives",
    "envs",
    "error",
    "firewalls",
    "firmwares",
    "hardware",
    "inputs",
    "licenseinfos",
    "local_groups",
    "local_users",
    "logical_volumes",
    "memories",
    "modems",
    "monitors",
    "network_components",
    "network_device",
    "network_ports",
    "networks",
    "operatingsystem",
    "pagecounters",
    "physical_volumes",
    "ports",
    "powersupplies",
    "printers",
    "processes",
    "remote_mgmt",
    "sensors",
    "simcards",
    "slots",
    "softwares",
    "sounds",
    "storages",
    "usbdevices",
    "users",
    "versionclient",
    "versionprovider",
    "videos",
    "virtualmachines",
    "volume_groups",
];

/// How the document came.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// The GLPI inventory format, checked strictly.
    Json,
    /// FusionInventory or OCS XML, turned into JSON.
    Xml,
}

/// Read `content` (the inventory's `content` object) into the model.
pub fn read(
    content: &Value,
    itemtype: Option<ItemType>,
    partial: bool,
    tag: Option<String>,
    dialect: Dialect,
    blacklist: &Blacklist,
) -> Read<Inventory> {
    let Value::Object(content) = content else {
        return Err(ModelError::WrongType { path: "content".into(), expected: "an object" });
    };
    // The inventory format is checked strictly; legacy XML carries sections
    // of its own (JVMS, DOWNLOAD…), which are left aside.
    if dialect == Dialect::Json {
        if let Some(unknown) = content.keys().find(|k| !SECTIONS.contains(&k.as_str())) {
            return Err(ModelError::UnknownKey(format!("content.{unknown}")));
        }
    }
    let root = Obj { map: content, path: Place::Path("content".into()) };
    let hardware = root.child("hardware")?;
    let bios = root.child("bios")?;
    let os = root.child("operatingsystem")?;
    // SNMP inventories: `network_device` (JSON) or `DEVICE/INFO` (XML).
    let xml_device = root.child("device")?;
    let device = match (root.child("network_device")?, &xml_device) {
        (Some(device), _) => Some(device),
        (None, Some(outer)) => outer.child("info")?,
        (None, None) => None,
    };
    let (hardware, bios, device) = (hardware.as_ref(), bios.as_ref(), device.as_ref());
    let client = match content.get("versionclient") {
        Some(Value::String(v)) => Some(text(v, 200)).filter(|v| !v.is_empty()),
        None | Some(Value::Null) => None,
        Some(_) => return Err(ModelError::WrongType { path: "content.versionclient".into(), expected: "a text" }),
    };
    if dialect == Dialect::Json && client.is_none() {
        return Err(ModelError::Missing("content.versionclient"));
    }

    let pick = |obj: Option<&Obj<'_>>, keys: &[&str]| -> Read<Option<String>> {
        match obj {
            Some(o) => o.text(keys),
            None => Ok(None),
        }
    };
    let manufacturer_raw = match pick(bios, &["smanufacturer"])? {
        Some(m) => Some(m),
        None => match pick(bios, &["mmanufacturer"])? {
            Some(m) => Some(m),
            None => match pick(bios, &["bmanufacturer"])? {
                Some(m) => Some(m),
                None => pick(device, &["manufacturer"])?,
            },
        },
    };
    let manufacturer = blacklist.manufacturer(manufacturer_raw.as_deref());
    let model = match pick(bios, &["smodel"])? {
        Some(m) => blacklist.model(Some(&m)).or(blacklist.model(pick(bios, &["mmodel"])?.as_deref())),
        None => blacklist
            .model(pick(bios, &["mmodel"])?.as_deref())
            .or(blacklist.model(pick(device, &["model"])?.as_deref())),
    };
    let serial = blacklist
        .serial(pick(bios, &["ssn"])?.as_deref(), manufacturer.as_deref())
        .or(blacklist.serial(pick(bios, &["msn"])?.as_deref().filter(|m| !m.contains('/')), manufacturer.as_deref()))
        .or(blacklist.serial(pick(device, &["serial"])?.as_deref(), manufacturer.as_deref()));
    let vmsystem = pick(hardware, &["vmsystem"])?.filter(|v| !v.eq_ignore_ascii_case("physical"));
    let device_type = pick(device, &["type"])?;
    // Legacy XML does not say the kind: a network device has DEVICE/INFO, a
    // phone runs Android or iOS, the rest are computers.
    let mobile = [pick(os.as_ref(), &["name"])?, pick(hardware, &["osname"])?]
        .iter()
        .flatten()
        .any(|name| ["android", "ios", "iphone"].iter().any(|m| name.to_ascii_lowercase().starts_with(m)));
    let itemtype =
        itemtype.or_else(|| device_type.as_deref().and_then(ItemType::parse)).unwrap_or(if device.is_some() {
            ItemType::NetworkEquipment
        } else if mobile {
            ItemType::Phone
        } else {
            ItemType::Computer
        });

    let os = match os {
        Some(o) => Some(Os {
            name: o.text_or_empty(&["full_name", "name"])?,
            version: o.text_or_empty(&["version"])?,
            arch: o.text_or_empty(&["arch"])?,
            kernel: o.text_or_empty(&["kernel_version"])?,
        }),
        // OCS has no OPERATINGSYSTEM section: its HARDWARE says it.
        None => match pick(hardware, &["osname"])? {
            Some(name) => Some(Os {
                name,
                version: pick(hardware, &["osversion"])?.unwrap_or_default(),
                arch: String::new(),
                kernel: pick(hardware, &["oscomments"])?.unwrap_or_default(),
            }),
            None => None,
        },
    };

    let networks = section(content, "networks", MAX_ENTRIES, |n| {
        let ips: Vec<String> = [n.text(&["ipaddress"])?, n.text(&["ipaddress6"])?]
            .into_iter()
            .flatten()
            .filter_map(|ip| blacklist.ip(Some(&ip)))
            .collect();
        Ok(Some(Nic {
            name: n.text_or_empty(&["description", "name"])?,
            mac: blacklist.mac(n.text(&["mac", "macaddr"])?.as_deref()),
            ips,
            virtual_device: n.flag(&["virtualdev"])?.unwrap_or(false),
        }))
    })?
    .map(merge_nics);
    let ports = section(content, "network_ports", MAX_ENTRIES, |p| {
        Ok(Some(Port {
            number: p.int(&["ifnumber"])?,
            name: p.text_or_empty(&["ifname", "ifdescr"])?,
            mac: blacklist.mac(p.text(&["mac"])?.as_deref()),
        }))
    })?;
    let ports = match (ports, &xml_device) {
        (Some(ports), _) => Some(ports),
        (None, Some(outer)) => match outer.child("ports")? {
            Some(list) => section(list.map, "port", MAX_ENTRIES, |p| {
                Ok(Some(Port {
                    number: p.int(&["ifnumber"])?,
                    name: p.text_or_empty(&["ifname", "ifdescr"])?,
                    mac: blacklist.mac(p.text(&["mac"])?.as_deref()),
                }))
            })?,
            None => None,
        },
        (None, None) => None,
    };
    // A network device's own addresses count as its interface.
    let networks = match (networks, device) {
        (Some(n), _) => Some(n),
        (None, Some(d)) => {
            let mut ips: Vec<String> = d.text(&["ip"])?.into_iter().collect();
            if let Some(Value::Array(list)) = d.map.get("ips") {
                ips.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
            }
            if let Some(Value::Object(list)) = d.map.get("ips") {
                ips.extend(Obj { map: list, path: Place::Path(d.at("ips")) }.text(&["ip"])?);
            }
            let mac = blacklist.mac(d.text(&["mac"])?.as_deref());
            let ips: Vec<String> = ips.iter().filter_map(|ip| blacklist.ip(Some(ip))).collect();
            (mac.is_some() || !ips.is_empty())
                .then(|| vec![Nic { name: String::new(), mac, ips, virtual_device: false }])
        }
        (None, None) => None,
    };

    let software = section(content, "softwares", MAX_SOFTWARE, |s| {
        let Some(name) = s.text(&["name"])? else { return Ok(None) };
        Ok(Some(Software {
            name: into_text(name, 250),
            version: into_text(s.text_or_empty(&["version"])?, 100),
            publisher: into_text(s.text_or_empty(&["publisher"])?, 250),
            // OCS says ARCHITECTURE where the others say ARCH.
            arch: into_text(s.text_or_empty(&["arch", "architecture"])?, 50),
            install_date: s.text(&["install_date", "installdate"])?.as_deref().and_then(date),
        }))
    })?
    .map(one_per_version);

    let printer = match (content.get("pagecounters"), content.get("cartridges")) {
        (None, None) => None,
        _ => {
            let pages_total = match root.child("pagecounters")? {
                Some(c) => c.int(&["total"])?,
                None => None,
            };
            let cartridges = section(content, "cartridges", MAX_ENTRIES, |c| {
                Ok(c.map
                    .iter()
                    .next()
                    .map(|(supply, level)| (supply.clone(), crate::assets::categories::fields::value_text(level))))
            })?
            .unwrap_or_default();
            Some(PrinterState { pages_total, cartridges })
        }
    };

    // Each value fits its column.
    let cut = |value: Option<String>, max: usize| value.map(|v| v.chars().take(max).collect::<String>());
    let (serial, manufacturer, model) = (cut(serial, 100), cut(manufacturer, 200), cut(model, 200));
    let tag = cut(tag, 200);
    let inventory = Inventory {
        itemtype,
        partial,
        tag,
        client,
        name: cut(
            match pick(hardware, &["name"])? {
                Some(name) => Some(name),
                None => pick(device, &["name"])?,
            },
            200,
        ),
        uuid: cut(blacklist.uuid(pick(hardware, &["uuid"])?.as_deref()), 100),
        serial,
        manufacturer,
        model,
        kind: cut(vmsystem.or(pick(hardware, &["chassis_type"])?).or(device_type), 100),
        last_user: cut(pick(hardware, &["lastloggeduser"])?, 200),
        memory_mb: match hardware {
            Some(h) => h.int(&["memory"])?,
            None => None,
        },
        os,
        cpus: section(content, "cpus", MAX_ENTRIES, |c| {
            Ok(Some(Cpu { name: c.text_or_empty(&["name", "type"])?, cores: c.int(&["core", "cores"])? }))
        })?,
        disks: section(content, "storages", MAX_ENTRIES, |d| {
            Ok(Some(Disk {
                name: c_or(d.text(&["model", "name", "description"])?, "disk"),
                size_mb: d.int(&["disksize"])?,
            }))
        })?,
        volumes: section(content, "drives", MAX_ENTRIES, |v| {
            Ok(Some(Volume {
                mount: v.text_or_empty(&["type", "letter", "volumn"])?,
                filesystem: v.text_or_empty(&["filesystem"])?,
                total_mb: v.int(&["total"])?,
                free_mb: v.int(&["free"])?,
            }))
        })?,
        networks,
        software,
        monitors: section(content, "monitors", MAX_ENTRIES, |m| {
            Ok(Some(Monitor {
                name: m.text_or_empty(&["name", "caption"])?,
                manufacturer: m.text_or_empty(&["manufacturer"])?,
                serial: blacklist.serial(m.text(&["serial"])?.as_deref(), None),
            }))
        })?,
        antivirus: section(content, "antivirus", MAX_ENTRIES, |a| {
            Ok(Some(Antivirus {
                name: a.text_or_empty(&["name"])?,
                version: a.text_or_empty(&["version"])?,
                enabled: a.flag(&["enabled"])?,
                up_to_date: a.flag(&["uptodate"])?,
            }))
        })?,
        virtual_machines: section(content, "virtualmachines", MAX_ENTRIES, |v| {
            Ok(Some(VirtualMachine {
                name: v.text_or_empty(&["name"])?,
                uuid: v.text(&["uuid"])?.map(|u| u.to_ascii_lowercase()),
                status: v.text_or_empty(&["status"])?,
            }))
        })?,
        ports,
        printer,
    };
    Ok(if partial { inventory } else { inventory.with_absent_lists_empty() })
}

impl Inventory {
    /// A full inventory lists all a device has: a list it leaves out is
    /// empty (the memory removed, the last program uninstalled), where a
    /// partial inventory leaves what it does not carry alone.
    fn with_absent_lists_empty(mut self) -> Inventory {
        fn empty<T>(list: &mut Option<Vec<T>>) {
            list.get_or_insert_with(Vec::new);
        }
        empty(&mut self.software);
        empty(&mut self.networks);
        empty(&mut self.cpus);
        empty(&mut self.disks);
        empty(&mut self.volumes);
        empty(&mut self.monitors);
        empty(&mut self.antivirus);
        // Only computers host virtual machines; only network devices and printers have ports.
        if self.itemtype == ItemType::Computer {
            empty(&mut self.virtual_machines);
        }
        if matches!(self.itemtype, ItemType::NetworkEquipment | ItemType::Printer) {
            empty(&mut self.ports);
        }
        self
    }
}

/// One entry per catalogue version and architecture (the first of each),
/// sorted by lowercase name and publisher, then version and architecture.
/// Each entry's lowercase name and publisher are made once, not at each
/// comparison.
pub fn one_per_version(list: Vec<Software>) -> Vec<Software> {
    let order: Vec<usize> = {
        let lowered: Vec<(Cow<'_, str>, Cow<'_, str>)> =
            list.iter().map(|s| (lowercase(&s.name), lowercase(&s.publisher))).collect();
        let key = |i: usize| (&lowered[i].0, &lowered[i].1, &list[i].version, &list[i].arch);
        let mut order: Vec<usize> = (0..list.len()).collect();
        // Stable: of entries with one key, the first sent comes first.
        order.sort_by(|a, b| key(*a).cmp(&key(*b)));
        order.dedup_by(|a, b| key(*a) == key(*b));
        order
    };
    let mut slots: Vec<Option<Software>> = list.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)).collect()
}

/// `text` in lower case, borrowed when it is so already.
pub fn lowercase(text: &str) -> Cow<'_, str> {
    if text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

fn c_or(value: Option<String>, fallback: &str) -> String {
    value.unwrap_or_else(|| fallback.to_owned())
}

/// Agents send one entry per address: one interface per (name, MAC), its
/// addresses together.
fn merge_nics(list: Vec<Nic>) -> Vec<Nic> {
    let mut merged: Vec<Nic> = Vec::with_capacity(list.len());
    for nic in list {
        match merged.iter_mut().find(|m| m.name == nic.name && m.mac == nic.mac) {
            Some(existing) => {
                for ip in nic.ips {
                    if !existing.ips.contains(&ip) {
                        existing.ips.push(ip);
                    }
                }
            }
            None => merged.push(nic),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;

    fn entry(name: &str, publisher: &str, version: &str, arch: &str, day: u32) -> Software {
        Software {
            name: name.to_owned(),
            version: version.to_owned(),
            publisher: publisher.to_owned(),
            arch: arch.to_owned(),
            install_date: NaiveDate::from_ymd_opt(2025, 1, day),
        }
    }

    #[test]
    fn one_entry_per_version_the_first_sent_sorted_without_case() {
        let list = vec![
            entry("Zip", "B", "2", "x86_64", 1),
            entry("ÉDITEUR", "a", "1", "", 2),
            entry("zip", "b", "2", "x86_64", 3),
            entry("Zip", "B", "10", "x86_64", 4),
            entry("éditeur", "A", "1", "", 5),
            entry("Zip", "B", "2", "i686", 6),
        ];
        // What sorting by lowered copies at each comparison gave.
        let mut expected = list.clone();
        let key = |s: &Software| (s.name.to_lowercase(), s.publisher.to_lowercase(), s.version.clone(), s.arch.clone());
        expected.sort_by_key(key);
        expected.dedup_by(|a, b| key(a) == key(b));
        let days = |l: &[Software]| l.iter().map(|s| s.install_date.map(|d| d.day())).collect::<Vec<_>>();
        let kept = one_per_version(list);
        assert_eq!(kept, expected);
        assert_eq!(days(&kept), [Some(4), Some(6), Some(1), Some(2)].to_vec());
    }
}
