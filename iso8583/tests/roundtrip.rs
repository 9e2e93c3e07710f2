//! Property tests: for every built-in spec, random valid messages (every defined data element
//! type × encoding × prefix combination the spec uses) round-trip pack → unpack → equal values;
//! random bytes never panic unpack, subfield walks, describe or framing.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_iso8583::framing::Frame;
use payproto_iso8583::spec::{Class, Encoding, Field, Length, Spec, Unit};
use payproto_iso8583::specs::ALL;
use payproto_iso8583::{Fields, pack, unpack, unpack_partial};
use proptest::prelude::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick(&mut self, s: &[u8]) -> u8 {
        s[self.below(s.len())]
    }
}

const DIGITS: &[u8] = b"0123456789";
const HEXU: &[u8] = b"0123456789ABCDEF";
const AN: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ";
const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ";
const NS: &[u8] = b"0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// A random valid canonical value for `f`.
fn value(f: &Field, rng: &mut Rng) -> Vec<u8> {
    let (count, unit) = match f.length {
        Length::Fixed { len, unit } => (usize::from(len), unit),
        Length::Var { prefix, min, max } => {
            let hi = usize::from(max).min(usize::from(min) + 60);
            (usize::from(min) + rng.below(hi - usize::from(min) + 1), prefix.unit)
        }
        _ => unreachable_value(),
    };
    // Canonical length for that count.
    let len = match (f.encoding, unit) {
        (Encoding::Hex, Unit::Bytes) => count,
        (Encoding::Hex, _) => count / 2,
        (Encoding::Binary, Unit::Digits | Unit::Nibbles) => count / 2,
        (Encoding::Bcd, Unit::Bytes | Unit::Chars) if f.class != Class::B => count * 2,
        _ => count,
    };
    let mut v: Vec<u8> = (0..len)
        .map(|_| match f.class {
            Class::N => rng.pick(DIGITS),
            Class::Ns => rng.pick(NS),
            Class::A => rng.pick(A),
            Class::An => rng.pick(AN),
            Class::Ans => 0x20 + rng.below(0x5F) as u8,
            Class::Z if f.z_hex => rng.pick(HEXU),
            Class::Z if f.encoding == Encoding::Bcd => rng.pick(b"0123456789D"),
            Class::Z => rng.pick(b"0123456789="),
            Class::Xn => rng.pick(DIGITS),
            _ => rng.next() as u8,
        })
        .collect();
    if f.class == Class::Xn && !v.is_empty() {
        v[0] = rng.pick(b"CD");
    }
    v
}

fn unreachable_value() -> (usize, Unit) {
    panic!("top-level fields are fixed or prefixed")
}

type Generated = (Vec<u8>, [u8; 4], Vec<(usize, Vec<u8>)>);

fn random_message(spec: &'static Spec, seed: u64) -> Generated {
    let mut rng = Rng(seed | 1);
    let header: Vec<u8> = (0..spec.header_len()).map(|_| rng.next() as u8).collect();
    let mut mti = [0u8; 4];
    for d in &mut mti {
        *d = rng.pick(DIGITS);
    }
    let defined: Vec<usize> = (2..spec.fields.len()).filter(|&d| spec.field(d).is_some()).collect();
    let n = 1 + rng.below(30);
    let mut chosen: Vec<usize> = (0..n).map(|_| defined[rng.below(defined.len())]).collect();
    chosen.sort_unstable();
    chosen.dedup();
    let values = chosen.into_iter().map(|d| (d, value(spec.field(d).unwrap(), &mut rng))).collect();
    (header, mti, values)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn pack_unpack_roundtrip(seed in any::<u64>(), which in 0..ALL.len()) {
        let spec = ALL[which];
        let (header, mti, values) = random_message(spec, seed);
        let mut fields = Fields::new(mti).with_header(&header);
        for (de, v) in &values {
            fields.set(*de, v);
        }
        let mut out = vec![0u8; 16384];
        let n = pack(spec, &fields, &mut out).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        prop_assert_eq!(payproto_iso8583::packed_len(spec, &fields).unwrap(), n);
        let m = unpack(spec, &out[..n]).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        prop_assert_eq!(m.mti(), mti);
        prop_assert_eq!(m.header_bytes(), &header[..]);
        let got: Vec<(usize, Vec<u8>)> = m.fields().map(|f| (f.number as usize, f.canonical().collect())).collect();
        prop_assert_eq!(got, values);
    }

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..400), which in 0..ALL.len()) {
        let spec = ALL[which];
        let p = unpack_partial(spec, &data);
        // What was parsed lies inside the input; a clean result consumed all of it and agrees with unpack.
        prop_assert!(p.message.len() <= data.len());
        prop_assert_eq!(p.error.is_none(), unpack(spec, &data).is_ok());
        if p.error.is_none() {
            prop_assert_eq!(p.message.len(), data.len());
        }
        let _ = p.describe().to_string();
        let _ = p.message.describe().unmasked().to_string();
        let _ = p.message.mac_input();
        let mut scratch = [0u8; 1024];
        for f in p.message.fields() {
            if f.spec.composite.is_some()
                && let Ok(subs) = f.subfields(&mut scratch)
            {
                {
                    for s in subs.flatten() {
                        if s.field.spec.composite.is_some() {
                            let mut inner = [0u8; 1024];
                            if let Ok(it) = s.subfields(&mut inner) {
                                it.for_each(drop);
                            }
                        }
                    }
                }
            }
        }
        for frame in [Frame::Len2, Frame::Len2Inclusive, Frame::Len2Bcd, Frame::Ascii4] {
            let _ = frame.split(&data);
        }
    }

    #[test]
    fn mutated_messages_never_panic(seed in any::<u64>(), which in 0..ALL.len(), flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6)) {
        let spec = ALL[which];
        let (header, mti, values) = random_message(spec, seed);
        let mut fields = Fields::new(mti).with_header(&header);
        for (de, v) in &values {
            fields.set(*de, v);
        }
        let mut out = vec![0u8; 16384];
        let n = pack(spec, &fields, &mut out).unwrap();
        let mut msg = out[..n].to_vec();
        for (at, b) in flips {
            let i = at % msg.len();
            msg[i] = b;
        }
        let p = unpack_partial(spec, &msg);
        prop_assert_eq!(p.error.is_none(), unpack(spec, &msg).is_ok());
        let d = p.describe().to_string();
        prop_assert!(d.contains("MTI"));
        let cut = seed as usize % (msg.len() + 1);
        let q = unpack_partial(spec, &msg[..cut]);
        prop_assert!(q.message.len() <= cut);
    }
}
