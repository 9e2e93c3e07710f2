//! The encoder: canonical BER-TLV (minimal lengths, no padding) into a caller buffer.
//!
//! Two ways to write:
//! - a tree of [`Node`]s (borrowed, no heap) with an exact [`Node::encoded_len`] pre-pass, then
//!   [`encode`] — which checks the size first, so a too-small buffer gets
//!   [`ErrorKind::BufferTooSmall`] and no partial output;
//! - a streaming [`Writer`] whose [`Writer::constructed`] writes the children first and then
//!   moves them behind the minimal length field.

use crate::error::{Error, ErrorKind};
use crate::reader::MAX_DEPTH;
use crate::tag::Tag;

/// The largest value length an EMV length field (`82 xx xx`) can carry.
pub const MAX_VALUE_LEN: usize = 0xFFFF;

/// The size of the minimal length field for `len`.
pub fn length_field_len(len: usize) -> Result<usize, Error> {
    match len {
        0..=0x7F => Ok(1),
        0x80..=0xFF => Ok(2),
        0x100..=MAX_VALUE_LEN => Ok(3),
        _ => Err(Error::new(ErrorKind::ValueTooLong, 0)),
    }
}

/// Writes the minimal length field for `len` into `out`; returns its size.
pub fn write_length(len: usize, out: &mut [u8]) -> Result<usize, Error> {
    let n = length_field_len(len)?;
    let too_small = Error::new(ErrorKind::BufferTooSmall, 0);
    let dst = out.get_mut(..n).ok_or(too_small)?;
    let [_, _, _, _, _, _, hi, lo] = (len as u64).to_be_bytes();
    match dst {
        [b] => *b = lo,
        [a, b] => {
            *a = 0x81;
            *b = lo;
        }
        [a, b, c] => {
            *a = 0x82;
            *b = hi;
            *c = lo;
        }
        _ => return Err(too_small),
    }
    Ok(n)
}

/// Copies `src` into `out` at `pos`; returns the end position, or `None` if it does not fit.
/// (`get_mut(..len)` yields exactly `src.len()` bytes, so the copy cannot fail.)
#[inline]
fn put(out: &mut [u8], pos: usize, src: &[u8]) -> Option<usize> {
    out.get_mut(pos..)?.get_mut(..src.len())?.copy_from_slice(src);
    pos.checked_add(src.len())
}

/// What an encodable node holds: a value, or children.
#[derive(Copy, Clone, Debug)]
pub enum Body<'s, N> {
    /// A primitive value.
    Value(&'s [u8]),
    /// Nested objects.
    Children(&'s [N]),
}

/// A tree node the encoder can write (implemented by [`Node`] and, with `alloc`, `OwnedTlv`).
pub trait Encode: Sized {
    /// The node's tag.
    fn tag(&self) -> Tag;
    /// The node's value or children.
    fn body(&self) -> Body<'_, Self>;
}

/// A borrowed tree node for encoding without a heap.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Node<'a> {
    /// A primitive object.
    Primitive {
        /// Its tag.
        tag: Tag,
        /// Its value.
        value: &'a [u8],
    },
    /// A constructed object.
    Constructed {
        /// Its tag.
        tag: Tag,
        /// Its children, in order.
        children: &'a [Node<'a>],
    },
}

impl Encode for Node<'_> {
    fn tag(&self) -> Tag {
        match *self {
            Node::Primitive { tag, .. } | Node::Constructed { tag, .. } => tag,
        }
    }
    fn body(&self) -> Body<'_, Self> {
        match *self {
            Node::Primitive { value, .. } => Body::Value(value),
            Node::Constructed { children, .. } => Body::Children(children),
        }
    }
}

impl Node<'_> {
    /// The exact number of bytes [`encode`] writes for this node.
    pub fn encoded_len(&self) -> Result<usize, Error> {
        encoded_len(self)
    }
}

fn content_len<N: Encode>(node: &N, depth: usize) -> Result<usize, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::new(ErrorKind::DepthExceeded, 0).with_tag(node.tag()));
    }
    match node.body() {
        Body::Value(v) => Ok(v.len()),
        Body::Children(children) => {
            let mut total = 0usize;
            for c in children {
                let inner = content_len(c, depth.saturating_add(1))?;
                let one = c
                    .tag()
                    .len()
                    .checked_add(length_field_len(inner)?)
                    .and_then(|h| h.checked_add(inner))
                    .ok_or(Error::new(ErrorKind::ValueTooLong, 0))?;
                total = total.checked_add(one).ok_or(Error::new(ErrorKind::ValueTooLong, 0))?;
            }
            Ok(total)
        }
    }
}

/// The exact encoded size of one node (tag + length field + content).
pub fn encoded_len<N: Encode>(node: &N) -> Result<usize, Error> {
    let inner = content_len(node, 0)?;
    length_field_len(inner)
        .map_err(|e| e.with_tag(node.tag()))?
        .checked_add(node.tag().len())
        .and_then(|h| h.checked_add(inner))
        .ok_or(Error::new(ErrorKind::ValueTooLong, 0))
}

/// The exact encoded size of a sequence of nodes.
pub fn encoded_len_all<N: Encode>(nodes: &[N]) -> Result<usize, Error> {
    nodes.iter().try_fold(0usize, |acc, n| {
        acc.checked_add(encoded_len(n)?).ok_or(Error::new(ErrorKind::ValueTooLong, 0))
    })
}

