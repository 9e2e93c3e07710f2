//! The zero-copy reader: [`Reader`] iterates the objects at one level, [`Tlv::children`] opens a
//! constructed object, [`Walk`] goes through a whole tree depth-first with a bounded explicit stack
//! (no recursion), and [`find`], [`find_all`] and [`find_path`] look objects up.
//!
//! # Panic contract
//! Nothing here panics or reads outside the input, whatever the bytes: every access is checked, a
//! child can never run past its parent (the child reader only ever sees the parent's value), and
//! nesting is bounded by [`Config::max_depth`] (at most [`MAX_DEPTH`]).

use crate::error::{Error, ErrorKind, fused};
use crate::tag::Tag;

/// The hard upper bound on nesting depth; [`Walk`] keeps this many readers on its stack.
pub const MAX_DEPTH: usize = 16;

/// Which rules the reader applies.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// EMV Book 3 Annex B (the default): `00` bytes before, between and after objects are skipped;
    /// long-form lengths `81`/`82` are accepted even when not minimal; a constructed object whose
    /// value is not TLV can be read as primitive.
    Emv,
    /// No padding, minimal lengths only, constructed values must be TLV.
    Strict,
}

/// Reader configuration. [`Config::EMV`] is the default.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Config {
    /// EMV-lenient or strict.
    pub mode: Mode,
    /// Also skip `FF` bytes between objects (some cards pad with `FF`). With this on, a private-class
    /// tag starting with `FF` (legal, but Annex B advises issuers against it) cannot be read.
    pub ff_padding: bool,
    /// Maximum nesting depth (top level is depth 0); capped at [`MAX_DEPTH`].
    pub max_depth: u8,
}

impl Config {
    /// EMV Book 3 Annex B rules, `00` padding, depth 10.
    pub const EMV: Self = Self { mode: Mode::Emv, ff_padding: false, max_depth: 10 };
    /// Strict BER: no padding, minimal lengths.
    pub const STRICT: Self = Self { mode: Mode::Strict, ff_padding: false, max_depth: 10 };

    /// This configuration with `FF` padding on or off.
    #[must_use]
    pub const fn with_ff_padding(mut self, on: bool) -> Self {
        self.ff_padding = on;
        self
    }

    /// This configuration with another maximum depth (capped at [`MAX_DEPTH`]).
    #[must_use]
    pub const fn with_max_depth(mut self, depth: u8) -> Self {
        self.max_depth = if depth as usize > MAX_DEPTH { MAX_DEPTH as u8 } else { depth };
        self
    }

    #[inline]
    const fn is_padding(&self, b: u8) -> bool {
        b == 0x00 || (self.ff_padding && b == 0xFF)
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::EMV
    }
}

/// One data object: its tag and a borrowed view of its value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The object's tag.
    pub tag: Tag,
    /// The object's value bytes.
    pub value: &'a [u8],
    /// Offset of the object's first tag byte from the start of the outermost input.
    pub offset: usize,
    header_len: u8,
    depth: u8,
    config: Config,
}

impl<'a> Tlv<'a> {
    /// Whether the tag says constructed.
    #[inline]
    pub const fn is_constructed(&self) -> bool {
        self.tag.is_constructed()
    }

    /// Nesting depth (0 = top level of the input).
    #[inline]
    pub const fn depth(&self) -> usize {
        self.depth as usize
    }

    /// The number of header bytes (tag + length field).
    #[inline]
    pub const fn header_len(&self) -> usize {
        self.header_len as usize
    }

    /// Offset of the first value byte from the start of the outermost input.
    #[inline]
    pub const fn value_offset(&self) -> usize {
        self.offset.saturating_add(self.header_len as usize)
    }

    /// A reader over the value as nested objects (whatever the constructed bit says).
    ///
    /// Its first item is a [`ErrorKind::DepthExceeded`] error when this object already sits at the
    /// maximum depth.
    pub fn children(&self) -> Reader<'a> {
        Reader {
            data: self.value,
            pos: 0,
            base: self.value_offset(),
            depth: self.depth.saturating_add(1),
            config: self.config,
            failed: false,
        }
    }

    /// How the value reads: as children (constructed and valid TLV), as primitive bytes, or as
    /// opaque bytes (constructed but not TLV — EMV mode only; strict mode returns the error).
    ///
    /// The check is shallow: it validates the headers of the direct children; each constructed
    /// child is judged again when it is opened.
    pub fn content(&self) -> Result<Content<'a>, Error> {
        if !self.is_constructed() {
            return Ok(Content::Primitive(self.value));
        }
        let children = self.children();
        match children.validate() {
            Ok(()) => Ok(Content::Children(children)),
            Err(e) => match self.config.mode {
                Mode::Emv if e.kind != ErrorKind::DepthExceeded => Ok(Content::Opaque(self.value)),
                _ => Err(e),
            },
        }
    }
}

