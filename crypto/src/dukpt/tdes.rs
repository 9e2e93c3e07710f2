//! TDES DUKPT (ANSI X9.24-1:2009 Annex A).
//!
//! - KSN: 80 bits = 59-bit initial KSN ‖ 21-bit transaction counter (TC). Valid TC: 1…0x1FF800
//!   with at most 10 one-bits.
//! - Host: [`derive_ipek`], [`derive_transaction_key`] (from the IPEK) or
//!   [`derive_transaction_key_from_bdk`]; then [`TransactionKey::working_key`] for a variant.
//! - Terminal: [`Terminal`], the 21-register future-key mechanism.

use super::{next_counter, take_register, validate_counter};
use crate::cipher::{BlockCipher, CipherProvider};
use crate::error::{Error, ErrorKind, Result};
use crate::key::{Algorithm, Key};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Number of transaction-counter bits.
pub const COUNTER_BITS: u32 = 21;
/// Mask of the transaction counter in the KSN's rightmost 64 bits.
pub const COUNTER_MASK: u32 = 0x1F_FFFF;
/// Largest valid counter (10 one-bits, the highest ones).
pub const MAX_COUNTER: u32 = 0x1F_F800;
/// Maximum number of one-bits in a valid counter.
pub const MAX_ONES: u32 = 10;

const KEY_MASK: [u8; 16] = [0xC0, 0xC0, 0xC0, 0xC0, 0, 0, 0, 0, 0xC0, 0xC0, 0xC0, 0xC0, 0, 0, 0, 0];

/// A 10-byte TDES key serial number.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ksn([u8; 10]);

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
    /// Parses a 10-byte KSN, or the 8-byte form with the `FFFF` key-set prefix stripped (left-padded
    /// with `FF FF`). No counter validation (see [`Ksn::validate`]).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKsn`] for any other length.
    pub fn from_bytes(b: &[u8]) -> Result<Self> {
        let mut k = [0xFFu8; 10];
        match b.len() {
            10 => k.copy_from_slice(b),
            8 => k.get_mut(2..).ok_or(Error::new(ErrorKind::InvalidKsn, "ksn"))?.copy_from_slice(b),
            n => return Err(Error::at(ErrorKind::InvalidKsn, "ksn length", n)),
        }
        Ok(Self(k))
    }

    /// The 10 bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 10] {
        &self.0
    }

    /// The 21-bit transaction counter.
    #[must_use]
    pub fn counter(&self) -> u32 {
        let [.., a, b, c] = self.0;
        u32::from_be_bytes([0, a, b, c]) & COUNTER_MASK
    }

    /// This KSN with the counter replaced by `tc & COUNTER_MASK`.
    #[must_use]
    pub fn with_counter(&self, tc: u32) -> Self {
        let mut k = self.0;
        let [_, a, b, c] = (tc & COUNTER_MASK).to_be_bytes();
        let [.., x, y, z] = &mut k;
        *x = (*x & 0xE0) | a;
        *y = b;
        *z = c;
        Self(k)
    }

    /// Checks the counter: not zero, at most 10 one-bits.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKsn`] (offset = the counter value).
    pub fn validate(&self) -> Result<()> {
        validate_counter(self.counter(), MAX_ONES, "ksn counter has more than 10 one-bits")
    }

    /// The next KSN a terminal would use (skipping counters with more than 10 one-bits).
    ///
    /// # Errors
    /// [`ErrorKind::Exhausted`] after the last valid counter `0x1FF800`.
    pub fn next(&self) -> Result<Self> {
        next_counter(self.counter(), MAX_ONES, MAX_COUNTER)
            .map(|t| self.with_counter(t))
            .ok_or(Error::new(ErrorKind::Exhausted, "ksn counter"))
    }

    /// Rightmost 8 bytes (the KSN register used in key derivation).
    fn right8(&self) -> [u8; 8] {
        let mut r = [0u8; 8];
        r.copy_from_slice(self.0.get(2..).unwrap_or(&[0; 8]));
        r
    }
}

macro_rules! secret16 {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Zeroize, ZeroizeOnDrop)]
        pub struct $name([u8; 16]);

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "(..)"))
            }
        }

        impl $name {
            /// From 16 key bytes.
            #[must_use]
            pub const fn new(bytes: [u8; 16]) -> Self {
                Self(bytes)
            }

            /// From a 16-byte slice.
            ///
            /// # Errors
            /// [`ErrorKind::InvalidLength`].
            pub fn from_slice(b: &[u8]) -> Result<Self> {
                b.try_into().map(Self).map_err(|_| Error::at(ErrorKind::InvalidLength, stringify!($name), b.len()))
            }

            /// The key bytes (secret).
            #[must_use]
            pub const fn as_bytes(&self) -> &[u8; 16] {
                &self.0
            }

            /// As a general two-key TDES [`Key`].
            #[must_use]
            pub fn to_key(&self) -> Key {
                Key::from_array(Algorithm::Tdes2, &self.0)
            }
        }
    };
}

secret16!(
    /// TDES base derivation key (two-key TDES).
    Bdk
);
secret16!(
    /// TDES initial key (IPEK).
    InitialKey
);
secret16!(
    /// TDES transaction ("current") key, before any variant.
    TransactionKey
);

