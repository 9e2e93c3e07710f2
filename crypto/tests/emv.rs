//! EMV backend cryptography against the pyemv HSM-verified vectors of crypto.md §4.8
//! (`tests/vectors/emv.txt` names the source): ICC master key options A and B, common session key,
//! Mastercard SKD, Visa secure-messaging key, ARQC with padding 1/2, ARPC methods 1 and 2, the Visa
//! CVN 10/18/22 and Mastercard CVN 16 layouts, constant-time verification (including rejection
//! of every single-bit change), and the same operations through the software HSM.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;

use common::{Record, hx, records, s, up};
use payproto_crypto::emv::{self, ArpcInput, Card, CryptogramData, Cvn, EmvHsm};
use payproto_crypto::hsm::{KeyRole, SoftHsm};
use payproto_crypto::mac::{self, Padding};
use payproto_crypto::{ErrorKind, Key, kcv};

fn key(r: &Record, k: &str) -> Key {
    Key::tdes(&hx(r, k)).unwrap()
}

fn psn(r: &Record) -> Option<u8> {
    match s(r, "psn") {
        "-" => None,
        v => Some(u8::from_str_radix(v, 16).unwrap()),
    }
}

fn kcv2(k: &Key) -> String {
    up(kcv::legacy(k, 2).unwrap().as_bytes())
}

fn no_parity(b: &[u8]) -> Vec<u8> {
    b.iter().map(|x| x & 0xFE).collect()
}

fn arr<const N: usize>(r: &Record, k: &str) -> [u8; N] {
    hx(r, k).try_into().unwrap()
}

#[test]
fn key_derivation_chains() {
    let mut n = 0;
    for r in records("emv.txt").iter().filter(|r| s(r, "case") == "kd") {
        let imk = key(r, "imk");
        let card = Card { pan: s(r, "pan").as_bytes(), psn: psn(r) };
        let mk = match s(r, "opt") {
            "a" => emv::derive_icc_mk_a(&imk, &card).unwrap(),
            _ => emv::derive_icc_mk_b(&imk, &card).unwrap(),
        };
        if let Some(v) = r.get("mk_kcv") {
            assert_eq!(&kcv2(&mk), v, "{r:?}");
        }
        if r.contains_key("mk") {
            // The reference's full value is before parity adjustment: compare without bit 1.
            assert_eq!(no_parity(mk.as_bytes()), no_parity(&hx(r, "mk")));
            assert!(mk.has_odd_parity());
        }
        let sk = emv::common_session_key(&mk, &arr(r, "r")).unwrap();
        assert_eq!(kcv2(&sk), s(r, "sk_kcv"), "{r:?}");
        if r.contains_key("sk") {
            assert_eq!(no_parity(sk.as_bytes()), no_parity(&hx(r, "sk")));
            assert!(sk.has_odd_parity());
        }
        let arqc = emv::generate_ac(&sk, Padding::Method2, &hx(r, "data")).unwrap();
        assert_eq!(up(&arqc), s(r, "arqc"), "{r:?}");
        emv::verify_ac(&sk, Padding::Method2, &hx(r, "data"), &arqc).unwrap();
        if r.contains_key("arpc1_mk") {
            let arc = arr(r, "arc");
            assert_eq!(up(&emv::arpc_method1(&mk, &arqc, &arc).unwrap()), s(r, "arpc1_mk"));
        }
        if r.contains_key("arpc1_sk") {
            let arc = arr(r, "arc");
            assert_eq!(up(&emv::arpc_method1(&sk, &arqc, &arc).unwrap()), s(r, "arpc1_sk"));
        }
        if r.contains_key("arpc2") {
            let a = emv::arpc_method2(&sk, &arqc, &arr(r, "csu"), &hx(r, "prop")).unwrap();
            assert_eq!(up(&a), s(r, "arpc2"), "{r:?}");
        }
        n += 1;
    }
    assert_eq!(n, 7);
}

#[test]
fn option_b_equals_option_a_up_to_16_digits() {
    // Book 2 A1.4.2: option B applies only to PANs longer than 16 digits (pyemv pan16 case).
    let imk = Key::tdes(&hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap()).unwrap();
    let card = Card { pan: b"1234567890123456", psn: None };
    let a = emv::derive_icc_mk_a(&imk, &card).unwrap();
    let b = emv::derive_icc_mk_b(&imk, &card).unwrap();
    assert_eq!(kcv2(&a), "BAB0");
    assert_eq!(a.as_bytes(), b.as_bytes());
}

