//! AES DUKPT (ANSI X9.24-3-2017).
//!
//! - KSN: 96 bits = initial key ID (BDK ID 32 ‖ derivation ID 32) ‖ 32-bit counter. Valid counter:
//!   at most 16 one-bits, not zero, at most `0xFFFF0000`.
//! - Derivation: one AES-ECB block per 128 output bits of the derivation data
//!   `01 ‖ counter ‖ usage ‖ algorithm ‖ length ‖ 8 bytes` under the derivation key (one key
//!   expansion per derived key).
//! - Host: [`derive_initial_key`], [`derive_transaction_key`], [`DerivationKey::working_key`],
//!   [`derive_update_key`]; terminal: [`Terminal`] with 32 intermediate-key registers.

use super::{next_counter, take_register, validate_counter};
use crate::cipher::CipherProvider;
use crate::error::{Error, ErrorKind, Result};
use crate::key::{Algorithm, Key};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Maximum number of one-bits in a valid counter.
pub const MAX_ONES: u32 = 16;
/// Largest valid counter.
pub const MAX_COUNTER: u32 = 0xFFFF_0000;

/// A 12-byte AES DUKPT KSN.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ksn([u8; 12]);

impl core::fmt::Debug for Ksn {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Ksn(")?;
        for b in &self.0 {
            write!(f, "{b:02X}")?;
        }
        f.write_str(")")
    }
}

impl Ksn {
    /// Parses a 12-byte KSN (no counter validation).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKsn`] for other lengths.
    pub fn from_bytes(b: &[u8]) -> Result<Self> {
        b.try_into().map(Self).map_err(|_| Error::at(ErrorKind::InvalidKsn, "ksn length", b.len()))
    }

    /// From the 8-byte initial key ID and a counter.
    #[must_use]
    pub fn new(ikid: &[u8; 8], tc: u32) -> Self {
        let mut k = [0u8; 12];
        k.get_mut(..8).unwrap_or(&mut []).copy_from_slice(ikid);
        k.get_mut(8..).unwrap_or(&mut []).copy_from_slice(&tc.to_be_bytes());
        Self(k)
    }

    /// The 12 bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 12] {
        &self.0
    }

    /// The initial key ID (BDK ID ‖ derivation ID).
    #[must_use]
    pub fn initial_key_id(&self) -> [u8; 8] {
        let [a, b, c, d, e, f, g, h, ..] = self.0;
        [a, b, c, d, e, f, g, h]
    }

    /// The 32-bit transaction counter.
    #[must_use]
    pub const fn counter(&self) -> u32 {
        let [.., a, b, c, d] = self.0;
        u32::from_be_bytes([a, b, c, d])
    }

    /// This KSN with another counter.
    #[must_use]
    pub fn with_counter(&self, tc: u32) -> Self {
        Self::new(&self.initial_key_id(), tc)
    }

    /// Checks the counter: not zero, at most 16 one-bits.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKsn`].
    pub fn validate(&self) -> Result<()> {
        validate_counter(self.counter(), MAX_ONES, "ksn counter has more than 16 one-bits")
    }

    /// The next valid KSN (skipping counters with more than 16 one-bits).
    ///
    /// # Errors
    /// [`ErrorKind::Exhausted`] after `0xFFFF0000`.
    pub fn next(&self) -> Result<Self> {
        next_counter(self.counter(), MAX_ONES, MAX_COUNTER)
            .map(|t| self.with_counter(t))
            .ok_or(Error::new(ErrorKind::Exhausted, "ksn counter"))
    }

    fn derivation_data(&self, tc: u32) -> [u8; 8] {
        let [_, _, _, _, e, f, g, h, ..] = self.0;
        let [a, b, c, d] = tc.to_be_bytes();
        [e, f, g, h, a, b, c, d]
    }
}

/// Key type of a derived AES DUKPT key (algorithm + length), X9.24-3 Table 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// Two-key TDES (0x0000, 128 bits).
    Tdes2,
    /// Three-key TDES (0x0001, 192 bits).
    Tdes3,
    /// AES-128 (0x0002).
    Aes128,
    /// AES-192 (0x0003).
    Aes192,
    /// AES-256 (0x0004).
    Aes256,
    /// HMAC key, 128 bits (0x0005).
    Hmac128,
    /// HMAC key, 192 bits (0x0005).
    Hmac192,
    /// HMAC key, 256 bits (0x0005).
    Hmac256,
}

