#![no_main]
//! Fuzz target (payproto-emv): never panics on any input; counts agree with the entries.
use libfuzzer_sys::fuzz_target;
use payproto_emv::data::Afl;

fuzz_target!(|data: &[u8]| {
    if let Ok(afl) = Afl::parse(data) {
        assert_eq!(afl.entries().count(), data.len() / 4);
        assert!(afl.oda_record_count() <= afl.record_count());
        let _ = format!("{afl}");
    }
});
