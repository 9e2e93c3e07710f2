//! Plain values: BCD numbers, dates (n6 YYMMDD), amounts (n12), currency (ISO 4217 numeric) and
//! country (ISO 3166-1 numeric) codes, transaction type.
//!
//! Date years: EMV Book 4 §6.7.3 maps YY 00–49 to 20YY and 50–99 to 19YY; [`Date::year`] does so.

use core::fmt;

use crate::error::{Error, ErrorKind};

/// Reads format-n BCD digits as a number; every nibble must be 0–9 (at most 19 digits).
pub fn bcd_to_u64(value: &[u8]) -> Result<u64, Error> {
    if value.len() > 9 {
        return Err(Error::new(ErrorKind::BadLength, 0));
    }
    let mut acc = 0u64;
    for (i, b) in value.iter().enumerate() {
        for d in [b >> 4, b & 0x0F] {
            if d > 9 {
                return Err(Error::new(ErrorKind::BadValue, i));
            }
            acc = acc.saturating_mul(10).saturating_add(u64::from(d));
        }
    }
    Ok(acc)
}

/// Writes `n` as `out.len()` bytes of right-justified BCD (format n); fails if it does not fit.
pub fn u64_to_bcd(mut n: u64, out: &mut [u8]) -> Result<(), Error> {
    for b in out.iter_mut().rev() {
        let lo = u8::try_from(n % 10).unwrap_or(0);
        n /= 10;
        let hi = u8::try_from(n % 10).unwrap_or(0);
        n /= 10;
        *b = (hi << 4) | lo;
    }
    if n != 0 {
        return Err(Error::new(ErrorKind::BufferTooSmall, 0));
    }
    Ok(())
}

/// A date YYMMDD (format n6).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// Two-digit year.
    pub yy: u8,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31 (checked against the month, with leap years).
    pub day: u8,
}

impl Date {
    /// Reads and validates three BCD bytes.
    pub fn parse(value: &[u8]) -> Result<Self, Error> {
        let b: [u8; 3] = super::exact(value)?;
        let mut d = [0u8; 3];
        for (slot, byte) in d.iter_mut().zip(b) {
            *slot = u8::try_from(bcd_to_u64(&[byte])?).unwrap_or(u8::MAX);
        }
        let [yy, month, day] = d;
        let date = Self { yy, month, day };
        if !(1..=12).contains(&month) || day == 0 || day > date.days_in_month() {
            return Err(Error::new(ErrorKind::BadValue, 0));
        }
        Ok(date)
    }

    /// The four-digit year (00–49 → 20YY, 50–99 → 19YY).
    pub const fn year(&self) -> u16 {
        let base: u16 = if self.yy < 50 { 2000 } else { 1900 };
        base.saturating_add(self.yy as u16)
    }

    const fn days_in_month(&self) -> u8 {
        match self.month {
            4 | 6 | 9 | 11 => 30,
            2 => {
                let y = self.year();
                if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) { 29 } else { 28 }
            }
            _ => 31,
        }
    }

    /// The three BCD bytes.
    pub const fn bytes(&self) -> [u8; 3] {
        const fn bcd(n: u8) -> u8 {
            ((n / 10) << 4) | (n % 10)
        }
        [bcd(self.yy), bcd(self.month), bcd(self.day)]
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year(), self.month, self.day)
    }
}

/// An amount in minor units (format n12, six BCD bytes; or binary 4 bytes for `81`/`9F04`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Amount(pub u64);

impl Amount {
    /// Reads a format-n12 amount.
    pub fn parse(value: &[u8]) -> Result<Self, Error> {
        if value.len() != 6 {
            return Err(Error::new(ErrorKind::BadLength, 0));
        }
        bcd_to_u64(value).map(Self)
    }

    /// The n12 encoding.
    pub fn to_n12(self) -> Result<[u8; 6], Error> {
        let mut out = [0u8; 6];
        u64_to_bcd(self.0, &mut out)?;
        Ok(out)
    }

    /// A display with `exponent` decimal places (`5F36`), e.g. 1000 with exponent 2 → `10.00`.
    pub const fn with_exponent(self, exponent: u8) -> AmountDisplay {
        AmountDisplay { amount: self.0, exponent }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// See [`Amount::with_exponent`].
#[derive(Copy, Clone, Debug)]
pub struct AmountDisplay {
    amount: u64,
    exponent: u8,
}

impl fmt::Display for AmountDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(div) = 10u64.checked_pow(u32::from(self.exponent)) else {
            return write!(f, "{}", self.amount);
        };
        if self.exponent == 0 {
            return write!(f, "{}", self.amount);
        }
        let whole = self.amount.checked_div(div).unwrap_or(0);
        let frac = self.amount.checked_rem(div).unwrap_or(0);
        write!(f, "{whole}.{frac:0width$}", width = usize::from(self.exponent))
    }
}

fn code3(value: &[u8]) -> Result<u16, Error> {
    if value.len() != 2 {
        return Err(Error::new(ErrorKind::BadLength, 0));
    }
    let n = bcd_to_u64(value)?;
    u16::try_from(n).map_err(|_| Error::new(ErrorKind::BadValue, 0))
}

