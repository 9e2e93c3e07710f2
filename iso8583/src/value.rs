//! Field-level encoding primitives: lengths, prefixes, canonical values, charset validation.
//! Every function is panic-free on any input.

use crate::ebcdic::{CP037_TO_LATIN1, CP1047_TO_LATIN1, LATIN1_TO_CP037, LATIN1_TO_CP1047};
use crate::error::ErrorKind;
use crate::spec::{Charset, Class, Encoding, Field, Length, Prefix, PrefixEncoding, Unit};

/// Wire bytes of the data of a field whose length is `count` in `unit`.
pub(crate) fn wire_len(f: &Field, unit: Unit, count: usize) -> Option<usize> {
    let half = |n: usize| n.checked_add(1).map(|n| n / 2);
    match f.encoding {
        Encoding::Bcd => match unit {
            Unit::Bytes | Unit::Chars => Some(count),
            Unit::Digits | Unit::Nibbles => {
                if f.class == Class::Xn {
                    // One ASCII C/D byte, then the digits in BCD.
                    let digits = count.checked_sub(1)?;
                    half(digits)?.checked_add(1)
                } else {
                    half(count)
                }
            }
        },
        Encoding::Hex => match unit {
            Unit::Bytes => count.checked_mul(2),
            _ => Some(count),
        },
        Encoding::Binary => match unit {
            Unit::Digits | Unit::Nibbles => half(count),
            _ => Some(count),
        },
        Encoding::Ascii | Encoding::Ebcdic => Some(count),
    }
}

/// Number of BCD digits (canonical characters after an optional x byte) for `count` in `unit`.
fn bcd_digits(f: &Field, unit: Unit, count: usize, wire: usize) -> usize {
    match unit {
        Unit::Digits | Unit::Nibbles => {
            if f.class == Class::Xn {
                count.saturating_sub(1)
            } else {
                count
            }
        }
        _ => {
            if f.class == Class::Xn {
                wire.saturating_sub(1).saturating_mul(2)
            } else {
                wire.saturating_mul(2)
            }
        }
    }
}

/// The length, in `unit`, of a canonical value of `len` bytes.
pub(crate) fn count_of(f: &Field, unit: Unit, len: usize) -> Option<usize> {
    match f.encoding {
        Encoding::Bcd => match unit {
            Unit::Digits | Unit::Nibbles => Some(len),
            Unit::Bytes | Unit::Chars => {
                if f.class == Class::Xn {
                    len.checked_sub(1)?.checked_add(1).map(|d| d / 2)?.checked_add(1)
                } else {
                    len.checked_add(1).map(|d| d / 2)
                }
            }
        },
        Encoding::Hex => match unit {
            Unit::Bytes => Some(len),
            _ => len.checked_mul(2),
        },
        Encoding::Binary => match unit {
            Unit::Digits | Unit::Nibbles => len.checked_mul(2),
            _ => Some(len),
        },
        Encoding::Ascii | Encoding::Ebcdic => Some(len),
    }
}

/// Reads a length prefix at the start of `data`; returns the count (self-inclusion removed).
pub(crate) fn read_prefix(p: &Prefix, data: &[u8]) -> Result<usize, ErrorKind> {
    let bytes = data.get(..p.wire_len()).ok_or(ErrorKind::Truncated)?;
    let mut n: usize = 0;
    for &b in bytes {
        n = match p.encoding {
            PrefixEncoding::Ascii => {
                if !b.is_ascii_digit() {
                    return Err(ErrorKind::BadPrefix);
                }
                push_digit(n, b.wrapping_sub(b'0'))?
            }
            PrefixEncoding::Ebcdic => {
                if !(0xF0..=0xF9).contains(&b) {
                    return Err(ErrorKind::BadPrefix);
                }
                push_digit(n, b.wrapping_sub(0xF0))?
            }
            PrefixEncoding::Bcd => {
                let (hi, lo) = (b >> 4, b & 0x0F);
                if hi > 9 || lo > 9 {
                    return Err(ErrorKind::BadPrefix);
                }
                push_digit(push_digit(n, hi)?, lo)?
            }
            PrefixEncoding::Binary => {
                n.checked_mul(256).and_then(|n| n.checked_add(usize::from(b))).ok_or(ErrorKind::BadPrefix)?
            }
        };
    }
    if p.includes_self { n.checked_sub(p.wire_len()).ok_or(ErrorKind::BadLength) } else { Ok(n) }
}

