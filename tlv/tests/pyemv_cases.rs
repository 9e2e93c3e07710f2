//! The decode, error and encode cases of knovichikhin/pyemv `tests/test_tlv.py` (MIT), an
//! independent BER-TLV implementation whose errors report tag and offset.
//!
//! pyemv always descends into a constructed value (no fallback to primitive), so its error cases
//! are checked by descending explicitly with [`Tlv::children`] in EMV mode. pyemv also accepts
//! indefinite (`80`) and 3-/4-byte long forms; EMV Annex B does not, so those inputs are expected to
//! fail here (see `annex_b.rs`).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, clippy::arithmetic_side_effects)]

mod common;
use common::{hex, tree};
use payproto_tlv::{Config, Error, ErrorKind, Node, Reader, Tag, Tlv, encode, encoded_len_all};

fn first_error(r: Reader<'_>) -> Option<Error> {
    for t in r {
        match t {
            Err(e) => return Some(e),
            Ok(t) if t.is_constructed() => {
                if let Some(e) = first_error(Tlv::children(&t)) {
                    return Some(e);
                }
            }
            Ok(_) => {}
        }
    }
    None
}

#[test]
fn decode_cases() {
    let cases = [
        ("9C00", "9C="),
        ("9C01FF", "9C=FF"),
        ("9C8101FF", "9C=FF"),
        ("9F0200", "9F02="),
        ("9F0201FF", "9F02=FF"),
        ("9F820100", "9F8201="),
        ("9F820101FF", "9F8201=FF"),
        ("9C8100", "9C="),
        ("9C820000", "9C="),
        ("9C820001FF", "9C=FF"),
        ("9F0201FFE0039F03009F0400", "9F02=FF,E0[9F03=],9F04="),
    ];
    for (input, expect) in cases {
        assert_eq!(tree(input, Config::EMV).unwrap(), expect, "{input}");
    }
}

#[test]
fn error_cases_offset_and_tag() {
    // (input, kind, offset, tag) — offsets and tags as pyemv reports them.
    let cases: &[(&str, ErrorKind, usize, Option<u32>)] = &[
        ("9F", ErrorKind::TruncatedTag, 0, None),
        ("9FF0", ErrorKind::TruncatedTag, 0, None),
        ("9C", ErrorKind::TruncatedLength, 1, Some(0x9C)),
        ("9C81", ErrorKind::TruncatedLength, 2, Some(0x9C)),
        ("9C8200", ErrorKind::TruncatedLength, 2, Some(0x9C)),
        ("9C01", ErrorKind::LengthExceedsParent, 2, Some(0x9C)),
        ("9C0200", ErrorKind::LengthExceedsParent, 2, Some(0x9C)),
        ("E001", ErrorKind::LengthExceedsParent, 2, Some(0xE0)),
        ("E0019F0001FF", ErrorKind::TruncatedTag, 2, None),
        ("E0019C01FF", ErrorKind::TruncatedLength, 3, Some(0x9C)),
        ("E0029C8101FF", ErrorKind::TruncatedLength, 4, Some(0x9C)),
        ("E0039C8201FF", ErrorKind::TruncatedLength, 4, Some(0x9C)),
        ("E0039C8101C001FF", ErrorKind::LengthExceedsParent, 5, Some(0x9C)),
        ("E0049C810200C001FF", ErrorKind::LengthExceedsParent, 5, Some(0x9C)),
        ("9C01FFAA", ErrorKind::TruncatedLength, 4, Some(0xAA)),
        ("E0039C01FFAA", ErrorKind::TruncatedLength, 6, Some(0xAA)),
    ];
    for &(input, kind, offset, tag) in cases {
        let bytes = hex(input);
        let e = first_error(Reader::new(&bytes, Config::EMV)).unwrap();
        assert_eq!((e.kind, e.offset, e.tag.map(|t| t.to_u32())), (kind, offset, tag), "{input}");
    }
}

fn t(n: u32) -> Tag {
    Tag::from_u32(n).unwrap()
}

#[test]
fn encode_cases() {
    let ff128 = [0xFFu8; 128];
    let ff511 = [0xFFu8; 511];
    let p = |tag, value| Node::Primitive { tag: t(tag), value };
    let e9c = [p(0x9C, &[][..])];
    let e9c_ff = [p(0x9C, &[0xFF][..])];
    let e9f00 = [p(0x9F00, &[0xFF][..])];
    let cases: Vec<(Vec<Node<'_>>, String)> = vec![
        (vec![], String::new()),
        (vec![p(0x9C, &[])], "9C00".into()),
        (vec![p(0x9C, &[0xFF])], "9C01FF".into()),
        (vec![p(0x9F00, &[0xFF])], "9F0001FF".into()),
        (vec![p(0x9F8001, &[0xFF])], "9F800101FF".into()),
        (vec![p(0x9C, &ff128)], format!("9C8180{}", "FF".repeat(128))),
        (vec![p(0x9C, &ff511)], format!("9C8201FF{}", "FF".repeat(511))),
        (vec![Node::Constructed { tag: t(0xE0), children: &[] }], "E000".into()),
        (vec![Node::Constructed { tag: t(0xE0), children: &e9c }], "E0029C00".into()),
        (vec![Node::Constructed { tag: t(0xE0), children: &e9c_ff }], "E0039C01FF".into()),
        (vec![Node::Constructed { tag: t(0xE0), children: &e9f00 }], "E0049F0001FF".into()),
        (
            vec![Node::Constructed { tag: t(0xE0), children: &e9f00 }, p(0x9C, &[0xFF])],
            "E0049F0001FF9C01FF".into(),
        ),
    ];
    for (nodes, expect) in cases {
        let len = encoded_len_all(&nodes).unwrap();
        let mut out = vec![0u8; len];
        assert_eq!(encode(&nodes, &mut out).unwrap(), len);
        assert_eq!(out, hex(&expect));
        // One byte short: BufferTooSmall, and the buffer is untouched (no partial garbage).
        if len > 0 {
            let mut short = vec![0x5Au8; len - 1];
            assert_eq!(encode(&nodes, &mut short).unwrap_err().kind, ErrorKind::BufferTooSmall);
            assert!(short.iter().all(|&b| b == 0x5A));
        }
    }
}
