//! China's national ("SM", 商用密码) algorithms: SM4 block cipher, SM3 hash, SM2 signature
//! verification, and the UnionPay SM4 variants of the POS key, PIN and MAC rules.
//!
//! - **SM4** (GB/T 32907-2016 = GM/T 0002-2012, RustCrypto `sm4`): [`SoftSm4`] implements the
//!   crate's [`BlockCipher<16>`], so the generic ECB/CBC helpers of [`crate::cipher`], ISO 9797-1
//!   MAC algorithm 1 and the legacy KCV work with it; [`crate::Key`] holds SM4 keys as
//!   [`crate::Algorithm::Sm4`] (16-byte key, 16-byte block, no parity), and the software HSM
//!   ([`crate::hsm::SoftHsm`]) stores and uses them like any other key. [`Sm4Provider`] is the
//!   provider face for code that is generic over the cipher implementation (an MCU peripheral).
//! - **SM3** (GB/T 32905-2016 = GM/T 0004-2012, RustCrypto `sm3`): [`sm3()`], [`sm3_parts`] and the
//!   streaming [`Sm3`] hasher (`digest` API).
//! - **SM2 signatures** (GB/T 32918.2-2016 = GM/T 0003.2-2012 on the curve of GM/T 0003.5-2012,
//!   RustCrypto `sm2`): [`sig`] — the user identity hash Z, verification of r ‖ s or DER
//!   signatures; no heap.
//! - **UnionPay** SM4 PIN block, MAC, track-data encryption and sign-on key download: [`cup`].

pub mod cup;
pub mod sig;

use crate::cipher::{BlockCipher, Soft};
use crate::error::{Error, ErrorKind, Result};
use sm4::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};

pub use ::sm3::Sm3;
pub use ::sm3::digest::Digest;

/// A keyed software SM4 cipher (RustCrypto `sm4`; the round keys zeroize on drop).
pub struct SoftSm4(sm4::Sm4);

impl SoftSm4 {
    /// The SM4 key schedule.
    #[must_use]
    pub fn new(key: &[u8; 16]) -> Self {
        Self(sm4::Sm4::new(key.into()))
    }

    /// The SM4 key schedule from a slice.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`] unless `key` is 16 bytes.
    pub fn new_from_slice(key: &[u8]) -> Result<Self> {
        sm4::Sm4::new_from_slice(key)
            .map(Self)
            .map_err(|_| Error::at(ErrorKind::InvalidLength, "sm4 key", key.len()))
    }
}

impl BlockCipher<16> for SoftSm4 {
    #[inline]
    fn encrypt_block(&self, block: &mut [u8; 16]) {
        BlockCipherEncrypt::encrypt_block(&self.0, block.into());
    }
    #[inline]
    fn decrypt_block(&self, block: &mut [u8; 16]) {
        BlockCipherDecrypt::decrypt_block(&self.0, block.into());
    }
}

impl core::fmt::Debug for SoftSm4 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SoftSm4")
    }
}

/// A source of keyed SM4 ciphers (one key schedule per call), the SM4 counterpart of
/// [`crate::cipher::CipherProvider`] (a separate trait so existing providers need no change).
pub trait Sm4Provider {
    /// The keyed cipher.
    type Sm4: BlockCipher<16>;
    /// SM4 key schedule.
    fn sm4(&self, key: &[u8; 16]) -> Self::Sm4;
}

impl Sm4Provider for Soft {
    type Sm4 = SoftSm4;
    fn sm4(&self, key: &[u8; 16]) -> SoftSm4 {
        SoftSm4::new(key)
    }
}

/// SM3 digest of `data` (GB/T 32905-2016).
#[must_use]
pub fn sm3(data: &[u8]) -> [u8; 32] {
    sm3_parts(&[data])
}

/// SM3 digest of the concatenation of `parts` (no copy).
#[must_use]
pub fn sm3_parts(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sm3::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}
