//! Whole transactions (`kernel::transaction::run`) on the personalised simulated cards.
//!
//! Sources of the expected values: the cards' documented data (`sim_profiles.rs`: AIP, CVM list,
//! IACs, limits, dates) and the EMV 4.4 Book 3 rules as tabulated in `shared/reference/emv-tlv.md`
//! §7–8 (TVR/TSI bits of each phase, action analysis, issuer authentication and scripts, CVM
//! results); the ARPC of the issuer simulator below is computed with `payproto_crypto::emv`, whose
//! ARPC method 1 is tested against pyemv (`crypto/tests/vectors/emv.txt`).
#![cfg(feature = "sim")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_crypto::Key;
use payproto_crypto::emv::{self as cemv, Card};
use payproto_emv::apdu::CardTransport;
use payproto_emv::data::{
    AdditionalTerminalCapabilities, CryptogramType, Date, TerminalCapabilities, TransactionType, Tvr,
};
use payproto_emv::kernel::config::{AidConfig, AidParams};
use payproto_emv::kernel::oda::{CaPublicKey, CapkStore, OdaMethod};
use payproto_emv::kernel::transaction::{
    Host, OnlineRequest, OnlineResponse, Outcome, Terminal, TransactionData, TransactionResult, run,
};
use payproto_emv::kernel::trm::{ExceptionFile, RandomSelection, TrmRng};
use payproto_emv::sim::{SimCard, TestPinPad, pki, profiles};
use payproto_emv::store::TlvStore;
use payproto_emv::tlv::{Config, Reader, Tag};

fn up(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn aid(aid: &[u8], floor_limit: u64) -> AidConfig {
    AidConfig::new(&params(aid, floor_limit)).unwrap()
}

fn params(aid: &[u8], floor_limit: u64) -> AidParams<'_> {
    AidParams {
        aid,
        partial_selection: false,
        app_version: [0x00, 0x8C],
        tac_denial: None,
        tac_online: None,
        tac_default: None,
        floor_limit,
        random_selection: None,
        default_ddol: &[0x9F, 0x37, 0x04],
        default_tdol: &[],
        // Plaintext and enciphered offline PIN, online PIN, signature, no CVM; SDA, DDA, CDA.
        capabilities: TerminalCapabilities(hex("E0F8C8").try_into().unwrap()),
        additional_capabilities: AdditionalTerminalCapabilities(hex("6000F0A001").try_into().unwrap()),
        terminal_type: 0x22,
        country: 840,
        currency: 840,
        currency_exponent: 2,
    }
}

fn capks() -> CapkStore<4> {
    let mut s = CapkStore::new();
    let mut checksum = [0u8; 20];
    {
        use sha1::Digest as _;
        let mut h = sha1::Sha1::new();
        h.update(pki::CA_RID);
        h.update([pki::CA_INDEX]);
        h.update(pki::CA_MODULUS);
        h.update(pki::CA_EXPONENT);
        checksum.copy_from_slice(&h.finalize());
    }
    let expiry = Date::parse(&hex("311231")).unwrap();
    let key = CaPublicKey::new(
        pki::CA_RID,
        pki::CA_INDEX,
        pki::CA_MODULUS,
        pki::CA_EXPONENT,
        &checksum,
        expiry,
        false,
    )
    .unwrap();
    s.insert(key).unwrap();
    s
}

thread_local! {
    /// The Terminal Action Code - Denial of the next transaction on this thread.
    static TAC_DENIAL: core::cell::RefCell<Option<Tvr>> = const { core::cell::RefCell::new(None) };
}

struct NoExceptions;
impl ExceptionFile for NoExceptions {
    fn contains(&self, _pan: &[u8], _psn: Option<u8>) -> bool {
        false
    }
}

struct Rng(u32);
impl TrmRng for Rng {
    fn next_u32(&mut self) -> u32 {
        self.0
    }
}

/// The issuer behind the acquirer: approves (or not), answers with ARPC method 1 over the ARQC
/// under the card's master key (option A from the issuer master key), and optional scripts.
struct Issuer {
    approve: bool,
    reachable: bool,
    scripts: Vec<u8>,
    requests: usize,
    icc_data: Vec<u8>,
}

impl Issuer {
    fn new(approve: bool) -> Self {
        Self { approve, reachable: true, scripts: vec![], requests: 0, icc_data: vec![] }
    }
}

