//! `paytool emv transact`: a whole contact transaction through payproto's kernel
//! (`payproto_emv::kernel::transaction::run`) on the built-in simulated card or any
//! [`CardTransport`] (a PC/SC reader with the `pcsc` feature), with a simulated issuer behind a
//! simulated acquirer link, ending with the ISO 8583 message the terminal would send (`cup-pos`,
//! MACed with the demo MAC key).
//!
//! Terminal configuration (the defaults a demo terminal uses): terminal type 22 (attended,
//! online-capable), capabilities `E0F8C8` (plaintext and enciphered offline PIN, online PIN,
//! signature, no CVM; SDA, DDA, CDA), country and currency 840, floor limit 100.00, the simulator's
//! test CA key (RID A000000999, index D1) and the AIDs of the simulated cards plus Visa,
//! Mastercard and UnionPay.

use std::fmt::Write as _;

use payproto_crypto::emv::{self as cemv, Card};
use payproto_crypto::{Algorithm, Key};
use payproto_emv::apdu::CardTransport;
use payproto_emv::data::{AdditionalTerminalCapabilities, Date, TerminalCapabilities, TransactionType};
use payproto_emv::dictionary::Dictionary;
use payproto_emv::kernel::config::{AidConfig, AidParams};
use payproto_emv::kernel::oda::{CaPublicKey, CapkStore};
use payproto_emv::kernel::transaction::{
    Host, OnlineRequest, OnlineResponse, Terminal, TransactionData, TransactionResult, online_icc_data, run,
};
use payproto_emv::kernel::trm::{ExceptionFile, TrmRng};
use payproto_emv::sim::{TestPinPad, pki};
use payproto_emv::store::TlvStore;
use payproto_iso8583::MessageBuilder;
use payproto_iso8583::specs::CUP_POS;
use payproto_tlv::{Config, MaskPolicy, NoMasking, Reader, Tag, Walk, write_masked_hex};
use serde_json::{Value, json};

/// The demo terminal's MAC key (the published MAK of the CUP sample, reference iso8583.md §8 O-4).
pub const DEMO_MAK: [u8; 8] = [0x31, 0x32, 0x15, 0xFD, 0xA2, 0xC4, 0xAB, 0x4C];
/// The demo terminal's online PIN key (double-length TDES, test value).
pub const DEMO_PIN_KEY: [u8; 16] =
    [0xC1, 0xD0, 0xF8, 0xFB, 0x49, 0x58, 0x67, 0x0D, 0xBA, 0x40, 0xAB, 0x1F, 0x37, 0x52, 0xEF, 0x0D];
/// Amounts above this (minor units) are declined by the simulated issuer (response code 51).
pub const ISSUER_LIMIT: u64 = 1_000_000;

/// What the run is asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// Amount, authorised, in minor units.
    pub amount: u64,
    /// The PIN the simulated cardholder types.
    pub pin: String,
    /// Show card data unmasked.
    pub unmasked: bool,
    /// The transaction date (YYMMDD BCD) and time (HHMMSS BCD).
    pub date: [u8; 3],
    /// Transaction time.
    pub time: [u8; 3],
}

/// One command/response exchange, masked for display.
#[derive(Debug, Clone)]
pub struct StepLog {
    /// The command's name.
    pub name: &'static str,
    /// The command APDU (VERIFY data hidden).
    pub command: String,
    /// The response data, masked object by object.
    pub response: String,
    /// The status word.
    pub sw: String,
}

/// The transaction's report.
#[derive(Debug)]
pub struct Report {
    /// The kernel's result.
    pub result: TransactionResult,
    /// Every exchange with the card.
    pub steps: Vec<StepLog>,
    /// The ISO 8583 message the terminal would send (empty when nothing is sent).
    pub iso8583: Vec<u8>,
    /// Its MTI.
    pub mti: &'static str,
    /// The reversal the terminal owes (when the card declined after an online approval).
    pub reversal: Vec<u8>,
    /// The data read and produced (tag, masked value).
    pub data: Vec<(String, String)>,
}

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::with_capacity(b.len() * 2), |mut s, x| {
        let _ = write!(s, "{x:02X}");
        s
    })
}

