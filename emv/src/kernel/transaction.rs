//! A whole contact transaction in EMV 4.4 Book 3 order, from application selection to completion:
//! selection → initiate application processing → read application data → offline data
//! authentication → processing restrictions → cardholder verification → terminal risk management
//! → terminal action analysis → first GENERATE AC (card action analysis) → online processing →
//! issuer authentication and scripts `71` → second GENERATE AC → scripts `72` → [`Outcome`].
//!
//! Every phase is one of this module's sibling sans-IO machines (or a pure function); [`run`]
//! composes them over a [`CardTransport`] (PC/SC, the simulator, a T=1 link on a board), the
//! [`PinDevice`] and the [`Host`], all injected by the caller, with no heap.
//!
//! ## PIN handling (PCI PTS)
//!
//! PIN digits never pass through the kernel. For an **offline plaintext PIN** the PIN entry
//! device sends VERIFY (P2 `80`) over its own secure path to the card and reports the status word.
//! For an **offline enciphered PIN** the kernel obtains the card's challenge (GET CHALLENGE) and
//! hands the device the ICC PIN encipherment public key (`9F2D`, recovered from its certificate)
//! or, when the card has none, the ICC public key; the device returns the RSA ciphertext of
//! Book 2 §7.2 and the kernel sends it in VERIFY (P2 `88`). For an **online PIN** the device
//! returns an encrypted PIN block, which the kernel only forwards in the [`OnlineRequest`].
//!
//! ## Choices between two readings
//!
//! - **Wrong offline PIN with tries left (`63Cx`, x > 0):** the device is asked again (it may
//!   stop, which counts as "PIN entry bypassed" for that CVM); `63C0`, `6983` and `6984` mean the
//!   try limit is exceeded.
//! - **CA public key missing, certificate data missing, or recovery failed:** the selected ODA
//!   method fails (TVR byte 1), missing data also sets "ICC data missing"; the transaction goes on
//!   and action analysis decides. With CDA, a failed key recovery means no CDA is requested.
//! - **CDA verification fails on a TC or ARQC:** the card's cryptogram is treated as an AAC and
//!   the transaction is declined without going online (Book 2 §6.6.2).
//! - **Approved online, card declines at the second GENERATE AC:** outcome online-declined with
//!   [`TransactionResult::reversal_required`] set: the acquirer must reverse the authorisation.
//! - **Unable to go online:** Authorisation Response Code `Y3`/`Z3` in `8A` for the second
//!   GENERATE AC, the cryptogram chosen by default action analysis (Book 3 §10.7).
//! - **Selection:** the PSE first, then the terminal's AID list when the PSE yields nothing.
//! - **No common application:** [`Outcome::NotAccepted`]; card blocked (`6A81` to SELECT):
//!   [`Outcome::CardBlocked`]; malformed card data after selection: [`Outcome::EndApplication`].

use crate::apdu::{CardTransport, Command, exchange};
use crate::data::{Aip, Cid, CryptogramType, CvmResults, Date, TransactionType, Tsi, Tvr};
use crate::dictionary::Source;
use crate::dol::build;
use crate::error::{Error, ErrorKind};
use crate::kernel::config::{AidConfig, tc_hash};
use crate::kernel::cvm::{CvmContext, PinEntryDevice, PinKind, PinOutcome, cardholder_verification};
use crate::kernel::dda::Dda;
use crate::kernel::gen_ac::{GenAcOutcome, GenerateAc, Which};
use crate::kernel::issuer::{IssuerAuthentication, ScriptProcessing, ScriptResult, ScriptTiming, scripts};
use crate::kernel::oda::{
    CapkStore, IccPublicKey, IssuerPublicKey, OdaMethod, PublicKey, RevokedCertificate, record_outcome,
    recover_icc_key, recover_issuer_key, select_method, verify_ssad,
};
use crate::kernel::restrictions::{
    CardRestrictionsData, Purchase, RestrictionsContext, processing_restrictions,
};
use crate::kernel::selection::{Candidate, Method, TerminalAid};
use crate::kernel::taa::{ActionCodes, OnlineCapability, terminal_action_analysis, unable_to_go_online};
use crate::kernel::trm::{ExceptionFile, LogEntry, TerminalRiskManagement, TrmInput, TrmRng};
use crate::kernel::{ReadApplication, ReadOutcome, drive};
use crate::store::TlvStore;
use payproto_tlv::{Config as TlvConfig, Reader, Tag, tag};

/// How a transaction ended (Book 3 and the contactless Entry Point outcome names).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Approved offline (TC at the first GENERATE AC).
    Approved,
    /// Declined offline (AAC at the first GENERATE AC).
    Declined,
    /// Approved by the issuer and by the card.
    OnlineApproved,
    /// Declined by the issuer, or by the card after the issuer approved.
    OnlineDeclined,
    /// The host could not be reached; the card approved offline.
    UnableToGoOnlineApproved,
    /// The host could not be reached; the card or the terminal declined.
    UnableToGoOnlineDeclined,
    /// The card asks for another interface.
    TryAnotherInterface,
    /// No application in common.
    NotAccepted,
    /// The transaction was ended (card data or card error).
    EndApplication,
    /// The card is blocked.
    CardBlocked,
}

impl Outcome {
    /// The outcome's name as `paytool emv transact --json` prints it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Approved => "approved",
            Self::Declined => "declined",
            Self::OnlineApproved => "online-approved",
            Self::OnlineDeclined => "online-declined",
            Self::UnableToGoOnlineApproved => "unable-to-go-online-approved",
            Self::UnableToGoOnlineDeclined => "unable-to-go-online-declined",
            Self::TryAnotherInterface => "try-another-interface",
            Self::NotAccepted => "not-accepted",
            Self::EndApplication => "end-application",
            Self::CardBlocked => "card-blocked",
        }
    }

    /// Whether the goods may be handed over.
    pub const fn is_approved(self) -> bool {
        matches!(self, Self::Approved | Self::OnlineApproved | Self::UnableToGoOnlineApproved)
    }
}

