//! Command APDUs, status words and response parsers for the EMV commands (EMV 4.4 Book 1 §11,
//! Book 3 §6), a T=0 `61xx`/`6Cxx` helper, and a blocking [`CardTransport`] trait.
//!
//! Everything is short APDUs (Lc ≤ 255, Le ≤ 256) as EMV uses. Commands are [`Command`] values
//! that borrow their data and are encoded into a caller buffer; responses are parsed as views
//! over the response bytes.
//!
//! # Panic contract
//! Every parser here takes untrusted card bytes and never panics (checked access only).

use core::fmt;

use payproto_tlv::{Config, Content, Reader, Tag, find_path, tag};

use crate::data::{Afl, Aip, Cid};
use crate::error::{Error, ErrorKind};
use crate::redact::{Len, OptLen, OptTags, Tags};

/// A command APDU (short form). `Debug` shows the header, Lc and Le, not the data (a VERIFY
/// carries a PIN block, other commands transaction data).
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct Command<'a> {
    /// Class byte.
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    /// Command data (Lc = its length, 0 = absent).
    pub data: &'a [u8],
    /// Expected length: `None` = no Le; `Some(0)` = up to 256 bytes.
    pub le: Option<u8>,
}

impl fmt::Debug for Command<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Command")
            .field("cla", &self.cla)
            .field("ins", &self.ins)
            .field("p1", &self.p1)
            .field("p2", &self.p2)
            .field("data", &Len(self.data))
            .field("le", &self.le)
            .finish()
    }
}

/// The ISO 7816-4 command cases.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Case {
    /// No data, no response data.
    Case1,
    /// No data, response data expected.
    Case2,
    /// Data, no response data.
    Case3,
    /// Data and response data.
    Case4,
}

