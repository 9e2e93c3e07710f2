//! ISO 9564-1 PIN blocks, formats 0, 1, 2, 3 (8-byte, TDES) and 4 (16-byte, AES).
//!
//! The random parts (format 1 fill, format 3 fill, format 4 random half) are injected: the
//! `*_with_random` functions take the 8 random bytes explicitly (tests, tooling), the others draw
//! them from a [`rand_core::CryptoRng`].

use crate::cipher::BlockCipher;
use crate::error::{Error, ErrorKind, Result};
use crate::key::{AnyCipher, Key};
use rand_core::CryptoRng;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A clear PIN of 4–12 decimal digits (stored as ASCII), zeroized on drop, never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Pin {
    digits: [u8; 12],
    len: u8,
}

impl core::fmt::Debug for Pin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Pin(****)")
    }
}

impl Pin {
    /// A PIN from ASCII digits.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidPin`] unless 4–12 ASCII decimal digits.
    pub fn new(ascii: &[u8]) -> Result<Self> {
        if !(4..=12).contains(&ascii.len()) {
            return Err(Error::at(ErrorKind::InvalidPin, "pin length", ascii.len()));
        }
        if let Some(i) = ascii.iter().position(|c| !c.is_ascii_digit()) {
            return Err(Error::at(ErrorKind::InvalidPin, "pin digit", i));
        }
        let mut digits = [0u8; 12];
        digits.get_mut(..ascii.len()).ok_or(Error::new(ErrorKind::InvalidPin, "pin"))?.copy_from_slice(ascii);
        Ok(Self { digits, len: u8::try_from(ascii.len()).unwrap_or(0) })
    }

    /// The digits as ASCII (secret).
    #[must_use]
    pub fn as_ascii(&self) -> &[u8] {
        self.digits.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Number of digits.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Always false (a PIN has at least 4 digits).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Constant-time equality.
    #[must_use]
    pub fn ct_eq(&self, other: &Self) -> bool {
        bool::from(self.digits.ct_eq(&other.digits) & self.len.ct_eq(&other.len))
    }
}

/// A primary account number of 1–19 decimal digits (ASCII). `Debug` masks all but first 6 / last 4.
#[derive(Clone, Copy)]
pub struct Pan {
    digits: [u8; 19],
    len: u8,
}

impl core::fmt::Debug for Pan {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Pan(")?;
        let d = self.as_ascii();
        for (i, c) in d.iter().enumerate() {
            let show = i < 6 || i.saturating_add(4) >= d.len();
            f.write_str(if show {
                core::str::from_utf8(core::slice::from_ref(c)).unwrap_or("?")
            } else {
                "*"
            })?;
        }
        f.write_str(")")
    }
}

impl Pan {
    /// A PAN from ASCII digits (1–19 digits).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidPan`].
    pub fn new(ascii: &[u8]) -> Result<Self> {
        if !(1..=19).contains(&ascii.len()) {
            return Err(Error::at(ErrorKind::InvalidPan, "pan length", ascii.len()));
        }
        if let Some(i) = ascii.iter().position(|c| !c.is_ascii_digit()) {
            return Err(Error::at(ErrorKind::InvalidPan, "pan digit", i));
        }
        let mut digits = [0u8; 19];
        digits.get_mut(..ascii.len()).ok_or(Error::new(ErrorKind::InvalidPan, "pan"))?.copy_from_slice(ascii);
        Ok(Self { digits, len: u8::try_from(ascii.len()).unwrap_or(0) })
    }

    /// The digits as ASCII.
    #[must_use]
    pub fn as_ascii(&self) -> &[u8] {
        self.digits.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

/// ISO 9564-1 PIN block format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Format 0 (ANSI X9.8): PIN ⊕ PAN, fill `F`.
    Iso0,
    /// Format 1: PIN with random/transaction fill, no PAN.
    Iso1,
    /// Format 2: ICC offline PIN, fill `F`, no PAN.
    Iso2,
    /// Format 3: as format 0 with random fill `A`–`F`.
    Iso3,
    /// Format 4: AES, 16 bytes, two encryptions with the PAN field in between.
    Iso4,
}

impl Format {
    /// The format from its number 0–4.
    ///
    /// # Errors
    /// [`ErrorKind::OutOfRange`].
    pub const fn from_number(n: u8) -> Result<Self> {
        match n {
            0 => Ok(Self::Iso0),
            1 => Ok(Self::Iso1),
            2 => Ok(Self::Iso2),
            3 => Ok(Self::Iso3),
            4 => Ok(Self::Iso4),
            _ => Err(Error::new(ErrorKind::OutOfRange, "pin block format")),
        }
    }

