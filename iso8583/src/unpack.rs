//! Zero-copy unpack: a [`Message`] view holding offsets into the input.

use crate::bitmap;
use crate::error::{Error, ErrorKind, FieldPath};
use crate::spec::{Class, Encoding, Field, Length, MtiEncoding, Spec, Tertiary};
use crate::value::{self, Canonical};

/// Highest data element number supported (tertiary bitmap).
pub const MAX_FIELDS: usize = 192;

/// Location of one data element in the input (4 bytes: the prefix start and the length count
/// are recomputed from the spec and the prefix bytes when a field is accessed).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
struct Loc {
    /// Offset of the data.
    data: u16,
    /// Wire bytes of the data.
    len: u16,
}

/// `(prefix start, count)` of a field whose data is `input[data..data + len]`.
fn start_and_count(f: &Field, input: &[u8], data: usize, len: usize) -> (usize, usize) {
    match f.length {
        Length::Fixed { len: n, .. } => (data, usize::from(n)),
        Length::Var { prefix, .. } => {
            let start = data.saturating_sub(prefix.wire_len());
            let count = input.get(start..data).and_then(|p| value::read_prefix(&prefix, p).ok()).unwrap_or(0);
            (start, count)
        }
        Length::Rest { .. } => (data, len),
    }
}

/// A parsed message: offsets into the input, values decoded on demand.
#[derive(Clone)]
pub struct Message<'a> {
    spec: &'a Spec,
    raw: &'a [u8],
    mti: [u8; 4],
    bitmap: [u64; 3],
    /// Bits of fields successfully parsed (a subset of `bitmap` after a partial unpack).
    parsed: [u64; 3],
    locs: [Loc; MAX_FIELDS + 1],
    end: u16,
}

/// A data element of a [`Message`] (or a subfield of a composite).
#[derive(Copy, Clone)]
pub struct FieldRef<'a> {
    /// Data element (or subfield) number; for TLV subfields the tag as a number.
    pub number: u32,
    /// Its spec.
    pub spec: &'static Field,
    /// Wire bytes of the value (prefix excluded).
    pub raw: &'a [u8],
    /// The length in the field's unit (as read from the prefix, or the fixed length).
    pub count: usize,
    /// Offset of the value from the start of the input.
    pub offset: usize,
    /// Offset of the prefix (equal to `offset` for fixed fields).
    pub start: usize,
}

impl<'a> FieldRef<'a> {
    /// The canonical value as a lazy byte iterator (digits and text as characters, binary as bytes).
    pub fn canonical(&self) -> Canonical<'a> {
        Canonical::new(self.spec, self.raw, value::digits_of(self.spec, self.count, self.raw.len()))
    }

    /// Length of the canonical value.
    pub fn canonical_len(&self) -> usize {
        value::canonical_len(self.spec, self.count, self.raw.len())
    }

    /// Copies the canonical value into `out`; returns its length.
    pub fn write_canonical(&self, out: &mut [u8]) -> Result<usize, Error> {
        let n = self.canonical_len();
        let dst = out.get_mut(..n).ok_or(Error::new(
            ErrorKind::BufferTooSmall,
            FieldPath::field(0).with_sub(0),
            self.offset,
        ))?;
        for (d, c) in dst.iter_mut().zip(self.canonical()) {
            *d = c;
        }
        Ok(n)
    }

    /// The canonical value without copying, when the wire form already is canonical (ASCII,
    /// binary); `None` for BCD, EBCDIC and hex wire forms.
    pub fn as_canonical_slice(&self) -> Option<&'a [u8]> {
        match self.spec.encoding {
            Encoding::Ascii | Encoding::Binary => Some(self.raw),
            _ => None,
        }
    }

    /// The value as an unsigned integer (numeric classes, up to 19 digits).
    pub fn as_u64(&self) -> Option<u64> {
        if !matches!(self.spec.class, Class::N) {
            return None;
        }
        let mut n: u64 = 0;
        for c in self.canonical() {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n.checked_mul(10)?.checked_add(u64::from(c.wrapping_sub(b'0')))?;
        }
        Some(n)
    }

    /// The value as `&str` when its canonical form is ASCII text and needs no copy.
    pub fn as_str(&self) -> Option<&'a str> {
        let s = self.as_canonical_slice()?;
        if self.spec.class == Class::B || !s.is_ascii() {
            return None;
        }
        core::str::from_utf8(s).ok()
    }
}

