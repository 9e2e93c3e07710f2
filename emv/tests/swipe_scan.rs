//! Magnetic stripe tracks and EMV QR codes.
//!
//! Sources: ISO/IEC 7813 track layouts and service-code digit meanings; the track 2 data of the
//! binaryfoo/emv-bertlv contact-visa card (`4761340000000050=17122011252345`, the magstripe image of
//! its tag 57 `4761340000000050D171220112523451`); the EMVCo MPM payload example of the "EMV QR
//! Code Specification for Payment Systems — Merchant-Presented Mode" (CRC A13A, cross-checked with
//! Python's `binascii.crc_hqx(payload, 0xFFFF)`); the CRC-16/CCITT-FALSE check value for
//! "123456789" (29B1, the catalogue check value); CPM and base64 expectations computed with Python's
//! `base64` module, independently of the code under test.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_emv::ErrorKind;
use payproto_emv::qr::*;
use payproto_emv::track::*;

#[test]
fn track2_and_service_codes() {
    let t = Track::parse_track2(";4761340000000050=17122011252345?").unwrap();
    assert_eq!((t.pan, t.expiry), ("4761340000000050", Some("1712")));
    let sc = t.service_code.unwrap();
    assert_eq!(sc, ServiceCode([2, 0, 1]));
    assert!(sc.is_chip_card() && !sc.pin_required());
    assert_eq!(t.discretionary, "1252345");
    assert_eq!(t.to_string(), "PAN 476134******0050, service code 201");
    // Without sentinels, with 'D' as separator (track 2 equivalent style).
    assert_eq!(
        Track::parse_track2("4761340000000050D1712201").unwrap().service_code,
        Some(ServiceCode([2, 0, 1]))
    );
    // Errors: short PAN, letters, missing separator.
    assert!(Track::parse_track2("47613400=1712201").is_err());
    assert!(Track::parse_track2("476134000000005A=1712201").is_err());
    assert!(Track::parse_track2("4761340000000050").is_err());
    // Absent expiry and service code marked by separators.
    let t = Track::parse_track2("4761340000000050===").unwrap();
    assert_eq!((t.expiry, t.service_code), (None, None));
}

#[test]
fn track1() {
    let t = Track::parse_track1("%B4761340000000050^CARD 5/VISA TEST^1712201125230045?").unwrap();
    assert_eq!((t.pan, t.name, t.expiry), ("4761340000000050", Some("CARD 5/VISA TEST"), Some("1712")));
    assert_eq!(t.service_code, Some(ServiceCode([2, 0, 1])));
    assert!(Track::parse_track1("%A4761340000000050^X^1712201?").is_err()); // format code must be B
    assert!(Track::parse_track1("%B4761340000000050^X^1712201?").is_err()); // name 2–26 characters
}

#[test]
fn service_code_rules_and_fallback() {
    // ISO 7813 digit meanings.
    let sc = ServiceCode::parse("101").unwrap();
    assert_eq!(sc.interchange(), "International interchange OK");
    assert!(!sc.is_chip_card());
    assert!(ServiceCode::parse("620").unwrap().is_chip_card());
    assert!(ServiceCode::parse("220").unwrap().pin_required());
    assert_eq!(ServiceCode::parse("2a1").unwrap_err().kind, ErrorKind::BadValue);
    let chip = Track::parse_track2("4761340000000050=1712201").unwrap();
    let mag = Track::parse_track2("4761340000000050=1712101").unwrap();
    assert_eq!(swipe_decision(&chip, true, ChipAttempt::NotTried), SwipeDecision::UseChip);
    assert_eq!(swipe_decision(&chip, true, ChipAttempt::Failed), SwipeDecision::Fallback);
    assert_eq!(swipe_decision(&chip, false, ChipAttempt::NotTried), SwipeDecision::Accept);
    assert_eq!(swipe_decision(&mag, true, ChipAttempt::NotTried), SwipeDecision::Accept);
    let none = Track::parse_track2("4761340000000050===").unwrap();
    assert_eq!(swipe_decision(&none, true, ChipAttempt::NotTried), SwipeDecision::Reject);
}

const EMVCO_MPM: &str = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";

#[test]
fn crc_check_value() {
    assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
}

