//! Heap-free RSA public operation (crypto-bigint `U2048`) against the Visa test CAPK #94 vectors
//! of openemv/emv-utils (`tests/vectors/emv_rsa.txt` names the source; crypto.md §4.10,
//! emv-tlv.md §6): the CAPK checksum, issuer certificate recovery (1984-bit, e = 3) giving the
//! published issuer modulus and a valid SHA-1, SSAD recovery with that key (published DAC and
//! hash), ICC certificate recovery (1408-bit ICC key: published modulus, remainder and hash), the
//! corrupted variants, and the input checks (lengths, parity, s < n, exponents 3 / 65537).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;

use common::{Record, hx, records, s};
use payproto_crypto::ErrorKind;
use payproto_crypto::rsa::{self, public_op};
use sha1::{Digest, Sha1};

fn rec(name: &str) -> Record {
    records("emv_rsa.txt").into_iter().find(|r| s(r, "name") == name).unwrap()
}

fn recover(n: &[u8], e: &[u8], x: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; n.len()];
    assert_eq!(public_op(n, e, x, &mut out).unwrap(), n.len());
    out
}

/// EMV Book 2 recovered-data frame: header 6A, trailer BC, and SHA-1 over the bytes between
/// header and hash, followed by `extra` (remainder, exponent, static data), equals the hash field.
fn frame_ok(m: &[u8], extra: &[u8]) -> bool {
    let hash_at = m.len() - 21;
    let mut h = Sha1::new();
    h.update(&m[1..hash_at]);
    h.update(extra);
    m[0] == 0x6A && m[m.len() - 1] == 0xBC && h.finalize()[..] == m[hash_at..m.len() - 1]
}

fn capk() -> (Vec<u8>, Vec<u8>) {
    let c = rec("capk");
    (hx(&c, "modulus"), hx(&c, "exponent"))
}

#[test]
fn capk_checksum_matches_transcription() {
    let c = rec("capk");
    let mut h = Sha1::new();
    h.update(hx(&c, "rid"));
    h.update(hx(&c, "index"));
    h.update(hx(&c, "modulus"));
    h.update(hx(&c, "exponent"));
    assert_eq!(h.finalize()[..], hx(&c, "checksum")[..]);
}

fn issuer_key() -> (Vec<u8>, Vec<u8>) {
    let r = rec("issuer_cert");
    (hx(&r, "issuer_modulus"), hx(&r, "issuer_exponent"))
}

#[test]
fn issuer_certificate_recovery() {
    let (n, e) = capk();
    let r = rec("issuer_cert");
    let m = recover(&n, &e, &hx(&r, "cert"));
    assert_eq!(m.len(), 248);
    assert_eq!(m[1], 0x02, "format: issuer certificate");
    assert_eq!(m[2..6], hx(&r, "issuer_id")[..]);
    assert_eq!(m[6..8], hx(&r, "expiry")[..]);
    assert_eq!(m[8..11], hx(&r, "serial")[..]);
    assert_eq!(
        (m[11], m[12], m[13], m[14]),
        (0x01, 0x01, 176, 1),
        "SHA-1, RSA, 176-byte key, 1-byte exponent"
    );
    let im = hx(&r, "issuer_modulus");
    assert_eq!(m[15..15 + 176], im[..]);
    assert!(m[15 + 176..248 - 21].iter().all(|b| *b == 0xBB), "BB padding");
    assert!(frame_ok(&m, &hx(&r, "issuer_exponent")));
    // The corrupted certificate recovers to something that fails the frame checks.
    let bad = recover(&n, &e, &hx(&r, "bad_cert"));
    assert_ne!(bad, m);
    assert!(!frame_ok(&bad, &hx(&r, "issuer_exponent")));
}