    /// True when the format needs a PAN (0, 3, 4).
    #[must_use]
    pub const fn needs_pan(self) -> bool {
        matches!(self, Self::Iso0 | Self::Iso3 | Self::Iso4)
    }

    /// Block length: 8 for formats 0–3, 16 for format 4.
    #[must_use]
    pub const fn block_len(self) -> usize {
        if matches!(self, Self::Iso4) { 16 } else { 8 }
    }

    const fn control(self) -> u8 {
        match self {
            Self::Iso0 => 0,
            Self::Iso1 => 1,
            Self::Iso2 => 2,
            Self::Iso3 => 3,
            Self::Iso4 => 4,
        }
    }
}

/// A PIN block (clear or enciphered) of 8 or 16 bytes; compare with [`PinBlock::ct_eq`].
#[derive(Clone, Copy, Zeroize)]
pub struct PinBlock {
    bytes: [u8; 16],
    len: usize,
}

impl core::fmt::Debug for PinBlock {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PinBlock({} bytes)", self.len)
    }
}

impl PinBlock {
    /// A block from 8 or 16 bytes.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidLength`].
    pub fn from_slice(b: &[u8]) -> Result<Self> {
        if b.len() != 8 && b.len() != 16 {
            return Err(Error::at(ErrorKind::InvalidLength, "pin block", b.len()));
        }
        let mut bytes = [0u8; 16];
        bytes.get_mut(..b.len()).ok_or(Error::new(ErrorKind::InvalidLength, "pin block"))?.copy_from_slice(b);
        Ok(Self { bytes, len: b.len() })
    }

