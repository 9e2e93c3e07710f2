//! Application selection (EMV 4.4 Book 1 §12): build the candidate list from the PSE directory
//! (`1PAY.SYS.DDF01`), from the PPSE (`2PAY.SYS.DDF01`, contactless discovery) or from the
//! terminal's AID list, order it by priority, and make the final SELECT.
//!
//! Rules implemented:
//! - PSE: SELECT PSE; `6A81` → card blocked (terminate); any other non-`9000` answer, a missing or
//!   invalid SFI (`88`, 1–10), or no matching application in the directory → fall back to the
//!   AID list. Directory records are read from record 1 until `6A83`; `61` entries whose ADF name
//!   matches a terminal AID (exactly, or by prefix when that AID allows partial selection) become
//!   candidates. Entries naming a DDF (`9D`, Book 1 §12.3.2) are followed: the terminal SELECTs
//!   the DDF and reads its directory (SFI from its FCI) from record 1 until `6A83`, adding its
//!   entries, then resumes the directory it came from — re-SELECTing it by name first, since a
//!   READ RECORD SFI refers to the current DF (ISO/IEC 7816-4 §7.3.1) and the DDF SELECT changed
//!   it; a parent that no longer answers `9000` is abandoned like an ended directory. Bounds (no unbounded recursion): at
//!   most [`MAX_DIRECTORY_DEPTH`] directories open at once (the PSE and two nested DDF levels;
//!   deeper DDF entries are ignored), at most [`MAX_DDFS`] DDF SELECTs per selection, at most
//!   [`MAX_DDFS_PER_RECORD`] DDF entries followed per record, and a DDF whose name is already
//!   open (a loop) is not selected. A DDF answering anything but `9000` with an SFI 1–10 is
//!   skipped. Order: the ADF entries of a record are added first, then the DDFs it names are
//!   followed, before the next record (the Book follows entries strictly in order; this only
//!   changes the list order of candidates with equal priority).
//! - PPSE: SELECT PPSE; the `61` entries of its `BF0C` become candidates the same way.
//! - AID list: SELECT each terminal AID; `6A81` → card blocked; `9000` with an FCI whose DF name
//!   equals the AID → candidate; a longer DF name starting with the AID → candidate when the AID
//!   allows partial selection, and then SELECT next occurrence (P2 = `02`) until an error;
//!   `6283` (application blocked) → not a candidate, but selection of next occurrences continues.
//! - Order: priority indicator `87` b4–b1 (1 highest, 0 or absent last), list order otherwise.
//!   A candidate with b8 set (cardholder confirmation required) is dropped when the terminal cannot
//!   ask for confirmation (Book 1 §12.4).
//! - Final SELECT of the first candidate: it must answer `9000` with an FCI whose DF name equals
//!   the candidate's ADF name; otherwise the candidate is removed and the next one tried.
//!   [`Selection::select_next`] removes the selected application after GPO answered `6985`.

use payproto_tlv::{Config, Reader};

use super::{Phase, Step, send};
use crate::apdu::{Command, Fci, Response, StatusWord, directory_ddfs, directory_entries};
use crate::error::{Error, ErrorKind};

/// The most SELECT next-occurrence commands sent for one terminal AID (a bound against a card
/// that answers every one).
pub const MAX_NEXT_OCCURRENCES: u8 = 32;

/// The most directories open at once during PSE selection: the PSE directory and two nested
/// DDF levels (Book 1 §12.3.2 sets no depth; this bound keeps selection finite).
pub const MAX_DIRECTORY_DEPTH: usize = 3;

/// The most DDF SELECT commands sent in one selection.
pub const MAX_DDFS: u8 = 8;

/// The most DDF entries of one directory record that are followed.
pub const MAX_DDFS_PER_RECORD: usize = 4;

/// A DF name kept by value (5–16 bytes).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
struct Name {
    bytes: [u8; 16],
    len: u8,
}

impl Name {
    fn new(name: &[u8]) -> Option<Self> {
        let mut bytes = [0u8; 16];
        bytes.get_mut(..name.len())?.copy_from_slice(name);
        Some(Self { bytes, len: u8::try_from(name.len()).ok()? })
    }

