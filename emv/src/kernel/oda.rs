//! Offline data authentication building blocks (EMV 4.4 Book 2 §5–6): the CA public key store
//! with checksum verification, issuer public key recovery (§5.3), Signed Static Application Data
//! verification (§5.4, SDA), ICC public key recovery (§6.4) and Signed Dynamic Application Data
//! verification (§6.5, DDA) and CDA signature verification with the Transaction Data Hash Code
//! (§6.6), all without a heap. The RSA
//! public operation is [`payproto_crypto::rsa::public_op`]; hashes are RustCrypto SHA-1.
//!
//! Every check failure is an [`Error`] of kind [`ErrorKind::BadValue`] (or `BadLength` /
//! `Missing`) naming the data object (`tag`) and, in `offset`, the check that failed — one of the
//! [`check`] constants — so the kernel can set the TVR bit of the method (SDA/DDA/CDA failed)
//! and a test can tell the checks apart. None of these data are secret.
//!
//! ## Choices between two readings
//!
//! - **Order of checks:** Book 2's order (length, recovery, trailer, header, format, hash, then
//!   identity, expiry, revocation, algorithm, key length). The hash and the algorithm indicators
//!   are checked before any field is trusted.
//! - **Certificate expiry** (`MMYY`) is valid through the last day of that month: the certificate
//!   has expired when (year, month) is before the transaction's (year, month). Years map 00–49 →
//!   20YY, 50–99 → 19YY.
//! - **Issuer identifier:** 3–8 leftmost PAN digits, right-padded with `F`; the digits before the
//!   first `F` must equal the PAN's leading digits, and at least 3 digits must be present.
//! - **Remainder:** when the key fits in the certificate, a remainder object that is present but
//!   empty is accepted (cards send `92` with length 0); a non-empty one is an error.
//! - **CA key expiry:** [`CapkStore::find`] never returns a key whose expiry date is before the
//!   transaction date (the key is "not used", Book 2 §5.1 note), and [`CaPublicKey::new`]
//!   rejects a key whose SHA-1 checksum does not match.

use crate::data::Date;
use crate::error::{Error, ErrorKind};
use payproto_crypto::rsa;
use payproto_tlv::Tag;
use sha1::{Digest, Sha1};

/// Which check failed (the `offset` of the returned [`Error`]).
pub mod check {
    /// The signed object's length differs from the key's modulus length.
    pub const LENGTH: usize = 1;
    /// The RSA operation refused the input (not below the modulus, bad exponent…).
    pub const RECOVERY: usize = 2;
    /// The recovered data does not end with `BC`.
    pub const TRAILER: usize = 3;
    /// The recovered data does not start with `6A`.
    pub const HEADER: usize = 4;
    /// Wrong certificate / signature format byte.
    pub const FORMAT: usize = 5;
    /// Unsupported hash or public-key algorithm indicator.
    pub const ALGORITHM: usize = 6;
    /// The hash does not match.
    pub const HASH: usize = 7;
    /// Issuer identifier or PAN does not match the card's PAN.
    pub const IDENTITY: usize = 8;
    /// The certificate has expired.
    pub const EXPIRED: usize = 9;
    /// The certificate is on the revocation list.
    pub const REVOKED: usize = 10;
    /// Key length, exponent length or remainder inconsistent.
    pub const KEY_LENGTH: usize = 11;
    /// CA key checksum mismatch.
    pub const CHECKSUM: usize = 12;
}

const fn fail(tag: Tag, which: usize) -> Error {
    Error { kind: ErrorKind::BadValue, offset: which, tag: Some(tag) }
}

/// Largest modulus (1984 bits).
pub const MAX_MODULUS: usize = rsa::MAX_MODULUS_LEN;

/// An RSA public key held in a fixed buffer.
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct PublicKey {
    modulus: [u8; MAX_MODULUS],
    modulus_len: usize,
    exponent: [u8; 3],
    exponent_len: usize,
}

impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PublicKey({} bits, e = ", self.modulus_len.saturating_mul(8))?;
        crate::data::write_hex(f, self.exponent())?;
        f.write_str(")")
    }
}