/// One GENERATE AC's result.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct GenAcSummary {
    /// Cryptogram Information Data.
    pub cid: Cid,
    /// The cryptogram type the card returned.
    pub cryptogram_type: CryptogramType,
    /// Application Transaction Counter.
    pub atc: u16,
    /// The Application Cryptogram.
    pub cryptogram: Option<[u8; 8]>,
    /// CDA verified (`None` when not requested).
    pub cda_verified: Option<bool>,
    iad: [u8; 32],
    iad_len: usize,
}

impl GenAcSummary {
    fn of(g: &GenAcOutcome) -> Self {
        let mut iad = [0u8; 32];
        let src = g.iad();
        if let Some(d) = iad.get_mut(..src.len()) {
            d.copy_from_slice(src);
        }
        Self {
            cid: g.cid,
            cryptogram_type: g.decision.cryptogram,
            atc: g.atc,
            cryptogram: g.cryptogram,
            cda_verified: g.cda_verified,
            iad,
            iad_len: src.len(),
        }
    }

    /// Issuer Application Data `9F10`.
    pub fn iad(&self) -> &[u8] {
        self.iad.get(..self.iad_len).unwrap_or(&[])
    }
}

/// Most issuer script results kept in [`TransactionResult`].
pub const MAX_SCRIPTS: usize = 4;

/// Everything a transaction produced besides the data in the store.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TransactionResult {
    /// How it ended.
    pub outcome: Outcome,
    /// The selected application.
    pub application: Option<Candidate>,
    /// The ODA method performed.
    pub oda: Option<OdaMethod>,
    /// First GENERATE AC.
    pub first_gen_ac: Option<GenAcSummary>,
    /// Second GENERATE AC.
    pub second_gen_ac: Option<GenAcSummary>,
    /// Final TVR.
    pub tvr: Tvr,
    /// Final TSI.
    pub tsi: Tsi,
    /// CVM Results `9F34`.
    pub cvm_results: CvmResults,
    /// A signature line goes on the receipt.
    pub signature_required: bool,
    /// An online PIN block was captured (and sent in the authorisation request).
    pub online_pin: bool,
    /// The card asked for an advice.
    pub advice_required: bool,
    /// The issuer approved but the card declined: the acquirer must reverse the authorisation
    /// (its data: the first GENERATE AC's ARQC and ATC, the amount, the ICC data in the store).
    pub reversal_required: bool,
    /// The transaction went online (an authorisation request was sent).
    pub went_online: bool,
    script_results: [ScriptResult; MAX_SCRIPTS],
    script_count: usize,
}

impl TransactionResult {
    const fn new(outcome: Outcome) -> Self {
        Self {
            outcome,
            application: None,
            oda: None,
            first_gen_ac: None,
            second_gen_ac: None,
            tvr: Tvr([0; 5]),
            tsi: Tsi([0; 2]),
            cvm_results: CvmResults::NO_CVM_PERFORMED,
            signature_required: false,
            online_pin: false,
            advice_required: false,
            reversal_required: false,
            went_online: false,
            script_results: [ScriptResult { status: 0, id: [0; 4] }; MAX_SCRIPTS],
            script_count: 0,
        }
    }

    /// Issuer Script Results (`9F5B` entries), in processing order.
    pub fn script_results(&self) -> &[ScriptResult] {
        self.script_results.get(..self.script_count).unwrap_or(&[])
    }
}

/// The offline PIN and online PIN face of the PIN entry device (see the module docs).
pub trait PinDevice {
    /// Whether the PIN pad is present and working.
    fn available(&self) -> bool {
        true
    }
    /// Offline plaintext PIN: the device captures the PIN, sends VERIFY (P2 `80`) to `card` over
    /// its secure path and returns the card's status word; `None` when PIN entry was bypassed.
    ///
    /// # Errors
    /// Transport errors.
    fn offline_plaintext(
        &mut self,
        card: &mut dyn CardTransport,
        try_counter: Option<u8>,
    ) -> Result<Option<u16>, Error>;
    /// Offline enciphered PIN: writes the VERIFY data (the RSA ciphertext of `7F` ‖ PIN block ‖
    /// `challenge` ‖ random pad under `key`) into `out` and returns its length; `None` when PIN
    /// entry was bypassed.
    ///
    /// # Errors
    /// A key the device cannot use.
    fn offline_enciphered(
        &mut self,
        key: &PublicKey,
        challenge: &[u8; 8],
        try_counter: Option<u8>,
        out: &mut [u8],
    ) -> Result<Option<usize>, Error>;
    /// Online PIN: writes the encrypted PIN block for the authorisation request into `out` and
    /// returns its length; `None` when PIN entry was bypassed.
    fn online(&mut self, pan: &[u8], out: &mut [u8; 16]) -> Option<usize>;
}

/// The authorisation request the kernel hands the acquirer link.
#[derive(Copy, Clone, Debug)]
pub struct OnlineRequest<'a> {
    /// The ICC data for DE 55 (the tags of [`ONLINE_TAGS`] present, in that order).
    pub icc_data: &'a [u8],
    /// Application PAN (`5A` value).
    pub pan: &'a [u8],
    /// PAN Sequence Number.
    pub pan_sequence: Option<u8>,
    /// Track 2 Equivalent Data (`57` value).
    pub track2: Option<&'a [u8]>,
    /// Amount, Authorised.
    pub amount: u64,
    /// The encrypted online PIN block.
    pub pin_block: Option<&'a [u8]>,
}

/// The host's answer.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct OnlineResponse {
    /// The issuer approved.
    pub approved: bool,
    /// Authorisation Response Code (`8A`, two characters).
    pub arc: [u8; 2],
    /// Length of the issuer's ICC data (`91`, `71`, `72` objects) written to the response buffer.
    pub icc_data_len: usize,
}

