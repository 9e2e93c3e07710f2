#![no_main]
//! Fuzz target (payproto-emv): issuer authentication and issuer script processing (Book 3 §10.9–
//! 10.10) never panic whatever the authorisation response (the `71`/`72` templates, `91`) and the
//! card's answers. Input: 1 byte of AIP flags, 1 byte length + `91` value, 1 byte length + the
//! response's TLV data, then the card's R-APDUs, each prefixed by its length.
use libfuzzer_sys::fuzz_target;
use payproto_emv::data::{Aip, Tsi, Tvr};
use payproto_emv::kernel::issuer::{IssuerAuthentication, ScriptProcessing, scripts};
use payproto_emv::kernel::{Phase, Step};

fn take<'a>(input: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (&n, rest) = input.split_first()?;
    let (v, rest) = rest.split_at(usize::from(n).min(rest.len()));
    *input = rest;
    Some(v)
}

fn feed<P: Phase>(phase: &mut P, input: &mut &[u8]) -> Option<P::Output> {
    let mut out = [0u8; 261];
    let mut step = phase.start(&mut out);
    for _ in 0..32 {
        match step {
            Ok(Step::Send(n)) => assert!(n <= out.len()),
            Ok(Step::Done(o)) => return Some(o),
            Err(_) => return None,
        }
        let r = take(input)?;
        step = phase.on_response(r, &mut out);
    }
    None
}

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    let Some((&flags, rest)) = input.split_first() else { return };
    input = rest;
    let aip = Aip::parse(&[flags, 0]).unwrap_or_default();
    let iad = take(&mut input).filter(|v| !v.is_empty());
    let response = take(&mut input).unwrap_or(&[]);
    let (mut tvr, mut tsi) = (Tvr::default(), Tsi::default());
    if let Some(s) = feed(&mut IssuerAuthentication::new(aip, iad, tvr, tsi), &mut input) {
        tvr = s.tvr;
        tsi = s.tsi;
    }
    for script in scripts(response).take(8) {
        if let Some(o) = feed(&mut ScriptProcessing::new(script, tvr, tsi), &mut input) {
            // A result byte is "failed" (1) or "successful" (2) with a sequence nibble.
            assert!(matches!(o.result.status >> 4, 1 | 2));
            tvr = o.status.tvr;
            tsi = o.status.tsi;
        }
    }
});
