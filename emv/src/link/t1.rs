//! T=1 (ISO/IEC 7816-3 §11, EMV Book 1 §9.2.4–9.2.5): blocks and the terminal's side of the
//! half-duplex block protocol, sans-IO.
//!
//! A block is NAD ‖ PCB ‖ LEN ‖ INF ‖ LRC (EMV: NAD = `00`, LRC only, LEN ≤ 254). PCB:
//! - I-block `0 N(S) M 00000`: N(S) send sequence number, M = more data (chaining);
//! - R-block `10 0 N(R) 00ee`: ee = `00` acknowledge, `01` EDC/parity error, `10` other error;
//! - S-block `11 r ttttt`: r = response; t = `0` RESYNCH, `1` IFS, `2` ABORT, `3` WTX.
//!
//! Recovery rules implemented by [`T1`] (EMV Book 1 §9.2.5 as summarised here):
//! - an invalid block (bad LRC or LEN, unknown PCB, wrong N(S)) or a timeout is answered with an
//!   R-block naming the expected N(R) (EDC error when the LRC failed, "other" otherwise);
//! - an R-block whose N(R) equals the N(S) of the last I-block sent asks for that block again;
//! - a block is sent at most three times in a row; then the terminal sends S(RESYNCH request)
//!   (up to three times), after which it gives up and the caller deactivates the card;
//! - S(WTX request) is answered with S(WTX response) carrying the same multiplier, which the
//!   caller applies to the next block waiting time ([`T1::wtx`]);
//! - S(IFS request) from the card sets IFSC and is answered with S(IFS response);
//! - S(ABORT request) is not supported: the caller deactivates the card.
//!
//! Chaining works both ways: the command is cut into I-blocks of at most IFSC bytes (M = 1 on all
//! but the last); a chained response is acknowledged block by block with R-blocks.

use crate::error::{Error, ErrorKind};

/// The most INF bytes in one block.
pub const MAX_INF: usize = 254;
/// The largest block.
pub const MAX_BLOCK: usize = MAX_INF + 4;
/// The largest command APDU buffered.
pub const MAX_APDU: usize = 261;

/// The kind of an S-block.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum SKind {
    /// Resynchronisation.
    Resynch,
    /// Information field size.
    Ifs,
    /// Abort chaining.
    Abort,
    /// Waiting time extension.
    Wtx,
}

/// A decoded PCB.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pcb {
    /// Information block.
    I {
        /// Send sequence number.
        ns: bool,
        /// More data follows (chaining).
        more: bool,
    },
    /// Receive-ready block.
    R {
        /// Expected sequence number.
        nr: bool,
        /// 0 = acknowledge, 1 = EDC/parity error, 2 = other error.
        error: u8,
    },
    /// Supervisory block.
    S {
        /// A response (else a request).
        response: bool,
        /// The kind.
        kind: SKind,
    },
}

impl Pcb {
    /// Decodes a PCB byte; `None` for reserved codings.
    pub const fn decode(b: u8) -> Option<Self> {
        if b & 0x80 == 0 {
            if b & 0x1F != 0 {
                return None;
            }
            return Some(Self::I { ns: b & 0x40 != 0, more: b & 0x20 != 0 });
        }
        if b & 0xC0 == 0x80 {
            if b & 0x2C != 0 || b & 0x03 == 3 {
                return None;
            }
            return Some(Self::R { nr: b & 0x10 != 0, error: b & 0x03 });
        }
        let kind = match b & 0x1F {
            0 => SKind::Resynch,
            1 => SKind::Ifs,
            2 => SKind::Abort,
            3 => SKind::Wtx,
            _ => return None,
        };
        Some(Self::S { response: b & 0x20 != 0, kind })
    }

    /// Encodes the PCB byte.
    pub const fn encode(self) -> u8 {
        match self {
            Self::I { ns, more } => ((ns as u8) << 6) | ((more as u8) << 5),
            Self::R { nr, error } => 0x80 | ((nr as u8) << 4) | (error & 0x03),
            Self::S { response, kind } => {
                let t = match kind {
                    SKind::Resynch => 0,
                    SKind::Ifs => 1,
                    SKind::Abort => 2,
                    SKind::Wtx => 3,
                };
                0xC0 | ((response as u8) << 5) | t
            }
        }
    }
}

/// A received block (a view). `Debug` shows the information field's length only.
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct Block<'a> {
    /// Node address.
    pub nad: u8,
    /// Protocol control.
    pub pcb: Pcb,
    /// Information field.
    pub inf: &'a [u8],
}

