//! Typed decoders against published decodes.
//!
//! Source: binaryfoo/emv-bertlv (MIT) golden files `src/test/resources/cases/contact-visa-out.txt`,
//! `contact-mastercard-out.txt` and `contact-upi-out.txt`: each input hex below appears there with
//! the decode whose facts (bits set, fields) are asserted here. TVR/TSI bit positions also follow
//! the reference's §8.5 table (EMV 4.4 Book 3 Annex C5/C6).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_emv::ErrorKind;
use payproto_emv::data::*;
use payproto_emv::dictionary::Scheme;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn aip_visa_1c00() {
    // contact-visa: 82 = 1C00 → CV supported, TRM to be performed, issuer authentication supported.
    let aip = Aip::parse(&hex("1C00")).unwrap();
    let names: Vec<_> = aip.names().collect();
    assert_eq!(
        names,
        [
            "Cardholder verification is supported",
            "Terminal risk management is to be performed",
            "Issuer authentication is supported"
        ]
    );
    assert!(!aip.contains(Aip::SDA_SUPPORTED));
}

#[test]
fn aip_mastercard_5900_and_upi_7c00() {
    // contact-mastercard: 5900 → SDA, CV, TRM, CDA. contact-upi: 7C00 → SDA, DDA, CV, TRM, issuer auth.
    let mc = Aip::parse(&hex("5900")).unwrap();
    assert!(mc.contains(Aip::SDA_SUPPORTED) && mc.contains(Aip::CV_SUPPORTED));
    assert!(mc.contains(Aip::TRM_REQUIRED) && mc.contains(Aip::CDA_SUPPORTED));
    assert_eq!(mc.names().count(), 4);
    let upi = Aip::parse(&hex("7C00")).unwrap();
    for b in [
        Aip::SDA_SUPPORTED,
        Aip::DDA_SUPPORTED,
        Aip::CV_SUPPORTED,
        Aip::TRM_REQUIRED,
        Aip::ISSUER_AUTH_SUPPORTED,
    ] {
        assert!(upi.contains(b));
    }
    assert_eq!(upi.names().count(), 5);
    assert_eq!(Aip::parse(&hex("1C")).unwrap_err().kind, ErrorKind::BadLength);
}

#[test]
fn afl_golden() {
    // contact-visa: 080101001001010018030400 → SFI 1 rec 1; SFI 2 rec 1; SFI 3 recs 3-4 (no ODA records).
    let v = hex("080101001001010018030400");
    let afl = Afl::parse(&v).unwrap();
    let e: Vec<_> = afl.entries().map(|e| (e.sfi, e.first, e.last, e.oda_records)).collect();
    assert_eq!(e, [(1, 1, 1, 0), (2, 1, 1, 0), (3, 3, 4, 0)]);
    assert_eq!(afl.record_count(), 4);
    assert_eq!(afl.oda_record_count(), 0);
    assert_eq!(afl.to_string(), "SFI 1 record 1; SFI 2 record 1; SFI 3 records 3-4");
    // contact-mastercard: 10020201180101002001010028010200 → SFI 2 rec 2, SFI 3 rec 1, SFI 4 rec 1, SFI 5 recs 1-2.
    let v = hex("10020201180101002001010028010200");
    let afl = Afl::parse(&v).unwrap();
    let e: Vec<_> = afl.entries().map(|e| (e.sfi, e.first, e.last, e.oda_records)).collect();
    assert_eq!(e, [(2, 2, 2, 1), (3, 1, 1, 0), (4, 1, 1, 0), (5, 1, 2, 0)]);
    assert_eq!(afl.oda_record_count(), 1);
    // contact-upi: 080103001001050120010100 → SFI 1 recs 1-3, SFI 2 recs 1-5, SFI 4 rec 1.
    let v = hex("080103001001050120010100");
    let e: Vec<_> = Afl::parse(&v).unwrap().entries().map(|e| (e.sfi, e.first, e.last)).collect();
    assert_eq!(e, [(1, 1, 3), (2, 1, 5), (4, 1, 1)]);
}

