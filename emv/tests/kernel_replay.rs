//! Kernel phases (selection, GPO, read records) by APDU replay and against the simulated card.
//!
//! Sources: the binaryfoo/emv-bertlv (MIT) contact traces in `tests/vectors/` (UPI: PSE directory,
//! priority order, final SELECT, GPO format 1, records; Mastercard: GPO format 2; Visa: GPO
//! format 1), replayed strictly; the behaviours of the openemv/emv-utils replay cases listed in the
//! reference `emv-tlv.md` §6 (candidate list with blocked PSE 6283, partial match, priority,
//! cardholder confirmation; AFL edge cases; GPO formats) and the Book 1 §12 (including nested
//! DDF directories, §12.3.2) / Book 3 §10.1–10.2
//! rules quoted in the kernel module docs — ported as behaviours on synthetic simulator profiles,
//! not as code.
#![cfg(feature = "sim")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;
use common::{h, trace};

use payproto_emv::ErrorKind;
use payproto_emv::data::Afl;
use payproto_emv::kernel::gpo::{Gpo, GpoOutcome};
use payproto_emv::kernel::read_records::ReadRecords;
use payproto_emv::kernel::selection::{Method, Outcome, Selection, TerminalAid};
use payproto_emv::kernel::{Phase, Step, drive};
use payproto_emv::sim::{Fault, Profile, Replay, SimApp, SimCard, SimRecord};
use payproto_emv::store::TlvStore;
use payproto_emv::tlv::Tag;

type Store = TlvStore<64, 4096>;

fn leak_pairs(v: Vec<(Vec<u8>, Vec<u8>)>) -> &'static [(&'static [u8], &'static [u8])] {
    let v: Vec<(&'static [u8], &'static [u8])> = v
        .into_iter()
        .map(|(c, r)| (&*Box::leak(c.into_boxed_slice()), &*Box::leak(r.into_boxed_slice())))
        .collect();
    Box::leak(v.into_boxed_slice())
}

fn t(n: u32) -> Tag {
    Tag::from_u32(n).unwrap()
}