    /// The bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// Constant-time equality.
    #[must_use]
    pub fn ct_eq(&self, other: &Self) -> bool {
        self.len == other.len && bool::from(self.as_bytes().ct_eq(other.as_bytes()))
    }
}

fn set_nibble(buf: &mut [u8], i: usize, v: u8) {
    if let Some(b) = buf.get_mut(i / 2) {
        if i.is_multiple_of(2) {
            *b = (*b & 0x0F) | (v << 4);
        } else {
            *b = (*b & 0xF0) | (v & 0x0F);
        }
    }
}

fn nibble(buf: &[u8], i: usize) -> u8 {
    buf.get(i / 2).map_or(0, |b| if i.is_multiple_of(2) { b >> 4 } else { b & 0x0F })
}

/// The 8-byte PAN field of formats 0 and 3: `0000` ‖ the 12 rightmost PAN digits excluding the
/// check digit. The PAN must have 13–19 digits.
fn pan_field_8(pan: &Pan) -> Result<[u8; 8]> {
    let d = pan.as_ascii();
    if d.len() < 13 {
        return Err(Error::at(ErrorKind::InvalidPan, "pan length", d.len()));
    }
    let end = d.len().saturating_sub(1);
    let digits = d.get(end.saturating_sub(12)..end).ok_or(Error::new(ErrorKind::InvalidPan, "pan"))?;
    let mut f = [0u8; 8];
    for (i, c) in digits.iter().enumerate() {
        set_nibble(&mut f, i.saturating_add(4), c.wrapping_sub(b'0'));
    }
    Ok(f)
}

/// The 16-byte PAN field of format 4: `M` (PAN length − 12, or 0) ‖ PAN left-padded with zeros
/// to 12 digits ‖ zero nibbles to 32. PAN of 1–19 digits.
#[must_use]
pub fn format4_pan_field(pan: &Pan) -> [u8; 16] {
    let d = pan.as_ascii();
    let m = d.len().saturating_sub(12);
    let mut f = [0u8; 16];
    set_nibble(&mut f, 0, u8::try_from(m).unwrap_or(0));
    let pad = 12usize.saturating_sub(d.len());
    for (i, c) in d.iter().enumerate() {
        set_nibble(&mut f, pad.saturating_add(i).saturating_add(1), c.wrapping_sub(b'0'));
    }
    f
}

/// Writes `control ‖ L ‖ PIN` into the first nibbles of `buf`, then the fill from `fill(i)`
/// for nibble positions `2 + len .. 16`.
fn pin_field(buf: &mut [u8], control: u8, pin: &Pin, mut fill: impl FnMut(usize) -> u8) {
    set_nibble(buf, 0, control);
    set_nibble(buf, 1, u8::try_from(pin.len()).unwrap_or(0));
    for (i, c) in pin.as_ascii().iter().enumerate() {
        set_nibble(buf, i.saturating_add(2), c.wrapping_sub(b'0'));
    }
    for i in pin.len().saturating_add(2)..16 {
        set_nibble(buf, i, fill(i));
    }
}

fn random_nibble(random: &[u8; 8], i: usize) -> u8 {
    nibble(random, i)
}

/// The clear 8-byte block of format 0, 1, 2 or 3 (wiped on drop: it holds the clear PIN). `random` supplies the fill of formats 1 (any
/// hex digit) and 3 (`A`–`F`: each random nibble n maps to 10 + n mod 6); it is ignored by 0 and 2.
///
/// # Errors
/// [`ErrorKind::InvalidPan`] when a PAN is needed and missing or shorter than 13 digits;
/// [`ErrorKind::WrongAlgorithm`] for format 4 (use [`format4_pin_field`]).
pub fn encode_clear_with_random(
    format: Format,
    pin: &Pin,
    pan: Option<&Pan>,
    random: &[u8; 8],
) -> Result<Zeroizing<[u8; 8]>> {
    let mut b = Zeroizing::new([0u8; 8]);
    match format {
        Format::Iso0 | Format::Iso2 => pin_field(&mut *b, format.control(), pin, |_| 0xF),
        Format::Iso1 => pin_field(&mut *b, 1, pin, |i| random_nibble(random, i)),
        Format::Iso3 => pin_field(&mut *b, 3, pin, |i| 10u8.wrapping_add(random_nibble(random, i) % 6)),
        Format::Iso4 => return Err(Error::new(ErrorKind::WrongAlgorithm, "format 4 is a 16-byte AES block")),
    }
    if format.needs_pan() {
        let pan = pan.ok_or(Error::new(ErrorKind::InvalidPan, "pan missing"))?;
        crate::cipher::xor_in_place(&mut *b, &pan_field_8(pan)?);
    }
    Ok(b)
}

/// Decodes a clear 8-byte block of format 0–3 with full validation (control nibble, length
/// 4–12, decimal PIN digits, fill `F` for 0/2, `A`–`F` for 3, any for 1).
///
/// # Errors
/// [`ErrorKind::InvalidPinBlock`] (field and nibble offset given), [`ErrorKind::InvalidPan`].
pub fn decode_clear(format: Format, block: &[u8], pan: Option<&Pan>) -> Result<Pin> {
    let mut b: [u8; 8] =
        block.try_into().map_err(|_| Error::at(ErrorKind::InvalidLength, "pin block", block.len()))?;
    if format == Format::Iso4 {
        return Err(Error::new(ErrorKind::WrongAlgorithm, "format 4 is a 16-byte AES block"));
    }
    if format.needs_pan() {
        let pan = pan.ok_or(Error::new(ErrorKind::InvalidPan, "pan missing"))?;
        crate::cipher::xor_in_place(&mut b, &pan_field_8(pan)?);
    }
    let pin = parse_pin_field(&b, format);
    b.zeroize();
    pin
}

fn parse_pin_field(b: &[u8], format: Format) -> Result<Pin> {
    if nibble(b, 0) != format.control() {
        return Err(Error::at(ErrorKind::InvalidPinBlock, "control field", 0));
    }
    let len = usize::from(nibble(b, 1));
    if !(4..=12).contains(&len) {
        return Err(Error::at(ErrorKind::InvalidPinBlock, "pin length", 1));
    }
    let mut ascii = [0u8; 12];
    for (i, slot) in ascii.iter_mut().enumerate().take(len) {
        let n = nibble(b, i.saturating_add(2));
        if n > 9 {
            return Err(Error::at(ErrorKind::InvalidPinBlock, "pin digit", i.saturating_add(2)));
        }
        *slot = b'0'.wrapping_add(n);
    }
    for i in len.saturating_add(2)..16 {
        let n = nibble(b, i);
        let ok = match format {
            Format::Iso0 | Format::Iso2 => n == 0xF,
            Format::Iso3 => n >= 0xA,
            Format::Iso4 => n == 0xA,
            Format::Iso1 => true,
        };
        if !ok {
            return Err(Error::at(ErrorKind::InvalidPinBlock, "fill digit", i));
        }
    }
    let pin = Pin::new(ascii.get(..len).unwrap_or(&[]));
    ascii.zeroize();
    pin
}

/// The 16-byte format 4 plain-text PIN field: `4 L P… A…` (16 nibbles) ‖ 8 random bytes
/// (wiped on drop: it holds the clear PIN).
#[must_use]
pub fn format4_pin_field(pin: &Pin, random: &[u8; 8]) -> Zeroizing<[u8; 16]> {
    let mut f = Zeroizing::new([0u8; 16]);
    pin_field(&mut *f, 4, pin, |_| 0xA);
    if let Some(r) = f.get_mut(8..) {
        r.copy_from_slice(random);
    }
    f
}

/// Decodes a format 4 plain-text PIN field (validates control, length, digits and `A` fill).
///
/// # Errors
/// [`ErrorKind::InvalidPinBlock`].
pub fn decode_format4_pin_field(field: &[u8; 16]) -> Result<Pin> {
    parse_pin_field(field, Format::Iso4)
}

/// Format 4 encipherment: E(K, E(K, PIN field) ⊕ PAN field).
#[must_use]
pub fn encipher_format4_with_random<C: BlockCipher<16> + ?Sized>(
    cipher: &C,
    pin: &Pin,
    pan: &Pan,
    random: &[u8; 8],
) -> [u8; 16] {
    let mut b = format4_pin_field(pin, random);
    cipher.encrypt_block(&mut b);
    crate::cipher::xor_in_place(&mut *b, &format4_pan_field(pan));
    cipher.encrypt_block(&mut b);
    *b
}

/// Format 4 decipherment with validation of the recovered PIN field.
///
/// # Errors
/// [`ErrorKind::InvalidPinBlock`].
pub fn decipher_format4<C: BlockCipher<16> + ?Sized>(cipher: &C, block: &[u8; 16], pan: &Pan) -> Result<Pin> {
    let mut b = *block;
    cipher.decrypt_block(&mut b);
    crate::cipher::xor_in_place(&mut b, &format4_pan_field(pan));
    cipher.decrypt_block(&mut b);
    let pin = decode_format4_pin_field(&b);
    b.zeroize();
    pin
}

/// Enciphers a PIN block of any format under `key` (TDES for 0–3, AES for 4), with injected
/// random bytes. Format 0 under an SM4 key is the UnionPay SM4 PIN block ([`crate::sm::cup`]).
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] for a key of the wrong family; PAN errors as above.
pub fn encrypt_with_random(
    format: Format,
    key: &Key,
    pin: &Pin,
    pan: Option<&Pan>,
    random: &[u8; 8],
) -> Result<PinBlock> {
    if format == Format::Iso0 && key.algorithm() == crate::Algorithm::Sm4 {
        let pan = pan.ok_or(Error::new(ErrorKind::InvalidPan, "pan missing"))?;
        return crate::sm::cup::encrypt_pin_block(key, pin, pan);
    }
    match (format, key.cipher()?) {
        (Format::Iso4, AnyCipher::B16(c)) => {
            let pan = pan.ok_or(Error::new(ErrorKind::InvalidPan, "pan missing"))?;
            PinBlock::from_slice(&encipher_format4_with_random(&c, pin, pan, random))
        }
        (Format::Iso4, AnyCipher::B8(_) | AnyCipher::Sm4(_)) | (_, AnyCipher::B16(_) | AnyCipher::Sm4(_)) => {
            Err(Error::new(ErrorKind::WrongAlgorithm, "pin block key"))
        }
        (_, AnyCipher::B8(c)) => {
            let mut b = encode_clear_with_random(format, pin, pan, random)?;
            c.encrypt_block(&mut b);
            PinBlock::from_slice(&*b)
        }
    }
}

