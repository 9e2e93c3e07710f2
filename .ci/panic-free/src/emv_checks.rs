//! payproto-emv: APDU and response parsers (FCI, directory, GPO, record, GENERATE AC, INTERNAL
//! AUTHENTICATE, GET DATA), typed decoders (AFL, CVM list and results, IAD, track 2), DOL building,
//! the TLV store, ATR and T=1 block parsing and the T=1 state machine, track 1/2, EMV QR.

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

use crate::Buf;

pub fn run(input: fn() -> &'static [u8], sink: fn(usize)) {
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