/// The acquirer link.
pub trait Host {
    /// Sends the request; writes the issuer's ICC data into `icc_data` and returns the answer, or
    /// `None` when the host cannot be reached.
    fn authorise(&mut self, request: &OnlineRequest<'_>, icc_data: &mut [u8]) -> Option<OnlineResponse>;
}

/// The tags of the authorisation request's ICC data (DE 55), in the order commonly sent (the
/// UnionPay and Visa minimum sets).
pub const ONLINE_TAGS: [u32; 21] = [
    0x9F26, 0x9F27, 0x9F10, 0x9F37, 0x9F36, 0x95, 0x9A, 0x9C, 0x9F02, 0x5F2A, 0x82, 0x9F1A, 0x9F03, 0x9F33,
    0x9F34, 0x9F35, 0x9F1E, 0x84, 0x9F09, 0x9F41, 0x5F34,
];

/// The terminal: AID parameters, CA keys, risk data.
#[derive(Clone, Copy)]
pub struct Terminal<'a, const K: usize> {
    /// Per-AID configuration (the terminal's AID list, in priority order).
    pub aids: &'a [AidConfig],
    /// CA public keys.
    pub capks: &'a CapkStore<K>,
    /// Revoked issuer certificates.
    pub revoked: &'a [RevokedCertificate],
    /// The exception file.
    pub exceptions: &'a dyn ExceptionFile,
    /// The transaction log (for the split-sale floor limit check).
    pub log: &'a [LogEntry<'a>],
    /// Interface Device serial number `9F1E`.
    pub ifd_serial: [u8; 8],
    /// The merchant forces the transaction online.
    pub merchant_forced_online: bool,
}

impl<const K: usize> core::fmt::Debug for Terminal<'_, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Terminal").field("aids", &self.aids.len()).finish_non_exhaustive()
    }
}

/// The transaction's own data.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TransactionData {
    /// Amount, Authorised (minor units).
    pub amount: u64,
    /// Amount, Other (cashback).
    pub amount_other: u64,
    /// Transaction Type `9C`.
    pub transaction_type: TransactionType,
    /// Transaction date.
    pub date: Date,
    /// Transaction time HHMMSS (BCD).
    pub time: [u8; 3],
    /// Unpredictable Number `9F37` (from the terminal's RNG).
    pub unpredictable_number: [u8; 4],
    /// Transaction Sequence Counter `9F41` (BCD).
    pub sequence_counter: [u8; 4],
}

