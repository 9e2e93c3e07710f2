//! Regression tests for the failure classes of reference iso8583.md §6 (moov #179/#220/#325/
//! #327/#415/#427, jPOS #150/#248/#611, pyiso8583 #6) and the CUP encoding table of §7.1.
//! Expected bytes are written by hand from those tables, never produced by the codec.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_iso8583::spec::{Class, Composite, Encoding, Field, Prefix, Unit};
use payproto_iso8583::specs::{CUP_POS, ISO87_ASCII, ISO87_BINARY};
use payproto_iso8583::{ErrorKind, FieldPath, Fields, Subfields, pack, unpack, unpack_partial};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// iso87-ascii 0200 with DE 2, 3, 11: bitmap 6020000000000000.
const ASCII_0200: &[u8] = b"02006020000000000000164761739001010010000000123456";

#[test]
fn baseline_ascii_message_decodes() {
    let m = unpack(&ISO87_ASCII, ASCII_0200).unwrap();
    assert_eq!(m.field(2).unwrap().as_str(), Some("4761739001010010"));
    assert_eq!(m.field(3).unwrap().as_u64(), Some(0));
    assert_eq!(m.field(11).unwrap().as_str(), Some("123456"));
}

#[test]
fn truncated_length_prefix() {
    // Bitmap announces DE 2; only one of its two length digits is there.
    let e = unpack(&ISO87_ASCII, b"020040000000000000001").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Truncated);
    assert_eq!(e.path, FieldPath::field(2));
    assert_eq!(e.offset, 20);
}

#[test]
fn declared_length_beyond_input() {
    // LL = 19 but only 5 digits follow (jPOS #150).
    let e = unpack(&ISO87_ASCII, b"02004000000000000000191234").unwrap_err();
    assert_eq!((e.kind, e.path, e.offset), (ErrorKind::Truncated, FieldPath::field(2), 22));
    // Length above the spec maximum (moov #179: "data length 840 is larger than maximum").
    let e = unpack(&ISO87_ASCII, b"0200400000000000000020").unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::BadLength, 20));
    // Non-digit prefix.
    let e = unpack(&ISO87_ASCII, b"02004000000000000000A1").unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadPrefix);
}

#[test]
fn odd_bcd_lengths_and_alignment() {
    // CUP §7.1: DE 22 n3 BCD left-aligned (`071` → `07 10`), DE 23 n3 right-aligned (`001` → `00 01`),
    // DE 2 LLVAR 1-byte BCD length counting digits, left-aligned (19 digits → 10 bytes, pad last).
    let mut f = Fields::new(*b"0200").with_header(&[0x60, 0, 1, 0, 0, 0x60, 0x31, 0, 0x31, 0x01, 0]);
    f.set(2, b"6210810840003424940").set(22, b"071").set(23, b"001");
    let mut out = [0u8; 64];
    let n = pack(&CUP_POS, &f, &mut out).unwrap();
    let expected = hex("6000010000 603100310100 0200 4000060000000000 19 62108108400034249400 0710 0001");
    assert_eq!(&out[..n], &expected[..]);
    let m = unpack(&CUP_POS, &expected).unwrap();
    assert_eq!(m.field(22).unwrap().canonical().collect::<Vec<_>>(), b"071");
    assert_eq!(m.field(23).unwrap().canonical().collect::<Vec<_>>(), b"001");
    // A non-digit nibble in n BCD (moov #327 class): 0x7A.
    let mut bad = expected.clone();
    let at = bad.len() - 4;
    bad[at] = 0x7A;
    let e = unpack(&CUP_POS, &bad).unwrap_err();
    assert_eq!((e.kind, e.path), (ErrorKind::BadBcd, FieldPath::field(22)));
    // iso87-binary: IFB_LLNUM 1-byte BCD digit count; odd count pads the last nibble with 0.
    let mut f = Fields::new(*b"0100");
    f.set(2, b"123");
    let n = pack(&ISO87_BINARY, &f, &mut out).unwrap();
    assert_eq!(&out[..n], &hex("0100 4000000000000000 03 1230")[..]);
}

