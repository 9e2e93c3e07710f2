//! The EMV data dictionary (EMV 4.4 Book 3 Annex A, plus the scheme tags the reference names):
//! tag → name, format, length bounds, source, template, how to decode and how to mask.
//!
//! The table is a sorted `const` slice searched by binary search: no heap, no build step.
//! Scheme-specific tags that collide (`9F66` is Visa's TTQ and Mastercard's PUNATC(Track2);
//! `9F5D`, `9F62`, `9F63`, `9F6D`, `9F6E`, `9F7C` likewise) have one entry per scheme;
//! [`lookup`] returns the EMV entry if there is one, else the first scheme entry, and
//! [`lookup_for`] prefers the given scheme.
//!
//! **PCI masking decisions** ([`Dictionary`] implements [`MaskPolicy`]): `5A` is shown as a PAN
//! (first 6, last 4); track data and cardholder names are fully masked (`56`, `57`, `9F1F`,
//! `9F20`, `9F6B`, `5F20`, `9F0B`), as are transaction PIN data `99` and the PBOC cardholder ID
//! number `9F61` (personal data). `9F1E` (IFD serial number) identifies the terminal, not the
//! cardholder, so it is **not** masked. Unknown tags are shown in clear.

use payproto_tlv::{MaskPolicy, Masking, Tag};

/// The format of a data element (Book 3 §4.3).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Numeric, BCD, right-justified, left-padded with zeros.
    N,
    /// Compressed numeric, BCD, left-justified, right-padded with `F`.
    Cn,
    /// Alphabetic (letters only).
    A,
    /// Alphanumeric.
    An,
    /// Alphanumeric special (ISO 8859 common character set).
    Ans,
    /// Binary.
    B,
    /// A constructed template (value is BER-TLV).
    Template,
}

impl Format {
    /// The format's name as the standard writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::N => "n",
            Self::Cn => "cn",
            Self::A => "a",
            Self::An => "an",
            Self::Ans => "ans",
            Self::B => "b",
            Self::Template => "var",
        }
    }
}

/// Where a data element comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// The card.
    Icc,
    /// The terminal.
    Terminal,
    /// The issuer (in the authorisation response).
    Issuer,
}

/// Which specification defines the tag.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// EMV Books 1–4 (and EMVCo bulletins).
    Emv,
    /// Visa (VIS, qVSDC).
    Visa,
    /// Mastercard (M/Chip, contactless kernel 2).
    Mastercard,
    /// UnionPay / PBOC (JR/T 0025).
    UnionPay,
}

/// How a value can be decoded for humans (see [`crate::describe`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Decode {
    /// Shown as hex.
    Hex,
    /// Text (a, an, ans).
    Text,
    /// BCD digits (n, cn), shown without padding.
    Digits,
    /// A binary unsigned number.
    Number,
    /// A date YYMMDD (n6).
    Date,
    /// An amount n12.
    Amount,
    /// An ISO 4217 numeric currency code.
    Currency,
    /// An ISO 3166 numeric country code.
    Country,
    /// A data object list.
    Dol,
    /// Application Interchange Profile.
    Aip,
    /// Application File Locator.
    Afl,
    /// Application Usage Control.
    Auc,
    /// CVM List.
    CvmList,
    /// CVM Results.
    CvmResults,
    /// Terminal Verification Results (also IACs and TACs).
    Tvr,
    /// Transaction Status Indicator.
    Tsi,
    /// Terminal Capabilities.
    TerminalCapabilities,
    /// Additional Terminal Capabilities.
    AdditionalTerminalCapabilities,
    /// Terminal Type.
    TerminalType,
    /// Cryptogram Information Data.
    Cid,
    /// Issuer Application Data.
    Iad,
    /// Track 2 Equivalent Data.
    Track2,
    /// Transaction Type.
    TransactionType,
}

