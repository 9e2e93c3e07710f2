//! DER `SubjectPublicKeyInfo` import (RFC 5280 §4.1.2.7, RFC 8017 §A.1.1, RFC 5480 §2).
//!
//! Vectors: `tests/vectors/spki.txt` — Project Wycheproof's published keys, each with its DER
//! encoding and its raw numbers. Negative cases are derived from the rules: truncation, trailing data,
//! unused bits, another algorithm, another curve, a point of the wrong length.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_crypto::ErrorKind;
use payproto_crypto::spki::{self, PublicKeyRef};

fn records() -> Vec<std::collections::HashMap<String, String>> {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/spki.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            l.split_whitespace()
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn hx(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

#[test]
fn wycheproof_keys_import() {
    let rs = records();
    assert_eq!(rs.len(), 3);
    for r in &rs {
        let der = hx(&r["der"]);
        match (r["kind"].as_str(), spki::parse(&der).unwrap()) {
            ("rsa", PublicKeyRef::Rsa(k)) => {
                assert_eq!(k.modulus, hx(&r["modulus"]).as_slice());
                assert_eq!(k.modulus.len(), 256);
                assert_eq!(k.exponent, hx(&r["exponent"]).as_slice());
            }
            ("p256", PublicKeyRef::P256(point)) => assert_eq!(point, hx(&r["point"]).as_slice()),
            (kind, other) => panic!("{kind}: {other:?}"),
        }
    }
}

#[test]
fn malformed_and_unsupported_keys() {
    let rs = records();
    let rsa = hx(&rs[0]["der"]);
    let ec = hx(&rs[1]["der"]);
    let kind = |d: &[u8]| spki::parse(d).unwrap_err().kind;
    // Truncated anywhere, or one byte of trailing data.
    for cut in [0, 1, 10, 24, ec.len() - 1] {
        assert_eq!(kind(&ec[..cut]), ErrorKind::MalformedKey, "cut at {cut}");
    }
    let mut trailing = ec.clone();
    trailing.push(0);
    assert_eq!(kind(&trailing), ErrorKind::MalformedKey);
    // Unused bits in the key BIT STRING (byte after 03 42: the unused-bits count).
    let mut unused = ec.clone();
    let at = unused.windows(2).position(|w| w == [0x03, 0x42]).unwrap() + 2;
    unused[at] = 1;
    assert_eq!(kind(&unused), ErrorKind::MalformedKey);
    // Another curve (secp256k1 1.3.132.0.10 has a 5-byte OID: same length field trick is not
    // possible, so change the last arc of prime256v1: 1.2.840.10045.3.1.8).
    let mut curve = ec.clone();
    let c = curve.windows(8).position(|w| w == [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]).unwrap();
    curve[c + 7] = 0x08;
    assert_eq!(kind(&curve), ErrorKind::Unsupported);
    // A point with a wrong prefix.
    let mut point = ec.clone();
    point[at + 1] = 0x05;
    assert_eq!(kind(&point), ErrorKind::MalformedKey);
    // Another algorithm (rsaEncryption → 1.2.840.113549.1.1.2): unsupported.
    let mut alg = rsa.clone();
    let o = alg.windows(9).position(|w| w == [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]).unwrap();
    alg[o + 8] = 0x02;
    assert_eq!(kind(&alg), ErrorKind::Unsupported);
    // rsaEncryption with non-NULL parameters (the NULL 05 00 turned into an empty OCTET STRING 04 00).
    let mut params = rsa.clone();
    let p = params.windows(2).position(|w| w == [0x05, 0x00]).unwrap();
    params[p] = 0x04;
    assert_eq!(kind(&params), ErrorKind::MalformedKey);
}

#[test]
fn no_panic_on_any_mutation() {
    for r in records() {
        let der = hx(&r["der"]);
        for i in 0..der.len() {
            for b in [0x00, 0x01, 0x7F, 0x80, 0x81, 0x82, 0xFF] {
                let mut m = der.clone();
                m[i] = b;
                let _ = spki::parse(&m);
                let _ = spki::rsa_public_key(&m);
            }
            let _ = spki::parse(&der[..i]);
        }
    }
}
