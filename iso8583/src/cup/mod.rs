//! Typed UnionPay POS flows over the `cup-pos` spec ([`crate::specs::CUP_POS`]): request builders
//! ([`Request`]) and response parsers ([`Response`]) for sign-on with working-key download,
//! parameter download, sale, void, refund, pre-authorisation and its completion/void, balance
//! inquiry, reversal, TC upload, offline advice, script-result notification, batch upload,
//! settlement and echo test. No heap, no panics; everything goes through the public codec
//! ([`crate::pack`], [`crate::unpack`], [`crate::mac`]) — no dialect code path in the codec.
//!
//! Message layouts follow reference `iso8583.md` §7.1 and the China UnionPay POS terminal
//! specification as read there; the readings beyond the public samples are listed in
//! [`codes`] and on each builder.

pub mod codes;
mod request;
mod response;

pub use codes::{
    Action, Condition, EntryMode, NetMgmt, PanEntry, RESPONSE_CODES, ResponseCode, ResponseInfo,
    ReversalReason, ScanScheme, TxnType, classify_scan_code,
};
pub use request::{Card, Original, Request, Terminal, Totals};
pub use response::{F60, ParamRecords, Response, SettlementResult, Tlv};

use crate::error::{ErrorKind, FieldPath};

/// What went wrong in a flow (beyond the codec).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FlowErrorKind {
    /// The codec failed (kind inside).
    Codec(ErrorKind),
    /// The message is not the expected MTI.
    UnexpectedMti,
    /// A required field is absent.
    Missing,
    /// A field's value is malformed for the flow (not digits, wrong length).
    BadValue,
    /// A numeric input does not fit its field.
    OutOfRange,
    /// A working key's check value does not match (or the key block is malformed).
    KeyCheckFailed,
    /// The response's MAC does not verify (the terminal reverses with reason `A0`).
    MacMismatch,
}

/// A flow error: kind, field path, byte offset. `Copy`, never a value (PCI).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct FlowError {
    /// What.
    pub kind: FlowErrorKind,
    /// Where.
    pub path: FieldPath,
    /// Byte offset in the message or field.
    pub offset: usize,
}

impl FlowError {
    const fn new(kind: FlowErrorKind, de: u16, offset: usize) -> Self {
        Self { kind, path: FieldPath::field(de), offset }
    }
}

impl From<crate::Error> for FlowError {
    fn from(e: crate::Error) -> Self {
        let kind = match e.kind {
            ErrorKind::MacMismatch => FlowErrorKind::MacMismatch,
            k => FlowErrorKind::Codec(k),
        };
        Self { kind, path: e.path, offset: e.offset }
    }
}

impl core::fmt::Display for FlowError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?} at field {}, offset {}", self.kind, self.path, self.offset)
    }
}

/// Writes `value` as exactly `out.len()` right-aligned ASCII digits.
fn put_digits(mut value: u64, out: &mut [u8], de: u16) -> Result<(), FlowError> {
    for b in out.iter_mut().rev() {
        // `value % 10` < 10: the cast cannot truncate.
        *b = b'0'.wrapping_add((value % 10) as u8);
        value /= 10;
    }
    if value == 0 { Ok(()) } else { Err(FlowError::new(FlowErrorKind::OutOfRange, de, 0)) }
}

/// Parses ASCII digits as a number (at most 19 digits).
fn parse_digits(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d.wrapping_sub(b'0')))?;
    }
    Some(v)
}

/// A small fixed buffer with a length.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
struct Buf<const N: usize> {
    data: [u8; N],
    len: usize,
}

impl<const N: usize> Buf<N> {
    const EMPTY: Self = Self { data: [0; N], len: 0 };
    fn as_slice(&self) -> &[u8] {
        self.data.get(..self.len).unwrap_or(&[])
    }
    fn push(&mut self, bytes: &[u8], de: u16) -> Result<(), FlowError> {
        let end = self.len.checked_add(bytes.len()).filter(|&e| e <= N);
        let dst = end.and_then(|e| self.data.get_mut(self.len..e));
        match (dst, end) {
            (Some(d), Some(e)) => {
                d.copy_from_slice(bytes);
                self.len = e;
                Ok(())
            }
            _ => Err(FlowError::new(FlowErrorKind::OutOfRange, de, self.len)),
        }
    }
    fn push_num(&mut self, value: u64, width: usize, de: u16) -> Result<(), FlowError> {
        let mut tmp = [0u8; 20];
        let t = tmp.get_mut(..width).ok_or(FlowError::new(FlowErrorKind::OutOfRange, de, 0))?;
        put_digits(value, t, de)?;
        self.push(t, de)
    }
}
