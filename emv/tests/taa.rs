//! Terminal action analysis (Book 3 §10.7) against vectors A1–A7 of
//! `shared/reference/emv-tlv.md` §8.1, the IAC/TAC default rules and the GENERATE AC P1 coding
//! of the same section; card action analysis (§10.8) essentials from §8.2 (CID type order
//! AAC < ARQC < TC, advice bit, reason codes, CDA format rule, TSI B1b6).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;

use common::hex;
use payproto_emv::ErrorKind;
use payproto_emv::apdu::GenAcResponse;
use payproto_emv::data::{CryptogramType as C, TerminalType, Tsi, Tvr};
use payproto_emv::kernel::taa::{
    self, ActionCodes, Decided, OnlineCapability as Cap, card_action_analysis, terminal_action_analysis,
};

fn tvr(s: &str) -> Tvr {
    Tvr(hex(s).try_into().unwrap())
}

fn absent_iac() -> ActionCodes {
    ActionCodes::issuer(None, None, None).unwrap()
}

fn zero_tac() -> ActionCodes {
    ActionCodes::terminal(None, None, None)
}

#[test]
fn defaults() {
    let i = absent_iac();
    assert_eq!((i.denial, i.online, i.default), (tvr("0000000000"), tvr("FFFFFFFFFF"), tvr("FFFFFFFFFF")));
    let t = zero_tac();
    assert_eq!((t.denial, t.online, t.default), (tvr("0000000000"), tvr("0000000000"), tvr("0000000000")));
    assert_eq!(ActionCodes::issuer(Some(&[0; 4]), None, None).unwrap_err().kind, ErrorKind::BadLength);
}

#[test]
fn a1_nothing_set_tc() {
    assert_eq!(
        terminal_action_analysis(&tvr("0000000000"), &absent_iac(), &zero_tac(), Cap::OnlineCapable).0,
        C::Tc
    );
}

#[test]
fn a2_floor_limit_online_default_ff_arqc() {
    let r = terminal_action_analysis(&tvr("0000008000"), &absent_iac(), &zero_tac(), Cap::OnlineCapable);
    assert_eq!(r, (C::Arqc, Decided::Online));
}

#[test]
fn a3_offline_only_default_ff_aac() {
    let r = terminal_action_analysis(&tvr("0000008000"), &absent_iac(), &zero_tac(), Cap::OfflineOnly);
    assert_eq!(r, (C::Aac, Decided::Default));
}

#[test]
fn a4_denial_match_aac_on_any_terminal() {
    let iac = ActionCodes::issuer(Some(&hex("8000000000")), None, None).unwrap();
    for cap in [Cap::OnlineOnly, Cap::OnlineCapable, Cap::OfflineOnly] {
        assert_eq!(
            terminal_action_analysis(&tvr("8000000000"), &iac, &zero_tac(), cap),
            (C::Aac, Decided::Denial)
        );
    }
}

#[test]
fn a5_online_only_arqc() {
    assert_eq!(
        terminal_action_analysis(&tvr("0000000000"), &absent_iac(), &zero_tac(), Cap::OnlineOnly).0,
        C::Arqc
    );
}

#[test]
fn a6_tac_alone_suffices() {
    let iac = ActionCodes::issuer(None, Some(&hex("0000000000")), Some(&hex("0000000000"))).unwrap();
    let tac = ActionCodes::terminal(None, Some(tvr("0000008000")), None);
    assert_eq!(terminal_action_analysis(&tvr("0000008000"), &iac, &tac, Cap::OnlineCapable).0, C::Arqc);
    // ... and with neither IAC nor TAC online bit, TC (OR, not AND; `&`, not `==`).
    let tac0 = zero_tac();
    assert_eq!(terminal_action_analysis(&tvr("0000008000"), &iac, &tac0, Cap::OnlineCapable).0, C::Tc);
    let tac_more = ActionCodes::terminal(None, Some(tvr("FF000080FF")), None);
    assert_eq!(terminal_action_analysis(&tvr("0000008000"), &iac, &tac_more, Cap::OnlineCapable).0, C::Arqc);
}

#[test]
fn a7_unable_to_go_online_default_aac() {
    let t = tvr("0000008000");
    let iac = ActionCodes::issuer(None, None, Some(&hex("0000008000"))).unwrap();
    assert_eq!(terminal_action_analysis(&t, &iac, &zero_tac(), Cap::OnlineCapable).0, C::Arqc);
    assert_eq!(taa::unable_to_go_online(&t, &iac, &zero_tac(), false), C::Aac);
    // Default codes not matching: TC; an online-only terminal skipping the Default check: AAC.
    let iac0 = ActionCodes::issuer(None, None, Some(&hex("0000000000"))).unwrap();
    assert_eq!(taa::unable_to_go_online(&t, &iac0, &zero_tac(), false), C::Tc);
    assert_eq!(taa::unable_to_go_online(&t, &iac0, &zero_tac(), true), C::Aac);
}

