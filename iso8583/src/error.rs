//! The crate's one error type: kind + field path + byte offset, never a field value (PCI).

use core::fmt;

/// The largest nesting of a [`FieldPath`] (data element plus three levels of subfields / tags).
pub const MAX_PATH: usize = 4;

/// Where in a message an error happened: the data element number, then subfield numbers or
/// BER-TLV tags of nested composites (`55 → 9F26`, `127 → 25`).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldPath {
    items: [u32; MAX_PATH],
    len: u8,
    /// Bit `i` set: item `i` is a BER-TLV tag (shown in hex) rather than a number.
    tags: u8,
}

impl FieldPath {
    /// The empty path (message level: header, MTI, bitmap).
    pub const ROOT: Self = Self { items: [0; MAX_PATH], len: 0, tags: 0 };

    /// A path naming one data element.
    pub const fn field(de: u16) -> Self {
        Self { items: [de as u32, 0, 0, 0], len: 1, tags: 0 }
    }

    /// This path with a subfield number appended (dropped silently beyond [`MAX_PATH`]).
    #[must_use]
    pub fn with_sub(mut self, n: u32) -> Self {
        if let Some(slot) = self.items.get_mut(usize::from(self.len)) {
            *slot = n;
            self.len = self.len.saturating_add(1);
        }
        self
    }

    /// This path with a BER-TLV tag appended.
    #[must_use]
    pub fn with_tag(mut self, tag: u32) -> Self {
        let i = self.len;
        self = self.with_sub(tag);
        if self.len > i {
            self.tags |= 1u8.checked_shl(u32::from(i)).unwrap_or(0);
        }
        self
    }

    /// The items of the path, outermost first.
    pub fn items(&self) -> &[u32] {
        self.items.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Whether item `i` of the path is a BER-TLV tag (shown in hex).
    pub fn is_tag(&self, i: usize) -> bool {
        i < usize::from(self.len) && (self.tags >> (i % 8)) & 1 == 1
    }

    /// The data element number, if the path names one.
    pub fn de(&self) -> Option<u32> {
        self.items().first().copied()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len == 0 {
            return f.write_str("message");
        }
        for (i, item) in self.items().iter().enumerate() {
            if i > 0 {
                f.write_str(" → ")?;
            }
            let is_tag = (self.tags >> i) & 1 == 1;
            if is_tag {
                write!(f, "{item:X}")?;
            } else {
                write!(f, "{item}")?;
            }
        }
        Ok(())
    }
}

/// What went wrong.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended before the item being read was complete.
    #[error("input truncated")]
    Truncated,
    /// A length prefix is malformed (not digits, not BCD).
    #[error("malformed length prefix")]
    BadPrefix,
    /// A length is above the maximum, below the minimum, or not the fixed length.
    #[error("length out of range")]
    BadLength,
    /// A character is not allowed by the field's content class or character set.
    #[error("invalid character for the field's content class")]
    BadCharset,
    /// A BCD nibble is not a digit (or a pad nibble is wrong).
    #[error("invalid BCD")]
    BadBcd,
    /// The MTI is malformed.
    #[error("malformed MTI")]
    BadMti,
    /// A bitmap is malformed (bad hex, or a chain longer than the spec allows).
    #[error("malformed bitmap")]
    BadBitmap,
    /// The bitmap announces a data element the spec does not define.
    #[error("data element not defined by the spec")]
    UndefinedField,
    /// Bytes remain after the last data element.
    #[error("trailing data")]
    TrailingData,
    /// The output buffer is too small.
    #[error("output buffer too small")]
    BufferTooSmall,
    /// A header (TPDU, header bytes) does not have the spec's length.
    #[error("bad header")]
    BadHeader,
    /// Composite data elements nest deeper than allowed.
    #[error("composite nesting too deep")]
    TooDeep,
    /// A BER-TLV subfield is malformed.
    #[error("malformed BER-TLV")]
    BadTlv,
    /// The message is longer than the codec supports (65 535 bytes).
    #[error("message too long")]
    TooLong,
    /// The spec itself is inconsistent (e.g. a prefix that cannot hold the maximum length).
    #[error("invalid spec")]
    BadSpec,
    /// A framing length does not match the data.
    #[error("bad frame")]
    BadFrame,
    /// The requested field is not present.
    #[error("field absent")]
    Absent,
    /// The message's MAC does not verify under the key given.
    #[error("MAC mismatch")]
    MacMismatch,
    /// No MAC can be computed: the spec has no MAC field or algorithm, or the key does not suit it.
    #[error("MAC not computable")]
    MacUnavailable,
}

/// An ISO 8583 error: kind, field path and byte offset from the start of the input (or of the
/// output for pack errors). Never carries a field value.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Where: data element and subfield path.
    pub path: FieldPath,
    /// Byte offset from the start of the input / output.
    pub offset: usize,
}

impl Error {
    /// A new error.
    pub const fn new(kind: ErrorKind, path: FieldPath, offset: usize) -> Self {
        Self { kind, path, offset }
    }
}

impl fmt::Display for Error {
    /// `input truncated (field 55 → 9F26, offset 120)`; message-level errors say `message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.items().is_empty() {
            write!(f, "{} (message, offset {})", self.kind, self.offset)
        } else {
            write!(f, "{} (field {}, offset {})", self.kind, self.path, self.offset)
        }
    }
}

impl core::error::Error for Error {}