/// The content of an object, see [`Tlv::content`].
#[derive(Clone, Debug)]
pub enum Content<'a> {
    /// A primitive object's value.
    Primitive(&'a [u8]),
    /// A constructed object's children.
    Children(Reader<'a>),
    /// A constructed object whose value is not TLV, read as primitive (EMV mode).
    Opaque(&'a [u8]),
}

/// An iterator over the objects at one level of BER-TLV data.
///
/// Yields `Err` once at the first malformed byte and then ends.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    depth: u8,
    config: Config,
    failed: bool,
}

impl<'a> Reader<'a> {
    /// A reader over `data` with `config`.
    pub const fn new(data: &'a [u8], config: Config) -> Self {
        Self { data, pos: 0, base: 0, depth: 0, config, failed: false }
    }

    /// A reader with the EMV rules.
    pub const fn emv(data: &'a [u8]) -> Self {
        Self::new(data, Config::EMV)
    }

    /// A reader with the strict rules.
    pub const fn strict(data: &'a [u8]) -> Self {
        Self::new(data, Config::STRICT)
    }

    /// The configuration in force.
    pub const fn config(&self) -> Config {
        self.config
    }

    /// Checks that the rest of this level is well formed (shallow), without consuming `self`.
    pub fn validate(&self) -> Result<(), Error> {
        if self.failed {
            return Ok(());
        }
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        scan_level(rest, self.config, self.depth)
            .map_err(|e| Error { offset: self.abs(self.pos).saturating_add(e.offset), ..e })
    }

    /// Reads the next object, or `None` at the end (trailing padding included).
    #[inline]
    fn read(&mut self) -> Option<Result<Tlv<'a>, Error>> {
        let cfg = self.config;
        let pos = match skip_padding(self.data, self.pos, self.data.len(), cfg) {
            Ok(Some(p)) => p,
            Ok(None) => {
                self.pos = self.data.len();
                return None;
            }
            Err(rel) => return Some(Err(Error::new(ErrorKind::PaddingInStrictMode, self.abs(rel)))),
        };
        if usize::from(self.depth) > usize::from(cfg.max_depth) {
            return Some(Err(Error::new(ErrorKind::DepthExceeded, self.abs(pos))));
        }
        match read_header(self.data, pos, cfg.mode) {
            Ok(h) => {
                self.pos = h.value_end(pos);
                Some(Ok(h.tlv(pos, self.base, self.depth, cfg)))
            }
            Err(e) => Some(Err(Error { offset: self.abs(e.offset), ..e })),
        }
    }

    #[inline]
    fn abs(&self, rel: usize) -> usize {
        self.base.saturating_add(rel)
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Tlv<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let mut failed = self.failed;
        let item = fused(&mut failed, || self.read());
        self.failed = failed;
        item
    }
}

impl core::iter::FusedIterator for Reader<'_> {}

/// A parsed header: the tag, the header's size and the value it announces.
#[derive(Copy, Clone)]
struct Header<'a> {
    tag: Tag,
    header_len: usize,
    value: &'a [u8],
}

impl<'a> Header<'a> {
    #[inline(always)]
    fn tlv(self, pos: usize, base: usize, depth: u8, config: Config) -> Tlv<'a> {
        Tlv {
            tag: self.tag,
            value: self.value,
            offset: base.wrapping_add(pos),
            header_len: u8::try_from(self.header_len).unwrap_or(u8::MAX),
            depth,
            config,
        }
    }

    #[inline(always)]
    fn value_end(&self, pos: usize) -> usize {
        pos.wrapping_add(self.header_len).wrapping_add(self.value.len())
    }
}

/// Skips padding in `data[pos..end]`: the position of the next object, `None` at `end`, or
/// `Err(position)` of a padding byte in strict mode.
#[inline(always)]
fn skip_padding(data: &[u8], mut pos: usize, end: usize, cfg: Config) -> Result<Option<usize>, usize> {
    loop {
        if pos >= end {
            return Ok(None);
        }
        match data.get(pos) {
            None => return Ok(None),
            Some(&b) if cfg.is_padding(b) => {
                if cfg.mode == Mode::Strict {
                    return Err(pos);
                }
                pos = pos.wrapping_add(1);
            }
            Some(_) => return Ok(Some(pos)),
        }
    }
}

