//! Application File Locator, tag `94` (EMV 4.4 Book 3 §10.2): four bytes per entry — SFI in
//! bits 8–4 of byte 1, first record, last record, number of records (from the first) that take
//! part in offline data authentication.
//!
//! [`Afl::parse`] validates every entry as Book 3 §10.2 requires, so a kernel that reads the AFL
//! through this type never sends a READ RECORD for SFI 0, SFI 31 or record 0:
//! - the length is a non-zero multiple of four;
//! - SFI is 1–30;
//! - the first record is not 0 and the last record is not below the first;
//! - the ODA record count does not exceed the number of records in the range.
//!
//! Bits 3–1 of byte 1 are RFU; they are ignored, not rejected.

use core::fmt;

use crate::error::{Error, ErrorKind};

/// One validated AFL entry.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct AflEntry {
    /// Short file identifier, 1–30.
    pub sfi: u8,
    /// First record number (≥ 1).
    pub first: u8,
    /// Last record number (≥ first).
    pub last: u8,
    /// How many records, starting with `first`, feed offline data authentication.
    pub oda_records: u8,
}

impl AflEntry {
    /// Validates one 4-byte entry.
    pub fn parse(entry: [u8; 4]) -> Result<Self, Error> {
        let [b1, first, last, oda] = entry;
        let sfi = b1 >> 3;
        let bad = Error::new(ErrorKind::BadValue, 0);
        if !(1..=30).contains(&sfi) || first == 0 || last < first {
            return Err(bad);
        }
        let count = last.saturating_sub(first).saturating_add(1);
        if oda > count {
            return Err(bad);
        }
        Ok(Self { sfi, first, last, oda_records: oda })
    }

    /// The record numbers of this entry.
    pub fn records(&self) -> impl Iterator<Item = u8> + use<> {
        self.first..=self.last
    }

    /// Whether `record` takes part in offline data authentication.
    pub fn is_oda(&self, record: u8) -> bool {
        record >= self.first
            && u16::from(record) < u16::from(self.first).saturating_add(u16::from(self.oda_records))
    }
}

impl fmt::Display for AflEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "SFI {} record {}", self.sfi, self.first)?;
        } else {
            write!(f, "SFI {} records {}-{}", self.sfi, self.first, self.last)?;
        }
        if self.oda_records > 0 {
            write!(f, " ({} for ODA)", self.oda_records)?;
        }
        Ok(())
    }
}

/// A validated Application File Locator (a view over the value bytes).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Afl<'a> {
    raw: &'a [u8],
}

impl<'a> Afl<'a> {
    /// Validates the whole AFL; an error's offset is that of the offending entry's first byte.
    pub fn parse(value: &'a [u8]) -> Result<Self, Error> {
        if value.is_empty() || !value.len().is_multiple_of(4) {
            return Err(Error::new(ErrorKind::BadLength, 0));
        }
        for (i, chunk) in value.chunks_exact(4).enumerate() {
            let e: [u8; 4] = chunk.try_into().map_err(|_| Error::new(ErrorKind::BadLength, 0))?;
            AflEntry::parse(e).map_err(|err| Error { offset: i.saturating_mul(4), ..err })?;
        }
        Ok(Self { raw: value })
    }

    /// The entries in order.
    pub fn entries(&self) -> impl Iterator<Item = AflEntry> + 'a {
        self.raw
            .chunks_exact(4)
            .filter_map(|c| c.try_into().ok())
            .filter_map(|e: [u8; 4]| AflEntry::parse(e).ok())
    }

    /// The raw value.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// Total number of records to read.
    pub fn record_count(&self) -> usize {
        self.entries().map(|e| usize::from(e.last.saturating_sub(e.first)).saturating_add(1)).sum()
    }

    /// Total number of records that feed offline data authentication.
    pub fn oda_record_count(&self) -> usize {
        self.entries().map(|e| usize::from(e.oda_records)).sum()
    }
}

impl fmt::Display for Afl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.entries().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}
