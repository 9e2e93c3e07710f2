//! SM2 digital signature verification (GB/T 32918.2-2016 = GM/T 0003.2-2012) on the recommended
//! 256-bit curve of GM/T 0003.5-2012, with the user identity hash Z (GM/T 0003.2 §5.5) over an
//! identity of any bytes (GM/T 0009-2012 default `1234567812345678`).
//!
//! Verification of `M` by user `A`: `Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A)`
//! (ENTL = bit length of ID as 2 bytes big-endian), `e = SM3(Z_A ‖ M)`, then the curve check of
//! RustCrypto `sm2` (`r, s ∈ [1, n−1]`, `t = r + s ≠ 0`, `(x₁, y₁) = [s]G + [t]P_A`,
//! `r = e + x₁ mod n`).
//!
//! Every entry point takes untrusted bytes and returns an error for anything malformed (it never
//! panics, never allocates): public keys as SEC1 (`04 ‖ x ‖ y` or compressed `02/03 ‖ x`) or raw
//! `x ‖ y` (64 bytes), signatures as `r ‖ s` (64 bytes) or DER `SEQUENCE { INTEGER r, INTEGER s }`.

use crate::error::{Error, ErrorKind, Result};
use crate::sm::{Digest, Sm3};
use sm2::dsa::signature::hazmat::PrehashVerifier;
use sm2::elliptic_curve::sec1::ToSec1Point;

/// The default user identity of GM/T 0009-2012 (`1234567812345678`, 16 ASCII bytes).
pub const DEFAULT_ID: &[u8] = b"1234567812345678";

/// Curve coefficient a of the GM/T 0003.5-2012 recommended curve. (`FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC`)
const CURVE_A: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC,
];
/// Curve coefficient b. (`28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93`)
const CURVE_B: [u8; 32] = [
    0x28, 0xE9, 0xFA, 0x9E, 0x9D, 0x9F, 0x5E, 0x34, 0x4D, 0x5A, 0x9E, 0x4B, 0xCF, 0x65, 0x09, 0xA7, 0xF3,
    0x97, 0x89, 0xF5, 0x15, 0xAB, 0x8F, 0x92, 0xDD, 0xBC, 0xBD, 0x41, 0x4D, 0x94, 0x0E, 0x93,
];
/// Base point x. (`32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7`)
const GX: [u8; 32] = [
    0x32, 0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19, 0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39, 0xC9, 0x94, 0x8F,
    0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1, 0x71, 0x5A, 0x45, 0x89, 0x33, 0x4C, 0x74, 0xC7,
];
/// Base point y. (`BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0`)
const GY: [u8; 32] = [
    0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C, 0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53, 0xD0,
    0xA9, 0x87, 0x7C, 0xC6, 0x2A, 0x47, 0x40, 0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0,
];

/// An SM2 public key (a validated point on the curve, not the identity).
#[derive(Clone, Debug)]
pub struct PublicKey {
    key: sm2::PublicKey,
    /// Uncompressed affine coordinates x ‖ y.
    xy: [u8; 64],
}

impl PublicKey {
    /// Parses a public key: SEC1 uncompressed (65 bytes, `04 ‖ x ‖ y`), SEC1 compressed (33 bytes,
    /// `02`/`03 ‖ x`) or raw `x ‖ y` (64 bytes). The point must lie on the curve.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`] for other lengths; [`ErrorKind::OutOfRange`] for a point that
    /// is not on the curve (or the identity, or coordinates ≥ p).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut buf = [0u8; 65];
        let sec1: &[u8] = match bytes.len() {
            64 => {
                let (tag, rest) =
                    buf.split_first_mut().ok_or(Error::new(ErrorKind::InvalidLength, "sm2 key"))?;
                *tag = 0x04;
                rest.copy_from_slice(bytes);
                &buf
            }
            33 | 65 => bytes,
            n => return Err(Error::at(ErrorKind::InvalidLength, "sm2 public key", n)),
        };
        let key = sm2::PublicKey::from_sec1_bytes(sec1)
            .map_err(|_| Error::new(ErrorKind::OutOfRange, "sm2 public key point"))?;
        let point = key.to_sec1_point(false);
        let mut xy = [0u8; 64];
        let coords =
            point.as_bytes().get(1..65).ok_or(Error::new(ErrorKind::OutOfRange, "sm2 public key point"))?;
        xy.copy_from_slice(coords);
        Ok(Self { key, xy })
    }

    /// Uncompressed coordinates x ‖ y.
    #[must_use]
    pub const fn xy(&self) -> &[u8; 64] {
        &self.xy
    }

    /// The user identity hash `Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A)`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`] for an identity of 8192 bytes or more (ENTL is 16 bits).
    pub fn z(&self, id: &[u8]) -> Result<[u8; 32]> {
        let entl = u16::try_from(id.len()).ok().and_then(|n| n.checked_mul(8)).ok_or(Error::at(
            ErrorKind::InvalidLength,
            "sm2 user id",
            id.len(),
        ))?;
        let mut h = Sm3::new();
        h.update(entl.to_be_bytes());
        h.update(id);
        h.update(CURVE_A);
        h.update(CURVE_B);
        h.update(GX);
        h.update(GY);
        h.update(self.xy);
        Ok(h.finalize().into())
    }

    /// The message representative `e = SM3(Z ‖ M)` for user identity `id`.
    ///
    /// # Errors
    /// As [`PublicKey::z`].
    pub fn digest(&self, id: &[u8], msg: &[u8]) -> Result<[u8; 32]> {
        let z = self.z(id)?;
        Ok(crate::sm::sm3_parts(&[&z, msg]))
    }

    /// Verifies a signature over the message representative `e` (already `SM3(Z ‖ M)`).
    ///
    /// # Errors
    /// [`ErrorKind::VerificationFailed`].
    pub fn verify_digest(&self, e: &[u8; 32], sig: &Signature) -> Result<()> {
        let fail = || Error::new(ErrorKind::VerificationFailed, "sm2 signature");
        // The verifying key's own identity hash is not used by `verify_prehash`.
        let vk = sm2::dsa::VerifyingKey::new("", self.key).map_err(|_| fail())?;
        vk.verify_prehash(e, &sig.0).map_err(|_| fail())
    }

    /// Verifies `sig` over `msg` signed by the holder of this key with identity `id`.
    ///
    /// # Errors
    /// [`ErrorKind::VerificationFailed`]; [`ErrorKind::InvalidLength`] for an oversized identity.
    pub fn verify(&self, id: &[u8], msg: &[u8], sig: &Signature) -> Result<()> {
        self.verify_digest(&self.digest(id, msg)?, sig)
    }
}

