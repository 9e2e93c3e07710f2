//! A fixed-capacity store of the transaction's data objects, with no heap.
//!
//! `TlvStore<N, B>` holds up to `N` objects whose values share a `B`-byte buffer. Each object
//! remembers its [`Source`] (terminal, ICC, issuer); the same tag may be held once per source.
//!
//! Book 3 §10.2: a primitive data object the card sends twice (in two records, or in a record
//! and the GPO response) is **redundant** and the transaction terminates; [`TlvStore::insert`]
//! returns [`ErrorKind::Redundant`] for a second ICC value of the same tag. Terminal and issuer
//! values are replaced instead (the TVR and TSI change all along the transaction): in place when
//! the length is unchanged, otherwise the new value is appended and the old bytes stay unused
//! until [`TlvStore::clear`].
//!
//! Lookup without a source ([`TlvStore::get`]) prefers terminal, then ICC, then issuer data
//! (a documented choice: no tag is meant to come from two sources, and for DOL building the
//! terminal's own value is the authoritative one).

use payproto_tlv::{Config, Reader, Tag};

use crate::dictionary::Source;
use crate::dol::DolSource;
use crate::error::{Error, ErrorKind};

#[derive(Copy, Clone, Debug)]
struct Slot {
    tag: Tag,
    source: Source,
    start: u16,
    len: u16,
}

/// A fixed-capacity TLV store: `N` objects, `B` bytes of values. `Debug` lists each object's
/// tag, source and length, never its value.
#[derive(Clone)]
pub struct TlvStore<const N: usize, const B: usize> {
    slots: [Option<Slot>; N],
    buf: [u8; B],
    used: usize,
}

impl<const N: usize, const B: usize> core::fmt::Debug for TlvStore<N, B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TlvStore")
            .field("objects", &Objects(self))
            .field("used", &self.used)
            .field("capacity", &B)
            .finish()
    }
}

/// The objects of a store as `tag source <length>`, for `Debug`.
struct Objects<'s, const N: usize, const B: usize>(&'s TlvStore<N, B>);

impl<const N: usize, const B: usize> core::fmt::Debug for Objects<'_, N, B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        struct Entry(Tag, Source, usize);
        impl core::fmt::Debug for Entry {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{} {:?} <{} bytes>", self.0, self.1, self.2)
            }
        }
        f.debug_list().entries(self.0.iter().map(|(t, s, v)| Entry(t, s, v.len()))).finish()
    }
}

impl<const N: usize, const B: usize> Default for TlvStore<N, B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, const B: usize> TlvStore<N, B> {
    /// An empty store.
    pub const fn new() -> Self {
        Self { slots: [None; N], buf: [0; B], used: 0 }
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.slots = [None; N];
        self.used = 0;
    }

    /// Removes everything from `source`; the buffer is compacted only by [`TlvStore::clear`].
    pub fn remove_source(&mut self, source: Source) {
        for s in &mut self.slots {
            if s.is_some_and(|x| x.source == source) {
                *s = None;
            }
        }
    }

    /// The number of objects held.
    pub fn len(&self) -> usize {
        self.slots.iter().flatten().count()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn find(&self, tag: Tag, source: Source) -> Option<usize> {
        self.slots.iter().position(|s| s.is_some_and(|s| s.tag == tag && s.source == source))
    }

    fn value_of(&self, slot: &Slot) -> &[u8] {
        let start = usize::from(slot.start);
        self.buf.get(start..start.saturating_add(usize::from(slot.len))).unwrap_or(&[])
    }

    /// Stores `value` for `tag` from `source`. A second ICC value for the same tag is
    /// [`ErrorKind::Redundant`]; terminal and issuer values are replaced.
    pub fn insert(&mut self, tag: Tag, source: Source, value: &[u8]) -> Result<(), Error> {
        let len = u16::try_from(value.len()).map_err(|_| Error::at_tag(ErrorKind::BadLength, tag))?;
        if let Some(i) = self.find(tag, source) {
            if source == Source::Icc {
                return Err(Error::at_tag(ErrorKind::Redundant, tag));
            }
            let Some(Some(slot)) = self.slots.get(i).copied() else {
                return Err(Error::at_tag(ErrorKind::Full, tag));
            };
            if slot.len == len {
                let start = usize::from(slot.start);
                let dst = self
                    .buf
                    .get_mut(start..start.saturating_add(value.len()))
                    .ok_or(Error::at_tag(ErrorKind::Full, tag))?;
                dst.copy_from_slice(value);
                return Ok(());
            }
            let start = self.append(value).map_err(|e| e.with_tag(tag))?;
            if let Some(s) = self.slots.get_mut(i) {
                *s = Some(Slot { tag, source, start, len });
            }
            return Ok(());
        }
        let free = self.slots.iter().position(Option::is_none).ok_or(Error::at_tag(ErrorKind::Full, tag))?;
        let start = self.append(value).map_err(|e| e.with_tag(tag))?;
        if let Some(s) = self.slots.get_mut(free) {
            *s = Some(Slot { tag, source, start, len });
        }
        Ok(())
    }

    fn append(&mut self, value: &[u8]) -> Result<u16, Error> {
        let start = self.used;
        let end = start.checked_add(value.len()).ok_or(Error::new(ErrorKind::Full, 0))?;
        let dst = self.buf.get_mut(start..end).ok_or(Error::new(ErrorKind::Full, 0))?;
        dst.copy_from_slice(value);
        self.used = end;
        u16::try_from(start).map_err(|_| Error::new(ErrorKind::Full, 0))
    }

    /// The value of `tag` from `source`.
    pub fn get_from(&self, tag: Tag, source: Source) -> Option<&[u8]> {
        let i = self.find(tag, source)?;
        let slot = self.slots.get(i)?.as_ref()?;
        Some(self.value_of(slot))
    }

    /// The value of `tag`: terminal, then ICC, then issuer.
    pub fn get(&self, tag: Tag) -> Option<&[u8]> {
        [Source::Terminal, Source::Icc, Source::Issuer].into_iter().find_map(|s| self.get_from(tag, s))
    }

    /// Whether `tag` is held from any source.
    pub fn contains(&self, tag: Tag) -> bool {
        self.get(tag).is_some()
    }

    /// Every object as `(tag, source, value)`, in insertion slot order.
    pub fn iter(&self) -> impl Iterator<Item = (Tag, Source, &[u8])> + '_ {
        self.slots.iter().flatten().map(|s| (s.tag, s.source, self.value_of(s)))
    }

    /// Stores every primitive object at the top level of `data` (a record's or a format-2
    /// response's template value) as ICC data; constructed objects are skipped. Stops at the
    /// first error (malformed TLV, redundant object, store full).
    pub fn insert_icc_objects(&mut self, data: &[u8]) -> Result<usize, Error> {
        let mut n = 0usize;
        for item in Reader::new(data, Config::EMV) {
            let tlv = item?;
            if tlv.is_constructed() {
                continue;
            }
            self.insert(tlv.tag, Source::Icc, tlv.value).map_err(|e| Error { offset: tlv.offset, ..e })?;
            n = n.saturating_add(1);
        }
        Ok(n)
    }
}

impl<const N: usize, const B: usize> DolSource for TlvStore<N, B> {
    fn value(&self, tag: Tag) -> Option<&[u8]> {
        self.get(tag)
    }
}
