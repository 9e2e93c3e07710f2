//! Cardholder verification (Book 3 §10.5) against the rule summary of
//! `shared/reference/emv-tlv.md` §8.3 (CVM list layout, method and condition codes, strict < / >
//! in the application currency, "apply succeeding rule" bit b7, unrecognised CVM B3b7, CV not
//! successful B3b8, PIN flags B3b6/B3b5/B3b4/B3b3, CVM Results `9F34` coding, absent list ⇒ ICC
//! data missing and `3F0000`, TSI B1b7), with the reading choices documented in
//! `kernel/cvm.rs`. Each case asserts the whole CVM Results, TVR and TSI and the PIN requests made.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;

use common::hex;
use payproto_emv::data::{Aip, TerminalCapabilities, TerminalType, TransactionType, Tsi, Tvr};
use payproto_emv::kernel::cvm::{CvmContext, PinEntryDevice, PinKind, PinOutcome, cardholder_verification};

/// Scripted PIN entry device: answers in order, records what was asked.
struct Ped {
    answers: Vec<PinOutcome>,
    asked: Vec<PinKind>,
}
impl PinEntryDevice for Ped {
    fn perform(&mut self, kind: PinKind) -> PinOutcome {
        self.asked.push(kind);
        self.answers.remove(0)
    }
}
fn ped(a: &[PinOutcome]) -> Ped {
    Ped { answers: a.to_vec(), asked: vec![] }
}

/// Terminal capabilities `E0F8C8`: plaintext + online + signature + enciphered offline + no CVM.
fn ctx() -> CvmContext {
    CvmContext {
        aip: Aip([0x18, 0x00]),
        capabilities: TerminalCapabilities(hex("E0F8C8").try_into().unwrap()),
        terminal_type: TerminalType(0x22),
        transaction_type: TransactionType::PURCHASE,
        amount: 10_000,
        transaction_currency: 0x0978,
        application_currency: Some(0x0978),
        pin_try_counter: Some(3),
    }
}

/// X = 10000, Y = 20000 ‖ rules.
fn list(rules: &str) -> Vec<u8> {
    hex(&format!("00002710 00004E20 {rules}"))
}

struct Case {
    results: &'static str,
    tvr: &'static str,
    tsi: &'static str,
}

fn run(rules: &str, c: &CvmContext, p: &mut Ped) -> Case {
    let l = list(rules);
    let o = cardholder_verification(Some(&l), c, p, Tvr::default(), Tsi::default()).unwrap();
    Case {
        results: Box::leak(
            format!("{:02X}{:02X}{:02X}", o.results.code, o.results.condition.0, o.results.result.byte())
                .into_boxed_str(),
        ),
        tvr: Box::leak(o.tvr.0.iter().map(|b| format!("{b:02X}")).collect::<String>().into_boxed_str()),
        tsi: Box::leak(o.tsi.0.iter().map(|b| format!("{b:02X}")).collect::<String>().into_boxed_str()),
    }
}

fn check(rules: &str, c: &CvmContext, p: &mut Ped, results: &str, tvr: &str) {
    let r = run(rules, c, p);
    assert_eq!((r.results, r.tvr, r.tsi), (results, tvr, "4000"), "rules {rules}");
}

#[test]
fn offline_plaintext_pin_success() {
    let mut p = ped(&[PinOutcome::Success]);
    check("0100", &ctx(), &mut p, "010002", "0000000000");
    assert_eq!(p.asked, [PinKind::OfflinePlaintext]);
}

#[test]
fn offline_enciphered_pin_and_online_pin() {
    let mut p = ped(&[PinOutcome::Success]);
    check("0400", &ctx(), &mut p, "040002", "0000000000");
    assert_eq!(p.asked, [PinKind::OfflineEnciphered]);
    // Online PIN: result unknown, "online CVM captured" B3b3.
    let mut p = ped(&[PinOutcome::Success]);
    let l = list("0200");
    let o = cardholder_verification(Some(&l), &ctx(), &mut p, Tvr::default(), Tsi::default()).unwrap();
    assert_eq!(o.results.bytes(), [0x02, 0x00, 0x00]);
    assert_eq!(o.tvr, Tvr(hex("0000040000").try_into().unwrap()));
    assert!(o.online_pin && !o.signature_required);
}

