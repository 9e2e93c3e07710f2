//! Terminal Verification Results, tag `95` (EMV 4.4 Book 3 Annex C5), five bytes. The same
//! coding is used by the Issuer and Terminal Action Codes (`9F0D`/`9F0E`/`9F0F`, `DF8120`–`DF8122`).
//!
//! Bit names follow EMV 4.4 (the reference's §8.5 table), including the 4.4 additions for XDA,
//! biometrics and ECC keys.

use super::bitfield;

bitfield! {
    /// Terminal Verification Results (tag `95`).
    Tvr, 5;
    ODA_NOT_PERFORMED = (1, 0x80, "Offline data authentication was not performed");
    SDA_FAILED = (1, 0x40, "SDA failed");
    ICC_DATA_MISSING = (1, 0x20, "ICC data missing");
    EXCEPTION_FILE = (1, 0x10, "Card appears on terminal exception file");
    DDA_FAILED = (1, 0x08, "DDA failed");
    CDA_FAILED = (1, 0x04, "CDA failed");
    SDA_SELECTED = (1, 0x02, "SDA selected");
    XDA_SELECTED = (1, 0x01, "XDA selected");
    APP_VERSIONS_DIFFER = (2, 0x80, "ICC and terminal have different application versions");
    EXPIRED = (2, 0x40, "Expired application");
    NOT_YET_EFFECTIVE = (2, 0x20, "Application not yet effective");
    SERVICE_NOT_ALLOWED = (2, 0x10, "Requested service not allowed for card product");
    NEW_CARD = (2, 0x08, "New card");
    BIOMETRIC_PERFORMED_OK = (2, 0x02, "Biometric performed and successful");
    BIOMETRIC_TEMPLATE_FORMAT_NOT_SUPPORTED = (2, 0x01, "Biometric template format not supported");
    CV_NOT_SUCCESSFUL = (3, 0x80, "Cardholder verification was not successful");
    UNRECOGNISED_CVM = (3, 0x40, "Unrecognised CVM");
    PIN_TRY_LIMIT_EXCEEDED = (3, 0x20, "PIN Try Limit exceeded");
    PIN_PAD_ABSENT = (3, 0x10, "PIN entry required and PIN pad not present or not working");
    PIN_NOT_ENTERED = (3, 0x08, "PIN entry required, PIN pad present, but PIN was not entered");
    ONLINE_CVM_CAPTURED = (3, 0x04, "Online CVM captured");
    BIOMETRIC_CAPTURE_FAILED = (3, 0x02, "Biometric required but biometric capture device not working");
    BIOMETRIC_SUBTYPE_BYPASSED = (3, 0x01, "Biometric required, biometric capture device present, but biometric subtype entry was bypassed");
    FLOOR_LIMIT_EXCEEDED = (4, 0x80, "Transaction exceeds floor limit");
    LCOL_EXCEEDED = (4, 0x40, "Lower consecutive offline limit exceeded");
    UCOL_EXCEEDED = (4, 0x20, "Upper consecutive offline limit exceeded");
    RANDOMLY_SELECTED = (4, 0x10, "Transaction selected randomly for online processing");
    MERCHANT_FORCED_ONLINE = (4, 0x08, "Merchant forced transaction online");
    BIOMETRIC_TRY_LIMIT_EXCEEDED = (4, 0x04, "Biometric try limit exceeded");
    BIOMETRIC_TYPE_NOT_SUPPORTED = (4, 0x02, "A selected biometric type not supported");
    XDA_SIGNATURE_FAILED = (4, 0x01, "XDA signature verification failed");
    DEFAULT_TDOL_USED = (5, 0x80, "Default TDOL used");
    ISSUER_AUTH_FAILED = (5, 0x40, "Issuer authentication failed");
    SCRIPT_FAILED_BEFORE_FINAL_GEN_AC = (5, 0x20, "Script processing failed before final GENERATE AC");
    SCRIPT_FAILED_AFTER_FINAL_GEN_AC = (5, 0x10, "Script processing failed after final GENERATE AC");
    CA_ECC_KEY_MISSING = (5, 0x04, "CA ECC key missing");
    ECC_KEY_RECOVERY_FAILED = (5, 0x02, "ECC key recovery failed");
}
