//! `describe` masking (reference iso8583.md §9.7, CLI.md conventions): PAN first 6 + last 4,
//! track data after the separator, PIN/MAC/keys fully, DE 55 whole unless a tag-level policy
//! is given; unmasked only on opt-in. Messages: CUP O-1/O-3 (§8) and a hand-made iso87-ascii one.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_iso8583::specs::{CUP_POS, ISO87_ASCII};
use payproto_iso8583::{unpack, unpack_partial};
use payproto_tlv::{MaskPolicy, Masking, Tag};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// iso87-ascii 0200: DE 2, 3, 11, 35, 52 (bitmap 6020000020001000).
const MSG: &[u8] = b"0200602000002000100016476173900101001000000012345637\
4761739001010010=25121011234567890000\
0123456789ABCDEF";

#[test]
fn masked_by_default() {
    let m = unpack(&ISO87_ASCII, MSG).unwrap();
    let s = m.describe().to_string();
    assert!(s.contains("DE 002 Primary account number [16]: 476173******0010"), "{s}");
    assert!(s.contains("DE 035 Track 2 data [37]: 476173******0010*********************"), "{s}");
    assert!(s.contains("DE 052 Personal identification number data [8]: ****************"), "{s}");
    assert!(!s.contains("0123456789ABCDEF"));
    assert!(!s.contains("2512"));
    let u = m.describe().unmasked().to_string();
    assert!(u.contains("DE 002 Primary account number [16]: 4761739001010010"), "{u}");
    assert!(u.contains("DE 035 Track 2 data [37]: 4761739001010010=25121011234567890000"), "{u}");
    assert!(u.contains("DE 052 Personal identification number data [8]: 0123456789ABCDEF"), "{u}");
}

struct Policy;
impl MaskPolicy for Policy {
    fn masking(&self, tag: Tag) -> Masking {
        if tag.to_u32() == 0x9F26 { Masking::Full } else { Masking::Clear }
    }
}

#[test]
fn de55_whole_or_by_policy() {
    let o3 = hex(
        "600501000061310031110802007024068020C08211196210810840003424940000000000000000000100002027060720000100376210810840003424940D27062207001000100F373337383232313438393834313133343133313030313431353601649F2608ED1D6BA78357FB259F2701809F101307010103A00000010A0100000000003B1637329F3704591D37169F360201C0950500000000009A031807119C01009F02060000000000015F2A02015682027C009F1A0201569F03060000000000009F3303E0E1C89F34030200009F3501229F1E0830303030303030308408A0000003330101019F0902008C9F4104000000209F6310303130353030303000000000000000000013220007570006004237313333423537",
    );
    let m = unpack(&CUP_POS, &o3).unwrap();
    let s = m.describe().to_string();
    assert!(s.contains("TPDU    6005010000\n"), "{s}");
    assert!(s.contains("DE 055 ICC system related data [164]: ****"), "{s}");
    assert!(!s.contains("9F2608"));
    // MAC fully masked.
    assert!(s.contains("DE 064 Message authentication code [8]: ****************\n"), "{s}");
    let p = m.describe().with_emv_policy(&Policy).to_string();
    assert!(p.contains("9F26=****************"), "{p}");
    assert!(p.contains("9F27=80"), "{p}");
    assert!(p.contains("9A=180711"), "{p}");
}

#[test]
fn partial_describe_shows_fields_and_error() {
    let p = unpack_partial(&ISO87_ASCII, b"02006020000008000000164761739001010010000000");
    let s = p.describe().to_string();
    assert!(s.contains("DE 003 Processing code [6]: 000000"), "{s}");
    assert!(s.contains("error: input truncated (field 11, offset 44)"), "{s}");
}

// ---- Subfields of composite data elements (issue 4) ----
//
// Expected lines are written from the published values (reference §7.1, §8 O-1/O-3/O-7) and
// the subfield layouts of the specs, not from the output of the code under test.

use payproto_iso8583::Fields;
use payproto_iso8583::pack;
use payproto_iso8583::spec::{Class, Composite, Encoding, Field, Prefix, Spec, Unit};
use payproto_iso8583::specs::{MASTERCARD_DE48, POSTILION_DE127, VISA_VSDC_DE55};

/// O-3 (§8) unpacked under cup-pos; its DE 55 and F60 `2200075700060`.
const O3: &str = "600501000061310031110802007024068020C08211196210810840003424940000000000000000000100002027060720000100376210810840003424940D27062207001000100F373337383232313438393834313133343133313030313431353601649F2608ED1D6BA78357FB259F2701809F101307010103A00000010A0100000000003B1637329F3704591D37169F360201C0950500000000009A031807119C01009F02060000000000015F2A02015682027C009F1A0201569F03060000000000009F3303E0E1C89F34030200009F3501229F1E0830303030303030308408A0000003330101019F0902008C9F4104000000209F6310303130353030303000000000000000000013220007570006004237313333423537";

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

