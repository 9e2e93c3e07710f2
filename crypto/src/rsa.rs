//! The RSA public-key operation for EMV offline data authentication (EMV 4.4 Book 2 §5.1, §6.1),
//! without a heap: `crypto-bigint` `U2048` in Montgomery form (`FixedMontyForm`), as
//! rust-style.md §2.2 describes. Certificate and signature *recovery checks* (header `6A`, format,
//! trailer `BC`, hash) belong to the EMV layer; this module only computes `sᵉ mod n`.
//!
//! The data are public (certificates, signatures, public keys), so variable-time arithmetic is
//! used for the exponentiation (`pow_vartime`), as the issue allows.
//!
//! ## Choices between two readings
//!
//! - **Modulus length:** 1–248 bytes (1984 bits, the EMV maximum for CA keys; issuer and ICC keys
//!   are never longer than the key that certifies them). Longer moduli are refused with
//!   [`ErrorKind::InvalidLength`] even though `U2048` could hold 256 bytes.
//! - **Exponent:** EMV allows only 3 and 2¹⁶ + 1 (Book 2 §5.1); others are refused with
//!   [`ErrorKind::Unsupported`]. The exponent is given as its big-endian bytes (`9F32`, `9F47`,
//!   CAPK exponent: `03` or `01 00 01`); leading zero bytes are accepted.
//! - **Input:** must be exactly as long as the modulus (Book 2: the certificate length equals the
//!   key length) and numerically smaller than it; an even or zero-leading modulus is malformed
//!   key data ([`ErrorKind::OutOfRange`]).

use crate::error::{Error, ErrorKind, Result};
use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U64, U2048};

/// Longest modulus accepted, in bytes (1984 bits).
pub const MAX_MODULUS_LEN: usize = 248;

const WIDTH: usize = 256;

fn right_aligned(src: &[u8], what: &'static str) -> Result<[u8; WIDTH]> {
    let mut buf = [0u8; WIDTH];
    let at = WIDTH.checked_sub(src.len()).ok_or(Error::at(ErrorKind::InvalidLength, what, src.len()))?;
    buf.get_mut(at..)
        .and_then(|d| d.get_mut(..src.len()))
        .ok_or(Error::new(ErrorKind::InvalidLength, what))?
        .copy_from_slice(src);
    Ok(buf)
}

/// The exponent value from its big-endian bytes: 3 or 65537.
///
/// # Errors
/// [`ErrorKind::Unsupported`] for any other value.
pub fn exponent_value(exponent: &[u8]) -> Result<u32> {
    let mut v: u32 = 0;
    for b in exponent {
        v = v
            .checked_mul(256)
            .and_then(|x| x.checked_add(u32::from(*b)))
            .ok_or(Error::new(ErrorKind::Unsupported, "rsa exponent"))?;
    }
    if v == 3 || v == 65_537 { Ok(v) } else { Err(Error::new(ErrorKind::Unsupported, "rsa exponent")) }
}

/// `out[..n.len()] = input^e mod n` (big-endian, left-padded to the modulus length). Returns the
/// modulus length.
///
/// # Errors
/// [`ErrorKind::InvalidLength`] for a modulus of 0 or more than 248 bytes, an input not of the
/// modulus length, or a short `out`; [`ErrorKind::OutOfRange`] for an even modulus, a modulus with
/// a leading zero byte, or an input not below the modulus; [`ErrorKind::Unsupported`] exponent.
pub fn public_op(modulus: &[u8], exponent: &[u8], input: &[u8], out: &mut [u8]) -> Result<usize> {
    let len = modulus.len();
    if len == 0 || len > MAX_MODULUS_LEN {
        return Err(Error::at(ErrorKind::InvalidLength, "rsa modulus", len));
    }
    if modulus.first() == Some(&0) {
        return Err(Error::new(ErrorKind::OutOfRange, "rsa modulus"));
    }
    if input.len() != len {
        return Err(Error::at(ErrorKind::InvalidLength, "rsa input", input.len()));
    }
    let dst = out.get_mut(..len).ok_or(Error::at(ErrorKind::InvalidLength, "rsa output", len))?;
    let e = exponent_value(exponent)?;
    let n = U2048::from_be_slice(&right_aligned(modulus, "rsa modulus")?);
    let s = U2048::from_be_slice(&right_aligned(input, "rsa input")?);
    if s.cmp_vartime(&n) != core::cmp::Ordering::Less {
        return Err(Error::new(ErrorKind::OutOfRange, "rsa input"));
    }
    let n = Odd::new(n).into_option().ok_or(Error::new(ErrorKind::OutOfRange, "rsa modulus"))?;
    let params = FixedMontyParams::new_vartime(n);
    let m = FixedMontyForm::new(&s, &params).pow_vartime(&U64::from_u32(e)).retrieve();
    let bytes = m.to_be_bytes();
    let tail = bytes
        .as_ref()
        .get(WIDTH.saturating_sub(len)..)
        .and_then(|t| t.get(..len))
        .ok_or(Error::new(ErrorKind::InvalidLength, "rsa output"))?;
    dst.copy_from_slice(tail);
    Ok(len)
}
