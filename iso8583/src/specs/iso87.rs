//! ISO 8583:1987: the data element attribute table once, mapped to the ASCII wire form
//! (`iso87-ascii`, as CLI.md defines it) and the binary/BCD wire form (`iso87-binary`, field
//! for field the shape of jPOS's ISO87BPackager: BCD numerics, 1-/2-byte BCD length prefixes,
//! ASCII text, binary `b`).
//!
//! Choices between readings:
//! - DE 65 is "b 1" in the 1987 table; read as 1 byte (2 hex characters in ASCII), as jPOS does.
//!   pyiso8583 4.x instead reads bit 65 as a tertiary-bitmap indicator; our specs have no
//!   tertiary bitmap (a spec may declare one with [`crate::spec::Tertiary::Contiguous`]).
//! - DE 45 (track 1) is treated as `ans` (the table says `an`, but track 1 carries `^`).
//! - DE 96 (b 64) is carried like DE 52/64/128 (16 hex characters) in the ASCII form.
//! - iso87-binary DE 55–63 and 105–127: jPOS packs them as LLLCHAR; ICC data (DE 55) is
//!   binary, so DE 55 is class `b` with a 2-byte BCD prefix counting bytes (same wire bytes).

use super::{Kind, table};
use crate::spec::{
    Align, BitmapEncoding, Bitmaps, Class, Composite, Encoding, Field, Header, MtiEncoding, Prefix,
    Sensitivity, Spec, Tertiary, Unit,
};

use Class::{An, Ans, B, N, Ns, Xn, Z};
use Kind::{F, Ll, Lll};

