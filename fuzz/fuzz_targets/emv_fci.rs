#![no_main]
//! Fuzz target (payproto-emv): never panics on any input; a parsed FCI re-reads consistently.
use libfuzzer_sys::fuzz_target;
use payproto_emv::apdu::{Fci, directory_entries};

fuzz_target!(|data: &[u8]| {
    if let Ok(fci) = Fci::parse(data) {
        assert!((5..=16).contains(&fci.df_name.len()));
        if let Some(d) = fci.discretionary {
            let _ = directory_entries(d, &mut |e| assert!((5..=16).contains(&e.adf_name.len())));
        }
    }
    let _ = directory_entries(data, &mut |e| assert!((5..=16).contains(&e.adf_name.len())));
});
