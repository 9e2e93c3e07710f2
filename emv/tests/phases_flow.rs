//! The part-2 phases composed in Book 3 order on one transaction — processing restrictions,
//! cardholder verification, terminal risk management (with GET DATA), terminal action analysis,
//! first GENERATE AC with card action analysis, issuer authentication, issuer script — asserting
//! the whole TVR and TSI after each phase, the CVM Results and every command sent. The expected
//! bits follow the rule tables of `shared/reference/emv-tlv.md` §7–8 (R3-style random selection,
//! V6 velocity, PIN try limit, A2 ARQC, §8.6 issuer authentication/scripts). The ODA phase is not
//! part of this flow: its outcome ("ODA not performed", B1b8) is the starting TVR.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;

use common::hex;
use payproto_emv::data::{
    AdditionalTerminalCapabilities, Aip, Country, CryptogramType, Date, TerminalCapabilities, TerminalType,
    TransactionType, Tsi, Tvr,
};
use payproto_emv::dol::DolSource;
use payproto_emv::kernel::cvm::{CvmContext, PinEntryDevice, PinKind, PinOutcome, cardholder_verification};
use payproto_emv::kernel::gen_ac::{GenerateAc, Which};
use payproto_emv::kernel::issuer::{IssuerAuthentication, ScriptProcessing, scripts};
use payproto_emv::kernel::restrictions::{
    CardRestrictionsData, Purchase, RestrictionsContext, processing_restrictions,
};
use payproto_emv::kernel::taa::{ActionCodes, OnlineCapability, terminal_action_analysis};
use payproto_emv::kernel::trm::{RandomSelection, TerminalRiskManagement, TrmConfig, TrmInput, TrmRng};
use payproto_emv::kernel::{Phase, Step};
use payproto_emv::tlv::Tag;

