//! Field-level encoding primitives: lengths, prefixes, canonical values, charset validation.
//! Every function is panic-free on any input.

use crate::ebcdic::{CP037_TO_LATIN1, CP1047_TO_LATIN1, LATIN1_TO_CP037, LATIN1_TO_CP1047};
use crate::error::ErrorKind;
use crate::spec::{Charset, Class, Encoding, Field, Length, Prefix, PrefixEncoding, Unit};

/// Wire bytes of the data of a field whose length is `count` in `unit`.
#[inline(always)]
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
#[inline(always)]
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
#[inline(always)]
pub(crate) fn read_prefix(p: &Prefix, data: &[u8]) -> Result<usize, ErrorKind> {
    let bytes = data.get(..p.wire_len()).ok_or(ErrorKind::Truncated)?;
    // One loop per encoding (the encoding is not re-matched per byte).
    let mut n: usize = 0;
    match p.encoding {
        PrefixEncoding::Ascii => {
            for &b in bytes {
                let d = b.wrapping_sub(b'0');
                if d > 9 {
                    return Err(ErrorKind::BadPrefix);
                }
                n = push_digit(n, d)?;
            }
        }
        PrefixEncoding::Ebcdic => {
            for &b in bytes {
                let d = b.wrapping_sub(0xF0);
                if d > 9 {
                    return Err(ErrorKind::BadPrefix);
                }
                n = push_digit(n, d)?;
            }
        }
        PrefixEncoding::Bcd => {
            for &b in bytes {
                let (hi, lo) = (b >> 4, b & 0x0F);
                if hi > 9 || lo > 9 {
                    return Err(ErrorKind::BadPrefix);
                }
                n = push_digit(push_digit(n, hi)?, lo)?;
            }
        }
        PrefixEncoding::Binary => {
            for &b in bytes {
                n = n
                    .checked_mul(256)
                    .and_then(|n| n.checked_add(usize::from(b)))
                    .ok_or(ErrorKind::BadPrefix)?;
            }
        }
    }
    if p.includes_self { n.checked_sub(p.wire_len()).ok_or(ErrorKind::BadLength) } else { Ok(n) }
}

#[inline]
fn push_digit(n: usize, d: u8) -> Result<usize, ErrorKind> {
    n.checked_mul(10).and_then(|n| n.checked_add(usize::from(d))).ok_or(ErrorKind::BadPrefix)
}

/// Writes a length prefix for `count` into `out` (exactly `p.wire_len()` bytes).
#[inline(always)]
pub(crate) fn write_prefix(p: &Prefix, count: usize, out: &mut [u8]) -> Result<(), ErrorKind> {
    let mut n =
        if p.includes_self { count.checked_add(p.wire_len()).ok_or(ErrorKind::BadLength)? } else { count };
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
    // Something left over: the length does not fit the prefix (beyond `p.capacity()`).
    if n != 0 {
        return Err(ErrorKind::BadLength);
    }
    Ok(())
}

/// Nibble value of a canonical BCD character (`=` is the track separator `D`); 0xFF = invalid.
static NIBBLE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0u8;
    while i < 16 {
        #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
        {
            t[(if i < 10 { b'0' + i } else { b'A' + i - 10 }) as usize] = i;
            if i >= 10 {
                t[(b'a' + i - 10) as usize] = i;
            }
        }
        i = i.saturating_add(1);
    }
    #[allow(clippy::indexing_slicing)]
    {
        t[b'=' as usize] = 0x0D;
    }
    t
};

/// Every byte as two upper-case hex characters.
static HEX2: [[u8; 2]; 256] = {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0usize;
    while i < 256 {
        #[allow(clippy::indexing_slicing)]
        {
            t[i] = [HEX[i >> 4], HEX[i & 0x0F]];
        }
        i = i.saturating_add(1);
    }
    t
};

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

const DIGIT: u16 = 1;
const UPPER: u16 = 1 << 1;
const LOWER: u16 = 1 << 2;
const SPACE: u16 = 1 << 3;
const PUNCT: u16 = 1 << 4;
const EQ: u16 = 1 << 5;
const HEXUP: u16 = 1 << 6;
const LATIN1_HIGH: u16 = 1 << 7;
const LETTER_D: u16 = 1 << 8;
const HIGH80: u16 = 1 << 9;
const CD: u16 = 1 << 10;

