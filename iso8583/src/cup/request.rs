//! Request builders. A [`Request`] owns its small fields (fixed arrays) and borrows large ones
//! (track, ICC data, PIN block); [`Request::fields`] lends them to the codec.

use super::codes::{Condition, EntryMode, NetMgmt, ReversalReason, TxnType};
use super::{Buf, FlowError, FlowErrorKind, put_digits};
use crate::pack::{Fields, pack};
use crate::specs::CUP_POS;

/// The terminal's identity: TPDU + header (11 bytes, e.g. `60 0003 0000` ‖ `60 31 00 31 01 00`),
/// DE 41 terminal ID (8 characters), DE 42 merchant ID (15 characters).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Terminal {
    /// TPDU (5) ‖ header (6).
    pub header: [u8; 11],
    /// DE 41.
    pub tid: [u8; 8],
    /// DE 42.
    pub mid: [u8; 15],
}

/// Card data of a financial request. Digits are ASCII (`b"6226…"`).
#[derive(Copy, Clone, Debug, Default)]
pub struct Card<'a> {
    /// DE 22 entry mode (`None` leaves DE 22 out).
    pub entry: Option<EntryMode>,
    /// DE 2 PAN.
    pub pan: Option<&'a [u8]>,
    /// DE 14 expiry YYMM.
    pub expiry: Option<[u8; 4]>,
    /// DE 23 card sequence number.
    pub sequence: Option<[u8; 3]>,
    /// DE 35 track 2 (digits, `D` or `=` separator; hex nibbles if encrypted).
    pub track2: Option<&'a [u8]>,
    /// DE 36 track 3.
    pub track3: Option<&'a [u8]>,
    /// DE 52 PIN block (sets DE 26 = `12`, the PIN capture code seen in CUP requests).
    pub pin_block: Option<&'a [u8; 8]>,
    /// DE 55 ICC data (BER-TLV).
    pub icc: Option<&'a [u8]>,
    /// A scanned consumer payment code (ASCII digits), carried in DE 59 (no public CUP sample
    /// carries one; acquirers differ — our reading: the plain digits in DE 59).
    pub scanned: Option<&'a [u8]>,
    /// 60.5 IC card condition code (`0` normal, `1`/`2` fallback after a chip failure).
    pub ic_condition: u8,
}

/// The original transaction a void, refund, pre-auth completion/void or reversal refers to.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Original {
    /// Original batch number (61.1, 6 digits).
    pub batch: u32,
    /// Original STAN (61.2, 6 digits).
    pub stan: u32,
    /// Original date MMDD (61.3), refunds and pre-auth family.
    pub date: Option<[u8; 4]>,
    /// Original RRN (DE 37).
    pub rrn: Option<[u8; 12]>,
    /// Original authorisation code (DE 38).
    pub auth_code: Option<[u8; 6]>,
}

/// Settlement totals (DE 48 of the 0500): counts and amounts (fen) of debits and credits,
/// domestic and foreign cards.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Domestic debit amount.
    pub debit_amount: u64,
    /// Domestic debit count.
    pub debit_count: u16,
    /// Domestic credit amount.
    pub credit_amount: u64,
    /// Domestic credit count.
    pub credit_count: u16,
    /// Foreign debit amount.
    pub foreign_debit_amount: u64,
    /// Foreign debit count.
    pub foreign_debit_count: u16,
    /// Foreign credit amount.
    pub foreign_credit_amount: u64,
    /// Foreign credit count.
    pub foreign_credit_count: u16,
}

