//! Cardholder verification (EMV 4.4 Book 3 §10.5, CVM codes Annex C3): CVM List evaluation,
//! CVM Results `9F34`, TVR byte 3 and TSI B1b7.
//!
//! [`cardholder_verification`] is a pure function of the CVM List, the terminal's capabilities
//! and the transaction data ([`CvmContext`]) — except that performing a PIN CVM is delegated to
//! the caller's [`PinEntryDevice`]. PIN digits never pass through the kernel (PCI PTS): the device
//! runs the PIN entry and the offline VERIFY (plaintext, or enciphered with the ICC key and the
//! card's challenge) or builds the online PIN block, and reports only a [`PinOutcome`].
//!
//! ## Rules (reference emv-tlv.md §8.3, Book 3 §10.5, §10.5.1–10.5.2)
//!
//! - AIP B1b5 "cardholder verification supported" clear ⇒ nothing is done (CVM Results `3F0000`,
//!   no TSI bit). CVM List absent or without rules ⇒ TVR B1b6 "ICC data missing", CVM Results
//!   `3F0000`, TSI not set (no CVM processing was performed).
//! - Rules are taken in order. A rule whose **condition** is not satisfied, needs data that is
//!   absent (conditions 06–09 without the Application Currency Code `9F42`, or with `9F42` ≠
//!   `5F2A`), or is a condition code the terminal does not know (`0A`–`FF`), is **bypassed**.
//! - Conditions: `00` always; `01` unattended cash; `02` not (unattended cash, manual cash or
//!   purchase with cashback); `03` terminal supports the CVM; `04` manual cash (attended cash);
//!   `05` purchase with cashback; `06`/`07` amount under / over X; `08`/`09` under / over Y — with
//!   **strict** `<` and `>` in the application currency.
//! - A rule whose condition holds is **attempted**: an unrecognised CVM code sets TVR B3b7; an
//!   unrecognised or unsupported CVM, or one performed unsuccessfully, is **unsuccessful**; then
//!   b7 of rule byte 1 decides — set: next rule; clear: CVM processing fails.
//! - Success ends processing. Failure or an exhausted list sets TVR B3b8.
//! - PIN: unsupported by the terminal or PIN pad broken ⇒ B3b5; bypassed ⇒ B3b4; PIN Try Limit
//!   exceeded (also when the card's PIN Try Counter `9F17` is already 0) ⇒ B3b6; online PIN
//!   captured ⇒ B3b3 (successful, result "unknown").
//! - CVM Results: the attempted rule's two bytes and `02` successful, `01` failed, or `00` unknown
//!   (signature, online PIN, PIN + signature).
//!
//! ## Choices between two readings
//!
//! - **Unrecognised and unsupported CVMs are unsuccessful CVMs** (b7 decides), not silently
//!   skipped. The reference's summary skips them; Book 3's CVM flow chart sends both to the
//!   "apply succeeding rule?" test, and condition `03` ("if terminal supports the CVM") would be
//!   meaningless if unsupported CVMs were skipped anyway.
//! - **Biometric codes `06`–`0F`** (EMV 4.4) count as unrecognised: this kernel supports no
//!   biometrics.
//! - **Condition `02`** reads as "transaction type neither cash (`01`) nor cashback (`09`)", since
//!   unattended plus manual cash cover every cash transaction.
//! - **Exhausted list, no rule attempted** (every condition failed): CVM Results `3F0001`; when
//!   some rule was attempted, the last attempted rule with result `01`.
//! - **A malformed CVM List** (shorter than 8 bytes or an odd rule byte count) is a card data
//!   error returned to the caller, not an absent list.

use crate::data::{
    Aip, CvmCondition, CvmList, CvmMethod, CvmResult, CvmResults, TerminalCapabilities, TerminalType,
    TransactionType, Tsi, Tvr,
};
use crate::error::Error;

/// Which PIN verification the kernel asks the device for.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PinKind {
    /// Offline plaintext PIN verified by the ICC (VERIFY P2 `80`).
    OfflinePlaintext,
    /// Offline enciphered PIN verified by the ICC (VERIFY P2 `88`, with GET CHALLENGE).
    OfflineEnciphered,
    /// Enciphered PIN for online verification (a PIN block for the authorisation request).
    Online,
}