/// An ISO 4217 numeric currency code (format n3 in two bytes).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Currency(pub u16);

/// (numeric, alpha-3, exponent) for common currencies (ISO 4217).
const CURRENCIES: &[(u16, &str, u8)] = &[
    (36, "AUD", 2),
    (124, "CAD", 2),
    (156, "CNY", 2),
    (208, "DKK", 2),
    (344, "HKD", 2),
    (356, "INR", 2),
    (360, "IDR", 2),
    (392, "JPY", 0),
    (410, "KRW", 0),
    (458, "MYR", 2),
    (484, "MXN", 2),
    (554, "NZD", 2),
    (578, "NOK", 2),
    (608, "PHP", 2),
    (643, "RUB", 2),
    (682, "SAR", 2),
    (702, "SGD", 2),
    (710, "ZAR", 2),
    (752, "SEK", 2),
    (756, "CHF", 2),
    (764, "THB", 2),
    (784, "AED", 2),
    (826, "GBP", 2),
    (840, "USD", 2),
    (901, "TWD", 2),
    (949, "TRY", 2),
    (978, "EUR", 2),
    (985, "PLN", 2),
    (986, "BRL", 2),
];

impl Currency {
    /// Reads the two BCD bytes.
    pub fn parse(value: &[u8]) -> Result<Self, Error> {
        code3(value).map(Self)
    }

    /// The alphabetic code, for the currencies in the built-in table.
    pub fn alpha(self) -> Option<&'static str> {
        CURRENCIES.iter().find(|c| c.0 == self.0).map(|c| c.1)
    }

    /// The minor-unit exponent, for the currencies in the built-in table.
    pub fn exponent(self) -> Option<u8> {
        CURRENCIES.iter().find(|c| c.0 == self.0).map(|c| c.2)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)?;
        if let Some(a) = self.alpha() {
            write!(f, " ({a})")?;
        }
        Ok(())
    }
}

/// An ISO 3166-1 numeric country code (format n3 in two bytes).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Country(pub u16);

const COUNTRIES: &[(u16, &str)] = &[
    (36, "AUS"),
    (40, "AUT"),
    (56, "BEL"),
    (76, "BRA"),
    (124, "CAN"),
    (156, "CHN"),
    (158, "TWN"),
    (208, "DNK"),
    (250, "FRA"),
    (276, "DEU"),
    (344, "HKG"),
    (356, "IND"),
    (360, "IDN"),
    (372, "IRL"),
    (380, "ITA"),
    (392, "JPN"),
    (410, "KOR"),
    (458, "MYS"),
    (484, "MEX"),
    (528, "NLD"),
    (554, "NZL"),
    (578, "NOR"),
    (608, "PHL"),
    (616, "POL"),
    (620, "PRT"),
    (643, "RUS"),
    (682, "SAU"),
    (702, "SGP"),
    (710, "ZAF"),
    (724, "ESP"),
    (752, "SWE"),
    (756, "CHE"),
    (764, "THA"),
    (784, "ARE"),
    (792, "TUR"),
    (826, "GBR"),
    (840, "USA"),
];

impl Country {
    /// Reads the two BCD bytes.
    pub fn parse(value: &[u8]) -> Result<Self, Error> {
        code3(value).map(Self)
    }

    /// The alpha-3 code, for the countries in the built-in table.
    pub fn alpha(self) -> Option<&'static str> {
        COUNTRIES.iter().find(|c| c.0 == self.0).map(|c| c.1)
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)?;
        if let Some(a) = self.alpha() {
            write!(f, " ({a})")?;
        }
        Ok(())
    }
}

/// Transaction Type (tag `9C`, n2): the first two digits of the ISO 8583 processing code.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct TransactionType(pub u8);

impl TransactionType {
    /// Goods and services.
    pub const PURCHASE: Self = Self(0x00);
    /// Cash.
    pub const CASH: Self = Self(0x01);
    /// Purchase with cashback.
    pub const CASHBACK: Self = Self(0x09);
    /// Refund.
    pub const REFUND: Self = Self(0x20);
    /// Balance inquiry.
    pub const INQUIRY: Self = Self(0x30);

    /// Reads the one BCD byte.
    pub fn parse(value: &[u8]) -> Result<Self, Error> {
        let [b] = super::exact::<1>(value)?;
        bcd_to_u64(&[b])?;
        Ok(Self(b))
    }

    /// A description, for the common codes.
    pub const fn name(self) -> Option<&'static str> {
        match self.0 {
            0x00 => Some("Goods and services"),
            0x01 => Some("Cash"),
            0x09 => Some("Purchase with cashback"),
            0x20 => Some("Refund"),
            0x30 => Some("Balance inquiry"),
            _ => None,
        }
    }
}

impl fmt::Display for TransactionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02X}", self.0)?;
        if let Some(n) = self.name() {
            write!(f, " ({n})")?;
        }
        Ok(())
    }
}
