//! Panic-freedom smoke test for the public parsers the fuzz targets drive (TR-31 parser/unwrap,
//! PIN block decoders, KSN parsers, persisted-state decoder): the published inputs of the vector
//! files, every single-byte mutation of them, and 200,000 pseudo-random inputs (fixed seed).
//! Each call must return (Ok or a typed error) without panicking; the invariants checked are
//! rules, not values: a KSN's `next()` is valid and larger.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;
use common::{records, s};
use payproto_crypto::Key;
use payproto_crypto::dukpt::{aes, state, tdes};
use payproto_crypto::pin::{self, Format, Pan};
use payproto_crypto::tr31::KeyBlock;

fn tr31(data: &[u8], keys: &(Key, Key)) -> bool {
    let Ok(kb) = KeyBlock::parse(data) else { return false };
    for b in kb.optional_blocks() {
        let _ = (b.ksn(), b.initial_key_id());
    }
    let _ = kb.unwrap(&keys.0);
    let _ = kb.unwrap(&keys.1);
    true
}

fn pinblock(data: &[u8], keys: &(Key, Key)) {
    let Some((&sel, rest)) = data.split_first() else { return };
    let Some((&pan_len, rest)) = rest.split_first() else { return };
    let (pan, block) = rest.split_at(usize::from(pan_len).min(rest.len()));
    let pan = Pan::new(pan).ok();
    let format = Format::from_number(sel % 5).unwrap();
    if format != Format::Iso4 {
        let _ = pin::decode_clear(format, block, pan.as_ref());
    }
    if let Ok(f) = <[u8; 16]>::try_from(block) {
        let _ = pin::decode_format4_pin_field(&f);
    }
    let _ = pin::decrypt(format, if format == Format::Iso4 { &keys.1 } else { &keys.0 }, block, pan.as_ref());
}

fn ksn(data: &[u8]) {
    if let Ok(k) = tdes::Ksn::from_bytes(data) {
        let _ = k.validate();
        if let Ok(n) = k.next() {
            assert!(n.validate().is_ok() && n.counter() > k.counter());
        }
    }
    if let Ok(k) = aes::Ksn::from_bytes(data) {
        let _ = k.validate();
        if let Ok(n) = k.next() {
            assert!(n.validate().is_ok() && n.counter() > k.counter());
        }
    }
    let _ = state::decode::<tdes::Terminal>(data);
    let _ = state::decode::<aes::Terminal>(data);
}

#[test]
fn public_parsers_never_panic() {
    let keys = (Key::tdes(&[0x11; 16]).unwrap(), Key::aes(&[0x22; 32]).unwrap());
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for r in records("tr31.txt").iter().filter(|r| s(r, "kind") == "block") {
        seeds.push(s(r, "block").as_bytes().to_vec());
    }
    for r in records("ksn.txt") {
        for k in ["from", "ksn", "ksn8"] {
            if let Some(v) = r.get(k).and_then(|v| hex::decode(v).ok()) {
                seeds.push(v);
            }
        }
    }
    let mut parsed = 0;
    for seed in &seeds {
        parsed += usize::from(tr31(seed, &keys));
        ksn(seed);
        pinblock(seed, &keys);
        for i in 0..seed.len() {
            for x in [0x01u8, 0x20, 0x80, 0xFF] {
                let mut m = seed.clone();
                m[i] ^= x;
                tr31(&m, &keys);
                ksn(&m);
                pinblock(&m, &keys);
            }
            tr31(&seed[..i], &keys);
        }
    }
    assert_eq!(parsed, 11, "every published key block parses");
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..200_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % 40) as usize;
        let bytes: Vec<u8> = (0..len).map(|i| (x >> (i % 8 * 8)) as u8 ^ i as u8).collect();
        ksn(&bytes);
        pinblock(&bytes, &keys);
        tr31(&bytes, &keys);
    }
}