#[test]
fn ssad_recovery_with_the_issuer_key() {
    let (n, e) = issuer_key();
    let r = rec("ssad");
    let m = recover(&n, &e, &hx(&r, "ssad"));
    assert_eq!((m[0], m[1], m[2]), (0x6A, 0x03, 0x01));
    assert_eq!(m[3..5], hx(&r, "dac")[..]);
    assert_eq!(m[176 - 21..175], hx(&r, "hash")[..]);
    assert_eq!(m[175], 0xBC);
    let bad = recover(&n, &e, &hx(&r, "bad_ssad"));
    assert!(bad[0] != 0x6A || bad[175] != 0xBC || bad[176 - 21..175] != hx(&r, "hash")[..]);
}

#[test]
fn icc_certificate_recovery() {
    let (n, e) = issuer_key();
    let r = rec("icc_cert");
    let m = recover(&n, &e, &hx(&r, "cert"));
    assert_eq!((m[0], m[1]), (0x6A, 0x04));
    assert_eq!(m[2..12], hx(&r, "pan")[..]);
    assert_eq!(m[12..14], hx(&r, "expiry")[..]);
    assert_eq!(m[14..17], hx(&r, "serial")[..]);
    assert_eq!((m[17], m[18], m[19], m[20]), (0x01, 0x01, 176, 1));
    let icc = hx(&r, "icc_modulus");
    let leftmost = 176 - 42;
    assert_eq!(m[21..21 + leftmost], icc[..leftmost]);
    assert_eq!(icc[leftmost..], hx(&r, "remainder")[..]);
    assert_eq!(m[176 - 21..175], hx(&r, "hash")[..]);
    let bad = recover(&n, &e, &hx(&r, "bad_cert"));
    assert_ne!(bad[176 - 21..175], hx(&r, "hash")[..]);
}

#[test]
fn exponent_65537_identities() {
    // (n − 1)^e ≡ −1 and 1^e ≡ 1, 0^e ≡ 0 for odd e (no value computed by the code under test).
    let (n, _) = capk();
    let e = [0x01, 0x00, 0x01];
    let mut n_minus_1 = n.clone();
    *n_minus_1.last_mut().unwrap() -= 1; // n is odd: no borrow
    assert_eq!(recover(&n, &e, &n_minus_1), n_minus_1);
    let mut one = vec![0u8; n.len()];
    *one.last_mut().unwrap() = 1;
    assert_eq!(recover(&n, &e, &one), one);
    let zero = vec![0u8; n.len()];
    assert_eq!(recover(&n, &e, &zero), zero);
    assert_eq!(rsa::exponent_value(&[0x00, 0x01, 0x00, 0x01]).unwrap(), 65_537);
}

#[test]
fn input_checks() {
    let (n, e) = capk();
    let mut out = [0u8; 256];
    let err = |n: &[u8], e: &[u8], x: &[u8], out: &mut [u8]| public_op(n, e, x, out).unwrap_err().kind;
    let x = vec![1u8; n.len()];
    assert_eq!(err(&[0xFF; 249], &e, &[1; 249], &mut out), ErrorKind::InvalidLength, "over 1984 bits");
    assert_eq!(err(&[], &e, &[], &mut out), ErrorKind::InvalidLength);
    assert_eq!(err(&n, &e, &x[1..], &mut out), ErrorKind::InvalidLength, "input shorter than modulus");
    assert_eq!(err(&n, &e, &x, &mut out[..10]), ErrorKind::InvalidLength, "short output");
    assert_eq!(err(&n, &e, &n, &mut out), ErrorKind::OutOfRange, "input = modulus");
    assert_eq!(err(&n, &e, &[0xFF; 248], &mut out), ErrorKind::OutOfRange, "input > modulus");
    let mut even = n.clone();
    *even.last_mut().unwrap() &= 0xFE;
    assert_eq!(err(&even, &e, &x, &mut out), ErrorKind::OutOfRange, "even modulus");
    let mut lead0 = n.clone();
    lead0[0] = 0;
    assert_eq!(err(&lead0, &e, &x, &mut out), ErrorKind::OutOfRange, "leading zero byte");
    for bad_e in [&[0x05][..], &[0x01, 0x00, 0x00], &[], &[0x01, 0x00, 0x01, 0x00, 0x00]] {
        assert_eq!(err(&n, bad_e, &x, &mut out), ErrorKind::Unsupported, "exponent {bad_e:02X?}");
    }
}