#[test]
fn empty_variable_field_keeps_its_prefix() {
    // moov #179: an empty value must be written with a zero length prefix.
    let mut f = Fields::new(*b"0200");
    f.set(44, b"").set(49, b"978");
    let mut out = [0u8; 64];
    let n = pack(&ISO87_ASCII, &f, &mut out).unwrap();
    assert_eq!(&out[..n], b"0200000000000010800000978");
    let m = unpack(&ISO87_ASCII, &out[..n]).unwrap();
    assert_eq!(m.field(44).unwrap().raw, b"");
    assert_eq!(m.field(49).unwrap().as_str(), Some("978"));
}

#[test]
fn bitmap_announcing_absent_data_returns_partial() {
    // DE 2, 3 present; bitmap also announces DE 11 and DE 37, the message ends after DE 3.
    let msg = b"02006020000008000000164761739001010010000000";
    let p = unpack_partial(&ISO87_ASCII, msg);
    let e = p.error.unwrap();
    assert_eq!((e.kind, e.path), (ErrorKind::Truncated, FieldPath::field(11)));
    assert_eq!(p.message.field(2).unwrap().as_str(), Some("4761739001010010"));
    assert_eq!(p.message.field(3).unwrap().as_str(), Some("000000"));
    assert!(p.message.field(11).is_none());
    assert_eq!(p.message.fields().count(), 2);
}

#[test]
fn bitmap_defects() {
    // Non-hex bitmap character.
    assert_eq!(unpack(&ISO87_ASCII, b"0200G000000000000000").unwrap_err().kind, ErrorKind::BadBitmap);
    // CUP carries one 64-bit bitmap: bit 1 set is an error, not a secondary bitmap.
    let e = unpack(&CUP_POS, &hex("6000010000 603100310100 0200 8000000000000000")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadBitmap);
    // DE 5 is not defined by cup-pos.
    let e = unpack(&CUP_POS, &hex("6000010000 603100310100 0200 0800000000000000 000000000001")).unwrap_err();
    assert_eq!((e.kind, e.path), (ErrorKind::UndefinedField, FieldPath::field(5)));
    // Trailing bytes after the last element.
    let e = unpack(&ISO87_ASCII, b"02000000000000000000X").unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::TrailingData, 20));
    // Bad MTI.
    assert_eq!(unpack(&ISO87_ASCII, b"02X00000000000000000").unwrap_err().kind, ErrorKind::BadMti);
}

#[test]
fn unknown_tlv_tags_do_not_loop() {
    // jPOS #248 / moov #415/#427: unknown tags, zero lengths and padding are walked once; a
    // truncated unknown TLV ends the walk with an error naming the tag.
    let icc = hex("DF7F00 00 00 DF7E0101 9F2602AABB");
    let icc_hex: String = icc.iter().map(|b| format!("{b:02X}")).collect();
    let mut f = Fields::new(*b"0200");
    f.set(55, &icc);
    let mut out = [0u8; 128];
    let n = pack(&ISO87_ASCII, &f, &mut out).unwrap();
    assert_eq!(&out[..n], format!("02000000000000000200{:03}{icc_hex}", icc_hex.len()).as_bytes());
    let m = unpack(&ISO87_ASCII, &out[..n]).unwrap();
    let mut scratch = [0u8; 64];
    let tags: Vec<u32> =
        m.field(55).unwrap().subfields(&mut scratch).unwrap().map(|s| s.unwrap().field.number).collect();
    assert_eq!(tags, [0xDF7F, 0xDF7E, 0x9F26]);
    // Truncated value of an unknown tag.
    let bad = hex("DF7D05AABB");
    let mut f = Fields::new(*b"0200");
    f.set(55, &bad);
    let n = pack(&ISO87_ASCII, &f, &mut out).unwrap();
    let m = unpack(&ISO87_ASCII, &out[..n]).unwrap();
    let items: Vec<_> = m.field(55).unwrap().subfields(&mut scratch).unwrap().collect();
    assert_eq!(items.len(), 1);
    let e = items[0].unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadTlv);
    assert_eq!(e.path.to_string(), "55 → DF7D");
}

