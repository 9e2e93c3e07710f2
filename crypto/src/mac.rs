//! Message authentication codes: ISO/IEC 9797-1 algorithms 1 and 3 (ANSI X9.19 retail MAC) with
//! padding methods 1–3, CMAC (NIST SP 800-38B, AES and TDES), the China UnionPay POS "ECB" MAC,
//! explicit truncation and constant-time verification.

use crate::cipher::{BlockCipher, CipherProvider, Soft};
use crate::error::{Error, ErrorKind, Result};
use crate::key::{Algorithm, AnyCipher, Key};
use cmac::{Cmac, KeyInit, Mac};
use subtle::ConstantTimeEq;

/// ISO/IEC 9797-1 padding method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Padding {
    /// Method 1: zero bits to a *positive* multiple of the block size (empty data → one zero block).
    Method1,
    /// Method 2: one `1` bit (`0x80`) then zero bits (always adds at least one byte).
    Method2,
    /// Method 3: a length block (bit length, big-endian) prepended, then method 1.
    Method3,
}

impl Padding {
    /// Method number 1, 2 or 3.
    ///
    /// # Errors
    /// [`ErrorKind::OutOfRange`] for other numbers.
    pub const fn from_number(n: u8) -> Result<Self> {
        match n {
            1 => Ok(Self::Method1),
            2 => Ok(Self::Method2),
            3 => Ok(Self::Method3),
            _ => Err(Error::new(ErrorKind::OutOfRange, "padding method")),
        }
    }
}

/// A MAC value of up to 16 bytes. Compare it only with [`MacTag::verify`] (constant time).
#[derive(Clone, Copy)]
pub struct MacTag {
    bytes: [u8; 16],
    len: usize,
}

impl core::fmt::Debug for MacTag {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("MacTag(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02X}")?;
        }
        f.write_str(")")
    }
}

impl MacTag {
    /// A tag from bytes (at most 16).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`].
    pub fn from_slice(b: &[u8]) -> Result<Self> {
        let mut bytes = [0u8; 16];
        bytes
            .get_mut(..b.len())
            .ok_or(Error::at(ErrorKind::InvalidLength, "mac", b.len()))?
            .copy_from_slice(b);
        Ok(Self { bytes, len: b.len() })
    }

    /// The MAC bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// Length in bytes.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// True for an empty tag (never produced by this crate).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The leftmost `len` bytes (explicit truncation; `1 ≤ len ≤ self.len()`).
    ///
    /// # Errors
    /// [`ErrorKind::OutOfRange`].
    pub fn truncated(&self, len: usize) -> Result<Self> {
        if len == 0 || len > self.len {
            return Err(Error::at(ErrorKind::OutOfRange, "mac length", len));
        }
        let mut t = *self;
        t.len = len;
        if let Some(rest) = t.bytes.get_mut(len..) {
            rest.fill(0);
        }
        Ok(t)
    }

    /// Constant-time comparison with a received MAC of exactly this tag's length.
    ///
    /// # Errors
    /// [`ErrorKind::VerificationFailed`] on any mismatch, including a length mismatch.
    pub fn verify(&self, received: &[u8]) -> Result<()> {
        if received.len() == self.len && bool::from(self.as_bytes().ct_eq(received)) {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::VerificationFailed, "mac"))
        }
    }
}

/// Calls `f` on each block of `data` padded with `padding`.
fn for_each_padded_block<const N: usize>(
    data: &[u8],
    padding: Padding,
    mut f: impl FnMut(&[u8; N]),
) -> Result<()> {
    if padding == Padding::Method3 {
        let bits = u64::try_from(data.len())
            .ok()
            .and_then(|l| l.checked_mul(8))
            .ok_or(Error::new(ErrorKind::OutOfRange, "data length"))?;
        let mut lb = [0u8; N];
        let off = N.saturating_sub(8);
        if let Some(tail) = lb.get_mut(off..) {
            tail.copy_from_slice(&bits.to_be_bytes());
        }
        f(&lb);
    }
    let mut chunks = data.chunks_exact(N);
    for c in &mut chunks {
        if let Ok(b) = <&[u8; N]>::try_from(c) {
            f(b);
        }
    }
    let rem = chunks.remainder();
    let mut last = [0u8; N];
    if let Some(head) = last.get_mut(..rem.len()) {
        head.copy_from_slice(rem);
    }
    match padding {
        Padding::Method1 | Padding::Method3 => {
            if !rem.is_empty() || data.is_empty() {
                f(&last);
            }
        }
        Padding::Method2 => {
            if let Some(b) = last.get_mut(rem.len()) {
                *b = 0x80;
            }
            f(&last);
        }
    }
    Ok(())
}

