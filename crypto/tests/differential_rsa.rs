//! Differential test of the heap-free RSA public operation against Python's built-in
//! `pow(s, e, n)` (`tests/diff/rsa_cases.py`, fixed seed): 1000 random odd moduli of 1–248 bytes
//! (1984 bits) with e = 3 and 65537. Requires `python3`; the test FAILS (never skips) without it.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_crypto::rsa::public_op;
use serde_json::Value;
use std::process::Command;

#[test]
fn python_pow_differential() {
    let script = format!("{}/tests/diff/rsa_cases.py", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3").arg(&script).args(["20261124", "1000"]).output().unwrap_or_else(|e| {
        panic!("DIFFERENTIAL TEST CANNOT RUN: `python3` could not be started ({e}). Install Python 3.")
    });
    assert!(out.status.success(), "rsa_cases.py failed: {}", String::from_utf8_lossy(&out.stderr));
    let cases: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cases.len(), 1000);
    let mut by_e = [0usize; 2];
    for (i, c) in cases.iter().enumerate() {
        let n = hex::decode(c["n"].as_str().unwrap()).unwrap();
        let s = hex::decode(c["s"].as_str().unwrap()).unwrap();
        let e: &[u8] = if c["e"] == 3 { &[3] } else { &[1, 0, 1] };
        by_e[usize::from(e.len() == 3)] += 1;
        let mut r = [0u8; 256];
        let len = public_op(&n, e, &s, &mut r).unwrap();
        assert_eq!(hex::encode(&r[..len]), c["r"].as_str().unwrap(), "case {i}");
    }
    assert_eq!(by_e, [500, 500]);
}