impl PublicKey {
    /// A key from its modulus parts (concatenated) and exponent.
    fn from_parts(parts: &[&[u8]], exponent: &[u8], tag: Tag) -> Result<Self, Error> {
        let mut modulus = [0u8; MAX_MODULUS];
        let mut n = 0usize;
        for p in parts {
            let end = n.checked_add(p.len()).ok_or(fail(tag, check::KEY_LENGTH))?;
            modulus
                .get_mut(n..)
                .and_then(|d| d.get_mut(..p.len()))
                .ok_or(fail(tag, check::KEY_LENGTH))?
                .copy_from_slice(p);
            n = end;
        }
        let mut e = [0u8; 3];
        e.get_mut(..exponent.len()).ok_or(fail(tag, check::KEY_LENGTH))?.copy_from_slice(exponent);
        rsa::exponent_value(exponent).map_err(|_| fail(tag, check::KEY_LENGTH))?;
        if n == 0 {
            return Err(fail(tag, check::KEY_LENGTH));
        }
        Ok(Self { modulus, modulus_len: n, exponent: e, exponent_len: exponent.len() })
    }

    /// A key from its modulus (1–248 bytes) and exponent (3 or 65537, big-endian bytes), e.g. an
    /// ICC key held by a test or recovered elsewhere.
    ///
    /// # Errors
    /// [`check::KEY_LENGTH`] for an unsupported length or exponent.
    pub fn new(modulus: &[u8], exponent: &[u8]) -> Result<Self, Error> {
        Self::from_parts(&[modulus], exponent, const { Tag::new(0x9F46) })
    }

    /// The modulus bytes.
    pub fn modulus(&self) -> &[u8] {
        self.modulus.get(..self.modulus_len).unwrap_or(&[])
    }

    /// The exponent bytes.
    pub fn exponent(&self) -> &[u8] {
        self.exponent.get(..self.exponent_len).unwrap_or(&[])
    }

    /// Recovers `signed` (same length as the modulus) into `out`, checking header and trailer.
    fn recover<'o>(
        &self,
        signed: &[u8],
        tag: Tag,
        out: &'o mut [u8; MAX_MODULUS],
    ) -> Result<&'o [u8], Error> {
        if signed.len() != self.modulus_len {
            return Err(Error { kind: ErrorKind::BadLength, offset: check::LENGTH, tag: Some(tag) });
        }
        let n = rsa::public_op(self.modulus(), self.exponent(), signed, out)
            .map_err(|_| fail(tag, check::RECOVERY))?;
        let m = out.get(..n).ok_or(fail(tag, check::RECOVERY))?;
        if m.last() != Some(&0xBC) {
            return Err(fail(tag, check::TRAILER));
        }
        if m.first() != Some(&0x6A) {
            return Err(fail(tag, check::HEADER));
        }
        Ok(m)
    }
}

/// A Certification Authority public key (Book 2 §5.1, Annex B.2 checksum).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CaPublicKey {
    /// Registered Application Provider Identifier.
    pub rid: [u8; 5],
    /// CA Public Key Index (`8F`).
    pub index: u8,
    /// The key.
    pub key: PublicKey,
    /// Expiry date: the key is not used after it.
    pub expiry: Date,
    /// Live (production) key; `false` for a test key.
    pub live: bool,
}

impl CaPublicKey {
    /// A CA key, accepted only when SHA-1(RID ‖ index ‖ modulus ‖ exponent) equals `checksum`.
    ///
    /// # Errors
    /// [`check::CHECKSUM`] on a mismatch, [`check::KEY_LENGTH`] for a bad modulus or exponent.
    pub fn new(
        rid: [u8; 5],
        index: u8,
        modulus: &[u8],
        exponent: &[u8],
        checksum: &[u8; 20],
        expiry: Date,
        live: bool,
    ) -> Result<Self, Error> {
        let key = PublicKey::from_parts(&[modulus], exponent, const { Tag::new(0x8F) })?;
        let mut h = Sha1::new();
        h.update(rid);
        h.update([index]);
        h.update(modulus);
        h.update(exponent);
        if h.finalize()[..] != checksum[..] {
            return Err(fail(const { Tag::new(0x8F) }, check::CHECKSUM));
        }
        Ok(Self { rid, index, key, expiry, live })
    }
}

