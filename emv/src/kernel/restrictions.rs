//! Processing restrictions (EMV 4.4 Book 3 §10.4): application version number, Application Usage
//! Control, effective and expiration dates → TVR byte 2.
//!
//! A pure function of the card's data objects (`9F08`, `9F07`, `5F28`, `5F25`, `5F24`) and the
//! terminal's (`9F09`, `9F1A`, `9F35`, `9F40`, `9A`, `9C`, amount other).
//!
//! - **Version (§10.4.1):** when the card has `9F08` and it differs from the terminal's `9F09`,
//!   set B2b8. No `9F08`: no check.
//! - **AUC (§10.4.2):** when the card has `9F07`: an ATM needs "valid at ATMs", any other terminal
//!   "valid at terminals other than ATMs". When the card also has the Issuer Country Code `5F28`:
//!   domestic (`5F28` = `9F1A`) or international, cash needs the cash bit, purchases the goods
//!   and/or services bit, a cashback (Amount, Other ≠ 0 or type `09`) the cashback bit. Any
//!   missing bit sets B2b5.
//! - **Dates (§10.4.3):** effective date after the transaction date ⇒ B2b6; expiration date
//!   before the transaction date ⇒ B2b7 (the expiry day itself is still valid).
//!
//! ## Choices between two readings
//!
//! - **ATM:** a terminal of type `14`, `15` or `16` (financial institution, unattended) whose
//!   Additional Terminal Capabilities include cash (Book 4 Annex A1 note).
//! - **Goods or services:** the caller states which the purchase is ([`Purchase`]); Book 3 leaves
//!   this to the terminal. A cash transaction (`01`) checks only the cash bits; cashback checks
//!   the goods/services bits of the purchase and the cashback bits.
//! - **Dates:** two-digit years map 00–49 → 20YY, 50–99 → 19YY (Book 3 §10.4.3 rule), compared
//!   as full dates. A malformed date or wrong-length AUC/version is a card data error returned to
//!   the caller.

use crate::data::{AdditionalTerminalCapabilities, Auc, Country, Date, TerminalType, TransactionType, Tvr};
use crate::error::Error;
use payproto_tlv::Tag;

/// What a purchase is for (the AUC distinguishes goods and services).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Purchase {
    /// The purchase includes goods.
    pub goods: bool,
    /// The purchase includes services.
    pub services: bool,
}

/// Terminal and transaction data for processing restrictions.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RestrictionsContext {
    /// Terminal Application Version Number `9F09`.
    pub terminal_app_version: [u8; 2],
    /// Terminal Country Code `9F1A`.
    pub terminal_country: Country,
    /// Terminal Type `9F35`.
    pub terminal_type: TerminalType,
    /// Additional Terminal Capabilities `9F40`.
    pub additional_capabilities: AdditionalTerminalCapabilities,
    /// Transaction Type `9C`.
    pub transaction_type: TransactionType,
    /// What a purchase (or the purchase part of a cashback) is for.
    pub purchase: Purchase,
    /// Amount, Other (cashback amount), binary.
    pub amount_other: u64,
    /// Transaction Date `9A`.
    pub transaction_date: Date,
}

/// The card's data objects (value bytes) for processing restrictions.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct CardRestrictionsData<'a> {
    /// Application Version Number (card) `9F08`.
    pub app_version: Option<&'a [u8]>,
    /// Application Usage Control `9F07`.
    pub auc: Option<&'a [u8]>,
    /// Issuer Country Code `5F28` (n3, 2 bytes BCD).
    pub issuer_country: Option<&'a [u8]>,
    /// Application Effective Date `5F25`.
    pub effective_date: Option<&'a [u8]>,
    /// Application Expiration Date `5F24`.
    pub expiration_date: Option<&'a [u8]>,
}

fn full(d: &Date) -> (u16, u8, u8) {
    (d.year(), d.month, d.day)
}

/// Whether the terminal is an ATM (see the module docs).
pub fn is_atm(t: TerminalType, add: &AdditionalTerminalCapabilities) -> bool {
    matches!(t.0, 0x14..=0x16) && add.contains(AdditionalTerminalCapabilities::CASH)
}

/// Book 3 §10.4: sets TVR byte 2 bits in `tvr`.
///
/// # Errors
/// Malformed card data (wrong length, bad BCD, impossible date), naming the tag.
pub fn processing_restrictions(
    card: &CardRestrictionsData<'_>,
    ctx: &RestrictionsContext,
    tvr: &mut Tvr,
) -> Result<(), Error> {
    if let Some(v) = card.app_version {
        if v.len() != 2 {
            return Err(Error::at_tag(crate::error::ErrorKind::BadLength, const { Tag::new(0x9F08) }));
        }
        if v != ctx.terminal_app_version {
            tvr.set(Tvr::APP_VERSIONS_DIFFER);
        }
    }
    if let Some(v) = card.auc {
        let auc = Auc::parse(v).map_err(|e| e.with_tag(const { Tag::new(0x9F07) }))?;
        let mut allowed = if is_atm(ctx.terminal_type, &ctx.additional_capabilities) {
            auc.contains(Auc::ATM)
        } else {
            auc.contains(Auc::NON_ATM)
        };
        if let Some(ic) = card.issuer_country {
            let domestic = Country::parse(ic).map_err(|e| e.with_tag(const { Tag::new(0x5F28) }))?
                == ctx.terminal_country;
            let pick = |d, i| auc.contains(if domestic { d } else { i });
            let tt = ctx.transaction_type;
            if tt == TransactionType::CASH {
                allowed &= pick(Auc::DOMESTIC_CASH, Auc::INTERNATIONAL_CASH);
            } else if tt == TransactionType::PURCHASE || tt == TransactionType::CASHBACK {
                if ctx.purchase.goods {
                    allowed &= pick(Auc::DOMESTIC_GOODS, Auc::INTERNATIONAL_GOODS);
                }
                if ctx.purchase.services {
                    allowed &= pick(Auc::DOMESTIC_SERVICES, Auc::INTERNATIONAL_SERVICES);
                }
                if tt == TransactionType::CASHBACK || ctx.amount_other != 0 {
                    allowed &= pick(Auc::DOMESTIC_CASHBACK, Auc::INTERNATIONAL_CASHBACK);
                }
            }
        }
        if !allowed {
            tvr.set(Tvr::SERVICE_NOT_ALLOWED);
        }
    }
    let today = full(&ctx.transaction_date);
    if let Some(v) = card.effective_date {
        let d = Date::parse(v).map_err(|e| e.with_tag(const { Tag::new(0x5F25) }))?;
        if full(&d) > today {
            tvr.set(Tvr::NOT_YET_EFFECTIVE);
        }
    }
    if let Some(v) = card.expiration_date {
        let d = Date::parse(v).map_err(|e| e.with_tag(const { Tag::new(0x5F24) }))?;
        if full(&d) < today {
            tvr.set(Tvr::EXPIRED);
        }
    }
    Ok(())
}
