//! Code tables of the China UnionPay POS terminal dialect: response codes (DE 39), transaction
//! type codes (60.1), network management information codes (60.3), entry modes (DE 22),
//! condition codes (DE 25), reversal reasons, and scanned consumer payment codes.
//!
//! Sources: reference `iso8583.md` §7.1 (60.1/60.3 values seen in the public samples O-1…O-3,
//! vfwz/iso8583-parser, Easy8583, qpboc_8583.c) and the response-code table of the China UnionPay
//! POS terminal specification (《中国银联 POS 终端规范》应答码表, reproduced in the public
//! acquirer/terminal documentation the reference cites). Values not in the reference are our
//! reading of that specification and are marked "reading" below; they are data, not code paths.

/// DE 39 response code (two ASCII characters).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResponseCode(pub [u8; 2]);

/// One row of the response-code table.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ResponseInfo {
    /// The code.
    pub code: [u8; 2],
    /// English meaning.
    pub meaning: &'static str,
    /// What the terminal does with it.
    pub action: Action,
}

/// Terminal action for a response code.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Approved.
    Approve,
    /// Declined: show the reason, no retry.
    Decline,
    /// Declined; the card must be retained / blocked (lost, stolen, PIN tries exhausted).
    PickUp,
    /// Declined: the cardholder may retry (wrong PIN, system busy).
    Retry,
    /// Terminal/host configuration problem (re-sign-on, re-download keys or parameters).
    Terminal,
}

macro_rules! rc {
    ($c:literal, $m:literal, $a:ident) => {
        ResponseInfo { code: *$c, meaning: $m, action: Action::$a }
    };
}

/// The CUP POS response-code table (DE 39).
pub static RESPONSE_CODES: [ResponseInfo; 43] = [
    rc!(b"00", "approved", Approve),
    rc!(b"01", "refer to card issuer", Decline),
    rc!(b"03", "invalid merchant", Terminal),
    rc!(b"04", "pick up card", PickUp),
    rc!(b"05", "do not honour (cardholder verification failed)", Decline),
    rc!(b"10", "partial approval", Approve),
    rc!(b"11", "approved (VIP)", Approve),
    rc!(b"12", "invalid transaction", Decline),
    rc!(b"13", "invalid amount", Decline),
    rc!(b"14", "invalid card number", Decline),
    rc!(b"15", "no such issuer", Decline),
    rc!(b"21", "card not initialised", Decline),
    rc!(b"22", "suspected malfunction / related transaction error", Decline),
    rc!(b"25", "original transaction not found", Decline),
    rc!(b"30", "format error", Terminal),
    rc!(b"34", "suspected fraud", PickUp),
    rc!(b"38", "PIN tries exceeded, card retained", PickUp),
    rc!(b"40", "function not supported by the issuer", Decline),
    rc!(b"41", "lost card", PickUp),
    rc!(b"43", "stolen card", PickUp),
    rc!(b"45", "fallback not allowed", Decline),
    rc!(b"51", "insufficient funds", Decline),
    rc!(b"54", "expired card", Decline),
    rc!(b"55", "incorrect PIN", Retry),
    rc!(b"57", "transaction not permitted to cardholder", Decline),
    rc!(b"58", "transaction not permitted to terminal", Terminal),
    rc!(b"59", "suspected fraud", Decline),
    rc!(b"61", "exceeds amount limit", Decline),
    rc!(b"62", "restricted card", Decline),
    rc!(b"64", "original amount incorrect", Decline),
    rc!(b"65", "exceeds frequency limit", Decline),
    rc!(b"68", "response received too late", Retry),
    rc!(b"75", "PIN tries exceeded", PickUp),
    rc!(b"90", "cut-off in progress", Retry),
    rc!(b"91", "issuer inoperative", Retry),
    rc!(b"92", "issuer or switch not reachable", Retry),
    rc!(b"94", "duplicate transmission", Decline),
    rc!(b"96", "system malfunction", Retry),
    rc!(b"97", "terminal not registered", Terminal),
    rc!(b"98", "no response from the issuer", Retry),
    rc!(b"99", "PIN format error", Terminal),
    rc!(b"A0", "MAC error (re-sign-on)", Terminal),
    rc!(b"A7", "security processing failure", Terminal),
];