impl<'a> Command<'a> {
    /// A command with no data and no Le.
    pub const fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Self { cla, ins, p1, p2, data: &[], le: None }
    }

    /// The same command with `data`.
    #[must_use]
    pub const fn with_data(mut self, data: &'a [u8]) -> Self {
        self.data = data;
        self
    }

    /// The same command with `le`.
    #[must_use]
    pub const fn with_le(mut self, le: u8) -> Self {
        self.le = Some(le);
        self
    }

    /// The command's ISO case.
    pub const fn case(&self) -> Case {
        match (self.data.is_empty(), self.le.is_some()) {
            (true, false) => Case::Case1,
            (true, true) => Case::Case2,
            (false, false) => Case::Case3,
            (false, true) => Case::Case4,
        }
    }

    /// The encoded length.
    pub fn encoded_len(&self) -> usize {
        let lc = if self.data.is_empty() { 0 } else { self.data.len().saturating_add(1) };
        4usize.saturating_add(lc).saturating_add(usize::from(self.le.is_some()))
    }

    /// Encodes into `out`; returns the number of bytes.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        let lc = u8::try_from(self.data.len()).map_err(|_| Error::new(ErrorKind::BadLength, 4))?;
        let n = self.encoded_len();
        let dst = out.get_mut(..n).ok_or(Error::new(ErrorKind::BufferTooSmall, n))?;
        let (hdr, rest) = dst.split_first_chunk_mut::<4>().ok_or(Error::new(ErrorKind::BufferTooSmall, 0))?;
        *hdr = [self.cla, self.ins, self.p1, self.p2];
        let rest = if self.data.is_empty() {
            rest
        } else {
            let (l, r) = rest.split_first_mut().ok_or(Error::new(ErrorKind::BufferTooSmall, 4))?;
            *l = lc;
            let (d, r) =
                r.split_at_mut_checked(self.data.len()).ok_or(Error::new(ErrorKind::BufferTooSmall, 5))?;
            d.copy_from_slice(self.data);
            r
        };
        if let (Some(le), Some(b)) = (self.le, rest.first_mut()) {
            *b = le;
        }
        Ok(n)
    }

    /// Parses a short command APDU (cases 1–4). A 5-byte APDU is case 2 (the fifth byte is Le).
    pub fn parse(apdu: &'a [u8]) -> Result<Self, Error> {
        let (&[cla, ins, p1, p2], body) =
            apdu.split_first_chunk::<4>().ok_or(Error::new(ErrorKind::BadLength, apdu.len()))?;
        let cmd = Self::new(cla, ins, p1, p2);
        match body {
            [] => Ok(cmd),
            [le] => Ok(cmd.with_le(*le)),
            [lc, rest @ ..] => {
                let lc = usize::from(*lc);
                if lc == 0 {
                    return Err(Error::new(ErrorKind::BadLength, 4));
                }
                let (data, tail) = rest.split_at_checked(lc).ok_or(Error::new(ErrorKind::BadLength, 4))?;
                match tail {
                    [] => Ok(cmd.with_data(data)),
                    [le] => Ok(cmd.with_data(data).with_le(*le)),
                    _ => Err(Error::new(ErrorKind::BadLength, 5usize.saturating_add(lc))),
                }
            }
        }
    }

    /// SELECT by DF name (`00 A4 04 00/02 Lc name 00`); `next` selects the next occurrence
    /// (partial AID matching, Book 1 §12.3.3).
    pub const fn select(name: &'a [u8], next: bool) -> Self {
        Self::new(0x00, 0xA4, 0x04, if next { 0x02 } else { 0x00 }).with_data(name).with_le(0)
    }

    /// GET PROCESSING OPTIONS (`80 A8 00 00 Lc 83-template 00`); `template` is the `83` object
    /// built by [`wrap_pdol_data`].
    pub const fn get_processing_options(template: &'a [u8]) -> Self {
        Self::new(0x80, 0xA8, 0x00, 0x00).with_data(template).with_le(0)
    }

    /// READ RECORD (`00 B2 record (SFI<<3)|4 00`).
    pub const fn read_record(sfi: u8, record: u8) -> Self {
        Self::new(0x00, 0xB2, record, (sfi << 3) | 0x04).with_le(0)
    }

    /// GET DATA for a one- or two-byte tag (`80 CA P1 P2 00`).
    pub fn get_data(tag: Tag) -> Self {
        let [_, _, p1, p2] = tag.to_u32().to_be_bytes();
        Self::new(0x80, 0xCA, p1, p2).with_le(0)
    }

    /// GENERATE AC (`80 AE P1 00 Lc data 00`): P1 = cryptogram type bits, plus `0x10` when a CDA
    /// signature is requested.
    pub const fn generate_ac(kind: crate::data::CryptogramType, cda: bool, cdol_data: &'a [u8]) -> Self {
        let p1 = kind.bits() | if cda { 0x10 } else { 0x00 };
        Self::new(0x80, 0xAE, p1, 0x00).with_data(cdol_data).with_le(0)
    }

    /// INTERNAL AUTHENTICATE (`00 88 00 00 Lc DDOL-data 00`).
    pub const fn internal_authenticate(ddol_data: &'a [u8]) -> Self {
        Self::new(0x00, 0x88, 0x00, 0x00).with_data(ddol_data).with_le(0)
    }

    /// VERIFY (`00 20 00 P2 Lc data`): P2 `80` plaintext PIN block, `88` enciphered PIN. The PIN
    /// block comes from the PIN entry device; this crate never builds it.
    pub const fn verify(p2: u8, pin_data: &'a [u8]) -> Self {
        Self::new(0x00, 0x20, 0x00, p2).with_data(pin_data)
    }

    /// GET CHALLENGE (`00 84 00 00 00`).
    pub const fn get_challenge() -> Self {
        Self::new(0x00, 0x84, 0x00, 0x00).with_le(0)
    }

    /// EXTERNAL AUTHENTICATE (`00 82 00 00 Lc issuer-authentication-data`).
    pub const fn external_authenticate(issuer_auth_data: &'a [u8]) -> Self {
        Self::new(0x00, 0x82, 0x00, 0x00).with_data(issuer_auth_data)
    }

    /// GET RESPONSE (`00 C0 00 00 Le`).
    pub const fn get_response(le: u8) -> Self {
        Self::new(0x00, 0xC0, 0x00, 0x00).with_le(le)
    }
}

/// Wraps PDOL-related data in the `83` command template for GPO; returns the written part.
pub fn wrap_pdol_data<'o>(pdol_data: &[u8], out: &'o mut [u8]) -> Result<&'o [u8], Error> {
    let mut w = payproto_tlv::Writer::new(out);
    w.primitive(tag!(0x83), pdol_data)?;
    let n = w.len();
    out.get(..n).ok_or(Error::new(ErrorKind::BufferTooSmall, n))
}

