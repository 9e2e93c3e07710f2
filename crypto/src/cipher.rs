//! The crate's own block-cipher abstraction and the ECB/CBC modes over it.
//!
//! [`BlockCipher`] is one keyed block cipher (block size `N` = 8 for DES/TDES, 16 for AES).
//! [`CipherProvider`] creates keyed ciphers from raw key bytes; DUKPT is generic over it so a
//! microcontroller's crypto peripheral, an HSM client or a counting adapter (tests) can stand in
//! for the RustCrypto software implementation [`Soft`].

use crate::error::{Error, ErrorKind, Result};
use des::cipher::common as crypto_key;
use des::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};

/// One keyed block cipher with an `N`-byte block.
pub trait BlockCipher<const N: usize> {
    /// Encrypts one block in place.
    fn encrypt_block(&self, block: &mut [u8; N]);
    /// Decrypts one block in place.
    fn decrypt_block(&self, block: &mut [u8; N]);
}

/// A source of keyed block ciphers: one key schedule per call.
pub trait CipherProvider {
    /// Single DES.
    type Des: BlockCipher<8>;
    /// Two- or three-key TDES (EDE).
    type Tdes: BlockCipher<8>;
    /// AES-128/192/256.
    type Aes: BlockCipher<16>;
    /// Single DES key schedule (parity bits ignored).
    fn des(&self, key: &[u8; 8]) -> Self::Des;
    /// Two-key TDES (K1 ‖ K2, K3 = K1).
    fn tdes2(&self, key: &[u8; 16]) -> Self::Tdes;
    /// Three-key TDES.
    fn tdes3(&self, key: &[u8; 24]) -> Self::Tdes;
    /// AES with a 16-, 24- or 32-byte key.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`] for any other key length.
    fn aes(&self, key: &[u8]) -> Result<Self::Aes>;

    /// ECB-encrypts `blocks` under a fresh AES key (one key schedule). AES DUKPT derives every key
    /// this way; the default goes through [`CipherProvider::aes`], implementations may avoid
    /// moving a size-erased cipher around (the software provider keys the concrete type in place).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`] for a key that is not 16, 24 or 32 bytes.
    fn aes_ecb_encrypt(&self, key: &[u8], blocks: &mut [[u8; 16]]) -> Result<()> {
        let c = self.aes(key)?;
        for b in blocks {
            c.encrypt_block(b);
        }
        Ok(())
    }
}

macro_rules! rustcrypto_block_cipher {
    ($t:ty, $n:literal) => {
        impl BlockCipher<$n> for $t {
            #[inline]
            fn encrypt_block(&self, block: &mut [u8; $n]) {
                BlockCipherEncrypt::encrypt_block(self, block.into());
            }
            #[inline]
            fn decrypt_block(&self, block: &mut [u8; $n]) {
                BlockCipherDecrypt::decrypt_block(self, block.into());
            }
        }
    };
}
rustcrypto_block_cipher!(des::Des, 8);
rustcrypto_block_cipher!(des::TdesEde2, 8);
rustcrypto_block_cipher!(des::TdesEde3, 8);
rustcrypto_block_cipher!(aes::Aes128, 16);
rustcrypto_block_cipher!(aes::Aes192, 16);
rustcrypto_block_cipher!(aes::Aes256, 16);

/// A keyed 8-byte-block cipher of any DES family member (runtime choice).
#[allow(clippy::large_enum_variant)]
pub enum SoftDes64 {
    /// Single DES.
    Des(des::Des),
    /// Two-key TDES.
    Ede2(des::TdesEde2),
    /// Three-key TDES.
    Ede3(des::TdesEde3),
}

impl BlockCipher<8> for SoftDes64 {
    fn encrypt_block(&self, block: &mut [u8; 8]) {
        match self {
            Self::Des(c) => BlockCipher::encrypt_block(c, block),
            Self::Ede2(c) => BlockCipher::encrypt_block(c, block),
            Self::Ede3(c) => BlockCipher::encrypt_block(c, block),
        }
    }
    fn decrypt_block(&self, block: &mut [u8; 8]) {
        match self {
            Self::Des(c) => BlockCipher::decrypt_block(c, block),
            Self::Ede2(c) => BlockCipher::decrypt_block(c, block),
            Self::Ede3(c) => BlockCipher::decrypt_block(c, block),
        }
    }
}

/// A keyed AES cipher of any key size (runtime choice).
#[allow(clippy::large_enum_variant)]
pub enum SoftAes {
    /// AES-128.
    Aes128(aes::Aes128),
    /// AES-192.
    Aes192(aes::Aes192),
    /// AES-256.
    Aes256(aes::Aes256),
}

impl BlockCipher<16> for SoftAes {
    fn encrypt_block(&self, block: &mut [u8; 16]) {
        match self {
            Self::Aes128(c) => BlockCipher::encrypt_block(c, block),
            Self::Aes192(c) => BlockCipher::encrypt_block(c, block),
            Self::Aes256(c) => BlockCipher::encrypt_block(c, block),
        }
    }
    fn decrypt_block(&self, block: &mut [u8; 16]) {
        match self {
            Self::Aes128(c) => BlockCipher::decrypt_block(c, block),
            Self::Aes192(c) => BlockCipher::decrypt_block(c, block),
            Self::Aes256(c) => BlockCipher::decrypt_block(c, block),
        }
    }
}

