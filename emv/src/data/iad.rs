//! Issuer Application Data, tag `9F10`, for the common cryptogram versions.
//!
//! The IAD layout belongs to the scheme, not to EMV, and nothing in the value says which scheme
//! wrote it. [`Iad::parse`] recognises the layouts by shape (a documented choice; use
//! [`Iad::parse_for`] when the AID is known):
//! - **Visa IAD formats 0/1/3** (VIS; CVN 10 `0A`, CVN 18 `12` …): byte 1 = `06` (length of the
//!   Visa part), DKI, CVN, 4-byte CVR whose first byte is its length `03`, then optionally a length
//!   byte and Issuer Discretionary Data.
//! - **Visa IAD format 2** (CVN 22 `22`): 32 bytes starting `1F`, then CVN, DKI, a 5-byte CVR and
//!   discretionary data. (Layout from public VIS summaries; not checked against a golden decode.)
//! - **Mastercard M/Chip** (CVN 16 `10`, 17 `11`, 20 `14`, 21 `15`): DKI, CVN, 6-byte CVR, 2-byte
//!   DAC/ICC dynamic number, 8-byte plaintext/encrypted counters (18 bytes, or more with
//!   further issuer data).
//! - **UnionPay / PBOC**: byte 1 = `07`, DKI, CVN, 4-byte CVR (first byte `03`), algorithm
//!   identifier (`01` TDES, `04` SM4), then optional issuer data.

use core::fmt;

use super::bitfield;
use crate::dictionary::Scheme;
use crate::error::{Error, ErrorKind};

bitfield! {
    /// Visa Card Verification Results (the 4-byte CVR of IAD formats 0/1/3; byte 1 is its length).
    VisaCvr, 4;
    SECOND_GEN_AC_TC = (2, 0x40, "TC returned in second GENERATE AC");
    SECOND_GEN_AC_NOT_REQUESTED = (2, 0x80, "Second GENERATE AC not requested");
    FIRST_GEN_AC_TC = (2, 0x10, "TC returned in GPO/first GENERATE AC");
    FIRST_GEN_AC_ARQC = (2, 0x20, "ARQC returned in GPO/first GENERATE AC");
    ISSUER_AUTH_FAILED = (2, 0x08, "Issuer authentication performed and failed");
    OFFLINE_PIN_PERFORMED = (2, 0x04, "Offline PIN verification performed");
    OFFLINE_PIN_FAILED = (2, 0x02, "Offline PIN verification failed");
    UNABLE_TO_GO_ONLINE = (2, 0x01, "Unable to go online");
    LAST_ONLINE_NOT_COMPLETED = (3, 0x80, "Last online transaction not completed");
    PIN_TRY_LIMIT_EXCEEDED = (3, 0x40, "PIN try limit exceeded");
    VELOCITY_EXCEEDED = (3, 0x20, "Exceeded velocity checking counters");
    NEW_CARD = (3, 0x10, "New card");
    LAST_ISSUER_AUTH_FAILED = (3, 0x08, "Issuer authentication failure on last online transaction");
    ISSUER_AUTH_NOT_PERFORMED = (3, 0x04, "Issuer authentication not performed after online authorization");
    BLOCKED_PIN_TRY_LIMIT = (3, 0x02, "Application blocked by card because PIN try limit exceeded");
    LAST_SDA_FAILED = (3, 0x01, "Offline static data authentication failed on last transaction and transaction declined offline");
    SCRIPT_FAILED = (4, 0x08, "Issuer script processing failed");
    LAST_DDA_FAILED = (4, 0x04, "Offline dynamic data authentication failed on last transaction and transaction declined offline");
    DDA_PERFORMED = (4, 0x02, "Offline dynamic data authentication performed");
}

impl VisaCvr {
    /// Byte 4 b8–b5: issuer script commands processed on the last transaction.
    pub const fn script_count(&self) -> u8 {
        self.0[3] >> 4
    }
}

