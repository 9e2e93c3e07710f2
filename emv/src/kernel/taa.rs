//! Terminal action analysis (EMV 4.4 Book 3 §10.7) and the essentials of card action analysis
//! (§10.8): which cryptogram to request in GENERATE AC, the CDA request bit, and what the card's
//! Cryptogram Information Data (`9F27`) means for the transaction.
//!
//! Pure functions of the TVR, the Issuer and Terminal Action Codes and the terminal's online
//! capability; no card I/O.
//!
//! Rules (reference emv-tlv.md §8.1–8.2, Book 3 text as quoted in public kernels):
//! - Absent IAC-Denial `9F0E` ⇒ `00…`; absent IAC-Online `9F0F` and IAC-Default `9F0D` ⇒ `FF…`;
//!   absent TACs ⇒ `00…`. A test matches when `TVR & (IAC | TAC)` has any bit set.
//! - Denial match ⇒ AAC. Otherwise an online-only terminal ⇒ ARQC; an online-capable terminal ⇒
//!   ARQC on an Online match, else TC; an offline-only terminal goes to the Default check: match ⇒
//!   AAC, else TC. When the transaction cannot go online the Default check decides the second
//!   GENERATE AC the same way ([`unable_to_go_online`]).
//! - GENERATE AC P1: `00` AAC, `40` TC, `80` ARQC, plus `10` when a CDA signature is requested.
//!
//! ## Choices between two readings
//!
//! - **CDA request on an AAC:** not made. Book 2 §6.6 has the terminal request a CDA signature
//!   with TC or ARQC requests; an AAC carries no signature worth verifying. [`gen_ac_p1`] sets
//!   bit `10` only when CDA was selected and the request is not an AAC.
//! - **Online-only terminal that failed to go online:** Book 3 lets it skip the Default check and
//!   request an AAC; [`unable_to_go_online`] takes that as a parameter (`skip_default`).
//! - **A card answering with a higher cryptogram than requested** (order AAC < ARQC < TC), or
//!   with the RFU type `11`, is a card error ([`ErrorKind::BadValue`] on tag `9F27`).
//! - **Format 1 response to a CDA request:** accepted only for an AAC (a TC/ARQC must carry the
//!   signature in format 2, HX kernel behaviour).

use crate::apdu::GenAcResponse;
use crate::data::{Cid, CryptogramType, TerminalType, Tsi, Tvr};
use crate::error::{Error, ErrorKind};
use payproto_tlv::Tag;

/// Online capability of the terminal (from the Terminal Type `9F35`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OnlineCapability {
    /// Online only (terminal types x1, x4).
    OnlineOnly,
    /// Offline with online capability (x2, x5).
    OnlineCapable,
    /// Offline only (x3, x6).
    OfflineOnly,
}

impl OnlineCapability {
    /// From the Terminal Type.
    pub fn of(t: TerminalType) -> Self {
        if t.is_online_only() {
            Self::OnlineOnly
        } else if t.is_offline_only() {
            Self::OfflineOnly
        } else {
            Self::OnlineCapable
        }
    }
}

/// The three action codes of one side (issuer or terminal), each in TVR coding.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ActionCodes {
    /// Denial.
    pub denial: Tvr,
    /// Online.
    pub online: Tvr,
    /// Default.
    pub default: Tvr,
}

fn code(v: Option<&[u8]>, absent: u8) -> Result<Tvr, Error> {
    v.map_or(Ok(Tvr([absent; 5])), Tvr::parse)
}

impl ActionCodes {
    /// Issuer Action Codes from the card's `9F0E` (denial), `9F0F` (online), `9F0D` (default)
    /// values; absent ones default to `00…`, `FF…`, `FF…`.
    ///
    /// # Errors
    /// [`ErrorKind::BadLength`] for a value that is not 5 bytes.
    pub fn issuer(
        denial: Option<&[u8]>,
        online: Option<&[u8]>,
        default: Option<&[u8]>,
    ) -> Result<Self, Error> {
        Ok(Self {
            denial: code(denial, 0x00).map_err(|e| e.with_tag(const { Tag::new(0x9F0E) }))?,
            online: code(online, 0xFF).map_err(|e| e.with_tag(const { Tag::new(0x9F0F) }))?,
            default: code(default, 0xFF).map_err(|e| e.with_tag(const { Tag::new(0x9F0D) }))?,
        })
    }

    /// Terminal Action Codes; absent ones default to `00…`.
    pub fn terminal(denial: Option<Tvr>, online: Option<Tvr>, default: Option<Tvr>) -> Self {
        Self {
            denial: denial.unwrap_or_default(),
            online: online.unwrap_or_default(),
            default: default.unwrap_or_default(),
        }
    }
}

