//! EMV QR codes: merchant-presented mode (EMVCo MPM: ID-length-value text with a CRC-16) and
//! consumer-presented mode (EMVCo CPM: BER-TLV, base64).
//!
//! **MPM.** Each data object is a two-digit ID, a two-digit length (`01`–`99`) and that many
//! characters (characters, not bytes: some templates carry UTF-8 text). The payload starts with
//! `00 02 01` (payload format indicator) and ends with the CRC object `63 04 XXXX`, the CRC being
//! CRC-16/CCITT-FALSE (polynomial `1021`, initial value `FFFF`, no reflection, no final XOR) over
//! the UTF-8 bytes of everything before `XXXX` (including `6304`), written as four upper-case hex
//! digits (lower case is accepted on input). IDs 26–51, 62, 64 and 80–99 are templates whose value
//! is itself a list of data objects ([`QrObject::children`]).
//!
//! **CPM.** Base64 (standard alphabet, with padding) of BER-TLV: the payload format indicator
//! `85 05 "CPV01"` first, then application templates `61` (and optional `62`).

use payproto_tlv::{Config, Reader, tag};

use crate::error::{Error, ErrorKind};

/// CRC-16/CCITT-FALSE of `data`.
pub fn crc16_ccitt_false(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc
}

/// One MPM data object.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct QrObject<'a> {
    /// The ID (0–99).
    pub id: u8,
    /// The value.
    pub value: &'a str,
    /// Byte offset of the object in the payload.
    pub offset: usize,
}

impl<'a> QrObject<'a> {
    /// Whether this ID is a template (26–51, 62, 64, 80–99).
    pub const fn is_template(&self) -> bool {
        matches!(self.id, 26..=51 | 62 | 64 | 80..=99)
    }

    /// The nested data objects of a template.
    pub fn children(&self) -> QrObjects<'a> {
        QrObjects { rest: self.value, base: self.offset.saturating_add(4), failed: false }
    }
}

/// An iterator over MPM data objects; yields `Err` once at the first malformed object.
#[derive(Clone, Debug)]
pub struct QrObjects<'a> {
    rest: &'a str,
    base: usize,
    failed: bool,
}

fn two_digits(s: &str) -> Option<u8> {
    let b = s.as_bytes();
    match (b.first(), b.get(1)) {
        (Some(a @ b'0'..=b'9'), Some(c @ b'0'..=b'9')) => {
            Some(a.saturating_sub(b'0').saturating_mul(10).saturating_add(c.saturating_sub(b'0')))
        }
        _ => None,
    }
}

impl<'a> Iterator for QrObjects<'a> {
    type Item = Result<QrObject<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let base = self.base;
        let bad = |k| Error::new(k, base);
        let item = (|| {
            let id = two_digits(self.rest).ok_or(bad(ErrorKind::BadValue))?;
            let len = two_digits(self.rest.get(2..).unwrap_or("")).ok_or(bad(ErrorKind::BadLength))?;
            if len == 0 {
                return Err(bad(ErrorKind::BadLength));
            }
            let body = self.rest.get(4..).ok_or(bad(ErrorKind::BadLength))?;
            let end = body.char_indices().nth(usize::from(len)).map_or(body.len(), |(i, _)| i);
            if body.get(..end).map_or(0, |v| v.chars().count()) != usize::from(len) {
                return Err(bad(ErrorKind::BadLength));
            }
            let value = body.get(..end).ok_or(bad(ErrorKind::BadLength))?;
            let obj = QrObject { id, value, offset: self.base };
            self.rest = body.get(end..).unwrap_or("");
            self.base = self.base.saturating_add(4).saturating_add(end);
            Ok(obj)
        })();
        if item.is_err() {
            self.failed = true;
        }
        Some(item)
    }
}

/// A validated merchant-presented QR payload.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Mpm<'a> {
    payload: &'a str,
}

impl<'a> Mpm<'a> {
    /// Validates structure, the leading `000201`, the trailing CRC object and the CRC, and that
    /// every template's content is well formed.
    pub fn parse(payload: &'a str) -> Result<Self, Error> {
        let mut first = true;
        let mut crc_seen = false;
        for obj in (QrObjects { rest: payload, base: 0, failed: false }) {
            let obj = obj?;
            if crc_seen {
                return Err(Error::new(ErrorKind::BadTemplate, obj.offset));
            }
            if first && (obj.id != 0 || obj.value != "01") {
                return Err(Error::new(ErrorKind::BadValue, 0));
            }
            first = false;
            if obj.is_template() {
                for c in obj.children() {
                    c?;
                }
            }
            if obj.id == 63 {
                crc_seen = true;
                let want = u16::from_str_radix(obj.value, 16)
                    .map_err(|_| Error::new(ErrorKind::BadValue, obj.offset))?;
                if obj.value.len() != 4 {
                    return Err(Error::new(ErrorKind::BadLength, obj.offset));
                }
                let covered = payload.as_bytes().get(..obj.offset.saturating_add(4)).unwrap_or(&[]);
                if crc16_ccitt_false(covered) != want {
                    return Err(Error::new(ErrorKind::BadValue, obj.offset));
                }
            }
        }
        if !crc_seen {
            return Err(Error::new(ErrorKind::Missing, payload.len()));
        }
        Ok(Self { payload })
    }

