//! The HSM-operation trait: the software HSM and a non-exporting mock written against the public
//! API both pass the published vectors through key handles only.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;
use common::{hx, records, s, up};
use payproto_crypto::dukpt::{aes as daes, tdes as dtdes};
use payproto_crypto::hsm::{Hsm, KeyHandle, KeyRole, MacAlgorithm, PinSource, SoftHsm};
use payproto_crypto::mac::{MacTag, Padding};
use payproto_crypto::pin::{Format, Pan, PinBlock};
use payproto_crypto::{ErrorKind, Key, Result, keydownload};

/// A second, independent implementation of the trait: keys live in a private table that no
/// method exposes; every operation is delegated to a freshly built software HSM holding only
/// the keys that operation needs (so the mock proves the trait is implementable from outside and
/// that no caller needs key bytes).
#[derive(Default)]
struct NonExportingMock {
    keys: Vec<(Key, KeyRole)>,
}

impl NonExportingMock {
    fn load(&mut self, k: Key, role: KeyRole) -> KeyHandle {
        self.keys.push((k, role));
        KeyHandle(u16::try_from(self.keys.len() - 1).unwrap())
    }
    fn with<T>(&self, f: impl FnOnce(&mut SoftHsm<64>) -> Result<T>) -> Result<T> {
        let mut h = SoftHsm::<64>::new();
        for (k, r) in &self.keys {
            h.load_clear(k.clone(), *r).unwrap();
        }
        f(&mut h)
    }
}

impl Hsm for NonExportingMock {
    fn import_tr31(&mut self, kbpk: KeyHandle, block: &[u8], role: KeyRole) -> Result<KeyHandle> {
        let kb = payproto_crypto::tr31::KeyBlock::parse(block)?;
        let (k, r) = &self.keys[usize::from(kbpk.0)];
        if *r != KeyRole::KeyEncryption {
            return Err(payproto_crypto::Error::new(ErrorKind::WrongAlgorithm, "key role"));
        }
        let clear = kb.unwrap(k)?;
        let key = if kb.header().algorithm == b'A' {
            Key::aes(clear.as_bytes())?
        } else {
            Key::tdes(clear.as_bytes())?
        };
        Ok(self.load(key, role))
    }
    fn import_key_download(
        &mut self,
        tmk: KeyHandle,
        encrypted: &[u8],
        kcv: &[u8],
        role: KeyRole,
    ) -> Result<KeyHandle> {
        let k = keydownload::decrypt_working_key(&self.keys[usize::from(tmk.0)].0, encrypted, kcv)?;
        Ok(self.load(k, role))
    }
    fn kcv(&self, key: KeyHandle) -> Result<MacTag> {
        self.with(|h| h.kcv(key))
    }
    fn mac_generate(&self, key: KeyHandle, alg: MacAlgorithm, data: &[u8]) -> Result<MacTag> {
        self.with(|h| h.mac_generate(key, alg, data))
    }
    fn translate_pin_with_random(
        &self,
        from: PinSource,
        block: &[u8],
        to_key: KeyHandle,
        to_format: Format,
        pan: Option<&Pan>,
        random: &[u8; 8],
    ) -> Result<PinBlock> {
        self.with(|h| h.translate_pin_with_random(from, block, to_key, to_format, pan, random))
    }
}

trait Provision: Hsm {
    fn provision(&mut self, k: Key, role: KeyRole) -> KeyHandle;
}
impl Provision for SoftHsm<64> {
    fn provision(&mut self, k: Key, role: KeyRole) -> KeyHandle {
        self.load_clear(k, role).unwrap()
    }
}
impl Provision for NonExportingMock {
    fn provision(&mut self, k: Key, role: KeyRole) -> KeyHandle {
        self.load(k, role)
    }
}

fn kcv_of(key_hex: &str, aes: bool) -> Option<String> {
    let method = if aes { "cmac" } else { "legacy" };
    records("kcv.txt")
        .into_iter()
        .find(|r| s(r, "key") == key_hex && s(r, "method") == method && s(r, "kcv").len() != 4)
        .map(|r| s(&r, "kcv").to_owned())
}

