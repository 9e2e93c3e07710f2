//! ODA method choice (Book 3 §10.3: CDA > DDA > SDA, by AIP B1b1/B1b6/B1b7 and Terminal
//! Capabilities byte 3) and the TVR byte 1 / TSI bits it sets (`shared/reference/emv-tlv.md`
//! §8.5: B1b8 ODA not performed, B1b7 SDA failed, B1b4 DDA failed, B1b3 CDA failed, B1b2 SDA
//! selected; TSI B1b8). Whole TVR and TSI asserted.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_emv::data::{Aip, TerminalCapabilities, Tsi, Tvr};
use payproto_emv::kernel::oda::{OdaMethod as M, record_outcome, select_method};

#[test]
fn method_choice() {
    // (AIP byte 1, terminal capabilities byte 3, expected)
    let table = [
        (0x61, 0xC8, Some(M::Cda)), // card SDA+DDA+CDA, terminal SDA+DDA+CDA
        (0x61, 0xC0, Some(M::Dda)), // terminal without CDA
        (0x41, 0xC8, Some(M::Cda)), // card SDA+CDA
        (0x40, 0xC8, Some(M::Sda)),
        (0x20, 0x80, None), // card DDA only, terminal SDA only
        (0x00, 0xC8, None),
        (0x61, 0x00, None),
        (0x21, 0x48, Some(M::Cda)),
    ];
    for (aip, caps, want) in table {
        let got = select_method(Aip([aip, 0]), &TerminalCapabilities([0xE0, 0xF8, caps]));
        assert_eq!(got, want, "AIP {aip:02X} caps {caps:02X}");
    }
}

#[test]
fn tvr_and_tsi_bits() {
    // (method, succeeded, TVR, TSI)
    let table = [
        (None, true, [0x80, 0, 0, 0, 0], [0x00, 0]),
        (Some(M::Sda), true, [0x02, 0, 0, 0, 0], [0x80, 0]),
        (Some(M::Sda), false, [0x42, 0, 0, 0, 0], [0x80, 0]),
        (Some(M::Dda), true, [0x00, 0, 0, 0, 0], [0x80, 0]),
        (Some(M::Dda), false, [0x08, 0, 0, 0, 0], [0x80, 0]),
        (Some(M::Cda), true, [0x00, 0, 0, 0, 0], [0x80, 0]),
        (Some(M::Cda), false, [0x04, 0, 0, 0, 0], [0x80, 0]),
    ];
    for (m, ok, tvr, tsi) in table {
        let (mut v, mut s) = (Tvr::default(), Tsi::default());
        record_outcome(m, ok, &mut v, &mut s);
        assert_eq!((v, s), (Tvr(tvr), Tsi(tsi)), "{m:?} {ok}");
    }
}
