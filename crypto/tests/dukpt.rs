//! TDES (X9.24-1) and AES (X9.24-3) DUKPT: host derivation, working keys, PIN/MAC/data use,
//! KSN rules, terminal registers and exact operation counts, against the published vectors.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;
use common::{hx, records, s, up};
use core::cell::Cell;
use payproto_crypto::cipher::{BlockCipher, CipherProvider, Soft};
use payproto_crypto::dukpt::{aes, tdes};
use payproto_crypto::mac::{self, Padding};
use payproto_crypto::pin::{self, Format, Pan, Pin};
use payproto_crypto::{ErrorKind, Key, Result};

const TDES_BDK: &str = "0123456789ABCDEFFEDCBA9876543210";
const TDES_IKSN: &str = "FFFF9876543210E00000";
const TDES_IPEK: &str = "6AC292FAA1315B4D858AB3A3D7D5933A";
const MSG: &[u8] = b"4012345678909D987";

fn tksn(h: &str) -> tdes::Ksn {
    tdes::Ksn::from_bytes(&hex::decode(h).unwrap()).unwrap()
}
fn aksn(h: &str) -> aes::Ksn {
    aes::Ksn::from_bytes(&hex::decode(h).unwrap()).unwrap()
}
fn ipek() -> tdes::InitialKey {
    tdes::InitialKey::from_slice(&hex::decode(TDES_IPEK).unwrap()).unwrap()
}
fn padded_msg(n: usize) -> Vec<u8> {
    let mut d = MSG.to_vec();
    d.resize(n, 0);
    d
}

// ---------------------------------------------------------------- counting adapter (crypto.md §5.1)

thread_local! {
    static DES_SETUPS: Cell<u64> = const { Cell::new(0) };
    static TDES_SETUPS: Cell<u64> = const { Cell::new(0) };
    static AES_SETUPS: Cell<u64> = const { Cell::new(0) };
    static BLOCKS8: Cell<u64> = const { Cell::new(0) };
    static BLOCKS16: Cell<u64> = const { Cell::new(0) };
}

fn bump(c: &'static std::thread::LocalKey<Cell<u64>>) {
    c.with(|v| v.set(v.get() + 1));
}

#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    des: u64,
    tdes: u64,
    aes: u64,
    blocks8: u64,
    blocks16: u64,
}

fn take_counts() -> Counts {
    let t = |c: &'static std::thread::LocalKey<Cell<u64>>| c.with(|v| v.replace(0));
    Counts {
        des: t(&DES_SETUPS),
        tdes: t(&TDES_SETUPS),
        aes: t(&AES_SETUPS),
        blocks8: t(&BLOCKS8),
        blocks16: t(&BLOCKS16),
    }
}

struct Counted<C>(C);
impl<C: BlockCipher<8>> BlockCipher<8> for Counted<C> {
    fn encrypt_block(&self, b: &mut [u8; 8]) {
        bump(&BLOCKS8);
        self.0.encrypt_block(b);
    }
    fn decrypt_block(&self, b: &mut [u8; 8]) {
        bump(&BLOCKS8);
        self.0.decrypt_block(b);
    }
}
impl<C: BlockCipher<16>> BlockCipher<16> for Counted<C> {
    fn encrypt_block(&self, b: &mut [u8; 16]) {
        bump(&BLOCKS16);
        self.0.encrypt_block(b);
    }
    fn decrypt_block(&self, b: &mut [u8; 16]) {
        bump(&BLOCKS16);
        self.0.decrypt_block(b);
    }
}