    fn get(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

/// One open directory (the PSE or a DDF): its name, SFI, next record, DDFs still to follow.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
struct DirLevel {
    name: Name,
    sfi: u8,
    next_record: u8,
    pending: [Option<Name>; MAX_DDFS_PER_RECORD],
}

/// The PSE name.
pub const PSE: &[u8] = b"1PAY.SYS.DDF01";
/// The PPSE name.
pub const PPSE: &[u8] = b"2PAY.SYS.DDF01";

/// One AID the terminal supports.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TerminalAid<'a> {
    /// The AID (5–16 bytes).
    pub aid: &'a [u8],
    /// Application Selection Indicator: partial matching allowed.
    pub partial: bool,
}

/// How the candidate list is built.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// PSE first, AID list as fallback (contact).
    Pse,
    /// PPSE (contactless discovery).
    Ppse,
    /// AID list only.
    AidList,
}

/// A candidate application.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    adf: [u8; 16],
    adf_len: u8,
    label: [u8; 16],
    label_len: u8,
    /// Application priority indicator, if given.
    pub priority: Option<u8>,
}

impl Candidate {
    fn new(adf: &[u8], label: Option<&[u8]>, priority: Option<u8>) -> Option<Self> {
        let mut c = Self { adf: [0; 16], adf_len: 0, label: [0; 16], label_len: 0, priority };
        c.adf.get_mut(..adf.len())?.copy_from_slice(adf);
        c.adf_len = u8::try_from(adf.len()).ok()?;
        if let Some(l) = label {
            let l = l.get(..l.len().min(16)).unwrap_or(&[]);
            c.label.get_mut(..l.len())?.copy_from_slice(l);
            c.label_len = u8::try_from(l.len()).ok()?;
        }
        Some(c)
    }

    /// The ADF name (AID).
    pub fn adf_name(&self) -> &[u8] {
        self.adf.get(..usize::from(self.adf_len)).unwrap_or(&[])
    }

    /// The application label.
    pub fn label(&self) -> &[u8] {
        self.label.get(..usize::from(self.label_len)).unwrap_or(&[])
    }

    /// Priority rank (1 highest … 15, then 16 for none).
    pub fn rank(&self) -> u8 {
        self.priority.map(|p| p & 0x0F).filter(|p| *p != 0).unwrap_or(16)
    }

    /// Cardholder confirmation required (b8 of the priority indicator).
    pub fn needs_confirmation(&self) -> bool {
        self.priority.is_some_and(|p| p & 0x80 != 0)
    }
}

/// The result of selection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An application was selected; its FCI is available from [`Selection::fci`].
    Selected(Candidate),
    /// No application in common ("not accepted").
    NoApplication,
    /// The card answered `6A81` to the first SELECT: card blocked or not supported.
    CardBlocked,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum State {
    Start,
    SelectDir,
    ReadDir { sfi: u8, record: u8 },
    SelectDdf(Name),
    Reselect,
    SelectAid { index: usize, nexts: u8 },
    Final,
    Finished,
}

/// The selection phase, holding at most `N` candidates. `Debug` shows the FCI's tags, not its
/// values.
#[derive(Clone)]
pub struct Selection<'t, const N: usize> {
    aids: &'t [TerminalAid<'t>],
    method: Method,
    can_confirm: bool,
    candidates: [Option<Candidate>; N],
    state: State,
    fci: [u8; 256],
    fci_len: usize,
    first_select: bool,
    dirs: [Option<DirLevel>; MAX_DIRECTORY_DEPTH],
    ddfs_selected: u8,
}

impl<const N: usize> core::fmt::Debug for Selection<'_, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Selection")
            .field("aids", &self.aids)
            .field("method", &self.method)
            .field("can_confirm", &self.can_confirm)
            .field("candidates", &self.candidates)
            .field("state", &self.state)
            .field("fci", &crate::redact::Tags(self.fci.get(..self.fci_len).unwrap_or(&[])))
            .field("dirs", &self.dirs)
            .field("ddfs_selected", &self.ddfs_selected)
            .finish()
    }
}

