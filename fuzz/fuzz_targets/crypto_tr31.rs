//! TR-31 / X9.143 key block parser and unwrap: must never panic on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use payproto_crypto::Key;
use payproto_crypto::tr31::KeyBlock;

fuzz_target!(|data: &[u8]| {
    if let Ok(kb) = KeyBlock::parse(data) {
        let _ = kb.header();
        let _ = kb.header_len();
        for b in kb.optional_blocks() {
            let _ = b.ksn();
            let _ = b.initial_key_id();
        }
        // unwrap with a fixed KBPK of each family: MAC failure expected, never a panic
        if let Ok(k) = Key::tdes(&[0x11; 16]) {
            let _ = kb.unwrap(&k);
        }
        if let Ok(k) = Key::aes(&[0x22; 32]) {
            let _ = kb.unwrap(&k);
        }
    }
});
