//! CVM List `8E` and CVM Results `9F34` (EMV 4.4 Book 3 §10.5, Annex C3).
//!
//! The list is amount X (4 bytes binary) ‖ amount Y (4 bytes binary) ‖ CV rules of two bytes.
//! Rule byte 1: b7 = "apply succeeding CV rule if this CVM is unsuccessful", b6–b1 = method.
//! Rule byte 2: the condition code. An 8-byte list (amounts, no rules) parses; it has no rules,
//! which the CVM step treats like an absent list. An odd number of rule bytes is an error.

use core::fmt;

use crate::error::{Error, ErrorKind};

/// A CVM method code (rule byte 1, b6–b1).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct CvmMethod(pub u8);

impl CvmMethod {
    /// Fail CVM processing.
    pub const FAIL: Self = Self(0x00);
    /// Plaintext PIN verification performed by ICC.
    pub const PLAINTEXT_PIN_ICC: Self = Self(0x01);
    /// Enciphered PIN verified online.
    pub const ENCIPHERED_PIN_ONLINE: Self = Self(0x02);
    /// Plaintext PIN verification performed by ICC and signature (paper).
    pub const PLAINTEXT_PIN_ICC_AND_SIGNATURE: Self = Self(0x03);
    /// Enciphered PIN verification performed by ICC.
    pub const ENCIPHERED_PIN_ICC: Self = Self(0x04);
    /// Enciphered PIN verification performed by ICC and signature (paper).
    pub const ENCIPHERED_PIN_ICC_AND_SIGNATURE: Self = Self(0x05);
    /// Signature (paper).
    pub const SIGNATURE: Self = Self(0x1E);
    /// No CVM required.
    pub const NO_CVM: Self = Self(0x1F);
    /// Not available for use (`3F`; also "no CVM performed" in CVM Results).
    pub const NOT_AVAILABLE: Self = Self(0x3F);

    /// The method's description (Book 3 Table 43).
    pub const fn name(self) -> &'static str {
        match self.0 & 0x3F {
            0x00 => "Fail CVM processing",
            0x01 => "Plaintext PIN verification performed by ICC",
            0x02 => "Enciphered PIN verified online",
            0x03 => "Plaintext PIN verification performed by ICC and signature (paper)",
            0x04 => "Enciphered PIN verification performed by ICC",
            0x05 => "Enciphered PIN verification performed by ICC and signature (paper)",
            0x06..=0x0F => "Biometric method (EMV 4.4)",
            0x1E => "Signature (paper)",
            0x1F => "No CVM required",
            0x20..=0x2F => "Reserved for use by the individual payment systems",
            0x30..=0x3E => "Reserved for use by the issuer",
            0x3F => "Not available for use",
            _ => "RFU",
        }
    }

    /// Whether this code is one the terminal can recognise (EMV-defined, not RFU/proprietary).
    pub const fn is_recognised(self) -> bool {
        matches!(self.0 & 0x3F, 0x00..=0x05 | 0x1E | 0x1F)
    }
}

/// A CV rule condition code (rule byte 2).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct CvmCondition(pub u8);

impl CvmCondition {
    /// The condition's description (Book 3 Table 44).
    pub const fn name(self) -> &'static str {
        match self.0 {
            0x00 => "Always",
            0x01 => "If unattended cash",
            0x02 => "If not unattended cash and not manual cash and not purchase with cashback",
            0x03 => "If terminal supports the CVM",
            0x04 => "If manual cash",
            0x05 => "If purchase with cashback",
            0x06 => "If transaction is in the application currency and is under X value",
            0x07 => "If transaction is in the application currency and is over X value",
            0x08 => "If transaction is in the application currency and is under Y value",
            0x09 => "If transaction is in the application currency and is over Y value",
            0x80..=0xFF => "Reserved for use by individual payment systems",
            _ => "RFU",
        }
    }

    /// Whether the condition compares with amount X or Y (needs the application currency).
    pub const fn uses_amount(self) -> bool {
        matches!(self.0, 0x06..=0x09)
    }
}

/// One CV rule.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct CvRule {
    /// Rule byte 1 as on the card.
    pub code: u8,
    /// The condition.
    pub condition: CvmCondition,
}

impl CvRule {
    /// The method (b6–b1).
    pub const fn method(self) -> CvmMethod {
        CvmMethod(self.code & 0x3F)
    }

