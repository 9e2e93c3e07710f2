//! Kernel phases in Book 3 order, each a sans-IO state machine: it writes the next command APDU
//! into a caller buffer ([`Step::Send`]) and consumes the card's response APDU (data ‖ SW1 SW2),
//! until it finishes ([`Step::Done`]). [`drive`] runs a phase over a blocking
//! [`CardTransport`], handling T=0 `61xx`/`6Cxx` on the way.
//!
//! This issue delivers the first three phases: [`selection`], [`gpo`] (initiate application
//! processing) and [`read_records`] (read application data).

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

/// Runs `phase` to completion over `transport` (with T=0 `61xx`/`6Cxx` handling).
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
        let mut helper = T0Helper::new();
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
