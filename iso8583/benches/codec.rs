//! Criterion benchmarks: unpack (full validation) and pack (full validation) of a typical 0200
//! with 25 data elements incl. DE 55, under iso87-ascii and cup-pos. Compare with
//! `benches/pyiso_bench.py` (pyiso8583 on the same bytes).
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use core::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use payproto_iso8583::spec::Spec;
use payproto_iso8583::specs::{CUP_POS, ISO87_ASCII};
use payproto_iso8583::{Fields, pack, unpack};

#[path = "common/messages.rs"]
mod messages;

fn bench_spec(c: &mut Criterion, spec: &'static Spec, header: &[u8], values: &[(usize, Vec<u8>)]) {
    let mut fields = Fields::new(*b"0200").with_header(header);
    for (de, v) in values {
        fields.set(*de, v);
    }
    let mut buf = [0u8; 1024];
    let n = pack(spec, &fields, &mut buf).unwrap();
    let bytes = buf[..n].to_vec();
    assert_eq!(unpack(spec, &bytes).unwrap().fields().count(), values.len());
    std::fs::write(format!("{}/target-bench-{}.hex", std::env::temp_dir().display(), spec.name), {
        bytes.iter().map(|b| format!("{b:02X}")).collect::<String>()
    })
    .unwrap();
    let mut g = c.benchmark_group(spec.name);
    g.bench_function("unpack", |b| b.iter(|| unpack(spec, black_box(&bytes)).map(|m| m.len())));
    g.bench_function("pack", |b| b.iter(|| pack(spec, black_box(&fields), black_box(&mut buf))));
    g.finish();
}

fn codec(c: &mut Criterion) {
    bench_spec(c, &ISO87_ASCII, &[], &messages::iso87_values());
    bench_spec(c, &CUP_POS, &messages::CUP_HEADER, &messages::cup_values());
}

criterion_group!(benches, codec);
criterion_main!(benches);
