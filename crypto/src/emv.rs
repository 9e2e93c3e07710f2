//! EMV card cryptography on the issuer / acquirer side (EMV 4.4 Book 2 Annex A1.3–A1.4, §8.1–8.2):
//! ICC master key derivation (options A and B), session keys (EMV common session key, Mastercard
//! SKD, Visa secure messaging), application cryptograms (ARQC/TC/AAC) with the data layouts of Visa
//! CVN 10/18/22 and Mastercard CVN 16, ARPC methods 1 and 2, and constant-time verification.
//!
//! Everything here is a plain function over [`Key`]s; [`EmvHsm`] offers the same ARQC verification
//! and ARPC generation over HSM key handles (implemented by [`crate::hsm::SoftHsm`]).
//!
//! Sources: EMV 4.4 Book 2 Annex A1.3 (session keys), A1.4.1/A1.4.2 (master key options A/B),
//! §8.1.2 (AC over CDOL data with ISO/IEC 9797-1 MAC algorithm 3), §8.2.1/8.2.2 (ARPC methods);
//! the CVN data layouts and the choice of key per CVN follow pyemv `cvn.py` (MIT), whose
//! HSM-verified vectors (crypto.md §4.8) are the acceptance tests.
//!
//! ## Choices between two readings
//!
//! - **Keys are two-key TDES only** (16 bytes): issuer and ICC master keys, session keys. Other
//!   algorithms are refused with [`ErrorKind::WrongAlgorithm`].
//! - **Derived keys get odd DES parity** (ICC master keys and every session key), as pyemv and the
//!   HSMs it was checked against do; Book 2 leaves parity adjustment to the implementation. Parity
//!   never changes a DES result, so cryptograms are the same either way.
//! - **PAN** is given as 1–19 ASCII digits (the `5A` value without its `F` filler); **PSN** as the
//!   `5F34` byte (BCD, e.g. `0x45`); an absent PSN counts as `00` (Book 2 A1.4.1).
//! - **Option B for a PAN of 16 digits or fewer is option A** (Book 2 A1.4.2 applies B only "if
//!   the PAN is longer than 16 digits"; pyemv does the same).
//! - **Option B decimalisation:** the digits 0–9 of the SHA-1 digest in order; if fewer than 16,
//!   then the digest's letters A–F in order, each mapped to 0–5.
//! - **CVN 10 / Mastercard CVN 16 MAC the CVR, not the whole IAD:** CVN 10 takes IAD bytes 4–7
//!   (Visa IAD: length, DKI, CVN, then the 4-byte CVR whose first byte is its length `03`);
//!   Mastercard CVN 16 takes IAD bytes 3–8 (DKI, CVN, then the 6-byte CVR). CVN 18 and 22 MAC the
//!   **whole** `9F10` value (jPOS PR #614, jmeter-iso8583 #30).
//! - **Padding:** method 1 for CVN 10 ("Visa padding"), method 2 for CVN 18, 22 and 16.
//! - **Keys per CVN** (pyemv): CVN 10 — option A, no session key, ARPC method 1 with the ICC MK;
//!   CVN 18 / 22 — option B, common session key with R = ATC ‖ 00×6, ARPC method 2 with that
//!   session key; Mastercard CVN 16 — option A, SKD with R = ATC ‖ 00 00 ‖ UN, ARPC method 1 with
//!   the ICC MK.
//! - **ARPC method 2 proprietary authentication data:** 0–8 bytes (Book 2 §8.2.2).

use crate::cipher::{BlockCipher, CipherProvider, Soft};
use crate::error::{Error, ErrorKind, Result};
use crate::hsm::KeyHandle;
use crate::key::{Algorithm, Key, fix_odd_parity};
use crate::mac::{self, MacTag, Padding};
use sha1::{Digest, Sha1};
use zeroize::Zeroize;

/// The card's identity for master key derivation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Card<'a> {
    /// Application PAN (`5A`) as 1–19 ASCII digits.
    pub pan: &'a [u8],
    /// PAN Sequence Number (`5F34`) as its BCD byte; `None` counts as `00`.
    pub psn: Option<u8>,
}

impl core::fmt::Debug for Card<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The PAN is cardholder data: never printed.
        f.debug_struct("Card").field("pan_len", &self.pan.len()).finish_non_exhaustive()
    }
}

