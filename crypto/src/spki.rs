//! DER-encoded public keys entering the crate: X.509 `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7),
//! parsed with RustCrypto `der` into borrowed views — no heap, no copy.
//!
//! Supported algorithms (the keys payment hosts import from files or HSM exports):
//! - `rsaEncryption` (1.2.840.113549.1.1.1) → [`RsaPublicKeyRef`]: modulus and public exponent of the
//!   `RSAPublicKey` of RFC 8017 §A.1.1 (leading zero bytes of the INTEGERs removed), ready for the
//!   RSA public operation of offline data authentication;
//! - `id-ecPublicKey` (1.2.840.10045.2.1) on `secp256r1` (1.2.840.10045.3.1.7) or on SM2's curve
//!   (1.2.156.10197.1.301, GM/T 0006) → the SEC 1 encoded point (uncompressed `04‖X‖Y` or compressed).
//!
//! Choices: the parameters of `rsaEncryption` must be NULL or absent (RFC 8017 §A.1 says NULL; some
//! encoders omit it); an EC key must name its curve (no explicit curve parameters, RFC 5480 §2.1.1);
//! the BIT STRING must have no unused bits. Anything else is [`ErrorKind::MalformedKey`] or, for a
//! well-formed key of another algorithm, [`ErrorKind::Unsupported`].

use der::asn1::{AnyRef, BitStringRef, UintRef};
use der::{Decode, Reader, SliceReader, Tag, Tagged};

use crate::error::{Error, ErrorKind, Result};

/// DER content octets of `rsaEncryption`.
const RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
/// DER content octets of `id-ecPublicKey`.
const EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
/// DER content octets of `secp256r1` (`prime256v1`).
const SECP256R1: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
/// DER content octets of SM2's curve, 1.2.156.10197.1.301.
const SM2_CURVE: &[u8] = &[0x2A, 0x81, 0x1C, 0xCF, 0x55, 0x01, 0x82, 0x2D];

/// An RSA public key borrowed from its DER encoding.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RsaPublicKeyRef<'a> {
    /// The modulus, big-endian, without leading zero bytes.
    pub modulus: &'a [u8],
    /// The public exponent, big-endian, without leading zero bytes.
    pub exponent: &'a [u8],
}

/// A public key read from a `SubjectPublicKeyInfo`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKeyRef<'a> {
    /// RSA.
    Rsa(RsaPublicKeyRef<'a>),
    /// An ECDSA key on NIST P-256: the SEC 1 point.
    P256(&'a [u8]),
    /// An SM2 key: the SEC 1 point.
    Sm2(&'a [u8]),
}

fn malformed(e: der::Error) -> Error {
    let at = e.position().map_or(0, |p| usize::try_from(u32::from(p)).unwrap_or(usize::MAX));
    Error::at(ErrorKind::MalformedKey, "subject public key info", at)
}

/// Reads an object identifier's content octets.
fn oid<'a>(r: &mut SliceReader<'a>) -> der::Result<&'a [u8]> {
    let any = AnyRef::decode(r)?;
    any.tag().assert_eq(Tag::ObjectIdentifier)?;
    Ok(any.value())
}

/// Parses a DER `SubjectPublicKeyInfo`.
///
/// # Errors
/// [`ErrorKind::MalformedKey`] (offset = the DER position) for anything that is not one well-formed
/// `SubjectPublicKeyInfo` with nothing after it; [`ErrorKind::Unsupported`] for another algorithm or
/// curve.
pub fn parse(der: &[u8]) -> Result<PublicKeyRef<'_>> {
    let mut r = SliceReader::new(der).map_err(malformed)?;
    let (algorithm, parameters, key) = r
        .sequence(|r: &mut SliceReader<'_>| {
            let (algorithm, parameters) = r.sequence(|a: &mut SliceReader<'_>| {
                let algorithm = oid(a)?;
                let parameters = if a.is_finished() { None } else { Some(AnyRef::decode(a)?) };
                Ok::<_, der::Error>((algorithm, parameters))
            })?;
            let key = BitStringRef::decode(r)?;
            Ok::<_, der::Error>((algorithm, parameters, key))
        })
        .map_err(malformed)?;
    r.finish().map_err(malformed)?;
    let key = key.as_bytes().ok_or(Error::new(ErrorKind::MalformedKey, "unused bits in the key"))?;
    if algorithm == RSA_ENCRYPTION {
        if parameters.is_some_and(|p| p.tag() != Tag::Null || !p.value().is_empty()) {
            return Err(Error::new(ErrorKind::MalformedKey, "rsaEncryption parameters"));
        }
        return rsa_public_key(key).map(PublicKeyRef::Rsa);
    }
    if algorithm == EC_PUBLIC_KEY {
        let curve = parameters.ok_or(Error::new(ErrorKind::MalformedKey, "named curve"))?;
        if curve.tag() != Tag::ObjectIdentifier {
            return Err(Error::new(ErrorKind::MalformedKey, "named curve"));
        }
        let point_ok = match key.first() {
            Some(0x04) => matches!(key.len(), 65),
            Some(0x02 | 0x03) => matches!(key.len(), 33),
            _ => false,
        };
        if !point_ok {
            return Err(Error::new(ErrorKind::MalformedKey, "EC point"));
        }
        return match curve.value() {
            SECP256R1 => Ok(PublicKeyRef::P256(key)),
            SM2_CURVE => Ok(PublicKeyRef::Sm2(key)),
            _ => Err(Error::new(ErrorKind::Unsupported, "EC curve")),
        };
    }
    Err(Error::new(ErrorKind::Unsupported, "public key algorithm"))
}

/// Parses a DER `RSAPublicKey` (RFC 8017 §A.1.1): `SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
///
/// # Errors
/// [`ErrorKind::MalformedKey`].
pub fn rsa_public_key(der: &[u8]) -> Result<RsaPublicKeyRef<'_>> {
    let mut r = SliceReader::new(der).map_err(malformed)?;
    let (n, e) = r
        .sequence(|r: &mut SliceReader<'_>| Ok::<_, der::Error>((UintRef::decode(r)?, UintRef::decode(r)?)))
        .map_err(malformed)?;
    r.finish().map_err(malformed)?;
    if n.is_empty() || e.is_empty() {
        return Err(Error::new(ErrorKind::MalformedKey, "RSA key"));
    }
    Ok(RsaPublicKeyRef { modulus: n.as_bytes(), exponent: e.as_bytes() })
}