fn push_digit(n: usize, d: u8) -> Result<usize, ErrorKind> {
    n.checked_mul(10).and_then(|n| n.checked_add(usize::from(d))).ok_or(ErrorKind::BadPrefix)
}

/// Writes a length prefix for `count` into `out` (exactly `p.wire_len()` bytes).
pub(crate) fn write_prefix(p: &Prefix, count: usize, out: &mut [u8]) -> Result<(), ErrorKind> {
    let mut n =
        if p.includes_self { count.checked_add(p.wire_len()).ok_or(ErrorKind::BadLength)? } else { count };
    if u64::try_from(n).map_or(true, |v| v > p.capacity()) {
        return Err(ErrorKind::BadLength);
    }
    let out = out.get_mut(..p.wire_len()).ok_or(ErrorKind::BufferTooSmall)?;
    for b in out.iter_mut().rev() {
        *b = match p.encoding {
            PrefixEncoding::Ascii | PrefixEncoding::Ebcdic => {
                let d = u8::try_from(n % 10).unwrap_or(0);
                n /= 10;
                if p.encoding == PrefixEncoding::Ascii { b'0'.wrapping_add(d) } else { 0xF0 | d }
            }
            PrefixEncoding::Bcd => {
                let lo = u8::try_from(n % 10).unwrap_or(0);
                n /= 10;
                let hi = u8::try_from(n % 10).unwrap_or(0);
                n /= 10;
                (hi << 4) | lo
            }
            PrefixEncoding::Binary => {
                let v = u8::try_from(n % 256).unwrap_or(0);
                n /= 256;
                v
            }
        };
    }
    Ok(())
}

/// Canonical characters of a BCD nibble.
fn nibble_char(n: u8) -> u8 {
    if n < 10 { b'0'.wrapping_add(n) } else { b'A'.wrapping_add(n.wrapping_sub(10)) }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c.wrapping_sub(b'0')),
        b'A'..=b'F' => Some(c.wrapping_sub(b'A').wrapping_add(10)),
        b'a'..=b'f' => Some(c.wrapping_sub(b'a').wrapping_add(10)),
        _ => None,
    }
}

/// A lazy iterator over the canonical bytes of a field value.
#[derive(Clone)]
pub struct Canonical<'a> {
    kind: CanonKind,
    data: &'a [u8],
    /// Byte index for byte forms; nibble index for BCD.
    pos: usize,
    end: usize,
}

#[derive(Copy, Clone, Debug)]
enum CanonKind {
    Raw,
    Ebcdic(&'static [u8; 256]),
    Hex,
    /// BCD nibbles `pos..end`; `x` = the first byte is an ASCII x+n sign.
    Bcd {
        x_pending: bool,
    },
}

impl<'a> Canonical<'a> {
    /// Builds the iterator for a field's wire data holding `digits` BCD digits (when BCD).
    pub(crate) fn new(f: &Field, data: &'a [u8], digits: usize) -> Self {
        match f.encoding {
            Encoding::Ascii | Encoding::Binary => {
                Self { kind: CanonKind::Raw, data, pos: 0, end: data.len() }
            }
            Encoding::Ebcdic => {
                let t = if f.charset == Charset::Cp1047 { &CP1047_TO_LATIN1 } else { &CP037_TO_LATIN1 };
                Self { kind: CanonKind::Ebcdic(t), data, pos: 0, end: data.len() }
            }
            Encoding::Hex => Self { kind: CanonKind::Hex, data, pos: 0, end: data.len() },
            Encoding::Bcd => {
                let xn = f.class == Class::Xn;
                let body_bytes = if xn { data.len().saturating_sub(1) } else { data.len() };
                let nibbles = body_bytes.saturating_mul(2);
                let base: usize = if xn { 2 } else { 0 };
                let pad = nibbles.saturating_sub(digits);
                let (start, end) = match f.align {
                    crate::spec::Align::Left => (base, base.saturating_add(digits)),
                    crate::spec::Align::Right => (base.saturating_add(pad), base.saturating_add(nibbles)),
                };
                Self { kind: CanonKind::Bcd { x_pending: xn }, data, pos: start, end }
            }
        }
    }

