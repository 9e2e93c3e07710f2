//! Response parsers: a [`Response`] is an unpacked `cup-pos` message with typed accessors.

use super::codes::{NetMgmt, ResponseCode, TxnType};
use super::{FlowError, FlowErrorKind, parse_digits};
use crate::error::FieldPath;
use crate::specs::CUP_POS;
use crate::unpack::{Message, unpack};

/// Field 60 parsed: 60.1 type, 60.2 batch, 60.3 code, 60.4 / 60.5 when present.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct F60 {
    /// 60.1.
    pub txn_type: TxnType,
    /// 60.2 batch number (the new batch in a sign-on response).
    pub batch: u32,
    /// 60.3.
    pub net_mgmt: NetMgmt,
    /// 60.4 terminal read capability.
    pub read_capability: Option<u8>,
    /// 60.5 IC card condition code.
    pub ic_condition: Option<u8>,
}

impl F60 {
    /// Parses the ASCII digits of field 60 (at least 60.1 and 60.2; 60.3 defaults to `000`).
    ///
    /// # Errors
    /// [`FlowErrorKind::BadValue`].
    pub fn parse(d: &[u8]) -> Result<Self, FlowError> {
        let bad =
            |off: usize| FlowError { kind: FlowErrorKind::BadValue, path: FieldPath::field(60), offset: off };
        let num = |r: core::ops::Range<usize>| d.get(r.clone()).and_then(parse_digits).ok_or(bad(r.start));
        let ty = u8::try_from(num(0..2)?).map_err(|_| bad(0))?;
        let batch = u32::try_from(num(2..8)?).map_err(|_| bad(2))?;
        let nmc = if d.len() >= 11 { u16::try_from(num(8..11)?).map_err(|_| bad(8))? } else { 0 };
        let one = |i: usize| d.get(i).filter(|c| c.is_ascii_digit()).map(|c| c.wrapping_sub(b'0'));
        Ok(Self {
            txn_type: TxnType::from_code(ty),
            batch,
            net_mgmt: NetMgmt::from_code(nmc),
            read_capability: one(11),
            ic_condition: one(12),
        })
    }
}

/// The settlement answer of a 0510 (DE 48 result digits, `1` = balanced, `2` = not balanced,
/// `3` = error; reference §7.1).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SettlementResult {
    /// Domestic-card result digit.
    pub domestic: u8,
    /// Foreign-card result digit (`None` if DE 48 carries only the domestic half).
    pub foreign: Option<u8>,
}

impl SettlementResult {
    /// Both halves balanced (`1`).
    pub fn balanced(&self) -> bool {
        self.domestic == 1 && self.foreign.is_none_or(|f| f == 1)
    }
}

/// One BER-TLV item of a parameter-download DE 62.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// Tag (1 or 2 bytes, big-endian).
    pub tag: u16,
    /// Value.
    pub value: &'a [u8],
}

/// The DE 62 of a parameter / CA key / AID download response: a status byte then BER-TLV items.
///
/// Reading (no public sample gives the layout): byte 1 = `0` nothing to download, `1` this is
/// the last/only part, `2`/`3` more follow; then the TLV items of one CA key (`9F06` RID, `9F22`
/// index, `DF05` expiry, `DF06` hash algorithm, `DF07` key algorithm, `DF02` modulus, `DF04`
/// exponent, `DF03` checksum) or one AID (`9F06` AID, `DF01` ASI, `9F09` version, `DF11`–`DF13`
/// TAC, `9F1B` floor limit, …) — or, in a status query answer, repeated `9F06`/`9F22`/`DF05`.
#[derive(Copy, Clone, Debug)]
pub struct ParamRecords<'a> {
    /// The status byte (ASCII digit).
    pub status: u8,
    rest: &'a [u8],
    offset: usize,
}

impl<'a> ParamRecords<'a> {
    /// Splits a DE 62 value.
    ///
    /// # Errors
    /// [`FlowErrorKind::Missing`] when empty.
    pub fn parse(f62: &'a [u8]) -> Result<Self, FlowError> {
        match f62 {
            [status, rest @ ..] => Ok(Self { status: *status, rest, offset: 1 }),
            [] => Err(FlowError { kind: FlowErrorKind::Missing, path: FieldPath::field(62), offset: 0 }),
        }
    }
    /// More parts follow (status `2` or `3`).
    pub fn more(&self) -> bool {
        matches!(self.status, b'2' | b'3')
    }
}

