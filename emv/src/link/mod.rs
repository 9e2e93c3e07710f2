//! The card link layer (EMV 4.4 Book 1 / ISO/IEC 7816-3), sans-IO and byte-level, for firmware
//! that drives a card UART itself: [`atr`] (answer to reset and PPS), [`t0`] (procedure bytes and
//! the case 1–4 mapping) and [`t1`] (block protocol with chaining and error recovery).
//!
//! Nothing here touches hardware or time: the caller feeds received bytes (or reports a timeout)
//! and gets bytes to send and waiting times to arm.

pub mod atr;
pub mod t0;
pub mod t1;

use crate::apdu::{CardTransport, Command};
use crate::error::{Error, ErrorKind};

/// One character as the UART received it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// A character with correct parity.
    Byte(u8),
    /// A character with a parity error (its value is meaningless).
    ParityError,
}

/// Whether the receiver accepted a character the terminal sent (T=0 error signal, ISO/IEC
/// 7816-3 §7.3: I/O held low during the guard time).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Sent {
    /// No error signal: the character was received.
    Accepted,
    /// The card signalled a parity error: the character must be repeated.
    ErrorSignalled,
}

/// Byte-level I/O to a card on a T=0 link (a UART driver, or the simulator).
///
/// A driver whose UART does character repetition in hardware implements [`send`](Self::send)
/// and [`recv`](Self::recv) only. A driver that reports parity errors to software also
/// implements [`send_char`](Self::send_char), [`recv_char`](Self::recv_char) and
/// [`signal_parity_error`](Self::signal_parity_error); [`T0Link`] then applies the repetition
/// rules and limit of EMV Book 1 §9.2.3 ([`t0::MAX_REPETITIONS`]).
pub trait ByteIo {
    /// Sends bytes to the card.
    fn send(&mut self, bytes: &[u8]) -> Result<(), Error>;
    /// The next byte from the card, or `None` when the work waiting time expired.
    fn recv(&mut self) -> Result<Option<u8>, Error>;
    /// Sends one character and reports whether the card signalled a parity error on it.
    fn send_char(&mut self, b: u8) -> Result<Sent, Error> {
        self.send(&[b]).map(|()| Sent::Accepted)
    }
    /// The next character from the card with its parity status, or `None` when the work
    /// waiting time expired.
    fn recv_char(&mut self) -> Result<Option<Received>, Error> {
        self.recv().map(|b| b.map(Received::Byte))
    }
    /// Signals a parity error on the character just received (I/O low during the guard time),
    /// asking the card to repeat it. The default does nothing (UARTs that signal by themselves).
    fn signal_parity_error(&mut self) -> Result<(), Error> {
        Ok(())
    }
}

/// Block-level I/O to a card on a T=1 link: sends one block, returns the next block received
/// (`None` when the block or character waiting time expired). The driver frames blocks with
/// [`t1::Block::expected_len`] and reports parity errors by corrupting nothing: the LRC check
/// catches them.
pub trait BlockIo {
    /// Sends `tx`, writes the received block into `rx`, returns its length.
    fn exchange_block(&mut self, tx: &[u8], rx: &mut [u8]) -> Result<Option<usize>, Error>;
}

/// A [`CardTransport`] over a T=0 byte link: each C-APDU is mapped to a TPDU and run through
/// the procedure-byte machine. `61xx`/`6Cxx` are returned as they are, for the APDU-level
/// helper ([`crate::apdu::exchange`], [`crate::kernel::drive`]).
#[derive(Debug)]
pub struct T0Link<I> {
    io: I,
}

impl<I: ByteIo> T0Link<I> {
    /// A T=0 link over `io`.
    pub const fn new(io: I) -> Self {
        Self { io }
    }

    /// The underlying I/O.
    pub fn io(&mut self) -> &mut I {
        &mut self.io
    }
}

