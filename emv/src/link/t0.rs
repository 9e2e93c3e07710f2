//! T=0 (ISO/IEC 7816-3 §10, EMV Book 1 §9.2.2 and §9.3.1): the case 1–4 mapping of a command
//! APDU onto a command TPDU, and the procedure-byte state machine of one TPDU exchange.
//!
//! Case mapping (EMV Book 1 §9.3.1.1):
//! - case 1: header with P3 = `00`;
//! - case 2: P3 = Le (`00` = 256 bytes);
//! - case 3: P3 = Lc, the data follows the procedure byte;
//! - case 4: as case 3 — Le is not sent; the card answers `61xx` and the response comes with
//!   GET RESPONSE (see [`crate::apdu::T0Helper`]).
//!
//! Procedure bytes: `60` NULL (keep waiting), INS (send/receive all remaining bytes), INS ⊕ `FF`
//! (send/receive one byte), `6x` (≠ `60`) or `9x` = SW1 (then SW2). Anything else is an error
//! (the caller deactivates the card).

use crate::apdu::Command;
use crate::error::{Error, ErrorKind};

/// What the caller does next in a T=0 exchange.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum T0Step<'d> {
    /// Send these bytes to the card, then wait for the next byte.
    Send(&'d [u8]),
    /// Keep waiting (restart the work waiting time).
    Wait,
    /// The exchange is finished: `len` response bytes were stored, and the status word.
    Done {
        /// Response bytes stored in the caller's buffer.
        len: usize,
        /// SW1.
        sw1: u8,
        /// SW2.
        sw2: u8,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum State {
    Procedure,
    ReceiveAll,
    ReceiveOne,
    Sw2(u8),
    Finished,
}

/// One command TPDU exchange on T=0.
#[derive(Clone, Debug)]
pub struct T0Exchange {
    header: [u8; 5],
    sending: bool,
    remaining: usize,
    sent: usize,
    received: usize,
    state: State,
}

impl T0Exchange {
    /// Maps `cmd` to its TPDU; returns the exchange and the 5-byte header to send first.
    pub fn new(cmd: &Command<'_>) -> Result<(Self, [u8; 5]), Error> {
        let lc = u8::try_from(cmd.data.len()).map_err(|_| Error::new(ErrorKind::BadLength, 4))?;
        let (p3, sending, remaining) = if cmd.data.is_empty() {
            match cmd.le {
                None => (0u8, false, 0usize),
                Some(0) => (0, false, 256),
                Some(le) => (le, false, usize::from(le)),
            }
        } else {
            (lc, true, cmd.data.len())
        };
        let header = [cmd.cla, cmd.ins, cmd.p1, cmd.p2, p3];
        Ok((Self { header, sending, remaining, sent: 0, received: 0, state: State::Procedure }, header))
    }

    /// Feeds one byte received from the card. `data` is the command data (the same each call),
    /// `resp` receives response bytes.
    pub fn on_byte<'d>(&mut self, b: u8, data: &'d [u8], resp: &mut [u8]) -> Result<T0Step<'d>, Error> {
        let ins = self.header[1];
        match self.state {
            State::Finished => Err(Error::new(ErrorKind::Sequence, 0)),
            State::Sw2(sw1) => {
                self.state = State::Finished;
                Ok(T0Step::Done { len: self.received, sw1, sw2: b })
            }
            State::ReceiveAll | State::ReceiveOne => {
                let slot = resp
                    .get_mut(self.received)
                    .ok_or(Error::new(ErrorKind::BufferTooSmall, self.received))?;
                *slot = b;
                self.received = self.received.saturating_add(1);
                self.remaining = self.remaining.saturating_sub(1);
                if self.state == State::ReceiveOne || self.remaining == 0 {
                    self.state = State::Procedure;
                }
                Ok(T0Step::Wait)
            }
            State::Procedure => {
                if b == 0x60 {
                    return Ok(T0Step::Wait);
                }
                if b & 0xF0 == 0x60 || b & 0xF0 == 0x90 {
                    self.state = State::Sw2(b);
                    return Ok(T0Step::Wait);
                }
                let all = b == ins;
                let one = b == ins ^ 0xFF;
                if !all && !one {
                    return Err(Error::new(ErrorKind::Link, 0));
                }
                if self.remaining == 0 {
                    return Err(Error::new(ErrorKind::Link, 0));
                }
                if self.sending {
                    let n = if all { self.remaining } else { 1 };
                    let end = self.sent.saturating_add(n);
                    let chunk =
                        data.get(self.sent..end).ok_or(Error::new(ErrorKind::BadLength, self.sent))?;
                    self.sent = end;
                    self.remaining = self.remaining.saturating_sub(n);
                    Ok(T0Step::Send(chunk))
                } else {
                    self.state = if all { State::ReceiveAll } else { State::ReceiveOne };
                    Ok(T0Step::Wait)
                }
            }
        }
    }
}
