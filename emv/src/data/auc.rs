//! Application Usage Control, tag `9F07` (EMV 4.4 Book 3 Annex C2), two bytes.

use super::bitfield;

bitfield! {
    /// Application Usage Control (tag `9F07`).
    Auc, 2;
    DOMESTIC_CASH = (1, 0x80, "Valid for domestic cash transactions");
    INTERNATIONAL_CASH = (1, 0x40, "Valid for international cash transactions");
    DOMESTIC_GOODS = (1, 0x20, "Valid for domestic goods");
    INTERNATIONAL_GOODS = (1, 0x10, "Valid for international goods");
    DOMESTIC_SERVICES = (1, 0x08, "Valid for domestic services");
    INTERNATIONAL_SERVICES = (1, 0x04, "Valid for international services");
    ATM = (1, 0x02, "Valid at ATMs");
    NON_ATM = (1, 0x01, "Valid at terminals other than ATMs");
    DOMESTIC_CASHBACK = (2, 0x80, "Domestic cashback allowed");
    INTERNATIONAL_CASHBACK = (2, 0x40, "International cashback allowed");
}
