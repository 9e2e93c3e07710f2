//! The one error type of this crate: what went wrong and where (byte offset, tag), never the
//! value bytes (they may be card data).

use payproto_tlv::Tag;

/// What went wrong.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Malformed BER-TLV (the kind of the TLV reader's error).
    Tlv(payproto_tlv::ErrorKind),
    /// A data object or field has a length its definition does not allow.
    BadLength,
    /// A value is outside what its definition allows (bad BCD digit, reserved code, SFI 0 …).
    BadValue,
    /// A mandatory data object is missing.
    Missing,
    /// The caller's output buffer is too small.
    BufferTooSmall,
    /// A fixed-capacity store or list is full.
    Full,
    /// A primitive data object arrived twice from the card (Book 3 §10.2 "redundant").
    Redundant,
    /// The card answered with an unexpected status word.
    Status(u16),
    /// The card's response has the wrong template or structure.
    BadTemplate,
    /// A link-layer check failed (parity, LRC, TCK, procedure byte, protocol rule).
    Link,
    /// A command or response sequence did not happen as the protocol requires.
    Sequence,
    /// The transport reported a failure.
    Transport,
}

impl ErrorKind {
    /// A short human description.
    pub fn describe(self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Tlv(k) => f.write_str(k.as_str()),
            Self::BadLength => f.write_str("bad length"),
            Self::BadValue => f.write_str("bad value"),
            Self::Missing => f.write_str("mandatory data missing"),
            Self::BufferTooSmall => f.write_str("buffer too small"),
            Self::Full => f.write_str("capacity exceeded"),
            Self::Redundant => f.write_str("redundant data object"),
            Self::Status(sw) => write!(f, "unexpected status word {sw:04X}"),
            Self::BadTemplate => f.write_str("unexpected template"),
            Self::Link => f.write_str("link-layer error"),
            Self::Sequence => f.write_str("protocol sequence error"),
            Self::Transport => f.write_str("transport error"),
        }
    }
}

/// An error: kind, byte offset into the input being parsed, and the tag when known.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{}", Shown(*self))]
#[non_exhaustive]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Byte offset into the input (0 when not meaningful).
    pub offset: usize,
    /// The data object concerned, when known.
    pub tag: Option<Tag>,
}

impl Error {
    /// An error of `kind` at `offset`.
    pub const fn new(kind: ErrorKind, offset: usize) -> Self {
        Self { kind, offset, tag: None }
    }

    /// An error of `kind` concerning `tag`.
    pub const fn at_tag(kind: ErrorKind, tag: Tag) -> Self {
        Self { kind, offset: 0, tag: Some(tag) }
    }

    /// The same error, naming `tag`.
    #[must_use]
    pub const fn with_tag(mut self, tag: Tag) -> Self {
        self.tag = Some(tag);
        self
    }
}

impl From<payproto_tlv::Error> for Error {
    fn from(e: payproto_tlv::Error) -> Self {
        Self { kind: ErrorKind::Tlv(e.kind), offset: e.offset, tag: e.tag }
    }
}

struct Shown(Error);

impl core::fmt::Display for Shown {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.kind.describe(f)?;
        write!(f, " at offset {}", self.0.offset)?;
        if let Some(t) = self.0.tag {
            write!(f, " (tag {t})")?;
        }
        Ok(())
    }
}