/// Reads the header of the object at `pos` (not padding) in `data`; the value must end within
/// `data`. Error offsets are relative to `data`.
///
/// The common EMV shapes (a 1- or 2-byte tag with a short-form length) take a fast path; anything
/// else, and every error, goes through the general parser.
#[inline(always)]
fn read_header(data: &[u8], pos: usize, mode: Mode) -> Result<Header<'_>, Error> {
    let rest = data.get(pos..).unwrap_or(&[]);
    if let Some(&[a, b, c]) = rest.first_chunk::<3>() {
        let (tag, len, header_len) = if a & 0x1F != 0x1F {
            (Tag::from_parts([a, 0, 0], 1), b, 2usize)
        } else if b & 0x80 == 0 {
            (Tag::from_parts([a, b, 0], 2), c, 3)
        } else {
            return read_header_general(data, pos, mode);
        };
        if len < 0x80
            && let Some(value) = rest.get(header_len..header_len.wrapping_add(usize::from(len)))
        {
            return Ok(Header { tag, header_len, value });
        }
    }
    read_header_general(data, pos, mode)
}

/// The fast path of [`read_header`] alone: `Some((tag, header_len, value))` for a 1- or 2-byte tag
/// with a short-form length whose value fits `data`, `None` for anything else (including errors).
#[inline(always)]
fn fast_header(data: &[u8], pos: usize) -> Option<(Tag, usize, &[u8])> {
    let rest = data.get(pos..)?;
    let &[a, b, c] = rest.first_chunk::<3>()?;
    let (tag, len, header_len) = if a & 0x1F != 0x1F {
        (Tag::from_parts([a, 0, 0], 1), b, 2usize)
    } else if b & 0x80 == 0 {
        (Tag::from_parts([a, b, 0], 2), c, 3)
    } else {
        return None;
    };
    if len >= 0x80 {
        return None;
    }
    let value = rest.get(header_len..header_len.wrapping_add(usize::from(len)))?;
    Some((tag, header_len, value))
}

#[inline(never)]
fn read_header_general(data: &[u8], pos: usize, mode: Mode) -> Result<Header<'_>, Error> {
    let rest = data.get(pos..).unwrap_or(&[]);
    let (tag, tag_len) = Tag::parse(rest).map_err(|e| Error { offset: pos, ..e })?;
    let len_pos = pos.wrapping_add(tag_len);
    let (len, len_len) = match parse_length(rest.get(tag_len..).unwrap_or(&[]), mode) {
        Ok(l) => l,
        Err(e) => return Err(Error { offset: len_pos.saturating_add(e.offset), ..e }.with_tag(tag)),
    };
    let header_len = tag_len.wrapping_add(len_len);
    match header_len.checked_add(len).and_then(|end| rest.get(header_len..end)) {
        Some(value) => Ok(Header { tag, header_len, value }),
        None => Err(Error::new(ErrorKind::LengthExceedsParent, pos.wrapping_add(header_len)).with_tag(tag)),
    }
}

/// Whether one level of `data` reads as TLV (shallow; depth not checked): the EMV-mode test for
/// entering a constructed object. Returns a plain `bool` so the walk's hot path stays in registers.
#[inline]
fn level_is_tlv(data: &[u8], cfg: Config) -> bool {
    let mut pos = 0usize;
    loop {
        match data.get(pos) {
            None => return true,
            Some(&b) if cfg.is_padding(b) => {
                if cfg.mode == Mode::Strict {
                    return false;
                }
                pos = pos.wrapping_add(1);
                continue;
            }
            Some(_) => {}
        }
        pos = match fast_header(data, pos) {
            Some((_, header_len, value)) => pos.wrapping_add(header_len).wrapping_add(value.len()),
            None => match read_header_general(data, pos, cfg.mode) {
                Ok(h) => h.value_end(pos),
                Err(_) => return false,
            },
        };
    }
}