bitfield! {
    /// Mastercard M/Chip Card Verification Results (6 bytes).
    McCvr, 6;
    SECOND_GEN_AC_TC = (1, 0x40, "TC returned in second GENERATE AC");
    SECOND_GEN_AC_NOT_REQUESTED = (1, 0x80, "Second GENERATE AC not requested");
    FIRST_GEN_AC_TC = (1, 0x10, "TC returned in first GENERATE AC");
    FIRST_GEN_AC_ARQC = (1, 0x20, "ARQC returned in first GENERATE AC");
    OFFLINE_PIN_PERFORMED = (1, 0x04, "Offline PIN verification performed");
    OFFLINE_ENCIPHERED_PIN_PERFORMED = (1, 0x02, "Offline encrypted PIN verification performed");
    OFFLINE_PIN_SUCCESSFUL = (1, 0x01, "Offline PIN verification successful");
    DDA_RETURNED = (2, 0x80, "DDA returned");
    CDA_FIRST_GEN_AC = (2, 0x40, "Combined DDA/AC generation returned in first GENERATE AC");
    CDA_SECOND_GEN_AC = (2, 0x20, "Combined DDA/AC generation returned in second GENERATE AC");
    ISSUER_AUTH_PERFORMED = (2, 0x10, "Issuer authentication performed");
    CIAC_DEFAULT_SKIPPED = (2, 0x08, "CIAC-Default skipped on CAT3");
    LAST_ONLINE_NOT_COMPLETED = (4, 0x80, "Last online transaction not completed");
    UNABLE_TO_GO_ONLINE = (4, 0x40, "Unable to go online");
    OFFLINE_PIN_NOT_PERFORMED = (4, 0x20, "Offline PIN verification not performed");
    OFFLINE_PIN_FAILED = (4, 0x10, "Offline PIN verification failed");
    PIN_TRY_LIMIT_EXCEEDED = (4, 0x08, "PTL exceeded");
    INTERNATIONAL = (4, 0x04, "International transaction");
    DOMESTIC = (4, 0x02, "Domestic transaction");
    TERMINAL_OFFLINE_PIN_OK = (4, 0x01, "Terminal erroneously considers offline PIN OK");
    LCOL_EXCEEDED = (5, 0x80, "Lower consecutive offline limit exceeded");
    UCOL_EXCEEDED = (5, 0x40, "Upper consecutive offline limit exceeded");
    LOWER_CUMULATIVE_EXCEEDED = (5, 0x20, "Lower cumulative offline limit exceeded");
    UPPER_CUMULATIVE_EXCEEDED = (5, 0x10, "Upper cumulative offline limit exceeded");
    GO_ONLINE_NEXT = (5, 0x08, "Go online on next transaction was set");
    ISSUER_AUTH_FAILED = (5, 0x04, "Issuer authentication failed");
    SCRIPT_RECEIVED = (5, 0x02, "Script received");
    SCRIPT_FAILED = (5, 0x01, "Script failed");
}

impl McCvr {
    /// Byte 3 b8–b5: right nibble of the script counter.
    pub const fn script_counter(&self) -> u8 {
        self.0[2] >> 4
    }

    /// Byte 3 b4–b1: right nibble of the PIN try counter.
    pub const fn pin_try_counter(&self) -> u8 {
        self.0[2] & 0x0F
    }
}