fn ym(d: &Date) -> (u16, u8) {
    (d.year(), d.month)
}

fn full(d: &Date) -> (u16, u8, u8) {
    (d.year(), d.month, d.day)
}

/// A fixed-capacity CA public key store.
#[derive(Clone, Debug)]
pub struct CapkStore<const N: usize> {
    keys: [Option<CaPublicKey>; N],
}

impl<const N: usize> Default for CapkStore<N> {
    fn default() -> Self {
        Self { keys: [None; N] }
    }
}

impl<const N: usize> CapkStore<N> {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a (checksum-verified) key, replacing one with the same RID and index.
    ///
    /// # Errors
    /// [`ErrorKind::Full`].
    pub fn insert(&mut self, key: CaPublicKey) -> Result<(), Error> {
        if let Some(slot) =
            self.keys.iter_mut().find(|s| s.is_some_and(|k| k.rid == key.rid && k.index == key.index))
        {
            *slot = Some(key);
            return Ok(());
        }
        let slot = self.keys.iter_mut().find(|s| s.is_none()).ok_or(Error::new(ErrorKind::Full, N))?;
        *slot = Some(key);
        Ok(())
    }

    /// The key for `rid`/`index` that has not expired on `today`.
    pub fn find(&self, rid: &[u8], index: u8, today: &Date) -> Option<&CaPublicKey> {
        self.keys
            .iter()
            .flatten()
            .find(|k| k.rid == rid && k.index == index && full(&k.expiry) >= full(today))
    }
}

/// An entry of the issuer certificate revocation list.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RevokedCertificate {
    /// RID of the CA.
    pub rid: [u8; 5],
    /// CA public key index.
    pub ca_index: u8,
    /// Certificate serial number.
    pub serial: [u8; 3],
}

/// A recovered issuer public key.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct IssuerPublicKey {
    /// The key.
    pub key: PublicKey,
    /// Certificate serial number.
    pub serial: [u8; 3],
    /// Certificate expiry (MMYY as on the certificate).
    pub expiry: [u8; 2],
}

/// A recovered ICC public key.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct IccPublicKey {
    /// The key.
    pub key: PublicKey,
    /// Certificate serial number.
    pub serial: [u8; 3],
    /// Certificate expiry (MMYY).
    pub expiry: [u8; 2],
}

fn bcd_digit(b: u8) -> Option<u16> {
    (b <= 9).then_some(u16::from(b))
}

/// Whether MMYY (BCD) is before `today`'s month.
fn expired(mmyy: [u8; 2], today: &Date, tag: Tag) -> Result<bool, Error> {
    let [mm, yy] = mmyy;
    let d = |x: u8| -> Result<u16, Error> {
        let hi = bcd_digit(x >> 4).ok_or(fail(tag, check::EXPIRED))?;
        let lo = bcd_digit(x & 0x0F).ok_or(fail(tag, check::EXPIRED))?;
        Ok(hi.saturating_mul(10).saturating_add(lo))
    };
    let (month, yy) = (d(mm)?, d(yy)?);
    if !(1..=12).contains(&month) {
        return Err(fail(tag, check::EXPIRED));
    }
    let year = if yy < 50 { 2000u16.saturating_add(yy) } else { 1900u16.saturating_add(yy) };
    Ok((year, u8::try_from(month).unwrap_or(0)) < ym(today))
}

fn nibbles(b: &[u8]) -> impl Iterator<Item = u8> + '_ {
    b.iter().flat_map(|x| [x >> 4, x & 0x0F])
}

/// Issuer identifier (3–8 digits, F-padded) against the PAN's leading digits.
fn issuer_id_matches(id: &[u8], pan: &[u8]) -> bool {
    let digits = nibbles(id).take_while(|n| *n != 0x0F).count();
    if !(3..=8).contains(&digits) || nibbles(id).skip(digits).any(|n| n != 0x0F) {
        return false;
    }
    nibbles(id).take(digits).eq(nibbles(pan).take(digits)) && nibbles(pan).take(digits).all(|n| n <= 9)
}