/// Runs a transaction. The store receives the terminal data, the card's data and the results
/// (TVR `95`, TSI `9B`, CVM Results `9F34`, the cryptograms, `8A`, `9F5B`) for the receipt and
/// the ISO 8583 message; `oda` is the buffer for the records signed for offline authentication.
///
/// # Errors
/// Transport errors, and card or terminal data the kernel cannot go on with before an outcome
/// can be given (a full store, a malformed response to a command whose phase cannot absorb it).
#[allow(clippy::too_many_arguments, clippy::too_many_lines)]
pub fn run<T, P, H, R, const K: usize, const N: usize, const B: usize>(
    terminal: &Terminal<'_, K>,
    data: &TransactionData,
    transport: &mut T,
    pin: &mut P,
    host: &mut H,
    rng: &mut R,
    store: &mut TlvStore<N, B>,
    oda: &mut [u8],
) -> Result<TransactionResult, Error>
where
    T: CardTransport,
    P: PinDevice + ?Sized,
    H: Host + ?Sized,
    R: TrmRng + ?Sized,
{
    let first = terminal.aids.first().ok_or(Error::new(ErrorKind::BadValue, 0))?;
    put_terminal_data(store, first, terminal, data)?;

    // Selection, GPO, records.
    let mut list = [TerminalAid { aid: &[], partial: false }; 16];
    for (slot, a) in list.iter_mut().zip(terminal.aids) {
        *slot = TerminalAid { aid: a.aid(), partial: a.partial_selection };
    }
    let aids = list.get(..terminal.aids.len().min(16)).unwrap_or(&[]);
    let mut read = None;
    let mut pdol = ([0u8; 252], 0usize);
    for method in [Method::Pse, Method::AidList] {
        let mut k: ReadApplication<'_, '_, '_, 8, N, B> =
            ReadApplication::new(aids, method, false, store, oda);
        match drive(&mut k, transport)? {
            ReadOutcome::NoApplication if method == Method::Pse => {}
            o => {
                if let Some(p) = k.selection().fci().ok().and_then(|f| f.pdol) {
                    pdol = copy252(p);
                }
                read = Some(o);
                break;
            }
        }
    }
    let (application, summary) = match read {
        Some(ReadOutcome::Ready { application, summary }) => (application, summary),
        Some(ReadOutcome::CardBlocked) => return Ok(TransactionResult::new(Outcome::CardBlocked)),
        _ => return Ok(TransactionResult::new(Outcome::NotAccepted)),
    };
    let mut result = TransactionResult::new(Outcome::EndApplication);
    result.application = Some(application);
    let config = terminal
        .aids
        .iter()
        .find(|a| application.adf_name().starts_with(a.aid()))
        .ok_or(Error::new(ErrorKind::BadValue, 0))?;
    put_terminal_data(store, config, terminal, data)?;

    let Some(aip) = store.get(tag!(0x82)).and_then(|v| Aip::parse(v).ok()) else {
        return Ok(result);
    };
    let (pan_buf, pan_len) = match store.get(tag!(0x5A)) {
        Some(v) if v.len() <= 10 => (pad10(v), v.len()),
        _ => return Ok(result),
    };
    let pan = pan_buf.get(..pan_len).unwrap_or(&[]);
    let psn = store.get(tag!(0x5F34)).and_then(|v| v.first().copied());
    let mut tvr = Tvr::default();
    let mut tsi = Tsi::default();

    // Offline data authentication.
    let method = select_method(aip, &config.capabilities);
    result.oda = method;
    let static_data = static_data(store, oda.get(..summary.oda_len).unwrap_or(&[]));
    let mut icc_key: Option<IccPublicKey> = None;
    let mut issuer_pk: Option<IssuerPublicKey> = None;
    let mut cda_selected = false;
    match method {
        None => record_outcome(None, false, &mut tvr, &mut tsi),
        Some(m) => {
            let issuer = issuer_key(store, terminal, application.adf_name(), pan, &data.date, &mut tvr);
            issuer_pk = issuer;
            let ok = match (m, issuer) {
                (_, None) => false,
                (OdaMethod::Sda, Some(issuer)) => match store.get(tag!(0x93)) {
                    Some(ssad) => {
                        let parts = static_data.parts();
                        match verify_ssad(&issuer, ssad, &parts) {
                            Ok(dac) => {
                                store.insert(tag!(0x9F45), Source::Icc, &dac).ok();
                                true
                            }
                            Err(_) => false,
                        }
                    }
                    None => {
                        tvr.set(Tvr::ICC_DATA_MISSING);
                        false
                    }
                },
                (m, Some(issuer)) => {
                    icc_key = icc_key_of(store, &issuer, pan, &data.date, &static_data, &mut tvr);
                    match (m, icc_key) {
                        (OdaMethod::Dda, Some(k)) => {
                            set_status(store, tvr, tsi)?;
                            let card_ddol = store.get(tag!(0x9F49)).map(copy252);
                            let snapshot = &*store;
                            let mut dda = Dda::new(
                                &k,
                                card_ddol.as_ref().map(|(b, n)| b.get(..*n).unwrap_or(&[])),
                                config.default_ddol(),
                                snapshot,
                                tvr,
                                tsi,
                            );
                            let o = drive(&mut dda, transport)?;
                            (tvr, tsi) = (o.tvr, o.tsi);
                            if let Some(idn) = o.icc_dynamic_number() {
                                store.insert(tag!(0x9F4C), Source::Icc, idn).ok();
                            }
                            // Dda records its own outcome.
                            result.oda = Some(OdaMethod::Dda);
                            set_status(store, tvr, tsi)?;
                            o.succeeded
                        }
                        (OdaMethod::Cda, Some(_)) => {
                            cda_selected = true;
                            true
                        }
                        _ => false,
                    }
                }
            };
            if m != OdaMethod::Dda || icc_key.is_none() {
                // DDA with a recovered key recorded its outcome itself; CDA is decided at the
                // GENERATE AC, only a failure before it is recorded here.
                if m != OdaMethod::Cda || !ok {
                    record_outcome(Some(m), ok, &mut tvr, &mut tsi);
                }
            }
        }
    }

    // Processing restrictions.
    let rctx = RestrictionsContext {
        terminal_app_version: config.app_version,
        terminal_country: config.country,
        terminal_type: config.terminal_type,
        additional_capabilities: config.additional_capabilities,
        transaction_type: data.transaction_type,
        purchase: Purchase { goods: true, services: false },
        amount_other: data.amount_other,
        transaction_date: data.date,
    };
    let card = CardRestrictionsData {
        app_version: store.get(tag!(0x9F08)),
        auc: store.get(tag!(0x9F07)),
        issuer_country: store.get(tag!(0x5F28)),
        effective_date: store.get(tag!(0x5F25)),
        expiration_date: store.get(tag!(0x5F24)),
    };
    if processing_restrictions(&card, &rctx, &mut tvr).is_err() {
        return Ok(finish(result, tvr, tsi));
    }

    // Cardholder verification.
    // The PIN Try Counter matters only to an offline PIN CVM (codes 01, 03, 04, 05).
    let offline_pin = store.get(tag!(0x8E)).is_some_and(|l| {
        l.get(8..)
            .unwrap_or(&[])
            .chunks_exact(2)
            .any(|r| r.first().is_some_and(|c| matches!(c & 0x3F, 1 | 3 | 4 | 5)))
    });
    let ptc = if aip.contains(Aip::CV_SUPPORTED) && offline_pin {
        pin_try_counter(store, transport)?
    } else {
        None
    };
    let pin_key = pin_key(store, issuer_pk.as_ref(), icc_key, pan, &data.date);
    let cctx = CvmContext {
        aip,
        capabilities: config.capabilities,
        terminal_type: config.terminal_type,
        transaction_type: data.transaction_type,
        amount: data.amount,
        transaction_currency: config.currency.0,
        application_currency: store.get(tag!(0x9F42)).and_then(|v| <[u8; 2]>::try_from(v).ok()).map(bcd2),
        pin_try_counter: ptc,
    };
    let mut online_pin = [0u8; 16];
    let mut adapter = PinAdapter {
        device: pin,
        transport,
        key: pin_key,
        try_counter: ptc,
        pan,
        online_pin: &mut online_pin,
        online_pin_len: 0,
        error: None,
    };
    let cvm = cardholder_verification(store.get(tag!(0x8E)), &cctx, &mut adapter, tvr, tsi)?;
    if let Some(e) = adapter.error {
        return Err(e);
    }
    let online_pin_len = adapter.online_pin_len;
    (tvr, tsi) = (cvm.tvr, cvm.tsi);
    result.cvm_results = cvm.results;
    result.signature_required = cvm.signature_required;
    result.online_pin = cvm.online_pin;
    store.insert(tag!(0x9F34), Source::Terminal, &cvm.results.bytes())?;

    // Terminal risk management.
    let capability = OnlineCapability::of(config.terminal_type);
    let input = TrmInput {
        pan,
        psn,
        amount: data.amount,
        aip,
        lcol: store.get(tag!(0x9F14)).and_then(|v| v.first().copied()),
        ucol: store.get(tag!(0x9F23)).and_then(|v| v.first().copied()),
        online_capable: capability != OnlineCapability::OfflineOnly,
        merchant_forced_online: terminal.merchant_forced_online,
        log: terminal.log,
    };
    let o = drive(
        &mut TerminalRiskManagement::new(config.trm, input, rng, terminal.exceptions, tvr, tsi),
        transport,
    )?;
    (tvr, tsi) = (o.tvr, o.tsi);

    // Terminal action analysis.
    let Ok(iac) =
        ActionCodes::issuer(store.get(tag!(0x9F0E)), store.get(tag!(0x9F0F)), store.get(tag!(0x9F0D)))
    else {
        return Ok(finish(result, tvr, tsi));
    };
    let (kind, _) = terminal_action_analysis(&tvr, &iac, &config.tac, capability);

    // First GENERATE AC.
    let cdol1 = store.get(tag!(0x8C)).map(copy252);
    let Some((cdol1, cdol1_len)) = cdol1 else {
        tvr.set(Tvr::ICC_DATA_MISSING);
        return Ok(finish(result, tvr, tsi));
    };
    let cdol1 = cdol1.get(..cdol1_len).unwrap_or(&[]);
    put_tc_hash(store, cdol1, config, &mut tvr)?;
    set_status(store, tvr, tsi)?;
    let pdol_data = pdol_data(store, pdol.0.get(..pdol.1).unwrap_or(&[]));
    // The CDOL1 data as sent: the second GENERATE AC's CDA hash covers it too (Book 2 §6.6.1).
    let mut cda_prefix = [0u8; 504];
    let mut cda_prefix_len = 0usize;
    let g1 = {
        let snapshot = &*store;
        if let Some(d) = cda_prefix.get_mut(..pdol_data.1) {
            d.copy_from_slice(pdol_data.0.get(..pdol_data.1).unwrap_or(&[]));
            let rest = cda_prefix.get_mut(pdol_data.1..).unwrap_or(&mut []);
            cda_prefix_len = pdol_data.1.saturating_add(build(cdol1, snapshot, rest).unwrap_or(0));
        }
        let mut phase = GenerateAc::new(Which::First, kind, cda_selected, cdol1, snapshot, tsi);
        if let (true, Some(k)) = (cda_selected, icc_key.as_ref()) {
            phase =
                phase.with_cda(k, data.unpredictable_number, pdol_data.0.get(..pdol_data.1).unwrap_or(&[]));
        }
        match drive(&mut phase, transport) {
            Ok(g) => g,
            Err(e) if e.kind == ErrorKind::Transport => return Err(e),
            Err(_) => return Ok(finish(result, tvr, tsi)),
        }
    };
    tsi = g1.tsi;
    put_gen_ac(store, &g1)?;
    result.first_gen_ac = Some(GenAcSummary::of(&g1));
    result.advice_required = g1.decision.advice_required;
    let mut card_kind = g1.decision.cryptogram;
    if cda_selected {
        let verified = g1.cda_verified.unwrap_or(card_kind == CryptogramType::Aac);
        record_outcome(Some(OdaMethod::Cda), verified, &mut tvr, &mut tsi);
        if !verified {
            card_kind = CryptogramType::Aac;
        }
    }
    match card_kind {
        CryptogramType::Tc => {
            result.outcome = Outcome::Approved;
            return Ok(finish(result, tvr, tsi));
        }
        CryptogramType::Arqc => {}
        _ => {
            result.outcome = Outcome::Declined;
            return Ok(finish(result, tvr, tsi));
        }
    }

    // Online processing.
    set_status(store, tvr, tsi)?;
    let mut icc_data = [0u8; 512];
    let n = online_icc_data(store, &mut icc_data)?;
    let track2 = store.get(tag!(0x57)).map(copy252);
    let request = OnlineRequest {
        icc_data: icc_data.get(..n).unwrap_or(&[]),
        pan,
        pan_sequence: psn,
        track2: track2.as_ref().map(|(b, l)| b.get(..*l).unwrap_or(&[])),
        amount: data.amount,
        pin_block: (online_pin_len > 0).then(|| online_pin.get(..online_pin_len).unwrap_or(&[])),
    };
    let mut issuer_data = [0u8; 512];
    let response = host.authorise(&request, &mut issuer_data);
    result.went_online = true;
    let (second_kind, issuer_len, approved) = match response {
        None => {
            let k = unable_to_go_online(&tvr, &iac, &config.tac, false);
            store.insert(
                tag!(0x8A),
                Source::Terminal,
                if k == CryptogramType::Tc { b"Y3" } else { b"Z3" },
            )?;
            (k, 0, None)
        }
        Some(r) => {
            store.insert(tag!(0x8A), Source::Issuer, &r.arc)?;
            let k = if r.approved { CryptogramType::Tc } else { CryptogramType::Aac };
            (k, r.icc_data_len.min(issuer_data.len()), Some(r.approved))
        }
    };
    let issuer_data = issuer_data.get(..issuer_len).unwrap_or(&[]);

    // Issuer authentication (EXTERNAL AUTHENTICATE once when 91 came and the card supports it).
    let arpc = Reader::new(issuer_data, TlvConfig::EMV)
        .map_while(Result::ok)
        .find(|t| t.tag == tag!(0x91))
        .map(|t| t.value);
    if approved.is_some() {
        if let Some(v) = arpc {
            store.insert(tag!(0x91), Source::Issuer, v)?;
        }
        let s = drive(&mut IssuerAuthentication::new(aip, arpc, tvr, tsi), transport)?;
        (tvr, tsi) = (s.tvr, s.tsi);
    }

    // Scripts before the final GENERATE AC.
    run_scripts(
        issuer_data,
        ScriptTiming::BeforeFinalGenerateAc,
        transport,
        &mut tvr,
        &mut tsi,
        &mut result,
    )?;

    // Second GENERATE AC.
    let Some((cdol2, cdol2_len)) = store.get(tag!(0x8D)).map(copy252) else {
        tvr.set(Tvr::ICC_DATA_MISSING);
        return Ok(finish(result, tvr, tsi));
    };
    let cdol2 = cdol2.get(..cdol2_len).unwrap_or(&[]);
    put_tc_hash(store, cdol2, config, &mut tvr)?;
    set_status(store, tvr, tsi)?;
    let g2 = {
        let snapshot = &*store;
        let cda2 = cda_selected && g1.cda_verified == Some(true);
        let mut phase = GenerateAc::new(Which::Second, second_kind, cda2, cdol2, snapshot, tsi);
        if let (true, Some(k)) = (cda2, icc_key.as_ref()) {
            phase =
                phase.with_cda(k, data.unpredictable_number, cda_prefix.get(..cda_prefix_len).unwrap_or(&[]));
        }
        match drive(&mut phase, transport) {
            Ok(g) => g,
            Err(e) if e.kind == ErrorKind::Transport => return Err(e),
            Err(_) => return Ok(finish(result, tvr, tsi)),
        }
    };
    tsi = g2.tsi;
    result.second_gen_ac = Some(GenAcSummary::of(&g2));
    result.advice_required |= g2.decision.advice_required;
    let mut final_kind = g2.decision.cryptogram;
    if g2.cda_verified == Some(false) {
        record_outcome(Some(OdaMethod::Cda), false, &mut tvr, &mut tsi);
        final_kind = CryptogramType::Aac;
    }
    put_gen_ac(store, &g2)?;
    let card_approved = final_kind == CryptogramType::Tc;
    result.outcome = match approved {
        None if card_approved => Outcome::UnableToGoOnlineApproved,
        None => Outcome::UnableToGoOnlineDeclined,
        Some(true) if card_approved => Outcome::OnlineApproved,
        Some(true) => {
            result.reversal_required = true;
            Outcome::OnlineDeclined
        }
        Some(false) => Outcome::OnlineDeclined,
    };

    // Scripts after the final GENERATE AC.
    run_scripts(issuer_data, ScriptTiming::AfterFinalGenerateAc, transport, &mut tvr, &mut tsi, &mut result)?;
    let mut results = [0u8; 5 * MAX_SCRIPTS];
    for (chunk, r) in results.chunks_exact_mut(5).zip(result.script_results()) {
        chunk.copy_from_slice(&r.bytes());
    }
    if result.script_count > 0 {
        let len = result.script_count.saturating_mul(5);
        store.insert(tag!(0x9F5B), Source::Terminal, results.get(..len).unwrap_or(&[]))?;
    }
    set_status(store, tvr, tsi)?;
    Ok(finish(result, tvr, tsi))
}