impl<'t, const N: usize> Selection<'t, N> {
    /// Selection over `aids` with `method`; `can_confirm` says whether the terminal can ask the
    /// cardholder to confirm an application.
    pub fn new(aids: &'t [TerminalAid<'t>], method: Method, can_confirm: bool) -> Self {
        Self {
            aids,
            method,
            can_confirm,
            candidates: [None; N],
            state: State::Start,
            fci: [0; 256],
            fci_len: 0,
            first_select: true,
            dirs: [None; MAX_DIRECTORY_DEPTH],
            ddfs_selected: 0,
        }
    }

    /// The candidate list, in priority order once built.
    pub fn candidates(&self) -> impl Iterator<Item = &Candidate> {
        self.candidates.iter().flatten()
    }

    /// The FCI (response data) of the final SELECT.
    pub fn fci(&self) -> Result<Fci<'_>, Error> {
        Fci::parse(self.fci.get(..self.fci_len).unwrap_or(&[]))
    }

    fn matches(&self, adf: &[u8]) -> bool {
        self.aids
            .iter()
            .any(|a| adf == a.aid || (a.partial && adf.len() > a.aid.len() && adf.starts_with(a.aid)))
    }

    fn add(&mut self, c: Candidate) -> Result<(), Error> {
        if self.candidates.iter().flatten().any(|x| x.adf_name() == c.adf_name()) {
            return Ok(());
        }
        let slot = self.candidates.iter_mut().find(|s| s.is_none()).ok_or(Error::new(ErrorKind::Full, 0))?;
        *slot = Some(c);
        Ok(())
    }

    fn add_entries(&mut self, data: &[u8]) -> Result<(), Error> {
        let mut found: [Option<Candidate>; 8] = [None; 8];
        let mut k = 0usize;
        directory_entries(data, &mut |e| {
            if let Some(slot) = found.get_mut(k) {
                *slot = Candidate::new(e.adf_name, e.label, e.priority);
                k = k.saturating_add(1);
            }
        })?;
        for c in found.into_iter().flatten() {
            if self.matches(c.adf_name()) {
                self.add(c)?;
            }
        }
        Ok(())
    }

    /// Opens a directory (PSE or DDF) and reads its record 1; `None` when the stack is full.
    fn open_dir(&mut self, name: &[u8], sfi: u8, out: &mut [u8]) -> Result<Option<Step<Outcome>>, Error> {
        let Some(name) = Name::new(name) else { return Ok(None) };
        let Some(slot) = self.dirs.iter_mut().find(|d| d.is_none()) else { return Ok(None) };
        *slot = Some(DirLevel { name, sfi, next_record: 1, pending: [None; MAX_DDFS_PER_RECORD] });
        self.state = State::ReadDir { sfi, record: 1 };
        send(&Command::read_record(sfi, 1), out).map(Some)
    }

    fn top_dir(&mut self) -> Option<&mut DirLevel> {
        self.dirs.iter_mut().rev().find_map(Option::as_mut)
    }

    /// Records the DDF entries of a directory record on the open directory, unless no deeper
    /// level can be opened or the name is already open.
    fn queue_ddfs(&mut self, record: &[u8]) -> Result<(), Error> {
        if self.dirs.iter().all(Option::is_some) {
            return Ok(());
        }
        let open = self.dirs;
        let mut found: [Option<Name>; MAX_DDFS_PER_RECORD] = [None; MAX_DDFS_PER_RECORD];
        let mut k = 0usize;
        directory_ddfs(record, &mut |name| {
            let looped = name == PSE || open.iter().flatten().any(|d| d.name.get() == name);
            if !looped && let Some(slot) = found.get_mut(k) {
                *slot = Name::new(name);
                k = k.saturating_add(1);
            }
        })?;
        if let Some(top) = self.top_dir() {
            top.pending = found;
        }
        Ok(())
    }

    /// The next directory step: follow a pending DDF of the open directory, read its next
    /// record, or — when every directory is done — end the PSE phase.
    fn dir_next(&mut self, out: &mut [u8]) -> Result<Step<Outcome>, Error> {
        let budget = self.ddfs_selected < MAX_DDFS;
        let Some(top) = self.top_dir() else {
            return if self.has_candidates() { self.final_select(out) } else { self.start_aid_list(out) };
        };
        let ddf = if budget { top.pending.iter_mut().find_map(Option::take) } else { None };
        if let Some(name) = ddf {
            self.ddfs_selected = self.ddfs_selected.saturating_add(1);
            self.state = State::SelectDdf(name);
            return send(&Command::select(name.get(), false), out);
        }
        let (sfi, record) = (top.sfi, top.next_record);
        self.state = State::ReadDir { sfi, record };
        send(&Command::read_record(sfi, record), out)
    }

    fn close_dir(&mut self) {
        if let Some(slot) = self.dirs.iter_mut().rev().find(|d| d.is_some()) {
            *slot = None;
        }
    }

    /// Back to the open directory after the current DF changed (a DDF was selected): SELECT it
    /// by name, then go on with [`Self::dir_next`].
    fn reselect(&mut self, out: &mut [u8]) -> Result<Step<Outcome>, Error> {
        let Some(top) = self.top_dir().copied() else { return self.dir_next(out) };
        self.state = State::Reselect;
        send(&Command::select(top.name.get(), false), out)
    }

    fn has_candidates(&self) -> bool {
        self.candidates.iter().any(Option::is_some)
    }

    fn start_aid_list(&mut self, out: &mut [u8]) -> Result<Step<Outcome>, Error> {
        self.state = State::SelectAid { index: 0, nexts: 0 };
        self.select_aid(0, 0, out)
    }

    /// `nexts` = how many SELECT next occurrence were already sent for this AID (0 = first SELECT).
    fn select_aid(&mut self, index: usize, nexts: u8, out: &mut [u8]) -> Result<Step<Outcome>, Error> {
        if nexts > MAX_NEXT_OCCURRENCES {
            // A card that never stops answering "next occurrence": move on to the next AID.
            return self.select_aid(index.saturating_add(1), 0, out);
        }
        match self.aids.get(index) {
            Some(a) => {
                self.state = State::SelectAid { index, nexts };
                send(&Command::select(a.aid, nexts > 0), out)
            }
            None => self.final_select(out),
        }
    }

    fn sort(&mut self) {
        if !self.can_confirm {
            for s in &mut self.candidates {
                if s.is_some_and(|c| c.needs_confirmation()) {
                    *s = None;
                }
            }
        }
        // Stable insertion sort by rank, keeping empty slots last.
        let key = |s: &Option<Candidate>| s.map_or(u8::MAX, |c| c.rank());
        for i in 1..N {
            let mut j = i;
            while j > 0 {
                let (Some(a), Some(b)) = (self.candidates.get(j.saturating_sub(1)), self.candidates.get(j))
                else {
                    break;
                };
                if key(a) <= key(b) {
                    break;
                }
                self.candidates.swap(j.saturating_sub(1), j);
                j = j.saturating_sub(1);
            }
        }
    }

    fn final_select(&mut self, out: &mut [u8]) -> Result<Step<Outcome>, Error> {
        if self.state != State::Final {
            self.sort();
        }
        match self.candidates.iter().flatten().next().copied() {
            None => {
                self.state = State::Finished;
                Ok(Step::Done(Outcome::NoApplication))
            }
            Some(c) => {
                self.state = State::Final;
                send(&Command::select(c.adf_name(), false), out)
            }
        }
    }

    /// After GPO answered "conditions of use not satisfied" (`6985`): removes the selected
    /// application and selects the next candidate (Book 3 §10.1).
    pub fn select_next(&mut self, out: &mut [u8]) -> Result<Step<Outcome>, Error> {
        if let Some(first) = self.candidates.iter_mut().find(|s| s.is_some()) {
            *first = None;
        }
        self.state = State::Final;
        self.final_select(out)
    }
}