#[test]
fn cup_f60_subfields_under_the_field() {
    let o3 = hex(O3);
    let m = unpack(&CUP_POS, &o3).unwrap();
    let s = m.describe().to_string();
    let l = lines(&s);
    let at = l.iter().position(|x| x.starts_with("DE 060 ")).unwrap();
    assert_eq!(
        &l[at..at + 6],
        [
            "DE 060 Custom field 60 [13]: 2200075700060",
            "    60.1 Transaction type code [2]: 22",
            "    60.2 Batch number [6]: 000757",
            "    60.3 Network management information code [3]: 000",
            "    60.4 Terminal read capability [1]: 6",
            "    60.5 IC card condition code [1]: 0",
        ]
    );
    assert!(l[at + 6].starts_with("DE 064 "), "{s}");
}

#[test]
fn de55_tags_masked_whole_by_default_and_by_policy() {
    let o3 = hex(O3);
    let m = unpack(&CUP_POS, &o3).unwrap();
    // Default: every tag listed with its length, every value masked.
    let s = m.describe().to_string();
    assert!(s.contains("\n    55.9F26 [8]: ****************\n"), "{s}");
    assert!(s.contains("\n    55.9F27 [1]: **\n"), "{s}");
    assert!(s.contains("\n    55.9F10 [19]: **************************************\n"), "{s}");
    assert!(s.contains("\n    55.9A [3]: ******\n"), "{s}");
    assert!(s.contains("\n    55.9F41 [4]: ********\n"), "{s}");
    assert!(!s.contains("180711") && !s.contains("ED1D6BA7"), "{s}");
    // O-3's 21 tags (9F26 … 9F63), in order.
    let tags: Vec<&str> =
        s.lines().filter_map(|x| x.strip_prefix("    55.")).map(|x| x.split(' ').next().unwrap()).collect();
    assert_eq!(
        tags,
        [
            "9F26", "9F27", "9F10", "9F37", "9F36", "95", "9A", "9C", "9F02", "5F2A", "82", "9F1A", "9F03",
            "9F33", "9F34", "9F35", "9F1E", "84", "9F09", "9F41", "9F63"
        ]
    );
    // Policy: 9F26 masked, everything else clear.
    let p = m.describe().with_emv_policy(&Policy).to_string();
    assert!(p.contains("\n    55.9F26 [8]: ****************\n"), "{p}");
    assert!(p.contains("\n    55.9F27 [1]: 80\n"), "{p}");
    assert!(p.contains("\n    55.9A [3]: 180711\n"), "{p}");
    assert!(p.contains("\n    55.9F02 [6]: 000000000001\n"), "{p}");
    assert!(p.contains("\n    55.5F2A [2]: 0156\n"), "{p}");
    assert!(p.contains("\n    55.84 [8]: A000000333010101\n"), "{p}");
    // Unmasked: the cryptogram too.
    let u = m.describe().unmasked().to_string();
    assert!(u.contains("\n    55.9F26 [8]: ED1D6BA78357FB25\n"), "{u}");
}

#[test]
fn cup_f60_and_f63_of_o1() {
    // O-1 (§8): 60 = 22000015000501, 63 = CUP.
    let mut f = Fields::new(*b"0210")
        .with_header(&[0x60, 0x00, 0x03, 0x00, 0x00, 0x60, 0x31, 0x00, 0x01, 0x10, 0x01]);
    f.set(2, b"6226097806938388").set(3, b"000000").set(4, b"000000000001").set(11, b"001082");
    f.set(39, b"00").set(41, b"00000026").set(42, b"852331059980072");
    f.set(60, b"22000015000501").set(63, b"CUP");
    let mut out = [0u8; 256];
    let n = pack(&CUP_POS, &f, &mut out).unwrap();
    let s = unpack(&CUP_POS, &out[..n]).unwrap().describe().to_string();
    assert!(s.contains("DE 002 Primary account number [16]: 622609******8388\n"), "{s}");
    assert!(
        s.contains(
            "DE 060 Custom field 60 [14]: 22000015000501\n    60.1 Transaction type code [2]: 22\n    60.2 Batch \
             number [6]: 000015\n    60.3 Network management information code [3]: 000\n    60.4 Terminal read \
             capability [1]: 5\n    60.5 IC card condition code [1]: 0\n    60.6 Partial approval flag [1]: 1\n"
        ),
        "{s}"
    );
    assert!(
        s.contains(
            "DE 063 Custom field 63 [3]: CUP\n    63.1 International card organisation code / operator [3]: CUP\n"
        ),
        "{s}"
    );
}

