//! `paytool cipher --alg sm4`, `kcv --cipher sm4`, `mac --alg cup-sm4`, `pinblock encode|decode
//! --cipher sm4` (CLI.md section "sm"). Vectors: GM/T 0002-2012 Appendix A example 1 (SM4); the
//! UnionPay SM4 key-download / PIN block worked example of blog.csdn.net/M_Kerry/article/details/104625499
//! (check value, PIN block); the CUP DES MAC example of crypto.md §4.9 (unchanged by the SM4 option).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, clippy::arithmetic_side_effects)]

use std::process::{Command, Output};

fn paytool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paytool")).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let o = paytool(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim_end().to_owned()
}

fn code(args: &[&str]) -> i32 {
    let o = paytool(args);
    if o.status.code() != Some(0) {
        assert_eq!(String::from_utf8_lossy(&o.stderr).lines().count(), 1, "one error line");
        assert!(o.stdout.is_empty(), "no partial result");
    }
    o.status.code().unwrap()
}

const K: &str = "0123456789ABCDEFFEDCBA9876543210";
const CT: &str = "681EDF34D206965E86B3E94F536E4246";
const PIK: &str = "F351D490994603795C6EBEE8FAEBB481";
const PAN: &str = "6230606601007726888";
const BLOCK: &str = "E639B7346D93D4ECE1E991CDCC84936E";

#[test]
fn sm4_cipher_kcv_and_iso9797_mac() {
    assert_eq!(ok(&["cipher", "--alg", "sm4", "--mode", "ecb", "--encrypt", "--key", K, K]), CT);
    assert_eq!(ok(&["cipher", "--alg", "sm4", "--mode", "cbc", "--decrypt", "--key", K, CT]), K);
    assert_eq!(code(&["cipher", "--alg", "sm4", "--mode", "ecb", "--encrypt", "--key", &K[..30], K]), 2);
    assert_eq!(ok(&["kcv", "--cipher", "sm4", "--key", PIK, "--len", "4"]), "861E83E3");
    assert_eq!(ok(&["mac", "--alg", "iso9797-1-1", "--cipher", "sm4", "--key", K, K]), CT);
}

#[test]
fn sm4_pin_block() {
    let enc = [
        "pinblock", "encode", "--format", "0", "--pin", "123654", "--pan", PAN, "--cipher", "sm4", "--key",
        PIK,
    ];
    assert_eq!(ok(&enc), BLOCK);
    let dec = ["pinblock", "decode", "--format", "0", "--pan", PAN, "--cipher", "sm4", "--key", PIK, BLOCK];
    assert_eq!(ok(&dec), "123654");
    let mut wrong_format = dec;
    wrong_format[3] = "3";
    assert_eq!(code(&wrong_format), 2);
    let mut wrong_pan = dec;
    wrong_pan[5] = "6230606601007726878";
    assert_eq!(code(&wrong_pan), 2);
}

#[test]
fn cup_sm4_mac_option() {
    let m = ok(&["mac", "--alg", "cup-sm4", "--key", K, "00112233"]);
    assert_eq!(m.len(), 8);
    assert_eq!(ok(&["mac", "--alg", "cup-sm4", "--key", K, "--verify", &m, "00112233"]), m);
    assert_eq!(code(&["mac", "--alg", "cup-sm4", "--key", K, "--verify", &m, "00112234"]), 1);
    assert_eq!(code(&["mac", "--alg", "cup-sm4", "--key", "2222222222222222", "00"]), 2);
    assert_eq!(
        ok(&["mac", "--alg", "cup-ecb", "--key", "2222222222222222", "1234567890ABCDEFABCDEF1234567890"]),
        "E267B6E2"
    );
}
