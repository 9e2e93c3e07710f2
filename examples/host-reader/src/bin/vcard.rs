//! `vcard`: payproto's simulated contact card served to pcscd through the vsmartcard `vpcd`
//! driver, so the real PC/SC stack (and any PC/SC application) sees a card in "Virtual PCD 00 00".
//!
//! vpcd protocol (vsmartcard): the card side is a TCP client of the driver (port 35963 for the
//! first reader); every message both ways is a 2-byte big-endian length and a payload. A 1-byte
//! payload from vpcd is a control code — 0 power off, 1 power on, 2 reset (no reply), 4 get ATR
//! (reply: the ATR); anything longer is a command APDU, answered by exactly one response APDU.
//! Closing the socket removes the card. TCP_QUICKACK is re-armed before every read: vpcd writes
//! length and payload in two sends, and delayed ACKs would cost ~40 ms per APDU.
#![allow(clippy::arithmetic_side_effects, clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use payproto_emv::apdu::CardTransport;
use payproto_emv::sim::{SimCard, profiles};

/// Serve a simulated EMV card to pcscd through vpcd.
#[derive(Parser, Debug)]
#[command(name = "vcard", version, about)]
struct Args {
    /// Card profile (see --list).
    #[arg(long, default_value = "visa")]
    profile: String,
    /// List the profiles and exit.
    #[arg(long)]
    list: bool,
    /// vpcd's port (35963 is the first virtual reader). The card always connects to 127.0.0.1.
    #[arg(long, default_value_t = 35963)]
    port: u16,
    /// Seconds to keep retrying the connection while pcscd starts.
    #[arg(long, default_value_t = 20)]
    wait: u64,
}

/// A T=0 payment card ATR (public smartcard_list.txt entry).
const ATR: [u8; 12] = [0x3B, 0x68, 0x00, 0x00, 0x00, 0x73, 0xC8, 0x40, 0x12, 0x00, 0x90, 0x00];

fn send(s: &mut TcpStream, payload: &[u8]) -> std::io::Result<()> {
    let n = u16::try_from(payload.len()).map_err(|_| std::io::Error::other("payload too long"))?;
    let mut frame = Vec::with_capacity(payload.len() + 2);
    frame.extend_from_slice(&n.to_be_bytes());
    frame.extend_from_slice(payload);
    s.write_all(&frame)
}

fn quickack(s: &TcpStream) {
    let _ = socket2::SockRef::from(s).set_tcp_quickack(true);
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.list {
        for (name, _) in profiles::ALL {
            println!("{name}");
        }
        return ExitCode::SUCCESS;
    }
    let Some((_, profile)) = profiles::ALL.iter().find(|(n, _)| *n == args.profile) else {
        eprintln!("vcard: unknown profile '{}' (see --list)", args.profile);
        return ExitCode::from(2);
    };
    let deadline = Instant::now() + Duration::from_secs(args.wait);
    let mut stream = loop {
        match TcpStream::connect(("127.0.0.1", args.port)) {
            Ok(s) => break s,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => {
                eprintln!("vcard: cannot reach vpcd on 127.0.0.1:{}: {e}", args.port);
                return ExitCode::from(2);
            }
        }
    };
    let _ = stream.set_nodelay(true);
    eprintln!("vcard: '{}' inserted", args.profile);
    let mut card = SimCard::new(*profile);
    let mut rapdu = [0u8; 300];
    loop {
        quickack(&stream);
        let mut len = [0u8; 2];
        if stream.read_exact(&mut len).is_err() {
            eprintln!("vcard: vpcd closed the connection");
            return ExitCode::SUCCESS;
        }
        let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
        quickack(&stream);
        if stream.read_exact(&mut payload).is_err() {
            return ExitCode::SUCCESS;
        }
        let reply: Option<Vec<u8>> = match payload.as_slice() {
            [0] => None, // power off
            [1] | [2] => {
                // Power on / reset: the card's transaction state goes, its counters (ATC, PIN tries,
                // last online ATC, blocks) stay, as on a real card.
                card.reset();
                None
            }
            [4] => Some(ATR.to_vec()),
            [_] => None,
            apdu => Some(match card.transmit(apdu, &mut rapdu) {
                Ok(n) => rapdu.get(..n).unwrap_or(&[0x6F, 0x00]).to_vec(),
                Err(_) => vec![0x6F, 0x00],
            }),
        };
        if let Some(r) = reply
            && send(&mut stream, &r).is_err()
        {
            return ExitCode::SUCCESS;
        }
    }
}
