//! Built-in specs. Pure const data: no code path is specific to a dialect.

mod cup;
mod iso87;
mod iso93;

pub use cup::{CUP_F60, CUP_F63, CUP_POS};
pub use iso87::{ISO87_ASCII, ISO87_BINARY, MASTERCARD_DE48, POSTILION_DE127, VISA_VSDC_DE55};
pub use iso93::ISO93_ASCII;

use crate::spec::{Field, Spec};

/// Every built-in spec.
pub static ALL: [&Spec; 4] = [&ISO87_ASCII, &ISO87_BINARY, &ISO93_ASCII, &CUP_POS];

/// A built-in spec by name (`iso87-ascii`, `iso87-binary`, `iso93-ascii`, `cup-pos`).
pub fn by_name(name: &str) -> Option<&'static Spec> {
    ALL.iter().copied().find(|s| s.name == name)
}

/// Length kind of an attribute-table row.
#[derive(Copy, Clone)]
pub(crate) enum Kind {
    /// Fixed.
    F,
    /// Two-digit length.
    Ll,
    /// Three-digit length.
    Lll,
}

/// Builds a field table from `(number, field)` rows. Runs at compile time only: an index out of
/// range is a compile error, which is why indexing is allowed here.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
pub(crate) const fn table<const N: usize>(rows: &[(u8, Field)]) -> [Option<Field>; N] {
    let mut out: [Option<Field>; N] = [None; N];
    let mut i = 0;
    while i < rows.len() {
        out[rows[i].0 as usize] = Some(rows[i].1);
        i += 1;
    }
    out
}
