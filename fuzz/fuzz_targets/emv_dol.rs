#![no_main]
//! Fuzz target (payproto-emv): never panics on any input; DOL data always has the DOL's total length.
use libfuzzer_sys::fuzz_target;
use payproto_emv::dol::build;
use payproto_emv::tlv::{Dol, Tag};

fuzz_target!(|data: &[u8]| {
    let source = |_t: Tag| -> Option<&'static [u8]> { Some(&[0x12, 0x34, 0x56]) };
    let mut out = [0u8; 4096];
    if let Ok(n) = build(data, &source, &mut out) {
        assert_eq!(Ok(n), Dol::new(data).data_len().map_err(|_| ()));
    }
});
