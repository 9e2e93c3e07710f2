#![no_main]
//! Fuzz target (payproto-emv): never panics on any input; a valid MPM payload's objects all parse, and CPM decodes re-encode.
use libfuzzer_sys::fuzz_target;
use payproto_emv::qr::{Mpm, base64_encode, cpm_decode};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = core::str::from_utf8(data) else { return };
    if let Ok(m) = Mpm::parse(s) {
        for o in m.objects() {
            let o = o.expect("validated payload");
            if o.is_template() {
                assert!(o.children().all(|c| c.is_ok()));
            }
        }
    }
    let mut buf = [0u8; 512];
    if let Ok(tlv) = cpm_decode(s, &mut buf) {
        let tlv = tlv.to_vec();
        let mut out = [0u8; 1024];
        assert_eq!(base64_encode(&tlv, &mut out).expect("fits"), s);
    }
});
