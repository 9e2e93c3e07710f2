//! payproto-tlv: reader, walk, lookups, DOL, tags, lengths, encoder, writer, masking.

use core::hint::black_box;
use payproto_tlv::{
    Config, Content, Dol, Masking, Mode, Node, Path, Reader, Tag, Walk, Writer, encode, encoded_len, find,
    find_all, find_path, find_path_all, parse_length, write_masked_hex,
};

use crate::Buf;

pub fn run(input: fn() -> &'static [u8], sink: fn(usize)) {
    let cfg = Config {
        mode: if black_box(true) { Mode::Emv } else { Mode::Strict },
        ff_padding: black_box(false),
        max_depth: black_box(10),
    };
    let data = input();
    for t in Reader::new(data, cfg).flatten() {
        sink(t.value.len());
        if let Ok(Content::Children(c)) = t.content() {
            sink(c.count());
        }
        sink(t.children().count());
    }
    sink(Walk::new(input(), cfg).count());
    sink(find(input(), cfg, Tag::new(0x5A)).ok().flatten().map_or(0, |t| t.value.len()));
    sink(find_all(input(), cfg, Tag::new(0x61)).count());
    let path_text = core::str::from_utf8(input()).unwrap_or("6F");
    sink(find_path(input(), cfg, path_text).ok().flatten().map_or(0, |t| t.offset));
    if let Ok(p) = Path::parse(path_text) {
        sink(find_path_all(input(), cfg, p).count());
    }
    sink(Dol::new(input()).count());
    sink(Dol::new(input()).data_len().unwrap_or(0));
    sink(Tag::parse(input()).map_or(0, |t| t.1));
    sink(Tag::from_bytes(input()).map_or(0, |t| t.number() as usize));
    sink(Tag::from_u32(black_box(0x9F02)).map_or(0, |t| t.len()));
    sink(parse_length(input(), cfg.mode).map_or(0, |l| l.0));

    // Encoder: a tree from opaque bytes, into an opaque-size buffer.
    let mut out = [0u8; 1024];
    let out_len = black_box(1024usize).min(out.len());
    let (a, b) = input().split_at_checked(black_box(100)).unwrap_or((&[], &[]));
    let kids = [
        Node::Primitive { tag: Tag::new(0x9F02), value: a },
        Node::Primitive { tag: Tag::new(0x5A), value: b },
    ];
    let nodes = [Node::Constructed { tag: Tag::new(0x70), children: &kids }];
    sink(encoded_len(&nodes[0]).unwrap_or(0));
    if let Some(o) = out.get_mut(..out_len) {
        sink(encode(&nodes, o).unwrap_or(0));
        let mut w = Writer::new(o);
        let _ = w.constructed(Tag::new(0x77), |w| {
            w.primitive(Tag::new(0x82), a)?;
            w.constructed(Tag::new(0xBF0C), |w| w.raw(b))
        });
        sink(w.len());
    }
    let mut text = [0u8; 64];
    let mut buf = Buf(&mut text, 0);
    let m = if black_box(true) { Masking::Pan } else { Masking::Full };
    let _ = write_masked_hex(&mut buf, input(), m);
    sink(buf.1);
}
