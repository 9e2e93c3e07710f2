//! `host-reader`: reads a contact EMV card through the real PC/SC stack (pcscd + libpcsclite).
//!
//! Lists the readers, connects to the first one holding a card (or `--reader NAME`), and drives
//! payproto's sans-IO kernel over PC/SC: application selection (PSE, then the terminal's AID list),
//! GET PROCESSING OPTIONS and READ RECORD. Every APDU is printed (card data masked by the EMV
//! dictionary's PCI policy unless `--unmasked`), then the data read as a named tree.
//!
//! This is the first step of the host example (issue 7): the rest of the transaction (offline data
//! authentication, CVM, risk management, GENERATE AC and the ISO 8583 message) follows the kernel's
//! second half. `--expect-aid`/`--expect-pan` let CI assert the result against a virtual card.
#![allow(clippy::arithmetic_side_effects, clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::ffi::CStr;
use std::process::ExitCode;

use clap::Parser;
use payproto_emv::apdu::CardTransport;
use payproto_emv::dictionary::{self, Dictionary};
use payproto_emv::kernel::selection::{Method, TerminalAid};
use payproto_emv::kernel::{ReadApplication, ReadOutcome, drive};
use payproto_emv::store::TlvStore;
use payproto_tlv::{Config, MaskPolicy, Masking, NoMasking, Tag, Walk, write_masked_hex};

/// Read a contact EMV card through PC/SC.
#[derive(Parser, Debug)]
#[command(name = "host-reader", version, about)]
struct Args {
    /// Use the reader whose name contains this text (default: the first reader holding a card).
    #[arg(long)]
    reader: Option<String>,
    /// Show card data (PAN, track data, names) in clear.
    #[arg(long)]
    unmasked: bool,
    /// Exit 1 unless the selected application has this AID (hex); for automated tests.
    #[arg(long)]
    expect_aid: Option<String>,
    /// Exit 1 unless the PAN read (tag 5A) is this; for automated tests.
    #[arg(long)]
    expect_pan: Option<String>,
}

/// Terminal AID list: Visa, Mastercard, UnionPay (partial selection, Book 1 §12.3.3).
const AIDS: [&[u8]; 3] =
    [&[0xA0, 0x00, 0x00, 0x00, 0x03], &[0xA0, 0x00, 0x00, 0x00, 0x04], &[0xA0, 0x00, 0x00, 0x03, 0x33]];

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

fn parse_hex(s: &str) -> Option<Vec<u8>> {
    let s: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.chunks(2).map(|p| std::str::from_utf8(p).ok().and_then(|t| u8::from_str_radix(t, 16).ok())).collect()
}

/// Response data masked object by object (a response that is not TLV is shown by length only).
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

struct Pcsc<'p> {
    card: pcsc::Card,
    policy: &'p dyn MaskPolicy,
}

impl CardTransport for Pcsc<'_> {
    fn transmit(&mut self, capdu: &[u8], rapdu: &mut [u8]) -> Result<usize, payproto_emv::Error> {
        // VERIFY (INS 20) carries a PIN block: never printed.
        let shown = if capdu.get(1) == Some(&0x20) {
            format!("{} (PIN data hidden)", hex(capdu.get(..4).unwrap_or(&[])))
        } else {
            hex(capdu)
        };
        println!("C> {shown}");
        let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
        let r = self.card.transmit(capdu, &mut buf).map_err(|e| {
            eprintln!("host-reader: PC/SC transmit failed: {e}");
            payproto_emv::Error::new(payproto_emv::ErrorKind::Transport, 0)
        })?;
        let n = r.len();
        let (data, sw) = r.split_at(n.saturating_sub(2));
        println!("R< {} SW {}", masked_response(data, self.policy), hex(sw));
        let dst =
            rapdu.get_mut(..n).ok_or(payproto_emv::Error::new(payproto_emv::ErrorKind::BufferTooSmall, n))?;
        dst.copy_from_slice(r);
        Ok(n)
    }
}

