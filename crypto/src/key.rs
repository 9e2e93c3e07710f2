//! Symmetric keys of any supported algorithm, held in a fixed zeroizing array.

use crate::cipher::{self, BlockCipher, SoftAes, SoftDes64};
use crate::error::{Error, ErrorKind, Result};
use crate::sm::SoftSm4;
use des::cipher::KeyInit;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Symmetric algorithm and key size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// Single DES (8-byte key).
    Des,
    /// Two-key TDES (16-byte key).
    Tdes2,
    /// Three-key TDES (24-byte key).
    Tdes3,
    /// AES-128.
    Aes128,
    /// AES-192.
    Aes192,
    /// AES-256.
    Aes256,
    /// SM4 (GB/T 32907-2016, GM/T 0002-2012): 16-byte key, 16-byte block.
    Sm4,
}

impl Algorithm {
    /// Key length in bytes.
    #[must_use]
    pub const fn key_len(self) -> usize {
        match self {
            Self::Des => 8,
            Self::Tdes2 | Self::Aes128 | Self::Sm4 => 16,
            Self::Tdes3 | Self::Aes192 => 24,
            Self::Aes256 => 32,
        }
    }

    /// Block size in bytes (8 or 16).
    #[must_use]
    pub const fn block_size(self) -> usize {
        if self.is_des_family() { 8 } else { 16 }
    }

    /// True for DES, TDES2 and TDES3 (the algorithms with parity bits and an 8-byte block).
    #[must_use]
    pub const fn is_des_family(self) -> bool {
        matches!(self, Self::Des | Self::Tdes2 | Self::Tdes3)
    }

    /// True for the AES family.
    #[must_use]
    pub const fn is_aes(self) -> bool {
        matches!(self, Self::Aes128 | Self::Aes192 | Self::Aes256)
    }

    /// The DES-family algorithm with this key length (8, 16 or 24 bytes).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`].
    pub const fn des_family_for_len(len: usize) -> Result<Self> {
        match len {
            8 => Ok(Self::Des),
            16 => Ok(Self::Tdes2),
            24 => Ok(Self::Tdes3),
            _ => Err(Error::at(ErrorKind::InvalidLength, "des/tdes key", len)),
        }
    }

    /// The AES algorithm with this key length (16, 24 or 32 bytes).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`].
    pub const fn aes_for_len(len: usize) -> Result<Self> {
        match len {
            16 => Ok(Self::Aes128),
            24 => Ok(Self::Aes192),
            32 => Ok(Self::Aes256),
            _ => Err(Error::at(ErrorKind::InvalidLength, "aes key", len)),
        }
    }
}

/// A symmetric key: algorithm plus key bytes in a fixed 32-byte array, zeroized on drop.
///
/// `Debug` prints the algorithm only, never key bytes.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Key {
    #[zeroize(skip)]
    alg: Algorithm,
    bytes: [u8; 32],
}

impl core::fmt::Debug for Key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Key").field("alg", &self.alg).finish_non_exhaustive()
    }
}

impl Key {
    /// A key of `alg` from exactly `alg.key_len()` bytes.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`].
    pub fn new(alg: Algorithm, key: &[u8]) -> Result<Self> {
        if key.len() != alg.key_len() {
            return Err(Error::at(ErrorKind::InvalidLength, "key", key.len()));
        }
        let mut bytes = [0u8; 32];
        bytes.get_mut(..key.len()).ok_or(Error::new(ErrorKind::InvalidLength, "key"))?.copy_from_slice(key);
        Ok(Self { alg, bytes })
    }

    /// A key of `alg` from a fixed array whose length the caller guarantees equals
    /// `alg.key_len()` (extra bytes are ignored, missing ones are zero).
    pub(crate) fn from_array<const N: usize>(alg: Algorithm, key: &[u8; N]) -> Self {
        let mut bytes = [0u8; 32];
        for (d, s) in bytes.iter_mut().zip(key.iter().take(alg.key_len())) {
            *d = *s;
        }
        Self { alg, bytes }
    }

    /// A DES-family key chosen by length: 8 → DES, 16 → TDES2, 24 → TDES3.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`].
    pub fn tdes(key: &[u8]) -> Result<Self> {
        Self::new(Algorithm::des_family_for_len(key.len())?, key)
    }

    /// An AES key chosen by length (16, 24, 32).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`].
    pub fn aes(key: &[u8]) -> Result<Self> {
        Self::new(Algorithm::aes_for_len(key.len())?, key)
    }

