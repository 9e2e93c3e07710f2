//! `paytool tlv` against the contract in `shared/CLI.md` (section tlv): JSON shape, canonical
//! re-encoding, masking, `-`/`@PATH` input, exit codes and one-line errors with offsets.
//! Inputs: the Visa PSE trace of devnied/EMV-NFC-Paycard-Enrollment `VisaCardPse` and the Visa CDET
//! card 09 record of evsinev/ber-tlv#11.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, clippy::arithmetic_side_effects)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

fn paytool(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paytool"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

const PSE: &str = "6F1E840E315041592E5359532E4444463031A50C8801019F1101015F2D026672";

#[test]
fn decode_json_shape() {
    let o = paytool(&["tlv", "decode", "--json", "--apdu", &format!("{PSE}9000")], None);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{"tag": "6F", "length": 30, "children": [
            {"tag": "84", "length": 14, "value": "315041592E5359532E4444463031"},
            {"tag": "A5", "length": 12, "children": [
                {"tag": "88", "length": 1, "value": "01"},
                {"tag": "9F11", "length": 1, "value": "01"},
                {"tag": "5F2D", "length": 2, "value": "6672"}]}]}])
    );
}

#[test]
fn opaque_constructed_has_value_in_default_mode_and_fails_in_strict() {
    let o = paytool(&["tlv", "decode", "--json", "700C5F340101FFFFFF9F57020840"], None);
    assert_eq!(out(&o).trim(), r#"[{"tag":"70","length":12,"value":"5F340101FFFFFF9F57020840"}]"#);
    let o = paytool(&["tlv", "decode", "--json", "--ff-padding", "700C5F340101FFFFFF9F57020840"], None);
    assert!(out(&o).contains(r#""children":[{"tag":"5F34","length":1,"value":"01"}"#));
    let o = paytool(&["tlv", "decode", "--strict", "700C5F340101FFFFFF9F57020840"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "no partial result on stdout");
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err.lines().count(), 1);
    assert!(err.contains("offset 6"), "{err}");
}

#[test]
fn encode_is_the_inverse_and_canonical() {
    let json = out(&paytool(&["tlv", "decode", "--json", PSE], None));
    let o = paytool(&["tlv", "encode", "-"], Some(&json));
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out(&o).trim(), PSE);
    // Non-minimal and padded input re-encodes canonically.
    let json = out(&paytool(&["tlv", "decode", "--json", "00 9F02 81 06 000000001000 00"], None));
    assert_eq!(out(&paytool(&["tlv", "encode", &json], None)).trim(), "9F0206000000001000");
}

#[test]
fn file_input_and_lower_case_hex() {
    let dir = std::env::temp_dir().join(format!("paytool-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("in.hex");
    std::fs::write(&f, PSE.to_lowercase()).unwrap();
    let o = paytool(&["tlv", "decode", &format!("@{}", f.display())], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        out(&o)
            .contains("  84 Dedicated File (DF) Name (14) 315041592E5359532E4444463031  \"1PAY.SYS.DDF01\"")
    );
}

#[test]
fn human_form_masks_pan_and_track_unless_unmasked() {
    let rec = "70155A0847617390010100105F24031212315F20024142";
    let masked = out(&paytool(&["tlv", "decode", rec], None));
    assert!(masked.contains("5A Application Primary Account Number (PAN) (8) 476173******0010"), "{masked}");
    assert!(masked.contains("5F20 Cardholder Name (2) ****"), "{masked}");
    // Names and decoded values come from the EMV dictionary (Book 3 Annex A names).
    assert!(masked.contains("5F24 Application Expiration Date (3) 121231  2012-12-31"), "{masked}");
    let clear = out(&paytool(&["tlv", "decode", "--unmasked", rec], None));
    assert!(clear.contains("5A Application Primary Account Number (PAN) (8) 4761739001010010"), "{clear}");
    // JSON carries raw values unless --mask.
    assert!(out(&paytool(&["tlv", "decode", "--json", rec], None)).contains("4761739001010010"));
    assert!(out(&paytool(&["tlv", "decode", "--json", "--mask", rec], None)).contains("476173******0010"));
}

#[test]
fn malformed_input_exit_2() {
    for (args, needle) in [
        (vec!["tlv", "decode", "9C05AB"], "offset 2"),
        (vec!["tlv", "decode", "9X"], "character 1"),
        (vec!["tlv", "encode", "[{\"tag\":\"9F\",\"value\":\"\"}]"], "tag"),
        (vec!["tlv", "encode", "[{\"tag\":\"9C\",\"children\":[]}]"], "primitive"),
    ] {
        let o = paytool(&args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty());
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
