//! Building DOL-related data (EMV 4.4 Book 3 §5.4) into a caller buffer.
//!
//! For each `(tag, length)` entry of a DOL (PDOL, CDOL1/2, DDOL, TDOL), in order, duplicates
//! included:
//! - data absent, or the tag is constructed → `length` bytes of `00`;
//! - value longer than asked → format **n** keeps the rightmost bytes, every other format the
//!   leftmost;
//! - value shorter than asked → format **n** is left-padded with `00`, **cn** right-padded with
//!   `FF`, every other format right-padded with `00`.
//!
//! The format comes from the [`crate::dictionary`]; a tag it does not know is treated as `b`
//! (a documented choice: Book 3 leaves the format of proprietary tags to their owner).

use payproto_tlv::{Dol, Tag};

use crate::dictionary::{self, Format};
use crate::error::{Error, ErrorKind};

/// Where DOL building looks values up.
pub trait DolSource {
    /// The value of `tag`, if known.
    fn value(&self, tag: Tag) -> Option<&[u8]>;
}

impl<F> DolSource for F
where
    F: Fn(Tag) -> Option<&'static [u8]>,
{
    fn value(&self, tag: Tag) -> Option<&[u8]> {
        self(tag)
    }
}

/// Fills `out` with exactly `out.len()` bytes for `value` of `format` (the §5.4 rules).
pub fn fit(value: Option<&[u8]>, format: Format, out: &mut [u8]) {
    fn copy(dst: &mut [u8], src: &[u8]) {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *s;
        }
    }
    out.fill(0);
    let Some(v) = value else { return };
    let want = out.len();
    if v.len() >= want {
        // Too long (or exact): n keeps the rightmost bytes, every other format the leftmost.
        let skip = if format == Format::N { v.len().saturating_sub(want) } else { 0 };
        copy(out, v.get(skip..).unwrap_or(&[]));
        return;
    }
    let pad = want.saturating_sub(v.len());
    match format {
        Format::N => copy(out.get_mut(pad..).unwrap_or(&mut []), v),
        Format::Cn => {
            out.fill(0xFF);
            copy(out, v);
        }
        _ => copy(out, v),
    }
}

/// Builds the data for `dol` from `source` into `out`; returns the number of bytes written.
///
/// Errors: a malformed DOL (the TLV error, with its offset), or `out` too small for the sum of
/// the DOL's lengths ([`ErrorKind::BufferTooSmall`], nothing meaningful written).
pub fn build<S: DolSource + ?Sized>(dol: &[u8], source: &S, out: &mut [u8]) -> Result<usize, Error> {
    let total = Dol::new(dol).data_len()?;
    if total > out.len() {
        return Err(Error::new(ErrorKind::BufferTooSmall, total));
    }
    let mut pos = 0usize;
    for entry in Dol::new(dol) {
        let entry = entry?;
        let end = pos.checked_add(entry.len).ok_or(Error::new(ErrorKind::BufferTooSmall, pos))?;
        let dst = out.get_mut(pos..end).ok_or(Error::new(ErrorKind::BufferTooSmall, pos))?;
        let format = if entry.tag.is_constructed() {
            Format::B
        } else {
            dictionary::lookup(entry.tag).map_or(Format::B, |e| e.format)
        };
        let value = if entry.tag.is_constructed() { None } else { source.value(entry.tag) };
        fit(value, format, dst);
        pos = end;
    }
    Ok(pos)
}
