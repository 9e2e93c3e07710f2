//! With `alloc`: load and save a [`Spec`] as JSON (serde), mapping onto the same types.
//!
//! The JSON form mirrors [`Spec`]: `fields` is an object keyed by data element number; each
//! field names its `class`, `encoding`, `length` (`{"fixed": {"len", "unit"}}`,
//! `{"var": {"prefix": {"width", "encoding", "unit", "includes_self"}, "min", "max"}}` or
//! `{"rest": {"max"}}`) and optionally `align`, `pad_nibble`, `lenient_pad`, `pad_char`,
//! `charset`, `z_hex`, `sensitivity`, `composite`. Loading leaks the spec (`&'static`, like the
//! built-ins): load specs once per process (a CLI, a host's start-up), not per message.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::spec::{
    Align, Bitmaps, Charset, Class, Composite, Encoding, Field, Header, Length, MacAlgorithm, MtiEncoding,
    Sensitivity, Spec,
};

/// An error loading a JSON spec.
#[derive(Debug)]
pub struct SpecError(String);

impl core::fmt::Display for SpecError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "invalid spec: {}", self.0)
    }
}

impl core::error::Error for SpecError {}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecJson {
    name: String,
    #[serde(default = "no_header")]
    header: Header,
    mti: MtiEncoding,
    bitmaps: Bitmaps,
    #[serde(default)]
    mac_field: Option<u8>,
    #[serde(default)]
    mac_algorithm: Option<MacAlgorithm>,
    fields: BTreeMap<u16, FieldJson>,
}

fn no_header() -> Header {
    Header { tpdu: 0, header: 0 }
}
fn right() -> Align {
    Align::Right
}
fn yes() -> bool {
    true
}
fn space() -> u8 {
    b' '
}
fn ascii() -> Charset {
    Charset::Ascii
}
fn none() -> Sensitivity {
    Sensitivity::None
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldJson {
    name: String,
    class: Class,
    encoding: Encoding,
    length: Length,
    #[serde(default = "right")]
    align: Align,
    #[serde(default)]
    pad_nibble: u8,
    #[serde(default = "yes")]
    lenient_pad: bool,
    #[serde(default = "space")]
    pad_char: u8,
    #[serde(default = "ascii")]
    charset: Charset,
    #[serde(default)]
    z_hex: bool,
    #[serde(default = "yes")]
    check_charset: bool,
    #[serde(default = "none")]
    sensitivity: Sensitivity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    composite: Option<CompositeJson>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum CompositeJson {
    Positional(Vec<FieldJson>),
    Bitmapped { bitmap_bytes: u8, fields: BTreeMap<u16, FieldJson> },
    Tlv,
    TagLength { tag_width: u8, len_width: u8 },
}

const MAX_NESTING: usize = 8;

fn leak_str(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn field_from(j: FieldJson, depth: usize) -> Result<Field, SpecError> {
    if depth > MAX_NESTING {
        return Err(SpecError("composites nested too deep".to_string()));
    }
    let composite = match j.composite {
        None => None,
        Some(c) => Some(&*Box::leak(Box::new(composite_from(c, depth.saturating_add(1))?))),
    };
    Ok(Field {
        name: leak_str(j.name),
        class: j.class,
        encoding: j.encoding,
        length: j.length,
        align: j.align,
        pad_nibble: j.pad_nibble,
        lenient_pad: j.lenient_pad,
        pad_char: j.pad_char,
        charset: j.charset,
        z_hex: j.z_hex,
        check_charset: j.check_charset,
        sensitivity: j.sensitivity,
        composite,
    })
}

fn table_from(
    fields: BTreeMap<u16, FieldJson>,
    max: usize,
    depth: usize,
) -> Result<&'static [Option<Field>], SpecError> {
    let len = fields.keys().next_back().map_or(0, |&k| usize::from(k).saturating_add(1));
    if len > max {
        return Err(SpecError("field number out of range".to_string()));
    }
    let mut table: Vec<Option<Field>> = Vec::new();
    table.resize(len, None);
    for (k, f) in fields {
        if let Some(slot) = table.get_mut(usize::from(k)) {
            *slot = Some(field_from(f, depth)?);
        }
    }
    Ok(Box::leak(table.into_boxed_slice()))
}

fn composite_from(c: CompositeJson, depth: usize) -> Result<Composite, SpecError> {
    Ok(match c {
        CompositeJson::Positional(parts) => {
            let parts = parts.into_iter().map(|p| field_from(p, depth)).collect::<Result<Vec<_>, _>>()?;
            Composite::Positional(Box::leak(parts.into_boxed_slice()))
        }
        CompositeJson::Bitmapped { bitmap_bytes, fields } => {
            Composite::Bitmapped { bitmap_bytes, fields: table_from(fields, 65, depth)? }
        }
        CompositeJson::Tlv => Composite::Tlv,
        CompositeJson::TagLength { tag_width, len_width } => Composite::TagLength { tag_width, len_width },
    })
}

fn field_to(f: &Field) -> FieldJson {
    FieldJson {
        name: f.name.to_string(),
        class: f.class,
        encoding: f.encoding,
        length: f.length,
        align: f.align,
        pad_nibble: f.pad_nibble,
        lenient_pad: f.lenient_pad,
        pad_char: f.pad_char,
        charset: f.charset,
        z_hex: f.z_hex,
        check_charset: f.check_charset,
        sensitivity: f.sensitivity,
        composite: f.composite.map(composite_to),
    }
}

fn table_to(fields: &[Option<Field>]) -> BTreeMap<u16, FieldJson> {
    fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((u16::try_from(i).ok()?, field_to(f.as_ref()?))))
        .collect()
}

fn composite_to(c: &Composite) -> CompositeJson {
    match c {
        Composite::Positional(parts) => CompositeJson::Positional(parts.iter().map(field_to).collect()),
        Composite::Bitmapped { bitmap_bytes, fields } => {
            CompositeJson::Bitmapped { bitmap_bytes: *bitmap_bytes, fields: table_to(fields) }
        }
        Composite::Tlv => CompositeJson::Tlv,
        Composite::TagLength { tag_width, len_width } => {
            CompositeJson::TagLength { tag_width: *tag_width, len_width: *len_width }
        }
    }
}

impl Spec {
    /// Loads a spec from its JSON form (leaked to `'static`; see the module docs).
    pub fn from_json(json: &str) -> Result<&'static Spec, SpecError> {
        let j: SpecJson = serde_json::from_str(json).map_err(|e| SpecError(e.to_string()))?;
        if !(1..=3).contains(&j.bitmaps.max) {
            return Err(SpecError("bitmaps.max must be 1, 2 or 3".to_string()));
        }
        let fields = table_from(j.fields, crate::MAX_FIELDS.saturating_add(1), 0)?;
        Ok(Box::leak(Box::new(Spec {
            name: leak_str(j.name),
            header: j.header,
            mti: j.mti,
            bitmaps: j.bitmaps,
            fields,
            mac_field: j.mac_field,
            mac_algorithm: j.mac_algorithm,
        })))
    }

    /// The JSON form of this spec.
    pub fn to_json(&self) -> String {
        let j = SpecJson {
            name: self.name.to_string(),
            header: self.header,
            mti: self.mti,
            bitmaps: self.bitmaps,
            mac_field: self.mac_field,
            mac_algorithm: self.mac_algorithm,
            fields: table_to(self.fields),
        };
        serde_json::to_string_pretty(&j).unwrap_or_default()
    }
}