#[test]
fn afl_rules_book3_10_2() {
    // Rules of Book 3 §10.2 as listed in the reference (§6 openemv AFL edge cases: SFI 0, rec 0, SFI 11+).
    let bad = |s: &str| Afl::parse(&hex(s)).unwrap_err();
    assert_eq!(bad("00010100").kind, ErrorKind::BadValue); // SFI 0
    assert_eq!(bad("F8010100").kind, ErrorKind::BadValue); // SFI 31
    assert_eq!(bad("08000100").kind, ErrorKind::BadValue); // first record 0
    assert_eq!(bad("08030200").kind, ErrorKind::BadValue); // last < first
    assert_eq!(bad("08010203").kind, ErrorKind::BadValue); // 3 ODA records in a range of 2
    assert_eq!(bad("080101").kind, ErrorKind::BadLength); // not a multiple of 4
    assert_eq!(bad("").kind, ErrorKind::BadLength);
    // The offset names the bad entry.
    assert_eq!(bad("0801010000010100").offset, 4);
    // SFI 11–30 are legal (issuer-proprietary files), SFI 30 the highest.
    assert_eq!(
        Afl::parse(&hex("58010100F0010100")).unwrap().entries().map(|e| e.sfi).collect::<Vec<_>>(),
        [11, 30]
    );
}

#[test]
fn auc_ff80_and_ff00() {
    // contact-visa: FF80 → the eight byte-1 bits plus "Domestic cashback allowed".
    let auc = Auc::parse(&hex("FF80")).unwrap();
    assert_eq!(auc.names().count(), 9);
    assert!(auc.contains(Auc::DOMESTIC_CASHBACK));
    assert!(!auc.contains(Auc::INTERNATIONAL_CASHBACK));
    // contact-mastercard: FF00 → the eight byte-1 bits only.
    assert_eq!(Auc::parse(&hex("FF00")).unwrap().names().count(), 8);
}

#[test]
fn cvm_list_visa() {
    // contact-visa 8E: X=0, Y=0; 4103 plain PIN by ICC if terminal supports, next; 4203 enciphered
    // PIN online, next; 1E03 signature, fail; 1F02 no CVM, condition 02, fail.
    let v = hex("0000000000000000410342031E031F02");
    let l = CvmList::parse(&v).unwrap();
    assert_eq!((l.x, l.y), (0, 0));
    let r: Vec<_> = l.rules().map(|r| (r.method(), r.condition.0, r.apply_next_if_unsuccessful())).collect();
    assert_eq!(
        r,
        [
            (CvmMethod::PLAINTEXT_PIN_ICC, 3, true),
            (CvmMethod::ENCIPHERED_PIN_ONLINE, 3, true),
            (CvmMethod::SIGNATURE, 3, false),
            (CvmMethod::NO_CVM, 2, false),
        ]
    );
    assert!(l.to_string().contains("Signature (paper), If terminal supports the CVM, fail if unsuccessful"));
}

#[test]
fn cvm_list_upi_and_errors() {
    // contact-upi 8E: 5E03 signature next, 4203 enciphered PIN online next, 1F00 no CVM always fail.
    let v = hex("00000000000000005E0342031F00");
    let r: Vec<_> = CvmList::parse(&v).unwrap().rules().map(|r| (r.code, r.condition.0)).collect();
    assert_eq!(r, [(0x5E, 3), (0x42, 3), (0x1F, 0)]);
    assert_eq!(CvmList::parse(&hex("00000000000000005E")).unwrap_err().kind, ErrorKind::BadLength);
    assert_eq!(CvmList::parse(&hex("000000")).unwrap_err().kind, ErrorKind::BadLength);
    assert!(CvmList::parse(&hex("0000000000000000")).unwrap().is_empty());
}

