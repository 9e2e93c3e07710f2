//! Sans-IO transport framing: length prefixes before a message, and the CUP TPDU reply swap.
//! Nothing here reads or writes a socket; callers hand in bytes and get slices back.

use crate::error::{Error, ErrorKind, FieldPath};

/// A framing kind.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Frame {
    /// No framing.
    None,
    /// 2-byte big-endian binary length, not counting itself (CUP, NAC, most hosts).
    Len2,
    /// 2-byte big-endian binary length counting itself.
    Len2Inclusive,
    /// 2-byte BCD length (up to 9999), not counting itself.
    Len2Bcd,
    /// 4 ASCII digits, not counting themselves.
    Ascii4,
}

impl Frame {
    /// Parses a CLI name: `none`, `len2`, `len2incl`, `len2bcd`, `ascii4`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "none" => Self::None,
            "len2" => Self::Len2,
            "len2incl" => Self::Len2Inclusive,
            "len2bcd" => Self::Len2Bcd,
            "ascii4" => Self::Ascii4,
            _ => return None,
        })
    }

    /// Bytes of the length header.
    pub const fn header_len(self) -> usize {
        match self {
            Self::None => 0,
            Self::Len2 | Self::Len2Inclusive | Self::Len2Bcd => 2,
            Self::Ascii4 => 4,
        }
    }

    fn read_len(self, h: &[u8]) -> Result<usize, ErrorKind> {
        match (self, h) {
            (Self::None, _) => Ok(0),
            (Self::Len2, [a, b]) => Ok(usize::from(u16::from_be_bytes([*a, *b]))),
            (Self::Len2Inclusive, [a, b]) => {
                usize::from(u16::from_be_bytes([*a, *b])).checked_sub(2).ok_or(ErrorKind::BadFrame)
            }
            (Self::Len2Bcd, _) | (Self::Ascii4, _) => {
                let mut n: usize = 0;
                for &b in h {
                    let digits: &[u8] = if self == Self::Ascii4 {
                        if !b.is_ascii_digit() {
                            return Err(ErrorKind::BadFrame);
                        }
                        &[b & 0x0F]
                    } else {
                        if b >> 4 > 9 || b & 0x0F > 9 {
                            return Err(ErrorKind::BadFrame);
                        }
                        &[b >> 4, b & 0x0F]
                    };
                    for &d in digits {
                        n = n.saturating_mul(10).saturating_add(usize::from(d));
                    }
                }
                Ok(n)
            }
            _ => Err(ErrorKind::BadFrame),
        }
    }

    /// Streaming split: `Ok(None)` until `input` holds a whole frame, then the message body and
    /// the bytes consumed. With [`Frame::None`] the whole input is the body.
    pub fn split(self, input: &[u8]) -> Result<Option<(&[u8], usize)>, Error> {
        if self == Self::None {
            return Ok(Some((input, input.len())));
        }
        let Some(h) = input.get(..self.header_len()) else { return Ok(None) };
        let n = self.read_len(h).map_err(|k| Error::new(k, FieldPath::ROOT, 0))?;
        let end = self.header_len().saturating_add(n);
        Ok(input.get(self.header_len()..end).map(|b| (b, end)))
    }

    /// Decodes exactly one frame: the input must be the length header plus exactly that many
    /// bytes (`BadFrame` otherwise).
    pub fn decode(self, input: &[u8]) -> Result<(&[u8], usize), Error> {
        match self.split(input)? {
            Some((b, used)) if used == input.len() => Ok((b, used)),
            _ => Err(Error::new(ErrorKind::BadFrame, FieldPath::ROOT, 0)),
        }
    }

    /// Writes the length header for a body of `body_len` bytes into `out`; returns its size.
    pub fn encode_header(self, body_len: usize, out: &mut [u8]) -> Result<usize, Error> {
        let e = |k| Error::new(k, FieldPath::ROOT, 0);
        let h = out.get_mut(..self.header_len()).ok_or(e(ErrorKind::BufferTooSmall))?;
        match self {
            Self::None => {}
            Self::Len2 | Self::Len2Inclusive => {
                let n = if self == Self::Len2Inclusive { body_len.saturating_add(2) } else { body_len };
                let n = u16::try_from(n).map_err(|_| e(ErrorKind::TooLong))?;
                h.copy_from_slice(&n.to_be_bytes());
            }
            Self::Len2Bcd | Self::Ascii4 => {
                if body_len > 9999 {
                    return Err(e(ErrorKind::TooLong));
                }
                let d = [body_len / 1000, body_len / 100 % 10, body_len / 10 % 10, body_len % 10]
                    .map(|d| u8::try_from(d).unwrap_or(0));
                if self == Self::Ascii4 {
                    h.copy_from_slice(&d.map(|d| b'0' | d));
                } else {
                    h.copy_from_slice(&[(d[0] << 4) | d[1], (d[2] << 4) | d[3]]);
                }
            }
        }
        Ok(self.header_len())
    }

    /// Writes header + body into `out`; returns the total size.
    pub fn encode(self, body: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        let h = self.encode_header(body.len(), out)?;
        // Bounded by the body's own length, so the copy cannot mismatch.
        out.get_mut(h..)
            .and_then(|o| o.get_mut(..body.len()))
            .ok_or(Error::new(ErrorKind::BufferTooSmall, FieldPath::ROOT, h))?
            .copy_from_slice(body);
        Ok(h.saturating_add(body.len()))
    }
}

/// A CUP / NAC TPDU: `60` (ID) ‖ destination address (2) ‖ source address (2).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Tpdu(pub [u8; 5]);

impl Tpdu {
    /// Reads a TPDU from the first 5 bytes.
    pub fn read(data: &[u8]) -> Option<Self> {
        data.first_chunk::<5>().map(|b| Self(*b))
    }
    /// The TPDU of the reply: destination and source addresses swapped (jPOS NACChannel
    /// `tpdu-swap`, CUP hosts).
    #[must_use]
    pub fn reply(self) -> Self {
        let [id, d1, d2, s1, s2] = self.0;
        Self([id, s1, s2, d1, d2])
    }
    /// Destination address.
    pub fn destination(self) -> u16 {
        let [_, d1, d2, _, _] = self.0;
        u16::from_be_bytes([d1, d2])
    }
    /// Source address.
    pub fn source(self) -> u16 {
        let [_, _, _, s1, s2] = self.0;
        u16::from_be_bytes([s1, s2])
    }
}

/// CUP framing: 2-byte length (excluding itself) ‖ TPDU ‖ 6-byte header ‖ message. Splits a
/// frame into `(tpdu, header, message from the MTI)`.
pub fn cup_split(frame: &[u8]) -> Result<(Tpdu, &[u8], &[u8]), Error> {
    let (body, _) = Frame::Len2.decode(frame)?;
    let e = |o| Error::new(ErrorKind::Truncated, FieldPath::ROOT, o);
    let tpdu = Tpdu::read(body).ok_or(e(2))?;
    let header = body.get(5..11).ok_or(e(7))?;
    let msg = body.get(11..).ok_or(e(13))?;
    Ok((tpdu, header, msg))
}
