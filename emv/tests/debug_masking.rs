//! `Debug` output of parsed views, buffers and stores never shows card data.
//!
//! Source: PCI DSS v4.0 Requirement 3.4.1 (the PAN is masked when displayed: at most the BIN and
//! the last four digits) and Requirement 3.3.1 (sensitive authentication data — full track
//! data, PIN blocks — is not retained after authorisation; debug logs are retention). The card
//! data is the public binaryfoo contact-visa trace (`tests/vectors/binaryfoo-contact-visa.txt`,
//! PAN 4761340000000050, cardholder name "CARD 5/VISA TEST"), replayed by the simulator profile
//! `sim::profiles::VISA`. Each check looks for the secret in every form `{:?}` could print it:
//! digits, hex (either case), and the decimal byte list of a derived `Debug`.
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

use payproto_emv::apdu::{Command, DirectoryEntry, Fci, GenAcResponse, GpoResponse, Record, Response};
use payproto_emv::data::Track2;
use payproto_emv::dictionary::Source;
use payproto_emv::kernel::selection::{Method, TerminalAid};
use payproto_emv::kernel::{ReadApplication, ReadOutcome, drive};
use payproto_emv::sim::{SimCard, profiles};
use payproto_emv::store::TlvStore;
use payproto_emv::tlv::Tag;

const PAN: &str = "4761340000000050";
const NAME: &[u8] = b"CARD 5/VISA TEST";
/// Record SFI 1 record 1 of the trace: 57 (track 2), 5F20 (name), 9F1F (track 1 discretionary).
const REC_1_1: &str = "7038 5710476134000000005 0D17122011252345 1 5F2010434152442035 2F56495341205445 5354 9F1F1031323532333030343531303030303030";
/// Record SFI 2 record 1 of the trace starts with 5A 08 (the PAN).
const REC_2_1_HEAD: &str = "7010 5A084761340000000050 5F2403171231";

fn forms(secret: &[u8]) -> Vec<String> {
    let upper: String = secret.iter().map(|b| format!("{b:02X}")).collect();
    let list = format!("{secret:?}");
    let list = list.trim_start_matches('[').trim_end_matches(']').to_string();
    let mut v = vec![upper.clone(), upper.to_lowercase(), list];
    if let Ok(s) = core::str::from_utf8(secret) {
        v.push(s.to_string());
    }
    v
}

fn assert_clean(what: &str, debug: &str) {
    let pan = hex(PAN);
    let mut secrets = forms(&pan);
    secrets.push(PAN.to_string());
    secrets.extend(forms(NAME));
    for s in secrets {
        assert!(!debug.contains(&s), "{what}: {s:?} appears in {debug}");
    }
}

#[test]
fn records_show_tags_not_values() {
    let raw = hex(REC_2_1_HEAD);
    let r = Record::parse(&raw).unwrap();
    let d = format!("{r:?}");
    assert_clean("Record", &d);
    assert!(d.contains("5A(8)") && d.contains("5F24(3)"), "{d}");
    let raw = hex(REC_1_1);
    let r = Record::parse(&raw).unwrap();
    let d = format!("{r:?}");
    assert_clean("Record with track 2", &d);
    assert!(d.contains("57(16)") && d.contains("5F20(16)"), "{d}");
    // The same record as a raw response, and its track 2 view (masked: BIN and last four).
    let mut rapdu = raw.clone();
    rapdu.extend_from_slice(&[0x90, 0x00]);
    assert_clean("Response", &format!("{:?}", Response::parse(&rapdu).unwrap()));
    let t2 = Track2::parse(&raw[4..20]).unwrap();
    let d = format!("{t2:?}");
    assert_clean("Track2", &d);
    assert!(d.contains("476134******0050"), "{d}");
}

#[test]
fn fci_gpo_gen_ac_and_commands() {
    let fci = hex("6F168407A0000000031010A50B5009564953412054455354");
    let d = format!("{:?}", Fci::parse(&fci).unwrap());
    assert!(!d.contains("VISA") && !d.contains("160, 0, 0, 0, 3") && d.contains("<7 bytes>"), "{d}");
    let gpo = hex("80 0E 1C00 08010100 10010100 18030400");
    let d = format!("{:?}", GpoResponse::parse(&gpo).unwrap());
    assert!(d.contains("afl: Some(<12 bytes>)"), "{d}");
    // GENERATE AC format 1 (contact-visa second session): CID 80, ATC 0029, AC 4E2B9B3A4F33BA7A.
    let ac = hex("80 12 80 0029 4E2B9B3A4F33BA7A 06010A03A4A000");
    let d = format!("{:?}", GenAcResponse::parse(&ac).unwrap());
    for s in forms(&hex("4E2B9B3A4F33BA7A")) {
        assert!(!d.contains(&s), "{d}");
    }
    assert!(d.contains("cryptogram: Some(<8 bytes>)"), "{d}");
    // VERIFY with a plaintext PIN block (format 2, PIN 1234): the block never shows.
    let block = hex("241234FFFFFFFFFF");
    let d = format!("{:?}", Command::verify(0x80, &block));
    for s in forms(&block) {
        assert!(!d.contains(&s), "{d}");
    }
    assert!(d.contains("data: <8 bytes>"), "{d}");
    let e = DirectoryEntry {
        adf_name: h("A0000000031010"),
        label: Some(NAME),
        preferred_name: None,
        priority: Some(1),
    };
    assert_clean("DirectoryEntry", &format!("{e:?}"));
}

#[test]
fn store_kernel_and_simulator_after_a_transaction() {
    let mut store: TlvStore<64, 4096> = TlvStore::new();
    store.insert(Tag::from_u32(0x5A).unwrap(), Source::Icc, &hex(PAN)).unwrap();
    let d = format!("{store:?}");
    assert_clean("TlvStore", &d);
    assert!(d.contains("5A Icc <8 bytes>"), "{d}");

    let mut card = SimCard::new(profiles::VISA);
    assert_clean("SimCard", &format!("{card:?}"));
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    let mut store: TlvStore<64, 4096> = TlvStore::new();
    let mut oda = [0u8; 512];
    let mut k: ReadApplication<'_, '_, '_, 4, 64, 4096> =
        ReadApplication::new(&aids, Method::AidList, false, &mut store, &mut oda);
    assert!(matches!(drive(&mut k, &mut card).unwrap(), ReadOutcome::Ready { .. }));
    // The kernel now holds the PAN, track 2 and name in its store: none of it shows.
    let d = format!("{k:?}");
    assert_clean("ReadApplication", &d);
    assert!(d.contains("5A Icc <8 bytes>") && d.contains("57 Icc <16 bytes>"), "{d}");
}