/// Issuer Application Data decoded by layout.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Iad<'a> {
    /// Visa IAD format 0/1/3 (CVN 10, 18 …).
    Visa {
        /// Derivation key index.
        dki: u8,
        /// Cryptogram version number.
        cvn: u8,
        /// Card verification results.
        cvr: VisaCvr,
        /// Issuer discretionary data (after its length byte), if present.
        idd: Option<&'a [u8]>,
    },
    /// Visa IAD format 2 (CVN 22).
    VisaFormat2 {
        /// Cryptogram version number.
        cvn: u8,
        /// Derivation key index.
        dki: u8,
        /// Card verification results (5 bytes).
        cvr: [u8; 5],
        /// The rest (issuer discretionary data).
        idd: &'a [u8],
    },
    /// Mastercard M/Chip (CVN 16/17/20/21).
    Mastercard {
        /// Key derivation index.
        dki: u8,
        /// Cryptogram version number.
        cvn: u8,
        /// Card verification results.
        cvr: McCvr,
        /// DAC / ICC dynamic number (2 bytes).
        dac: [u8; 2],
        /// Plaintext/encrypted counters (8 bytes).
        counters: [u8; 8],
        /// Anything after the counters.
        rest: &'a [u8],
    },
    /// UnionPay / PBOC.
    Pboc {
        /// Derivation key index.
        dki: u8,
        /// Cryptogram version number.
        cvn: u8,
        /// Card verification results (4 bytes, first is its length).
        cvr: VisaCvr,
        /// Algorithm identifier (`01` TDES, `04` SM4).
        algorithm: u8,
        /// Issuer data after the algorithm identifier.
        rest: &'a [u8],
    },
    /// A layout not recognised.
    Unknown(&'a [u8]),
}

impl<'a> Iad<'a> {
    /// Decodes by shape (see the module docs). Never fails on a value up to 32 bytes; anything
    /// unrecognised is [`Iad::Unknown`].
    pub fn parse(value: &'a [u8]) -> Result<Self, Error> {
        if value.len() > 32 {
            return Err(Error::new(ErrorKind::BadLength, 0));
        }
        for scheme in [Scheme::Visa, Scheme::Mastercard, Scheme::UnionPay] {
            if let Some(iad) = Self::try_layout(value, scheme) {
                return Ok(iad);
            }
        }
        Ok(Self::Unknown(value))
    }

    /// Decodes with the layout of `scheme` (Visa tries formats 0/1/3 and 2); a value that does not
    /// fit is [`Iad::Unknown`].
    pub fn parse_for(value: &'a [u8], scheme: Scheme) -> Self {
        Self::try_layout(value, scheme).unwrap_or(Self::Unknown(value))
    }

    fn try_layout(v: &'a [u8], scheme: Scheme) -> Option<Self> {
        match scheme {
            Scheme::Visa => {
                if let Some((&[0x06, dki, cvn, c0, c1, c2, c3], rest)) = v.split_first_chunk::<7>() {
                    if c0 != 0x03 {
                        return None;
                    }
                    let idd = match rest.split_first() {
                        None => None,
                        Some((&n, data)) => Some(data.get(..usize::from(n)).unwrap_or(data)),
                    };
                    return Some(Self::Visa { dki, cvn, cvr: VisaCvr([c0, c1, c2, c3]), idd });
                }
                if v.len() == 32
                    && let Some((&[0x1F, cvn, dki, a, b, c, d, e], idd)) = v.split_first_chunk::<8>()
                {
                    return Some(Self::VisaFormat2 { cvn, dki, cvr: [a, b, c, d, e], idd });
                }
                None
            }
            Scheme::Mastercard => {
                let (&[dki, cvn], rest) = v.split_first_chunk::<2>()?;
                if !matches!(cvn, 0x10 | 0x11 | 0x14 | 0x15) {
                    return None;
                }
                let (cvr, rest) = rest.split_first_chunk::<6>()?;
                let (dac, rest) = rest.split_first_chunk::<2>()?;
                let (counters, rest) = rest.split_first_chunk::<8>()?;
                Some(Self::Mastercard { dki, cvn, cvr: McCvr(*cvr), dac: *dac, counters: *counters, rest })
            }
            Scheme::UnionPay => {
                let (&[0x07, dki, cvn, c0, c1, c2, c3, algorithm], rest) = v.split_first_chunk::<8>()? else {
                    return None;
                };
                (c0 == 0x03).then_some(Self::Pboc {
                    dki,
                    cvn,
                    cvr: VisaCvr([c0, c1, c2, c3]),
                    algorithm,
                    rest,
                })
            }
            Scheme::Emv => None,
        }
    }