/// A status word, typed for the values EMV acts on.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusWord {
    /// `9000`.
    Ok,
    /// `61xx`: xx more bytes available with GET RESPONSE (T=0).
    MoreData(u8),
    /// `6Cxx`: wrong Le, resend with Le = xx (T=0).
    WrongLe(u8),
    /// `6283`: selected file invalidated (application blocked).
    SelectedFileInvalidated,
    /// `63Cx`: verification failed, x tries left.
    TriesLeft(u8),
    /// `6300`: authentication failed (e.g. EXTERNAL AUTHENTICATE).
    AuthenticationFailed,
    /// `6700`: wrong length.
    WrongLength,
    /// `6981`: command incompatible with file structure.
    IncompatibleFileStructure,
    /// `6982`: security status not satisfied.
    SecurityNotSatisfied,
    /// `6983`: authentication method blocked.
    AuthMethodBlocked,
    /// `6984`: referenced data invalidated.
    ReferenceDataInvalidated,
    /// `6985`: conditions of use not satisfied.
    ConditionsNotSatisfied,
    /// `6A81`: function not supported (card or application blocked on SELECT).
    FunctionNotSupported,
    /// `6A82`: file or application not found.
    FileNotFound,
    /// `6A83`: record not found.
    RecordNotFound,
    /// `6A86`: incorrect P1 P2.
    WrongP1P2,
    /// `6A88`: referenced data not found.
    ReferenceDataNotFound,
    /// `6D00`: instruction not supported.
    InsNotSupported,
    /// `6E00`: class not supported.
    ClaNotSupported,
    /// Any other value.
    Other(u16),
}

impl StatusWord {
    /// From SW1 SW2.
    pub const fn new(sw1: u8, sw2: u8) -> Self {
        match (sw1, sw2) {
            (0x90, 0x00) => Self::Ok,
            (0x61, n) => Self::MoreData(n),
            (0x6C, n) => Self::WrongLe(n),
            (0x62, 0x83) => Self::SelectedFileInvalidated,
            (0x63, 0x00) => Self::AuthenticationFailed,
            (0x63, n) if n & 0xF0 == 0xC0 => Self::TriesLeft(n & 0x0F),
            (0x67, 0x00) => Self::WrongLength,
            (0x69, 0x81) => Self::IncompatibleFileStructure,
            (0x69, 0x82) => Self::SecurityNotSatisfied,
            (0x69, 0x83) => Self::AuthMethodBlocked,
            (0x69, 0x84) => Self::ReferenceDataInvalidated,
            (0x69, 0x85) => Self::ConditionsNotSatisfied,
            (0x6A, 0x81) => Self::FunctionNotSupported,
            (0x6A, 0x82) => Self::FileNotFound,
            (0x6A, 0x83) => Self::RecordNotFound,
            (0x6A, 0x86) => Self::WrongP1P2,
            (0x6A, 0x88) => Self::ReferenceDataNotFound,
            (0x6D, 0x00) => Self::InsNotSupported,
            (0x6E, 0x00) => Self::ClaNotSupported,
            (a, b) => Self::Other(u16::from_be_bytes([a, b])),
        }
    }

    /// From the 16-bit value.
    pub const fn from_u16(sw: u16) -> Self {
        let [a, b] = sw.to_be_bytes();
        Self::new(a, b)
    }

    /// The 16-bit value.
    pub const fn to_u16(self) -> u16 {
        match self {
            Self::Ok => 0x9000,
            Self::MoreData(n) => 0x6100 | n as u16,
            Self::WrongLe(n) => 0x6C00 | n as u16,
            Self::SelectedFileInvalidated => 0x6283,
            Self::TriesLeft(n) => 0x63C0 | (n & 0x0F) as u16,
            Self::AuthenticationFailed => 0x6300,
            Self::WrongLength => 0x6700,
            Self::IncompatibleFileStructure => 0x6981,
            Self::SecurityNotSatisfied => 0x6982,
            Self::AuthMethodBlocked => 0x6983,
            Self::ReferenceDataInvalidated => 0x6984,
            Self::ConditionsNotSatisfied => 0x6985,
            Self::FunctionNotSupported => 0x6A81,
            Self::FileNotFound => 0x6A82,
            Self::RecordNotFound => 0x6A83,
            Self::WrongP1P2 => 0x6A86,
            Self::ReferenceDataNotFound => 0x6A88,
            Self::InsNotSupported => 0x6D00,
            Self::ClaNotSupported => 0x6E00,
            Self::Other(sw) => sw,
        }
    }

    /// `9000`.
    pub const fn is_ok(self) -> bool {
        matches!(self, Self::Ok)
    }

    /// A warning (`62xx`, `63xx`): processing completed with a warning.
    pub const fn is_warning(self) -> bool {
        matches!(self.to_u16() >> 8, 0x62 | 0x63)
    }

    /// The two bytes.
    pub const fn bytes(self) -> [u8; 2] {
        self.to_u16().to_be_bytes()
    }