impl<'a> Message<'a> {
    fn empty(spec: &'a Spec, raw: &'a [u8]) -> Self {
        Self {
            spec,
            raw,
            mti: [b'0'; 4],
            bitmap: [0; 3],
            parsed: [0; 3],
            locs: [Loc::default(); MAX_FIELDS + 1],
            end: 0,
        }
    }

    /// The spec this message was parsed with.
    pub fn spec(&self) -> &'a Spec {
        self.spec
    }
    /// The whole input.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }
    /// The header bytes before the MTI (TPDU + header), if any.
    pub fn header_bytes(&self) -> &'a [u8] {
        self.raw.get(..self.spec.header_len()).unwrap_or(&[])
    }
    /// The TPDU bytes (first part of the header).
    pub fn tpdu(&self) -> &'a [u8] {
        self.raw.get(..usize::from(self.spec.header.tpdu)).unwrap_or(&[])
    }
    /// The header after the TPDU.
    pub fn header(&self) -> &'a [u8] {
        self.raw.get(usize::from(self.spec.header.tpdu)..self.spec.header_len()).unwrap_or(&[])
    }
    /// The MTI as four ASCII digits.
    pub fn mti(&self) -> [u8; 4] {
        self.mti
    }
    /// The MTI as a string.
    pub fn mti_str(&self) -> &str {
        core::str::from_utf8(&self.mti).unwrap_or("????")
    }
    /// ISO 8583 version from the first MTI digit (`0` 1987, `1` 1993, `2` 2003).
    pub fn version(&self) -> u8 {
        self.mti[0].wrapping_sub(b'0')
    }
    /// The bitmaps (bit 1 of word 0 = the most significant bit).
    pub fn bitmap(&self) -> [u64; 3] {
        self.bitmap
    }
    /// Whether data element `de` is present (and was parsed).
    pub fn has(&self, de: usize) -> bool {
        bitmap::get(&self.parsed, de)
    }
    /// Data element `de`.
    pub fn field(&self, de: usize) -> Option<FieldRef<'a>> {
        if !self.has(de) {
            return None;
        }
        let loc = self.locs.get(de)?;
        let spec = self.spec.field(de)?;
        let (data, len) = (usize::from(loc.data), usize::from(loc.len));
        let raw = self.raw.get(data..data.checked_add(len)?)?;
        let (start, count) = start_and_count(spec, self.raw, data, len);
        Some(FieldRef { number: u32::try_from(de).ok()?, spec, raw, count, offset: data, start })
    }
    /// All present data elements in order.
    pub fn fields(&self) -> impl Iterator<Item = FieldRef<'a>> + '_ {
        bitmap::iter(self.parsed).filter_map(move |de| self.field(de))
    }
    /// Bytes used by the message (equal to the input length after a complete unpack).
    pub fn len(&self) -> usize {
        usize::from(self.end)
    }
    /// Whether nothing was parsed.
    pub fn is_empty(&self) -> bool {
        self.end == 0
    }
    /// The MAC input (MAB) of the dialect: from the MTI up to (excluding) the MAC data element;
    /// `None` when the spec has no MAC field or the message carries none.
    pub fn mac_input(&self) -> Option<&'a [u8]> {
        let de = usize::from(self.spec.mac_field?);
        let f = self.field(de)?;
        self.raw.get(self.spec.header_len()..f.start)
    }
    /// The MAC field's value bytes.
    pub fn mac(&self) -> Option<&'a [u8]> {
        self.field(usize::from(self.spec.mac_field?)).map(|f| f.raw)
    }
}

/// The result of [`unpack_partial`]: what was parsed, and the error that stopped parsing.
#[derive(Clone, Debug)]
pub struct Partial<'a> {
    /// The fields parsed before the error (all of them if `error` is `None`).
    pub message: Message<'a>,
    /// The error, if any.
    pub error: Option<Error>,
}