fn connect(ctx: &pcsc::Context, wanted: Option<&str>) -> Result<(String, pcsc::Card), String> {
    let mut names = [0u8; 4096];
    let readers: Vec<&CStr> =
        ctx.list_readers(&mut names).map_err(|e| format!("cannot list readers: {e}"))?.collect();
    if readers.is_empty() {
        return Err("no PC/SC reader".into());
    }
    for r in &readers {
        println!("reader: {}", r.to_string_lossy());
    }
    for r in readers {
        let name = r.to_string_lossy().into_owned();
        if wanted.is_some_and(|w| !name.contains(w)) {
            continue;
        }
        match ctx.connect(r, pcsc::ShareMode::Shared, pcsc::Protocols::ANY) {
            Ok(card) => return Ok((name, card)),
            Err(pcsc::Error::NoSmartcard | pcsc::Error::RemovedCard) => continue,
            Err(e) => return Err(format!("{name}: {e}")),
        }
    }
    Err("no card in any reader".into())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let policy: &dyn MaskPolicy = if args.unmasked { &NoMasking } else { &Dictionary };
    let ctx = match pcsc::Context::establish(pcsc::Scope::User) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("host-reader: no PC/SC service (is pcscd running?): {e}");
            return ExitCode::from(2);
        }
    };
    let (name, card) = match connect(&ctx, args.reader.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("host-reader: {e}");
            return ExitCode::from(2);
        }
    };
    println!("card in: {name}");
    let mut transport = Pcsc { card, policy };
    let aids: Vec<TerminalAid<'_>> = AIDS.iter().map(|a| TerminalAid { aid: a, partial: true }).collect();
    let mut store: TlvStore<64, 4096> = TlvStore::new();
    let mut oda = [0u8; 2048];
    let mut outcome = None;
    for method in [Method::Pse, Method::AidList] {
        let mut k: ReadApplication<'_, '_, '_, 8, 64, 4096> =
            ReadApplication::new(&aids, method, false, &mut store, &mut oda);
        match drive(&mut k, &mut transport) {
            Ok(ReadOutcome::NoApplication) if method == Method::Pse => {
                println!("no application through the PSE: using the terminal's AID list");
            }
            Ok(o) => {
                outcome = Some(o);
                break;
            }
            Err(e) => {
                eprintln!("host-reader: kernel error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(ReadOutcome::Ready { application, summary }) = outcome else {
        println!("outcome: {outcome:?}");
        return ExitCode::from(1);
    };
    println!(
        "selected: {}  records read: {}  ODA input: {} bytes",
        hex(application.adf_name()),
        summary.records,
        summary.oda_len
    );
    println!("data read from the card:");
    for (tag, _source, value) in store.iter() {
        let name = dictionary::lookup(tag).map_or("", |e| e.name);
        let mut v = String::new();
        let _ = write_masked_hex(&mut v, value, policy.masking(tag));
        println!("  {tag} {name} ({}) {v}", value.len());
    }
    let mut ok = true;
    if let Some(want) = args.expect_aid.as_deref().and_then(parse_hex) {
        ok &= application.adf_name() == want.as_slice();
    }
    if let Some(want) = args.expect_pan.as_deref().and_then(parse_hex) {
        let pan = Tag::from_u32(0x5A).and_then(|t| store.get(t));
        ok &= pan == Some(want.as_slice());
        let shown = pan.map(|p| {
            let mut s = String::new();
            let _ = write_masked_hex(&mut s, p, if args.unmasked { Masking::Clear } else { Masking::Pan });
            s
        });
        println!("PAN: {}", shown.unwrap_or_else(|| "absent".into()));
    }
    if ok {
        println!("result: application read");
        ExitCode::SUCCESS
    } else {
        println!("result: MISMATCH with the expected AID/PAN");
        ExitCode::from(1)
    }
}
