//! Allocation test: unpack and pack of the benchmark messages (benches/common/messages.rs)
//! perform zero heap allocations, counted by a global allocator (`stats_alloc`; the workspace
//! forbids writing the unsafe `GlobalAlloc` impl here). `harness = false`: single-threaded, so
//! nothing else allocates while counting.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use std::alloc::System;

use payproto_iso8583::specs::{CUP_POS, ISO87_ASCII};
use payproto_iso8583::{Fields, pack, unpack};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[path = "../benches/common/messages.rs"]
mod messages;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn main() {
    for (spec, header, values) in [
        (&ISO87_ASCII, &[][..], messages::iso87_values()),
        (&CUP_POS, &messages::CUP_HEADER[..], messages::cup_values()),
    ] {
        let mut fields = Fields::new(*b"0200").with_header(header);
        for (de, v) in &values {
            fields.set(*de, v);
        }
        let mut buf = [0u8; 1024];
        let mut total = 0usize;
        let region = Region::new(GLOBAL);
        for _ in 0..100 {
            let n = pack(spec, &fields, &mut buf).unwrap();
            let m = unpack(spec, &buf[..n]).unwrap();
            total += m.fields().count();
            for f in m.fields() {
                total += f.canonical().count();
            }
        }
        let stats = region.change();
        assert_eq!(
            (stats.allocations, stats.reallocations),
            (0, 0),
            "{}: heap allocations during pack/unpack",
            spec.name
        );
        assert!(total > 100 * values.len());
        println!("{}: 100 × (pack + unpack + decode every value): 0 allocations", spec.name);
    }
}
