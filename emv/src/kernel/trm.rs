//! Terminal risk management (EMV 4.4 Book 3 §10.6): floor limit, random transaction selection,
//! velocity checking with GET DATA, new card, exception file and merchant-forced online.
//!
//! [`TerminalRiskManagement`] is a sans-IO [`Phase`]: it does every terminal-side check in
//! [`Phase::start`], then — only when the card has both LCOL `9F14` and UCOL `9F23` — asks for
//! the ATC (`80 CA 9F 36 00`) and the Last Online ATC Register (`80 CA 9F 13 00`). Its output is
//! the updated TVR and TSI ([`TrmOutcome`]). The checks are also public as pure functions
//! ([`floor_limit_exceeded`], [`random_selection`], [`velocity`]).
//!
//! Bits set (Book 3 Annex C5/C6): TVR B4b8 floor limit exceeded, B4b7 LCOL exceeded, B4b6 UCOL
//! exceeded, B4b5 randomly selected, B4b4 merchant forced online, B2b4 new card, B1b5 exception
//! file; TSI B1b4 terminal risk management performed.
//!
//! ## Choices between two readings (reference emv-tlv.md §7)
//!
//! - **Whether to run at all:** Book 3 makes TRM conditional on AIP B1b4; scheme rules and common
//!   kernels run it regardless. [`TrmConfig::regardless_of_aip`] (default `true`) chooses. The
//!   exception file and merchant-forced-online bits are set in either case (they are terminal
//!   inputs, flylib §6.7).
//! - **Floor limit:** `amount + newest matching log amount ≥ floor limit` (`≥`, equal means
//!   exceeded); only the **most recent** log entry for the same PAN counts (Book 3 §10.6.1);
//!   matching on the PSN too is [`TrmConfig::log_match_psn`] (default off). `9F1B` is binary.
//! - **Random selection amount:** Amount, Authorised alone (not summed with the log): Book 3
//!   speaks of "the amount of the transaction"; the log matters only for the floor limit, and a
//!   summed amount at or above the floor limit already sets B4b8.
//! - **Random selection rounding:** selected iff `R ≤ TTP` where TTP = TP + (MTP − TP) ×
//!   (amount − THR) / (FL − THR) is compared **exactly** (cross-multiplied in integers). Since R
//!   is an integer this equals truncating TTP toward zero (the openemv reading), never rounding up.
//! - **R:** uniform in 1…99, from [`TrmRng::next_u32`] by rejection sampling: a draw `x` below
//!   99 × ⌊2³²/99⌋ gives `R = x mod 99 + 1`; others are redrawn (at most 8 times, then the last
//!   draw is used as is).
//! - **Offline-only terminals** skip random selection (it only makes sense with online capability).
//! - **Velocity:** only when both LCOL and UCOL are present; UCOL is compared only after LCOL was
//!   exceeded (spec text; vector V10). A GET DATA answered with any status other than `9000`, or
//!   whose data is not exactly one `9F36`/`9F13` object of 2 bytes, counts as "not returned".
//!   "ICC data missing" on such a failure is behind [`TrmConfig::icc_data_missing_on_get_data_failure`]
//!   (default off; open question in the reference).

use crate::apdu::{Command, Response, parse_get_data};
use crate::data::{Aip, Tsi, Tvr};
use crate::error::{Error, ErrorKind};
use crate::kernel::{Phase, Step, send};
use payproto_tlv::Tag;

/// ATC, `9F36`.
pub const TAG_ATC: Tag = Tag::new(0x9F36);
/// Last Online ATC Register, `9F13`.
pub const TAG_LAST_ONLINE_ATC: Tag = Tag::new(0x9F13);

/// Random transaction selection parameters (terminal side; no EMV tags).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RandomSelection {
    /// Threshold Value for Biased Random Selection (same unit as the floor limit; < floor limit).
    pub threshold: u64,
    /// Target Percentage, 0–99.
    pub target_percent: u8,
    /// Maximum Target Percentage, 0–99, at least the target percentage.
    pub max_target_percent: u8,
}