    /// The top-level data objects.
    pub fn objects(&self) -> QrObjects<'a> {
        QrObjects { rest: self.payload, base: 0, failed: false }
    }

    /// The first top-level object with `id`.
    pub fn get(&self, id: u8) -> Option<QrObject<'a>> {
        self.objects().filter_map(Result::ok).find(|o| o.id == id)
    }
}

/// Builds an MPM payload into a caller buffer.
#[derive(Debug)]
pub struct MpmWriter<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> MpmWriter<'b> {
    /// Starts a payload with the payload format indicator `000201`.
    pub fn new(buf: &'b mut [u8]) -> Result<Self, Error> {
        let mut w = Self { buf, len: 0 };
        w.push("000201")?;
        Ok(w)
    }

    fn push(&mut self, s: &str) -> Result<(), Error> {
        let end = self.len.checked_add(s.len()).ok_or(Error::new(ErrorKind::BufferTooSmall, self.len))?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(Error::new(ErrorKind::BufferTooSmall, self.len))?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }

    fn push_2d(&mut self, n: usize) -> Result<(), Error> {
        let n =
            u8::try_from(n).ok().filter(|n| *n <= 99).ok_or(Error::new(ErrorKind::BadLength, self.len))?;
        let d = [b'0'.saturating_add(n / 10), b'0'.saturating_add(n % 10)];
        self.push(core::str::from_utf8(&d).unwrap_or("00"))
    }

    /// Appends a data object (`value` 1–99 characters). For a template, build its value with
    /// another writer over a scratch buffer (or [`template_value`]) first.
    pub fn add(&mut self, id: u8, value: &str) -> Result<(), Error> {
        let n = value.chars().count();
        if id > 99 || n == 0 || id == 63 {
            return Err(Error::new(ErrorKind::BadValue, self.len));
        }
        self.push_2d(usize::from(id))?;
        self.push_2d(n)?;
        self.push(value)
    }

    /// Appends the CRC object and returns the payload.
    pub fn finish(mut self) -> Result<&'b str, Error> {
        self.push("6304")?;
        let crc = crc16_ccitt_false(self.buf.get(..self.len).unwrap_or(&[]));
        let mut hex = [0u8; 4];
        for (i, slot) in hex.iter_mut().enumerate() {
            let shift = 12u32.saturating_sub(u32::try_from(i).unwrap_or(0).saturating_mul(4));
            let nib = u8::try_from((crc >> shift) & 0xF).unwrap_or(0);
            *slot =
                if nib < 10 { b'0'.saturating_add(nib) } else { b'A'.saturating_add(nib.saturating_sub(10)) };
        }
        self.push(core::str::from_utf8(&hex).unwrap_or("0000"))?;
        let len = self.len;
        let buf: &'b [u8] = self.buf;
        core::str::from_utf8(buf.get(..len).unwrap_or(&[])).map_err(|_| Error::new(ErrorKind::BadValue, 0))
    }
}

/// Builds the value of a template from `(id, value)` pairs into `buf`.
pub fn template_value<'b>(objects: &[(u8, &str)], buf: &'b mut [u8]) -> Result<&'b str, Error> {
    let mut len = 0usize;
    for &(id, v) in objects {
        let n = v.chars().count();
        if id > 99 || n == 0 || n > 99 {
            return Err(Error::new(ErrorKind::BadValue, len));
        }
        let hdr = [
            b'0'.saturating_add(id / 10),
            b'0'.saturating_add(id % 10),
            b'0'.saturating_add(u8::try_from(n / 10).unwrap_or(0)),
            b'0'.saturating_add(u8::try_from(n % 10).unwrap_or(0)),
        ];
        for part in [&hdr[..], v.as_bytes()] {
            let end = len.checked_add(part.len()).ok_or(Error::new(ErrorKind::BufferTooSmall, len))?;
            buf.get_mut(len..end).ok_or(Error::new(ErrorKind::BufferTooSmall, len))?.copy_from_slice(part);
            len = end;
        }
    }
    let buf: &'b [u8] = buf;
    core::str::from_utf8(buf.get(..len).unwrap_or(&[])).map_err(|_| Error::new(ErrorKind::BadValue, 0))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn b64_val(c: u8) -> Option<u32> {
    B64.iter().position(|&x| x == c).and_then(|p| u32::try_from(p).ok())
}

