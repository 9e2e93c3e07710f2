//! Card link layer: ATR, PPS, T=0 procedure bytes, T=1 blocks and recovery.
//!
//! Sources: ISO/IEC 7816-3 ATR structure (§8.2), PPS (§9.2), T=0 procedure bytes (§10.3.3) and
//! T=1 block coding (§11.3); EMV Book 1 §8.3 / §9.2 rules as summarised in `link/atr.rs` and
//! `link/t1.rs`. ATR samples: a T=0 payment card ATR `3B68000000 73C84012009000` and the NXP JCOP41
//! ATR `3BE900008131FE454A434F5034315632 32A7` as listed in the public smartcard_list.txt
//! (Ludovic Rousseau). Expected LRC/TCK/PCK bytes were computed by hand (XOR), independently of
//! the code under test; the S(IFS request) `00C101FE3E` is the EMV/ISO example IFSD = 254 block.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;
use common::hex;

use payproto_emv::apdu::Command;
use payproto_emv::link::atr::{Atr, Convention, pps_confirmed, pps_request};
use payproto_emv::link::t0::{T0Exchange, T0Step};
use payproto_emv::link::t1::{Block, BlockError, Pcb, SKind, T1, T1Step, encode_block};

#[test]
fn atr_t0_card() {
    let b = hex("3B68000000 73C84012009000");
    let a = Atr::parse(&b).unwrap();
    assert_eq!(a.convention, Convention::Direct);
    assert_eq!((a.tb[0], a.tc[0], a.td[0], a.tck), (Some(0), Some(0), None, None));
    assert_eq!(a.historical, hex("0073C84012009000").as_slice());
    assert_eq!(a.protocols(), 0b1);
    assert_eq!(Atr::expected_len(&b[..2]), Some(12));
    let p = a.check_emv().unwrap();
    assert_eq!((p.protocol, p.fidi, p.wi, p.specific_mode), (0, 0x11, 10, false));
}

#[test]
fn atr_t1_jcop() {
    let b = hex("3BE900008131FE454A434F503431563232A7");
    let a = Atr::parse(&b).unwrap();
    assert_eq!(
        (a.td[0], a.td[1], a.ta[2], a.tb[2], a.tck),
        (Some(0x81), Some(0x31), Some(0xFE), Some(0x45), Some(0xA7))
    );
    assert_eq!(a.historical, b"JCOP41V22");
    assert_eq!(Atr::expected_len(&b[..6]), Some(b.len()));
    let p = a.check_emv().unwrap();
    assert_eq!((p.protocol, p.ifsc, p.bwi, p.cwi), (1, 0xFE, 4, 5));
    // ISO 7816-3 waiting times with F = 372, D = 1: CWT = 11 + 2^5 = 43 etu,
    // BWT = 11 + 2^4 × 960 = 15371 etu; T=0 WWT with the default WI 10 = 9600 etu.
    assert_eq!((p.cwt_etu(), p.bwt_etu(), p.wwt_etu()), (43, 15371, 9600));
    // Wrong TCK.
    let mut bad = b.clone();
    *bad.last_mut().unwrap() ^= 1;
    assert!(Atr::parse(&bad).is_err());
    // Truncated, trailing byte, bad TS.
    assert!(Atr::parse(&b[..b.len() - 3]).is_err());
    let mut long = b.clone();
    long.push(0);
    assert!(Atr::parse(&long).is_err());
    assert!(Atr::parse(&hex("3C6000 00")).is_err());
}

#[test]
fn atr_emv_rejections() {
    // TA1 = 18 (D = 12) is outside 11–13: rejected. T0=10 → TA1 only.
    assert!(Atr::parse(&hex("3B1018")).unwrap().check_emv().is_err());
    assert!(Atr::parse(&hex("3B1013")).unwrap().check_emv().is_ok());
    // TB2 present (T0=80 TD1=20 → TB2): rejected. No TCK since only T=0.
    assert!(Atr::parse(&hex("3B802000")).unwrap().check_emv().is_err());
    // TC2 other than 0A: rejected (TD1=40 → TC2).
    assert!(Atr::parse(&hex("3B804005")).unwrap().check_emv().is_err());
    assert!(Atr::parse(&hex("3B80400A")).unwrap().check_emv().is_ok());
    // T=1 with TC3 = 01 (CRC): 3B 80 81 71 FE 45 01 TCK, TCK = 80^81^71^FE^45^01 = 0xCA.
    assert!(Atr::parse(&hex("3B808171FE4501CA")).unwrap().check_emv().is_err());
    // T=1 with IFSC 0F: 3B 80 81 31 0F 45 TCK = 80^81^31^0F^45 = 0x7A.
    assert!(Atr::parse(&hex("3B8081310F457A")).unwrap().check_emv().is_err());
    // Inverse convention is accepted (TS 3F).
    assert_eq!(Atr::parse(&hex("3F6000 00")).unwrap().convention, Convention::Inverse);
}

