//! The `paytool` command-line contract (`shared/CLI.md`) checked against published vectors.
//!
//! Expected values come from the crypto crate's vector files, each of which names its source:
//! `dukpt_tdes.txt` (ANSI X9.24-1:2009 Annex A.4), `dukpt_aes.txt` (ANSI X9.24-3-2017 supplement),
//! `ksn.txt` (openemv/dukpt and the X9.24-3 supplement), `kcv.txt` (TR-31:2018, X9.143, psec),
//! `block_ciphers.txt` (FIPS 197, FIPS 81, SP 800-67), `iso9797_mac.txt` (ISO/IEC 9797-1 Annex B,
//! psec), `cmac.txt` (NIST SP 800-38B), `pinblock.txt` (X9.24-1 A.4, psec), `tr31.txt` (Thales,
//! TR-31:2018, X9.143), `sm3.txt` (GM/T 0004-2012 Appendix A). The conventions checked (exit codes,
//! `-` and `@PATH`, nothing on stdout on failure, KCV beside every key) are CLI.md's own text.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]
use std::io::Write as _;
use std::process::{Command, Output, Stdio};

fn paytool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paytool")).args(args).output().expect("run paytool")
}

fn paytool_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paytool"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn paytool");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait paytool")
}

/// Stdout of a successful run, trimmed.
fn ok(args: &[&str]) -> String {
    let o = paytool(args);
    assert!(o.status.success(), "paytool {args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("utf-8").trim().to_owned()
}

/// The `key=value` records of a vector file (comment lines skipped).
fn vectors(name: &str) -> Vec<Vec<(String, String)>> {
    let path = format!("{}/../../crypto/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            l.split_whitespace()
                .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
                .collect()
        })
        .collect()
}

fn get<'a>(rec: &'a [(String, String)], key: &str) -> Option<&'a str> {
    rec.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn field<'a>(rec: &'a [(String, String)], key: &str) -> &'a str {
    get(rec, key).unwrap_or_else(|| panic!("vector without {key}: {rec:?}"))
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not one JSON document ({e}): {s}"))
}

#[test]
fn dukpt_tdes_derive_matches_x9_24_1_annex_a4() {
    let bdk = "0123456789ABCDEFFEDCBA9876543210";
    let ipek =
        ok(&["dukpt", "derive", "--bdk", bdk, "--ksn", "FFFF9876543210E00000", "--usage", "ik", "--json"]);
    assert_eq!(json(&ipek)["key"], "6AC292FAA1315B4D858AB3A3D7D5933A");
    let mut n = 0;
    for v in vectors("dukpt_tdes.txt").iter().filter(|v| get(v, "kind") == Some("seq")) {
        let ksn = field(v, "ksn");
        // Human form: `KEY  (KCV XXXXXX)`, the KCV being the key's own legacy check value.
        let human = ok(&["dukpt", "derive", "--bdk", bdk, "--ksn", ksn]);
        let key = field(v, "key");
        let kcv = ok(&["kcv", "--key", key]);
        assert_eq!(human, format!("{key}  (KCV {kcv})"), "KSN {ksn}");
        let pin = json(&ok(&["dukpt", "derive", "--bdk", bdk, "--ksn", ksn, "--usage", "pin", "--json"]));
        assert_eq!(pin["key"], field(v, "pinkey"), "KSN {ksn}");
        assert_eq!(pin["scheme"], "tdes");
        assert_eq!(pin["usage"], "pin");
        assert_eq!(pin["kcv"], ok(&["kcv", "--key", field(v, "pinkey")]));
        // From the initial key instead of the BDK.
        let from_ik = ok(&["dukpt", "derive", "--ik", "6AC292FAA1315B4D858AB3A3D7D5933A", "--ksn", ksn]);
        assert_eq!(from_ik, human);
        n += 1;
        if n == 4 {
            break;
        }
    }
    assert_eq!(n, 4);
}

#[test]
fn dukpt_aes_derive_matches_x9_24_3_supplement() {
    let mut n = 0;
    for v in vectors("dukpt_aes.txt").iter().filter(|v| get(v, "kind") == Some("txn")) {
        let (bdk, ksn) = (field(v, "bdk"), field(v, "ksn"));
        let txn = json(&ok(&["dukpt", "derive", "--bdk", bdk, "--ksn", ksn, "--json"]));
        assert_eq!(txn["key"], field(v, "txn"), "KSN {ksn}");
        assert_eq!(txn["scheme"], "aes");
        if let Some(pin_key) = get(v, "pin_aes128") {
            let pin = ok(&[
                "dukpt",
                "derive",
                "--bdk",
                bdk,
                "--ksn",
                ksn,
                "--usage",
                "pin",
                "--working-alg",
                "aes128",
            ]);
            assert!(pin.starts_with(&format!("{pin_key}  (KCV ")), "KSN {ksn}: {pin}");
        }
        n += 1;
    }
    assert!(n >= 5, "{n} AES vectors");
    let ik = vectors("dukpt_aes.txt").into_iter().find(|v| get(v, "kind") == Some("ik")).expect("ik vector");
    let ksn = format!("{}00000000", field(&ik, "ikid"));
    let out =
        json(&ok(&["dukpt", "derive", "--bdk", field(&ik, "bdk"), "--ksn", &ksn, "--usage", "ik", "--json"]));
    assert_eq!(out["key"], field(&ik, "ik"));
}