fn tr31_imports<H: Provision>(h: &mut H) {
    let mut checked = 0;
    for r in records("tr31.txt").iter().filter(|r| s(r, "kind") == "block") {
        let block = s(r, "block").as_bytes();
        let kbpk =
            if block[0] == b'D' { Key::aes(&hx(r, "kbpk")) } else { Key::tdes(&hx(r, "kbpk")) }.unwrap();
        let kbpk = h.provision(kbpk, KeyRole::KeyEncryption);
        let role = if &block[5..7] == b"B0" { KeyRole::Bdk } else { KeyRole::Pin };
        let k = h.import_tr31(kbpk, block, role).unwrap();
        if let Some(want) = kcv_of(s(r, "key"), block[7] == b'A') {
            // the imported key's KCV (legacy for TDES, CMAC for AES) equals the published one
            assert_eq!(up(h.kcv(k).unwrap().as_bytes()), want, "{}", s(r, "origin"));
            checked += 1;
        }
        let mut bad = block.to_vec();
        let n = bad.len();
        bad[n - 1] = if bad[n - 1] == b'0' { b'1' } else { b'0' };
        assert_eq!(h.import_tr31(kbpk, &bad, role).unwrap_err().kind, ErrorKind::VerificationFailed);
    }
    assert!(checked >= 7, "{checked}");
}

fn macs<H: Provision>(h: &mut H) {
    for r in records("iso9797_mac.txt") {
        let k = h.provision(Key::tdes(&hx(&r, "key")).unwrap(), KeyRole::Mac);
        let p = Padding::from_number(s(&r, "padding").parse().unwrap()).unwrap();
        let alg =
            if s(&r, "alg") == "1" { MacAlgorithm::Iso9797Alg1(p) } else { MacAlgorithm::Iso9797Alg3(p) };
        assert_eq!(up(h.mac_generate(k, alg, &hx(&r, "data")).unwrap().as_bytes()), s(&r, "mac"));
        let m = hx(&r, "mac");
        h.mac_verify(k, alg, &hx(&r, "data"), &m).unwrap();
        h.mac_verify(k, alg, &hx(&r, "data"), &m[..4]).unwrap();
        let mut bad = m.clone();
        bad[0] ^= 0x80;
        assert_eq!(
            h.mac_verify(k, alg, &hx(&r, "data"), &bad).unwrap_err().kind,
            ErrorKind::VerificationFailed
        );
        assert_eq!(
            h.mac_verify(k, alg, &hx(&r, "data"), &m[..2]).unwrap_err().kind,
            ErrorKind::VerificationFailed
        );
    }
    let m = hex::decode(
        "6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E5130C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710",
    )
    .unwrap();
    for r in records("cmac.txt") {
        let key =
            if s(&r, "alg") == "aes" { Key::aes(&hx(&r, "key")) } else { Key::tdes(&hx(&r, "key")) }.unwrap();
        let k = h.provision(key, KeyRole::Mac);
        let len: usize = s(&r, "len").parse().unwrap();
        h.mac_verify(k, MacAlgorithm::Cmac, &m[..len], &hx(&r, "mac")).unwrap();
    }
    for r in records("cup_mac.txt") {
        let k = h.provision(Key::tdes(&hx(&r, "key")).unwrap(), KeyRole::Mac);
        h.mac_verify(k, MacAlgorithm::CupEcb, &hx(&r, "mab"), s(&r, "mac_ascii").as_bytes()).unwrap();
    }
    // role enforcement: a PIN key cannot MAC
    let pk = h.provision(Key::tdes(&[3; 16]).unwrap(), KeyRole::Pin);
    assert_eq!(h.mac_generate(pk, MacAlgorithm::Cmac, b"x").unwrap_err().kind, ErrorKind::WrongAlgorithm);
}