fn finish(mut r: TransactionResult, tvr: Tvr, tsi: Tsi) -> TransactionResult {
    r.tvr = tvr;
    r.tsi = tsi;
    r
}

fn bcd2(v: [u8; 2]) -> u16 {
    let d = |b: u8| u16::from(b >> 4).saturating_mul(10).saturating_add(u16::from(b & 0x0F));
    d(v[0]).saturating_mul(100).saturating_add(d(v[1]))
}

fn pad10(v: &[u8]) -> [u8; 10] {
    let mut out = [0xFF; 10];
    for (d, s) in out.iter_mut().zip(v) {
        *d = *s;
    }
    out
}

fn copy252(v: &[u8]) -> ([u8; 252], usize) {
    let mut b = [0u8; 252];
    let n = v.len().min(252);
    if let (Some(d), Some(s)) = (b.get_mut(..n), v.get(..n)) {
        d.copy_from_slice(s);
    }
    (b, n)
}

/// Amount and the other n12 fields as BCD.
fn n12(v: u64) -> [u8; 6] {
    let mut out = [0u8; 6];
    let mut x = v;
    for b in out.iter_mut().rev() {
        let lo = u8::try_from(x % 10).unwrap_or(0);
        x /= 10;
        let hi = u8::try_from(x % 10).unwrap_or(0);
        x /= 10;
        *b = (hi << 4) | lo;
    }
    out
}