#[test]
fn dukpt_next_ksn_skips_invalid_counters() {
    let mut n = 0;
    for v in vectors("ksn.txt").iter().filter(|v| get(v, "op") == Some("next")) {
        if field(v, "to") == "exhausted" {
            // The last valid counter has no successor: an error line, nothing on stdout.
            let o = paytool(&["dukpt", "next-ksn", field(v, "from")]);
            assert_eq!(o.status.code(), Some(2), "{v:?}");
            assert!(o.stdout.is_empty());
        } else {
            assert_eq!(ok(&["dukpt", "next-ksn", field(v, "from")]), field(v, "to"), "{v:?}");
        }
        n += 1;
    }
    assert_eq!(n, 10);
}

#[test]
fn kcv_legacy_and_cmac() {
    for v in vectors("kcv.txt") {
        let (key, want) = (field(&v, "key"), field(&v, "kcv"));
        match (field(&v, "method"), field(&v, "alg")) {
            ("legacy", "tdes") if want.len() == 6 => assert_eq!(ok(&["kcv", "--key", key]), want),
            ("legacy", "tdes") => {
                let len = (want.len() / 2).to_string();
                assert_eq!(ok(&["kcv", "--key", key, "--len", &len]), want);
            }
            ("cmac", "aes") => assert_eq!(ok(&["kcv", "--key", key, "--cipher", "aes", "--cmac"]), want),
            other => panic!("unexpected KCV vector {other:?}"),
        }
    }
}

#[test]
fn cipher_block_vectors_both_directions() {
    for v in vectors("block_ciphers.txt") {
        let alg = match field(&v, "alg") {
            a if a.starts_with("aes") => "aes",
            a if a.starts_with("tdes") => "tdes",
            a => a,
        };
        let mut args = vec!["cipher", "--alg", alg, "--mode", field(&v, "mode"), "--key", field(&v, "key")];
        if let Some(iv) = get(&v, "iv") {
            args.extend(["--iv", iv]);
        }
        let mut enc = args.clone();
        enc.extend(["--encrypt", field(&v, "pt")]);
        assert_eq!(ok(&enc), field(&v, "ct").to_uppercase(), "{v:?}");
        let mut dec = args;
        dec.extend(["--decrypt", field(&v, "ct")]);
        assert_eq!(ok(&dec), field(&v, "pt").to_uppercase(), "{v:?}");
    }
}

