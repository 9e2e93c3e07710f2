//! `paytool` crypto subcommands (CLI.md sections dukpt, pinblock, mac, kcv, cipher, key, tr31).
//!
//! Wiring (in `main.rs`): add `#[command(flatten)] Crypto(crypto_cmd::CryptoCommand)` to the
//! top-level `Subcommand` enum and dispatch it to `crypto_cmd::run(cmd)`, which returns the
//! process exit code (0 success, 1 verification failed, 2 malformed input or usage).

use crate::input;
use clap::{Args, Subcommand, ValueEnum};
use payproto_crypto::cipher::Soft;
use payproto_crypto::dukpt::{aes as daes, tdes as dtdes};
use payproto_crypto::mac::{self, Padding};
use payproto_crypto::pin::{self, Format, Pan, Pin};
use payproto_crypto::sm::cup;
use payproto_crypto::tr31::{self, Header, KeyBlock, OptionalBlock, Version};
use payproto_crypto::{Algorithm, ErrorKind, Key, kcv};
use serde_json::{Map, Value, json};
use std::io::Read;
use std::process::ExitCode;

/// The crypto subcommands, flattened into paytool's top-level command list.
#[derive(Debug, Subcommand)]
pub(crate) enum CryptoCommand {
    /// DUKPT key derivation (ANSI X9.24-1 TDES, X9.24-3 AES).
    #[command(subcommand)]
    Dukpt(DukptCommand),
    /// ISO 9564-1 PIN blocks.
    #[command(subcommand)]
    Pinblock(PinblockCommand),
    /// Compute or verify a MAC.
    Mac(MacArgs),
    /// Key check value.
    Kcv(KcvArgs),
    /// Block cipher ECB/CBC.
    Cipher(CipherArgs),
    /// Key components and parity.
    #[command(subcommand)]
    Key(KeyCommand),
    /// TR-31 / X9.143 key blocks.
    #[command(subcommand)]
    Tr31(Tr31Command),
}

/// `paytool dukpt …`
#[derive(Debug, Subcommand)]
pub(crate) enum DukptCommand {
    /// Derive a DUKPT key; the KSN length selects TDES (10 or 8 bytes) or AES (12 bytes).
    Derive(DeriveArgs),
    /// The next KSN a terminal would use.
    NextKsn {
        /// KSN (hex).
        ksn: String,
    },
}

/// Arguments of `dukpt derive`.
#[derive(Debug, Args)]
pub(crate) struct DeriveArgs {
    /// Base derivation key (hex, `-` or `@PATH`).
    #[arg(long, conflicts_with = "ik", required_unless_present = "ik")]
    pub(crate) bdk: Option<String>,
    /// Initial key (IPEK / IK) instead of the BDK.
    #[arg(long)]
    pub(crate) ik: Option<String>,
    /// Key serial number (hex).
    #[arg(long)]
    pub(crate) ksn: String,
    /// Which key.
    #[arg(long, value_enum, default_value = "txn")]
    pub(crate) usage: Usage,
    /// Working-key algorithm (AES DUKPT only); default the BDK's AES size.
    #[arg(long, value_enum)]
    pub(crate) working_alg: Option<WorkingAlg>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// DUKPT key selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Usage {
    /// Initial key.
    Ik,
    /// Transaction / derivation key.
    Txn,
    /// PIN key.
    Pin,
    /// TDES MAC request variant / AES MAC generation.
    Mac,
    /// TDES MAC response variant / AES MAC verification.
    MacResp,
    /// AES MAC both ways.
    MacBoth,
    /// TDES data request (with the one-way step) / AES encryption.
    Data,
    /// TDES data response / AES decryption.
    DataResp,
    /// AES data both ways.
    DataBoth,
    /// AES key-encryption key.
    Kek,
    /// AES HMAC key.
    Hmac,
    /// AES update key.
    Update,
    /// Every usage of the scheme.
    All,
}

/// AES DUKPT working-key algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum WorkingAlg {
    /// Two-key TDES.
    Tdes2,
    /// Three-key TDES.
    Tdes3,
    /// AES-128.
    Aes128,
    /// AES-192.
    Aes192,
    /// AES-256.
    Aes256,
}

/// `paytool pinblock …`
#[derive(Debug, Subcommand)]
pub(crate) enum PinblockCommand {
    /// Build a PIN block (clear, or encrypted under --key).
    Encode {
        /// Format 0–4.
        #[arg(long)]
        format: u8,
        /// The PIN (4–12 digits).
        #[arg(long)]
        pin: String,
        /// PAN (formats 0, 3, 4).
        #[arg(long)]
        pan: Option<String>,
        /// Random fill for formats 1, 3, 4 (8 bytes hex).
        #[arg(long)]
        random: Option<String>,
        /// Key: TDES for formats 0–3, AES for format 4.
        #[arg(long)]
        key: Option<String>,
        /// `sm4`: the UnionPay SM4 PIN block (format 0 under an SM4 key).
        #[arg(long, value_enum)]
        cipher: Option<CipherFamily>,
    },
    /// Recover the PIN from a PIN block.
    Decode {
        /// Format 0–4.
        #[arg(long)]
        format: u8,
        /// PAN (formats 0, 3, 4).
        #[arg(long)]
        pan: Option<String>,
        /// Key the block is encrypted under.
        #[arg(long)]
        key: Option<String>,
        /// `sm4`: the UnionPay SM4 PIN block (format 0 under an SM4 key).
        #[arg(long, value_enum)]
        cipher: Option<CipherFamily>,
        /// The PIN block (hex).
        block: String,
    },
    /// Re-encrypt a PIN block under another key/format.
    Translate {
        /// Incoming format.
        #[arg(long)]
        from_format: u8,
        /// Incoming key.
        #[arg(long)]
        from_key: String,
        /// Outgoing format.
        #[arg(long)]
        to_format: u8,
        /// Outgoing key.
        #[arg(long)]
        to_key: String,
        /// PAN.
        #[arg(long)]
        pan: Option<String>,
        /// The PIN block (hex).
        block: String,
    },
}

/// MAC algorithms of `paytool mac`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MacAlg {
    /// ISO/IEC 9797-1 algorithm 1.
    #[value(name = "iso9797-1-1")]
    Iso9797Alg1,
    /// ISO/IEC 9797-1 algorithm 3 (X9.19).
    #[value(name = "iso9797-1-3")]
    Iso9797Alg3,
    /// CMAC.
    Cmac,
    /// China UnionPay POS ECB MAC.
    CupEcb,
    /// China UnionPay POS MAC under an SM4 MAK (national-algorithm variant).
    CupSm4,
}

/// Cipher family for ambiguous 16-byte keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CipherFamily {
    /// DES / TDES.
    Tdes,
    /// AES.
    Aes,
    /// SM4 (16-byte key).
    Sm4,
}