fn command_name(capdu: &[u8]) -> &'static str {
    match (capdu.first(), capdu.get(1)) {
        (_, Some(0xA4)) => "SELECT",
        (_, Some(0xA8)) => "GET PROCESSING OPTIONS",
        (_, Some(0xB2)) => "READ RECORD",
        (_, Some(0x88)) => "INTERNAL AUTHENTICATE",
        (_, Some(0xCA)) => "GET DATA",
        (_, Some(0x84)) => "GET CHALLENGE",
        (_, Some(0x20)) => "VERIFY",
        (_, Some(0xAE)) => "GENERATE AC",
        (_, Some(0x82)) => "EXTERNAL AUTHENTICATE",
        (_, Some(0xC0)) => "GET RESPONSE",
        (Some(0x84), _) => "ISSUER SCRIPT COMMAND",
        _ => "COMMAND",
    }
}

/// Response data masked object by object (not TLV: its length only).
fn masked_response(data: &[u8], policy: &dyn MaskPolicy) -> String {
    let mut parts = Vec::new();
    for t in Walk::new(data, Config::EMV) {
        let Ok(t) = t else { return format!("({} bytes, not TLV)", data.len()) };
        if t.is_constructed() {
            continue;
        }
        let mut v = String::new();
        let _ = write_masked_hex(&mut v, t.value, policy.masking(t.tag));
        parts.push(format!("{}={v}", t.tag));
    }
    parts.join(" ")
}

/// A transport that logs every exchange.
struct Logged<'p, T> {
    inner: T,
    policy: &'p dyn MaskPolicy,
    steps: Vec<StepLog>,
}

impl<T: CardTransport> CardTransport for Logged<'_, T> {
    fn transmit(&mut self, capdu: &[u8], rapdu: &mut [u8]) -> Result<usize, payproto_emv::Error> {
        let n = self.inner.transmit(capdu, rapdu)?;
        let r = rapdu.get(..n).unwrap_or(&[]);
        let (data, sw) = r.split_at(n.saturating_sub(2));
        let name = command_name(capdu);
        let command = if capdu.get(1) == Some(&0x20) {
            format!("{} (PIN data hidden)", hex(capdu.get(..4).unwrap_or(&[])))
        } else {
            hex(capdu)
        };
        let response = if capdu.get(1) == Some(&0xAE) || capdu.get(1) == Some(&0x88) {
            format!("({} bytes)", data.len())
        } else {
            masked_response(data, self.policy)
        };
        self.steps.push(StepLog { name, command, response, sw: hex(sw) });
        Ok(n)
    }
}

/// The simulated issuer (behind a simulated acquirer): checks nothing but the amount, answers with
/// ARPC method 1 under the card's master key derived from the simulator's issuer master keys.
struct Issuer {
    request: Vec<u8>,
    pin_block: Option<Vec<u8>>,
}

fn tlv_value(data: &[u8], tag: u32) -> Option<Vec<u8>> {
    Reader::new(data, Config::EMV).flatten().find(|t| t.tag.to_u32() == tag).map(|t| t.value.to_vec())
}

fn bcd_digits(b: &[u8]) -> String {
    b.iter()
        .flat_map(|x| [x >> 4, x & 0x0F])
        .map_while(|d| match d {
            0..=9 => Some(char::from(b'0' + d)),
            0x0D => Some('D'),
            _ => None,
        })
        .collect()
}

impl Host for Issuer {
    fn authorise(&mut self, r: &OnlineRequest<'_>, out: &mut [u8]) -> Option<OnlineResponse> {
        self.request = r.icc_data.to_vec();
        self.pin_block = r.pin_block.map(<[u8]>::to_vec);
        let approve = r.amount <= ISSUER_LIMIT;
        let arc = if approve { *b"00" } else { *b"51" };
        let arqc: [u8; 8] = tlv_value(r.icc_data, 0x9F26)?.try_into().ok()?;
        let pan = bcd_digits(r.pan);
        let imk = if pan.starts_with('5') { pki::MC_IMK } else { pki::VISA_IMK };
        let imk = Key::tdes(&imk).ok()?;
        let mk = cemv::derive_icc_mk_a(&imk, &Card { pan: pan.as_bytes(), psn: r.pan_sequence }).ok()?;
        let arpc = cemv::arpc_method1(&mk, &arqc, &arc).ok()?;
        let mut d = vec![0x91, 0x0A];
        d.extend_from_slice(&arpc);
        d.extend_from_slice(&arc);
        out.get_mut(..d.len())?.copy_from_slice(&d);
        Some(OnlineResponse { approved: approve, arc, icc_data_len: d.len() })
    }
}