/// Checks one level of `data` (shallow): padding, headers, lengths within `data`, and that the
/// level may hold objects at `depth`. Error offsets are relative to `data`.
#[inline(never)]
fn scan_level(data: &[u8], cfg: Config, depth: u8) -> Result<(), Error> {
    if depth > cfg.max_depth {
        return match skip_padding(data, 0, data.len(), cfg) {
            Ok(None) => Ok(()),
            Ok(Some(at)) => Err(Error::new(ErrorKind::DepthExceeded, at)),
            Err(at) => Err(Error::new(ErrorKind::PaddingInStrictMode, at)),
        };
    }
    let mut pos = 0usize;
    let mut rest = data;
    while let Some((&a, tail)) = rest.split_first() {
        if cfg.is_padding(a) {
            if cfg.mode == Mode::Strict {
                return Err(Error::new(ErrorKind::PaddingInStrictMode, pos));
            }
            rest = tail;
            pos = pos.wrapping_add(1);
            continue;
        }
        // Fast path: one-byte tag, short-form length, value within the level.
        if a & 0x1F != 0x1F
            && let Some((&len, value_and_rest)) = tail.split_first()
            && len < 0x80
            && let Some(next) = value_and_rest.get(usize::from(len)..)
        {
            rest = next;
            pos = pos.wrapping_add(2).wrapping_add(usize::from(len));
            continue;
        }
        pos = read_header(data, pos, cfg.mode)?.value_end(pos);
        rest = data.get(pos..).unwrap_or(&[]);
    }
    Ok(())
}

/// Reads a length field at the start of `data`: returns the length and the field's size.
///
/// Short form `0x00–0x7F`, long forms `81 xx` and `82 xx xx`. Indefinite length (`80`) and longer
/// forms are [`ErrorKind::UnsupportedLengthForm`]. In strict mode a long form that a shorter form
/// could express is [`ErrorKind::NonMinimalLength`]. Offsets in errors are relative to `data`: a
/// missing length is reported where it should start, a truncated long form at its first length
/// byte after `81`/`82` (the convention of pyemv's decoder, which the tests use as an oracle).
#[inline]
pub fn parse_length(data: &[u8], mode: Mode) -> Result<(usize, usize), Error> {
    let Some((&first, rest)) = data.split_first() else {
        return Err(Error::new(ErrorKind::TruncatedLength, 0));
    };
    match first {
        0x00..=0x7F => Ok((usize::from(first), 1)),
        0x81 => {
            let Some(&b) = rest.first() else {
                return Err(Error::new(ErrorKind::TruncatedLength, 1));
            };
            if mode == Mode::Strict && b < 0x80 {
                return Err(Error::new(ErrorKind::NonMinimalLength, 0));
            }
            Ok((usize::from(b), 2))
        }
        0x82 => {
            let Some(&[hi, lo]) = rest.first_chunk::<2>() else {
                return Err(Error::new(ErrorKind::TruncatedLength, 1));
            };
            let n = u16::from_be_bytes([hi, lo]);
            if mode == Mode::Strict && n < 0x100 {
                return Err(Error::new(ErrorKind::NonMinimalLength, 0));
            }
            Ok((usize::from(n), 3))
        }
        _ => Err(Error::new(ErrorKind::UnsupportedLengthForm, 0)),
    }
}

/// A depth-first, pre-order walk over every object of a tree.
///
/// Pre-order is a linear scan of the input, so the walk keeps only the end offset of each open
/// template ([`MAX_DEPTH`] + 2 words): no recursion, no per-level reader. Constructed objects are
/// entered when their value is TLV; in EMV mode a constructed object whose value is not TLV is
/// yielded and not entered (read it as primitive); in strict mode the walk enters it and reports
/// the first malformed byte inside. Yields `Err` once and then ends.
#[derive(Clone, Debug)]
pub struct Walk<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    /// End offset (in `data`) of each open level; `ends[0]` is the end of the input.
    ends: [usize; MAX_DEPTH + 2],
    /// Index of the innermost open level.
    top: usize,
    /// Depth of the innermost open level.
    depth: u8,
    config: Config,
}

impl<'a> Walk<'a> {
    /// A walk over `data` with `config`.
    pub fn new(data: &'a [u8], config: Config) -> Self {
        Self::from_reader(Reader::new(data, config))
    }

    /// A walk starting from a reader (e.g. the children of one object).
    pub fn from_reader(reader: Reader<'a>) -> Self {
        let mut ends = [0usize; MAX_DEPTH + 2];
        // A failed reader yields nothing more.
        if let Some(e) = ends.first_mut() {
            *e = if reader.failed { 0 } else { reader.data.len() };
        }
        Self {
            data: reader.data,
            pos: reader.pos,
            base: reader.base,
            ends,
            top: 0,
            depth: reader.depth,
            config: reader.config,
        }
    }

