//! EMV Book 3 Annex B rules and the TLV pain points of `shared/reference/emv-tlv.md` §5, each with
//! the exact error kind, offset and tag asserted.
//!
//! Sources of the inputs:
//! - evsinev/ber-tlv issue #11: Visa CDET card 09 answers `700C5F340101FFFFFF9F570208409000`
//!   (FF padding inside a record template; `9000` stripped here);
//! - jPOS issue #453: three-byte tag `DF8116` (Mastercard Kernel 2 UI Request Data);
//! - jPOS PR #77: a PBOC record padded with trailing `00` inside its template;
//! - binaryfoo/emv-bertlv issue #9: a first length byte `91`, an encoding error some decoders
//!   accepted as a plain length;
//! - makinako/OpenFIPS201 issue #59: a child whose length runs past its parent;
//! - kspearrin/BerTlv.NET issue #4, GlobalPlatformPro #152: a constructed tag whose value is not TLV;
//! - web-eid/libelectronic-id PR #127: unbounded multi-byte tags.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, clippy::arithmetic_side_effects)]

mod common;
use common::{hex, tree};
use payproto_tlv::{Class, Config, Error, ErrorKind, Reader, Tag, Walk, find, find_path, tag};

fn err(data: &str, cfg: Config) -> Error {
    tree(data, cfg).unwrap_err()
}

fn e(kind: ErrorKind, offset: usize, tag: Option<u32>) -> Error {
    let mut x = Error::new(kind, offset);
    x.tag = tag.map(|t| Tag::from_u32(t).unwrap());
    x
}

const CDET09: &str = "700C5F340101FFFFFF9F57020840";

#[test]
fn ff_padding_cdet_card_09() {
    // With FF padding the record reads as its two objects.
    assert_eq!(tree(CDET09, Config::EMV.with_ff_padding(true)).unwrap(), "70[5F34=01,9F57=0840]");
    // Without it, `FF FF FF` is a (too long) private tag: in EMV mode the template is not TLV and
    // is read as primitive; in strict mode it is an error at the first FF (offset 6).
    assert_eq!(tree(CDET09, Config::EMV).unwrap(), "70~5F340101FFFFFF9F57020840");
    assert_eq!(err(CDET09, Config::STRICT), e(ErrorKind::TagTooLong, 6, None));
}

#[test]
fn zero_padding_before_between_after() {
    let padded = "00 00 9F0201 01 00 9F0301 02 00 00 70 07 00 5A02 1234 00 00 00";
    assert_eq!(tree(padded, Config::EMV).unwrap(), "9F02=01,9F03=02,70[5A=1234]");
    assert_eq!(err(padded, Config::STRICT), e(ErrorKind::PaddingInStrictMode, 0, None));
    assert_eq!(err("9F020101 00", Config::STRICT), e(ErrorKind::PaddingInStrictMode, 4, None));
    // All padding: no objects, no error.
    assert_eq!(tree("000000", Config::EMV).unwrap(), "");
}

#[test]
fn pboc_record_trailing_zero_inside_template() {
    let rec = "70 0B 5F24 03 301231 5A 02 6222 00 00";
    assert_eq!(tree(rec, Config::EMV).unwrap(), "70[5F24=301231,5A=6222]");
    assert_eq!(err(rec, Config::STRICT), e(ErrorKind::PaddingInStrictMode, 12, None));
}

#[test]
fn ff_tags_are_tags_unless_ff_padding() {
    // FF0D is a legal private constructed tag.
    assert_eq!(tree("FF0D 03 9F0100", Config::EMV).unwrap(), "FF0D[9F01=]");
    assert_eq!(tree("FF0D 03 9F0100", Config::EMV.with_ff_padding(true)).unwrap(), "0D=9F0100");
}

#[test]
fn three_byte_tags() {
    let t = tree("DF8116 02 ABCD", Config::STRICT).unwrap();
    assert_eq!(t, "DF8116=ABCD");
    let tag = Tag::from_u32(0xDF8116).unwrap();
    assert_eq!(tag.len(), 3);
    assert_eq!(tag.class(), Class::Private);
    assert!(!tag.is_constructed());
    assert_eq!(tag.number(), 0x16 | (1 << 7));
    // A fourth tag byte is rejected at the tag's first byte.
    assert_eq!(err("DF818116 00", Config::EMV), e(ErrorKind::TagTooLong, 0, None));
    // Truncated multi-byte tags.
    assert_eq!(err("9F", Config::EMV), e(ErrorKind::TruncatedTag, 0, None));
    assert_eq!(err("DF81", Config::EMV), e(ErrorKind::TruncatedTag, 0, None));
}

#[test]
fn tag_accessors() {
    let t = tag!(0x9F02);
    assert_eq!((t.class(), t.number(), t.is_constructed(), t.len()), (Class::ContextSpecific, 2, false, 2));
    let t = tag!(0x6F);
    assert_eq!((t.class(), t.number(), t.is_constructed()), (Class::Application, 15, true));
    let t = tag!(0xBF0C);
    assert_eq!((t.class(), t.number(), t.is_constructed()), (Class::ContextSpecific, 12, true));
    assert_eq!(Tag::from_u32(0x5F).map(|t| t.to_u32()), None);
    assert_eq!(Tag::from_u32(0x9F82), None);
    assert_eq!(Tag::from_bytes(&[0x9F, 0x02]).unwrap().to_string(), "9F02");
    assert!(Tag::from_bytes(&[0x9F, 0x02, 0x00]).is_err());
}

