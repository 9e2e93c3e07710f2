//! `paytool`: payproto's command-line tool. The interface is a contract (`shared/CLI.md`):
//! names, arguments, exit codes (0 ok, 1 verification failed, 2 malformed input or usage) and
//! JSON shapes must not drift.
//!
//! A host binary: it may use `std` paths and plain arithmetic on sizes; it still never indexes,
//! unwraps or panics on input (the workspace lints stay on for that).
#![allow(clippy::arithmetic_side_effects, clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

mod crypto_cmd;
mod emv_cmd;
mod input;
mod iso8583_cmd;
mod sm_cmd;
mod tlv_cmd;
mod transact_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Payment engineer's tool: BER-TLV, EMV, ISO 8583, DUKPT, PIN blocks, MACs, keys.
#[derive(Parser, Debug)]
#[command(name = "paytool", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// BER-TLV decode and encode (EMV Book 3 Annex B rules).
    #[command(subcommand)]
    Tlv(tlv_cmd::TlvCmd),
    /// ISO 8583: built-in specs, decode, encode.
    #[command(subcommand)]
    Iso8583(iso8583_cmd::Iso8583Cmd),
    /// EMV data decoders (TVR, TSI, AIP, CVM list, AFL, CID, IAD).
    #[command(subcommand)]
    Emv(EmvCmd),
    #[command(flatten)]
    Crypto(crypto_cmd::CryptoCommand),
    #[command(flatten)]
    Sm(sm_cmd::SmCommand),
}

#[derive(Subcommand, Debug)]
enum EmvCmd {
    #[command(flatten)]
    Decode(emv_cmd::EmvDecode),
    #[command(flatten)]
    Crypto(crypto_cmd::EmvCryptoCommand),
    /// A full contact transaction on the simulated card (or a PC/SC reader), ending with the
    /// ISO 8583 message the terminal would send.
    Transact(transact_cmd::TransactArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Tlv(c) => tlv_cmd::run(c),
        Cmd::Iso8583(c) => iso8583_cmd::run(c),
        Cmd::Sm(c) => sm_cmd::run(c),
        Cmd::Emv(EmvCmd::Crypto(c)) => return crypto_cmd::run_emv(c),
        Cmd::Emv(EmvCmd::Transact(a)) => transact_cmd::run(&a),
        Cmd::Emv(EmvCmd::Decode(c)) => {
            let code = emv_cmd::run(&c, &mut std::io::stdout(), &mut std::io::stderr());
            return ExitCode::from(u8::try_from(code).unwrap_or(2));
        }
        Cmd::Crypto(c) => return crypto_cmd::run(c),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("paytool: {}", f.message());
            ExitCode::from(f.code())
        }
    }
}