fn bcd_date(d: &Date) -> [u8; 3] {
    let b = |x: u8| ((x / 10) << 4) | (x % 10);
    [b(d.yy), b(d.month), b(d.day)]
}

fn put_terminal_data<const K: usize, const N: usize, const B: usize>(
    store: &mut TlvStore<N, B>,
    config: &AidConfig,
    terminal: &Terminal<'_, K>,
    data: &TransactionData,
) -> Result<(), Error> {
    let country = config.country.0;
    let currency = config.currency.0;
    let n4 = |x: u16| {
        let d = |k: u16| u8::try_from(k % 10).unwrap_or(0);
        [(d(x / 1000) << 4) | d(x / 100), (d(x / 10) << 4) | d(x)]
    };
    let t = Source::Terminal;
    store.insert(tag!(0x9F02), t, &n12(data.amount))?;
    store.insert(tag!(0x9F03), t, &n12(data.amount_other))?;
    store.insert(tag!(0x9F1A), t, &n4(country))?;
    store.insert(tag!(0x5F2A), t, &n4(currency))?;
    store.insert(tag!(0x5F36), t, &[config.currency_exponent])?;
    store.insert(tag!(0x9A), t, &bcd_date(&data.date))?;
    store.insert(tag!(0x9F21), t, &data.time)?;
    store.insert(tag!(0x9C), t, &[data.transaction_type.0])?;
    store.insert(tag!(0x9F37), t, &data.unpredictable_number)?;
    store.insert(tag!(0x9F35), t, &[config.terminal_type.0])?;
    store.insert(tag!(0x9F33), t, &config.capabilities.0)?;
    store.insert(tag!(0x9F40), t, &config.additional_capabilities.0)?;
    store.insert(tag!(0x9F1E), t, &terminal.ifd_serial)?;
    store.insert(tag!(0x9F09), t, &config.app_version)?;
    store.insert(tag!(0x9F41), t, &data.sequence_counter)?;
    store.insert(tag!(0x95), t, &[0; 5])?;
    store.insert(tag!(0x9B), t, &[0; 2])?;
    store.insert(tag!(0x9F34), t, &CvmResults::NO_CVM_PERFORMED.bytes())?;
    Ok(())
}

