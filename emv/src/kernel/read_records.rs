//! Read application data (EMV 4.4 Book 3 §10.2): READ RECORD for every record the AFL names, in
//! order; store the records' data objects; build the offline data authentication input.
//!
//! - Each response must be `9000` with a `70` template (other status words, or another template
//!   for SFI 1–10, terminate the transaction). For SFI 11–30 a non-`70` record is kept for ODA
//!   but its content is not parsed (Book 3 §10.3 makes such records issuer-proprietary).
//! - Primitive objects go into the store as ICC data; an object the card already sent (in the
//!   GPO response or an earlier record) is redundant and terminates ([`ErrorKind::Redundant`]).
//! - ODA input, kept in AFL order in the caller's buffer: for SFI 1–10 the value of the `70`
//!   template; for SFI 11–30 the whole record, tag and length included (Book 3 §10.3).
//! - After the last record the mandatory objects must be present: `5A` PAN, `5F24` expiry,
//!   `8C` CDOL1, `8D` CDOL2 (Book 3 §7.2) — else [`ErrorKind::Missing`] naming the first absent.

use payproto_tlv::{Tag, tag};

use super::{Phase, Step, send};
use crate::apdu::{Command, Record, Response};
use crate::data::{Afl, AflEntry};
use crate::error::{Error, ErrorKind};
use crate::store::TlvStore;

/// The mandatory data objects checked after reading.
pub const MANDATORY: [Tag; 4] = [tag!(0x5A), tag!(0x5F24), tag!(0x8C), tag!(0x8D)];

/// Counts of what was read.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ReadSummary {
    /// Records read.
    pub records: usize,
    /// Bytes of ODA input collected.
    pub oda_len: usize,
    /// An ODA record was not a `70` template in SFI 1–10 (Book 3 §10.3: ODA fails, TVR B1b7/b4/b3
    /// is for the ODA step to set).
    pub oda_record_invalid: bool,
}

/// The read-records state without borrowed buffers (used by [`super::ReadApplication`]).
#[derive(Clone, Debug)]
pub(crate) struct ReadCore {
    afl: [u8; 252],
    afl_len: usize,
    entry: usize,
    record: u8,
    summary: ReadSummary,
}

impl ReadCore {
    pub(crate) fn new(afl: Afl<'_>) -> Result<Self, Error> {
        let bytes = afl.as_bytes();
        let mut copy = [0u8; 252];
        copy.get_mut(..bytes.len())
            .ok_or(Error::at_tag(ErrorKind::BadLength, tag!(0x94)))?
            .copy_from_slice(bytes);
        Ok(Self {
            afl: copy,
            afl_len: bytes.len(),
            entry: 0,
            record: 0,
            summary: ReadSummary { records: 0, oda_len: 0, oda_record_invalid: false },
        })
    }

    fn current(&self) -> Option<AflEntry> {
        let afl = Afl::parse(self.afl.get(..self.afl_len).unwrap_or(&[])).ok()?;
        afl.entries().nth(self.entry)
    }

    fn push_oda(&mut self, oda: &mut [u8], bytes: &[u8]) -> Result<(), Error> {
        let start = self.summary.oda_len;
        let end = start.checked_add(bytes.len()).ok_or(Error::new(ErrorKind::BufferTooSmall, start))?;
        oda.get_mut(start..end).ok_or(Error::new(ErrorKind::BufferTooSmall, start))?.copy_from_slice(bytes);
        self.summary.oda_len = end;
        Ok(())
    }

    fn next_command<const N: usize, const B: usize>(
        &mut self,
        store: &TlvStore<N, B>,
        out: &mut [u8],
    ) -> Result<Step<ReadSummary>, Error> {
        let Some(e) = self.current() else {
            for t in MANDATORY {
                if !store.contains(t) {
                    return Err(Error::at_tag(ErrorKind::Missing, t));
                }
            }
            return Ok(Step::Done(self.summary));
        };
        send(&Command::read_record(e.sfi, self.record), out)
    }

    pub(crate) fn start<const N: usize, const B: usize>(
        &mut self,
        store: &TlvStore<N, B>,
        out: &mut [u8],
    ) -> Result<Step<ReadSummary>, Error> {
        self.entry = 0;
        self.record = self.current().map_or(0, |e| e.first);
        self.next_command(store, out)
    }

    pub(crate) fn on_response<const N: usize, const B: usize>(
        &mut self,
        store: &mut TlvStore<N, B>,
        oda: &mut [u8],
        rapdu: &[u8],
        out: &mut [u8],
    ) -> Result<Step<ReadSummary>, Error> {
        let e = self.current().ok_or(Error::new(ErrorKind::Sequence, 0))?;
        let data = Response::parse(rapdu)?.ok_data()?;
        let is_oda = e.is_oda(self.record);
        match Record::parse(data) {
            Ok(rec) => {
                store.insert_icc_objects(rec.value)?;
                if is_oda {
                    self.push_oda(oda, if e.sfi <= 10 { rec.value } else { rec.template })?;
                }
            }
            Err(err) => {
                if e.sfi <= 10 {
                    return Err(err);
                }
                if is_oda {
                    self.summary.oda_record_invalid = true;
                    self.push_oda(oda, data)?;
                }
            }
        }
        self.summary.records = self.summary.records.saturating_add(1);
        if self.record >= e.last {
            self.entry = self.entry.saturating_add(1);
            self.record = self.current().map_or(0, |n| n.first);
        } else {
            self.record = self.record.saturating_add(1);
        }
        self.next_command(store, out)
    }
}

/// The read-records phase. `Debug` shows the store's tags and the ODA buffer's size, never
/// record data.
pub struct ReadRecords<'s, 'o, const N: usize, const B: usize> {
    store: &'s mut TlvStore<N, B>,
    oda: &'o mut [u8],
    core: Result<ReadCore, Error>,
}

impl<const N: usize, const B: usize> core::fmt::Debug for ReadRecords<'_, '_, N, B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReadRecords")
            .field("store", &self.store)
            .field("oda", &crate::redact::Len(self.oda))
            .field("core", &self.core)
            .finish()
    }
}

impl<'s, 'o, const N: usize, const B: usize> ReadRecords<'s, 'o, N, B> {
    /// Reads the records of `afl`, collecting ODA input in `oda`.
    pub fn new(store: &'s mut TlvStore<N, B>, afl: Afl<'_>, oda: &'o mut [u8]) -> Self {
        Self { store, oda, core: ReadCore::new(afl) }
    }
}

impl<const N: usize, const B: usize> Phase for ReadRecords<'_, '_, N, B> {
    type Output = ReadSummary;

    fn start(&mut self, out: &mut [u8]) -> Result<Step<ReadSummary>, Error> {
        let core = self.core.as_mut().map_err(|e| *e)?;
        core.start(self.store, out)
    }

    fn on_response(&mut self, rapdu: &[u8], out: &mut [u8]) -> Result<Step<ReadSummary>, Error> {
        let core = self.core.as_mut().map_err(|e| *e)?;
        core.on_response(self.store, self.oda, rapdu, out)
    }
}