    /// The error for this status word.
    pub const fn error(self) -> Error {
        Error::new(ErrorKind::Status(self.to_u16()), 0)
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}", self.to_u16())
    }
}

/// A response APDU: data and status word. `Debug` shows the data's length only.
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct Response<'a> {
    /// Response data.
    pub data: &'a [u8],
    /// Status word.
    pub sw: StatusWord,
}

impl fmt::Debug for Response<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response").field("data", &Len(self.data)).field("sw", &self.sw).finish()
    }
}

impl<'a> Response<'a> {
    /// Splits a response APDU (at least the two status bytes).
    pub fn parse(rapdu: &'a [u8]) -> Result<Self, Error> {
        let (data, sw) =
            rapdu.split_last_chunk::<2>().ok_or(Error::new(ErrorKind::BadLength, rapdu.len()))?;
        Ok(Self { data, sw: StatusWord::new(sw[0], sw[1]) })
    }

    /// The data when the status is `9000`, else the status word as an error.
    pub fn ok_data(&self) -> Result<&'a [u8], Error> {
        if self.sw.is_ok() { Ok(self.data) } else { Err(self.sw.error()) }
    }
}

/// The only top-level object of `data` (00 padding allowed around it), which must be `want`.
fn single(data: &[u8], want: Tag) -> Result<payproto_tlv::Tlv<'_>, Error> {
    let mut r = Reader::new(data, Config::EMV);
    let first = r.next().ok_or(Error::new(ErrorKind::BadTemplate, 0))??;
    if first.tag != want {
        return Err(Error::new(ErrorKind::BadTemplate, first.offset).with_tag(first.tag));
    }
    if let Some(extra) = r.next() {
        let at = extra.map_or_else(|e| e.offset, |t| t.offset);
        return Err(Error::new(ErrorKind::BadTemplate, at));
    }
    Ok(first)
}

/// The first direct child of `parent` with tag `want`, checking the children are valid TLV.
fn child<'a>(parent: &payproto_tlv::Tlv<'a>, want: Tag) -> Result<Option<&'a [u8]>, Error> {
    for c in parent.children() {
        let c = c?;
        if c.tag == want {
            return Ok(Some(c.value));
        }
    }
    Ok(None)
}

/// File Control Information returned by SELECT (Book 1 §11.3.4): `6F` with `84` and `A5`.
/// `Debug` shows lengths and tags, not values.
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct Fci<'a> {
    /// DF name (`84`).
    pub df_name: &'a [u8],
    /// Application label (`50`).
    pub label: Option<&'a [u8]>,
    /// Application priority indicator (`87`).
    pub priority: Option<u8>,
    /// PDOL (`9F38`).
    pub pdol: Option<&'a [u8]>,
    /// Language preference (`5F2D`).
    pub language: Option<&'a [u8]>,
    /// Issuer code table index (`9F11`).
    pub code_table: Option<u8>,
    /// Application preferred name (`9F12`).
    pub preferred_name: Option<&'a [u8]>,
    /// SFI of the directory elementary file (`88`, PSE only).
    pub sfi: Option<u8>,
    /// FCI issuer discretionary data (`BF0C`) value.
    pub discretionary: Option<&'a [u8]>,
    /// The whole `A5` value.
    pub proprietary: &'a [u8],
}

impl fmt::Debug for Fci<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fci")
            .field("df_name", &Len(self.df_name))
            .field("label", &OptLen(self.label))
            .field("priority", &self.priority)
            .field("pdol", &OptLen(self.pdol))
            .field("language", &OptLen(self.language))
            .field("code_table", &self.code_table)
            .field("preferred_name", &OptLen(self.preferred_name))
            .field("sfi", &self.sfi)
            .field("discretionary", &OptTags(self.discretionary))
            .field("proprietary", &Tags(self.proprietary))
            .finish()
    }
}