/// The PAN ‖ PSN digits (values 0–9) and their count.
fn pan_psn_digits(card: &Card<'_>) -> Result<([u8; 21], usize)> {
    let pan = card.pan;
    if pan.is_empty() || pan.len() > 19 || !pan.iter().all(u8::is_ascii_digit) {
        return Err(Error::at(ErrorKind::InvalidPan, "pan", pan.len()));
    }
    let psn = card.psn.unwrap_or(0);
    let (hi, lo) = (psn >> 4, psn & 0x0F);
    if hi > 9 || lo > 9 {
        return Err(Error::new(ErrorKind::InvalidCharacter, "psn"));
    }
    let mut d = [0u8; 21];
    for (dst, src) in d.iter_mut().zip(pan) {
        *dst = src & 0x0F;
    }
    let tail = d.get_mut(pan.len()..).ok_or(Error::new(ErrorKind::InvalidPan, "pan"))?;
    if let [a, b, ..] = tail {
        *a = hi;
        *b = lo;
    }
    Ok((d, pan.len().saturating_add(2)))
}

/// Packs digits (values 0–9, even count) into BCD bytes.
fn pack_bcd(digits: &[u8], out: &mut [u8]) {
    for (o, pair) in out.iter_mut().zip(digits.chunks(2)) {
        let hi = pair.first().copied().unwrap_or(0);
        let lo = pair.get(1).copied().unwrap_or(0);
        *o = (hi << 4) | lo;
    }
}

fn tdes2_array(key: &Key, what: &'static str) -> Result<[u8; 16]> {
    if key.algorithm() != Algorithm::Tdes2 {
        return Err(Error::new(ErrorKind::WrongAlgorithm, what));
    }
    key.as_bytes().try_into().map_err(|_| Error::new(ErrorKind::InvalidLength, what))
}

/// TDES2(key)\[a\] ‖ TDES2(key)\[b\], parity-adjusted, as a new key.
fn encrypt_pair(key: &Key, what: &'static str, a: [u8; 8], b: [u8; 8]) -> Result<Key> {
    let mut k = tdes2_array(key, what)?;
    let c = Soft.tdes2(&k);
    k.zeroize();
    let mut out = [0u8; 16];
    let (l, r) = out.split_at_mut(8);
    let (mut x, mut y) = (a, b);
    c.encrypt_block(&mut x);
    c.encrypt_block(&mut y);
    l.copy_from_slice(&x);
    r.copy_from_slice(&y);
    x.zeroize();
    y.zeroize();
    fix_odd_parity(&mut out);
    let key = Key::new(Algorithm::Tdes2, &out);
    out.zeroize();
    key
}

fn derive_from_y(imk: &Key, y: [u8; 8]) -> Result<Key> {
    let mut ny = y;
    for b in &mut ny {
        *b ^= 0xFF;
    }
    encrypt_pair(imk, "issuer master key", y, ny)
}

/// ICC master key, option A (Book 2 A1.4.1): Y = rightmost 16 digits of PAN ‖ PSN (left-padded
/// with zeros); MK = TDES2(IMK)\[Y\] ‖ TDES2(IMK)\[Y ⊕ FF…FF\], odd parity.
///
/// # Errors
/// [`ErrorKind::InvalidPan`], [`ErrorKind::InvalidCharacter`] (PSN not BCD),
/// [`ErrorKind::WrongAlgorithm`] unless `imk` is two-key TDES.
pub fn derive_icc_mk_a(imk: &Key, card: &Card<'_>) -> Result<Key> {
    let (d, n) = pan_psn_digits(card)?;
    let src = d.get(n.saturating_sub(16)..n).ok_or(Error::new(ErrorKind::InvalidPan, "pan"))?;
    let mut y16 = [0u8; 16];
    let at = 16usize.saturating_sub(src.len());
    if let Some(dst) = y16.get_mut(at..) {
        for (o, s) in dst.iter_mut().zip(src) {
            *o = *s;
        }
    }
    let mut y = [0u8; 8];
    pack_bcd(&y16, &mut y);
    derive_from_y(imk, y)
}

