//! Test helpers: hex decoding and a compact tree rendering that expected values are written in by
//! hand from the published traces, e.g. `6F[84=31,A5[88=01]]`.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use payproto_tlv::{Config, Content, Error, Reader};

pub(crate) fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(s.len().is_multiple_of(2), "odd hex");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn upper(v: &[u8]) -> String {
    v.iter().map(|b| format!("{b:02X}")).collect()
}

/// Renders a level: primitives `TAG=HEX`, constructed `TAG[...]`, opaque constructed `TAG~HEX`.
pub(crate) fn render(r: Reader<'_>) -> Result<String, Error> {
    let mut parts = Vec::new();
    for t in r {
        let t = t?;
        parts.push(match t.content()? {
            Content::Primitive(v) => format!("{}={}", t.tag, upper(v)),
            Content::Opaque(v) => format!("{}~{}", t.tag, upper(v)),
            Content::Children(c) => format!("{}[{}]", t.tag, render(c)?),
        });
    }
    Ok(parts.join(","))
}

pub(crate) fn tree(data: &str, cfg: Config) -> Result<String, Error> {
    render(Reader::new(&hex(data), cfg))
}