impl<'a> Fci<'a> {
    /// Parses the response data of SELECT. `6F`, `84` (5–16 bytes) and `A5` are mandatory; `A5`
    /// must be TLV.
    pub fn parse(data: &'a [u8]) -> Result<Self, Error> {
        let fci = single(data, tag!(0x6F))?;
        let df_name = child(&fci, tag!(0x84))?.ok_or(Error::at_tag(ErrorKind::Missing, tag!(0x84)))?;
        if !(5..=16).contains(&df_name.len()) {
            return Err(Error::at_tag(ErrorKind::BadLength, tag!(0x84)));
        }
        let mut a5 = None;
        for c in fci.children() {
            let c = c?;
            if c.tag == tag!(0xA5) {
                a5 = Some(c);
                break;
            }
        }
        let a5 = a5.ok_or(Error::at_tag(ErrorKind::Missing, tag!(0xA5)))?;
        match a5.content()? {
            Content::Children(_) => {}
            Content::Primitive(_) | Content::Opaque(_) => {
                return Err(Error::new(ErrorKind::BadTemplate, a5.offset).with_tag(tag!(0xA5)));
            }
        }
        let one = |v: Option<&[u8]>, t: Tag| -> Result<Option<u8>, Error> {
            match v {
                None => Ok(None),
                Some([b]) => Ok(Some(*b)),
                Some(_) => Err(Error::at_tag(ErrorKind::BadLength, t)),
            }
        };
        Ok(Self {
            df_name,
            label: child(&a5, tag!(0x50))?,
            priority: one(child(&a5, tag!(0x87))?, tag!(0x87))?,
            pdol: child(&a5, tag!(0x9F38))?,
            language: child(&a5, tag!(0x5F2D))?,
            code_table: one(child(&a5, tag!(0x9F11))?, tag!(0x9F11))?,
            preferred_name: child(&a5, tag!(0x9F12))?,
            sfi: one(child(&a5, tag!(0x88))?, tag!(0x88))?,
            discretionary: child(&a5, tag!(0xBF0C))?,
            proprietary: a5.value,
        })
    }
}

/// One application in a directory record (`61` template, Book 1 §12.2.3) or in the PPSE FCI.
/// `Debug` shows lengths, not values.
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct DirectoryEntry<'a> {
    /// ADF name (`4F`), 5–16 bytes.
    pub adf_name: &'a [u8],
    /// Application label (`50`).
    pub label: Option<&'a [u8]>,
    /// Application preferred name (`9F12`).
    pub preferred_name: Option<&'a [u8]>,
    /// Application priority indicator (`87`).
    pub priority: Option<u8>,
}

impl fmt::Debug for DirectoryEntry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectoryEntry")
            .field("adf_name", &Len(self.adf_name))
            .field("label", &OptLen(self.label))
            .field("preferred_name", &OptLen(self.preferred_name))
            .field("priority", &self.priority)
            .finish()
    }
}

/// The `61` entries of a PSE directory record (`70` template) or of a PPSE FCI (`BF0C`).
///
/// Entries without a valid `4F` (5–16 bytes) are skipped, as Book 1 §12.3.2 says to ignore
/// them; a malformed TLV structure is an error.
pub fn directory_entries<'a>(
    data: &'a [u8],
    out: &mut dyn FnMut(DirectoryEntry<'a>),
) -> Result<usize, Error> {
    let mut n = 0usize;
    for item in payproto_tlv::Walk::new(data, Config::EMV) {
        let t = item?;
        if t.tag != tag!(0x61) {
            continue;
        }
        let Some(adf) = child(&t, tag!(0x4F))? else { continue };
        if !(5..=16).contains(&adf.len()) {
            continue;
        }
        let priority = match child(&t, tag!(0x87))? {
            Some([b]) => Some(*b),
            _ => None,
        };
        out(DirectoryEntry {
            adf_name: adf,
            label: child(&t, tag!(0x50))?,
            preferred_name: child(&t, tag!(0x9F12))?,
            priority,
        });
        n = n.saturating_add(1);
    }
    Ok(n)
}

/// The DDF entries of a PSE directory record (`70` value): the `61` entries that carry a DDF
/// name (`9D`, 5–16 bytes) and no ADF name (`4F`), in order (Book 1 §12.2.3, §12.3.2). The
/// terminal selects each DDF and reads its directory in turn. Entries with another length are
/// skipped; a malformed TLV structure is an error.
pub fn directory_ddfs<'a>(data: &'a [u8], out: &mut dyn FnMut(&'a [u8])) -> Result<usize, Error> {
    let mut n = 0usize;
    for item in payproto_tlv::Walk::new(data, Config::EMV) {
        let t = item?;
        if t.tag != tag!(0x61) || child(&t, tag!(0x4F))?.is_some() {
            continue;
        }
        let Some(ddf) = child(&t, tag!(0x9D))? else { continue };
        if !(5..=16).contains(&ddf.len()) {
            continue;
        }
        out(ddf);
        n = n.saturating_add(1);
    }
    Ok(n)
}