/// Whether any TVR bit is set in `iac | tac`.
pub fn matches(tvr: &Tvr, iac: &Tvr, tac: &Tvr) -> bool {
    tvr.0.iter().zip(iac.0.iter().zip(&tac.0)).any(|(t, (i, a))| t & (i | a) != 0)
}

/// Which test decided.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Decided {
    /// The Denial codes matched.
    Denial,
    /// The Online codes matched (or the terminal is online only).
    Online,
    /// The Default codes matched.
    Default,
    /// Nothing matched: approve offline.
    NoMatch,
}

/// The cryptogram to request in the first GENERATE AC and why.
pub fn terminal_action_analysis(
    tvr: &Tvr,
    iac: &ActionCodes,
    tac: &ActionCodes,
    capability: OnlineCapability,
) -> (CryptogramType, Decided) {
    if matches(tvr, &iac.denial, &tac.denial) {
        return (CryptogramType::Aac, Decided::Denial);
    }
    match capability {
        OnlineCapability::OnlineOnly => (CryptogramType::Arqc, Decided::Online),
        OnlineCapability::OnlineCapable => {
            if matches(tvr, &iac.online, &tac.online) {
                (CryptogramType::Arqc, Decided::Online)
            } else {
                (CryptogramType::Tc, Decided::NoMatch)
            }
        }
        OnlineCapability::OfflineOnly => default_check(tvr, iac, tac),
    }
}

fn default_check(tvr: &Tvr, iac: &ActionCodes, tac: &ActionCodes) -> (CryptogramType, Decided) {
    if matches(tvr, &iac.default, &tac.default) {
        (CryptogramType::Aac, Decided::Default)
    } else {
        (CryptogramType::Tc, Decided::NoMatch)
    }
}

/// The second GENERATE AC when the online request could not be completed: the Default check
/// (match ⇒ AAC, else TC), or AAC outright when `skip_default` (online-only terminals may).
pub fn unable_to_go_online(
    tvr: &Tvr,
    iac: &ActionCodes,
    tac: &ActionCodes,
    skip_default: bool,
) -> CryptogramType {
    if skip_default { CryptogramType::Aac } else { default_check(tvr, iac, tac).0 }
}

/// GENERATE AC P1 for a request: the type bits, plus `10` when CDA is selected and the request is
/// not an AAC.
pub fn gen_ac_p1(kind: CryptogramType, cda_selected: bool) -> u8 {
    let cda = cda_selected && kind != CryptogramType::Aac;
    kind.bits() | if cda { 0x10 } else { 0x00 }
}

/// What the card decided (card action analysis, §10.8).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CardDecision {
    /// The cryptogram the card returned.
    pub cryptogram: CryptogramType,
    /// CID b4: the card asks for an advice.
    pub advice_required: bool,
    /// CID b3–b1: reason code (`1` service not allowed, `2` PIN try limit exceeded, `3` issuer
    /// authentication failed), 0 when none.
    pub reason: u8,
}

/// Card action analysis on a GENERATE AC response to a request for `requested`: checks the card
/// did not return a higher cryptogram than requested (nor the RFU type), and that a CDA request
/// got a format-2 answer unless the card declined. Sets TSI B1b6 "card risk management was
/// performed" (the caller passes the TSI of the first GENERATE AC).
///
/// # Errors
/// [`ErrorKind::BadValue`] (tag `9F27`) for a higher or RFU cryptogram; [`ErrorKind::BadTemplate`]
/// for a format-1 TC/ARQC answer to a CDA request.
pub fn card_action_analysis(
    requested: CryptogramType,
    cda_requested: bool,
    response: &GenAcResponse<'_>,
    tsi: &mut Tsi,
) -> Result<CardDecision, Error> {
    let cid: Cid = response.cid;
    let got = cid.cryptogram();
    if got == CryptogramType::Rfu || got > requested {
        return Err(Error::at_tag(ErrorKind::BadValue, const { Tag::new(0x9F27) }));
    }
    if cda_requested && response.template.is_none() && got != CryptogramType::Aac {
        return Err(Error::at_tag(ErrorKind::BadTemplate, const { Tag::new(0x80) }));
    }
    tsi.set(Tsi::CARD_RISK_MANAGEMENT_PERFORMED);
    Ok(CardDecision { cryptogram: got, advice_required: cid.advice_required(), reason: cid.0 & 0x07 })
}