impl SoftAes {
    /// Key schedule for a 16-, 24- or 32-byte AES key.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`] for any other key length.
    pub fn new(key: &[u8]) -> Result<Self> {
        let bad = || Error::new(ErrorKind::InvalidLength, "aes key");
        Ok(match key.len() {
            16 => Self::Aes128(aes::Aes128::new_from_slice(key).map_err(|_| bad())?),
            24 => Self::Aes192(aes::Aes192::new_from_slice(key).map_err(|_| bad())?),
            32 => Self::Aes256(aes::Aes256::new_from_slice(key).map_err(|_| bad())?),
            _ => return Err(bad()),
        })
    }
}

/// The RustCrypto software implementation (`des`, `aes`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Soft;

impl CipherProvider for Soft {
    type Des = des::Des;
    type Tdes = SoftDes64;
    type Aes = SoftAes;
    fn des(&self, key: &[u8; 8]) -> des::Des {
        des::Des::new(key.into())
    }
    fn tdes2(&self, key: &[u8; 16]) -> SoftDes64 {
        SoftDes64::Ede2(des::TdesEde2::new(key.into()))
    }
    fn tdes3(&self, key: &[u8; 24]) -> SoftDes64 {
        SoftDes64::Ede3(des::TdesEde3::new(key.into()))
    }
    fn aes(&self, key: &[u8]) -> Result<SoftAes> {
        SoftAes::new(key)
    }
    fn aes_ecb_encrypt(&self, key: &[u8], blocks: &mut [[u8; 16]]) -> Result<()> {
        #[inline(always)]
        fn run<C: KeyInit + BlockCipher<16>>(key: &crypto_key::Key<C>, blocks: &mut [[u8; 16]]) {
            let c = C::new(key);
            for b in blocks {
                c.encrypt_block(b);
            }
        }
        let bad = |_| Error::at(ErrorKind::InvalidLength, "aes key", key.len());
        match key.len() {
            16 => run::<aes::Aes128>(<&[u8; 16]>::try_from(key).map_err(bad)?.into(), blocks),
            24 => run::<aes::Aes192>(<&[u8; 24]>::try_from(key).map_err(bad)?.into(), blocks),
            32 => run::<aes::Aes256>(<&[u8; 32]>::try_from(key).map_err(bad)?.into(), blocks),
            n => return Err(Error::at(ErrorKind::InvalidLength, "aes key", n)),
        }
        Ok(())
    }
}

fn blocks_mut<const N: usize>(data: &mut [u8]) -> Result<core::slice::ChunksExactMut<'_, u8>> {
    if !data.len().is_multiple_of(N) {
        return Err(Error::at(ErrorKind::NotBlockAligned, "data", data.len()));
    }
    Ok(data.chunks_exact_mut(N))
}

fn as_block<const N: usize>(chunk: &mut [u8]) -> Result<&mut [u8; N]> {
    <&mut [u8; N]>::try_from(chunk).map_err(|_| Error::new(ErrorKind::NotBlockAligned, "data"))
}

/// ECB-encrypts `data` in place (length a multiple of `N`).
///
/// # Errors
/// [`ErrorKind::NotBlockAligned`].
pub fn ecb_encrypt<C: BlockCipher<N> + ?Sized, const N: usize>(c: &C, data: &mut [u8]) -> Result<()> {
    for chunk in blocks_mut::<N>(data)? {
        c.encrypt_block(as_block(chunk)?);
    }
    Ok(())
}

/// ECB-decrypts `data` in place (length a multiple of `N`).
///
/// # Errors
/// [`ErrorKind::NotBlockAligned`].
pub fn ecb_decrypt<C: BlockCipher<N> + ?Sized, const N: usize>(c: &C, data: &mut [u8]) -> Result<()> {
    for chunk in blocks_mut::<N>(data)? {
        c.decrypt_block(as_block(chunk)?);
    }
    Ok(())
}

/// CBC-encrypts `data` in place with `iv` (length a multiple of `N`, no padding).
///
/// # Errors
/// [`ErrorKind::NotBlockAligned`].
pub fn cbc_encrypt<C: BlockCipher<N> + ?Sized, const N: usize>(
    c: &C,
    iv: &[u8; N],
    data: &mut [u8],
) -> Result<()> {
    let mut chain = *iv;
    for chunk in blocks_mut::<N>(data)? {
        let block = as_block::<N>(chunk)?;
        xor_in_place(block, &chain);
        c.encrypt_block(block);
        chain = *block;
    }
    Ok(())
}

/// CBC-decrypts `data` in place with `iv` (length a multiple of `N`).
///
/// # Errors
/// [`ErrorKind::NotBlockAligned`].
pub fn cbc_decrypt<C: BlockCipher<N> + ?Sized, const N: usize>(
    c: &C,
    iv: &[u8; N],
    data: &mut [u8],
) -> Result<()> {
    let mut chain = *iv;
    for chunk in blocks_mut::<N>(data)? {
        let block = as_block::<N>(chunk)?;
        let next = *block;
        c.decrypt_block(block);
        xor_in_place(block, &chain);
        chain = next;
    }
    Ok(())
}

/// `a ^= b` over the shorter of the two.
pub(crate) fn xor_in_place(a: &mut [u8], b: &[u8]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x ^= *y;
    }
}

impl core::fmt::Debug for SoftDes64 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Des(_) => "SoftDes64::Des",
            Self::Ede2(_) => "SoftDes64::Ede2",
            Self::Ede3(_) => "SoftDes64::Ede3",
        })
    }
}

impl core::fmt::Debug for SoftAes {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Aes128(_) => "SoftAes::Aes128",
            Self::Aes192(_) => "SoftAes::Aes192",
            Self::Aes256(_) => "SoftAes::Aes256",
        })
    }
}