#[test]
fn visa_secure_messaging_key() {
    let r = records("emv.txt").into_iter().find(|r| s(r, "case") == "visa_sm").unwrap();
    let imk = key(&r, "imk");
    let mk = emv::derive_icc_mk_b(&imk, &Card { pan: s(&r, "pan").as_bytes(), psn: psn(&r) }).unwrap();
    assert_eq!(kcv2(&mk), s(&r, "mk_kcv"));
    let sk = emv::visa_sm_session_key(&mk, arr(&r, "atc")).unwrap();
    assert_eq!(kcv2(&sk), s(&r, "sk_kcv"));
    let mut data = hx(&r, "header");
    data.extend(hx(&r, "atc"));
    data.extend(hx(&r, "arqc"));
    assert_eq!(up(mac::iso9797_1_alg3(&sk, Padding::Method2, &data).unwrap().as_bytes()), s(&r, "mac"));
}

fn cvn_of(r: &Record) -> Cvn {
    match s(r, "cvn") {
        "10" => Cvn::Visa10,
        "18" => Cvn::Visa18,
        "22" => Cvn::Visa22,
        "16" => Cvn::Mastercard16,
        c => panic!("cvn {c}"),
    }
}

fn cryptogram_data<'a>(r: &Record, iad: &'a [u8]) -> CryptogramData<'a> {
    CryptogramData {
        amount_authorised: arr(r, "amount"),
        amount_other: arr(r, "other"),
        terminal_country: arr(r, "country"),
        tvr: arr(r, "tvr"),
        currency: arr(r, "currency"),
        date: arr(r, "date"),
        transaction_type: hx(r, "type")[0],
        unpredictable_number: arr(r, "un"),
        aip: arr(r, "aip"),
        atc: arr(r, "atc"),
        iad,
    }
}

fn arpc_input<'a>(r: &Record, prop: &'a [u8]) -> ArpcInput<'a> {
    if r.contains_key("arc") {
        ArpcInput::Method1 { arc: arr(r, "arc") }
    } else {
        ArpcInput::Method2 { csu: arr(r, "csu"), proprietary: prop }
    }
}

#[test]
fn cvn_layouts_plain_functions() {
    let mut n = 0;
    for r in records("emv.txt").iter().filter(|r| s(r, "case") == "cvn") {
        let cvn = cvn_of(r);
        let imk = key(r, "imk");
        let pan = s(r, "pan").as_bytes().to_vec();
        let card = Card { pan: &pan, psn: psn(r) };
        let iad = hx(r, "iad");
        let d = cryptogram_data(r, &iad);
        let prop = r.get("prop").map(|_| hx(r, "prop")).unwrap_or_default();
        let mk = emv::derive_icc_mk(&imk, cvn.mk_derivation(), &card).unwrap();
        assert_eq!(kcv2(&mk), s(r, "mk_kcv"));
        if let Some(v) = r.get("sk_kcv") {
            let sk = cvn.ac_session_key(&mk, d.atc, d.unpredictable_number).unwrap();
            assert_eq!(&kcv2(&sk), v, "{r:?}");
        }
        let arqc = emv::generate_arqc(&imk, cvn, &card, &d).unwrap();
        assert_eq!(up(&arqc), s(r, "arqc"), "{r:?}");
        emv::verify_arqc(&imk, cvn, &card, &d, &arqc).unwrap();
        // Every single-bit change of the cryptogram is rejected, and so is a truncated one.
        for bit in 0..64 {
            let mut bad = arqc;
            bad[bit / 8] ^= 1 << (bit % 8);
            let e = emv::verify_arqc(&imk, cvn, &card, &d, &bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::VerificationFailed);
        }
        assert!(emv::verify_arqc(&imk, cvn, &card, &d, &arqc[..7]).is_err());
        // A changed TVR changes the cryptogram input.
        let mut d2 = d;
        d2.tvr[0] ^= 0x80;
        assert!(emv::verify_arqc(&imk, cvn, &card, &d2, &arqc).is_err());
        let arpc =
            emv::generate_arpc(&imk, cvn, &card, d.atc, d.unpredictable_number, &arqc, arpc_input(r, &prop))
                .unwrap();
        assert_eq!(up(arpc.as_bytes()), s(r, "arpc"), "{r:?}");
        n += 1;
    }
    assert_eq!(n, 4);
}