/// Decodes standard base64 (with padding, canonical: the bits dropped by padding must be zero)
/// into `out`; returns the bytes.
pub fn base64_decode<'o>(s: &str, out: &'o mut [u8]) -> Result<&'o [u8], Error> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return Err(Error::new(ErrorKind::BadLength, b.len()));
    }
    let mut n = 0usize;
    let quads = b.len() / 4;
    for (qi, q) in b.chunks_exact(4).enumerate() {
        let last = qi.saturating_add(1) == quads;
        let at = qi.saturating_mul(4);
        let pad = q.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return Err(Error::new(ErrorKind::BadValue, at));
        }
        let mut acc = 0u32;
        for (i, &c) in q.iter().enumerate() {
            let v = if i >= 4usize.saturating_sub(pad) {
                0
            } else {
                b64_val(c).ok_or(Error::new(ErrorKind::BadValue, at))?
            };
            acc = (acc << 6) | v;
        }
        // Canonical base64 only: the bits dropped by padding must be zero, so that every byte
        // string has exactly one encoding (found by the emv_qr fuzz target).
        let dropped = match pad {
            1 => acc & 0xFF,
            2 => acc & 0xFFFF,
            _ => 0,
        };
        if dropped != 0 {
            return Err(Error::new(ErrorKind::BadValue, at));
        }
        let bytes = acc.to_be_bytes();
        let take = 3usize.saturating_sub(pad);
        let end = n.checked_add(take).ok_or(Error::new(ErrorKind::BufferTooSmall, n))?;
        out.get_mut(n..end)
            .ok_or(Error::new(ErrorKind::BufferTooSmall, n))?
            .copy_from_slice(bytes.get(1..1usize.saturating_add(take)).unwrap_or(&[]));
        n = end;
    }
    let out: &'o [u8] = out;
    Ok(out.get(..n).unwrap_or(&[]))
}

/// Encodes `data` as standard base64 with padding into `out`.
pub fn base64_encode<'o>(data: &[u8], out: &'o mut [u8]) -> Result<&'o str, Error> {
    let need = data.len().div_ceil(3).saturating_mul(4);
    let dst = out.get_mut(..need).ok_or(Error::new(ErrorKind::BufferTooSmall, need))?;
    for (chunk, o) in data.chunks(3).zip(dst.chunks_exact_mut(4)) {
        let mut b = [0u8; 4];
        if let Some(d) = b.get_mut(1..1usize.saturating_add(chunk.len())) {
            d.copy_from_slice(chunk);
        }
        let acc = u32::from_be_bytes(b);
        for (i, slot) in o.iter_mut().enumerate() {
            let shift = 18u32.saturating_sub(u32::try_from(i).unwrap_or(0).saturating_mul(6));
            let idx = usize::try_from((acc >> shift) & 0x3F).unwrap_or(0);
            *slot = if i > chunk.len() { b'=' } else { B64.get(idx).copied().unwrap_or(b'=') };
        }
    }
    let out: &'o [u8] = out;
    core::str::from_utf8(out.get(..need).unwrap_or(&[])).map_err(|_| Error::new(ErrorKind::BadValue, 0))
}

/// Decodes a consumer-presented QR payload into `out` and validates it: BER-TLV whose first
/// object is `85` = `CPV01`, followed by `61`/`62` templates only. Returns the TLV bytes.
pub fn cpm_decode<'o>(payload: &str, out: &'o mut [u8]) -> Result<&'o [u8], Error> {
    let tlv = base64_decode(payload, out)?;
    let mut r = Reader::new(tlv, Config::STRICT);
    let first = r.next().ok_or(Error::new(ErrorKind::Missing, 0))??;
    if first.tag != tag!(0x85) || first.value != b"CPV01" {
        return Err(Error::new(ErrorKind::BadValue, first.offset).with_tag(first.tag));
    }
    let mut apps = 0usize;
    for item in r {
        let t = item?;
        if t.tag == tag!(0x61) {
            apps = apps.saturating_add(1);
        } else if t.tag != tag!(0x62) {
            return Err(Error::new(ErrorKind::BadTemplate, t.offset).with_tag(t.tag));
        }
        Reader::new(t.value, Config::STRICT).validate()?;
    }
    if apps == 0 {
        return Err(Error::at_tag(ErrorKind::Missing, tag!(0x61)));
    }
    Ok(tlv)
}

/// Encodes a consumer-presented QR payload: validates `tlv` as [`cpm_decode`] would (payload
/// format indicator `85` `CPV01` first, then `61`/`62` templates) and writes its base64 into `out`.
pub fn cpm_encode<'o>(tlv: &[u8], out: &'o mut [u8]) -> Result<&'o str, Error> {
    let mut r = Reader::new(tlv, Config::STRICT);
    let first = r.next().ok_or(Error::new(ErrorKind::Missing, 0))??;
    if first.tag != tag!(0x85) || first.value != b"CPV01" {
        return Err(Error::new(ErrorKind::BadValue, first.offset).with_tag(first.tag));
    }
    let mut apps = 0usize;
    for item in r {
        let t = item?;
        if t.tag == tag!(0x61) {
            apps = apps.saturating_add(1);
        } else if t.tag != tag!(0x62) {
            return Err(Error::new(ErrorKind::BadTemplate, t.offset).with_tag(t.tag));
        }
    }
    if apps == 0 {
        return Err(Error::at_tag(ErrorKind::Missing, tag!(0x61)));
    }
    base64_encode(tlv, out)
}