pub(crate) type Row = (u8, &'static str, Class, Kind, u16);

/// ISO 8583:1987 data elements 2–128 (number, name, class, length kind, length).
pub(crate) const ROWS: [Row; 127] = [
    (2, "Primary account number", N, Ll, 19),
    (3, "Processing code", N, F, 6),
    (4, "Amount, transaction", N, F, 12),
    (5, "Amount, settlement", N, F, 12),
    (6, "Amount, cardholder billing", N, F, 12),
    (7, "Transmission date and time", N, F, 10),
    (8, "Amount, cardholder billing fee", N, F, 8),
    (9, "Conversion rate, settlement", N, F, 8),
    (10, "Conversion rate, cardholder billing", N, F, 8),
    (11, "System trace audit number", N, F, 6),
    (12, "Time, local transaction", N, F, 6),
    (13, "Date, local transaction", N, F, 4),
    (14, "Date, expiration", N, F, 4),
    (15, "Date, settlement", N, F, 4),
    (16, "Date, conversion", N, F, 4),
    (17, "Date, capture", N, F, 4),
    (18, "Merchant type", N, F, 4),
    (19, "Acquiring institution country code", N, F, 3),
    (20, "PAN extended, country code", N, F, 3),
    (21, "Forwarding institution country code", N, F, 3),
    (22, "Point of service entry mode", N, F, 3),
    (23, "Application PAN sequence number", N, F, 3),
    (24, "Network international identifier", N, F, 3),
    (25, "Point of service condition code", N, F, 2),
    (26, "Point of service capture code", N, F, 2),
    (27, "Authorizing identification response length", N, F, 1),
    (28, "Amount, transaction fee", Xn, F, 9),
    (29, "Amount, settlement fee", Xn, F, 9),
    (30, "Amount, transaction processing fee", Xn, F, 9),
    (31, "Amount, settlement processing fee", Xn, F, 9),
    (32, "Acquiring institution identification code", N, Ll, 11),
    (33, "Forwarding institution identification code", N, Ll, 11),
    (34, "Primary account number, extended", Ns, Ll, 28),
    (35, "Track 2 data", Z, Ll, 37),
    (36, "Track 3 data", N, Lll, 104),
    (37, "Retrieval reference number", An, F, 12),
    (38, "Authorization identification response", An, F, 6),
    (39, "Response code", An, F, 2),
    (40, "Service restriction code", An, F, 3),
    (41, "Card acceptor terminal identification", Ans, F, 8),
    (42, "Card acceptor identification code", Ans, F, 15),
    (43, "Card acceptor name/location", Ans, F, 40),
    (44, "Additional response data", An, Ll, 25),
    (45, "Track 1 data", Ans, Ll, 76),
    (46, "Additional data - ISO", An, Lll, 999),
    (47, "Additional data - national", An, Lll, 999),
    (48, "Additional data - private", An, Lll, 999),
    (49, "Currency code, transaction", An, F, 3),
    (50, "Currency code, settlement", An, F, 3),
    (51, "Currency code, cardholder billing", An, F, 3),
    (52, "Personal identification number data", B, F, 8),
    (53, "Security related control information", N, F, 16),
    (54, "Additional amounts", An, Lll, 120),
    (55, "ICC data", B, Lll, 255),
    (56, "Reserved ISO", Ans, Lll, 999),
    (57, "Reserved national", Ans, Lll, 999),
    (58, "Reserved national", Ans, Lll, 999),
    (59, "Reserved national", Ans, Lll, 999),
    (60, "Reserved national", Ans, Lll, 999),
    (61, "Reserved private", Ans, Lll, 999),
    (62, "Reserved private", Ans, Lll, 999),
    (63, "Reserved private", Ans, Lll, 999),
    (64, "Message authentication code", B, F, 8),
    (65, "Bitmap, extended", B, F, 1),
    (66, "Settlement code", N, F, 1),
    (67, "Extended payment code", N, F, 2),
    (68, "Receiving institution country code", N, F, 3),
    (69, "Settlement institution country code", N, F, 3),
    (70, "Network management information code", N, F, 3),
    (71, "Message number", N, F, 4),
    (72, "Message number, last", N, F, 4),
    (73, "Date, action", N, F, 6),
    (74, "Credits, number", N, F, 10),
    (75, "Credits, reversal number", N, F, 10),
    (76, "Debits, number", N, F, 10),
    (77, "Debits, reversal number", N, F, 10),
    (78, "Transfer, number", N, F, 10),
    (79, "Transfer, reversal number", N, F, 10),
    (80, "Inquiries, number", N, F, 10),
    (81, "Authorizations, number", N, F, 10),
    (82, "Credits, processing fee amount", N, F, 12),
    (83, "Credits, transaction fee amount", N, F, 12),
    (84, "Debits, processing fee amount", N, F, 12),
    (85, "Debits, transaction fee amount", N, F, 12),
    (86, "Credits, amount", N, F, 16),
    (87, "Credits, reversal amount", N, F, 16),
    (88, "Debits, amount", N, F, 16),
    (89, "Debits, reversal amount", N, F, 16),
    (90, "Original data elements", N, F, 42),
    (91, "File update code", An, F, 1),
    (92, "File security code", An, F, 2),
    (93, "Response indicator", An, F, 5),
    (94, "Service indicator", An, F, 7),
    (95, "Replacement amounts", An, F, 42),
    (96, "Message security code", B, F, 8),
    (97, "Amount, net settlement", Xn, F, 17),
    (98, "Payee", Ans, F, 25),
    (99, "Settlement institution identification code", N, Ll, 11),
    (100, "Receiving institution identification code", N, Ll, 11),
    (101, "File name", Ans, Ll, 17),
    (102, "Account identification 1", Ans, Ll, 28),
    (103, "Account identification 2", Ans, Ll, 28),
    (104, "Transaction description", Ans, Lll, 100),
    (105, "Reserved ISO", Ans, Lll, 999),
    (106, "Reserved ISO", Ans, Lll, 999),
    (107, "Reserved ISO", Ans, Lll, 999),
    (108, "Reserved ISO", Ans, Lll, 999),
    (109, "Reserved ISO", Ans, Lll, 999),
    (110, "Reserved ISO", Ans, Lll, 999),
    (111, "Reserved ISO", Ans, Lll, 999),
    (112, "Reserved national", Ans, Lll, 999),
    (113, "Reserved national", Ans, Lll, 999),
    (114, "Reserved national", Ans, Lll, 999),
    (115, "Reserved national", Ans, Lll, 999),
    (116, "Reserved national", Ans, Lll, 999),
    (117, "Reserved national", Ans, Lll, 999),
    (118, "Reserved national", Ans, Lll, 999),
    (119, "Reserved national", Ans, Lll, 999),
    (120, "Reserved private", Ans, Lll, 999),
    (121, "Reserved private", Ans, Lll, 999),
    (122, "Reserved private", Ans, Lll, 999),
    (123, "Reserved private", Ans, Lll, 999),
    (124, "Reserved private", Ans, Lll, 999),
    (125, "Reserved private", Ans, Lll, 999),
    (126, "Reserved private", Ans, Lll, 999),
    (127, "Reserved private", Ans, Lll, 999),
    (128, "Message authentication code", B, F, 8),
];

pub(crate) const fn sensitivity(de: u8) -> Sensitivity {
    match de {
        2 | 34 => Sensitivity::Pan,
        35 | 36 | 45 => Sensitivity::Track,
        52 => Sensitivity::Pin,
        55 => Sensitivity::Emv,
        64 | 96 | 128 => Sensitivity::Key,
        _ => Sensitivity::None,
    }
}

pub(crate) const fn ascii_field(r: Row) -> Field {
    let (de, name, class, kind, len) = r;
    let f = match (class, kind) {
        // b fields: hex characters. DE 55: LLL counting hex characters, max 510.
        (B, Lll) => Field::var(name, B, Encoding::Hex, Prefix::ascii(3, Unit::Chars), len.saturating_mul(2)),
        (B, _) => Field::fixed(name, B, Encoding::Hex, len.saturating_mul(2)),
        (_, F) => Field::fixed(name, class, Encoding::Ascii, len),
        (_, Ll) => Field::var(name, class, Encoding::Ascii, Prefix::ascii(2, Unit::Chars), len),
        (_, Lll) => Field::var(name, class, Encoding::Ascii, Prefix::ascii(3, Unit::Chars), len),
    };
    let f = f.sensitive(sensitivity(de));
    if de == 55 { f.composite(&Composite::Tlv) } else { f }
}

const fn binary_field(r: Row) -> Field {
    let (de, name, class, kind, len) = r;
    let numeric = matches!(class, N | Z | Xn);
    let f = match (numeric, class, kind) {
        (_, B, F) => Field::fixed(name, B, Encoding::Binary, len),
        (_, B, _) => Field::var(name, B, Encoding::Binary, Prefix::bcd(2, Unit::Bytes), len),
        // IFB_NUMERIC(..., true): BCD, leading pad nibble.
        (true, _, F) => Field::fixed(name, class, Encoding::Bcd, len).aligned(Align::Right, 0),
        // IFB_LLNUM(..., false): 1-byte BCD length in digits, trailing pad nibble 0.
        (true, _, Ll) => {
            Field::var(name, class, Encoding::Bcd, Prefix::bcd(1, Unit::Digits), len).aligned(Align::Left, 0)
        }
        // DE 36 is IFB_LLLCHAR in ISO87BPackager: ASCII digits, 2-byte BCD length.
        (true, _, Lll) => Field::var(name, class, Encoding::Ascii, Prefix::bcd(2, Unit::Chars), len),
        (false, _, F) => Field::fixed(name, class, Encoding::Ascii, len),
        (false, _, Ll) => Field::var(name, class, Encoding::Ascii, Prefix::bcd(1, Unit::Chars), len),
        (false, _, Lll) => Field::var(name, class, Encoding::Ascii, Prefix::bcd(2, Unit::Chars), len),
    };
    let f = f.sensitive(sensitivity(de));
    if de == 55 { f.composite(&Composite::Tlv) } else { f }
}

#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn build<const N: usize>(binary: bool) -> [Option<Field>; N] {
    let mut out: [Option<Field>; N] = [None; N];
    let mut i = 0;
    while i < ROWS.len() {
        let r = ROWS[i];
        out[r.0 as usize] = Some(if binary { binary_field(r) } else { ascii_field(r) });
        i += 1;
    }
    out
}

