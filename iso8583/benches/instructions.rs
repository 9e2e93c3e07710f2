//! Deterministic companion of `benches/codec.rs`: runs unpack and pack of the same two 0200
//! messages `ITER` times each, in `#[inline(never)]` wrappers, for instruction counts under
//! valgrind callgrind (`.ci/bench-instructions-iso8583.sh`), which the machine's load does not
//! disturb. With `ISO_TIME=1` it also prints the minimum over 2000 batches of 1000 operations of
//! the wall time per operation (min-of-N: the batch least disturbed by other load).
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use core::hint::black_box;

use payproto_iso8583::spec::Spec;
use payproto_iso8583::specs::{CUP_POS, ISO87_ASCII};
use payproto_iso8583::{Fields, pack, unpack};

#[path = "common/messages.rs"]
mod messages;

const ITER: usize = 1000;

/// Minimum over 2000 batches (each short enough to fit in one scheduler time slice) of the time per call of `f` (which runs `ITER` operations), in ns.
fn min_of_n(mut f: impl FnMut() -> usize) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..2000 {
        let t = std::time::Instant::now();
        black_box(f());
        best = best.min(t.elapsed().as_secs_f64() * 1e9 / ITER as f64);
    }
    best
}

#[inline(never)]
fn iso87_unpack(spec: &'static Spec, bytes: &[u8]) -> usize {
    let mut n = 0;
    for _ in 0..ITER {
        n += unpack(spec, black_box(bytes)).map(|m| m.len()).unwrap_or(0);
    }
    n
}

#[inline(never)]
fn iso87_pack(spec: &'static Spec, fields: &Fields<'_>, buf: &mut [u8]) -> usize {
    let mut n = 0;
    for _ in 0..ITER {
        n += pack(spec, black_box(fields), black_box(&mut *buf)).unwrap_or(0);
    }
    n
}

#[inline(never)]
fn cup_unpack(spec: &'static Spec, bytes: &[u8]) -> usize {
    let mut n = 0;
    for _ in 0..ITER {
        n += unpack(spec, black_box(bytes)).map(|m| m.len()).unwrap_or(0);
    }
    n
}

#[inline(never)]
fn cup_pack(spec: &'static Spec, fields: &Fields<'_>, buf: &mut [u8]) -> usize {
    let mut n = 0;
    for _ in 0..ITER {
        n += pack(spec, black_box(fields), black_box(&mut *buf)).unwrap_or(0);
    }
    n
}

fn prepare<'v>(spec: &Spec, header: &'v [u8], values: &'v [(usize, Vec<u8>)]) -> (Fields<'v>, Vec<u8>) {
    let mut fields = Fields::new(*b"0200").with_header(header);
    for (de, v) in values {
        fields.set(*de, v);
    }
    let mut buf = [0u8; 1024];
    let n = pack(spec, &fields, &mut buf).unwrap();
    (fields, buf[..n].to_vec())
}

fn main() {
    let (iv, cv) = (messages::iso87_values(), messages::cup_values());
    let (ifields, ibytes) = prepare(&ISO87_ASCII, &[], &iv);
    let (cfields, cbytes) = prepare(&CUP_POS, &messages::CUP_HEADER, &cv);
    let mut buf = [0u8; 1024];
    let total = iso87_unpack(&ISO87_ASCII, &ibytes)
        + iso87_pack(&ISO87_ASCII, &ifields, &mut buf)
        + cup_unpack(&CUP_POS, &cbytes)
        + cup_pack(&CUP_POS, &cfields, &mut buf);
    assert_eq!(total, ITER * 2 * (ibytes.len() + cbytes.len()));
    if std::env::var_os("ISO_TIME").is_some() {
        println!("iso87-ascii unpack {:.1} ns", min_of_n(|| iso87_unpack(&ISO87_ASCII, &ibytes)));
        println!("iso87-ascii pack {:.1} ns", min_of_n(|| iso87_pack(&ISO87_ASCII, &ifields, &mut buf)));
        println!("cup-pos unpack {:.1} ns", min_of_n(|| cup_unpack(&CUP_POS, &cbytes)));
        println!("cup-pos pack {:.1} ns", min_of_n(|| cup_pack(&CUP_POS, &cfields, &mut buf)));
    }
}
