//! TR-31 / X9.143 key blocks against the published blocks and binding-key derivations.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

mod common;
use common::{hx, records, s, up};
use payproto_crypto::tr31::{self, Header, KeyBlock, OptionalBlock, Version};
use payproto_crypto::{ErrorKind, Key};

fn kbpk_for(version: u8, k: &[u8]) -> Key {
    if version == b'D' { Key::aes(k).unwrap() } else { Key::tdes(k).unwrap() }
}

#[test]
fn unwrap_published_blocks_and_reproduce_x9_143_blocks_exactly() {
    let mut n = 0;
    for r in records("tr31.txt").iter().filter(|r| s(r, "kind") == "block") {
        let block = s(r, "block").as_bytes();
        let kb = KeyBlock::parse(block).unwrap();
        let kbpk = kbpk_for(block[0], &hx(r, "kbpk"));
        let key = kb.unwrap(&kbpk).unwrap_or_else(|e| panic!("{}: {e}", s(r, "origin")));
        assert_eq!(up(key.as_bytes()), s(r, "key"), "{}", s(r, "origin"));
        let blocks: Vec<_> = kb.optional_blocks().filter(|b| &b.id != b"PB").collect();
        if let Some(ksn) = r.get("ksn") {
            assert_eq!(blocks.len(), 1);
            assert_eq!(up(blocks[0].ksn().unwrap().as_bytes()), *ksn);
        } else {
            assert!(blocks.is_empty());
        }
        // any flipped character of the MAC or ciphertext fails verification (or parsing)
        let mut bad = block.to_vec();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            KeyBlock::parse(&bad).unwrap().unwrap(&kbpk).unwrap_err().kind,
            ErrorKind::VerificationFailed
        );
        let mut bad = block.to_vec();
        bad[kb.header_len()] ^= 0x01; // first ciphertext hex digit, stays hex
        if let Ok(p) = KeyBlock::parse(&bad) {
            assert!(p.unwrap(&kbpk).is_err());
        }
        if r.get("wrap").is_some() {
            reproduce(&kb, &kbpk, block, key.as_bytes());
        }
        n += 1;
    }
    assert_eq!(n, 11);
}

/// Recovers the padding from the published block, wraps the same key with the same header,
/// optional blocks and padding, and expects the identical block.
fn reproduce(kb: &KeyBlock<'_>, kbpk: &Key, block: &[u8], key: &[u8]) {
    let v = kb.header().version;
    let hl = kb.header_len();
    let mac_hex = v.mac_len() * 2;
    let mut payload = hex::decode(&block[hl..block.len() - mac_hex]).unwrap();
    let mac = hex::decode(&block[block.len() - mac_hex..]).unwrap();
    let (kbek, _) = tr31::binding_keys(v, kbpk).unwrap();
    kbek.cbc_decrypt(&mac, &mut payload).unwrap();
    let padding = &payload[2 + key.len()..];
    assert_eq!(padding.len(), tr31::padding_len(v, kb.header().algorithm, key.len()));
    let opts: Vec<OptionalBlock<'_>> = kb.optional_blocks().filter(|b| &b.id != b"PB").collect();
    let mut out = [0u8; 512];
    let n = tr31::wrap_with_padding(kb.header(), &opts, kbpk, key, padding, &mut out).unwrap();
    assert_eq!(core::str::from_utf8(&out[..n]).unwrap(), core::str::from_utf8(block).unwrap());
}

#[test]
fn binding_key_derivations() {
    for r in records("tr31.txt").iter().filter(|r| s(r, "kind") == "binding") {
        let v = Version::from_char(s(r, "version").as_bytes()[0]).unwrap();
        let kbpk = kbpk_for(v.as_char(), &hx(r, "kbpk"));
        let (e, a) = tr31::binding_keys(v, &kbpk).unwrap();
        assert_eq!(up(e.as_bytes()), s(r, "kbek"));
        assert_eq!(up(a.as_bytes()), s(r, "kbak"));
    }
}

fn header(version: Version, usage: &[u8; 2], alg: u8) -> Header {
    Header {
        version,
        usage: *usage,
        algorithm: alg,
        mode: b'E',
        key_version: *b"00",
        exportability: b'E',
        context: b'0',
        reserved: b'0',
    }
}

