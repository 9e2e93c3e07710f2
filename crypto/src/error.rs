//! The crate's one error type: a small `Copy` value carrying what went wrong and where.
//!
//! Errors never carry key bytes, PIN digits or any other secret value.

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A key, block, KSN or buffer has the wrong length.
    #[error("invalid length")]
    InvalidLength,
    /// A character is not a hexadecimal (or decimal) digit where one is required.
    #[error("invalid character")]
    InvalidCharacter,
    /// An output buffer is too small.
    #[error("output buffer too small")]
    BufferTooSmall,
    /// Data is not a whole number of cipher blocks.
    #[error("data is not a multiple of the block size")]
    NotBlockAligned,
    /// The algorithm is not allowed for this operation (e.g. AES key for a TDES-only scheme).
    #[error("algorithm not allowed here")]
    WrongAlgorithm,
    /// A parameter is outside its allowed range.
    #[error("value out of range")]
    OutOfRange,
    /// A MAC, KCV or cryptogram did not verify.
    #[error("verification failed")]
    VerificationFailed,
    /// A DUKPT transaction counter is zero, has too many one-bits, or the KSN is malformed.
    #[error("invalid key serial number")]
    InvalidKsn,
    /// The DUKPT terminal has no more valid transaction counters.
    #[error("transaction counter exhausted")]
    Exhausted,
    /// A PIN block's content violates ISO 9564-1 (control field, length, digits, fill).
    #[error("invalid PIN block")]
    InvalidPinBlock,
    /// A PIN is not 4–12 decimal digits.
    #[error("invalid PIN")]
    InvalidPin,
    /// A PAN is too short, too long or not numeric.
    #[error("invalid PAN")]
    InvalidPan,
    /// A working key would be stronger than the key it is derived from.
    #[error("working key stronger than derivation key")]
    KeyTooStrong,
    /// Persisted state failed its integrity check or has an unknown layout version.
    #[error("corrupt or unknown persisted state")]
    CorruptState,
    /// A key block is malformed.
    #[error("malformed key block")]
    MalformedKeyBlock,
    /// The requested combination is not supported.
    #[error("unsupported")]
    Unsupported,
    /// A DER-encoded key (SubjectPublicKeyInfo) is malformed.
    #[error("malformed DER key")]
    MalformedKey,
}

/// An error: the kind plus a static description of where it arose (field name) and an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{kind} in {field} at offset {offset}")]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// The field, parameter or structure concerned (e.g. `"ksn"`, `"pin block control field"`).
    pub field: &'static str,
    /// Byte or character offset within that field (0 when not meaningful).
    pub offset: usize,
}

impl Error {
    /// An error of `kind` concerning `field`.
    #[must_use]
    pub const fn new(kind: ErrorKind, field: &'static str) -> Self {
        Self { kind, field, offset: 0 }
    }

    /// An error of `kind` at `offset` within `field`.
    #[must_use]
    pub const fn at(kind: ErrorKind, field: &'static str, offset: usize) -> Self {
        Self { kind, field, offset }
    }
}

/// Shorthand result type.
pub type Result<T> = core::result::Result<T, Error>;
