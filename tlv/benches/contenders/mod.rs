//! The contenders of the TLV walk benchmark, shared by `walk` (criterion) and `walk_race`
//! (alternating rounds). Each walks every object of a set of real EMV responses, descending into
//! every constructed object and reading every value byte; all must return the same checksum.
//!
//! Inputs: the responses of devnied/EMV-NFC-Paycard-Enrollment `VisaCardPse`, `MasterCardPpse`
//! and `UnionPayPseDirectory` (a binaryfoo/emv-bertlv capture), status words stripped.
#![allow(dead_code)]

use payproto_tlv::{Config, Reader, Walk};

pub(crate) const RESPONSES: &[&str] = &[
    "6F1E840E315041592E5359532E4444463031A50C8801019F1101015F2D026672",
    "702361214F07A0000000421010500243429F120E5452414E53414354494F4E204342870101",
    "6F3D8407A0000000421010A532500243428701019F1101019F120E5452414E53414354494F4E2043425F2D026672BF0C0EDF60020B1EDF6101039F4D020B1E",
    "80123C0008020200100102001004040018010503",
    "703557134979670123453600D16022017412FFFF80000F9F1F18FFFF3132353737FF3F30FF303030303735FFFF30303030FF5F2002202F",
    "9F4F109F02069F27019F1A025F2A029A039C01",
    "9F170103",
    "9F3602062C",
    "6F4D840E325041592E5359532E4444463031A53BBF0C3861164F07A0000000421010870101500243429F280340020061\
     1E4F07A0000000041010870102500A4D4153544552434152449F2803400200",
    "6F298407A0000000421010A51E500243428701019F1101019F120243425F2D0466726560BF0C04DF610104",
    "77128202198094 0C100101011801010020010200",
    "77389F100706011A2380400457135599999999999999D15092FFFFFFFFFFFFFF0F820220009F3602028F9F2608FFFFFFFFFFFFFFFF9F6C021000",
    "6F15840E315041592E5359532E4444463031A503880101",
    "701C611A4F08A000000333010102500B5549434320435245444954870101",
    "701B61194F08A000000333010101500A55494343204445424954870102",
    "7021611F4F08A000000333010103501055494343205155415349435245444954870103",
];

pub(crate) fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[derive(Default, Debug, PartialEq, Eq, Clone, Copy)]
pub(crate) struct Sum {
    pub(crate) objects: usize,
    pub(crate) bytes: u64,
}

impl Sum {
    fn value(&mut self, v: &[u8]) {
        self.objects += 1;
        self.bytes += v.iter().map(|&b| u64::from(b)).sum::<u64>();
    }
}

pub(crate) fn payproto_walk(set: &[Vec<u8>]) -> Sum {
    payproto_walk_mode(set, Config::EMV)
}

pub(crate) fn payproto_walk_strict(set: &[Vec<u8>]) -> Sum {
    payproto_walk_mode(set, Config::STRICT)
}

pub(crate) fn payproto_walk_mode(set: &[Vec<u8>], cfg: Config) -> Sum {
    let mut s = Sum::default();
    for r in set {
        for t in Walk::new(r, cfg) {
            let t = t.unwrap();
            if t.is_constructed() {
                s.objects += 1;
            } else {
                s.value(t.value);
            }
        }
    }
    s
}

pub(crate) fn payproto_reader_rec(r: Reader<'_>, s: &mut Sum) {
    for t in r {
        let t = t.unwrap();
        if t.is_constructed() {
            s.objects += 1;
            payproto_reader_rec(t.children(), s);
        } else {
            s.value(t.value);
        }
    }
}

pub(crate) fn payproto_reader(set: &[Vec<u8>]) -> Sum {
    let mut s = Sum::default();
    for r in set {
        payproto_reader_rec(Reader::strict(r), &mut s);
    }
    s
}

mod with_nom {
    //! The same tag + length rules written with nom 8 combinators.
    use nom::bytes::complete::take;
    use nom::number::complete::{be_u8, be_u16};
    use nom::{IResult, Parser};

    fn tag(i: &[u8]) -> IResult<&[u8], (u8, bool)> {
        let (mut i, first) = be_u8(i)?;
        if first & 0x1F == 0x1F {
            loop {
                let (rest, b) = be_u8(i)?;
                i = rest;
                if b & 0x80 == 0 {
                    break;
                }
            }
        }
        Ok((i, (first, first & 0x20 != 0)))
    }