#[test]
fn pps() {
    // PPSS FF, PPS0 = 11 (PPS1 present, T=1), PPS1 = 13, PCK = FF^11^13 = FD.
    let r = pps_request(1, 0x13);
    assert_eq!(r, [0xFF, 0x11, 0x13, 0xFD]);
    assert!(pps_confirmed(&r, &r).is_ok());
    assert!(pps_confirmed(&r, &[0xFF, 0x01, 0xFE]).is_err());
}

fn run_t0(cmd: &Command<'_>, card: &[u8]) -> (Vec<u8>, Vec<u8>, (usize, u8, u8)) {
    let (mut x, header) = T0Exchange::new(cmd).unwrap();
    let mut sent = header.to_vec();
    let mut resp = [0u8; 300];
    for &b in card {
        match x.on_byte(b, cmd.data, &mut resp).unwrap() {
            T0Step::Send(d) => sent.extend_from_slice(d),
            T0Step::Wait => {}
            T0Step::Done { len, sw1, sw2 } => return (sent, resp[..len].to_vec(), (len, sw1, sw2)),
        }
    }
    panic!("not done")
}

#[test]
fn t0_cases() {
    // Case 2 GET CHALLENGE Le=08: INS procedure byte then 8 bytes, then 9000.
    let cmd = Command::get_challenge().with_le(8);
    let (sent, resp, (_, sw1, sw2)) = run_t0(&cmd, &hex("84 0102030405060708 9000"));
    assert_eq!(sent, hex("0084000008"));
    assert_eq!((resp, sw1, sw2), (hex("0102030405060708"), 0x90, 0x00));
    // Case 4 SELECT: Le dropped, data sent after INS, card answers 61 1C.
    let aid = hex("A0000000031010");
    let cmd = Command::select(&aid, false);
    let (sent, resp, (_, sw1, sw2)) = run_t0(&cmd, &hex("60 A4 611C"));
    assert_eq!(sent, hex("00A4040007 A0000000031010"));
    assert_eq!((resp.len(), sw1, sw2), (0, 0x61, 0x1C));
    // INS ⊕ FF: one byte at a time.
    let (sent, _, _) = run_t0(&cmd, &hex("5B 5B A4 9000"));
    assert_eq!(sent, hex("00A4040007 A0 00 0000031010"));
    // Case 1: P3 = 00, straight to SW.
    let cmd = Command::new(0x80, 0x50, 0, 0);
    let (sent, _, (_, sw1, _)) = run_t0(&cmd, &hex("6D00"));
    assert_eq!((sent, sw1), (hex("8050000000"), 0x6D));
    // An invalid procedure byte is an error.
    let (mut x, _) = T0Exchange::new(&Command::get_challenge()).unwrap();
    assert!(x.on_byte(0x12, &[], &mut [0; 8]).is_err());
}

#[test]
fn t1_blocks() {
    let mut out = [0u8; 300];
    let n = encode_block(0, Pcb::S { response: false, kind: SKind::Ifs }, &[0xFE], &mut out).unwrap();
    assert_eq!(&out[..n], hex("00C101FE3E").as_slice());
    let raw = hex("00E101FE1E");
    let b = Block::parse(&raw).unwrap();
    assert_eq!((b.pcb, b.inf), (Pcb::S { response: true, kind: SKind::Ifs }, &[0xFE][..]));
    assert_eq!(Block::parse(&hex("00E101FE1F")).unwrap_err(), BlockError::Edc);
    assert_eq!(Block::parse(&hex("00E102FE1E")).unwrap_err(), BlockError::Other);
    assert_eq!(Pcb::decode(0x90), Some(Pcb::R { nr: true, error: 0 }));
    assert_eq!(Pcb::decode(0x60), Some(Pcb::I { ns: true, more: true }));
    assert_eq!(Pcb::decode(0x01), None);
    assert_eq!(Block::expected_len(&hex("00000D")), Some(17));
}

fn step_send(s: T1Step, out: &[u8]) -> Vec<u8> {
    match s {
        T1Step::Send(n) => out[..n].to_vec(),
        other => panic!("expected send, got {other:?}"),
    }
}

