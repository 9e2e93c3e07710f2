//! Full contact transaction compute on the simulator, card I/O excluded (issue 6's bar: ≤ 150 µs):
//! the `demo-online` card (CA 1984 bits, issuer 1984 bits, ICC 1024 bits, all e = 3; DDA,
//! signature CVM, online approval with issuer authentication, TC) is run once on the simulated
//! card to record its answers, then `kernel::transaction::run` is timed over a replay of them (so
//! the card's own RSA signing is not counted) with a canned issuer answer.
//!
//! In the same run, the peer: the three RSA recoveries the transaction cannot avoid (issuer
//! certificate, ICC certificate, DDA signature) through `payproto_crypto::rsa::public_op` alone —
//! the ratio shows what the kernel adds around the cryptography.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use core::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use payproto_crypto::rsa::public_op;
use payproto_emv::apdu::CardTransport;
use payproto_emv::data::{AdditionalTerminalCapabilities, Date, TerminalCapabilities, TransactionType};
use payproto_emv::kernel::config::{AidConfig, AidParams};
use payproto_emv::kernel::oda::{CaPublicKey, CapkStore, recover_issuer_key};
use payproto_emv::kernel::transaction::{
    Host, OnlineRequest, OnlineResponse, Outcome, PinDevice, Terminal, TransactionData, run,
};
use payproto_emv::kernel::trm::{ExceptionFile, TrmRng};
use payproto_emv::sim::{Replay, SimCard, TestPinPad, pki, profiles};
use payproto_emv::store::TlvStore;

struct Recorder<T> {
    inner: T,
    log: Vec<(Vec<u8>, Vec<u8>)>,
}

impl<T: CardTransport> CardTransport for Recorder<T> {
    fn transmit(&mut self, c: &[u8], r: &mut [u8]) -> Result<usize, payproto_emv::Error> {
        let n = self.inner.transmit(c, r)?;
        self.log.push((c.to_vec(), r[..n].to_vec()));
        Ok(n)
    }
}

struct NoExceptions;
impl ExceptionFile for NoExceptions {
    fn contains(&self, _: &[u8], _: Option<u8>) -> bool {
        false
    }
}

struct Rng;
impl TrmRng for Rng {
    fn next_u32(&mut self) -> u32 {
        99
    }
}

/// Records the issuer answer of the first run, replays it afterwards.
struct Canned {
    answer: Option<(OnlineResponse, Vec<u8>)>,
}

impl Host for Canned {
    fn authorise(&mut self, r: &OnlineRequest<'_>, out: &mut [u8]) -> Option<OnlineResponse> {
        if self.answer.is_none() {
            use payproto_crypto::Key;
            use payproto_crypto::emv as cemv;
            let arqc: [u8; 8] = payproto_emv::tlv::find(
                r.icc_data,
                payproto_emv::tlv::Config::EMV,
                payproto_emv::tlv::Tag::new(0x9F26),
            )
            .unwrap()
            .unwrap()
            .value
            .try_into()
            .unwrap();
            let pan: String =
                r.pan.iter().map(|b| format!("{b:02X}")).collect::<String>().trim_end_matches('F').into();
            let mk = cemv::derive_icc_mk_a(
                &Key::tdes(&pki::VISA_IMK).unwrap(),
                &cemv::Card { pan: pan.as_bytes(), psn: r.pan_sequence },
            )
            .unwrap();
            let arpc = cemv::arpc_method1(&mk, &arqc, b"00").unwrap();
            let mut d = vec![0x91, 0x0A];
            d.extend_from_slice(&arpc);
            d.extend_from_slice(b"00");
            self.answer = Some((OnlineResponse { approved: true, arc: *b"00", icc_data_len: d.len() }, d));
        }
        let (resp, data) = self.answer.as_ref()?;
        out[..data.len()].copy_from_slice(data);
        Some(*resp)
    }
}