/// CBC-MAC chaining value over the padded data (IV zero).
fn cbc_chain<C: BlockCipher<N> + ?Sized, const N: usize>(
    c: &C,
    data: &[u8],
    padding: Padding,
) -> Result<[u8; N]> {
    let mut h = [0u8; N];
    for_each_padded_block::<N>(data, padding, |b| {
        crate::cipher::xor_in_place(&mut h, b);
        c.encrypt_block(&mut h);
    })?;
    Ok(h)
}

/// Writes the padded form of `data` into `out`, returning its length (for inspection and tests).
///
/// # Errors
/// [`ErrorKind::BufferTooSmall`], [`ErrorKind::OutOfRange`] for `block_size` other than 8 or 16.
pub fn pad(data: &[u8], padding: Padding, block_size: usize, out: &mut [u8]) -> Result<usize> {
    let mut n = 0usize;
    let mut overflow = false;
    let mut put = |b: &[u8]| {
        let end = n.saturating_add(b.len());
        match out.get_mut(n..end) {
            Some(dst) => dst.copy_from_slice(b),
            None => overflow = true,
        }
        n = end;
    };
    match block_size {
        8 => for_each_padded_block::<8>(data, padding, |b| put(b))?,
        16 => for_each_padded_block::<16>(data, padding, |b| put(b))?,
        _ => return Err(Error::at(ErrorKind::OutOfRange, "block size", block_size)),
    }
    if overflow { Err(Error::at(ErrorKind::BufferTooSmall, "padded data", n)) } else { Ok(n) }
}

/// ISO/IEC 9797-1 MAC algorithm 1 (CBC-MAC, IV zero) with any key (DES, TDES, AES).
///
/// Returns the full block; truncate with [`MacTag::truncated`].
///
/// # Errors
/// [`ErrorKind::OutOfRange`] for absurd data lengths (method 3).
pub fn iso9797_1_alg1(key: &Key, padding: Padding, data: &[u8]) -> Result<MacTag> {
    match key.cipher()? {
        AnyCipher::B8(c) => MacTag::from_slice(&cbc_chain(&c, data, padding)?),
        AnyCipher::B16(c) => MacTag::from_slice(&cbc_chain(&c, data, padding)?),
        AnyCipher::Sm4(c) => MacTag::from_slice(&cbc_chain(&c, data, padding)?),
    }
}

/// ISO/IEC 9797-1 MAC algorithm 3 = ANSI X9.19 retail MAC: single-DES CBC with K (left half of a
/// two-key TDES key), then output transformation D(K′) E(K) on the last block. 8-byte result.
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] unless `key` is two-key TDES.
pub fn iso9797_1_alg3(key: &Key, padding: Padding, data: &[u8]) -> Result<MacTag> {
    if key.algorithm() != Algorithm::Tdes2 {
        return Err(Error::new(ErrorKind::WrongAlgorithm, "retail mac key"));
    }
    let (k1, k2) = key.as_bytes().split_at_checked(8).ok_or(Error::new(ErrorKind::InvalidLength, "key"))?;
    let bad = |_| Error::new(ErrorKind::InvalidLength, "key");
    let c1 = Soft.des(k1.try_into().map_err(bad)?);
    let c2 = Soft.des(k2.try_into().map_err(bad)?);
    let mut h = cbc_chain(&c1, data, padding)?;
    c2.decrypt_block(&mut h);
    c1.encrypt_block(&mut h);
    MacTag::from_slice(&h)
}

fn cmac_with<C: cmac::block_api::CmacCipher + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Result<MacTag> {
    let mut m =
        <Cmac<C> as KeyInit>::new_from_slice(key).map_err(|_| Error::new(ErrorKind::InvalidLength, "key"))?;
    for p in parts {
        m.update(p);
    }
    MacTag::from_slice(&m.finalize().into_bytes())
}

/// CMAC over the concatenation of `parts` (no copy).
///
/// # Errors
/// As [`cmac()`].
pub fn cmac_parts(key: &Key, parts: &[&[u8]]) -> Result<MacTag> {
    let k = key.as_bytes();
    match key.algorithm() {
        Algorithm::Tdes2 => cmac_with::<des::TdesEde2>(k, parts),
        Algorithm::Tdes3 => cmac_with::<des::TdesEde3>(k, parts),
        Algorithm::Aes128 => cmac_with::<aes::Aes128>(k, parts),
        Algorithm::Aes192 => cmac_with::<aes::Aes192>(k, parts),
        Algorithm::Aes256 => cmac_with::<aes::Aes256>(k, parts),
        Algorithm::Des | Algorithm::Sm4 => Err(Error::new(ErrorKind::WrongAlgorithm, "cmac key")),
    }
}

