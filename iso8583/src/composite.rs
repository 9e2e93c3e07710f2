//! Composite data elements parsed on demand from spec data: positional, bitmapped, BER-TLV and
//! tag-length subelements, with bounded nesting ([`MAX_DEPTH`]).
//!
//! Subfields are read over the parent's *canonical* value (so CUP F60, BCD on the wire, is
//! split over its digits). Subfield offsets are relative to the start of that canonical value.

use crate::error::{Error, ErrorKind, FieldPath, MAX_PATH};
use crate::spec::{Class, Composite, Encoding, Field};
use crate::unpack::{FieldRef, read_sub};
use payproto_tlv::{Config, Reader};

/// Deepest composite nesting: subfields of a data element are at depth 1, their subfields at
/// depth 2, and so on; a [`FieldPath`] holds the data element plus [`MAX_DEPTH`] levels.
pub const MAX_DEPTH: usize = MAX_PATH - 1;

static TLV_VALUE: Field = Field::rest("TLV value", Class::B, Encoding::Binary, u16::MAX);
static TL_VALUE: Field = Field::rest("Subelement value", Class::Ans, Encoding::Ascii, u16::MAX);

/// Iterator over the subfields of a composite value.
#[derive(Clone)]
pub struct Subfields<'b> {
    composite: &'static Composite,
    data: &'b [u8],
    path: FieldPath,
    depth: usize,
    pos: usize,
    /// Positional: next part index; bitmapped: next bit; TLV: unused.
    idx: usize,
    bitmap: u64,
    tlv: Option<Reader<'b>>,
    failed: bool,
}

/// One subfield: its number (positional index from 1, bitmap bit, tag-length tag as decimal,
/// or BER-TLV tag as its big-endian number) and value.
#[derive(Copy, Clone)]
pub struct Subfield<'b> {
    /// The value (spec, raw bytes, length).
    pub field: FieldRef<'b>,
    /// Whether `field.number` is a BER-TLV tag.
    pub is_tag: bool,
    /// Its path (for nested `subfields` calls and errors).
    pub path: FieldPath,
    depth: usize,
}

impl<'b> Subfield<'b> {
    /// Subfields of this subfield, when its spec declares a composite. `scratch` receives the
    /// canonical value when the wire form is not canonical already.
    pub fn subfields<'c>(&self, scratch: &'c mut [u8]) -> Result<Subfields<'c>, Error>
    where
        'b: 'c,
    {
        open(&self.field, self.path, self.depth.saturating_add(1), scratch)
    }
}

impl<'a> FieldRef<'a> {
    /// Subfields of this data element, when its spec declares a composite. `scratch` receives
    /// the canonical value when the wire form is not canonical already (BCD, EBCDIC, hex).
    pub fn subfields<'c>(&self, scratch: &'c mut [u8]) -> Result<Subfields<'c>, Error>
    where
        'a: 'c,
    {
        open(self, FieldPath::field(u16::try_from(self.number).unwrap_or(0)), 1, scratch)
    }
}

fn open<'c>(
    f: &FieldRef<'c>,
    path: FieldPath,
    depth: usize,
    scratch: &'c mut [u8],
) -> Result<Subfields<'c>, Error> {
    let composite = f.spec.composite.ok_or(Error::new(ErrorKind::Absent, path, f.offset))?;
    if depth > MAX_DEPTH {
        return Err(Error::new(ErrorKind::TooDeep, path, f.offset));
    }
    let data: &'c [u8] = match f.as_canonical_slice() {
        Some(s) => s,
        None => {
            let n = f.write_canonical(scratch).map_err(|e| Error::new(e.kind, path, f.offset))?;
            scratch.get(..n).unwrap_or(&[])
        }
    };
    Subfields::new(composite, data, path, depth)
}

impl<'b> Subfields<'b> {
    /// Subfields of `data` (a canonical value) under `composite`, at nesting `depth`.
    pub fn new(
        composite: &'static Composite,
        data: &'b [u8],
        path: FieldPath,
        depth: usize,
    ) -> Result<Self, Error> {
        if depth > MAX_DEPTH {
            return Err(Error::new(ErrorKind::TooDeep, path, 0));
        }
        let mut s =
            Self { composite, data, path, depth, pos: 0, idx: 1, bitmap: 0, tlv: None, failed: false };
        match composite {
            Composite::Bitmapped { bitmap_bytes, .. } => {
                let n = usize::from(*bitmap_bytes);
                if n == 0 || n > 8 {
                    return Err(Error::new(ErrorKind::BadSpec, path, 0));
                }
                let bm = data.get(..n).ok_or(Error::new(ErrorKind::Truncated, path, data.len()))?;
                let mut v: u64 = 0;
                for &b in bm {
                    v = (v << 8) | u64::from(b);
                }
                s.bitmap = v << (64usize.saturating_sub(n.saturating_mul(8)) as u32 % 64);
                s.pos = n;
            }
            Composite::Tlv => s.tlv = Some(Reader::new(data, Config::EMV)),
            _ => {}
        }
        Ok(s)
    }

