//! The bare-metal example's simulated card answers its RSA operations (DDA signature, enciphered
//! PIN decipherment) from a table precomputed here, on the host, because the board does no RSA
//! signing (issue 7). This test runs the board's own transaction (`examples/bare-metal/src/
//! emv_txn.rs`, included below) on the `demo-pin` card with a recording RSA operation, and checks
//! that `examples/bare-metal/src/card_rsa.rs` holds exactly the recorded pairs; with
//! `PAYPROTO_REGEN=1` it rewrites that file.
//!
//! It also checks the transaction against the pyemv case `pin-arqc` of
//! `tests/vectors/sim_pyemv.txt` (pyemv 1.5.0): the same inputs must give pyemv's ARQC.
#![cfg(feature = "sim")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used,
    dead_code,
    unreachable_pub,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use core::fmt::Write as _;
use std::sync::Mutex;

#[path = "../../examples/bare-metal/src/emv_txn.rs"]
mod emv_txn;

use payproto_emv::kernel::transaction::Outcome;
use payproto_emv::sim::{Personalisation, Profile, SimCard, personal::rsa_private_op, profiles};

static RECORDED: Mutex<Vec<(Vec<u8>, Vec<u8>)>> = Mutex::new(Vec::new());

fn recording_op(modulus: &[u8], d: &[u8], input: &[u8], out: &mut [u8]) -> Option<usize> {
    let n = rsa_private_op(modulus, d, input, out)?;
    RECORDED.lock().unwrap().push((input.to_vec(), out[..n].to_vec()));
    Some(n)
}

fn up(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

#[test]
fn board_card_rsa_table_is_current_and_the_arqc_matches_pyemv() {
    let base = profiles::DEMO_PIN;
    let personal: &'static Personalisation<'static> =
        Box::leak(Box::new(Personalisation { private_op: recording_op, ..*base.personal.unwrap() }));
    let profile = Profile { personal: Some(personal), ..base };
    let mut card = SimCard::new(profile);
    let mut store = emv_txn::Store::new();
    let mut oda = [0u8; 1024];
    let r = emv_txn::transact(&mut card, &mut store, &mut oda).unwrap();
    assert_eq!(r.outcome, Outcome::OnlineApproved);
    // pyemv's ARQC for these inputs (sim_pyemv.txt, name=pin-arqc).
    let line =
        include_str!("vectors/sim_pyemv.txt").lines().find(|l| l.starts_with("name=pin-arqc ")).unwrap();
    let ac = line.split_whitespace().find_map(|kv| kv.strip_prefix("ac=")).unwrap();
    assert_eq!(up(&r.first_gen_ac.unwrap().cryptogram.unwrap()), ac);
    assert_eq!(up(&r.cvm_results.bytes()), "440302");

    let pairs = RECORDED.lock().unwrap().clone();
    assert_eq!(pairs.len(), 2, "one enciphered PIN decipherment and one DDA signature");
    let mut text = String::new();
    writeln!(
        text,
        "//! Precomputed RSA answers of the simulated `demo-pin` card for the board's transaction"
    )
    .unwrap();
    writeln!(
        text,
        "//! (`emv_txn.rs`): (input, output) of the card's private-key operations, recorded on the host"
    )
    .unwrap();
    writeln!(
        text,
        "//! by `emv/tests/bare_metal_card.rs` (regenerate: `PAYPROTO_REGEN=1 cargo test -p payproto-emv"
    )
    .unwrap();
    writeln!(text, "//! --features sim --test bare_metal_card`). Generated; do not edit.").unwrap();
    writeln!(text).unwrap();
    writeln!(text, "/// (input, output) pairs.").unwrap();
    writeln!(text, "#[rustfmt::skip]").unwrap();
    writeln!(text, "pub const TABLE: [(&[u8], &[u8]); {}] = [", pairs.len()).unwrap();
    for (i, o) in &pairs {
        let lit = |b: &[u8]| {
            b.iter().fold(String::new(), |mut s, x| {
                let _ = write!(s, "\\x{x:02X}");
                s
            })
        };
        writeln!(text, "    (b\"{}\",\n     b\"{}\"),", lit(i), lit(o)).unwrap();
    }
    writeln!(text, "];").unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/bare-metal/src/card_rsa.rs");
    if std::env::var_os("PAYPROTO_REGEN").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    let current = std::fs::read_to_string(path).unwrap_or_default();
    assert!(current == text, "{path} is stale: run with PAYPROTO_REGEN=1");
}