#[test]
fn cvm_results_5e0300() {
    // contact-mastercard CDOL1 data 9F34 = 5E0300: signature, if terminal supports CVM, unknown.
    let r = CvmResults::parse(&hex("5E0300")).unwrap();
    assert_eq!(CvmMethod(r.code & 0x3F), CvmMethod::SIGNATURE);
    assert_eq!(r.condition, CvmCondition(3));
    assert_eq!(r.result, CvmResult::Unknown);
    assert_eq!(r.bytes(), [0x5E, 0x03, 0x00]);
    // Reference §8.3: an absent or empty list gives CVM Results 3F0000, "no CVM performed".
    assert_eq!(CvmResults::NO_CVM_PERFORMED.bytes(), [0x3F, 0x00, 0x00]);
    assert!(CvmResults::NO_CVM_PERFORMED.to_string().starts_with("3F0000: No CVM performed"));
}

#[test]
fn tvr_golden() {
    // contact-visa GENERATE AC: 95 = 8000008000 → B1b8 ODA not performed, B4b8 floor limit exceeded.
    let t = Tvr::parse(&hex("8000008000")).unwrap();
    assert_eq!(
        t.set_bits().map(|(b, _)| b).collect::<Vec<_>>(),
        [Tvr::ODA_NOT_PERFORMED, Tvr::FLOOR_LIMIT_EXCEEDED]
    );
    // 8000008040 adds B5b7 issuer authentication failed.
    let t = Tvr::parse(&hex("8000008040")).unwrap();
    assert!(t.contains(Tvr::ISSUER_AUTH_FAILED));
    // contact-upi 9F0D IAC-Default D8609CA800: 13 named bits.
    let t = Tvr::parse(&hex("D8609CA800")).unwrap();
    let bits: Vec<_> = t.set_bits().map(|(b, _)| b).collect();
    assert_eq!(
        bits,
        [
            Tvr::ODA_NOT_PERFORMED,
            Tvr::SDA_FAILED,
            Tvr::EXCEPTION_FILE,
            Tvr::DDA_FAILED,
            Tvr::EXPIRED,
            Tvr::NOT_YET_EFFECTIVE,
            Tvr::CV_NOT_SUCCESSFUL,
            Tvr::PIN_PAD_ABSENT,
            Tvr::PIN_NOT_ENTERED,
            Tvr::ONLINE_CVM_CAPTURED,
            Tvr::FLOOR_LIMIT_EXCEEDED,
            Tvr::UCOL_EXCEEDED,
            Tvr::MERCHANT_FORCED_ONLINE,
        ]
    );
    // 9F0E IAC-Denial 0010000000 → B2b5 service not allowed.
    let t = Tvr::parse(&hex("0010000000")).unwrap();
    assert_eq!(t.set_bits().map(|(b, _)| b).collect::<Vec<_>>(), [Tvr::SERVICE_NOT_ALLOWED]);
    // 9F0F IAC-Online D8689CF800 → Default plus new card, LCOL exceeded, random selection.
    let t = Tvr::parse(&hex("D8689CF800")).unwrap();
    assert!(
        t.contains(Tvr::NEW_CARD) && t.contains(Tvr::LCOL_EXCEEDED) && t.contains(Tvr::RANDOMLY_SELECTED)
    );
    assert_eq!(t.names().count(), 16);
}

#[test]
fn tvr_set_clear_positions() {
    // Reference §8.5 table: whole-value assertions of single bits at their byte positions.
    let mut t = Tvr::default();
    t.set(Tvr::ICC_DATA_MISSING);
    assert_eq!(t.0, [0x20, 0, 0, 0, 0]);
    t.set(Tvr::NEW_CARD);
    assert_eq!(t.0, [0x20, 0x08, 0, 0, 0]);
    t.set(Tvr::UNRECOGNISED_CVM);
    t.set(Tvr::LCOL_EXCEEDED);
    t.set(Tvr::SCRIPT_FAILED_AFTER_FINAL_GEN_AC);
    assert_eq!(t.0, [0x20, 0x08, 0x40, 0x40, 0x10]);
    t.clear(Tvr::ICC_DATA_MISSING);
    assert_eq!(t.0, [0x00, 0x08, 0x40, 0x40, 0x10]);
    assert_eq!(Tvr::XDA_SELECTED.to_string(), "B1b1");
}