impl core::fmt::Debug for Block<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Block")
            .field("nad", &self.nad)
            .field("pcb", &self.pcb)
            .field("inf", &crate::redact::Len(self.inf))
            .finish()
    }
}

/// Why a received block is invalid.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum BlockError {
    /// The LRC does not match (or a parity error was reported): R-block error code 1.
    Edc,
    /// Any other defect (length, PCB coding): R-block error code 2.
    Other,
}

impl<'a> Block<'a> {
    /// Parses one whole block, checking LEN (≤ 254, matching the bytes) and the LRC.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, BlockError> {
        let (&[nad, pcb, len], rest) = bytes.split_first_chunk::<3>().ok_or(BlockError::Other)?;
        let (inf, lrc) = rest.split_last().map(|(l, i)| (i, *l)).ok_or(BlockError::Other)?;
        if usize::from(len) != inf.len() || usize::from(len) > MAX_INF {
            return Err(BlockError::Other);
        }
        if bytes.iter().fold(0u8, |a, b| a ^ b) != 0 {
            let _ = lrc;
            return Err(BlockError::Edc);
        }
        let pcb = Pcb::decode(pcb).ok_or(BlockError::Other)?;
        Ok(Self { nad, pcb, inf })
    }

    /// The total length a block would have, from its first three bytes (for framing).
    pub fn expected_len(prologue: &[u8]) -> Option<usize> {
        prologue.get(2).map(|&l| usize::from(l).saturating_add(4))
    }
}

/// Encodes a block into `out`; returns its length.
pub fn encode_block(nad: u8, pcb: Pcb, inf: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let len = u8::try_from(inf.len()).ok().filter(|&l| usize::from(l) <= MAX_INF);
    let len = len.ok_or(Error::new(ErrorKind::BadLength, 2))?;
    let n = inf.len().saturating_add(4);
    let dst = out.get_mut(..n).ok_or(Error::new(ErrorKind::BufferTooSmall, n))?;
    let (hdr, rest) = dst.split_first_chunk_mut::<3>().ok_or(Error::new(ErrorKind::BufferTooSmall, 0))?;
    *hdr = [nad, pcb.encode(), len];
    let (body, lrc) = rest.split_at_mut_checked(inf.len()).ok_or(Error::new(ErrorKind::BufferTooSmall, 3))?;
    body.copy_from_slice(inf);
    let x = [nad, pcb.encode(), len].iter().chain(inf).fold(0u8, |a, b| a ^ b);
    if let Some(l) = lrc.first_mut() {
        *l = x;
    }
    Ok(n)
}

/// Copies the first `n` bytes of `src` to `dst` (both checked, so no length-mismatch panic path).
fn copy_prefix(dst: &mut [u8], src: &[u8], n: usize) -> Result<(), Error> {
    let src = src.get(..n).ok_or(Error::new(ErrorKind::BufferTooSmall, n))?;
    let dst = dst.get_mut(..n).ok_or(Error::new(ErrorKind::BufferTooSmall, n))?;
    dst.copy_from_slice(src);
    Ok(())
}

/// What the caller does next.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum T1Step {
    /// Send the `n` bytes written to the output buffer, then wait for a block.
    Send(usize),
    /// The response APDU is complete: `len` bytes in the response buffer.
    Done(usize),
    /// Unrecoverable: deactivate the card.
    Deactivate,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    /// Sending the command; `offset` = start of the last chunk sent, `chunk` its length.
    Sending {
        offset: usize,
        chunk: usize,
    },
    Receiving,
    Resynch,
    IfsRequest,
}

/// The terminal side of T=1. `Debug` shows the protocol state, not the buffered APDU or block.
#[derive(Clone)]
pub struct T1 {
    ifsc: usize,
    ifsd: u8,
    ns: bool,
    nr: bool,
    phase: Phase,
    apdu: [u8; MAX_APDU],
    apdu_len: usize,
    last: [u8; MAX_BLOCK],
    last_len: usize,
    retries: u8,
    resyncs: u8,
    rx: usize,
    wtx: Option<u8>,
}

impl core::fmt::Debug for T1 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("T1")
            .field("ifsc", &self.ifsc)
            .field("ifsd", &self.ifsd)
            .field("ns", &self.ns)
            .field("nr", &self.nr)
            .field("phase", &self.phase)
            .field("apdu_len", &self.apdu_len)
            .field("last_len", &self.last_len)
            .field("retries", &self.retries)
            .field("resyncs", &self.resyncs)
            .field("wtx", &self.wtx)
            .finish_non_exhaustive()
    }
}

