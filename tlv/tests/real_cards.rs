//! Real card responses decoded to their trees.
//!
//! Sources (status words stripped; expected trees written by hand from the bytes and checked
//! against the tag structure EMV Book 1 §11/12 and Book 3 Annex A give for each template):
//! - devnied/EMV-NFC-Paycard-Enrollment `library/src/test/resources/data/VisaCardPse` (Apache-2.0):
//!   PSE FCI, directory record, application FCI with FCI issuer discretionary data, GPO format 1,
//!   a track record with `FF` bytes inside values, GET DATA answers, log format DOL.
//! - binaryfoo/emv-bertlv `src/test/resources/cases/contact-upi-in.txt` (MIT), as reproduced in
//!   devnied `UnionPayPseDirectory`: a UnionPay PSE and its three directory records.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, clippy::arithmetic_side_effects)]

mod common;
use common::{hex, tree};
use payproto_tlv::{Config, Dol, DolEntry, Tag, find, find_all, find_path, tag};

const VISA_PSE_FCI: &str = "6F1E840E315041592E5359532E4444463031A50C8801019F1101015F2D026672";
const VISA_DIR_RECORD: &str = "702361214F07A0000000421010500243429F120E5452414E53414354494F4E204342870101";
const VISA_APP_FCI: &str = "6F3D8407A0000000421010A532500243428701019F1101019F120E5452414E53414354494F4E2043425F2D026672BF0C0EDF60020B1EDF6101039F4D020B1E";
const VISA_GPO: &str = "80123C00080202001001020010040400180105 03";
const VISA_RECORD: &str = "703557134979670123453600D16022017412FFFF80000F9F1F18FFFF3132353737FF3F30FF303030303735FFFF30303030FF5F2002202F";

#[test]
fn visa_pse_fci() {
    assert_eq!(
        tree(VISA_PSE_FCI, Config::EMV).unwrap(),
        "6F[84=315041592E5359532E4444463031,A5[88=01,9F11=01,5F2D=6672]]"
    );
    // The same bytes are canonical BER: strict mode agrees.
    assert_eq!(tree(VISA_PSE_FCI, Config::STRICT).unwrap(), tree(VISA_PSE_FCI, Config::EMV).unwrap());
}

#[test]
fn visa_directory_record() {
    assert_eq!(
        tree(VISA_DIR_RECORD, Config::EMV).unwrap(),
        "70[61[4F=A0000000421010,50=4342,9F12=5452414E53414354494F4E204342,87=01]]"
    );
}

#[test]
fn visa_application_fci_with_bf0c() {
    assert_eq!(
        tree(VISA_APP_FCI, Config::EMV).unwrap(),
        "6F[84=A0000000421010,A5[50=4342,87=01,9F11=01,9F12=5452414E53414354494F4E204342,5F2D=6672,\
         BF0C[DF60=0B1E,DF61=03,9F4D=0B1E]]]"
    );
    let data = hex(VISA_APP_FCI);
    let log_entry = find_path(&data, Config::EMV, "6F/A5/BF0C/9F4D").unwrap().unwrap();
    assert_eq!(log_entry.value, [0x0B, 0x1E]);
    assert_eq!(log_entry.depth(), 3);
    assert!(find_path(&data, Config::EMV, "6F/A5/BF0C/9F4E").unwrap().is_none());
}

#[test]
fn visa_gpo_format_1_is_primitive_80() {
    assert_eq!(tree(VISA_GPO, Config::EMV).unwrap(), "80=3C0008020200100102001004040018010503");
}

#[test]
fn visa_record_with_ff_inside_values() {
    // FF bytes inside a value are data, never padding: FF padding only applies between objects.
    let expect = "70[57=4979670123453600D16022017412FFFF80000F,\
                  9F1F=FFFF3132353737FF3F30FF303030303735FFFF30303030FF,5F20=202F]";
    assert_eq!(tree(VISA_RECORD, Config::EMV).unwrap(), expect);
    assert_eq!(tree(VISA_RECORD, Config::EMV.with_ff_padding(true)).unwrap(), expect);
    let data = hex(VISA_RECORD);
    let pan_track = find(&data, Config::EMV, tag!(0x57)).unwrap().unwrap();
    assert_eq!(pan_track.offset, 2);
    assert_eq!(pan_track.value_offset(), 4);
}

#[test]
fn get_data_answers() {
    assert_eq!(tree("9F170103", Config::STRICT).unwrap(), "9F17=03");
    assert_eq!(tree("9F3602062C", Config::STRICT).unwrap(), "9F36=062C");
}

#[test]
fn log_format_dol() {
    // 9F4F (Log Format) from the same trace is a DOL; the card's log records are 15 bytes long.
    let r = hex("9F4F109F02069F27019F1A025F2A029A039C01");
    let t = find(&r, Config::EMV, tag!(0x9F4F)).unwrap().unwrap();
    let entries: Vec<DolEntry> = Dol::new(t.value).collect::<Result<_, _>>().unwrap();
    let expect: Vec<(u32, usize)> =
        vec![(0x9F02, 6), (0x9F27, 1), (0x9F1A, 2), (0x5F2A, 2), (0x9A, 3), (0x9C, 1)];
    assert_eq!(entries.iter().map(|e| (e.tag.to_u32(), e.len)).collect::<Vec<_>>(), expect);
    assert_eq!(Dol::new(t.value).data_len().unwrap(), 15);
}

#[test]
fn unionpay_pse_and_directory() {
    assert_eq!(
        tree("6F15840E315041592E5359532E4444463031A503880101", Config::EMV).unwrap(),
        "6F[84=315041592E5359532E4444463031,A5[88=01]]"
    );
    let records = [
        ("701C611A4F08A000000333010102500B5549434320435245444954870101", "A000000333010102", "01"),
        ("701B61194F08A000000333010101500A55494343204445424954870102", "A000000333010101", "02"),
        ("7021611F4F08A000000333010103501055494343205155415349435245444954870103", "A000000333010103", "03"),
    ];
    for (rec, aid, prio) in records {
        let data = hex(rec);
        let got = tree(rec, Config::STRICT).unwrap();
        assert!(got.starts_with(&format!("70[61[4F={aid},50=")), "{got}");
        assert!(got.ends_with(&format!(",87={prio}]]")), "{got}");
        assert_eq!(find_path(&data, Config::EMV, "70/61/4F").unwrap().unwrap().value, hex(aid));
    }
}

#[test]
fn several_61_templates_are_all_searched() {
    // A directory record holding two entries (the second with a 9F12 the first lacks): a path
    // lookup backtracks across sibling templates, find_all returns both AIDs in order.
    let rec =
        hex("7028 6112 4F07A0000000031010 500456495341 870101 6112 4F07A0000000032010 9F1203414243 870102");
    assert_eq!(find_path(&rec, Config::EMV, "70/61/9F12").unwrap().unwrap().value, b"ABC");
    let aids: Vec<Vec<u8>> =
        find_all(&rec, Config::EMV, tag!(0x4F)).map(|t| t.unwrap().value.to_vec()).collect();
    assert_eq!(aids, vec![hex("A0000000031010"), hex("A0000000032010")]);
    let t = Tag::new(0x61);
    assert_eq!(find_all(&rec, Config::EMV, t).count(), 2);
}
