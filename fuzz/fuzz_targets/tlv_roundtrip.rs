//! parse → encode → parse: whatever parses (EMV rules) re-encodes canonically to bytes that parse
//! back to the same tree and re-encode to themselves; when strict mode accepts them, it reads the
//! same tree too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payproto_tlv::{Config, OwnedTlv};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, data)) = data.split_first() else { return };
    let cfg = Config::EMV.with_ff_padding(sel & 1 != 0);
    let Ok(tree) = OwnedTlv::parse_all(data, cfg) else { return };
    // Every parsed value fits an 82 xx xx length, so encoding a parsed tree cannot fail.
    let bytes = OwnedTlv::encode_all(&tree).expect("encode a parsed tree");
    let again = OwnedTlv::parse_all(&bytes, cfg).expect("canonical bytes parse");
    assert_eq!(again, tree);
    assert_eq!(OwnedTlv::encode_all(&again).expect("re-encode"), bytes);
    if let Ok(strict) = OwnedTlv::parse_all(&bytes, Config::STRICT.with_ff_padding(sel & 1 != 0)) {
        assert_eq!(strict, tree);
    }
});