/// As [`encrypt_with_random`], drawing the random bytes from `rng`.
///
/// # Errors
/// As [`encrypt_with_random`].
pub fn encrypt<R: CryptoRng + ?Sized>(
    format: Format,
    key: &Key,
    pin: &Pin,
    pan: Option<&Pan>,
    rng: &mut R,
) -> Result<PinBlock> {
    let mut random = [0u8; 8];
    rng.fill_bytes(&mut random);
    encrypt_with_random(format, key, pin, pan, &random)
}

/// Deciphers and decodes a PIN block of any format under `key` (format 0 under an SM4 key: the
/// UnionPay SM4 PIN block, 16 bytes).
///
/// # Errors
/// [`ErrorKind::InvalidLength`], [`ErrorKind::WrongAlgorithm`], [`ErrorKind::InvalidPinBlock`],
/// [`ErrorKind::InvalidPan`].
pub fn decrypt(format: Format, key: &Key, block: &[u8], pan: Option<&Pan>) -> Result<Pin> {
    if format == Format::Iso0 && key.algorithm() == crate::Algorithm::Sm4 {
        let pan = pan.ok_or(Error::new(ErrorKind::InvalidPan, "pan missing"))?;
        return crate::sm::cup::decrypt_pin_block(key, block, pan);
    }
    if block.len() != format.block_len() {
        return Err(Error::at(ErrorKind::InvalidLength, "pin block", block.len()));
    }
    match (format, key.cipher()?) {
        (Format::Iso4, AnyCipher::B16(c)) => {
            let pan = pan.ok_or(Error::new(ErrorKind::InvalidPan, "pan missing"))?;
            let b: [u8; 16] =
                block.try_into().map_err(|_| Error::new(ErrorKind::InvalidLength, "pin block"))?;
            decipher_format4(&c, &b, pan)
        }
        (Format::Iso4, AnyCipher::B8(_) | AnyCipher::Sm4(_)) | (_, AnyCipher::B16(_) | AnyCipher::Sm4(_)) => {
            Err(Error::new(ErrorKind::WrongAlgorithm, "pin block key"))
        }
        (_, AnyCipher::B8(c)) => {
            let mut b: [u8; 8] =
                block.try_into().map_err(|_| Error::new(ErrorKind::InvalidLength, "pin block"))?;
            c.decrypt_block(&mut b);
            let pin = decode_clear(format, &b, pan);
            b.zeroize();
            pin
        }
    }
}

/// PIN translation: decrypt under `from_key` in `from`, re-encrypt under `to_key` in `to`
/// (e.g. format 0 ↔ 4, terminal/DUKPT PIN key → zone key). The clear PIN exists only inside.
///
/// # Errors
/// As [`decrypt`] and [`encrypt_with_random`].
#[allow(clippy::too_many_arguments)]
pub fn translate_with_random(
    block: &[u8],
    from: Format,
    from_key: &Key,
    to: Format,
    to_key: &Key,
    pan: Option<&Pan>,
    random: &[u8; 8],
) -> Result<PinBlock> {
    let pin = decrypt(from, from_key, block, pan)?;
    encrypt_with_random(to, to_key, &pin, pan, random)
}

/// As [`translate_with_random`], drawing the random bytes from `rng`.
///
/// # Errors
/// As [`translate_with_random`].
pub fn translate<R: CryptoRng + ?Sized>(
    block: &[u8],
    from: Format,
    from_key: &Key,
    to: Format,
    to_key: &Key,
    pan: Option<&Pan>,
    rng: &mut R,
) -> Result<PinBlock> {
    let mut random = [0u8; 8];
    rng.fill_bytes(&mut random);
    translate_with_random(block, from, from_key, to, to_key, pan, &random)
}