#[test]
fn mpm_emvco_example() {
    let m = Mpm::parse(EMVCO_MPM).unwrap();
    assert_eq!(m.get(59).unwrap().value, "BEST TRANSPORT");
    assert_eq!(m.get(54).unwrap().value, "23.72");
    assert_eq!(m.get(53).unwrap().value, "156");
    // Template 64 (language): 00 ZH, 01 最佳运输 (4 characters, 12 bytes), 02 北京.
    let lang: Vec<_> = m.get(64).unwrap().children().map(|c| c.unwrap()).map(|c| (c.id, c.value)).collect();
    assert_eq!(lang, [(0, "ZH"), (1, "最佳运输"), (2, "北京")]);
    // Template 62: 03 1234, 06 ***, 07 A6008667, 09 ME.
    let add: Vec<_> = m.get(62).unwrap().children().map(|c| c.unwrap().id).collect();
    assert_eq!(add, [3, 6, 7, 9]);
    // Wrong CRC, lower-case CRC accepted, missing CRC, not starting with 000201, truncated.
    let bad = EMVCO_MPM.replace("A13A", "A13B");
    assert_eq!(Mpm::parse(&bad).unwrap_err().kind, ErrorKind::BadValue);
    assert!(Mpm::parse(&EMVCO_MPM.replace("A13A", "a13a")).is_ok());
    assert_eq!(Mpm::parse("000201").unwrap_err().kind, ErrorKind::Missing);
    assert!(Mpm::parse("0002026304ABCD").is_err());
    assert!(Mpm::parse(&EMVCO_MPM[..EMVCO_MPM.len() - 10]).is_err());
}

#[test]
fn mpm_generate_round_trip() {
    let mut tbuf = [0u8; 64];
    let merchant = template_value(&[(0, "D15600000000"), (5, "A93FO3230Q")], &mut tbuf).unwrap();
    assert_eq!(merchant, "0012D156000000000510A93FO3230Q");
    let mut buf = [0u8; 256];
    let mut w = MpmWriter::new(&mut buf).unwrap();
    w.add(1, "12").unwrap();
    w.add(29, merchant).unwrap();
    w.add(59, "BEST TRANSPORT").unwrap();
    let p = w.finish().unwrap();
    assert!(p.starts_with("000201010212293000"));
    let m = Mpm::parse(p).unwrap();
    assert_eq!(m.get(59).unwrap().value, "BEST TRANSPORT");
    // The CRC object is added by finish, not by add.
    let mut buf = [0u8; 16];
    assert!(MpmWriter::new(&mut buf).unwrap().add(63, "ABCD").is_err());
}

#[test]
fn base64_and_cpm() {
    let mut out = [0u8; 64];
    assert_eq!(base64_encode(b"ab", &mut out).unwrap(), "YWI=");
    assert_eq!(base64_encode(b"abc", &mut out).unwrap(), "YWJj");
    assert_eq!(base64_encode(b"a", &mut out).unwrap(), "YQ==");
    assert_eq!(base64_decode("YQ==", &mut out).unwrap(), b"a");
    assert!(base64_decode("YQ=", &mut out).is_err());
    assert!(base64_decode("Y===", &mut out).is_err());
    assert!(base64_decode("YQ==YWJj", &mut out).is_err());
    // Non-canonical: "YR==" carries non-zero bits beyond the one byte (RFC 4648 §3.5); the
    // emv_qr fuzz target found that such input decoded and re-encoded differently.
    assert!(base64_decode("YR==", &mut out).is_err());
    assert!(base64_decode("YWK=", &mut out).is_err());
    assert!(cpm_decode("hQVDUFYwMWETTwegAAAAAxAQVwhYTHQAAAAAUI==", &mut [0u8; 64]).is_err());
    // CPM: 85 05 "CPV01", 61 13 (4F 07 A0000000031010, 57 08 4761340000000050).
    let payload = "hQVDUFYwMWETTwegAAAAAxAQVwhHYTQAAAAAUA==";
    let mut buf = [0u8; 64];
    let tlv = cpm_decode(payload, &mut buf).unwrap();
    assert_eq!(tlv.len(), 28);
    let mut enc = [0u8; 64];
    assert_eq!(base64_encode(tlv, &mut enc).unwrap(), payload);
    let tlv = tlv.to_vec();
    assert_eq!(cpm_encode(&tlv, &mut enc).unwrap(), payload);
    assert_eq!(cpm_encode(b"\x85\x05CPV01", &mut enc).unwrap_err().kind, ErrorKind::Missing);
    // Wrong payload format indicator; no application template.
    let mut b2 = [0u8; 16];
    let no_app = base64_encode(b"\x85\x05CPV01", &mut b2).unwrap().to_owned();
    assert_eq!(cpm_decode(&no_app, &mut buf).unwrap_err().kind, ErrorKind::Missing);
    let wrong = base64_encode(b"\x85\x05CPV02\x61\x00", &mut b2).unwrap().to_owned();
    assert_eq!(cpm_decode(&wrong, &mut buf).unwrap_err().kind, ErrorKind::BadValue);
}
