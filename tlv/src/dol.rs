//! Data object lists (PDOL, CDOL1, CDOL2, DDOL, TDOL): a list of `(tag, length)` pairs with no
//! values (EMV Book 3 §5.4). Building the DOL data belongs to the EMV crate; this only reads.

use crate::error::{Error, ErrorKind, fused};
use crate::reader::{Mode, parse_length};
use crate::tag::Tag;

/// One DOL entry: the tag the card asks for and the length it wants.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DolEntry {
    /// The requested data object.
    pub tag: Tag,
    /// The number of bytes the card wants for it.
    pub len: usize,
}

/// An iterator over the entries of a DOL. Duplicate tags are legal and kept.
///
/// Yields `Err` once at the first malformed byte (truncated tag or length) and then ends.
#[derive(Clone, Debug)]
pub struct Dol<'a> {
    data: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Dol<'a> {
    /// A reader over the DOL bytes (the value of tag `9F38`, `8C`, `8D`, `9F49` or `97`).
    pub const fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0, failed: false }
    }

    /// The total number of data bytes the DOL asks for (the size of the DOL-related data).
    pub fn data_len(&self) -> Result<usize, Error> {
        self.clone()
            .try_fold(0usize, |acc, e| acc.checked_add(e?.len).ok_or(Error::new(ErrorKind::ValueTooLong, 0)))
    }

    fn read(&mut self) -> Option<Result<DolEntry, Error>> {
        let rest = self.data.get(self.pos..).filter(|r| !r.is_empty())?;
        let start = self.pos;
        let (tag, tl) = match Tag::parse(rest) {
            Ok(t) => t,
            Err(e) => return Some(Err(Error { offset: start.saturating_add(e.offset), ..e })),
        };
        let after = rest.get(tl..).unwrap_or(&[]);
        let (len, ll) = match parse_length(after, Mode::Emv) {
            Ok(l) => l,
            Err(e) => {
                let offset = start.saturating_add(tl).saturating_add(e.offset);
                return Some(Err(Error { offset, ..e }.with_tag(tag)));
            }
        };
        self.pos = start.saturating_add(tl).saturating_add(ll);
        Some(Ok(DolEntry { tag, len }))
    }
}

impl Iterator for Dol<'_> {
    type Item = Result<DolEntry, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut failed = self.failed;
        let item = fused(&mut failed, || self.read());
        self.failed = failed;
        item
    }
}

impl core::iter::FusedIterator for Dol<'_> {}
