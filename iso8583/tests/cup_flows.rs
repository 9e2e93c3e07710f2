//! Typed UnionPay POS flows (`payproto_iso8583::cup`) against published samples and
//! independent tools.
//!
//! Sources:
//! - O-1: neil-pan-s/j-iso8583 @ 5f4a91b2, test/utils/spec.js — CUP 0210 sale response
//!   (reference iso8583.md §8; values as stated there).
//! - O-2: vfwz/iso8583-parser @ 8edb3231, src/test/java/cn/vfwz/PosMessageTest.java — sign-in
//!   0800/0810 and pay 0210 (values stated in reference §8).
//! - O-3/O-4: yangyongzhen/Easy8583Ans @ 62fbbb41, My8583Ans.java — CUP 0200 qPBOC sale with
//!   MAC `B7133B57` under MAK `313215FDA2C4AB4C`.
//! - Key download: `tests/vectors/cup_signon_keys.json`, computed by Python `cryptography`
//!   (`tests/diff/cup_signon_vectors.py`).
//! - Second decoder: pyiso8583 with the CUP spec dict of `tests/diff/cup_check.py`.
#![cfg(feature = "crypto")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_crypto::Key;
use payproto_iso8583::cup::{
    Action, Card, EntryMode, FlowErrorKind, NetMgmt, Original, PanEntry, ParamRecords, Request, Response,
    ResponseCode, ReversalReason, ScanScheme, Terminal, Totals, TxnType, classify_scan_code,
};
use payproto_iso8583::{Fields, pack, specs::CUP_POS, unpack};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}
fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

const O1: &str = "60000300006031000110010210703E00810AD0801316622609780693838800000000000000000100108215343812014912120100084852331032393039383331353334333830303030303030303236383532333331303539393830303732223033303830303030202020343835323030303020202031353600142200001500050100034355508888888888888888";
const O3: &str = "0118600501000061310031110802007024068020C08211196210810840003424940000000000000000000100002027060720000100376210810840003424940D27062207001000100F373337383232313438393834313133343133313030313431353601649F2608ED1D6BA78357FB259F2701809F101307010103A00000010A0100000000003B1637329F3704591D37169F360201C0950500000000009A031807119C01009F02060000000000015F2A02015682027C009F1A0201569F03060000000000009F3303E0E1C89F34030200009F3501229F1E0830303030303030308408A0000003330101019F0902008C9F4104000000209F6310303130353030303000000000000000000013220007570006004237313333423537";
const SIGNIN_REQUEST: &str = "600003000060310031010008000020000000C408120000783130303136393139383433323930303435383230303042004750493034323034303230323035313430303030323430323130363837303030303030313038303856302E302E332E30040000000000000000110000072600500003303120";
const SIGNIN_RESPONSE: &str = "60000300006031003101000810003800010AC401140000781415440824080306290030303030303030303030303030303130303136393139383433323930303435383230303042004750493034323034303230323035313430303030323430323130363837303030303030313038303856302E302E332E300004B3C9B9A6001100000727011000571CD7E77C6ABCE8DE71C54E43103F3691A5827EE743CC37DD604094AF22746A4BD094F7D626E95138BC549EE4AA89E70E2CFA5B77D3F84D06F7";
const PAY_RESPONSE: &str = "60000300006031003101000210703E02810EF08B31166224242300000069000000000000001111000079141556082400000824000000084843166558303030303430303237363136353038353230303130303136393139383433313636353538313230303041BAD3C4CFCAA1D2F8C2A1D0C5CFA2BCBCCAF5D3D0CFDEB9ABCBBE20202020202020202020202020202230333039202020202020203438343320202020202020313536240000000000000001459F260846FD62985CAAE7589F2701809F101307011703A00000010A0100000500001EF41C469F37049536C9B89F36020C66950500000000009A032208249C01009F02060000000011115F2A02015682027C009F1A0201569F03060000000000009F330360E9C89F34030000009F3501229F1E0831323334353637388408A0000003330101029F090200309F410400000001000730302BB3C9B9A6011445463031333336383734373437303733334132463246373036313739324536423634363232443734364132453633364636443246363833353644363537323633363836313645373445463032313843394138433245424338434644364134434345314339464442444531434245334236454500172200072700060007004246314136464335";