/// Encodes a sequence of nodes into `out` in canonical form; returns the number of bytes written.
///
/// The size is computed first: if `out` is too small nothing is written.
pub fn encode<N: Encode>(nodes: &[N], out: &mut [u8]) -> Result<usize, Error> {
    let total = encoded_len_all(nodes)?;
    let dst = out.get_mut(..total).ok_or(Error::new(ErrorKind::BufferTooSmall, total))?;
    let mut pos = 0usize;
    for n in nodes {
        pos = write_node(n, dst, pos)?;
    }
    Ok(pos)
}

fn write_node<N: Encode>(node: &N, out: &mut [u8], pos: usize) -> Result<usize, Error> {
    let overflow = Error::new(ErrorKind::BufferTooSmall, pos);
    let inner = content_len(node, 0)?;
    let tag = node.tag();
    let tag_end = put(out, pos, tag.as_bytes()).ok_or(overflow)?;
    let len_len = write_length(inner, out.get_mut(tag_end..).ok_or(overflow)?)
        .map_err(|e| Error { offset: pos, ..e.with_tag(tag) })?;
    let mut p = tag_end.checked_add(len_len).ok_or(overflow)?;
    match node.body() {
        Body::Value(v) => p = put(out, p, v).ok_or(overflow)?,
        Body::Children(children) => {
            for c in children {
                p = write_node(c, out, p)?;
            }
        }
    }
    Ok(p)
}

/// A streaming writer into a caller buffer, for building data without a tree.
///
/// ```
/// use payproto_tlv::{Tag, Writer};
/// let mut buf = [0u8; 32];
/// let mut w = Writer::new(&mut buf);
/// w.constructed(Tag::new(0x83), |w| w.raw(&[0x00, 0x00, 0x10, 0x00]))?;
/// assert_eq!(w.as_bytes(), &[0x83, 0x04, 0x00, 0x00, 0x10, 0x00]);
/// # Ok::<(), payproto_tlv::Error>(())
/// ```
///
/// On error the writer's length is rolled back to where the failed object began.
#[derive(Debug)]
pub struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
    depth: usize,
}

impl<'b> Writer<'b> {
    /// A writer over `buf`, starting empty.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, pos: 0, depth: 0 }
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.pos).unwrap_or(&[])
    }

    /// The number of bytes written so far.
    pub fn len(&self) -> usize {
        self.pos
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.pos == 0
    }

    /// Appends bytes as they are (already-encoded objects, or a constructed value's raw content).
    pub fn raw(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self.pos.checked_add(bytes.len()).ok_or(Error::new(ErrorKind::BufferTooSmall, self.pos))?;
        self.buf
            .get_mut(self.pos..end)
            .ok_or(Error::new(ErrorKind::BufferTooSmall, self.pos))?
            .copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }

    /// Writes a primitive object.
    pub fn primitive(&mut self, tag: Tag, value: &[u8]) -> Result<(), Error> {
        let start = self.pos;
        let mut hdr = [0u8; 6];
        let tl = put(&mut hdr, 0, tag.as_bytes()).ok_or(Error::new(ErrorKind::InvalidTag, start))?;
        let ll = write_length(value.len(), hdr.get_mut(tl..).unwrap_or(&mut []))
            .map_err(|e| Error { offset: start, ..e.with_tag(tag) })?;
        let res = self.raw(hdr.get(..tl.saturating_add(ll)).unwrap_or(&[])).and_then(|()| self.raw(value));
        if res.is_err() {
            self.pos = start;
        }
        res.map_err(|e| e.with_tag(tag))
    }

    /// Writes a constructed object whose content `f` writes; the minimal length field is put in
    /// front afterwards (the content is moved, no second buffer).
    pub fn constructed<F>(&mut self, tag: Tag, f: F) -> Result<(), Error>
    where
        F: FnOnce(&mut Self) -> Result<(), Error>,
    {
        let start = self.pos;
        let res = self.constructed_inner(tag, f);
        if res.is_err() {
            self.pos = start;
            self.depth = self.depth.saturating_sub(1).min(self.depth);
        }
        res
    }

    fn constructed_inner<F>(&mut self, tag: Tag, f: F) -> Result<(), Error>
    where
        F: FnOnce(&mut Self) -> Result<(), Error>,
    {
        let start = self.pos;
        if self.depth >= MAX_DEPTH {
            return Err(Error::new(ErrorKind::DepthExceeded, start).with_tag(tag));
        }
        self.raw(tag.as_bytes())?;
        let content_start = self.pos;
        self.depth = self.depth.saturating_add(1);
        let r = f(self);
        self.depth = self.depth.saturating_sub(1);
        r?;
        let content_len = self.pos.saturating_sub(content_start);
        let ll = length_field_len(content_len).map_err(|e| Error { offset: start, ..e.with_tag(tag) })?;
        let new_end = self.pos.checked_add(ll).ok_or(Error::new(ErrorKind::BufferTooSmall, start))?;
        if new_end > self.buf.len() {
            return Err(Error::new(ErrorKind::BufferTooSmall, start).with_tag(tag));
        }
        // The region holds the content followed by `ll` spare bytes; the content moves right by
        // `ll` (bounds derived from the region itself, so the move cannot go out of range).
        let region = self
            .buf
            .get_mut(content_start..new_end)
            .ok_or(Error::new(ErrorKind::BufferTooSmall, start).with_tag(tag))?;
        let moved = region.len().checked_sub(ll).ok_or(Error::new(ErrorKind::BufferTooSmall, start))?;
        // Backwards, byte by byte with checked access (`copy_within` keeps an out-of-line bounds
        // panic the panic-freedom link check would find).
        for i in (0..moved).rev() {
            let b = region.get(i).copied().unwrap_or(0);
            if let Some(d) = region.get_mut(i.wrapping_add(ll)) {
                *d = b;
            }
        }
        write_length(content_len, region)?;
        self.pos = new_end;
        Ok(())
    }
}
