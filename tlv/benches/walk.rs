//! Criterion benchmark: walk every object of real EMV responses (see `contenders/mod.rs`).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    missing_docs
)]

mod contenders;

use core::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let set = contenders::data_set();
    let total: usize = set.iter().map(Vec::len).sum();
    let sum = contenders::check_agreement(&set);
    eprintln!("data set: {} responses, {} bytes, {} objects", set.len(), total, sum.objects);
    let mut g = c.benchmark_group("walk");
    g.throughput(criterion::Throughput::Bytes(total as u64));
    for &(name, f) in contenders::CONTENDERS {
        g.bench_function(name, |b| b.iter(|| f(black_box(&set))));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