    /// Ends the walk (the next call returns `None`) and passes `e` through.
    #[cold]
    #[inline(never)]
    fn fail(&mut self, e: Error) -> Error {
        self.top = 0;
        self.pos = 0;
        if let Some(e0) = self.ends.first_mut() {
            *e0 = 0;
        }
        e
    }
}

/// Entering `value` (at absolute offset `value_at`) would go past the maximum depth: that is an
/// error when there is an object to read down there (`Some`), nothing when it holds only padding.
#[cold]
#[inline(never)]
fn depth_error(value: &[u8], value_at: usize, cfg: Config) -> Option<Error> {
    match skip_padding(value, 0, value.len(), cfg) {
        Ok(None) => None,
        Ok(Some(at)) | Err(at) => Some(Error::new(ErrorKind::DepthExceeded, value_at.wrapping_add(at))),
    }
}

impl<'a> Iterator for Walk<'a> {
    type Item = Result<Tlv<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let cfg = self.config;
        loop {
            let end = *self.ends.get(self.top)?;
            let region = self.data.get(..end)?;
            // Skip padding (EMV), or reject it (strict).
            let mut pos = self.pos;
            while let Some(&b) = region.get(pos) {
                if !cfg.is_padding(b) {
                    break;
                }
                if cfg.mode == Mode::Strict {
                    let e = Error::new(ErrorKind::PaddingInStrictMode, self.base.wrapping_add(pos));
                    return Some(Err(self.fail(e)));
                }
                pos = pos.wrapping_add(1);
            }
            if pos >= end {
                // This level is done: back to the enclosing one.
                self.pos = end;
                self.top = self.top.checked_sub(1)?;
                self.depth = self.depth.wrapping_sub(1);
                continue;
            }
            // Fast path inline; anything else (long tags and lengths, errors) out of line.
            let (tag, header_len, value) = match fast_header(region, pos) {
                Some(h) => h,
                None => match read_header_general(region, pos, cfg.mode) {
                    Ok(h) => (h.tag, h.header_len, h.value),
                    Err(e) => {
                        let e = Error { offset: self.base.wrapping_add(e.offset), ..e };
                        return Some(Err(self.fail(e)));
                    }
                },
            };
            let depth = self.depth;
            let value_start = pos.wrapping_add(header_len);
            let value_end = value_start.wrapping_add(value.len());
            self.pos = value_end;
            if tag.is_constructed() {
                // Enter it: always in strict mode (errors inside surface while reading there), in
                // EMV mode when its value is TLV (otherwise it is yielded as opaque).
                let enter = if depth >= cfg.max_depth {
                    if let Some(e) = depth_error(value, self.base.wrapping_add(value_start), cfg) {
                        return Some(Err(self.fail(e)));
                    }
                    false
                } else {
                    cfg.mode == Mode::Strict || level_is_tlv(value, cfg)
                };
                if enter {
                    let next = self.top.wrapping_add(1);
                    if let Some(slot) = self.ends.get_mut(next) {
                        *slot = value_end;
                        self.top = next;
                        self.depth = depth.wrapping_add(1);
                        self.pos = value_start;
                    }
                }
            }
            return Some(Ok(Tlv {
                tag,
                value,
                offset: self.base.wrapping_add(pos),
                header_len: header_len as u8,
                depth,
                config: cfg,
            }));
        }
    }
}

impl core::iter::FusedIterator for Walk<'_> {}

/// The first object with `tag` anywhere in the tree (depth-first, document order).
pub fn find(data: &[u8], config: Config, tag: Tag) -> Result<Option<Tlv<'_>>, Error> {
    find_all(data, config, tag).next().transpose()
}

/// Every object with `tag` anywhere in the tree, in document order.
pub fn find_all(data: &[u8], config: Config, tag: Tag) -> impl Iterator<Item = Result<Tlv<'_>, Error>> {
    Walk::new(data, config).filter(move |r| r.as_ref().map_or(true, |t| t.tag == tag))
}

/// A path of tags, e.g. parsed from `"6F/A5/BF0C/61/4F"`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Path {
    tags: [Option<Tag>; MAX_DEPTH],
    len: usize,
}