/// Runs selection, GPO and read records; returns (selected AID, store, ODA input).
fn run_all<T: payproto_emv::apdu::CardTransport>(
    card: &mut T,
    aids: &[TerminalAid<'_>],
    method: Method,
) -> Result<(Vec<u8>, Store, Vec<u8>), payproto_emv::Error> {
    let mut sel: Selection<'_, 8> = Selection::new(aids, method, false);
    let Outcome::Selected(c) = drive(&mut sel, card)? else { panic!("nothing selected") };
    let pdol = sel.fci()?.pdol.map(<[u8]>::to_vec);
    let mut store = Store::new();
    assert_eq!(drive(&mut Gpo::new(&mut store, pdol.as_deref()), card)?, GpoOutcome::Done);
    let afl_bytes = store.get(t(0x94)).unwrap().to_vec();
    let afl = Afl::parse(&afl_bytes)?;
    let mut oda = vec![0u8; 2048];
    let summary = drive(&mut ReadRecords::new(&mut store, afl, &mut oda), card)?;
    oda.truncate(summary.oda_len);
    Ok((c.adf_name().to_vec(), store, oda))
}

#[test]
fn replay_upi_pse_to_records() {
    let pairs = leak_pairs(trace("binaryfoo-contact-upi.txt").into_iter().take(16).collect());
    let mut card = Replay::new(pairs);
    let aids = [TerminalAid { aid: h("A000000333"), partial: true }];
    let (aid, store, oda) = run_all(&mut card, &aids, Method::Pse).unwrap();
    assert!(card.finished(), "stopped at {}", card.consumed());
    // Priority 01 wins over 02 and 03 (directory records 1–3).
    assert_eq!(aid, h("A000000333010102"));
    assert_eq!(store.get(t(0x5A)).unwrap(), h("6210948000000011"));
    assert_eq!(store.get(t(0x82)).unwrap(), h("7C00"));
    // AFL 10010501: SFI 2 record 1 is the one ODA record; its 70 value is 0x88 bytes.
    assert_eq!(oda.len(), 0x88);
    assert_eq!(&oda[..5], h("5F24033010"));
}

#[test]
fn replay_mastercard_gpo_format_2() {
    let all = trace("binaryfoo-contact-mastercard.txt");
    let gpo = all.iter().position(|(_, r)| r.first() == Some(&0x77)).unwrap();
    let select = all[gpo - 1].clone();
    // The kernel's final SELECT repeats the candidate SELECT; the card's answer is the trace's.
    let mut v = vec![select.clone(), select];
    v.extend(all[gpo..gpo + 6].iter().cloned());
    let mut card = Replay::new(leak_pairs(v));
    let aids = [TerminalAid { aid: h("A0000000041010"), partial: false }];
    let (aid, store, oda) = run_all(&mut card, &aids, Method::AidList).unwrap();
    assert!(card.finished());
    assert_eq!(aid, h("A0000000041010"));
    assert_eq!(store.get(t(0x82)).unwrap(), h("5900"));
    assert_eq!(store.get(t(0x9F42)).unwrap(), h("0978"));
    assert_eq!(oda.len(), 0x8F); // SFI 2 record 2's 70 value (81 8F)
}

#[test]
fn replay_visa_gpo_format_1() {
    let all = trace("binaryfoo-contact-visa.txt");
    // Second session: SELECT at index 6, then GPO and four records.
    let mut v = vec![all[6].clone(), all[6].clone()];
    v.extend(all[7..12].iter().cloned());
    let mut card = Replay::new(leak_pairs(v));
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    let (_, store, oda) = run_all(&mut card, &aids, Method::AidList).unwrap();
    assert!(card.finished());
    assert_eq!(store.get(t(0x8E)).unwrap(), h("0000000000000000410342031E031F02"));
    assert_eq!(store.get(t(0x5F28)).unwrap(), h("0702"));
    assert!(oda.is_empty());
}

#[test]
fn replay_detects_unexpected_command() {
    let pairs =
        leak_pairs(vec![(h("00A404000E315041592E5359532E444446303100").to_vec(), h("6A82").to_vec())]);
    let mut card = Replay::new(pairs);
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    let mut sel: Selection<'_, 4> = Selection::new(&aids, Method::Pse, false);
    let e = drive(&mut sel, &mut card).unwrap_err();
    assert_eq!((e.kind, card.mismatch()), (ErrorKind::Sequence, Some(1)));
}

// ---- simulator profiles ----

const FCI_VISA: &str = "6F148407A0000000031010A509500456495341870102";
const FCI_ELEC: &str = "6F148407A0000000032010A5095004454C4543870101";
const GPO1: &str = "800A5C000801010010010201";
const REC_1_1: &str = "70105A0847613400000000505F2403251231";
const REC_2_1: &str = "70098C039F02068D028A02";
const REC_2_2: &str = "70059F0702FF00";

fn records() -> &'static [SimRecord<'static>] {
    Box::leak(vec![(1u8, 1u8, h(REC_1_1)), (2, 1, h(REC_2_1)), (2, 2, h(REC_2_2))].into_boxed_slice())
}

fn app(aid: &str, fci: &str) -> SimApp<'static> {
    SimApp { aid: h(aid), fci: h(fci), gpo: h(GPO1), records: records(), blocked: false, data: &[] }
}