fn value(data: &[u8], tag: u32) -> Option<Vec<u8>> {
    Reader::new(data, Config::EMV).flatten().find(|t| t.tag.to_u32() == tag).map(|t| t.value.to_vec())
}

impl Host for Issuer {
    fn authorise(&mut self, r: &OnlineRequest<'_>, out: &mut [u8]) -> Option<OnlineResponse> {
        self.requests += 1;
        self.icc_data = r.icc_data.to_vec();
        if !self.reachable {
            return None;
        }
        let arc = if self.approve { *b"00" } else { *b"05" };
        let arqc: [u8; 8] = value(r.icc_data, 0x9F26).unwrap().try_into().unwrap();
        let pan: String = up(r.pan).trim_end_matches('F').into();
        let imk = if r.pan.starts_with(&[0x54]) { pki::MC_IMK } else { pki::VISA_IMK };
        let imk = Key::tdes(&imk).unwrap();
        let mk = cemv::derive_icc_mk_a(&imk, &Card { pan: pan.as_bytes(), psn: r.pan_sequence }).unwrap();
        let arpc = cemv::arpc_method1(&mk, &arqc, &arc).unwrap();
        let mut d = vec![0x91, 0x0A];
        d.extend_from_slice(&arpc);
        d.extend_from_slice(&arc);
        d.extend_from_slice(&self.scripts);
        out[..d.len()].copy_from_slice(&d);
        Some(OnlineResponse { approved: self.approve, arc, icc_data_len: d.len() })
    }
}

/// Records each command's header (CLA INS P1 P2).
struct Recorder<'a, T> {
    inner: &'a mut T,
    sent: Vec<String>,
}
impl<T: CardTransport> CardTransport for Recorder<'_, T> {
    fn transmit(&mut self, c: &[u8], r: &mut [u8]) -> Result<usize, payproto_emv::Error> {
        self.sent.push(up(&c[..4]));
        self.inner.transmit(c, r)
    }
}

struct Run {
    sent: Vec<String>,
    result: TransactionResult,
    store: TlvStore<96, 4096>,
    card: SimCard<'static>,
    pad_entries: usize,
}

fn transact(profile: &str, amount: u64, issuer: &mut Issuer, pin: &[u8]) -> Run {
    transact_with(profile, amount, issuer, pin, None, 99, None)
}

/// A transport that flips one bit in the SDAD (`9F4B`) of every CDA answer to GENERATE AC.
struct CorruptCda<'a>(&'a mut SimCard<'static>);
impl CardTransport for CorruptCda<'_> {
    fn transmit(&mut self, c: &[u8], r: &mut [u8]) -> Result<usize, payproto_emv::Error> {
        let n = self.0.transmit(c, r)?;
        let cda = c.get(1) == Some(&0xAE) && c.get(2).is_some_and(|p1| p1 & 0x10 != 0);
        if let (true, Some(at)) = (cda, r[..n].windows(2).position(|w| w == [0x9F, 0x4B])) {
            r[at + 10] ^= 0x01;
        }
        Ok(n)
    }
}

fn transact_with(
    profile: &str,
    amount: u64,
    issuer: &mut Issuer,
    pin: &[u8],
    random: Option<RandomSelection>,
    rng: u32,
    corrupt_cda: Option<()>,
) -> Run {
    let p = profiles::by_name(profile).unwrap();
    let mut card = SimCard::new(p);
    let mut a = AidParams { ..params(pki::VISA_AID, 10_000) };
    a.random_selection = random;
    a.tac_denial = TAC_DENIAL.with(|t| *t.borrow());
    let aids = [AidConfig::new(&a).unwrap(), aid(pki::MC_AID, 10_000)];
    let capks = capks();
    let terminal = Terminal {
        aids: &aids,
        capks: &capks,
        revoked: &[],
        exceptions: &NoExceptions,
        log: &[],
        ifd_serial: *b"TERM0001",
        merchant_forced_online: false,
    };
    let data = TransactionData {
        amount,
        amount_other: 0,
        transaction_type: TransactionType::PURCHASE,
        date: Date::parse(&hex("261124")).unwrap(),
        time: [0x12, 0x00, 0x00],
        unpredictable_number: [0x8B, 0x55, 0x63, 0x3B],
        sequence_counter: [0, 0, 0, 1],
    };
    let mut pad = TestPinPad::new(pin);
    let mut store: TlvStore<96, 4096> = TlvStore::new();
    let mut oda = [0u8; 2048];
    let (result, sent) = if corrupt_cda.is_some() {
        let mut t = Recorder { inner: &mut CorruptCda(&mut card), sent: vec![] };
        (run(&terminal, &data, &mut t, &mut pad, issuer, &mut Rng(rng), &mut store, &mut oda), t.sent)
    } else {
        let mut t = Recorder { inner: &mut card, sent: vec![] };
        (run(&terminal, &data, &mut t, &mut pad, issuer, &mut Rng(rng), &mut store, &mut oda), t.sent)
    };
    Run { sent, result: result.unwrap(), store, card, pad_entries: pad.entries }
}

