//! ISO 9564-1 PIN block decoders (clear formats 0–3, format 4 PIN field, enciphered blocks):
//! must never panic on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use payproto_crypto::Key;
use payproto_crypto::pin::{self, Format, Pan};

fuzz_target!(|data: &[u8]| {
    // layout: 1 byte format selector, 1 byte PAN length, PAN digits, then the block
    let Some((&sel, rest)) = data.split_first() else { return };
    let Some((&pan_len, rest)) = rest.split_first() else { return };
    let (pan_bytes, block) = rest.split_at(usize::from(pan_len).min(rest.len()));
    let pan = Pan::new(pan_bytes).ok();
    let Ok(format) = Format::from_number(sel % 5) else { return };
    if format != Format::Iso4 {
        let _ = pin::decode_clear(format, block, pan.as_ref());
    }
    if let Ok(field) = <[u8; 16]>::try_from(block) {
        let _ = pin::decode_format4_pin_field(&field);
    }
    if let (Ok(tdes), Ok(aes)) = (Key::tdes(&[0x33; 16]), Key::aes(&[0x44; 16])) {
        let key = if format == Format::Iso4 { aes } else { tdes };
        let _ = pin::decrypt(format, &key, block, pan.as_ref());
    }
});