fn profile(apps: Vec<SimApp<'static>>) -> Profile<'static> {
    Profile {
        pse: None,
        ppse: None,
        ddfs: &[],
        apps: Box::leak(apps.into_boxed_slice()),
        card_blocked: false,
        faults: &[],
        atc: 1,
        personal: None,
    }
}

fn select(
    card: &mut SimCard<'_>,
    aids: &[TerminalAid<'_>],
    method: Method,
    confirm: bool,
) -> (Outcome, Vec<Vec<u8>>) {
    let mut sel: Selection<'_, 8> = Selection::new(aids, method, confirm);
    let o = drive(&mut sel, card).unwrap();
    (o, sel.candidates().map(|c| c.adf_name().to_vec()).collect())
}

#[test]
fn partial_match_and_priority() {
    let mut card =
        SimCard::new(profile(vec![app("A0000000031010", FCI_VISA), app("A0000000032010", FCI_ELEC)]));
    let aids = [TerminalAid { aid: h("A000000003"), partial: true }];
    let (o, cands) = select(&mut card, &aids, Method::AidList, false);
    // Both found by SELECT next occurrence; priority 1 (ELEC) before 2 (VISA).
    assert_eq!(cands, [h("A0000000032010").to_vec(), h("A0000000031010").to_vec()]);
    let Outcome::Selected(c) = o else { panic!() };
    assert_eq!((c.adf_name(), c.label()), (h("A0000000032010"), &b"ELEC"[..]));
    // Without partial selection allowed, the 5-byte AID matches nothing.
    let mut card = SimCard::new(profile(vec![app("A0000000031010", FCI_VISA)]));
    let aids = [TerminalAid { aid: h("A000000003"), partial: false }];
    assert_eq!(select(&mut card, &aids, Method::AidList, false).0, Outcome::NoApplication);
}

#[test]
fn blocked_pse_falls_back_to_aid_list() {
    // SELECT PSE answered 6283 (reference §6: "PSE blocked 6283").
    let mut p = profile(vec![app("A0000000031010", FCI_VISA)]);
    p.faults = Box::leak(vec![Fault { ins: 0xA4, nth: 0, sw: 0x6283 }].into_boxed_slice());
    let mut card = SimCard::new(p);
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    assert!(matches!(select(&mut card, &aids, Method::Pse, false).0, Outcome::Selected(_)));
}

#[test]
fn blocked_card_and_blocked_application() {
    let mut p = profile(vec![app("A0000000031010", FCI_VISA)]);
    p.card_blocked = true;
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    assert_eq!(select(&mut SimCard::new(p), &aids, Method::Pse, false).0, Outcome::CardBlocked);
    // An application answering 6283 is not a candidate; the other one is chosen.
    let mut blocked = app("A0000000032010", FCI_ELEC);
    blocked.blocked = true;
    let mut card = SimCard::new(profile(vec![app("A0000000031010", FCI_VISA), blocked]));
    let aids = [TerminalAid { aid: h("A000000003"), partial: true }];
    let (o, cands) = select(&mut card, &aids, Method::AidList, false);
    assert_eq!(cands, [h("A0000000031010").to_vec()]);
    assert!(matches!(o, Outcome::Selected(c) if c.adf_name() == h("A0000000031010")));
}

#[test]
fn cardholder_confirmation() {
    // Priority 81: confirmation required. A terminal that cannot confirm drops it.
    let fci = "6F148407A0000000031010A509500456495341870181";
    let mut card = SimCard::new(profile(vec![app("A0000000031010", fci)]));
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    assert_eq!(select(&mut card, &aids, Method::AidList, false).0, Outcome::NoApplication);
    let mut card = SimCard::new(profile(vec![app("A0000000031010", fci)]));
    let (o, _) = select(&mut card, &aids, Method::AidList, true);
    assert!(matches!(o, Outcome::Selected(c) if c.needs_confirmation()));
}

#[test]
fn pse_directory_on_simulator() {
    // PSE FCI with SFI 1; one directory record listing both applications (priority 2 and 1).
    let dir = "7028 6112 4F07A0000000031010 500456495341 870102 6112 4F07A0000000032010 5004454C4543 870101";
    let mut p = profile(vec![app("A0000000031010", FCI_VISA), app("A0000000032010", FCI_ELEC)]);
    p.pse = Some((
        h("6F15840E315041592E5359532E4444463031A503880101"),
        Box::leak(vec![(1u8, 1u8, h(dir))].into_boxed_slice()),
    ));
    let mut card = SimCard::new(p);
    let aids = [
        TerminalAid { aid: h("A0000000031010"), partial: false },
        TerminalAid { aid: h("A0000000032010"), partial: false },
    ];
    let (o, cands) = select(&mut card, &aids, Method::Pse, false);
    assert_eq!(cands.len(), 2);
    assert!(matches!(o, Outcome::Selected(c) if c.adf_name() == h("A0000000032010")));
}

#[test]
fn malformed_fci_on_final_select_tries_next() {
    // The ELEC application (priority 1) returns an FCI whose DF name differs from its AID on the
    // final SELECT: it is removed and VISA is selected.
    let mut card = SimCard::new(profile(vec![
        app("A0000000031010", FCI_VISA),
        app("A0000000032010", "6F148407A0000000039999A5095004454C4543870101"),
    ]));
    let aids = [
        TerminalAid { aid: h("A0000000031010"), partial: false },
        TerminalAid { aid: h("A0000000032010"), partial: false },
    ];
    let (o, _) = select(&mut card, &aids, Method::AidList, false);
    assert!(matches!(o, Outcome::Selected(c) if c.adf_name() == h("A0000000031010")));
}

#[test]
fn gpo_6985_selects_next_candidate() {
    let mut p = profile(vec![app("A0000000031010", FCI_VISA), app("A0000000032010", FCI_ELEC)]);
    p.faults = Box::leak(vec![Fault { ins: 0xA8, nth: 0, sw: 0x6985 }].into_boxed_slice());
    let mut card = SimCard::new(p);
    let aids = [TerminalAid { aid: h("A000000003"), partial: true }];
    let mut sel: Selection<'_, 8> = Selection::new(&aids, Method::AidList, false);
    let Outcome::Selected(first) = drive(&mut sel, &mut card).unwrap() else { panic!() };
    assert_eq!(first.adf_name(), h("A0000000032010"));
    let mut store = Store::new();
    assert_eq!(drive(&mut Gpo::new(&mut store, None), &mut card).unwrap(), GpoOutcome::SelectNext);
    // Back to selection: the next candidate.
    let mut out = [0u8; 261];
    let Step::Send(n) = sel.select_next(&mut out).unwrap() else { panic!() };
    let mut r = [0u8; 258];
    let m = payproto_emv::apdu::CardTransport::transmit(&mut card, &out[..n], &mut r).unwrap();
    let Step::Done(Outcome::Selected(c)) = sel.on_response(&r[..m], &mut out).unwrap() else { panic!() };
    assert_eq!(c.adf_name(), h("A0000000031010"));
    let mut store = Store::new();
    assert_eq!(drive(&mut Gpo::new(&mut store, None), &mut card).unwrap(), GpoOutcome::Done);
}

#[test]
fn records_and_oda_on_simulator() {
    let mut card = SimCard::new(profile(vec![app("A0000000031010", FCI_VISA)]));
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    let (_, store, oda) = run_all(&mut card, &aids, Method::AidList).unwrap();
    assert_eq!(oda, h("8C039F02068D028A02"));
    assert_eq!(store.get(t(0x9F07)).unwrap(), h("FF00"));
}

#[test]
fn afl_past_the_last_record() {
    // AFL SFI 2 records 1–3 but the card has two: READ RECORD answers 6A83 → terminate.
    let mut a = app("A0000000031010", FCI_VISA);
    a.gpo = h("800A5C000801010010010301");
    let mut card = SimCard::new(profile(vec![a]));
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    assert_eq!(run_all(&mut card, &aids, Method::AidList).unwrap_err().kind, ErrorKind::Status(0x6A83));
}

#[test]
fn redundant_and_missing_data() {
    // SFI 2 record 2 repeats 5F24 from SFI 1 record 1 → redundant (Book 3 §10.2).
    let recs: &'static [SimRecord<'static>] = Box::leak(
        vec![(1u8, 1u8, h(REC_1_1)), (2, 1, h(REC_2_1)), (2, 2, h("70065F2403251231"))].into_boxed_slice(),
    );
    let mut a = app("A0000000031010", FCI_VISA);
    a.records = recs;
    let mut card = SimCard::new(profile(vec![a]));
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    let e = run_all(&mut card, &aids, Method::AidList).unwrap_err();
    assert_eq!((e.kind, e.tag), (ErrorKind::Redundant, Some(t(0x5F24))));
    // No 8D anywhere → mandatory data missing.
    let recs: &'static [SimRecord<'static>] = Box::leak(
        vec![(1u8, 1u8, h(REC_1_1)), (2, 1, h("70058C039F0206")), (2, 2, h(REC_2_2))].into_boxed_slice(),
    );
    let mut a = app("A0000000031010", FCI_VISA);
    a.records = recs;
    let mut card = SimCard::new(profile(vec![a]));
    let e = run_all(&mut card, &aids, Method::AidList).unwrap_err();
    assert_eq!((e.kind, e.tag), (ErrorKind::Missing, Some(t(0x8D))));
}