fn vfwz_terminal() -> Terminal {
    Terminal {
        header: hex("6000030000603100310100").try_into().unwrap(),
        tid: *b"10016919",
        mid: *b"84329004582000B",
    }
}

/// O-1: the 0210 sale response through the response parser to the values of reference §8.
#[test]
fn o1_sale_response() {
    let b = hex(O1);
    let r = Response::parse_for(*b"0200", &b).unwrap();
    assert_eq!(r.mti(), *b"0210");
    assert_eq!(r.response_code().unwrap(), ResponseCode::APPROVED);
    assert!(r.response_code().unwrap().is_approved());
    assert_eq!(r.stan().unwrap(), 1082);
    assert_eq!(r.amount().unwrap(), 1);
    assert_eq!(&r.rrn().unwrap(), b"290983153438");
    assert_eq!(&r.tid().unwrap(), b"00000026");
    assert_eq!(&r.mid().unwrap(), b"852331059980072");
    // 60 = `22000015000501`: sale, batch 000015, 60.3 000, read capability 5, IC condition 0.
    let f60 = r.f60().unwrap();
    assert_eq!(f60.txn_type, TxnType::Sale);
    assert_eq!(f60.batch, 15);
    assert_eq!(f60.net_mgmt, NetMgmt::Financial);
    assert_eq!(f60.read_capability, Some(5));
    assert_eq!(f60.ic_condition, Some(0));
    // O-1 carries a dummy MAC `88…88`: it must not verify.
    let e = r.verify_mac(&Key::tdes(&hex("313215FDA2C4AB4C")).unwrap()).unwrap_err();
    assert_eq!(e.kind, FlowErrorKind::MacMismatch);
    // Not an answer to a sign-on.
    assert_eq!(Response::parse_for(*b"0800", &b).err().unwrap().kind, FlowErrorKind::UnexpectedMti);
}

/// O-2 SIGNIN_RESPONSE: 0810, 11=000078, 37=000000000000, 39=00, 41=10016919,
/// 42=84329004582000B, 60=00000727011 (new batch 000727, 60.3 011), 62 = 57 bytes.
#[test]
fn o2_sign_on_response() {
    let b = hex(SIGNIN_RESPONSE);
    let r = Response::parse_for(*b"0800", &b).unwrap();
    assert_eq!(r.response_code().unwrap(), ResponseCode::APPROVED);
    assert_eq!(r.stan().unwrap(), 78);
    assert_eq!(&r.rrn().unwrap(), b"000000000000");
    assert_eq!(&r.tid().unwrap(), b"10016919");
    assert_eq!(&r.mid().unwrap(), b"84329004582000B");
    let f60 = r.f60().unwrap();
    assert_eq!(f60.txn_type, TxnType::Management);
    assert_eq!(f60.batch, 727);
    assert_eq!(f60.net_mgmt, NetMgmt::Other(11));
    assert_eq!(r.f62().unwrap().len(), 57);
    // 57 bytes is none of the 24/40/60 layouts: the key download refuses it (no TMK is public).
    let tmk = Key::tdes(&[0x11; 16]).unwrap();
    assert_eq!(r.working_keys(&tmk).unwrap_err().kind, FlowErrorKind::KeyCheckFailed);
}

/// O-2 SIGNIN_REQUEST: the sign-on builder reproduces the published 0800 byte for byte
/// (11=000078, 41, 42, 60=00000726005, 63=`01 `, plus the acquirer's DE 46 and DE 53).
#[test]
fn o2_sign_on_request_byte_exact() {
    let de46 = b"PI0420402020514000024021068700000010808V0.0.3.0";
    let req = Request::sign_on(&vfwz_terminal(), 78, 726, NetMgmt::Other(5), *b"01 ")
        .unwrap()
        .with_field(46, de46)
        .unwrap()
        .with_field(53, b"0400000000000000")
        .unwrap();
    assert!(!req.needs_mac());
    let mut out = [0u8; 256];
    let n = req.pack(&mut out).unwrap();
    assert_eq!(to_hex(&out[..n]), SIGNIN_REQUEST);
}