    /// Number of canonical bytes remaining.
    pub fn remaining(&self) -> usize {
        match self.kind {
            CanonKind::Raw | CanonKind::Ebcdic(_) => self.end.saturating_sub(self.pos),
            CanonKind::Hex => self.end.saturating_sub(self.pos) / 2,
            CanonKind::Bcd { x_pending } => {
                self.end.saturating_sub(self.pos).saturating_add(usize::from(x_pending))
            }
        }
    }
}

impl Iterator for Canonical<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        match self.kind {
            CanonKind::Raw => {
                let b = self.data.get(self.pos).copied()?;
                self.pos = self.pos.saturating_add(1);
                Some(b)
            }
            CanonKind::Ebcdic(t) => {
                let b = self.data.get(self.pos).copied()?;
                self.pos = self.pos.saturating_add(1);
                t.get(usize::from(b)).copied()
            }
            CanonKind::Hex => {
                let pair = self.data.get(self.pos..self.pos.checked_add(2)?)?;
                self.pos = self.pos.saturating_add(2);
                let (h, l) =
                    (pair.first().copied().and_then(hex_val)?, pair.get(1).copied().and_then(hex_val)?);
                Some((h << 4) | l)
            }
            CanonKind::Bcd { x_pending } => {
                if x_pending {
                    self.kind = CanonKind::Bcd { x_pending: false };
                    return self.data.first().copied();
                }
                if self.pos >= self.end {
                    return None;
                }
                let b = self.data.get(self.pos / 2).copied()?;
                let n = if self.pos.is_multiple_of(2) { b >> 4 } else { b & 0x0F };
                self.pos = self.pos.saturating_add(1);
                Some(nibble_char(n))
            }
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.remaining();
        (n, Some(n))
    }
}

/// Whether canonical byte `c` is allowed by the class / charset (GBK structure checked apart).
pub(crate) fn char_ok(f: &Field, c: u8, first: bool) -> bool {
    let latin1_print = |c: u8| (0x20..=0x7E).contains(&c) || (f.charset != Charset::Ascii && c >= 0xA0);
    match f.class {
        Class::N => c.is_ascii_digit(),
        Class::Ns => latin1_print(c) && !c.is_ascii_alphabetic(),
        Class::A => c.is_ascii_alphabetic() || c == b' ',
        Class::An => c.is_ascii_alphanumeric() || c == b' ',
        Class::Ans => {
            if f.charset == Charset::Gbk {
                c >= 0x20 && c != 0x7F && c != 0xFF
            } else {
                latin1_print(c)
            }
        }
        Class::Z => {
            c.is_ascii_digit()
                || c == b'='
                || (f.z_hex && matches!(c, b'A'..=b'F'))
                || (f.encoding == Encoding::Bcd && c == b'D')
        }
        Class::Xn => {
            if first {
                c == b'C' || c == b'D'
            } else {
                c.is_ascii_digit()
            }
        }
        Class::B => true,
    }
}

/// Validates GBK byte structure: ASCII printable, or a lead byte 81–FE with trail 40–7E / 80–FE.
pub(crate) fn gbk_ok(data: impl Iterator<Item = u8>) -> Result<(), usize> {
    let mut lead: Option<usize> = None;
    for (i, c) in data.enumerate() {
        if let Some(at) = lead {
            if !((0x40..=0x7E).contains(&c) || (0x80..=0xFE).contains(&c)) {
                return Err(at);
            }
            lead = None;
        } else if (0x81..=0xFE).contains(&c) {
            lead = Some(i);
        } else if !(0x20..=0x7E).contains(&c) {
            return Err(i);
        }
    }
    match lead {
        Some(at) => Err(at),
        None => Ok(()),
    }
}

/// Validates a canonical value against the class. Returns the index of the first bad byte.
pub(crate) fn validate_canonical(f: &Field, canon: impl Iterator<Item = u8> + Clone) -> Result<(), usize> {
    for (i, c) in canon.clone().enumerate() {
        if !char_ok(f, c, i == 0) {
            return Err(i);
        }
    }
    if f.charset == Charset::Gbk && matches!(f.class, Class::Ans | Class::An | Class::A) {
        gbk_ok(canon)?;
    }
    Ok(())
}