#[test]
fn sfi_11_oda_record_includes_template() {
    // AFL: SFI 1 rec 1, SFI 2 recs 1–2, SFI 11 rec 1 (ODA). Book 3 §10.3: for SFI 11–30 the tag
    // and length of the record are part of the ODA input.
    let recs: &'static [SimRecord<'static>] = Box::leak(
        vec![(1u8, 1u8, h(REC_1_1)), (2, 1, h(REC_2_1)), (2, 2, h(REC_2_2)), (11, 1, h("70039F4701 03"))]
            .into_boxed_slice(),
    );
    let mut a = app("A0000000031010", FCI_VISA);
    a.records = recs;
    a.gpo = h("800E5C00080101001001020158010101");
    let mut card = SimCard::new(profile(vec![a]));
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    let (_, _, oda) = run_all(&mut card, &aids, Method::AidList).unwrap();
    assert_eq!(oda, h("8C039F02068D028A02 70039F470103"));
}

#[test]
fn gpo_with_pdol_and_without_afl() {
    // FCI with PDOL 9F66 04 (TTQ): the GPO data is 83 04 + the TTQ from the store.
    let fci = "6F178407A0000000031010A50C9F38039F6604500456495341";
    let replay = leak_pairs(vec![(h("80A80000068304360000000 0").to_vec(), h("770482025C00 9000").to_vec())]);
    let mut store = Store::new();
    store.insert(t(0x9F66), payproto_emv::dictionary::Source::Terminal, h("36000000")).unwrap();
    let pdol = payproto_emv::apdu::Fci::parse(h(fci)).unwrap().pdol;
    let mut card = Replay::new(replay);
    // A format-2 answer without AFL is refused by the contact kernel.
    let e = drive(&mut Gpo::new(&mut store, pdol), &mut card).unwrap_err();
    assert!(card.finished());
    assert_eq!((e.kind, e.tag), (ErrorKind::Missing, Some(t(0x94))));
}

