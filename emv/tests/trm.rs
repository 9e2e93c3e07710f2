//! Terminal risk management (Book 3 §10.6) against the vector tables of
//! `shared/reference/emv-tlv.md` §7: floor limit F1–F6, random selection R1–R7, velocity checking
//! V1–V10, plus §7.4 (exception file, merchant forced online) and the TSI bit. Every case asserts
//! the whole TVR and TSI and, for velocity, the exact commands sent.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;

use payproto_emv::data::{Aip, Tsi, Tvr};
use payproto_emv::kernel::trm::{
    self, LogEntry, RandomSelection, TerminalRiskManagement, TrmConfig, TrmInput, TrmOutcome, TrmRng,
};
use payproto_emv::kernel::{Phase, Step};

const PAN: &[u8] = &[0x47, 0x61, 0x73, 0x90, 0x01, 0x01, 0x01, 0x19];
const OTHER_PAN: &[u8] = &[0x54, 0x13, 0x33, 0x00, 0x89, 0x00, 0x00, 0x39];
const NO_EXCEPTIONS: &[(&[u8], Option<u8>)] = &[];

/// Returns the queued values in order (the draw x gives R = x mod 99 + 1).
struct Fixed(Vec<u32>);
impl TrmRng for Fixed {
    fn next_u32(&mut self) -> u32 {
        self.0.remove(0)
    }
}
fn r_is(r: u8) -> Fixed {
    Fixed(vec![u32::from(r) - 1])
}

