//! The host-side face: an HSM-operation trait over key handles that never return key bytes,
//! and a software implementation ([`SoftHsm`], fixed slot table, no allocator).
//!
//! Operations: PIN translation (terminal PIN key or TDES/AES DUKPT → zone key, any ISO format,
//! e.g. 0 ↔ 4), MAC generation and constant-time verification, key import from TR-31 key blocks
//! and from a UnionPay key download, and key check values.

use crate::cipher::Soft;
use crate::dukpt::{aes as daes, tdes as dtdes};
use crate::error::{Error, ErrorKind, Result};
use crate::kcv;
use crate::key::Key;
use crate::mac::{self, MacTag, Padding};
use crate::pin::{self, Format, Pan, PinBlock};
use crate::tr31::KeyBlock;
use rand_core::CryptoRng;

mod emv;

/// An opaque reference to a key inside the HSM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyHandle(pub u16);

/// What a stored key may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyRole {
    /// Key-encryption / key-block protection key (TMK, ZMK, KBPK).
    KeyEncryption,
    /// PIN encryption key (terminal PIN key, zone PIN key).
    Pin,
    /// MAC key.
    Mac,
    /// Data encryption key.
    Data,
    /// DUKPT base derivation key (TDES or AES).
    Bdk,
    /// EMV issuer master key (IMK-AC): derives ICC master keys; used only by [`crate::emv::EmvHsm`].
    IssuerMasterKey,
}

/// A MAC algorithm with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MacAlgorithm {
    /// ISO/IEC 9797-1 algorithm 1 (CBC-MAC).
    Iso9797Alg1(Padding),
    /// ISO/IEC 9797-1 algorithm 3 / ANSI X9.19 retail MAC.
    Iso9797Alg3(Padding),
    /// CMAC (AES or TDES).
    Cmac,
    /// China UnionPay POS ECB MAC (8 ASCII characters).
    CupEcb,
}

/// Where an incoming PIN block comes from.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum PinSource {
    /// A static PIN key (terminal or zone) and the block format.
    Key {
        /// The PIN key.
        key: KeyHandle,
        /// Format of the incoming block.
        format: Format,
    },
    /// TDES DUKPT: BDK handle and the KSN sent with the block (PIN variant, format as given).
    TdesDukpt {
        /// The BDK.
        bdk: KeyHandle,
        /// The KSN.
        ksn: dtdes::Ksn,
        /// Format of the incoming block (0 or 3 typically).
        format: Format,
    },
    /// AES DUKPT: BDK handle, KSN, and the PIN working key type (format 4 with AES keys).
    AesDukpt {
        /// The BDK.
        bdk: KeyHandle,
        /// The KSN.
        ksn: daes::Ksn,
        /// PIN working key type (AES-128 usually).
        key_type: daes::KeyType,
        /// Format of the incoming block (4 for AES working keys).
        format: Format,
    },
}