/// What the PIN entry device reports (never the PIN).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PinOutcome {
    /// Offline: the card answered VERIFY with `9000`. Online: the PIN block was captured.
    Success,
    /// The card rejected the PIN and the cardholder stopped before the try limit.
    Failed,
    /// The PIN Try Limit was exceeded (VERIFY `63C0`, `6983`, `6984`).
    TryLimitExceeded,
    /// PIN entry was bypassed by the merchant or cardholder.
    Bypassed,
    /// The PIN pad is not present or not working.
    PinPadUnavailable,
}

/// The PIN entry device (implemented by the caller; the test device lives with the simulator).
pub trait PinEntryDevice {
    /// Performs one PIN CVM and reports its outcome.
    fn perform(&mut self, kind: PinKind) -> PinOutcome;
}

/// The terminal and transaction data CVM evaluation reads.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CvmContext {
    /// The card's AIP.
    pub aip: Aip,
    /// Terminal Capabilities `9F33`.
    pub capabilities: TerminalCapabilities,
    /// Terminal Type `9F35`.
    pub terminal_type: TerminalType,
    /// Transaction Type `9C`.
    pub transaction_type: TransactionType,
    /// Amount, Authorised (binary, minor units of the transaction currency).
    pub amount: u64,
    /// Transaction Currency Code `5F2A`.
    pub transaction_currency: u16,
    /// Application Currency Code `9F42`, when the card has one.
    pub application_currency: Option<u16>,
    /// PIN Try Counter `9F17`, when the card offers it.
    pub pin_try_counter: Option<u8>,
}

/// The result of cardholder verification.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CvmOutcome {
    /// CVM Results `9F34`.
    pub results: CvmResults,
    /// Updated TVR.
    pub tvr: Tvr,
    /// Updated TSI.
    pub tsi: Tsi,
    /// A signature is to be captured on the receipt.
    pub signature_required: bool,
    /// An online PIN block was captured for the authorisation request.
    pub online_pin: bool,
}

/// Whether the terminal supports a (recognised) CVM.
pub fn supports(caps: &TerminalCapabilities, method: CvmMethod) -> bool {
    let c = |b| caps.contains(b);
    match method.0 & 0x3F {
        0x00 => true,
        0x01 => c(TerminalCapabilities::PLAINTEXT_PIN_ICC),
        0x02 => c(TerminalCapabilities::ENCIPHERED_PIN_ONLINE),
        0x03 => c(TerminalCapabilities::PLAINTEXT_PIN_ICC) && c(TerminalCapabilities::SIGNATURE),
        0x04 => c(TerminalCapabilities::ENCIPHERED_PIN_OFFLINE),
        0x05 => c(TerminalCapabilities::ENCIPHERED_PIN_OFFLINE) && c(TerminalCapabilities::SIGNATURE),
        0x1E => c(TerminalCapabilities::SIGNATURE),
        0x1F => c(TerminalCapabilities::NO_CVM),
        _ => false,
    }
}

/// Whether a rule's condition holds (false also for an unknown condition code or missing data: bypass).
pub fn condition_satisfied(cond: CvmCondition, method: CvmMethod, x: u32, y: u32, ctx: &CvmContext) -> bool {
    let tt = ctx.transaction_type;
    let cash = tt == TransactionType::CASH;
    let attended = ctx.terminal_type.is_attended();
    let in_app_currency = ctx.application_currency == Some(ctx.transaction_currency);
    match cond.0 {
        0x00 => true,
        0x01 => cash && !attended,
        0x02 => !cash && tt != TransactionType::CASHBACK,
        0x03 => method.is_recognised() && supports(&ctx.capabilities, method),
        0x04 => cash && attended,
        0x05 => tt == TransactionType::CASHBACK,
        0x06 => in_app_currency && ctx.amount < u64::from(x),
        0x07 => in_app_currency && ctx.amount > u64::from(x),
        0x08 => in_app_currency && ctx.amount < u64::from(y),
        0x09 => in_app_currency && ctx.amount > u64::from(y),
        _ => false,
    }
}

enum Attempt {
    /// CVM complete; result byte; signature; online PIN.
    Success(CvmResult, bool, bool),
    Unsuccessful,
}

