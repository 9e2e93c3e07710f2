//! The two DUKPT performance bars of issue 3, each next to its floor measured in the same run:
//!
//! 1. AES-128 DUKPT host key at counter `FFFF0000` (16 derivation steps + the PIN working key)
//!    vs the floor "17 AES-128 key expansions + 17 block encryptions" (raw RustCrypto `aes`);
//! 2. TDES DUKPT host PIN key from the BDK at the worst counter `…FFF800` (IPEK + 10 NRKG steps)
//!    vs the floor "2 two-key TDES encryptions (with key setup) + 20 single-DES key schedules +
//!    20 single-DES blocks" (raw RustCrypto `des`).
//!
//! After criterion's own report, a paired measurement prints ratio = derivation / floor for each
//! bar (target ≤ 1.2); with `PAYPROTO_BENCH_ENFORCE=1` a ratio above 1.2 fails the run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use core::hint::black_box;
use core::time::Duration;
use criterion::Criterion;
use payproto_crypto::cipher::Soft;
use payproto_crypto::dukpt::{aes as daes, tdes};
use std::time::Instant;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

struct Inputs {
    aes_ik: daes::InitialKey,
    aes_ksn: daes::Ksn,
    bdk: tdes::Bdk,
    tdes_ksn: tdes::Ksn,
}

fn inputs() -> Inputs {
    Inputs {
        aes_ik: daes::InitialKey::from_slice(&h("1273671EA26AC29AFA4D1084127652A1")).unwrap(),
        aes_ksn: daes::Ksn::from_bytes(&h("1234567890123456FFFF0000")).unwrap(),
        bdk: tdes::Bdk::from_slice(&h("0123456789ABCDEFFEDCBA9876543210")).unwrap(),
        tdes_ksn: tdes::Ksn::from_bytes(&h("FFFF9876543210FFF800")).unwrap(),
    }
}

fn aes_dukpt(i: &Inputs) -> [u8; 16] {
    let k = daes::derive_transaction_key(&Soft, black_box(&i.aes_ik), black_box(&i.aes_ksn)).unwrap();
    let w = k.working_key(&Soft, &i.aes_ksn, daes::KeyUsage::PinEncryption, daes::KeyType::Aes128).unwrap();
    w.as_bytes().try_into().unwrap()
}

/// 17 chained AES-128 key expansions + 17 block encryptions (each output keys the next).
fn aes_floor(seed: &[u8; 16]) -> [u8; 16] {
    let mut k = *seed;
    for i in 0..17u8 {
        let c = aes::Aes128::new(&k.into());
        let mut b = [i; 16];
        c.encrypt_block((&mut b).into());
        k = b;
    }
    k
}

fn tdes_dukpt(i: &Inputs) -> [u8; 16] {
    let k = tdes::derive_transaction_key_from_bdk(&Soft, black_box(&i.bdk), black_box(&i.tdes_ksn)).unwrap();
    *k.working_key(&Soft, tdes::Variant::Pin).as_bytes()
}

/// 2 two-key TDES encryptions with their key setups + 20 chained single-DES key schedules and blocks.
fn tdes_floor(seed: &[u8; 16]) -> [u8; 8] {
    let mut b = [0u8; 8];
    b.copy_from_slice(&seed[..8]);
    for _ in 0..2 {
        let c = des::TdesEde2::new(seed.into());
        c.encrypt_block((&mut b).into());
    }
    for _ in 0..20 {
        let c = des::Des::new(&b.into());
        c.encrypt_block((&mut b).into());
    }
    b
}

fn bench(c: &mut Criterion, i: &Inputs) {
    let aes_seed: [u8; 16] = h("1273671EA26AC29AFA4D1084127652A1").try_into().unwrap();
    let tdes_seed: [u8; 16] = h("0123456789ABCDEFFEDCBA9876543210").try_into().unwrap();
    let mut g = c.benchmark_group("aes128_host_key_FFFF0000");
    g.bench_function("floor_17_expansions_17_blocks", |b| b.iter(|| aes_floor(black_box(&aes_seed))));
    g.bench_function("dukpt_txn_plus_pin_working_key", |b| b.iter(|| aes_dukpt(i)));
    g.finish();
    let mut g = c.benchmark_group("tdes_host_key_from_bdk_FFF800");
    g.bench_function("floor_2_tdes_20_des_schedules_20_blocks", |b| {
        b.iter(|| tdes_floor(black_box(&tdes_seed)))
    });
    g.bench_function("dukpt_ipek_10_steps_pin_variant", |b| b.iter(|| tdes_dukpt(i)));
    g.finish();
}

/// Interleaved timing of `f` and `floor` (many rounds, best-of to cut scheduler noise).
fn ratio(mut f: impl FnMut(), mut floor: impl FnMut()) -> (f64, Duration, Duration) {
    const ITERS: u32 = 2_000;
    let time = |g: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..ITERS {
            g();
        }
        t.elapsed() / ITERS
    };
    let (mut best_f, mut best_floor) = (Duration::MAX, Duration::MAX);
    for _ in 0..30 {
        best_floor = best_floor.min(time(&mut floor));
        best_f = best_f.min(time(&mut f));
    }
    (best_f.as_secs_f64() / best_floor.as_secs_f64(), best_f, best_floor)
}

fn main() {
    let i = inputs();
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &i);
    c.final_summary();

    let aes_seed: [u8; 16] = h("1273671EA26AC29AFA4D1084127652A1").try_into().unwrap();
    let tdes_seed: [u8; 16] = h("0123456789ABCDEFFEDCBA9876543210").try_into().unwrap();
    let (ra, da, fa) = ratio(
        || {
            black_box(aes_dukpt(&i));
        },
        || {
            black_box(aes_floor(black_box(&aes_seed)));
        },
    );
    let (rt, dt, ft) = ratio(
        || {
            black_box(tdes_dukpt(&i));
        },
        || {
            black_box(tdes_floor(black_box(&tdes_seed)));
        },
    );
    println!("ratio aes128 FFFF0000 host key / floor = {ra:.3} ({da:?} vs {fa:?})");
    println!("ratio tdes from BDK FFF800 host key / floor = {rt:.3} ({dt:?} vs {ft:?})");
    if std::env::var_os("PAYPROTO_BENCH_ENFORCE").is_some() {
        assert!(ra <= 1.2, "AES-128 DUKPT host key exceeds 1.2x its floor: {ra:.3}");
        assert!(rt <= 1.2, "TDES DUKPT host key exceeds 1.2x its floor: {rt:.3}");
    }
}
