#![no_main]
//! Fuzz target (payproto-emv): never panics on any input; a parsed FCI re-reads consistently;
//! directory ADF and DDF entries (`directory_entries`, `directory_ddfs`) and the redacted `Debug`
//! of the FCI never panic.
use libfuzzer_sys::fuzz_target;
use payproto_emv::apdu::{Fci, directory_ddfs, directory_entries};

fuzz_target!(|data: &[u8]| {
    if let Ok(fci) = Fci::parse(data) {
        assert!((5..=16).contains(&fci.df_name.len()));
        let _ = format!("{fci:?}");
        if let Some(d) = fci.discretionary {
            let _ = directory_entries(d, &mut |e| assert!((5..=16).contains(&e.adf_name.len())));
        }
    }
    let _ = directory_entries(data, &mut |e| assert!((5..=16).contains(&e.adf_name.len())));
    let _ = directory_ddfs(data, &mut |name| assert!((5..=16).contains(&name.len())));
});