impl ResponseCode {
    /// `00`.
    pub const APPROVED: Self = Self(*b"00");
    /// `25`: original transaction not found (void/refund/reversal of an unknown original).
    pub const ORIGINAL_NOT_FOUND: Self = Self(*b"25");
    /// `A0`: MAC verification failed (the terminal re-signs on).
    pub const MAC_ERROR: Self = Self(*b"A0");

    /// The table row, if the code is in the table.
    pub fn info(self) -> Option<&'static ResponseInfo> {
        RESPONSE_CODES.iter().find(|r| r.code == self.0)
    }
    /// English meaning, if known.
    pub fn meaning(self) -> Option<&'static str> {
        self.info().map(|r| r.meaning)
    }
    /// The terminal action (unknown codes decline).
    pub fn action(self) -> Action {
        self.info().map_or(Action::Decline, |r| r.action)
    }
    /// `00`, `10` or `11`.
    pub fn is_approved(self) -> bool {
        self.action() == Action::Approve
    }
}

/// 60.1 transaction type code.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TxnType {
    /// `00` management (sign-on, settlement, downloads, echo).
    Management,
    /// `01` balance inquiry.
    BalanceInquiry,
    /// `10` pre-authorisation.
    PreAuth,
    /// `11` pre-authorisation void.
    PreAuthVoid,
    /// `20` pre-authorisation completion (request).
    PreAuthCompletion,
    /// `21` pre-authorisation completion void.
    PreAuthCompletionVoid,
    /// `22` sale.
    Sale,
    /// `23` sale void.
    SaleVoid,
    /// `24` pre-authorisation completion advice (offline).
    PreAuthCompletionAdvice,
    /// `25` refund.
    Refund,
    /// `30` offline (advice) sale (reading).
    OfflineSale,
    /// Any other two-digit value.
    Other(u8),
}

impl TxnType {
    /// The two-digit value.
    pub const fn code(self) -> u8 {
        match self {
            Self::Management => 0,
            Self::BalanceInquiry => 1,
            Self::PreAuth => 10,
            Self::PreAuthVoid => 11,
            Self::PreAuthCompletion => 20,
            Self::PreAuthCompletionVoid => 21,
            Self::Sale => 22,
            Self::SaleVoid => 23,
            Self::PreAuthCompletionAdvice => 24,
            Self::Refund => 25,
            Self::OfflineSale => 30,
            Self::Other(v) => v,
        }
    }
    /// From the two-digit value.
    pub const fn from_code(v: u8) -> Self {
        match v {
            0 => Self::Management,
            1 => Self::BalanceInquiry,
            10 => Self::PreAuth,
            11 => Self::PreAuthVoid,
            20 => Self::PreAuthCompletion,
            21 => Self::PreAuthCompletionVoid,
            22 => Self::Sale,
            23 => Self::SaleVoid,
            24 => Self::PreAuthCompletionAdvice,
            25 => Self::Refund,
            30 => Self::OfflineSale,
            v => Self::Other(v),
        }
    }
}