/// O-3/O-4: the sale builder with the sample's card data and MAK `313215FDA2C4AB4C` reproduces
/// the published 0200 byte for byte, MAC `B7133B57` included.
#[test]
fn o3_sale_request_byte_exact_with_mac() {
    let all = hex(O3);
    let body = &all[2..];
    let m = unpack(&CUP_POS, body).unwrap();
    let icc: Vec<u8> = m.field(55).unwrap().raw.to_vec();
    let term = Terminal {
        header: hex("6005010000613100311108").try_into().unwrap(),
        tid: *b"73782214",
        mid: *b"898411341310014",
    };
    let card = Card {
        entry: Some(EntryMode { pan: PanEntry::Contactless, pin: false }),
        pan: Some(b"6210810840003424940"),
        expiry: Some(*b"2706"),
        sequence: Some(*b"001"),
        track2: Some(b"6210810840003424940D27062207001000100"),
        icc: Some(&icc),
        ..Card::default()
    };
    let req = Request::sale(&term, 20, 757, 1, &card).unwrap();
    assert!(req.needs_mac());
    let mak = Key::tdes(&hex("313215FDA2C4AB4C")).unwrap();
    let mut out = [0u8; 512];
    let n = req.pack_with_mac(&mak, &mut out).unwrap();
    assert_eq!(&out[..n], body);
    assert_eq!(&out[n - 8..n], b"B7133B57");
}

/// O-2 PAY_RESPONSE: 0210, 4=000000001111, 11=000079, 37=X00004002761, 38=650852, 39=00,
/// 60=22000727000600070.
#[test]
fn o2_pay_response() {
    let b = hex(PAY_RESPONSE);
    let r = Response::parse_for(*b"0200", &b).unwrap();
    assert_eq!(r.amount().unwrap(), 1111);
    assert_eq!(r.stan().unwrap(), 79);
    assert_eq!(&r.rrn().unwrap(), b"X00004002761");
    assert_eq!(&r.auth_code().unwrap(), b"650852");
    assert!(r.response_code().unwrap().is_approved());
    let f60 = r.f60().unwrap();
    assert_eq!((f60.txn_type, f60.batch, f60.net_mgmt), (TxnType::Sale, 727, NetMgmt::Financial));
    assert_eq!((f60.read_capability, f60.ic_condition), (Some(6), Some(0)));
}

fn vectors() -> serde_json::Value {
    serde_json::from_str(include_str!("vectors/cup_signon_keys.json")).unwrap()
}

/// An 0810 carrying `f62`, packed by the codec.
fn sign_on_response(f62: &[u8], rc: &[u8; 2], nmc: &[u8]) -> Vec<u8> {
    let header = hex("6000000003603100310100");
    let mut f60 = b"00000728".to_vec();
    f60.extend_from_slice(nmc);
    let mut f = Fields::new(*b"0810").with_header(&header);
    f.set(11, b"000001").set(37, b"123456789012").set(39, rc).set(41, b"10016919");
    f.set(42, b"84329004582000B").set(60, &f60).set(62, f62);
    let mut out = vec![0u8; 256];
    let n = pack(&CUP_POS, &f, &mut out).unwrap();
    out.truncate(n);
    out
}