impl<'a> Iterator for ParamRecords<'a> {
    type Item = Result<Tlv<'a>, FlowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let bad =
            FlowError { kind: FlowErrorKind::BadValue, path: FieldPath::field(62), offset: self.offset };
        let parsed = (|| {
            let (&t0, r) = self.rest.split_first()?;
            let (tag, r, tl) = if t0 & 0x1F == 0x1F {
                let (&t1, r) = r.split_first()?;
                (u16::from_be_bytes([t0, t1]), r, 2usize)
            } else {
                (u16::from(t0), r, 1)
            };
            let (&l0, r) = r.split_first()?;
            let (len, r, ll) = match l0 {
                0x81 => {
                    let (&l1, r) = r.split_first()?;
                    (usize::from(l1), r, 2usize)
                }
                0x82 => {
                    let (l, r) = r.split_at_checked(2)?;
                    let [a, b] = <[u8; 2]>::try_from(l).ok()?;
                    (usize::from(u16::from_be_bytes([a, b])), r, 3)
                }
                l if l < 0x80 => (usize::from(l), r, 1),
                _ => return None,
            };
            let (value, r) = r.split_at_checked(len)?;
            let used = tl.checked_add(ll)?.checked_add(len)?;
            Some((Tlv { tag, value }, r, used))
        })();
        match parsed {
            Some((tlv, r, used)) => {
                self.rest = r;
                self.offset = self.offset.saturating_add(used);
                Some(Ok(tlv))
            }
            None => {
                self.rest = &[];
                Some(Err(bad))
            }
        }
    }
}

/// A parsed response (0110, 0210, 0230, 0330, 0410, 0510, 0630, 0810, 0830 and their repeats).
pub struct Response<'a> {
    msg: Message<'a>,
}

impl<'a> Response<'a> {
    /// Unpacks `bytes` (TPDU + header + message, no LEN) under `cup-pos` and checks that the
    /// MTI is a response (third digit `1` or `3`).
    ///
    /// # Errors
    /// The codec's errors; [`FlowErrorKind::UnexpectedMti`].
    pub fn parse(bytes: &'a [u8]) -> Result<Self, FlowError> {
        let msg = unpack(&CUP_POS, bytes)?;
        let [_, _, f, _] = msg.mti();
        if f != b'1' && f != b'3' {
            return Err(FlowError { kind: FlowErrorKind::UnexpectedMti, path: FieldPath::ROOT, offset: 11 });
        }
        Ok(Self { msg })
    }

    /// Parses and checks that this answers a request of MTI `request` (same class, e.g. 0200 →
    /// 0210, 0220 → 0230, 0401 → 0410).
    ///
    /// # Errors
    /// As [`Response::parse`].
    pub fn parse_for(request: [u8; 4], bytes: &'a [u8]) -> Result<Self, FlowError> {
        let r = Self::parse(bytes)?;
        let m = r.msg.mti();
        if m.get(..2) != request.get(..2) {
            return Err(FlowError { kind: FlowErrorKind::UnexpectedMti, path: FieldPath::ROOT, offset: 11 });
        }
        Ok(r)
    }

