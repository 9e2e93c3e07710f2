#![no_main]
//! Fuzz target (payproto-emv): never panics on any input; a parsed command APDU re-encodes to the same bytes; a response splits off its status word.
use libfuzzer_sys::fuzz_target;
use payproto_emv::apdu::{Command, Response};

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = Command::parse(data) {
        let mut out = [0u8; 300];
        let n = c.encode(&mut out).expect("parsed command re-encodes");
        assert_eq!(&out[..n], data);
    }
    if let Ok(r) = Response::parse(data) {
        assert_eq!(r.data.len() + 2, data.len());
    }
});
