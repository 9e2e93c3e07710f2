//! payproto-emv: APDU and response parsers (FCI, directory, GPO, record, GENERATE AC, INTERNAL
//! AUTHENTICATE, GET DATA), typed decoders (AFL, CVM list and results, IAD, track 2), DOL building,
//! the TLV store, ATR and T=1 block parsing and the T=1 state machine, track 1/2, EMV QR, the
//! simulated card (a replay profile, and a personalised one with every card behaviour except its
//! RSA private operation: that one runs on `crypto-bigint`, whose reduction code keeps panic paths
//! — see `emv2_checks` — so a stub stands in for it here).

use core::fmt::Write as _;
use payproto_emv::apdu::{
    Command, Fci, GenAcResponse, GpoResponse, Record, Response, directory_entries, parse_get_data,
    parse_internal_authenticate,
};
use payproto_emv::data::{Afl, CvmList, CvmResults, Iad, Track2};
use payproto_emv::dol::build;
use payproto_emv::link::atr::Atr;
use payproto_emv::link::t1::{Block, T1};
use payproto_emv::qr::{Mpm, cpm_decode};
use payproto_emv::store::TlvStore;
use payproto_emv::tlv::Tag;
use payproto_emv::track::{ChipAttempt, Track, swipe_decision};

use payproto_emv::apdu::{CardTransport, T0Helper, parse_get_challenge};
use payproto_emv::data::{
    Aip, Amount, Auc, Cid, Country, Currency, Date, TerminalType, TransactionType, Tsi, Tvr,
};
use payproto_emv::describe::describe;
use payproto_emv::kernel::gpo::Gpo;
use payproto_emv::kernel::read_records::ReadRecords;
use payproto_emv::kernel::selection::{Method, Selection, TerminalAid};
use payproto_emv::kernel::{Phase, ReadApplication, Step};
use payproto_emv::sim::{Personalisation, Profile, SimCard, profiles};

use crate::Buf;

/// Runs a kernel phase against opaque card answers (at most 8 exchanges).
fn feed<P: Phase>(phase: &mut P, input: fn() -> &'static [u8], sink: fn(usize)) {
    let mut out = [0u8; 261];
    let mut step = phase.start(&mut out);
    for _ in 0..8 {
        match step {
            Ok(Step::Send(n)) => sink(n),
            _ => return,
        }
        step = phase.on_response(input(), &mut out);
    }
}

/// A stand-in for the RSA private operation (module docs).
fn no_rsa(_modulus: &[u8], _d: &[u8], input: &[u8], out: &mut [u8]) -> Option<usize> {
    let o = out.get_mut(..input.len())?;
    o.copy_from_slice(input);
    Some(core::hint::black_box(input.len()))
}

const PIN_CARD: Option<Personalisation<'static>> = match profiles::DEMO_CDA.personal {
    Some(p) => Some(Personalisation { private_op: no_rsa, pin: b"4321", ..*p }),
    None => None,
};
const PERSONALISED: Profile<'static> = Profile { personal: PIN_CARD.as_ref(), ..profiles::DEMO_CDA };

/// The kernel phases, the T=0 helper and the simulator card: every card answer is untrusted.
fn kernel(input: fn() -> &'static [u8], sink: fn(usize)) {
    let aids = [TerminalAid { aid: &[0xA0, 0x00, 0x00, 0x00, 0x03], partial: true }];
    let method = if core::hint::black_box(true) { Method::Pse } else { Method::AidList };
    let mut sel: Selection<'_, 4> = Selection::new(&aids, method, false);
    feed(&mut sel, input, sink);
    let mut store: TlvStore<32, 1024> = TlvStore::new();
    feed(&mut Gpo::new(&mut store, Some(input())), input, sink);
    if let Ok(afl) = Afl::parse(input()) {
        let mut oda = [0u8; 512];
        feed(&mut ReadRecords::new(&mut store, afl, &mut oda), input, sink);
    }
    let mut store: TlvStore<32, 1024> = TlvStore::new();
    let mut oda = [0u8; 512];
    let mut k: ReadApplication<'_, '_, '_, 4, 32, 1024> =
        ReadApplication::new(&aids, method, true, &mut store, &mut oda);
    feed(&mut k, input, sink);
    let mut acc = [0u8; 512];
    sink(usize::from(T0Helper::new().feed(input(), &mut acc).is_ok()));
    sink(usize::from(parse_get_challenge(input()).is_ok()));
    let mut card = SimCard::new(profiles::VISA);
    let mut r = [0u8; 300];
    sink(card.transmit(input(), &mut r).unwrap_or(0));
    // The personalised card: a sequence of untrusted commands reaches every state.
    let mut card = SimCard::new(PERSONALISED);
    for _ in 0..8 {
        sink(card.transmit(input(), &mut r).unwrap_or(0));
    }
    let mut t = T1::new(32, 254);
    let mut o = [0u8; 300];
    sink(usize::from(t.on_timeout(&mut o).is_ok()));
}

