//! T=0 character repetition on parity errors, both directions, through the byte-level loop.
//!
//! Source: EMV 4.4 Book 1 §9.2.2 (character protocol T=0) and §9.2.3 "Error Detection and
//! Correction for T=0" (with ISO/IEC 7816-3
//! §7.3 "Error signal and character repetition"): a receiver that detects a parity error
//! signals it (I/O low during the guard time) and the sender repeats the character; a character
//! is repeated at most 4 times, i.e. 5 transmissions in all, after which the terminal
//! deactivates the card (the limit as this crate reads Book 1 §9.2.3; `link/t0.rs` documents
//! it). The expected transmission counts below follow from that rule and from the injected
//! positions, never from the code under test. The card is the simulator profile of the
//! public binaryfoo contact-visa trace (`sim::profiles::VISA`).
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

use payproto_emv::ErrorKind;
use payproto_emv::apdu::Command;
use payproto_emv::kernel::selection::{Method, TerminalAid};
use payproto_emv::kernel::{ReadApplication, ReadOutcome, drive};
use payproto_emv::link::T0Link;
use payproto_emv::link::t0::{MAX_REPETITIONS, Repetitions, T0Exchange, T0Step};
use payproto_emv::sim::{SimCard, SimT0, profiles};
use payproto_emv::store::TlvStore;
use payproto_emv::tlv::Tag;

#[test]
fn the_limit_is_four_repetitions() {
    // Book 1 §9.2.3: the original transmission and 4 repetitions may fail; the fifth failure of
    // the same character ends the link.
    assert_eq!(MAX_REPETITIONS, 4);
    let mut r = Repetitions::new();
    for _ in 0..4 {
        r.on_error().unwrap();
    }
    assert_eq!(r.on_error().unwrap_err().kind, ErrorKind::Link);
    // A character that goes through restarts the count.
    let mut r = Repetitions::new();
    for _ in 0..4 {
        r.on_error().unwrap();
    }
    r.on_success();
    for _ in 0..4 {
        r.on_error().unwrap();
    }
    assert_eq!(r.errors(), 4);
}

#[test]
fn exchange_counts_parity_errors_per_character() {
    // GET CHALLENGE Le 08: procedure byte 84, 8 bytes, 9000. The first data byte arrives four
    // times with a parity error before it gets through; so does SW1 — each character has its
    // own count.
    let cmd = Command::get_challenge().with_le(8);
    let (mut x, header) = T0Exchange::new(&cmd).unwrap();
    assert_eq!(header.to_vec(), hex("0084000008"));
    let mut resp = [0u8; 16];
    assert_eq!(x.on_byte(0x84, &[], &mut resp).unwrap(), T0Step::Wait);
    for _ in 0..4 {
        x.on_parity_error().unwrap();
    }
    for b in hex("0102030405060708") {
        assert_eq!(x.on_byte(b, &[], &mut resp).unwrap(), T0Step::Wait);
    }
    for _ in 0..4 {
        x.on_parity_error().unwrap();
    }
    x.on_byte(0x90, &[], &mut resp).unwrap();
    assert_eq!(x.on_byte(0x00, &[], &mut resp).unwrap(), T0Step::Done { len: 8, sw1: 0x90, sw2: 0x00 });
    assert_eq!(&resp[..8], hex("0102030405060708").as_slice());
    // A fifth parity error on the same character: deactivate.
    let (mut x, _) = T0Exchange::new(&cmd).unwrap();
    for _ in 0..4 {
        x.on_parity_error().unwrap();
    }
    assert_eq!(x.on_parity_error().unwrap_err().kind, ErrorKind::Link);
}

