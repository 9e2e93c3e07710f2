//! Kernel phases in Book 3 order, each a sans-IO state machine: it writes the next command APDU
//! into a caller buffer ([`Step::Send`]) and consumes the card's response APDU (data ‖ SW1 SW2),
//! until it finishes ([`Step::Done`]). [`drive`] runs a phase over a blocking
//! [`CardTransport`], handling T=0 `61xx`/`6Cxx` on the way.
//!
//! This issue delivers the first three phases: [`selection`], [`gpo`] (initiate application
//! processing) and [`read_records`] (read application data), and [`ReadApplication`], which runs
//! the three as one machine with the GPO `6985` → next-candidate loop.

pub mod config;
pub mod cvm;
pub mod dda;
pub mod gen_ac;
pub mod gpo;
pub mod issuer;
pub mod oda;
pub mod read_records;
pub mod restrictions;
pub mod selection;
pub mod taa;
pub mod transaction;
pub mod trm;

use crate::apdu::{CardTransport, Command, T0Helper, T0Next};
use crate::error::{Error, ErrorKind};

/// What a phase wants next.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Step<T> {
    /// Send the command APDU of this many bytes written to the output buffer.
    Send(usize),
    /// The phase finished.
    Done(T),
}

/// A sans-IO phase.
pub trait Phase {
    /// The phase's result.
    type Output;
    /// Writes the first command.
    fn start(&mut self, out: &mut [u8]) -> Result<Step<Self::Output>, Error>;
    /// Consumes the response to the last command (data ‖ SW1 SW2) and writes the next command.
    fn on_response(&mut self, rapdu: &[u8], out: &mut [u8]) -> Result<Step<Self::Output>, Error>;
}

/// Writes `cmd` into `out` and returns the step.
pub(crate) fn send<T>(cmd: &Command<'_>, out: &mut [u8]) -> Result<Step<T>, Error> {
    cmd.encode(out).map(Step::Send)
}

/// Runs `phase` to completion over `transport` (with T=0 `61xx`/`6Cxx` handling and the case-4
/// warning rule, as [`crate::apdu::exchange`]).
pub fn drive<P: Phase, T: CardTransport + ?Sized>(
    phase: &mut P,
    transport: &mut T,
) -> Result<P::Output, Error> {
    let mut capdu = [0u8; 261];
    let mut rapdu = [0u8; 258];
    let mut data = [0u8; 1024];
    let mut step = phase.start(&mut capdu)?;
    loop {
        let n = match step {
            Step::Done(o) => return Ok(o),
            Step::Send(n) => n,
        };
        let original = capdu;
        let cmd = Command::parse(original.get(..n).unwrap_or(&[]))?;
        let mut helper = T0Helper::for_command(&cmd);
        let mut current = cmd;
        let mut buf = [0u8; 261];
        let (len, sw) = loop {
            let k = current.encode(&mut buf)?;
            let m = transport.transmit(buf.get(..k).unwrap_or(&[]), &mut rapdu)?;
            let r = rapdu.get(..m).ok_or(Error::new(ErrorKind::Transport, 0))?;
            match helper.feed(r, &mut data)? {
                T0Next::GetResponse(le) => current = Command::get_response(le),
                T0Next::Resend(le) => current = cmd.with_le(le),
                T0Next::Done { len, sw } => break (len, sw),
            }
        };
        let end = len.checked_add(2).ok_or(Error::new(ErrorKind::BufferTooSmall, len))?;
        let resp = data.get_mut(..end).ok_or(Error::new(ErrorKind::BufferTooSmall, len))?;
        if let Some(t) = resp.get_mut(len..end) {
            t.copy_from_slice(&sw.bytes());
        }
        step = phase.on_response(resp, &mut capdu)?;
    }
}

use payproto_tlv::tag;

use self::gpo::{GpoCore, GpoOutcome};
use self::read_records::{ReadCore, ReadSummary};
use self::selection::{Candidate, Method, Outcome, Selection, TerminalAid};
use crate::data::Afl;
use crate::dictionary::Source;
use crate::store::TlvStore;

/// The result of [`ReadApplication`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadOutcome {
    /// An application was selected, initiated and read; its data is in the store.
    Ready {
        /// The application.
        application: Candidate,
        /// What was read.
        summary: ReadSummary,
    },
    /// No application in common (every candidate failed or refused GPO).
    NoApplication,
    /// The card answered `6A81` to the first SELECT.
    CardBlocked,
}

#[derive(Clone, Debug)]
#[expect(clippy::large_enum_variant, reason = "no heap: the read state lives inline")]
enum Stage {
    Selecting,
    Gpo,
    Reading(ReadCore),
    Finished,
}

/// Selection, initiate application processing and read application data as one sans-IO state
/// machine, with the Book 3 §10.1 loop: GPO `6985` removes the application and selects the next
/// candidate (the ICC data of the refused application is dropped from the store).
///
/// The caller fills the store with the terminal data the PDOL may ask for before starting.
///
/// `Debug` shows the store's tags and the ODA buffer's size, never card data.
pub struct ReadApplication<'t, 's, 'o, const C: usize, const N: usize, const B: usize> {
    selection: Selection<'t, C>,
    store: &'s mut TlvStore<N, B>,
    oda: &'o mut [u8],
    gpo: GpoCore,
    stage: Stage,
    selected: Option<Candidate>,
}

