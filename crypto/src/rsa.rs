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
//!
//! ## The private operation (simulators and test PKIs only)
//!
//! [`private_op_vartime`] computes `mᵈ mod n` for a **simulated card** (DDA/CDA signatures,
//! enciphered-PIN decryption) with synthetic test keys. It is **variable-time** (the running time
//! depends on the private exponent's bits) and has no blinding, no CRT and no fault checks: never
//! use it with a production key, on any device an attacker can time or probe.

use crate::error::{Error, ErrorKind, Result};
use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{NonZero, Odd, U1024, U2048, Uint};
use zeroize::Zeroize;

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

fn check_modulus_input(modulus: &[u8], input: &[u8]) -> Result<usize> {
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
    Ok(len)
}

/// `input^exp mod modulus` into `dst` (of the modulus length), all big-endian.
fn mod_pow_vartime(modulus: &[u8], input: &[u8], exp: &U2048, dst: &mut [u8]) -> Result<()> {
    let len = modulus.len();
    let n = U2048::from_be_slice(&right_aligned(modulus, "rsa modulus")?);
    let s = U2048::from_be_slice(&right_aligned(input, "rsa input")?);
    if s.cmp_vartime(&n) != core::cmp::Ordering::Less {
        return Err(Error::new(ErrorKind::OutOfRange, "rsa input"));
    }
    let n = Odd::new(n).into_option().ok_or(Error::new(ErrorKind::OutOfRange, "rsa modulus"))?;
    let params = FixedMontyParams::new_vartime(n);
    let m = FixedMontyForm::new(&s, &params).pow_vartime(exp).retrieve();
    let bytes = m.to_be_bytes();
    let tail = bytes
        .as_ref()
        .get(WIDTH.saturating_sub(len)..)
        .and_then(|t| t.get(..len))
        .ok_or(Error::new(ErrorKind::InvalidLength, "rsa output"))?;
    dst.copy_from_slice(tail);
    Ok(())
}

/// The RSA **private** operation for simulators and test PKIs: `out[..n.len()] = input^d mod n`
/// (big-endian, left-padded to the modulus length). Returns the modulus length.
///
/// **Variable-time, not for production keys**: the exponentiation's running time depends on the
/// private exponent, and there is no blinding, no CRT and no fault check. It exists so that a
/// simulated EMV card can sign DDA/CDA data and decipher an enciphered PIN with the synthetic
/// keys of its generated test PKI.
///
/// The private exponent may be at most as long as the modulus (leading zero bytes allowed) and
/// must not be zero.
///
/// # Errors
/// As [`public_op`] for the modulus, input and output; [`ErrorKind::InvalidLength`] for an empty
/// or too long private exponent, [`ErrorKind::OutOfRange`] for a zero one.
pub fn private_op_vartime(
    modulus: &[u8],
    private_exponent: &[u8],
    input: &[u8],
    out: &mut [u8],
) -> Result<usize> {
    let len = check_modulus_input(modulus, input)?;
    if private_exponent.is_empty() || private_exponent.len() > len {
        return Err(Error::at(ErrorKind::InvalidLength, "rsa private exponent", private_exponent.len()));
    }
    let dst = out.get_mut(..len).ok_or(Error::at(ErrorKind::InvalidLength, "rsa output", len))?;
    let mut d_buf = right_aligned(private_exponent, "rsa private exponent")?;
    let d = U2048::from_be_slice(&d_buf);
    d_buf.zeroize();
    if bool::from(d.is_zero()) {
        return Err(Error::new(ErrorKind::OutOfRange, "rsa private exponent"));
    }
    let r = mod_pow_vartime(modulus, input, &d, dst);
    let mut d = d;
    d.zeroize();
    r.map(|()| len)
}

/// `out[..n.len()] = input^e mod n` (big-endian, left-padded to the modulus length). Returns the
/// modulus length.
///
/// # Errors
/// [`ErrorKind::InvalidLength`] for a modulus of 0 or more than 248 bytes, an input not of the
/// modulus length, or a short `out`; [`ErrorKind::OutOfRange`] for an even modulus, a modulus with
/// a leading zero byte, or an input not below the modulus; [`ErrorKind::Unsupported`] exponent.
pub fn public_op(modulus: &[u8], exponent: &[u8], input: &[u8], out: &mut [u8]) -> Result<usize> {
    let len = check_modulus_input(modulus, input)?;
    let dst = out.get_mut(..len).ok_or(Error::at(ErrorKind::InvalidLength, "rsa output", len))?;
    let e = exponent_value(exponent)?;
    // A public exponent needs 2 (e = 3) or 17 (e = 65537) products: plain wide products with a
    // remainder each are cheaper than setting up Montgomery form for one exponentiation, and a
    // modulus of up to 1024 bits (ICC keys) runs on 1024-bit integers.
    if len <= 128 {
        small_exponent_pow::<{ U1024::LIMBS }, 128>(modulus, input, e, dst)
    } else {
        small_exponent_pow::<{ U2048::LIMBS }, WIDTH>(modulus, input, e, dst)
    }?;
    Ok(len)
}

/// `input^e mod modulus` for e = 3 or 65537 on `L`-limb integers (`B` = their byte width).
fn small_exponent_pow<const L: usize, const B: usize>(
    modulus: &[u8],
    input: &[u8],
    e: u32,
    dst: &mut [u8],
) -> Result<()> {
    let align = |src: &[u8], what: &'static str| -> Result<Uint<L>> {
        let mut buf = [0u8; B];
        let at = B.checked_sub(src.len()).ok_or(Error::at(ErrorKind::InvalidLength, what, src.len()))?;
        buf.get_mut(at..).ok_or(Error::new(ErrorKind::InvalidLength, what))?.copy_from_slice(src);
        Ok(Uint::<L>::from_be_slice(&buf))
    };
    let n = align(modulus, "rsa modulus")?;
    let s = align(input, "rsa input")?;
    if s.cmp_vartime(&n) != core::cmp::Ordering::Less {
        return Err(Error::new(ErrorKind::OutOfRange, "rsa input"));
    }
    if !bool::from(n.is_odd()) {
        return Err(Error::new(ErrorKind::OutOfRange, "rsa modulus"));
    }
    let n = NonZero::new(n).into_option().ok_or(Error::new(ErrorKind::OutOfRange, "rsa modulus"))?;
    // e = 3: s² · s; e = 65537: s^(2^16) · s.
    let squarings = if e == 3 { 1 } else { 16 };
    let mut acc = s;
    for _ in 0..squarings {
        acc = Uint::rem_wide_vartime(acc.widening_square(), &n);
    }
    let m = Uint::rem_wide_vartime(acc.widening_mul(&s), &n);
    let bytes = m.to_be_bytes();
    // Right-aligned: the result is below the modulus, so it fits `dst` (the modulus length).
    for (d, b) in dst.iter_mut().rev().zip(bytes.as_ref().iter().rev()) {
        *d = *b;
    }
    Ok(())
}