#[test]
fn tsi_f800() {
    // contact-upi CDOL2 data 9B = F800: ODA, CV, card risk mgmt, issuer auth, TRM performed.
    let t = Tsi::parse(&hex("F800")).unwrap();
    assert_eq!(
        t.set_bits().map(|(b, _)| b).collect::<Vec<_>>(),
        [
            Tsi::ODA_PERFORMED,
            Tsi::CV_PERFORMED,
            Tsi::CARD_RISK_MANAGEMENT_PERFORMED,
            Tsi::ISSUER_AUTH_PERFORMED,
            Tsi::TRM_PERFORMED
        ]
    );
    let mut t = Tsi::default();
    t.set(Tsi::SCRIPT_PROCESSING_PERFORMED);
    assert_eq!(t.0, [0x04, 0x00]);
}

#[test]
fn cid_golden() {
    // contact-visa / contact-mastercard: 80 = ARQC, 40 = TC, 00 = AAC.
    assert_eq!(Cid::parse(&[0x80]).unwrap().cryptogram(), CryptogramType::Arqc);
    assert_eq!(Cid::parse(&[0x40]).unwrap().cryptogram(), CryptogramType::Tc);
    assert_eq!(Cid::parse(&[0x00]).unwrap().cryptogram(), CryptogramType::Aac);
    // Reference §8.2: b4 advice required, b3–b1 reason 010 = PIN try limit exceeded.
    let c = Cid(0x0A);
    assert!(c.advice_required());
    assert_eq!(c.reason(), Some("PIN Try Limit exceeded"));
}

#[test]
fn iad_visa_cvn10() {
    // contact-visa first GENERATE AC: 06010A03A4B8000F112233445566778899AABBCCDDEEFF
    // → DKI 01, CVN 0A, CVR 03A4B800, IDD 112233…EEFF.
    let v = hex("06010A03A4B8000F112233445566778899AABBCCDDEEFF");
    let Iad::Visa { dki, cvn, cvr, idd } = Iad::parse(&v).unwrap() else { panic!("not visa") };
    assert_eq!((dki, cvn), (0x01, 0x0A));
    assert_eq!(cvr.0, [0x03, 0xA4, 0xB8, 0x00]);
    assert_eq!(idd.unwrap(), hex("112233445566778899AABBCCDDEEFF").as_slice());
    // Decode: second GEN AC not requested, ARQC in first, offline PIN performed, last online not
    // completed, velocity exceeded, new card, last issuer auth failed, 0 scripts.
    for b in [
        VisaCvr::SECOND_GEN_AC_NOT_REQUESTED,
        VisaCvr::FIRST_GEN_AC_ARQC,
        VisaCvr::OFFLINE_PIN_PERFORMED,
        VisaCvr::LAST_ONLINE_NOT_COMPLETED,
        VisaCvr::VELOCITY_EXCEEDED,
        VisaCvr::NEW_CARD,
        VisaCvr::LAST_ISSUER_AUTH_FAILED,
    ] {
        assert!(cvr.contains(b), "{b}");
    }
    assert_eq!(cvr.names().count(), 7);
    assert_eq!(cvr.script_count(), 0);
    // Second GENERATE AC: 06010A0364BC00 → TC in second, ARQC in first, + issuer auth not performed.
    let v2 = hex("06010A0364BC00");
    let Iad::Visa { cvr, idd, .. } = Iad::parse(&v2).unwrap() else { panic!() };
    assert!(cvr.contains(VisaCvr::SECOND_GEN_AC_TC) && cvr.contains(VisaCvr::ISSUER_AUTH_NOT_PERFORMED));
    assert!(!cvr.contains(VisaCvr::SECOND_GEN_AC_NOT_REQUESTED));
    assert_eq!(idd, None);
}