/// A request message of a CUP POS flow.
#[derive(Copy, Clone, Debug)]
pub struct Request<'a> {
    header: [u8; 11],
    mti: [u8; 4],
    f3: Option<[u8; 6]>,
    f4: Option<[u8; 12]>,
    f11: [u8; 6],
    f14: Option<[u8; 4]>,
    f22: Option<[u8; 3]>,
    f23: Option<[u8; 3]>,
    f25: Option<[u8; 2]>,
    f26: Option<[u8; 2]>,
    f37: Option<[u8; 12]>,
    f38: Option<[u8; 6]>,
    f39: Option<[u8; 2]>,
    f41: [u8; 8],
    f42: [u8; 15],
    f48: Buf<62>,
    f49: bool,
    f60: Buf<17>,
    f61: Buf<29>,
    f63: Option<[u8; 3]>,
    f2: Option<&'a [u8]>,
    f35: Option<&'a [u8]>,
    f36: Option<&'a [u8]>,
    f52: Option<&'a [u8; 8]>,
    f55: Option<&'a [u8]>,
    f59: Option<&'a [u8]>,
    f62: Option<&'a [u8]>,
    extra: [Option<(u8, &'a [u8])>; 4],
    mac: bool,
}

fn digits<const N: usize>(value: u64, de: u16) -> Result<[u8; N], FlowError> {
    let mut out = [b'0'; N];
    put_digits(value, &mut out, de)?;
    Ok(out)
}

impl<'a> Request<'a> {
    fn base(term: &Terminal, mti: &[u8; 4], stan: u32) -> Result<Self, FlowError> {
        Ok(Self {
            header: term.header,
            mti: *mti,
            f3: None,
            f4: None,
            f11: digits(u64::from(stan), 11)?,
            f14: None,
            f22: None,
            f23: None,
            f25: None,
            f26: None,
            f37: None,
            f38: None,
            f39: None,
            f41: term.tid,
            f42: term.mid,
            f48: Buf::EMPTY,
            f49: false,
            f60: Buf::EMPTY,
            f61: Buf::EMPTY,
            f63: None,
            f2: None,
            f35: None,
            f36: None,
            f52: None,
            f55: None,
            f59: None,
            f62: None,
            extra: [None; 4],
            mac: true,
        })
    }

    /// Field 60: 60.1 type ‖ 60.2 batch ‖ 60.3 code [‖ 60.4 read capability ‖ 60.5 IC condition].
    fn set_f60(
        &mut self,
        ty: TxnType,
        batch: u32,
        nmc: NetMgmt,
        card: Option<(u8, u8)>,
    ) -> Result<(), FlowError> {
        let mut b = Buf::EMPTY;
        b.push_num(u64::from(ty.code()), 2, 60)?;
        b.push_num(u64::from(batch), 6, 60)?;
        b.push_num(u64::from(nmc.code()), 3, 60)?;
        if let Some((cap, cond)) = card {
            b.push_num(u64::from(cap), 1, 60)?;
            b.push_num(u64::from(cond), 1, 60)?;
        }
        self.f60 = b;
        Ok(())
    }

    fn set_original_f61(&mut self, o: &Original, with_date: bool) -> Result<(), FlowError> {
        let mut b = Buf::EMPTY;
        b.push_num(u64::from(o.batch), 6, 61)?;
        b.push_num(u64::from(o.stan), 6, 61)?;
        if with_date {
            b.push(&o.date.unwrap_or(*b"0000"), 61)?;
        }
        self.f61 = b;
        self.f37 = o.rrn;
        self.f38 = o.auth_code;
        Ok(())
    }

    fn set_card(&mut self, card: &Card<'a>) {
        self.f2 = card.pan;
        self.f14 = card.expiry;
        self.f22 = card.entry.map(EntryMode::digits);
        self.f23 = card.sequence;
        self.f35 = card.track2;
        self.f36 = card.track3;
        self.f52 = card.pin_block;
        self.f26 = card.pin_block.map(|_| *b"12");
        self.f55 = card.icc;
        self.f59 = card.scanned;
    }

    #[allow(clippy::too_many_arguments)]
    fn financial(
        term: &Terminal,
        mti: &[u8; 4],
        processing: &[u8; 6],
        ty: TxnType,
        cond: Condition,
        stan: u32,
        batch: u32,
        amount: Option<u64>,
        card: &Card<'a>,
    ) -> Result<Self, FlowError> {
        let mut r = Self::base(term, mti, stan)?;
        r.f3 = Some(*processing);
        r.f4 = match amount {
            Some(a) => Some(digits(a, 4)?),
            None => None,
        };
        r.f25 = Some(digits(u64::from(cond.code()), 25)?);
        r.f49 = true;
        r.set_card(card);
        let cap = card.entry.map_or(2, |e| e.pan.read_capability());
        r.set_f60(ty, batch, NetMgmt::Financial, Some((cap, card.ic_condition)))?;
        Ok(r)
    }

    /// Sign-on 0800: DE 11, 41, 42, 60 (`00` ‖ batch ‖ `001`/`003`/`004`), 63 operator (3
    /// characters, e.g. `01 `). No MAC (the MAC key is what the sign-on downloads).
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`] for a STAN/batch beyond 6 digits.
    pub fn sign_on(
        term: &Terminal,
        stan: u32,
        batch: u32,
        keys: NetMgmt,
        operator: [u8; 3],
    ) -> Result<Self, FlowError> {
        let mut r = Self::base(term, b"0800", stan)?;
        r.set_f60(TxnType::Management, batch, keys, None)?;
        r.f63 = Some(operator);
        r.mac = false;
        Ok(r)
    }

    /// Parameter / CA key / AID download or status query (0800 or 0820 by the code: `372` and
    /// `382` status queries are 0820, the rest 0800). `query` is DE 62 (e.g. the TLV
    /// `9F06 RID ‖ 9F22 index` of the CA key wanted, or `''` for the status query start). No MAC.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn download(
        term: &Terminal,
        stan: u32,
        batch: u32,
        code: NetMgmt,
        query: Option<&'a [u8]>,
    ) -> Result<Self, FlowError> {
        let mti = if matches!(code, NetMgmt::CaKeyQuery | NetMgmt::AidQuery) { b"0820" } else { b"0800" };
        let mut r = Self::base(term, mti, stan)?;
        r.set_f60(TxnType::Management, batch, code, None)?;
        r.f62 = query;
        r.mac = false;
        Ok(r)
    }

    /// Echo test 0820 (60.3 `301`). No MAC.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn echo(term: &Terminal, stan: u32, batch: u32) -> Result<Self, FlowError> {
        let mut r = Self::base(term, b"0820", stan)?;
        r.set_f60(TxnType::Management, batch, NetMgmt::Echo, None)?;
        r.mac = false;
        Ok(r)
    }

    /// Sale 0200: DE 3 `000000`, DE 25 `00`, 60.1 `22`.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`] for an amount beyond 12 digits or STAN/batch beyond 6.
    pub fn sale(
        term: &Terminal,
        stan: u32,
        batch: u32,
        amount: u64,
        card: &Card<'a>,
    ) -> Result<Self, FlowError> {
        Self::financial(
            term,
            b"0200",
            b"000000",
            TxnType::Sale,
            Condition::Normal,
            stan,
            batch,
            Some(amount),
            card,
        )
    }

    /// Sale void 0200: DE 3 `200000`, 60.1 `23`, DE 37/38 of the original, DE 61 = original
    /// batch ‖ STAN.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn void(
        term: &Terminal,
        stan: u32,
        batch: u32,
        amount: u64,
        card: &Card<'a>,
        original: &Original,
    ) -> Result<Self, FlowError> {
        let mut r = Self::financial(
            term,
            b"0200",
            b"200000",
            TxnType::SaleVoid,
            Condition::Normal,
            stan,
            batch,
            Some(amount),
            card,
        )?;
        r.set_original_f61(original, false)?;
        Ok(r)
    }

    /// Refund 0220: DE 3 `200000`, 60.1 `25`, DE 37 original RRN, DE 61 = original batch ‖ STAN
    /// ‖ date.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn refund(
        term: &Terminal,
        stan: u32,
        batch: u32,
        amount: u64,
        card: &Card<'a>,
        original: &Original,
    ) -> Result<Self, FlowError> {
        let mut r = Self::financial(
            term,
            b"0220",
            b"200000",
            TxnType::Refund,
            Condition::Normal,
            stan,
            batch,
            Some(amount),
            card,
        )?;
        r.set_original_f61(original, true)?;
        Ok(r)
    }

    /// Pre-authorisation 0100: DE 3 `030000`, DE 25 `06`, 60.1 `10`.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn pre_auth(
        term: &Terminal,
        stan: u32,
        batch: u32,
        amount: u64,
        card: &Card<'a>,
    ) -> Result<Self, FlowError> {
        Self::financial(
            term,
            b"0100",
            b"030000",
            TxnType::PreAuth,
            Condition::PreAuth,
            stan,
            batch,
            Some(amount),
            card,
        )
    }

    /// Pre-authorisation void 0100: DE 3 `200000`, DE 25 `06`, 60.1 `11`, DE 38 original
    /// authorisation code, DE 61 = `000000` ‖ `000000` ‖ original date.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn pre_auth_void(
        term: &Terminal,
        stan: u32,
        batch: u32,
        amount: u64,
        card: &Card<'a>,
        original: &Original,
    ) -> Result<Self, FlowError> {
        let mut r = Self::financial(
            term,
            b"0100",
            b"200000",
            TxnType::PreAuthVoid,
            Condition::PreAuth,
            stan,
            batch,
            Some(amount),
            card,
        )?;
        r.set_original_f61(&Original { batch: 0, stan: 0, ..*original }, true)?;
        Ok(r)
    }

    /// Pre-authorisation completion request 0200: DE 3 `000000`, DE 25 `06`, 60.1 `20`, DE 38
    /// original authorisation code, DE 61 = `000000` ‖ `000000` ‖ original date.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn pre_auth_completion(
        term: &Terminal,
        stan: u32,
        batch: u32,
        amount: u64,
        card: &Card<'a>,
        original: &Original,
    ) -> Result<Self, FlowError> {
        let mut r = Self::financial(
            term,
            b"0200",
            b"000000",
            TxnType::PreAuthCompletion,
            Condition::PreAuth,
            stan,
            batch,
            Some(amount),
            card,
        )?;
        r.set_original_f61(&Original { batch: 0, stan: 0, ..*original }, true)?;
        Ok(r)
    }

    /// Pre-authorisation completion void 0200: DE 3 `200000`, DE 25 `06`, 60.1 `21`, DE 37/38 of
    /// the completion, DE 61 = the completion's batch ‖ STAN.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn pre_auth_completion_void(
        term: &Terminal,
        stan: u32,
        batch: u32,
        amount: u64,
        card: &Card<'a>,
        original: &Original,
    ) -> Result<Self, FlowError> {
        let mut r = Self::financial(
            term,
            b"0200",
            b"200000",
            TxnType::PreAuthCompletionVoid,
            Condition::PreAuth,
            stan,
            batch,
            Some(amount),
            card,
        )?;
        r.set_original_f61(original, false)?;
        Ok(r)
    }

    /// Balance inquiry 0200: DE 3 `310000`, 60.1 `01`, no amount.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn balance_inquiry(
        term: &Terminal,
        stan: u32,
        batch: u32,
        card: &Card<'a>,
    ) -> Result<Self, FlowError> {
        Self::financial(
            term,
            b"0200",
            b"310000",
            TxnType::BalanceInquiry,
            Condition::Normal,
            stan,
            batch,
            None,
            card,
        )
    }

    /// Offline advice 0220 (offline sale approved by the card, 60.1 `30` — reading), DE 38 the
    /// offline authorisation code if any, DE 55 with the TC.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn offline_advice(
        term: &Terminal,
        stan: u32,
        batch: u32,
        amount: u64,
        card: &Card<'a>,
    ) -> Result<Self, FlowError> {
        Self::financial(
            term,
            b"0220",
            b"000000",
            TxnType::OfflineSale,
            Condition::Normal,
            stan,
            batch,
            Some(amount),
            card,
        )
    }

    /// TC upload 0320 of an approved chip transaction (60.1 `00`, 60.3 `203` — reading): the
    /// original's STAN in DE 11, DE 2/4/23/55, DE 61 original batch ‖ STAN.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn tc_upload(
        term: &Terminal,
        stan: u32,
        batch: u32,
        amount: u64,
        card: &Card<'a>,
        original: &Original,
    ) -> Result<Self, FlowError> {
        let mut r = Self::financial(
            term,
            b"0320",
            b"000000",
            TxnType::Management,
            Condition::Normal,
            stan,
            batch,
            Some(amount),
            card,
        )?;
        r.f52 = None;
        r.f26 = None;
        r.f35 = None;
        r.f36 = None;
        r.set_f60(TxnType::Management, batch, NetMgmt::TcUpload, None)?;
        r.set_original_f61(original, false)?;
        Ok(r)
    }

    /// Script-result notification 0620 (60.1 `00`, 60.3 `951` — reading): DE 55 carries the
    /// script results (9F5B) of the original, DE 61 original batch ‖ STAN ‖ date, DE 37 its RRN.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn script_result(
        term: &Terminal,
        stan: u32,
        batch: u32,
        amount: u64,
        card: &Card<'a>,
        original: &Original,
    ) -> Result<Self, FlowError> {
        let mut r = Self::tc_upload(term, stan, batch, amount, card, original)?;
        r.mti = *b"0620";
        r.set_f60(TxnType::Management, batch, NetMgmt::ScriptResult, None)?;
        r.set_original_f61(original, true)?;
        Ok(r)
    }

    /// Batch upload 0320 of one detail (60.3 `201` magnetic, `205` IC — reading; notification
    /// codes `202`/`206` and the end message `207`/`202` are other [`NetMgmt`] values), DE 48
    /// = the count of details in the end message (N4) when `end_count` is given.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`].
    pub fn batch_upload(
        term: &Terminal,
        stan: u32,
        batch: u32,
        code: NetMgmt,
        amount: Option<u64>,
        card: &Card<'a>,
        end_count: Option<u16>,
    ) -> Result<Self, FlowError> {
        let mut r = Self::financial(
            term,
            b"0320",
            b"000000",
            TxnType::Management,
            Condition::Normal,
            stan,
            batch,
            amount,
            card,
        )?;
        r.f52 = None;
        r.f26 = None;
        r.f35 = None;
        r.f36 = None;
        r.set_f60(TxnType::Management, batch, code, None)?;
        if let Some(n) = end_count {
            r.f48.push_num(u64::from(n), 4, 48)?;
        }
        Ok(r)
    }

    /// Settlement 0500: DE 48 = domestic (debit amount N12, debit count N3, credit amount N12,
    /// credit count N3, result N1 `0`) ‖ foreign (same) = 62 digits (reference §7.1 order), DE
    /// 49 `156`, 60 = `00` ‖ batch ‖ `201`, DE 63 operator.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`] for counts beyond 3 or amounts beyond 12 digits.
    pub fn settlement(
        term: &Terminal,
        stan: u32,
        batch: u32,
        totals: &Totals,
        operator: [u8; 3],
    ) -> Result<Self, FlowError> {
        let mut r = Self::base(term, b"0500", stan)?;
        let mut b = Buf::EMPTY;
        for (amount, count) in
            [(totals.debit_amount, totals.debit_count), (totals.credit_amount, totals.credit_count)]
        {
            b.push_num(amount, 12, 48)?;
            b.push_num(u64::from(count), 3, 48)?;
        }
        b.push(b"0", 48)?;
        for (amount, count) in [
            (totals.foreign_debit_amount, totals.foreign_debit_count),
            (totals.foreign_credit_amount, totals.foreign_credit_count),
        ] {
            b.push_num(amount, 12, 48)?;
            b.push_num(u64::from(count), 3, 48)?;
        }
        b.push(b"0", 48)?;
        r.f48 = b;
        r.f49 = true;
        r.set_f60(TxnType::Management, batch, NetMgmt::BatchUpload, None)?;
        r.f63 = Some(operator);
        Ok(r)
    }

    /// The reversal 0400 of `original` (冲正): the original's fields, DE 39 = the reason, without
    /// the PIN (DE 52/26) — `98` no response, `A0` MAC error, `06` card declined after an
    /// online approval (then pass the authorisation code of the approval and the ICC data of
    /// the declined second GENERATE AC in `icc`).
    #[must_use]
    pub fn reversal(
        original: &Self,
        reason: ReversalReason,
        auth_code: Option<[u8; 6]>,
        icc: Option<&'a [u8]>,
    ) -> Self {
        let mut r = *original;
        r.mti = *b"0400";
        r.f39 = Some(reason.code());
        r.f52 = None;
        r.f26 = None;
        if auth_code.is_some() {
            r.f38 = auth_code;
        }
        if icc.is_some() {
            r.f55 = icc;
        }
        r
    }

    /// The repeat of this request: MTI last digit `1` (0201, 0401, 0221, 0321).
    #[must_use]
    pub fn repeat(mut self) -> Self {
        if let Some(last) = self.mti.last_mut() {
            *last = b'1';
        }
        self
    }

    /// Adds an acquirer-specific data element (e.g. DE 46 terminal information, DE 53 security
    /// control, DE 62 terminal serial) — at most four; it replaces a value the flow set.
    ///
    /// # Errors
    /// [`FlowErrorKind::OutOfRange`] beyond four extra elements.
    pub fn with_field(mut self, de: u8, value: &'a [u8]) -> Result<Self, FlowError> {
        let slot = self.extra.iter_mut().find(|s| s.is_none_or(|(d, _)| d == de)).ok_or(FlowError::new(
            FlowErrorKind::OutOfRange,
            u16::from(de),
            0,
        ))?;
        *slot = Some((de, value));
        Ok(self)
    }

    /// The MTI.
    pub fn mti(&self) -> [u8; 4] {
        self.mti
    }

    /// Whether the CUP POS flow sends this request with a MAC (every request after sign-on;
    /// not the sign-on, downloads and echo).
    pub fn needs_mac(&self) -> bool {
        self.mac
    }

    /// The values to pack under `cup-pos`.
    pub fn fields(&self) -> Fields<'_> {
        let mut f = Fields::new(self.mti).with_header(&self.header);
        let opt: [(usize, Option<&[u8]>); 24] = [
            (2, self.f2),
            (3, self.f3.as_ref().map(|v| v.as_slice())),
            (4, self.f4.as_ref().map(|v| v.as_slice())),
            (11, Some(self.f11.as_slice())),
            (14, self.f14.as_ref().map(|v| v.as_slice())),
            (22, self.f22.as_ref().map(|v| v.as_slice())),
            (23, self.f23.as_ref().map(|v| v.as_slice())),
            (25, self.f25.as_ref().map(|v| v.as_slice())),
            (26, self.f26.as_ref().map(|v| v.as_slice())),
            (35, self.f35),
            (36, self.f36),
            (37, self.f37.as_ref().map(|v| v.as_slice())),
            (38, self.f38.as_ref().map(|v| v.as_slice())),
            (39, self.f39.as_ref().map(|v| v.as_slice())),
            (41, Some(self.f41.as_slice())),
            (42, Some(self.f42.as_slice())),
            (48, Some(self.f48.as_slice()).filter(|s| !s.is_empty())),
            (49, if self.f49 { Some(b"156".as_slice()) } else { None }),
            (52, self.f52.map(|v| v.as_slice())),
            (55, self.f55),
            (59, self.f59),
            (60, Some(self.f60.as_slice()).filter(|s| !s.is_empty())),
            (61, Some(self.f61.as_slice()).filter(|s| !s.is_empty())),
            (62, self.f62),
        ];
        for (de, v) in opt {
            if let Some(v) = v {
                f.set(de, v);
            }
        }
        if let Some(op) = self.f63.as_ref() {
            f.set(63, op);
        }
        for (de, v) in self.extra.iter().flatten() {
            f.set(usize::from(*de), v);
        }
        f
    }

    /// Packs without a MAC.
    ///
    /// # Errors
    /// The codec's errors (as [`FlowErrorKind::Codec`]).
    pub fn pack(&self, out: &mut [u8]) -> Result<usize, FlowError> {
        Ok(pack(&CUP_POS, &self.fields(), out)?)
    }

    /// Packs with the CUP ECB MAC in DE 64 under the MAC key.
    ///
    /// # Errors
    /// The codec's errors; [`FlowErrorKind::Codec`]`(MacUnavailable)` for an unsuitable key.
    #[cfg(feature = "crypto")]
    pub fn pack_with_mac(&self, mak: &payproto_crypto::Key, out: &mut [u8]) -> Result<usize, FlowError> {
        Ok(crate::mac::pack_with_mac(&CUP_POS, &self.fields(), mak, out)?)
    }
}

impl FlowError {
    /// An out-of-range error on `de` (for callers validating their own inputs).
    pub const fn out_of_range(de: u16) -> Self {
        Self::new(FlowErrorKind::OutOfRange, de, 0)
    }
}