    /// The cryptogram version number, when the layout is known.
    pub const fn cvn(&self) -> Option<u8> {
        match self {
            Self::Visa { cvn, .. }
            | Self::VisaFormat2 { cvn, .. }
            | Self::Mastercard { cvn, .. }
            | Self::Pboc { cvn, .. } => Some(*cvn),
            Self::Unknown(_) => None,
        }
    }
}

fn two_bit(f: &mut fmt::Formatter<'_>, label: &str, bits: u8, first: bool) -> fmt::Result {
    let v = match (bits, first) {
        (0, _) => "AAC",
        (1, _) => "TC",
        (2, true) => "ARQC",
        (2, false) => "not requested",
        _ => "RFU",
    };
    write!(f, "; {label}: {v}")
}

fn fmt_visa_like(f: &mut fmt::Formatter<'_>, scheme: &str, dki: u8, cvn: u8, cvr: &VisaCvr) -> fmt::Result {
    write!(f, "{scheme} CVN {cvn:02X}, DKI {dki:02X}, CVR ")?;
    super::write_hex(f, &cvr.0)?;
    let [_, b2, _, _] = cvr.0;
    two_bit(f, "second GENERATE AC", (b2 >> 6) & 3, false)?;
    two_bit(f, "first GENERATE AC", (b2 >> 4) & 3, true)?;
    for (bit, name) in cvr.set_bits() {
        if bit.byte == 2 && bit.mask & 0xF0 != 0 {
            continue;
        }
        write!(f, "; {name}")?;
    }
    write!(f, "; script commands processed: {}", cvr.script_count())
}

impl fmt::Display for Iad<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Visa { dki, cvn, cvr, idd } => {
                fmt_visa_like(f, "Visa", *dki, *cvn, cvr)?;
                if let Some(d) = idd {
                    f.write_str("; IDD ")?;
                    super::write_hex(f, d)?;
                }
                Ok(())
            }
            Self::Pboc { dki, cvn, cvr, algorithm, .. } => {
                fmt_visa_like(f, "PBOC", *dki, *cvn, cvr)?;
                let alg = match algorithm {
                    0x01 => "TDES",
                    0x04 => "SM4",
                    _ => "unknown",
                };
                write!(f, "; algorithm {algorithm:02X} ({alg})")
            }
            Self::VisaFormat2 { cvn, dki, cvr, idd } => {
                write!(f, "Visa format 2 CVN {cvn:02X}, DKI {dki:02X}, CVR ")?;
                super::write_hex(f, cvr)?;
                f.write_str(", IDD ")?;
                super::write_hex(f, idd)
            }
            Self::Mastercard { dki, cvn, cvr, dac, counters, .. } => {
                write!(f, "Mastercard CVN {cvn:02X}, DKI {dki:02X}, CVR ")?;
                super::write_hex(f, &cvr.0)?;
                let [b1, ..] = cvr.0;
                two_bit(f, "second GENERATE AC", (b1 >> 6) & 3, false)?;
                two_bit(f, "first GENERATE AC", (b1 >> 4) & 3, true)?;
                for (bit, name) in cvr.set_bits() {
                    if bit.byte == 1 && bit.mask & 0xF0 != 0 {
                        continue;
                    }
                    write!(f, "; {name}")?;
                }
                write!(
                    f,
                    "; script counter {}; PIN try counter {}",
                    cvr.script_counter(),
                    cvr.pin_try_counter()
                )?;
                f.write_str("; DAC/IDN ")?;
                super::write_hex(f, dac)?;
                f.write_str("; counters ")?;
                super::write_hex(f, counters)
            }
            Self::Unknown(v) => {
                f.write_str("unrecognised layout ")?;
                super::write_hex(f, v)
            }
        }
    }
}
