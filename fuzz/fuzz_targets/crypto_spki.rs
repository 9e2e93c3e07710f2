//! DER SubjectPublicKeyInfo / RSAPublicKey import never panics; what parses is consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payproto_crypto::spki::{self, PublicKeyRef};

fuzz_target!(|data: &[u8]| {
    match spki::parse(data) {
        Ok(PublicKeyRef::Rsa(k)) => assert!(!k.modulus.is_empty() && !k.exponent.is_empty()),
        Ok(PublicKeyRef::P256(p) | PublicKeyRef::Sm2(p)) => assert!(p.len() == 65 || p.len() == 33),
        Ok(_) | Err(_) => {}
    }
    let _ = spki::rsa_public_key(data);
});