/// Arguments of `paytool mac`.
#[derive(Debug, Args)]
pub(crate) struct MacArgs {
    /// Algorithm.
    #[arg(long, value_enum)]
    pub(crate) alg: MacAlg,
    /// Key (hex, `-`, `@PATH`).
    #[arg(long)]
    pub(crate) key: String,
    /// Cipher family (required for cmac with a 16-byte key).
    #[arg(long, value_enum)]
    pub(crate) cipher: Option<CipherFamily>,
    /// ISO 9797-1 padding method.
    #[arg(long, default_value_t = 1)]
    pub(crate) padding: u8,
    /// Truncate to N bytes.
    #[arg(long)]
    pub(crate) len: Option<usize>,
    /// Verify this MAC instead of printing (exit 1 on mismatch).
    #[arg(long)]
    pub(crate) verify: Option<String>,
    /// Data (hex).
    pub(crate) data: String,
}

/// Arguments of `paytool kcv`.
#[derive(Debug, Args)]
pub(crate) struct KcvArgs {
    /// Key (hex).
    #[arg(long)]
    pub(crate) key: String,
    /// Cipher family (for 16-byte keys; default tdes).
    #[arg(long, value_enum)]
    pub(crate) cipher: Option<CipherFamily>,
    /// CMAC-based KCV (5 bytes).
    #[arg(long)]
    pub(crate) cmac: bool,
    /// KCV length (legacy 2–4, default 3).
    #[arg(long)]
    pub(crate) len: Option<usize>,
}

/// Algorithms of `paytool cipher`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CipherAlg {
    /// Single DES.
    Des,
    /// TDES (16 or 24-byte key).
    Tdes,
    /// AES.
    Aes,
    /// SM4.
    Sm4,
}

/// Modes of `paytool cipher`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CipherMode {
    /// ECB.
    Ecb,
    /// CBC.
    Cbc,
}

/// Arguments of `paytool cipher`.
#[derive(Debug, Args)]
pub(crate) struct CipherArgs {
    /// Algorithm.
    #[arg(long, value_enum)]
    pub(crate) alg: CipherAlg,
    /// Mode.
    #[arg(long, value_enum)]
    pub(crate) mode: CipherMode,
    /// Encrypt.
    #[arg(long, conflicts_with = "decrypt", required_unless_present = "decrypt")]
    pub(crate) encrypt: bool,
    /// Decrypt.
    #[arg(long)]
    pub(crate) decrypt: bool,
    /// Key (hex).
    #[arg(long)]
    pub(crate) key: String,
    /// IV for CBC (default zeros).
    #[arg(long)]
    pub(crate) iv: Option<String>,
    /// Data (hex, a multiple of the block size).
    pub(crate) data: String,
}

/// `paytool key …`
#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// XOR of key components.
    Combine {
        /// Cipher family (default tdes).
        #[arg(long, value_enum)]
        cipher: Option<CipherFamily>,
        /// Components (hex), at least two.
        #[arg(num_args = 2.., required = true)]
        components: Vec<String>,
    },
    /// Fix odd parity (DES keys).
    Parity {
        /// Key (hex).
        key: String,
    },
}

/// `paytool tr31 …`
#[derive(Debug, Subcommand)]
pub(crate) enum Tr31Command {
    /// Verify and decrypt a key block (JSON output).
    Unwrap {
        /// Key block protection key.
        #[arg(long)]
        kbpk: String,
        /// The key block.
        block: String,
    },
    /// Build a version B or D key block.
    Wrap {
        /// Key block protection key.
        #[arg(long)]
        kbpk: String,
        /// Version B (TDES KBPK) or D (AES KBPK).
        #[arg(long)]
        version: String,
        /// Key usage (2 characters).
        #[arg(long)]
        usage: String,
        /// Algorithm (1 character).
        #[arg(long)]
        algorithm: String,
        /// Mode of use (1 character).
        #[arg(long)]
        mode: String,
        /// Key version number.
        #[arg(long, default_value = "00")]
        key_version: String,
        /// Exportability.
        #[arg(long, default_value = "N")]
        exportability: String,
        /// Optional block ID=VALUE (repeatable).
        #[arg(long = "optional")]
        optional: Vec<String>,
        /// The key to wrap.
        #[arg(long)]
        key: String,
    },
}

/// A failure with its exit code (1 verification, 2 malformed input).
#[derive(Debug)]
struct Fail(u8, String);

type CliResult = Result<String, Fail>;

fn bad(msg: impl Into<String>) -> Fail {
    Fail(2, msg.into())
}

fn lib(what: &str) -> impl Fn(payproto_crypto::Error) -> Fail + '_ {
    move |e| {
        if e.kind == ErrorKind::VerificationFailed {
            Fail(1, format!("{what}: {e}"))
        } else {
            Fail(2, format!("{what}: {e}"))
        }
    }
}

impl From<input::Failure> for Fail {
    fn from(f: input::Failure) -> Self {
        Self(f.code(), f.message().to_owned())
    }
}

/// An argument's text (`-` = stdin, `@PATH` = file, see [`input::text`]), trimmed.
fn arg_text(v: &str) -> Result<String, Fail> {
    Ok(input::text(v)?.trim().to_owned())
}

/// Hex (either case, spaces allowed), after `-`/`@PATH` resolution.
fn hex_arg(name: &str, v: &str) -> Result<Vec<u8>, Fail> {
    Ok(input::hex_arg(v, name)?)
}

fn hx(b: &[u8]) -> String {
    input::hex(b)
}

fn key_arg(name: &str, v: &str, family: Option<CipherFamily>) -> Result<Key, Fail> {
    let b = hex_arg(name, v)?;
    let k = match (family, b.len()) {
        (Some(CipherFamily::Sm4), _) => Key::new(Algorithm::Sm4, &b),
        (Some(CipherFamily::Aes), _) | (None, 32) => Key::aes(&b),
        _ => Key::tdes(&b),
    };
    k.map_err(|e| bad(format!("{name}: {e}")))
}

fn kcv_hex(k: &Key) -> String {
    kcv::default_for(k).map(|t| hx(t.as_bytes())).unwrap_or_default()
}

fn format_arg(n: u8) -> Result<Format, Fail> {
    Format::from_number(n).map_err(|_| bad(format!("--format: {n} is not 0-4")))
}

fn pan_arg(v: &Option<String>) -> Result<Option<Pan>, Fail> {
    v.as_deref().map(|p| Pan::new(p.as_bytes()).map_err(lib("--pan"))).transpose()
}

fn random8(v: &Option<String>) -> Result<[u8; 8], Fail> {
    match v {
        Some(h) => hex_arg("--random", h)?.try_into().map_err(|_| bad("--random: need 8 bytes")),
        None => {
            let mut r = [0u8; 8];
            std::fs::File::open("/dev/urandom")
                .and_then(|mut f| f.read_exact(&mut r))
                .map_err(|e| bad(format!("no system randomness ({e}); pass --random")))?;
            Ok(r)
        }
    }
}

