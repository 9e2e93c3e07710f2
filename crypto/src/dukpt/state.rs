//! Terminal state persistence: a versioned fixed layout with an integrity check, written to one
//! of two slots (A/B) so a power cut during a write always leaves the previous state readable.
//!
//! [`Persistent::next_transaction`] advances a copy of the terminal, persists it, and only then
//! releases the transaction key: a key is never released for a counter that is not yet durable,
//! so after any power cut the terminal resumes at or after the next unreleased counter and never
//! uses a key twice.
//!
//! Layout (big-endian), `LEN` bytes:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `PPDK` |
//! | 4 | 1 | layout version (1) |
//! | 5 | 1 | scheme: 1 TDES, 2 AES |
//! | 6 | 1 | key type (AES: 2/3/4 = AES-128/192/256; TDES: 0) |
//! | 7 | 1 | reserved 0 |
//! | 8 | 4 | write sequence number |
//! | 12 | 12 | KSN of the next transaction (TDES: 10 bytes, 2 zero bytes) |
//! | 24 | 4 | register validity bitmap |
//! | 28 | 21×16 (TDES) / 32×32 (AES) | registers |
//! | end−32 | 32 | SHA-256 of all preceding bytes |
//!
//! The integrity check detects torn or corrupted writes; it is not a MAC (the registers are
//! secret key material: the storage itself must be protected, as the registers are).

use super::{aes, tdes};
use crate::cipher::CipherProvider;
use crate::error::{Error, ErrorKind, Result};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

/// Layout version written by this crate.
pub const LAYOUT_VERSION: u8 = 1;
const MAGIC: [u8; 4] = *b"PPDK";
const HEADER: usize = 28;
const HASH: usize = 32;
/// Persisted size of a TDES terminal.
pub const TDES_STATE_LEN: usize = HEADER + 21 * 16 + HASH;
/// Persisted size of an AES terminal.
pub const AES_STATE_LEN: usize = HEADER + 32 * 32 + HASH;
/// Largest persisted size.
pub const MAX_STATE_LEN: usize = AES_STATE_LEN;

/// Two-slot non-volatile storage (flash pages, EEPROM, a file pair).
pub trait Storage {
    /// Writes `data` to `slot` (0 or 1). A power cut may leave the slot torn.
    ///
    /// # Errors
    /// Any storage failure.
    fn write(&mut self, slot: u8, data: &[u8]) -> Result<()>;
    /// Reads `out.len()` bytes from `slot`.
    ///
    /// # Errors
    /// Any storage failure (an empty slot may return an error or any bytes).
    fn read(&self, slot: u8, out: &mut [u8]) -> Result<()>;
}

/// A terminal whose state can be persisted in the fixed layout.
pub trait TerminalState: Sized {
    /// The per-transaction output.
    type Transaction;
    /// Persisted length.
    const LEN: usize;
    /// Encodes into `out[..LEN]` (without the hash).
    ///
    /// # Errors
    /// [`ErrorKind::BufferTooSmall`].
    fn encode_body(&self, out: &mut [u8]) -> Result<()>;
    /// Decodes from a verified `buf[..LEN]`.
    ///
    /// # Errors
    /// [`ErrorKind::CorruptState`].
    fn decode_body(buf: &[u8]) -> Result<Self>;
    /// One terminal step.
    ///
    /// # Errors
    /// As the terminal's `next_transaction`.
    fn step<P: CipherProvider + ?Sized>(&mut self, p: &P) -> Result<Self::Transaction>;
    /// Deep copy (the registers are secret: copies are zeroized on drop).
    fn duplicate(&self) -> Self;
}

fn corrupt(field: &'static str, off: usize) -> Error {
    Error::at(ErrorKind::CorruptState, field, off)
}

fn put(out: &mut [u8], off: usize, b: &[u8]) -> Result<()> {
    out.get_mut(off..off.saturating_add(b.len()))
        .ok_or(Error::at(ErrorKind::BufferTooSmall, "state", off))?
        .copy_from_slice(b);
    Ok(())
}

fn get<const N: usize>(buf: &[u8], off: usize) -> Result<[u8; N]> {
    let s = buf.get(off..off.saturating_add(N)).ok_or(corrupt("state length", off))?;
    s.try_into().map_err(|_| corrupt("state length", off))
}

