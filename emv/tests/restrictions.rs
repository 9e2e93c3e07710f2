//! Processing restrictions (Book 3 §10.4): application version (TVR B2b8), Application Usage
//! Control (B2b5: ATM / non-ATM, domestic / international cash, goods, services, cashback) and
//! effective / expiration dates (B2b6 / B2b7), with the AUC bit names of Book 3 Annex C2 and the
//! TVR bits of `shared/reference/emv-tlv.md` §8.5. Every case asserts the whole TVR.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;

use common::hex;
use payproto_emv::data::{AdditionalTerminalCapabilities, Country, Date, TerminalType, TransactionType, Tvr};
use payproto_emv::kernel::restrictions::{
    CardRestrictionsData, Purchase, RestrictionsContext, is_atm, processing_restrictions,
};

fn ctx() -> RestrictionsContext {
    RestrictionsContext {
        terminal_app_version: [0x00, 0x8C],
        terminal_country: Country(840),
        terminal_type: TerminalType(0x22),
        additional_capabilities: AdditionalTerminalCapabilities(hex("F000F0A001").try_into().unwrap()),
        transaction_type: TransactionType::PURCHASE,
        purchase: Purchase { goods: true, services: false },
        amount_other: 0,
        transaction_date: Date::parse(&hex("260315")).unwrap(),
    }
}

fn tvr_of(card: &CardRestrictionsData<'_>, c: &RestrictionsContext) -> String {
    let mut t = Tvr::default();
    processing_restrictions(card, c, &mut t).unwrap();
    t.0.iter().map(|b| format!("{b:02X}")).collect()
}

#[test]
fn application_version() {
    let c = ctx();
    let same = hex("008C");
    let other = hex("0096");
    assert_eq!(
        tvr_of(&CardRestrictionsData { app_version: Some(&same), ..Default::default() }, &c),
        "0000000000"
    );
    assert_eq!(
        tvr_of(&CardRestrictionsData { app_version: Some(&other), ..Default::default() }, &c),
        "0080000000"
    );
    assert_eq!(tvr_of(&CardRestrictionsData::default(), &c), "0000000000", "no 9F08: no check");
}

#[test]
fn dates() {
    let c = ctx(); // transaction 2026-03-15
    let d = |eff: &str, exp: &str| {
        let e = hex(eff);
        let x = hex(exp);
        tvr_of(
            &CardRestrictionsData {
                effective_date: Some(&e),
                expiration_date: Some(&x),
                ..Default::default()
            },
            &c,
        )
    };
    assert_eq!(d("260315", "260315"), "0000000000", "both limits are inclusive");
    assert_eq!(d("260316", "300101"), "0020000000", "not yet effective");
    assert_eq!(d("200101", "260314"), "0040000000", "expired");
    assert_eq!(d("991231", "491231"), "0000000000", "99 = 1999, 49 = 2049");
    assert_eq!(d("500101", "500101"), "0040000000", "50 = 1950");
    let bad = hex("261301");
    let mut t = Tvr::default();
    let e = processing_restrictions(
        &CardRestrictionsData { expiration_date: Some(&bad), ..Default::default() },
        &c,
        &mut t,
    )
    .unwrap_err();
    assert_eq!(e.tag.map(|t| t.to_u32()), Some(0x5F24));
}

fn auc(auc_hex: &str, country: Option<&str>, c: &RestrictionsContext) -> String {
    let a = hex(auc_hex);
    let ic = country.map(hex);
    tvr_of(&CardRestrictionsData { auc: Some(&a), issuer_country: ic.as_deref(), ..Default::default() }, c)
}

const OK: &str = "0000000000";
const NOT_ALLOWED: &str = "0010000000";

#[test]
fn auc_atm_and_non_atm() {
    let c = ctx();
    assert_eq!(auc("FF00", None, &c), OK);
    assert_eq!(auc("FE00", None, &c), NOT_ALLOWED, "non-ATM bit clear");
    let mut atm = ctx();
    atm.terminal_type = TerminalType(0x14);
    atm.transaction_type = TransactionType::CASH;
    assert!(is_atm(atm.terminal_type, &atm.additional_capabilities));
    assert_eq!(auc("FF00", None, &atm), OK);
    assert_eq!(auc("FD00", None, &atm), NOT_ALLOWED, "ATM bit clear");
    // Type 14 without cash capability is not an ATM.
    let mut no_cash = atm;
    no_cash.additional_capabilities = AdditionalTerminalCapabilities([0x40, 0, 0, 0, 0]);
    assert!(!is_atm(no_cash.terminal_type, &no_cash.additional_capabilities));
}

#[test]
fn auc_domestic_and_international() {
    let mut c = ctx();
    // (transaction, purchase goods/services, amount other, AUC, issuer country, expected)
    let cases: &[(TransactionType, bool, bool, u64, &str, &str, &str)] = &[
        // goods, domestic: needs DOMESTIC_GOODS (B1b6 = 0x20)
        (TransactionType::PURCHASE, true, false, 0, "2100", "0840", OK),
        (TransactionType::PURCHASE, true, false, 0, "1100", "0840", NOT_ALLOWED),
        // goods, international: INTERNATIONAL_GOODS (0x10)
        (TransactionType::PURCHASE, true, false, 0, "1100", "0826", OK),
        (TransactionType::PURCHASE, true, false, 0, "2100", "0826", NOT_ALLOWED),
        // services: 0x08 domestic, 0x04 international
        (TransactionType::PURCHASE, false, true, 0, "0900", "0840", OK),
        (TransactionType::PURCHASE, false, true, 0, "0500", "0840", NOT_ALLOWED),
        (TransactionType::PURCHASE, false, true, 0, "0500", "0826", OK),
        // goods and services both needed
        (TransactionType::PURCHASE, true, true, 0, "2900", "0840", OK),
        (TransactionType::PURCHASE, true, true, 0, "2100", "0840", NOT_ALLOWED),
        // cash: 0x80 domestic, 0x40 international
        (TransactionType::CASH, false, false, 0, "8100", "0840", OK),
        (TransactionType::CASH, false, false, 0, "4100", "0840", NOT_ALLOWED),
        (TransactionType::CASH, false, false, 0, "4100", "0826", OK),
        // cashback: byte 2 0x80 domestic, 0x40 international, plus goods
        (TransactionType::CASHBACK, true, false, 500, "2180", "0840", OK),
        (TransactionType::CASHBACK, true, false, 500, "2140", "0840", NOT_ALLOWED),
        (TransactionType::CASHBACK, true, false, 500, "1140", "0826", OK),
        // a purchase with Amount, Other ≠ 0 is a cashback too
        (TransactionType::PURCHASE, true, false, 500, "2100", "0840", NOT_ALLOWED),
        (TransactionType::PURCHASE, true, false, 500, "2180", "0840", OK),
    ];
    for &(tt, goods, services, other, a, ic, want) in cases {
        c.transaction_type = tt;
        c.purchase = Purchase { goods, services };
        c.amount_other = other;
        assert_eq!(
            auc(a, Some(ic), &c),
            want,
            "{tt:?} goods={goods} services={services} other={other} auc={a} ic={ic}"
        );
    }
    // Without 5F28 only the ATM / non-ATM check applies.
    c.transaction_type = TransactionType::CASH;
    assert_eq!(auc("0100", None, &c), OK);
}
