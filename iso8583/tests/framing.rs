//! Sans-IO framing (reference iso8583.md §4 jPOS channels, moov `network`, §7.1 CUP frame):
//! 2-byte binary length with/without itself, 2-byte BCD, 4 ASCII digits, CUP LEN+TPDU+header
//! with the reply TPDU swap (jPOS NACChannel `tpdu-swap`). Expected bytes written by hand.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_iso8583::ErrorKind;
use payproto_iso8583::framing::{Frame, Tpdu, cup_split};

#[test]
fn length_headers() {
    let body = [0xAAu8; 300];
    let mut out = [0u8; 310];
    for (frame, header) in [
        (Frame::Len2, &[0x01, 0x2C][..]),
        (Frame::Len2Inclusive, &[0x01, 0x2E][..]),
        (Frame::Len2Bcd, &[0x03, 0x00][..]),
        (Frame::Ascii4, &b"0300"[..]),
    ] {
        let n = frame.encode(&body, &mut out).unwrap();
        assert_eq!(&out[..header.len()], header, "{frame:?}");
        assert_eq!(n, header.len() + 300);
        let (b, used) = frame.decode(&out[..n]).unwrap();
        assert_eq!((b.len(), used), (300, n));
        // Streaming: incomplete input asks for more, never errors or panics.
        for cut in 0..n {
            assert!(frame.split(&out[..cut]).unwrap().is_none(), "{frame:?} {cut}");
        }
    }
    assert_eq!(Frame::Ascii4.decode(b"00X1a").unwrap_err().kind, ErrorKind::BadFrame);
    assert_eq!(Frame::Len2Bcd.decode(&[0x0A, 0x00]).unwrap_err().kind, ErrorKind::BadFrame);
    assert_eq!(Frame::Len2Inclusive.decode(&[0x00, 0x01]).unwrap_err().kind, ErrorKind::BadFrame);
    assert_eq!(Frame::Len2Bcd.encode(&[0; 10000], &mut [0; 10002]).unwrap_err().kind, ErrorKind::TooLong);
}

#[test]
fn cup_frame_and_tpdu_swap() {
    // O-3 frame start: LEN 0118 ‖ TPDU 6005010000 ‖ header 613100311108 ‖ MTI 0200 …
    let mut frame =
        vec![0x00, 0x0D, 0x60, 0x05, 0x01, 0x00, 0x00, 0x61, 0x31, 0x00, 0x31, 0x11, 0x08, 0x02, 0x00];
    let (tpdu, header, msg) = cup_split(&frame).unwrap();
    assert_eq!(tpdu, Tpdu([0x60, 0x05, 0x01, 0x00, 0x00]));
    assert_eq!((tpdu.destination(), tpdu.source()), (0x0501, 0x0000));
    assert_eq!(header, [0x61, 0x31, 0x00, 0x31, 0x11, 0x08]);
    assert_eq!(msg, [0x02, 0x00]);
    assert_eq!(tpdu.reply(), Tpdu([0x60, 0x00, 0x00, 0x05, 0x01]));
    frame.pop();
    assert_eq!(cup_split(&frame).unwrap_err().kind, ErrorKind::BadFrame);
}