/// Encodes canonical `value` into `out` (exactly `wire` bytes) for field `f` holding `digits`.
pub(crate) fn encode_value(f: &Field, value: &[u8], out: &mut [u8]) -> Result<(), ErrorKind> {
    match f.encoding {
        Encoding::Ascii | Encoding::Binary => {
            out.copy_from_slice(value.get(..out.len()).ok_or(ErrorKind::BadLength)?);
        }
        Encoding::Ebcdic => {
            let t = if f.charset == Charset::Cp1047 { &LATIN1_TO_CP1047 } else { &LATIN1_TO_CP037 };
            for (o, &c) in out.iter_mut().zip(value) {
                *o = t.get(usize::from(c)).copied().unwrap_or(0);
            }
        }
        Encoding::Hex => {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            for (pair, &b) in out.chunks_exact_mut(2).zip(value) {
                if let [h, l] = pair {
                    *h = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
                    *l = HEX.get(usize::from(b & 0x0F)).copied().unwrap_or(b'0');
                }
            }
        }
        Encoding::Bcd => {
            let (body, digits) = if f.class == Class::Xn {
                let (x, rest) = out.split_first_mut().ok_or(ErrorKind::BadLength)?;
                *x = value.first().copied().ok_or(ErrorKind::BadLength)?;
                (rest, value.get(1..).unwrap_or(&[]))
            } else {
                (out, value)
            };
            let nibbles = body.len().saturating_mul(2);
            let pad = nibbles.checked_sub(digits.len()).ok_or(ErrorKind::BadLength)?;
            let start = match f.align {
                crate::spec::Align::Left => 0,
                crate::spec::Align::Right => pad,
            };
            body.fill(if pad == 0 { 0 } else { (f.pad_nibble << 4) | (f.pad_nibble & 0x0F) });
            for (i, &c) in digits.iter().enumerate() {
                let n = match c {
                    b'0'..=b'9' => c.wrapping_sub(b'0'),
                    b'=' => 0x0D,
                    b'A'..=b'F' => c.wrapping_sub(b'A').wrapping_add(10),
                    b'a'..=b'f' => c.wrapping_sub(b'a').wrapping_add(10),
                    _ => return Err(ErrorKind::BadCharset),
                };
                let at = start.checked_add(i).ok_or(ErrorKind::BadLength)?;
                let byte = body.get_mut(at / 2).ok_or(ErrorKind::BadLength)?;
                *byte = if at % 2 == 0 { (*byte & 0x0F) | (n << 4) } else { (*byte & 0xF0) | n };
            }
        }
    }
    Ok(())
}

/// Checks the BCD nibbles of `data` (after an x byte) for a field with `digits` digits:
/// pad nibble where the alignment says, digits (or z symbols) elsewhere.
pub(crate) fn check_bcd(f: &Field, data: &[u8], digits: usize) -> Result<(), usize> {
    let body = if f.class == Class::Xn { data.get(1..).unwrap_or(&[]) } else { data };
    let nibbles = body.len().saturating_mul(2);
    let pad = nibbles.saturating_sub(digits);
    if pad > 1 && matches!(f.class, Class::N | Class::Z | Class::Xn) {
        return Err(0);
    }
    let (pad_at, _) = match f.align {
        crate::spec::Align::Left => (nibbles.saturating_sub(pad), ()),
        crate::spec::Align::Right => (0, ()),
    };
    for i in 0..nibbles {
        let b = body.get(i / 2).copied().unwrap_or(0);
        let n = if i % 2 == 0 { b >> 4 } else { b & 0x0F };
        let is_pad = pad > 0 && i >= pad_at && i < pad_at.saturating_add(pad);
        let ok = if is_pad {
            f.lenient_pad || n == f.pad_nibble
        } else {
            match f.class {
                Class::Z => n <= 9 || n == 0x0D || (f.z_hex && n >= 10),
                Class::B => true,
                _ => n <= 9,
            }
        };
        if !ok {
            return Err(i / 2);
        }
    }
    Ok(())
}

/// The length unit of a field (fixed or prefix unit; `Rest` counts bytes).
pub(crate) fn unit_of(f: &Field) -> Unit {
    match f.length {
        Length::Fixed { unit, .. } => unit,
        Length::Var { prefix, .. } => prefix.unit,
        Length::Rest { .. } => Unit::Bytes,
    }
}

/// Number of canonical bytes for a field with `count` units in `wire` bytes.
pub(crate) fn canonical_len(f: &Field, count: usize, wire: usize) -> usize {
    match f.encoding {
        Encoding::Bcd => {
            let d = bcd_digits(f, unit_of(f), count, wire);
            if f.class == Class::Xn { d.saturating_add(1) } else { d }
        }
        Encoding::Hex => wire / 2,
        _ => wire,
    }
}

/// Digits held by BCD wire data of a field (for the canonical iterator).
pub(crate) fn digits_of(f: &Field, count: usize, wire: usize) -> usize {
    bcd_digits(f, unit_of(f), count, wire)
}

// Debug output never shows values (PCI).
impl core::fmt::Debug for Canonical<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Canonical").field("remaining", &self.remaining()).finish()
    }
}

impl ExactSizeIterator for Canonical<'_> {}