#[test]
fn iad_mastercard_cvn16() {
    // contact-mastercard: 0110A00009248400000000000000000029FF → KDI 01, CVN 10, CVR A00009248400,
    // DAC 0000, counters 00000000000029FF; script counter 0, PIN try counter 9, offline PIN not
    // performed, international, LCOL exceeded, issuer authentication failed.
    let v = hex("0110A00009248400000000000000000029FF");
    let Iad::Mastercard { dki, cvn, cvr, dac, counters, rest } = Iad::parse(&v).unwrap() else { panic!() };
    assert_eq!((dki, cvn), (1, 0x10));
    assert_eq!(cvr.0, [0xA0, 0x00, 0x09, 0x24, 0x84, 0x00]);
    assert_eq!((cvr.script_counter(), cvr.pin_try_counter()), (0, 9));
    for b in [
        McCvr::OFFLINE_PIN_NOT_PERFORMED,
        McCvr::INTERNATIONAL,
        McCvr::LCOL_EXCEEDED,
        McCvr::ISSUER_AUTH_FAILED,
    ] {
        assert!(cvr.contains(b));
    }
    assert_eq!(dac, [0, 0]);
    assert_eq!(counters, [0, 0, 0, 0, 0, 0, 0x29, 0xFF]);
    assert!(rest.is_empty());
    // Second GEN AC: 201009… → AAC in second, ARQC in first, issuer authentication performed.
    let v2 = hex("0110201009248400000000000000000029FF");
    let Iad::Mastercard { cvr, .. } = Iad::parse(&v2).unwrap() else { panic!() };
    assert!(cvr.contains(McCvr::ISSUER_AUTH_PERFORMED) && cvr.contains(McCvr::FIRST_GEN_AC_ARQC));
    assert!(!cvr.contains(McCvr::SECOND_GEN_AC_NOT_REQUESTED) && !cvr.contains(McCvr::SECOND_GEN_AC_TC));
}

#[test]
fn iad_pboc() {
    // contact-upi: 07000103A0A80201 → DKI 00, CVN 01, CVR 03A0A802 (ARQC first, second not
    // requested, last online not completed, velocity exceeded, last issuer auth failed, DDA performed).
    let v = hex("07000103A0A80201");
    let Iad::Pboc { dki, cvn, cvr, algorithm, .. } = Iad::parse(&v).unwrap() else { panic!() };
    assert_eq!((dki, cvn, algorithm), (0, 1, 1));
    for b in [
        VisaCvr::SECOND_GEN_AC_NOT_REQUESTED,
        VisaCvr::FIRST_GEN_AC_ARQC,
        VisaCvr::LAST_ONLINE_NOT_COMPLETED,
        VisaCvr::VELOCITY_EXCEEDED,
        VisaCvr::LAST_ISSUER_AUTH_FAILED,
        VisaCvr::DDA_PERFORMED,
    ] {
        assert!(cvr.contains(b));
    }
    assert_eq!(cvr.names().count(), 6);
    assert!(matches!(Iad::parse_for(&v, Scheme::Mastercard), Iad::Unknown(_)));
}