/// Key download: F62 layouts 001/003/004 and SM4 from the `cryptography` vectors decrypt to
/// the clear keys; every KCV is checked; a flipped KCV or key byte is rejected.
#[test]
fn sign_on_working_keys_from_independent_vectors() {
    let v = vectors();
    let h = |k: &str| hex(v[k].as_str().unwrap());
    let tmk = Key::tdes(&h("tmk")).unwrap();
    for (name, nmc, with_tdk, klen) in
        [("f62_001", b"001", false, 8), ("f62_003", b"003", false, 16), ("f62_004", b"004", true, 16)]
    {
        let msg = sign_on_response(&h(name), b"00", nmc);
        let r = Response::parse_for(*b"0800", &msg).unwrap();
        assert_eq!(r.f60().unwrap().batch, 728);
        assert_eq!(r.f60().unwrap().net_mgmt.key_block_len(), Some(h(name).len()), "{name}");
        let keys = r.working_keys(&tmk).unwrap();
        assert_eq!(keys.pin.as_bytes(), &h("pik")[..klen], "{name}");
        assert_eq!(keys.mac.as_bytes(), &h("mak")[..klen], "{name}");
        assert_eq!(keys.data.as_ref().map(|k| k.as_bytes().to_vec()), with_tdk.then(|| h("tdk")), "{name}");
        // Bad KCV (last byte of the MAK's check value) and bad key byte.
        for flip in [h(name).len() - 1, 0] {
            let mut bad = h(name);
            if name == "f62_004" && flip != 0 {
                bad[39] ^= 1; // the MAK's KCV
            } else {
                bad[flip] ^= 1;
            }
            let msg = sign_on_response(&bad, b"00", nmc);
            let e = Response::parse(&msg).unwrap().working_keys(&tmk).unwrap_err();
            assert_eq!(e.kind, FlowErrorKind::KeyCheckFailed, "{name} flip {flip}");
            assert_eq!(e.path.de(), Some(62));
        }
    }
    // SM4 (UnionPay national algorithms): 60-byte F62 under an SM4 TMK.
    let sm4_tmk = Key::new(payproto_crypto::Algorithm::Sm4, &h("sm4_tmk")).unwrap();
    let msg = sign_on_response(&h("f62_sm4"), b"00", b"004");
    let keys = Response::parse(&msg).unwrap().working_keys(&sm4_tmk).unwrap();
    assert_eq!(keys.pin.as_bytes(), &h("pik")[..]);
    assert_eq!(keys.mac.as_bytes(), &h("mak")[..]);
    assert_eq!(keys.data.unwrap().as_bytes(), &h("tdk")[..]);
    let mut bad = h("f62_sm4");
    bad[19] ^= 0x80;
    let msg = sign_on_response(&bad, b"00", b"004");
    assert_eq!(
        Response::parse(&msg).unwrap().working_keys(&sm4_tmk).unwrap_err().kind,
        FlowErrorKind::KeyCheckFailed
    );
    // A declined sign-on yields no keys.
    let msg = sign_on_response(&h("f62_003"), b"97", b"003");
    let r = Response::parse(&msg).unwrap();
    assert_eq!(r.response_code().unwrap().action(), Action::Terminal);
    assert!(r.working_keys(&tmk).is_err());
}

fn test_terminal() -> Terminal {
    Terminal {
        header: hex("6000030000603100310100").try_into().unwrap(),
        tid: *b"12345678",
        mid: *b"123456789012345",
    }
}

/// A 0210-style answer packed by the codec with the MAC computed by `mac::pack_with_mac`.
fn answer(mti: &[u8; 4], rc: &[u8; 2], mak: &Key) -> Vec<u8> {
    let header = hex("6000000003603100310100");
    let mut f = Fields::new(*mti).with_header(&header);
    f.set(3, b"000000").set(4, b"000000000100").set(11, b"000123").set(37, b"000111222333");
    f.set(39, rc).set(41, b"12345678").set(42, b"123456789012345").set(60, b"22000001000");
    let mut out = vec![0u8; 256];
    let n = payproto_iso8583::mac::pack_with_mac(&CUP_POS, &f, mak, &mut out).unwrap();
    out.truncate(n);
    out
}

/// MAC mismatch detected (the terminal's reversal reason `A0`); `25` maps to "original
/// transaction not found".
#[test]
fn mac_mismatch_and_original_not_found() {
    let mak = Key::tdes(&hex("313215FDA2C4AB4C")).unwrap();
    let good = answer(b"0210", b"00", &mak);
    Response::parse(&good).unwrap().verify_mac(&mak).unwrap();
    let mut bad = good.clone();
    let last_amount_digit = bad.len() - 1 - 8 - 20; // inside the fields, before DE 64
    bad[last_amount_digit] ^= 0x01;
    let e = Response::parse(&bad).unwrap().verify_mac(&mak).unwrap_err();
    assert_eq!(e.kind, FlowErrorKind::MacMismatch);
    assert_eq!(e.path.de(), Some(64));
    let other = Key::tdes(&hex("0123456789ABCDEF")).unwrap();
    assert_eq!(
        Response::parse(&good).unwrap().verify_mac(&other).unwrap_err().kind,
        FlowErrorKind::MacMismatch
    );
    assert_eq!(ResponseCode::MAC_ERROR.action(), Action::Terminal);
    assert_eq!(ResponseCode(*b"A0").meaning(), Some("MAC error (re-sign-on)"));

    let nf = answer(b"0210", b"25", &mak);
    let rc = Response::parse(&nf).unwrap().response_code().unwrap();
    assert_eq!(rc, ResponseCode::ORIGINAL_NOT_FOUND);
    assert_eq!(rc.meaning(), Some("original transaction not found"));
    assert!(!rc.is_approved());
    for (code, action) in
        [(b"51", Action::Decline), (b"55", Action::Retry), (b"75", Action::PickUp), (b"ZZ", Action::Decline)]
    {
        assert_eq!(ResponseCode(*code).action(), action);
    }
}