/// Character classes of every byte value, for table-driven validation.
static CLASSES: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut i = 0usize;
    while i < 256 {
        let c = i as u8;
        let mut m = 0u16;
        if c.is_ascii_digit() {
            m |= DIGIT;
        }
        if c.is_ascii_uppercase() {
            m |= UPPER;
        }
        if c.is_ascii_lowercase() {
            m |= LOWER;
        }
        if c == b' ' {
            m |= SPACE;
        }
        if c.is_ascii_punctuation() {
            m |= PUNCT;
        }
        if c == b'=' {
            m |= EQ;
        }
        if matches!(c, b'A'..=b'F') {
            m |= HEXUP;
        }
        if c >= 0xA0 {
            m |= LATIN1_HIGH;
        }
        if c == b'D' {
            m |= LETTER_D;
        }
        if c >= 0x80 && c != 0xFF {
            m |= HIGH80;
        }
        if c == b'C' || c == b'D' {
            m |= CD;
        }
        #[allow(clippy::indexing_slicing)]
        {
            t[i] = m;
        }
        i = i.saturating_add(1);
    }
    t
};

const L8: u64 = 0x0101_0101_0101_0101;
const H8: u64 = 0x8080_8080_8080_8080;

/// Per-byte flag (high bit) where byte ≥ `n`; every byte of `x` must be < 0x80.
#[inline(always)]
fn ge(x: u64, n: u8) -> u64 {
    (x | H8).wrapping_sub(L8.wrapping_mul(u64::from(n))) & H8
}

/// Whether every byte of `data` lies in one of the inclusive ranges (all < 0x80), eight bytes
/// at a time (SWAR). A range with `fold` set is matched against the byte with 0x20 ORed in
/// (so `(b'a', b'f', true)` accepts `A`–`F` and `a`–`f` and nothing else).
#[inline(always)]
fn all_in(data: &[u8], ranges: &[(u8, u8, bool)], tail_mask: u16) -> bool {
    const FOLD: u64 = 0x2020_2020_2020_2020;
    let (chunks, tail) = data.as_chunks::<8>();
    let mut bad = 0u64;
    for c in chunks {
        let x = u64::from_le_bytes(*c);
        let mut ok = 0u64;
        for &(lo, hi, fold) in ranges {
            let y = if fold { x | FOLD } else { x };
            ok |= ge(y, lo) & !ge(y, hi.wrapping_add(1));
        }
        bad |= (x & H8) | (!ok & H8);
    }
    if tail_mask != 0 {
        // The same set as a class mask: one table lookup per byte of the last partial word.
        return bad == 0 && tail.iter().all(|&b| class_of(b) & tail_mask != 0);
    }
    bad == 0
        && tail.iter().all(|&b| {
            ranges.iter().any(|&(lo, hi, fold)| {
                let b = if fold { b | 0x20 } else { b };
                b >= lo && b <= hi
            })
        })
}

/// Whether `data` is all ASCII digits.
#[inline]
pub(crate) fn all_digits(data: &[u8]) -> bool {
    all_in(data, &[(b'0', b'9', false)], DIGIT)
}

/// Whether `data` is all hex digits (either case).
#[inline]
pub(crate) fn all_hex(data: &[u8]) -> bool {
    all_in(data, &[(b'0', b'9', false), (b'a', b'f', true)], 0)
}

/// Whether `data` is all printable ASCII (0x20–0x7E).
#[inline]
fn all_printable(data: &[u8]) -> bool {
    all_in(data, &[(0x20, 0x7E, false)], DIGIT | UPPER | LOWER | SPACE | PUNCT)
}

