//! Alternating-rounds timing of the TLV walk contenders (see `contenders/mod.rs`): each round
//! times every contender once (a batch of iterations each), in rotating order, and the report is
//! the median per contender and its ratio to payproto's `Walk` — robust to load from other
//! processes on the machine, which hits all contenders of a round alike.
//!
//! `cargo bench -p payproto-tlv --bench walk_race` (the numbers in BENCHMARKS.md come from here).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    missing_docs
)]

mod contenders;

use core::hint::black_box;
use std::time::Instant;

fn main() {
    let set = contenders::data_set();
    let total: usize = set.iter().map(Vec::len).sum();
    let sum = contenders::check_agreement(&set);
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(201);
    let batch: usize = std::env::var("BATCH").ok().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let n = contenders::CONTENDERS.len();
    let mut samples = vec![Vec::with_capacity(rounds); n];
    for r in 0..rounds {
        for k in 0..n {
            let i = (r + k) % n;
            let f = contenders::CONTENDERS[i].1;
            let t = Instant::now();
            for _ in 0..batch {
                black_box(f(black_box(&set)));
            }
            samples[i].push(t.elapsed().as_nanos() as f64 / batch as f64);
        }
    }
    let medians: Vec<f64> = samples
        .iter_mut()
        .map(|s| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        })
        .collect();
    println!(
        "data set: {} responses, {} bytes, {} objects; {} rounds x {} iterations",
        set.len(),
        total,
        sum.objects,
        rounds,
        batch
    );
    println!("{:<22} {:>12} {:>22}", "contender", "median ns", "time / payproto_walk");
    for (i, (name, _)) in contenders::CONTENDERS.iter().enumerate() {
        println!("{:<22} {:>12.0} {:>22.2}", name, medians[i], medians[i] / medians[0]);
    }
}
