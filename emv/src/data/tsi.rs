//! Transaction Status Information, tag `9B` (EMV 4.4 Book 3 Annex C6), two bytes; byte 2 is RFU.

use super::bitfield;

bitfield! {
    /// Transaction Status Information (tag `9B`).
    Tsi, 2;
    ODA_PERFORMED = (1, 0x80, "Offline data authentication was performed");
    CV_PERFORMED = (1, 0x40, "Cardholder verification was performed");
    CARD_RISK_MANAGEMENT_PERFORMED = (1, 0x20, "Card risk management was performed");
    ISSUER_AUTH_PERFORMED = (1, 0x10, "Issuer authentication was performed");
    TRM_PERFORMED = (1, 0x08, "Terminal risk management was performed");
    SCRIPT_PROCESSING_PERFORMED = (1, 0x04, "Script processing was performed");
}