/// The PAN as on an ICC certificate: 10 bytes, right-padded with `F`.
fn pan_matches(cert_pan: &[u8], pan: &[u8]) -> bool {
    let mut padded = [0xFFu8; 10];
    if pan.len() > 10 {
        return false;
    }
    if let Some(d) = padded.get_mut(..pan.len()) {
        d.copy_from_slice(pan);
    }
    // The card's 5A may already carry an F filler nibble: compare digit strings up to the first F.
    let a = nibbles(cert_pan).take_while(|n| *n != 0x0F);
    let b = nibbles(&padded).take_while(|n| *n != 0x0F);
    a.eq(b) && nibbles(cert_pan).skip_while(|n| *n != 0x0F).all(|n| n == 0x0F)
}

fn hash_ok(m: &[u8], extra: &[&[u8]], tag: Tag) -> Result<(), Error> {
    let hash_at = m.len().checked_sub(21).ok_or(fail(tag, check::LENGTH))?;
    let body = m.get(1..hash_at).ok_or(fail(tag, check::LENGTH))?;
    let want = m.get(hash_at..hash_at.saturating_add(20)).ok_or(fail(tag, check::LENGTH))?;
    let mut h = Sha1::new();
    h.update(body);
    for p in extra {
        h.update(p);
    }
    if h.finalize()[..] == *want { Ok(()) } else { Err(fail(tag, check::HASH)) }
}

fn byte(m: &[u8], i: usize, tag: Tag) -> Result<u8, Error> {
    m.get(i).copied().ok_or(fail(tag, check::LENGTH))
}

/// Assembles a recovered key: `room` bytes of modulus space in the certificate from `at`.
#[allow(clippy::too_many_arguments)]
fn assemble(
    m: &[u8],
    at: usize,
    room: usize,
    key_len: usize,
    remainder: Option<&[u8]>,
    exponent: &[u8],
    tag: Tag,
    remainder_tag: Tag,
) -> Result<PublicKey, Error> {
    let remainder = remainder.unwrap_or(&[]);
    if key_len <= room {
        if !remainder.is_empty() {
            return Err(fail(remainder_tag, check::KEY_LENGTH));
        }
        let part = m.get(at..at.saturating_add(key_len)).ok_or(fail(tag, check::KEY_LENGTH))?;
        PublicKey::from_parts(&[part], exponent, tag)
    } else {
        let need = key_len.saturating_sub(room);
        if remainder.is_empty() {
            return Err(Error::at_tag(ErrorKind::Missing, remainder_tag));
        }
        if remainder.len() != need {
            return Err(fail(remainder_tag, check::KEY_LENGTH));
        }
        let part = m.get(at..at.saturating_add(room)).ok_or(fail(tag, check::KEY_LENGTH))?;
        PublicKey::from_parts(&[part, remainder], exponent, tag)
    }
}