#[test]
fn signature_and_no_cvm() {
    let l = list("1E00");
    let o = cardholder_verification(Some(&l), &ctx(), &mut ped(&[]), Tvr::default(), Tsi::default()).unwrap();
    assert_eq!(o.results.bytes(), [0x1E, 0x00, 0x00], "signature: result unknown");
    assert!(o.signature_required);
    check("1F00", &ctx(), &mut ped(&[]), "1F0002", "0000000000");
    // PIN + signature: result unknown, signature required.
    let l = list("0300");
    let o = cardholder_verification(
        Some(&l),
        &ctx(),
        &mut ped(&[PinOutcome::Success]),
        Tvr::default(),
        Tsi::default(),
    )
    .unwrap();
    assert_eq!(o.results.bytes(), [0x03, 0x00, 0x00]);
    assert!(o.signature_required);
}

#[test]
fn failed_pin_without_b7_fails_processing() {
    // 0100: b7 clear → the failure ends CVM processing; the signature rule is not reached.
    let mut p = ped(&[PinOutcome::Failed]);
    check("0100 1E00", &ctx(), &mut p, "010001", "0000800000");
}

#[test]
fn failed_pin_with_b7_applies_succeeding_rule() {
    // 4100: b7 set → next rule (signature).
    let mut p = ped(&[PinOutcome::Failed]);
    check("4100 1E00", &ctx(), &mut p, "1E0000", "0000000000");
}

#[test]
fn pin_flags() {
    let c = ctx();
    check("4100 1F00", &c, &mut ped(&[PinOutcome::TryLimitExceeded]), "1F0002", "0000200000");
    check("4100 1F00", &c, &mut ped(&[PinOutcome::PinPadUnavailable]), "1F0002", "0000100000");
    check("4200 1F00", &c, &mut ped(&[PinOutcome::Bypassed]), "1F0002", "0000080000");
    // PIN Try Counter already 0: no PIN entry at all, B3b6.
    let mut c0 = ctx();
    c0.pin_try_counter = Some(0);
    let mut p = ped(&[]);
    check("4100 1F00", &c0, &mut p, "1F0002", "0000200000");
    assert!(p.asked.is_empty());
}

#[test]
fn unsupported_pin_sets_pin_pad_absent_and_is_unsuccessful() {
    let mut c = ctx();
    c.capabilities = TerminalCapabilities(hex("E02808").try_into().unwrap()); // signature + no CVM only
    let mut p = ped(&[]);
    check("4100 1E00", &c, &mut p, "1E0000", "0000100000");
    check("0100 1E00", &c, &mut p, "010001", "0000900000");
    assert!(p.asked.is_empty());
}

#[test]
fn unrecognised_cvm() {
    // 08 (biometric, unsupported here) and 25 (payment-system proprietary): B3b7.
    check("4800 1F00", &ctx(), &mut ped(&[]), "1F0002", "0000400000");
    check("2500 1F00", &ctx(), &mut ped(&[]), "250001", "0000C00000");
}

#[test]
fn fail_cvm_method() {
    check("0000 1F00", &ctx(), &mut ped(&[]), "000001", "0000800000");
}

