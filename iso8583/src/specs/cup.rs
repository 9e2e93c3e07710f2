//! `cup-pos`: the China UnionPay POS terminal dialect (reference §7.1): TPDU (5) + header (6),
//! BCD MTI, one 64-bit binary bitmap, BCD length prefixes (1 byte LLVAR, 2 bytes LLLVAR)
//! counting digits for n/z and bytes for an/ans/b, per-field nibble alignment, GBK text in
//! 43/56/63, `z` fields accepting the hex nibbles of encrypted track data, DE 64 = the 8-byte
//! MAC field over MTI … last byte before DE 64.

use super::table;
use crate::spec::{
    Align, BitmapEncoding, Bitmaps, Charset, Class, Composite, Encoding, Field, Header, MacAlgorithm,
    MtiEncoding, Prefix, Sensitivity, Spec, Tertiary, Unit,
};

use Class::{An, Ans, B, N, Z};

const fn n(name: &'static str, len: u16) -> Field {
    Field::fixed(name, N, Encoding::Bcd, len).aligned(Align::Right, 0)
}
const fn nl(name: &'static str, len: u16) -> Field {
    Field::fixed(name, N, Encoding::Bcd, len).aligned(Align::Left, 0)
}
const fn llvar_n(name: &'static str, max: u16) -> Field {
    Field::var(name, N, Encoding::Bcd, Prefix::bcd(1, Unit::Digits), max).aligned(Align::Left, 0)
}
const fn lllvar_n(name: &'static str, max: u16) -> Field {
    Field::var(name, N, Encoding::Bcd, Prefix::bcd(2, Unit::Digits), max).aligned(Align::Left, 0)
}
const fn text(name: &'static str, class: Class, len: u16) -> Field {
    Field::fixed(name, class, Encoding::Ascii, len)
}
const fn llvar_t(name: &'static str, max: u16) -> Field {
    Field::var(name, Ans, Encoding::Ascii, Prefix::bcd(1, Unit::Bytes), max)
}
const fn lllvar_t(name: &'static str, max: u16) -> Field {
    Field::var(name, Ans, Encoding::Ascii, Prefix::bcd(2, Unit::Bytes), max)
}
const fn lllvar_b(name: &'static str, max: u16) -> Field {
    Field::var(name, B, Encoding::Binary, Prefix::bcd(2, Unit::Bytes), max)
}

static F60_PARTS: [Field; 7] = [
    Field::fixed("Transaction type code", N, Encoding::Ascii, 2),
    Field::fixed("Batch number", N, Encoding::Ascii, 6),
    Field::fixed("Network management information code", N, Encoding::Ascii, 3),
    Field::fixed("Terminal read capability", N, Encoding::Ascii, 1),
    Field::fixed("IC card condition code", N, Encoding::Ascii, 1),
    Field::fixed("Partial approval flag", N, Encoding::Ascii, 1),
    Field::fixed("Account type", N, Encoding::Ascii, 3),
];

/// CUP F60 subfields (60.1 type N2, 60.2 batch N6, 60.3 network management code N3, 60.4
/// read capability N1, 60.5 IC condition N1, 60.6 partial flag N1, 60.7 account type N3),
/// positional over the field's digits; trailing subfields may be absent.
pub static CUP_F60: Composite = Composite::Positional(&F60_PARTS);

static F63_PARTS: [Field; 2] = [
    Field::fixed("International card organisation code / operator", Ans, Encoding::Ascii, 3),
    Field::rest("Custom data", Ans, Encoding::Ascii, 160).charset(Charset::Gbk).unchecked_charset(),
];

/// CUP F63: 63.1 an3 (card organisation code in responses, operator in sign-on) then custom
/// GBK data.
pub static CUP_F63: Composite = Composite::Positional(&F63_PARTS);

static F62_PARTS: [Field; 1] = [Field::rest("Data", B, Encoding::Binary, 999)];
static F62: Composite = Composite::Positional(&F62_PARTS);

static FIELDS: [Option<Field>; 65] = table(&[
    (2, llvar_n("Primary account number", 19).sensitive(Sensitivity::Pan)),
    (3, n("Processing code", 6)),
    (4, n("Amount, transaction", 12)),
    (11, n("System trace audit number", 6)),
    (12, n("Time, local transaction", 6)),
    (13, n("Date, local transaction", 4)),
    (14, n("Date, expiration", 4)),
    (15, n("Date, settlement", 4)),
    (22, nl("Point of service entry mode", 3)),
    (23, n("Card sequence number", 3)),
    (25, n("Point of service condition code", 2)),
    (26, n("Point of service PIN capture code", 2)),
    (32, llvar_n("Acquiring institution identification code", 11)),
    (
        35,
        Field::var("Track 2 data", Z, Encoding::Bcd, Prefix::bcd(1, Unit::Digits), 37)
            .aligned(Align::Left, 0xF)
            .z_hex()
            .sensitive(Sensitivity::Track),
    ),
    (
        36,
        Field::var("Track 3 data", Z, Encoding::Bcd, Prefix::bcd(2, Unit::Digits), 104)
            .aligned(Align::Left, 0xF)
            .z_hex()
            .sensitive(Sensitivity::Track),
    ),
    (37, text("Retrieval reference number", An, 12)),
    (38, text("Authorization identification response", An, 6)),
    (39, text("Response code", An, 2)),
    (41, text("Card acceptor terminal identification", Ans, 8)),
    (42, text("Card acceptor identification code", Ans, 15)),
    (43, text("Card acceptor name/location", Ans, 40).charset(Charset::Gbk)),
    (44, llvar_t("Additional response data", 25)),
    (45, llvar_t("Track 1 data", 76).sensitive(Sensitivity::Track)),
    (46, lllvar_t("Additional data - ISO", 999).unchecked_charset()),
    (47, lllvar_t("Additional data - national", 999)),
    (48, lllvar_n("Additional data - private", 322)),
    (49, text("Currency code, transaction", An, 3)),
    (52, Field::fixed("PIN data", B, Encoding::Binary, 8).sensitive(Sensitivity::Pin)),
    (53, n("Security related control information", 16)),
    (54, lllvar_t("Balance amount", 40)),
    (55, lllvar_b("ICC system related data", 255).sensitive(Sensitivity::Emv).composite(&Composite::Tlv)),
    (56, lllvar_t("Reserved (GBK text)", 999).charset(Charset::Gbk).unchecked_charset()),
    (57, lllvar_t("Reserved national", 999).unchecked_charset()),
    (58, lllvar_t("Reserved national", 999).charset(Charset::Gbk).unchecked_charset()),
    (59, lllvar_t("Reserved national", 999).unchecked_charset()),
    (60, lllvar_n("Custom field 60", 17).composite(&CUP_F60)),
    (61, lllvar_n("Original message", 29)),
    (62, lllvar_b("Custom field 62", 999).composite(&F62)),
    (63, lllvar_t("Custom field 63", 163).charset(Charset::Gbk).unchecked_charset().composite(&CUP_F63)),
    (64, Field::fixed("Message authentication code", B, Encoding::Binary, 8).sensitive(Sensitivity::Key)),
]);

/// `cup-pos`.
pub static CUP_POS: Spec = Spec {
    name: "cup-pos",
    header: Header { tpdu: 5, header: 6 },
    mti: MtiEncoding::Bcd,
    bitmaps: Bitmaps { encoding: BitmapEncoding::Binary, max: 1, tertiary: Tertiary::None },
    fields: &FIELDS,
    mac_field: Some(64),
    mac_algorithm: Some(MacAlgorithm::CupEcb),
};