/// Book 2 §5.3: recovers the issuer public key from the Issuer Public Key Certificate `90`, with
/// the remainder `92`, exponent `9F32`, the card's PAN `5A` (value bytes), the transaction date
/// and the revocation list.
///
/// # Errors
/// A check failure naming tag `90` (or `92`/`9F32`) and the [`check`] that failed.
pub fn recover_issuer_key(
    ca: &CaPublicKey,
    certificate: &[u8],
    remainder: Option<&[u8]>,
    exponent: &[u8],
    pan: &[u8],
    today: &Date,
    revoked: &[RevokedCertificate],
) -> Result<IssuerPublicKey, Error> {
    const T: Tag = Tag::new(0x90);
    let mut buf = [0u8; MAX_MODULUS];
    let m = ca.key.recover(certificate, T, &mut buf)?;
    if byte(m, 1, T)? != 0x02 {
        return Err(fail(T, check::FORMAT));
    }
    if byte(m, 11, T)? != 0x01 || byte(m, 12, T)? != 0x01 {
        return Err(fail(T, check::ALGORITHM));
    }
    hash_ok(m, &[remainder.unwrap_or(&[]), exponent], T)?;
    if !issuer_id_matches(m.get(2..6).ok_or(fail(T, check::LENGTH))?, pan) {
        return Err(fail(T, check::IDENTITY));
    }
    let expiry = [byte(m, 6, T)?, byte(m, 7, T)?];
    if expired(expiry, today, T)? {
        return Err(fail(T, check::EXPIRED));
    }
    let serial = [byte(m, 8, T)?, byte(m, 9, T)?, byte(m, 10, T)?];
    if revoked.iter().any(|r| r.rid == ca.rid && r.ca_index == ca.index && r.serial == serial) {
        return Err(fail(T, check::REVOKED));
    }
    if usize::from(byte(m, 14, T)?) != exponent.len() {
        return Err(fail(const { Tag::new(0x9F32) }, check::KEY_LENGTH));
    }
    let key_len = usize::from(byte(m, 13, T)?);
    let room = m.len().saturating_sub(36);
    let key = assemble(m, 15, room, key_len, remainder, exponent, T, const { Tag::new(0x92) })?;
    Ok(IssuerPublicKey { key, serial, expiry })
}

/// Book 2 §5.4: verifies the Signed Static Application Data `93` over the static data to be
/// authenticated (given in parts: the records' data and the `9F4A` tag values, in order).
/// Returns the Data Authentication Code (`9F45`).
///
/// # Errors
/// A check failure naming tag `93`.
pub fn verify_ssad(issuer: &IssuerPublicKey, ssad: &[u8], static_data: &[&[u8]]) -> Result<[u8; 2], Error> {
    const T: Tag = Tag::new(0x93);
    let mut buf = [0u8; MAX_MODULUS];
    let m = issuer.key.recover(ssad, T, &mut buf)?;
    if byte(m, 1, T)? != 0x03 {
        return Err(fail(T, check::FORMAT));
    }
    if byte(m, 2, T)? != 0x01 {
        return Err(fail(T, check::ALGORITHM));
    }
    hash_ok(m, static_data, T)?;
    Ok([byte(m, 3, T)?, byte(m, 4, T)?])
}

/// Book 2 §6.4: recovers the ICC public key from the ICC Public Key Certificate `9F46`, with the
/// remainder `9F48`, exponent `9F47`, the PAN, the transaction date and the static data to be
/// authenticated (in at most 16 parts).
///
/// # Errors
/// A check failure naming tag `9F46` (or `9F48`/`9F47`).
pub fn recover_icc_key(
    issuer: &IssuerPublicKey,
    certificate: &[u8],
    remainder: Option<&[u8]>,
    exponent: &[u8],
    pan: &[u8],
    today: &Date,
    static_data: &[&[u8]],
) -> Result<IccPublicKey, Error> {
    const T: Tag = Tag::new(0x9F46);
    let mut buf = [0u8; MAX_MODULUS];
    let m = issuer.key.recover(certificate, T, &mut buf)?;
    if byte(m, 1, T)? != 0x04 {
        return Err(fail(T, check::FORMAT));
    }
    if byte(m, 17, T)? != 0x01 || byte(m, 18, T)? != 0x01 {
        return Err(fail(T, check::ALGORITHM));
    }
    let mut parts: [&[u8]; 18] = [&[]; 18];
    if static_data.len() > 16 {
        return Err(Error::new(ErrorKind::Full, static_data.len()));
    }
    let [r, e, rest @ ..] = &mut parts;
    *r = remainder.unwrap_or(&[]);
    *e = exponent;
    for (d, s) in rest.iter_mut().zip(static_data) {
        *d = s;
    }
    hash_ok(m, &parts, T)?;
    if !pan_matches(m.get(2..12).ok_or(fail(T, check::LENGTH))?, pan) {
        return Err(fail(T, check::IDENTITY));
    }
    let expiry = [byte(m, 12, T)?, byte(m, 13, T)?];
    if expired(expiry, today, T)? {
        return Err(fail(T, check::EXPIRED));
    }
    let serial = [byte(m, 14, T)?, byte(m, 15, T)?, byte(m, 16, T)?];
    if usize::from(byte(m, 20, T)?) != exponent.len() {
        return Err(fail(const { Tag::new(0x9F47) }, check::KEY_LENGTH));
    }
    let key_len = usize::from(byte(m, 19, T)?);
    let room = m.len().saturating_sub(42);
    let key = assemble(m, 21, room, key_len, remainder, exponent, T, const { Tag::new(0x9F48) })?;
    Ok(IccPublicKey { key, serial, expiry })
}

