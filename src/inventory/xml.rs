//! The legacy XML of OCS and FusionInventory agents, turned into the JSON
//! shape of the GLPI inventory format (lower-case keys, repeated elements as
//! arrays), so one model reads both. A document type declaration is refused
//! before anything else is read: no entity is ever expanded or fetched.

use quick_xml::{Reader, events::Event};
use serde_json::{Map, Value};

/// Bounds on a document, beyond the decompressed-size cap.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_depth: usize,
    pub max_elements: usize,
    /// Characters in one value.
    pub max_text: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 32, max_elements: 400_000, max_text: 65_535 }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("XML not well formed: {0}")]
    Malformed(String),
    #[error("a document type declaration (DTD) is not accepted")]
    Dtd,
    #[error("the entity &{0}; is not defined")]
    UnknownEntity(String),
    #[error("elements nested deeper than {0}")]
    TooDeep(usize),
    #[error("more than {0} elements")]
    TooManyElements(usize),
    #[error("a value longer than {max} characters in <{element}>")]
    TextTooLong { element: String, max: usize },
    #[error("no root element")]
    Empty,
}

/// One open element: its name, children so far, and text.
struct Frame {
    name: String,
    children: Map<String, Value>,
    text: String,
    /// Characters in `text`, counted as they come.
    chars: usize,
}

impl Frame {
    fn new(name: &str) -> Self {
        Frame { name: name.to_ascii_lowercase(), children: Map::new(), text: String::new(), chars: 0 }
    }

    fn into_value(self) -> Value {
        if self.children.is_empty() { Value::String(self.text.trim().to_owned()) } else { Value::Object(self.children) }
    }
}

/// Add `value` under `name`; a name seen twice becomes an array.
fn insert(map: &mut Map<String, Value>, name: String, value: Value) {
    match map.get_mut(&name) {
        None => {
            map.insert(name, value);
        }
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
    }
}

/// The root element's content as a JSON object (`<REQUEST>` → `{"content": …, "deviceid": …}`).
pub fn to_json(text: &str, limits: Limits) -> Result<Value, XmlError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut elements = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| XmlError::Malformed(e.to_string()))?;
        match event {
            Event::DocType(_) => return Err(XmlError::Dtd),
            Event::Start(start) => {
                elements += 1;
                if elements > limits.max_elements {
                    return Err(XmlError::TooManyElements(limits.max_elements));
                }
                if stack.len() >= limits.max_depth {
                    return Err(XmlError::TooDeep(limits.max_depth));
                }
                stack.push(Frame::new(start.name().as_ref()));
            }
            Event::Empty(empty) => {
                elements += 1;
                if elements > limits.max_elements {
                    return Err(XmlError::TooManyElements(limits.max_elements));
                }
                let frame = Frame::new(empty.name().as_ref());
                match stack.last_mut() {
                    Some(parent) => insert(&mut parent.children, frame.name.clone(), frame.into_value()),
                    None => return Ok(Value::Object(Map::new())),
                }
            }
            Event::Text(text) => push_text(&mut stack, &text.xml10_content(), limits)?,
            Event::CData(data) => push_text(&mut stack, &data.xml10_content(), limits)?,
            Event::GeneralRef(reference) => {
                let character = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => predefined(&reference).ok_or_else(|| XmlError::UnknownEntity(reference.to_string()))?,
                    Err(e) => return Err(XmlError::Malformed(e.to_string())),
                };
                push_text(&mut stack, character.encode_utf8(&mut [0; 4]), limits)?;
            }
            Event::End(_) => {
                let frame = stack.pop().ok_or_else(|| XmlError::Malformed("unexpected end tag".into()))?;
                match stack.last_mut() {
                    Some(parent) => insert(&mut parent.children, frame.name.clone(), frame.into_value()),
                    None => return Ok(frame.into_value()),
                }
            }
            Event::Eof => {
                return Err(if stack.is_empty() {
                    XmlError::Empty
                } else {
                    XmlError::Malformed("unexpected end".into())
                });
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
}

fn predefined(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

fn push_text(stack: &mut [Frame], text: &str, limits: Limits) -> Result<(), XmlError> {
    let Some(frame) = stack.last_mut() else { return Ok(()) };
    frame.text.push_str(text);
    frame.chars += text.chars().count();
    if frame.chars > limits.max_text {
        return Err(XmlError::TextTooLong { element: frame.name.clone(), max: limits.max_text });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn repeated_elements_become_arrays_and_keys_lower_case() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
            <REQUEST><CONTENT><BIOS><SSN>9E113232I</SSN></BIOS>
              <SOFTWARES><NAME>a &amp; b</NAME></SOFTWARES><SOFTWARES><NAME><![CDATA[<c>]]></NAME><VERSION/></SOFTWARES>
            </CONTENT><DEVICEID>pc-2026</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>"#;
        let value = to_json(xml, Limits::default()).expect("parsed");
        assert_eq!(
            value,
            json!({"content": {"bios": {"ssn": "9E113232I"},
                               "softwares": [{"name": "a & b"}, {"name": "<c>", "version": ""}]},
                   "deviceid": "pc-2026", "query": "INVENTORY"})
        );
    }

    #[test]
    fn a_dtd_or_an_unknown_entity_is_refused() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#;
        assert_eq!(to_json(xxe, Limits::default()), Err(XmlError::Dtd));
        assert_eq!(to_json("<r>&x;</r>", Limits::default()), Err(XmlError::UnknownEntity("x".into())));
        assert_eq!(to_json("<r>&#233;</r>", Limits::default()), Ok(json!("é")));
    }

    #[test]
    fn limits_hold() {
        let limits = Limits { max_depth: 3, max_elements: 5, max_text: 4 };
        assert_eq!(to_json("<a><b><c><d/></c></b></a>", limits).map(|_| ()), Ok(()), "an empty element adds no depth");
        assert_eq!(to_json("<a><b><c><d></d></c></b></a>", limits), Err(XmlError::TooDeep(3)));
        assert_eq!(to_json("<a><b/><b/><b/><b/><b/></a>", limits), Err(XmlError::TooManyElements(5)));
        assert!(matches!(to_json("<a>12345</a>", limits), Err(XmlError::TextTooLong { .. })));
        assert!(matches!(to_json("<a><b></a>", limits), Err(XmlError::Malformed(_))));
        assert_eq!(to_json("", limits), Err(XmlError::Empty));
    }
}