fn read_visa(sim: SimT0<'_>) -> (Result<Vec<u8>, payproto_emv::Error>, (u16, u16)) {
    let mut link = T0Link::new(sim);
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    let mut store: TlvStore<64, 4096> = TlvStore::new();
    let mut oda = [0u8; 512];
    let mut k: ReadApplication<'_, '_, '_, 4, 64, 4096> =
        ReadApplication::new(&aids, Method::AidList, false, &mut store, &mut oda);
    let r = drive(&mut k, &mut link);
    let counts = link.io().transmissions();
    let r = r.map(|o| {
        let ReadOutcome::Ready { application, .. } = o else { panic!("not ready: {o:?}") };
        assert_eq!(application.adf_name(), h("A0000000031010"));
        store.get(Tag::from_u32(0x5A).unwrap()).unwrap().to_vec()
    });
    (r, counts)
}

#[test]
fn transaction_completes_through_parity_errors_both_ways() {
    // Without errors, the T=0 character counts follow from the TPDUs of the flow (Book 1 §9.3.1:
    // case 4 → header + data, `61xx`, GET RESPONSE; case 2 with Le 00 → `6Cxx`, resent):
    // terminal → card: SELECT 5+7, GET RESPONSE 5, final SELECT 5+7, GET RESPONSE 5, GPO 5+2
    // (`83 00`), GET RESPONSE 5, four READ RECORDs sent twice 4×10 = 86.
    // card → terminal (a NULL byte before each procedure byte): SELECT 2+2, GET RESPONSE
    // 2+24+2, the same again, GPO 2+2, GET RESPONSE 2+16+2, READ RECORDs 4×(2+2+2) plus the
    // records (58+100+20+7) = 297.
    let mut sim = SimT0::new(SimCard::new(profiles::VISA));
    sim.null_bytes = true;
    let (clean, (rx0, tx0)) = read_visa(sim);
    assert_eq!((rx0, tx0), (86, 297));
    assert_eq!(clean.unwrap(), h("4761340000000050"));
    // Terminal → card: the CLA of the first header fails once, the INS four times (the limit),
    // and a character well into the exchange twice. Card → terminal: the first procedure byte
    // fails four times, later characters once or twice.
    let mut sim = SimT0::new(SimCard::new(profiles::VISA));
    sim.rx_parity = &[0, 2, 3, 4, 5, 40, 41];
    sim.tx_parity = &[0, 1, 2, 3, 9, 30, 31, 100];
    sim.null_bytes = true;
    let (pan, (rx, tx)) = read_visa(sim);
    assert_eq!(pan.unwrap(), h("4761340000000050"));
    // Every injected error cost exactly one more transmission of the same character.
    assert_eq!((rx, tx), (86 + 7, 297 + 8));
}

#[test]
fn terminal_gives_up_on_a_card_character_failing_five_times() {
    // Card → terminal transmissions 3..=7 are all the same character (the repetitions of the
    // fourth): original + 4 repetitions fail → Link error after transmission index 7.
    let mut sim = SimT0::new(SimCard::new(profiles::VISA));
    sim.tx_parity = &[3, 4, 5, 6, 7];
    let (r, (_, tx)) = read_visa(sim);
    assert_eq!(r.unwrap_err().kind, ErrorKind::Link);
    assert_eq!(tx, 8);
    // Four failures (3..=6) are within the limit.
    let mut sim = SimT0::new(SimCard::new(profiles::VISA));
    sim.tx_parity = &[3, 4, 5, 6];
    assert!(read_visa(sim).0.is_ok());
}

#[test]
fn terminal_gives_up_on_a_character_the_card_rejects_five_times() {
    // Terminal → card: transmissions 2..=6 are the P1 of the first header and its four
    // repetitions, all signalled by the card → the terminal stops after the fifth (index 6).
    let mut sim = SimT0::new(SimCard::new(profiles::VISA));
    sim.rx_parity = &[2, 3, 4, 5, 6];
    let (r, (rx, _)) = read_visa(sim);
    assert_eq!(r.unwrap_err().kind, ErrorKind::Link);
    assert_eq!(rx, 7);
    let mut sim = SimT0::new(SimCard::new(profiles::VISA));
    sim.rx_parity = &[2, 3, 4, 5];
    assert!(read_visa(sim).0.is_ok());
}