/// Unpacks a message with full validation of every data element.
pub fn unpack<'a>(spec: &'a Spec, input: &'a [u8]) -> Result<Message<'a>, Error> {
    let mut m = Message::empty(spec, input);
    parse_into(&mut m)?;
    Ok(m)
}

/// Unpacks as far as possible; the returned message holds every data element parsed before the
/// error (for format-error replies echoing STAN and RRN).
pub fn unpack_partial<'a>(spec: &'a Spec, input: &'a [u8]) -> Partial<'a> {
    let mut m = Message::empty(spec, input);
    let error = parse_into(&mut m).err();
    Partial { message: m, error }
}

fn err(kind: ErrorKind, path: FieldPath, offset: usize) -> Error {
    Error::new(kind, path, offset)
}

fn parse_into(m: &mut Message<'_>) -> Result<(), Error> {
    let input = m.raw;
    if input.len() > usize::from(u16::MAX) {
        return Err(err(ErrorKind::TooLong, FieldPath::ROOT, 0));
    }
    let spec = m.spec;
    let mut pos = spec.header_len();
    if input.len() < pos {
        return Err(err(ErrorKind::Truncated, FieldPath::ROOT, input.len()));
    }
    // MTI
    let mti_bytes = input.get(pos..pos.saturating_add(spec.mti_len())).ok_or(err(
        ErrorKind::Truncated,
        FieldPath::ROOT,
        pos,
    ))?;
    m.mti = decode_mti(spec.mti, mti_bytes).ok_or(err(ErrorKind::BadMti, FieldPath::ROOT, pos))?;
    pos = pos.saturating_add(spec.mti_len());
    // Bitmaps
    let (bm, used) = bitmap::read(spec, input.get(pos..).unwrap_or(&[]))
        .map_err(|(k, off)| err(k, FieldPath::ROOT, pos.saturating_add(off)))?;
    m.bitmap = bm;
    pos = pos.saturating_add(used);
    m.end = u16::try_from(pos).unwrap_or(u16::MAX);
    let tertiary_de = match spec.bitmaps.tertiary {
        Tertiary::InField(n) => Some(usize::from(n)),
        Tertiary::None | Tertiary::Contiguous => {
            // The common case: every set bit but the bitmap indicators is a data element.
            let mut bits = bm;
            bits[0] &= !(1u64 << 63);
            if spec.bitmaps.tertiary == Tertiary::Contiguous {
                bits[1] &= !(1u64 << 63);
            }
            let r = parse_fields(m, bits, &mut pos);
            m.end = u16::try_from(pos).unwrap_or(u16::MAX);
            r?;
            if pos != input.len() {
                return Err(err(ErrorKind::TrailingData, FieldPath::ROOT, pos));
            }
            return Ok(());
        }
    };
    for de in bitmap::iter(bm) {
        if Some(de) == tertiary_de {
            // The third bitmap, carried as this data element.
            let path = FieldPath::field(u16::try_from(de).unwrap_or(0));
            let f = spec.field(de).ok_or(err(ErrorKind::UndefinedField, path, pos))?;
            let (loc, _, next) =
                read_field(f, input, pos, input.len()).map_err(|(k, off)| err(k, path, off))?;
            let mut word = [0u8; 8];
            let v = Canonical::new(f, input.get(usize::from(loc.data)..next).unwrap_or(&[]), 0);
            if v.len() != 8 || spec.bitmaps.max < 3 {
                return Err(err(ErrorKind::BadBitmap, path, pos));
            }
            for (w, b) in word.iter_mut().zip(v) {
                *w = b;
            }
            m.bitmap[2] = u64::from_be_bytes(word);
            pos = next;
            m.end = u16::try_from(pos).unwrap_or(u16::MAX);
            continue;
        }
        if bitmap::is_bitmap_bit(spec, de) {
            continue;
        }
        parse_one(m, de, &mut pos)?;
    }
    if tertiary_de.is_some() {
        // Elements 129–192 announced by the third bitmap read from its data element.
        for de in bitmap::iter([0, 0, m.bitmap[2]]) {
            parse_one(m, de, &mut pos)?;
        }
    }
    if pos != input.len() {
        return Err(err(ErrorKind::TrailingData, FieldPath::ROOT, pos));
    }
    Ok(())
}

