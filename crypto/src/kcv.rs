//! Key check values: legacy (leftmost bytes of E(K, 0…0)) and CMAC-based (X9.24-1:2017 Annex A:
//! leftmost 5 bytes of CMAC(K, 0…0)).

use crate::error::{Error, ErrorKind, Result};
use crate::key::Key;
use crate::mac::{self, MacTag};

/// Legacy KCV: the leftmost `len` bytes (2 ≤ len ≤ 4; 3 is customary, 4 for UnionPay key download)
/// of the key encrypting one all-zero block.
///
/// # Errors
/// [`ErrorKind::OutOfRange`] for other lengths.
pub fn legacy(key: &Key, len: usize) -> Result<MacTag> {
    if !(2..=4).contains(&len) {
        return Err(Error::at(ErrorKind::OutOfRange, "kcv length", len));
    }
    let mut block = [0u8; 16];
    let n = key.algorithm().block_size();
    let b = block.get_mut(..n).ok_or(Error::new(ErrorKind::InvalidLength, "block"))?;
    key.cipher()?.encrypt_block(b)?;
    MacTag::from_slice(b)?.truncated(len)
}

/// CMAC-based KCV: the leftmost 5 bytes of CMAC(K, one zero block) (TDES or AES keys).
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] for single DES.
pub fn cmac(key: &Key) -> Result<MacTag> {
    let zeros = [0u8; 16];
    let n = key.algorithm().block_size();
    mac::cmac(key, zeros.get(..n).unwrap_or(&[]))?.truncated(5)
}

/// The KCV X9.143 uses for this key: CMAC-based (5 bytes) for AES, legacy 3 bytes otherwise.
///
/// # Errors
/// As [`legacy`] / [`cmac()`].
pub fn default_for(key: &Key) -> Result<MacTag> {
    if key.algorithm().is_aes() { cmac(key) } else { legacy(key, 3) }
}

/// Constant-time check of a received KCV (its length selects the truncation).
///
/// # Errors
/// [`ErrorKind::VerificationFailed`].
pub fn verify_legacy(key: &Key, received: &[u8]) -> Result<()> {
    legacy(key, received.len())
        .map_err(|_| Error::new(ErrorKind::VerificationFailed, "kcv"))?
        .verify(received)
}
