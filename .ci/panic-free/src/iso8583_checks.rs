//! payproto-iso8583: unpack (partial and full) under every built-in spec, field decoding,
//! composites, MAC range, masked describe, framing; pack of what was unpacked.

use core::fmt::Write as _;
use payproto_iso8583::describe::write_value;
use payproto_iso8583::framing::{Frame, Tpdu, cup_split};
use payproto_iso8583::specs::ALL;
use payproto_iso8583::{
    Fields, gbk, pack, pack_field_into, packed_len, unpack, unpack_field, unpack_partial,
};

use crate::Buf;

pub fn run(input: fn() -> &'static [u8], sink: fn(usize)) {
    for spec in ALL {
        let p = unpack_partial(spec, input());
        let mut text = [0u8; 256];
        let mut buf = Buf(&mut text, 0);
        let _ = write!(buf, "{}", p.message.describe());
        sink(buf.1);
        sink(p.message.mac_input().map_or(0, <[u8]>::len));
        let mut scratch = [0u8; 512];
        for f in p.message.fields() {
            let _ = write_value(&mut buf, &f, false, None);
            sink(f.as_u64().unwrap_or(0) as usize);
            sink(f.canonical().count());
            if let Ok(subs) = f.subfields(&mut scratch) {
                sink(subs.count());
            }
        }
        if let Ok(m) = unpack(spec, input()) {
            let mut fields = Fields::new(m.mti()).with_header(m.header_bytes());
            let v = input();
            fields.set(2, v);
            sink(packed_len(spec, &fields).unwrap_or(0));
            let mut out = [0u8; 1024];
            sink(pack(spec, &fields, &mut out).unwrap_or(0));
        }
        let de = core::hint::black_box(55usize);
        if let Some(f) = spec.field(de) {
            sink(unpack_field(f, de as u32, input()).map_or(0, |r| r.1));
            let mut out = [0u8; 1024];
            sink(pack_field_into(f, de as u32, input(), &mut out).unwrap_or(0));
        }
    }
    for frame in [Frame::Len2, Frame::Len2Inclusive, Frame::Len2Bcd, Frame::Ascii4] {
        sink(frame.split(input()).ok().flatten().map_or(0, |s| s.0.len().wrapping_add(s.1)));
        sink(frame.decode(input()).map_or(0, |s| s.1));
        let mut out = [0u8; 1024];
        sink(frame.encode(input(), &mut out).unwrap_or(0));
    }
    sink(usize::from(Tpdu::read(input()).is_some()));
    sink(gbk::decode(input().iter().copied()).filter(Result::is_ok).count());
    sink(usize::from(cup_split(input()).is_ok()));
}
