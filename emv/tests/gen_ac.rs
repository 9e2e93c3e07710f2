//! GENERATE AC 1 and 2 (Book 3 §6.5.5, §10.8) with CDOL1/CDOL2 data (§5.4 DOL rules): the exact
//! command APDUs (P1 coding `00`/`40`/`80` plus `10` for CDA, from `shared/reference/emv-tlv.md`
//! §8.1 item 4), the format-1 response copied out, card action analysis applied (never a higher
//! cryptogram than requested, §8.2), no ARQC in the second GENERATE AC, and status errors.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;

use common::hex;
use payproto_emv::ErrorKind;
use payproto_emv::data::{CryptogramType as C, Tsi};
use payproto_emv::dol::DolSource;
use payproto_emv::kernel::gen_ac::{GenerateAc, Which, write_command};
use payproto_emv::kernel::{Phase, Step};
use payproto_emv::tlv::Tag;

struct Src;
impl DolSource for Src {
    fn value(&self, tag: Tag) -> Option<&[u8]> {
        Some(match tag.to_u32() {
            0x9F02 => &[0x00, 0x00, 0x00, 0x00, 0x40, 0x00],
            0x9F1A => &[0x08, 0x40],
            0x95 => &[0x00, 0x00, 0x00, 0x80, 0x00],
            0x5F2A => &[0x08, 0x40],
            0x9A => &[0x26, 0x03, 0x15],
            0x9C => &[0x00],
            0x9F37 => &[0x52, 0xBF, 0x45, 0x85],
            0x8A => b"00",
            _ => return None,
        })
    }
}

const CDOL1: &str = "9F0206 9F0306 9F1A02 9505 5F2A02 9A03 9C01 9F3704";
const CDOL1_DATA: &str = "000000004000 000000000000 0840 0000008000 0840 260315 00 52BF4585";
const CDOL2: &str = "8A02 9505 9F3704";

fn cmd(which: Which, kind: C, cda: bool, cdol: &str) -> Result<String, payproto_emv::Error> {
    let mut scratch = [0u8; 64];
    let mut out = [0u8; 80];
    let n = write_command(which, kind, cda, &hex(cdol), &Src, &mut scratch, &mut out)?;
    Ok(out[..n].iter().map(|b| format!("{b:02X}")).collect())
}

fn h(s: &str) -> String {
    s.split_whitespace().collect()
}

#[test]
fn first_generate_ac_commands() {
    assert_eq!(cmd(Which::First, C::Arqc, false, CDOL1).unwrap(), h(&format!("80AE80001D {CDOL1_DATA} 00")));
    assert_eq!(cmd(Which::First, C::Tc, false, CDOL1).unwrap(), h(&format!("80AE40001D {CDOL1_DATA} 00")));
    assert_eq!(cmd(Which::First, C::Aac, false, CDOL1).unwrap(), h(&format!("80AE00001D {CDOL1_DATA} 00")));
    assert_eq!(cmd(Which::First, C::Arqc, true, CDOL1).unwrap(), h(&format!("80AE90001D {CDOL1_DATA} 00")));
    assert_eq!(
        cmd(Which::First, C::Aac, true, CDOL1).unwrap(),
        h(&format!("80AE00001D {CDOL1_DATA} 00")),
        "no CDA with AAC"
    );
}

#[test]
fn second_generate_ac_commands() {
    assert_eq!(cmd(Which::Second, C::Tc, true, CDOL2).unwrap(), h("80AE50000B 3030 0000008000 52BF4585 00"));
    assert_eq!(
        cmd(Which::Second, C::Aac, false, CDOL2).unwrap(),
        h("80AE00000B 3030 0000008000 52BF4585 00")
    );
    assert_eq!(cmd(Which::Second, C::Arqc, false, CDOL2).unwrap_err().kind, ErrorKind::BadValue);
    assert!(cmd(Which::First, C::Tc, false, "9F02").is_err(), "malformed CDOL");
}

fn run(kind: C, response: &str) -> Result<payproto_emv::kernel::gen_ac::GenAcOutcome, payproto_emv::Error> {
    let cdol = hex(CDOL1);
    let mut p = GenerateAc::new(Which::First, kind, false, &cdol, &Src, Tsi::default());
    let mut out = [0u8; 80];
    let Step::Send(_) = p.start(&mut out).unwrap() else { panic!() };
    match p.on_response(&hex(response), &mut out)? {
        Step::Done(o) => Ok(o),
        Step::Send(_) => panic!("one command only"),
    }
}

#[test]
fn response_copied_and_analysed() {
    let o = run(C::Arqc, "8012 80 001C 29CCA15AE665FA2E 06010A03A06010 9000").unwrap();
    assert_eq!(o.decision.cryptogram, C::Arqc);
    assert_eq!(o.atc, 0x001C);
    assert_eq!(o.cryptogram, Some(hex("29CCA15AE665FA2E").try_into().unwrap()));
    assert_eq!(o.iad(), &hex("06010A03A06010")[..]);
    assert!(!o.has_sdad);
    assert_eq!(o.tsi.0, [0x20, 0x00], "TSI B1b6 card risk management performed");
    // The card declines an ARQC request: fine. It answers TC to an ARQC request: card error.
    assert_eq!(
        run(C::Arqc, "8012 00 001C 29CCA15AE665FA2E 06010A03A06010 9000").unwrap().decision.cryptogram,
        C::Aac
    );
    assert_eq!(
        run(C::Arqc, "8012 40 001C 29CCA15AE665FA2E 06010A03A06010 9000").unwrap_err().kind,
        ErrorKind::BadValue
    );
    // A status other than 9000.
    assert_eq!(run(C::Tc, "6985").unwrap_err().kind, ErrorKind::Status(0x6985));
}