    fn length(i: &[u8]) -> IResult<&[u8], usize> {
        let (i, first) = be_u8(i)?;
        match first {
            0..=0x7F => Ok((i, usize::from(first))),
            0x81 => be_u8.map(usize::from).parse(i),
            0x82 => be_u16.map(usize::from).parse(i),
            _ => Err(nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Verify))),
        }
    }

    pub(super) fn walk(mut i: &[u8], s: &mut super::Sum) {
        while !i.is_empty() {
            let (rest, (_, constructed)) = tag(i).unwrap();
            let (rest, len) = length(rest).unwrap();
            let (rest, value) = take::<usize, &[u8], nom::error::Error<&[u8]>>(len).parse(rest).unwrap();
            if constructed {
                s.objects += 1;
                walk(value, s);
            } else {
                s.value(value);
            }
            i = rest;
        }
    }
}

pub(crate) fn nom_walk(set: &[Vec<u8>]) -> Sum {
    let mut s = Sum::default();
    for r in set {
        with_nom::walk(r, &mut s);
    }
    s
}

pub(crate) fn flexiber_rec(data: &[u8], s: &mut Sum) {
    use flexiber::{Decodable, Decoder, TaggedSlice};
    let mut d = Decoder::new(data);
    while !d.is_finished() {
        let t: TaggedSlice<'_> = TaggedSlice::decode(&mut d).unwrap();
        if t.tag().constructed {
            s.objects += 1;
            flexiber_rec(t.as_bytes(), s);
        } else {
            s.value(t.as_bytes());
        }
    }
}

pub(crate) fn flexiber_walk(set: &[Vec<u8>]) -> Sum {
    let mut s = Sum::default();
    for r in set {
        flexiber_rec(r, &mut s);
    }
    s
}

pub(crate) fn iso7816_rec(t: &iso7816_tlv::ber::Tlv, s: &mut Sum) {
    match t.value() {
        iso7816_tlv::ber::Value::Constructed(children) => {
            s.objects += 1;
            for c in children {
                iso7816_rec(c, s);
            }
        }
        iso7816_tlv::ber::Value::Primitive(v) => s.value(v),
    }
}

pub(crate) fn iso7816_walk(set: &[Vec<u8>]) -> Sum {
    let mut s = Sum::default();
    for r in set {
        let t = iso7816_tlv::ber::Tlv::from_bytes(r).unwrap();
        iso7816_rec(&t, &mut s);
    }
    s
}

pub(crate) fn tlv_parser_rec(t: &tlv_parser::tlv::Tlv, s: &mut Sum) {
    match t.val() {
        tlv_parser::tlv::Value::TlvList(children) => {
            s.objects += 1;
            for c in children {
                tlv_parser_rec(c, s);
            }
        }
        tlv_parser::tlv::Value::Val(v) => s.value(v),
        tlv_parser::tlv::Value::Nothing => s.value(&[]),
    }
}

pub(crate) fn tlv_parser_walk(set: &[Vec<u8>]) -> Sum {
    let mut s = Sum::default();
    for r in set {
        let t = tlv_parser::tlv::Tlv::from_vec(r).unwrap();
        tlv_parser_rec(&t, &mut s);
    }
    s
}

/// The data set: the 16 responses twice over (~1.1 KiB), as a terminal reads them across two
/// transactions.
pub(crate) fn data_set() -> Vec<Vec<u8>> {
    RESPONSES.iter().chain(RESPONSES).map(|s| hex(s)).collect()
}

/// A contender: walks the data set and returns its checksum.
pub(crate) type Contender = fn(&[Vec<u8>]) -> Sum;

/// Every contender, by name; the first is the reference checksum.
pub(crate) const CONTENDERS: &[(&str, Contender)] = &[
    ("payproto_walk", payproto_walk),
    ("payproto_walk_strict", payproto_walk_strict),
    ("payproto_reader", payproto_reader),
    ("nom_header", nom_walk),
    ("flexiber", flexiber_walk),
    ("iso7816_tlv", iso7816_walk),
    ("tlv_parser", tlv_parser_walk),
];

/// Asserts that every contender computes the same checksum.
pub(crate) fn check_agreement(set: &[Vec<u8>]) -> Sum {
    let expect = payproto_walk(set);
    for (name, f) in CONTENDERS {
        assert_eq!(f(set), expect, "{name} disagrees");
    }
    expect
}