// ---- the whole flow through the byte-level link layer ----

use payproto_emv::link::{T0Link, T1Link};
use payproto_emv::sim::{SimT0, SimT1};

fn two_apps() -> Profile<'static> {
    profile(vec![app("A0000000031010", FCI_VISA), app("A0000000032010", FCI_ELEC)])
}

#[test]
fn full_flow_over_t0_bytes() {
    // SELECT / GPO are case 4 (61xx + GET RESPONSE); READ RECORD with Le 00 gets 6Cxx and is
    // resent with the right Le. NULL bytes and one-byte-at-a-time transfer on the way.
    let mut sim = SimT0::new(SimCard::new(two_apps()));
    sim.null_bytes = true;
    sim.one_byte = true;
    let mut link = T0Link::new(sim);
    let aids = [TerminalAid { aid: h("A000000003"), partial: true }];
    let (aid, store, oda) = run_all(&mut link, &aids, Method::AidList).unwrap();
    assert_eq!(aid, h("A0000000032010"));
    assert_eq!(store.get(t(0x5A)).unwrap(), h("4761340000000050"));
    assert_eq!(oda, h("8C039F02068D028A02"));
}

#[test]
fn full_flow_over_t1_blocks_with_chaining_and_errors() {
    // Terminal IFSC 8 and card IFSD 6 force chaining both ways; replies 1 and 4 arrive with a
    // bad LRC and reply 9 is lost: the terminal recovers with R-blocks (Book 1 §9.2.5 rules as
    // summarised in link/t1.rs).
    let mut sim = SimT1::new(SimCard::new(two_apps()), 6);
    sim.corrupt = &[1, 4];
    sim.drop = &[9];
    let mut link = T1Link::new(sim, 8, 254);
    link.negotiate_ifsd().unwrap();
    let aids = [TerminalAid { aid: h("A000000003"), partial: true }];
    let (aid, store, oda) = run_all(&mut link, &aids, Method::AidList).unwrap();
    assert_eq!(aid, h("A0000000032010"));
    assert_eq!(store.get(t(0x9F07)).unwrap(), h("FF00"));
    assert_eq!(oda, h("8C039F02068D028A02"));
}

#[test]
fn ppse_discovery() {
    // PPSE FCI: BF0C with one 61 entry (A0000000031010, VISA, priority 1).
    let mut p = two_apps();
    p.ppse =
        Some(h("6F29840E325041592E5359532E4444463031A517BF0C1461124F07A0000000031010500456495341870101"));
    let mut card = SimCard::new(p);
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    let (o, cands) = select(&mut card, &aids, Method::Ppse, false);
    assert_eq!(cands, [h("A0000000031010").to_vec()]);
    assert!(matches!(o, Outcome::Selected(_)));
}

#[test]
fn t1_persistent_errors_deactivate() {
    // Every reply corrupted: retries, then resynchronisation attempts, then the link gives up.
    let all: &'static [u16] = Box::leak((0..200u16).collect::<Vec<_>>().into_boxed_slice());
    let mut sim = SimT1::new(SimCard::new(two_apps()), 32);
    sim.corrupt = all;
    let mut link = T1Link::new(sim, 32, 254);
    assert_eq!(link.negotiate_ifsd().unwrap_err().kind, ErrorKind::Link);
}