/// 60.3 network management information code.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum NetMgmt {
    /// `000` financial transaction.
    Financial,
    /// `001` sign-on, single-length working keys (F62 = 24 bytes).
    SignOnSingle,
    /// `003` sign-on, double-length (TDES) PIN and MAC keys (F62 = 40 bytes).
    SignOnDouble,
    /// `004` sign-on, double-length keys with a track key (F62 = 60 bytes).
    SignOnDoubleTrack,
    /// `002` sign-off (reading).
    SignOff,
    /// `201` batch upload of a detail (and the settlement of a batch, reading).
    BatchUpload,
    /// `202` mag-stripe notification in an unbalanced batch / end of batch upload (dialects differ).
    BatchNotifyMag,
    /// `203` IC-card TC upload (reading).
    TcUpload,
    /// `205` IC-card batch upload detail (reading).
    BatchUploadIc,
    /// `206` IC notification in an unbalanced batch.
    BatchNotifyIc,
    /// `207` end of batch upload when balanced.
    BatchUploadEnd,
    /// `301` echo test (reading).
    Echo,
    /// `360` terminal parameter download (reading).
    ParamDownload,
    /// `370` IC-card CA public key download (reading).
    CaKeyDownload,
    /// `371` end of CA public key download (reading).
    CaKeyDownloadEnd,
    /// `372` CA public key status query, 0820 (reading).
    CaKeyQuery,
    /// `380` IC-card AID parameter download (reading).
    AidDownload,
    /// `381` end of AID parameter download (reading).
    AidDownloadEnd,
    /// `382` AID parameter status query, 0820 (reference §7.1: seen as a Basewin 0820 status upload).
    AidQuery,
    /// `951` script-result notification, 0620 (reading).
    ScriptResult,
    /// Any other three-digit value (e.g. `011` in the vfwz sign-on response).
    Other(u16),
}

impl NetMgmt {
    /// The three-digit value.
    pub const fn code(self) -> u16 {
        match self {
            Self::Financial => 0,
            Self::SignOnSingle => 1,
            Self::SignOff => 2,
            Self::SignOnDouble => 3,
            Self::SignOnDoubleTrack => 4,
            Self::BatchUpload => 201,
            Self::BatchNotifyMag => 202,
            Self::TcUpload => 203,
            Self::BatchUploadIc => 205,
            Self::BatchNotifyIc => 206,
            Self::BatchUploadEnd => 207,
            Self::Echo => 301,
            Self::ParamDownload => 360,
            Self::CaKeyDownload => 370,
            Self::CaKeyDownloadEnd => 371,
            Self::CaKeyQuery => 372,
            Self::AidDownload => 380,
            Self::AidDownloadEnd => 381,
            Self::AidQuery => 382,
            Self::ScriptResult => 951,
            Self::Other(v) => v,
        }
    }
    /// From the three-digit value.
    pub const fn from_code(v: u16) -> Self {
        match v {
            0 => Self::Financial,
            1 => Self::SignOnSingle,
            2 => Self::SignOff,
            3 => Self::SignOnDouble,
            4 => Self::SignOnDoubleTrack,
            201 => Self::BatchUpload,
            202 => Self::BatchNotifyMag,
            203 => Self::TcUpload,
            205 => Self::BatchUploadIc,
            206 => Self::BatchNotifyIc,
            207 => Self::BatchUploadEnd,
            301 => Self::Echo,
            360 => Self::ParamDownload,
            370 => Self::CaKeyDownload,
            371 => Self::CaKeyDownloadEnd,
            372 => Self::CaKeyQuery,
            380 => Self::AidDownload,
            381 => Self::AidDownloadEnd,
            382 => Self::AidQuery,
            951 => Self::ScriptResult,
            v => Self::Other(v),
        }
    }
    /// The F62 working-key length of a sign-on with this code (24/40/60 bytes), if a sign-on code.
    pub const fn key_block_len(self) -> Option<usize> {
        match self {
            Self::SignOnSingle => Some(24),
            Self::SignOnDouble => Some(40),
            Self::SignOnDoubleTrack => Some(60),
            _ => None,
        }
    }
}

/// How the card data was read (the first two digits of DE 22).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PanEntry {
    /// `01` key entry.
    Manual,
    /// `02` magnetic stripe.
    Swipe,
    /// `90` magnetic stripe, full unaltered track.
    SwipeFull,
    /// `03` scanned code (bar/QR code).
    Scanned,
    /// `05` contact chip.
    Chip,
    /// `07` contactless chip (qPBOC / quick pass).
    Contactless,
    /// `98` contactless mag-stripe mode (reading).
    ContactlessMsd,
    /// `80` fallback from chip to magnetic stripe.
    Fallback,
}