fn set_status<const N: usize, const B: usize>(
    store: &mut TlvStore<N, B>,
    tvr: Tvr,
    tsi: Tsi,
) -> Result<(), Error> {
    store.insert(tag!(0x95), Source::Terminal, &tvr.0)?;
    store.insert(tag!(0x9B), Source::Terminal, &tsi.0)
}

/// The cryptogram objects of a GENERATE AC response, replacing the previous ones.
fn put_gen_ac<const N: usize, const B: usize>(
    store: &mut TlvStore<N, B>,
    g: &GenAcOutcome,
) -> Result<(), Error> {
    let s = Source::Terminal;
    store.insert(tag!(0x9F27), s, &[g.cid.0])?;
    store.insert(tag!(0x9F36), s, &g.atc.to_be_bytes())?;
    if let Some(ac) = g.cryptogram {
        store.insert(tag!(0x9F26), s, &ac)?;
    }
    if !g.iad().is_empty() {
        store.insert(tag!(0x9F10), s, g.iad())?;
    }
    Ok(())
}

fn put_tc_hash<const N: usize, const B: usize>(
    store: &mut TlvStore<N, B>,
    cdol: &[u8],
    config: &AidConfig,
    tvr: &mut Tvr,
) -> Result<(), Error> {
    let wants = payproto_tlv::Dol::new(cdol).map_while(Result::ok).any(|e| e.tag == tag!(0x98));
    if !wants {
        return Ok(());
    }
    let tdol = store.get(tag!(0x97)).map(copy252);
    let h =
        tc_hash(tdol.as_ref().map(|(b, n)| b.get(..*n).unwrap_or(&[])), config.default_tdol(), &*store, tvr)?;
    store.insert(tag!(0x98), Source::Terminal, &h)
}

/// The data the PDOL asked for in GET PROCESSING OPTIONS (rebuilt: the terminal data has not
/// changed since), for the CDA transaction data hash.
fn pdol_data<const N: usize, const B: usize>(store: &TlvStore<N, B>, pdol: &[u8]) -> ([u8; 252], usize) {
    let mut out = [0u8; 252];
    let n = build(pdol, store, &mut out).unwrap_or(0);
    (out, n)
}

/// The ICC data of the authorisation request: the [`ONLINE_TAGS`] present, as TLV.
///
/// # Errors
/// [`ErrorKind::BufferTooSmall`].
pub fn online_icc_data<const N: usize, const B: usize>(
    store: &TlvStore<N, B>,
    out: &mut [u8],
) -> Result<usize, Error> {
    let mut w = 0usize;
    for t in ONLINE_TAGS {
        let Some(tag) = Tag::from_u32(t) else { continue };
        let Some(v) = store.get(tag) else { continue };
        let node = payproto_tlv::Node::Primitive { tag, value: v };
        let dst = out.get_mut(w..).ok_or(Error::new(ErrorKind::BufferTooSmall, w))?;
        let n = payproto_tlv::encode(&[node], dst).map_err(|_| Error::new(ErrorKind::BufferTooSmall, w))?;
        w = w.saturating_add(n);
    }
    Ok(w)
}

/// The static data to be authenticated: the signed records, then the `9F4A` tag values.
struct StaticData<'a> {
    records: &'a [u8],
    tags: [u8; 8],
    tags_len: usize,
}

impl StaticData<'_> {
    fn parts(&self) -> [&[u8]; 2] {
        [self.records, self.tags.get(..self.tags_len).unwrap_or(&[])]
    }
}

fn static_data<'a, const N: usize, const B: usize>(
    store: &TlvStore<N, B>,
    records: &'a [u8],
) -> StaticData<'a> {
    let mut tags = [0u8; 8];
    let mut len = 0usize;
    // Book 2 §5.4: 9F4A may list only the AIP.
    if let (Some(&[0x82]), Some(aip)) = (store.get(tag!(0x9F4A)), store.get(tag!(0x82))) {
        for (d, s) in tags.iter_mut().zip(aip) {
            *d = *s;
            len = len.saturating_add(1);
        }
    }
    StaticData { records, tags, tags_len: len }
}

fn issuer_key<const K: usize, const N: usize, const B: usize>(
    store: &TlvStore<N, B>,
    terminal: &Terminal<'_, K>,
    aid: &[u8],
    pan: &[u8],
    today: &Date,
    tvr: &mut Tvr,
) -> Option<IssuerPublicKey> {
    let (Some(index), Some(cert), Some(exp)) =
        (store.get(tag!(0x8F)), store.get(tag!(0x90)), store.get(tag!(0x9F32)))
    else {
        tvr.set(Tvr::ICC_DATA_MISSING);
        return None;
    };
    let rid = aid.get(..5)?;
    let ca = terminal.capks.find(rid, *index.first()?, today)?;
    recover_issuer_key(ca, cert, store.get(tag!(0x92)), exp, pan, today, terminal.revoked).ok()
}

fn icc_key_of<const N: usize, const B: usize>(
    store: &TlvStore<N, B>,
    issuer: &IssuerPublicKey,
    pan: &[u8],
    today: &Date,
    static_data: &StaticData<'_>,
    tvr: &mut Tvr,
) -> Option<IccPublicKey> {
    let (Some(cert), Some(exp)) = (store.get(tag!(0x9F46)), store.get(tag!(0x9F47))) else {
        tvr.set(Tvr::ICC_DATA_MISSING);
        return None;
    };
    let parts = static_data.parts();
    recover_icc_key(issuer, cert, store.get(tag!(0x9F48)), exp, pan, today, &parts).ok()
}

