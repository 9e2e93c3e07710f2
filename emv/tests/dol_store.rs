//! DOL building and the transaction TLV store.
//!
//! Sources: the §5.4 rules as the reference `emv-tlv.md` §4 (openemv `emv_dol.c` behaviour) and
//! issue 5 state them; the duplicate-tag case from python-emv's tests (reference §5: a DOL with
//! `9A` twice is legal); the CDOL1 golden from binaryfoo/emv-bertlv
//! `src/test/resources/cases/contact-visa-out.txt` (CDOL1 `9F02069F03069F1A0295055F2A029A039C019F3704`
//! and the GENERATE AC data it produced); redundant primitive objects per Book 3 §10.2 as the
//! reference §4 (openemv) describes.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_emv::ErrorKind;
use payproto_emv::dictionary::{Format, Source};
use payproto_emv::dol::{build, fit};
use payproto_emv::store::TlvStore;
use payproto_emv::tlv::Tag;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn t(n: u32) -> Tag {
    Tag::from_u32(n).unwrap()
}

#[test]
fn cdol1_golden_visa() {
    let mut s: TlvStore<16, 128> = TlvStore::new();
    for (tag, v) in [
        (0x9F02, "000000001000"),
        (0x9F03, "000000000000"),
        (0x9F1A, "0036"),
        (0x95, "8000008000"),
        (0x5F2A, "0036"),
        (0x9A, "120316"),
        (0x9C, "00"),
        (0x9F37, "D3173A1F"),
    ] {
        s.insert(t(tag), Source::Terminal, &hex(v)).unwrap();
    }
    let mut out = [0u8; 64];
    let n = build(&hex("9F02069F03069F1A0295055F2A029A039C019F3704"), &s, &mut out).unwrap();
    assert_eq!(
        &out[..n],
        hex("000000001000 000000000000 0036 8000008000 0036 120316 00 D3173A1F").as_slice()
    );
}

#[test]
fn rules_5_4() {
    let mut o = [0xAAu8; 4];
    // n too long: rightmost bytes.
    fit(Some(&hex("000000001000")), Format::N, &mut o);
    assert_eq!(o, [0x00, 0x00, 0x10, 0x00]);
    // cn too long: leftmost.
    fit(Some(&hex("4761340000000050")), Format::Cn, &mut o);
    assert_eq!(o, [0x47, 0x61, 0x34, 0x00]);
    // b too long: leftmost.
    fit(Some(&hex("0102030405")), Format::B, &mut o);
    assert_eq!(o, [1, 2, 3, 4]);
    // n too short: left-padded 00.
    fit(Some(&hex("1234")), Format::N, &mut o);
    assert_eq!(o, [0, 0, 0x12, 0x34]);
    // cn too short: right-padded FF.
    fit(Some(&hex("1234")), Format::Cn, &mut o);
    assert_eq!(o, [0x12, 0x34, 0xFF, 0xFF]);
    // an/ans/b too short: right-padded 00.
    fit(Some(b"AB"), Format::Ans, &mut o);
    assert_eq!(o, [b'A', b'B', 0, 0]);
    fit(Some(&[9]), Format::B, &mut o);
    assert_eq!(o, [9, 0, 0, 0]);
    // absent: zeros.
    fit(None, Format::Cn, &mut o);
    assert_eq!(o, [0; 4]);
}

#[test]
fn build_uses_dictionary_formats_duplicates_absent_constructed() {
    let mut s: TlvStore<8, 64> = TlvStore::new();
    s.insert(t(0x9A), Source::Terminal, &hex("240101")).unwrap();
    s.insert(t(0x5A), Source::Icc, &hex("4761340000000050")).unwrap();
    s.insert(t(0x9F02), Source::Terminal, &hex("000000001000")).unwrap();
    // 9A twice; 5A (cn) asked for 10; 9F02 (n) asked for 4; 9F37 absent; 70 constructed.
    let dol = hex("9A03 9A03 5A0A 9F0204 9F3704 7002");
    let mut out = [0u8; 32];
    let n = build(&dol, &s, &mut out).unwrap();
    assert_eq!(&out[..n], hex("240101 240101 4761340000000050FFFF 00001000 00000000 0000").as_slice());
    // Output too small.
    let mut small = [0u8; 10];
    assert_eq!(build(&dol, &s, &mut small).unwrap_err().kind, ErrorKind::BufferTooSmall);
    // Malformed DOL (truncated length).
    assert!(matches!(build(&hex("9F02"), &s, &mut out).unwrap_err().kind, ErrorKind::Tlv(_)));
    // Empty DOL builds nothing.
    assert_eq!(build(&[], &s, &mut out).unwrap(), 0);
}

#[test]
fn store_sources_and_redundancy() {
    let mut s: TlvStore<4, 32> = TlvStore::new();
    // Book 3 §10.2: the same primitive from the card twice → redundant.
    s.insert(t(0x5A), Source::Icc, &[0x47, 0x61]).unwrap();
    assert_eq!(s.insert(t(0x5A), Source::Icc, &[0x47, 0x61]).unwrap_err().kind, ErrorKind::Redundant);
    // Terminal data is replaced: in place and with a new length.
    s.insert(t(0x95), Source::Terminal, &[0; 5]).unwrap();
    s.insert(t(0x95), Source::Terminal, &[0x80, 0, 0, 0, 0]).unwrap();
    assert_eq!(s.get(t(0x95)).unwrap(), &[0x80, 0, 0, 0, 0]);
    // Sources are distinct: the same tag from terminal and issuer is two objects.
    s.insert(t(0x8A), Source::Terminal, b"Z3").unwrap();
    s.insert(t(0x8A), Source::Issuer, b"00").unwrap();
    assert_eq!(s.get_from(t(0x8A), Source::Issuer).unwrap(), b"00");
    assert_eq!(s.get(t(0x8A)).unwrap(), b"Z3");
    assert_eq!(s.len(), 4);
    // Capacity: a fifth object does not fit.
    assert_eq!(s.insert(t(0x9A), Source::Terminal, &[1, 2, 3]).unwrap_err().kind, ErrorKind::Full);
    s.remove_source(Source::Issuer);
    assert_eq!(s.len(), 3);
    // Value buffer capacity.
    let mut tiny: TlvStore<4, 4> = TlvStore::new();
    assert_eq!(tiny.insert(t(0x95), Source::Terminal, &[0; 5]).unwrap_err().kind, ErrorKind::Full);
}

#[test]
fn store_records_detect_redundancy_across_records() {
    // Two records (contact-visa SFI 1 rec 1 carries 57; a second record repeating 5F24 is redundant).
    let mut s: TlvStore<16, 256> = TlvStore::new();
    let rec1 = hex("5F24031712315A0847613400000000509F0702FF80");
    assert_eq!(s.insert_icc_objects(&rec1).unwrap(), 3);
    let rec2 = hex("5F2802070200 5F2403171231");
    let e = s.insert_icc_objects(&rec2).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Redundant);
    assert_eq!(e.tag, Some(t(0x5F24)));
    assert_eq!(e.offset, 6); // the 5F24 object after 5F28 and one 00 padding byte
}