/// The class mask a canonical byte of `f` must match (0 = anything goes).
#[inline]
fn class_mask(f: &Field) -> u16 {
    // EBCDIC wire text is canonical Latin-1 whatever `charset` says (cp037 unless cp1047).
    let high = match (f.charset, f.encoding) {
        (Charset::Gbk, _) => HIGH80,
        (Charset::Cp037 | Charset::Cp1047, _) | (_, Encoding::Ebcdic) => LATIN1_HIGH,
        (Charset::Ascii, _) => 0,
    };
    match f.class {
        Class::N | Class::Xn => DIGIT,
        Class::Ns => DIGIT | SPACE | PUNCT | high,
        Class::A => UPPER | LOWER | SPACE,
        Class::An => DIGIT | UPPER | LOWER | SPACE,
        Class::Ans => DIGIT | UPPER | LOWER | SPACE | PUNCT | high,
        Class::Z => {
            DIGIT
                | EQ
                | if f.encoding == Encoding::Bcd { LETTER_D } else { 0 }
                | if f.z_hex { HEXUP } else { 0 }
        }
        Class::B => 0,
    }
}

#[inline]
fn class_of(c: u8) -> u16 {
    CLASSES.get(usize::from(c)).copied().unwrap_or(0)
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
#[inline(always)]
pub(crate) fn validate_canonical(f: &Field, canon: &[u8]) -> Result<(), usize> {
    // Fast paths (SWAR, eight bytes at a time) for the common classes over plain ASCII text;
    // a value they reject goes through the table-driven path below, which finds the offset.
    let plain = f.charset == Charset::Ascii && f.encoding != Encoding::Ebcdic;
    let fast = match f.class {
        Class::B => return Ok(()),
        Class::N => all_digits(canon),
        Class::Ans if plain => all_printable(canon),
        Class::An if plain => all_in(
            canon,
            &[(b'0', b'9', false), (b'a', b'z', true), (b' ', b' ', false)],
            DIGIT | UPPER | LOWER | SPACE,
        ),
        Class::A if plain => all_in(canon, &[(b'a', b'z', true), (b' ', b' ', false)], UPPER | LOWER | SPACE),
        Class::Z if !f.z_hex && f.encoding != Encoding::Bcd => {
            all_in(canon, &[(b'0', b'9', false), (b'=', b'=', false)], DIGIT | EQ)
        }
        _ => false,
    };
    if fast {
        return Ok(());
    }
    validate_canonical_slow(f, canon)
}

#[inline(never)]
fn validate_canonical_slow(f: &Field, canon: &[u8]) -> Result<(), usize> {
    let mask = class_mask(f);
    let fast = match mask {
        DIGIT => f.class == Class::N && all_digits(canon),
        m if m == DIGIT | UPPER | LOWER | SPACE | PUNCT => all_printable(canon),
        _ => false,
    };
    if mask != 0 && !fast {
        let body = if f.class == Class::Xn {
            match canon.split_first() {
                Some((&x, rest)) if class_of(x) & CD != 0 => rest,
                _ => return Err(0),
            }
        } else {
            canon
        };
        if let Some(i) = body.iter().position(|&c| class_of(c) & mask == 0) {
            return Err(i.saturating_add(canon.len().saturating_sub(body.len())));
        }
    }
    if f.charset == Charset::Gbk && matches!(f.class, Class::Ans | Class::An | Class::A) {
        gbk_ok(canon.iter().copied())?;
    }
    Ok(())
}

/// [`validate_canonical`] over a lazily decoded value (EBCDIC wire forms).
pub(crate) fn validate_canonical_iter(f: &Field, canon: impl Iterator<Item = u8>) -> Result<(), usize> {
    let mask = class_mask(f);
    for (i, c) in canon.enumerate() {
        let ok = if f.class == Class::Xn && i == 0 {
            class_of(c) & CD != 0
        } else {
            mask == 0 || class_of(c) & mask != 0
        };
        if !ok {
            return Err(i);
        }
    }
    Ok(())
}

/// Encodes canonical `value` into `out` (exactly `wire` bytes) for field `f` holding `digits`.
#[inline(always)]
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
            for (pair, &b) in out.as_chunks_mut::<2>().0.iter_mut().zip(value) {
                *pair = HEX2.get(usize::from(b)).copied().unwrap_or([b'0'; 2]);
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
            // Table values above 15 mark characters that are not BCD symbols: they are ORed
            // into `seen` and checked once at the end instead of per character.
            let mut seen = 0u8;
            let mut nib_raw = |c: u8| {
                let n = NIBBLE.get(usize::from(c)).copied().unwrap_or(0xFF);
                seen |= n;
                n
            };
            match (pad, f.align) {
                (0, _) => {
                    for (o, pair) in body.iter_mut().zip(digits.as_chunks::<2>().0) {
                        *o = (nib_raw(pair[0]) << 4) | (nib_raw(pair[1]) & 0x0F);
                    }
                }
                (1, crate::spec::Align::Right) => {
                    let (first, rest) = body.split_first_mut().ok_or(ErrorKind::BadLength)?;
                    let (d0, ds) = digits.split_first().ok_or(ErrorKind::BadLength)?;
                    *first = ((f.pad_nibble & 0x0F) << 4) | (nib_raw(*d0) & 0x0F);
                    for (o, pair) in rest.iter_mut().zip(ds.as_chunks::<2>().0) {
                        *o = (nib_raw(pair[0]) << 4) | (nib_raw(pair[1]) & 0x0F);
                    }
                }
                (1, crate::spec::Align::Left) => {
                    let (last, rest) = body.split_last_mut().ok_or(ErrorKind::BadLength)?;
                    let (dl, ds) = digits.split_last().ok_or(ErrorKind::BadLength)?;
                    *last = (nib_raw(*dl) << 4) | (f.pad_nibble & 0x0F);
                    for (o, pair) in rest.iter_mut().zip(ds.as_chunks::<2>().0) {
                        *o = (nib_raw(pair[0]) << 4) | (nib_raw(pair[1]) & 0x0F);
                    }
                }
                _ => return Err(ErrorKind::BadLength),
            }
            if seen > 0x0F {
                return Err(ErrorKind::BadCharset);
            }
        }
    }
    Ok(())
}