/// ICC master key, option B (Book 2 A1.4.2): for a PAN of more than 16 digits, SHA-1 over the
/// BCD of PAN ‖ PSN (a leading `0` when the digit count is odd), decimalised to 16 digits → Y,
/// then as option A. A PAN of 16 digits or fewer uses option A.
///
/// # Errors
/// As [`derive_icc_mk_a`].
pub fn derive_icc_mk_b(imk: &Key, card: &Card<'_>) -> Result<Key> {
    if card.pan.len() <= 16 {
        return derive_icc_mk_a(imk, card);
    }
    let (d, n) = pan_psn_digits(card)?;
    let digits = d.get(..n).ok_or(Error::new(ErrorKind::InvalidPan, "pan"))?;
    // Left-pad to an even count: at most 22 digits → 11 bytes.
    let mut padded = [0u8; 22];
    let start = usize::from(n % 2 == 1);
    let dst = padded
        .get_mut(start..)
        .and_then(|d| d.get_mut(..digits.len()))
        .ok_or(Error::new(ErrorKind::InvalidPan, "pan"))?;
    dst.copy_from_slice(digits);
    let total = start.saturating_add(n);
    let mut bcd = [0u8; 11];
    let nbytes = total / 2;
    let bcd_used = bcd.get_mut(..nbytes).ok_or(Error::new(ErrorKind::InvalidPan, "pan"))?;
    pack_bcd(padded.get(..total).unwrap_or(&[]), bcd_used);
    let digest = Sha1::digest(&*bcd_used);
    let mut y16 = [0u8; 16];
    let mut k = 0usize;
    for v in digest.iter().flat_map(|b| [b >> 4, b & 0x0F]).filter(|v| *v <= 9) {
        if let Some(o) = y16.get_mut(k) {
            *o = v;
            k = k.saturating_add(1);
        }
    }
    for v in digest.iter().flat_map(|b| [b >> 4, b & 0x0F]).filter(|v| *v > 9) {
        if let Some(o) = y16.get_mut(k) {
            *o = v.saturating_sub(10);
            k = k.saturating_add(1);
        }
    }
    let mut y = [0u8; 8];
    pack_bcd(&y16, &mut y);
    derive_from_y(imk, y)
}

/// Which master key derivation a scheme uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MkDerivation {
    /// Option A (Book 2 A1.4.1).
    OptionA,
    /// Option B (Book 2 A1.4.2).
    OptionB,
}

/// ICC master key by the given option.
///
/// # Errors
/// As [`derive_icc_mk_a`].
pub fn derive_icc_mk(imk: &Key, option: MkDerivation, card: &Card<'_>) -> Result<Key> {
    match option {
        MkDerivation::OptionA => derive_icc_mk_a(imk, card),
        MkDerivation::OptionB => derive_icc_mk_b(imk, card),
    }
}

/// EMV common session key (Book 2 A1.3.1): SK = TDES2(MK)\[R with byte 3 = `F0`\] ‖
/// TDES2(MK)\[R with byte 3 = `0F`\], odd parity.
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] unless `mk` is two-key TDES.
pub fn common_session_key(mk: &Key, r: &[u8; 8]) -> Result<Key> {
    let (mut a, mut b) = (*r, *r);
    if let (Some(x), Some(y)) = (a.get_mut(2), b.get_mut(2)) {
        *x = 0xF0;
        *y = 0x0F;
    }
    encrypt_pair(mk, "icc master key", a, b)
}

/// R = ATC ‖ 00×6 (Visa CVN 18/22, Mastercard CVN 20/21).
#[must_use]
pub fn r_atc(atc: [u8; 2]) -> [u8; 8] {
    let [a, b] = atc;
    [a, b, 0, 0, 0, 0, 0, 0]
}

/// R = ATC ‖ 00 00 ‖ UN (Mastercard SKD, CVN 16/17).
#[must_use]
pub fn r_mastercard(atc: [u8; 2], un: [u8; 4]) -> [u8; 8] {
    let [a, b] = atc;
    let [u0, u1, u2, u3] = un;
    [a, b, 0, 0, u0, u1, u2, u3]
}

/// Mastercard SKD session key: the common session key with R = ATC ‖ 00 00 ‖ UN.
///
/// # Errors
/// As [`common_session_key`].
pub fn mastercard_session_key(mk: &Key, atc: [u8; 2], un: [u8; 4]) -> Result<Key> {
    common_session_key(mk, &r_mastercard(atc, un))
}

/// Visa secure-messaging session key: SK_L = MK_L ⊕ (00×6 ‖ ATC), SK_R = MK_R ⊕ (00×6 ‖ ¬ATC),
/// odd parity.
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] unless `mk` is two-key TDES.
pub fn visa_sm_session_key(mk: &Key, atc: [u8; 2]) -> Result<Key> {
    let mut k = tdes2_array(mk, "icc master key")?;
    let [a, b] = atc;
    for (i, v) in [(6usize, a), (7, b), (14, !a), (15, !b)] {
        if let Some(x) = k.get_mut(i) {
            *x ^= v;
        }
    }
    fix_odd_parity(&mut k);
    let key = Key::new(Algorithm::Tdes2, &k);
    k.zeroize();
    key
}

