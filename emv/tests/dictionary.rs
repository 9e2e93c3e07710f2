//! Dictionary entries and masking.
//!
//! Sources: names and formats of EMV 4.4 Book 3 Annex A as used in the binaryfoo/emv-bertlv golden
//! files (`src/test/resources/cases/*-out.txt`: e.g. `9F27 (cryptogram information data)`,
//! `5F20 (card holder name)`), the reference `emv-tlv.md` §9.2 (never log `5A`/`57`/`9F1F`) and
//! issue 5 (sensitive: 5A, 57, 9F1F, 56, 9F6B, 5F20).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_emv::dictionary::{self, Decode, Dictionary, ENTRIES, Format, Scheme, Source};
use payproto_emv::tlv::{MaskPolicy, Masking, Tag};

fn t(n: u32) -> Tag {
    Tag::from_u32(n).unwrap()
}

#[test]
fn table_is_sorted_and_well_formed() {
    for w in ENTRIES.windows(2) {
        assert!(w[0].tag <= w[1].tag, "{:X} before {:X}", w[0].tag, w[1].tag);
        assert!(!(w[0].tag == w[1].tag && w[0].scheme == w[1].scheme), "duplicate {:X}", w[0].tag);
    }
    for e in ENTRIES {
        assert!(Tag::from_u32(e.tag).is_some(), "{:X} is not a tag", e.tag);
        assert!(e.min_len <= e.max_len, "{:X}", e.tag);
        assert_eq!(e.format == Format::Template, t(e.tag).is_constructed(), "{:X}", e.tag);
    }
}

#[test]
fn book3_entries() {
    let pan = dictionary::lookup(t(0x5A)).unwrap();
    assert_eq!((pan.format, pan.max_len, pan.source), (Format::Cn, 10, Source::Icc));
    let amount = dictionary::lookup(t(0x9F02)).unwrap();
    assert_eq!(
        (amount.format, amount.min_len, amount.max_len, amount.source),
        (Format::N, 6, 6, Source::Terminal)
    );
    assert_eq!(amount.decode, Decode::Amount);
    let tvr = dictionary::lookup(t(0x95)).unwrap();
    assert_eq!((tvr.name, tvr.decode, tvr.min_len), ("Terminal Verification Results", Decode::Tvr, 5));
    assert_eq!(dictionary::lookup(t(0x9F27)).unwrap().name, "Cryptogram Information Data");
    assert_eq!(dictionary::lookup(t(0x91)).unwrap().source, Source::Issuer);
    assert_eq!(dictionary::lookup(t(0x8E)).unwrap().templates, &[0x70, 0x77]);
    assert!(dictionary::lookup(t(0x9F10)).unwrap().length_ok(32));
    assert!(!dictionary::lookup(t(0x9F10)).unwrap().length_ok(33));
    assert!(dictionary::lookup(t(0xDF7F)).is_none());
}

#[test]
fn scheme_collisions() {
    // 9F66: Visa TTQ vs Mastercard PUNATC(Track2); 9F6E Visa form factor vs MC third party data.
    assert_eq!(dictionary::entries(t(0x9F66)).len(), 2);
    assert_eq!(
        dictionary::lookup_for(t(0x9F66), Scheme::Visa).unwrap().name,
        "Terminal Transaction Qualifiers (TTQ)"
    );
    assert_eq!(dictionary::lookup_for(t(0x9F66), Scheme::Mastercard).unwrap().name, "PUNATC (Track2)");
    // PBOC electronic cash: 9F79 EC balance (n12).
    let ec = dictionary::lookup_for(t(0x9F79), Scheme::UnionPay).unwrap();
    assert_eq!((ec.scheme, ec.decode), (Scheme::UnionPay, Decode::Amount));
    // Without a scheme: the EMV entry wins where there is one.
    assert_eq!(dictionary::lookup(t(0x9F42)).unwrap().scheme, Scheme::Emv);
}

#[test]
fn pci_masking() {
    let d = Dictionary;
    assert_eq!(d.masking(t(0x5A)), Masking::Pan);
    for full in [0x57, 0x56, 0x9F1F, 0x9F20, 0x9F6B, 0x5F20, 0x9F0B, 0x99] {
        assert_eq!(d.masking(t(full)), Masking::Full, "{full:X}");
    }
    // Decision documented in dictionary.rs: IFD serial number is not cardholder data.
    assert_eq!(d.masking(t(0x9F1E)), Masking::Clear);
    for clear in [0x9F02, 0x95, 0x82, 0x5F24, 0xDF7F] {
        assert_eq!(d.masking(t(clear)), Masking::Clear, "{clear:X}");
    }
    assert!(dictionary::lookup(t(0x57)).unwrap().is_sensitive());
}

#[test]
fn describe_values() {
    use payproto_emv::describe::{describe, describe_unmasked};
    // binaryfoo contact-visa-out.txt decodes: 5F24 171231 (card expiry), 9F27 80 (ARQC),
    // 5F28 0702 (SGP), 8C DOL list; contact-mastercard 9F42 0978 (EUR).
    let s = |tag: u32, v: &[u8]| describe(t(tag), v).unwrap().to_string();
    assert_eq!(s(0x5F24, &[0x17, 0x12, 0x31]), "2017-12-31");
    assert_eq!(s(0x9F27, &[0x80]), "80: ARQC");
    assert_eq!(s(0x5F28, &[0x07, 0x02]), "702 (SGP)");
    assert_eq!(s(0x9F42, &[0x09, 0x78]), "978 (EUR)");
    assert_eq!(s(0x8C, &[0x9F, 0x02, 0x06, 0x95, 0x05]), "9F02 (6 bytes), 95 (5 bytes)");
    assert_eq!(s(0x50, b"VISA TEST"), "\"VISA TEST\"");
    // Masked by default: PAN first 6 / last 4, names fully; unmasked on request.
    let pan = [0x47, 0x61, 0x34, 0x00, 0x00, 0x00, 0x00, 0x50];
    assert_eq!(s(0x5A, &pan), "476134******0050");
    assert_eq!(describe_unmasked(t(0x5A), &pan).unwrap().to_string(), "4761340000000050");
    assert_eq!(s(0x5F20, b"AB"), "****");
    let track2 =
        [0x47, 0x61, 0x34, 0x00, 0x00, 0x00, 0x00, 0x50, 0xD1, 0x71, 0x22, 0x01, 0x12, 0x52, 0x34, 0x51];
    assert_eq!(s(0x57, &track2), "PAN 476134******0050, service code 201");
    // A value that does not decode falls back to hex.
    assert_eq!(s(0x5F24, &[0x17, 0x13, 0x31]), "171331");
    assert!(describe(t(0xDF7F), &[1]).is_none());
}
