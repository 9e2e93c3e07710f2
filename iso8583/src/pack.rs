//! Validated pack into a caller buffer.

use crate::bitmap;
use crate::error::{Error, ErrorKind, FieldPath};
use crate::spec::{Field, Length, MtiEncoding, PrefixEncoding, Spec, Tertiary};
use crate::unpack::MAX_FIELDS;
use crate::value;

/// Field values to pack: header, MTI and canonical values by data element number. Borrowing,
/// no heap.
#[derive(Clone)]
pub struct Fields<'v> {
    /// Header bytes before the MTI (TPDU + header), exactly as long as the spec's header.
    pub header: &'v [u8],
    /// The MTI as four ASCII digits.
    pub mti: [u8; 4],
    values: [Option<&'v [u8]>; MAX_FIELDS + 1],
    present: [u64; 3],
}

impl<'v> Fields<'v> {
    /// An empty message with this MTI.
    pub fn new(mti: [u8; 4]) -> Self {
        Self { header: &[], mti, values: [None; MAX_FIELDS + 1], present: [0; 3] }
    }
    /// Sets the header bytes.
    #[must_use]
    pub fn with_header(mut self, header: &'v [u8]) -> Self {
        self.header = header;
        self
    }
    /// Sets data element `de` (2..=192) to a canonical value; out-of-range numbers are ignored
    /// (and reported by [`pack`] as `UndefinedField` for number 0/1).
    pub fn set(&mut self, de: usize, value: &'v [u8]) -> &mut Self {
        if let Some(slot) = self.values.get_mut(de) {
            *slot = Some(value);
            bitmap::set(&mut self.present, de);
        }
        self
    }
    /// Removes data element `de`.
    pub fn remove(&mut self, de: usize) -> &mut Self {
        if let Some(slot) = self.values.get_mut(de) {
            *slot = None;
        }
        if let Some(i) = de.checked_sub(1)
            && let Some(w) = self.present.get_mut(i / 64)
        {
            *w &= !(1u64 << (63usize.saturating_sub(i % 64)));
        }
        self
    }
    /// The value of `de`.
    pub fn get(&self, de: usize) -> Option<&'v [u8]> {
        self.values.get(de).copied().flatten()
    }
    /// Present data element numbers in order.
    pub fn numbers(&self) -> impl Iterator<Item = usize> {
        bitmap::iter(self.present)
    }
}