/// The ICC Dynamic Data recovered from a Signed Dynamic Application Data.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct IccDynamicData {
    bytes: [u8; MAX_MODULUS],
    len: usize,
}

impl IccDynamicData {
    /// The ICC Dynamic Data (LDD bytes).
    pub fn bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// The ICC Dynamic Number (`9F4C`): the first byte gives its length (2–8).
    pub fn icc_dynamic_number(&self) -> Option<&[u8]> {
        let (&n, rest) = self.bytes().split_first()?;
        let n = usize::from(n);
        if (2..=8).contains(&n) { rest.get(..n) } else { None }
    }
}

/// Book 2 §6.5.2 (DDA): verifies the Signed Dynamic Application Data `9F4B` with the ICC key
/// over the terminal dynamic data (the DDOL data, in parts). Returns the ICC Dynamic Data.
///
/// # Errors
/// A check failure naming tag `9F4B`; an ICC Dynamic Data length that does not fit
/// ([`check::KEY_LENGTH`]).
pub fn verify_sdad(
    icc: &IccPublicKey,
    sdad: &[u8],
    terminal_dynamic_data: &[&[u8]],
) -> Result<IccDynamicData, Error> {
    const T: Tag = Tag::new(0x9F4B);
    let mut buf = [0u8; MAX_MODULUS];
    let m = icc.key.recover(sdad, T, &mut buf)?;
    if byte(m, 1, T)? != 0x05 {
        return Err(fail(T, check::FORMAT));
    }
    if byte(m, 2, T)? != 0x01 {
        return Err(fail(T, check::ALGORITHM));
    }
    hash_ok(m, terminal_dynamic_data, T)?;
    let ldd = usize::from(byte(m, 3, T)?);
    if ldd > m.len().saturating_sub(25) {
        return Err(fail(T, check::KEY_LENGTH));
    }
    let src = m.get(4..4usize.saturating_add(ldd)).ok_or(fail(T, check::KEY_LENGTH))?;
    let mut bytes = [0u8; MAX_MODULUS];
    bytes.get_mut(..src.len()).ok_or(fail(T, check::KEY_LENGTH))?.copy_from_slice(src);
    Ok(IccDynamicData { bytes, len: ldd })
}

/// An offline data authentication method.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OdaMethod {
    /// Static data authentication.
    Sda,
    /// Dynamic data authentication.
    Dda,
    /// Combined DDA / application cryptogram generation.
    Cda,
}

/// Book 3 §10.3: the method both the card (AIP) and the terminal (`9F33` byte 3) support, in
/// the order CDA, DDA, SDA; `None` when there is none.
pub fn select_method(aip: crate::data::Aip, caps: &crate::data::TerminalCapabilities) -> Option<OdaMethod> {
    use crate::data::{Aip, TerminalCapabilities as C};
    if aip.contains(Aip::CDA_SUPPORTED) && caps.contains(C::CDA) {
        Some(OdaMethod::Cda)
    } else if aip.contains(Aip::DDA_SUPPORTED) && caps.contains(C::DDA) {
        Some(OdaMethod::Dda)
    } else if aip.contains(Aip::SDA_SUPPORTED) && caps.contains(C::SDA) {
        Some(OdaMethod::Sda)
    } else {
        None
    }
}