#[test]
fn odd_length_byte_0x91_rejected() {
    // binaryfoo#9: `91` is neither a short form nor 81/82.
    let data = "70 91 5A0212340000";
    assert_eq!(err(data, Config::EMV), e(ErrorKind::UnsupportedLengthForm, 1, Some(0x70)));
    // Indefinite length and the 3- and 4-byte long forms are rejected too (pyemv accepts them;
    // EMV Annex B allows only 1- to 3-byte length fields).
    assert_eq!(err("9C80", Config::EMV), e(ErrorKind::UnsupportedLengthForm, 1, Some(0x9C)));
    assert_eq!(err("9C83000001FF", Config::EMV), e(ErrorKind::UnsupportedLengthForm, 1, Some(0x9C)));
}

#[test]
fn long_form_lengths() {
    // Non-minimal long forms are accepted in EMV mode, rejected in strict mode.
    assert_eq!(tree("9F02 81 06 000000001000", Config::EMV).unwrap(), "9F02=000000001000");
    assert_eq!(
        err("9F02 81 06 000000001000", Config::STRICT),
        e(ErrorKind::NonMinimalLength, 2, Some(0x9F02))
    );
    assert_eq!(tree("9C 82 0001 FF", Config::EMV).unwrap(), "9C=FF");
    assert_eq!(err("9C 82 00FF", Config::STRICT), e(ErrorKind::NonMinimalLength, 1, Some(0x9C)));
    // Minimal long forms are fine in both.
    let v128 = format!("9C 81 80 {}", "AB".repeat(128));
    let v256 = format!("9C 82 0100 {}", "CD".repeat(256));
    assert_eq!(tree(&v128, Config::STRICT).unwrap(), format!("9C={}", "AB".repeat(128)));
    assert_eq!(tree(&v256, Config::STRICT).unwrap(), format!("9C={}", "CD".repeat(256)));
}

#[test]
fn child_overrun_is_an_error_never_a_read_past_the_parent() {
    // E0 holds 3 bytes; its child 9C claims 5. The bytes after the parent must not be read.
    let data = "E0 03 9C 05 01 02 03 04 05";
    assert_eq!(err(data, Config::STRICT), e(ErrorKind::LengthExceedsParent, 4, Some(0x9C)));
    // In EMV mode the parent is read as primitive, then the rest of the input is parsed on its own.
    let data = "E0 03 9C 05 01 9F0100";
    assert_eq!(tree(data, Config::EMV).unwrap(), "E0~9C0501,9F01=");
    // An object running past the input.
    assert_eq!(err("9C 05 0102", Config::EMV), e(ErrorKind::LengthExceedsParent, 2, Some(0x9C)));
}

#[test]
fn constructed_tag_with_non_tlv_value() {
    // A 6F whose value is text: primitive in EMV mode, error in strict mode.
    let data = "6F 04 41 42 43 44";
    assert_eq!(tree(data, Config::EMV).unwrap(), "6F~41424344");
    assert_eq!(err(data, Config::STRICT), e(ErrorKind::LengthExceedsParent, 4, Some(0x41)));
    // The walk yields it and does not enter it.
    let bytes = hex(data);
    let walked: Vec<_> = Walk::new(&bytes, Config::EMV).map(|t| t.unwrap().tag.to_u32()).collect();
    assert_eq!(walked, vec![0x6F]);
}

#[test]
fn depth_is_bounded() {
    // 12 nested E0 templates around one primitive.
    let mut data = vec![0x9C, 0x01, 0x00];
    for _ in 0..12 {
        let mut outer = vec![0xE0, u8::try_from(data.len()).unwrap()];
        outer.extend_from_slice(&data);
        data = outer;
    }
    // Default max depth 10: the walk stops with DepthExceeded at the 11th nested value.
    let errs: Vec<Error> = Walk::new(&data, Config::STRICT).filter_map(Result::err).collect();
    assert_eq!(errs, vec![e(ErrorKind::DepthExceeded, 22, None)]);
    // A deeper limit reads it all: 12 templates + 1 primitive.
    let cfg = Config::STRICT.with_max_depth(12);
    assert_eq!(Walk::new(&data, cfg).filter(Result::is_ok).count(), 13);
    // The limit is capped at MAX_DEPTH.
    assert_eq!(Config::EMV.with_max_depth(200).max_depth as usize, payproto_tlv::MAX_DEPTH);
    // find through the too-deep tree reports the error instead of walking on.
    assert_eq!(find(&data, Config::EMV, tag!(0x9C)).unwrap_err().kind, ErrorKind::DepthExceeded);
}

#[test]
fn reader_fuses_after_an_error() {
    let data = hex("9F0100 9C 05 01");
    let mut r = Reader::emv(&data);
    assert!(r.next().unwrap().is_ok());
    assert_eq!(r.next().unwrap().unwrap_err().kind, ErrorKind::LengthExceedsParent);
    assert!(r.next().is_none());
}

#[test]
fn paths() {
    let data = hex("6F 0C 84 02 A0 00 A5 06 BF0C 03 9F4D 00");
    assert_eq!(find_path(&data, Config::EMV, "6F/A5/BF0C/9F4D").unwrap().unwrap().value, b"");
    assert_eq!(find_path(&data, Config::EMV, "6f/84").unwrap().unwrap().value, [0xA0, 0x00]);
    assert!(find_path(&data, Config::EMV, "6F/84/9F4D").unwrap().is_none());
    for bad in ["", "6F//84", "6G", "9F", "123"] {
        assert_eq!(find_path(&data, Config::EMV, bad).unwrap_err().kind, ErrorKind::InvalidPath, "{bad}");
    }
}