/// (name, request, expected (DE, value) pairs).
type Case<'a> = (&'static str, Request<'a>, Vec<(u32, &'static str)>);

/// DE 48 of the 0500 for debits 123.45 ×3, credits 1.00 ×1, no foreign cards (reference §7.1:
/// debit amount N12, debit count N3, credit amount N12, credit count N3, result N1; then foreign).
const D48_REQUEST: &str = concat!(
    "000000012345",
    "003",
    "000000000100",
    "001",
    "0",
    "000000000000",
    "000",
    "000000000000",
    "000",
    "0"
);

/// Every builder's output decodes by the codec and by pyiso8583 (tests/diff/cup_check.py) to
/// the values put in.
#[test]
fn builders_round_trip_through_codec_and_pyiso8583() {
    use std::io::Write;
    let t = test_terminal();
    let mak = Key::tdes(&hex("313215FDA2C4AB4C")).unwrap();
    let pin = [0x11u8; 8];
    let icc = hex("9F2608ED1D6BA78357FB259F270180");
    let swipe = Card {
        entry: Some(EntryMode { pan: PanEntry::Swipe, pin: true }),
        track2: Some(b"6226097806938388D49121011234"),
        pin_block: Some(&pin),
        ..Card::default()
    };
    let chip = Card {
        entry: Some(EntryMode { pan: PanEntry::Chip, pin: false }),
        pan: Some(b"6226097806938388"),
        sequence: Some(*b"001"),
        icc: Some(&icc),
        ..Card::default()
    };
    let qr = Card {
        entry: Some(EntryMode { pan: PanEntry::Scanned, pin: false }),
        scanned: Some(b"6212345678901234567"),
        ..Card::default()
    };
    let orig = Original {
        batch: 1,
        stan: 123,
        date: Some(*b"1124"),
        rrn: Some(*b"000111222333"),
        auth_code: Some(*b"654321"),
    };
    let totals = Totals {
        debit_amount: 12345,
        debit_count: 3,
        credit_amount: 100,
        credit_count: 1,
        ..Totals::default()
    };
    let sale = Request::sale(&t, 2, 1, 100, &swipe).unwrap();
    // (name, request, expected (DE, value) pairs)
    let cases: Vec<Case<'_>> = vec![
        (
            "sign_on",
            Request::sign_on(&t, 1, 1, NetMgmt::SignOnDouble, *b"01 ").unwrap(),
            vec![(11, "000001"), (60, "00000001003"), (63, "01 ")],
        ),
        (
            "sale",
            sale,
            vec![
                (3, "000000"),
                (4, "000000000100"),
                (22, "021"),
                (25, "00"),
                (26, "12"),
                (35, "6226097806938388D49121011234"),
                (49, "156"),
                (60, "2200000100020"),
            ],
        ),
        (
            "void",
            Request::void(&t, 3, 1, 100, &swipe, &orig).unwrap(),
            vec![
                (3, "200000"),
                (37, "000111222333"),
                (38, "654321"),
                (60, "2300000100020"),
                (61, "000001000123"),
            ],
        ),
        (
            "refund",
            Request::refund(&t, 4, 1, 100, &chip, &orig).unwrap(),
            vec![(3, "200000"), (22, "052"), (23, "001"), (60, "2500000100060"), (61, "0000010001231124")],
        ),
        (
            "pre_auth",
            Request::pre_auth(&t, 5, 1, 5000, &chip).unwrap(),
            vec![(3, "030000"), (25, "06"), (60, "1000000100060")],
        ),
        (
            "pre_auth_completion",
            Request::pre_auth_completion(&t, 6, 1, 4000, &chip, &orig).unwrap(),
            vec![(3, "000000"), (25, "06"), (38, "654321"), (60, "2000000100060"), (61, "0000000000001124")],
        ),
        (
            "pre_auth_void",
            Request::pre_auth_void(&t, 7, 1, 5000, &chip, &orig).unwrap(),
            vec![(3, "200000"), (25, "06"), (60, "1100000100060")],
        ),
        (
            "pre_auth_completion_void",
            Request::pre_auth_completion_void(&t, 18, 1, 4000, &chip, &orig).unwrap(),
            vec![
                (3, "200000"),
                (25, "06"),
                (37, "000111222333"),
                (60, "2100000100060"),
                (61, "000001000123"),
            ],
        ),
        (
            "balance",
            Request::balance_inquiry(&t, 8, 1, &swipe).unwrap(),
            vec![(3, "310000"), (60, "0100000100020")],
        ),
        (
            "reversal",
            Request::reversal(&sale, ReversalReason::NoResponse, None, None),
            vec![(39, "98"), (3, "000000"), (11, "000002")],
        ),
        (
            "reversal_card_declined",
            Request::reversal(
                &Request::sale(&t, 9, 1, 100, &chip).unwrap(),
                ReversalReason::CardDeclined,
                Some(*b"654321"),
                None,
            )
            .repeat(),
            vec![(39, "06"), (38, "654321")],
        ),
        (
            "tc_upload",
            Request::tc_upload(&t, 10, 1, 100, &chip, &orig).unwrap(),
            vec![(60, "00000001203"), (61, "000001000123")],
        ),
        (
            "offline_advice",
            Request::offline_advice(&t, 11, 1, 100, &chip).unwrap(),
            vec![(60, "3000000100060")],
        ),
        (
            "script_result",
            Request::script_result(&t, 12, 1, 100, &chip, &orig).unwrap(),
            vec![(60, "00000001951"), (61, "0000010001231124")],
        ),
        (
            "batch_upload",
            Request::batch_upload(&t, 13, 1, NetMgmt::BatchUploadEnd, None, &Card::default(), Some(7))
                .unwrap(),
            vec![(48, "0007"), (60, "00000001207")],
        ),
        (
            "settlement",
            Request::settlement(&t, 14, 1, &totals, *b"01 ").unwrap(),
            vec![(48, D48_REQUEST), (60, "00000001201"), (49, "156")],
        ),
        ("echo", Request::echo(&t, 15, 1).unwrap(), vec![(60, "00000001301")]),
        (
            "download_ca",
            Request::download(
                &t,
                16,
                1,
                NetMgmt::CaKeyDownload,
                Some(&[0x9F, 0x06, 0x05, 0xA0, 0, 0, 3, 0x33, 0x9F, 0x22, 1, 2]),
            )
            .unwrap(),
            vec![(60, "00000001370"), (62, "9F0605A0000003339F220102")],
        ),
        (
            "qr_sale",
            Request::sale(&t, 17, 1, 100, &qr).unwrap(),
            vec![(22, "032"), (59, "6212345678901234567")],
        ),
    ];
    let mut input = serde_json::Map::new();
    let mut packed = Vec::new();
    for (name, req, expect) in &cases {
        let mut out = [0u8; 512];
        let n = if req.needs_mac() { req.pack_with_mac(&mak, &mut out) } else { req.pack(&mut out) }.unwrap();
        let bytes = out[..n].to_vec();
        let m = unpack(&CUP_POS, &bytes).unwrap();
        assert_eq!(m.mti(), req.mti(), "{name}");
        for (de, v) in expect {
            let got: Vec<u8> =
                m.field(*de as usize).unwrap_or_else(|| panic!("{name} DE {de}")).canonical().collect();
            let got = if *de == 62 { to_hex(&got) } else { String::from_utf8(got).unwrap() };
            assert_eq!(got, *v, "{name} DE {de}");
        }
        assert_eq!(m.mac().is_some(), req.needs_mac(), "{name}");
        if req.needs_mac() {
            payproto_iso8583::mac::verify(&m, &mak).unwrap();
        }
        input.insert(name.to_string(), serde_json::Value::String(to_hex(&bytes)));
        packed.push((name, bytes, expect));
    }
    let case = |n: &str| &cases.iter().find(|c| c.0 == n).unwrap().1;
    assert_eq!(case("reversal_card_declined").mti(), *b"0401");
    assert_eq!(case("reversal").mti(), *b"0400");
    assert!(case("sale").fields().get(52).is_some());
    assert!(case("reversal").fields().get(52).is_none(), "no PIN in a reversal");

    let mut child = std::process::Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/diff/cup_check.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("needs python3 with pyiso8583 (pip install pyiso8583): {e}"));
    child.stdin.take().unwrap().write_all(serde_json::Value::Object(input).to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "cup_check.py failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (name, bytes, expect) in &packed {
        let theirs = &doc[**name];
        let m = unpack(&CUP_POS, bytes).unwrap();
        assert_eq!(theirs["mti"], m.mti_str(), "{name}");
        assert_eq!(theirs["fields"].as_object().unwrap().len(), m.fields().count(), "{name}");
        for (de, v) in expect.iter() {
            assert_eq!(theirs["fields"][de.to_string()], *v, "{name} DE {de} (pyiso8583)");
        }
    }
}