#[test]
fn gpo_and_record_errors() {
    // GPO answered with a status other than 9000/6985 terminates (Book 3 §10.1).
    let mut p = profile(vec![app("A0000000031010", FCI_VISA)]);
    p.faults = Box::leak(vec![Fault { ins: 0xA8, nth: 0, sw: 0x6A88 }].into_boxed_slice());
    let mut card = SimCard::new(p);
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    assert_eq!(run_all(&mut card, &aids, Method::AidList).unwrap_err().kind, ErrorKind::Status(0x6A88));
    // A malformed GPO response (format 1 whose AFL has SFI 0).
    let mut a = app("A0000000031010", FCI_VISA);
    a.gpo = h("80065C0000010100");
    let mut card = SimCard::new(profile(vec![a]));
    assert_eq!(run_all(&mut card, &aids, Method::AidList).unwrap_err().kind, ErrorKind::BadValue);
    // A record that is not a 70 template in SFI 1–10 terminates.
    let recs: &'static [SimRecord<'static>] = Box::leak(
        vec![(1u8, 1u8, h("77035F2800")), (2, 1, h(REC_2_1)), (2, 2, h(REC_2_2))].into_boxed_slice(),
    );
    let mut a = app("A0000000031010", FCI_VISA);
    a.records = recs;
    let mut card = SimCard::new(profile(vec![a]));
    assert_eq!(run_all(&mut card, &aids, Method::AidList).unwrap_err().kind, ErrorKind::BadTemplate);
}

#[test]
fn ready_made_profiles_run_through_the_kernel() {
    use payproto_emv::sim::profiles;
    // The simulator profiles built from the three binaryfoo traces give the same results as the
    // strict replays above.
    type Case<'a> = (&'a str, &'a [TerminalAid<'a>], Method, &'a [u8], usize);
    let cases: [Case<'_>; 3] = [
        (
            "visa",
            &[TerminalAid { aid: h("A0000000031010"), partial: false }],
            Method::AidList,
            h("4761340000000050"),
            0,
        ),
        (
            "mastercard",
            &[TerminalAid { aid: h("A0000000041010"), partial: false }],
            Method::AidList,
            h("5413330089600044"),
            0x8F,
        ),
        (
            "upi",
            &[TerminalAid { aid: h("A000000333"), partial: true }],
            Method::Pse,
            h("6210948000000011"),
            0x88,
        ),
    ];
    for (name, aids, method, pan, oda_len) in cases {
        let profile = profiles::ALL.iter().find(|p| p.0 == name).unwrap().1;
        let mut card = SimCard::new(profile);
        let (_, store, oda) = run_all(&mut card, aids, method).unwrap();
        assert_eq!(store.get(t(0x5A)).unwrap(), pan, "{name}");
        assert_eq!(oda.len(), oda_len, "{name}");
    }
}

#[test]
fn read_application_runs_the_three_phases_with_the_6985_loop() {
    use payproto_emv::kernel::{ReadApplication, ReadOutcome};
    // ELEC (priority 1) refuses GPO with 6985; VISA is selected next and read (Book 3 §10.1).
    let mut p = two_apps();
    p.faults = Box::leak(vec![Fault { ins: 0xA8, nth: 0, sw: 0x6985 }].into_boxed_slice());
    let mut card = SimCard::new(p);
    let aids = [TerminalAid { aid: h("A000000003"), partial: true }];
    let mut store = Store::new();
    let mut oda = [0u8; 256];
    let mut k: ReadApplication<'_, '_, '_, 4, 64, 4096> =
        ReadApplication::new(&aids, Method::AidList, false, &mut store, &mut oda);
    let ReadOutcome::Ready { application, summary } = drive(&mut k, &mut card).unwrap() else { panic!() };
    assert_eq!(application.adf_name(), h("A0000000031010"));
    assert_eq!((summary.records, summary.oda_len), (3, 9));
    assert_eq!(&oda[..9], h("8C039F02068D028A02"));
    assert_eq!(store.get(t(0x5A)).unwrap(), h("4761340000000050"));
    // Every candidate refusing GPO → no application.
    let mut p = two_apps();
    p.faults = Box::leak(
        vec![Fault { ins: 0xA8, nth: 0, sw: 0x6985 }, Fault { ins: 0xA8, nth: 1, sw: 0x6985 }]
            .into_boxed_slice(),
    );
    let mut card = SimCard::new(p);
    let mut store = Store::new();
    let mut oda = [0u8; 256];
    let mut k: ReadApplication<'_, '_, '_, 4, 64, 4096> =
        ReadApplication::new(&aids, Method::AidList, false, &mut store, &mut oda);
    assert_eq!(drive(&mut k, &mut card).unwrap(), ReadOutcome::NoApplication);
}

struct Stubborn {
    commands: usize,
}

