//! `paytool iso8583 decode|encode --mak` (CLI.md, section iso8583) on the public CUP 0200 sample
//! (reference iso8583.md §8 O-3) and its published MAC (O-4: MAK `313215FDA2C4AB4C` → `B7133B57`):
//! decode verifies (exit 0) or reports a mismatch (exit 1, nothing on stdout); encode fills DE 64.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, clippy::panic)]

use std::process::{Command, Output};

const O3: &str = "0118600501000061310031110802007024068020C08211196210810840003424940000000000000000000100002027060720000100376210810840003424940D27062207001000100F373337383232313438393834313133343133313030313431353601649F2608ED1D6BA78357FB259F2701809F101307010103A00000010A0100000000003B1637329F3704591D37169F360201C0950500000000009A031807119C01009F02060000000000015F2A02015682027C009F1A0201569F03060000000000009F3303E0E1C89F34030200009F3501229F1E0830303030303030308408A0000003330101019F0902008C9F4104000000209F6310303130353030303000000000000000000013220007570006004237313333423537";

fn paytool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paytool")).args(args).output().unwrap()
}

#[test]
fn decode_verifies_the_published_mac() {
    let ok = paytool(&[
        "iso8583",
        "decode",
        "--spec",
        "cup-pos",
        "--frame",
        "len2",
        "--mak",
        "313215FDA2C4AB4C",
        O3,
    ]);
    assert_eq!(ok.status.code(), Some(0));
    assert!(String::from_utf8(ok.stdout).unwrap().contains("MAC verified"));
    // A different key (one key bit changed, not a parity bit): exit 1, nothing on stdout.
    let bad = paytool(&[
        "iso8583",
        "decode",
        "--spec",
        "cup-pos",
        "--frame",
        "len2",
        "--mak",
        "313215FDA2C4AB4E",
        O3,
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(bad.stdout.is_empty());
}

#[test]
fn encode_computes_the_published_mac() {
    let json = paytool(&["iso8583", "decode", "--spec", "cup-pos", "--frame", "len2", "--json", O3]);
    let mut doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    doc["fields"].as_object_mut().unwrap().remove("64");
    let out =
        paytool(&["iso8583", "encode", "--spec", "cup-pos", "--mak", "313215FDA2C4AB4C", &doc.to_string()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), &O3[4..]);
    // iso87-ascii declares no MAC algorithm (bilateral): exit 2.
    let none = paytool(&[
        "iso8583",
        "encode",
        "--spec",
        "iso87-ascii",
        "--mak",
        "313215FDA2C4AB4C",
        r#"{"mti":"0800","fields":{}}"#,
    ]);
    assert_eq!(none.status.code(), Some(2));
}

#[test]
fn decode_human_form_lists_subfields_masked() {
    // O-3 (reference §8): F60 = 2200075700060, DE 55 with 21 tags; the human form shows them
    // under their data elements, masked; the JSON form is unchanged (whole values only).
    let o = paytool(&["iso8583", "decode", "--spec", "cup-pos", "--frame", "len2", O3]);
    assert_eq!(o.status.code(), Some(0));
    let s = String::from_utf8(o.stdout).unwrap();
    assert!(
        s.contains("\n    60.1 Transaction type code [2]: 22\n    60.2 Batch number [6]: 000757\n"),
        "{s}"
    );
    assert!(s.contains("\n    55.9F26 [8]: ****************\n"), "{s}");
    assert!(!s.contains("ED1D6BA7"), "{s}");
    let j = paytool(&["iso8583", "decode", "--spec", "cup-pos", "--frame", "len2", "--json", O3]);
    let j = String::from_utf8(j.stdout).unwrap();
    assert!(!j.contains("subfields") && !j.contains("60.1"), "{j}");
}