// ---- The private operation for simulators (`rsa::private_op_vartime`), against Python's
// `pow(m, d, n)` in `emv/tests/gen/sim_pki.py` (`tests/vectors/rsa_private.txt`): a 1024-bit ICC
// key and the 1984-bit CA key of the simulated cards' synthetic PKI.

fn private_rec(name: &str) -> Record {
    records("rsa_private.txt").into_iter().find(|r| s(r, "name") == name).unwrap()
}

#[test]
fn private_op_matches_python_signature_and_public_op_recovers_it() {
    for name in ["icc1024", "ca1984"] {
        let r = private_rec(name);
        let (n, d, e, m, sig) =
            (hx(&r, "modulus"), hx(&r, "d"), hx(&r, "exponent"), hx(&r, "message"), hx(&r, "signature"));
        let mut out = [0u8; 256];
        let len = rsa::private_op_vartime(&n, &d, &m, &mut out).unwrap();
        assert_eq!(len, n.len(), "{name}");
        assert_eq!(out[..len], sig[..], "{name}: signature differs from Python's pow(m, d, n)");
        // The public operation takes it back to the message (and the Book 2 frame holds).
        assert_eq!(recover(&n, &e, &out[..len]), m, "{name}");
        // Decryption direction: private(public(x)) = x.
        let c = recover(&n, &e, &m);
        let mut back = [0u8; 256];
        rsa::private_op_vartime(&n, &d, &c, &mut back).unwrap();
        assert_eq!(back[..len], m[..], "{name}");
    }
}

#[test]
fn private_op_input_checks() {
    let r = private_rec("icc1024");
    let (n, d, m) = (hx(&r, "modulus"), hx(&r, "d"), hx(&r, "message"));
    let mut out = [0u8; 256];
    let kind = |res: payproto_crypto::Result<usize>| res.unwrap_err().kind;
    assert_eq!(kind(rsa::private_op_vartime(&n, &[], &m, &mut out)), ErrorKind::InvalidLength);
    assert_eq!(kind(rsa::private_op_vartime(&n, &[0, 0], &m, &mut out)), ErrorKind::OutOfRange);
    let long_d = [1u8; 129];
    assert_eq!(kind(rsa::private_op_vartime(&n, &long_d, &m, &mut out)), ErrorKind::InvalidLength);
    assert_eq!(kind(rsa::private_op_vartime(&n, &d, &m[1..], &mut out)), ErrorKind::InvalidLength);
    assert_eq!(kind(rsa::private_op_vartime(&n, &d, &n, &mut out)), ErrorKind::OutOfRange);
    assert_eq!(kind(rsa::private_op_vartime(&n, &d, &m, &mut out[..127])), ErrorKind::InvalidLength);
    let mut even = n.clone();
    *even.last_mut().unwrap() &= 0xFE;
    let mut small = m.clone();
    small[0] = 0;
    assert_eq!(kind(rsa::private_op_vartime(&even, &d, &small, &mut out)), ErrorKind::OutOfRange);
    // Leading zero bytes of the exponent change nothing.
    let trimmed: Vec<u8> = d.iter().copied().skip_while(|b| *b == 0).collect();
    let mut padded = vec![0u8; n.len() - trimmed.len()];
    padded.extend_from_slice(&trimmed);
    let mut a = [0u8; 256];
    rsa::private_op_vartime(&n, &trimmed, &m, &mut a).unwrap();
    rsa::private_op_vartime(&n, &padded, &m, &mut out).unwrap();
    assert_eq!(a[..128], out[..128]);
    assert_eq!(a[..128], hx(&r, "signature")[..]);
}
