//! Fuzz target: unpack arbitrary bytes under every built-in ISO 8583 spec (iso87-ascii,
//! iso87-binary, iso93-ascii, cup-pos), then walk every composite subfield (two levels), the
//! masked and unmasked describe, the MAC range and every framing. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payproto_iso8583::framing::{Frame, cup_split};
use payproto_iso8583::specs::ALL;
use payproto_iso8583::unpack_partial;

fuzz_target!(|data: &[u8]| {
    for spec in ALL {
        let p = unpack_partial(spec, data);
        let _ = p.describe().to_string();
        let _ = p.message.describe().unmasked().to_string();
        let _ = p.message.mac_input();
        let mut scratch = [0u8; 2048];
        for f in p.message.fields() {
            let _ = f.as_u64();
            let _ = f.canonical().count();
            if let Ok(subs) = f.subfields(&mut scratch) {
                for s in subs.flatten() {
                    let mut inner = [0u8; 2048];
                    if let Ok(it) = s.subfields(&mut inner) {
                        it.for_each(drop);
                    }
                }
            }
        }
    }
    for frame in [Frame::Len2, Frame::Len2Inclusive, Frame::Len2Bcd, Frame::Ascii4] {
        let _ = frame.split(data);
    }
    let _ = cup_split(data);
});