/// An SM2 signature (r, s), both in [1, n − 1].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature(sm2::dsa::Signature);

impl Signature {
    /// Parses `r ‖ s` (64 bytes, big-endian) or, for any other length, DER
    /// `SEQUENCE { INTEGER r, INTEGER s }` (GM/T 0009-2012 §7.3 `SM2Signature`).
    ///
    /// # Errors
    /// [`ErrorKind::OutOfRange`] for r or s outside [1, n − 1]; [`ErrorKind::InvalidCharacter`] for
    /// malformed DER.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() == 64 { Self::from_raw(bytes) } else { Self::from_der(bytes) }
    }

    /// Parses `r ‖ s` (exactly 64 bytes).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`]; [`ErrorKind::OutOfRange`] for r or s outside [1, n − 1].
    pub fn from_raw(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != 64 {
            return Err(Error::at(ErrorKind::InvalidLength, "sm2 signature", bytes.len()));
        }
        sm2::dsa::Signature::from_slice(bytes)
            .map(Self)
            .map_err(|_| Error::new(ErrorKind::OutOfRange, "sm2 signature r/s"))
    }

    /// Parses a DER signature: `30 L 02 Lr r 02 Ls s` with short-form lengths, minimal
    /// non-negative INTEGERs of at most 32 value bytes (plus one leading `00` when the top bit is
    /// set), and nothing after the sequence.
    ///
    /// Parsed here rather than by `sm2`'s `der` path, whose buffer copy keeps a panic branch the
    /// panic-freedom link check cannot rule out.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidCharacter`] for malformed DER (offset = where); [`ErrorKind::OutOfRange`]
    /// for r or s outside [1, n − 1].
    pub fn from_der(bytes: &[u8]) -> Result<Self> {
        let bad = |at: usize| Error::at(ErrorKind::InvalidCharacter, "sm2 der signature", at);
        let (&tag, rest) = bytes.split_first().ok_or(bad(0))?;
        let (&len, body) = rest.split_first().ok_or(bad(1))?;
        if tag != 0x30 || len >= 0x80 || usize::from(len) != body.len() {
            return Err(bad(0));
        }
        let mut rs = [0u8; 64];
        let mut at = 2usize;
        let mut tail = body;
        for half in rs.chunks_exact_mut(32) {
            let (&t, r) = tail.split_first().ok_or(bad(at))?;
            let (&l, r) = r.split_first().ok_or(bad(at.saturating_add(1)))?;
            let l = usize::from(l);
            if t != 0x02 || l == 0 || l > 33 {
                return Err(bad(at));
            }
            let (v, r) = r.split_at_checked(l).ok_or(bad(at))?;
            let v = match v {
                [0x00, next, ..] if *next >= 0x80 => v.get(1..).ok_or(bad(at))?,
                [0x00, _, ..] => return Err(bad(at)),
                [first, ..] if *first >= 0x80 => return Err(bad(at)),
                _ => v,
            };
            let start = 32usize.checked_sub(v.len()).ok_or(bad(at))?;
            half.get_mut(start..).and_then(|d| d.get_mut(..v.len())).ok_or(bad(at))?.copy_from_slice(v);
            at = at.saturating_add(2).saturating_add(l);
            tail = r;
        }
        if !tail.is_empty() {
            return Err(bad(at));
        }
        Self::from_raw(&rs)
    }

    /// `r ‖ s`.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; 64] {
        self.0.to_bytes().into()
    }
}

/// One-call verification over untrusted input: public key (see [`PublicKey::from_bytes`]), user
/// identity (`None` → [`DEFAULT_ID`]), message, signature (see [`Signature::from_bytes`]).
///
/// # Errors
/// Parse errors for malformed keys or signatures (any kind but `VerificationFailed`);
/// [`ErrorKind::VerificationFailed`] when a well-formed signature does not verify.
pub fn verify(public_key: &[u8], id: Option<&[u8]>, msg: &[u8], sig: &[u8]) -> Result<()> {
    let pk = PublicKey::from_bytes(public_key)?;
    let sig = Signature::from_bytes(sig)?;
    pk.verify(id.unwrap_or(DEFAULT_ID), msg, &sig)
}
