#![no_main]
//! Fuzz target (payproto-emv): never panics on any input; a parsed ATR has the length it announced.
use libfuzzer_sys::fuzz_target;
use payproto_emv::link::atr::Atr;

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = Atr::parse(data) {
        assert_eq!(a.len, data.len());
        assert_eq!(Atr::expected_len(data), Some(data.len()));
        let _ = a.check_emv();
        let _ = format!("{a}");
    }
});
