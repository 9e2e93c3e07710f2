//! Application Interchange Profile, tag `82` (EMV 4.4 Book 3 Annex C1), two bytes.
//! Byte 2 is defined by the contactless books; its bits are named here for decoding only.

use super::bitfield;

bitfield! {
    /// Application Interchange Profile (tag `82`).
    Aip, 2;
    XDA_SUPPORTED = (1, 0x80, "XDA supported");
    SDA_SUPPORTED = (1, 0x40, "SDA supported");
    DDA_SUPPORTED = (1, 0x20, "DDA supported");
    CV_SUPPORTED = (1, 0x10, "Cardholder verification is supported");
    TRM_REQUIRED = (1, 0x08, "Terminal risk management is to be performed");
    ISSUER_AUTH_SUPPORTED = (1, 0x04, "Issuer authentication is supported");
    ON_DEVICE_CV_SUPPORTED = (1, 0x02, "On device cardholder verification is supported (contactless)");
    CDA_SUPPORTED = (1, 0x01, "CDA supported");
    EMV_MODE_SUPPORTED = (2, 0x80, "EMV mode is supported (contactless)");
    MOBILE_PHONE = (2, 0x40, "Mobile phone (contactless)");
    CONTACTLESS_TRANSACTION = (2, 0x20, "Contactless transaction");
    RRP_SUPPORTED = (2, 0x01, "Relay resistance protocol is supported (contactless)");
}
