//! Every reader entry point of payproto-tlv, in every mode, at full depth, on arbitrary bytes.
//! The first input byte picks the mode so the corpus explores all of them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payproto_tlv::{Config, Content, Dol, MAX_DEPTH, Reader, Walk, find, find_path, tag};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, data)) = data.split_first() else { return };
    let base = if sel & 1 == 0 { Config::EMV } else { Config::STRICT };
    let cfg =
        base.with_ff_padding(sel & 2 != 0).with_max_depth(if sel & 4 != 0 { MAX_DEPTH as u8 } else { 10 });
    for item in Walk::new(data, cfg) {
        match item {
            Ok(t) => {
                // Values are sub-slices of the input at the offsets reported.
                assert!(t.value_offset() + t.value.len() <= data.len());
                if let Ok(Content::Children(c)) = t.content() {
                    let _ = c.count();
                }
            }
            Err(e) => assert!(e.offset <= data.len()),
        }
    }
    for t in Reader::new(data, cfg).flatten() {
        let _ = t.children().count();
    }
    let _ = find(data, cfg, tag!(0x5A));
    let _ = find_path(data, cfg, "6F/A5/BF0C/61/4F");
    let _ = Dol::new(data).data_len();
});