    /// The algorithm.
    #[must_use]
    pub const fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The key bytes (secret: callers must not log them).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.alg.key_len()).unwrap_or(&[])
    }

    /// A keyed software cipher for this key.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`] (cannot happen for a well-formed key).
    pub fn cipher(&self) -> Result<AnyCipher> {
        let k = self.as_bytes();
        let bad = |_| Error::new(ErrorKind::InvalidLength, "key");
        Ok(match self.alg {
            Algorithm::Des => AnyCipher::B8(SoftDes64::Des(des::Des::new_from_slice(k).map_err(bad)?)),
            Algorithm::Tdes2 => {
                AnyCipher::B8(SoftDes64::Ede2(des::TdesEde2::new_from_slice(k).map_err(bad)?))
            }
            Algorithm::Tdes3 => {
                AnyCipher::B8(SoftDes64::Ede3(des::TdesEde3::new_from_slice(k).map_err(bad)?))
            }
            Algorithm::Aes128 | Algorithm::Aes192 | Algorithm::Aes256 => AnyCipher::B16(SoftAes::new(k)?),
            Algorithm::Sm4 => AnyCipher::Sm4(SoftSm4::new_from_slice(k)?),
        })
    }

    /// XOR of key components (all of the same algorithm), as in key ceremonies.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`] for no components; [`ErrorKind::WrongAlgorithm`] when they differ.
    pub fn combine(components: &[&Key]) -> Result<Self> {
        let (first, rest) =
            components.split_first().ok_or(Error::new(ErrorKind::InvalidLength, "components"))?;
        let mut out = (*first).clone();
        for (i, c) in rest.iter().enumerate() {
            if c.alg != out.alg {
                return Err(Error::at(ErrorKind::WrongAlgorithm, "components", i.saturating_add(1)));
            }
            cipher::xor_in_place(&mut out.bytes, &c.bytes);
        }
        Ok(out)
    }

    /// Sets each byte's low bit so that every byte has odd parity (DES family; a no-op for AES and SM4).
    pub fn fix_parity(&mut self) {
        if self.alg.is_des_family() {
            fix_odd_parity(&mut self.bytes);
        }
    }

    /// True when every byte has odd parity (DES family) — always true for AES and SM4.
    #[must_use]
    pub fn has_odd_parity(&self) -> bool {
        !self.alg.is_des_family() || self.as_bytes().iter().all(|b| b.count_ones() % 2 == 1)
    }

    /// ECB-encrypts `data` in place.
    ///
    /// # Errors
    /// [`ErrorKind::NotBlockAligned`].
    pub fn ecb_encrypt(&self, data: &mut [u8]) -> Result<()> {
        match self.cipher()? {
            AnyCipher::B8(c) => cipher::ecb_encrypt(&c, data),
            AnyCipher::B16(c) => cipher::ecb_encrypt(&c, data),
            AnyCipher::Sm4(c) => cipher::ecb_encrypt(&c, data),
        }
    }

    /// ECB-decrypts `data` in place.
    ///
    /// # Errors
    /// [`ErrorKind::NotBlockAligned`].
    pub fn ecb_decrypt(&self, data: &mut [u8]) -> Result<()> {
        match self.cipher()? {
            AnyCipher::B8(c) => cipher::ecb_decrypt(&c, data),
            AnyCipher::B16(c) => cipher::ecb_decrypt(&c, data),
            AnyCipher::Sm4(c) => cipher::ecb_decrypt(&c, data),
        }
    }

    /// CBC-encrypts `data` in place; `iv` must be one block.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`] for a wrong IV, [`ErrorKind::NotBlockAligned`].
    pub fn cbc_encrypt(&self, iv: &[u8], data: &mut [u8]) -> Result<()> {
        let bad = |_| Error::at(ErrorKind::InvalidLength, "iv", iv.len());
        match self.cipher()? {
            AnyCipher::B8(c) => cipher::cbc_encrypt(&c, iv.try_into().map_err(bad)?, data),
            AnyCipher::B16(c) => cipher::cbc_encrypt(&c, iv.try_into().map_err(bad)?, data),
            AnyCipher::Sm4(c) => cipher::cbc_encrypt(&c, iv.try_into().map_err(bad)?, data),
        }
    }

    /// CBC-decrypts `data` in place; `iv` must be one block.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`] for a wrong IV, [`ErrorKind::NotBlockAligned`].
    pub fn cbc_decrypt(&self, iv: &[u8], data: &mut [u8]) -> Result<()> {
        let bad = |_| Error::at(ErrorKind::InvalidLength, "iv", iv.len());
        match self.cipher()? {
            AnyCipher::B8(c) => cipher::cbc_decrypt(&c, iv.try_into().map_err(bad)?, data),
            AnyCipher::B16(c) => cipher::cbc_decrypt(&c, iv.try_into().map_err(bad)?, data),
            AnyCipher::Sm4(c) => cipher::cbc_decrypt(&c, iv.try_into().map_err(bad)?, data),
        }
    }
}

/// Forces odd parity on every byte (the DES parity convention: bit 0 is the parity bit).
pub fn fix_odd_parity(bytes: &mut [u8]) {
    for b in bytes {
        if b.count_ones() % 2 == 0 {
            *b ^= 1;
        }
    }
}

/// A keyed software cipher of either block size.
#[derive(Debug)]
pub enum AnyCipher {
    /// DES family (8-byte block).
    B8(SoftDes64),
    /// AES (16-byte block).
    B16(SoftAes),
    /// SM4 (16-byte block).
    Sm4(SoftSm4),
}

impl AnyCipher {
    /// Encrypts one block of the cipher's size held at the start of `block`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`] when `block` is not exactly one block.
    pub fn encrypt_block(&self, block: &mut [u8]) -> Result<()> {
        let bad = |_| Error::at(ErrorKind::InvalidLength, "block", 0);
        match self {
            Self::B8(c) => c.encrypt_block(block.try_into().map_err(bad)?),
            Self::B16(c) => c.encrypt_block(block.try_into().map_err(bad)?),
            Self::Sm4(c) => c.encrypt_block(block.try_into().map_err(bad)?),
        }
        Ok(())
    }
}