#[test]
fn track2_golden() {
    // contact-visa 57: 4761340000000050D171220112523451 → PAN 4761340000000050, expiry 1712, service code 201.
    let v = hex("4761340000000050D171220112523451");
    let t = Track2::parse(&v).unwrap();
    let mut buf = [0u8; 19];
    assert_eq!(t.pan(&mut buf), b"4761340000000050");
    assert_eq!(t.expiry(), (17, 12));
    assert_eq!(t.service_code(), 201);
    assert_eq!(t.to_string(), "PAN 476134******0050, service code 201");
    // contact-upi 57: 6210948000000011D301020100000F → F-padded; expiry 3010, service code 201.
    let v = hex("6210948000000011D301020100000F");
    let t = Track2::parse(&v).unwrap();
    assert_eq!((t.expiry(), t.service_code()), ((30, 10), 201));
    assert_eq!(t.discretionary().count(), 5);
    // contact-mastercard 57: 5413330089600044D14122010123409172 → expiry 1412, service code 201.
    let t2 = hex("5413330089600044D14122010123409172");
    assert_eq!(Track2::parse(&t2).unwrap().expiry(), (14, 12));
    // No separator, a letter, too short a PAN.
    assert!(Track2::parse(&hex("4761340000000050")).is_err());
    assert!(Track2::parse(&hex("47613400000000A0D1712201")).is_err());
    assert!(Track2::parse(&hex("476134D171220112")).is_err());
}

#[test]
fn values_golden() {
    // contact-visa 5F24 171231 = 2017-12-31; 5F28 0702 = SGP; contact-mastercard 5F28 0056 = BEL,
    // 9F42 0978 = EUR; GEN AC 5F2A 0036 = AUD, 9F1A 0036 = AUS; contact-upi 9F42 0156 = CNY.
    assert_eq!(Date::parse(&hex("171231")).unwrap().to_string(), "2017-12-31");
    assert_eq!(Country::parse(&hex("0702")).unwrap().alpha(), Some("SGP"));
    assert_eq!(Country::parse(&hex("0056")).unwrap().alpha(), Some("BEL"));
    assert_eq!(Country::parse(&hex("0036")).unwrap().alpha(), Some("AUS"));
    assert_eq!(Currency::parse(&hex("0978")).unwrap().alpha(), Some("EUR"));
    assert_eq!(Currency::parse(&hex("0036")).unwrap().alpha(), Some("AUD"));
    assert_eq!(Currency::parse(&hex("0156")).unwrap().to_string(), "156 (CNY)");
    // 9F02 000000001000 = 1000 minor units = 10.00 with exponent 2.
    let a = Amount::parse(&hex("000000001000")).unwrap();
    assert_eq!(a, Amount(1000));
    assert_eq!(a.with_exponent(2).to_string(), "10.00");
    assert_eq!(a.to_n12().unwrap(), [0, 0, 0, 0, 0x10, 0x00]);
    // Invalid dates and digits.
    assert!(Date::parse(&hex("170230")).is_err());
    assert!(Date::parse(&hex("171300")).is_err());
    assert!(Date::parse(&hex("240229")).is_ok()); // 2024 is a leap year
    assert!(Date::parse(&hex("250229")).is_err());
    assert!(Amount::parse(&hex("00000000100A")).is_err());
}

#[test]
fn terminal_type_and_caps() {
    // contact-mastercard CDOL1 data 9F35 = 22: merchant, attended, offline with online capability.
    let t = TerminalType::parse(&[0x22]).unwrap();
    assert_eq!(
        (t.operator(), t.environment()),
        (Some("Merchant"), Some("Attended, offline with online capability"))
    );
    assert!(t.is_attended() && !t.is_online_only() && !t.is_offline_only());
    assert!(TerminalType::parse(&[0x27]).is_err());
    // Book 4 Annex A2 bit positions: E0F8C8 = manual, mag, IC; plaintext PIN, enc. PIN online,
    // signature, enc. PIN offline, no CVM; SDA, DDA, CDA.
    let c = TerminalCapabilities::parse(&hex("E0F8C8")).unwrap();
    assert_eq!(c.names().count(), 11);
    assert!(c.contains(TerminalCapabilities::CDA) && !c.contains(TerminalCapabilities::CARD_CAPTURE));
    let a = AdditionalTerminalCapabilities::parse(&hex("6000F0A001")).unwrap();
    assert!(
        a.contains(AdditionalTerminalCapabilities::GOODS)
            && a.contains(AdditionalTerminalCapabilities::CODE_TABLE_1)
    );
}
