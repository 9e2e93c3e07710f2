//! Composite data elements as pure spec data (reference iso8583.md §7.1–§7.4, §9.5):
//! Postilion DE 127 (values of jPOS post.xml, reference O-7: 127.2 `SWITCH_KEY`, 127.25
//! `ICC_DATA`), Mastercard DE 48 (TCC + `TT LL value`, §7.3), Visa VSDC DE 55 (length, dataset
//! ID, 2-byte dataset length, TLV — moov-io/iso8583#315) and CUP F60 (§7.1 observed values).
//! Wire bytes are written by hand from those layouts.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_iso8583::specs::{CUP_F60, MASTERCARD_DE48, POSTILION_DE127, VISA_VSDC_DE55};
use payproto_iso8583::{FieldPath, Subfields, pack_field_into, unpack_field};

fn strings(it: Subfields<'_>) -> Vec<(u32, String)> {
    it.map(|s| {
        let s = s.unwrap();
        (s.field.number, String::from_utf8_lossy(&s.field.canonical().collect::<Vec<_>>()).into_owned())
    })
    .collect()
}

#[test]
fn postilion_127_bitmapped() {
    // LLLLLL ASCII (32) ‖ bitmap with bits 2 and 25 ‖ 127.2 LL "SWITCH_KEY" ‖ 127.25 LLLL "ICC_DATA".
    let mut wire = b"000032".to_vec();
    wire.extend_from_slice(&[0x40, 0, 0, 0x80, 0, 0, 0, 0]);
    wire.extend_from_slice(b"10SWITCH_KEY0008ICC_DATA");
    let (f, used) = unpack_field(&POSTILION_DE127, 127, &wire).unwrap();
    assert_eq!(used, wire.len());
    let subs = strings(f.subfields(&mut []).unwrap());
    assert_eq!(subs, [(2, "SWITCH_KEY".to_string()), (25, "ICC_DATA".to_string())]);
    // Repack the same value.
    let mut out = [0u8; 64];
    let n = pack_field_into(&POSTILION_DE127, 127, &wire[6..], &mut out).unwrap();
    assert_eq!(&out[..n], &wire[..]);
}

#[test]
fn mastercard_de48_tcc_and_subelements() {
    // EBCDIC LLL "013" ‖ TCC "R" ‖ subelement 01 (len 03) "ABC" ‖ subelement 42 (len 01) "Z", in cp037.
    let text = b"R0103ABC4201Z";
    let ebcdic: Vec<u8> = text
        .iter()
        .map(|&c| match c {
            b'0'..=b'9' => 0xF0 + (c - b'0'),
            b'A'..=b'I' => 0xC1 + (c - b'A'),
            b'R' => 0xD9,
            b'Z' => 0xE9,
            _ => panic!("not in the test alphabet"),
        })
        .collect();
    let mut wire = vec![0xF0, 0xF1, 0xF3];
    wire.extend_from_slice(&ebcdic);
    let (f, _) = unpack_field(&MASTERCARD_DE48, 48, &wire).unwrap();
    let mut scratch = [0u8; 32];
    let mut top = f.subfields(&mut scratch).unwrap();
    let tcc = top.next().unwrap().unwrap();
    assert_eq!(tcc.field.raw, b"R");
    let rest = top.next().unwrap().unwrap();
    let subs = strings(rest.subfields(&mut []).unwrap());
    assert_eq!(subs, [(1, "ABC".to_string()), (42, "Z".to_string())]);
    assert_eq!(rest.path, FieldPath::field(48).with_sub(2));
}

#[test]
fn visa_vsdc_de55_wrapper() {
    // 1-byte length 0x0E ‖ dataset ID 01 ‖ dataset length 00 0B ‖ 9F26 08 1122334455667788 ‖ 82 00.
    let wire = [0x0E, 0x01, 0x00, 0x0B, 0x9F, 0x26, 0x08, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88];
    let (f, used) = unpack_field(&VISA_VSDC_DE55, 55, &wire).unwrap();
    assert_eq!(used, 15);
    let mut parts = f.subfields(&mut []).unwrap();
    let id = parts.next().unwrap().unwrap();
    assert_eq!(id.field.raw, [0x01]);
    let dataset = parts.next().unwrap().unwrap();
    assert_eq!(dataset.field.raw.len(), 11);
    let tlv: Vec<(u32, Vec<u8>)> = dataset
        .subfields(&mut [])
        .unwrap()
        .map(|t| t.unwrap())
        .map(|t| (t.field.number, t.field.raw.to_vec()))
        .collect();
    assert_eq!(tlv, [(0x9F26, vec![0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])]);
    assert!(parts.next().is_none());
}

#[test]
fn cup_f60_positional_over_digits() {
    // Reference §7.1 observed values: `22000015000501` (sale) and `22000727000600070` (17 digits).
    for (digits, expected) in [
        ("22000015000501", &["22", "000015", "000", "5", "0", "1"][..]),
        ("22000727000600070", &["22", "000727", "000", "6", "0", "0", "070"][..]),
    ] {
        let subs = strings(Subfields::new(&CUP_F60, digits.as_bytes(), FieldPath::field(60), 1).unwrap());
        let got: Vec<&str> = subs.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(got, expected);
    }
}
