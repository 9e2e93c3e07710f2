//! Primary, secondary and tertiary bitmaps (binary or hex-ASCII), bounded chains.

use crate::error::ErrorKind;
use crate::spec::{BitmapEncoding, Spec, Tertiary};

/// Whether bit `de` (1-based) is set.
#[inline]
pub(crate) fn get(bm: &[u64; 3], de: usize) -> bool {
    let Some(i) = de.checked_sub(1) else { return false };
    bm.get(i / 64).is_some_and(|w| (w >> 63usize.saturating_sub(i % 64)) & 1 == 1)
}

/// Sets bit `de` (1-based); out-of-range numbers are ignored.
#[inline]
pub(crate) fn set(bm: &mut [u64; 3], de: usize) {
    let Some(i) = de.checked_sub(1) else { return };
    if let Some(w) = bm.get_mut(i / 64) {
        *w |= 1u64 << 63usize.saturating_sub(i % 64);
    }
}

/// The set bits in ascending order.
pub(crate) fn iter(bm: [u64; 3]) -> Bits {
    Bits { words: bm, w: 0 }
}

/// Iterator over set bits (1-based numbers).
#[derive(Clone, Debug)]
pub(crate) struct Bits {
    words: [u64; 3],
    w: usize,
}

impl Iterator for Bits {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        loop {
            let word = self.words.get_mut(self.w)?;
            if *word == 0 {
                self.w = self.w.saturating_add(1);
                continue;
            }
            let lz = word.leading_zeros();
            *word &= !(1u64 << 63u32.saturating_sub(lz));
            let lz = usize::try_from(lz).ok()?;
            return self.w.checked_mul(64)?.checked_add(lz)?.checked_add(1);
        }
    }
}

/// Whether bit `de` announces a bitmap rather than a data element.
#[inline]
pub(crate) fn is_bitmap_bit(spec: &Spec, de: usize) -> bool {
    de == 1
        || match spec.bitmaps.tertiary {
            Tertiary::Contiguous => de == 65,
            Tertiary::InField(n) => de == usize::from(n),
            Tertiary::None => false,
        }
}

#[inline]
fn read_one(enc: BitmapEncoding, data: &[u8]) -> Result<u64, ErrorKind> {
    match enc {
        BitmapEncoding::Binary => {
            let b: &[u8; 8] = data.first_chunk().ok_or(ErrorKind::Truncated)?;
            Ok(u64::from_be_bytes(*b))
        }
        BitmapEncoding::Hex => {
            let b: &[u8; 16] = data.first_chunk().ok_or(ErrorKind::Truncated)?;
            let mut v: u64 = 0;
            for &c in b {
                let d = match c {
                    b'0'..=b'9' => c.wrapping_sub(b'0'),
                    b'A'..=b'F' => c.wrapping_sub(b'A').wrapping_add(10),
                    b'a'..=b'f' => c.wrapping_sub(b'a').wrapping_add(10),
                    _ => return Err(ErrorKind::BadBitmap),
                };
                v = (v << 4) | u64::from(d);
            }
            Ok(v)
        }
    }
}

/// Reads the bitmap chain at the start of `data`: `(bitmaps, bytes used)`; errors carry the
/// offset relative to `data`.
pub(crate) fn read(spec: &Spec, data: &[u8]) -> Result<([u64; 3], usize), (ErrorKind, usize)> {
    let len = spec.bitmap_len();
    let mut bm = [0u64; 3];
    let mut used = 0usize;
    let first = read_one(spec.bitmaps.encoding, data).map_err(|k| (k, 0))?;
    bm[0] = first;
    used = used.saturating_add(len);
    let mut more = first >> 63 == 1;
    if more && spec.bitmaps.max < 2 {
        return Err((ErrorKind::BadBitmap, 0));
    }
    if more {
        let second =
            read_one(spec.bitmaps.encoding, data.get(used..).unwrap_or(&[])).map_err(|k| (k, used))?;
        bm[1] = second;
        used = used.saturating_add(len);
        more = spec.bitmaps.tertiary == Tertiary::Contiguous && second >> 63 == 1;
        if more {
            if spec.bitmaps.max < 3 {
                return Err((ErrorKind::BadBitmap, used));
            }
            let third =
                read_one(spec.bitmaps.encoding, data.get(used..).unwrap_or(&[])).map_err(|k| (k, used))?;
            bm[2] = third;
            used = used.saturating_add(len);
        }
    }
    Ok((bm, used))
}

/// Writes the bitmaps needed for `bm` (indicator bits are set here); returns bytes written.
pub(crate) fn write(spec: &Spec, mut bm: [u64; 3], out: &mut [u8]) -> Result<usize, ErrorKind> {
    let tert = spec.bitmaps.tertiary == Tertiary::Contiguous;
    if tert {
        bm[1] &= !(1u64 << 63);
    }
    bm[0] &= !(1u64 << 63);
    if let Tertiary::InField(n) = spec.bitmaps.tertiary {
        // The third bitmap travels as data element n: announce it in the secondary bitmap.
        if bm[2] != 0 {
            if spec.bitmaps.max < 3 {
                return Err(ErrorKind::BadBitmap);
            }
            set(&mut bm, usize::from(n));
        }
        bm[2] = 0;
    }
    let n = if bm[2] != 0 {
        if !tert || spec.bitmaps.max < 3 {
            return Err(ErrorKind::BadBitmap);
        }
        bm[1] |= 1u64 << 63;
        3
    } else if bm[1] != 0 {
        2
    } else {
        1
    };
    if n > usize::from(spec.bitmaps.max) {
        return Err(ErrorKind::BadBitmap);
    }
    if n > 1 {
        bm[0] |= 1u64 << 63;
    }
    let len = spec.bitmap_len();
    let total = len.checked_mul(n).ok_or(ErrorKind::BufferTooSmall)?;
    let out = out.get_mut(..total).ok_or(ErrorKind::BufferTooSmall)?;
    for (chunk, word) in out.chunks_exact_mut(len).zip(bm) {
        match spec.bitmaps.encoding {
            BitmapEncoding::Binary => chunk.copy_from_slice(&word.to_be_bytes()),
            BitmapEncoding::Hex => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                for (i, c) in chunk.iter_mut().enumerate() {
                    let shift = 60usize.saturating_sub(i.saturating_mul(4));
                    let nib = usize::try_from((word >> shift) & 0xF).unwrap_or(0);
                    *c = HEX.get(nib).copied().unwrap_or(b'0');
                }
            }
        }
    }
    Ok(total)
}