/// The GET PROCESSING OPTIONS response (Book 3 §6.5.8.4), format 1 (`80`) or 2 (`77`).
/// `Debug` shows the AIP, the AFL's length and the template's tags, not their values.
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct GpoResponse<'a> {
    /// Application Interchange Profile.
    pub aip: Aip,
    /// The validated AFL, if present (contactless cards may omit it).
    pub afl: Option<Afl<'a>>,
    /// For format 2: the whole `77` value (other data objects to store).
    pub template: Option<&'a [u8]>,
}

impl fmt::Debug for GpoResponse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GpoResponse")
            .field("aip", &self.aip)
            .field("afl", &OptLen(self.afl.map(|a| a.as_bytes())))
            .field("template", &OptTags(self.template))
            .finish()
    }
}

impl<'a> GpoResponse<'a> {
    /// Parses the response data.
    pub fn parse(data: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(data, Config::EMV);
        let top = r.next().ok_or(Error::new(ErrorKind::BadTemplate, 0))??;
        if r.next().is_some() {
            return Err(Error::new(ErrorKind::BadTemplate, top.offset));
        }
        let at_value =
            |e: Error| Error { offset: top.value_offset().saturating_add(2).saturating_add(e.offset), ..e };
        if top.tag == tag!(0x80) {
            let (aip, afl) =
                top.value.split_first_chunk::<2>().ok_or(Error::at_tag(ErrorKind::BadLength, tag!(0x80)))?;
            let afl = if afl.is_empty() { None } else { Some(Afl::parse(afl).map_err(at_value)?) };
            return Ok(Self { aip: Aip(*aip), afl, template: None });
        }
        if top.tag != tag!(0x77) {
            return Err(Error::new(ErrorKind::BadTemplate, top.offset).with_tag(top.tag));
        }
        let aip = child(&top, tag!(0x82))?.ok_or(Error::at_tag(ErrorKind::Missing, tag!(0x82)))?;
        let aip = Aip::parse(aip).map_err(|e| e.with_tag(tag!(0x82)))?;
        let afl = match child(&top, tag!(0x94))? {
            None => None,
            Some(v) => Some(Afl::parse(v).map_err(|e| e.with_tag(tag!(0x94)))?),
        };
        Ok(Self { aip, afl, template: Some(top.value) })
    }
}

/// A READ RECORD response: the record must be one `70` template (Book 3 §6.5.11.4). `Debug`
/// shows tags and lengths only (records hold the PAN, track 2, the cardholder name).
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// The value of `70`.
    pub value: &'a [u8],
    /// The whole template (tag, length and value), as ODA needs it for SFI 11–30.
    pub template: &'a [u8],
}

impl fmt::Debug for Record<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("value", &Tags(self.value))
            .field("template", &Len(self.template))
            .finish()
    }
}

impl<'a> Record<'a> {
    /// Parses the response data; the `70` value must itself be valid TLV.
    pub fn parse(data: &'a [u8]) -> Result<Self, Error> {
        let t = single(data, tag!(0x70))?;
        Reader::new(t.value, Config::EMV)
            .validate()
            .map_err(|e| Error { offset: t.value_offset().saturating_add(e.offset), ..Error::from(e) })?;
        let end = t.value_offset().saturating_add(t.value.len());
        let template = data.get(t.offset..end).unwrap_or(&[]);
        Ok(Self { value: t.value, template })
    }
}

/// The GENERATE AC response (Book 3 §6.5.5.4). `Debug` shows the CID and ATC, and lengths
/// and tags for the rest (never the cryptogram).
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct GenAcResponse<'a> {
    /// Cryptogram Information Data.
    pub cid: Cid,
    /// Application Transaction Counter.
    pub atc: u16,
    /// Application Cryptogram (absent in a format-2 CDA response, where it is inside `9F4B`).
    pub cryptogram: Option<[u8; 8]>,
    /// Issuer Application Data.
    pub iad: Option<&'a [u8]>,
    /// Signed Dynamic Application Data (format 2, CDA).
    pub sdad: Option<&'a [u8]>,
    /// For format 2: the whole `77` value.
    pub template: Option<&'a [u8]>,
}

impl fmt::Debug for GenAcResponse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenAcResponse")
            .field("cid", &self.cid)
            .field("atc", &self.atc)
            .field("cryptogram", &OptLen(self.cryptogram.as_ref().map(<[u8; 8]>::as_slice)))
            .field("iad", &OptLen(self.iad))
            .field("sdad", &OptLen(self.sdad))
            .field("template", &OptTags(self.template))
            .finish()
    }
}