/// The data elements of `bits` in order, from `pos` (the hot loop: `m.end` is left to the caller).
#[inline]
fn parse_fields(m: &mut Message<'_>, bits: [u64; 3], pos: &mut usize) -> Result<(), Error> {
    let (spec, input) = (m.spec, m.raw);
    let limit = input.len();
    for de in bitmap::iter(bits) {
        let path = || FieldPath::field(u16::try_from(de).unwrap_or(0));
        let f = spec.field(de).ok_or_else(|| err(ErrorKind::UndefinedField, path(), *pos))?;
        let (loc, _, next) = read_field(f, input, *pos, limit).map_err(|(k, off)| err(k, path(), off))?;
        if let Some(slot) = m.locs.get_mut(de) {
            *slot = loc;
        }
        bitmap::set(&mut m.parsed, de);
        *pos = next;
    }
    Ok(())
}

#[inline]
fn parse_one(m: &mut Message<'_>, de: usize, pos: &mut usize) -> Result<(), Error> {
    let path = FieldPath::field(u16::try_from(de).unwrap_or(0));
    let f = m.spec.field(de).ok_or(err(ErrorKind::UndefinedField, path, *pos))?;
    let (loc, _, next) = read_field(f, m.raw, *pos, m.raw.len()).map_err(|(k, off)| err(k, path, off))?;
    if let Some(slot) = m.locs.get_mut(de) {
        *slot = loc;
    }
    bitmap::set(&mut m.parsed, de);
    *pos = next;
    m.end = u16::try_from(next).unwrap_or(u16::MAX);
    Ok(())
}

pub(crate) fn decode_mti(enc: MtiEncoding, b: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    match enc {
        MtiEncoding::Ascii | MtiEncoding::Ebcdic => {
            for (o, &c) in out.iter_mut().zip(b) {
                let c = if enc == MtiEncoding::Ebcdic { c.checked_sub(0xC0)? } else { c };
                if !c.is_ascii_digit() {
                    return None;
                }
                *o = c;
            }
        }
        MtiEncoding::Bcd => {
            for (i, o) in out.iter_mut().enumerate() {
                let byte = b.get(i / 2).copied()?;
                let n = if i % 2 == 0 { byte >> 4 } else { byte & 0x0F };
                if n > 9 {
                    return None;
                }
                *o = b'0'.wrapping_add(n);
            }
        }
    }
    Some(out)
}

/// Reads one field at `pos` of `input`, not beyond `limit`; validates length and content.
/// Returns the location and the next offset; errors carry the offset.
#[inline]
fn read_field(
    f: &Field,
    input: &[u8],
    pos: usize,
    limit: usize,
) -> Result<(Loc, usize, usize), (ErrorKind, usize)> {
    let (count, data_at) = field_count(f, input, pos, limit)?;
    let unit = value::unit_of(f);
    let wire = value::wire_len(f, unit, count).ok_or((ErrorKind::BadLength, pos))?;
    let end = data_at.checked_add(wire).ok_or((ErrorKind::BadLength, data_at))?;
    if end > limit {
        return Err((ErrorKind::Truncated, data_at));
    }
    let data = input.get(data_at..end).ok_or((ErrorKind::Truncated, data_at))?;
    validate_data(f, data, count).map_err(|(k, off)| (k, data_at.saturating_add(off)))?;
    // Inputs are at most 65 535 bytes (checked by the callers), so offsets and wire lengths fit;
    // `count` is bounded by the spec's u16 maximum.
    if end > usize::from(u16::MAX) || count > usize::from(u16::MAX) {
        return Err((ErrorKind::TooLong, pos));
    }
    #[allow(clippy::cast_possible_truncation)]
    Ok((Loc { data: data_at as u16, len: wire as u16 }, count, end))
}

