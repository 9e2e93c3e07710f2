//! The streaming writer and the encoder limits (canonical form per ISO/IEC 8825-1 §8.1.3 as EMV
//! Book 3 Annex B restricts it: lengths up to `82 FF FF`). Expected bytes are written from the rules.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, clippy::arithmetic_side_effects)]

mod common;
use common::hex;
use payproto_tlv::{Config, ErrorKind, Node, Reader, Writer, encode, encoded_len, tag, write_length};

#[test]
fn writer_builds_a_gpo_command_body() {
    // GET PROCESSING OPTIONS data: 83 with the PDOL-related data (EMV Book 3 §6.5.8).
    let mut buf = [0u8; 16];
    let mut w = Writer::new(&mut buf);
    w.constructed(tag!(0x83), |w| w.raw(&hex("00000010000000"))).unwrap();
    assert_eq!(w.as_bytes(), hex("830700000010000000"));
}

#[test]
fn writer_nested_and_long_lengths_move_content() {
    let big = vec![0xABu8; 200];
    let mut buf = vec![0u8; 512];
    let mut w = Writer::new(&mut buf);
    w.constructed(tag!(0x70), |w| {
        w.primitive(tag!(0x5A), &hex("4761739001010010"))?;
        w.constructed(tag!(0xBF0C), |w| w.primitive(tag!(0xDF8116), &big))
    })
    .unwrap();
    let mut expect = hex("70 81 DB 5A 08 4761739001010010 BF0C 81 CD DF8116 81 C8");
    expect.extend_from_slice(&big);
    assert_eq!(w.as_bytes(), expect);
    assert!(Reader::strict(w.as_bytes()).all(|r| r.is_ok()));
}

#[test]
fn writer_rolls_back_on_error() {
    let mut buf = [0u8; 8];
    let mut w = Writer::new(&mut buf);
    w.primitive(tag!(0x9C), &[0x00]).unwrap();
    let e = w.constructed(tag!(0x70), |w| w.primitive(tag!(0x5A), &[1, 2, 3, 4, 5, 6])).unwrap_err();
    assert_eq!(e.kind, ErrorKind::BufferTooSmall);
    assert_eq!(w.as_bytes(), [0x9C, 0x01, 0x00]);
    let e = w.primitive(tag!(0x9F02), &[0; 6]).unwrap_err();
    assert_eq!((e.kind, e.tag), (ErrorKind::BufferTooSmall, Some(tag!(0x9F02))));
    assert_eq!(w.len(), 3);
}

#[test]
fn value_too_long() {
    let v = vec![0u8; 0x1_0000];
    let n = [Node::Primitive { tag: tag!(0x9C), value: &v }];
    assert_eq!(encoded_len(&n[0]).unwrap_err().kind, ErrorKind::ValueTooLong);
    assert_eq!(encode(&n, &mut [0u8; 16]).unwrap_err().kind, ErrorKind::ValueTooLong);
    let mut out = [0u8; 3];
    assert_eq!(write_length(0xFFFF, &mut out).unwrap(), 3);
    assert_eq!(out, [0x82, 0xFF, 0xFF]);
    assert_eq!(write_length(0x10000, &mut out).unwrap_err().kind, ErrorKind::ValueTooLong);
    // Length field boundaries.
    for (len, expect) in [(0x7F, "7F"), (0x80, "8180"), (0xFF, "81FF"), (0x100, "820100")] {
        let mut o = [0u8; 3];
        let n = write_length(len, &mut o).unwrap();
        assert_eq!(&o[..n], hex(expect).as_slice());
    }
}

#[test]
fn reencode_of_padded_input_is_canonical() {
    // EMV-padded, non-minimal input re-encodes to canonical form.
    let input = hex("00 70 0C 00 9F02 81 06 000000001000 00");
    let top = Reader::new(&input, Config::EMV).next().unwrap().unwrap();
    let child = top.children().next().unwrap().unwrap();
    let kids = [Node::Primitive { tag: child.tag, value: child.value }];
    let nodes = [Node::Constructed { tag: top.tag, children: &kids }];
    let mut out = [0u8; 32];
    let n = encode(&nodes, &mut out).unwrap();
    assert_eq!(&out[..n], hex("70 09 9F02 06 000000001000").as_slice());
}
