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