fn setup() -> ([AidConfig; 1], CapkStore<2>, TransactionData) {
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
    })
    .unwrap();
    let checksum: [u8; 20] = {
        use sha1::Digest as _;
        let mut h = sha1::Sha1::new();
        h.update(pki::CA_RID);
        h.update([pki::CA_INDEX]);
        h.update(pki::CA_MODULUS);
        h.update(pki::CA_EXPONENT);
        h.finalize().into()
    };
    let expiry = Date { yy: 31, month: 12, day: 31 };
    let ca = CaPublicKey::new(
        pki::CA_RID,
        pki::CA_INDEX,
        pki::CA_MODULUS,
        pki::CA_EXPONENT,
        &checksum,
        expiry,
        false,
    )
    .unwrap();
    let mut capks = CapkStore::new();
    capks.insert(ca).unwrap();
    let data = TransactionData {
        amount: 25_000,
        amount_other: 0,
        transaction_type: TransactionType::PURCHASE,
        date: Date { yy: 26, month: 11, day: 24 },
        time: [0x12, 0, 0],
        unpredictable_number: [0x8B, 0x55, 0x63, 0x3B],
        sequence_counter: [0, 0, 0, 1],
    };
    ([aid], capks, data)
}

fn once<T: CardTransport, P: PinDevice>(
    t: &mut T,
    pad: &mut P,
    host: &mut Canned,
    aids: &[AidConfig],
    capks: &CapkStore<2>,
    data: &TransactionData,
) -> Outcome {
    let terminal = Terminal {
        aids,
        capks,
        revoked: &[],
        exceptions: &NoExceptions,
        log: &[],
        ifd_serial: *b"BENCH001",
        merchant_forced_online: false,
    };
    let mut store: TlvStore<96, 4096> = TlvStore::new();
    let mut oda = [0u8; 1024];
    run(&terminal, data, t, pad, host, &mut Rng, &mut store, &mut oda).unwrap().outcome
}

fn bench(c: &mut Criterion) {
    let (aids, capks, data) = setup();
    let mut host = Canned { answer: None };
    let mut rec = Recorder { inner: SimCard::new(profiles::DEMO_ONLINE), log: Vec::new() };
    let mut pad = TestPinPad::new(b"1234");
    assert_eq!(once(&mut rec, &mut pad, &mut host, &aids, &capks, &data), Outcome::OnlineApproved);
    let pairs: Vec<(&[u8], &[u8])> = rec.log.iter().map(|(a, b)| (a.as_slice(), b.as_slice())).collect();
    let mut g = c.benchmark_group("emv_transaction");
    g.bench_function("demo_online_dda_full_transaction", |b| {
        b.iter(|| {
            let mut replay = Replay::new(&pairs);
            let o = once(&mut replay, &mut pad, &mut host, &aids, &capks, &data);
            assert_eq!(o, Outcome::OnlineApproved);
        });
    });
    // The peer: the three public-key operations alone (same inputs as the transaction's).
    let cert = |tag: u32| -> Vec<u8> {
        rec.log
            .iter()
            .filter_map(|(_, r)| {
                payproto_emv::tlv::find(
                    &r[..r.len() - 2],
                    payproto_emv::tlv::Config::EMV,
                    payproto_emv::tlv::Tag::from_u32(tag)?,
                )
                .ok()
                .flatten()
                .map(|t| t.value.to_vec())
            })
            .next()
            .unwrap()
    };
    let issuer_cert = cert(0x90);
    let icc_cert = cert(0x9F46);
    let sdad = rec.log.iter().find(|(c, _)| c[1] == 0x88).map(|(_, r)| r[3..r.len() - 2].to_vec()).unwrap();
    let ca = capks.find(&pki::CA_RID, pki::CA_INDEX, &data.date).unwrap();
    let pan = cert(0x5A);
    let issuer =
        recover_issuer_key(ca, &issuer_cert, Some(&cert(0x92)), &cert(0x9F32), &pan, &data.date, &[])
            .unwrap();
    let issuer_modulus = issuer.key.modulus().to_vec();
    let mut out = [0u8; 248];
    g.bench_function("rsa_recoveries_alone_1984_1984_1024", |b| {
        b.iter(|| {
            let n1 = public_op(pki::CA_MODULUS, &[3], black_box(&issuer_cert), &mut out).unwrap();
            let n2 = public_op(&issuer_modulus, &[3], black_box(&icc_cert), &mut out).unwrap();
            let n3 = public_op(pki::DEMO_ONLINE_ICC_MODULUS, &[3], black_box(&sdad), &mut out).unwrap();
            black_box((n1, n2, n3));
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
