#![no_main]
//! Fuzz target (payproto-emv): never panics on any input (GENERATE AC, INTERNAL AUTHENTICATE, GET DATA responses, IAD, CID).
use libfuzzer_sys::fuzz_target;
use payproto_emv::apdu::{GenAcResponse, parse_get_data, parse_internal_authenticate};
use payproto_emv::data::Iad;
use payproto_emv::tlv::Tag;

fuzz_target!(|data: &[u8]| {
    if let Ok(g) = GenAcResponse::parse(data) {
        if let Some(iad) = g.iad {
            let _ = Iad::parse(iad).map(|i| format!("{i}"));
        }
    }
    let _ = parse_internal_authenticate(data);
    if let Some(tag) = Tag::from_u32(0x9F36) {
        let _ = parse_get_data(tag, data);
    }
    let _ = Iad::parse(data).map(|i| format!("{i}"));
});