fn up(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

fn tvr(hex_: &str) -> Tvr {
    Tvr(common::hex(hex_).try_into().unwrap())
}

const FL: u64 = 10_000;

fn rs_config() -> TrmConfig {
    TrmConfig::new(FL, Some(RandomSelection { threshold: 1000, target_percent: 10, max_target_percent: 90 }))
        .unwrap()
}

fn input<'a>(amount: u64, log: &'a [LogEntry<'a>]) -> TrmInput<'a> {
    TrmInput {
        pan: PAN,
        psn: Some(0x01),
        amount,
        aip: Aip([0x18, 0x00]),
        lcol: None,
        ucol: None,
        online_capable: true,
        merchant_forced_online: false,
        log,
    }
}

/// Runs the phase against a card answering GET DATA from `answers` (C-APDU hex → R-APDU hex);
/// returns the outcome and the commands sent.
fn run(
    config: TrmConfig,
    input: TrmInput<'_>,
    rng: &mut Fixed,
    answers: &[(&str, &str)],
) -> (TrmOutcome, Vec<String>) {
    let mut phase =
        TerminalRiskManagement::new(config, input, rng, NO_EXCEPTIONS, Tvr::default(), Tsi::default());
    let mut out = [0u8; 64];
    let mut sent = vec![];
    let mut step = phase.start(&mut out).unwrap();
    loop {
        match step {
            Step::Done(o) => return (o, sent),
            Step::Send(n) => {
                let c = up(&out[..n]);
                let r = answers
                    .iter()
                    .find(|(q, _)| *q == c)
                    .unwrap_or_else(|| panic!("unexpected command {c}"))
                    .1;
                sent.push(c);
                step = phase.on_response(&common::hex(r), &mut out).unwrap();
            }
        }
    }
}

const TSI_TRM: &str = "0800";

// ---- 7.1 floor limit (FL = 10000) ----

fn floor(amount: u64, fl: u64, log: &[LogEntry<'_>]) -> (TrmOutcome, Vec<String>) {
    let cfg = TrmConfig::new(fl, None).unwrap();
    run(cfg, input(amount, log), &mut Fixed(vec![]), &[])
}

#[test]
fn f1_below_floor_limit() {
    let (o, sent) = floor(9999, FL, &[]);
    assert_eq!(o.tvr, tvr("0000000000"));
    assert_eq!(up(&o.tsi.0), TSI_TRM);
    assert!(sent.is_empty());
}

#[test]
fn f2_equal_to_floor_limit_is_exceeded() {
    assert_eq!(floor(10_000, FL, &[]).0.tvr, tvr("0000008000"));
}

#[test]
fn f3_only_newest_log_entry_counts() {
    let log = [
        LogEntry { pan: PAN, psn: Some(1), amount: 9999 },
        LogEntry { pan: PAN, psn: Some(1), amount: 4660 },
    ];
    assert_eq!(floor(5000, FL, &log).0.tvr, tvr("0000000000"));
}

#[test]
fn f4_newest_log_entry_reaches_limit() {
    let log = [
        LogEntry { pan: PAN, psn: Some(1), amount: 1234 },
        LogEntry { pan: PAN, psn: Some(1), amount: 5000 },
    ];
    assert_eq!(floor(5000, FL, &log).0.tvr, tvr("0000008000"));
}

#[test]
fn f5_log_entry_of_another_pan_ignored() {
    let log = [LogEntry { pan: OTHER_PAN, psn: Some(1), amount: 9999 }];
    assert_eq!(floor(5000, FL, &log).0.tvr, tvr("0000000000"));
}

#[test]
fn f6_zero_amount_zero_floor_limit() {
    assert_eq!(floor(0, 0, &[]).0.tvr, tvr("0000008000"));
}

#[test]
fn log_psn_matching_is_a_flag() {
    let log = [LogEntry { pan: PAN, psn: Some(2), amount: 5000 }];
    let mut cfg = TrmConfig::new(FL, None).unwrap();
    assert!(trm::floor_limit_exceeded(&cfg, 5000, PAN, Some(1), &log));
    cfg.log_match_psn = true;
    assert!(!trm::floor_limit_exceeded(&cfg, 5000, PAN, Some(1), &log));
}

// ---- 7.2 random selection (FL 10000, THR 1000, TP 10, MTP 90) ----

fn random(amount: u64, r: u8) -> Tvr {
    run(rs_config(), input(amount, &[]), &mut r_is(r), &[]).0.tvr
}

#[test]
fn r1_below_threshold_r_equal_tp_selected() {
    assert_eq!(random(500, 10), tvr("0000001000"));
}

#[test]
fn r2_below_threshold_r_above_tp_not_selected() {
    assert_eq!(random(500, 11), tvr("0000000000"));
}

#[test]
fn r3_interpolated_ttp_50_r_50_selected() {
    assert_eq!(random(5500, 50), tvr("0000001000"));
}

#[test]
fn r4_interpolated_ttp_50_r_51_not_selected() {
    assert_eq!(random(5500, 51), tvr("0000000000"));
}

#[test]
fn r5_at_floor_limit_no_random_selection() {
    // The floor bit is set instead, and no random number is drawn (the queue is empty).
    let (o, _) = run(rs_config(), input(10_000, &[]), &mut Fixed(vec![]), &[]);
    assert_eq!(o.tvr, tvr("0000008000"));
}

#[test]
fn r6_zero_target_percent_never_selects() {
    let cfg = TrmConfig::new(
        FL,
        Some(RandomSelection { threshold: 1000, target_percent: 0, max_target_percent: 90 }),
    )
    .unwrap();
    let (o, _) = run(cfg, input(500, &[]), &mut r_is(1), &[]);
    assert_eq!(o.tvr, tvr("0000000000"));
}

#[test]
fn r7_target_above_maximum_is_a_config_error() {
    let e = TrmConfig::new(
        FL,
        Some(RandomSelection { threshold: 1000, target_percent: 95, max_target_percent: 90 }),
    );
    assert!(e.is_err());
    // Also rejected: a percentage above 99 and a threshold not below the floor limit.
    assert!(
        TrmConfig::new(
            FL,
            Some(RandomSelection { threshold: 1, target_percent: 10, max_target_percent: 100 })
        )
        .is_err()
    );
    assert!(
        TrmConfig::new(
            FL,
            Some(RandomSelection { threshold: FL, target_percent: 10, max_target_percent: 90 })
        )
        .is_err()
    );
}

#[test]
fn threshold_boundary_and_truncation() {
    // Reference §7.2 (c): amount == THR gives TTP = TP.
    let cfg = rs_config();
    assert!(trm::random_selection(&cfg, 1000, 10));
    assert!(!trm::random_selection(&cfg, 1000, 11));
    // amount 1001: TTP = 10 + 80 × 1/9000 = 10.0089 → R 10 selected, 11 not (truncation, documented).
    assert!(trm::random_selection(&cfg, 1001, 10));
    assert!(!trm::random_selection(&cfg, 1001, 11));
    // amount 9999: TTP = 10 + 80 × 8999/9000 = 89.991 → 89 selected, 90 not.
    assert!(trm::random_selection(&cfg, 9999, 89));
    assert!(!trm::random_selection(&cfg, 9999, 90));
}

#[test]
fn offline_only_terminal_skips_random_selection() {
    let mut i = input(500, &[]);
    i.online_capable = false;
    let (o, _) = run(rs_config(), i, &mut Fixed(vec![]), &[]);
    assert_eq!(o.tvr, tvr("0000000000"));
}

#[test]
fn draw_maps_to_1_through_99_with_rejection() {
    assert_eq!(trm::draw_percent(&mut Fixed(vec![0])), 1);
    assert_eq!(trm::draw_percent(&mut Fixed(vec![98])), 99);
    assert_eq!(trm::draw_percent(&mut Fixed(vec![99])), 1);
    // Draws in the biased tail (≥ 99 × ⌊2³²/99⌋) are redrawn.
    assert_eq!(trm::draw_percent(&mut Fixed(vec![u32::MAX, 4])), 5);
}

// ---- 7.3 velocity checking (LCOL 18, UCOL 52) ----

const GD_ATC: &str = "80CA9F3600";
const GD_LOATC: &str = "80CA9F1300";

fn velocity(lcol: u8, ucol: u8, atc: Option<u16>, loatc: Option<u16>) -> (TrmOutcome, Vec<String>) {
    let a = atc.map_or("6A81".to_owned(), |v| format!("9F3602{v:04X}9000"));
    let l = loatc.map_or("6A81".to_owned(), |v| format!("9F1302{v:04X}9000"));
    let mut i = input(100, &[]);
    i.lcol = Some(lcol);
    i.ucol = Some(ucol);
    let cfg = TrmConfig::new(FL, None).unwrap();
    let (o, sent) = run(cfg, i, &mut Fixed(vec![]), &[(GD_ATC, &a), (GD_LOATC, &l)]);
    assert_eq!(sent, [GD_ATC, GD_LOATC], "both GET DATA commands, in order");
    assert_eq!(up(&o.tsi.0), TSI_TRM);
    (o, sent)
}

#[test]
fn v1_no_lcol_ucol_no_get_data() {
    for (l, u) in [(None, None), (Some(18), None), (None, Some(52))] {
        let mut i = input(100, &[]);
        i.lcol = l;
        i.ucol = u;
        let (o, sent) = run(TrmConfig::new(FL, None).unwrap(), i, &mut Fixed(vec![]), &[]);
        assert!(sent.is_empty());
        assert_eq!(o.tvr, tvr("0000000000"));
    }
}

#[test]
fn v2_neither_returned() {
    assert_eq!(velocity(18, 52, None, None).0.tvr, tvr("0000006000"));
}

#[test]
fn v3_new_card_with_no_atc() {
    assert_eq!(velocity(18, 52, None, Some(0)).0.tvr, tvr("0008006000"));
}

#[test]
fn v4_atc_not_above_last_online() {
    assert_eq!(velocity(18, 52, Some(1234), Some(1234)).0.tvr, tvr("0000006000"));
}

#[test]
fn v5_diff_equal_lcol() {
    assert_eq!(velocity(18, 52, Some(1234), Some(1216)).0.tvr, tvr("0000000000"));
}

#[test]
fn v6_diff_above_lcol() {
    assert_eq!(velocity(18, 52, Some(1234), Some(1215)).0.tvr, tvr("0000004000"));
}

#[test]
fn v7_diff_equal_ucol() {
    assert_eq!(velocity(18, 52, Some(1234), Some(1182)).0.tvr, tvr("0000004000"));
}

#[test]
fn v8_diff_above_ucol() {
    assert_eq!(velocity(18, 52, Some(1234), Some(1181)).0.tvr, tvr("0000006000"));
}

#[test]
fn v9_new_card_only() {
    assert_eq!(velocity(18, 52, Some(5), Some(0)).0.tvr, tvr("0008000000"));
}

#[test]
fn v10_ucol_below_lcol_spec_text() {
    assert_eq!(velocity(5, 3, Some(14), Some(10)).0.tvr, tvr("0000000000"));
}

#[test]
fn malformed_get_data_counts_as_not_returned_and_icc_data_missing_flag() {
    let mut i = input(100, &[]);
    i.lcol = Some(18);
    i.ucol = Some(52);
    // Wrong tag in the ATC answer, 3-byte LOATC.
    let answers = [(GD_ATC, "9F13020001" /* tag 9F13 for 9F36 */), (GD_LOATC, "9F1303000001")];
    let answers: Vec<(&str, String)> = answers.iter().map(|(a, b)| (*a, format!("{b}9000"))).collect();
    let answers: Vec<(&str, &str)> = answers.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let (o, _) = run(TrmConfig::new(FL, None).unwrap(), i, &mut Fixed(vec![]), &answers);
    assert_eq!(o.tvr, tvr("0000006000"));
    let mut cfg = TrmConfig::new(FL, None).unwrap();
    cfg.icc_data_missing_on_get_data_failure = true;
    let (o, _) = run(cfg, i, &mut Fixed(vec![]), &answers);
    assert_eq!(o.tvr, tvr("2000006000"));
}

// ---- 7.4 exception file, merchant forced online; AIP gating ----

#[test]
fn exception_file_and_merchant_forced_online() {
    let hot: &[(&[u8], Option<u8>)] = &[(OTHER_PAN, None), (PAN, Some(0x01))];
    let mut i = input(100, &[]);
    i.merchant_forced_online = true;
    let cfg = TrmConfig::new(FL, None).unwrap();
    let mut rng = Fixed(vec![]);
    let mut p = TerminalRiskManagement::new(cfg, i, &mut rng, hot, Tvr::default(), Tsi::default());
    let Step::Done(o) = p.start(&mut [0u8; 16]).unwrap() else { panic!("no GET DATA expected") };
    assert_eq!(o.tvr, tvr("1000000800"));
    // A different PSN is not on the file.
    let hot: &[(&[u8], Option<u8>)] = &[(PAN, Some(0x02))];
    let mut p =
        TerminalRiskManagement::new(cfg, input(100, &[]), &mut rng, hot, Tvr::default(), Tsi::default());
    let Step::Done(o) = p.start(&mut [0u8; 16]).unwrap() else { panic!() };
    assert_eq!(o.tvr, tvr("0000000000"));
}

#[test]
fn aip_gating_is_a_flag() {
    let mut cfg = TrmConfig::new(FL, None).unwrap();
    cfg.regardless_of_aip = false;
    let mut i = input(20_000, &[]);
    i.aip = Aip([0x10, 0x00]); // TRM not required by the card
    i.merchant_forced_online = true;
    let (o, sent) = run(cfg, i, &mut Fixed(vec![]), &[]);
    assert!(sent.is_empty());
    assert_eq!(o.tvr, tvr("0000000800"), "only the terminal input, no floor-limit check");
    assert_eq!(o.tsi, Tsi::default(), "TRM not performed");
    cfg.regardless_of_aip = true;
    let (o, _) = run(cfg, i, &mut Fixed(vec![]), &[]);
    assert_eq!(o.tvr, tvr("0000008800"));
    assert_eq!(up(&o.tsi.0), TSI_TRM);
}