impl<'a> GenAcResponse<'a> {
    /// Parses format 1 (`80`: CID ‖ ATC ‖ AC ‖ IAD, 11–43 bytes) or format 2 (`77`).
    pub fn parse(data: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(data, Config::EMV);
        let top = r.next().ok_or(Error::new(ErrorKind::BadTemplate, 0))??;
        if r.next().is_some() {
            return Err(Error::new(ErrorKind::BadTemplate, top.offset));
        }
        if top.tag == tag!(0x80) {
            let v = top.value;
            if !(11..=43).contains(&v.len()) {
                return Err(Error::at_tag(ErrorKind::BadLength, tag!(0x80)));
            }
            let (&[cid, a1, a2], rest) =
                v.split_first_chunk::<3>().ok_or(Error::new(ErrorKind::BadLength, 0))?;
            let (ac, iad) = rest.split_first_chunk::<8>().ok_or(Error::new(ErrorKind::BadLength, 0))?;
            return Ok(Self {
                cid: Cid(cid),
                atc: u16::from_be_bytes([a1, a2]),
                cryptogram: Some(*ac),
                iad: if iad.is_empty() { None } else { Some(iad) },
                sdad: None,
                template: None,
            });
        }
        if top.tag != tag!(0x77) {
            return Err(Error::new(ErrorKind::BadTemplate, top.offset).with_tag(top.tag));
        }
        let need = |t: Tag| -> Result<&'a [u8], Error> {
            child(&top, t)?.ok_or(Error::at_tag(ErrorKind::Missing, t))
        };
        let cid = Cid::parse(need(tag!(0x9F27))?).map_err(|e| e.with_tag(tag!(0x9F27)))?;
        let atc: [u8; 2] =
            need(tag!(0x9F36))?.try_into().map_err(|_| Error::at_tag(ErrorKind::BadLength, tag!(0x9F36)))?;
        let sdad = child(&top, tag!(0x9F4B))?;
        let cryptogram = match child(&top, tag!(0x9F26))? {
            Some(v) => {
                Some(<[u8; 8]>::try_from(v).map_err(|_| Error::at_tag(ErrorKind::BadLength, tag!(0x9F26)))?)
            }
            None if sdad.is_some() => None,
            None => return Err(Error::at_tag(ErrorKind::Missing, tag!(0x9F26))),
        };
        Ok(Self {
            cid,
            atc: u16::from_be_bytes(atc),
            cryptogram,
            iad: child(&top, tag!(0x9F10))?,
            sdad,
            template: Some(top.value),
        })
    }
}

/// The INTERNAL AUTHENTICATE response: the Signed Dynamic Application Data, from format 1 (`80`)
/// or format 2 (`77` containing `9F4B`).
pub fn parse_internal_authenticate(data: &[u8]) -> Result<&[u8], Error> {
    let mut r = Reader::new(data, Config::EMV);
    let top = r.next().ok_or(Error::new(ErrorKind::BadTemplate, 0))??;
    if r.next().is_some() {
        return Err(Error::new(ErrorKind::BadTemplate, top.offset));
    }
    match top.tag.to_u32() {
        0x80 if !top.value.is_empty() => Ok(top.value),
        0x77 => child(&top, tag!(0x9F4B))?.ok_or(Error::at_tag(ErrorKind::Missing, tag!(0x9F4B))),
        _ => Err(Error::new(ErrorKind::BadTemplate, top.offset).with_tag(top.tag)),
    }
}

/// The GET DATA response for `tag`: exactly one object with that tag; returns its value.
pub fn parse_get_data(tag: Tag, data: &[u8]) -> Result<&[u8], Error> {
    Ok(single(data, tag)?.value)
}

/// The GET CHALLENGE response: an 8-byte unpredictable number.
pub fn parse_get_challenge(data: &[u8]) -> Result<[u8; 8], Error> {
    data.try_into().map_err(|_| Error::new(ErrorKind::BadLength, 0))
}

/// The value at `path` in a response (convenience over [`payproto_tlv::find_path`]).
pub fn value_at<'a>(data: &'a [u8], path: &str) -> Result<Option<&'a [u8]>, Error> {
    Ok(find_path(data, Config::EMV, path)?.map(|t| t.value))
}

/// What to do after a response on a T=0 link (EMV Book 1 §9.3.1.3 and ISO 7816-3 procedure).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum T0Next {
    /// Send GET RESPONSE with this Le.
    GetResponse(u8),
    /// Resend the original command with this Le.
    Resend(u8),
    /// Finished: `len` bytes of data collected, and the final status word.
    Done {
        /// The number of data bytes collected in the caller's buffer.
        len: usize,
        /// The final status word.
        sw: StatusWord,
    },
}