impl KeyType {
    const fn algorithm_code(self) -> u16 {
        match self {
            Self::Tdes2 => 0,
            Self::Tdes3 => 1,
            Self::Aes128 => 2,
            Self::Aes192 => 3,
            Self::Aes256 => 4,
            Self::Hmac128 | Self::Hmac192 | Self::Hmac256 => 5,
        }
    }

    /// Key length in bytes.
    #[must_use]
    pub const fn key_len(self) -> usize {
        match self {
            Self::Tdes2 | Self::Aes128 | Self::Hmac128 => 16,
            Self::Tdes3 | Self::Aes192 | Self::Hmac192 => 24,
            Self::Aes256 | Self::Hmac256 => 32,
        }
    }

    /// Security strength rank (2TDEA/3TDEA < AES-128 = HMAC-128 < 192 < 256), for the rule
    /// "working key not stronger than the derivation key" (X9.24-3 6.1.3).
    const fn strength(self) -> u8 {
        match self {
            Self::Tdes2 | Self::Tdes3 => 1,
            Self::Aes128 | Self::Hmac128 => 2,
            Self::Aes192 | Self::Hmac192 => 3,
            Self::Aes256 | Self::Hmac256 => 4,
        }
    }

    /// The general [`Algorithm`] for cipher keys (`None` for HMAC keys).
    #[must_use]
    pub const fn algorithm(self) -> Option<Algorithm> {
        match self {
            Self::Tdes2 => Some(Algorithm::Tdes2),
            Self::Tdes3 => Some(Algorithm::Tdes3),
            Self::Aes128 => Some(Algorithm::Aes128),
            Self::Aes192 => Some(Algorithm::Aes192),
            Self::Aes256 => Some(Algorithm::Aes256),
            Self::Hmac128 | Self::Hmac192 | Self::Hmac256 => None,
        }
    }

    /// The AES key type for a 16/24/32-byte AES key (BDK and derivation keys).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`].
    pub const fn aes_for_len(len: usize) -> Result<Self> {
        match len {
            16 => Ok(Self::Aes128),
            24 => Ok(Self::Aes192),
            32 => Ok(Self::Aes256),
            _ => Err(Error::at(ErrorKind::InvalidLength, "aes dukpt key", len)),
        }
    }
}

/// Key usage of a derived key (X9.24-3 Table 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyUsage {
    /// 0x0002 key encryption key (also the update key).
    KeyEncryption,
    /// 0x1000 PIN encryption.
    PinEncryption,
    /// 0x2000 MAC generation.
    MacGeneration,
    /// 0x2001 MAC verification.
    MacVerification,
    /// 0x2002 MAC generation and verification.
    MacBoth,
    /// 0x3000 data encryption (encrypt).
    DataEncrypt,
    /// 0x3001 data encryption (decrypt).
    DataDecrypt,
    /// 0x3002 data encryption (both directions).
    DataBoth,
    /// 0x8000 key derivation (intermediate keys).
    KeyDerivation,
    /// 0x8001 initial key derivation.
    InitialKey,
}

impl KeyUsage {
    /// The 16-bit usage code.
    #[must_use]
    pub const fn code(self) -> u16 {
        match self {
            Self::KeyEncryption => 0x0002,
            Self::PinEncryption => 0x1000,
            Self::MacGeneration => 0x2000,
            Self::MacVerification => 0x2001,
            Self::MacBoth => 0x2002,
            Self::DataEncrypt => 0x3000,
            Self::DataDecrypt => 0x3001,
            Self::DataBoth => 0x3002,
            Self::KeyDerivation => 0x8000,
            Self::InitialKey => 0x8001,
        }
    }
}

/// An AES DUKPT key of up to 32 bytes with its type, zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DukptKey {
    #[zeroize(skip)]
    kind: KeyType,
    bytes: [u8; 32],
}

impl core::fmt::Debug for DukptKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DukptKey").field("kind", &self.kind).finish_non_exhaustive()
    }
}