/// Runs one crypto subcommand, printing its result; returns the exit code.
pub(crate) fn run(cmd: CryptoCommand) -> ExitCode {
    let r = match cmd {
        CryptoCommand::Dukpt(DukptCommand::Derive(a)) => dukpt_derive(&a),
        CryptoCommand::Dukpt(DukptCommand::NextKsn { ksn }) => next_ksn(&ksn),
        CryptoCommand::Pinblock(c) => pinblock(c),
        CryptoCommand::Mac(a) => mac_cmd(&a),
        CryptoCommand::Kcv(a) => kcv_cmd(&a),
        CryptoCommand::Cipher(a) => cipher_cmd(&a),
        CryptoCommand::Key(c) => key_cmd(c),
        CryptoCommand::Tr31(c) => tr31_cmd(c),
    };
    finish(r)
}

fn next_ksn(ksn: &str) -> CliResult {
    let b = hex_arg("KSN", ksn)?;
    match b.len() {
        8 | 10 => {
            dtdes::Ksn::from_bytes(&b).and_then(|k| k.next()).map(|k| hx(k.as_bytes())).map_err(lib("KSN"))
        }
        12 => daes::Ksn::from_bytes(&b).and_then(|k| k.next()).map(|k| hx(k.as_bytes())).map_err(lib("KSN")),
        n => Err(bad(format!("KSN: {n} bytes (need 10 or 8 for TDES, 12 for AES)"))),
    }
}

fn key_out(json: bool, k: &Key, scheme: &str, usage: &str) -> Value {
    let _ = json;
    json!({"key": hx(k.as_bytes()), "kcv": kcv_hex(k), "scheme": scheme, "usage": usage})
}

fn field<'a>(r: &'a Value, k: &str) -> &'a str {
    r.get(k).and_then(Value::as_str).unwrap_or("")
}

fn print_keys(json: bool, rows: Vec<Value>, all: bool) -> String {
    if json {
        if all {
            let mut m = Map::new();
            for r in rows {
                m.insert(field(&r, "usage").to_owned(), r);
            }
            Value::Object(m).to_string()
        } else {
            rows.into_iter().next().unwrap_or(Value::Null).to_string()
        }
    } else if all {
        rows.iter()
            .map(|r| format!("{:<10} {}  (KCV {})", field(r, "usage"), field(r, "key"), field(r, "kcv")))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        rows.first().map(|r| format!("{}  (KCV {})", field(r, "key"), field(r, "kcv"))).unwrap_or_default()
    }
}

fn usage_name(u: Usage) -> &'static str {
    match u {
        Usage::Ik => "ik",
        Usage::Txn => "txn",
        Usage::Pin => "pin",
        Usage::Mac => "mac",
        Usage::MacResp => "mac-resp",
        Usage::MacBoth => "mac-both",
        Usage::Data => "data",
        Usage::DataResp => "data-resp",
        Usage::DataBoth => "data-both",
        Usage::Kek => "kek",
        Usage::Hmac => "hmac",
        Usage::Update => "update",
        Usage::All => "all",
    }
}

fn dukpt_derive(a: &DeriveArgs) -> CliResult {
    let ksn = hex_arg("--ksn", &a.ksn)?;
    match ksn.len() {
        8 | 10 => tdes_derive(a, &ksn),
        12 => aes_derive(a, &ksn),
        n => Err(bad(format!("--ksn: {n} bytes (need 10 or 8 for TDES, 12 for AES)"))),
    }
}

fn tdes_derive(a: &DeriveArgs, ksn: &[u8]) -> CliResult {
    if a.working_alg.is_some() {
        return Err(bad("--working-alg: AES DUKPT only"));
    }
    let ksn = dtdes::Ksn::from_bytes(ksn).map_err(lib("--ksn"))?;
    let ik = match (&a.bdk, &a.ik) {
        (Some(b), _) => dtdes::derive_ipek(
            &Soft,
            &dtdes::Bdk::from_slice(&hex_arg("--bdk", b)?).map_err(lib("--bdk"))?,
            &ksn,
        ),
        (None, Some(i)) => dtdes::InitialKey::from_slice(&hex_arg("--ik", i)?).map_err(lib("--ik"))?,
        _ => return Err(bad("--bdk or --ik is required")),
    };
    let variants: &[(Usage, Option<dtdes::Variant>)] = &[
        (Usage::Ik, None),
        (Usage::Txn, None),
        (Usage::Pin, Some(dtdes::Variant::Pin)),
        (Usage::Mac, Some(dtdes::Variant::MacRequest)),
        (Usage::MacResp, Some(dtdes::Variant::MacResponse)),
        (Usage::Data, Some(dtdes::Variant::DataRequest)),
        (Usage::DataResp, Some(dtdes::Variant::DataResponse)),
    ];
    let wanted: Vec<_> = variants.iter().filter(|(u, _)| a.usage == Usage::All || *u == a.usage).collect();
    if wanted.is_empty() {
        return Err(bad(format!("--usage {}: not a TDES DUKPT usage", usage_name(a.usage))));
    }
    let mut rows = Vec::new();
    let txn = if wanted.iter().any(|(u, _)| *u != Usage::Ik) {
        Some(dtdes::derive_transaction_key(&Soft, &ik, &ksn).map_err(lib("--ksn"))?)
    } else {
        None
    };
    for (u, v) in wanted {
        let k = match (u, v, &txn) {
            (Usage::Ik, _, _) => ik.to_key(),
            (_, None, Some(t)) => t.to_key(),
            (_, Some(v), Some(t)) => t.working_key(&Soft, *v).to_key(),
            _ => continue,
        };
        rows.push(key_out(a.json, &k, "tdes", usage_name(*u)));
    }
    Ok(print_keys(a.json, rows, a.usage == Usage::All))
}