/// ISO/IEC 9797-1 algorithm 1 with padding method 1 over the concatenation of `parts` (no copy).
///
/// # Errors
/// As [`iso9797_1_alg1`].
pub fn iso9797_1_alg1_parts(key: &Key, parts: &[&[u8]]) -> Result<MacTag> {
    fn run<C: BlockCipher<N>, const N: usize>(c: &C, parts: &[&[u8]]) -> Result<MacTag> {
        let mut h = [0u8; N];
        let mut fill = 0usize;
        let mut any = false;
        for b in parts.iter().flat_map(|p| p.iter()) {
            if let Some(x) = h.get_mut(fill) {
                *x ^= *b;
            }
            fill = fill.saturating_add(1);
            any = true;
            if fill == N {
                c.encrypt_block(&mut h);
                fill = 0;
            }
        }
        if fill != 0 || !any {
            c.encrypt_block(&mut h);
        }
        MacTag::from_slice(&h)
    }
    match key.cipher()? {
        AnyCipher::B8(c) => run(&c, parts),
        AnyCipher::B16(c) => run(&c, parts),
        AnyCipher::Sm4(c) => run(&c, parts),
    }
}

/// CMAC (NIST SP 800-38B) with a TDES (8-byte tag) or AES (16-byte tag) key.
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] for single DES.
pub fn cmac(key: &Key, data: &[u8]) -> Result<MacTag> {
    cmac_parts(key, &[data])
}

/// The upper-case ASCII hex digit of the low nibble of `n`.
pub(crate) fn hex_digit(n: u8) -> u8 {
    b"0123456789ABCDEF".get(usize::from(n & 0x0F)).copied().unwrap_or(b'0')
}

/// Upper-case ASCII hex of `b` into `out` (`out` twice as long as `b`).
fn hex_upper_into(b: &[u8], out: &mut [u8]) {
    for (pair, byte) in out.chunks_exact_mut(2).zip(b) {
        if let [hi, lo] = pair {
            *hi = hex_digit(byte >> 4);
            *lo = hex_digit(*byte);
        }
    }
}

/// The UnionPay "ECB" MAC over an `N`-byte block cipher (8: DES/TDES, 16: SM4): XOR of all
/// `N`-byte blocks of the zero-padded MAB, expanded to 2N upper-case hex characters; E(first N) ⊕
/// last N; E(·); expanded to upper-case hex; the first 8 characters.
fn cup_ecb_mac_with<C: BlockCipher<N>, const N: usize>(c: &C, mab: &[u8]) -> Result<[u8; 8]> {
    let bad = || Error::new(ErrorKind::InvalidLength, "mab");
    let mut x = [0u8; N];
    for chunk in mab.chunks(N) {
        crate::cipher::xor_in_place(&mut x, chunk);
    }
    let mut hexed = [0u8; 32];
    let hexed = hexed.get_mut(..N.saturating_mul(2)).ok_or(bad())?;
    hex_upper_into(&x, hexed);
    let (left, right) = hexed.split_at(N);
    let mut b: [u8; N] = left.try_into().map_err(|_| bad())?;
    c.encrypt_block(&mut b);
    crate::cipher::xor_in_place(&mut b, right);
    c.encrypt_block(&mut b);
    let mut mac = [0u8; 8];
    hex_upper_into(b.get(..4).ok_or(bad())?, &mut mac);
    Ok(mac)
}

/// China UnionPay POS "ECB" MAC: XOR of all 8-byte blocks of the zero-padded MAB, expanded to 16
/// **upper-case** ASCII hex characters; E(MAK, first 8) ⊕ last 8; E(MAK, ·); expanded to upper-case
/// hex; the MAC is the first 8 ASCII characters (returned as those 8 bytes, as sent on the wire).
///
/// With an SM4 MAK the same construction runs on 16-byte blocks (the UnionPay national-algorithm
/// variant, see [`crate::sm::cup`]): XOR of 16-byte blocks, 32 hex characters, SM4 of the first 16
/// ⊕ last 16, SM4, hex, first 8 characters.
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] for an AES key.
pub fn cup_ecb_mac(key: &Key, mab: &[u8]) -> Result<[u8; 8]> {
    match key.cipher()? {
        AnyCipher::B8(c) => cup_ecb_mac_with(&c, mab),
        AnyCipher::Sm4(c) => cup_ecb_mac_with(&c, mab),
        AnyCipher::B16(_) => Err(Error::new(ErrorKind::WrongAlgorithm, "cup mac key")),
    }
}

/// Constant-time verification of a CUP ECB MAC received as 8 ASCII characters (case-sensitive:
/// the scheme sends upper-case hex).
///
/// # Errors
/// [`ErrorKind::VerificationFailed`].
pub fn cup_ecb_mac_verify(key: &Key, mab: &[u8], received: &[u8]) -> Result<()> {
    MacTag::from_slice(&cup_ecb_mac(key, mab)?)?.verify(received)
}