/// HSM operations over key handles. No method returns key bytes.
pub trait Hsm {
    /// Imports a key from a TR-31 key block under the KBPK `kbpk`.
    ///
    /// # Errors
    /// Parse, MAC-verification or role errors.
    fn import_tr31(&mut self, kbpk: KeyHandle, block: &[u8], role: KeyRole) -> Result<KeyHandle>;
    /// Imports a working key encrypted under the TMK `tmk` (TDES-ECB) with its 4-byte KCV.
    ///
    /// # Errors
    /// [`ErrorKind::VerificationFailed`] on a KCV mismatch.
    fn import_key_download(
        &mut self,
        tmk: KeyHandle,
        encrypted: &[u8],
        kcv: &[u8],
        role: KeyRole,
    ) -> Result<KeyHandle>;
    /// The key check value X9.143 uses for this key (legacy 3 bytes for TDES, CMAC 5 for AES).
    ///
    /// # Errors
    /// Unknown handle.
    fn kcv(&self, key: KeyHandle) -> Result<MacTag>;
    /// Generates a MAC (full length; truncate the result as the protocol needs).
    ///
    /// # Errors
    /// Unknown handle, wrong role or algorithm.
    fn mac_generate(&self, key: KeyHandle, alg: MacAlgorithm, data: &[u8]) -> Result<MacTag>;
    /// Verifies a received MAC (its length selects the truncation), in constant time.
    ///
    /// # Errors
    /// [`ErrorKind::VerificationFailed`].
    fn mac_verify(&self, key: KeyHandle, alg: MacAlgorithm, data: &[u8], received: &[u8]) -> Result<()> {
        let tag = self.mac_generate(key, alg, data)?;
        match tag.truncated(received.len()) {
            Ok(t) if received.len() >= 4 => t.verify(received),
            _ => Err(Error::new(ErrorKind::VerificationFailed, "mac length")),
        }
    }
    /// Translates a PIN block to `to_format` under the zone key `to_key`; the clear PIN never
    /// leaves the HSM. `random` supplies the fill of formats 1, 3 and 4.
    ///
    /// # Errors
    /// PIN block, key and role errors.
    fn translate_pin_with_random(
        &self,
        from: PinSource,
        block: &[u8],
        to_key: KeyHandle,
        to_format: Format,
        pan: Option<&Pan>,
        random: &[u8; 8],
    ) -> Result<PinBlock>;
    /// As [`Hsm::translate_pin_with_random`] with randomness from `rng`.
    ///
    /// # Errors
    /// As [`Hsm::translate_pin_with_random`].
    fn translate_pin<R: CryptoRng + ?Sized>(
        &self,
        from: PinSource,
        block: &[u8],
        to_key: KeyHandle,
        to_format: Format,
        pan: Option<&Pan>,
        rng: &mut R,
    ) -> Result<PinBlock>
    where
        Self: Sized,
    {
        let mut random = [0u8; 8];
        rng.fill_bytes(&mut random);
        self.translate_pin_with_random(from, block, to_key, to_format, pan, &random)
    }
}

/// Software HSM with `N` key slots (no allocator). Keys are loaded in clear only at provisioning
/// ([`SoftHsm::load_clear`]); there is no export.
pub struct SoftHsm<const N: usize> {
    slots: [Option<(Key, KeyRole)>; N],
}

impl<const N: usize> core::fmt::Debug for SoftHsm<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let used = self.slots.iter().filter(|s| s.is_some()).count();
        write!(f, "SoftHsm({used}/{N} slots)")
    }
}

impl<const N: usize> Default for SoftHsm<N> {
    fn default() -> Self {
        Self { slots: core::array::from_fn(|_| None) }
    }
}

impl<const N: usize> SoftHsm<N> {
    /// An empty HSM.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Provisions a clear key (key ceremony / test setup).
    ///
    /// # Errors
    /// [`ErrorKind::OutOfRange`] when all slots are used.
    pub fn load_clear(&mut self, key: Key, role: KeyRole) -> Result<KeyHandle> {
        let (i, slot) = self
            .slots
            .iter_mut()
            .enumerate()
            .find(|(_, s)| s.is_none())
            .ok_or(Error::new(ErrorKind::OutOfRange, "hsm slots"))?;
        *slot = Some((key, role));
        Ok(KeyHandle(u16::try_from(i).map_err(|_| Error::new(ErrorKind::OutOfRange, "hsm slots"))?))
    }

    /// Erases a key.
    pub fn erase(&mut self, h: KeyHandle) {
        if let Some(s) = self.slots.get_mut(usize::from(h.0)) {
            *s = None;
        }
    }

    fn get(&self, h: KeyHandle, role: KeyRole) -> Result<&Key> {
        match self.slots.get(usize::from(h.0)) {
            Some(Some((k, r))) if *r == role => Ok(k),
            Some(Some(_)) => Err(Error::at(ErrorKind::WrongAlgorithm, "key role", usize::from(h.0))),
            _ => Err(Error::at(ErrorKind::OutOfRange, "key handle", usize::from(h.0))),
        }
    }