fn aes_derive(a: &DeriveArgs, ksn: &[u8]) -> CliResult {
    let ksn = daes::Ksn::from_bytes(ksn).map_err(lib("--ksn"))?;
    let ikid = ksn.initial_key_id();
    let ik = match (&a.bdk, &a.ik) {
        (Some(b), _) => daes::derive_initial_key(
            &Soft,
            &daes::Bdk::from_slice(&hex_arg("--bdk", b)?).map_err(lib("--bdk"))?,
            &ikid,
        )
        .map_err(lib("--bdk"))?,
        (None, Some(i)) => daes::InitialKey::from_slice(&hex_arg("--ik", i)?).map_err(lib("--ik"))?,
        _ => return Err(bad("--bdk or --ik is required")),
    };
    let kind = match a.working_alg {
        Some(WorkingAlg::Tdes2) => daes::KeyType::Tdes2,
        Some(WorkingAlg::Tdes3) => daes::KeyType::Tdes3,
        Some(WorkingAlg::Aes128) => daes::KeyType::Aes128,
        Some(WorkingAlg::Aes192) => daes::KeyType::Aes192,
        Some(WorkingAlg::Aes256) => daes::KeyType::Aes256,
        None => ik.key_type(),
    };
    let hmac = match kind.key_len() {
        16 => daes::KeyType::Hmac128,
        24 => daes::KeyType::Hmac192,
        _ => daes::KeyType::Hmac256,
    };
    let usages = [
        Usage::Ik,
        Usage::Txn,
        Usage::Pin,
        Usage::Mac,
        Usage::MacResp,
        Usage::MacBoth,
        Usage::Data,
        Usage::DataResp,
        Usage::DataBoth,
        Usage::Kek,
        Usage::Hmac,
        Usage::Update,
    ];
    let wanted: Vec<Usage> = usages.into_iter().filter(|u| a.usage == Usage::All || *u == a.usage).collect();
    let needs_txn = wanted.iter().any(|u| !matches!(u, Usage::Ik | Usage::Update));
    let txn = if needs_txn {
        Some(daes::derive_transaction_key(&Soft, &ik, &ksn).map_err(lib("--ksn"))?)
    } else {
        None
    };
    let mut rows = Vec::new();
    for u in wanted {
        let bytes_and_alg: (Vec<u8>, Option<Algorithm>) = match u {
            Usage::Ik => (ik.as_bytes().to_vec(), Algorithm::aes_for_len(ik.as_bytes().len()).ok()),
            Usage::Update => {
                let k = daes::derive_update_key(&Soft, &ik, &ikid, kind).map_err(lib("--working-alg"))?;
                (k.as_bytes().to_vec(), k.key_type().algorithm())
            }
            Usage::Txn => {
                let t = txn.as_ref().ok_or_else(|| bad("--ksn"))?;
                (t.as_bytes().to_vec(), Algorithm::aes_for_len(t.as_bytes().len()).ok())
            }
            _ => {
                let t = txn.as_ref().ok_or_else(|| bad("--ksn"))?;
                let (usage, k) = match u {
                    Usage::Pin => (daes::KeyUsage::PinEncryption, kind),
                    Usage::Mac => (daes::KeyUsage::MacGeneration, kind),
                    Usage::MacResp => (daes::KeyUsage::MacVerification, kind),
                    Usage::MacBoth => (daes::KeyUsage::MacBoth, kind),
                    Usage::Data => (daes::KeyUsage::DataEncrypt, kind),
                    Usage::DataResp => (daes::KeyUsage::DataDecrypt, kind),
                    Usage::DataBoth => (daes::KeyUsage::DataBoth, kind),
                    Usage::Kek => (daes::KeyUsage::KeyEncryption, kind),
                    _ => (daes::KeyUsage::MacGeneration, hmac),
                };
                let w = t.working_key(&Soft, &ksn, usage, k).map_err(lib("--working-alg"))?;
                (w.as_bytes().to_vec(), w.key_type().algorithm())
            }
        };
        let (bytes, alg) = bytes_and_alg;
        // HMAC keys have no block cipher: their KCV is the CMAC KCV of the bytes taken as an AES key.
        let k = match alg {
            Some(alg) => Key::new(alg, &bytes),
            None => Key::aes(&bytes),
        }
        .map_err(lib("key"))?;
        rows.push(key_out(a.json, &k, "aes", usage_name(u)));
    }
    Ok(print_keys(a.json, rows, a.usage == Usage::All))
}

/// The SM4 key and PAN of a UnionPay SM4 PIN block (format 0 only).
fn sm4_pin_args<'a>(format: Format, key: Option<&str>, pan: Option<&'a Pan>) -> Result<(Key, &'a Pan), Fail> {
    if format != Format::Iso0 {
        return Err(bad("--cipher sm4: the UnionPay SM4 PIN block is format 0"));
    }
    let k = key_arg("--key", key.ok_or_else(|| bad("--cipher sm4 needs --key"))?, Some(CipherFamily::Sm4))?;
    Ok((k, pan.ok_or_else(|| bad("--pan is required for format 0"))?))
}

fn pinblock(c: PinblockCommand) -> CliResult {
    match c {
        PinblockCommand::Encode { format, pin: p, pan, random, key, cipher } => {
            let format = format_arg(format)?;
            let p = Pin::new(p.as_bytes()).map_err(lib("--pin"))?;
            let pan = pan_arg(&pan)?;
            let random = random8(&random)?;
            if cipher == Some(CipherFamily::Sm4) {
                let (k, pan) = sm4_pin_args(format, key.as_deref(), pan.as_ref())?;
                return cup::encrypt_pin_block(&k, &p, pan)
                    .map(|b| hx(b.as_bytes()))
                    .map_err(lib("pin block"));
            }
            match (key, format) {
                (Some(k), _) => {
                    let fam = if format == Format::Iso4 { CipherFamily::Aes } else { CipherFamily::Tdes };
                    let k = key_arg("--key", &k, Some(fam))?;
                    pin::encrypt_with_random(format, &k, &p, pan.as_ref(), &random)
                        .map(|b| hx(b.as_bytes()))
                        .map_err(lib("pin block"))
                }
                (None, Format::Iso4) => Ok(hx(&pin::format4_pin_field(&p, &random)[..])),
                (None, _) => pin::encode_clear_with_random(format, &p, pan.as_ref(), &random)
                    .map(|b| hx(&b[..]))
                    .map_err(lib("pin block")),
            }
        }
        PinblockCommand::Decode { format, pan, key, block, cipher } => {
            let format = format_arg(format)?;
            let pan = pan_arg(&pan)?;
            let b = hex_arg("PIN block", &block)?;
            let p = match key {
                _ if cipher == Some(CipherFamily::Sm4) => {
                    let (k, pan) = sm4_pin_args(format, key.as_deref(), pan.as_ref())?;
                    cup::decrypt_pin_block(&k, &b, pan)
                }
                Some(k) => {
                    let fam = if format == Format::Iso4 { CipherFamily::Aes } else { CipherFamily::Tdes };
                    pin::decrypt(format, &key_arg("--key", &k, Some(fam))?, &b, pan.as_ref())
                }
                None if format == Format::Iso4 => {
                    let f: [u8; 16] =
                        b.as_slice().try_into().map_err(|_| bad("PIN block: format 4 field is 16 bytes"))?;
                    pin::decode_format4_pin_field(&f)
                }
                None => pin::decode_clear(format, &b, pan.as_ref()),
            }
            .map_err(lib("PIN block"))?;
            Ok(String::from_utf8_lossy(p.as_ascii()).into_owned())
        }
        PinblockCommand::Translate { from_format, from_key, to_format, to_key, pan, block } => {
            let (ff, tf) = (format_arg(from_format)?, format_arg(to_format)?);
            let fam =
                |f: Format| Some(if f == Format::Iso4 { CipherFamily::Aes } else { CipherFamily::Tdes });
            let fk = key_arg("--from-key", &from_key, fam(ff))?;
            let tk = key_arg("--to-key", &to_key, fam(tf))?;
            let pan = pan_arg(&pan)?;
            let b = hex_arg("PIN block", &block)?;
            let random = random8(&None)?;
            pin::translate_with_random(&b, ff, &fk, tf, &tk, pan.as_ref(), &random)
                .map(|x| hx(x.as_bytes()))
                .map_err(lib("PIN block"))
        }
    }
}