impl Path {
    /// A path from tags (at most [`MAX_DEPTH`]).
    pub fn from_tags(tags: &[Tag]) -> Result<Self, Error> {
        let mut p = Self { tags: [None; MAX_DEPTH], len: 0 };
        for (i, &t) in tags.iter().enumerate() {
            let slot = p.tags.get_mut(i).ok_or(Error::new(ErrorKind::InvalidPath, i))?;
            *slot = Some(t);
            p.len = i.saturating_add(1);
        }
        if p.len == 0 {
            return Err(Error::new(ErrorKind::InvalidPath, 0));
        }
        Ok(p)
    }

    /// Parses `"6F/A5/BF0C/61/4F"` (hex tags separated by `/`; errors give the character offset).
    pub fn parse(s: &str) -> Result<Self, Error> {
        let mut p = Self { tags: [None; MAX_DEPTH], len: 0 };
        let mut at = 0usize;
        // Split on bytes: `str::split(char)` keeps a bounds panic in core's searcher.
        for seg in s.as_bytes().split(|&b| b == b'/') {
            let tag = parse_hex_tag(seg).ok_or(Error::new(ErrorKind::InvalidPath, at))?;
            let slot = p.tags.get_mut(p.len).ok_or(Error::new(ErrorKind::InvalidPath, at))?;
            *slot = Some(tag);
            p.len = p.len.saturating_add(1);
            at = at.saturating_add(seg.len()).saturating_add(1);
        }
        Ok(p)
    }

    /// The tags of the path.
    pub fn tags(&self) -> impl Iterator<Item = Tag> + '_ {
        self.tags.iter().take(self.len).flatten().copied()
    }

    fn get(&self, i: usize) -> Option<Tag> {
        if i < self.len { self.tags.get(i).copied().flatten() } else { None }
    }
}

fn parse_hex_tag(b: &[u8]) -> Option<Tag> {
    if b.is_empty() || !b.len().is_multiple_of(2) || b.len() > 6 {
        return None;
    }
    let mut n = 0u32;
    for &c in b {
        let d = char::from(c).to_digit(16)?;
        n = n.checked_mul(16)?.checked_add(d)?;
    }
    let t = Tag::from_u32(n)?;
    (t.len().checked_mul(2)? == b.len()).then_some(t)
}

/// Every object reached by `path`, in document order: the first tag is looked up at the top
/// level, each next tag among the children of the previous match. Sibling templates with the same
/// tag (several `61` entries in a directory) are all searched.
pub fn find_path_all<'a>(data: &'a [u8], config: Config, path: Path) -> PathMatches<'a> {
    let mut stack: [Option<Reader<'a>>; MAX_DEPTH] = Default::default();
    if let Some(slot) = stack.first_mut() {
        *slot = Some(Reader::new(data, config));
    }
    PathMatches { stack, top: 0, path, failed: false }
}

/// The first object reached by `path` (see [`find_path_all`]).
pub fn find_path<'a>(data: &'a [u8], config: Config, path: &str) -> Result<Option<Tlv<'a>>, Error> {
    let path = Path::parse(path)?;
    find_path_all(data, config, path).next().transpose()
}

/// Iterator returned by [`find_path_all`].
#[derive(Clone, Debug)]
pub struct PathMatches<'a> {
    stack: [Option<Reader<'a>>; MAX_DEPTH],
    top: usize,
    path: Path,
    failed: bool,
}

impl<'a> PathMatches<'a> {
    fn step(&mut self) -> Option<Result<Tlv<'a>, Error>> {
        loop {
            let want = self.path.get(self.top)?;
            let reader = self.stack.get_mut(self.top)?.as_mut()?;
            match reader.next() {
                None => {
                    if let Some(slot) = self.stack.get_mut(self.top) {
                        *slot = None;
                    }
                    self.top = self.top.checked_sub(1)?;
                }
                Some(Err(e)) => return Some(Err(e)),
                Some(Ok(tlv)) if tlv.tag != want => {}
                Some(Ok(tlv)) => {
                    let next = self.top.saturating_add(1);
                    if self.path.get(next).is_none() {
                        return Some(Ok(tlv));
                    }
                    match tlv.content() {
                        Ok(Content::Children(children)) => {
                            let slot = self.stack.get_mut(next)?;
                            *slot = Some(children);
                            self.top = next;
                        }
                        Ok(_) => {}
                        Err(e) => return Some(Err(e)),
                    }
                }
            }
        }
    }
}

impl<'a> Iterator for PathMatches<'a> {
    type Item = Result<Tlv<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut failed = self.failed;
        let item = fused(&mut failed, || self.step());
        self.failed = failed;
        item
    }
}
