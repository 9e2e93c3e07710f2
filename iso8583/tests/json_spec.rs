//! With `alloc`: JSON spec save/load maps onto the same types (every built-in spec survives
//! save → load unchanged, composites included); a hand-written JSON spec decodes a message
//! written by hand from its definition; the owned builder packs like the borrowed form.
#![cfg(feature = "alloc")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_iso8583::spec::Spec;
use payproto_iso8583::specs::{ALL, CUP_POS};
use payproto_iso8583::{MessageBuilder, unpack};

#[test]
fn builtins_round_trip_through_json() {
    for spec in ALL {
        let json = spec.to_json();
        let loaded = Spec::from_json(&json).unwrap();
        assert_eq!(loaded, spec, "{}", spec.name);
    }
}

#[test]
fn hand_written_spec() {
    let json = r#"{
        "name": "tiny",
        "mti": "ascii",
        "bitmaps": {"encoding": "hex", "max": 1, "tertiary": "none"},
        "fields": {
            "2": {"name": "PAN", "class": "n", "encoding": "ascii", "sensitivity": "pan",
                  "length": {"var": {"prefix": {"width": 2, "encoding": "ascii", "unit": "digits", "includes_self": false}, "min": 0, "max": 19}}},
            "4": {"name": "Amount", "class": "n", "encoding": "bcd",
                  "length": {"fixed": {"len": 12, "unit": "digits"}}}
        }
    }"#;
    let spec = Spec::from_json(json).unwrap();
    // 0100 ‖ bitmap 5000000000000000 (DE 2, 4) ‖ "04" "1234" ‖ BCD 000000001000.
    let mut msg = b"01005000000000000000041234".to_vec();
    msg.extend_from_slice(&[0x00, 0x00, 0x00, 0x00, 0x10, 0x00]);
    let m = unpack(spec, &msg).unwrap();
    assert_eq!(m.field(2).unwrap().as_str(), Some("1234"));
    assert_eq!(m.field(4).unwrap().as_u64(), Some(1000));
    assert!(Spec::from_json(r#"{"name": "x"}"#).is_err());
    assert!(Spec::from_json(&json.replace("\"max\": 1", "\"max\": 7")).is_err());
}

#[test]
fn builder_packs_a_cup_message() {
    // Values of the public sample O-1 (reference §8), re-packed through the owned builder.
    let mut b = MessageBuilder::new(*b"0210");
    b.header(vec![0x60, 0x00, 0x03, 0x00, 0x00, 0x60, 0x31, 0x00, 0x01, 0x10, 0x01]);
    b.set(2, "6226097806938388").set(3, "000000").set(4, "000000000001").set(11, "001082");
    b.set(39, "00").set(63, "CUP");
    let packed = b.pack(&CUP_POS).unwrap();
    let m = unpack(&CUP_POS, &packed).unwrap();
    assert_eq!(MessageBuilder::from_message(&m), b);
    assert_eq!(m.field(63).unwrap().raw, b"CUP");
    assert_eq!(format!("{b:?}"), "MessageBuilder { fields: [2, 3, 4, 11, 39, 63] }");
}