#[test]
fn t1_ifs_and_simple_exchange() {
    let mut t = T1::new(32, 254);
    let mut out = [0u8; 300];
    let mut resp = [0u8; 300];
    let s = t.ifs_request(&mut out).unwrap();
    assert_eq!(step_send(s, &out), hex("00C101FE3E"));
    assert_eq!(t.on_block(&hex("00E101FE1E"), &mut resp, &mut out).unwrap(), T1Step::Done(0));
    let apdu = hex("00A4040007A000000003101000");
    let s = t.send_apdu(&apdu, &mut out).unwrap();
    assert_eq!(step_send(s, &out), hex("00000D00A4040007A00000000310100009"));
    // Card answers I(0) with 9000 (unchained): 00 00 02 90 00 LRC=92.
    assert_eq!(t.on_block(&hex("0000029000 92"), &mut resp, &mut out).unwrap(), T1Step::Done(2));
    assert_eq!(&resp[..2], &[0x90, 0x00]);
}

#[test]
fn t1_chaining_both_ways() {
    let mut t = T1::new(5, 254);
    let mut out = [0u8; 300];
    let mut resp = [0u8; 300];
    let apdu = hex("00A4040007A000000003101000");
    assert_eq!(step_send(t.send_apdu(&apdu, &mut out).unwrap(), &out), hex("00200500A404000782"));
    // Card acknowledges with R(1): next chunk I(1, more).
    let s = t.on_block(&hex("00900090"), &mut resp, &mut out).unwrap();
    assert_eq!(step_send(s, &out), hex("006005A000000003C6"));
    let s = t.on_block(&hex("00800080"), &mut resp, &mut out).unwrap();
    assert_eq!(step_send(s, &out), hex("00000310100003"));
    // Card answers chained: I(0, more) 6F00, terminal acks R(1); I(1) 9000.
    let s = t.on_block(&hex("0020026F004D"), &mut resp, &mut out).unwrap();
    assert_eq!(step_send(s, &out), hex("00900090"));
    assert_eq!(t.on_block(&hex("0040029000D2"), &mut resp, &mut out).unwrap(), T1Step::Done(4));
    assert_eq!(&resp[..4], hex("6F009000").as_slice());
}

#[test]
fn t1_error_recovery() {
    let mut t = T1::new(32, 254);
    let mut out = [0u8; 300];
    let mut resp = [0u8; 300];
    let apdu = hex("00A4040007A000000003101000");
    let first = step_send(t.send_apdu(&apdu, &mut out).unwrap(), &out);
    // Bad LRC → R(0) with EDC error; a second bad block with a wrong LEN → R(0) other error.
    let s = t.on_block(&hex("0000029000 93"), &mut resp, &mut out).unwrap();
    assert_eq!(step_send(s, &out), hex("00810081"));
    let s = t.on_block(&hex("000003900092"), &mut resp, &mut out).unwrap();
    assert_eq!(step_send(s, &out), hex("00820082"));
    // Third failure → S(RESYNCH request); the response restarts the command with N(S) = 0.
    let s = t.on_timeout(&mut out).unwrap();
    assert_eq!(step_send(s, &out), hex("00C000C0"));
    let s = t.on_block(&hex("00E000E0"), &mut resp, &mut out).unwrap();
    assert_eq!(step_send(s, &out), first);
    // The card asks for a retransmission with R(0) = our N(S): the same block again.
    let s = t.on_block(&hex("00800080"), &mut resp, &mut out).unwrap();
    assert_eq!(step_send(s, &out), first);
    // WTX request (multiplier 1) → WTX response; then the answer.
    let s = t.on_block(&hex("00C30101C3"), &mut resp, &mut out).unwrap();
    assert_eq!(step_send(s, &out), hex("00E30101E3"));
    assert_eq!(t.wtx(), Some(1));
    assert_eq!(t.on_block(&hex("000002900092"), &mut resp, &mut out).unwrap(), T1Step::Done(2));
    // ABORT from the card → deactivate.
    let _ = t.send_apdu(&apdu, &mut out).unwrap();
    assert_eq!(t.on_block(&hex("00C200C2"), &mut resp, &mut out).unwrap(), T1Step::Deactivate);
}

#[test]
fn t1_gives_up_after_resyncs() {
    let mut t = T1::new(32, 254);
    let mut out = [0u8; 300];
    let _ = t.send_apdu(&hex("0084000008"), &mut out).unwrap();
    let mut last = T1Step::Send(0);
    for _ in 0..20 {
        last = t.on_timeout(&mut out).unwrap();
        if last == T1Step::Deactivate {
            break;
        }
    }
    assert_eq!(last, T1Step::Deactivate);
}