/// An ASCII dialect carrying Mastercard DE 48, Visa VSDC DE 55 and Postilion DE 127.
fn dialect() -> &'static Spec {
    let mut t: Vec<Option<Field>> = vec![None; 129];
    t[2] = ISO87_ASCII.fields[2];
    t[48] = Some(MASTERCARD_DE48);
    t[55] = Some(VISA_VSDC_DE55);
    t[127] = Some(POSTILION_DE127);
    Box::leak(Box::new(Spec {
        name: "test-dialects",
        fields: Box::leak(t.into_boxed_slice()),
        ..ISO87_ASCII
    }))
}

fn dialect_message() -> Vec<u8> {
    let de127: Vec<u8> = [&[0x40, 0, 0, 0x80, 0, 0, 0, 0][..], b"10SWITCH_KEY0008ICC_DATA"].concat();
    // Dataset 01, 15 bytes: 9F26 08 1122334455667788 ‖ 9F27 01 80.
    let de55 = [
        0x01, 0x00, 0x0F, 0x9F, 0x26, 0x08, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x9F, 0x27, 0x01,
        0x80,
    ];
    let mut f = Fields::new(*b"0100");
    f.set(2, b"4761739001010010").set(48, b"R0103ABC4201Z").set(55, &de55).set(127, &de127);
    let mut out = [0u8; 256];
    let n = pack(dialect(), &f, &mut out).unwrap();
    out[..n].to_vec()
}

#[test]
fn mastercard_de48_visa_de55_postilion_127_nested() {
    let spec = dialect();
    let bytes = dialect_message();
    let m = unpack(spec, &bytes).unwrap();
    let s = m.describe().to_string();
    let expected_48 = "DE 048 Additional data - private use [13]: R0103ABC4201Z
    48.1 Transaction category code [1]: R
    48.2 Subelements [12]: 0103ABC4201Z
        48.2.01 [3]: ABC
        48.2.42 [1]: Z
";
    assert!(s.contains(expected_48), "{s}");
    // DE 55 is EMV data: the wrapper and the dataset masked, the tags listed with masked values.
    let expected_55 = "    55.1 Dataset identifier [1]: **
    55.2 Dataset [15]: ******************************
        55.2.9F26 [8]: ****************
        55.2.9F27 [1]: **
";
    assert!(s.contains(expected_55), "{s}");
    let expected_127 = "    127.2 Switch key [10]: SWITCH_KEY
    127.25 ICC data [8]: ICC_DATA
";
    assert!(s.contains(expected_127), "{s}");
    // Per-tag policy at depth 2.
    let p = m.describe().with_emv_policy(&Policy).to_string();
    assert!(p.contains("        55.2.9F26 [8]: ****************\n        55.2.9F27 [1]: 80\n"), "{p}");
    assert!(p.contains("    55.1 Dataset identifier [1]: **\n"), "{p}");
    let u = m.describe().unmasked().to_string();
    assert!(u.contains("    55.1 Dataset identifier [1]: 01\n"), "{u}");
    assert!(u.contains("        55.2.9F26 [8]: 1122334455667788\n"), "{u}");
}

#[test]
fn subfield_nesting_is_bounded() {
    // Five nested positional levels of "rest" text: levels 1–3 are shown, the fourth is refused.
    let mut inner: &'static Composite =
        Box::leak(Box::new(Composite::Positional(Box::leak(Box::new([Field::rest(
            "Level 5",
            Class::Ans,
            Encoding::Ascii,
            99,
        )])))));
    for name in ["Level 4", "Level 3", "Level 2", "Level 1"] {
        let part = Field::rest(name, Class::Ans, Encoding::Ascii, 99).composite(inner);
        inner = Box::leak(Box::new(Composite::Positional(Box::leak(Box::new([part])))));
    }
    let mut t: Vec<Option<Field>> = vec![None; 129];
    t[48] = Some(
        Field::var("Deep", Class::Ans, Encoding::Ascii, Prefix::ascii(3, Unit::Chars), 99).composite(inner),
    );
    let spec: &'static Spec =
        Box::leak(Box::new(Spec { name: "deep", fields: Box::leak(t.into_boxed_slice()), ..ISO87_ASCII }));
    let mut f = Fields::new(*b"0100");
    f.set(48, b"XY");
    let mut out = [0u8; 64];
    let n = pack(spec, &f, &mut out).unwrap();
    let s = unpack(spec, &out[..n]).unwrap().describe().to_string();
    assert_eq!(
        s,
        "MTI     0100
DE 048 Deep [2]: XY
    48.1 Level 1 [2]: XY
        48.1.1 Level 2 [2]: XY
            48.1.1.1 Level 3 [2]: XY
                <subfields: composite nesting too deep>
"
    );
}
