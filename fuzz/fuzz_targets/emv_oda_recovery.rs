#![no_main]
//! Fuzz target (payproto-emv): offline data authentication recovery (EMV 4.4 Book 2 §5.3, §5.4,
//! §6.4, §6.5) never panics, whatever the recovered data. Raw random certificates almost never get
//! past the header check, so the harness signs fuzzer-chosen *recovered* data with a test private
//! key (the simulator's demo-online ICC key, which here plays CA, issuer and ICC) and, when asked,
//! puts the right SHA-1 into it, so the PAN, expiry, revocation, key-length, remainder and
//! dynamic-data checks all get exercised.
//!
//! Input: `[what] [flags] [remainder length] remainder… PAN(10) body…`; `what` picks the object
//! (issuer certificate, SSAD, ICC certificate, SDAD), flag bit 0 fixes the hash, bit 1 picks
//! exponent 65537 instead of 3 for the certified key.
use libfuzzer_sys::fuzz_target;
use payproto_crypto::rsa::private_op_vartime;
use payproto_emv::data::Date;
use payproto_emv::kernel::oda::{
    CaPublicKey, IccPublicKey, IssuerPublicKey, PublicKey, RevokedCertificate, recover_icc_key,
    recover_issuer_key, verify_sdad, verify_ssad,
};
use payproto_emv::sim::pki::{DEMO_ONLINE_ICC_MODULUS as N, DEMO_ONLINE_ICC_PRIVATE_EXPONENT as D};
use sha1::{Digest, Sha1};

fn take<'a>(input: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (a, b) = input.split_at(n.min(input.len()));
    *input = b;
    a
}

/// `6A ‖ header ‖ body… ‖ hash ‖ BC` of the modulus length, signed with the private key.
fn sign(header: u8, body: &[u8], extra: &[&[u8]], fix_hash: bool) -> Vec<u8> {
    let n = N.len();
    let mut m = vec![0u8; n];
    m[0] = 0x6A;
    m[1] = header;
    let k = body.len().min(n - 23);
    m[2..2 + k].copy_from_slice(&body[..k]);
    if fix_hash {
        let mut h = Sha1::new();
        h.update(&m[1..n - 21]);
        for e in extra {
            h.update(e);
        }
        let digest = h.finalize();
        m[n - 21..n - 1].copy_from_slice(&digest);
    } else if let Some(tail) = body.get(k..) {
        let t = tail.len().min(20);
        m[n - 21..n - 21 + t].copy_from_slice(&tail[..t]);
    }
    m[n - 1] = 0xBC;
    let mut out = vec![0u8; n];
    let len = private_op_vartime(N, D, &m, &mut out).expect("test key signs data below its modulus");
    out.truncate(len);
    out
}

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    let [what, flags, rlen] = match take(&mut input, 3) {
        &[a, b, c] => [a, b, c],
        _ => return,
    };
    let fix_hash = flags & 1 != 0;
    let exponent: &[u8] = if flags & 2 != 0 { &[0x01, 0x00, 0x01] } else { &[0x03] };
    let remainder = take(&mut input, usize::from(rlen % 64));
    let pan = take(&mut input, 10);
    let body = input;
    let today = Date { yy: 26, month: 11, day: 24 };
    let rid = [0xA0, 0x00, 0x00, 0x09, 0x99];
    let mut h = Sha1::new();
    h.update(rid);
    h.update([0xD1]);
    h.update(N);
    h.update([0x03]);
    let checksum: [u8; 20] = h.finalize().into();
    let ca = CaPublicKey::new(rid, 0xD1, N, &[0x03], &checksum, Date { yy: 31, month: 12, day: 31 }, false)
        .expect("the test CA key loads");
    let key = PublicKey::new(N, &[0x03]).expect("test key");
    let issuer = IssuerPublicKey { key, serial: [0; 3], expiry: [0x12, 0x31] };
    let icc = IccPublicKey { key, serial: [0; 3], expiry: [0x12, 0x31] };
    let rem = (!remainder.is_empty()).then_some(remainder);
    match what % 4 {
        0 => {
            let cert = sign(0x02, body, &[remainder, exponent], fix_hash);
            let revoked = [RevokedCertificate { rid, ca_index: 0xD1, serial: [0x00, 0x00, 0x01] }];
            if let Ok(k) = recover_issuer_key(&ca, &cert, rem, exponent, pan, &today, &revoked) {
                assert!(k.key.modulus().len() <= N.len() + remainder.len());
            }
        }
        1 => {
            let static_data: &[u8] = pan;
            let ssad = sign(0x03, body, &[static_data], fix_hash);
            let _ = verify_ssad(&issuer, &ssad, &[static_data]);
        }
        2 => {
            let static_data: &[u8] = b"\x5A\x08\x47\x61\x73\x00\x00\x00\x00\x11";
            let cert = sign(0x04, body, &[remainder, exponent, static_data], fix_hash);
            let _ = recover_icc_key(&issuer, &cert, rem, exponent, pan, &today, &[static_data]);
        }
        _ => {
            let un: &[u8] = &[0x8B, 0x55, 0x63, 0x3B];
            let sdad = sign(0x05, body, &[un], fix_hash);
            if let Ok(d) = verify_sdad(&icc, &sdad, &[un]) {
                assert!(d.bytes().len() < N.len());
            }
        }
    }
});