/// Terminal risk management configuration (per AID), validated by [`TrmConfig::new`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TrmConfig {
    floor_limit: u64,
    random: Option<RandomSelection>,
    /// Perform TRM even when the AIP does not ask for it (default `true`).
    pub regardless_of_aip: bool,
    /// The split-sale log lookup also matches the PSN (default `false`).
    pub log_match_psn: bool,
    /// Set TVR B1b6 "ICC data missing" when GET DATA does not return the ATC or LOATC (default `false`).
    pub icc_data_missing_on_get_data_failure: bool,
}

impl TrmConfig {
    /// A configuration with the Terminal Floor Limit (`9F1B`, binary, transaction currency) and
    /// optional random selection.
    ///
    /// # Errors
    /// [`ErrorKind::BadValue`] when a percentage exceeds 99, the target exceeds the maximum target,
    /// or the threshold is not below the floor limit.
    pub fn new(floor_limit: u64, random: Option<RandomSelection>) -> Result<Self, Error> {
        if let Some(r) = random {
            if r.target_percent > 99 || r.max_target_percent > 99 {
                return Err(Error::new(ErrorKind::BadValue, 0));
            }
            if r.target_percent > r.max_target_percent {
                return Err(Error::new(ErrorKind::BadValue, 1));
            }
            if r.threshold >= floor_limit {
                return Err(Error::new(ErrorKind::BadValue, 2));
            }
        }
        Ok(Self {
            floor_limit,
            random,
            regardless_of_aip: true,
            log_match_psn: false,
            icc_data_missing_on_get_data_failure: false,
        })
    }

    /// The floor limit.
    pub const fn floor_limit(&self) -> u64 {
        self.floor_limit
    }

    /// The random selection parameters.
    pub const fn random_selection(&self) -> Option<RandomSelection> {
        self.random
    }
}

/// One approved transaction of the terminal's log (for split sales), newest last.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LogEntry<'a> {
    /// Application PAN (`5A` value bytes).
    pub pan: &'a [u8],
    /// PAN Sequence Number (`5F34`), when known.
    pub psn: Option<u8>,
    /// Amount, Authorised (binary, transaction currency).
    pub amount: u64,
}

/// The terminal exception file (hot list).
pub trait ExceptionFile {
    /// Whether the card (PAN, optional PSN) is on the file.
    fn contains(&self, pan: &[u8], psn: Option<u8>) -> bool;
}

/// A plain list of `(PAN, optional PSN)` entries; an entry without PSN matches every PSN.
impl ExceptionFile for [(&[u8], Option<u8>)] {
    fn contains(&self, pan: &[u8], psn: Option<u8>) -> bool {
        self.iter().any(|(p, s)| *p == pan && (s.is_none() || *s == psn))
    }
}

/// The source of randomness for random transaction selection (inject a fixed one in tests).
pub trait TrmRng {
    /// A uniformly distributed 32-bit value.
    fn next_u32(&mut self) -> u32;
}

/// Draws R uniformly in 1…99 (rejection sampling, see the module docs).
pub fn draw_percent<R: TrmRng + ?Sized>(rng: &mut R) -> u8 {
    const LIMIT: u32 = 99 * (u32::MAX / 99);
    let mut x = rng.next_u32();
    for _ in 0..8 {
        if x < LIMIT {
            break;
        }
        x = rng.next_u32();
    }
    u8::try_from(x % 99).unwrap_or(0).saturating_add(1)
}

