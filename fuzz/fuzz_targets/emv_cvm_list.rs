#![no_main]
//! Fuzz target (payproto-emv): never panics on any input; the rule count matches the length.
use libfuzzer_sys::fuzz_target;
use payproto_emv::data::{CvmList, CvmResults};

fuzz_target!(|data: &[u8]| {
    if let Ok(l) = CvmList::parse(data) {
        assert_eq!(l.rules().count(), (data.len() - 8) / 2);
        let _ = format!("{l}");
    }
    if let Ok(r) = CvmResults::parse(data) {
        assert_eq!(&r.bytes()[..], data);
    }
});
