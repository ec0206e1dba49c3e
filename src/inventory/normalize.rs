//! Values as agents send them, made comparable: trimmed serials and UUIDs,
//! MACs as `aa:bb:cc:dd:ee:ff`, dates in their several formats, and the
//! placeholders (GLPI's default blacklists, editable by the admin) dropped
//! so that "To Be Filled By O.E.M." never identifies a machine.

use chrono::NaiveDate;
use serde::Serialize;

use crate::assets::register::hardware::{normalise_ip, normalise_mac};

/// What a blacklist entry applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Serial,
    Uuid,
    Mac,
    Ip,
    Model,
    Manufacturer,
}

impl Field {
    pub const ALL: [Field; 6] = [Field::Serial, Field::Uuid, Field::Mac, Field::Ip, Field::Model, Field::Manufacturer];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Serial => "serial",
            Field::Uuid => "uuid",
            Field::Mac => "mac",
            Field::Ip => "ip",
            Field::Model => "model",
            Field::Manufacturer => "manufacturer",
        }
    }

    pub fn parse(text: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// GLPI's default blacklists (`Blacklist::getDefaults()`); `/…/` is a regular expression.
pub const DEFAULTS: &[(Field, &str)] = &[
    (Field::Serial, "N/A"),
    (Field::Serial, "(null string)"),
    (Field::Serial, "INVALID"),
    (Field::Serial, "SYS-1234567890"),
    (Field::Serial, "SYS-9876543210"),
    (Field::Serial, "SN-12345"),
    (Field::Serial, "SN-1234567890"),
    (Field::Serial, "/^0+$/"),
    (Field::Serial, "/^1+$/"),
    (Field::Serial, r"/\d\.\d(\.\d)?/"),
    (Field::Serial, "/^(0|1)+$/"),
    (Field::Serial, "0123456789"),
    (Field::Serial, "12345"),
    (Field::Serial, "123456"),
    (Field::Serial, "1234567"),
    (Field::Serial, "12345678"),
    (Field::Serial, "123456789"),
    (Field::Serial, "1234567890"),
    (Field::Serial, "123456789000"),
    (Field::Serial, "12345678901234567"),
    (Field::Serial, "NNNNNNN"),
    (Field::Serial, "xxxxxxxxxxx"),
    (Field::Serial, "EVAL"),
    (Field::Serial, "IATPASS"),
    (Field::Serial, "none"),
    (Field::Serial, "To Be Filled By O.E.M."),
    (Field::Serial, "Tulip Computers"),
    (Field::Serial, "Serial Number xxxxxx"),
    (Field::Serial, "SN-123456fvgv3i0b8o5n6n7k"),
    (Field::Serial, "Unknow"),
    (Field::Serial, "System Serial Number"),
    (Field::Serial, "MB-1234567890"),
    (Field::Serial, "empty"),
    (Field::Serial, "Not Specified"),
    (Field::Serial, "OEM_Serial"),
    (Field::Serial, "SystemSerialNumb"),
    (Field::Serial, "Default string"),
    (Field::Uuid, "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"),
    (Field::Uuid, "03000200-0400-0500-0006-000700080009"),
    (Field::Uuid, "6AB5B300-538D-1014-9FB5-B0684D007B53"),
    (Field::Uuid, "01010101-0101-0101-0101-010101010101"),
    (Field::Uuid, "00000000-0000-0000-0000-000000000000"),
    (Field::Uuid, "2"),
    (Field::Mac, "00:00:00:00:00:00"),
    (Field::Mac, "fe:ff:ff:ff:ff:ff"),
    (Field::Mac, "/^00:50:56:c0:[0-9a-f]+:[0-9a-f]+$/"),
    (Field::Mac, "0a:00:27:00:00:00"),
    (Field::Mac, "20:41:53:59:4e:ff"),
    (Field::Mac, "02:00:4e:43:50:49"),
    (Field::Mac, "33:50:6f:45:30:30"),
    (Field::Mac, "50:50:54:50:30:30"),
    (Field::Mac, "24:b6:20:52:41:53"),
    (Field::Mac, "00:0b:ca:fe:00:00"),
    (Field::Ip, "0.0.0.0"),
    (Field::Ip, "127.0.0.1"),
    (Field::Ip, "::1"),
    (Field::Model, "To Be Filled By O.E.M."),
    (Field::Model, "System Product Name"),
    (Field::Model, "Product Name"),
    (Field::Model, "System Name"),
    (Field::Model, "All Series"),
    (Field::Model, "*"),
    (Field::Model, "Unknow"),
    (Field::Manufacturer, "System manufacturer"),
    (Field::Manufacturer, "To Be Filled By O.E.M."),
];

/// One entry: a value compared without case, or a regular expression.
#[derive(Debug)]
enum Pattern {
    Exact(String),
    Regex(regex_lite::Regex),
}

/// The values that identify nothing, by field.
#[derive(Debug, Default)]
pub struct Blacklist {
    entries: Vec<(Field, Pattern)>,
}

impl Blacklist {
    /// From (field, value) pairs; an invalid regular expression is an error
    /// the admin sees when saving it.
    pub fn new<'a>(entries: impl IntoIterator<Item = (Field, &'a str)>) -> Result<Blacklist, String> {
        let entries = entries
            .into_iter()
            .map(|(field, value)| Ok((field, pattern(value)?)))
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Blacklist { entries })
    }

    pub fn defaults() -> Blacklist {
        // The defaults are constants with valid expressions (a unit test checks them).
        Blacklist::new(DEFAULTS.iter().copied()).unwrap_or_default()
    }

    pub fn rejects(&self, field: Field, value: &str) -> bool {
        self.entries.iter().filter(|(f, _)| *f == field).any(|(_, pattern)| match pattern {
            Pattern::Exact(text) => text.eq_ignore_ascii_case(value),
            Pattern::Regex(regex) => regex.is_match(&value.to_lowercase()) || regex.is_match(value),
        })
    }

    /// A trimmed value, or None when empty or blacklisted.
    fn keep(&self, field: Field, raw: Option<&str>) -> Option<String> {
        let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
        (!self.rejects(field, value)).then(|| value.to_owned())
    }

    /// The machine's serial: HP's stray leading `S` removed, placeholders dropped.
    pub fn serial(&self, raw: Option<&str>, manufacturer: Option<&str>) -> Option<String> {
        let serial = self.keep(Field::Serial, raw)?;
        let hewlett = manufacturer.is_some_and(|m| m.to_ascii_lowercase().contains("ewlett"));
        match serial.strip_prefix('S') {
            Some(rest) if hewlett && rest.len() >= 8 => Some(rest.to_owned()),
            _ => Some(serial),
        }
    }

    /// A system UUID, lower case, placeholders dropped.
    pub fn uuid(&self, raw: Option<&str>) -> Option<String> {
        self.keep(Field::Uuid, raw).map(|u| u.to_ascii_lowercase())
    }

    /// `aa:bb:cc:dd:ee:ff`, or None when malformed or blacklisted.
    pub fn mac(&self, raw: Option<&str>) -> Option<String> {
        let mac = normalise_mac(raw?.trim())?;
        (!self.rejects(Field::Mac, &mac)).then_some(mac)
    }

    /// An address in canonical form; loopback, unspecified and blacklisted ones dropped.
    pub fn ip(&self, raw: Option<&str>) -> Option<String> {
        let ip = normalise_ip(raw?)?;
        (!self.rejects(Field::Ip, &ip)).then_some(ip)
    }

    pub fn model(&self, raw: Option<&str>) -> Option<String> {
        self.keep(Field::Model, raw)
    }

    pub fn manufacturer(&self, raw: Option<&str>) -> Option<String> {
        self.keep(Field::Manufacturer, raw)
    }
}

