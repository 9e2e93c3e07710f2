//! Masking of sensitive values in human-readable dumps (PCI DSS): a small policy trait that a
//! data dictionary implements (the EMV crate's does) and that dumpers (the ISO 8583 `describe` of
//! DE 55, `paytool tlv decode`) consult, so that neither needs to know the other.

use crate::tag::Tag;

/// How a value is shown in a human-readable dump.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Masking {
    /// Shown as it is.
    Clear,
    /// A PAN: first 6 and last 4 digits shown, the rest masked.
    Pan,
    /// Fully masked (track data, PIN blocks, keys, cardholder name …); the length may be shown.
    Full,
}

/// Decides how the value of each tag is shown.
pub trait MaskPolicy {
    /// The masking for `tag`.
    fn masking(&self, tag: Tag) -> Masking;
}

/// A policy that masks nothing (an explicit opt-in to unmasked output).
#[derive(Copy, Clone, Debug, Default)]
pub struct NoMasking;

impl MaskPolicy for NoMasking {
    fn masking(&self, _tag: Tag) -> Masking {
        Masking::Clear
    }
}

/// Writes `value` as upper-case hex, masked as `masking` says: `Pan` keeps the first 6 and last 4
/// digits of a BCD PAN (nibbles shown as hex, masked nibbles as `*`), `Full` writes one `*` per
/// hex digit.
pub fn write_masked_hex(out: &mut dyn core::fmt::Write, value: &[u8], masking: Masking) -> core::fmt::Result {
    let digits = value.len().saturating_mul(2);
    for (i, nib) in value.iter().flat_map(|b| [b >> 4, b & 0x0F]).enumerate() {
        let show = match masking {
            Masking::Clear => true,
            Masking::Full => false,
            // Trailing F padding of an odd-length PAN still counts as shown (it is not a digit).
            Masking::Pan => i < 6 || i.saturating_add(4) >= digits || nib == 0x0F,
        };
        if show {
            out.write_char(char::from_digit(u32::from(nib), 16).map_or('?', |c| c.to_ascii_uppercase()))?;
        } else {
            out.write_char('*')?;
        }
    }
    Ok(())
}