impl DukptKey {
    /// The key type.
    #[must_use]
    pub const fn key_type(&self) -> KeyType {
        self.kind
    }
    /// The key bytes (secret).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.kind.key_len()).unwrap_or(&[])
    }
    /// As a general [`Key`] (`None` for HMAC keys).
    #[must_use]
    pub fn to_key(&self) -> Option<Key> {
        self.kind.algorithm().map(|a| Key::from_array(a, &self.bytes))
    }
    fn from_aes(b: &[u8]) -> Result<Self> {
        let kind = KeyType::aes_for_len(b.len())?;
        let mut bytes = [0u8; 32];
        bytes.get_mut(..b.len()).ok_or(Error::new(ErrorKind::InvalidLength, "key"))?.copy_from_slice(b);
        Ok(Self { kind, bytes })
    }
}

macro_rules! aes_role {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Debug)]
        pub struct $name(DukptKey);

        impl $name {
            /// From 16, 24 or 32 AES key bytes.
            ///
            /// # Errors
            /// [`ErrorKind::InvalidLength`].
            pub fn from_slice(b: &[u8]) -> Result<Self> {
                DukptKey::from_aes(b).map(Self)
            }
            /// The key bytes (secret).
            #[must_use]
            pub fn as_bytes(&self) -> &[u8] {
                self.0.as_bytes()
            }
            /// The key type (AES-128/192/256).
            #[must_use]
            pub const fn key_type(&self) -> KeyType {
                self.0.kind
            }
        }
    };
}

aes_role!(
    /// AES DUKPT base derivation key (AES-128/192/256).
    Bdk
);
aes_role!(
    /// AES DUKPT initial key (IK).
    InitialKey
);
aes_role!(
    /// An intermediate derivation key; at the full counter it is the transaction key.
    DerivationKey
);

/// Derives one key: `key_type.key_len()` bytes of AES-ECB over the derivation data blocks.
/// Exactly one key expansion and one block per 128 output bits.
/// Writes the derivation data blocks into `out` and encrypts the ones the key type needs
/// under `derivation_key` (one key schedule). The first `kind.key_len()` bytes of `out` are
/// the derived key.
fn derive_into<P: CipherProvider + ?Sized>(
    p: &P,
    derivation_key: &[u8],
    usage: KeyUsage,
    kind: KeyType,
    data: &[u8; 8],
    out: &mut [[u8; 16]],
) -> Result<()> {
    let len = kind.key_len();
    let bits = u16::try_from(len.saturating_mul(8)).unwrap_or(0);
    let [u0, u1] = usage.code().to_be_bytes();
    let [a0, a1] = kind.algorithm_code().to_be_bytes();
    let [l0, l1] = bits.to_be_bytes();
    let [d0, d1, d2, d3, d4, d5, d6, d7] = *data;
    let n = if len > 16 { 2 } else { 1 };
    let out = out.get_mut(..n).unwrap_or(&mut []);
    for (i, b) in out.iter_mut().enumerate() {
        let counter = if i == 0 { 1 } else { 2 };
        *b = [0x01, counter, u0, u1, a0, a1, l0, l1, d0, d1, d2, d3, d4, d5, d6, d7];
    }
    p.aes_ecb_encrypt(derivation_key, out)
}

fn key_from(kind: KeyType, blocks: &[[u8; 16]; 2]) -> DukptKey {
    let mut out = DukptKey { kind, bytes: [0; 32] };
    let len = kind.key_len();
    if let (Some(dst), Some(src)) = (out.bytes.get_mut(..len), blocks.as_flattened().get(..len)) {
        dst.copy_from_slice(src);
    }
    out
}

/// Derives one key: `key_type.key_len()` bytes of AES-ECB over the derivation data blocks,
/// written straight into the key's own storage. Exactly one key expansion and one block per
/// 128 output bits.
fn derive<P: CipherProvider + ?Sized>(
    p: &P,
    derivation_key: &[u8],
    usage: KeyUsage,
    kind: KeyType,
    data: &[u8; 8],
) -> Result<DukptKey> {
    let mut out = DukptKey { kind, bytes: [0; 32] };
    let (blocks, _) = out.bytes.as_chunks_mut::<16>();
    derive_into(p, derivation_key, usage, kind, data, blocks)?;
    // a 24-byte key leaves the tail of its second block in bytes 24..32: clear it
    if let Some(tail) = out.bytes.get_mut(kind.key_len()..) {
        tail.fill(0);
    }
    Ok(out)
}