fn pattern(value: &str) -> Result<Pattern, String> {
    match value.strip_prefix('/').and_then(|v| v.strip_suffix('/')) {
        Some(expression) if !expression.is_empty() => regex_lite::Regex::new(&format!("(?i){expression}"))
            .map(Pattern::Regex)
            .map_err(|e| format!("{value}: {e}")),
        _ => Ok(Pattern::Exact(value.trim().to_owned())),
    }
}

/// A date from the formats agents use: `2017-06-09`, `2017-06-09 09:00:49`,
/// `07/25/2014` (US), `25/07/2014`, `2014/07/25`; None for `1970-00-01` and the like.
pub fn date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let day = raw.split([' ', 'T']).next().unwrap_or_default();
    let parsed = match iso_date(day) {
        Some(parsed) => parsed,
        None => NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(day, "%Y/%m/%d"))
            .or_else(|_| NaiveDate::parse_from_str(day, "%m/%d/%Y"))
            .or_else(|_| NaiveDate::parse_from_str(day, "%d/%m/%Y"))
            .or_else(|_| NaiveDate::parse_from_str(day, "%d.%m.%Y"))
            .or_else(|_| NaiveDate::parse_from_str(day, "%Y%m%d"))
            .ok()?,
    };
    // Dates before personal computers are placeholders.
    (parsed.year_ce().1 >= 1980).then_some(parsed)
}