    /// Validates every subfield (and nested composites whose values are canonical on the wire).
    pub fn validate(self) -> Result<(), Error> {
        for s in self {
            s?;
        }
        Ok(())
    }

    fn fail(&mut self, e: Error) -> Option<Result<Subfield<'b>, Error>> {
        self.failed = true;
        Some(Err(e))
    }
}

impl<'b> Iterator for Subfields<'b> {
    type Item = Result<Subfield<'b>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let len = self.data.len();
        match self.composite {
            Composite::Positional(parts) => {
                if self.pos >= len {
                    return None;
                }
                let Some(part) = parts.get(self.idx.saturating_sub(1)) else {
                    let e = Error::new(ErrorKind::TrailingData, self.path, self.pos);
                    return self.fail(e);
                };
                let number = u32::try_from(self.idx).unwrap_or(0);
                let path = self.path.with_sub(number);
                match read_sub(part, number, self.data, self.pos, len, 0) {
                    Ok((field, next)) => {
                        self.pos = next;
                        self.idx = self.idx.saturating_add(1);
                        Some(Ok(Subfield { field, is_tag: false, path, depth: self.depth }))
                    }
                    Err((k, off)) => self.fail(Error::new(k, path, off)),
                }
            }
            Composite::Bitmapped { fields, .. } => {
                if self.bitmap == 0 {
                    if self.pos != len {
                        let e = Error::new(ErrorKind::TrailingData, self.path, self.pos);
                        return self.fail(e);
                    }
                    return None;
                }
                let bit = usize::try_from(self.bitmap.leading_zeros()).unwrap_or(0).saturating_add(1);
                self.bitmap &= !(1u64 << (64usize.saturating_sub(bit) as u32 % 64));
                let number = u32::try_from(bit).unwrap_or(0);
                let path = self.path.with_sub(number);
                let Some(part) = fields.get(bit).and_then(Option::as_ref) else {
                    return self.fail(Error::new(ErrorKind::UndefinedField, path, self.pos));
                };
                match read_sub(part, number, self.data, self.pos, len, 0) {
                    Ok((field, next)) => {
                        self.pos = next;
                        Some(Ok(Subfield { field, is_tag: false, path, depth: self.depth }))
                    }
                    Err((k, off)) => self.fail(Error::new(k, path, off)),
                }
            }
            Composite::Tlv => {
                let item = self.tlv.as_mut()?.next()?;
                match item {
                    Ok(t) => {
                        let path = self.path.with_tag(t.tag.to_u32());
                        let field = FieldRef {
                            number: t.tag.to_u32(),
                            spec: &TLV_VALUE,
                            raw: t.value,
                            count: t.value.len(),
                            offset: t.value_offset(),
                            start: t.offset,
                        };
                        Some(Ok(Subfield { field, is_tag: true, path, depth: self.depth }))
                    }
                    Err(e) => {
                        let path = match e.tag {
                            Some(t) => self.path.with_tag(t.to_u32()),
                            None => self.path,
                        };
                        self.fail(Error::new(ErrorKind::BadTlv, path, e.offset))
                    }
                }
            }
            Composite::TagLength { tag_width, len_width } => {
                if self.pos >= len {
                    return None;
                }
                let (tw, lw) = (usize::from(*tag_width), usize::from(*len_width));
                let start = self.pos;
                let hdr_end = start.saturating_add(tw).saturating_add(lw);
                let Some(hdr) = self.data.get(start..hdr_end) else {
                    return self.fail(Error::new(ErrorKind::Truncated, self.path, start));
                };
                let (tag, l) = hdr.split_at(tw.min(hdr.len()));
                let mut number: u32 = 0;
                for &c in tag {
                    number = number.saturating_mul(256).saturating_add(u32::from(c));
                }
                if tag.iter().all(u8::is_ascii_digit) {
                    number = tag
                        .iter()
                        .fold(0u32, |n, &c| n.saturating_mul(10).saturating_add(u32::from(c & 0x0F)));
                }
                let path = self.path.with_sub(number);
                let mut n: usize = 0;
                for &c in l {
                    if !c.is_ascii_digit() {
                        return self.fail(Error::new(ErrorKind::BadPrefix, path, start.saturating_add(tw)));
                    }
                    n = n.saturating_mul(10).saturating_add(usize::from(c.wrapping_sub(b'0')));
                }
                let end = hdr_end.saturating_add(n);
                let Some(raw) = self.data.get(hdr_end..end) else {
                    return self.fail(Error::new(ErrorKind::Truncated, path, hdr_end));
                };
                self.pos = end;
                let field = FieldRef { number, spec: &TL_VALUE, raw, count: n, offset: hdr_end, start };
                Some(Ok(Subfield { field, is_tag: false, path, depth: self.depth }))
            }
        }
    }
}

// Debug output never shows values (PCI): positions and lengths only.
impl core::fmt::Debug for Subfields<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Subfields")
            .field("path", &self.path)
            .field("len", &self.data.len())
            .field("pos", &self.pos)
            .finish()
    }
}

impl core::fmt::Debug for Subfield<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Subfield").field("path", &self.path).field("field", &self.field).finish()
    }
}