/// An application cryptogram (ARQC, TC or AAC): ISO/IEC 9797-1 MAC algorithm 3 with the session
/// key (or, for CVN 10, the ICC master key) over `data` with `padding`.
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] unless `sk` is two-key TDES.
pub fn generate_ac(sk: &Key, padding: Padding, data: &[u8]) -> Result<[u8; 8]> {
    let tag = mac::iso9797_1_alg3(sk, padding, data)?;
    tag.as_bytes().try_into().map_err(|_| Error::new(ErrorKind::InvalidLength, "cryptogram"))
}

/// Verifies a received cryptogram in constant time.
///
/// # Errors
/// [`ErrorKind::VerificationFailed`] on a mismatch (or a received value not 8 bytes long).
pub fn verify_ac(sk: &Key, padding: Padding, data: &[u8], received: &[u8]) -> Result<()> {
    MacTag::from_slice(&generate_ac(sk, padding, data)?)?
        .verify(received)
        .map_err(|_| Error::new(ErrorKind::VerificationFailed, "cryptogram"))
}

/// ARPC method 1 (Book 2 §8.2.1): TDES2(key)\[ARQC ⊕ (ARC ‖ 00×6)\], 8 bytes. `key` is the ICC
/// master key or the session key, as the scheme says.
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] unless `key` is two-key TDES.
pub fn arpc_method1(key: &Key, arqc: &[u8; 8], arc: &[u8; 2]) -> Result<[u8; 8]> {
    let mut k = tdes2_array(key, "arpc key")?;
    let c = Soft.tdes2(&k);
    k.zeroize();
    let mut x = *arqc;
    for (d, s) in x.iter_mut().zip(arc) {
        *d ^= *s;
    }
    c.encrypt_block(&mut x);
    Ok(x)
}

/// ARPC method 2 (Book 2 §8.2.2): the leftmost 4 bytes of ISO/IEC 9797-1 MAC algorithm 3
/// (padding method 2) with the session key over ARQC ‖ CSU ‖ proprietary authentication data
/// (0–8 bytes).
///
/// # Errors
/// [`ErrorKind::InvalidLength`] for more than 8 bytes of proprietary data;
/// [`ErrorKind::WrongAlgorithm`].
pub fn arpc_method2(sk: &Key, arqc: &[u8; 8], csu: &[u8; 4], proprietary: &[u8]) -> Result<[u8; 4]> {
    if proprietary.len() > 8 {
        return Err(Error::at(
            ErrorKind::InvalidLength,
            "proprietary authentication data",
            proprietary.len(),
        ));
    }
    let mut buf = [0u8; 20];
    let n = 12usize.saturating_add(proprietary.len());
    let (a, rest) = buf.split_at_mut(8);
    a.copy_from_slice(arqc);
    let (c, p) = rest.split_at_mut(4);
    c.copy_from_slice(csu);
    p.get_mut(..proprietary.len())
        .ok_or(Error::new(ErrorKind::InvalidLength, "proprietary authentication data"))?
        .copy_from_slice(proprietary);
    let tag = mac::iso9797_1_alg3(sk, Padding::Method2, buf.get(..n).unwrap_or(&[]))?;
    let mut out = [0u8; 4];
    out.copy_from_slice(tag.as_bytes().get(..4).ok_or(Error::new(ErrorKind::InvalidLength, "arpc"))?);
    Ok(out)
}

/// Cryptogram version numbers with a defined data layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cvn {
    /// Visa CVN 10 (`0A`): ICC MK as AC key, padding 1, CVR.
    Visa10,
    /// Visa CVN 18 (`12`): common session key, padding 2, full IAD.
    Visa18,
    /// Visa CVN 22 (`22` decimal, `16`): as CVN 18 for the cryptogram.
    Visa22,
    /// Mastercard CVN 16 (`10`): SKD session key, padding 2, CVR.
    Mastercard16,
}

/// How the issuer answers with an ARPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArpcMethod {
    /// Method 1 (ARC).
    Method1,
    /// Method 2 (CSU + proprietary data).
    Method2,
}