/// IK = derive(BDK, usage 0x8001, BDK type, initial key ID).
///
/// # Errors
/// Only for a malformed provider.
pub fn derive_initial_key<P: CipherProvider + ?Sized>(
    p: &P,
    bdk: &Bdk,
    ikid: &[u8; 8],
) -> Result<InitialKey> {
    derive(p, bdk.as_bytes(), KeyUsage::InitialKey, bdk.key_type(), ikid).map(InitialKey)
}

fn step<P: CipherProvider + ?Sized>(p: &P, key: &DukptKey, ksn: &Ksn, tc: u32) -> Result<DukptKey> {
    derive(p, key.as_bytes(), KeyUsage::KeyDerivation, key.kind, &ksn.derivation_data(tc))
}

/// Host derivation of the transaction (derivation) key from the IK: one step per set counter
/// bit, from bit 31 down to bit 0.
///
/// # Errors
/// [`ErrorKind::InvalidKsn`] for counter 0 or more than 16 one-bits.
pub fn derive_transaction_key<P: CipherProvider + ?Sized>(
    p: &P,
    ik: &InitialKey,
    ksn: &Ksn,
) -> Result<DerivationKey> {
    ksn.validate()?;
    walk(p, ik, ksn, ksn.counter())
}

/// The counter walk. Two ping-pong buffers: each step derives from one into the other, so no
/// intermediate key is copied or wiped per step; both buffers are wiped once at the end.
fn walk<P: CipherProvider + ?Sized>(p: &P, ik: &InitialKey, ksn: &Ksn, tc: u32) -> Result<DerivationKey> {
    let kind = ik.0.kind;
    let len = kind.key_len();
    let mut bufs = [[[0u8; 16]; 2]; 2];
    let [first, _] = &mut bufs;
    if let (Some(dst), Some(src)) = (first.as_flattened_mut().get_mut(..len), ik.0.bytes.get(..len)) {
        dst.copy_from_slice(src);
    }
    let mut cur = 0usize;
    let mut partial = 0u32;
    let mut bit = 1u32 << 31;
    let mut result = Ok(());
    while bit != 0 && result.is_ok() {
        if tc & bit != 0 {
            partial |= bit;
            let [a, b] = &mut bufs;
            let (src, dst) = if cur == 0 { (&*a, b) } else { (&*b, a) };
            let key = src.as_flattened().get(..len).unwrap_or(&[]);
            result = derive_into(p, key, KeyUsage::KeyDerivation, kind, &ksn.derivation_data(partial), dst);
            cur ^= 1;
        }
        bit >>= 1;
    }
    let out = result.map(|()| DerivationKey(key_from(kind, bufs.get(cur).unwrap_or(&[[0; 16]; 2]))));
    bufs.zeroize();
    out
}

/// Host derivation from the BDK (IK, then the counter walk).
///
/// # Errors
/// As [`derive_transaction_key`].
pub fn derive_transaction_key_from_bdk<P: CipherProvider + ?Sized>(
    p: &P,
    bdk: &Bdk,
    ksn: &Ksn,
) -> Result<DerivationKey> {
    ksn.validate()?;
    derive_transaction_key(p, &derive_initial_key(p, bdk, &ksn.initial_key_id())?, ksn)
}

impl DerivationKey {
    /// A working key for `usage` and `kind`, bound to `ksn` (derivation ID ‖ full counter).
    ///
    /// # Errors
    /// [`ErrorKind::KeyTooStrong`] when `kind` is stronger than this key (X9.24-3 6.1.3);
    /// [`ErrorKind::WrongAlgorithm`] for the derivation usages 0x8000/0x8001.
    pub fn working_key<P: CipherProvider + ?Sized>(
        &self,
        p: &P,
        ksn: &Ksn,
        usage: KeyUsage,
        kind: KeyType,
    ) -> Result<DukptKey> {
        if matches!(usage, KeyUsage::KeyDerivation | KeyUsage::InitialKey) {
            return Err(Error::new(ErrorKind::WrongAlgorithm, "working key usage"));
        }
        if kind.strength() > self.0.kind.strength() {
            return Err(Error::new(ErrorKind::KeyTooStrong, "working key type"));
        }
        derive(p, self.as_bytes(), usage, kind, &ksn.derivation_data(ksn.counter()))
    }
}