struct NoExceptions;
impl ExceptionFile for NoExceptions {
    fn contains(&self, _pan: &[u8], _psn: Option<u8>) -> bool {
        false
    }
}

/// The terminal's random numbers (for random transaction selection).
struct SystemRng;
impl TrmRng for SystemRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        if std::fs::File::open("/dev/urandom")
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut b))
            .is_err()
        {
            return 0;
        }
        u32::from_le_bytes(b)
    }
}

fn unpredictable_number() -> [u8; 4] {
    SystemRng.next_u32().to_be_bytes()
}

fn aid(aid: &[u8]) -> Result<AidConfig, String> {
    AidConfig::new(&AidParams {
        aid,
        partial_selection: true,
        app_version: [0x00, 0x8C],
        tac_denial: None,
        tac_online: None,
        tac_default: None,
        floor_limit: 10_000,
        random_selection: None,
        default_ddol: &[0x9F, 0x37, 0x04],
        default_tdol: &[],
        capabilities: TerminalCapabilities([0xE0, 0xF8, 0xC8]),
        additional_capabilities: AdditionalTerminalCapabilities([0x60, 0x00, 0xF0, 0xA0, 0x01]),
        terminal_type: 0x22,
        country: 840,
        currency: 840,
        currency_exponent: 2,
    })
    .map_err(|e| format!("terminal configuration: {e}"))
}

fn capks() -> Result<CapkStore<4>, String> {
    use sha1::Digest as _;
    let mut h = sha1::Sha1::new();
    h.update(pki::CA_RID);
    h.update([pki::CA_INDEX]);
    h.update(pki::CA_MODULUS);
    h.update(pki::CA_EXPONENT);
    let checksum: [u8; 20] = h.finalize().into();
    let expiry = Date { yy: 31, month: 12, day: 31 };
    let key = CaPublicKey::new(
        pki::CA_RID,
        pki::CA_INDEX,
        pki::CA_MODULUS,
        pki::CA_EXPONENT,
        &checksum,
        expiry,
        false,
    )
    .map_err(|e| format!("CA key: {e}"))?;
    let mut s = CapkStore::new();
    s.insert(key).map_err(|e| format!("CA key: {e}"))?;
    Ok(s)
}

/// The date as `Date`.
fn date(d: [u8; 3]) -> Result<Date, String> {
    Date::parse(&d).map_err(|e| format!("date: {e}"))
}

/// Runs the transaction over `transport`.
///
/// # Errors
/// A kernel or transport error, as a message.
pub fn transact<T: CardTransport>(transport: T, opts: &Options) -> Result<Report, String> {
    let policy: &dyn MaskPolicy = if opts.unmasked { &NoMasking } else { &Dictionary };
    let mut logged = Logged { inner: transport, policy, steps: Vec::new() };
    let aids = [
        aid(pki::VISA_AID)?,
        aid(pki::MC_AID)?,
        aid(&[0xA0, 0x00, 0x00, 0x00, 0x03])?,
        aid(&[0xA0, 0x00, 0x00, 0x00, 0x04])?,
        aid(&[0xA0, 0x00, 0x00, 0x03, 0x33])?,
    ];
    let capks = capks()?;
    let terminal = Terminal {
        aids: &aids,
        capks: &capks,
        revoked: &[],
        exceptions: &NoExceptions,
        log: &[],
        ifd_serial: *b"PAYTOOL1",
        merchant_forced_online: false,
    };
    let data = TransactionData {
        amount: opts.amount,
        amount_other: 0,
        transaction_type: TransactionType::PURCHASE,
        date: date(opts.date)?,
        time: opts.time,
        unpredictable_number: unpredictable_number(),
        sequence_counter: [0, 0, 0, 1],
    };
    let mut pad = TestPinPad::new(opts.pin.as_bytes());
    pad.online_key = Key::tdes(&DEMO_PIN_KEY).ok();
    let mut issuer = Issuer { request: Vec::new(), pin_block: None };
    let mut store: TlvStore<128, 8192> = TlvStore::new();
    let mut oda = vec![0u8; 4096];
    let result =
        run(&terminal, &data, &mut logged, &mut pad, &mut issuer, &mut SystemRng, &mut store, &mut oda)
            .map_err(|e| format!("kernel: {e}"))?;
    let (mti, iso8583) = message(&result, &store, &issuer, opts)?;
    let reversal = if result.reversal_required { reversal(&store, &issuer, opts)? } else { Vec::new() };
    let data = store
        .iter()
        .map(|(tag, _, v)| {
            let mut s = String::new();
            let _ = write_masked_hex(&mut s, v, policy.masking(tag));
            (tag.to_string(), s)
        })
        .collect();
    Ok(Report { result, steps: logged.steps, iso8583, mti, reversal, data })
}

