//! Shared helpers for the integration tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

pub(crate) fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(s.len().is_multiple_of(2), "odd hex: {s}");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// Loads a `vectors/*.txt` trace: alternating C-APDU / R-APDU hex lines, `#` comments.
pub(crate) fn trace(name: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<Vec<u8>> =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(hex).collect();
    assert!(lines.len().is_multiple_of(2), "{name}: unpaired line");
    lines.chunks(2).map(|c| (c[0].clone(), c[1].clone())).collect()
}

/// Hex as a `'static` slice (leaked; tests only).
pub(crate) fn h(s: &str) -> &'static [u8] {
    Box::leak(hex(s).into_boxed_slice())
}