static L5: [Field; 1] = [Field::rest("l5", Class::Ans, Encoding::Ascii, 99)];
static C5: Composite = Composite::Positional(&L5);
static L4: [Field; 1] = [Field::rest("l4", Class::Ans, Encoding::Ascii, 99).composite(&C5)];
static C4: Composite = Composite::Positional(&L4);
static L3: [Field; 1] = [Field::rest("l3", Class::Ans, Encoding::Ascii, 99).composite(&C4)];
static C3: Composite = Composite::Positional(&L3);
static L2: [Field; 1] = [Field::rest("l2", Class::Ans, Encoding::Ascii, 99).composite(&C3)];
static C2: Composite = Composite::Positional(&L2);

#[test]
fn over_deep_composites_are_rejected() {
    // Composite levels below DE 48: C2 (1), C3 (2), C4 (3), C5 (4) — beyond MAX_DEPTH (3).
    let top = Subfields::new(&C2, b"abc", FieldPath::field(48), 1).unwrap();
    let s1 = top.into_iter().next().unwrap().unwrap();
    let s2 = s1.subfields(&mut []).unwrap().next().unwrap().unwrap();
    let s3 = s2.subfields(&mut []).unwrap().next().unwrap().unwrap();
    let e = s3.subfields(&mut []).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep);
    assert_eq!(e.path.to_string(), "48 → 1 → 1 → 1");
}

#[test]
fn pack_validates_every_field() {
    let mut out = [0u8; 256];
    let cases: [(usize, &[u8], ErrorKind); 6] = [
        (3, b"12345", ErrorKind::BadLength), // n6 fixed, 5 digits (jPOS #611 class)
        (3, b"12345A", ErrorKind::BadCharset), // n with a letter
        (2, b"12345678901234567890", ErrorKind::BadLength), // n..19 with 20 digits
        (37, b"ABC\x01EF123456", ErrorKind::BadCharset), // an with a control char
        (52, b"1234567", ErrorKind::BadLength), // b64 with 7 bytes
        (28, b"X00000000", ErrorKind::BadCharset), // x+n needs C or D
    ];
    for (de, v, kind) in cases {
        let mut f = Fields::new(*b"0200");
        f.set(de, v);
        let e = pack(&ISO87_ASCII, &f, &mut out).unwrap_err();
        assert_eq!((e.kind, e.path), (kind, FieldPath::field(de as u16)), "DE {de}");
    }
    // Prefix capacity: a 1-digit ASCII prefix cannot carry 10.
    static F: [Option<Field>; 3] =
        [None, None, Some(Field::var("x", Class::Ans, Encoding::Ascii, Prefix::ascii(1, Unit::Chars), 20))];
    static S: payproto_iso8583::spec::Spec = payproto_iso8583::spec::Spec { fields: &F, ..ISO87_ASCII };
    let mut f = Fields::new(*b"0200");
    f.set(2, b"0123456789");
    assert_eq!(pack(&S, &f, &mut out).unwrap_err().kind, ErrorKind::BadLength);
}

#[test]
fn pack_into_short_buffers_fails_cleanly() {
    let m = unpack(&ISO87_ASCII, ASCII_0200).unwrap();
    let mut f = Fields::new(m.mti());
    for x in m.fields() {
        f.set(x.number as usize, x.raw);
    }
    let mut big = [0u8; 64];
    let n = pack(&ISO87_ASCII, &f, &mut big).unwrap();
    assert_eq!(&big[..n], ASCII_0200);
    for len in 0..n {
        let mut small = vec![0u8; len];
        assert_eq!(pack(&ISO87_ASCII, &f, &mut small).unwrap_err().kind, ErrorKind::BufferTooSmall);
    }
}

#[test]
fn errors_never_show_values() {
    let e = unpack(&ISO87_ASCII, b"02004000000000000000194761739001").unwrap_err();
    let s = e.to_string();
    assert!(!s.contains("4761739001"), "{s}");
    assert_eq!(s, "input truncated (field 2, offset 22)");
}

