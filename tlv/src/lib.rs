//! # payproto-tlv
//!
//! BER-TLV as EMV uses it (EMV 4.4 Book 3 Annex B): zero-copy, no heap, panic-free on any input.
//!
//! - [`Reader`]: the objects of one level as [`Tlv`] views (`tag`, `value: &[u8]`), with
//!   [`Tlv::children`] for constructed objects; [`Walk`] for a whole tree with a bounded explicit
//!   stack; [`find`], [`find_all`], [`find_path`] (`"6F/A5/BF0C/61/4F"`).
//! - Modes ([`Config`]): **EMV** (default) skips `00` padding before, between and after objects,
//!   accepts tags of 1–3 bytes and lengths in short form or `81`/`82` long form (non-minimal long
//!   forms too), rejects indefinite and longer length forms, and lets a constructed object whose
//!   value is not TLV be read as primitive ([`Content::Opaque`]). **Strict** accepts no padding and
//!   minimal lengths only, and a non-TLV constructed value is an error. **FF padding** also skips
//!   `FF` bytes (then a tag starting with `FF` cannot be read, which is why it is an option).
//! - [`Dol`]: the `(tag, length)` pairs of a data object list.
//! - The encoder writes canonical BER-TLV (minimal lengths) into a caller buffer: [`Node`] trees
//!   with an exact [`encoded_len`] pre-pass and [`encode`], or the streaming [`Writer`]. With
//!   `alloc`, [`OwnedTlv`] parses into and encodes from owned trees.
//!
//! Errors are one small `Copy` type, [`Error`]: the [`ErrorKind`], the byte offset from the start of
//! the outermost input, and the tag being read when known. They never carry value bytes.
//!
//! ## Example
//!
//! ```
//! use payproto_tlv::{find_path, Config, Reader, Tag};
//!
//! // An FCI returned by SELECT 1PAY.SYS.DDF01 (status word stripped).
//! let fci = [
//!     0x6F, 0x1A, 0x84, 0x0E, b'1', b'P', b'A', b'Y', b'.', b'S', b'Y', b'S', b'.', b'D', b'D',
//!     b'F', b'0', b'1', 0xA5, 0x08, 0x88, 0x01, 0x01, 0x5F, 0x2D, 0x02, b'e', b'n',
//! ];
//! let sfi = find_path(&fci, Config::EMV, "6F/A5/88")?.expect("SFI present");
//! assert_eq!(sfi.value, &[0x01]);
//!
//! // Walk one level by hand.
//! let top = Reader::emv(&fci).next().expect("one object")?;
//! assert_eq!(top.tag, Tag::new(0x6F));
//! let tags: Vec<u32> = top.children().map(|c| c.map(|c| c.tag.to_u32())).collect::<Result<_, _>>()?;
//! assert_eq!(tags, [0x84, 0xA5]);
//! # Ok::<(), payproto_tlv::Error>(())
//! ```
//!
//! ## Why a hand-written reader and not `nom`
//! The benchmark (`benches/contenders`) walks the same real card responses with payproto's reader
//! and with the same tag and length rules written in `nom` 8 combinators. The `nom` version does
//! less — no padding, no strict-mode checks, no byte offsets or tags in errors, no depth bound — and
//! still costs about as many instructions as payproto's strict walk (20.9k against 20.8k per pass,
//! callgrind; BENCHMARKS.md). Giving it the same behaviour would add work on top, plus a mapping from
//! `nom::Err` to offsets and tags on a path that must be link-time panic-free. So the header reader
//! stays hand-written (some forty lines of `first_chunk`/`get`); `nom` stays a workspace dependency
//! for the crates where it earns its place.
//!
//! ## Panic contract
//! No function of this crate panics on any input. Tree walks are bounded by [`Config::max_depth`]
//! (at most [`MAX_DEPTH`]), so stack use is fixed: a [`Walk`] holds [`MAX_DEPTH`] small readers.
//! The only panicking function is the `const` constructor [`Tag::new`] used through [`tag!`],
//! which fails at compile time on a malformed literal.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod dol;
mod error;
mod mask;
#[cfg(feature = "alloc")]
mod owned;
mod reader;
mod tag;
mod writer;

pub use dol::{Dol, DolEntry};
pub use error::{Error, ErrorKind};
pub use mask::{MaskPolicy, Masking, NoMasking, write_masked_hex};
#[cfg(feature = "alloc")]
pub use owned::OwnedTlv;
pub use reader::{
    Config, Content, MAX_DEPTH, Mode, Path, PathMatches, Reader, Tlv, Walk, find, find_all, find_path,
    find_path_all, parse_length,
};
pub use tag::{Class, MAX_TAG_LEN, Tag};
pub use writer::{
    Body, Encode, MAX_VALUE_LEN, Node, Writer, encode, encoded_len, encoded_len_all, length_field_len,
    write_length,
};

/// A [`Tag`] constant checked at compile time: `tag!(0x9F02)`.
#[macro_export]
macro_rules! tag {
    ($n:expr) => {
        const { $crate::Tag::new($n) }
    };
}
