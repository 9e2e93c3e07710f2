//! Fuzz target: whatever unpacks under a built-in spec repacks from its decoded (canonical)
//! values, and the repacked message unpacks to the same header, MTI and values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payproto_iso8583::specs::ALL;
use payproto_iso8583::{Fields, pack, unpack};

fuzz_target!(|data: &[u8]| {
    for spec in ALL {
        let Ok(m) = unpack(spec, data) else { continue };
        let values: Vec<(usize, Vec<u8>)> =
            m.fields().map(|f| (f.number as usize, f.canonical().collect())).collect();
        let mut fields = Fields::new(m.mti()).with_header(m.header_bytes());
        for (de, v) in &values {
            fields.set(*de, v);
        }
        let mut out = vec![0u8; data.len() + 64];
        let n = pack(spec, &fields, &mut out).expect("a decoded message repacks");
        let again = unpack(spec, &out[..n]).expect("a repacked message unpacks");
        assert_eq!(again.mti(), m.mti());
        assert_eq!(again.header_bytes(), m.header_bytes());
        let values2: Vec<(usize, Vec<u8>)> =
            again.fields().map(|f| (f.number as usize, f.canonical().collect())).collect();
        assert_eq!(values, values2, "{}", spec.name);
    }
});