fn pin_translation<H: Provision>(h: &mut H) {
    // TDES DUKPT (X9.24-1 A.4) → format 4 under an AES zone key → format 0 under a TDES zone key.
    let bdk = h.provision(
        Key::tdes(&hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap()).unwrap(),
        KeyRole::Bdk,
    );
    let zone_aes_clear = Key::aes(&hex::decode("C1D0F8FB4958670DBA40AB1F3752EF0D").unwrap()).unwrap();
    let zone_aes = h.provision(zone_aes_clear, KeyRole::Pin);
    let zone_tdes_clear = Key::tdes(&hex::decode("89E88CF7931444F334BD7547FC3F380C").unwrap()).unwrap();
    let zone_tdes = h.provision(zone_tdes_clear.clone(), KeyRole::Pin);
    let pan = Pan::new(b"4012345678909").unwrap();
    let mut n = 0;
    for r in records("dukpt_tdes.txt").iter().filter(|r| s(r, "kind") == "seq") {
        let ksn = dtdes::Ksn::from_bytes(&hx(r, "ksn")).unwrap();
        let from = PinSource::TdesDukpt { bdk, ksn, format: Format::Iso0 };
        let b4 = h
            .translate_pin_with_random(from, &hx(r, "pinblock"), zone_aes, Format::Iso4, Some(&pan), &[9; 8])
            .unwrap();
        let from4 = PinSource::Key { key: zone_aes, format: Format::Iso4 };
        let b0 = h
            .translate_pin_with_random(from4, b4.as_bytes(), zone_tdes, Format::Iso0, Some(&pan), &[0; 8])
            .unwrap();
        let mut clear = b0.as_bytes().to_vec();
        zone_tdes_clear.ecb_decrypt(&mut clear).unwrap();
        assert_eq!(up(&clear), "041274EDCBA9876F"); // X9.24-1 A.4 clear block
        n += 1;
    }
    assert_eq!(n, 34);
    // AES DUKPT (X9.24-3 supplement format-4 blocks) → format 0 under the TDES zone key.
    let abdk = h.provision(
        Key::aes(&hex::decode("FEDCBA9876543210F1F1F1F1F1F1F1F1").unwrap()).unwrap(),
        KeyRole::Bdk,
    );
    let pan = Pan::new(b"4111111111111111").unwrap();
    for r in records("dukpt_aes.txt").iter().filter(|r| r.contains_key("pinblock")) {
        let ksn = daes::Ksn::from_bytes(&hx(r, "ksn")).unwrap();
        let from =
            PinSource::AesDukpt { bdk: abdk, ksn, key_type: daes::KeyType::Aes128, format: Format::Iso4 };
        let b0 = h
            .translate_pin_with_random(from, &hx(r, "pinblock"), zone_tdes, Format::Iso0, Some(&pan), &[0; 8])
            .unwrap();
        let mut clear = b0.as_bytes().to_vec();
        zone_tdes_clear.ecb_decrypt(&mut clear).unwrap();
        // ISO 9564-1 format 0 rule: 041234FFFFFFFFFF ⊕ 0000111111111111 (PAN 4111111111111111)
        assert_eq!(up(&clear), "041225EEEEEEEEEE");
    }
    // a tampered block is rejected, not translated
    let ksn = dtdes::Ksn::from_bytes(&hex::decode("FFFF9876543210E00001").unwrap()).unwrap();
    let from = PinSource::TdesDukpt { bdk, ksn, format: Format::Iso0 };
    let e = h.translate_pin_with_random(
        from,
        &[0; 8],
        zone_tdes,
        Format::Iso0,
        Some(&Pan::new(b"4012345678909").unwrap()),
        &[0; 8],
    );
    assert_eq!(e.unwrap_err().kind, ErrorKind::InvalidPinBlock);
}

fn key_download<H: Provision>(h: &mut H) {
    // UnionPay sign-on: working key 0123456789ABCDEFFEDCBA9876543210 under TMK 3131…31; its 4-byte
    // KCV 08D7B4FB is E(K, 0⁸) from crypto.md §4.6/§6 (retail-mac empty-message case).
    let tmk_clear = Key::tdes(&[0x31; 16]).unwrap();
    let tmk = h.provision(tmk_clear.clone(), KeyRole::KeyEncryption);
    let mut enc = hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap();
    tmk_clear.ecb_encrypt(&mut enc).unwrap();
    let kcv = hex::decode("08D7B4FB").unwrap();
    let k = h.import_key_download(tmk, &enc, &kcv, KeyRole::Mac).unwrap();
    assert_eq!(up(h.kcv(k).unwrap().as_bytes()), "08D7B4");
    let e = h.import_key_download(tmk, &enc, &hex::decode("08D7B4FA").unwrap(), KeyRole::Mac).unwrap_err();
    assert_eq!(e.kind, ErrorKind::VerificationFailed);
    // the same through a 40-byte field 62 (layout 003: PIK, MAK)
    let mut f62 = enc.clone();
    f62.extend_from_slice(&kcv);
    f62.extend_from_slice(&enc);
    f62.extend_from_slice(&kcv);
    let w = keydownload::decrypt_sign_on_keys(&tmk_clear, &f62).unwrap();
    assert_eq!(up(w.pin.as_bytes()), "0123456789ABCDEFFEDCBA9876543210");
    assert!(w.data.is_none());
    f62[39] ^= 1;
    let e = keydownload::decrypt_sign_on_keys(&tmk_clear, &f62).unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::VerificationFailed, 20));
    assert_eq!(
        keydownload::decrypt_sign_on_keys(&tmk_clear, &f62[..30]).unwrap_err().kind,
        ErrorKind::InvalidLength
    );
}

fn all<H: Provision>(mut h: H) {
    tr31_imports(&mut h);
    macs(&mut h);
    pin_translation(&mut h);
    key_download(&mut h);
}

#[test]
fn soft_hsm_passes_the_vectors() {
    all(SoftHsm::<64>::new());
}

#[test]
fn non_exporting_mock_passes_the_vectors() {
    all(NonExportingMock::default());
}
