//! Human-readable decoding of one data object's value by tag, through the dictionary's
//! [`Decode`] kind, for dumps such as `paytool tlv decode`.
//!
//! [`describe`] never shows sensitive values: a tag the dictionary masks ([`Masking::Pan`] or
//! [`Masking::Full`]) is described with its masked form only ([`Described`] applies
//! [`payproto_tlv::write_masked_hex`] or prints the masked track 2 view); [`describe_unmasked`] is
//! the explicit opt-in.

use core::fmt;

use payproto_tlv::{Dol, Masking, Tag, write_masked_hex};

use crate::data::{
    AdditionalTerminalCapabilities, Afl, Aip, Amount, Auc, Cid, Country, Currency, CvmList, CvmResults, Date,
    Iad, TerminalCapabilities, TerminalType, Track2, TransactionType, Tsi, Tvr,
};
use crate::dictionary::{self, Decode, Entry};

/// A decoded value, displayable without allocation. `Debug` shows the tag's name and the
/// value's length, never the value.
#[derive(Copy, Clone)]
pub struct Described<'a> {
    entry: &'static Entry,
    value: &'a [u8],
    unmasked: bool,
}

impl fmt::Debug for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Described")
            .field("tag", &format_args!("{:X}", self.entry.tag))
            .field("name", &self.entry.name)
            .field("value", &crate::redact::Len(self.value))
            .field("unmasked", &self.unmasked)
            .finish()
    }
}

/// The dictionary entry and a displayable decode of `value` for `tag` (masked when sensitive).
/// `None` when the tag is not in the dictionary.
pub fn describe(tag: Tag, value: &[u8]) -> Option<Described<'_>> {
    dictionary::lookup(tag).map(|entry| Described { entry, value, unmasked: false })
}

/// As [`describe`], showing sensitive values in clear (explicit opt-in, e.g. `--unmasked`).
pub fn describe_unmasked(tag: Tag, value: &[u8]) -> Option<Described<'_>> {
    dictionary::lookup(tag).map(|entry| Described { entry, value, unmasked: true })
}

impl Described<'_> {
    /// The tag's name.
    pub const fn name(&self) -> &'static str {
        self.entry.name
    }

    /// The dictionary entry.
    pub const fn entry(&self) -> &'static Entry {
        self.entry
    }

    /// Whether the value decodes with the tag's decoder (else `Display` shows hex).
    pub fn is_decodable(&self) -> bool {
        struct Sink;
        impl fmt::Write for Sink {
            fn write_str(&mut self, _: &str) -> fmt::Result {
                Ok(())
            }
        }
        fmt::write(&mut Sink, format_args!("{}", Decoded(self))).is_ok()
    }
}

struct Decoded<'a, 'b>(&'b Described<'a>);

fn text(f: &mut fmt::Formatter<'_>, v: &[u8]) -> fmt::Result {
    f.write_str("\"")?;
    for &b in v {
        if (0x20..0x7F).contains(&b) {
            write!(f, "{}", char::from(b))?;
        } else {
            write!(f, "\\x{b:02X}")?;
        }
    }
    f.write_str("\"")
}

impl fmt::Display for Decoded<'_, '_> {
    /// Errors (`fmt::Error`) when the value does not decode; the caller falls back to hex.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        let v = d.value;
        let e = |_| fmt::Error;
        match d.entry.decode {
            Decode::Hex => crate::data::write_hex(f, v),
            Decode::Text => text(f, v),
            Decode::Digits => {
                for b in v {
                    for n in [b >> 4, b & 0x0F] {
                        if n <= 9 {
                            write!(f, "{n}")?;
                        } else if n != 0x0F {
                            return Err(fmt::Error);
                        }
                    }
                }
                Ok(())
            }
            Decode::Number => {
                if v.is_empty() || v.len() > 8 {
                    return Err(fmt::Error);
                }
                let n = v.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
                write!(f, "{n}")
            }
            Decode::Date => write!(f, "{}", Date::parse(v).map_err(e)?),
            Decode::Amount => write!(f, "{}", Amount::parse(v).map_err(e)?),
            Decode::Currency => write!(f, "{}", Currency::parse(v).map_err(e)?),
            Decode::Country => write!(f, "{}", Country::parse(v).map_err(e)?),
            Decode::Dol => {
                let mut first = true;
                for item in Dol::new(v) {
                    let item = item.map_err(|_| fmt::Error)?;
                    if !first {
                        f.write_str(", ")?;
                    }
                    first = false;
                    write!(f, "{} ({} bytes)", item.tag, item.len)?;
                }
                Ok(())
            }
            Decode::Aip => write!(f, "{}", Aip::parse(v).map_err(e)?),
            Decode::Afl => write!(f, "{}", Afl::parse(v).map_err(e)?),
            Decode::Auc => write!(f, "{}", Auc::parse(v).map_err(e)?),
            Decode::CvmList => write!(f, "{}", CvmList::parse(v).map_err(e)?),
            Decode::CvmResults => write!(f, "{}", CvmResults::parse(v).map_err(e)?),
            Decode::Tvr => write!(f, "{}", Tvr::parse(v).map_err(e)?),
            Decode::Tsi => write!(f, "{}", Tsi::parse(v).map_err(e)?),
            Decode::TerminalCapabilities => write!(f, "{}", TerminalCapabilities::parse(v).map_err(e)?),
            Decode::AdditionalTerminalCapabilities => {
                write!(f, "{}", AdditionalTerminalCapabilities::parse(v).map_err(e)?)
            }
            Decode::TerminalType => write!(f, "{}", TerminalType::parse(v).map_err(e)?),
            Decode::Cid => write!(f, "{}", Cid::parse(v).map_err(e)?),
            Decode::Iad => write!(f, "{}", Iad::parse(v).map_err(e)?),
            Decode::Track2 => {
                let t = Track2::parse(v).map_err(e)?;
                if d.unmasked { write!(f, "{}", t.unmasked()) } else { write!(f, "{t}") }
            }
            Decode::TransactionType => write!(f, "{}", TransactionType::parse(v).map_err(e)?),
        }
    }
}

impl fmt::Display for Described<'_> {
    /// The decoded value; when it does not decode, hex. Sensitive values are masked unless
    /// created by [`describe_unmasked`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masking = if self.unmasked { Masking::Clear } else { self.entry.masking };
        match (masking, self.entry.decode) {
            (Masking::Clear, _) | (_, Decode::Track2) if self.is_decodable() => {
                write!(f, "{}", Decoded(self))
            }
            (Masking::Clear, _) => crate::data::write_hex(f, self.value),
            (m, _) => write_masked_hex(f, self.value, m),
        }
    }
}