#[test]
fn cvn_layouts_through_the_soft_hsm() {
    for r in records("emv.txt").iter().filter(|r| s(r, "case") == "cvn") {
        let cvn = cvn_of(r);
        let mut hsm = SoftHsm::<4>::new();
        let imk = hsm.load_clear(key(r, "imk"), KeyRole::IssuerMasterKey).unwrap();
        let mac_key = hsm.load_clear(key(r, "imk"), KeyRole::Mac).unwrap();
        let pan = s(r, "pan").as_bytes().to_vec();
        let card = Card { pan: &pan, psn: psn(r) };
        let iad = hx(r, "iad");
        let d = cryptogram_data(r, &iad);
        let prop = r.get("prop").map(|_| hx(r, "prop")).unwrap_or_default();
        let arqc: [u8; 8] = arr(r, "arqc");
        hsm.arqc_verify(imk, cvn, &card, &d, &arqc).unwrap();
        let mut bad = arqc;
        bad[7] ^= 1;
        assert_eq!(
            hsm.arqc_verify(imk, cvn, &card, &d, &bad).unwrap_err().kind,
            ErrorKind::VerificationFailed
        );
        let arpc = hsm
            .arpc_generate(imk, cvn, &card, d.atc, d.unpredictable_number, &arqc, arpc_input(r, &prop))
            .unwrap();
        assert_eq!(up(arpc.as_bytes()), s(r, "arpc"));
        // A key of another role is refused (an IMK must not double as a MAC key and vice versa).
        assert!(hsm.arqc_verify(mac_key, cvn, &card, &d, &arqc).is_err());
    }
}

#[test]
fn layout_bytes_and_input_errors() {
    // CVN 18 input = the 33 terminal/card bytes ‖ the full IAD: exactly the pyemv SHA-pad vector data.
    let iad = hex::decode("06011203A0B800").unwrap();
    let d = CryptogramData {
        amount_authorised: [0, 0, 0, 0, 0x40, 0],
        amount_other: [0; 6],
        terminal_country: [0x01, 0x24],
        tvr: [0x80, 0, 0x04, 0x80, 0],
        currency: [0x01, 0x24],
        date: [0x19, 0x11, 0x05],
        transaction_type: 0x01,
        unpredictable_number: [0x52, 0xBF, 0x45, 0x85],
        aip: [0x18, 0],
        atc: [0, 0x1C],
        iad: &iad,
    };
    let mut out = [0u8; emv::MAX_CRYPTOGRAM_INPUT];
    let n = d.write(Cvn::Visa18, &mut out).unwrap();
    assert_eq!(
        up(&out[..n]),
        "0000000040000000000000000124800004800001241911050152BF45851800001C06011203A0B800"
    );
    // CVN 10: only the 4-byte CVR from the IAD.
    let n = d.write(Cvn::Visa10, &mut out).unwrap();
    assert_eq!(up(&out[n - 4..n]), "03A0B800");
    // A too-short IAD for the Mastercard CVR, an over-long IAD, a short buffer.
    assert_eq!(d.write(Cvn::Mastercard16, &mut out).unwrap_err().kind, ErrorKind::InvalidLength);
    let long = [0u8; 33];
    let d2 = CryptogramData { iad: &long, ..d };
    assert_eq!(d2.write(Cvn::Visa18, &mut out).unwrap_err().kind, ErrorKind::InvalidLength);
    assert_eq!(d.write(Cvn::Visa18, &mut out[..10]).unwrap_err().kind, ErrorKind::BufferTooSmall);

    let imk = Key::tdes(&hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap()).unwrap();
    // PAN: empty, 20 digits, non-digit; PSN not BCD.
    for pan in [&b""[..], b"12345678901234567890", b"12345678901234X6"] {
        let e = emv::derive_icc_mk_a(&imk, &Card { pan, psn: None }).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidPan);
    }
    let e = emv::derive_icc_mk_b(&imk, &Card { pan: b"1234567890123456789", psn: Some(0x1A) }).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidCharacter);
    // Keys other than two-key TDES are refused.
    let aes = Key::aes(&[0u8; 16]).unwrap();
    let card = Card { pan: b"1234567890123456", psn: None };
    assert_eq!(emv::derive_icc_mk_a(&aes, &card).unwrap_err().kind, ErrorKind::WrongAlgorithm);
    assert_eq!(emv::common_session_key(&aes, &[0; 8]).unwrap_err().kind, ErrorKind::WrongAlgorithm);
    // ARPC method 2 takes at most 8 bytes of proprietary data; a method not of the CVN is refused.
    assert_eq!(
        emv::arpc_method2(&imk, &[0; 8], &[0; 4], &[0; 9]).unwrap_err().kind,
        ErrorKind::InvalidLength
    );
    let e = emv::generate_arpc(
        &imk,
        Cvn::Visa18,
        &card,
        [0, 1],
        [0; 4],
        &[0; 8],
        ArpcInput::Method1 { arc: [0x30, 0x30] },
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
}
