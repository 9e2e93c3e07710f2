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

fn hexval(c: u8) -> u64 {
    u64::from(match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'F' => c - b'A' + 10,
        _ => c.wrapping_sub(b'a').wrapping_add(10),
    })
}

/// nom 8: a 16-character hex bitmap.
fn nom_bitmap(i: &[u8]) -> nom::IResult<&[u8], u64> {
    use nom::Parser;
    let (rest, h) = nom::bytes::complete::take_while_m_n(16, 16, |c: u8| c.is_ascii_hexdigit()).parse(i)?;
    Ok((rest, h.iter().fold(0u64, |v, &c| (v << 4) | hexval(c))))
}

/// nom 8: a 3-digit ASCII length prefix.
fn nom_prefix(i: &[u8]) -> nom::IResult<&[u8], usize> {
    use nom::Parser;
    let (rest, d) = nom::bytes::complete::take_while_m_n(3, 3, |c: u8| c.is_ascii_digit()).parse(i)?;
    Ok((rest, d.iter().fold(0usize, |n, &c| n * 10 + usize::from(c - b'0'))))
}

/// The crate's shape: `first_chunk` + a checked loop.
fn hand_bitmap(i: &[u8]) -> Option<(u64, &[u8])> {
    let (b, rest) = i.split_first_chunk::<16>()?;
    let mut v = 0u64;
    for &c in b {
        if !c.is_ascii_hexdigit() {
            return None;
        }
        v = (v << 4) | hexval(c);
    }
    Some((v, rest))
}

fn hand_prefix(i: &[u8]) -> Option<(usize, &[u8])> {
    let (d, rest) = i.split_first_chunk::<3>()?;
    let mut n = 0usize;
    for &c in d {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + usize::from(c - b'0');
    }
    Some((n, rest))
}

fn nom_vs_hand(c: &mut Criterion) {
    let input: &[u8] = b"F23C46C1A8E0A00B019ABCDEF";
    assert_eq!(nom_bitmap(input).unwrap().0, hand_bitmap(input).unwrap().1);
    assert_eq!(nom_prefix(&input[16..]).unwrap().1, hand_prefix(&input[16..]).unwrap().0);
    let mut g = c.benchmark_group("nom-vs-hand");
    g.bench_function("bitmap-hex/nom", |b| b.iter(|| nom_bitmap(black_box(input)).map(|r| r.1)));
    g.bench_function("bitmap-hex/hand", |b| b.iter(|| hand_bitmap(black_box(input)).map(|r| r.0)));
    g.bench_function("prefix-lll/nom", |b| b.iter(|| nom_prefix(black_box(&input[16..])).map(|r| r.1)));
    g.bench_function("prefix-lll/hand", |b| b.iter(|| hand_prefix(black_box(&input[16..])).map(|r| r.0)));
    g.finish();
}

fn codec(c: &mut Criterion) {
    bench_spec(c, &ISO87_ASCII, &[], &messages::iso87_values());
    bench_spec(c, &CUP_POS, &messages::CUP_HEADER, &messages::cup_values());
}

criterion_group!(benches, codec, nom_vs_hand);
criterion_main!(benches);
