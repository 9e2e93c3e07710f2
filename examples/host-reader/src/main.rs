//! `host-reader`: a whole contact EMV transaction through the real PC/SC stack (pcscd +
//! libpcsclite).
//!
//! Lists the readers, connects to the first one holding a card (or `--reader NAME`), and runs
//! payproto's kernel (`payproto_emv::kernel::transaction`) over PC/SC with the demo terminal that
//! `paytool emv transact` uses (`paytool::transact`: terminal configuration, CA keys, simulated
//! issuer behind a simulated acquirer link): selection, GPO, records, offline data authentication,
//! restrictions, CVM (a test PIN pad), risk management, action analysis, GENERATE AC, online
//! authorisation with issuer authentication, completion. Every APDU is printed (card data masked by
//! the EMV dictionary's PCI policy unless `--unmasked`), then the data read, TVR/TSI, the decision
//! and the `cup-pos` ISO 8583 message the terminal would send.
//!
//! Terminal parameters come from `--config FILE` (JSON: `{"amount": 25000, "pin": "1234"}`, both
//! optional) with those defaults. `--expect-aid`, `--expect-pan` and `--expect-outcome` let CI
//! assert the result against a virtual card.
#![allow(clippy::arithmetic_side_effects, clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::process::ExitCode;

use clap::Parser;
use paytool::pcsc_link;
use paytool::transact::{self, Options};

/// Run a contact EMV transaction through PC/SC.
#[derive(Parser, Debug)]
#[command(name = "host-reader", version, about)]
struct Args {
    /// Use the reader whose name contains this text (default: the first reader holding a card).
    #[arg(long)]
    reader: Option<String>,
    /// Terminal parameters (JSON: "amount" in minor units, "pin" of the test PIN pad).
    #[arg(long)]
    config: Option<String>,
    /// Show card data (PAN, track data, names) in clear.
    #[arg(long)]
    unmasked: bool,
    /// Exit 1 unless the selected application has this AID (hex); for automated tests.
    #[arg(long)]
    expect_aid: Option<String>,
    /// Exit 1 unless the PAN read (tag 5A, digits) is this; for automated tests.
    #[arg(long)]
    expect_pan: Option<String>,
    /// Exit 1 unless the transaction ends with this outcome (e.g. online-approved).
    #[arg(long)]
    expect_outcome: Option<String>,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

fn options(path: Option<&str>, unmasked: bool) -> Result<Options, String> {
    let mut opts = Options {
        amount: 25_000,
        pin: "1234".into(),
        unmasked,
        date: [0x26, 0x11, 0x24],
        time: [0x12, 0x00, 0x00],
    };
    if let Some(p) = path {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"))?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{p}: {e}"))?;
        if let Some(a) = v.get("amount") {
            opts.amount = a.as_u64().ok_or(format!("{p}: \"amount\" must be a whole number"))?;
        }
        if let Some(pin) = v.get("pin") {
            opts.pin = pin.as_str().ok_or(format!("{p}: \"pin\" must be a string"))?.to_owned();
        }
    }
    Ok(opts)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let opts = match options(args.config.as_deref(), args.unmasked) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("host-reader: {e}");
            return ExitCode::from(2);
        }
    };
    match pcsc_link::readers() {
        Ok(list) => list.iter().for_each(|r| println!("reader: {r}")),
        Err(e) => {
            eprintln!("host-reader: {e}");
            return ExitCode::from(2);
        }
    }
    let card = match pcsc_link::connect(args.reader.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("host-reader: {e}");
            return ExitCode::from(2);
        }
    };
    println!("card in: {}", card.reader);
    let report = match transact::transact(card, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("host-reader: {e}");
            return ExitCode::from(2);
        }
    };
    print!("{}", transact::human(&report, args.unmasked));
    let res = &report.result;
    let aid = res.application.map(|a| hex(a.adf_name())).unwrap_or_default();
    let pan = report.data.iter().find(|(t, _)| t == "5A").map(|(_, v)| v.clone()).unwrap_or_default();
    let mut ok = true;
    if let Some(want) = &args.expect_aid {
        ok &= aid.eq_ignore_ascii_case(want);
    }
    if let Some(want) = &args.expect_pan {
        // The PAN as read, unmasked only with --unmasked: compare first 6 and last 4 otherwise.
        let digits = pan.trim_end_matches('F');
        ok &= if args.unmasked {
            digits == want
        } else {
            want.len() > 10 && digits.starts_with(&want[..6]) && digits.ends_with(&want[want.len() - 4..])
        };
    }
    if let Some(want) = &args.expect_outcome {
        ok &= res.outcome.name() == want;
    }
    println!("selected: {aid}  outcome: {}", res.outcome.name());
    if ok {
        println!("result: as expected");
        ExitCode::SUCCESS
    } else {
        println!("result: MISMATCH with the expected AID/PAN/outcome");
        ExitCode::from(1)
    }
}