/// One dictionary entry.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The tag as a number (`0x9F02`).
    pub tag: u32,
    /// The name (Book 3 Annex A wording, or the scheme's).
    pub name: &'static str,
    /// The format.
    pub format: Format,
    /// Minimum length of the value in bytes.
    pub min_len: u16,
    /// Maximum length of the value in bytes (252 where the book says "var. up to 252").
    pub max_len: u16,
    /// Where it comes from.
    pub source: Source,
    /// The templates it may appear in (empty: anywhere / not in a template).
    pub templates: &'static [u32],
    /// How to decode it for humans.
    pub decode: Decode,
    /// How to mask it in dumps.
    pub masking: Masking,
    /// The defining specification.
    pub scheme: Scheme,
}

impl Entry {
    /// The entry's tag.
    pub fn tag(&self) -> Option<Tag> {
        Tag::from_u32(self.tag)
    }

    /// Whether `len` bytes is allowed for this data object.
    pub const fn length_ok(&self, len: usize) -> bool {
        len >= self.min_len as usize && len <= self.max_len as usize
    }

    /// Whether the value is card data that dumps must hide (PAN or fully masked).
    pub const fn is_sensitive(&self) -> bool {
        !matches!(self.masking, Masking::Clear)
    }
}

const R: &[u32] = &[0x70, 0x77];
const FCI: &[u32] = &[0xA5];
const DIR: &[u32] = &[0x61];
const GPO: &[u32] = &[0x77, 0x80];
const GENAC: &[u32] = &[0x77, 0x80];
const NONE: &[u32] = &[];

use Decode as D;
use Format as F;
use Source as S;

const fn e(tag: u32, name: &'static str, format: Format, min: u16, max: u16, source: Source) -> Entry {
    let decode = match format {
        F::A | F::An | F::Ans => D::Text,
        F::N | F::Cn => D::Digits,
        F::B | F::Template => D::Hex,
    };
    Entry {
        tag,
        name,
        format,
        min_len: min,
        max_len: max,
        source,
        templates: NONE,
        decode,
        masking: Masking::Clear,
        scheme: Scheme::Emv,
    }
}

impl Entry {
    const fn t(mut self, templates: &'static [u32]) -> Self {
        self.templates = templates;
        self
    }
    const fn d(mut self, decode: Decode) -> Self {
        self.decode = decode;
        self
    }
    const fn pan(mut self) -> Self {
        self.masking = Masking::Pan;
        self
    }
    const fn full(mut self) -> Self {
        self.masking = Masking::Full;
        self
    }
    const fn s(mut self, scheme: Scheme) -> Self {
        self.scheme = scheme;
        self
    }
}

const VISA: Scheme = Scheme::Visa;
const MC: Scheme = Scheme::Mastercard;
const UP: Scheme = Scheme::UnionPay;

