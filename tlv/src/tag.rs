//! BER tags as EMV uses them: one to three bytes, identified by their raw bytes.
//!
//! EMV encodes tag numbers below 31 in the two-byte form (`9F02`), which strict DER rejects;
//! a tag here is therefore its bytes, never a (class, number) pair re-encoded.

use crate::error::{Error, ErrorKind};

/// The class of a tag (bits 8–7 of its first byte).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// `00xxxxxx`
    Universal,
    /// `01xxxxxx` (EMV: `5F..`, `4F`, `50` …)
    Application,
    /// `10xxxxxx` (EMV: `9F..`, `8x`)
    ContextSpecific,
    /// `11xxxxxx` (EMV: `DF..`, `BF0C`, `FF..`)
    Private,
}

/// The maximum number of bytes in an EMV tag.
pub const MAX_TAG_LEN: usize = 3;

/// A BER-TLV tag of one to three bytes.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    bytes: [u8; MAX_TAG_LEN],
    len: u8,
}

impl Tag {
    /// Reads a tag from the start of `data`; returns it and its length in bytes.
    ///
    /// Errors carry offsets relative to `data`; a truncated or over-long tag is reported at the
    /// tag's first byte.
    #[inline]
    pub fn parse(data: &[u8]) -> Result<(Self, usize), Error> {
        let Some((&first, rest)) = data.split_first() else {
            return Err(Error::new(ErrorKind::TruncatedTag, 0));
        };
        if first & 0x1F != 0x1F {
            return Ok((Self { bytes: [first, 0, 0], len: 1 }, 1));
        }
        let Some(&second) = rest.first() else {
            return Err(Error::new(ErrorKind::TruncatedTag, 0));
        };
        if second & 0x80 == 0 {
            return Ok((Self { bytes: [first, second, 0], len: 2 }, 2));
        }
        let Some(&third) = rest.get(1) else {
            return Err(Error::new(ErrorKind::TruncatedTag, 0));
        };
        if third & 0x80 == 0 {
            return Ok((Self { bytes: [first, second, third], len: 3 }, 3));
        }
        Err(Error::new(ErrorKind::TagTooLong, 0))
    }

    /// A tag from bytes the caller has already checked to form a well-formed tag of `len` bytes.
    #[inline(always)]
    pub(crate) const fn from_parts(bytes: [u8; MAX_TAG_LEN], len: u8) -> Self {
        Self { bytes, len }
    }

    /// The tag whose bytes are `bytes`, which must be exactly one well-formed tag.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        match Self::parse(bytes) {
            Ok((tag, n)) if n == bytes.len() => Ok(tag),
            Ok(_) | Err(_) => Err(Error::new(ErrorKind::InvalidTag, 0)),
        }
    }

    /// The tag written as a number, e.g. `Tag::from_u32(0x9F02)`, `Tag::from_u32(0xDF8116)`.
    ///
    /// Returns `None` when the number is not one well-formed tag of 1–3 bytes.
    pub const fn from_u32(n: u32) -> Option<Self> {
        let b = n.to_be_bytes();
        let (bytes, len) = if n <= 0xFF {
            ([b[3], 0, 0], 1)
        } else if n <= 0xFFFF {
            ([b[2], b[3], 0], 2)
        } else if n <= 0xFF_FFFF {
            ([b[1], b[2], b[3]], 3)
        } else {
            return None;
        };
        let t = Self { bytes, len };
        if t.is_well_formed() { Some(t) } else { None }
    }

    /// Like [`Tag::from_u32`] for constants: a malformed literal is a compile-time error when
    /// used in a `const`.
    pub const fn new(n: u32) -> Self {
        match Self::from_u32(n) {
            Some(t) => t,
            #[expect(clippy::panic, reason = "const constructor: a malformed literal fails to compile")]
            None => panic!("malformed tag literal"),
        }
    }

    const fn is_well_formed(&self) -> bool {
        let [a, b, c] = self.bytes;
        match self.len {
            1 => a & 0x1F != 0x1F,
            2 => a & 0x1F == 0x1F && b & 0x80 == 0,
            3 => a & 0x1F == 0x1F && b & 0x80 != 0 && c & 0x80 == 0,
            _ => false,
        }
    }

    /// The tag's bytes (1–3).
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// The number of bytes of the tag (1–3).
    #[inline]
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Always false: a tag has at least one byte.
    pub const fn is_empty(&self) -> bool {
        false
    }

    /// The tag's bytes as a big-endian number, e.g. `0x9F02`.
    #[inline]
    pub const fn to_u32(&self) -> u32 {
        let [a, b, c] = self.bytes;
        match self.len {
            1 => a as u32,
            2 => u32::from_be_bytes([0, 0, a, b]),
            _ => u32::from_be_bytes([0, a, b, c]),
        }
    }

    /// The tag's class.
    pub const fn class(&self) -> Class {
        match self.bytes[0] >> 6 {
            0 => Class::Universal,
            1 => Class::Application,
            2 => Class::ContextSpecific,
            _ => Class::Private,
        }
    }

    /// Whether the constructed bit (b6 of the first byte) is set.
    #[inline]
    pub const fn is_constructed(&self) -> bool {
        self.bytes[0] & 0x20 != 0
    }

    /// The tag number within its class (`9F02` → 2, `DF8116` → 0x16 + 0x80·1 = 150, `5A` → 26).
    pub const fn number(&self) -> u32 {
        let [a, b, c] = self.bytes;
        match self.len {
            1 => (a & 0x1F) as u32,
            2 => (b & 0x7F) as u32,
            _ => (((b & 0x7F) as u32) << 7) | (c & 0x7F) as u32,
        }
    }
}

impl core::fmt::Display for Tag {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for b in self.as_bytes() {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl core::fmt::Debug for Tag {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Tag({self})")
    }
}