fn tag(store: &TlvStore<96, 4096>, t: u32) -> String {
    up(store.get(Tag::from_u32(t).unwrap()).unwrap_or(&[]))
}

#[test]
fn online_approval_with_dda_issuer_authentication_and_tc() {
    let mut issuer = Issuer::new(true);
    let r = transact("demo-online", 25_000, &mut issuer, b"1234");
    let res = r.result;
    assert_eq!(res.outcome, Outcome::OnlineApproved);
    assert_eq!(res.outcome.name(), "online-approved");
    assert_eq!(res.oda, Some(OdaMethod::Dda));
    assert_eq!(res.first_gen_ac.unwrap().cryptogram_type, CryptogramType::Arqc);
    assert_eq!(res.second_gen_ac.unwrap().cryptogram_type, CryptogramType::Tc);
    assert!(!res.reversal_required);
    // TVR: DDA succeeded (no byte-1 bit); amount 250.00 above the floor limit 100.00 (B4b8).
    assert_eq!(up(&res.tvr.0), "0000008000");
    // TSI: ODA, CVM, card risk management, issuer authentication, TRM performed (Book 3 Annex C6).
    assert_eq!(up(&res.tsi.0), "F800");
    // CVM list 5E03 1F00: signature (apply succeeding if unsuccessful) if the terminal supports
    // it — it does → CVM Results = the rule's code 5E, condition 03, result 00 "unknown" (Book 3
    // Annex A: signature's result is unknown to the terminal).
    assert_eq!(up(&res.cvm_results.bytes()), "5E0300");
    assert!(res.signature_required);
    // The card recorded the online approval.
    assert_eq!(r.card.last_online_atc(), res.first_gen_ac.unwrap().atc);
    assert_eq!(tag(&r.store, 0x8A), "3030");
    assert_eq!(issuer.requests, 1);
    // DE 55 carries the ARQC, CID, IAD, UN, ATC, TVR as the kernel's status at the first GENERATE AC.
    assert_eq!(value(&issuer.icc_data, 0x9F27).unwrap(), vec![0x80]);
    assert_eq!(value(&issuer.icc_data, 0x9F37).unwrap(), hex("8B55633B"));
    assert_eq!(up(&value(&issuer.icc_data, 0x95).unwrap()), "0000008000");
    // The commands, in Book 3 order: SELECT PSE (absent: 6A82); the list of AIDs (Book 1 §12.3.3):
    // SELECT of each terminal AID (the Visa-like one is on the card, the Mastercard-like one is
    // not), then the final SELECT of the chosen application (§12.4); GPO, the AFL's
    // six records (SFI 1 rec 1, SFI 2 rec 1, SFI 3 recs 1–4), INTERNAL AUTHENTICATE (DDA), GET DATA
    // ATC and last online ATC (velocity: LCOL/UCOL present), GENERATE AC ARQC, EXTERNAL
    // AUTHENTICATE, GENERATE AC TC. No GET DATA 9F17: the CVM list has no offline PIN.
    assert_eq!(
        r.sent,
        [
            "00A40400", "00A40400", "00A40400", "00A40400", "80A80000", "00B2010C", "00B20114", "00B2011C",
            "00B2021C", "00B2031C", "00B2041C", "00880000", "80CA9F36", "80CA9F13", "80AE8000", "00820000",
            "80AE4000",
        ]
    );
}

