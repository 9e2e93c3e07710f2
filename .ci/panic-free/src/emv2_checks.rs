//! Issue 6 (part 2) entry points: the EMV backend cryptography (master key derivation, cryptogram
//! input layouts, ARQC verification, ARPC), CVM list evaluation, processing restrictions, action
//! codes and card action analysis, terminal risk management (GET DATA answers), issuer
//! authentication and issuer scripts, CA key loading.
//!
//! Not linked here (each keeps a panic path this check finds):
//! - the RSA public operation and everything built on it (ODA recovery, SDA/DDA/CDA): the
//!   `crypto-bigint` 0.7.11 reduction code (`Uint::rem`, `square_mod`, `FixedMontyParams::new`)
//!   keeps panic paths the optimiser cannot remove. With `public_op` stubbed out (scratch build,
//!   not committed), `oda::{CaPublicKey::new, recover_issuer_key, verify_ssad, recover_icc_key,
//!   verify_sdad, verify_cda}` link panic-free, so only the dependency blocks them;
//! - the GENERATE AC and DDA phases and the TC hash: they build DOL data with
//!   `payproto_emv::dol::build`, whose `fit` keeps `copy_from_slice` length-mismatch paths once
//!   its output is used (the existing `emv_checks` discards the output, so the optimiser drops
//!   the writes). Covered by tests and, later, fuzz targets instead.

use payproto_crypto::Key;
use payproto_crypto::emv::{self, ArpcInput, Card, CryptogramData, Cvn};
use payproto_emv::apdu::GenAcResponse;
use payproto_emv::data::{
    AdditionalTerminalCapabilities, Aip, Country, CryptogramType, Date, TerminalCapabilities, TerminalType,
    TransactionType, Tsi, Tvr,
};
use payproto_emv::kernel::{Phase, cvm, issuer, oda, restrictions, taa, trm};

struct Ped;
impl cvm::PinEntryDevice for Ped {
    fn perform(&mut self, _kind: cvm::PinKind) -> cvm::PinOutcome {
        core::hint::black_box(cvm::PinOutcome::Failed)
    }
}

struct Rng;
impl trm::TrmRng for Rng {
    fn next_u32(&mut self) -> u32 {
        core::hint::black_box(7)
    }
}

pub fn run(input: fn() -> &'static [u8], sink: fn(usize)) {
    let mut out = [0u8; 300];
    if let Ok(k) = Key::tdes(input()) {
        let card = Card { pan: input(), psn: input().first().copied() };
        sink(usize::from(emv::derive_icc_mk_a(&k, &card).is_ok()));
        sink(usize::from(emv::derive_icc_mk_b(&k, &card).is_ok()));
        let d = CryptogramData {
            amount_authorised: [0; 6],
            amount_other: [0; 6],
            terminal_country: [0; 2],
            tvr: [0; 5],
            currency: [0; 2],
            date: [0; 3],
            transaction_type: 0,
            unpredictable_number: [0; 4],
            aip: [0; 2],
            atc: [0; 2],
            iad: input(),
        };
        sink(d.write(Cvn::Mastercard16, &mut out).map_or(0, |n| n));
        sink(usize::from(emv::verify_arqc(&k, Cvn::Visa10, &card, &d, input()).is_ok()));
        let m2 = ArpcInput::Method2 { csu: [0; 4], proprietary: input() };
        sink(usize::from(emv::generate_arpc(&k, Cvn::Visa18, &card, [0; 2], [0; 4], &[0; 8], m2).is_ok()));
    }
    let today = Date { yy: 26, month: 1, day: 1 };
    let checksum = [0u8; 20];
    sink(usize::from(oda::CaPublicKey::new([0; 5], 1, input(), input(), &checksum, today, false).is_ok()));

    let ctx = cvm::CvmContext {
        aip: Aip([0x10, 0]),
        capabilities: TerminalCapabilities([0xE0, 0xF8, 0xC8]),
        terminal_type: TerminalType(0x22),
        transaction_type: TransactionType(0),
        amount: 5,
        transaction_currency: 1,
        application_currency: Some(1),
        pin_try_counter: input().first().copied(),
    };
    sink(usize::from(
        cvm::cardholder_verification(Some(input()), &ctx, &mut Ped, Tvr::default(), Tsi::default()).is_ok(),
    ));

    let rctx = restrictions::RestrictionsContext {
        terminal_app_version: [0; 2],
        terminal_country: Country(840),
        terminal_type: TerminalType(0x22),
        additional_capabilities: AdditionalTerminalCapabilities([0; 5]),
        transaction_type: TransactionType(0),
        purchase: restrictions::Purchase { goods: true, services: true },
        amount_other: 0,
        transaction_date: today,
    };
    let card = restrictions::CardRestrictionsData {
        app_version: Some(input()),
        auc: Some(input()),
        issuer_country: Some(input()),
        effective_date: Some(input()),
        expiration_date: Some(input()),
    };
    let mut tvr = Tvr::default();
    sink(usize::from(restrictions::processing_restrictions(&card, &rctx, &mut tvr).is_ok()));

    if let Ok(r) = GenAcResponse::parse(input()) {
        sink(usize::from(
            taa::card_action_analysis(CryptogramType::Tc, true, &r, &mut Tsi::default()).is_ok(),
        ));
    }
    sink(usize::from(taa::ActionCodes::issuer(Some(input()), Some(input()), Some(input())).is_ok()));

    if let Ok(cfg) = trm::TrmConfig::new(10, None) {
        let none: &[(&[u8], Option<u8>)] = &[];
        let i = trm::TrmInput {
            pan: input(),
            psn: None,
            amount: 1,
            aip: Aip([0x08, 0]),
            lcol: Some(1),
            ucol: Some(2),
            online_capable: true,
            merchant_forced_online: false,
            log: &[],
        };
        let mut rng = Rng;
        let mut p = trm::TerminalRiskManagement::new(cfg, i, &mut rng, none, Tvr::default(), Tsi::default());
        sink(usize::from(p.start(&mut out).is_ok()));
        sink(usize::from(p.on_response(input(), &mut out).is_ok()));
        sink(usize::from(p.on_response(input(), &mut out).is_ok()));
    }

    for s in issuer::scripts(input()) {
        let mut p = issuer::ScriptProcessing::new(s, Tvr::default(), Tsi::default());
        sink(usize::from(p.start(&mut out).is_ok()));
        sink(usize::from(p.on_response(input(), &mut out).is_ok()));
        sink(usize::from(p.on_response(input(), &mut out).is_ok()));
    }
    let mut ia =
        issuer::IssuerAuthentication::new(Aip([0x04, 0]), Some(input()), Tvr::default(), Tsi::default());
    sink(usize::from(ia.start(&mut out).is_ok()));
    sink(usize::from(ia.on_response(input(), &mut out).is_ok()));
    sink(out.iter().map(|b| usize::from(*b)).sum::<usize>());
}