#[test]
fn mac_iso9797_and_cmac_with_verify_exit_codes() {
    for v in vectors("iso9797_mac.txt") {
        let alg = format!("iso9797-1-{}", field(&v, "alg"));
        let data = match field(&v, "data") {
            "" => "-",
            d => d,
        };
        let args = ["mac", "--alg", &alg, "--key", field(&v, "key"), "--padding", field(&v, "padding"), data];
        let o = if data == "-" { paytool_stdin(&args, "") } else { paytool(&args) };
        assert!(o.status.success(), "{v:?}: {}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), field(&v, "mac"), "{v:?}");
    }
    let message = "6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E5130C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710";
    for v in vectors("cmac.txt").iter().filter(|v| get(v, "alg") == Some("aes") && get(v, "len").is_some()) {
        let len: usize = field(v, "len").parse().expect("len");
        let Some(data) = message.get(..2 * len) else { continue };
        if data.is_empty() {
            continue;
        }
        let key = field(v, "key");
        assert_eq!(
            ok(&["mac", "--alg", "cmac", "--cipher", "aes", "--key", key, data]),
            field(v, "mac"),
            "{v:?}"
        );
        // `--verify` exits 0 on the right MAC and 1 on a wrong one, printing nothing on stdout.
        let good = paytool(&[
            "mac",
            "--alg",
            "cmac",
            "--cipher",
            "aes",
            "--key",
            key,
            "--verify",
            field(v, "mac"),
            data,
        ]);
        assert_eq!(good.status.code(), Some(0));
        let bad =
            paytool(&["mac", "--alg", "cmac", "--cipher", "aes", "--key", key, "--verify", "00000000", data]);
        assert_eq!(bad.status.code(), Some(1));
        assert!(bad.stdout.is_empty());
    }
}

#[test]
fn pinblock_encode_decode_and_translate() {
    for v in vectors("pinblock.txt") {
        let Some(format) = get(&v, "format") else { continue };
        let mut args = vec!["pinblock"];
        let pan = get(&v, "pan");
        match field(&v, "op") {
            "encode" => {
                args.extend(["encode", "--format", format, "--pin", field(&v, "pin")]);
                if let Some(p) = pan {
                    args.extend(["--pan", p]);
                }
                assert_eq!(ok(&args), field(&v, "block"), "{v:?}");
            }
            "decode" => {
                args.extend(["decode", "--format", format]);
                if let Some(p) = pan {
                    args.extend(["--pan", p]);
                }
                args.push(field(&v, "block"));
                assert_eq!(ok(&args), field(&v, "pin"), "{v:?}");
            }
            _ => {}
        }
    }
    // X9.24-1 A.4: PIN 1234, PAN 4012345678909 under the first PIN key → 1B9C1845EB993A7A.
    let pin_key = "042666B49184CF5C68DE9628D0397B36";
    let pan = "4012345678909";
    let block = ok(&["pinblock", "encode", "--format", "0", "--pin", "1234", "--pan", pan, "--key", pin_key]);
    assert_eq!(block, "1B9C1845EB993A7A");
    assert_eq!(ok(&["pinblock", "decode", "--format", "0", "--pan", pan, "--key", pin_key, &block]), "1234");
    // Translate to the second transaction's PIN key: the X9.24-1 A.4 block of counter 2.
    let to_key = "C46551CEF9FD244FAA9AD834130D3B38";
    let args = ["pinblock", "translate", "--from-format", "0", "--from-key", pin_key, "--to-format", "0"];
    let translated = ok(&[&args[..], &["--to-key", to_key, "--pan", pan, &block]].concat());
    assert_eq!(translated, "10A01C8D02C69107");
}

#[test]
fn tr31_unwrap_json_shape_and_mac_failure() {
    let mut n = 0;
    for v in vectors("tr31.txt").iter().filter(|v| get(v, "kind") == Some("block")) {
        let (kbpk, block, key) = (field(v, "kbpk"), field(v, "block"), field(v, "key"));
        let out = json(&ok(&["tr31", "unwrap", "--kbpk", kbpk, block]));
        assert_eq!(out["key"], key, "{v:?}");
        let kcv = out["kcv"].as_str().unwrap_or_default();
        assert!(
            kcv.len() >= 6 && kcv.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase()),
            "{out}"
        );
        for member in
            ["version", "usage", "algorithm", "mode", "key_version", "exportability", "optional_blocks"]
        {
            assert!(out.get(member).is_some(), "{member} missing in {out}");
        }
        assert_eq!(out["version"], block.get(..1).unwrap_or_default());
        assert_eq!(out["usage"], block.get(5..7).unwrap_or_default());
        // A flipped bit in the MAC: exit 1, nothing on stdout.
        let mut tampered = block.to_owned();
        let last = tampered.pop().expect("non-empty");
        tampered.push(if last == '0' { '1' } else { '0' });
        let o = paytool(&["tr31", "unwrap", "--kbpk", kbpk, &tampered]);
        assert_eq!(o.status.code(), Some(1), "{tampered}");
        assert!(o.stdout.is_empty());
        n += 1;
    }
    assert!(n >= 3);
}

#[test]
fn sm3_digest_of_the_standard_examples() {
    for v in vectors("sm3.txt") {
        assert_eq!(ok(&["sm3", field(&v, "msg")]), field(&v, "digest"));
    }
}

#[test]
fn conventions_stdin_file_and_exit_codes() {
    let key = "0123456789ABCDEFFEDCBA9876543210";
    // Lower case and spaces accepted; `-` and `@PATH` for key options.
    assert_eq!(ok(&["kcv", "--key", "01234567 89abcdef fedcba98 76543210"]), "08D7B4");
    let o = paytool_stdin(&["kcv", "--key", "-"], key);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "08D7B4");
    let path = std::env::temp_dir().join(format!("paytool-contract-{}.key", std::process::id()));
    std::fs::write(&path, key).expect("write key file");
    let at = format!("@{}", path.display());
    assert_eq!(ok(&["kcv", "--key", &at]), "08D7B4");
    std::fs::remove_file(&path).ok();
    // Malformed input: exit 2, one line on stderr naming where, nothing on stdout.
    for args in [
        &["kcv", "--key", "0123456789ABCDEFFEDCBA987654321G"][..],
        &["dukpt", "next-ksn", "FFFF98765432"][..],
        &["pinblock", "encode", "--format", "7", "--pin", "1234"][..],
        &["tlv", "decode", "9F0206000000"][..],
        &["emv", "tvr", "00000000"][..],
    ] {
        let o = paytool(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?} wrote to stdout");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
    // `--json` prints exactly one JSON document.
    let j =
        ok(&["dukpt", "derive", "--bdk", key, "--ksn", "FFFF9876543210E00001", "--usage", "all", "--json"]);
    let all = json(&j);
    assert_eq!(all["pin"]["key"], "042666B49184CF5C68DE9628D0397B36");
    assert_eq!(all["mac"]["key"].as_str().map(str::len), Some(32));
}