/// The fixed-size typed decoders and their Display.
fn decoders(input: fn() -> &'static [u8], sink: fn(usize)) {
    let mut text = [0u8; 256];
    let mut buf = Buf(&mut text, 0);
    if let Ok(v) = Tvr::parse(input()) {
        let _ = write!(buf, "{v}");
    }
    if let Ok(v) = Tsi::parse(input()) {
        let _ = write!(buf, "{v}");
    }
    if let Ok(v) = Aip::parse(input()) {
        let _ = write!(buf, "{v}");
    }
    if let Ok(v) = Auc::parse(input()) {
        let _ = write!(buf, "{v}");
    }
    if let Ok(v) = Cid::parse(input()) {
        let _ = write!(buf, "{v}");
    }
    if let Ok(v) = Date::parse(input()) {
        let _ = write!(buf, "{v}");
    }
    if let Ok(v) = Amount::parse(input()) {
        let _ = write!(buf, "{v}");
    }
    if let Ok(v) = Currency::parse(input()) {
        let _ = write!(buf, "{v}");
    }
    if let Ok(v) = Country::parse(input()) {
        let _ = write!(buf, "{v}");
    }
    if let Ok(v) = TerminalType::parse(input()) {
        let _ = write!(buf, "{v}");
    }
    if let Ok(v) = TransactionType::parse(input()) {
        let _ = write!(buf, "{v}");
    }
    if let Some(tag) = Tag::from_u32(core::hint::black_box(0x5A)) {
        if let Some(d) = describe(tag, input()) {
            let _ = write!(buf, "{d}");
        }
    }
    sink(buf.1);
}

pub fn run(input: fn() -> &'static [u8], sink: fn(usize)) {
    kernel(input, sink);
    decoders(input, sink);
    let mut text = [0u8; 256];
    let mut buf = Buf(&mut text, 0);
    if let Ok(a) = Afl::parse(input()) {
        sink(a.entries().count());
        sink(a.oda_record_count());
        let _ = write!(buf, "{a}");
    }
    if let Ok(l) = CvmList::parse(input()) {
        sink(l.rules().count());
        let _ = write!(buf, "{l}");
    }
    sink(usize::from(CvmResults::parse(input()).is_ok()));
    if let Ok(i) = Iad::parse(input()) {
        let _ = write!(buf, "{i}");
    }
    if let Ok(t) = Track2::parse(input()) {
        sink(t.pan_len());
        let _ = write!(buf, "{t}");
    }
    sink(buf.1);
    sink(usize::from(Command::parse(input()).is_ok()));
    sink(Response::parse(input()).map_or(0, |r| r.data.len()));
    if let Ok(f) = Fci::parse(input()) {
        sink(f.df_name.len());
    }
    let _ = directory_entries(input(), &mut |e| sink(e.adf_name.len()));
    sink(payproto_emv::apdu::directory_ddfs(input(), &mut |d| sink(d.len())).unwrap_or(0));
    if let Ok(g) = GpoResponse::parse(input()) {
        sink(g.aip.names().count());
    }
    sink(Record::parse(input()).map_or(0, |r| r.value.len()));
    sink(usize::from(GenAcResponse::parse(input()).is_ok()));
    sink(usize::from(parse_internal_authenticate(input()).is_ok()));
    if let Some(tag) = Tag::from_u32(core::hint::black_box(0x9F36)) {
        sink(usize::from(parse_get_data(tag, input()).is_ok()));
    }
    let source = |_t: Tag| -> Option<&'static [u8]> { Some(input()) };
    let mut out = [0u8; 512];
    sink(build(input(), &source, &mut out).unwrap_or(0));
    let mut store: TlvStore<16, 512> = TlvStore::new();
    sink(usize::from(store.insert_icc_objects(input()).is_ok()));
    if let Ok(a) = Atr::parse(input()) {
        sink(a.len);
        sink(usize::from(a.check_emv().is_ok()));
    }
    sink(usize::from(Block::parse(input()).is_ok()));
    let mut t = T1::new(32, 254);
    let mut resp = [0u8; 512];
    let mut o = [0u8; 300];
    sink(usize::from(t.on_block(input(), &mut resp, &mut o).is_ok()));
    if let Ok(s) = core::str::from_utf8(input()) {
        for tr in [Track::parse_track1(s), Track::parse_track2(s)].into_iter().flatten() {
            core::hint::black_box(swipe_decision(&tr, true, ChipAttempt::NotTried));
        }
        if let Ok(m) = Mpm::parse(s) {
            sink(m.objects().count());
        }
        let mut b = [0u8; 512];
        sink(usize::from(cpm_decode(s, &mut b).is_ok()));
    }
}