/// Checks the BCD nibbles of `data` (after an x byte) for a field with `digits` digits:
/// pad nibble where the alignment says, digits (or z symbols) elsewhere. Returns the offset of
/// the first bad byte.
#[inline]
pub(crate) fn check_bcd(f: &Field, data: &[u8], digits: usize) -> Result<(), usize> {
    // Fast path: the bytes without a pad nibble checked eight at a time (digit classes) or not
    // at all (binary, hex-z), the padded edge byte on its own; anything it rejects is located
    // by the byte-by-byte check below.
    let body = if f.class == Class::Xn { data.get(1..).unwrap_or(&[]) } else { data };
    let pad = body.len().saturating_mul(2).saturating_sub(digits);
    let any_nibble = matches!(f.class, Class::B) || (f.class == Class::Z && f.z_hex);
    let fast = match pad {
        0 => any_nibble || (f.class != Class::Z && bcd_all_digits(body)),
        1 if f.class != Class::Z || any_nibble => {
            let pad_ok = |n: u8| f.lenient_pad || n == f.pad_nibble;
            let dig = |n: u8| any_nibble || n < 10;
            match f.align {
                crate::spec::Align::Right => body.split_first().is_some_and(|(&b, rest)| {
                    pad_ok(b >> 4) && dig(b & 0x0F) && (any_nibble || bcd_all_digits(rest))
                }),
                crate::spec::Align::Left => body.split_last().is_some_and(|(&b, rest)| {
                    dig(b >> 4) && pad_ok(b & 0x0F) && (any_nibble || bcd_all_digits(rest))
                }),
            }
        }
        _ => false,
    };
    if fast { Ok(()) } else { check_bcd_slow(f, data, digits) }
}

/// Whether every nibble of `data` is a decimal digit (eight bytes at a time).
#[inline]
fn bcd_all_digits(data: &[u8]) -> bool {
    const LO: u64 = 0x0F0F_0F0F_0F0F_0F0F;
    const SIX: u64 = 0x0606_0606_0606_0606;
    const CARRY: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    let (chunks, tail) = data.as_chunks::<8>();
    let mut bad = 0u64;
    for c in chunks {
        let x = u64::from_le_bytes(*c);
        // A nibble above 9 carries into the high half of its byte when 6 is added.
        bad |= (x & LO).wrapping_add(SIX) | ((x >> 4) & LO).wrapping_add(SIX);
    }
    bad & CARRY == 0 && tail.iter().all(|&b| b >> 4 < 10 && b & 0x0F < 10)
}