/// TDES DUKPT key variant (X9.24-1 A.6, with the X9.24-1:2009 data one-way step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Variant {
    /// PIN encryption: `00000000000000FF00000000000000FF`.
    Pin,
    /// MAC, request: `000000000000FF00000000000000FF00`.
    MacRequest,
    /// MAC, response: `00000000FF00000000000000FF000000`.
    MacResponse,
    /// Data encryption, request: `0000000000FF00000000000000FF0000` then the one-way step.
    DataRequest,
    /// Data encryption, response: `000000FF00000000000000FF00000000` then the one-way step.
    DataResponse,
}

impl Variant {
    const fn mask_byte(self) -> usize {
        match self {
            Self::Pin => 7,
            Self::MacRequest => 6,
            Self::MacResponse => 4,
            Self::DataRequest => 5,
            Self::DataResponse => 3,
        }
    }
}

/// A TDES DUKPT working key with its variant (usage).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct WorkingKey {
    #[zeroize(skip)]
    variant: Variant,
    key: [u8; 16],
}

impl core::fmt::Debug for WorkingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WorkingKey").field("variant", &self.variant).finish_non_exhaustive()
    }
}

impl WorkingKey {
    /// The variant.
    #[must_use]
    pub const fn variant(&self) -> Variant {
        self.variant
    }
    /// The key bytes (secret).
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.key
    }
    /// As a general two-key TDES [`Key`].
    #[must_use]
    pub fn to_key(&self) -> Key {
        TransactionKey(self.key).to_key()
    }
}

fn halves(k: &[u8; 16]) -> ([u8; 8], [u8; 8]) {
    let mut l = [0u8; 8];
    let mut r = [0u8; 8];
    l.copy_from_slice(k.get(..8).unwrap_or(&[0; 8]));
    r.copy_from_slice(k.get(8..).unwrap_or(&[0; 8]));
    (l, r)
}

fn xor8(a: &mut [u8; 8], b: &[u8; 8]) {
    crate::cipher::xor_in_place(a, b);
}

/// Non-reversible key generation: two single-DES key schedules and two DES blocks.
fn nrkg<P: CipherProvider + ?Sized>(p: &P, key: &mut [u8; 16], ksn_reg: &[u8; 8]) {
    let (kl, kr) = halves(key);
    let mut cr2 = *ksn_reg;
    xor8(&mut cr2, &kr);
    p.des(&kl).encrypt_block(&mut cr2);
    xor8(&mut cr2, &kr);
    crate::cipher::xor_in_place(key, &KEY_MASK);
    let (mut kl2, mut kr2) = halves(key);
    let mut cr1 = *ksn_reg;
    xor8(&mut cr1, &kr2);
    p.des(&kl2).encrypt_block(&mut cr1);
    xor8(&mut cr1, &kr2);
    if let Some(l) = key.get_mut(..8) {
        l.copy_from_slice(&cr1);
    }
    if let Some(r) = key.get_mut(8..) {
        r.copy_from_slice(&cr2);
    }
    kl2.zeroize();
    kr2.zeroize();
    cr1.zeroize();
    cr2.zeroize();
}

/// IPEK = TDES2(BDK) applied to KSN₈ ‖ TDES2(BDK ⊕ C0C0C0C000000000C0C0C0C000000000) applied to KSN₈, where KSN₈ is
/// the left 8 bytes of the KSN with the counter bits cleared. Two TDES key schedules.
#[must_use]
pub fn derive_ipek<P: CipherProvider + ?Sized>(p: &P, bdk: &Bdk, ksn: &Ksn) -> InitialKey {
    let mut ksn8 = [0u8; 8];
    ksn8.copy_from_slice(ksn.with_counter(0).0.get(..8).unwrap_or(&[0; 8]));
    let mut left = ksn8;
    p.tdes2(&bdk.0).encrypt_block(&mut left);
    let mut masked = bdk.0;
    crate::cipher::xor_in_place(&mut masked, &KEY_MASK);
    let mut right = ksn8;
    p.tdes2(&masked).encrypt_block(&mut right);
    masked.zeroize();
    let mut ik = [0u8; 16];
    ik.get_mut(..8).unwrap_or(&mut []).copy_from_slice(&left);
    ik.get_mut(8..).unwrap_or(&mut []).copy_from_slice(&right);
    left.zeroize();
    right.zeroize();
    InitialKey(ik)
}

/// Host derivation of the transaction key for `ksn` from the IPEK: one NRKG per set counter bit,
/// from bit 20 down to bit 0.
///
/// # Errors
/// [`ErrorKind::InvalidKsn`] for counter 0 or more than 10 one-bits.
pub fn derive_transaction_key<P: CipherProvider + ?Sized>(
    p: &P,
    ik: &InitialKey,
    ksn: &Ksn,
) -> Result<TransactionKey> {
    ksn.validate()?;
    let tc = ksn.counter();
    let mut reg = ksn.with_counter(0);
    let mut key = TransactionKey(ik.0);
    let mut bit = 1u32 << (COUNTER_BITS - 1);
    while bit != 0 {
        if tc & bit != 0 {
            reg = reg.with_counter(reg.counter() | bit);
            nrkg(p, &mut key.0, &reg.right8());
        }
        bit >>= 1;
    }
    Ok(key)
}