/// Wraps the software provider and counts key schedules and block operations.
struct Counting;
impl CipherProvider for Counting {
    type Des = Counted<<Soft as CipherProvider>::Des>;
    type Tdes = Counted<<Soft as CipherProvider>::Tdes>;
    type Aes = Counted<<Soft as CipherProvider>::Aes>;
    fn des(&self, key: &[u8; 8]) -> Self::Des {
        bump(&DES_SETUPS);
        Counted(Soft.des(key))
    }
    fn tdes2(&self, key: &[u8; 16]) -> Self::Tdes {
        bump(&TDES_SETUPS);
        Counted(Soft.tdes2(key))
    }
    fn tdes3(&self, key: &[u8; 24]) -> Self::Tdes {
        bump(&TDES_SETUPS);
        Counted(Soft.tdes3(key))
    }
    fn aes(&self, key: &[u8]) -> Result<Self::Aes> {
        bump(&AES_SETUPS);
        Ok(Counted(Soft.aes(key)?))
    }
}

// ---------------------------------------------------------------- TDES DUKPT

#[test]
fn tdes_ipek_from_bdk_and_from_the_8_byte_ksn_form() {
    let bdk = tdes::Bdk::from_slice(&hex::decode(TDES_BDK).unwrap()).unwrap();
    assert_eq!(up(tdes::derive_ipek(&Soft, &bdk, &tksn(TDES_IKSN)).as_bytes()), TDES_IPEK);
    for r in records("ksn.txt").iter().filter(|r| s(r, "op") == "short") {
        let short = tdes::Ksn::from_bytes(&hx(r, "ksn8")).unwrap();
        assert_eq!(short, tksn(s(r, "ksn")));
        assert_eq!(up(tdes::derive_ipek(&Soft, &bdk, &short).as_bytes()), TDES_IPEK);
    }
}

#[test]
fn tdes_x9_24_1_annex_a4_sequences() {
    let bdk = tdes::Bdk::from_slice(&hex::decode(TDES_BDK).unwrap()).unwrap();
    let pan = Pan::new(b"4012345678909").unwrap();
    let pin = Pin::new(b"1234").unwrap();
    let mut n = 0;
    for r in records("dukpt_tdes.txt").iter().filter(|r| s(r, "kind") == "seq") {
        let ksn = tksn(s(r, "ksn"));
        let k = tdes::derive_transaction_key(&Soft, &ipek(), &ksn).unwrap();
        assert_eq!(up(k.as_bytes()), s(r, "key"), "{r:?}");
        let kb = tdes::derive_transaction_key_from_bdk(&Soft, &bdk, &ksn).unwrap();
        assert_eq!(kb.as_bytes(), k.as_bytes());
        let pk = k.working_key(&Soft, tdes::Variant::Pin);
        if let Some(want) = r.get("pinkey") {
            assert_eq!(&up(pk.as_bytes()), want);
        }
        let pb = pin::encrypt_with_random(Format::Iso0, &pk.to_key(), &pin, Some(&pan), &[0; 8]).unwrap();
        assert_eq!(up(pb.as_bytes()), s(r, "pinblock"), "{r:?}");
        assert!(
            pin::decrypt(Format::Iso0, &pk.to_key(), &hx(r, "pinblock"), Some(&pan)).unwrap().ct_eq(&pin)
        );
        for (variant, col) in [(tdes::Variant::MacRequest, "macreq"), (tdes::Variant::MacResponse, "macresp")]
        {
            let mk = k.working_key(&Soft, variant).to_key();
            let tag = mac::iso9797_1_alg3(&mk, Padding::Method1, MSG).unwrap().truncated(4).unwrap();
            tag.verify(&hx(r, col)).unwrap();
        }
        let dk = k.working_key(&Soft, tdes::Variant::DataRequest).to_key();
        let mut data = padded_msg(24);
        dk.cbc_encrypt(&[0; 8], &mut data).unwrap();
        assert_eq!(up(&data), s(r, "datareq"), "{r:?}");
        dk.cbc_decrypt(&[0; 8], &mut data).unwrap();
        assert_eq!(data, padded_msg(24));
        n += 1;
    }
    assert_eq!(n, 21 + 13);
}