/// Settlement answer: DE 48 result digits `1` (balanced) / `2` (not balanced), reference §7.1.
#[test]
fn settlement_response() {
    let mak = Key::tdes(&hex("313215FDA2C4AB4C")).unwrap();
    let header = hex("6000000003603100310100");
    for (d48, balanced) in [
        // domestic: debit 000000012345 / 003, credit 000000000100 / 001, result; foreign: zeros, result.
        (
            concat!("000000012345", "003", "000000000100", "001", "1", "000000000000000000000000000000", "1"),
            true,
        ),
        (
            concat!("000000012345", "003", "000000000100", "001", "2", "000000000000000000000000000000", "1"),
            false,
        ),
    ] {
        let mut f = Fields::new(*b"0510").with_header(&header);
        f.set(11, b"000014").set(39, b"00").set(41, b"12345678").set(42, b"123456789012345");
        f.set(48, d48.as_bytes()).set(60, b"00000001201");
        let mut out = vec![0u8; 256];
        let n = payproto_iso8583::mac::pack_with_mac(&CUP_POS, &f, &mak, &mut out).unwrap();
        let r = Response::parse_for(*b"0500", &out[..n]).unwrap();
        r.verify_mac(&mak).unwrap();
        assert_eq!(r.settlement().unwrap().balanced(), balanced);
    }
}

