//! Terminal Capabilities `9F33`, Additional Terminal Capabilities `9F40` and Terminal Type `9F35`
//! (EMV 4.4 Book 4 Annex A1–A3).

use core::fmt;

use super::bitfield;
use crate::error::{Error, ErrorKind};

bitfield! {
    /// Terminal Capabilities (tag `9F33`).
    TerminalCapabilities, 3;
    MANUAL_KEY_ENTRY = (1, 0x80, "Manual key entry");
    MAGNETIC_STRIPE = (1, 0x40, "Magnetic stripe");
    IC_WITH_CONTACTS = (1, 0x20, "IC with contacts");
    PLAINTEXT_PIN_ICC = (2, 0x80, "Plaintext PIN for ICC verification");
    ENCIPHERED_PIN_ONLINE = (2, 0x40, "Enciphered PIN for online verification");
    SIGNATURE = (2, 0x20, "Signature (paper)");
    ENCIPHERED_PIN_OFFLINE = (2, 0x10, "Enciphered PIN for offline verification");
    NO_CVM = (2, 0x08, "No CVM required");
    SDA = (3, 0x80, "SDA");
    DDA = (3, 0x40, "DDA");
    CARD_CAPTURE = (3, 0x20, "Card capture");
    CDA = (3, 0x08, "CDA");
}

bitfield! {
    /// Additional Terminal Capabilities (tag `9F40`).
    AdditionalTerminalCapabilities, 5;
    CASH = (1, 0x80, "Cash");
    GOODS = (1, 0x40, "Goods");
    SERVICES = (1, 0x20, "Services");
    CASHBACK = (1, 0x10, "Cashback");
    INQUIRY = (1, 0x08, "Inquiry");
    TRANSFER = (1, 0x04, "Transfer");
    PAYMENT = (1, 0x02, "Payment");
    ADMINISTRATIVE = (1, 0x01, "Administrative");
    CASH_DEPOSIT = (2, 0x80, "Cash deposit");
    NUMERIC_KEYS = (3, 0x80, "Numeric keys");
    ALPHA_SPECIAL_KEYS = (3, 0x40, "Alphabetic and special characters keys");
    COMMAND_KEYS = (3, 0x20, "Command keys");
    FUNCTION_KEYS = (3, 0x10, "Function keys");
    PRINT_ATTENDANT = (4, 0x80, "Print, attendant");
    PRINT_CARDHOLDER = (4, 0x40, "Print, cardholder");
    DISPLAY_ATTENDANT = (4, 0x20, "Display, attendant");
    DISPLAY_CARDHOLDER = (4, 0x10, "Display, cardholder");
    CODE_TABLE_10 = (4, 0x02, "Code table 10");
    CODE_TABLE_9 = (4, 0x01, "Code table 9");
    CODE_TABLE_8 = (5, 0x80, "Code table 8");
    CODE_TABLE_7 = (5, 0x40, "Code table 7");
    CODE_TABLE_6 = (5, 0x20, "Code table 6");
    CODE_TABLE_5 = (5, 0x10, "Code table 5");
    CODE_TABLE_4 = (5, 0x08, "Code table 4");
    CODE_TABLE_3 = (5, 0x04, "Code table 3");
    CODE_TABLE_2 = (5, 0x02, "Code table 2");
    CODE_TABLE_1 = (5, 0x01, "Code table 1");
}

/// Terminal Type (tag `9F35`, n2): operational control (tens digit) and environment (units).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct TerminalType(pub u8);

impl TerminalType {
    /// Reads the one-byte BCD value; both digits must be in the Book 4 table (1–3, 1–6).
    pub fn parse(value: &[u8]) -> Result<Self, Error> {
        let [b] = super::exact::<1>(value)?;
        let t = Self(b);
        if t.operator().is_none() || t.environment().is_none() {
            return Err(Error::new(ErrorKind::BadValue, 0));
        }
        Ok(t)
    }

    /// Who operates the terminal.
    pub fn operator(self) -> Option<&'static str> {
        match self.0 >> 4 {
            1 => Some("Financial institution"),
            2 => Some("Merchant"),
            3 => Some("Cardholder"),
            _ => None,
        }
    }

    /// Attended or unattended, and online capability.
    pub fn environment(self) -> Option<&'static str> {
        match self.0 & 0x0F {
            1 => Some("Attended, online only"),
            2 => Some("Attended, offline with online capability"),
            3 => Some("Attended, offline only"),
            4 => Some("Unattended, online only"),
            5 => Some("Unattended, offline with online capability"),
            6 => Some("Unattended, offline only"),
            _ => None,
        }
    }

    /// Whether the terminal is attended (environment 1–3).
    pub fn is_attended(self) -> bool {
        matches!(self.0 & 0x0F, 1..=3)
    }

    /// Whether the terminal can only go online (environment 1 or 4).
    pub fn is_online_only(self) -> bool {
        matches!(self.0 & 0x0F, 1 | 4)
    }

    /// Whether the terminal cannot go online (environment 3 or 6).
    pub fn is_offline_only(self) -> bool {
        matches!(self.0 & 0x0F, 3 | 6)
    }
}

impl fmt::Display for TerminalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02X}: {}, {}",
            self.0,
            self.operator().unwrap_or("RFU"),
            self.environment().unwrap_or("RFU")
        )
    }
}