impl<const C: usize, const N: usize, const B: usize> core::fmt::Debug
    for ReadApplication<'_, '_, '_, C, N, B>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReadApplication")
            .field("selection", &self.selection)
            .field("store", &self.store)
            .field("oda", &crate::redact::Len(self.oda))
            .field("gpo", &self.gpo)
            .field("stage", &self.stage)
            .field("selected", &self.selected)
            .finish()
    }
}

impl<'t, 's, 'o, const C: usize, const N: usize, const B: usize> ReadApplication<'t, 's, 'o, C, N, B> {
    /// The three phases over `aids` with `method`, storing into `store` and collecting the ODA
    /// input into `oda`.
    pub fn new(
        aids: &'t [TerminalAid<'t>],
        method: Method,
        can_confirm: bool,
        store: &'s mut TlvStore<N, B>,
        oda: &'o mut [u8],
    ) -> Self {
        Self {
            selection: Selection::new(aids, method, can_confirm),
            store,
            oda,
            gpo: GpoCore::default(),
            stage: Stage::Selecting,
            selected: None,
        }
    }

    /// The selection phase (candidate list, final FCI).
    pub const fn selection(&self) -> &Selection<'t, C> {
        &self.selection
    }

    fn after_selection(&mut self, o: Outcome, out: &mut [u8]) -> Result<Step<ReadOutcome>, Error> {
        match o {
            Outcome::CardBlocked => {
                self.stage = Stage::Finished;
                Ok(Step::Done(ReadOutcome::CardBlocked))
            }
            Outcome::NoApplication => {
                self.stage = Stage::Finished;
                Ok(Step::Done(ReadOutcome::NoApplication))
            }
            Outcome::Selected(c) => {
                self.selected = Some(c);
                self.store.remove_source(Source::Icc);
                self.stage = Stage::Gpo;
                let fci = self.selection.fci()?;
                let mut pdol = [0u8; 252];
                let p = match fci.pdol {
                    Some(v) => {
                        let dst = pdol
                            .get_mut(..v.len())
                            .ok_or(Error::at_tag(ErrorKind::BadLength, tag!(0x9F38)))?;
                        dst.copy_from_slice(v);
                        Some(&*dst)
                    }
                    None => None,
                };
                match self.gpo.start(self.store, p, out)? {
                    Step::Send(n) => Ok(Step::Send(n)),
                    Step::Done(_) => Err(Error::new(ErrorKind::Sequence, 0)),
                }
            }
        }
    }
}

impl<const C: usize, const N: usize, const B: usize> Phase for ReadApplication<'_, '_, '_, C, N, B> {
    type Output = ReadOutcome;

    fn start(&mut self, out: &mut [u8]) -> Result<Step<ReadOutcome>, Error> {
        self.stage = Stage::Selecting;
        match self.selection.start(out)? {
            Step::Send(n) => Ok(Step::Send(n)),
            Step::Done(o) => self.after_selection(o, out),
        }
    }

    fn on_response(&mut self, rapdu: &[u8], out: &mut [u8]) -> Result<Step<ReadOutcome>, Error> {
        match &mut self.stage {
            Stage::Finished => Err(Error::new(ErrorKind::Sequence, 0)),
            Stage::Selecting => match self.selection.on_response(rapdu, out)? {
                Step::Send(n) => Ok(Step::Send(n)),
                Step::Done(o) => self.after_selection(o, out),
            },
            Stage::Gpo => match self.gpo.on_response(self.store, rapdu)? {
                Step::Send(n) => Ok(Step::Send(n)),
                Step::Done(GpoOutcome::SelectNext) => {
                    self.store.remove_source(Source::Icc);
                    self.stage = Stage::Selecting;
                    match self.selection.select_next(out)? {
                        Step::Send(n) => Ok(Step::Send(n)),
                        Step::Done(o) => self.after_selection(o, out),
                    }
                }
                Step::Done(GpoOutcome::Done) => {
                    let afl =
                        self.store.get(tag!(0x94)).ok_or(Error::at_tag(ErrorKind::Missing, tag!(0x94)))?;
                    let mut core = ReadCore::new(Afl::parse(afl)?)?;
                    let step = core.start(self.store, out)?;
                    self.stage = Stage::Reading(core);
                    self.finish_read(step)
                }
            },
            Stage::Reading(core) => {
                let step = core.on_response(self.store, self.oda, rapdu, out)?;
                self.finish_read(step)
            }
        }
    }
}

impl<const C: usize, const N: usize, const B: usize> ReadApplication<'_, '_, '_, C, N, B> {
    fn finish_read(&mut self, step: Step<ReadSummary>) -> Result<Step<ReadOutcome>, Error> {
        match step {
            Step::Send(n) => Ok(Step::Send(n)),
            Step::Done(summary) => {
                self.stage = Stage::Finished;
                let application = self.selected.ok_or(Error::new(ErrorKind::Sequence, 0))?;
                Ok(Step::Done(ReadOutcome::Ready { application, summary }))
            }
        }
    }
}