/// Parameter-download DE 62: status byte then BER-TLV (our reading, see `ParamRecords`).
#[test]
fn param_records() {
    let f62 = hex("31 9F0605A000000333 9F220102 DF0504 20301231 DF0281 03 AABBCC");
    let p = ParamRecords::parse(&f62).unwrap();
    assert!(!p.more());
    let items: Vec<(u16, Vec<u8>)> = p.map(|t| t.unwrap()).map(|t| (t.tag, t.value.to_vec())).collect();
    assert_eq!(
        items,
        [
            (0x9F06, hex("A000000333")),
            (0x9F22, hex("02")),
            (0xDF05, hex("20301231")),
            (0xDF02, hex("AABBCC")),
        ]
    );
    let trunc = hex("32 9F0605A0000003");
    let p = ParamRecords::parse(&trunc).unwrap();
    assert!(p.more());
    let r: Vec<_> = p.collect();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].unwrap_err().kind, FlowErrorKind::BadValue);
}

/// Consumer payment codes by prefix and length (rules documented on `ScanScheme`).
#[test]
fn scanned_codes() {
    for (code, want) in [
        (&b"6212345678901234567"[..], Some(ScanScheme::UnionPay)),
        (b"621234567890123456", None),
        (b"2812345678901234", Some(ScanScheme::Alipay)),
        (b"301234567890123456789012", Some(ScanScheme::Alipay)),
        (b"3012345678901234567890123", None),
        (b"311234567890123456", None),
        (b"134567890123456789", Some(ScanScheme::WeChat)),
        (b"16456789012345678", None),
        (b"13456789012345678A", None),
        (b"", None),
    ] {
        assert_eq!(classify_scan_code(code), want, "{}", String::from_utf8_lossy(code));
    }
}
