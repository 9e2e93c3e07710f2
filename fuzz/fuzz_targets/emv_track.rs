#![no_main]
//! Fuzz target (payproto-emv): never panics on any input (tracks 1 and 2, track 2 equivalent data, service codes).
use libfuzzer_sys::fuzz_target;
use payproto_emv::data::Track2;
use payproto_emv::track::{ChipAttempt, Track, swipe_decision};

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = Track2::parse(data) {
        assert!((12..=19).contains(&t.pan_len()));
        let _ = format!("{t} {}", t.unmasked());
    }
    if let Ok(s) = core::str::from_utf8(data) {
        for t in [Track::parse_track1(s), Track::parse_track2(s)].into_iter().flatten() {
            let _ = swipe_decision(&t, true, ChipAttempt::NotTried);
            let _ = format!("{t}");
        }
    }
});