/// The dictionary, sorted by tag number then scheme order (EMV first).
pub static ENTRIES: &[Entry] = &[
    e(0x42, "Issuer Identification Number (IIN)", F::N, 3, 3, S::Icc).t(&[0xBF0C, 0x73]),
    e(0x4F, "Application Dedicated File (ADF) Name", F::B, 5, 16, S::Icc).t(DIR),
    e(0x50, "Application Label", F::Ans, 1, 16, S::Icc).t(&[0x61, 0xA5]),
    e(0x56, "Track 1 Data", F::Ans, 0, 76, S::Icc).t(R).full(),
    e(0x57, "Track 2 Equivalent Data", F::B, 0, 19, S::Icc).t(R).d(D::Track2).full(),
    e(0x5A, "Application Primary Account Number (PAN)", F::Cn, 0, 10, S::Icc).t(R).pan(),
    e(0x61, "Application Template", F::Template, 0, 252, S::Icc).t(&[0x70]),
    e(0x6F, "File Control Information (FCI) Template", F::Template, 0, 252, S::Icc),
    e(0x70, "READ RECORD Response Message Template", F::Template, 0, 252, S::Icc),
    e(0x71, "Issuer Script Template 1", F::Template, 0, 252, S::Issuer),
    e(0x72, "Issuer Script Template 2", F::Template, 0, 252, S::Issuer),
    e(0x73, "Directory Discretionary Template", F::Template, 0, 252, S::Icc).t(DIR),
    e(0x77, "Response Message Template Format 2", F::Template, 0, 252, S::Icc),
    e(0x80, "Response Message Template Format 1", F::B, 0, 252, S::Icc),
    e(0x81, "Amount, Authorised (Binary)", F::B, 4, 4, S::Terminal).d(D::Number),
    e(0x82, "Application Interchange Profile", F::B, 2, 2, S::Icc).t(GPO).d(D::Aip),
    e(0x83, "Command Template", F::B, 0, 252, S::Terminal),
    e(0x84, "Dedicated File (DF) Name", F::B, 5, 16, S::Icc).t(&[0x6F]),
    e(0x86, "Issuer Script Command", F::B, 0, 261, S::Issuer).t(&[0x71, 0x72]),
    e(0x87, "Application Priority Indicator", F::B, 1, 1, S::Icc).t(&[0x61, 0xA5]),
    e(0x88, "Short File Identifier (SFI)", F::B, 1, 1, S::Icc).t(FCI).d(D::Number),
    e(0x89, "Authorisation Code", F::Ans, 6, 6, S::Issuer),
    e(0x8A, "Authorisation Response Code", F::An, 2, 2, S::Issuer),
    e(0x8C, "Card Risk Management Data Object List 1 (CDOL1)", F::B, 0, 252, S::Icc).t(R).d(D::Dol),
    e(0x8D, "Card Risk Management Data Object List 2 (CDOL2)", F::B, 0, 252, S::Icc).t(R).d(D::Dol),
    e(0x8E, "Cardholder Verification Method (CVM) List", F::B, 10, 252, S::Icc).t(R).d(D::CvmList),
    e(0x8F, "Certification Authority Public Key Index", F::B, 1, 1, S::Icc).t(R),
    e(0x90, "Issuer Public Key Certificate", F::B, 0, 248, S::Icc).t(R),
    e(0x91, "Issuer Authentication Data", F::B, 8, 16, S::Issuer),
    e(0x92, "Issuer Public Key Remainder", F::B, 0, 248, S::Icc).t(R),
    e(0x93, "Signed Static Application Data", F::B, 0, 248, S::Icc).t(R),
    e(0x94, "Application File Locator (AFL)", F::B, 0, 252, S::Icc).t(GPO).d(D::Afl),
    e(0x95, "Terminal Verification Results", F::B, 5, 5, S::Terminal).d(D::Tvr),
    e(0x97, "Transaction Certificate Data Object List (TDOL)", F::B, 0, 252, S::Icc).t(R).d(D::Dol),
    e(0x98, "Transaction Certificate (TC) Hash Value", F::B, 20, 20, S::Terminal),
    e(0x99, "Transaction Personal Identification Number (PIN) Data", F::B, 0, 252, S::Terminal).full(),
    e(0x9A, "Transaction Date", F::N, 3, 3, S::Terminal).d(D::Date),
    e(0x9B, "Transaction Status Information", F::B, 2, 2, S::Terminal).d(D::Tsi),
    e(0x9C, "Transaction Type", F::N, 1, 1, S::Terminal).d(D::TransactionType),
    e(0x9D, "Directory Definition File (DDF) Name", F::B, 5, 16, S::Icc).t(DIR),
    e(0xA5, "FCI Proprietary Template", F::Template, 0, 252, S::Icc).t(&[0x6F]),
    e(0x5F20, "Cardholder Name", F::Ans, 2, 26, S::Icc).t(R).full(),
    e(0x5F24, "Application Expiration Date", F::N, 3, 3, S::Icc).t(R).d(D::Date),
    e(0x5F25, "Application Effective Date", F::N, 3, 3, S::Icc).t(R).d(D::Date),
    e(0x5F28, "Issuer Country Code", F::N, 2, 2, S::Icc).t(R).d(D::Country),
    e(0x5F2A, "Transaction Currency Code", F::N, 2, 2, S::Terminal).d(D::Currency),
    e(0x5F2D, "Language Preference", F::An, 2, 8, S::Icc).t(FCI),
    e(0x5F30, "Service Code", F::N, 2, 2, S::Icc).t(R),
    e(0x5F34, "Application PAN Sequence Number", F::N, 1, 1, S::Icc).t(R),
    e(0x5F36, "Transaction Currency Exponent", F::N, 1, 1, S::Terminal),
    e(0x5F50, "Issuer URL", F::Ans, 0, 252, S::Icc).t(&[0xBF0C, 0x73]),
    e(0x5F53, "International Bank Account Number (IBAN)", F::B, 0, 34, S::Icc).t(&[0xBF0C, 0x73]),
    e(0x5F54, "Bank Identifier Code (BIC)", F::Ans, 8, 11, S::Icc).t(&[0xBF0C, 0x73]),
    e(0x5F55, "Issuer Country Code (alpha2 format)", F::A, 2, 2, S::Icc).t(&[0xBF0C, 0x73]),
    e(0x5F56, "Issuer Country Code (alpha3 format)", F::A, 3, 3, S::Icc).t(&[0xBF0C, 0x73]),
    e(0x5F57, "Account Type", F::N, 1, 1, S::Terminal),
    e(0x9F01, "Acquirer Identifier", F::N, 6, 6, S::Terminal),
    e(0x9F02, "Amount, Authorised (Numeric)", F::N, 6, 6, S::Terminal).d(D::Amount),
    e(0x9F03, "Amount, Other (Numeric)", F::N, 6, 6, S::Terminal).d(D::Amount),
    e(0x9F04, "Amount, Other (Binary)", F::B, 4, 4, S::Terminal).d(D::Number),
    e(0x9F05, "Application Discretionary Data", F::B, 1, 32, S::Icc).t(R),
    e(0x9F06, "Application Identifier (AID) - terminal", F::B, 5, 16, S::Terminal),
    e(0x9F07, "Application Usage Control", F::B, 2, 2, S::Icc).t(R).d(D::Auc),
    e(0x9F08, "Application Version Number (ICC)", F::B, 2, 2, S::Icc).t(R),
    e(0x9F09, "Application Version Number (terminal)", F::B, 2, 2, S::Terminal),
    e(0x9F0A, "Application Selection Registered Proprietary Data", F::B, 0, 252, S::Icc).t(&[0xBF0C, 0x73]),
    e(0x9F0B, "Cardholder Name Extended", F::Ans, 27, 45, S::Icc).t(R).full(),
    e(0x9F0D, "Issuer Action Code - Default", F::B, 5, 5, S::Icc).t(R).d(D::Tvr),
    e(0x9F0E, "Issuer Action Code - Denial", F::B, 5, 5, S::Icc).t(R).d(D::Tvr),
    e(0x9F0F, "Issuer Action Code - Online", F::B, 5, 5, S::Icc).t(R).d(D::Tvr),
    e(0x9F10, "Issuer Application Data", F::B, 0, 32, S::Icc).t(GENAC).d(D::Iad),
    e(0x9F11, "Issuer Code Table Index", F::N, 1, 1, S::Icc).t(FCI),
    e(0x9F12, "Application Preferred Name", F::Ans, 1, 16, S::Icc).t(&[0x61, 0xA5]),
    e(0x9F13, "Last Online Application Transaction Counter (ATC) Register", F::B, 2, 2, S::Icc).d(D::Number),
    e(0x9F14, "Lower Consecutive Offline Limit", F::B, 1, 1, S::Icc).t(R).d(D::Number),
    e(0x9F15, "Merchant Category Code", F::N, 2, 2, S::Terminal),
    e(0x9F16, "Merchant Identifier", F::Ans, 15, 15, S::Terminal),
    e(0x9F17, "Personal Identification Number (PIN) Try Counter", F::B, 1, 1, S::Icc).d(D::Number),
    e(0x9F18, "Issuer Script Identifier", F::B, 4, 4, S::Issuer).t(&[0x71, 0x72]),
    e(0x9F19, "Token Requestor ID", F::N, 6, 6, S::Icc),
    e(0x9F1A, "Terminal Country Code", F::N, 2, 2, S::Terminal).d(D::Country),
    e(0x9F1B, "Terminal Floor Limit", F::B, 4, 4, S::Terminal).d(D::Number),
    e(0x9F1C, "Terminal Identification", F::An, 8, 8, S::Terminal),
    e(0x9F1D, "Terminal Risk Management Data", F::B, 1, 8, S::Terminal),
    e(0x9F1E, "Interface Device (IFD) Serial Number", F::An, 8, 8, S::Terminal),
    e(0x9F1F, "Track 1 Discretionary Data", F::Ans, 0, 252, S::Icc).t(R).full(),
    e(0x9F20, "Track 2 Discretionary Data", F::Cn, 0, 252, S::Icc).t(R).full(),
    e(0x9F21, "Transaction Time", F::N, 3, 3, S::Terminal),
    e(0x9F22, "Certification Authority Public Key Index (terminal)", F::B, 1, 1, S::Terminal),
    e(0x9F23, "Upper Consecutive Offline Limit", F::B, 1, 1, S::Icc).t(R).d(D::Number),
    e(0x9F24, "Payment Account Reference (PAR)", F::An, 29, 29, S::Icc),
    e(0x9F25, "Last 4 Digits of PAN", F::N, 2, 2, S::Icc),
    e(0x9F26, "Application Cryptogram", F::B, 8, 8, S::Icc).t(GENAC),
    e(0x9F27, "Cryptogram Information Data", F::B, 1, 1, S::Icc).t(GENAC).d(D::Cid),
    e(0x9F2D, "ICC PIN Encipherment Public Key Certificate", F::B, 0, 248, S::Icc).t(R),
    e(0x9F2E, "ICC PIN Encipherment Public Key Exponent", F::B, 1, 3, S::Icc).t(R),
    e(0x9F2F, "ICC PIN Encipherment Public Key Remainder", F::B, 0, 248, S::Icc).t(R),
    e(0x9F32, "Issuer Public Key Exponent", F::B, 1, 3, S::Icc).t(R),
    e(0x9F33, "Terminal Capabilities", F::B, 3, 3, S::Terminal).d(D::TerminalCapabilities),
    e(0x9F34, "Cardholder Verification Method (CVM) Results", F::B, 3, 3, S::Terminal).d(D::CvmResults),
    e(0x9F35, "Terminal Type", F::N, 1, 1, S::Terminal).d(D::TerminalType),
    e(0x9F36, "Application Transaction Counter (ATC)", F::B, 2, 2, S::Icc).t(GENAC).d(D::Number),
    e(0x9F37, "Unpredictable Number", F::B, 4, 4, S::Terminal),
    e(0x9F38, "Processing Options Data Object List (PDOL)", F::B, 0, 252, S::Icc).t(FCI).d(D::Dol),
    e(0x9F39, "Point-of-Service (POS) Entry Mode", F::N, 1, 1, S::Terminal),
    e(0x9F3A, "Amount, Reference Currency", F::B, 4, 4, S::Terminal).d(D::Number),
    e(0x9F3B, "Application Reference Currency", F::N, 2, 8, S::Icc).t(R),
    e(0x9F3C, "Transaction Reference Currency Code", F::N, 2, 2, S::Terminal).d(D::Currency),
    e(0x9F3D, "Transaction Reference Currency Exponent", F::N, 1, 1, S::Terminal),
    e(0x9F40, "Additional Terminal Capabilities", F::B, 5, 5, S::Terminal)
        .d(D::AdditionalTerminalCapabilities),
    e(0x9F41, "Transaction Sequence Counter", F::N, 2, 4, S::Terminal),
    e(0x9F42, "Application Currency Code", F::N, 2, 2, S::Icc).t(R).d(D::Currency),
    e(0x9F43, "Application Reference Currency Exponent", F::N, 1, 4, S::Icc).t(R),
    e(0x9F44, "Application Currency Exponent", F::N, 1, 1, S::Icc).t(R),
    e(0x9F45, "Data Authentication Code", F::B, 2, 2, S::Icc),
    e(0x9F46, "ICC Public Key Certificate", F::B, 0, 248, S::Icc).t(R),
    e(0x9F47, "ICC Public Key Exponent", F::B, 1, 3, S::Icc).t(R),
    e(0x9F48, "ICC Public Key Remainder", F::B, 0, 248, S::Icc).t(R),
    e(0x9F49, "Dynamic Data Authentication Data Object List (DDOL)", F::B, 0, 252, S::Icc).t(R).d(D::Dol),
    e(0x9F4A, "Static Data Authentication Tag List", F::B, 0, 252, S::Icc).t(R),
    e(0x9F4B, "Signed Dynamic Application Data", F::B, 0, 248, S::Icc).t(GENAC),
    e(0x9F4C, "ICC Dynamic Number", F::B, 2, 8, S::Icc),
    e(0x9F4D, "Log Entry", F::B, 2, 2, S::Icc).t(&[0xBF0C, 0x73]),
    e(0x9F4E, "Merchant Name and Location", F::Ans, 0, 252, S::Terminal),
    e(0x9F4F, "Log Format", F::B, 0, 252, S::Icc).d(D::Dol),
    e(0x9F50, "Offline Accumulator Balance", F::N, 6, 6, S::Icc).d(D::Amount).s(MC),
    e(0x9F51, "Application Currency Code", F::N, 2, 2, S::Icc).t(R).d(D::Currency).s(UP),
    e(0x9F53, "Transaction Category Code", F::An, 1, 1, S::Terminal).s(MC),
    e(0x9F5A, "Application Program Identifier", F::B, 1, 16, S::Icc).s(VISA),
    e(0x9F5B, "Issuer Script Results", F::B, 0, 252, S::Terminal),
    e(0x9F5D, "Available Offline Spending Amount", F::N, 6, 6, S::Icc).d(D::Amount).s(VISA),
    e(0x9F5D, "Application Capabilities Information", F::B, 3, 3, S::Icc).s(MC),
    e(0x9F61, "Cardholder ID Number", F::An, 1, 40, S::Icc).t(R).full().s(UP),
    e(0x9F62, "PCVC3 (Track1)", F::B, 6, 6, S::Icc).s(MC),
    e(0x9F62, "Cardholder ID Type", F::B, 1, 1, S::Icc).t(R).s(UP),
    e(0x9F63, "PUNATC (Track1)", F::B, 6, 6, S::Icc).s(MC),
    e(0x9F63, "Card Product Identification Information", F::B, 16, 16, S::Icc).s(UP),
    e(0x9F64, "NATC (Track1)", F::B, 1, 1, S::Icc).s(MC),
    e(0x9F65, "PCVC3 (Track2)", F::B, 2, 2, S::Icc).s(MC),
    e(0x9F66, "Terminal Transaction Qualifiers (TTQ)", F::B, 4, 4, S::Terminal).s(VISA),
    e(0x9F66, "PUNATC (Track2)", F::B, 2, 2, S::Icc).s(MC),
    e(0x9F67, "NATC (Track2)", F::B, 1, 1, S::Icc).s(MC),
    e(0x9F69, "Card Authentication Related Data", F::B, 5, 16, S::Icc).s(VISA),
    e(0x9F6B, "Track 2 Data", F::B, 0, 19, S::Icc).d(D::Track2).full().s(MC),
    e(0x9F6C, "Card Transaction Qualifiers (CTQ)", F::B, 2, 2, S::Icc).s(VISA),
    e(0x9F6C, "Mag-stripe Application Version Number (Card)", F::B, 2, 2, S::Icc).s(MC),
    e(0x9F6D, "Mag-stripe Application Version Number (Reader)", F::B, 2, 2, S::Terminal).s(MC),
    e(0x9F6D, "EC Reset Threshold", F::N, 6, 6, S::Icc).d(D::Amount).s(UP),
    e(0x9F6E, "Form Factor Indicator", F::B, 4, 4, S::Icc).s(VISA),
    e(0x9F6E, "Third Party Data", F::B, 5, 32, S::Icc).s(MC),
    e(0x9F74, "EC Issuer Authorization Code", F::A, 6, 6, S::Icc).s(UP),
    e(0x9F77, "EC Balance Limit", F::N, 6, 6, S::Icc).d(D::Amount).s(UP),
    e(0x9F78, "EC Single Transaction Limit", F::N, 6, 6, S::Icc).d(D::Amount).s(UP),
    e(0x9F79, "EC Balance", F::N, 6, 6, S::Icc).d(D::Amount).s(UP),
    e(0x9F7A, "EC Terminal Support Indicator", F::B, 1, 1, S::Terminal).s(UP),
    e(0x9F7B, "EC Terminal Transaction Limit", F::N, 6, 6, S::Terminal).d(D::Amount).s(UP),
    e(0x9F7C, "Customer Exclusive Data", F::B, 0, 32, S::Icc).s(VISA),
    e(0x9F7C, "Merchant Custom Data", F::B, 20, 20, S::Terminal).s(MC),
    e(0xBF0C, "FCI Issuer Discretionary Data", F::Template, 0, 222, S::Icc).t(FCI),
    e(0xDF8116, "User Interface Request Data", F::B, 22, 22, S::Terminal).s(MC),
    e(0xDF8117, "Card Data Input Capability", F::B, 1, 1, S::Terminal).s(MC),
    e(0xDF8118, "CVM Capability - CVM Required", F::B, 1, 1, S::Terminal).s(MC),
    e(0xDF8119, "CVM Capability - No CVM Required", F::B, 1, 1, S::Terminal).s(MC),
    e(0xDF811B, "Kernel Configuration", F::B, 1, 1, S::Terminal).s(MC),
    e(0xDF8120, "Terminal Action Code - Default", F::B, 5, 5, S::Terminal).d(D::Tvr).s(MC),
    e(0xDF8121, "Terminal Action Code - Denial", F::B, 5, 5, S::Terminal).d(D::Tvr).s(MC),
    e(0xDF8122, "Terminal Action Code - Online", F::B, 5, 5, S::Terminal).d(D::Tvr).s(MC),
    e(0xDF8123, "Reader Contactless Floor Limit", F::N, 6, 6, S::Terminal).d(D::Amount).s(MC),
    e(0xDF8124, "Reader Contactless Transaction Limit (No On-device CVM)", F::N, 6, 6, S::Terminal)
        .d(D::Amount)
        .s(MC),
    e(0xDF8125, "Reader Contactless Transaction Limit (On-device CVM)", F::N, 6, 6, S::Terminal)
        .d(D::Amount)
        .s(MC),
    e(0xDF8126, "Reader CVM Required Limit", F::N, 6, 6, S::Terminal).d(D::Amount).s(MC),
];