/// The `cup-pos` message for the outcome: the 0200 authorisation request when the transaction went
/// online, the 0220 offline advice of an offline approval, nothing otherwise.
fn message<const N: usize, const B: usize>(
    result: &TransactionResult,
    store: &TlvStore<N, B>,
    issuer: &Issuer,
    opts: &Options,
) -> Result<(&'static str, Vec<u8>), String> {
    use payproto_emv::kernel::transaction::Outcome as O;
    let (mti, icc) = if result.went_online {
        ("0200", issuer.request.clone())
    } else if result.outcome == O::Approved {
        let mut buf = vec![0u8; 512];
        let n = online_icc_data(store, &mut buf).map_err(|e| format!("DE 55: {e}"))?;
        buf.truncate(n);
        ("0220", buf)
    } else {
        return Ok(("", Vec::new()));
    };
    let mut b = build(mti, store, &icc, issuer.pin_block.as_deref(), opts)?;
    if mti == "0200" {
        b.set(3, b"000000".to_vec());
    }
    pack(&b).map(|m| (mti, m))
}

/// The 0400 reversal of the authorisation (reason 06: the card declined after approval).
fn reversal<const N: usize, const B: usize>(
    store: &TlvStore<N, B>,
    issuer: &Issuer,
    opts: &Options,
) -> Result<Vec<u8>, String> {
    let mut b = build("0400", store, &issuer.request, None, opts)?;
    b.set(3, b"000000".to_vec());
    b.set(39, b"06".to_vec());
    pack(&b)
}

fn build<const N: usize, const B: usize>(
    mti: &str,
    store: &TlvStore<N, B>,
    icc: &[u8],
    pin_block: Option<&[u8]>,
    opts: &Options,
) -> Result<MessageBuilder, String> {
    let get = |t: u32| Tag::from_u32(t).and_then(|t| store.get(t));
    let mti: [u8; 4] = mti.as_bytes().try_into().map_err(|_| "MTI".to_owned())?;
    let mut b = MessageBuilder::new(mti);
    // TPDU 60 0501 0000 and the 6-byte CUP header of the published sample (O-3).
    b.header(vec![0x60, 0x05, 0x01, 0x00, 0x00, 0x61, 0x31, 0x00, 0x31, 0x11, 0x08]);
    let pan = get(0x5A).map(bcd_digits).ok_or("no PAN")?;
    b.set(2, pan.into_bytes());
    b.set(4, format!("{:012}", opts.amount).into_bytes());
    b.set(11, b"000001".to_vec());
    if let Some(exp) = get(0x5F24) {
        b.set(14, bcd_digits(exp).get(..4).unwrap_or_default().as_bytes().to_vec());
    }
    b.set(22, if pin_block.is_some() { b"051".to_vec() } else { b"052".to_vec() });
    if let Some(psn) = get(0x5F34).and_then(|v| v.first()) {
        b.set(23, format!("{psn:03X}").into_bytes());
    }
    b.set(25, b"00".to_vec());
    if let Some(t2) = get(0x57) {
        b.set(35, bcd_digits(t2).into_bytes());
    }
    b.set(41, b"PAYTOOL1".to_vec());
    b.set(42, b"898411341310014".to_vec());
    b.set(49, b"840".to_vec());
    if let Some(p) = pin_block {
        b.set(52, p.to_vec());
        b.set(53, b"2600000000000000".to_vec());
    }
    b.set(55, icc.to_vec());
    // 60: type 22 (sale), batch 000001, network code 000, contact IC reader (6), IC condition 0.
    b.set(60, b"2200000100060".to_vec());
    Ok(b)
}