/// Book 3 §10.6.1: whether `amount` plus the newest log entry for this card reaches the floor limit.
pub fn floor_limit_exceeded(
    config: &TrmConfig,
    amount: u64,
    pan: &[u8],
    psn: Option<u8>,
    log: &[LogEntry<'_>],
) -> bool {
    let previous = log
        .iter()
        .rev()
        .find(|e| e.pan == pan && (!config.log_match_psn || e.psn == psn))
        .map_or(0, |e| e.amount);
    amount.saturating_add(previous) >= config.floor_limit
}

/// Book 3 §10.6.2: whether the transaction is selected for online processing, given R (1–99).
pub fn random_selection(config: &TrmConfig, amount: u64, r: u8) -> bool {
    let Some(rs) = config.random else { return false };
    let fl = config.floor_limit;
    if amount >= fl {
        return false;
    }
    let r = u128::from(r);
    let tp = u128::from(rs.target_percent);
    if amount < rs.threshold {
        return r <= tp;
    }
    // R ≤ TP + (MTP − TP)(amount − THR)/(FL − THR), cross-multiplied (FL > THR by construction).
    let span = u128::from(fl.saturating_sub(rs.threshold));
    let over = u128::from(amount.saturating_sub(rs.threshold));
    let extra = u128::from(rs.max_target_percent.saturating_sub(rs.target_percent));
    r.saturating_mul(span) <= tp.saturating_mul(span).saturating_add(extra.saturating_mul(over))
}

/// Book 3 §10.6.3: the velocity-checking bits from LCOL, UCOL and the values GET DATA returned
/// (`None` = not returned). Sets B4b7, B4b6 and B2b4 in `tvr`.
pub fn velocity(tvr: &mut Tvr, lcol: u8, ucol: u8, atc: Option<u16>, last_online_atc: Option<u16>) {
    match (atc, last_online_atc) {
        (Some(atc), Some(lo)) if atc > lo => {
            let diff = atc.saturating_sub(lo);
            if diff > u16::from(lcol) {
                tvr.set(Tvr::LCOL_EXCEEDED);
                if diff > u16::from(ucol) {
                    tvr.set(Tvr::UCOL_EXCEEDED);
                }
            }
        }
        _ => {
            tvr.set(Tvr::LCOL_EXCEEDED);
            tvr.set(Tvr::UCOL_EXCEEDED);
        }
    }
    if last_online_atc == Some(0) {
        tvr.set(Tvr::NEW_CARD);
    }
}

/// The transaction and card data terminal risk management reads.
#[derive(Copy, Clone, Debug)]
pub struct TrmInput<'a> {
    /// Application PAN (`5A` value bytes).
    pub pan: &'a [u8],
    /// PAN Sequence Number (`5F34`).
    pub psn: Option<u8>,
    /// Amount, Authorised (binary, transaction currency).
    pub amount: u64,
    /// The card's AIP.
    pub aip: Aip,
    /// LCOL `9F14` from the card, if present.
    pub lcol: Option<u8>,
    /// UCOL `9F23` from the card, if present.
    pub ucol: Option<u8>,
    /// The terminal can go online (false for offline-only terminals).
    pub online_capable: bool,
    /// The merchant forced the transaction online.
    pub merchant_forced_online: bool,
    /// The split-sale log, newest last.
    pub log: &'a [LogEntry<'a>],
}

/// The result: TVR and TSI after terminal risk management.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TrmOutcome {
    /// Updated TVR.
    pub tvr: Tvr,
    /// Updated TSI.
    pub tsi: Tsi,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum State {
    Start,
    AwaitAtc,
    AwaitLastOnline { atc: Option<u16> },
    Done,
}

/// Terminal risk management as a sans-IO phase.
pub struct TerminalRiskManagement<'a, R: TrmRng + ?Sized, X: ExceptionFile + ?Sized> {
    config: TrmConfig,
    input: TrmInput<'a>,
    rng: &'a mut R,
    exceptions: &'a X,
    tvr: Tvr,
    tsi: Tsi,
    state: State,
}

impl<R: TrmRng + ?Sized, X: ExceptionFile + ?Sized> core::fmt::Debug for TerminalRiskManagement<'_, R, X> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TerminalRiskManagement").field("state", &self.state).finish_non_exhaustive()
    }
}