/// The `61xx` / `6Cxx` helper: feed each raw response; it collects data in a caller buffer and
/// says what to send next. Any transport can use it (PC/SC, a UART driver, the simulator).
///
/// Made with [`T0Helper::for_command`], it also applies EMV Book 1 §9.3.1.3 to case 4
/// commands: a warning (`62xx`/`63xx`) without data in answer to the command itself is followed
/// by GET RESPONSE (Le `00`), and the data it returns comes back with the *warning* status.
/// `6Cxx` in answer to a GET RESPONSE repeats the GET RESPONSE with Le = xx. If the GET
/// RESPONSE brings no data (any status but `61xx`/`6Cxx`/`9000`), the warning is returned
/// without data.
#[derive(Clone, Debug, Default)]
pub struct T0Helper {
    len: usize,
    rounds: u8,
    case4: bool,
    warning: Option<StatusWord>,
    after_get_response: bool,
}

impl T0Helper {
    /// The most GET RESPONSE / resend rounds before giving up (a card looping on `61xx`).
    pub const MAX_ROUNDS: u8 = 32;

    /// A fresh helper for one command of unknown case (no case-4 warning handling).
    pub const fn new() -> Self {
        Self { len: 0, rounds: 0, case4: false, warning: None, after_get_response: false }
    }

    /// A fresh helper for `cmd`, with the case-4 warning rule when `cmd` is case 4.
    pub fn for_command(cmd: &Command<'_>) -> Self {
        Self { case4: cmd.case() == Case::Case4, ..Self::new() }
    }

    /// Feeds one response APDU; data is appended to `acc`.
    pub fn feed(&mut self, rapdu: &[u8], acc: &mut [u8]) -> Result<T0Next, Error> {
        let resp = Response::parse(rapdu)?;
        let end =
            self.len.checked_add(resp.data.len()).ok_or(Error::new(ErrorKind::BufferTooSmall, self.len))?;
        acc.get_mut(self.len..end)
            .ok_or(Error::new(ErrorKind::BufferTooSmall, self.len))?
            .copy_from_slice(resp.data);
        self.len = end;
        let first = self.rounds == 0;
        let next = match resp.sw {
            StatusWord::MoreData(n) => T0Next::GetResponse(n),
            StatusWord::WrongLe(n) => {
                // The data of a 6Cxx answer (none, normally) is discarded: the resend repeats it.
                self.len = self.len.saturating_sub(resp.data.len());
                if self.after_get_response { T0Next::GetResponse(n) } else { T0Next::Resend(n) }
            }
            sw if self.case4 && first && sw.is_warning() && resp.data.is_empty() => {
                self.warning = Some(sw);
                T0Next::GetResponse(0)
            }
            sw => return Ok(T0Next::Done { len: self.len, sw: self.warning.unwrap_or(sw) }),
        };
        self.after_get_response = matches!(next, T0Next::GetResponse(_));
        self.rounds = self.rounds.saturating_add(1);
        if self.rounds > Self::MAX_ROUNDS {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        Ok(next)
    }
}

/// A blocking card transport: sends one C-APDU and returns the R-APDU (data ‖ SW1 SW2).
pub trait CardTransport {
    /// Sends `capdu`, writes the response into `rapdu`, returns its length.
    fn transmit(&mut self, capdu: &[u8], rapdu: &mut [u8]) -> Result<usize, Error>;
}

/// Sends `cmd` over `transport`, handling `61xx`/`6Cxx` and the case-4 warning rule of Book 1
/// §9.3.1.3 ([`T0Helper::for_command`]); the response data is collected in `buf`.
pub fn exchange<'b, T: CardTransport + ?Sized>(
    transport: &mut T,
    cmd: &Command<'_>,
    buf: &'b mut [u8],
) -> Result<Response<'b>, Error> {
    let mut capdu = [0u8; 261];
    let mut rapdu = [0u8; 258];
    let mut helper = T0Helper::for_command(cmd);
    let mut current = *cmd;
    loop {
        let n = current.encode(&mut capdu)?;
        let m = transport.transmit(capdu.get(..n).unwrap_or(&[]), &mut rapdu)?;
        let r = rapdu.get(..m).ok_or(Error::new(ErrorKind::Transport, 0))?;
        match helper.feed(r, buf)? {
            T0Next::GetResponse(le) => current = Command::get_response(le),
            T0Next::Resend(le) => current = cmd.with_le(le),
            T0Next::Done { len, sw } => {
                return Ok(Response { data: buf.get(..len).unwrap_or(&[]), sw });
            }
        }
    }
}