/// Host derivation of the transaction key directly from the BDK (IPEK, then the counter walk).
///
/// # Errors
/// As [`derive_transaction_key`].
pub fn derive_transaction_key_from_bdk<P: CipherProvider + ?Sized>(
    p: &P,
    bdk: &Bdk,
    ksn: &Ksn,
) -> Result<TransactionKey> {
    ksn.validate()?;
    derive_transaction_key(p, &derive_ipek(p, bdk, ksn), ksn)
}

impl TransactionKey {
    /// The working key for `variant`: XOR with the variant mask; data variants add the one-way
    /// step DK = TDES2(V) of V_L ‖ TDES2(V) of V_R (one TDES key schedule, two blocks).
    #[must_use]
    pub fn working_key<P: CipherProvider + ?Sized>(&self, p: &P, variant: Variant) -> WorkingKey {
        let mut k = self.0;
        let i = variant.mask_byte();
        for j in [i, i.saturating_add(8)] {
            if let Some(b) = k.get_mut(j) {
                *b ^= 0xFF;
            }
        }
        if matches!(variant, Variant::DataRequest | Variant::DataResponse) {
            let c = p.tdes2(&k);
            let (mut l, mut r) = halves(&k);
            c.encrypt_block(&mut l);
            c.encrypt_block(&mut r);
            k.get_mut(..8).unwrap_or(&mut []).copy_from_slice(&l);
            k.get_mut(8..).unwrap_or(&mut []).copy_from_slice(&r);
            l.zeroize();
            r.zeroize();
        }
        WorkingKey { variant, key: k }
    }
}

/// The terminal ("originating SCD") side: 21 future-key registers, one per counter bit, a
/// validity bitmap and the KSN of the next transaction. The initial key is erased after loading.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Terminal {
    #[zeroize(skip)]
    ksn: Ksn,
    registers: [[u8; 16]; 21],
    valid: u32,
}

impl core::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Terminal").field("ksn", &self.ksn).field("valid", &self.valid).finish_non_exhaustive()
    }
}

/// What a terminal hands out for one transaction: the KSN to send and its transaction key.
#[derive(Debug)]
pub struct Transaction {
    /// The KSN to send with this transaction.
    pub ksn: Ksn,
    /// The transaction key (derive working keys from it).
    pub key: TransactionKey,
}

impl Terminal {
    /// Loads the initial key: derives the 21 future keys (21 NRKG) and erases `ik`.
    /// The first transaction uses counter 1.
    pub fn load<P: CipherProvider + ?Sized>(p: &P, mut ik: InitialKey, iksn: &Ksn) -> Self {
        let base = iksn.with_counter(0);
        let mut t = Self { ksn: base.with_counter(1), registers: [[0; 16]; 21], valid: 0 };
        for (i, reg) in t.registers.iter_mut().enumerate() {
            let bit = 1u32 << i;
            *reg = ik.0;
            nrkg(p, reg, &base.with_counter(bit).right8());
            t.valid |= bit;
        }
        ik.zeroize();
        t
    }

    /// The KSN the next transaction will use.
    #[must_use]
    pub const fn ksn(&self) -> &Ksn {
        &self.ksn
    }

    /// Validity bitmap of the future-key registers (bit i = register for counter bit i).
    #[must_use]
    pub const fn valid_registers(&self) -> u32 {
        self.valid
    }

    /// Returns the key for the current KSN and advances: regenerates the registers below the
    /// current bit (when the counter has fewer than 10 one-bits), erases the used register and
    /// moves to the next valid counter. After the last counter the terminal is exhausted.
    ///
    /// # Errors
    /// [`ErrorKind::Exhausted`]; [`ErrorKind::CorruptState`] when the register is marked invalid.
    pub fn next_transaction<P: CipherProvider + ?Sized>(&mut self, p: &P) -> Result<Transaction> {
        let tc = self.ksn.counter();
        let ksn = self.ksn;
        let current = take_register(&mut self.registers, &mut self.valid, tc, MAX_ONES, |cur, t| {
            let mut reg = *cur;
            nrkg(p, &mut reg, &ksn.with_counter(t).right8());
            Ok(reg)
        })?;
        let used = self.ksn;
        self.ksn = self.ksn.with_counter(next_counter(tc, MAX_ONES, MAX_COUNTER).unwrap_or(0));
        Ok(Transaction { ksn: used, key: TransactionKey(current) })
    }

    /// True when no counter is left.
    #[must_use]
    pub fn is_exhausted(&self) -> bool {
        self.ksn.counter() == 0
    }

    pub(crate) const fn parts(&self) -> (&Ksn, &[[u8; 16]; 21], u32) {
        (&self.ksn, &self.registers, self.valid)
    }

    pub(crate) const fn from_parts(ksn: Ksn, registers: [[u8; 16]; 21], valid: u32) -> Self {
        Self { ksn, registers, valid }
    }
}