#[test]
fn offline_approval_with_sda_below_the_floor_limit() {
    let mut issuer = Issuer::new(true);
    let r = transact("demo-offline", 5_000, &mut issuer, b"1234");
    let res = r.result;
    assert_eq!(res.outcome, Outcome::Approved);
    assert_eq!(res.oda, Some(OdaMethod::Sda));
    assert_eq!(res.first_gen_ac.unwrap().cryptogram_type, CryptogramType::Tc);
    assert!(res.second_gen_ac.is_none());
    assert_eq!(issuer.requests, 0);
    // TVR: SDA selected (B1b2), nothing else.
    assert_eq!(up(&res.tvr.0), "0200000000");
    // TSI: ODA, card risk management and TRM performed; no CVM list processing (AIP 5C00 has CV
    // supported? 5C = SDA, CV, TRM, issuer auth) — CVM performed.
    assert!(res.tsi.0[0] & 0x80 != 0 && res.tsi.0[0] & 0x20 != 0 && res.tsi.0[0] & 0x08 != 0);
    assert_eq!(tag(&r.store, 0x9F45).len(), 4);
}

#[test]
fn card_declines_at_the_first_generate_ac() {
    let mut issuer = Issuer::new(true);
    let r = transact("demo-decline", 25_000, &mut issuer, b"1234");
    assert_eq!(r.result.outcome, Outcome::Declined);
    assert_eq!(r.result.first_gen_ac.unwrap().cryptogram_type, CryptogramType::Aac);
    assert_eq!(issuer.requests, 0);
}

#[test]
fn expired_card_is_declined_by_the_issuer_denial_code() {
    let mut issuer = Issuer::new(true);
    let r = transact("demo-expired", 25_000, &mut issuer, b"1234");
    let res = r.result;
    // TVR B2b7 "expired application"; IAC-Denial 0050000000 matches → AAC requested.
    assert!(res.tvr.contains(Tvr::EXPIRED));
    assert_eq!(res.outcome, Outcome::Declined);
    assert_eq!(issuer.requests, 0);
}

#[test]
fn issuer_declines_online() {
    let mut issuer = Issuer::new(false);
    let r = transact("demo-online", 25_000, &mut issuer, b"1234");
    assert_eq!(r.result.outcome, Outcome::OnlineDeclined);
    assert_eq!(r.result.second_gen_ac.unwrap().cryptogram_type, CryptogramType::Aac);
    assert!(!r.result.reversal_required);
}

#[test]
fn unable_to_go_online_declines_by_default_action_codes() {
    let mut issuer = Issuer::new(true);
    issuer.reachable = false;
    let r = transact("demo-online", 25_000, &mut issuer, b"1234");
    // IAC-Default FC00FCF800 matches B4b8 (floor limit exceeded) → AAC, ARC Z3.
    assert_eq!(r.result.outcome, Outcome::UnableToGoOnlineDeclined);
    assert_eq!(tag(&r.store, 0x8A), up(b"Z3"));
}

#[test]
fn cda_card_goes_online_with_signed_cryptograms() {
    let mut issuer = Issuer::new(true);
    let r = transact("demo-cda", 25_000, &mut issuer, b"1234");
    let res = r.result;
    assert_eq!(res.oda, Some(OdaMethod::Cda));
    assert_eq!(res.first_gen_ac.unwrap().cda_verified, Some(true));
    assert_eq!(res.second_gen_ac.unwrap().cda_verified, Some(true));
    assert_eq!(res.outcome, Outcome::OnlineApproved);
    assert_eq!(res.tvr.0[0], 0x00);
}

#[test]
fn enciphered_offline_pin_verified_by_the_card() {
    let mut issuer = Issuer::new(true);
    let r = transact("demo-pin", 25_000, &mut issuer, b"4321");
    // CVM list 4403 (enciphered offline PIN if supported) first: performed, successful.
    assert_eq!(up(&r.result.cvm_results.bytes()), "440302");
    assert_eq!(r.pad_entries, 1);
    assert_eq!(r.card.pin_tries(), 3);
    assert_eq!(r.result.outcome, Outcome::OnlineApproved);
}

#[test]
fn wrong_pin_until_the_try_limit() {
    let mut issuer = Issuer::new(true);
    let r = transact("demo-pin", 25_000, &mut issuer, b"9999");
    // Three wrong entries (63C2, 63C1, 63C0): PIN try limit exceeded (TVR B3b6), the next rules
    // (plaintext PIN: blocked; then signature) apply.
    assert!(r.result.tvr.contains(Tvr::PIN_TRY_LIMIT_EXCEEDED));
    assert_eq!(r.card.pin_tries(), 0);
}

