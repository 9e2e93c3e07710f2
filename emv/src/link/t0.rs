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
//!
//! Character repetition (EMV Book 1 §9.2.3 "Error Detection and Correction for T=0", ISO/IEC
//! 7816-3 §7.3 "Error signal and character repetition"): a receiver that sees a parity error
//! holds I/O low during the guard time (the error signal) and the sender repeats the character.
//! The UART reports both events; this layer decides. A character may be repeated at most
//! [`MAX_REPETITIONS`] times (4 repetitions, i.e. 5 transmissions in all, as this crate reads
//! Book 1 §9.2.3 — verify against the edition targeted before certification); one more error on
//! the same character ends the exchange with [`ErrorKind::Link`] and the caller deactivates the
//! card. [`Repetitions`] counts for one character in either direction;
//! [`T0Exchange::on_parity_error`] applies it to the characters the terminal receives.

use crate::apdu::Command;
use crate::error::{Error, ErrorKind};

/// The most repetitions of one character (EMV Book 1 §9.2.3): after the original transmission
/// and this many repetitions have all failed, the link is given up.
pub const MAX_REPETITIONS: u8 = 4;

/// The repetition count of one character on T=0, for either direction: the terminal receiving
/// (a parity error reported by its UART) or the terminal sending (the card's error signal
/// reported by the UART).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Repetitions {
    errors: u8,
}

impl Repetitions {
    /// No error yet on the current character.
    pub const fn new() -> Self {
        Self { errors: 0 }
    }

    /// The current character failed once more (received with a parity error, or the receiver
    /// signalled an error). `Ok` — signal the error / repeat the character; `Err` with
    /// [`ErrorKind::Link`] — the original and [`MAX_REPETITIONS`] repetitions all failed:
    /// deactivate the card.
    pub fn on_error(&mut self) -> Result<(), Error> {
        self.errors = self.errors.saturating_add(1);
        if self.errors > MAX_REPETITIONS {
            return Err(Error::new(ErrorKind::Link, usize::from(self.errors)));
        }
        Ok(())
    }

    /// The character went through: the count restarts for the next one.
    pub fn on_success(&mut self) {
        self.errors = 0;
    }

    /// How many times the current character failed so far.
    pub const fn errors(&self) -> u8 {
        self.errors
    }
}

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
    rx: Repetitions,
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
        Ok((
            Self {
                header,
                sending,
                remaining,
                sent: 0,
                received: 0,
                state: State::Procedure,
                rx: Repetitions::new(),
            },
            header,
        ))
    }

    /// The UART received a character with a parity error. The character is not used; `Ok` —
    /// signal the error (if the UART does not do it by itself) and wait for the repetition;
    /// `Err` ([`ErrorKind::Link`]) — the same character failed more than [`MAX_REPETITIONS`]
    /// times after its first transmission: deactivate.
    pub fn on_parity_error(&mut self) -> Result<(), Error> {
        if self.state == State::Finished {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        self.rx.on_error()
    }

    /// Feeds one byte received from the card. `data` is the command data (the same each call),
    /// `resp` receives response bytes.
    pub fn on_byte<'d>(&mut self, b: u8, data: &'d [u8], resp: &mut [u8]) -> Result<T0Step<'d>, Error> {
        let ins = self.header[1];
        self.rx.on_success();
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