impl Cvn {
    /// The padding method of the cryptogram data.
    #[must_use]
    pub const fn padding(self) -> Padding {
        match self {
            Self::Visa10 => Padding::Method1,
            Self::Visa18 | Self::Visa22 | Self::Mastercard16 => Padding::Method2,
        }
    }

    /// The ICC master key derivation option.
    #[must_use]
    pub const fn mk_derivation(self) -> MkDerivation {
        match self {
            Self::Visa10 | Self::Mastercard16 => MkDerivation::OptionA,
            Self::Visa18 | Self::Visa22 => MkDerivation::OptionB,
        }
    }

    /// The ARPC method.
    #[must_use]
    pub const fn arpc_method(self) -> ArpcMethod {
        match self {
            Self::Visa10 | Self::Mastercard16 => ArpcMethod::Method1,
            Self::Visa18 | Self::Visa22 => ArpcMethod::Method2,
        }
    }

    /// The AC session key from the ICC master key (CVN 10: the master key itself).
    ///
    /// # Errors
    /// [`ErrorKind::WrongAlgorithm`].
    pub fn ac_session_key(self, icc_mk: &Key, atc: [u8; 2], un: [u8; 4]) -> Result<Key> {
        match self {
            Self::Visa10 => {
                tdes2_array(icc_mk, "icc master key")?;
                Ok(icc_mk.clone())
            }
            Self::Visa18 | Self::Visa22 => common_session_key(icc_mk, &r_atc(atc)),
            Self::Mastercard16 => mastercard_session_key(icc_mk, atc, un),
        }
    }
}

/// The terminal and card data an ARQC covers (the common CDOL1 subset), plus the IAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CryptogramData<'a> {
    /// Amount, Authorised `9F02` (n12).
    pub amount_authorised: [u8; 6],
    /// Amount, Other `9F03` (n12).
    pub amount_other: [u8; 6],
    /// Terminal Country Code `9F1A`.
    pub terminal_country: [u8; 2],
    /// TVR `95`.
    pub tvr: [u8; 5],
    /// Transaction Currency Code `5F2A`.
    pub currency: [u8; 2],
    /// Transaction Date `9A` (YYMMDD).
    pub date: [u8; 3],
    /// Transaction Type `9C`.
    pub transaction_type: u8,
    /// Unpredictable Number `9F37`.
    pub unpredictable_number: [u8; 4],
    /// AIP `82`.
    pub aip: [u8; 2],
    /// ATC `9F36`.
    pub atc: [u8; 2],
    /// The full Issuer Application Data `9F10` value (at most 32 bytes).
    pub iad: &'a [u8],
}

/// Longest cryptogram input: 33 bytes of terminal data plus a 32-byte IAD.
pub const MAX_CRYPTOGRAM_INPUT: usize = 65;

impl CryptogramData<'_> {
    /// Writes the cryptogram input of `cvn` into `out`: 9F02 ‖ 9F03 ‖ 9F1A ‖ 95 ‖ 5F2A ‖ 9A ‖ 9C ‖
    /// 9F37 ‖ 82 ‖ 9F36 ‖ (CVR or full IAD, see the module docs). Returns the length.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`] for an IAD too short for the CVN's CVR or longer than 32
    /// bytes; [`ErrorKind::BufferTooSmall`].
    pub fn write(&self, cvn: Cvn, out: &mut [u8]) -> Result<usize> {
        if self.iad.len() > 32 {
            return Err(Error::at(ErrorKind::InvalidLength, "iad", self.iad.len()));
        }
        let tail = match cvn {
            Cvn::Visa10 => self.iad.get(3..7),
            Cvn::Mastercard16 => self.iad.get(2..8),
            Cvn::Visa18 | Cvn::Visa22 => Some(self.iad),
        }
        .ok_or(Error::at(ErrorKind::InvalidLength, "iad", self.iad.len()))?;
        let tt = [self.transaction_type];
        let parts: [&[u8]; 11] = [
            &self.amount_authorised,
            &self.amount_other,
            &self.terminal_country,
            &self.tvr,
            &self.currency,
            &self.date,
            &tt,
            &self.unpredictable_number,
            &self.aip,
            &self.atc,
            tail,
        ];
        let mut n = 0usize;
        for p in parts {
            let end = n.saturating_add(p.len());
            out.get_mut(n..)
                .and_then(|d| d.get_mut(..p.len()))
                .ok_or(Error::at(ErrorKind::BufferTooSmall, "cryptogram input", end))?
                .copy_from_slice(p);
            n = end;
        }
        Ok(n)
    }
}

