//! DUKPT KSN parsers (TDES 8/10 bytes, AES 12 bytes), validation and advance, and the persisted
//! terminal-state decoder: must never panic on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use payproto_crypto::dukpt::{aes, state, tdes};

fuzz_target!(|data: &[u8]| {
    if let Ok(k) = tdes::Ksn::from_bytes(data) {
        let _ = k.validate();
        let _ = k.counter();
        if let Ok(n) = k.next() {
            assert!(n.validate().is_ok());
            assert!(n.counter() > k.counter());
        }
    }
    if let Ok(k) = aes::Ksn::from_bytes(data) {
        let _ = k.validate();
        if let Ok(n) = k.next() {
            assert!(n.validate().is_ok());
            assert!(n.counter() > k.counter());
        }
    }
    let _ = state::decode::<tdes::Terminal>(data);
    let _ = state::decode::<aes::Terminal>(data);
});