fn pack(b: &MessageBuilder) -> Result<Vec<u8>, String> {
    let key = Key::new(Algorithm::Des, &DEMO_MAK).map_err(|e| format!("MAK: {e}"))?;
    let mut out = vec![0u8; 4096];
    let n = payproto_iso8583::mac::pack_with_mac(&CUP_POS, &b.fields(), &key, &mut out)
        .map_err(|e| format!("cup-pos: {e}"))?;
    out.truncate(n);
    Ok(out)
}

/// The report as the CLI's JSON document.
pub fn json(r: &Report) -> Value {
    let res = &r.result;
    let kind = |g: Option<payproto_emv::kernel::transaction::GenAcSummary>| {
        g.map(|g| Value::from(g.cryptogram_type.as_str()))
    };
    json!({
        "outcome": res.outcome.name(),
        "first_gen_ac": kind(res.first_gen_ac),
        "second_gen_ac": kind(res.second_gen_ac),
        "tvr": hex(&res.tvr.0),
        "tsi": hex(&res.tsi.0),
        "cvm_results": hex(&res.cvm_results.bytes()),
        "iso8583": hex(&r.iso8583),
        "mti": r.mti,
        "reversal": (!r.reversal.is_empty()).then(|| hex(&r.reversal)),
        "application": res.application.map(|a| hex(a.adf_name())),
        "steps": r.steps.iter().map(|s| json!({
            "command": s.name, "capdu": s.command, "response": s.response, "sw": s.sw,
        })).collect::<Vec<_>>(),
    })
}

/// The report for people (card data and the message masked unless `unmasked`).
pub fn human(r: &Report, unmasked: bool) -> String {
    let res = &r.result;
    let mut s = String::new();
    for st in &r.steps {
        let _ = writeln!(s, "C> {:<22} {}", st.name, st.command);
        let _ = writeln!(s, "R< {} {}", st.sw, st.response);
    }
    let _ = writeln!(s, "data:");
    for (tag, v) in &r.data {
        let name = Tag::from_u32(u32::from_str_radix(tag, 16).unwrap_or(0))
            .and_then(payproto_emv::dictionary::lookup)
            .map_or("", |e| e.name);
        let _ = writeln!(s, "  {tag:<6} {name:<45} {v}");
    }
    if let Some(a) = res.application {
        let _ = writeln!(s, "application: {}", hex(a.adf_name()));
    }
    let _ = writeln!(s, "ODA: {:?}", res.oda);
    for (label, g) in [("first GENERATE AC", res.first_gen_ac), ("second GENERATE AC", res.second_gen_ac)] {
        if let Some(g) = g {
            let _ = writeln!(
                s,
                "{label}: {} ATC {:04X} cryptogram {}",
                g.cryptogram_type.as_str(),
                g.atc,
                g.cryptogram.map(|c| hex(&c)).unwrap_or_default()
            );
        }
    }
    let _ = writeln!(s, "TVR: {}", hex(&res.tvr.0));
    for (_, name) in res.tvr.set_bits() {
        let _ = writeln!(s, "  - {name}");
    }
    let _ = writeln!(s, "TSI: {}", hex(&res.tsi.0));
    let _ = writeln!(s, "CVM results: {}", hex(&res.cvm_results.bytes()));
    if res.signature_required {
        let _ = writeln!(s, "signature required on the receipt");
    }
    let _ = writeln!(s, "outcome: {}", res.outcome.name());
    for (label, msg) in [(r.mti, &r.iso8583), ("0400 reversal owed", &r.reversal)] {
        if msg.is_empty() {
            if label == r.mti {
                let _ = writeln!(s, "ISO 8583: nothing to send");
            }
            continue;
        }
        let _ = writeln!(s, "ISO 8583 {label} (cup-pos, MAC under the demo MAK):");
        match payproto_iso8583::unpack(&CUP_POS, msg) {
            Ok(m) => {
                let d = m.describe();
                let _ = write!(s, "{}", if unmasked { d.unmasked() } else { d });
            }
            Err(e) => {
                let _ = writeln!(s, "  (does not unpack: {e})");
            }
        }
        if unmasked {
            let _ = writeln!(s, "{}", hex(msg));
        }
    }
    s
}