    /// The codec view.
    pub fn message(&self) -> &Message<'a> {
        &self.msg
    }
    /// The MTI.
    pub fn mti(&self) -> [u8; 4] {
        self.msg.mti()
    }

    fn fixed<const N: usize>(&self, de: u16) -> Result<[u8; N], FlowError> {
        let f = self.msg.field(usize::from(de)).ok_or(FlowError {
            kind: FlowErrorKind::Missing,
            path: FieldPath::field(de),
            offset: 0,
        })?;
        let mut out = [0u8; N];
        let n = f.write_canonical(&mut out)?;
        if n != N {
            return Err(FlowError { kind: FlowErrorKind::BadValue, path: FieldPath::field(de), offset: 0 });
        }
        Ok(out)
    }

    /// DE 39.
    ///
    /// # Errors
    /// [`FlowErrorKind::Missing`].
    pub fn response_code(&self) -> Result<ResponseCode, FlowError> {
        self.fixed::<2>(39).map(ResponseCode)
    }
    /// DE 11 STAN.
    ///
    /// # Errors
    /// [`FlowErrorKind::Missing`] / [`FlowErrorKind::BadValue`].
    pub fn stan(&self) -> Result<u32, FlowError> {
        let d = self.fixed::<6>(11)?;
        parse_digits(&d).and_then(|v| u32::try_from(v).ok()).ok_or(FlowError {
            kind: FlowErrorKind::BadValue,
            path: FieldPath::field(11),
            offset: 0,
        })
    }
    /// DE 4 amount (fen).
    ///
    /// # Errors
    /// [`FlowErrorKind::Missing`] / [`FlowErrorKind::BadValue`].
    pub fn amount(&self) -> Result<u64, FlowError> {
        let d = self.fixed::<12>(4)?;
        parse_digits(&d).ok_or(FlowError {
            kind: FlowErrorKind::BadValue,
            path: FieldPath::field(4),
            offset: 0,
        })
    }
    /// DE 37 retrieval reference number.
    ///
    /// # Errors
    /// [`FlowErrorKind::Missing`].
    pub fn rrn(&self) -> Result<[u8; 12], FlowError> {
        self.fixed(37)
    }
    /// DE 38 authorisation code.
    ///
    /// # Errors
    /// [`FlowErrorKind::Missing`].
    pub fn auth_code(&self) -> Result<[u8; 6], FlowError> {
        self.fixed(38)
    }
    /// DE 41 terminal ID.
    ///
    /// # Errors
    /// [`FlowErrorKind::Missing`].
    pub fn tid(&self) -> Result<[u8; 8], FlowError> {
        self.fixed(41)
    }
    /// DE 42 merchant ID.
    ///
    /// # Errors
    /// [`FlowErrorKind::Missing`].
    pub fn mid(&self) -> Result<[u8; 15], FlowError> {
        self.fixed(42)
    }
    /// DE 60.
    ///
    /// # Errors
    /// [`FlowErrorKind::Missing`] / [`FlowErrorKind::BadValue`].
    pub fn f60(&self) -> Result<F60, FlowError> {
        let f = self.msg.field(60).ok_or(FlowError {
            kind: FlowErrorKind::Missing,
            path: FieldPath::field(60),
            offset: 0,
        })?;
        let mut d = [0u8; 17];
        let n = f.write_canonical(&mut d)?;
        F60::parse(d.get(..n).unwrap_or(&[]))
    }
    /// Raw DE 62 (working keys of a sign-on, parameter records of a download).
    pub fn f62(&self) -> Option<&'a [u8]> {
        self.msg.field(62).map(|f| f.raw)
    }
    /// The parameter records of a download response's DE 62.
    ///
    /// # Errors
    /// [`FlowErrorKind::Missing`].
    pub fn param_records(&self) -> Result<ParamRecords<'a>, FlowError> {
        ParamRecords::parse(self.f62().ok_or(FlowError {
            kind: FlowErrorKind::Missing,
            path: FieldPath::field(62),
            offset: 0,
        })?)
    }
    /// The settlement result digits of a 0510's DE 48 (positions 31 and 62 of the 62 digits).
    ///
    /// # Errors
    /// [`FlowErrorKind::Missing`] / [`FlowErrorKind::BadValue`].
    pub fn settlement(&self) -> Result<SettlementResult, FlowError> {
        let f = self.msg.field(48).ok_or(FlowError {
            kind: FlowErrorKind::Missing,
            path: FieldPath::field(48),
            offset: 0,
        })?;
        let mut d = [0u8; 62];
        let n = f.write_canonical(&mut d)?;
        let digit = |i: usize| d.get(i).filter(|c| c.is_ascii_digit()).map(|c| c.wrapping_sub(b'0'));
        let bad = FlowError { kind: FlowErrorKind::BadValue, path: FieldPath::field(48), offset: 30 };
        let domestic = if n >= 31 { digit(30).ok_or(bad)? } else { return Err(bad) };
        let foreign = if n >= 62 { Some(digit(61).ok_or(bad)?) } else { None };
        Ok(SettlementResult { domestic, foreign })
    }

    /// Verifies DE 64 (CUP ECB MAC) under the MAC key.
    ///
    /// # Errors
    /// [`FlowErrorKind::MacMismatch`]; [`FlowErrorKind::Codec`] (`Absent`, `MacUnavailable`).
    #[cfg(feature = "crypto")]
    pub fn verify_mac(&self, mak: &payproto_crypto::Key) -> Result<(), FlowError> {
        Ok(crate::mac::verify(&self.msg, mak)?)
    }

    /// The working keys of a sign-on response (DE 62 under the TMK, each checked against its
    /// 4-byte KCV): TDES by `payproto_crypto::keydownload`, or SM4 by `payproto_crypto::sm::cup`
    /// when the TMK is an SM4 key. Requires DE 39 = `00`.
    ///
    /// # Errors
    /// [`FlowErrorKind::Missing`]; [`FlowErrorKind::KeyCheckFailed`] (offset = the failing key's
    /// position in DE 62); [`FlowErrorKind::BadValue`] when DE 39 is not `00`.
    #[cfg(feature = "crypto")]
    pub fn working_keys(
        &self,
        tmk: &payproto_crypto::Key,
    ) -> Result<payproto_crypto::keydownload::WorkingKeys, FlowError> {
        use payproto_crypto::key::Algorithm;
        if !self.response_code()?.is_approved() {
            return Err(FlowError { kind: FlowErrorKind::BadValue, path: FieldPath::field(39), offset: 0 });
        }
        let f62 = self.f62().ok_or(FlowError {
            kind: FlowErrorKind::Missing,
            path: FieldPath::field(62),
            offset: 0,
        })?;
        let r = if tmk.algorithm() == Algorithm::Sm4 {
            payproto_crypto::sm::cup::decrypt_sign_on_keys(tmk, f62)
        } else {
            payproto_crypto::keydownload::decrypt_sign_on_keys(tmk, f62)
        };
        r.map_err(|e| FlowError {
            kind: FlowErrorKind::KeyCheckFailed,
            path: FieldPath::field(62),
            offset: e.offset,
        })
    }
}
