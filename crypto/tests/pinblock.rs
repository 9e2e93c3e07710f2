//! ISO 9564-1 PIN blocks 0–4 against published vectors and rule-derived negative cases.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;
use common::{hx, records, s, up};
use payproto_crypto::pin::{self, Format, Pan, Pin};
use payproto_crypto::{ErrorKind, Key};

fn fmt(r: &common::Record) -> Format {
    Format::from_number(s(r, "format").parse().unwrap()).unwrap()
}

fn pan(r: &common::Record) -> Option<Pan> {
    r.get("pan").map(|p| Pan::new(p.as_bytes()).unwrap())
}

#[test]
fn published_pin_block_vectors() {
    for r in records("pinblock.txt") {
        match s(&r, "op") {
            "encode" => {
                let p = Pin::new(s(&r, "pin").as_bytes()).unwrap();
                let b = pin::encode_clear_with_random(fmt(&r), &p, pan(&r).as_ref(), &[0; 8]).unwrap();
                assert_eq!(up(&b[..]), s(&r, "block"), "{r:?}");
                let back = pin::decode_clear(fmt(&r), &b[..], pan(&r).as_ref()).unwrap();
                assert_eq!(back.as_ascii(), s(&r, "pin").as_bytes());
            }
            "decode" => {
                let back = pin::decode_clear(fmt(&r), &hx(&r, "block"), pan(&r).as_ref()).unwrap();
                assert_eq!(back.as_ascii(), s(&r, "pin").as_bytes(), "{r:?}");
            }
            "pin_field4" => {
                let p = Pin::new(s(&r, "pin").as_bytes()).unwrap();
                let f = pin::format4_pin_field(&p, &[0x5A; 8]);
                assert_eq!(up(&f[..8]), s(&r, "field_prefix"));
                assert_eq!(f[8..], [0x5A; 8]);
            }
            "pan_field4" => {
                assert_eq!(up(&pin::format4_pan_field(&pan(&r).unwrap())), s(&r, "field"), "{r:?}");
            }
            "encipher4" => {
                let key = Key::aes(&hx(&r, "key")).unwrap();
                let p = Pin::new(s(&r, "pin").as_bytes()).unwrap();
                let random: [u8; 8] = hx(&r, "random").try_into().unwrap();
                let b = pin::encrypt_with_random(Format::Iso4, &key, &p, pan(&r).as_ref(), &random).unwrap();
                assert_eq!(up(b.as_bytes()), s(&r, "block"), "{r:?}");
                let back = pin::decrypt(Format::Iso4, &key, &hx(&r, "block"), pan(&r).as_ref()).unwrap();
                assert!(back.ct_eq(&p));
            }
            op => panic!("{op}"),
        }
    }
}

#[test]
fn negative_pin_blocks_give_typed_errors_naming_the_field() {
    for r in records("pinblock_negative.txt") {
        let e = pin::decode_clear(fmt(&r), &hx(&r, "block"), pan(&r).as_ref()).unwrap_err();
        assert_eq!(format!("{:?}", e.kind), s(&r, "error"), "{r:?}");
        assert_eq!(e.field.replace(' ', "_"), s(&r, "field"), "{r:?}");
    }
}

