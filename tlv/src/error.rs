//! The one error type of this crate: a small `Copy` value carrying what went wrong, where
//! (byte offset from the start of the outermost input) and, when known, which tag was being read.

use crate::Tag;

/// What went wrong while reading or writing BER-TLV.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended inside a tag.
    TruncatedTag,
    /// The input ended inside a length field.
    TruncatedLength,
    /// The value would run past the end of the enclosing object (or of the input); reported at
    /// the first value byte.
    LengthExceedsParent,
    /// Indefinite length (`80`) or a long form longer than `82 xx xx`.
    UnsupportedLengthForm,
    /// A tag longer than three bytes (EMV tags are one to three bytes).
    TagTooLong,
    /// A padding byte (`00`, or `FF` with FF padding) where strict mode expects a tag.
    PaddingInStrictMode,
    /// A long-form length that a shorter form could express, in strict mode.
    NonMinimalLength,
    /// Nested objects deeper than the configured maximum.
    DepthExceeded,
    /// The output buffer is too small for the encoding.
    BufferTooSmall,
    /// A value longer than the 65,535 bytes an `82 xx xx` length can express.
    ValueTooLong,
    /// A tag that is not a well-formed BER tag (empty, bad continuation bits, or `00`).
    InvalidTag,
    /// A path expression that does not parse (bad hex, empty segment, too many segments).
    InvalidPath,
}

impl ErrorKind {
    /// A short human description.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TruncatedTag => "truncated tag",
            Self::TruncatedLength => "truncated length",
            Self::LengthExceedsParent => "length exceeds parent",
            Self::UnsupportedLengthForm => "unsupported length form",
            Self::TagTooLong => "tag longer than 3 bytes",
            Self::PaddingInStrictMode => "padding in strict mode",
            Self::NonMinimalLength => "non-minimal length in strict mode",
            Self::DepthExceeded => "nesting depth exceeded",
            Self::BufferTooSmall => "buffer too small",
            Self::ValueTooLong => "value longer than 65535 bytes",
            Self::InvalidTag => "invalid tag",
            Self::InvalidPath => "invalid path",
        }
    }
}

/// A BER-TLV error: kind, byte offset and the tag being read when known.
///
/// The offset counts from the start of the outermost input handed to the reader, so nested
/// errors point at the exact byte. Errors never carry value bytes (they may be card data).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{} at offset {offset}{}", kind.as_str(), TagSuffix(*tag))]
#[non_exhaustive]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Byte offset of the offending byte (for the writer: of the object being written).
    pub offset: usize,
    /// The tag whose header or value was being read, when the tag had been read.
    pub tag: Option<Tag>,
}

impl Error {
    /// An error of `kind` at `offset`, tag unknown.
    pub const fn new(kind: ErrorKind, offset: usize) -> Self {
        Self { kind, offset, tag: None }
    }

    /// The same error, naming `tag`.
    pub const fn with_tag(mut self, tag: Tag) -> Self {
        self.tag = Some(tag);
        self
    }
}

struct TagSuffix(Option<Tag>);

impl core::fmt::Display for TagSuffix {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            Some(t) => write!(f, " (tag {t})"),
            None => Ok(()),
        }
    }
}

/// One step of an iterator that yields `Err` once and then ends: skipped when `failed` is set,
/// and sets it when `step` yields an error.
#[inline]
pub(crate) fn fused<T>(
    failed: &mut bool,
    step: impl FnOnce() -> Option<Result<T, Error>>,
) -> Option<Result<T, Error>> {
    if *failed {
        return None;
    }
    let item = step();
    if let Some(Err(_)) = item {
        *failed = true;
    }
    item
}