fn pin<P: PinEntryDevice + ?Sized>(kind: PinKind, ctx: &CvmContext, ped: &mut P, tvr: &mut Tvr) -> bool {
    if kind != PinKind::Online && ctx.pin_try_counter == Some(0) {
        tvr.set(Tvr::PIN_TRY_LIMIT_EXCEEDED);
        return false;
    }
    match ped.perform(kind) {
        PinOutcome::Success => {
            if kind == PinKind::Online {
                tvr.set(Tvr::ONLINE_CVM_CAPTURED);
            }
            true
        }
        PinOutcome::Failed => false,
        PinOutcome::TryLimitExceeded => {
            tvr.set(Tvr::PIN_TRY_LIMIT_EXCEEDED);
            false
        }
        PinOutcome::Bypassed => {
            tvr.set(Tvr::PIN_NOT_ENTERED);
            false
        }
        PinOutcome::PinPadUnavailable => {
            tvr.set(Tvr::PIN_PAD_ABSENT);
            false
        }
    }
}

fn attempt<P: PinEntryDevice + ?Sized>(
    method: CvmMethod,
    ctx: &CvmContext,
    ped: &mut P,
    tvr: &mut Tvr,
) -> Attempt {
    if !method.is_recognised() {
        tvr.set(Tvr::UNRECOGNISED_CVM);
        return Attempt::Unsuccessful;
    }
    let m = method.0 & 0x3F;
    if !supports(&ctx.capabilities, method) {
        // Book 3 §10.5.1/§10.5.2: a PIN CVM the terminal cannot do counts as "PIN pad not present".
        if matches!(m, 0x01..=0x05) {
            tvr.set(Tvr::PIN_PAD_ABSENT);
        }
        return Attempt::Unsuccessful;
    }
    let kind = match m {
        0x01 | 0x03 => PinKind::OfflinePlaintext,
        0x04 | 0x05 => PinKind::OfflineEnciphered,
        0x02 => PinKind::Online,
        0x1E => return Attempt::Success(CvmResult::Unknown, true, false),
        0x1F => return Attempt::Success(CvmResult::Successful, false, false),
        _ => return Attempt::Unsuccessful, // 00 "Fail CVM processing"
    };
    if !pin(kind, ctx, ped, tvr) {
        return Attempt::Unsuccessful;
    }
    match m {
        0x02 => Attempt::Success(CvmResult::Unknown, false, true),
        0x03 | 0x05 => Attempt::Success(CvmResult::Unknown, true, false),
        _ => Attempt::Success(CvmResult::Successful, false, false),
    }
}

/// Book 3 §10.5 cardholder verification over the CVM List value `8E` (`None` when absent).
///
/// # Errors
/// A malformed CVM List (see the module docs).
pub fn cardholder_verification<P: PinEntryDevice + ?Sized>(
    cvm_list: Option<&[u8]>,
    ctx: &CvmContext,
    ped: &mut P,
    tvr: Tvr,
    tsi: Tsi,
) -> Result<CvmOutcome, Error> {
    let mut out = CvmOutcome {
        results: CvmResults::NO_CVM_PERFORMED,
        tvr,
        tsi,
        signature_required: false,
        online_pin: false,
    };
    if !ctx.aip.contains(Aip::CV_SUPPORTED) {
        return Ok(out);
    }
    let list = match cvm_list.map(CvmList::parse).transpose()? {
        Some(l) if !l.is_empty() => l,
        _ => {
            out.tvr.set(Tvr::ICC_DATA_MISSING);
            return Ok(out);
        }
    };
    out.tsi.set(Tsi::CV_PERFORMED);
    let mut last_failed: Option<CvmResults> = None;
    for rule in list.rules() {
        if !condition_satisfied(rule.condition, rule.method(), list.x, list.y, ctx) {
            continue;
        }
        match attempt(rule.method(), ctx, ped, &mut out.tvr) {
            Attempt::Success(result, signature, online_pin) => {
                out.results = CvmResults { code: rule.code, condition: rule.condition, result };
                out.signature_required = signature;
                out.online_pin = online_pin;
                return Ok(out);
            }
            Attempt::Unsuccessful => {
                last_failed = Some(CvmResults {
                    code: rule.code,
                    condition: rule.condition,
                    result: CvmResult::Failed,
                });
                if !rule.apply_next_if_unsuccessful() {
                    break;
                }
            }
        }
    }
    out.tvr.set(Tvr::CV_NOT_SUCCESSFUL);
    out.results = last_failed.unwrap_or(CvmResults {
        code: 0x3F,
        condition: CvmCondition(0x00),
        result: CvmResult::Failed,
    });
    Ok(out)
}
