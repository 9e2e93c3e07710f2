//! Terminal configuration per AID (EMV 4.4 Book 3 §10.6–10.7, Book 4 §6) validated on
//! construction, and the TC Hash Value (tag `98`) from the TDOL (Book 3 §5.4, §6.5.5; Annex C5
//! TVR B5b8).
//!
//! ## Choices between two readings
//!
//! - **Default DDOL** must hold the Unpredictable Number `9F37` (Book 2 §6.5.1: "the default DDOL
//!   shall contain as a minimum a reference to the Unpredictable Number"); a default TDOL may be
//!   empty (= not configured).
//! - **DOL size:** default DDOL and TDOL at most [`MAX_DOL`] bytes each (they are a few tags in
//!   practice); longer ones are a configuration error.
//! - **TC hash without any TDOL** (no card `97`, no terminal default): SHA-1 of the empty string,
//!   and "default TDOL used" is not set — nothing default was used.
//! - **Codes:** country and currency are ISO numeric values (0–999), the currency exponent 0–3.

use crate::data::{
    AdditionalTerminalCapabilities, Country, Currency, TerminalCapabilities, TerminalType, Tvr,
};
use crate::dol::{DolSource, build};
use crate::error::{Error, ErrorKind};
use crate::kernel::taa::ActionCodes;
use crate::kernel::trm::{RandomSelection, TrmConfig};
use payproto_tlv::{Dol, Tag};
use sha1::{Digest, Sha1};

/// Longest default DDOL / TDOL accepted.
pub const MAX_DOL: usize = 64;

/// Per-AID parameters as provisioned (input to [`AidConfig::new`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct AidParams<'a> {
    /// The AID (5–16 bytes).
    pub aid: &'a [u8],
    /// Partial AID selection allowed.
    pub partial_selection: bool,
    /// Terminal Application Version Number `9F09`.
    pub app_version: [u8; 2],
    /// TAC-Denial, TAC-Online, TAC-Default (absent ⇒ `00…`).
    pub tac_denial: Option<Tvr>,
    /// TAC-Online.
    pub tac_online: Option<Tvr>,
    /// TAC-Default.
    pub tac_default: Option<Tvr>,
    /// Terminal Floor Limit `9F1B` (binary, transaction currency minor units).
    pub floor_limit: u64,
    /// Random transaction selection parameters.
    pub random_selection: Option<RandomSelection>,
    /// Default DDOL.
    pub default_ddol: &'a [u8],
    /// Default TDOL (empty = none).
    pub default_tdol: &'a [u8],
    /// Terminal Capabilities `9F33`.
    pub capabilities: TerminalCapabilities,
    /// Additional Terminal Capabilities `9F40`.
    pub additional_capabilities: AdditionalTerminalCapabilities,
    /// Terminal Type `9F35`.
    pub terminal_type: u8,
    /// Terminal Country Code `9F1A`.
    pub country: u16,
    /// Transaction Currency Code `5F2A`.
    pub currency: u16,
    /// Transaction Currency Exponent `5F36`.
    pub currency_exponent: u8,
}

/// A validated per-AID configuration (owns its byte strings; no heap).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct AidConfig {
    aid: [u8; 16],
    aid_len: usize,
    /// Partial AID selection allowed.
    pub partial_selection: bool,
    /// Terminal Application Version Number.
    pub app_version: [u8; 2],
    /// Terminal Action Codes.
    pub tac: ActionCodes,
    /// Terminal risk management parameters.
    pub trm: TrmConfig,
    ddol: [u8; MAX_DOL],
    ddol_len: usize,
    tdol: [u8; MAX_DOL],
    tdol_len: usize,
    /// Terminal Capabilities.
    pub capabilities: TerminalCapabilities,
    /// Additional Terminal Capabilities.
    pub additional_capabilities: AdditionalTerminalCapabilities,
    /// Terminal Type.
    pub terminal_type: TerminalType,
    /// Terminal Country Code.
    pub country: Country,
    /// Transaction Currency Code.
    pub currency: Currency,
    /// Transaction Currency Exponent.
    pub currency_exponent: u8,
}