use chrono::Datelike;

/// `2017-06-09`, the form nearly every agent sends, read without a format
/// string (which is parsed again at each call); None for any other form.
fn iso_date(day: &str) -> Option<NaiveDate> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *day.as_bytes() else { return None };
    let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = |ds: &[u8]| ds.iter().fold(0_u32, |n, d| n * 10 + u32::from(d - b'0'));
    let year = i32::try_from(number(&digits[..4])).ok()?;
    NaiveDate::from_ymd_opt(year, number(&digits[4..6]), number(&digits[6..]))
}

/// Leading digits of a number as agents write it (`"-1 Mbps"`, `"24105"`,
/// `4294967295`); None when there are none.
pub fn integer(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let end =
        raw.char_indices().find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && *c == '-'))).map_or(raw.len(), |(i, _)| i);
    raw[..end].parse().ok()
}

/// A free text as stored: trimmed, control characters removed, at most `max` characters.
pub fn text(raw: &str, max: usize) -> String {
    if is_text(raw, max) {
        return raw.to_owned();
    }
    raw.trim().chars().filter(|c| !c.is_control()).take(max).collect()
}

/// [`text`] of an owned value, kept as it is when nothing changes (most
/// values agents send): no copy character by character.
pub fn into_text(raw: String, max: usize) -> String {
    if is_text(&raw, max) { raw } else { text(&raw, max) }
}

/// `raw` is already as [`text`] stores it.
fn is_text(raw: &str, max: usize) -> bool {
    raw.trim().len() == raw.len()
        && (raw.len() <= max || raw.chars().count() <= max)
        && !raw.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_identify_nothing() {
        let list = Blacklist::defaults();
        assert_eq!(list.entries.len(), DEFAULTS.len(), "every default is a valid pattern");
        for placeholder in
            ["To Be Filled By O.E.M.", "to be filled by o.e.m.", "0000000", "111", "Default string", " ", "1.2.3"]
        {
            assert_eq!(list.serial(Some(placeholder), None), None, "{placeholder}");
        }
        assert_eq!(list.serial(Some(" 9E113232I "), None).as_deref(), Some("9E113232I"));
        assert_eq!(list.serial(Some("SCZC0479792"), Some("Hewlett-Packard")).as_deref(), Some("CZC0479792"));
        assert_eq!(list.serial(Some("SCZC0479792"), Some("Dell")).as_deref(), Some("SCZC0479792"));
        assert_eq!(list.uuid(Some("ffffffff-ffff-ffff-ffff-ffffffffffff")), None);
        assert_eq!(
            list.uuid(Some("0055ADC9-1D3A-E411-8043-B05D95113232")).as_deref(),
            Some("0055adc9-1d3a-e411-8043-b05d95113232")
        );
        assert_eq!(list.mac(Some("00:50:56:C0:00:08")), None, "VMware host adapter");
        assert_eq!(list.mac(Some("02-FC-00-00-00-01")).as_deref(), Some("02:fc:00:00:00:01"));
        assert_eq!(list.ip(Some("127.0.0.1")), None);
        assert_eq!(list.model(Some("System Product Name")), None);
        assert!(Blacklist::new([(Field::Serial, "/([/")]).is_err(), "a broken expression is refused");
    }

    #[test]
    fn dates_and_numbers_as_agents_write_them() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(date("2017-06-09 09:00:49"), d(2017, 6, 9));
        assert_eq!(date("07/25/2014"), d(2014, 7, 25));
        assert_eq!(date("25/07/2014"), d(2014, 7, 25));
        assert_eq!(date("20230115"), d(2023, 1, 15));
        assert_eq!(date("1970-00-01"), None);
        assert_eq!(date("1970-01-01"), None);
        assert_eq!(date("2025-02-30"), None);
        assert_eq!(date("2025-12-31"), d(2025, 12, 31));
        assert_eq!(date("2025-1-5"), NaiveDate::parse_from_str("2025-1-5", "%Y-%m-%d").ok());
        assert_eq!(integer("-1 Mbps"), Some(-1));
        assert_eq!(integer("24105"), Some(24105));
        assert_eq!(integer("n/a"), None);
        assert_eq!(text("  a\u{0}b\nc ", 10), "abc");
        assert_eq!(text("été", 2), "ét", "cut by characters");
        assert_eq!(text("été", 3), "été");
        assert_eq!(into_text(" a\u{85}b".to_owned(), 10), "ab");
        assert_eq!(into_text("Program 12".to_owned(), 100), "Program 12");
    }
}