    /// b7: apply the succeeding rule if this CVM is unsuccessful.
    pub const fn apply_next_if_unsuccessful(self) -> bool {
        self.code & 0x40 != 0
    }
}

impl fmt::Display for CvRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02X}{:02X}: {}, {}, {}",
            self.code,
            self.condition.0,
            self.method().name(),
            self.condition.name(),
            if self.apply_next_if_unsuccessful() {
                "next rule if unsuccessful"
            } else {
                "fail if unsuccessful"
            }
        )
    }
}

/// A parsed CVM List (a view over the value bytes).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CvmList<'a> {
    /// Amount X, binary, in the application currency.
    pub x: u32,
    /// Amount Y, binary, in the application currency.
    pub y: u32,
    rules: &'a [u8],
}

impl<'a> CvmList<'a> {
    /// Reads the value of `8E`.
    pub fn parse(value: &'a [u8]) -> Result<Self, Error> {
        let Some((x, rest)) = value.split_first_chunk::<4>() else {
            return Err(Error::new(ErrorKind::BadLength, 0));
        };
        let Some((y, rules)) = rest.split_first_chunk::<4>() else {
            return Err(Error::new(ErrorKind::BadLength, 4));
        };
        if rules.len() % 2 != 0 {
            return Err(Error::new(ErrorKind::BadLength, value.len().saturating_sub(1)));
        }
        Ok(Self { x: u32::from_be_bytes(*x), y: u32::from_be_bytes(*y), rules })
    }

    /// The rules in order.
    pub fn rules(&self) -> impl Iterator<Item = CvRule> + 'a {
        self.rules.chunks_exact(2).filter_map(|c| match *c {
            [code, cond] => Some(CvRule { code, condition: CvmCondition(cond) }),
            _ => None,
        })
    }

    /// Whether the list holds no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

impl fmt::Display for CvmList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "X={} Y={}", self.x, self.y)?;
        for r in self.rules() {
            write!(f, "; {r}")?;
        }
        Ok(())
    }
}

/// The result byte of CVM Results.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum CvmResult {
    /// `00`: unknown (e.g. signature).
    Unknown,
    /// `01`: failed.
    Failed,
    /// `02`: successful.
    Successful,
    /// Any other value.
    Other(u8),
}

impl CvmResult {
    /// From the byte.
    pub const fn from_byte(b: u8) -> Self {
        match b {
            0 => Self::Unknown,
            1 => Self::Failed,
            2 => Self::Successful,
            o => Self::Other(o),
        }
    }

    /// The byte.
    pub const fn byte(self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::Failed => 1,
            Self::Successful => 2,
            Self::Other(o) => o,
        }
    }
}

/// CVM Results (tag `9F34`): the rule performed (or `3F` when none) and its result.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct CvmResults {
    /// Rule byte 1 of the CVM performed (`3F` = no CVM performed).
    pub code: u8,
    /// The condition of the rule.
    pub condition: CvmCondition,
    /// The outcome.
    pub result: CvmResult,
}

impl CvmResults {
    /// "No CVM performed" (`3F0000`), used when the list is absent or empty.
    pub const NO_CVM_PERFORMED: Self =
        Self { code: 0x3F, condition: CvmCondition(0), result: CvmResult::Unknown };

    /// Reads the 3-byte value.
    pub fn parse(value: &[u8]) -> Result<Self, Error> {
        let [code, cond, res] = super::exact::<3>(value)?;
        Ok(Self { code, condition: CvmCondition(cond), result: CvmResult::from_byte(res) })
    }

    /// The three bytes.
    pub const fn bytes(&self) -> [u8; 3] {
        [self.code, self.condition.0, self.result.byte()]
    }
}

impl fmt::Display for CvmResults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let result = match self.result {
            CvmResult::Unknown => "Unknown",
            CvmResult::Failed => "Failed",
            CvmResult::Successful => "Successful",
            CvmResult::Other(_) => "RFU",
        };
        write!(
            f,
            "{:02X}{:02X}{:02X}: {}, {}, {}",
            self.code,
            self.condition.0,
            self.result.byte(),
            if self.code & 0x3F == 0x3F { "No CVM performed" } else { CvmMethod(self.code).name() },
            self.condition.name(),
            result
        )
    }
}