#[test]
fn amount_conditions_are_strict_and_need_application_currency() {
    // X = 10000, Y = 20000; amount 10000 is neither under nor over X.
    let c = ctx();
    check("1F06 1E00", &c, &mut ped(&[]), "1E0000", "0000000000"); // not under X (equal) → bypass
    check("1F07 1E00", &c, &mut ped(&[]), "1E0000", "0000000000"); // not over X (equal)
    check("1F08 1E00", &c, &mut ped(&[]), "1F0802", "0000000000"); // under Y
    check("1F09 1E00", &c, &mut ped(&[]), "1E0000", "0000000000"); // not over Y
    let mut c1 = ctx();
    c1.amount = 10_001;
    check("1F07", &c1, &mut ped(&[]), "1F0702", "0000000000");
    c1.amount = 9_999;
    check("1F06", &c1, &mut ped(&[]), "1F0602", "0000000000");
    c1.amount = 20_001;
    check("1F09", &c1, &mut ped(&[]), "1F0902", "0000000000");
    // Different currency, or no 9F42: the amount conditions are bypassed.
    let mut c2 = ctx();
    c2.amount = 1;
    c2.transaction_currency = 0x0840;
    check("1F06 1E00", &c2, &mut ped(&[]), "1E0000", "0000000000");
    c2.transaction_currency = 0x0978;
    c2.application_currency = None;
    check("1F06 1E00", &c2, &mut ped(&[]), "1E0000", "0000000000");
}

#[test]
fn transaction_conditions() {
    let mut cash_unattended = ctx();
    cash_unattended.transaction_type = TransactionType::CASH;
    cash_unattended.terminal_type = TerminalType(0x14);
    let mut cash_attended = ctx();
    cash_attended.transaction_type = TransactionType::CASH;
    let mut cashback = ctx();
    cashback.transaction_type = TransactionType::CASHBACK;
    let purchase = ctx();
    // (condition, context, satisfied)
    let table: [(&str, &CvmContext, bool); 12] = [
        ("01", &cash_unattended, true),
        ("01", &cash_attended, false),
        ("04", &cash_attended, true),
        ("04", &cash_unattended, false),
        ("05", &cashback, true),
        ("05", &purchase, false),
        ("02", &purchase, true),
        ("02", &cash_attended, false),
        ("02", &cash_unattended, false),
        ("02", &cashback, false),
        ("00", &cashback, true),
        ("0A", &purchase, false), // unknown condition code: bypass
    ];
    for (cond, c, sat) in table {
        let r = run(&format!("1F{cond} 1E00"), c, &mut ped(&[]));
        let want = if sat { format!("1F{cond}02") } else { "1E0000".to_owned() };
        assert_eq!(r.results, want, "condition {cond}");
    }
}

#[test]
fn condition_03_terminal_supports_the_cvm() {
    let mut c = ctx();
    c.capabilities = TerminalCapabilities(hex("E02808").try_into().unwrap());
    // Plaintext PIN unsupported: rule bypassed without B3b5; signature supported: performed.
    check("0103 1E03", &c, &mut ped(&[]), "1E0300", "0000000000");
}

#[test]
fn exhausted_list_without_attempt() {
    check("1F07", &ctx(), &mut ped(&[]), "3F0001", "0000800000");
}

#[test]
fn absent_or_empty_list_and_cv_not_supported() {
    let c = ctx();
    for l in [None, Some(list(""))] {
        let o =
            cardholder_verification(l.as_deref(), &c, &mut ped(&[]), Tvr::default(), Tsi::default()).unwrap();
        assert_eq!(o.results.bytes(), [0x3F, 0x00, 0x00]);
        assert_eq!(o.tvr, Tvr(hex("2000000000").try_into().unwrap()));
        assert_eq!(o.tsi, Tsi::default());
    }
    let mut c2 = ctx();
    c2.aip = Aip([0x08, 0x00]);
    let l = list("0100");
    let o = cardholder_verification(Some(&l), &c2, &mut ped(&[]), Tvr::default(), Tsi::default()).unwrap();
    assert_eq!((o.results.bytes(), o.tvr, o.tsi), ([0x3F, 0, 0], Tvr::default(), Tsi::default()));
    // Malformed list: error.
    assert!(
        cardholder_verification(Some(&hex("0000")), &c, &mut ped(&[]), Tvr::default(), Tsi::default())
            .is_err()
    );
    assert!(
        cardholder_verification(
            Some(&hex("000000000000000001")),
            &c,
            &mut ped(&[]),
            Tvr::default(),
            Tsi::default()
        )
        .is_err()
    );
}
