//! payproto-crypto: KSN parsing and advance, terminal state decoding, clear PIN block decoding,
//! TR-31 key block parsing and its optional blocks.
//!
//! Not linked here: operations that run a block cipher (PIN block decryption, TR-31 unwrap). The
//! RustCrypto soft AES backend keeps internal bounds checks (`fixslice::utils`) that the optimiser
//! cannot remove, so any entry point reaching AES would fail this check for code that is not ours.
//! Those operations are covered by the fuzz targets `crypto_pinblock` and `crypto_tr31` instead.
//! Likewise DER key import (`spki::parse`): RustCrypto `der` keeps a length-mismatch panic path in
//! its tag parser (`der::tag::parse_parts`); it is fuzzed by `crypto_spki`.
//!
//! National algorithms: SM2 signature parsing (r ‖ s and DER), SM3 and the SM4 block operations
//! are linked. Not linked: SM2 public-key parsing and verification (RustCrypto `sm2` /
//! `elliptic-curve` field arithmetic keeps panic branches, as `PublicKey::from_sec1_bytes` alone
//! shows) and the UnionPay SM4 rules of `sm::cup` (they go through `Key`, whose cipher set
//! includes AES).

use payproto_crypto::cipher::BlockCipher;
use payproto_crypto::dukpt::{aes, state, tdes};
use payproto_crypto::pin::{self, Format, Pan};
use payproto_crypto::sm::{self, sig};
use payproto_crypto::tr31::KeyBlock;

pub fn run(input: fn() -> &'static [u8], sink: fn(usize)) {
    if let Ok(k) = tdes::Ksn::from_bytes(input()) {
        sink(usize::from(k.validate().is_ok()));
        sink(k.counter() as usize);
        sink(usize::from(k.next().is_ok()));
    }
    if let Ok(k) = aes::Ksn::from_bytes(input()) {
        sink(usize::from(k.validate().is_ok()));
        sink(usize::from(k.next().is_ok()));
    }
    sink(usize::from(state::decode::<tdes::Terminal>(input()).is_ok()));
    sink(usize::from(state::decode::<aes::Terminal>(input()).is_ok()));

    let data = input();
    let pan = Pan::new(input()).ok();
    if let Ok(format) = Format::from_number(core::hint::black_box(0)) {
        sink(usize::from(pin::decode_clear(format, data, pan.as_ref()).is_ok()));
    }
    if let Ok(field) = <[u8; 16]>::try_from(input()) {
        sink(usize::from(pin::decode_format4_pin_field(&field).is_ok()));
    }
    if let Ok(kb) = KeyBlock::parse(input()) {
        sink(kb.header_len());
        for b in kb.optional_blocks() {
            sink(usize::from(b.ksn().is_some()));
            sink(usize::from(b.initial_key_id().is_some()));
        }
    }

    sink(usize::from(sig::Signature::from_bytes(input()).is_ok()));
    if let Ok(s) = sig::Signature::from_der(input()) {
        sink(usize::from(s.to_bytes()[0]));
    }
    sink(usize::from(sm::sm3_parts(&[input(), input()])[0]));
    if let Ok(c) = sm::SoftSm4::new_from_slice(input()) {
        let mut b = [0u8; 16];
        if let Some(src) = input().get(..16) {
            b.copy_from_slice(src);
        }
        c.encrypt_block(&mut b);
        c.decrypt_block(&mut b);
        sink(usize::from(b[0]));
    }
}