impl T1 {
    /// After the ATR: IFSC from TA3 (default 32), IFSD the terminal's receive size (EMV: 254).
    pub fn new(ifsc: u8, ifsd: u8) -> Self {
        Self {
            ifsc: usize::from(ifsc.clamp(1, 254)),
            ifsd,
            ns: false,
            nr: false,
            phase: Phase::Idle,
            apdu: [0; MAX_APDU],
            apdu_len: 0,
            last: [0; MAX_BLOCK],
            last_len: 0,
            retries: 0,
            resyncs: 0,
            rx: 0,
            wtx: None,
        }
    }

    /// The current IFSC.
    pub const fn ifsc(&self) -> usize {
        self.ifsc
    }

    /// The waiting time extension multiplier granted for the next block, if any (cleared by the
    /// next call).
    pub const fn wtx(&self) -> Option<u8> {
        self.wtx
    }

    fn emit(
        &mut self,
        pcb: Pcb,
        inf_range: Option<(usize, usize)>,
        inf_small: &[u8],
        out: &mut [u8],
    ) -> Result<T1Step, Error> {
        let mut block = [0u8; MAX_BLOCK];
        let inf: &[u8] = match inf_range {
            Some((a, b)) => self.apdu.get(a..b).unwrap_or(&[]),
            None => inf_small,
        };
        let n = encode_block(0, pcb, inf, &mut block)?;
        copy_prefix(out, &block, n)?;
        copy_prefix(&mut self.last, &block, n)?;
        self.last_len = n;
        Ok(T1Step::Send(n))
    }

    fn resend(&mut self, out: &mut [u8]) -> Result<T1Step, Error> {
        let n = self.last_len;
        copy_prefix(out, &self.last, n)?;
        Ok(T1Step::Send(n))
    }

    /// The S(IFS request) announcing IFSD, sent once after the ATR (EMV Book 1 §9.2.4.3).
    pub fn ifs_request(&mut self, out: &mut [u8]) -> Result<T1Step, Error> {
        self.phase = Phase::IfsRequest;
        self.retries = 0;
        let ifsd = self.ifsd;
        self.emit(Pcb::S { response: false, kind: SKind::Ifs }, None, &[ifsd], out)
    }

    /// Starts sending a command APDU; writes the first I-block to `out`.
    pub fn send_apdu(&mut self, apdu: &[u8], out: &mut [u8]) -> Result<T1Step, Error> {
        let dst = self.apdu.get_mut(..apdu.len()).ok_or(Error::new(ErrorKind::BadLength, 0))?;
        dst.copy_from_slice(apdu);
        self.apdu_len = apdu.len();
        self.rx = 0;
        self.retries = 0;
        self.send_chunk(0, out)
    }

    fn send_chunk(&mut self, offset: usize, out: &mut [u8]) -> Result<T1Step, Error> {
        let chunk = self.apdu_len.saturating_sub(offset).min(self.ifsc);
        let end = offset.saturating_add(chunk);
        let more = end < self.apdu_len;
        self.phase = Phase::Sending { offset, chunk };
        self.emit(Pcb::I { ns: self.ns, more }, Some((offset, end)), &[], out)
    }

    fn error_or_give_up(&mut self, kind: BlockError, out: &mut [u8]) -> Result<T1Step, Error> {
        self.retries = self.retries.saturating_add(1);
        if self.retries >= 3 {
            return self.resynch(out);
        }
        let code = match kind {
            BlockError::Edc => 1,
            BlockError::Other => 2,
        };
        if matches!(self.phase, Phase::Resynch | Phase::IfsRequest) {
            return self.resend(out);
        }
        let nr = self.nr;
        let mut block = [0u8; 4];
        let n = encode_block(0, Pcb::R { nr, error: code }, &[], &mut block)?;
        copy_prefix(out, &block, n)?;
        Ok(T1Step::Send(n))
    }

    fn resynch(&mut self, out: &mut [u8]) -> Result<T1Step, Error> {
        self.resyncs = self.resyncs.saturating_add(1);
        if self.resyncs > 3 {
            self.phase = Phase::Idle;
            return Ok(T1Step::Deactivate);
        }
        self.retries = 0;
        self.phase = Phase::Resynch;
        self.emit(Pcb::S { response: false, kind: SKind::Resynch }, None, &[], out)
    }

    /// A waiting time expired without a (complete) block: handled like an invalid block.
    pub fn on_timeout(&mut self, out: &mut [u8]) -> Result<T1Step, Error> {
        self.wtx = None;
        self.error_or_give_up(BlockError::Other, out)
    }

