#![no_main]
//! Fuzz target (payproto-emv): never panics on any input; valid blocks re-encode identically, and the protocol engine survives any block.
use libfuzzer_sys::fuzz_target;
use payproto_emv::link::t1::{Block, T1, encode_block};

fuzz_target!(|data: &[u8]| {
    if let Ok(b) = Block::parse(data) {
        let mut out = [0u8; 300];
        let n = encode_block(b.nad, b.pcb, b.inf, &mut out).expect("valid block re-encodes");
        assert_eq!(&out[..n], data);
    }
    // Feed the input as a sequence of blocks (first byte = split length) to a T=1 engine.
    let mut t = T1::new(32, 254);
    let mut out = [0u8; 300];
    let mut resp = [0u8; 512];
    let _ = t.send_apdu(&[0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00, 0x00], &mut out);
    let mut rest = data;
    while let Some((&n, tail)) = rest.split_first() {
        let n = usize::from(n).min(tail.len());
        let (blk, tail) = tail.split_at(n);
        if t.on_block(blk, &mut resp, &mut out).is_err() {
            break;
        }
        rest = tail;
    }
});