/// The update key (usage 0x0002) of X9.24-3: all 32 counter bits walked (counter `FFFFFFFF`,
/// which is never a transaction counter), then the key-encryption working key of `kind`.
///
/// # Errors
/// [`ErrorKind::KeyTooStrong`].
pub fn derive_update_key<P: CipherProvider + ?Sized>(
    p: &P,
    ik: &InitialKey,
    ikid: &[u8; 8],
    kind: KeyType,
) -> Result<DukptKey> {
    let ksn = Ksn::new(ikid, u32::MAX);
    walk(p, ik, &ksn, u32::MAX)?.working_key(p, &ksn, KeyUsage::KeyEncryption, kind)
}

/// Terminal side: 32 intermediate derivation-key registers, validity bitmap and the next KSN.
/// The IK is erased after loading.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Terminal {
    #[zeroize(skip)]
    ksn: Ksn,
    #[zeroize(skip)]
    kind: KeyType,
    registers: [[u8; 32]; 32],
    valid: u32,
}

impl core::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Terminal").field("ksn", &self.ksn).field("valid", &self.valid).finish_non_exhaustive()
    }
}

/// One AES DUKPT transaction: the KSN to send and its derivation key.
#[derive(Debug)]
pub struct Transaction {
    /// The KSN.
    pub ksn: Ksn,
    /// The transaction key (derive working keys from it with the same KSN).
    pub key: DerivationKey,
}

impl Terminal {
    /// Loads the IK: derives the 32 registers (32 steps) and erases the IK. First counter is 1.
    ///
    /// # Errors
    /// Only for a malformed provider.
    pub fn load<P: CipherProvider + ?Sized>(p: &P, ik: InitialKey, ikid: &[u8; 8]) -> Result<Self> {
        let base = Ksn::new(ikid, 0);
        let kind = ik.key_type();
        let mut t = Self { ksn: base.with_counter(1), kind, registers: [[0; 32]; 32], valid: 0 };
        for (i, reg) in t.registers.iter_mut().enumerate() {
            let bit = 1u32 << i;
            let k = step(p, &ik.0, &base, bit)?;
            reg.copy_from_slice(&k.bytes);
            t.valid |= bit;
        }
        drop(ik);
        Ok(t)
    }

    /// The KSN of the next transaction.
    #[must_use]
    pub const fn ksn(&self) -> &Ksn {
        &self.ksn
    }

    /// True when no counter is left.
    #[must_use]
    pub const fn is_exhausted(&self) -> bool {
        self.ksn.counter() == 0
    }

    /// Returns the current transaction key and advances (regenerating lower registers when the
    /// counter has fewer than 16 one-bits, erasing the used register).
    ///
    /// # Errors
    /// [`ErrorKind::Exhausted`], [`ErrorKind::CorruptState`].
    pub fn next_transaction<P: CipherProvider + ?Sized>(&mut self, p: &P) -> Result<Transaction> {
        let tc = self.ksn.counter();
        let (kind, ksn) = (self.kind, self.ksn);
        let bytes = take_register(&mut self.registers, &mut self.valid, tc, MAX_ONES, |cur, t| {
            step(p, &DukptKey { kind, bytes: *cur }, &ksn, t).map(|k| k.bytes)
        })?;
        let current = DukptKey { kind, bytes };
        let used = self.ksn;
        self.ksn = self.ksn.with_counter(next_counter(tc, MAX_ONES, MAX_COUNTER).unwrap_or(0));
        Ok(Transaction { ksn: used, key: DerivationKey(current) })
    }

    pub(crate) const fn parts(&self) -> (&Ksn, KeyType, &[[u8; 32]; 32], u32) {
        (&self.ksn, self.kind, &self.registers, self.valid)
    }

    pub(crate) const fn from_parts(ksn: Ksn, kind: KeyType, registers: [[u8; 32]; 32], valid: u32) -> Self {
        Self { ksn, kind, registers, valid }
    }
}
