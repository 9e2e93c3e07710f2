//! `paytool emv transact` (CLI.md §emv) on the simulated cards: the JSON contract, the outcome of
//! each documented profile path (`emv/src/sim_profiles.rs`: online approval, offline approval
//! below the floor limit, card decline, expired card, CDA, offline PIN), and two independent
//! checks of what the terminal would send: the `cup-pos` message's MAC verifies under the demo MAK
//! with `paytool iso8583 decode --mak` (the CUP MAC is tested against the published O-3 sample),
//! and its DE 55 ARQC verifies with `paytool emv arqc --cvn 10 --verify` from the issuer master key
//! of `emv/tests/vectors/sim_pki.txt` (CVN 10 is tested against pyemv).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use std::process::Command;

fn paytool(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_paytool")).args(args).output().expect("run paytool");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn transact(profile: &str, amount: &str) -> serde_json::Value {
    let (code, out, err) = paytool(&["emv", "transact", "--profile", profile, "--amount", amount, "--json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("one JSON document")
}

fn tlv(data: &str, tag: &str) -> String {
    // A minimal walk over DE 55 (one- and two-byte tags, short lengths) for the test's own use.
    let b: Vec<u8> =
        (0..data.len()).step_by(2).map(|i| u8::from_str_radix(&data[i..i + 2], 16).unwrap()).collect();
    let mut i = 0;
    while i < b.len() {
        let tl = if b[i] & 0x1F == 0x1F { 2 } else { 1 };
        let t: String = b[i..i + tl].iter().map(|x| format!("{x:02X}")).collect();
        let len = usize::from(b[i + tl]);
        let v: String = b[i + tl + 1..i + tl + 1 + len].iter().map(|x| format!("{x:02X}")).collect();
        if t == tag {
            return v;
        }
        i += tl + 1 + len;
    }
    panic!("{tag} not in {data}");
}

#[test]
fn profiles_are_listed() {
    let (code, out, _) = paytool(&["emv", "transact", "--profiles"]);
    assert_eq!(code, 0);
    for p in ["visa", "mastercard", "upi", "demo-online", "demo-offline", "demo-cda", "demo-pin"] {
        assert!(out.lines().any(|l| l == p), "{p} missing in {out}");
    }
}

#[test]
fn online_approval_json_and_the_message_it_would_send() {
    let j = transact("demo-online", "25000");
    assert_eq!(j["outcome"], "online-approved");
    assert_eq!(j["first_gen_ac"], "ARQC");
    assert_eq!(j["second_gen_ac"], "TC");
    for k in ["tvr", "tsi", "cvm_results", "iso8583"] {
        assert!(
            j[k].as_str().unwrap().bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()),
            "{k}"
        );
    }
    assert!(!j["steps"].as_array().unwrap().is_empty());
    let msg = j["iso8583"].as_str().unwrap();
    // The MAC verifies under the demo MAK (the published O-4 key).
    let (code, out, err) =
        paytool(&["iso8583", "decode", "--spec", "cup-pos", "--mak", "313215FDA2C4AB4C", "--json", msg]);
    assert_eq!(code, 0, "{err}");
    let m: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(m["mti"], "0200");
    assert_eq!(m["fields"]["2"], "4761730000000011");
    assert_eq!(m["fields"]["4"], "000000025000");
    // The ARQC in DE 55 verifies from the issuer master key (option A, PSN 01, CVN 10).
    let de55 = m["fields"]["55"].as_str().unwrap();
    let arqc = tlv(de55, "9F26");
    let mk = {
        let (code, out, err) = paytool(&[
            "emv",
            "mk",
            "--imk",
            "12F9CFD003CC8B104EAE3394F31F45EB",
            "--pan",
            "4761730000000011",
            "--psn",
            "01",
        ]);
        assert_eq!(code, 0, "{err}");
        out.split_whitespace().next().unwrap().to_owned()
    };
    let (code, _, err) =
        paytool(&["emv", "arqc", "--mk", &mk, "--cvn", "10", "--tlv", de55, "--verify", &arqc]);
    assert_eq!(code, 0, "ARQC {arqc} does not verify: {err}");
}

#[test]
fn each_profile_path_ends_as_documented() {
    let cases = [
        ("demo-offline", "5000", "approved", "TC", None),
        ("demo-decline", "25000", "declined", "AAC", None),
        ("demo-expired", "25000", "declined", "AAC", None),
        ("demo-cda", "25000", "online-approved", "ARQC", Some("TC")),
        ("demo-pin", "25000", "online-approved", "ARQC", Some("TC")),
        ("demo-online", "2000000", "online-declined", "ARQC", Some("AAC")),
    ];
    for (profile, amount, outcome, first, second) in cases {
        let j = transact(profile, amount);
        assert_eq!(j["outcome"], outcome, "{profile}");
        assert_eq!(j["first_gen_ac"], first, "{profile}");
        assert_eq!(j["second_gen_ac"].as_str(), second, "{profile}");
    }
    // Offline PIN of demo-pin: CVM Results 44 03 02 (enciphered offline PIN, successful).
    assert_eq!(transact("demo-pin", "25000")["cvm_results"], "440302");
    // An unknown profile is a usage error.
    let (code, out, err) = paytool(&["emv", "transact", "--profile", "nope"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1);
}
