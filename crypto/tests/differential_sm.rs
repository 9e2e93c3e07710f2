//! Differential test of the national algorithms against the PyPI package `gmssl` (pure-Python
//! SM2/SM3/SM4): 1000 random cases per category from `tests/diff/gmssl_cases.py` with a fixed
//! seed — SM2 signatures made by gmssl (random keys in raw / SEC1 / compressed form, random user
//! IDs, r ‖ s and DER) that payproto must verify, each with a corrupted message and a corrupted
//! signature that payproto must reject; SM3 digests; SM4 ECB and CBC; and the UnionPay SM4 MAC,
//! PIN block and track-data rules re-implemented in the script over gmssl's SM4.
//!
//! Requires `python3` with `gmssl` installed (`pip install gmssl`); the test FAILS (never skips)
//! when either is missing.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_crypto::pin::{Pan, Pin};
use payproto_crypto::sm::{self, cup, sig};
use payproto_crypto::{Algorithm, ErrorKind, Key};
use serde_json::Value;
use std::process::Command;

const SEED: u64 = 20_261_124;
const N: usize = 1000;

fn cases() -> Value {
    let script = format!("{}/tests/diff/gmssl_cases.py", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(&script)
        .args(["generate", &SEED.to_string(), &N.to_string()])
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "DIFFERENTIAL TEST CANNOT RUN: `python3` could not be started ({e}). Install Python 3 and `pip install gmssl`."
            )
        });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(
        out.status.code(),
        Some(3),
        "DIFFERENTIAL TEST CANNOT RUN: the Python package gmssl is missing ({stderr}); run `pip install gmssl`."
    );
    assert!(out.status.success(), "gmssl case generation failed: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn h(v: &Value, k: &str) -> Vec<u8> {
    hex::decode(v[k].as_str().unwrap_or_else(|| panic!("{k} in {v}"))).unwrap()
}

fn list<'a>(c: &'a Value, k: &str) -> &'a Vec<Value> {
    let l = c[k].as_array().unwrap_or_else(|| panic!("no {k}"));
    assert_eq!(l.len(), N, "{k}: expected {N} cases");
    l
}

fn sm4(k: &[u8]) -> Key {
    Key::new(Algorithm::Sm4, k).unwrap()
}

#[test]
fn payproto_agrees_with_gmssl() {
    let c = cases();

    let (mut der, mut with_id) = (0, 0);
    for v in list(&c, "sm2") {
        let id = v["id"].as_str().map(|s| hex::decode(s).unwrap());
        with_id += usize::from(id.is_some());
        let (pubk, msg, s) = (h(v, "pub"), h(v, "msg"), h(v, "sig"));
        der += usize::from(s.len() != 64);
        let pk = sig::PublicKey::from_bytes(&pubk).unwrap();
        assert_eq!(
            pk.digest(id.as_deref().unwrap_or(sig::DEFAULT_ID), &msg).unwrap().to_vec(),
            h(v, "e"),
            "e = SM3(Z ‖ M): {v}"
        );
        sig::verify(&pubk, id.as_deref(), &msg, &s).unwrap_or_else(|e| panic!("{e}: {v}"));
        let bad = sig::verify(&pubk, id.as_deref(), &h(v, "bad_msg"), &s).unwrap_err();
        assert_eq!(bad.kind, ErrorKind::VerificationFailed, "{v}");
        // A flipped bit of r or s: rejected (as not verifying, or as out of range).
        assert!(sig::verify(&pubk, id.as_deref(), &msg, &h(v, "bad_sig")).is_err(), "{v}");
    }
    assert!(der > 100 && with_id > 100, "case mix: {der} DER, {with_id} explicit IDs");

    for v in list(&c, "sm3") {
        assert_eq!(sm::sm3(&h(v, "msg")).to_vec(), h(v, "digest"), "{v}");
    }

    for v in list(&c, "sm4_ecb") {
        let key = sm4(&h(v, "key"));
        let mut b = h(v, "pt");
        key.ecb_encrypt(&mut b).unwrap();
        assert_eq!(b, h(v, "ct"), "{v}");
        key.ecb_decrypt(&mut b).unwrap();
        assert_eq!(b, h(v, "pt"));
    }

    for v in list(&c, "sm4_cbc") {
        let key = sm4(&h(v, "key"));
        let mut b = h(v, "pt");
        key.cbc_encrypt(&h(v, "iv"), &mut b).unwrap();
        assert_eq!(b, h(v, "ct"), "{v}");
        key.cbc_decrypt(&h(v, "iv"), &mut b).unwrap();
        assert_eq!(b, h(v, "pt"));
    }

    for v in list(&c, "cup_mac") {
        let key = sm4(&h(v, "key"));
        let expected = v["mac"].as_str().unwrap().as_bytes();
        assert_eq!(&cup::mac(&key, &h(v, "mab")).unwrap()[..], expected, "{v}");
        cup::mac_verify(&key, &h(v, "mab"), expected).unwrap();
    }

    for v in list(&c, "cup_pin") {
        let key = sm4(&h(v, "key"));
        let pin = Pin::new(v["pin"].as_str().unwrap().as_bytes()).unwrap();
        let pan = Pan::new(v["pan"].as_str().unwrap().as_bytes()).unwrap();
        assert_eq!(cup::encrypt_pin_block(&key, &pin, &pan).unwrap().as_bytes(), &h(v, "block")[..], "{v}");
        assert_eq!(cup::decrypt_pin_block(&key, &h(v, "block"), &pan).unwrap().as_ascii(), pin.as_ascii());
    }

    for v in list(&c, "cup_track") {
        let key = sm4(&h(v, "key"));
        let mut b = h(v, "packed");
        cup::encrypt_track(&key, &mut b).unwrap();
        assert_eq!(b, h(v, "enc"), "{v}");
        cup::decrypt_track(&key, &mut b).unwrap();
        assert_eq!(b, h(v, "packed"));
    }
}