impl<I: ByteIo> T0Link<I> {
    /// Sends each character, repeating it while the card signals an error, up to the limit.
    fn send_chars(&mut self, bytes: &[u8]) -> Result<(), Error> {
        for &b in bytes {
            let mut rep = t0::Repetitions::new();
            while self.io.send_char(b)? == Sent::ErrorSignalled {
                rep.on_error()?;
            }
        }
        Ok(())
    }
}

impl<I: ByteIo> CardTransport for T0Link<I> {
    fn transmit(&mut self, capdu: &[u8], rapdu: &mut [u8]) -> Result<usize, Error> {
        let cmd = Command::parse(capdu)?;
        let (mut x, header) = t0::T0Exchange::new(&cmd)?;
        self.send_chars(&header)?;
        loop {
            let b = match self.io.recv_char()?.ok_or(Error::new(ErrorKind::Transport, 0))? {
                Received::Byte(b) => b,
                Received::ParityError => {
                    x.on_parity_error()?;
                    self.io.signal_parity_error()?;
                    continue;
                }
            };
            match x.on_byte(b, cmd.data, rapdu)? {
                t0::T0Step::Send(d) => self.send_chars(d)?,
                t0::T0Step::Wait => {}
                t0::T0Step::Done { len, sw1, sw2 } => {
                    let end = len.checked_add(2).ok_or(Error::new(ErrorKind::BufferTooSmall, len))?;
                    rapdu
                        .get_mut(len..end)
                        .ok_or(Error::new(ErrorKind::BufferTooSmall, len))?
                        .copy_from_slice(&[sw1, sw2]);
                    return Ok(end);
                }
            }
        }
    }
}

/// A [`CardTransport`] over a T=1 block link, running the [`t1::T1`] engine with its error
/// recovery. Call [`T1Link::negotiate_ifsd`] once after the ATR.
#[derive(Debug)]
pub struct T1Link<I> {
    io: I,
    t1: t1::T1,
}

impl<I: BlockIo> T1Link<I> {
    /// A T=1 link with the card's IFSC (TA3) and the terminal's IFSD.
    pub fn new(io: I, ifsc: u8, ifsd: u8) -> Self {
        Self { io, t1: t1::T1::new(ifsc, ifsd) }
    }

    /// The underlying I/O.
    pub fn io(&mut self) -> &mut I {
        &mut self.io
    }

    fn run(
        &mut self,
        mut step: t1::T1Step,
        out: &mut [u8; t1::MAX_BLOCK],
        resp: &mut [u8],
    ) -> Result<usize, Error> {
        let mut rx = [0u8; t1::MAX_BLOCK];
        let mut rounds = 0u16;
        loop {
            rounds = rounds.saturating_add(1);
            if rounds > 1024 {
                return Err(Error::new(ErrorKind::Link, 0));
            }
            match step {
                t1::T1Step::Done(n) => return Ok(n),
                t1::T1Step::Deactivate => return Err(Error::new(ErrorKind::Link, 0)),
                t1::T1Step::Send(n) => {
                    let tx = *out;
                    let got = self.io.exchange_block(tx.get(..n).unwrap_or(&[]), &mut rx)?;
                    step = match got {
                        Some(m) => self.t1.on_block(rx.get(..m).unwrap_or(&[]), resp, out)?,
                        None => self.t1.on_timeout(out)?,
                    };
                }
            }
        }
    }

    /// Sends S(IFS request) with IFSD and waits for the response.
    pub fn negotiate_ifsd(&mut self) -> Result<(), Error> {
        let mut out = [0u8; t1::MAX_BLOCK];
        let step = self.t1.ifs_request(&mut out)?;
        self.run(step, &mut out, &mut []).map(|_| ())
    }
}

impl<I: BlockIo> CardTransport for T1Link<I> {
    fn transmit(&mut self, capdu: &[u8], rapdu: &mut [u8]) -> Result<usize, Error> {
        let mut out = [0u8; t1::MAX_BLOCK];
        let step = self.t1.send_apdu(capdu, &mut out)?;
        self.run(step, &mut out, rapdu)
    }
}
