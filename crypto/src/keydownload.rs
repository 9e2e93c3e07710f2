//! UnionPay POS sign-on key download: working keys (PIN, MAC, track/data) arrive in the 0810
//! response's field 62, each encrypted under the terminal master key (TMK, TDES-ECB) and followed
//! by a 4-byte check value = the leftmost 4 bytes of E(working key, 0⁸).
//!
//! Layouts by field 60.3: `001` single-length keys, 24 bytes = PIK(8) KCV(4) MAK(8) KCV(4);
//! `003` double-length, 40 bytes = PIK(16) KCV(4) MAK(16) KCV(4); `004` 60 bytes = + TDK(16) KCV(4).

use crate::error::{Error, ErrorKind, Result};
use crate::kcv;
use crate::key::{Algorithm, Key};

/// The working keys of one sign-on.
#[derive(Debug, Clone)]
pub struct WorkingKeys {
    /// PIN key.
    pub pin: Key,
    /// MAC key.
    pub mac: Key,
    /// Track/data key (layout `004` only).
    pub data: Option<Key>,
}

/// Decrypts one working key under the TMK and checks its 4-byte KCV in constant time.
///
/// # Errors
/// [`ErrorKind::InvalidLength`]; [`ErrorKind::VerificationFailed`] when the KCV does not match.
pub fn decrypt_working_key(tmk: &Key, encrypted: &[u8], kcv4: &[u8]) -> Result<Key> {
    let mut buf = [0u8; 24];
    let b = buf.get_mut(..encrypted.len()).ok_or(Error::at(
        ErrorKind::InvalidLength,
        "working key",
        encrypted.len(),
    ))?;
    b.copy_from_slice(encrypted);
    tmk.ecb_decrypt(b)?;
    // An SM4 TMK carries SM4 working keys (UnionPay national-algorithm sign-on, `crate::sm::cup`).
    let key = if tmk.algorithm() == Algorithm::Sm4 { Key::new(Algorithm::Sm4, b) } else { Key::tdes(b) };
    zeroize::Zeroize::zeroize(&mut buf);
    let key = key?;
    if kcv4.len() != 4 {
        return Err(Error::at(ErrorKind::InvalidLength, "kcv", kcv4.len()));
    }
    kcv::verify_legacy(&key, kcv4)?;
    Ok(key)
}

/// Splits and decrypts a sign-on field 62 of 24, 40 or 60 bytes.
///
/// # Errors
/// [`ErrorKind::InvalidLength`] for other lengths; [`ErrorKind::VerificationFailed`] (offset =
/// the failing key's position in the field).
pub fn decrypt_sign_on_keys(tmk: &Key, field62: &[u8]) -> Result<WorkingKeys> {
    let (klen, count) = match field62.len() {
        24 => (8usize, 2usize),
        40 => (16, 2),
        60 => (16, 3),
        n => return Err(Error::at(ErrorKind::InvalidLength, "field 62", n)),
    };
    let mut keys: [Option<Key>; 3] = [None, None, None];
    for (i, slot) in keys.iter_mut().enumerate().take(count) {
        let off = i.saturating_mul(klen.saturating_add(4));
        let enc = field62.get(off..off.saturating_add(klen)).ok_or(Error::at(
            ErrorKind::InvalidLength,
            "field 62",
            off,
        ))?;
        let kcv = field62
            .get(off.saturating_add(klen)..off.saturating_add(klen).saturating_add(4))
            .ok_or(Error::at(ErrorKind::InvalidLength, "field 62", off))?;
        *slot = Some(decrypt_working_key(tmk, enc, kcv).map_err(|e| Error::at(e.kind, "field 62 key", off))?);
    }
    let [pin, mac, data] = keys;
    Ok(WorkingKeys {
        pin: pin.ok_or(Error::new(ErrorKind::InvalidLength, "field 62"))?,
        mac: mac.ok_or(Error::new(ErrorKind::InvalidLength, "field 62"))?,
        data,
    })
}