/// Reads the length of a field: `(count, data offset)`.
#[inline]
pub(crate) fn field_count(
    f: &Field,
    input: &[u8],
    pos: usize,
    limit: usize,
) -> Result<(usize, usize), (ErrorKind, usize)> {
    match f.length {
        Length::Fixed { len, .. } => Ok((usize::from(len), pos)),
        Length::Var { prefix, min, max } => {
            let avail = input.get(pos..limit).unwrap_or(&[]);
            let count = value::read_prefix(&prefix, avail).map_err(|k| (k, pos))?;
            if count < usize::from(min) || count > usize::from(max) {
                return Err((ErrorKind::BadLength, pos));
            }
            Ok((count, pos.saturating_add(prefix.wire_len())))
        }
        Length::Rest { max } => {
            let count = limit.saturating_sub(pos);
            if count > usize::from(max) {
                return Err((ErrorKind::BadLength, pos));
            }
            Ok((count, pos))
        }
    }
}

/// Validates the wire data of a field; error offsets are relative to `data`.
#[inline]
pub(crate) fn validate_data(f: &Field, data: &[u8], count: usize) -> Result<(), (ErrorKind, usize)> {
    match f.encoding {
        Encoding::Bcd => {
            let digits = value::digits_of(f, count, data.len());
            if f.class == Class::Xn {
                let x = data.first().copied().unwrap_or(0);
                if x != b'C' && x != b'D' {
                    return Err((ErrorKind::BadCharset, 0));
                }
            }
            value::check_bcd(f, data, digits).map_err(|i| (ErrorKind::BadBcd, i))
        }
        Encoding::Hex => {
            if !data.len().is_multiple_of(2) {
                return Err((ErrorKind::BadLength, 0));
            }
            if !value::all_hex(data)
                && let Some(i) = data.iter().position(|c| !c.is_ascii_hexdigit())
            {
                return Err((ErrorKind::BadCharset, i));
            }
            Ok(())
        }
        Encoding::Binary if f.class == Class::B => Ok(()),
        _ if !f.check_charset => Ok(()),
        Encoding::Ebcdic => {
            let c = Canonical::new(f, data, 0);
            value::validate_canonical_iter(f, c).map_err(|i| (ErrorKind::BadCharset, i))
        }
        _ => value::validate_canonical(f, data).map_err(|i| (ErrorKind::BadCharset, i)),
    }
}

/// Reads a field at `pos` within `input[..limit]` (composite subfields).
pub(crate) fn read_sub<'a>(
    f: &'static Field,
    number: u32,
    input: &'a [u8],
    pos: usize,
    limit: usize,
    base: usize,
) -> Result<(FieldRef<'a>, usize), (ErrorKind, usize)> {
    let (loc, count, next) =
        read_field(f, input, pos, limit).map_err(|(k, o)| (k, o.saturating_add(base)))?;
    let raw = input.get(usize::from(loc.data)..next).unwrap_or(&[]);
    Ok((
        FieldRef {
            number,
            spec: f,
            raw,
            count,
            offset: base.saturating_add(usize::from(loc.data)),
            start: base.saturating_add(pos),
        },
        next,
    ))
}

// Debug output never shows values (PCI): numbers, offsets and lengths only.
impl core::fmt::Debug for FieldRef<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FieldRef")
            .field("number", &self.number)
            .field("name", &self.spec.name)
            .field("offset", &self.offset)
            .field("len", &self.raw.len())
            .finish()
    }
}

impl core::fmt::Debug for Message<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        struct Numbers([u64; 3]);
        impl core::fmt::Debug for Numbers {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_list().entries(bitmap::iter(self.0)).finish()
            }
        }
        f.debug_struct("Message")
            .field("spec", &self.spec.name)
            .field("mti", &self.mti_str())
            .field("fields", &Numbers(self.parsed))
            .field("len", &self.end)
            .finish()
    }
}

/// Reads one field (a data element or subfield spec) from the start of `data`: its value and
/// the bytes consumed. For composite specs outside a message (e.g.
/// [`crate::specs::POSTILION_DE127`]).
pub fn unpack_field<'a>(
    f: &'static Field,
    number: u32,
    data: &'a [u8],
) -> Result<(FieldRef<'a>, usize), Error> {
    let path = FieldPath::field(u16::try_from(number).unwrap_or(0));
    read_sub(f, number, data, 0, data.len(), 0).map_err(|(k, o)| err(k, path, o))
}