#[test]
fn velocity_over_the_upper_limit_goes_online() {
    let mut issuer = Issuer::new(true);
    let r = transact("demo-velocity", 5_000, &mut issuer, b"1234");
    // ATC 0x31 − last online 0x10 > UCOL 5 (and LCOL 2): TVR B4b7 and B4b6; online.
    assert!(r.result.tvr.contains(Tvr::LCOL_EXCEEDED));
    assert!(r.result.tvr.contains(Tvr::UCOL_EXCEEDED));
    assert!(r.result.went_online);
    assert_eq!(r.result.outcome, Outcome::OnlineApproved);
}

#[test]
fn issuer_scripts_before_and_after_the_final_generate_ac() {
    let mut issuer = Issuer::new(true);
    // 71: PUT DATA 9F58 (lower consecutive offline limit); 72: PUT DATA 9F59.
    issuer.scripts =
        hex("7111 9F1804 00000001 8608 04DA9F580301 0A00 7211 9F1804 00000002 8608 04DA9F590301 1400");
    let r = transact("demo-online", 25_000, &mut issuer, b"1234");
    let res = r.result;
    assert_eq!(res.outcome, Outcome::OnlineApproved);
    let results: Vec<String> = res.script_results().iter().map(|s| up(&s.bytes())).collect();
    assert_eq!(results.len(), 2);
    // TSI B1b3 "script processing was performed".
    assert!(res.tsi.0[0] & 0x04 != 0);
    assert_eq!(tag(&r.store, 0x9F5B), results.concat());
}

#[test]
fn cda_failure_declines_without_going_online() {
    let mut issuer = Issuer::new(true);
    let r = transact_with("demo-cda", 25_000, &mut issuer, b"1234", None, 99, Some(()));
    let res = r.result;
    // Book 2 §6.6.2: the SDAD does not verify → TVR B1b3 "CDA failed", the ARQC is treated as an
    // AAC, the transaction is declined offline and never sent.
    assert!(res.tvr.contains(Tvr::CDA_FAILED));
    assert_eq!(res.first_gen_ac.unwrap().cda_verified, Some(false));
    assert_eq!(res.outcome, Outcome::Declined);
    assert_eq!(issuer.requests, 0);
}

#[test]
fn random_selection_sends_a_below_floor_transaction_online() {
    // emv-tlv.md §7.2: amount 50.00 below the floor limit 100.00, threshold 10.00, target and
    // maximum target 99 %: the transaction target percentage is ≥ 99, the drawn number (1–99) is
    // at most that → selected (TVR B4b5), online.
    let mut issuer = Issuer::new(true);
    let random = Some(RandomSelection { threshold: 1_000, target_percent: 99, max_target_percent: 99 });
    let r = transact_with("demo-offline", 5_000, &mut issuer, b"1234", random, 0, None);
    assert!(r.result.tvr.contains(Tvr::RANDOMLY_SELECTED));
    assert!(!r.result.tvr.contains(Tvr::FLOOR_LIMIT_EXCEEDED));
    assert!(r.result.went_online);
    assert_eq!(r.result.outcome, Outcome::OnlineApproved);
    // Without the random selection the same transaction is approved offline (test above).
}

#[test]
fn terminal_action_code_denial_declines_offline() {
    // TAC-Denial 0000008000 (floor limit exceeded) and an amount above the floor limit:
    // (IAC-Denial | TAC-Denial) & TVR ≠ 0 → AAC requested (Book 3 §10.7), declined offline.
    TAC_DENIAL.with(|t| *t.borrow_mut() = Some(Tvr([0, 0, 0, 0x80, 0])));
    let mut issuer = Issuer::new(true);
    let r = transact("demo-online", 25_000, &mut issuer, b"1234");
    TAC_DENIAL.with(|t| *t.borrow_mut() = None);
    assert_eq!(r.result.outcome, Outcome::Declined);
    assert_eq!(r.result.first_gen_ac.unwrap().cryptogram_type, CryptogramType::Aac);
    assert_eq!(up(&r.result.tvr.0), "0000008000");
    assert_eq!(issuer.requests, 0);
    assert_eq!(r.sent.last().map(String::as_str), Some("80AE0000"));
}