fn up(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// The card: answers by command prefix, records every command.
struct Card {
    sent: Vec<String>,
}
impl Card {
    fn run<P: Phase>(&mut self, p: &mut P) -> P::Output {
        let mut out = [0u8; 300];
        let mut step = p.start(&mut out).unwrap();
        loop {
            match step {
                Step::Done(o) => return o,
                Step::Send(n) => {
                    let c = up(&out[..n]);
                    let r = match &c[..8] {
                        "80CA9F36" => "9F360204D29000",                               // ATC 1234
                        "80CA9F13" => "9F130204BF9000",                               // LOATC 1215
                        "80AE8000" => "801280001C29CCA15AE665FA2E06010A03A060109000", // ARQC
                        "00820000" => "9000",
                        _ if c.starts_with("841E") => "9000",
                        _ => panic!("unexpected {c}"),
                    };
                    self.sent.push(c);
                    step = p.on_response(&hex(r), &mut out).unwrap();
                }
            }
        }
    }
}

struct Ped;
impl PinEntryDevice for Ped {
    fn perform(&mut self, kind: PinKind) -> PinOutcome {
        assert_eq!(kind, PinKind::OfflinePlaintext);
        PinOutcome::TryLimitExceeded
    }
}

struct R50;
impl TrmRng for R50 {
    fn next_u32(&mut self) -> u32 {
        49 // R = 50
    }
}

struct Src;
impl DolSource for Src {
    fn value(&self, tag: Tag) -> Option<&[u8]> {
        match tag.to_u32() {
            0x9F02 => Some(&[0, 0, 0, 0, 0x55, 0x00]),
            0x9F37 => Some(&[0x52, 0xBF, 0x45, 0x85]),
            _ => None,
        }
    }
}

#[test]
fn purchase_goes_online_and_completes_issuer_processing() {
    let pan = hex("4761739001010119");
    let aip = Aip([0x1C, 0x00]); // CV supported, TRM required, issuer authentication supported
    let mut tvr = Tvr(hex("8000000000").try_into().unwrap()); // from ODA: not performed
    let mut tsi = Tsi::default();
    let mut card = Card { sent: vec![] };

    // Processing restrictions: same version, AUC FF00, domestic, dates in range.
    let (ver, auc, ic, eff, exp) = (hex("008C"), hex("FF00"), hex("0840"), hex("200101"), hex("281231"));
    let rctx = RestrictionsContext {
        terminal_app_version: [0x00, 0x8C],
        terminal_country: Country(840),
        terminal_type: TerminalType(0x22),
        additional_capabilities: AdditionalTerminalCapabilities(hex("6000F0A001").try_into().unwrap()),
        transaction_type: TransactionType::PURCHASE,
        purchase: Purchase { goods: true, services: false },
        amount_other: 0,
        transaction_date: Date::parse(&hex("260315")).unwrap(),
    };
    let card_data = CardRestrictionsData {
        app_version: Some(&ver),
        auc: Some(&auc),
        issuer_country: Some(&ic),
        effective_date: Some(&eff),
        expiration_date: Some(&exp),
    };
    processing_restrictions(&card_data, &rctx, &mut tvr).unwrap();
    assert_eq!(up(&tvr.0), "8000000000");

    // CVM: offline PIN (b7 set) → try limit exceeded → signature.
    let cvm_list = hex("00000000 00000000 4103 1E03 1F03");
    let cctx = CvmContext {
        aip,
        capabilities: TerminalCapabilities(hex("E0F8C8").try_into().unwrap()),
        terminal_type: TerminalType(0x22),
        transaction_type: TransactionType::PURCHASE,
        amount: 5500,
        transaction_currency: 840,
        application_currency: Some(840),
        pin_try_counter: Some(1),
    };
    let c = cardholder_verification(Some(&cvm_list), &cctx, &mut Ped, tvr, tsi).unwrap();
    (tvr, tsi) = (c.tvr, c.tsi);
    assert_eq!(up(&c.results.bytes()), "1E0300");
    assert!(c.signature_required);
    assert_eq!((up(&tvr.0), up(&tsi.0)), ("8000200000".into(), "4000".into()));

    // TRM: amount 5500, FL 10000, THR 1000, TP 10, MTP 90, R = 50 (TTP 50) → selected;
    // ATC 1234 − LOATC 1215 = 19 > LCOL 18 → B4b7.
    let cfg = TrmConfig::new(
        10_000,
        Some(RandomSelection { threshold: 1000, target_percent: 10, max_target_percent: 90 }),
    )
    .unwrap();
    let input = TrmInput {
        pan: &pan,
        psn: Some(1),
        amount: 5500,
        aip,
        lcol: Some(18),
        ucol: Some(52),
        online_capable: true,
        merchant_forced_online: false,
        log: &[],
    };
    let none: &[(&[u8], Option<u8>)] = &[];
    let mut rng = R50;
    let o = card.run(&mut TerminalRiskManagement::new(cfg, input, &mut rng, none, tvr, tsi));
    (tvr, tsi) = (o.tvr, o.tsi);
    assert_eq!((up(&tvr.0), up(&tsi.0)), ("8000205000".into(), "4800".into()));

    // TAA: IACs absent (online FF) → ARQC.
    let iac = ActionCodes::issuer(None, None, None).unwrap();
    let tac = ActionCodes::terminal(None, None, None);
    let (kind, _) = terminal_action_analysis(&tvr, &iac, &tac, OnlineCapability::OnlineCapable);
    assert_eq!(kind, CryptogramType::Arqc);

    // GENERATE AC 1 with CDOL1 = 9F02 06 9F37 04.
    let cdol1 = hex("9F0206 9F3704");
    let g = card.run(&mut GenerateAc::new(Which::First, kind, false, &cdol1, &Src, tsi));
    tsi = g.tsi;
    assert_eq!(g.decision.cryptogram, CryptogramType::Arqc);
    assert_eq!(up(&tsi.0), "6800");

    // Online response: 91 and one 71 script.
    let online = hex("910A3AF5C1F3A54B8A2E3030 710E 9F180400000001 8605 841E000000");
    let arpc = &online[2..12];
    let s = card.run(&mut IssuerAuthentication::new(aip, Some(arpc), tvr, tsi));
    (tvr, tsi) = (s.tvr, s.tsi);
    let script = scripts(&online).next().unwrap();
    let r = card.run(&mut ScriptProcessing::new(script, tvr, tsi));
    (tvr, tsi) = (r.status.tvr, r.status.tsi);
    assert_eq!(up(&r.result.bytes()), "2000000001");
    assert_eq!((up(&tvr.0), up(&tsi.0)), ("8000205000".into(), "7C00".into()));

    assert_eq!(
        card.sent,
        [
            "80CA9F3600",
            "80CA9F1300",
            "80AE80000A00000000550052BF458500",
            "008200000A3AF5C1F3A54B8A2E3030",
            "841E000000",
        ]
    );
}