#[test]
fn wrap_enforces_x9_143() {
    let tdes = Key::tdes(&hex::decode("1D22BF32387C600AD97F9B97A51311AC").unwrap()).unwrap();
    let aes =
        Key::aes(&hex::decode("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6").unwrap())
            .unwrap();
    let key = [0x11u8; 16];
    let pad = [0u8; 64];
    let mut out = [0u8; 512];
    // version D needs an AES KBPK, B a TDES one; A/C are unwrap-only
    let e = tr31::wrap_with_padding(&header(Version::B, b"P0", b'T'), &[], &aes, &key, &pad, &mut out)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::WrongAlgorithm);
    let e = tr31::wrap_with_padding(&header(Version::D, b"P0", b'A'), &[], &tdes, &key, &pad, &mut out)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::WrongAlgorithm);
    let e = tr31::wrap_with_padding(&header(Version::A, b"P0", b'T'), &[], &tdes, &key, &pad, &mut out)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    // KS only with TDES DUKPT keys
    let ks = [OptionalBlock { id: *b"KS", data: b"00604B120F9292800000" }];
    let e = tr31::wrap_with_padding(&header(Version::D, b"B1", b'A'), &ks, &aes, &key, &pad, &mut out)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::MalformedKeyBlock);
    let e = tr31::wrap_with_padding(&header(Version::B, b"P0", b'T'), &ks, &tdes, &key, &pad, &mut out)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::MalformedKeyBlock);
    // length obfuscation: a 16-byte TDES key and a 24-byte one give blocks of the same length
    let n16 =
        tr31::wrap_with_padding(&header(Version::B, b"P0", b'T'), &[], &tdes, &key, &pad, &mut out).unwrap();
    let n24 =
        tr31::wrap_with_padding(&header(Version::B, b"P0", b'T'), &[], &tdes, &[0x22; 24], &pad, &mut out)
            .unwrap();
    assert_eq!(n16, n24);
    // AES DUKPT initial key with its IK block, round trip
    let ik = [OptionalBlock { id: *b"IK", data: b"1234567890123456" }];
    let n =
        tr31::wrap_with_padding(&header(Version::D, b"B1", b'A'), &ik, &aes, &key, &pad, &mut out).unwrap();
    let kb = KeyBlock::parse(&out[..n]).unwrap();
    assert_eq!(kb.unwrap(&aes).unwrap().as_bytes(), &key);
    let ikb = kb.optional_blocks().find(|b| &b.id == b"IK").unwrap();
    assert_eq!(ikb.initial_key_id().unwrap(), [0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56]);
    // not enough padding bytes
    let e = tr31::wrap_with_padding(&header(Version::D, b"P0", b'A'), &[], &aes, &key, &[0; 3], &mut out)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidLength);
}

#[test]
fn malformed_blocks_are_typed_errors_with_offsets() {
    let cases: &[(&[u8], ErrorKind, &str)] = &[
        (b"", ErrorKind::MalformedKeyBlock, "header length"),
        (b"B0016P0TE00E000", ErrorKind::MalformedKeyBlock, "header length"),
        (b"E0016P0TE00E0000", ErrorKind::Unsupported, "key block version"),
        (b"B00X6P0TE00E0000", ErrorKind::MalformedKeyBlock, "key block length"),
        (b"B0017P0TE00E0000", ErrorKind::MalformedKeyBlock, "key block length"),
        (b"B0016P0TE00E0100", ErrorKind::MalformedKeyBlock, "key block truncated"),
        (b"B0016P0TE00E0000", ErrorKind::MalformedKeyBlock, "mac"),
        (b"B0024P0TE00E0100KS0Z0000", ErrorKind::MalformedKeyBlock, "optional block length"),
        (b"B0040P0TE00E00000000000000000000000000000000", ErrorKind::MalformedKeyBlock, "key block length"),
    ];
    for (input, kind, field) in cases {
        let e = KeyBlock::parse(input).unwrap_err();
        assert_eq!((e.kind, e.field), (*kind, *field), "{}", String::from_utf8_lossy(input));
    }
    // hex-valid framing but wrong MAC → verification failure, not a panic
    let block = b"B0048P0TE00E000000000000000000000000000000000000";
    assert_eq!(
        KeyBlock::parse(block).unwrap().unwrap(&Key::tdes(&[1; 16]).unwrap()).unwrap_err().kind,
        ErrorKind::VerificationFailed
    );
}