static ISO87_ASCII_FIELDS: [Option<Field>; 129] = build(false);
static ISO87_BINARY_FIELDS: [Option<Field>; 129] = build(true);

/// `iso87-ascii`: ASCII MTI, hex-ASCII primary/secondary bitmaps, every data element and
/// length prefix in ASCII; DE 52/64/96/128 as 16 hex characters; DE 55 LLL hex (max 510 chars).
pub static ISO87_ASCII: Spec = Spec {
    name: "iso87-ascii",
    header: Header { tpdu: 0, header: 0 },
    mti: MtiEncoding::Ascii,
    bitmaps: Bitmaps { encoding: BitmapEncoding::Hex, max: 2, tertiary: Tertiary::None },
    fields: &ISO87_ASCII_FIELDS,
    mac_field: Some(64),
    mac_algorithm: None,
};

/// `iso87-binary`: BCD MTI, binary bitmaps, the ISO87BPackager field layout.
pub static ISO87_BINARY: Spec = Spec {
    name: "iso87-binary",
    header: Header { tpdu: 0, header: 0 },
    mti: MtiEncoding::Bcd,
    bitmaps: Bitmaps { encoding: BitmapEncoding::Binary, max: 2, tertiary: Tertiary::None },
    fields: &ISO87_BINARY_FIELDS,
    mac_field: Some(64),
    mac_algorithm: None,
};