    /// Feeds one received block. Response APDU bytes go to `resp`; the next block to `out`.
    pub fn on_block(&mut self, rx: &[u8], resp: &mut [u8], out: &mut [u8]) -> Result<T1Step, Error> {
        self.wtx = None;
        let block = match Block::parse(rx) {
            Ok(b) => b,
            Err(kind) => return self.error_or_give_up(kind, out),
        };
        match (block.pcb, self.phase) {
            (Pcb::S { response: false, kind: SKind::Wtx }, _) => {
                let [m] = <[u8; 1]>::try_from(block.inf).map_err(|_| Error::new(ErrorKind::Link, 3))?;
                let step = self.emit(Pcb::S { response: true, kind: SKind::Wtx }, None, &[m], out);
                self.wtx = Some(m);
                step
            }
            (Pcb::S { response: false, kind: SKind::Ifs }, _) => {
                let [v] = <[u8; 1]>::try_from(block.inf).map_err(|_| Error::new(ErrorKind::Link, 3))?;
                if !(0x10..=0xFE).contains(&v) {
                    return self.error_or_give_up(BlockError::Other, out);
                }
                self.ifsc = usize::from(v);
                self.emit(Pcb::S { response: true, kind: SKind::Ifs }, None, &[v], out)
            }
            (Pcb::S { response: false, kind: SKind::Abort | SKind::Resynch }, _) => {
                self.phase = Phase::Idle;
                Ok(T1Step::Deactivate)
            }
            (Pcb::S { response: true, kind: SKind::Ifs }, Phase::IfsRequest) => {
                if block.inf != [self.ifsd] {
                    return self.error_or_give_up(BlockError::Other, out);
                }
                self.phase = Phase::Idle;
                self.retries = 0;
                Ok(T1Step::Done(0))
            }
            (Pcb::S { response: true, kind: SKind::Resynch }, Phase::Resynch) => {
                self.ns = false;
                self.nr = false;
                self.retries = 0;
                self.rx = 0;
                if self.apdu_len == 0 {
                    self.phase = Phase::Idle;
                    return Ok(T1Step::Done(0));
                }
                self.send_chunk(0, out)
            }
            (Pcb::R { nr, .. }, Phase::Sending { offset, chunk }) => {
                if nr != self.ns {
                    // Acknowledges the chunk just sent (only valid while chaining).
                    let end = offset.saturating_add(chunk);
                    if end >= self.apdu_len {
                        return self.error_or_give_up(BlockError::Other, out);
                    }
                    self.ns = !self.ns;
                    self.retries = 0;
                    self.send_chunk(end, out)
                } else {
                    self.retries = self.retries.saturating_add(1);
                    if self.retries >= 3 {
                        return self.resynch(out);
                    }
                    self.resend(out)
                }
            }
            (Pcb::R { .. }, Phase::Receiving) => {
                // The card did not get our acknowledgement: send it again.
                self.retries = self.retries.saturating_add(1);
                if self.retries >= 3 {
                    return self.resynch(out);
                }
                self.resend(out)
            }
            (Pcb::I { ns, more }, Phase::Sending { offset, chunk })
                if offset.saturating_add(chunk) >= self.apdu_len =>
            {
                // The card's I-block acknowledges our last chunk.
                self.ns = !self.ns;
                self.phase = Phase::Receiving;
                self.receive(ns, more, block.inf, resp, out)
            }
            (Pcb::I { ns, more }, Phase::Receiving) => self.receive(ns, more, block.inf, resp, out),
            _ => self.error_or_give_up(BlockError::Other, out),
        }
    }

    fn receive(
        &mut self,
        ns: bool,
        more: bool,
        inf: &[u8],
        resp: &mut [u8],
        out: &mut [u8],
    ) -> Result<T1Step, Error> {
        if ns != self.nr {
            return self.error_or_give_up(BlockError::Other, out);
        }
        let end = self.rx.checked_add(inf.len()).ok_or(Error::new(ErrorKind::BufferTooSmall, self.rx))?;
        resp.get_mut(self.rx..end)
            .ok_or(Error::new(ErrorKind::BufferTooSmall, self.rx))?
            .copy_from_slice(inf);
        self.rx = end;
        self.nr = !self.nr;
        self.retries = 0;
        if more {
            let nr = self.nr;
            return self.emit(Pcb::R { nr, error: 0 }, None, &[], out);
        }
        self.phase = Phase::Idle;
        Ok(T1Step::Done(self.rx))
    }
}
