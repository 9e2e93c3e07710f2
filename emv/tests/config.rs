//! Terminal configuration per AID (validated on construction) and the TC Hash Value (tag `98`,
//! Book 3 §5.4 / Annex C5 TVR B5b8 "default TDOL used"); the random-selection rule R7 of
//! `shared/reference/emv-tlv.md` §7.2 surfaces here as a configuration error too.
//! Expected hashes are SHA-1 (RustCrypto `sha1`) over TDOL data written out by hand.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;

use common::hex;
use payproto_emv::data::{AdditionalTerminalCapabilities, TerminalCapabilities, Tvr};
use payproto_emv::dol::DolSource;
use payproto_emv::kernel::config::{AidConfig, AidParams, field, tc_hash};
use payproto_emv::kernel::trm::RandomSelection;
use payproto_emv::tlv::Tag;
use sha1::{Digest, Sha1};

fn params() -> AidParams<'static> {
    AidParams {
        aid: common::h("A0000000031010"),
        partial_selection: true,
        app_version: [0x00, 0x8C],
        tac_denial: Some(Tvr(hex("0010000000").try_into().unwrap())),
        tac_online: None,
        tac_default: None,
        floor_limit: 10_000,
        random_selection: Some(RandomSelection {
            threshold: 1000,
            target_percent: 10,
            max_target_percent: 90,
        }),
        default_ddol: common::h("9F3704"),
        default_tdol: common::h("9F0206 9A03"),
        capabilities: TerminalCapabilities(hex("E0F8C8").try_into().unwrap()),
        additional_capabilities: AdditionalTerminalCapabilities(hex("6000F0A001").try_into().unwrap()),
        terminal_type: 0x22,
        country: 840,
        currency: 840,
        currency_exponent: 2,
    }
}

#[test]
fn valid_configuration() {
    let c = AidConfig::new(&params()).unwrap();
    assert_eq!(c.aid(), hex("A0000000031010"));
    assert_eq!(c.default_ddol(), hex("9F3704"));
    assert_eq!(c.default_tdol(), hex("9F02069A03"));
    assert_eq!(c.tac.denial, Tvr(hex("0010000000").try_into().unwrap()));
    assert_eq!(c.tac.online, Tvr::default(), "absent TAC = 00");
    assert_eq!(c.trm.floor_limit(), 10_000);
}

#[test]
fn invalid_configurations() {
    let cases: Vec<(AidParams<'static>, usize)> = vec![
        (AidParams { aid: common::h("A0000000"), ..params() }, field::AID),
        (AidParams { aid: common::h("A0000000031010A0000000031010AABBCC"), ..params() }, field::AID),
        (AidParams { terminal_type: 0x27, ..params() }, field::TERMINAL_TYPE),
        (AidParams { terminal_type: 0x42, ..params() }, field::TERMINAL_TYPE),
        (AidParams { default_ddol: common::h("9F0206"), ..params() }, field::DDOL), // no 9F37
        (AidParams { default_ddol: common::h("9F37"), ..params() }, field::DDOL),   // truncated
        (AidParams { default_ddol: &[0x9F; 65], ..params() }, field::DDOL),         // too long
        (AidParams { default_tdol: common::h("9F02"), ..params() }, field::TDOL),
        (AidParams { country: 1000, ..params() }, field::CODES),
        (AidParams { currency_exponent: 4, ..params() }, field::CODES),
        // R7: target 95 above maximum target 90.
        (
            AidParams {
                random_selection: Some(RandomSelection {
                    threshold: 1000,
                    target_percent: 95,
                    max_target_percent: 90,
                }),
                ..params()
            },
            field::TRM,
        ),
        (
            AidParams {
                random_selection: Some(RandomSelection {
                    threshold: 10_000,
                    target_percent: 10,
                    max_target_percent: 90,
                }),
                ..params()
            },
            field::TRM,
        ),
    ];
    for (p, f) in cases {
        assert_eq!(AidConfig::new(&p).unwrap_err().offset, f, "{p:?}");
    }
    // An empty default TDOL is fine (none configured).
    assert!(AidConfig::new(&AidParams { default_tdol: &[], ..params() }).is_ok());
}

struct Src;
impl DolSource for Src {
    fn value(&self, tag: Tag) -> Option<&[u8]> {
        match tag.to_u32() {
            0x9F02 => Some(&[0x00, 0x00, 0x00, 0x01, 0x23, 0x45]),
            0x9A => Some(&[0x26, 0x03, 0x15]),
            0x9F37 => Some(&[0xDE, 0xAD, 0xBE, 0xEF]),
            _ => None,
        }
    }
}

fn sha1(b: &[u8]) -> [u8; 20] {
    Sha1::digest(b).into()
}

#[test]
fn tc_hash_from_card_tdol() {
    let mut tvr = Tvr::default();
    let hv = tc_hash(Some(&hex("9F3704 9A03")), &hex("9F02069A03"), &Src, &mut tvr).unwrap();
    assert_eq!(hv, sha1(&hex("DEADBEEF 260315")));
    assert_eq!(tvr, Tvr::default(), "card TDOL: B5b8 stays clear");
}

#[test]
fn tc_hash_from_default_tdol_sets_b5b8() {
    let mut tvr = Tvr::default();
    let hv = tc_hash(None, &hex("9F02069A03"), &Src, &mut tvr).unwrap();
    assert_eq!(hv, sha1(&hex("000000012345 260315")));
    assert_eq!(tvr, Tvr(hex("0000000080").try_into().unwrap()));
}

#[test]
fn tc_hash_without_any_tdol_and_absent_data() {
    let mut tvr = Tvr::default();
    assert_eq!(tc_hash(None, &[], &Src, &mut tvr).unwrap(), sha1(b""));
    assert_eq!(tvr, Tvr::default());
    // A tag with no value is zero-filled (Book 3 §5.4).
    let hv = tc_hash(Some(&hex("9F1A02")), &[], &Src, &mut tvr).unwrap();
    assert_eq!(hv, sha1(&[0, 0]));
    assert!(tc_hash(Some(&hex("9F")), &[], &Src, &mut tvr).is_err(), "malformed TDOL");
}