fn header(out: &mut [u8], scheme: u8, kind: u8, ksn: &[u8], valid: u32) -> Result<()> {
    put(out, 0, &MAGIC)?;
    put(out, 4, &[LAYOUT_VERSION, scheme, kind, 0])?;
    let mut k = [0u8; 12];
    k.get_mut(..ksn.len()).ok_or(corrupt("ksn", 12))?.copy_from_slice(ksn);
    put(out, 12, &k)?;
    put(out, 24, &valid.to_be_bytes())
}

fn check_header(buf: &[u8], scheme: u8) -> Result<(u8, [u8; 12], u32)> {
    if get::<4>(buf, 0)? != MAGIC {
        return Err(corrupt("magic", 0));
    }
    let [version, s, kind, _] = get::<4>(buf, 4)?;
    if version != LAYOUT_VERSION {
        return Err(corrupt("layout version", 4));
    }
    if s != scheme {
        return Err(corrupt("scheme", 5));
    }
    Ok((kind, get::<12>(buf, 12)?, u32::from_be_bytes(get::<4>(buf, 24)?)))
}

impl TerminalState for tdes::Terminal {
    type Transaction = tdes::Transaction;
    const LEN: usize = TDES_STATE_LEN;
    fn encode_body(&self, out: &mut [u8]) -> Result<()> {
        let (ksn, regs, valid) = self.parts();
        header(out, 1, 0, ksn.as_bytes(), valid)?;
        for (i, r) in regs.iter().enumerate() {
            put(out, HEADER.saturating_add(i.saturating_mul(16)), r)?;
        }
        Ok(())
    }
    fn decode_body(buf: &[u8]) -> Result<Self> {
        let (_, ksn, valid) = check_header(buf, 1)?;
        if valid > tdes::COUNTER_MASK {
            return Err(corrupt("validity bitmap", 24));
        }
        let ksn = tdes::Ksn::from_bytes(ksn.get(..10).ok_or(corrupt("ksn", 12))?)?;
        let mut regs = [[0u8; 16]; 21];
        for (i, r) in regs.iter_mut().enumerate() {
            *r = get::<16>(buf, HEADER.saturating_add(i.saturating_mul(16)))?;
        }
        Ok(Self::from_parts(ksn, regs, valid))
    }
    fn step<P: CipherProvider + ?Sized>(&mut self, p: &P) -> Result<tdes::Transaction> {
        self.next_transaction(p)
    }
    fn duplicate(&self) -> Self {
        self.clone()
    }
}

impl TerminalState for aes::Terminal {
    type Transaction = aes::Transaction;
    const LEN: usize = AES_STATE_LEN;
    fn encode_body(&self, out: &mut [u8]) -> Result<()> {
        let (ksn, kind, regs, valid) = self.parts();
        let code = match kind {
            aes::KeyType::Aes128 => 2,
            aes::KeyType::Aes192 => 3,
            _ => 4,
        };
        header(out, 2, code, ksn.as_bytes(), valid)?;
        for (i, r) in regs.iter().enumerate() {
            put(out, HEADER.saturating_add(i.saturating_mul(32)), r)?;
        }
        Ok(())
    }
    fn decode_body(buf: &[u8]) -> Result<Self> {
        let (code, ksn, valid) = check_header(buf, 2)?;
        let kind = match code {
            2 => aes::KeyType::Aes128,
            3 => aes::KeyType::Aes192,
            4 => aes::KeyType::Aes256,
            _ => return Err(corrupt("key type", 6)),
        };
        let mut regs = [[0u8; 32]; 32];
        for (i, r) in regs.iter_mut().enumerate() {
            *r = get::<32>(buf, HEADER.saturating_add(i.saturating_mul(32)))?;
        }
        Ok(Self::from_parts(aes::Ksn::from_bytes(&ksn)?, kind, regs, valid))
    }
    fn step<P: CipherProvider + ?Sized>(&mut self, p: &P) -> Result<aes::Transaction> {
        self.next_transaction(p)
    }
    fn duplicate(&self) -> Self {
        self.clone()
    }
}

/// Encodes `t` with sequence number `seq` and its SHA-256 into `out[..T::LEN]`.
///
/// # Errors
/// [`ErrorKind::BufferTooSmall`].
pub fn encode<T: TerminalState>(t: &T, seq: u32, out: &mut [u8]) -> Result<()> {
    let body_len = T::LEN.saturating_sub(HASH);
    let out = out.get_mut(..T::LEN).ok_or(Error::at(ErrorKind::BufferTooSmall, "state", T::LEN))?;
    t.encode_body(out)?;
    put(out, 8, &seq.to_be_bytes())?;
    let (body, hash) =
        out.split_at_mut_checked(body_len).ok_or(Error::new(ErrorKind::BufferTooSmall, "state"))?;
    hash.copy_from_slice(&Sha256::digest(&*body));
    Ok(())
}

