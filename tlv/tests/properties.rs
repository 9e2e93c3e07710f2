//! Properties: `parse(encode(tree)) == tree` for random trees (strict mode, canonical encoding),
//! and no input of random bytes makes any entry point panic, in every mode.
#![cfg(feature = "alloc")]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, clippy::arithmetic_side_effects)]

use payproto_tlv::{Config, Content, Dol, OwnedTlv, Reader, Tag, Walk, find, find_path, tag};
use proptest::prelude::*;

fn any_tag(constructed: bool) -> impl Strategy<Value = Tag> {
    let c = if constructed { 0x20u8 } else { 0 };
    prop_oneof![
        // One byte: low five bits not all ones, never 00 (padding).
        (0u8..=0xFF).prop_filter_map("1-byte tag", move |b| {
            let b = (b & !0x20) | c;
            (b & 0x1F != 0x1F && b != 0).then(|| Tag::from_u32(u32::from(b))).flatten()
        }),
        (0u8..=0xFF, 0u8..0x80)
            .prop_map(move |(a, b)| { Tag::from_bytes(&[(a & !0x20) | c | 0x1F, b]).unwrap() }),
        (0u8..=0xFF, 0x80u8..=0xFF, 0u8..0x80)
            .prop_map(move |(a, b, d)| { Tag::from_bytes(&[(a & !0x20) | c | 0x1F, b, d]).unwrap() }),
    ]
}

fn any_tree() -> impl Strategy<Value = OwnedTlv> {
    let leaf = (any_tag(false), proptest::collection::vec(any::<u8>(), 0..300))
        .prop_map(|(tag, value)| OwnedTlv::Primitive { tag, value });
    leaf.prop_recursive(6, 64, 6, |inner| {
        (any_tag(true), proptest::collection::vec(inner, 0..6))
            .prop_map(|(tag, children)| OwnedTlv::Constructed { tag, children })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn encode_then_parse_is_identity(trees in proptest::collection::vec(any_tree(), 0..5)) {
        let bytes = OwnedTlv::encode_all(&trees).unwrap();
        prop_assert_eq!(OwnedTlv::parse_all(&bytes, Config::STRICT).unwrap(), trees.clone());
        prop_assert_eq!(OwnedTlv::parse_all(&bytes, Config::EMV).unwrap(), trees.clone());
        // Canonical: encoding what was parsed gives the same bytes.
        let again = OwnedTlv::encode_all(&OwnedTlv::parse_all(&bytes, Config::EMV).unwrap()).unwrap();
        prop_assert_eq!(again, bytes);
    }

    #[test]
    fn emv_padding_is_transparent(trees in proptest::collection::vec(any_tree(), 1..4), pad in 0usize..4) {
        // Padding between top-level objects changes nothing in EMV mode.
        let mut padded = vec![0u8; pad];
        for t in &trees {
            padded.extend(OwnedTlv::encode_all(core::slice::from_ref(t)).unwrap());
            padded.extend(core::iter::repeat_n(0u8, pad));
        }
        prop_assert_eq!(OwnedTlv::parse_all(&padded, Config::EMV).unwrap(), trees);
    }

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        for cfg in [Config::EMV, Config::STRICT, Config::EMV.with_ff_padding(true), Config::STRICT.with_max_depth(16)] {
            for t in Reader::new(&data, cfg).flatten() {
                if let Ok(Content::Children(c)) = t.content() {
                    let _ = c.count();
                }
            }
            let _ = Walk::new(&data, cfg).count();
            let _ = find(&data, cfg, tag!(0x9F02));
            let _ = find_path(&data, cfg, "6F/A5/BF0C/61/4F");
            let _ = OwnedTlv::parse_all(&data, cfg);
        }
        let _ = Dol::new(&data).count();
        let _ = Dol::new(&data).data_len();
    }

    #[test]
    fn walk_visits_every_object_once(trees in proptest::collection::vec(any_tree(), 0..4)) {
        fn count(t: &OwnedTlv) -> usize {
            match t {
                OwnedTlv::Primitive { .. } => 1,
                OwnedTlv::Constructed { children, .. } => 1 + children.iter().map(count).sum::<usize>(),
            }
        }
        let bytes = OwnedTlv::encode_all(&trees).unwrap();
        let walked = Walk::new(&bytes, Config::STRICT.with_max_depth(16)).collect::<Result<Vec<_>, _>>().unwrap();
        prop_assert_eq!(walked.len(), trees.iter().map(count).sum::<usize>());
    }
}
