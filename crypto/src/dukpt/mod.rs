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

/// Checks a KSN counter: not zero, at most `max_ones` one-bits (X9.24-1 A.2: 10; X9.24-3 6.1: 16).
pub(crate) fn validate_counter(tc: u32, max_ones: u32, too_many: &'static str) -> crate::error::Result<()> {
    use crate::error::{Error, ErrorKind};
    if tc == 0 {
        return Err(Error::new(ErrorKind::InvalidKsn, "ksn counter is zero"));
    }
    if tc.count_ones() > max_ones {
        return Err(Error::at(ErrorKind::InvalidKsn, too_many, tc as usize));
    }
    Ok(())
}

/// The terminal's register step both schemes share (X9.24-1 A.2, X9.24-3 6.4): takes the register
/// of the counter's lowest set bit, regenerates every lower register from it with `regen(current,
/// counter | bit)` when the counter has fewer than `max_ones` one-bits, erases the used register
/// and clears its valid bit. Returns the used register's key.
pub(crate) fn take_register<R, const N: usize>(
    registers: &mut [R; N],
    valid: &mut u32,
    tc: u32,
    max_ones: u32,
    mut regen: impl FnMut(&R, u32) -> crate::error::Result<R>,
) -> crate::error::Result<R>
where
    R: Copy + zeroize::Zeroize,
{
    use crate::error::{Error, ErrorKind};
    if tc == 0 {
        return Err(Error::new(ErrorKind::Exhausted, "ksn counter"));
    }
    let lsb = lowest_bit(tc);
    let idx = lsb.trailing_zeros() as usize;
    if *valid & lsb == 0 {
        return Err(Error::at(ErrorKind::CorruptState, "key register", idx));
    }
    let current = *registers.get(idx).ok_or(Error::new(ErrorKind::CorruptState, "register"))?;
    if tc.count_ones() < max_ones {
        let mut bit = lsb >> 1;
        while bit != 0 {
            let j = bit.trailing_zeros() as usize;
            let k = regen(&current, tc | bit)?;
            if let Some(reg) = registers.get_mut(j) {
                *reg = k;
                *valid |= bit;
            }
            bit >>= 1;
        }
    }
    if let Some(reg) = registers.get_mut(idx) {
        reg.zeroize();
    }
    *valid &= !lsb;
    Ok(current)
}
