//! Issuer authentication and issuer script processing (Book 3 §10.9–10.10) against the rules of
//! `shared/reference/emv-tlv.md` §8.6: EXTERNAL AUTHENTICATE once when AIP B1b3 and `91` are
//! present, TVR B5b7 on failure, TSI B1b5; scripts `71`/`72` of `86` commands with optional
//! `9F18`, stop on a status other than 90xx/62xx/63xx, TVR B5b6 / B5b5, TSI B1b3, Issuer Script
//! Results `9F5B` (result nibble ‖ sequence nibble ‖ 4-byte id), length limit. Every case
//! asserts the commands sent, the whole TVR and TSI and the result bytes.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;

use common::hex;
use payproto_emv::data::{Aip, Tsi, Tvr};
use payproto_emv::kernel::issuer::{IssuerAuthentication, ScriptProcessing, ScriptTiming, scripts};
use payproto_emv::kernel::{Phase, Step};

fn up(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// Drives a phase; `card` maps each command (hex) to the response status (hex).
fn drive<P: Phase>(p: &mut P, card: &dyn Fn(&str) -> &'static str) -> (P::Output, Vec<String>) {
    let mut out = [0u8; 300];
    let mut sent = vec![];
    let mut step = p.start(&mut out).unwrap();
    loop {
        match step {
            Step::Done(o) => return (o, sent),
            Step::Send(n) => {
                let c = up(&out[..n]);
                let r = hex(card(&c));
                sent.push(c);
                step = p.on_response(&r, &mut out).unwrap();
            }
        }
    }
}

const ARPC_91: &str = "3AF5C1F3A54B8A2E3030";

#[test]
fn external_authenticate_once_success() {
    let d = hex(ARPC_91);
    let mut p = IssuerAuthentication::new(Aip([0x1C, 0x00]), Some(&d), Tvr::default(), Tsi::default());
    let (s, sent) = drive(&mut p, &|_| "9000");
    assert_eq!(sent, [format!("008200000A{ARPC_91}")]);
    assert_eq!((up(&s.tvr.0), up(&s.tsi.0)), ("0000000000".into(), "1000".into()));
    // A second start is refused (EXTERNAL AUTHENTICATE only once).
    assert!(p.start(&mut [0u8; 64]).is_err());
}

#[test]
fn external_authenticate_failure_sets_b5b7() {
    let d = hex(ARPC_91);
    let mut p = IssuerAuthentication::new(Aip([0x1C, 0x00]), Some(&d), Tvr::default(), Tsi::default());
    let (s, sent) = drive(&mut p, &|_| "6300");
    assert_eq!(sent.len(), 1);
    assert_eq!((up(&s.tvr.0), up(&s.tsi.0)), ("0000000040".into(), "1000".into()));
}

#[test]
fn no_issuer_authentication_without_aip_bit_or_91() {
    let d = hex(ARPC_91);
    for (aip, data) in [(Aip([0x18, 0x00]), Some(&d[..])), (Aip([0x1C, 0x00]), None)] {
        let mut p = IssuerAuthentication::new(aip, data, Tvr::default(), Tsi::default());
        let (s, sent) = drive(&mut p, &|_| panic!("no command expected"));
        assert!(sent.is_empty());
        assert_eq!((s.tvr, s.tsi), (Tvr::default(), Tsi::default()));
    }
}

// Two scripts in an authorisation response: 71 (id 11223344, two commands) and 72 (no id, one).
const RESPONSE: &str = "910A3AF5C1F3A54B8A2E3030 \
    7119 9F180411223344 8609 841E000004 A1B2C3D4 8605 8424000000 \
    7207 8605 8424000000";

#[test]
fn scripts_are_found_in_order() {
    let r = hex(RESPONSE);
    let s: Vec<_> = scripts(&r).collect();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].timing, ScriptTiming::BeforeFinalGenerateAc);
    assert_eq!(s[1].timing, ScriptTiming::AfterFinalGenerateAc);
}

#[test]
fn script_success() {
    let r = hex(RESPONSE);
    let s = scripts(&r).next().unwrap();
    let mut p = ScriptProcessing::new(s, Tvr::default(), Tsi::default());
    // 62xx and 63xx count as success too.
    let (o, sent) = drive(&mut p, &|c| if c.starts_with("841E") { "6283" } else { "9000" });
    assert_eq!(sent, ["841E000004A1B2C3D4", "8424000000"]);
    assert_eq!(up(&o.result.bytes()), "2011223344");
    assert_eq!((up(&o.status.tvr.0), up(&o.status.tsi.0)), ("0000000000".into(), "0400".into()));
}

#[test]
fn script_failure_stops_the_script() {
    let r = hex(RESPONSE);
    let s = scripts(&r).next().unwrap();
    let mut p = ScriptProcessing::new(s, Tvr::default(), Tsi::default());
    let (o, sent) = drive(&mut p, &|_| "6A88");
    assert_eq!(sent, ["841E000004A1B2C3D4"], "second command not sent");
    assert_eq!(up(&o.result.bytes()), "1111223344", "failed, command 1");
    assert_eq!(up(&o.status.tvr.0), "0000000020", "B5b6: before final GENERATE AC");
    // Failure on the second command of a 72 script without id.
    let two = hex("720E 8605 8424000000 8605 8424000000");
    let s = scripts(&two).next().unwrap();
    let mut p = ScriptProcessing::new(s, Tvr::default(), Tsi::default());
    let n = core::cell::Cell::new(0);
    let (o, sent) = drive(&mut p, &|_| {
        n.set(n.get() + 1);
        if n.get() == 1 { "9000" } else { "6985" }
    });
    assert_eq!(sent.len(), 2);
    assert_eq!(up(&o.result.bytes()), "1200000000");
    assert_eq!((up(&o.status.tvr.0), up(&o.status.tsi.0)), ("0000000010".into(), "0400".into()));
}

#[test]
fn malformed_scripts_are_not_sent() {
    for bad in [
        "7106 9F1804112233",        // id of 3 bytes, no command
        "7107 9F180411223344",      // no 86
        "7104 86020011",            // 86 not a command APDU
        "7109 9F180411223344 0101", // foreign tag
    ] {
        let v = hex(bad);
        let s = scripts(&v).next().unwrap();
        let mut p = ScriptProcessing::new(s, Tvr::default(), Tsi::default());
        let (o, sent) = drive(&mut p, &|_| panic!("nothing may be sent"));
        assert!(sent.is_empty(), "{bad}");
        assert_eq!(o.result.status, 0x10, "{bad}");
        assert_eq!(up(&o.status.tvr.0), "0000000020", "{bad}");
    }
    // Over 128 bytes: not processed; the id is still reported.
    let mut long = hex("7181 8C 9F180411223344");
    for _ in 0..19 {
        long.extend(hex("8605 8424000000"));
    }
    assert_eq!(long.len() - 3, 0x8C);
    let s = scripts(&long).next().unwrap();
    let mut p = ScriptProcessing::new(s, Tvr::default(), Tsi::default());
    let (o, sent) = drive(&mut p, &|_| panic!("nothing may be sent"));
    assert!(sent.is_empty());
    assert_eq!(up(&o.result.bytes()), "1011223344");
}