#[test]
fn capability_from_terminal_type() {
    assert_eq!(Cap::of(TerminalType(0x21)), Cap::OnlineOnly);
    assert_eq!(Cap::of(TerminalType(0x22)), Cap::OnlineCapable);
    assert_eq!(Cap::of(TerminalType(0x23)), Cap::OfflineOnly);
    assert_eq!(Cap::of(TerminalType(0x14)), Cap::OnlineOnly);
    assert_eq!(Cap::of(TerminalType(0x25)), Cap::OnlineCapable);
    assert_eq!(Cap::of(TerminalType(0x36)), Cap::OfflineOnly);
}

#[test]
fn p1_coding_and_cda_bit() {
    assert_eq!(taa::gen_ac_p1(C::Aac, false), 0x00);
    assert_eq!(taa::gen_ac_p1(C::Tc, false), 0x40);
    assert_eq!(taa::gen_ac_p1(C::Arqc, false), 0x80);
    assert_eq!(taa::gen_ac_p1(C::Tc, true), 0x50);
    assert_eq!(taa::gen_ac_p1(C::Arqc, true), 0x90);
    assert_eq!(taa::gen_ac_p1(C::Aac, true), 0x00, "no CDA request with an AAC (documented choice)");
}

fn format1(cid: u8) -> Vec<u8> {
    let mut v = hex("8012");
    v.push(cid);
    v.extend(hex("001C 0102030405060708 06010A03A00000"));
    v
}

fn format2(cid: u8) -> Vec<u8> {
    let mut inner = vec![0x9F, 0x27, 0x01, cid];
    inner.extend(hex("9F3602001C 9F4B0411223344"));
    let mut v = vec![0x77, inner.len() as u8];
    v.extend(inner);
    v
}

#[test]
fn card_never_returns_a_higher_cryptogram() {
    // (requested, returned CID, allowed)
    let table = [
        (C::Tc, 0x40, true),
        (C::Tc, 0x80, true),
        (C::Tc, 0x00, true),
        (C::Arqc, 0x80, true),
        (C::Arqc, 0x00, true),
        (C::Arqc, 0x40, false),
        (C::Aac, 0x00, true),
        (C::Aac, 0x80, false),
        (C::Aac, 0x40, false),
        (C::Tc, 0xC0, false),
    ];
    for (req, cid, ok) in table {
        let data = format1(cid);
        let resp = GenAcResponse::parse(&data).unwrap();
        let mut tsi = Tsi::default();
        let r = card_action_analysis(req, false, &resp, &mut tsi);
        assert_eq!(r.is_ok(), ok, "{req:?} {cid:02X}");
        if ok {
            assert_eq!(r.unwrap().cryptogram, resp.cid.cryptogram());
            assert_eq!(tsi.0, [0x20, 0x00], "TSI B1b6");
        } else {
            assert_eq!(r.unwrap_err().kind, ErrorKind::BadValue);
            assert_eq!(tsi, Tsi::default());
        }
    }
}

#[test]
fn advice_and_reason() {
    let data = format1(0x0A); // AAC, advice required, reason 2 = PIN try limit exceeded
    let resp = GenAcResponse::parse(&data).unwrap();
    let d = card_action_analysis(C::Tc, false, &resp, &mut Tsi::default()).unwrap();
    assert_eq!((d.cryptogram, d.advice_required, d.reason), (C::Aac, true, 2));
}

#[test]
fn cda_request_needs_format_2_unless_declined() {
    let f1 = format1(0x40);
    let f2 = format2(0x40);
    let r1 = GenAcResponse::parse(&f1).unwrap();
    let r2 = GenAcResponse::parse(&f2).unwrap();
    assert_eq!(
        card_action_analysis(C::Tc, true, &r1, &mut Tsi::default()).unwrap_err().kind,
        ErrorKind::BadTemplate
    );
    assert!(card_action_analysis(C::Tc, true, &r2, &mut Tsi::default()).is_ok());
    assert!(card_action_analysis(C::Tc, false, &r1, &mut Tsi::default()).is_ok());
    let aac = format1(0x00);
    let ra = GenAcResponse::parse(&aac).unwrap();
    assert!(card_action_analysis(C::Tc, true, &ra, &mut Tsi::default()).is_ok());
}