impl PanEntry {
    /// The two digits.
    pub const fn digits(self) -> [u8; 2] {
        match self {
            Self::Manual => *b"01",
            Self::Swipe => *b"02",
            Self::SwipeFull => *b"90",
            Self::Scanned => *b"03",
            Self::Chip => *b"05",
            Self::Contactless => *b"07",
            Self::ContactlessMsd => *b"98",
            Self::Fallback => *b"80",
        }
    }
    /// 60.4 terminal read capability sent with this entry mode (`2` mag-stripe, `5` chip and
    /// contactless, `6` chip + contactless in the O-3 sample; the terminal may override).
    pub const fn read_capability(self) -> u8 {
        match self {
            Self::Chip | Self::Contactless | Self::ContactlessMsd => 6,
            Self::Fallback => 5,
            Self::Manual | Self::Swipe | Self::SwipeFull | Self::Scanned => 2,
        }
    }
}

/// DE 22: PAN entry mode + PIN-entry digit (`1` PIN entered, `2` no PIN).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct EntryMode {
    /// How the PAN was read.
    pub pan: PanEntry,
    /// Whether a PIN was entered (DE 52 present).
    pub pin: bool,
}

impl EntryMode {
    /// The three ASCII digits of DE 22 (e.g. `071`, `022`).
    pub const fn digits(self) -> [u8; 3] {
        let [a, b] = self.pan.digits();
        [a, b, if self.pin { b'1' } else { b'2' }]
    }
}

/// DE 25 point-of-service condition code.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// `00` normal presentment.
    Normal,
    /// `06` pre-authorisation family.
    PreAuth,
    /// `08` mail / telephone order (reading).
    MailPhone,
    /// Other.
    Other(u8),
}

impl Condition {
    /// The two-digit value.
    pub const fn code(self) -> u8 {
        match self {
            Self::Normal => 0,
            Self::PreAuth => 6,
            Self::MailPhone => 8,
            Self::Other(v) => v,
        }
    }
}

/// DE 39 of a reversal (0400): why the terminal reverses.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ReversalReason {
    /// `98`: no response within the time-out.
    NoResponse,
    /// `A0`: the response failed MAC verification.
    MacError,
    /// `06`: other — in particular the card declined (second GENERATE AC → AAC) after an
    /// online approval.
    CardDeclined,
}

impl ReversalReason {
    /// The two ASCII characters.
    pub const fn code(self) -> [u8; 2] {
        match self {
            Self::NoResponse => *b"98",
            Self::MacError => *b"A0",
            Self::CardDeclined => *b"06",
        }
    }
}

/// A scanned consumer payment code, recognised by prefix and length.
///
/// Sources (public merchant documentation): UnionPay QR consumer-presented code — 19 digits
/// starting `62` (UnionPay QR code specification, C2B payment code); Alipay 付款码 — 16–24 digits
/// starting `25`–`30` (Alipay open platform, "alipay.trade.pay" auth_code rule); WeChat Pay 付款码 —
/// 18 digits starting `10`–`15` (WeChat Pay merchant docs, micropay auth_code rule).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ScanScheme {
    /// UnionPay QR.
    UnionPay,
    /// Alipay.
    Alipay,
    /// WeChat Pay.
    WeChat,
}

/// Classifies a consumer payment code (ASCII digits); `None` when it matches no scheme.
pub fn classify_scan_code(code: &[u8]) -> Option<ScanScheme> {
    if !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let prefix = match code {
        [a, b, ..] => a.wrapping_sub(b'0').wrapping_mul(10).wrapping_add(b.wrapping_sub(b'0')),
        _ => return None,
    };
    let len = code.len();
    match prefix {
        62 if len == 19 => Some(ScanScheme::UnionPay),
        25..=30 if (16..=24).contains(&len) => Some(ScanScheme::Alipay),
        10..=15 if len == 18 => Some(ScanScheme::WeChat),
        _ => None,
    }
}