#[inline(never)]
fn check_bcd_slow(f: &Field, data: &[u8], digits: usize) -> Result<(), usize> {
    let (body, skip) = if f.class == Class::Xn { (data.get(1..).unwrap_or(&[]), 1usize) } else { (data, 0) };
    let nibbles = body.len().saturating_mul(2);
    let pad = nibbles.saturating_sub(digits);
    if pad > 1 && f.class != Class::B {
        return Err(skip);
    }
    let allowed: u16 = match f.class {
        Class::Z if f.z_hex => 0xFFFF,
        Class::Z => 0x03FF | (1 << 0xD),
        Class::B => 0xFFFF,
        _ => 0x03FF,
    };
    let ok = |n: u8| (allowed >> n) & 1 == 1;
    let pad_ok = |n: u8| f.lenient_pad || n == f.pad_nibble;
    let last = body.len().saturating_sub(1);
    for (i, &b) in body.iter().enumerate() {
        let (hi, lo) = (b >> 4, b & 0x0F);
        let hi_ok =
            if pad == 1 && i == 0 && f.align == crate::spec::Align::Right { pad_ok(hi) } else { ok(hi) };
        let lo_ok =
            if pad == 1 && i == last && f.align == crate::spec::Align::Left { pad_ok(lo) } else { ok(lo) };
        if !(hi_ok && lo_ok) {
            return Err(i.saturating_add(skip));
        }
    }
    Ok(())
}

/// The length unit of a field (fixed or prefix unit; `Rest` counts bytes).
#[inline]
pub(crate) fn unit_of(f: &Field) -> Unit {
    match f.length {
        Length::Fixed { unit, .. } => unit,
        Length::Var { prefix, .. } => prefix.unit,
        Length::Rest { .. } => Unit::Bytes,
    }
}

/// Number of canonical bytes for a field with `count` units in `wire` bytes.
#[inline]
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
#[inline]
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

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
    use super::*;
    use crate::spec::Align;
    extern crate alloc;
    use alloc::vec::Vec;

    /// Every field of every built-in spec: the fast validation paths accept exactly what the
    /// byte-by-byte checks accept (random values over a small alphabet of good and bad bytes).
    #[test]
    fn fast_paths_agree_with_byte_checks() {
        const ALPHABET: &[u8] = b"0123456789=DdAaZz ~^\x7F\x1F\x80\xA0\xFF\x00\x0F\xF0\x9A\xD5\x12\x34";
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut fields: Vec<Field> =
            crate::specs::ALL.iter().flat_map(|s| s.fields.iter().flatten().copied()).collect();
        let more: Vec<Field> = fields
            .iter()
            .flat_map(|f| {
                [
                    f.aligned(Align::Left, 0xF),
                    f.aligned(Align::Right, 0),
                    Field { lenient_pad: false, ..*f },
                    Field { z_hex: true, ..*f },
                ]
            })
            .collect();
        fields.extend(more);
        let mut buf = [0u8; 40];
        for f in &fields {
            for _ in 0..400 {
                let len = (next() % 40) as usize;
                let good = next() % 2 == 0;
                for b in &mut buf[..len] {
                    let r = next();
                    *b = if good {
                        // Mostly bytes valid in most classes, to reach both outcomes.
                        b"0123456789"[(r % 10) as usize]
                    } else {
                        ALPHABET[(r % ALPHABET.len() as u64) as usize]
                    };
                }
                let v = &buf[..len];
                assert_eq!(validate_canonical(f, v), validate_canonical_slow(f, v), "{f:?} {v:02X?}");
                for digits in [len * 2, (len * 2).saturating_sub(1), (len * 2).saturating_sub(2)] {
                    assert_eq!(
                        check_bcd(f, v, digits),
                        check_bcd_slow(f, v, digits),
                        "{f:?} {v:02X?} {digits}"
                    );
                }
            }
        }
    }
}