/// Verifies the layout, version and hash of `buf[..T::LEN]` and decodes it with its sequence
/// number.
///
/// # Errors
/// [`ErrorKind::CorruptState`].
pub fn decode<T: TerminalState>(buf: &[u8]) -> Result<(T, u32)> {
    let buf = buf.get(..T::LEN).ok_or(corrupt("state length", buf.len()))?;
    let (body, hash) = buf.split_at_checked(T::LEN.saturating_sub(HASH)).ok_or(corrupt("state length", 0))?;
    let want: [u8; 32] = Sha256::digest(body).into();
    if !bool::from(subtle::ConstantTimeEq::ct_eq(&want[..], hash)) {
        return Err(corrupt("integrity check", T::LEN.saturating_sub(HASH)));
    }
    Ok((T::decode_body(buf)?, u32::from_be_bytes(get::<4>(buf, 8)?)))
}

/// A terminal bound to two-slot storage.
pub struct Persistent<T: TerminalState, S: Storage> {
    terminal: T,
    seq: u32,
    store: S,
}

impl<T: TerminalState, S: Storage> core::fmt::Debug for Persistent<T, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Persistent").field("seq", &self.seq).finish_non_exhaustive()
    }
}

impl<T: TerminalState, S: Storage> Persistent<T, S> {
    /// Provisions a freshly loaded terminal: writes it to both slots.
    ///
    /// # Errors
    /// Storage errors.
    pub fn provision(terminal: T, mut store: S) -> Result<Self> {
        let mut buf = [0u8; MAX_STATE_LEN];
        encode(&terminal, 0, &mut buf)?;
        let data = buf.get(..T::LEN).ok_or(Error::new(ErrorKind::BufferTooSmall, "state"))?;
        let r = store.write(0, data).and_then(|()| store.write(1, data));
        buf.zeroize();
        r?;
        Ok(Self { terminal, seq: 0, store })
    }

    /// Restores after a restart: the valid slot with the higher sequence number wins.
    ///
    /// # Errors
    /// [`ErrorKind::CorruptState`] when neither slot is valid.
    pub fn restore(store: S) -> Result<Self> {
        let mut best: Option<(T, u32)> = None;
        let mut buf = [0u8; MAX_STATE_LEN];
        for slot in 0..2u8 {
            let Some(b) = buf.get_mut(..T::LEN) else { continue };
            if store.read(slot, b).is_err() {
                continue;
            }
            if let Ok((t, seq)) = decode::<T>(b)
                && best.as_ref().is_none_or(|(_, s)| seq > *s)
            {
                best = Some((t, seq));
            }
        }
        buf.zeroize();
        let (terminal, seq) = best.ok_or(corrupt("no valid state slot", 0))?;
        Ok(Self { terminal, seq, store })
    }

    /// Advances a copy of the terminal, persists it to the older slot, and only then replaces the
    /// in-memory state and returns the transaction key.
    ///
    /// # Errors
    /// Terminal errors; storage errors (then no key is released and the state is unchanged).
    pub fn next_transaction<P: CipherProvider + ?Sized>(&mut self, p: &P) -> Result<T::Transaction> {
        let mut next = self.terminal.duplicate();
        let tx = next.step(p)?;
        let seq = self.seq.checked_add(1).ok_or(corrupt("sequence number", 8))?;
        let mut buf = [0u8; MAX_STATE_LEN];
        let written = encode(&next, seq, &mut buf).and_then(|()| {
            let data = buf.get(..T::LEN).ok_or(Error::new(ErrorKind::BufferTooSmall, "state"))?;
            self.store.write(u8::from(seq % 2 == 1), data)
        });
        buf.zeroize();
        written?;
        self.terminal = next;
        self.seq = seq;
        Ok(tx)
    }

    /// The terminal state.
    #[must_use]
    pub const fn terminal(&self) -> &T {
        &self.terminal
    }

    /// Gives back the storage (e.g. to simulate a restart).
    #[must_use]
    pub fn into_storage(self) -> S {
        self.store
    }
}
