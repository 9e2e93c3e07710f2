//! `paytool emv mk|session-key|arqc|arpc` (CLI.md, section emv) on the pyemv vectors of
//! `crypto/tests/vectors/emv.txt` (knovichikhin/pyemv tests/test_kd_hsm.py, test_cvn_hsm.py; MIT).
//! Keys are compared without their DES parity bits (the vector file's full values are before parity
//! adjustment; the published 2-byte KCVs are compared as they are).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]

use std::process::{Command, Output};

fn paytool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paytool")).args(args).output().unwrap()
}

fn out(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap().trim().to_owned()
}

/// Key hex without parity bits, and the KCV, from `KEY  (KCV XXXXXX)`.
fn key_kcv(line: &str) -> (Vec<u8>, String) {
    let (key, kcv) = line.split_once("  (KCV ").unwrap();
    let bytes =
        (0..key.len()).step_by(2).map(|i| u8::from_str_radix(&key[i..i + 2], 16).unwrap() & 0xFE).collect();
    (bytes, kcv.trim_end_matches(')').to_owned())
}

fn no_parity(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap() & 0xFE).collect()
}

const IMK: &str = "0123456789ABCDEFFEDCBA9876543210";

#[test]
fn option_a_chain_mk_session_key_arqc_arpc1() {
    let mk = out(&paytool(&[
        "emv",
        "mk",
        "--imk",
        IMK,
        "--pan",
        "12345678901234567",
        "--psn",
        "45",
        "--option",
        "a",
    ]));
    let (mk_bytes, mk_kcv) = key_kcv(&mk);
    assert_eq!(mk_bytes, no_parity("956CC0A8C68A634419BC4645CA063637"));
    assert!(mk_kcv.starts_with("FF08"), "{mk_kcv}");
    let mk_hex = mk.split_whitespace().next().unwrap().to_owned();
    let sk = out(&paytool(&["emv", "session-key", "--mk", &mk_hex, "--r", "1234567890123456"]));
    let (sk_bytes, sk_kcv) = key_kcv(&sk);
    assert_eq!(sk_bytes, no_parity("C6AFDE49AFF3F146D792410F0A851B8E"));
    assert!(sk_kcv.starts_with("DF82"), "{sk_kcv}");
    let sk_hex = sk.split_whitespace().next().unwrap().to_owned();
    let data = "0123456789ABCDEF0123456789ABCDEF";
    assert_eq!(out(&paytool(&["emv", "arqc", "--key", &sk_hex, "--data", data])), "19C1FBC83EBDC0D5");
    let arpc = paytool(&[
        "emv",
        "arpc",
        "--method",
        "1",
        "--key",
        &mk_hex,
        "--arqc",
        "19C1FBC83EBDC0D5",
        "--arc",
        "0000",
    ]);
    assert_eq!(out(&arpc), "78A372523FA35A03");
}

#[test]
fn option_b_arpc_method_2() {
    let mk = out(&paytool(&[
        "emv",
        "mk",
        "--imk",
        IMK,
        "--pan",
        "1234567890123456",
        "--psn",
        "00",
        "--option",
        "b",
    ]));
    assert!(key_kcv(&mk).1.starts_with("BAB0"));
    let mk_hex = mk.split_whitespace().next().unwrap().to_owned();
    let sk = out(&paytool(&["emv", "session-key", "--mk", &mk_hex, "--r", "1234567890123456"]));
    assert!(key_kcv(&sk).1.starts_with("BC19"));
    let sk_hex = sk.split_whitespace().next().unwrap().to_owned();
    let arqc =
        out(&paytool(&["emv", "arqc", "--key", &sk_hex, "--data", "0123456789ABCDEF0123456789ABCDEF"]));
    assert_eq!(arqc, "0CE77D211CB5459A");
    assert_eq!(
        out(&paytool(&[
            "emv", "arpc", "--method", "2", "--key", &sk_hex, "--arqc", &arqc, "--csu", "00000000"
        ])),
        "8CD9AA5D"
    );
}

#[test]
fn cvn18_from_de55_and_verify_exit_codes() {
    let mk =
        out(&paytool(&["emv", "mk", "--imk", IMK, "--pan", "1234567890123456", "--psn", "00", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&mk).unwrap();
    let mk_hex = v["key"].as_str().unwrap().to_owned();
    // The cvn=18 record as DE 55 TLV.
    let tlv = "9F0206000000004000 9F0306000000000000 9F1A020124 95058000048000 5F2A020124 9A03191105 9C0101 \
               9F370452BF4585 82021800 9F3602001C 9F100706011203A0B800";
    let tlv: String = tlv.split_whitespace().collect();
    assert_eq!(
        out(&paytool(&["emv", "arqc", "--mk", &mk_hex, "--cvn", "18", "--tlv", &tlv])),
        "7A788EA6B8A3E733"
    );
    let ok = paytool(&[
        "emv",
        "arqc",
        "--mk",
        &mk_hex,
        "--cvn",
        "18",
        "--tlv",
        &tlv,
        "--verify",
        "7A788EA6B8A3E733",
    ]);
    assert_eq!(ok.status.code(), Some(0));
    let bad = paytool(&[
        "emv",
        "arqc",
        "--mk",
        &mk_hex,
        "--cvn",
        "18",
        "--tlv",
        &tlv,
        "--verify",
        "7A788EA6B8A3E734",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    // A DE 55 missing 9F37: exit 2, the tag named.
    let short = tlv.replace("9F370452BF4585", "");
    let e = paytool(&["emv", "arqc", "--mk", &mk_hex, "--cvn", "18", "--tlv", &short]);
    assert_eq!(e.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&e.stderr).contains("9F37"));
}
