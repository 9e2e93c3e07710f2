//! DUKPT: ANSI X9.24-1:2009 (TDES) and ANSI X9.24-3-2017 (AES), host and terminal side.
//!
//! Types carry the key hierarchy: base derivation key → initial key (IPEK/IK) → transaction
//! (derivation) key → working key with an explicit usage. Every derivation is generic over a
//! [`CipherProvider`](crate::cipher::CipherProvider) so a peripheral, an HSM client or a
//! counting adapter can do the block operations.

pub mod aes;
pub mod state;
pub mod tdes;

/// Lowest set bit of `x` (0 for 0).
pub(crate) const fn lowest_bit(x: u32) -> u32 {
    x & x.wrapping_neg()
}

/// Next counter after `tc` with at most `max_ones` one-bits, or `None` when it would exceed `limit`.
/// Adds 1, then, while the counter has too many one-bits, adds its lowest set bit.
pub(crate) fn next_counter(tc: u32, max_ones: u32, limit: u32) -> Option<u32> {
    let mut t = tc.checked_add(1)?;
    while t.count_ones() > max_ones {
        t = t.checked_add(lowest_bit(t))?;
    }
    (t <= limit).then_some(t)
}
