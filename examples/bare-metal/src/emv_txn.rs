//! The board's EMV transaction, shared with the host-side generator of the simulated card's
//! precomputed RSA answers (`emv/tests/bare_metal_card.rs` includes this file): one terminal
//! configuration, one transaction, so the card's RSA inputs on the board are exactly those
//! computed on the host.
//!
//! The transaction is the pyemv case `pin-arqc` of `emv/tests/vectors/sim_pyemv.txt` (card
//! `demo-pin`, amount 123.45, UN 99887766, 2026-11-24, country and currency 0840): DDA, offline
//! enciphered PIN 4321 through the test PIN pad, floor limit exceeded → ARQC, online approval with
//! ARPC, TC.

use payproto_crypto::Key;
use payproto_crypto::emv as cemv;
use payproto_emv::Error;
use payproto_emv::apdu::CardTransport;
use payproto_emv::data::{AdditionalTerminalCapabilities, Date, TerminalCapabilities, TransactionType};
use payproto_emv::kernel::config::{AidConfig, AidParams};
use payproto_emv::kernel::oda::{CaPublicKey, CapkStore};
use payproto_emv::kernel::transaction::{
    Host, OnlineRequest, OnlineResponse, Terminal, TransactionData, TransactionResult, run,
};
use payproto_emv::kernel::trm::{ExceptionFile, TrmRng};
use payproto_emv::sim::{TestPinPad, pki};
use payproto_emv::store::TlvStore;
use payproto_emv::tlv::{Config, Tag, find};

/// Amount, authorised (minor units).
pub(crate) const AMOUNT: u64 = 12_345;
/// The terminal's unpredictable number.
pub(crate) const UN: [u8; 4] = [0x99, 0x88, 0x77, 0x66];
/// The PIN the cardholder enters.
pub(crate) const PIN: &[u8] = b"4321";
/// The store's sizes.
pub(crate) type Store = TlvStore<80, 3072>;

struct NoExceptions;
impl ExceptionFile for NoExceptions {
    fn contains(&self, _pan: &[u8], _psn: Option<u8>) -> bool {
        false
    }
}

struct FixedRng;
impl TrmRng for FixedRng {
    fn next_u32(&mut self) -> u32 {
        99
    }
}

/// The acquirer and issuer behind it: approves, ARPC method 1 under the card's master key.
struct Issuer;
impl Host for Issuer {
    fn authorise(&mut self, r: &OnlineRequest<'_>, out: &mut [u8]) -> Option<OnlineResponse> {
        let arqc: [u8; 8] =
            find(r.icc_data, Config::EMV, Tag::from_u32(0x9F26)?).ok()??.value.try_into().ok()?;
        let mut digits = [0u8; 19];
        let mut n = 0usize;
        for d in r.pan.iter().flat_map(|b| [b >> 4, b & 0x0F]).take_while(|d| *d <= 9) {
            *digits.get_mut(n)? = b'0' | d;
            n += 1;
        }
        let imk = Key::tdes(&pki::VISA_IMK).ok()?;
        let card = cemv::Card { pan: digits.get(..n)?, psn: r.pan_sequence };
        let mk = cemv::derive_icc_mk_a(&imk, &card).ok()?;
        let arpc = cemv::arpc_method1(&mk, &arqc, b"00").ok()?;
        let d = out.get_mut(..12)?;
        d[0] = 0x91;
        d[1] = 0x0A;
        d[2..10].copy_from_slice(&arpc);
        d[10..12].copy_from_slice(b"00");
        Some(OnlineResponse { approved: true, arc: *b"00", icc_data_len: 12 })
    }
}

/// Runs the board's transaction over `transport`.
pub(crate) fn transact<T: CardTransport>(
    transport: &mut T,
    store: &mut Store,
    oda: &mut [u8],
) -> Result<TransactionResult, Error> {
    let aid = AidConfig::new(&AidParams {
        aid: pki::VISA_AID,
        partial_selection: false,
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
    })?;
    let ca = CaPublicKey::new(
        pki::CA_RID,
        pki::CA_INDEX,
        pki::CA_MODULUS,
        pki::CA_EXPONENT,
        &pki::CA_CHECKSUM,
        Date { yy: 31, month: 12, day: 31 },
        false,
    )?;
    let mut capks: CapkStore<2> = CapkStore::new();
    capks.insert(ca)?;
    let aids = [aid];
    let terminal = Terminal {
        aids: &aids,
        capks: &capks,
        revoked: &[],
        exceptions: &NoExceptions,
        log: &[],
        ifd_serial: *b"MPS2AN38",
        merchant_forced_online: false,
    };
    let data = TransactionData {
        amount: AMOUNT,
        amount_other: 0,
        transaction_type: TransactionType::PURCHASE,
        date: Date { yy: 26, month: 11, day: 24 },
        time: [0x12, 0x00, 0x00],
        unpredictable_number: UN,
        sequence_counter: [0, 0, 0, 1],
    };
    let mut pad = TestPinPad::new(PIN);
    run(&terminal, &data, transport, &mut pad, &mut Issuer, &mut FixedRng, store, oda)
}