#[test]
fn pin_and_pan_rules() {
    // ISO 9564-1: PIN 4–12 decimal digits; PAN (ISO/IEC 7812) 1–19 digits; formats 0/3 need ≥ 13.
    assert_eq!(Pin::new(b"123").unwrap_err().kind, ErrorKind::InvalidPin);
    assert_eq!(Pin::new(b"1234567890123").unwrap_err().kind, ErrorKind::InvalidPin);
    assert_eq!(Pin::new(b"12a4").unwrap_err().kind, ErrorKind::InvalidPin);
    assert_eq!(Pan::new(b"").unwrap_err().kind, ErrorKind::InvalidPan);
    assert_eq!(Pan::new(b"12345678901234567890").unwrap_err().kind, ErrorKind::InvalidPan);
    assert_eq!(Pan::new(b"12345678901234X").unwrap_err().kind, ErrorKind::InvalidPan);
    let p = Pin::new(b"1234").unwrap();
    let short = Pan::new(b"401234567890").unwrap();
    assert_eq!(
        pin::encode_clear_with_random(Format::Iso0, &p, Some(&short), &[0; 8]).unwrap_err().kind,
        ErrorKind::InvalidPan
    );
    assert_eq!(
        pin::encode_clear_with_random(Format::Iso3, &p, None, &[0; 8]).unwrap_err().kind,
        ErrorKind::InvalidPan
    );
    // wrong key family per format
    let aes = Key::aes(&[7; 16]).unwrap();
    let tdes = Key::tdes(&[7; 16]).unwrap();
    let pan = Pan::new(b"4012345678909").unwrap();
    assert_eq!(
        pin::encrypt_with_random(Format::Iso0, &aes, &p, Some(&pan), &[0; 8]).unwrap_err().kind,
        ErrorKind::WrongAlgorithm
    );
    assert_eq!(
        pin::encrypt_with_random(Format::Iso4, &tdes, &p, Some(&pan), &[0; 8]).unwrap_err().kind,
        ErrorKind::WrongAlgorithm
    );
    assert_eq!(
        pin::decrypt(Format::Iso4, &aes, &[0; 8], Some(&pan)).unwrap_err().kind,
        ErrorKind::InvalidLength
    );
    assert_eq!(format!("{p:?}"), "Pin(****)");
    assert_eq!(format!("{pan:?}"), "Pan(401234***8909)");
}

#[test]
fn format1_and_3_fill_follow_the_rules() {
    // Format 3 fill digits are A–F, format 1 fill is any hex digit taken from the random input.
    let p = Pin::new(b"1234").unwrap();
    let pan = Pan::new(b"5555555551234567").unwrap();
    for seed in [0x00u8, 0x5A, 0xFF, 0x13] {
        let b3 = pin::encode_clear_with_random(Format::Iso3, &p, Some(&pan), &[seed; 8]).unwrap();
        let clear: Vec<u8> =
            b3.iter().zip(hex::decode("0000555555123456").unwrap()).map(|(a, b)| a ^ b).collect();
        let h = up(&clear);
        assert!(h[6..].chars().all(|c| ('A'..='F').contains(&c)), "{h}");
        assert_eq!(&h[..6], "341234");
        assert_eq!(pin::decode_clear(Format::Iso3, &b3[..], Some(&pan)).unwrap().as_ascii(), b"1234");
        let b1 = pin::encode_clear_with_random(Format::Iso1, &p, None, &[seed; 8]).unwrap();
        assert_eq!(&up(&b1[..])[..6], "141234");
        assert_eq!(pin::decode_clear(Format::Iso1, &b1[..], None).unwrap().as_ascii(), b"1234");
    }
}

#[test]
fn translate_format0_to_format4_and_back() {
    // X9.24-1 A.4 clear format-0 block for PIN 1234 / PAN 4012345678909 under a TDES key, translated
    // to format 4 under the ep2 AES key and back; the clear block must come back identical.
    let pan = Pan::new(b"4012345678909").unwrap();
    let tdes = Key::tdes(&hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap()).unwrap();
    let aes = Key::aes(&hex::decode("C1D0F8FB4958670DBA40AB1F3752EF0D").unwrap()).unwrap();
    let mut b0 = hex::decode("041274EDCBA9876F").unwrap();
    tdes.ecb_encrypt(&mut b0).unwrap();
    let b4 = pin::translate_with_random(&b0, Format::Iso0, &tdes, Format::Iso4, &aes, Some(&pan), &[1; 8])
        .unwrap();
    assert_eq!(b4.as_bytes().len(), 16);
    let back = pin::translate_with_random(
        b4.as_bytes(),
        Format::Iso4,
        &aes,
        Format::Iso0,
        &tdes,
        Some(&pan),
        &[0; 8],
    )
    .unwrap();
    let mut clear = back.as_bytes().to_vec();
    tdes.ecb_decrypt(&mut clear).unwrap();
    assert_eq!(up(&clear), "041274EDCBA9876F");
}
