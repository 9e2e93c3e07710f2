//! Mastercard test CAPK #F1 vectors of openemv/emv-utils `tests/emv_rsa_cda_test.c`
//! (`tests/vectors/oda_mastercard_f1.txt` names the source; emv-tlv.md §6): CAPK checksum, the
//! 896-bit issuer key recovered under a 1408-bit CA key on 2025-05-06, and the CDA Signed
//! Dynamic Application Data of the 768-bit ICC key over the DDOL data (UN `8B55633B`) giving the
//! published ICC Dynamic Number, CID, application cryptogram and transaction data hash code; the
//! corrupted SDAD is rejected.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;

use common::hex;
use payproto_emv::data::Date;
use payproto_emv::kernel::oda::{self, CaPublicKey, IccPublicKey, PublicKey, check};
use std::collections::HashMap;

fn record(name: &str) -> HashMap<String, String> {
    let path = format!("{}/tests/vectors/oda_mastercard_f1.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.starts_with("# source:"));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            l.split_whitespace()
                .map(|kv| kv.split_once('=').unwrap())
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect::<HashMap<_, _>>()
        })
        .find(|r| r["name"] == name)
        .unwrap()
}

fn h(r: &HashMap<String, String>, k: &str) -> Vec<u8> {
    hex(&r[k])
}

#[test]
fn issuer_key_under_f1() {
    let c = record("capk");
    let ca = CaPublicKey::new(
        h(&c, "rid").try_into().unwrap(),
        0xF1,
        &h(&c, "modulus"),
        &h(&c, "exponent"),
        &h(&c, "checksum").try_into().unwrap(),
        Date::parse(&hex("301231")).unwrap(),
        false,
    )
    .unwrap();
    let i = record("issuer");
    let today = Date::parse(&h(&i, "today")).unwrap();
    let k =
        oda::recover_issuer_key(&ca, &h(&i, "cert"), Some(&[]), &[3], &h(&i, "pan"), &today, &[]).unwrap();
    assert_eq!(k.key.modulus(), &h(&i, "issuer_modulus")[..]);
    assert_eq!(k.serial.to_vec(), h(&i, "serial"));
    assert_eq!(k.expiry.to_vec(), h(&i, "expiry"));
}

#[test]
fn cda_signed_dynamic_application_data() {
    let icc = record("icc");
    let m = h(&icc, "modulus");
    assert_eq!(m[70..], h(&icc, "remainder")[..], "the 9F48 remainder is the modulus tail");
    let key =
        IccPublicKey { key: PublicKey::new(&m, &[3]).unwrap(), serial: [0, 0, 1], expiry: [0x12, 0x27] };
    let s = record("sdad");
    let d = oda::verify_sdad(&key, &h(&s, "sdad"), &[&h(&s, "ddol_data")]).unwrap();
    let b = d.bytes();
    assert_eq!(b.len(), 38);
    assert_eq!(d.icc_dynamic_number().unwrap(), &h(&s, "icc_dynamic_number")[..]);
    assert_eq!(b[9..10], h(&s, "cid")[..]);
    assert_eq!(b[10..18], h(&s, "ac")[..]);
    assert_eq!(b[18..38], h(&s, "tdhc")[..]);
    let e = oda::verify_sdad(&key, &h(&s, "bad_sdad"), &[&h(&s, "ddol_data")]).unwrap_err();
    assert!(matches!(e.offset, check::TRAILER | check::HEADER | check::HASH), "{e:?}");
    assert_eq!(oda::verify_sdad(&key, &h(&s, "sdad"), &[&hex("8B55633C")]).unwrap_err().offset, check::HASH);
    assert!(PublicKey::new(&m, &[5]).is_err(), "exponent 5 unsupported");
}
