//! See `Cargo.toml`: a link-time proof that no entry point can reach a panic.
//!
//! Each check function takes its inputs through `core::hint::black_box`, so the optimiser knows
//! nothing about them: a panic that any input could trigger stays in the binary.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

mod tlv_checks;

unsafe extern "C" {
    /// Deliberately never defined.
    fn payproto_panic_path_reachable() -> !;
}

#[panic_handler]
fn panic(_info: &PanicInfo<'_>) -> ! {
    // SAFETY: never called in a passing build: the link fails if this stays reachable.
    unsafe { payproto_panic_path_reachable() }
}

/// Opaque input bytes: the optimiser cannot know their content or length.
static INPUT: [u8; 4096] = [0; 4096];

fn input() -> &'static [u8] {
    black_box(INPUT.get(..black_box(4096)).unwrap_or(&[]))
}

fn sink<T>(x: T) {
    black_box(x);
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    tlv_checks::run(input, sink);
    loop {
        core::hint::spin_loop();
    }
}