/// The ICC PIN encipherment key (`9F2D`, Book 2 §7.1: certified by the issuer like an ICC key,
/// without static data) when the card has one, else the ICC key.
fn pin_key<const N: usize, const B: usize>(
    store: &TlvStore<N, B>,
    issuer: Option<&IssuerPublicKey>,
    icc: Option<IccPublicKey>,
    pan: &[u8],
    today: &Date,
) -> Option<PublicKey> {
    if let (Some(cert), Some(exp), Some(issuer)) = (store.get(tag!(0x9F2D)), store.get(tag!(0x9F2E)), issuer)
    {
        return recover_icc_key(issuer, cert, store.get(tag!(0x9F2F)), exp, pan, today, &[])
            .ok()
            .map(|k| k.key);
    }
    icc.map(|k| k.key)
}

fn pin_try_counter<T: CardTransport + ?Sized, const N: usize, const B: usize>(
    store: &TlvStore<N, B>,
    transport: &mut T,
) -> Result<Option<u8>, Error> {
    if let Some(v) = store.get(tag!(0x9F17)) {
        return Ok(v.first().copied());
    }
    let mut buf = [0u8; 64];
    let r = exchange(transport, &Command::get_data(tag!(0x9F17)), &mut buf)?;
    if !r.sw.is_ok() {
        return Ok(None);
    }
    Ok(crate::apdu::parse_get_data(tag!(0x9F17), r.data).ok().and_then(|v| v.first().copied()))
}

/// Runs the scripts of one timing, recording their results.
fn run_scripts<T: CardTransport + ?Sized>(
    issuer_data: &[u8],
    timing: ScriptTiming,
    transport: &mut T,
    tvr: &mut Tvr,
    tsi: &mut Tsi,
    result: &mut TransactionResult,
) -> Result<(), Error> {
    for script in scripts(issuer_data).filter(|s| s.timing == timing) {
        let o = drive(&mut ScriptProcessing::new(script, *tvr, *tsi), transport)?;
        (*tvr, *tsi) = (o.status.tvr, o.status.tsi);
        if let Some(slot) = result.script_results.get_mut(result.script_count) {
            *slot = o.result;
            result.script_count = result.script_count.saturating_add(1);
        }
    }
    Ok(())
}

/// The CVM rules' view of the PIN entry device: performs the card side of each PIN CVM.
struct PinAdapter<'a, P: PinDevice + ?Sized, T: CardTransport> {
    device: &'a mut P,
    transport: &'a mut T,
    key: Option<PublicKey>,
    try_counter: Option<u8>,
    pan: &'a [u8],
    online_pin: &'a mut [u8; 16],
    online_pin_len: usize,
    error: Option<Error>,
}

/// A VERIFY status word as a PIN outcome, or `None` when tries are left.
fn verify_outcome(sw: u16) -> Option<PinOutcome> {
    match sw {
        0x9000 => Some(PinOutcome::Success),
        0x63C0 | 0x6983 | 0x6984 => Some(PinOutcome::TryLimitExceeded),
        0x63C1..=0x63CF => None,
        _ => Some(PinOutcome::Failed),
    }
}

impl<P: PinDevice + ?Sized, T: CardTransport> PinAdapter<'_, P, T> {
    fn plaintext(&mut self) -> Result<PinOutcome, Error> {
        let mut tries = self.try_counter;
        for _ in 0..16 {
            let Some(sw) = self.device.offline_plaintext(self.transport, tries)? else {
                return Ok(PinOutcome::Bypassed);
            };
            if let Some(o) = verify_outcome(sw) {
                return Ok(o);
            }
            tries = Some(u8::try_from(sw & 0x0F).unwrap_or(0));
        }
        Ok(PinOutcome::Failed)
    }

    fn enciphered(&mut self) -> Result<PinOutcome, Error> {
        let Some(key) = self.key else { return Ok(PinOutcome::Failed) };
        let mut tries = self.try_counter;
        for _ in 0..16 {
            let mut buf = [0u8; 32];
            let r = exchange(self.transport, &Command::get_challenge(), &mut buf)?;
            let Ok(challenge) = <[u8; 8]>::try_from(r.data) else { return Ok(PinOutcome::Failed) };
            if !r.sw.is_ok() {
                return Ok(PinOutcome::Failed);
            }
            let mut data = [0u8; 256];
            let Some(n) = self.device.offline_enciphered(&key, &challenge, tries, &mut data)? else {
                return Ok(PinOutcome::Bypassed);
            };
            let verify_data = data.get(..n).ok_or(Error::new(ErrorKind::BufferTooSmall, n))?;
            let mut rbuf = [0u8; 32];
            let sw = exchange(self.transport, &Command::verify(0x88, verify_data), &mut rbuf)?.sw.to_u16();
            if let Some(o) = verify_outcome(sw) {
                return Ok(o);
            }
            tries = Some(u8::try_from(sw & 0x0F).unwrap_or(0));
        }
        Ok(PinOutcome::Failed)
    }
}

impl<P: PinDevice + ?Sized, T: CardTransport> PinEntryDevice for PinAdapter<'_, P, T> {
    fn perform(&mut self, kind: PinKind) -> PinOutcome {
        if !self.device.available() {
            return PinOutcome::PinPadUnavailable;
        }
        let r = match kind {
            PinKind::OfflinePlaintext => self.plaintext(),
            PinKind::OfflineEnciphered => self.enciphered(),
            PinKind::Online => Ok(match self.device.online(self.pan, self.online_pin) {
                Some(n) => {
                    self.online_pin_len = n.min(16);
                    PinOutcome::Success
                }
                None => PinOutcome::Bypassed,
            }),
        };
        r.unwrap_or_else(|e| {
            self.error = Some(e);
            PinOutcome::PinPadUnavailable
        })
    }
}
