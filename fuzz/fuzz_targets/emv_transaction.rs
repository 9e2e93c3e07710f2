#![no_main]
//! Fuzz target (payproto-emv): a whole transaction (`kernel::transaction::run`) never panics,
//! whatever the card answers and whatever the host says. Input: one byte of host behaviour
//! (approve / decline / unreachable, and whether issuer data follows), then the card's R-APDUs,
//! each prefixed by its length; when they run out the card is gone (a transport error).
use libfuzzer_sys::fuzz_target;
use payproto_emv::apdu::CardTransport;
use payproto_emv::data::{AdditionalTerminalCapabilities, Date, TerminalCapabilities, TransactionType};
use payproto_emv::kernel::config::{AidConfig, AidParams};
use payproto_emv::kernel::oda::{CaPublicKey, CapkStore};
use payproto_emv::kernel::transaction::{
    Host, OnlineRequest, OnlineResponse, Terminal, TransactionData, run,
};
use payproto_emv::kernel::trm::{ExceptionFile, TrmRng};
use payproto_emv::sim::{TestPinPad, pki};
use payproto_emv::store::TlvStore;

struct Card<'a> {
    input: &'a [u8],
    commands: usize,
}

impl CardTransport for Card<'_> {
    fn transmit(&mut self, _capdu: &[u8], rapdu: &mut [u8]) -> Result<usize, payproto_emv::Error> {
        self.commands += 1;
        let gone = payproto_emv::Error::new(payproto_emv::ErrorKind::Transport, 0);
        if self.commands > 64 {
            return Err(gone);
        }
        let (&n, rest) = self.input.split_first().ok_or(gone)?;
        let (r, rest) = rest.split_at(usize::from(n).min(rest.len()));
        self.input = rest;
        let dst = rapdu.get_mut(..r.len()).ok_or(gone)?;
        dst.copy_from_slice(r);
        Ok(r.len())
    }
}

struct Issuer(u8);
impl Host for Issuer {
    fn authorise(&mut self, _r: &OnlineRequest<'_>, out: &mut [u8]) -> Option<OnlineResponse> {
        if self.0 & 3 == 3 {
            return None;
        }
        // 91 (ARPC ‖ ARC) and a 71 script.
        let data = [
            0x91, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8, 0x30, 0x30, 0x71, 0x0C, 0x9F, 0x18, 0x04, 0, 0, 0, 1, 0x86,
            0x03, 0x84, 0x1E, 0x00,
        ];
        let len = if self.0 & 4 != 0 { data.len() } else { 0 };
        out.get_mut(..len)?.copy_from_slice(&data[..len]);
        Some(OnlineResponse { approved: self.0 & 1 == 0, arc: *b"00", icc_data_len: len })
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
        7
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&host, input)) = data.split_first() else { return };
    let Ok(aid) = AidConfig::new(&AidParams {
        aid: pki::VISA_AID,
        partial_selection: true,
        app_version: [0x00, 0x8C],
        tac_denial: None,
        tac_online: None,
        tac_default: None,
        floor_limit: 10_000,
        random_selection: None,
        default_ddol: &[0x9F, 0x37, 0x04],
        default_tdol: &[0x9F, 0x02, 0x06],
        capabilities: TerminalCapabilities([0xE0, 0xF8, 0xC8]),
        additional_capabilities: AdditionalTerminalCapabilities([0x60, 0x00, 0xF0, 0xA0, 0x01]),
        terminal_type: 0x22,
        country: 840,
        currency: 840,
        currency_exponent: 2,
    }) else {
        return;
    };
    let ca = CaPublicKey::new(
        pki::CA_RID,
        pki::CA_INDEX,
        pki::CA_MODULUS,
        pki::CA_EXPONENT,
        &pki::CA_CHECKSUM,
        Date { yy: 31, month: 12, day: 31 },
        false,
    )
    .expect("the simulator's CA key loads");
    let mut capks: CapkStore<2> = CapkStore::new();
    capks.insert(ca).expect("room for one key");
    let aids = [aid];
    let terminal = Terminal {
        aids: &aids,
        capks: &capks,
        revoked: &[],
        exceptions: &NoExceptions,
        log: &[],
        ifd_serial: *b"FUZZ0001",
        merchant_forced_online: host & 8 != 0,
    };
    let tx = TransactionData {
        amount: u64::from(host) * 1000,
        amount_other: 0,
        transaction_type: TransactionType::PURCHASE,
        date: Date { yy: 26, month: 11, day: 24 },
        time: [0x12, 0, 0],
        unpredictable_number: [1, 2, 3, 4],
        sequence_counter: [0, 0, 0, 1],
    };
    let mut card = Card { input, commands: 0 };
    let mut pad = TestPinPad::new(b"1234");
    let mut store: TlvStore<64, 2048> = TlvStore::new();
    let mut oda = [0u8; 1024];
    if let Ok(r) = run(&terminal, &tx, &mut card, &mut pad, &mut Issuer(host), &mut Rng, &mut store, &mut oda)
    {
        // A second GENERATE AC only after going online.
        assert!(r.second_gen_ac.is_none() || r.went_online);
        let _ = r.outcome.name();
    }
});