impl payproto_emv::apdu::CardTransport for Stubborn {
    fn transmit(&mut self, _capdu: &[u8], rapdu: &mut [u8]) -> Result<usize, payproto_emv::Error> {
        // Answers every command with the same FCI (and 9000).
        self.commands += 1;
        let r = h("6F148407A0000000031010A509500456495341870102 9000");
        rapdu[..r.len()].copy_from_slice(r);
        Ok(r.len())
    }
}

#[test]
fn next_occurrence_loop_is_bounded() {
    use payproto_emv::kernel::selection::MAX_NEXT_OCCURRENCES;
    let aids = [TerminalAid { aid: h("A000000003"), partial: true }];
    let mut card = Stubborn { commands: 0 };
    let mut sel: Selection<'_, 4> = Selection::new(&aids, Method::AidList, false);
    assert!(matches!(drive(&mut sel, &mut card).unwrap(), Outcome::Selected(_)));
    // First SELECT, MAX_NEXT_OCCURRENCES next-occurrence SELECTs, the final SELECT.
    assert_eq!(card.commands, 1 + usize::from(MAX_NEXT_OCCURRENCES) + 1);
}

// ---- nested PSE directories (Book 1 §12.3.2: a directory entry 61 { 9D DDF name } makes the
// terminal SELECT that DDF, read its directory and add its entries, then resume) ----

const PSE_FCI: &str = "6F15840E315041592E5359532E4444463031A503880101";
const DDF_A: &str = "D276000025444446";
/// FCI of DDF A: 84 DDF name, A5 { 88 02 } (its directory is SFI 2).
const DDF_A_FCI: &str = "6F0F8408D276000025444446A503880102";
/// PSE record 1: VISA (priority 2), then a DDF entry naming DDF A.
const PSE_REC_1: &str = "7020 6112 4F07A0000000031010 500456495341 870102 610A 9D08D276000025444446";
/// DDF A record 1: ELEC (priority 1).
const DDF_A_REC_1: &str = "7014 6112 4F07A0000000032010 5004454C4543 870101";

#[test]
fn nested_ddf_replay() {
    // The command order follows Book 1 §12.3.2: PSE record 1, the DDF it names, the DDF's
    // records until 6A83, back to the PSE (SELECTed again: READ RECORD's SFI refers to the
    // current DF, ISO/IEC 7816-4) and its record 2 (6A83), then the final SELECT of the
    // highest-priority candidate — which only the nested directory lists.
    let pairs = leak_pairs(vec![
        (h("00A404000E315041592E5359532E444446303100").to_vec(), [h(PSE_FCI), h("9000")].concat()),
        (h("00B2010C00").to_vec(), [h(PSE_REC_1), h("9000")].concat()),
        (h("00A4040008D27600002544444600").to_vec(), [h(DDF_A_FCI), h("9000")].concat()),
        (h("00B2011400").to_vec(), [h(DDF_A_REC_1), h("9000")].concat()),
        (h("00B2021400").to_vec(), h("6A83").to_vec()),
        (h("00A404000E315041592E5359532E444446303100").to_vec(), [h(PSE_FCI), h("9000")].concat()),
        (h("00B2020C00").to_vec(), h("6A83").to_vec()),
        (h("00A4040007A000000003201000").to_vec(), [h(FCI_ELEC), h("9000")].concat()),
    ]);
    let mut card = Replay::new(pairs);
    let aids = [
        TerminalAid { aid: h("A0000000031010"), partial: false },
        TerminalAid { aid: h("A0000000032010"), partial: false },
    ];
    let mut sel: Selection<'_, 8> = Selection::new(&aids, Method::Pse, false);
    let o = drive(&mut sel, &mut card).unwrap();
    assert!(card.finished(), "stopped at {} (mismatch {:?})", card.consumed(), card.mismatch());
    assert!(matches!(o, Outcome::Selected(c) if c.adf_name() == h("A0000000032010")));
    let cands: Vec<Vec<u8>> = sel.candidates().map(|c| c.adf_name().to_vec()).collect();
    assert_eq!(cands, [h("A0000000032010").to_vec(), h("A0000000031010").to_vec()]);
}