    fn any(&self, h: KeyHandle) -> Result<&Key> {
        match self.slots.get(usize::from(h.0)) {
            Some(Some((k, _))) => Ok(k),
            _ => Err(Error::at(ErrorKind::OutOfRange, "key handle", usize::from(h.0))),
        }
    }

    fn incoming_pin(&self, from: PinSource, block: &[u8], pan: Option<&Pan>) -> Result<pin::Pin> {
        match from {
            PinSource::Key { key, format } => pin::decrypt(format, self.get(key, KeyRole::Pin)?, block, pan),
            PinSource::TdesDukpt { bdk, ksn, format } => {
                let bdk = dtdes::Bdk::from_slice(self.get(bdk, KeyRole::Bdk)?.as_bytes())?;
                let k = dtdes::derive_transaction_key_from_bdk(&Soft, &bdk, &ksn)?;
                pin::decrypt(format, &k.working_key(&Soft, dtdes::Variant::Pin).to_key(), block, pan)
            }
            PinSource::AesDukpt { bdk, ksn, key_type, format } => {
                let bdk = daes::Bdk::from_slice(self.get(bdk, KeyRole::Bdk)?.as_bytes())?;
                let k = daes::derive_transaction_key_from_bdk(&Soft, &bdk, &ksn)?;
                let wk = k.working_key(&Soft, &ksn, daes::KeyUsage::PinEncryption, key_type)?;
                let wk = wk.to_key().ok_or(Error::new(ErrorKind::WrongAlgorithm, "pin key type"))?;
                pin::decrypt(format, &wk, block, pan)
            }
        }
    }
}

impl<const N: usize> Hsm for SoftHsm<N> {
    fn import_tr31(&mut self, kbpk: KeyHandle, block: &[u8], role: KeyRole) -> Result<KeyHandle> {
        let kb = KeyBlock::parse(block)?;
        let key = kb.unwrap(self.get(kbpk, KeyRole::KeyEncryption)?)?;
        let k = match kb.header().algorithm {
            b'A' => Key::aes(key.as_bytes())?,
            b'T' | b'D' => Key::tdes(key.as_bytes())?,
            _ => return Err(Error::new(ErrorKind::Unsupported, "key block algorithm")),
        };
        self.load_clear(k, role)
    }

    fn import_key_download(
        &mut self,
        tmk: KeyHandle,
        encrypted: &[u8],
        kcv4: &[u8],
        role: KeyRole,
    ) -> Result<KeyHandle> {
        let k =
            crate::keydownload::decrypt_working_key(self.get(tmk, KeyRole::KeyEncryption)?, encrypted, kcv4)?;
        self.load_clear(k, role)
    }

    fn kcv(&self, key: KeyHandle) -> Result<MacTag> {
        kcv::default_for(self.any(key)?)
    }

    fn mac_generate(&self, key: KeyHandle, alg: MacAlgorithm, data: &[u8]) -> Result<MacTag> {
        let k = self.get(key, KeyRole::Mac)?;
        match alg {
            MacAlgorithm::Iso9797Alg1(p) => mac::iso9797_1_alg1(k, p, data),
            MacAlgorithm::Iso9797Alg3(p) => mac::iso9797_1_alg3(k, p, data),
            MacAlgorithm::Cmac => mac::cmac(k, data),
            MacAlgorithm::CupEcb => MacTag::from_slice(&mac::cup_ecb_mac(k, data)?),
        }
    }

    fn translate_pin_with_random(
        &self,
        from: PinSource,
        block: &[u8],
        to_key: KeyHandle,
        to_format: Format,
        pan: Option<&Pan>,
        random: &[u8; 8],
    ) -> Result<PinBlock> {
        let p = self.incoming_pin(from, block, pan)?;
        pin::encrypt_with_random(to_format, self.get(to_key, KeyRole::Pin)?, &p, pan, random)
    }
}