impl<const N: usize> Phase for Selection<'_, N> {
    type Output = Outcome;

    fn start(&mut self, out: &mut [u8]) -> Result<Step<Outcome>, Error> {
        match self.method {
            Method::Pse => {
                self.state = State::SelectDir;
                send(&Command::select(PSE, false), out)
            }
            Method::Ppse => {
                self.state = State::SelectDir;
                send(&Command::select(PPSE, false), out)
            }
            Method::AidList => self.start_aid_list(out),
        }
    }

    fn on_response(&mut self, rapdu: &[u8], out: &mut [u8]) -> Result<Step<Outcome>, Error> {
        let r = Response::parse(rapdu)?;
        let first = core::mem::replace(&mut self.first_select, false);
        if first && r.sw == StatusWord::FunctionNotSupported {
            self.state = State::Finished;
            return Ok(Step::Done(Outcome::CardBlocked));
        }
        match self.state {
            State::Start | State::Finished => Err(Error::new(ErrorKind::Sequence, 0)),
            State::SelectDir => {
                if !r.sw.is_ok() {
                    return self.start_aid_list(out);
                }
                let Ok(fci) = Fci::parse(r.data) else { return self.start_aid_list(out) };
                if self.method == Method::Ppse {
                    if let Some(d) = fci.discretionary {
                        self.add_entries(d)?;
                    }
                    return self.final_select(out);
                }
                self.dirs = [None; MAX_DIRECTORY_DEPTH];
                match fci.sfi {
                    Some(sfi @ 1..=10) => match self.open_dir(PSE, sfi, out)? {
                        Some(step) => Ok(step),
                        None => self.start_aid_list(out),
                    },
                    _ => self.start_aid_list(out),
                }
            }
            State::ReadDir { record, .. } => {
                if r.sw.is_ok() {
                    // A record that is not a 70 template is skipped (Book 1 §12.3.2 ignores
                    // malformed entries); the directory read goes on.
                    let ok_record = Reader::new(r.data, Config::EMV).next().and_then(Result::ok);
                    let next = record.checked_add(1).ok_or(Error::new(ErrorKind::Sequence, 0))?;
                    if let Some(top) = self.top_dir() {
                        top.next_record = next;
                        top.pending = [None; MAX_DDFS_PER_RECORD];
                    }
                    if let Some(t) = ok_record.filter(|t| t.tag.to_u32() == 0x70) {
                        self.add_entries(t.value)?;
                        self.queue_ddfs(t.value)?;
                    }
                    return self.dir_next(out);
                }
                // The end of this directory (6A83, or any error): back to the one above, which
                // is SELECTed again when this was a DDF.
                self.close_dir();
                if self.top_dir().is_some() { self.reselect(out) } else { self.dir_next(out) }
            }
            State::Reselect => {
                if r.sw.is_ok() {
                    return self.dir_next(out);
                }
                self.close_dir();
                if self.top_dir().is_some() { self.reselect(out) } else { self.dir_next(out) }
            }
            State::SelectDdf(name) => {
                let sfi = if r.sw.is_ok() { Fci::parse(r.data).ok().and_then(|f| f.sfi) } else { None };
                if let Some(sfi @ 1..=10) = sfi
                    && let Some(step) = self.open_dir(name.get(), sfi, out)?
                {
                    return Ok(step);
                }
                // A DDF that was selected but cannot be read changed the current DF.
                if r.sw.is_ok() { self.reselect(out) } else { self.dir_next(out) }
            }
            State::SelectAid { index, nexts } => {
                let aid = self.aids.get(index).copied().ok_or(Error::new(ErrorKind::Sequence, 0))?;
                let fci = if r.sw.is_ok() || r.sw == StatusWord::SelectedFileInvalidated {
                    Fci::parse(r.data).ok()
                } else {
                    None
                };
                let Some(fci) = fci else {
                    return self.select_aid(index.saturating_add(1), 0, out);
                };
                let exact = fci.df_name == aid.aid;
                let partial = !exact && fci.df_name.len() > aid.aid.len() && fci.df_name.starts_with(aid.aid);
                if r.sw.is_ok()
                    && (exact || (partial && aid.partial))
                    && let Some(c) = Candidate::new(fci.df_name, fci.label, fci.priority)
                {
                    self.add(c)?;
                }
                if aid.partial {
                    self.select_aid(index, nexts.saturating_add(1), out)
                } else {
                    self.select_aid(index.saturating_add(1), 0, out)
                }
            }
            State::Final => {
                let Some(c) = self.candidates.iter().flatten().next().copied() else {
                    return Ok(Step::Done(Outcome::NoApplication));
                };
                let good = r.sw.is_ok() && Fci::parse(r.data).is_ok_and(|f| f.df_name == c.adf_name());
                if good {
                    let dst =
                        self.fci.get_mut(..r.data.len()).ok_or(Error::new(ErrorKind::BufferTooSmall, 0))?;
                    dst.copy_from_slice(r.data);
                    self.fci_len = r.data.len();
                    self.state = State::Finished;
                    return Ok(Step::Done(Outcome::Selected(c)));
                }
                self.select_next(out)
            }
        }
    }
}
