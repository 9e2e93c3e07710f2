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
