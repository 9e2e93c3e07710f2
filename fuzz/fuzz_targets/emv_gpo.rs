#![no_main]
//! Fuzz target (payproto-emv): never panics on any input; a parsed AFL is always valid.
use libfuzzer_sys::fuzz_target;
use payproto_emv::apdu::GpoResponse;

fuzz_target!(|data: &[u8]| {
    if let Ok(g) = GpoResponse::parse(data) {
        if let Some(afl) = g.afl {
            for e in afl.entries() {
                assert!((1..=30).contains(&e.sfi) && e.first >= 1 && e.last >= e.first);
            }
        }
        let _ = g.aip.names().count();
    }
});