fn mac_cmd(a: &MacArgs) -> CliResult {
    let data = hex_arg("DATA", &a.data)?;
    let kb = hex_arg("--key", &a.key)?;
    if a.alg == MacAlg::Cmac && kb.len() == 16 && a.cipher.is_none() {
        return Err(bad("--cipher tdes|aes is required for cmac with a 16-byte key"));
    }
    let key = match (a.alg, a.cipher, kb.len()) {
        (MacAlg::CupSm4, _, _) | (_, Some(CipherFamily::Sm4), _) => Key::new(Algorithm::Sm4, &kb),
        (_, Some(CipherFamily::Aes), _) | (_, None, 32) => Key::aes(&kb),
        _ => Key::tdes(&kb),
    }
    .map_err(lib("--key"))?;
    let padding = Padding::from_number(a.padding).map_err(|_| bad("--padding: 1, 2 or 3"))?;
    if a.alg == MacAlg::CupEcb || a.alg == MacAlg::CupSm4 {
        let m = if a.alg == MacAlg::CupSm4 { cup::mac(&key, &data) } else { mac::cup_ecb_mac(&key, &data) }
            .map_err(lib("--key"))?;
        let text = String::from_utf8_lossy(&m).into_owned();
        return match &a.verify {
            Some(v) => {
                let want = arg_text(v)?.to_uppercase();
                mac::MacTag::from_slice(&m)
                    .and_then(|t| t.verify(want.as_bytes()))
                    .map(|()| text)
                    .map_err(lib("MAC"))
            }
            None => Ok(text),
        };
    }
    let tag = match a.alg {
        MacAlg::Iso9797Alg1 => mac::iso9797_1_alg1(&key, padding, &data),
        MacAlg::Iso9797Alg3 => mac::iso9797_1_alg3(&key, padding, &data),
        _ => mac::cmac(&key, &data),
    }
    .map_err(lib("--key"))?;
    let tag = match (a.len, &a.verify) {
        (Some(n), _) => tag.truncated(n).map_err(lib("--len"))?,
        (None, Some(v)) => tag
            .truncated(hex_arg("--verify", v)?.len())
            .map_err(|_| Fail(1, "MAC: length mismatch".into()))?,
        (None, None) => tag,
    };
    match &a.verify {
        Some(v) => tag.verify(&hex_arg("--verify", v)?).map(|()| hx(tag.as_bytes())).map_err(lib("MAC")),
        None => Ok(hx(tag.as_bytes())),
    }
}

fn kcv_cmd(a: &KcvArgs) -> CliResult {
    let key = key_arg("--key", &a.key, a.cipher)?;
    let t = if a.cmac {
        let t = kcv::cmac(&key).map_err(lib("--key"))?;
        match a.len {
            Some(n) => t.truncated(n).map_err(lib("--len"))?,
            None => t,
        }
    } else {
        kcv::legacy(&key, a.len.unwrap_or(3)).map_err(lib("--len"))?
    };
    Ok(hx(t.as_bytes()))
}

fn cipher_cmd(a: &CipherArgs) -> CliResult {
    let kb = hex_arg("--key", &a.key)?;
    let key = match a.alg {
        CipherAlg::Des if kb.len() == 8 => Key::tdes(&kb),
        CipherAlg::Des => return Err(bad(format!("--key: DES needs 8 bytes, got {}", kb.len()))),
        CipherAlg::Tdes if kb.len() == 16 || kb.len() == 24 => Key::tdes(&kb),
        CipherAlg::Tdes => return Err(bad(format!("--key: TDES needs 16 or 24 bytes, got {}", kb.len()))),
        CipherAlg::Aes => Key::aes(&kb),
        CipherAlg::Sm4 => Key::new(Algorithm::Sm4, &kb),
    }
    .map_err(lib("--key"))?;
    let mut data = hex_arg("DATA", &a.data)?;
    let iv = match &a.iv {
        Some(v) => hex_arg("--iv", v)?,
        None => vec![0; key.algorithm().block_size()],
    };
    match (a.mode, a.encrypt) {
        (CipherMode::Ecb, true) => key.ecb_encrypt(&mut data),
        (CipherMode::Ecb, false) => key.ecb_decrypt(&mut data),
        (CipherMode::Cbc, true) => key.cbc_encrypt(&iv, &mut data),
        (CipherMode::Cbc, false) => key.cbc_decrypt(&iv, &mut data),
    }
    .map_err(lib("DATA"))?;
    Ok(hx(&data))
}

fn key_cmd(c: KeyCommand) -> CliResult {
    match c {
        KeyCommand::Combine { cipher, components } => {
            let keys = components
                .iter()
                .enumerate()
                .map(|(i, c)| key_arg(&format!("component {}", i.saturating_add(1)), c, cipher))
                .collect::<Result<Vec<_>, _>>()?;
            let refs: Vec<&Key> = keys.iter().collect();
            let k = Key::combine(&refs).map_err(lib("components"))?;
            Ok(format!("{}  (KCV {})", hx(k.as_bytes()), kcv_hex(&k)))
        }
        KeyCommand::Parity { key } => {
            let mut k = key_arg("KEY", &key, Some(CipherFamily::Tdes))?;
            k.fix_parity();
            Ok(format!("{}  (KCV {})", hx(k.as_bytes()), kcv_hex(&k)))
        }
    }
}

fn one_char(name: &str, v: &str) -> Result<u8, Fail> {
    match v.as_bytes() {
        [c] => Ok(*c),
        _ => Err(bad(format!("{name}: one character expected"))),
    }
}

fn two_chars(name: &str, v: &str) -> Result<[u8; 2], Fail> {
    match v.as_bytes() {
        [a, b] => Ok([*a, *b]),
        _ => Err(bad(format!("{name}: two characters expected"))),
    }
}

