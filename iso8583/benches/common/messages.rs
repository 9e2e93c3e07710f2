//! The benchmark messages (shared with the allocation test): a typical 0200 authorisation with
//! 25 data elements including DE 55 (EMV data of reference O-3), under iso87-ascii and cup-pos.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

/// EMV data (DE 55) of the public CUP sample O-3 (reference iso8583.md §8), 164 bytes.
pub const ICC: &str = "9F2608ED1D6BA78357FB259F2701809F101307010103A00000010A0100000000003B1637329F3704591D37169F360201C0950500000000009A031807119C01009F02060000000000015F2A02015682027C009F1A0201569F03060000000000009F3303E0E1C89F34030200009F3501229F1E0830303030303030308408A0000003330101019F0902008C9F4104000000209F631030313035303030300000000000000000";

/// Decodes hex.
pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// iso87-ascii 0200 values (25 data elements), canonical form.
pub fn iso87_values() -> Vec<(usize, Vec<u8>)> {
    let t = |s: &str| s.as_bytes().to_vec();
    vec![
        (2, t("4761739001010010")),
        (3, t("000000")),
        (4, t("000000010000")),
        (7, t("1124151042")),
        (11, t("000123")),
        (12, t("151042")),
        (13, t("1124")),
        (14, t("2512")),
        (18, t("5411")),
        (19, t("840")),
        (22, t("051")),
        (23, t("001")),
        (25, t("00")),
        (26, t("12")),
        (32, t("12345678901")),
        (35, t("4761739001010010=25122011143804400000")),
        (37, t("432815123456")),
        (41, t("TERM0001")),
        (42, t("MERCHANT0000001")),
        (43, t("ACME STORES            SPRINGFIELD   USA")),
        (49, t("840")),
        (52, hex("0123456789ABCDEF")),
        (53, t("2600000000000000")),
        (55, hex(ICC)),
        (64, hex("0102030405060708")),
    ]
}

/// cup-pos 0200 values (25 data elements), canonical form.
pub fn cup_values() -> Vec<(usize, Vec<u8>)> {
    let t = |s: &str| s.as_bytes().to_vec();
    vec![
        (2, t("6210810840003424940")),
        (3, t("000000")),
        (4, t("000000000001")),
        (11, t("000020")),
        (12, t("151042")),
        (13, t("1124")),
        (14, t("2706")),
        (22, t("072")),
        (23, t("001")),
        (25, t("00")),
        (26, t("12")),
        (32, t("48431665")),
        (35, t("6210810840003424940D27062207001000100")),
        (37, t("000000000000")),
        (38, t("650852")),
        (41, t("73782214")),
        (42, t("898411341310014")),
        (44, t("03080000   48520000   ")),
        (49, t("156")),
        (52, hex("60D894D6F4978EF5")),
        (53, t("2600000000000000")),
        (55, hex(ICC)),
        (60, t("2200075700060")),
        (63, t("CUP")),
        (64, t("B7133B57")),
    ]
}

/// The cup-pos TPDU + header.
pub const CUP_HEADER: [u8; 11] = [0x60, 0x05, 0x01, 0x00, 0x00, 0x61, 0x31, 0x00, 0x31, 0x11, 0x08];