#[test]
fn tdes_full_macs_response_data_and_cmac() {
    for r in records("dukpt_tdes.txt") {
        let kind = s(&r, "kind");
        if kind == "seq" {
            continue;
        }
        let k = tdes::derive_transaction_key(&Soft, &ipek(), &tksn(s(&r, "ksn"))).unwrap();
        let req = k.working_key(&Soft, tdes::Variant::MacRequest).to_key();
        let resp = k.working_key(&Soft, tdes::Variant::MacResponse).to_key();
        match kind {
            "full" => {
                mac::iso9797_1_alg3(&req, Padding::Method1, MSG).unwrap().verify(&hx(&r, "macreq8")).unwrap();
                mac::iso9797_1_alg3(&resp, Padding::Method1, MSG)
                    .unwrap()
                    .verify(&hx(&r, "macresp8"))
                    .unwrap();
                let dk = k.working_key(&Soft, tdes::Variant::DataResponse).to_key();
                let mut data = padded_msg(24);
                dk.cbc_encrypt(&[0; 8], &mut data).unwrap();
                assert_eq!(up(&data), s(&r, "dataresp"));
            }
            "cmac" => {
                mac::cmac(&req, MSG).unwrap().verify(&hx(&r, "cmacreq")).unwrap();
                mac::cmac(&resp, MSG).unwrap().verify(&hx(&r, "cmacresp")).unwrap();
            }
            "datakeys" => {
                assert_eq!(
                    up(k.working_key(&Soft, tdes::Variant::DataRequest).as_bytes()),
                    s(&r, "datareqkey")
                );
                assert_eq!(
                    up(k.working_key(&Soft, tdes::Variant::DataResponse).as_bytes()),
                    s(&r, "datarespkey")
                );
            }
            k => panic!("{k}"),
        }
    }
}