fn tr31_cmd(c: Tr31Command) -> CliResult {
    match c {
        Tr31Command::Unwrap { kbpk, block } => {
            let block = arg_text(&block)?;
            let kb = KeyBlock::parse(block.as_bytes()).map_err(lib("BLOCK"))?;
            let fam = if kb.header().version == Version::D { CipherFamily::Aes } else { CipherFamily::Tdes };
            let kbpk = key_arg("--kbpk", &kbpk, Some(fam))?;
            let key = kb.unwrap(&kbpk).map_err(lib("key block MAC"))?;
            let h = kb.header();
            let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            let k = match h.algorithm {
                b'A' => Key::aes(key.as_bytes()).ok(),
                b'T' | b'D' => Key::tdes(key.as_bytes()).ok(),
                _ => None,
            };
            let opts: Vec<Value> = kb
                .optional_blocks()
                .filter(|b| &b.id != b"PB")
                .map(|b| json!({"id": s(&b.id), "value": s(b.data)}))
                .collect();
            Ok(json!({
                "version": s(&[h.version.as_char()]),
                "usage": s(&h.usage),
                "algorithm": s(&[h.algorithm]),
                "mode": s(&[h.mode]),
                "key_version": s(&h.key_version),
                "exportability": s(&[h.exportability]),
                "optional_blocks": opts,
                "key": hx(key.as_bytes()),
                "kcv": k.as_ref().map(kcv_hex).unwrap_or_default(),
            })
            .to_string())
        }
        Tr31Command::Wrap {
            kbpk,
            version,
            usage,
            algorithm,
            mode,
            key_version,
            exportability,
            optional,
            key,
        } => {
            let version = match version.as_str() {
                "B" => Version::B,
                "D" => Version::D,
                v => return Err(bad(format!("--version {v}: B or D (A and C are unwrap only)"))),
            };
            let fam = if version == Version::D { CipherFamily::Aes } else { CipherFamily::Tdes };
            let kbpk = key_arg("--kbpk", &kbpk, Some(fam))?;
            let header = Header {
                version,
                usage: two_chars("--usage", &usage)?,
                algorithm: one_char("--algorithm", &algorithm)?,
                mode: one_char("--mode", &mode)?,
                key_version: two_chars("--key-version", &key_version)?,
                exportability: one_char("--exportability", &exportability)?,
                context: b'0',
                reserved: b'0',
            };
            let pairs = optional
                .iter()
                .map(|o| {
                    let (id, v) =
                        o.split_once('=').ok_or_else(|| bad(format!("--optional {o}: ID=VALUE expected")))?;
                    Ok((two_chars("--optional ID", id)?, v.as_bytes().to_vec()))
                })
                .collect::<Result<Vec<_>, Fail>>()?;
            let blocks: Vec<OptionalBlock<'_>> =
                pairs.iter().map(|(id, d)| OptionalBlock { id: *id, data: d }).collect();
            let k = hex_arg("--key", &key)?;
            let mut pad = [0u8; 80];
            std::fs::File::open("/dev/urandom")
                .and_then(|mut f| f.read_exact(&mut pad))
                .map_err(|e| bad(format!("no system randomness: {e}")))?;
            let mut out = vec![0u8; 10_000];
            let n = tr31::wrap_with_padding(&header, &blocks, &kbpk, &k, &pad, &mut out)
                .map_err(lib("key block"))?;
            Ok(String::from_utf8_lossy(out.get(..n).unwrap_or(&[])).into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    //! Runs once `main.rs` declares `mod crypto_cmd;`: the CLI against published vectors
    //! (X9.24-1 A.4, X9.24-3 supplement, ep2 format 4, ISO 9797-1 B.4, pgate CUP MAC, FIPS 81,
    //! KCV table, X9.143 8.4.2) and the exit-code contract.
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(subcommand)]
        cmd: CryptoCommand,
    }

    fn exec(args: &[&str]) -> CliResult {
        let cmd = T::try_parse_from(core::iter::once("paytool").chain(args.iter().copied())).unwrap().cmd;
        match cmd {
            CryptoCommand::Dukpt(DukptCommand::Derive(a)) => dukpt_derive(&a),
            CryptoCommand::Dukpt(DukptCommand::NextKsn { ksn }) => next_ksn(&ksn),
            CryptoCommand::Pinblock(c) => pinblock(c),
            CryptoCommand::Mac(a) => mac_cmd(&a),
            CryptoCommand::Kcv(a) => kcv_cmd(&a),
            CryptoCommand::Cipher(a) => cipher_cmd(&a),
            CryptoCommand::Key(c) => key_cmd(c),
            CryptoCommand::Tr31(c) => tr31_cmd(c),
        }
    }

    fn ok(args: &[&str]) -> String {
        exec(args).unwrap_or_else(|Fail(c, m)| panic!("{args:?}: exit {c}: {m}"))
    }

    fn code(args: &[&str]) -> u8 {
        exec(args).err().map_or(0, |Fail(c, _)| c)
    }

    #[test]
    fn vectors_through_the_cli() {
        let bdk = "0123456789ABCDEFFEDCBA9876543210";
        assert_eq!(
            ok(&["dukpt", "derive", "--bdk", bdk, "--ksn", "FFFF9876543210E00001"]),
            "042666B49184CFA368DE9628D0397BC9  (KCV 646E6C)"
        );
        assert!(
            ok(&["dukpt", "derive", "--bdk", bdk, "--ksn", "9876543210E00001", "--usage", "ik", "--json"])
                .contains("\"key\":\"6AC292FAA1315B4D858AB3A3D7D5933A\"")
        );
        let aes_bdk = "FEDCBA9876543210F1F1F1F1F1F1F1F1";
        assert!(
            ok(&["dukpt", "derive", "--bdk", aes_bdk, "--ksn", "123456789012345600000001", "--usage", "pin"])
                .starts_with("AF8CB133A78F8DC2D1359F18527593FB")
        );
        assert!(
            ok(&[
                "dukpt",
                "derive",
                "--ik",
                "1273671EA26AC29AFA4D1084127652A1",
                "--ksn",
                "123456789012345600000001",
                "--usage",
                "update",
                "--working-alg",
                "tdes2"
            ])
            .starts_with("4744A5ECBC62B5C4BB76FBEAE1E244A3")
        );
        assert_eq!(ok(&["dukpt", "next-ksn", "FFFF9876543210EFF802"]), "FFFF9876543210EFF804");
        assert_eq!(
            ok(&["pinblock", "encode", "--format", "0", "--pin", "1234", "--pan", "4012345678909"]),
            "041274EDCBA9876F"
        );
        assert_eq!(
            ok(&[
                "pinblock",
                "encode",
                "--format",
                "4",
                "--pin",
                "1234",
                "--pan",
                "432198765432109870",
                "--random",
                "146C6601F4A8035C",
                "--key",
                "C1D0F8FB4958670DBA40AB1F3752EF0D"
            ]),
            "CC17F65586BFD0953010226C4FC5B3CA"
        );
        assert_eq!(
            ok(&[
                "pinblock",
                "decode",
                "--format",
                "0",
                "--pan",
                "4012345678909",
                "--key",
                "042666B49184CF5C68DE9628D0397B36",
                "1B9C1845EB993A7A"
            ]),
            "1234"
        );
        assert_eq!(
            ok(&[
                "mac",
                "--alg",
                "iso9797-1-3",
                "--key",
                bdk,
                "4E6F77206973207468652074696D6520666F7220616C6C20"
            ]),
            "A1C72E74EA3FA9B6"
        );
        assert_eq!(
            ok(&["mac", "--alg", "cup-ecb", "--key", "2222222222222222", "1234567890ABCDEFABCDEF1234567890"]),
            "E267B6E2"
        );
        assert_eq!(ok(&["kcv", "--key", bdk]), "08D7B4");
        assert_eq!(
            ok(&["kcv", "--key", "3F419E1CB7079442AA37474C2EFBF8B8", "--cipher", "aes", "--cmac"]),
            "08793E25AB"
        );
        assert_eq!(
            ok(&[
                "cipher",
                "--alg",
                "des",
                "--mode",
                "cbc",
                "--encrypt",
                "--key",
                "0123456789abcdef",
                "--iv",
                "1234567890abcdef",
                "4e6f77206973207468652074696d6520666f7220616c6c20"
            ]),
            "E5C7CDDE872BF27C43E934008C389C0F683788499A7C05F6"
        );
        assert_eq!(
            ok(&["key", "parity", "0022446688AACCEEFFDCBA9876543210"]),
            "0123456789ABCDEFFEDCBA9876543210  (KCV 08D7B4)"
        );
        let kb = "B0120B0TX12S0100KS1800604B120F929280000015CEB14B76D551F21EC43A75390FA118A98C6CB049E3B9E864A5F4A8B9A5108A6DB5635C95B042D7";
        let j: Value =
            serde_json::from_str(&ok(&["tr31", "unwrap", "--kbpk", "1D22BF32387C600AD97F9B97A51311AC", kb]))
                .unwrap();
        assert_eq!(j["key"], "E8BC63E5479455E26577F715D587FE68");
        assert_eq!(j["optional_blocks"][0]["id"], "KS");
    }

    #[test]
    fn exit_codes() {
        assert_eq!(
            code(&[
                "mac",
                "--alg",
                "cup-ecb",
                "--key",
                "2222222222222222",
                "--verify",
                "E267B6E3",
                "1234567890ABCDEFABCDEF1234567890"
            ]),
            1
        );
        assert_eq!(
            code(&[
                "tr31",
                "unwrap",
                "--kbpk",
                "1D22BF32387C600AD97F9B97A51311BC",
                "B0120B0TX12S0100KS1800604B120F929280000015CEB14B76D551F21EC43A75390FA118A98C6CB049E3B9E864A5F4A8B9A5108A6DB5635C95B042D7"
            ]),
            1
        );
        assert_eq!(
            code(&["pinblock", "encode", "--format", "0", "--pin", "12", "--pan", "4012345678909"]),
            2
        );
        assert_eq!(code(&["mac", "--alg", "cmac", "--key", "2B7E151628AED2A6ABF7158809CF4F3C", ""]), 2);
        assert_eq!(code(&["dukpt", "next-ksn", "1234567890123456FFFF0000"]), 2);
        assert_eq!(code(&["kcv", "--key", "XYZ"]), 2);
    }
}

// ---------------------------------------------------------------------------------------------
// `paytool emv mk|session-key|arqc|arpc` (CLI.md, section emv): issuer/acquirer EMV cryptography
// of `payproto_crypto::emv`, sharing this module's argument, KCV and exit-code helpers.

/// `paytool emv mk|session-key|arqc|arpc`, flattened into the `emv` subcommand.
#[derive(Debug, Subcommand)]
pub(crate) enum EmvCryptoCommand {
    /// ICC master key from the issuer master key (EMV Book 2 A1.4, option A or B).
    Mk(EmvMkArgs),
    /// Session key from an ICC master key.
    SessionKey(EmvSessionKeyArgs),
    /// Application cryptogram (ARQC/TC/AAC): from a session key and raw data, or from the ICC
    /// master key, a CVN and the DE 55 TLV.
    Arqc(EmvArqcArgs),
    /// Authorisation response cryptogram (method 1 or 2).
    Arpc(EmvArpcArgs),
}

#[derive(Debug, Args)]
pub(crate) struct EmvMkArgs {
    /// Issuer master key (16 bytes).
    #[arg(long)]
    imk: String,
    /// PAN (digits).
    #[arg(long)]
    pan: String,
    /// PAN sequence number (2 digits).
    #[arg(long)]
    psn: String,
    /// Derivation option: a (A1.4.1) or b (A1.4.2).
    #[arg(long, default_value = "a")]
    option: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct EmvSessionKeyArgs {
    /// ICC master key (16 bytes).
    #[arg(long)]
    mk: String,
    /// Application transaction counter (2 bytes).
    #[arg(long, conflicts_with = "r")]
    atc: Option<String>,
    /// emv-csk (R = ATC ‖ 00×6), mastercard-skd (R = ATC ‖ 0000 ‖ UN) or visa-sm.
    #[arg(long, default_value = "emv-csk")]
    method: String,
    /// Unpredictable number (4 bytes), for mastercard-skd.
    #[arg(long)]
    un: Option<String>,
    /// The diversification value R directly (8 bytes).
    #[arg(long)]
    r: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct EmvArqcArgs {
    /// Session key (16 bytes), with --data.
    #[arg(long, conflicts_with_all = ["mk", "cvn", "tlv"])]
    key: Option<String>,
    /// Cryptogram input data, with --key.
    #[arg(long)]
    data: Option<String>,
    /// ISO 9797-1 padding method, with --key: 1 or 2.
    #[arg(long, default_value_t = 2)]
    padding: u8,
    /// ICC master key (16 bytes), with --cvn and --tlv.
    #[arg(long)]
    mk: Option<String>,
    /// Cryptogram version: 10, 18, 22 (Visa) or mc16 (Mastercard).
    #[arg(long)]
    cvn: Option<String>,
    /// The ICC data (DE 55 TLV) holding 9F02, 9F03, 9F1A, 95, 5F2A, 9A, 9C, 9F37, 82, 9F36, 9F10.
    #[arg(long)]
    tlv: Option<String>,
    /// Verify this cryptogram instead of printing one (exit 1 on mismatch).
    #[arg(long)]
    verify: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct EmvArpcArgs {
    /// ARPC method: 1 (ARC) or 2 (CSU).
    #[arg(long)]
    method: u8,
    /// Key: the ICC master key or session key the scheme uses.
    #[arg(long)]
    key: String,
    /// The ARQC (8 bytes).
    #[arg(long)]
    arqc: String,
    /// Authorisation response code (2 bytes), method 1.
    #[arg(long)]
    arc: Option<String>,
    /// Card status update (4 bytes), method 2.
    #[arg(long)]
    csu: Option<String>,
    /// Proprietary authentication data (0–8 bytes), method 2.
    #[arg(long)]
    prop_auth_data: Option<String>,
}

/// Runs one `emv` cryptography subcommand; returns the exit code.
pub(crate) fn run_emv(cmd: EmvCryptoCommand) -> ExitCode {
    finish(match cmd {
        EmvCryptoCommand::Mk(a) => emv_mk(&a),
        EmvCryptoCommand::SessionKey(a) => emv_session_key(&a),
        EmvCryptoCommand::Arqc(a) => emv_arqc(&a),
        EmvCryptoCommand::Arpc(a) => emv_arpc(&a),
    })
}

fn finish(r: CliResult) -> ExitCode {
    match r {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(Fail(code, msg)) => {
            eprintln!("paytool: {msg}");
            ExitCode::from(code)
        }
    }
}

fn fixed<const N: usize>(name: &str, v: &str) -> Result<[u8; N], Fail> {
    hex_arg(name, v)?
        .try_into()
        .map_err(|b: Vec<u8>| bad(format!("{name}: {} bytes ({N} expected)", b.len())))
}

fn emv_key_out(json: bool, k: &Key) -> String {
    if json {
        json!({"key": hx(k.as_bytes()), "kcv": kcv_hex(k)}).to_string()
    } else {
        format!("{}  (KCV {})", hx(k.as_bytes()), kcv_hex(k))
    }
}

fn emv_mk(a: &EmvMkArgs) -> CliResult {
    let imk = key_arg("--imk", &a.imk, Some(CipherFamily::Tdes))?;
    let psn = fixed::<1>("--psn", &a.psn)?;
    let pan = arg_text(&a.pan)?;
    let card = payproto_crypto::emv::Card { pan: pan.as_bytes(), psn: Some(psn[0]) };
    let option = match a.option.as_str() {
        "a" | "A" => payproto_crypto::emv::MkDerivation::OptionA,
        "b" | "B" => payproto_crypto::emv::MkDerivation::OptionB,
        o => return Err(bad(format!("--option: {o:?} is not a or b"))),
    };
    let mk = payproto_crypto::emv::derive_icc_mk(&imk, option, &card).map_err(lib("master key"))?;
    Ok(emv_key_out(a.json, &mk))
}

fn emv_session_key(a: &EmvSessionKeyArgs) -> CliResult {
    use payproto_crypto::emv;
    let mk = key_arg("--mk", &a.mk, Some(CipherFamily::Tdes))?;
    let sk = match (&a.r, &a.atc) {
        (Some(r), None) => emv::common_session_key(&mk, &fixed::<8>("--r", r)?),
        (None, Some(atc)) => {
            let atc = fixed::<2>("--atc", atc)?;
            match a.method.as_str() {
                "emv-csk" => emv::common_session_key(&mk, &emv::r_atc(atc)),
                "mastercard-skd" => {
                    let un = a.un.as_deref().ok_or_else(|| bad("--un is required with mastercard-skd"))?;
                    emv::mastercard_session_key(&mk, atc, fixed::<4>("--un", un)?)
                }
                "visa-sm" => emv::visa_sm_session_key(&mk, atc),
                m => return Err(bad(format!("--method: {m:?} (emv-csk, mastercard-skd, visa-sm)"))),
            }
        }
        _ => return Err(bad("give --atc or --r")),
    }
    .map_err(lib("session key"))?;
    Ok(emv_key_out(a.json, &sk))
}

/// One primitive value of the DE 55 TLV as exactly `N` bytes.
fn tlv_value<const N: usize>(tlv: &[u8], tag: u32) -> Result<[u8; N], Fail> {
    let t = payproto_tlv::Tag::from_u32(tag).ok_or_else(|| bad("tag"))?;
    let v = payproto_tlv::find(tlv, payproto_tlv::Config::EMV, t)
        .map_err(|e| bad(format!("--tlv: {e}")))?
        .ok_or_else(|| bad(format!("--tlv: tag {t} missing")))?;
    v.value.try_into().map_err(|_| bad(format!("--tlv: tag {t} has {} bytes ({N} expected)", v.value.len())))
}

fn emv_arqc(a: &EmvArqcArgs) -> CliResult {
    use payproto_crypto::emv::{self, CryptogramData, Cvn, MAX_CRYPTOGRAM_INPUT};
    let cryptogram = match (&a.key, &a.data, &a.mk, &a.cvn, &a.tlv) {
        (Some(key), Some(data), None, None, None) => {
            let sk = key_arg("--key", key, Some(CipherFamily::Tdes))?;
            let padding = match a.padding {
                1 => Padding::Method1,
                2 => Padding::Method2,
                p => return Err(bad(format!("--padding: {p} is not 1 or 2"))),
            };
            let data = hex_arg("--data", data)?;
            if let Some(v) = &a.verify {
                emv::verify_ac(&sk, padding, &data, &hex_arg("--verify", v)?).map_err(lib("cryptogram"))?;
                return Ok("cryptogram verified".into());
            }
            emv::generate_ac(&sk, padding, &data).map_err(lib("cryptogram"))?
        }
        (None, None, Some(mk), Some(cvn), Some(tlv)) => {
            let mk = key_arg("--mk", mk, Some(CipherFamily::Tdes))?;
            let cvn = match cvn.as_str() {
                "10" => Cvn::Visa10,
                "18" => Cvn::Visa18,
                "22" => Cvn::Visa22,
                "mc16" => Cvn::Mastercard16,
                c => return Err(bad(format!("--cvn: {c:?} (10, 18, 22, mc16)"))),
            };
            let tlv = hex_arg("--tlv", tlv)?;
            let iad_tag = payproto_tlv::Tag::from_u32(0x9F10).ok_or_else(|| bad("tag"))?;
            let iad = payproto_tlv::find(&tlv, payproto_tlv::Config::EMV, iad_tag)
                .map_err(|e| bad(format!("--tlv: {e}")))?
                .map_or(&[][..], |t| t.value);
            let data = CryptogramData {
                amount_authorised: tlv_value(&tlv, 0x9F02)?,
                amount_other: tlv_value(&tlv, 0x9F03)?,
                terminal_country: tlv_value(&tlv, 0x9F1A)?,
                tvr: tlv_value(&tlv, 0x95)?,
                currency: tlv_value(&tlv, 0x5F2A)?,
                date: tlv_value(&tlv, 0x9A)?,
                transaction_type: tlv_value::<1>(&tlv, 0x9C)?[0],
                unpredictable_number: tlv_value(&tlv, 0x9F37)?,
                aip: tlv_value(&tlv, 0x82)?,
                atc: tlv_value(&tlv, 0x9F36)?,
                iad,
            };
            let sk =
                cvn.ac_session_key(&mk, data.atc, data.unpredictable_number).map_err(lib("session key"))?;
            let mut input = [0u8; MAX_CRYPTOGRAM_INPUT];
            let n = data.write(cvn, &mut input).map_err(lib("cryptogram input"))?;
            let input = input.get(..n).unwrap_or(&[]);
            if let Some(v) = &a.verify {
                emv::verify_ac(&sk, cvn.padding(), input, &hex_arg("--verify", v)?)
                    .map_err(lib("cryptogram"))?;
                return Ok("cryptogram verified".into());
            }
            emv::generate_ac(&sk, cvn.padding(), input).map_err(lib("cryptogram"))?
        }
        _ => return Err(bad("give --key and --data, or --mk, --cvn and --tlv")),
    };
    Ok(hx(&cryptogram))
}

fn emv_arpc(a: &EmvArpcArgs) -> CliResult {
    use payproto_crypto::emv;
    let key = key_arg("--key", &a.key, Some(CipherFamily::Tdes))?;
    let arqc = fixed::<8>("--arqc", &a.arqc)?;
    match a.method {
        1 => {
            let arc = fixed::<2>(
                "--arc",
                a.arc.as_deref().ok_or_else(|| bad("--arc is required with --method 1"))?,
            )?;
            Ok(hx(&emv::arpc_method1(&key, &arqc, &arc).map_err(lib("arpc"))?))
        }
        2 => {
            let csu = fixed::<4>(
                "--csu",
                a.csu.as_deref().ok_or_else(|| bad("--csu is required with --method 2"))?,
            )?;
            let prop = a
                .prop_auth_data
                .as_deref()
                .map(|p| hex_arg("--prop-auth-data", p))
                .transpose()?
                .unwrap_or_default();
            Ok(hx(&emv::arpc_method2(&key, &arqc, &csu, &prop).map_err(lib("arpc"))?))
        }
        m => Err(bad(format!("--method: {m} is not 1 or 2"))),
    }
}