/// The entries for `tag` (one per scheme that defines it), in table order.
pub fn entries(tag: Tag) -> &'static [Entry] {
    let n = tag.to_u32();
    let start = ENTRIES.partition_point(|e| e.tag < n);
    let end = ENTRIES.partition_point(|e| e.tag <= n);
    ENTRIES.get(start..end).unwrap_or(&[])
}

/// The entry for `tag`: the EMV one if any, else the first scheme's.
pub fn lookup(tag: Tag) -> Option<&'static Entry> {
    let all = entries(tag);
    all.iter().find(|e| e.scheme == Scheme::Emv).or_else(|| all.first())
}

/// The entry for `tag` as `scheme` defines it, falling back to [`lookup`].
pub fn lookup_for(tag: Tag, scheme: Scheme) -> Option<&'static Entry> {
    entries(tag).iter().find(|e| e.scheme == scheme).or_else(|| lookup(tag))
}

/// The EMV dictionary as a masking policy: see the module docs for the decisions.
#[derive(Copy, Clone, Debug, Default)]
pub struct Dictionary;

impl MaskPolicy for Dictionary {
    fn masking(&self, tag: Tag) -> Masking {
        // If any scheme's meaning of the tag is sensitive, mask it.
        let all = entries(tag);
        if all.iter().any(|e| e.masking == Masking::Pan) {
            Masking::Pan
        } else if all.iter().any(|e| e.masking == Masking::Full) {
            Masking::Full
        } else {
            Masking::Clear
        }
    }
}