/// The issuer's answer data for the ARPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArpcInput<'a> {
    /// Method 1: the Authorisation Response Code (2 bytes).
    Method1 {
        /// ARC.
        arc: [u8; 2],
    },
    /// Method 2: Card Status Update and 0–8 bytes of proprietary authentication data.
    Method2 {
        /// CSU.
        csu: [u8; 4],
        /// Proprietary authentication data.
        proprietary: &'a [u8],
    },
}

/// The ARQC of `cvn` from the issuer master key (card-side computation, for simulators and tests).
///
/// # Errors
/// Key, PAN and IAD errors.
pub fn generate_arqc(imk: &Key, cvn: Cvn, card: &Card<'_>, data: &CryptogramData<'_>) -> Result<[u8; 8]> {
    let mk = derive_icc_mk(imk, cvn.mk_derivation(), card)?;
    let sk = cvn.ac_session_key(&mk, data.atc, data.unpredictable_number)?;
    let mut buf = [0u8; MAX_CRYPTOGRAM_INPUT];
    let n = data.write(cvn, &mut buf)?;
    generate_ac(&sk, cvn.padding(), buf.get(..n).unwrap_or(&[]))
}

/// Verifies a received ARQC (or TC/AAC) of `cvn` in constant time.
///
/// # Errors
/// [`ErrorKind::VerificationFailed`] on a mismatch; key, PAN and IAD errors.
pub fn verify_arqc(
    imk: &Key,
    cvn: Cvn,
    card: &Card<'_>,
    data: &CryptogramData<'_>,
    received: &[u8],
) -> Result<()> {
    let mut ac = generate_arqc(imk, cvn, card, data)?;
    let r = MacTag::from_slice(&ac)?.verify(received);
    ac.zeroize();
    r.map_err(|_| Error::new(ErrorKind::VerificationFailed, "arqc"))
}

/// The ARPC of `cvn` for an ARQC (method 1: 8 bytes, method 2: 4 bytes).
///
/// # Errors
/// [`ErrorKind::Unsupported`] when `input` is not the CVN's ARPC method; key and PAN errors.
pub fn generate_arpc(
    imk: &Key,
    cvn: Cvn,
    card: &Card<'_>,
    atc: [u8; 2],
    un: [u8; 4],
    arqc: &[u8; 8],
    input: ArpcInput<'_>,
) -> Result<MacTag> {
    let mk = derive_icc_mk(imk, cvn.mk_derivation(), card)?;
    match (cvn.arpc_method(), input) {
        (ArpcMethod::Method1, ArpcInput::Method1 { arc }) => {
            MacTag::from_slice(&arpc_method1(&mk, arqc, &arc)?)
        }
        (ArpcMethod::Method2, ArpcInput::Method2 { csu, proprietary }) => {
            let sk = cvn.ac_session_key(&mk, atc, un)?;
            MacTag::from_slice(&arpc_method2(&sk, arqc, &csu, proprietary)?)
        }
        _ => Err(Error::new(ErrorKind::Unsupported, "arpc method for this cvn")),
    }
}

/// EMV issuer operations over HSM key handles (the issuer master key never leaves the HSM).
///
/// The handle must refer to a key stored with [`crate::hsm::KeyRole::IssuerMasterKey`].
pub trait EmvHsm {
    /// Verifies an ARQC (TC/AAC) of `cvn` under the issuer master key `imk`, in constant time.
    ///
    /// # Errors
    /// [`ErrorKind::VerificationFailed`]; unknown handle or wrong role.
    fn arqc_verify(
        &self,
        imk: KeyHandle,
        cvn: Cvn,
        card: &Card<'_>,
        data: &CryptogramData<'_>,
        arqc: &[u8],
    ) -> Result<()>;

    /// Generates the ARPC of `cvn` under the issuer master key `imk`.
    ///
    /// # Errors
    /// As [`generate_arpc`]; unknown handle or wrong role.
    #[allow(clippy::too_many_arguments)]
    fn arpc_generate(
        &self,
        imk: KeyHandle,
        cvn: Cvn,
        card: &Card<'_>,
        atc: [u8; 2],
        un: [u8; 4],
        arqc: &[u8; 8],
        input: ArpcInput<'_>,
    ) -> Result<MacTag>;
}