/// Found by the `iso8583_roundtrip` fuzz target: a control byte whose value with bit 5 set is a
/// digit (0x11 | 0x20 = `1`) must not pass as a hex character (DE 52 of iso87-ascii), nor as a
/// digit or printable character anywhere in an 8-byte SWAR block.
#[test]
fn control_bytes_are_not_hex_or_digits() {
    // 0200 ‖ bitmap with DE 52 only ‖ 16 hex characters.
    let mut good = b"020000000000000010000123456789ABCDEF".to_vec();
    assert!(unpack(&ISO87_ASCII, &good).is_ok());
    for (i, bad) in [0x11u8, 0x10, 0x19, 0x01, 0x06, 0xC6].into_iter().enumerate() {
        let keep = good[20 + i];
        good[20 + i] = bad;
        let e = unpack(&ISO87_ASCII, &good).unwrap_err();
        assert_eq!((e.kind, e.path, e.offset), (ErrorKind::BadCharset, FieldPath::field(52), 20 + i));
        good[20 + i] = keep;
    }
    // n12 (DE 4), bad byte inside the first 8-byte block: 0x10 | 0x20 = '0'.
    let mut m = b"02001000000000000000000000001000".to_vec();
    m[23] = 0x10;
    let e = unpack(&ISO87_ASCII, &m).unwrap_err();
    assert_eq!((e.kind, e.path, e.offset), (ErrorKind::BadCharset, FieldPath::field(4), 23));
}

/// Tertiary bitmaps (reference §3, §9.4): contiguous after the secondary (bit 65 announces it)
/// and carried inside a data element (jPOS `thirdBitmapField`). Wire bytes written by hand.
#[test]
fn tertiary_bitmaps_contiguous_and_in_a_field() {
    use payproto_iso8583::spec::{Bitmaps, Tertiary};
    static FIELDS: [Option<Field>; 193] = {
        let mut t: [Option<Field>; 193] = [None; 193];
        t[2] = Some(Field::var("PAN", Class::N, Encoding::Ascii, Prefix::ascii(2, Unit::Digits), 19));
        t[127] = Some(Field::fixed("Third bitmap", Class::B, Encoding::Binary, 8));
        t[150] = Some(Field::fixed("Private", Class::An, Encoding::Ascii, 3));
        t
    };
    static IN_FIELD: payproto_iso8583::spec::Spec = payproto_iso8583::spec::Spec {
        fields: &FIELDS,
        bitmaps: Bitmaps { max: 3, tertiary: Tertiary::InField(127), ..ISO87_ASCII.bitmaps },
        ..ISO87_ASCII
    };
    static CONTIGUOUS: payproto_iso8583::spec::Spec = payproto_iso8583::spec::Spec {
        fields: &FIELDS,
        bitmaps: Bitmaps { max: 3, tertiary: Tertiary::Contiguous, ..ISO87_ASCII.bitmaps },
        ..ISO87_ASCII
    };
    let mut f = Fields::new(*b"0100");
    f.set(2, b"1234").set(150, b"ABC");
    let mut out = [0u8; 128];
    // In a field: primary (bits 1, 2) ‖ secondary (bit 127) ‖ DE 2 ‖ DE 127 = third bitmap (bit 150) ‖ DE 150.
    let n = pack(&IN_FIELD, &f, &mut out).unwrap();
    let mut expected = b"0100C0000000000000000000000000000002041234".to_vec();
    expected.extend_from_slice(&[0, 0, 0x04, 0, 0, 0, 0, 0]);
    expected.extend_from_slice(b"ABC");
    assert_eq!(&out[..n], &expected[..]);
    assert_eq!(payproto_iso8583::packed_len(&IN_FIELD, &f).unwrap(), n);
    let m = unpack(&IN_FIELD, &expected).unwrap();
    assert_eq!(m.fields().map(|x| x.number).collect::<Vec<_>>(), [2, 150]);
    assert_eq!(m.field(150).unwrap().raw, b"ABC");
    // Setting the bitmap element by hand is refused.
    f.set(127, &[0; 8]);
    assert_eq!(pack(&IN_FIELD, &f, &mut out).unwrap_err().kind, ErrorKind::UndefinedField);
    f.remove(127);
    // Contiguous: primary (1, 2) ‖ secondary (bit 65 = its first bit) ‖ third (bit 150) ‖ DE 2 ‖ DE 150.
    let n = pack(&CONTIGUOUS, &f, &mut out).unwrap();
    let expected = b"0100\
        C000000000000000\
        8000000000000000\
        0000040000000000\
        041234ABC";
    assert_eq!(&out[..n], &expected[..]);
    let m = unpack(&CONTIGUOUS, expected).unwrap();
    assert_eq!(m.fields().map(|x| x.number).collect::<Vec<_>>(), [2, 150]);
    // Without a tertiary bitmap, bit 65 is an ordinary element and 129+ cannot be sent.
    assert_eq!(pack(&ISO87_ASCII, &f, &mut out).unwrap_err().kind, ErrorKind::UndefinedField);
}

