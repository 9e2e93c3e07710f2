//! `iso93-ascii`: ISO 8583:1993 in the ASCII wire form (ASCII MTI, hex-ASCII bitmaps, ASCII
//! data and prefixes). The 1987 attribute table with the 1993 changes to the attributes of
//! DE 12, 22, 24, 25, 26, 30, 39, 43, 44, 53, 56, 72 (jPOS ISO93APackager shape, reference O-7);
//! elements not listed keep their 1987 attributes.

use super::iso87::{ROWS, Row, ascii_field};
use crate::spec::{
    BitmapEncoding, Bitmaps, Class, Encoding, Field, Header, MtiEncoding, Prefix, Spec, Tertiary, Unit,
};

use super::Kind::{F, Ll, Lll};
use Class::{An, Ans, B, N};

const OVERRIDES: [Row; 12] = [
    (12, "Date and time, local transaction", N, F, 12),
    (22, "Point of service data code", An, F, 12),
    (24, "Function code", N, F, 3),
    (25, "Message reason code", N, F, 4),
    (26, "Card acceptor business code", N, F, 4),
    (30, "Amounts, original", N, F, 24),
    (39, "Action code", N, F, 3),
    (43, "Card acceptor name/location", Ans, Ll, 99),
    (44, "Additional response data", Ans, Ll, 99),
    (53, "Security related control information", B, Ll, 48),
    (56, "Original data elements", N, Ll, 35),
    (72, "Data record", Ans, Lll, 999),
];

#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn build() -> [Option<Field>; 129] {
    let mut out: [Option<Field>; 129] = [None; 129];
    let mut i = 0;
    while i < ROWS.len() {
        let r = ROWS[i];
        out[r.0 as usize] = Some(ascii_field(r));
        i += 1;
    }
    let mut j = 0;
    while j < OVERRIDES.len() {
        let r = OVERRIDES[j];
        out[r.0 as usize] = Some(match r.2 {
            // b..48 LL: hex characters, the prefix counting characters.
            B => Field::var(r.1, B, Encoding::Hex, Prefix::ascii(2, Unit::Chars), r.4.saturating_mul(2)),
            _ => ascii_field(r),
        });
        j += 1;
    }
    out
}

static FIELDS: [Option<Field>; 129] = build();

/// `iso93-ascii`.
pub static ISO93_ASCII: Spec = Spec {
    name: "iso93-ascii",
    header: Header { tpdu: 0, header: 0 },
    mti: MtiEncoding::Ascii,
    bitmaps: Bitmaps { encoding: BitmapEncoding::Hex, max: 2, tertiary: Tertiary::None },
    fields: &FIELDS,
    mac_field: Some(64),
    mac_algorithm: None,
};
