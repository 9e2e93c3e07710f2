//! Cryptogram Information Data, tag `9F27` (EMV 4.4 Book 3 §6.5.5.4, Table 15).

use core::fmt;

use crate::error::Error;

/// The cryptogram type in CID bits 8–7 (the same coding as GENERATE AC P1).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CryptogramType {
    /// `00`: Application Authentication Cryptogram (decline).
    Aac,
    /// `10`: Authorisation Request Cryptogram (go online).
    Arqc,
    /// `01`: Transaction Certificate (approve).
    Tc,
    /// `11`: reserved.
    Rfu,
}

impl CryptogramType {
    /// From the two top bits of a CID or P1 byte.
    pub const fn from_bits(b: u8) -> Self {
        match b & 0xC0 {
            0x00 => Self::Aac,
            0x40 => Self::Tc,
            0x80 => Self::Arqc,
            _ => Self::Rfu,
        }
    }

    /// The bits as they appear in CID and GENERATE AC P1.
    pub const fn bits(self) -> u8 {
        match self {
            Self::Aac => 0x00,
            Self::Tc => 0x40,
            Self::Arqc => 0x80,
            Self::Rfu => 0xC0,
        }
    }

    /// `AAC`, `TC`, `ARQC` or `RFU`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Aac => "AAC",
            Self::Tc => "TC",
            Self::Arqc => "ARQC",
            Self::Rfu => "RFU",
        }
    }
}

/// Cryptogram Information Data (tag `9F27`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cid(pub u8);

impl Cid {
    /// Reads the one-byte value.
    pub fn parse(value: &[u8]) -> Result<Self, Error> {
        super::exact::<1>(value).map(|[b]| Self(b))
    }

    /// The cryptogram type (b8–b7).
    pub const fn cryptogram(self) -> CryptogramType {
        CryptogramType::from_bits(self.0)
    }

    /// b4: advice required.
    pub const fn advice_required(self) -> bool {
        self.0 & 0x08 != 0
    }

    /// b3–b1: the reason/advice code, if any (`001` service not allowed, `010` PIN try limit
    /// exceeded, `011` issuer authentication failed).
    pub const fn reason(self) -> Option<&'static str> {
        match self.0 & 0x07 {
            0 => None,
            1 => Some("Service not allowed"),
            2 => Some("PIN Try Limit exceeded"),
            3 => Some("Issuer authentication failed"),
            _ => Some("RFU"),
        }
    }

    /// b6–b5: payment-system-specific cryptogram bits.
    pub const fn scheme_bits(self) -> u8 {
        (self.0 >> 4) & 0x03
    }
}

impl fmt::Display for Cid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02X}: {}", self.0, self.cryptogram().as_str())?;
        if self.advice_required() {
            f.write_str(", advice required")?;
        }
        if let Some(r) = self.reason() {
            write!(f, ", {r}")?;
        }
        Ok(())
    }
}