/// Packs `fields` under `spec` into `out`; returns the bytes written. Every field is validated
/// (length limits, fixed-length exactness, charset, prefix capacity); nothing partial is
/// meaningful on error (`BufferTooSmall` when `out` is too short).
pub fn pack(spec: &Spec, fields: &Fields<'_>, out: &mut [u8]) -> Result<usize, Error> {
    let e = |k, p, o| Error::new(k, p, o);
    let hl = spec.header_len();
    if fields.header.len() != hl {
        return Err(e(ErrorKind::BadHeader, FieldPath::ROOT, 0));
    }
    out.get_mut(..hl).ok_or(e(ErrorKind::BufferTooSmall, FieldPath::ROOT, 0))?.copy_from_slice(fields.header);
    let mut pos = hl;
    // MTI
    if !fields.mti.iter().all(u8::is_ascii_digit) {
        return Err(e(ErrorKind::BadMti, FieldPath::ROOT, pos));
    }
    let ml = spec.mti_len();
    let mo =
        out.get_mut(pos..pos.saturating_add(ml)).ok_or(e(ErrorKind::BufferTooSmall, FieldPath::ROOT, pos))?;
    match spec.mti {
        MtiEncoding::Ascii => mo.copy_from_slice(&fields.mti),
        MtiEncoding::Ebcdic => {
            for (o, c) in mo.iter_mut().zip(fields.mti) {
                *o = 0xF0 | (c & 0x0F);
            }
        }
        MtiEncoding::Bcd => {
            let [a, b, c, d] = fields.mti.map(|c| c & 0x0F);
            mo.copy_from_slice(&[(a << 4) | b, (c << 4) | d]);
        }
    }
    pos = pos.saturating_add(ml);
    // Bitmap
    let mut bm = fields.present;
    bm[0] &= !(1u64 << 63);
    if bm[2] != 0 && spec.bitmaps.tertiary == Tertiary::None {
        // Elements 129–192 need a tertiary bitmap the spec does not have.
        let de = bitmap::iter([0, 0, bm[2]]).next().unwrap_or(129);
        return Err(e(ErrorKind::UndefinedField, FieldPath::field(u16::try_from(de).unwrap_or(0)), pos));
    }
    let used = bitmap::write(spec, bm, out.get_mut(pos..).unwrap_or(&mut []))
        .map_err(|k| e(k, FieldPath::ROOT, pos))?;
    pos = pos.saturating_add(used);
    if !matches!(spec.bitmaps.tertiary, Tertiary::InField(_)) {
        // The common case: every present element is a data element (bit 1 is cleared above;
        // bit 65 with a contiguous tertiary bitmap is an indicator).
        if spec.bitmaps.tertiary == Tertiary::Contiguous {
            bm[1] &= !(1u64 << 63);
        }
        for de in bitmap::iter(bm) {
            let path = || FieldPath::field(u16::try_from(de).unwrap_or(0));
            let (Some(f), Some(v)) = (spec.field(de), fields.get(de)) else {
                return Err(e(ErrorKind::UndefinedField, path(), pos));
            };
            pos = pack_field(f, v, out, pos).map_err(|(k, o)| e(k, path(), o))?;
        }
        return Ok(pos);
    }
    let (order, tertiary) = with_tertiary_field(spec, bm);
    let third = bm[2].to_be_bytes();
    for de in bitmap::iter(order) {
        let path = FieldPath::field(u16::try_from(de).unwrap_or(0));
        let value = if Some(de) == tertiary && fields.get(de).is_none() {
            Some(&third[..])
        } else if bitmap::is_bitmap_bit(spec, de) {
            None
        } else {
            fields.get(de)
        };
        let (Some(f), Some(v)) = (spec.field(de), value) else {
            return Err(e(ErrorKind::UndefinedField, path, pos));
        };
        pos = pack_field(f, v, out, pos).map_err(|(k, o)| e(k, path, o))?;
    }
    Ok(pos)
}

/// With a tertiary bitmap carried in a data element: the element order including that element,
/// and its number when it is needed.
fn with_tertiary_field(spec: &Spec, bm: [u64; 3]) -> ([u64; 3], Option<usize>) {
    match spec.bitmaps.tertiary {
        Tertiary::InField(n) if bm[2] != 0 => {
            let mut order = bm;
            bitmap::set(&mut order, usize::from(n));
            (order, Some(usize::from(n)))
        }
        _ => (bm, None),
    }
}

/// Exact packed size of `fields` under `spec` (validating like [`pack`]), without writing.
pub fn packed_len(spec: &Spec, fields: &Fields<'_>) -> Result<usize, Error> {
    let mut total = spec.header_len().saturating_add(spec.mti_len());
    let mut bm = fields.present;
    bm[0] &= !(1u64 << 63);
    let n = if bm[2] != 0 && spec.bitmaps.tertiary == Tertiary::Contiguous {
        3
    } else if bm[1] != 0 || bm[2] != 0 {
        2
    } else {
        1usize
    };
    total = total.saturating_add(spec.bitmap_len().saturating_mul(n));
    let (order, tertiary) = with_tertiary_field(spec, bm);
    let third = bm[2].to_be_bytes();
    for de in bitmap::iter(order) {
        let path = FieldPath::field(u16::try_from(de).unwrap_or(0));
        let value = if Some(de) == tertiary { Some(&third[..]) } else { fields.get(de) };
        let (Some(f), Some(v)) = (spec.field(de), value) else {
            return Err(Error::new(ErrorKind::UndefinedField, path, total));
        };
        let (plen, wire, _) = measure(f, v).map_err(|k| Error::new(k, path, total))?;
        total = total.saturating_add(plen).saturating_add(wire);
    }
    Ok(total)
}