#[test]
fn ksn_rules_and_advance() {
    for r in records("ksn.txt") {
        match (s(&r, "scheme"), s(&r, "op")) {
            ("tdes", "next") => match s(&r, "to") {
                "exhausted" => assert_eq!(tksn(s(&r, "from")).next().unwrap_err().kind, ErrorKind::Exhausted),
                to => assert_eq!(tksn(s(&r, "from")).next().unwrap(), tksn(to), "{r:?}"),
            },
            ("aes", "next") => match s(&r, "to") {
                "exhausted" => assert_eq!(aksn(s(&r, "from")).next().unwrap_err().kind, ErrorKind::Exhausted),
                to => assert_eq!(aksn(s(&r, "from")).next().unwrap(), aksn(to), "{r:?}"),
            },
            ("tdes", "invalid") => {
                let k = tksn(s(&r, "ksn"));
                assert_eq!(k.validate().unwrap_err().kind, ErrorKind::InvalidKsn);
                assert_eq!(
                    tdes::derive_transaction_key(&Soft, &ipek(), &k).unwrap_err().kind,
                    ErrorKind::InvalidKsn
                );
            }
            ("aes", "invalid") => {
                let k = aksn(s(&r, "ksn"));
                assert_eq!(k.validate().unwrap_err().kind, ErrorKind::InvalidKsn);
                let ik = aes::InitialKey::from_slice(&[0; 16]).unwrap();
                assert_eq!(
                    aes::derive_transaction_key(&Soft, &ik, &k).unwrap_err().kind,
                    ErrorKind::InvalidKsn
                );
            }
            ("tdes", "count_valid") => {
                // Σ C(21,k), k = 1..10: every counter the advance rule visits, checked by walking it.
                let mut k = tksn(TDES_IKSN);
                let mut n = 0u64;
                while let Ok(next) = k.next() {
                    assert!(next.validate().is_ok());
                    k = next;
                    n += 1;
                }
                assert_eq!(n.to_string(), s(&r, "total"));
                assert_eq!(k.counter(), tdes::MAX_COUNTER);
            }
            ("aes", "count_valid") => {
                let total: u64 = (1..=16u64).map(|k| binom(32, k)).sum();
                assert_eq!(total.to_string(), s(&r, "total"));
            }
            (_, "short") => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(tdes::Ksn::from_bytes(&[0; 9]).unwrap_err().kind, ErrorKind::InvalidKsn);
    assert_eq!(aes::Ksn::from_bytes(&[0; 10]).unwrap_err().kind, ErrorKind::InvalidKsn);
}

fn binom(n: u64, k: u64) -> u64 {
    (0..k).fold(1, |acc, i| acc * (n - i) / (i + 1))
}

#[test]
fn tdes_terminal_first_transactions_match_annex_a4_and_erase_used_registers() {
    let mut t = tdes::Terminal::load(&Soft, ipek(), &tksn(TDES_IKSN));
    assert_eq!(t.valid_registers(), 0x1F_FFFF);
    for r in records("dukpt_tdes.txt").iter().filter(|r| s(r, "kind") == "seq").take(21) {
        let tx = t.next_transaction(&Soft).unwrap();
        assert_eq!(tx.ksn, tksn(s(r, "ksn")));
        assert_eq!(up(tx.key.as_bytes()), s(r, "key"));
        let lsb = tx.ksn.counter() & tx.ksn.counter().wrapping_neg();
        assert_eq!(t.valid_registers() & lsb, 0, "used register erased");
    }
}

/// Terminal (future-key registers) and host derivation agree for every one of the 1,048,575 valid
/// TDES counters of the X9.24-1 IPEK; then the terminal reports exhaustion.
#[test]
fn tdes_terminal_equals_host_for_every_valid_counter() {
    let ik = ipek();
    let mut t = tdes::Terminal::load(&Soft, ik.clone(), &tksn(TDES_IKSN));
    let mut produced = Vec::with_capacity(1_048_575);
    while !t.is_exhausted() {
        let tx = t.next_transaction(&Soft).unwrap();
        produced.push((tx.ksn, *tx.key.as_bytes()));
    }
    assert_eq!(produced.len(), 1_048_575);
    assert_eq!(t.next_transaction(&Soft).unwrap_err().kind, ErrorKind::Exhausted);
    // host side in parallel chunks (the check is independent per counter)
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).max(1);
    std::thread::scope(|sc| {
        for chunk in produced.chunks(produced.len().div_ceil(threads)) {
            let ik = &ik;
            sc.spawn(move || {
                for (ksn, key) in chunk {
                    let host = tdes::derive_transaction_key(&Soft, ik, ksn).unwrap();
                    assert_eq!(key, host.as_bytes(), "counter {:06X}", ksn.counter());
                }
            });
        }
    });
}

#[test]
fn tdes_operation_counts() {
    // crypto.md §5.1: NRKG = 2 DES key schedules + 2 DES blocks per set counter bit; IPEK = 2 TDES
    // key schedules + 2 TDES blocks; PIN/MAC variants are XOR only; data variants add one TDES
    // key schedule and two TDES blocks (the one-way step).
    let ik = ipek();
    for (ksn, steps) in
        [("FFFF9876543210E00001", 1), ("FFFF9876543210EFF800", 9), ("FFFF9876543210FFF800", 10)]
    {
        take_counts();
        let k = tdes::derive_transaction_key(&Counting, &ik, &tksn(ksn)).unwrap();
        assert_eq!(
            take_counts(),
            Counts { des: 2 * steps, blocks8: 2 * steps, ..Counts::default() },
            "{ksn}"
        );
        let _ = k.working_key(&Counting, tdes::Variant::Pin);
        let _ = k.working_key(&Counting, tdes::Variant::MacRequest);
        assert_eq!(take_counts(), Counts::default());
        let _ = k.working_key(&Counting, tdes::Variant::DataRequest);
        assert_eq!(take_counts(), Counts { tdes: 1, blocks8: 2, ..Counts::default() });
    }
    // the performance bar's scenario: from the BDK at the worst counter
    let bdk = tdes::Bdk::from_slice(&hex::decode(TDES_BDK).unwrap()).unwrap();
    take_counts();
    tdes::derive_transaction_key_from_bdk(&Counting, &bdk, &tksn("FFFF9876543210FFF800")).unwrap();
    assert_eq!(take_counts(), Counts { tdes: 2, des: 20, blocks8: 22, ..Counts::default() });
    // terminal load: 21 NRKG
    take_counts();
    let _t = tdes::Terminal::load(&Counting, ik, &tksn(TDES_IKSN));
    assert_eq!(take_counts(), Counts { des: 42, blocks8: 42, ..Counts::default() });
}

/// Terminal derivation steps over the first 100,000 transactions. Formula: loading costs 21 steps;
/// the transaction with counter c regenerates the registers below its lowest set bit, i.e.
/// tz(c) steps (tz = trailing zeros), unless c already has 10 one-bits (then none); the counters are
/// the first 100,000 valid ones (≤ 10 one-bits) in increasing order.
#[test]
fn tdes_terminal_steps_over_first_100000_transactions() {
    let mut expected = 21u64;
    let (mut c, mut used) = (0u32, 0u32);
    while used < 100_000 {
        c += 1;
        if c.count_ones() > 10 {
            continue;
        }
        used += 1;
        if c.count_ones() < 10 {
            expected += u64::from(c.trailing_zeros());
        }
    }
    take_counts();
    let mut t = tdes::Terminal::load(&Counting, ipek(), &tksn(TDES_IKSN));
    for _ in 0..100_000 {
        t.next_transaction(&Counting).unwrap();
    }
    let c = take_counts();
    assert_eq!(c.des, 2 * expected);
    assert_eq!(c.blocks8, 2 * expected);
    // mean per transaction ≈ 1.0 here (tz averages ~1 for a dense counter prefix)
    assert!(expected < 2 * 100_000);
}

// ---------------------------------------------------------------- AES DUKPT

fn aes_kind(t: &str) -> aes::KeyType {
    match t {
        "tdes2" => aes::KeyType::Tdes2,
        "tdes3" => aes::KeyType::Tdes3,
        "aes128" => aes::KeyType::Aes128,
        "aes192" => aes::KeyType::Aes192,
        "aes256" => aes::KeyType::Aes256,
        "hmac128" => aes::KeyType::Hmac128,
        _ => panic!("{t}"),
    }
}

fn aes_usage(code: &str) -> aes::KeyUsage {
    match code {
        "0002" => aes::KeyUsage::KeyEncryption,
        "1000" => aes::KeyUsage::PinEncryption,
        "2000" => aes::KeyUsage::MacGeneration,
        "2001" => aes::KeyUsage::MacVerification,
        "2002" => aes::KeyUsage::MacBoth,
        "3000" => aes::KeyUsage::DataEncrypt,
        "3001" => aes::KeyUsage::DataDecrypt,
        "3002" => aes::KeyUsage::DataBoth,
        _ => panic!("{code}"),
    }
}

#[test]
fn aes_x9_24_3_supplement_vectors() {
    let pan = Pan::new(b"4111111111111111").unwrap();
    let pin = Pin::new(b"1234").unwrap();
    let random: [u8; 8] = hex::decode("2F69ADDE2E9E7ACE").unwrap().try_into().unwrap();
    let (mut txns, mut wks) = (0, 0);
    for r in records("dukpt_aes.txt") {
        match s(&r, "kind") {
            "ik" => {
                let bdk = aes::Bdk::from_slice(&hx(&r, "bdk")).unwrap();
                let ikid: [u8; 8] = hx(&r, "ikid").try_into().unwrap();
                let ik = aes::derive_initial_key(&Soft, &bdk, &ikid).unwrap();
                assert_eq!(up(ik.as_bytes()), s(&r, "ik"));
            }
            "txn" => {
                let bdk = aes::Bdk::from_slice(&hx(&r, "bdk")).unwrap();
                let ksn = aksn(s(&r, "ksn"));
                let k = aes::derive_transaction_key_from_bdk(&Soft, &bdk, &ksn).unwrap();
                assert_eq!(up(k.as_bytes()), s(&r, "txn"), "{r:?}");
                txns += 1;
                for (col, usage, kind) in [
                    ("pin_aes128", aes::KeyUsage::PinEncryption, aes::KeyType::Aes128),
                    ("pin_aes256", aes::KeyUsage::PinEncryption, aes::KeyType::Aes256),
                    ("macgen_aes128", aes::KeyUsage::MacGeneration, aes::KeyType::Aes128),
                    ("macgen_aes256", aes::KeyUsage::MacGeneration, aes::KeyType::Aes256),
                    ("dataenc_aes128", aes::KeyUsage::DataEncrypt, aes::KeyType::Aes128),
                    ("dataenc_aes256", aes::KeyUsage::DataEncrypt, aes::KeyType::Aes256),
                ] {
                    if let Some(want) = r.get(col) {
                        let wk = k.working_key(&Soft, &ksn, usage, kind).unwrap();
                        assert_eq!(&up(wk.as_bytes()), want, "{col} {r:?}");
                        wks += 1;
                    }
                }
                if let Some(want) = r.get("pinblock") {
                    let pk = k
                        .working_key(&Soft, &ksn, aes::KeyUsage::PinEncryption, aes::KeyType::Aes128)
                        .unwrap();
                    let pk = pk.to_key().unwrap();
                    let b = pin::encrypt_with_random(Format::Iso4, &pk, &pin, Some(&pan), &random).unwrap();
                    assert_eq!(&up(b.as_bytes()), want);
                    // openemv/dukpt#1: the block decodes under the working key, not the transaction key
                    assert!(
                        pin::decrypt(Format::Iso4, &pk, &hx(&r, "pinblock"), Some(&pan)).unwrap().ct_eq(&pin)
                    );
                    let txn_as_key = Key::aes(k.as_bytes()).unwrap();
                    assert!(
                        pin::decrypt(Format::Iso4, &txn_as_key, &hx(&r, "pinblock"), Some(&pan)).is_err()
                    );
                }
            }
            "update" => {
                let ik = aes::InitialKey::from_slice(&hx(&r, "ik")).unwrap();
                let ikid: [u8; 8] = hx(&r, "ikid").try_into().unwrap();
                let k = aes::derive_update_key(&Soft, &ik, &ikid, aes_kind(s(&r, "type"))).unwrap();
                assert_eq!(up(k.as_bytes()), s(&r, "key"), "{r:?}");
            }
            "regression" => {
                let ik = aes::InitialKey::from_slice(&hx(&r, "ik")).unwrap();
                let ksn = aksn(s(&r, "ksn"));
                let k = aes::derive_transaction_key(&Soft, &ik, &ksn).unwrap();
                let wk =
                    k.working_key(&Soft, &ksn, aes_usage(s(&r, "usage")), aes_kind(s(&r, "type"))).unwrap();
                assert_eq!(up(wk.as_bytes()), s(&r, "key"), "{r:?}");
            }
            k => panic!("{k}"),
        }
    }
    assert_eq!((txns, wks), (30, 72));
}

#[test]
fn aes_working_key_never_stronger_than_derivation_key() {
    let ik = aes::InitialKey::from_slice(&hex::decode("1273671EA26AC29AFA4D1084127652A1").unwrap()).unwrap();
    let ksn = aksn("123456789012345600000001");
    let k = aes::derive_transaction_key(&Soft, &ik, &ksn).unwrap();
    for kind in [aes::KeyType::Aes192, aes::KeyType::Aes256, aes::KeyType::Hmac192, aes::KeyType::Hmac256] {
        let e = k.working_key(&Soft, &ksn, aes::KeyUsage::PinEncryption, kind).unwrap_err();
        assert_eq!(e.kind, ErrorKind::KeyTooStrong);
    }
    let e = k.working_key(&Soft, &ksn, aes::KeyUsage::KeyDerivation, aes::KeyType::Aes128).unwrap_err();
    assert_eq!(e.kind, ErrorKind::WrongAlgorithm);
    assert_eq!(aes::Bdk::from_slice(&[0; 20]).unwrap_err().kind, ErrorKind::InvalidLength);
}

#[test]
fn aes_operation_counts() {
    // crypto.md §5.1: AES-128 step = 1 key expansion + 1 block; AES-256 step = 1 expansion + 2 blocks.
    let ik128 =
        aes::InitialKey::from_slice(&hex::decode("1273671EA26AC29AFA4D1084127652A1").unwrap()).unwrap();
    let ksn = aksn("1234567890123456FFFF0000");
    take_counts();
    let k = aes::derive_transaction_key(&Counting, &ik128, &ksn).unwrap();
    assert_eq!(take_counts(), Counts { aes: 16, blocks16: 16, ..Counts::default() });
    let _ = k.working_key(&Counting, &ksn, aes::KeyUsage::PinEncryption, aes::KeyType::Aes128).unwrap();
    assert_eq!(take_counts(), Counts { aes: 1, blocks16: 1, ..Counts::default() });
    let _ = k.working_key(&Counting, &ksn, aes::KeyUsage::PinEncryption, aes::KeyType::Tdes3).unwrap();
    assert_eq!(take_counts(), Counts { aes: 1, blocks16: 2, ..Counts::default() });
    let _ = aes::derive_update_key(
        &Counting,
        &ik128,
        &[0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56],
        aes::KeyType::Aes128,
    )
    .unwrap();
    assert_eq!(take_counts(), Counts { aes: 33, blocks16: 33, ..Counts::default() });
    let ik256 = aes::InitialKey::from_slice(
        &hex::decode("CE9CE0C101D1138F97FB6CAD4DF045A7083D4EAE2D35A31789D01CCF0949550F").unwrap(),
    )
    .unwrap();
    take_counts();
    aes::derive_transaction_key(&Counting, &ik256, &ksn).unwrap();
    assert_eq!(take_counts(), Counts { aes: 16, blocks16: 32, ..Counts::default() });
    let bdk = aes::Bdk::from_slice(&hex::decode("FEDCBA9876543210F1F1F1F1F1F1F1F1").unwrap()).unwrap();
    take_counts();
    let _t = aes::Terminal::load(
        &Counting,
        aes::derive_initial_key(&Counting, &bdk, &ksn.initial_key_id()).unwrap(),
        &ksn.initial_key_id(),
    )
    .unwrap();
    assert_eq!(take_counts(), Counts { aes: 33, blocks16: 33, ..Counts::default() });
}

fn aes_terminal_vs_host(count: u32) {
    let ik = aes::InitialKey::from_slice(&hex::decode("1273671EA26AC29AFA4D1084127652A1").unwrap()).unwrap();
    let ikid = [0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56];
    let mut t = aes::Terminal::load(&Soft, ik.clone(), &ikid).unwrap();
    for _ in 0..count {
        let tx = t.next_transaction(&Soft).unwrap();
        let host = aes::derive_transaction_key(&Soft, &ik, &tx.ksn).unwrap();
        assert_eq!(tx.key.as_bytes(), host.as_bytes(), "counter {:08X}", tx.ksn.counter());
    }
}

#[test]
fn aes_terminal_equals_host_first_counters_and_matches_supplement() {
    aes_terminal_vs_host(20_000);
    let ik = aes::InitialKey::from_slice(&hex::decode("1273671EA26AC29AFA4D1084127652A1").unwrap()).unwrap();
    let mut t = aes::Terminal::load(&Soft, ik, &[0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56]).unwrap();
    for r in records("dukpt_aes.txt").iter().filter(|r| s(r, "kind") == "txn").take(8) {
        let tx = t.next_transaction(&Soft).unwrap();
        assert_eq!(tx.ksn, aksn(s(r, "ksn")));
        assert_eq!(up(tx.key.as_bytes()), s(r, "txn"));
    }
}

/// The first 5,000,000 AES counters, terminal vs host (run in release: `cargo test --release -- --ignored`).
#[test]
#[ignore = "long: run in release"]
fn aes_terminal_equals_host_first_5_000_000_counters() {
    aes_terminal_vs_host(5_000_000);
}
