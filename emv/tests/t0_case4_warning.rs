//! A case 4 command answered with a warning on T=0.
//!
//! Source: EMV 4.4 Book 1 §9.3.1.3 (T=0 transport of case 4 commands): when the card answers a
//! case 4 command with a warning status (`62xx` or `63xx`), the terminal still sends GET
//! RESPONSE (Le `00`) to obtain the data, and returns the data with the warning status — not
//! the `9000` of the GET RESPONSE. `6Cxx` to a GET RESPONSE is answered by repeating the GET
//! RESPONSE with Le = xx (ISO/IEC 7816-3 §10.3.3 / 7816-4 §5.1.3). `6283` is "selected file
//! invalidated" (application blocked, Book 1 §12.3.3); the FCI bytes are the contact-visa FCI
//! of the public binaryfoo trace.
#![cfg(feature = "sim")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;
use common::{h, hex};

use payproto_emv::apdu::{Command, StatusWord, T0Helper, T0Next, exchange};
use payproto_emv::kernel::drive;
use payproto_emv::kernel::selection::{Method, Outcome, Selection, TerminalAid};
use payproto_emv::link::T0Link;
use payproto_emv::sim::{Profile, Replay, SimApp, SimCard, SimT0};

const VISA_FCI: &str = "6F168407A0000000031010A50B5009564953412054455354";

#[test]
fn helper_fetches_the_data_and_keeps_the_warning() {
    let aid = h("A0000000031010");
    let select = Command::select(aid, false);
    let mut acc = [0u8; 64];
    let mut th = T0Helper::for_command(&select);
    assert_eq!(th.feed(h("6283"), &mut acc).unwrap(), T0Next::GetResponse(0));
    // GET RESPONSE 00 answered 6C18 → GET RESPONSE 18 (not the SELECT again).
    assert_eq!(th.feed(h("6C18"), &mut acc).unwrap(), T0Next::GetResponse(0x18));
    let r = [hex(VISA_FCI), hex("9000")].concat();
    assert_eq!(
        th.feed(&r, &mut acc).unwrap(),
        T0Next::Done { len: 24, sw: StatusWord::SelectedFileInvalidated }
    );
    assert_eq!(&acc[..24], hex(VISA_FCI).as_slice());
    // 63xx is a warning too.
    let gen_ac = Command::generate_ac(payproto_emv::data::CryptogramType::Arqc, false, &[0; 4]);
    let mut th = T0Helper::for_command(&gen_ac);
    assert_eq!(th.feed(h("6300"), &mut acc).unwrap(), T0Next::GetResponse(0));
    assert_eq!(
        th.feed(h("800B8000010102030405060708 9000"), &mut acc).unwrap(),
        T0Next::Done { len: 13, sw: StatusWord::AuthenticationFailed }
    );
    // A GET RESPONSE with nothing to return: the warning alone.
    let mut th = T0Helper::for_command(&select);
    th.feed(h("6283"), &mut acc).unwrap();
    assert_eq!(
        th.feed(h("6985"), &mut acc).unwrap(),
        T0Next::Done { len: 0, sw: StatusWord::SelectedFileInvalidated }
    );
}

#[test]
fn only_case_4_without_data() {
    let mut acc = [0u8; 64];
    // Case 2 (READ RECORD): a warning is final.
    let mut th = T0Helper::for_command(&Command::read_record(1, 1));
    assert_eq!(
        th.feed(h("6283"), &mut acc).unwrap(),
        T0Next::Done { len: 0, sw: StatusWord::SelectedFileInvalidated }
    );
    // Case 4 whose warning already carries the data (T=1, or a PC/SC reader): final.
    let mut th = T0Helper::for_command(&Command::select(h("A0000000031010"), false));
    let r = [hex(VISA_FCI), hex("6283")].concat();
    assert_eq!(
        th.feed(&r, &mut acc).unwrap(),
        T0Next::Done { len: 24, sw: StatusWord::SelectedFileInvalidated }
    );
}

#[test]
fn exchange_sends_get_response_after_a_warning() {
    let pairs: &[(&[u8], &[u8])] = &[
        (h("00A4040007A000000003101000"), h("6283")),
        (h("00C0000000"), h("6C18")),
        (h("00C0000018"), h("6F168407A0000000031010A50B5009564953412054455354 9000")),
    ];
    let mut card = Replay::new(pairs);
    let mut buf = [0u8; 256];
    let r = exchange(&mut card, &Command::select(h("A0000000031010"), false), &mut buf).unwrap();
    assert!(card.finished());
    assert_eq!((r.data, r.sw), (hex(VISA_FCI).as_slice(), StatusWord::SelectedFileInvalidated));
}

#[test]
fn blocked_application_over_t0_keeps_its_fci() {
    // Partial AID A000000003: the first match (VISA) is blocked (6283 with its FCI), the next
    // occurrence (ELEC) is not. Over T=0 the 6283 arrives without data; the terminal fetches
    // the FCI with GET RESPONSE, sees the DF name, and goes on with SELECT next occurrence.
    let visa = SimApp {
        aid: h("A0000000031010"),
        fci: h("6F148407A0000000031010A509500456495341870101"),
        gpo: h("800A5C000801010010010201"),
        records: &[],
        blocked: true,
        data: &[],
    };
    let elec =
        SimApp { aid: h("A0000000032010"), fci: h("6F148407A0000000032010A5095004454C4543870102"), ..visa };
    let apps: &'static [SimApp<'static>] =
        Box::leak(vec![visa, SimApp { blocked: false, ..elec }].into_boxed_slice());
    let profile = Profile {
        pse: None,
        ppse: None,
        ddfs: &[],
        apps,
        card_blocked: false,
        faults: &[],
        atc: 1,
        personal: None,
    };
    let mut link = T0Link::new(SimT0::new(SimCard::new(profile)));
    let aids = [TerminalAid { aid: h("A000000003"), partial: true }];
    let mut sel: Selection<'_, 4> = Selection::new(&aids, Method::AidList, false);
    let o = drive(&mut sel, &mut link).unwrap();
    assert!(matches!(o, Outcome::Selected(c) if c.adf_name() == h("A0000000032010")));
}