/// EBCDIC (cp037; reference §7.3, Mastercard CIS): MTI `0200` = F0 F2 F0 F0, EBCDIC LL prefix,
/// EBCDIC text. Bytes from the cp037 code chart (digits F0–F9, `A` = C1, space = 40).
#[test]
fn ebcdic_mti_prefix_and_text() {
    use payproto_iso8583::spec::{BitmapEncoding, Bitmaps, MtiEncoding, Tertiary};
    static FIELDS: [Option<Field>; 44] = {
        let mut t: [Option<Field>; 44] = [None; 44];
        t[2] = Some(Field::var("PAN", Class::N, Encoding::Ebcdic, Prefix::ebcdic(2, Unit::Digits), 19));
        t[43] = Some(Field::fixed("Name", Class::Ans, Encoding::Ebcdic, 4));
        t
    };
    static EBCDIC: payproto_iso8583::spec::Spec = payproto_iso8583::spec::Spec {
        name: "ebcdic-test",
        header: payproto_iso8583::spec::Header { tpdu: 0, header: 0 },
        mti: MtiEncoding::Ebcdic,
        bitmaps: Bitmaps { encoding: BitmapEncoding::Binary, max: 1, tertiary: Tertiary::None },
        fields: &FIELDS,
        mac_field: None,
        mac_algorithm: None,
    };
    let mut f = Fields::new(*b"0200");
    f.set(2, b"1234").set(43, b"A B\xE9"); // é is Latin-1 E9 = cp037 51
    let mut out = [0u8; 32];
    let n = pack(&EBCDIC, &f, &mut out).unwrap();
    let expected = [
        0xF0, 0xF2, 0xF0, 0xF0, 0x40, 0, 0, 0, 0, 0x20, 0, 0, 0xF0, 0xF4, 0xF1, 0xF2, 0xF3, 0xF4, 0xC1, 0x40,
        0xC2, 0x51,
    ];
    assert_eq!(&out[..n], &expected[..]);
    let m = unpack(&EBCDIC, &expected).unwrap();
    assert_eq!(m.mti_str(), "0200");
    assert_eq!(m.field(2).unwrap().canonical().collect::<Vec<_>>(), b"1234");
    assert_eq!(m.field(43).unwrap().canonical().collect::<Vec<_>>(), b"A B\xE9");
    // A non-digit EBCDIC prefix byte.
    let mut bad = expected;
    bad[12] = 0xC1;
    assert_eq!(unpack(&EBCDIC, &bad).unwrap_err().kind, ErrorKind::BadPrefix);
}

/// iso93-ascii carries the 1993 attributes (ISO 8583:1993 data element table, jPOS ISO93APackager
/// shape, reference §7.5/O-7): DE 12 n12 (YYMMDDhhmmss), DE 24 function code n3, DE 39 action
/// code n3, DE 43 ans..99 LLVAR — where iso87-ascii has n6, n3 NII, an2 and ans40.
#[test]
fn iso93_attributes() {
    use payproto_iso8583::specs::ISO93_ASCII;
    // 1100 ‖ bitmap (DE 12, 24, 39, 43) ‖ 261124151042 ‖ 100 ‖ 000 ‖ "11" "ACME STORES".
    let msg = b"1100\
        0010010002200000\
        261124151042\
        100\
        000\
        11ACME STORES";
    let m = unpack(&ISO93_ASCII, msg).unwrap();
    assert_eq!(m.version(), 1);
    assert_eq!(m.field(12).unwrap().as_u64(), Some(261_124_151_042));
    assert_eq!(m.field(24).unwrap().as_str(), Some("100"));
    assert_eq!(m.field(39).unwrap().as_str(), Some("000"));
    assert_eq!(m.field(43).unwrap().as_str(), Some("ACME STORES"));
    // The same bytes are not a valid 1987 message (DE 12 is n6 there, DE 39 an2, DE 43 fixed 40).
    assert!(unpack(&ISO87_ASCII, msg).is_err());
}
