//! `paytool`: payproto's command-line tool. The interface is a contract (`shared/CLI.md`):
//! names, arguments, exit codes (0 ok, 1 verification failed, 2 malformed input or usage) and
//! JSON shapes must not drift.
//!
//! A host binary: it may use `std` paths and plain arithmetic on sizes; it still never indexes,
//! unwraps or panics on input (the workspace lints stay on for that).
#![allow(clippy::arithmetic_side_effects, clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

mod input;
mod tlv_cmd;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Tlv(c) => tlv_cmd::run(c),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("paytool: {}", f.message());
            ExitCode::from(f.code())
        }
    }
}