#[test]
fn nested_ddf_loop_is_not_followed() {
    // DDF A's directory names DDF A again and the PSE: neither is selected again.
    let loop_rec = "701E 610A 9D08D276000025444446 6110 9D0E315041592E5359532E4444463031";
    let pairs = leak_pairs(vec![
        (h("00A404000E315041592E5359532E444446303100").to_vec(), [h(PSE_FCI), h("9000")].concat()),
        (h("00B2010C00").to_vec(), [h(PSE_REC_1), h("9000")].concat()),
        (h("00A4040008D27600002544444600").to_vec(), [h(DDF_A_FCI), h("9000")].concat()),
        (h("00B2011400").to_vec(), [h(loop_rec), h("9000")].concat()),
        (h("00B2021400").to_vec(), h("6A83").to_vec()),
        (h("00A404000E315041592E5359532E444446303100").to_vec(), [h(PSE_FCI), h("9000")].concat()),
        (h("00B2020C00").to_vec(), h("6A83").to_vec()),
        (h("00A4040007A000000003101000").to_vec(), [h(FCI_VISA), h("9000")].concat()),
    ]);
    let mut card = Replay::new(pairs);
    let aids = [TerminalAid { aid: h("A0000000031010"), partial: false }];
    let mut sel: Selection<'_, 8> = Selection::new(&aids, Method::Pse, false);
    let o = drive(&mut sel, &mut card).unwrap();
    assert!(card.finished(), "stopped at {} (mismatch {:?})", card.consumed(), card.mismatch());
    assert!(matches!(o, Outcome::Selected(c) if c.adf_name() == h("A0000000031010")));
}

fn nested_profile() -> Profile<'static> {
    // PSE → DDF A → DDF B → DDF C. PSE record 1 lists VISA and A, record 2 lists PLUS
    // (A0000000038010, priority 3); A lists B; B lists ELEC and C; C lists A0000000033010. With
    // the bound of three open directories (PSE + 2 nested levels), C is never selected; PSE
    // record 2 is read after the nested directories (the PSE re-selected).
    let ddf_b = "D276000025444447";
    let ddf_c = "D276000025444448";
    let a_rec = "700C 610A 9D08D276000025444447";
    let b_rec = "7020 6112 4F07A0000000032010 5004454C4543 870101 610A 9D08D276000025444448";
    let c_rec = "7014 6112 4F07A0000000033010 5004494E5452 870101";
    let mut p = profile(vec![
        app("A0000000031010", FCI_VISA),
        app("A0000000032010", FCI_ELEC),
        app("A0000000033010", "6F148407A0000000033010A5095004494E5452870101"),
        app("A0000000038010", "6F148407A0000000038010A5095004504C5553870103"),
    ]);
    let pse_rec_2 = "7014 6112 4F07A0000000038010 5004504C5553 870103";
    p.pse = Some((
        h(PSE_FCI),
        Box::leak(vec![(1u8, 1u8, h(PSE_REC_1)), (1, 2, h(pse_rec_2))].into_boxed_slice()),
    ));
    p.ddfs = Box::leak(
        vec![
            (h(DDF_A), h(DDF_A_FCI), &*Box::leak(vec![(2u8, 1u8, h(a_rec))].into_boxed_slice())),
            (
                h(ddf_b),
                h("6F0F8408D276000025444447A503880103"),
                &*Box::leak(vec![(3u8, 1u8, h(b_rec))].into_boxed_slice()),
            ),
            (
                h(ddf_c),
                h("6F0F8408D276000025444448A503880104"),
                &*Box::leak(vec![(4u8, 1u8, h(c_rec))].into_boxed_slice()),
            ),
        ]
        .into_boxed_slice(),
    );
    p
}

#[test]
fn nested_ddfs_on_simulator_with_depth_bound() {
    use payproto_emv::kernel::selection::MAX_DIRECTORY_DEPTH;
    assert_eq!(MAX_DIRECTORY_DEPTH, 3);
    let aids = [TerminalAid { aid: h("A000000003"), partial: true }];
    let mut card = SimCard::new(nested_profile());
    let (o, cands) = select(&mut card, &aids, Method::Pse, false);
    // ELEC (two levels down, priority 1), VISA (2), PLUS (3, PSE record 2); C's application is
    // beyond the depth bound.
    assert_eq!(
        cands,
        [h("A0000000032010").to_vec(), h("A0000000031010").to_vec(), h("A0000000038010").to_vec()]
    );
    assert!(matches!(o, Outcome::Selected(c) if c.adf_name() == h("A0000000032010")));
    // The same card through the T=0 byte link, and on to the records.
    let mut link = T0Link::new(SimT0::new(SimCard::new(nested_profile())));
    let (aid, store, _) = run_all(&mut link, &aids, Method::Pse).unwrap();
    assert_eq!(aid, h("A0000000032010"));
    assert_eq!(store.get(t(0x5A)).unwrap(), h("4761340000000050"));
}
