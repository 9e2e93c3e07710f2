//! Typed decoders for EMV data elements, each with `Display`.
//!
//! Every decoder takes the value bytes of its data object (no tag, no length) and checks the
//! length once; accessors then cannot fail. Bit-field types ([`Tvr`], [`Tsi`], [`Aip`] …) expose
//! their bits as named constants of type [`Bit`] (byte numbered from 1 and bit mask, as the books
//! write "B1b8"), a `NAMES` table, `contains`/`set`/`clear`, and `Display` listing the set bits.

use core::fmt;

use crate::error::{Error, ErrorKind};

pub mod afl;
pub mod aip;
pub mod auc;
pub mod cid;
pub mod cvm;
pub mod iad;
pub mod terminal;
pub mod track2;
pub mod tsi;
pub mod tvr;
pub mod values;

pub use afl::{Afl, AflEntry};
pub use aip::Aip;
pub use auc::Auc;
pub use cid::{Cid, CryptogramType};
pub use cvm::{CvRule, CvmCondition, CvmList, CvmMethod, CvmResult, CvmResults};
pub use iad::{Iad, McCvr, VisaCvr};
pub use terminal::{AdditionalTerminalCapabilities, TerminalCapabilities, TerminalType};
pub use track2::Track2;
pub use tsi::Tsi;
pub use tvr::Tvr;
pub use values::{Amount, Country, Currency, Date, TransactionType};

/// One bit of a multi-byte bit field: byte number (1-based, as "B3b7" in the books) and mask.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Bit {
    /// The byte, counted from 1.
    pub byte: u8,
    /// The bit mask within the byte (`0x80` = b8 … `0x01` = b1).
    pub mask: u8,
}

impl Bit {
    /// The bit `mask` of byte `byte` (1-based).
    pub const fn new(byte: u8, mask: u8) -> Self {
        Self { byte, mask }
    }

    fn index(self) -> Option<usize> {
        usize::from(self.byte).checked_sub(1)
    }
}

impl fmt::Display for Bit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = 8u32.saturating_sub(self.mask.leading_zeros());
        write!(f, "B{}b{}", self.byte, b)
    }
}

pub(crate) fn bit_is_set(bytes: &[u8], bit: Bit) -> bool {
    bit.index().and_then(|i| bytes.get(i)).is_some_and(|b| b & bit.mask != 0)
}

pub(crate) fn bit_set(bytes: &mut [u8], bit: Bit, on: bool) {
    if let Some(b) = bit.index().and_then(|i| bytes.get_mut(i)) {
        if on {
            *b |= bit.mask;
        } else {
            *b &= !bit.mask;
        }
    }
}

pub(crate) fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for b in bytes {
        write!(f, "{b:02X}")?;
    }
    Ok(())
}

pub(crate) fn exact<const N: usize>(value: &[u8]) -> Result<[u8; N], Error> {
    value.try_into().map_err(|_| Error::new(ErrorKind::BadLength, 0))
}

/// Declares a fixed-length bit-field type with named bits.
macro_rules! bitfield {
    (
        $(#[$m:meta])*
        $name:ident, $n:expr;
        $( $c:ident = ($byte:expr, $mask:expr, $text:expr); )*
    ) => {
        $(#[$m])*
        #[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name(pub [u8; $n]);

        impl $name {
            /// The length of the value in bytes.
            pub const LEN: usize = $n;
            $(
                #[doc = $text]
                pub const $c: $crate::data::Bit = $crate::data::Bit::new($byte, $mask);
            )*
            /// Every named bit with its name, in byte and bit order.
            pub const NAMES: &'static [($crate::data::Bit, &'static str)] =
                &[ $( ($crate::data::Bit::new($byte, $mask), $text), )* ];

            /// Reads the value of the data object (exactly the right number of bytes).
            pub fn parse(value: &[u8]) -> Result<Self, $crate::error::Error> {
                $crate::data::exact::<$n>(value).map(Self)
            }

            /// Whether `bit` is set.
            pub fn contains(&self, bit: $crate::data::Bit) -> bool {
                $crate::data::bit_is_set(&self.0, bit)
            }

            /// Sets `bit`.
            pub fn set(&mut self, bit: $crate::data::Bit) {
                $crate::data::bit_set(&mut self.0, bit, true)
            }

            /// Clears `bit`.
            pub fn clear(&mut self, bit: $crate::data::Bit) {
                $crate::data::bit_set(&mut self.0, bit, false)
            }

            /// The names of the set bits, in byte and bit order.
            pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
                Self::NAMES.iter().filter(|(b, _)| self.contains(*b)).map(|(_, n)| *n)
            }

            /// The set bits with their names.
            pub fn set_bits(&self) -> impl Iterator<Item = ($crate::data::Bit, &'static str)> + '_ {
                Self::NAMES.iter().copied().filter(|(b, _)| self.contains(*b))
            }

            /// The raw bytes.
            pub const fn bytes(&self) -> [u8; $n] {
                self.0
            }
        }

        impl core::fmt::Display for $name {
            /// Hex, then the names of the set bits separated by `; `.
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                $crate::data::write_hex(f, &self.0)?;
                let mut first = true;
                for name in self.names() {
                    f.write_str(if first { ": " } else { "; " })?;
                    f.write_str(name)?;
                    first = false;
                }
                Ok(())
            }
        }
    };
}
pub(crate) use bitfield;
