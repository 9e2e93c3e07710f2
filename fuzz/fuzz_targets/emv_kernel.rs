#![no_main]
//! Fuzz target (payproto-emv): the selection, GPO and read-records state machines never panic
//! whatever the card answers, alone or combined in `ReadApplication`. The input is a sequence of R-APDUs, each prefixed by its length.
use libfuzzer_sys::fuzz_target;
use payproto_emv::data::Afl;
use payproto_emv::kernel::gpo::Gpo;
use payproto_emv::kernel::read_records::ReadRecords;
use payproto_emv::kernel::selection::{Method, Selection, TerminalAid};
use payproto_emv::kernel::{Phase, ReadApplication, Step};
use payproto_emv::store::TlvStore;

fn feed<P: Phase>(phase: &mut P, input: &mut &[u8]) {
    let mut out = [0u8; 261];
    let mut step = phase.start(&mut out);
    for _ in 0..64 {
        match step {
            Ok(Step::Send(_)) => {}
            _ => return,
        }
        let Some((&n, rest)) = input.split_first() else { return };
        let n = usize::from(n).min(rest.len());
        let (r, rest) = rest.split_at(n);
        *input = rest;
        step = phase.on_response(r, &mut out);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    let aids = [
        TerminalAid { aid: &[0xA0, 0x00, 0x00, 0x00, 0x03], partial: true },
        TerminalAid { aid: &[0xA0, 0x00, 0x00, 0x00, 0x04, 0x10, 0x10], partial: false },
    ];
    let method = match data.first().map(|b| b % 3) {
        Some(0) => Method::Pse,
        Some(1) => Method::Ppse,
        _ => Method::AidList,
    };
    let mut sel: Selection<'_, 4> = Selection::new(&aids, method, false);
    feed(&mut sel, &mut input);
    let pdol = sel.fci().ok().and_then(|f| f.pdol.map(<[u8]>::to_vec));
    let mut store: TlvStore<32, 1024> = TlvStore::new();
    feed(&mut Gpo::new(&mut store, pdol.as_deref()), &mut input);
    let afl = store
        .get(payproto_emv::tlv::Tag::new(0x94))
        .map(<[u8]>::to_vec)
        .unwrap_or_else(|| vec![0x08, 1, 2, 1]);
    if let Ok(afl) = Afl::parse(&afl) {
        let mut oda = [0u8; 1024];
        feed(&mut ReadRecords::new(&mut store, afl, &mut oda), &mut input);
    }
    // The same responses through the combined machine.
    let mut input = data;
    let mut store: TlvStore<32, 1024> = TlvStore::new();
    let mut oda = [0u8; 1024];
    let mut k: ReadApplication<'_, '_, '_, 4, 32, 1024> =
        ReadApplication::new(&aids, method, true, &mut store, &mut oda);
    feed(&mut k, &mut input);
});