/// Field numbers reported in the `offset` of a configuration error.
pub mod field {
    /// The AID.
    pub const AID: usize = 1;
    /// The terminal type.
    pub const TERMINAL_TYPE: usize = 2;
    /// The default DDOL.
    pub const DDOL: usize = 3;
    /// The default TDOL.
    pub const TDOL: usize = 4;
    /// Country, currency or exponent.
    pub const CODES: usize = 5;
    /// Floor limit / random selection.
    pub const TRM: usize = 6;
}

fn bad(field: usize) -> Error {
    Error::new(ErrorKind::BadValue, field)
}

fn copy_dol(dol: &[u8], field: usize) -> Result<([u8; MAX_DOL], usize), Error> {
    let mut buf = [0u8; MAX_DOL];
    buf.get_mut(..dol.len()).ok_or(bad(field))?.copy_from_slice(dol);
    for e in Dol::new(dol) {
        e.map_err(|_| bad(field))?;
    }
    Ok((buf, dol.len()))
}

impl AidConfig {
    /// Validates and stores the parameters.
    ///
    /// # Errors
    /// [`ErrorKind::BadValue`] with the [`field`] number: AID not 5–16 bytes, unknown terminal
    /// type, malformed or over-long DOL, default DDOL without `9F37`, codes out of range, or an
    /// invalid random-selection configuration (see [`TrmConfig::new`]).
    pub fn new(p: &AidParams<'_>) -> Result<Self, Error> {
        if !(5..=16).contains(&p.aid.len()) {
            return Err(bad(field::AID));
        }
        let mut aid = [0u8; 16];
        aid.get_mut(..p.aid.len()).ok_or(bad(field::AID))?.copy_from_slice(p.aid);
        let terminal_type = TerminalType::parse(&[p.terminal_type]).map_err(|_| bad(field::TERMINAL_TYPE))?;
        let (ddol, ddol_len) = copy_dol(p.default_ddol, field::DDOL)?;
        let has_un = Dol::new(p.default_ddol).flatten().any(|e| e.tag == const { Tag::new(0x9F37) });
        if !has_un {
            return Err(bad(field::DDOL));
        }
        let (tdol, tdol_len) = copy_dol(p.default_tdol, field::TDOL)?;
        if p.country > 999 || p.currency > 999 || p.currency_exponent > 3 {
            return Err(bad(field::CODES));
        }
        let trm = TrmConfig::new(p.floor_limit, p.random_selection).map_err(|_| bad(field::TRM))?;
        Ok(Self {
            aid,
            aid_len: p.aid.len(),
            partial_selection: p.partial_selection,
            app_version: p.app_version,
            tac: ActionCodes::terminal(p.tac_denial, p.tac_online, p.tac_default),
            trm,
            ddol,
            ddol_len,
            tdol,
            tdol_len,
            capabilities: p.capabilities,
            additional_capabilities: p.additional_capabilities,
            terminal_type,
            country: Country(p.country),
            currency: Currency(p.currency),
            currency_exponent: p.currency_exponent,
        })
    }

    /// The AID.
    pub fn aid(&self) -> &[u8] {
        self.aid.get(..self.aid_len).unwrap_or(&[])
    }

    /// The default DDOL.
    pub fn default_ddol(&self) -> &[u8] {
        self.ddol.get(..self.ddol_len).unwrap_or(&[])
    }

    /// The default TDOL (empty when none is configured).
    pub fn default_tdol(&self) -> &[u8] {
        self.tdol.get(..self.tdol_len).unwrap_or(&[])
    }
}

/// The TC Hash Value (tag `98`): SHA-1 over the data built from the card's TDOL `97` or, when the
/// card has none, the terminal's default TDOL — then TVR B5b8 "default TDOL used" is set.
///
/// # Errors
/// A malformed TDOL, or TDOL data longer than 252 bytes ([`ErrorKind::BufferTooSmall`]).
pub fn tc_hash<S: DolSource + ?Sized>(
    card_tdol: Option<&[u8]>,
    default_tdol: &[u8],
    source: &S,
    tvr: &mut Tvr,
) -> Result<[u8; 20], Error> {
    let tdol = match card_tdol {
        Some(t) => t,
        None if !default_tdol.is_empty() => {
            tvr.set(Tvr::DEFAULT_TDOL_USED);
            default_tdol
        }
        None => &[],
    };
    let mut data = [0u8; 252];
    let n = build(tdol, source, &mut data)?;
    let mut out = [0u8; 20];
    out.copy_from_slice(&Sha1::digest(data.get(..n).unwrap_or(&[])));
    Ok(out)
}