/// Book 3 §10.3 / Annex C5–C6: records the ODA outcome. No method ⇒ TVR B1b8 "ODA not
/// performed" (TSI untouched). A method ⇒ TSI B1b8 "ODA performed", SDA also sets TVR B1b2
/// "SDA selected", and a failure sets B1b7 (SDA), B1b4 (DDA) or B1b3 (CDA).
pub fn record_outcome(
    method: Option<OdaMethod>,
    succeeded: bool,
    tvr: &mut crate::data::Tvr,
    tsi: &mut crate::data::Tsi,
) {
    use crate::data::{Tsi, Tvr};
    let Some(m) = method else {
        tvr.set(Tvr::ODA_NOT_PERFORMED);
        return;
    };
    tsi.set(Tsi::ODA_PERFORMED);
    if m == OdaMethod::Sda {
        tvr.set(Tvr::SDA_SELECTED);
    }
    if !succeeded {
        tvr.set(match m {
            OdaMethod::Sda => Tvr::SDA_FAILED,
            OdaMethod::Dda => Tvr::DDA_FAILED,
            OdaMethod::Cda => Tvr::CDA_FAILED,
        });
    }
}

/// What a verified CDA signature yields (Book 2 §6.6.2).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CdaResult {
    /// Cryptogram Information Data (equal in the signature and the response).
    pub cid: u8,
    /// The Application Cryptogram carried inside the signature.
    pub cryptogram: [u8; 8],
    /// The ICC Dynamic Data (ICC Dynamic Number first).
    pub dynamic_data: IccDynamicData,
}

/// Book 2 §6.6.2: verifies the CDA signature of a format-2 GENERATE AC response (`value` = the
/// `77` template's value) with the ICC key, the Unpredictable Number sent in the command, and the
/// PDOL and CDOL data the terminal sent (the Transaction Data Hash Code covers PDOL data ‖ CDOL
/// data ‖ every response object but `9F4B`, in order, as encoded).
///
/// # Errors
/// A check failure naming tag `9F4B` ([`check::IDENTITY`] when the CID differs,
/// [`check::HASH`] for the signature or the transaction data hash), or a response without `9F27`
/// / `9F4B`.
pub fn verify_cda(
    icc: &IccPublicKey,
    unpredictable_number: &[u8; 4],
    value: &[u8],
    pdol_data: &[u8],
    cdol_data: &[u8],
) -> Result<CdaResult, Error> {
    const T: Tag = Tag::new(0x9F4B);
    let mut sdad = None;
    let mut cid = None;
    let mut tdhc = Sha1::new();
    tdhc.update(pdol_data);
    tdhc.update(cdol_data);
    for t in payproto_tlv::Reader::new(value, payproto_tlv::Config::EMV) {
        let t = t?;
        let end = t.value_offset().saturating_add(t.value.len());
        let raw = value.get(t.offset..end).ok_or(Error::new(ErrorKind::BadLength, t.offset))?;
        match t.tag.to_u32() {
            0x9F4B => sdad = Some(t.value),
            0x9F27 => {
                cid = t.value.first().copied();
                tdhc.update(raw);
            }
            _ => tdhc.update(raw),
        }
    }
    let sdad = sdad.ok_or(Error::at_tag(ErrorKind::Missing, T))?;
    let cid = cid.ok_or(Error::at_tag(ErrorKind::Missing, const { Tag::new(0x9F27) }))?;
    let d = verify_sdad(icc, sdad, &[unpredictable_number])?;
    let b = d.bytes();
    let n = usize::from(*b.first().ok_or(fail(T, check::KEY_LENGTH))?);
    let rest = b.get(n.saturating_add(1)..).ok_or(fail(T, check::KEY_LENGTH))?;
    let (&sig_cid, rest) = rest.split_first().ok_or(fail(T, check::KEY_LENGTH))?;
    let (ac, rest) = rest.split_first_chunk::<8>().ok_or(fail(T, check::KEY_LENGTH))?;
    let hash = rest.get(..20).ok_or(fail(T, check::KEY_LENGTH))?;
    if sig_cid != cid {
        return Err(fail(T, check::IDENTITY));
    }
    if tdhc.finalize()[..] != *hash {
        return Err(fail(T, check::HASH));
    }
    Ok(CdaResult { cid, cryptogram: *ac, dynamic_data: d })
}
