//! See `Cargo.toml`: a link-time proof that no entry point can reach a panic.
//!
//! Each check function takes its inputs through `core::hint::black_box`, so the optimiser knows
//! nothing about them: a panic that any input could trigger stays in the binary.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

mod crypto_checks;
mod emv2_checks;
mod emv_checks;
mod iso8583_checks;
mod tlv_checks;

/// A fixed buffer to format into (no allocator).
pub struct Buf<'a>(pub &'a mut [u8], pub usize);

impl core::fmt::Write for Buf<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &b in s.as_bytes() {
            let slot = self.0.get_mut(self.1).ok_or(core::fmt::Error)?;
            *slot = b;
            self.1 = self.1.wrapping_add(1);
        }
        Ok(())
    }
}

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
    crypto_checks::run(input, sink);
    iso8583_checks::run(input, sink);
    emv_checks::run(input, sink);
    emv2_checks::run(input, sink);
    loop {
        core::hint::spin_loop();
    }
}