impl<'a, R: TrmRng + ?Sized, X: ExceptionFile + ?Sized> TerminalRiskManagement<'a, R, X> {
    /// A phase starting from the current TVR and TSI.
    pub fn new(
        config: TrmConfig,
        input: TrmInput<'a>,
        rng: &'a mut R,
        exceptions: &'a X,
        tvr: Tvr,
        tsi: Tsi,
    ) -> Self {
        Self { config, input, rng, exceptions, tvr, tsi, state: State::Start }
    }

    fn outcome(&mut self) -> Step<TrmOutcome> {
        self.state = State::Done;
        Step::Done(TrmOutcome { tvr: self.tvr, tsi: self.tsi })
    }

    fn finish_velocity(&mut self, atc: Option<u16>, lo: Option<u16>) -> Step<TrmOutcome> {
        if let (Some(lcol), Some(ucol)) = (self.input.lcol, self.input.ucol) {
            velocity(&mut self.tvr, lcol, ucol, atc, lo);
        }
        if (atc.is_none() || lo.is_none()) && self.config.icc_data_missing_on_get_data_failure {
            self.tvr.set(Tvr::ICC_DATA_MISSING);
        }
        self.outcome()
    }
}

/// A 2-byte counter from a GET DATA response, or `None` when the card did not return it.
fn counter(tag: Tag, rapdu: &[u8]) -> Result<Option<u16>, Error> {
    let r = Response::parse(rapdu)?;
    if !r.sw.is_ok() {
        return Ok(None);
    }
    Ok(parse_get_data(tag, r.data).ok().and_then(|v| <[u8; 2]>::try_from(v).ok()).map(u16::from_be_bytes))
}

impl<R: TrmRng + ?Sized, X: ExceptionFile + ?Sized> Phase for TerminalRiskManagement<'_, R, X> {
    type Output = TrmOutcome;

    fn start(&mut self, out: &mut [u8]) -> Result<Step<TrmOutcome>, Error> {
        if self.state != State::Start {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        let i = self.input;
        if self.exceptions.contains(i.pan, i.psn) {
            self.tvr.set(Tvr::EXCEPTION_FILE);
        }
        if i.merchant_forced_online {
            self.tvr.set(Tvr::MERCHANT_FORCED_ONLINE);
        }
        if !self.config.regardless_of_aip && !i.aip.contains(Aip::TRM_REQUIRED) {
            return Ok(self.outcome());
        }
        if floor_limit_exceeded(&self.config, i.amount, i.pan, i.psn, i.log) {
            self.tvr.set(Tvr::FLOOR_LIMIT_EXCEEDED);
        }
        if i.online_capable && self.config.random.is_some() && i.amount < self.config.floor_limit {
            let r = draw_percent(self.rng);
            if random_selection(&self.config, i.amount, r) {
                self.tvr.set(Tvr::RANDOMLY_SELECTED);
            }
        }
        self.tsi.set(Tsi::TRM_PERFORMED);
        if i.lcol.is_some() && i.ucol.is_some() {
            self.state = State::AwaitAtc;
            return send(&Command::get_data(TAG_ATC), out);
        }
        Ok(self.outcome())
    }

    fn on_response(&mut self, rapdu: &[u8], out: &mut [u8]) -> Result<Step<TrmOutcome>, Error> {
        match self.state {
            State::AwaitAtc => {
                let atc = counter(TAG_ATC, rapdu)?;
                self.state = State::AwaitLastOnline { atc };
                send(&Command::get_data(TAG_LAST_ONLINE_ATC), out)
            }
            State::AwaitLastOnline { atc } => {
                let lo = counter(TAG_LAST_ONLINE_ATC, rapdu)?;
                Ok(self.finish_velocity(atc, lo))
            }
            State::Start | State::Done => Err(Error::new(ErrorKind::Sequence, 0)),
        }
    }
}