// ---- Composite data elements of other dialects, as pure spec data ----

static PDE127_FIELDS: [Option<Field>; 65] = table(&[
    (2, Field::var("Switch key", Ans, Encoding::Ascii, Prefix::ascii(2, Unit::Chars), 32)),
    (3, Field::fixed("Routing information", Ans, Encoding::Ascii, 48)),
    (6, Field::fixed("Authorization profile", Ans, Encoding::Ascii, 2)),
    (9, Field::var("Additional node data", Ans, Encoding::Ascii, Prefix::ascii(3, Unit::Chars), 255)),
    (12, Field::var("Terminal owner", Ans, Encoding::Ascii, Prefix::ascii(2, Unit::Chars), 25)),
    (20, Field::fixed("Authorizer date settlement", N, Encoding::Ascii, 8)),
    (22, Field::var("Structured data", Ans, Encoding::Ascii, Prefix::ascii(5, Unit::Chars), 65535)),
    (25, Field::var("ICC data", Ans, Encoding::Ascii, Prefix::ascii(4, Unit::Chars), 8000)),
]);

/// Postilion DE 127: LLLLLL ASCII length, an 8-byte binary bitmap, then 127.x subfields
/// (127.2 switch key LL, 127.22 structured data LLLLL, 127.25 ICC data LLLL, …).
pub static POSTILION_DE127: Field =
    Field::var("Postilion private field", B, Encoding::Binary, Prefix::ascii(6, Unit::Bytes), 65535)
        .composite(&Composite::Bitmapped { bitmap_bytes: 8, fields: &PDE127_FIELDS });

static MC48_PARTS: [Field; 2] = [
    Field::fixed("Transaction category code", Ans, Encoding::Ascii, 1),
    Field::rest("Subelements", Ans, Encoding::Ascii, 998)
        .composite(&Composite::TagLength { tag_width: 2, len_width: 2 }),
];

/// Mastercard DE 48 (CIS, EBCDIC): LLL EBCDIC length; TCC (1 character) then `TT LL value`
/// subelements. Subfields are read over the canonical (Latin-1) value.
pub static MASTERCARD_DE48: Field =
    Field::var("Additional data - private use", Ans, Encoding::Ebcdic, Prefix::ebcdic(3, Unit::Chars), 999)
        .composite(&Composite::Positional(&MC48_PARTS));

static VSDC_PARTS: [Field; 2] = [
    Field::fixed("Dataset identifier", B, Encoding::Binary, 1),
    Field::var("Dataset", B, Encoding::Binary, Prefix::binary(2, Unit::Bytes), 252)
        .composite(&Composite::Tlv),
];

/// Visa VSDC DE 55: 1-byte binary length, dataset ID (`01`), 2-byte binary dataset length,
/// then BER-TLV.
pub static VISA_VSDC_DE55: Field =
    Field::var("Integrated circuit card data", B, Encoding::Binary, Prefix::binary(1, Unit::Bytes), 255)
        .sensitive(Sensitivity::Emv)
        .composite(&Composite::Positional(&VSDC_PARTS));
