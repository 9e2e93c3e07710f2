//! Shared helpers for the vector-driven integration tests.
#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;

/// One record: `name=value` pairs from one line of a vector file.
pub type Record = HashMap<String, String>;

/// Reads `tests/vectors/<name>`. The file must start with a `# source:` line naming where the vectors
/// come from; other `#` lines are comments; every other non-empty line is one record of
/// whitespace-separated `name=value` pairs.
pub fn records(name: &str) -> Vec<Record> {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(text.starts_with("# source:"), "{path} must start with a `# source:` line");
    let out: Vec<Record> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            l.split_whitespace()
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or_else(|| panic!("{path}: bad pair {kv}"));
                    (k.to_owned(), v.to_owned())
                })
                .collect()
        })
        .collect();
    assert!(!out.is_empty(), "{path} has no records");
    out
}

/// Hex-decodes a field of a record.
pub fn hx(r: &Record, k: &str) -> Vec<u8> {
    hex::decode(r.get(k).unwrap_or_else(|| panic!("missing {k} in {r:?}"))).unwrap()
}

/// A text field of a record.
pub fn s<'a>(r: &'a Record, k: &str) -> &'a str {
    r.get(k).unwrap_or_else(|| panic!("missing {k} in {r:?}"))
}

/// Upper-case hex.
pub fn up(b: &[u8]) -> String {
    hex::encode_upper(b)
}
