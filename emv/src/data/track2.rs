//! Track 2 Equivalent Data, tag `57` (and Mastercard `9F6B`): PAN, separator `D`, expiry YYMM,
//! service code, discretionary data, padded with `F` to whole bytes (ISO/IEC 7813 layout in BCD).
//!
//! `Display` masks: it shows the PAN as first 6 / last 4 and the service code only. Use
//! [`Track2::unmasked`] to show everything (an explicit opt-in, as PCI DSS requires).

use core::fmt;

use crate::error::{Error, ErrorKind};

pub(crate) fn nibble(bytes: &[u8], i: usize) -> Option<u8> {
    let b = bytes.get(i / 2)?;
    Some(if i.is_multiple_of(2) { b >> 4 } else { b & 0x0F })
}

/// A validated Track 2 Equivalent Data value (a view over the bytes).
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct Track2<'a> {
    raw: &'a [u8],
    sep: usize,
    end: usize,
}

impl<'a> Track2<'a> {
    /// Validates: a PAN of 12–19 digits, the `D` separator, at least 7 digits after it (expiry
    /// and service code), digits only apart from trailing `F` padding (at most one nibble).
    pub fn parse(value: &'a [u8]) -> Result<Self, Error> {
        if value.len() > 19 {
            return Err(Error::new(ErrorKind::BadLength, 0));
        }
        let nibbles = value.len().saturating_mul(2);
        let mut sep = None;
        let mut end = nibbles;
        for i in 0..nibbles {
            let n = nibble(value, i).unwrap_or(0x0F);
            match (n, sep) {
                (0..=9, _) => {}
                (0x0D, None) => sep = Some(i),
                (0x0F, Some(_)) if i.saturating_add(1) == nibbles => end = i,
                _ => return Err(Error::new(ErrorKind::BadValue, i / 2)),
            }
        }
        let sep = sep.ok_or(Error::new(ErrorKind::BadValue, 0))?;
        if !(12..=19).contains(&sep) || end < sep.saturating_add(8) {
            return Err(Error::new(ErrorKind::BadValue, sep / 2));
        }
        Ok(Self { raw: value, sep, end })
    }

    fn digits(&self, from: usize, to: usize) -> impl Iterator<Item = u8> + 'a {
        let raw = self.raw;
        (from..to).filter_map(move |i| nibble(raw, i))
    }

    /// The PAN digits (0–9 values).
    pub fn pan_digits(&self) -> impl Iterator<Item = u8> + 'a {
        self.digits(0, self.sep)
    }

    /// Number of PAN digits.
    pub const fn pan_len(&self) -> usize {
        self.sep
    }

    /// Writes the PAN as ASCII digits into `out`; returns the written part.
    pub fn pan<'o>(&self, out: &'o mut [u8; 19]) -> &'o [u8] {
        let mut n = 0usize;
        for (slot, d) in out.iter_mut().zip(self.pan_digits()) {
            *slot = b'0'.saturating_add(d);
            n = n.saturating_add(1);
        }
        out.get(..n).unwrap_or(&[])
    }

    fn num(&self, from: usize, count: usize) -> u16 {
        self.digits(from, from.saturating_add(count))
            .fold(0u16, |acc, d| acc.saturating_mul(10).saturating_add(u16::from(d)))
    }

    /// Expiry as (YY, MM).
    pub fn expiry(&self) -> (u8, u8) {
        let s = self.sep.saturating_add(1);
        let yy = u8::try_from(self.num(s, 2)).unwrap_or(0);
        let mm = u8::try_from(self.num(s.saturating_add(2), 2)).unwrap_or(0);
        (yy, mm)
    }

    /// The three-digit service code as a number (e.g. 201).
    pub fn service_code(&self) -> u16 {
        self.num(self.sep.saturating_add(5), 3)
    }

    /// The discretionary data digits.
    pub fn discretionary(&self) -> impl Iterator<Item = u8> + 'a {
        self.digits(self.sep.saturating_add(8), self.end)
    }

    /// A `Display` that shows every digit (for explicit unmasked output only).
    pub const fn unmasked(&self) -> Unmasked<'a> {
        Unmasked(*self)
    }
}

impl fmt::Display for Track2<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PAN ")?;
        for (i, d) in self.pan_digits().enumerate() {
            if i < 6 || i.saturating_add(4) >= self.sep {
                write!(f, "{d}")?;
            } else {
                f.write_str("*")?;
            }
        }
        write!(f, ", service code {:03}", self.service_code())
    }
}

impl fmt::Debug for Track2<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Track2({self})")
    }
}

/// Unmasked display of [`Track2`].
#[derive(Copy, Clone, Debug)]
pub struct Unmasked<'a>(Track2<'a>);

impl fmt::Display for Unmasked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.0;
        f.write_str("PAN ")?;
        for d in t.pan_digits() {
            write!(f, "{d}")?;
        }
        let (yy, mm) = t.expiry();
        write!(f, ", expiry {yy:02}{mm:02}, service code {:03}, discretionary ", t.service_code())?;
        for d in t.discretionary() {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}