/// `(prefix bytes, data bytes, count)` for a canonical value, validated.
#[inline(always)]
pub(crate) fn measure(f: &Field, v: &[u8]) -> Result<(usize, usize, usize), ErrorKind> {
    let unit = value::unit_of(f);
    let count = value::count_of(f, unit, v.len()).ok_or(ErrorKind::BadLength)?;
    let plen = match f.length {
        Length::Fixed { len, .. } => {
            if count != usize::from(len) {
                return Err(ErrorKind::BadLength);
            }
            0
        }
        Length::Var { prefix, min, max } => {
            if count < usize::from(min) || count > usize::from(max) {
                return Err(ErrorKind::BadLength);
            }
            let with_self =
                if prefix.includes_self { count.saturating_add(prefix.wire_len()) } else { count };
            // Any prefix of two digits or one byte holds 99: the capacity lookup only beyond.
            let surely_fits = with_self < 100
                && match prefix.encoding {
                    PrefixEncoding::Ascii | PrefixEncoding::Ebcdic => prefix.width >= 2,
                    _ => prefix.width >= 1,
                };
            if !surely_fits && u64::try_from(with_self).map_or(true, |c| c > prefix.capacity()) {
                return Err(ErrorKind::BadLength);
            }
            prefix.wire_len()
        }
        Length::Rest { max } => {
            if count > usize::from(max) {
                return Err(ErrorKind::BadLength);
            }
            0
        }
    };
    let wire = value::wire_len(f, unit, count).ok_or(ErrorKind::BadLength)?;
    if f.check_charset && value::validate_canonical(f, v).is_err() {
        return Err(ErrorKind::BadCharset);
    }
    Ok((plen, wire, count))
}

/// Packs one field at `pos`; returns the next offset.
#[inline(always)]
pub(crate) fn pack_field(
    f: &Field,
    v: &[u8],
    out: &mut [u8],
    pos: usize,
) -> Result<usize, (ErrorKind, usize)> {
    let (plen, wire, count) = measure(f, v).map_err(|k| (k, pos))?;
    let data_at = pos.checked_add(plen).ok_or((ErrorKind::BufferTooSmall, pos))?;
    let end = data_at.checked_add(wire).ok_or((ErrorKind::BufferTooSmall, pos))?;
    if end > out.len() {
        return Err((ErrorKind::BufferTooSmall, pos));
    }
    if let Length::Var { prefix, .. } = f.length {
        value::write_prefix(&prefix, count, out.get_mut(pos..data_at).unwrap_or(&mut []))
            .map_err(|k| (k, pos))?;
    }
    let dst = out.get_mut(data_at..end).ok_or((ErrorKind::BufferTooSmall, data_at))?;
    value::encode_value(f, v, dst).map_err(|k| (k, data_at))?;
    Ok(end)
}

// Debug output never shows values (PCI).
impl core::fmt::Debug for Fields<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        struct Numbers([u64; 3]);
        impl core::fmt::Debug for Numbers {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_list().entries(bitmap::iter(self.0)).finish()
            }
        }
        f.debug_struct("Fields")
            .field("mti", &core::str::from_utf8(&self.mti).unwrap_or("????"))
            .field("fields", &Numbers(self.present))
            .finish()
    }
}

/// Packs one field (prefix + value) from a canonical value into `out`; returns bytes written.
pub fn pack_field_into(f: &Field, number: u32, value: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let path = FieldPath::field(u16::try_from(number).unwrap_or(0));
    pack_field(f, value, out, 0).map_err(|(k, o)| Error::new(k, path, o))
}
