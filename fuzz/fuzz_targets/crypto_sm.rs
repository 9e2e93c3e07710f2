//! National algorithms on untrusted input: SM2 public-key and signature parsing and verification
//! (the SM2 arithmetic is outside the panic-freedom link check, so it is fuzzed here), and the
//! UnionPay SM4 PIN block, sign-on field 62, track data and MAC. Must never panic.
//!
//! Input layout: `op ‖ n ‖ first n bytes ‖ m ‖ next m bytes ‖ rest`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use payproto_crypto::pin::Pan;
use payproto_crypto::sm::{cup, sig};
use payproto_crypto::{Algorithm, Key};

fn take(d: &[u8]) -> (&[u8], &[u8]) {
    match d.split_first() {
        Some((&n, rest)) => rest.split_at(usize::from(n).min(rest.len())),
        None => (&[], &[]),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&op, rest)) = data.split_first() else { return };
    let (a, rest) = take(rest);
    let (b, rest) = take(rest);
    match op % 4 {
        0 => {
            // a = public key, b = signature, rest = message; default ID and ID = message.
            let _ = sig::verify(a, None, rest, b);
            let _ = sig::verify(a, Some(rest), b, b);
            if let Ok(s) = sig::Signature::from_bytes(b) {
                let _ = s.to_bytes();
            }
            if let Ok(k) = sig::PublicKey::from_bytes(a) {
                let _ = k.z(rest);
            }
        }
        1 => {
            let key = Key::new(Algorithm::Sm4, &[0x5A; 16]).ok();
            if let (Some(k), Ok(pan)) = (key, Pan::new(a)) {
                let _ = cup::decrypt_pin_block(&k, b, &pan);
            }
        }
        2 => {
            if let Ok(tmk) = Key::new(Algorithm::Sm4, &[0x11; 16]) {
                let _ = cup::decrypt_sign_on_keys(&tmk, rest);
                let _ = cup::decrypt_working_key(&tmk, a, b);
            }
        }
        _ => {
            if let Ok(k) = Key::new(Algorithm::Sm4, &[0x22; 16]) {
                let mut t = rest.to_vec();
                let _ = cup::encrypt_track(&k, &mut t);
                let _ = cup::decrypt_track(&k, &mut t);
                let _ = cup::mac(&k, a);
                let _ = cup::mac_verify(&k, a, b);
            }
        }
    }
});
