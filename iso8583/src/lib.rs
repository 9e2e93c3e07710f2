//! # payproto-iso8583
//!
//! An ISO 8583 codec for both ends of a payment link: POS firmware (`no_std`, no allocator) and
//! acquirer hosts. Specs are `const` data; unpack is a zero-copy view with full validation;
//! pack validates every field into a caller buffer.
//!
//! ## Design
//! - **Spec = data** ([`spec`]): every data element declares its content class ([`spec::Class`]:
//!   n, ns, a, an, ans, z, b, x+n), wire encoding ([`spec::Encoding`]: ASCII, EBCDIC, BCD,
//!   binary, hex-ASCII), length ([`spec::Length`]: fixed, or an explicit [`spec::Prefix`] with
//!   width, encoding, unit — digits / nibbles / bytes / characters — and whether it counts
//!   itself), BCD alignment and pad nibble, pad character, min/max, character set (ASCII,
//!   cp037, cp1047, GBK) and sensitivity. There is no bare "LL" in the API. Tables are `static`
//!   arrays built by `const fn`s: no initialisation cost on a board. Built-in specs live in
//!   [`specs`]: `iso87-ascii`, `iso87-binary`, `iso93-ascii`, `cup-pos`, plus the composite
//!   elements CUP F60/F63, Postilion DE 127, Mastercard DE 48 and the Visa VSDC DE 55 wrapper —
//!   all pure spec data, read by one generic engine with no dialect-specific code path.
//! - **Canonical values**: the API speaks one value form per class, whatever the wire encoding:
//!   numerics (n, z, x+n) as ASCII characters (BCD `z` shows its separator nibble as `D`), text in
//!   its character set (EBCDIC translated to Latin-1, a bijection; GBK kept as GBK bytes), and
//!   binary as raw bytes (hex-ASCII wire forms decoded).
//! - **Unpack** ([`unpack`], [`unpack_partial`]): a [`Message`] holds offsets into the input (a
//!   fixed array of `(offset, length)` per data element, no heap). Every element's prefix,
//!   length limits, fixed length, BCD nibbles and charset are checked during unpack; values are
//!   decoded lazily ([`FieldRef::canonical`], [`FieldRef::as_u64`], [`FieldRef::as_str`],
//!   [`FieldRef::write_canonical`]). [`unpack_partial`] returns what parsed before an error, so a
//!   host can still echo STAN and RRN in a format-error reply.
//! - **Composites** ([`Subfields`]): positional, bitmapped, BER-TLV (through `payproto-tlv`) and
//!   tag-length subelements, parsed on demand over the parent's canonical value, nesting bounded
//!   by [`MAX_DEPTH`].
//! - **Pack** ([`pack`]): writes into `&mut [u8]`, validating each element (fixed-length
//!   exactness, min/max, prefix capacity, charset for n/an/ans/z/x+n, GBK structure); a short
//!   buffer is `BufferTooSmall`, never a truncated message. [`packed_len`] sizes exactly. With
//!   `alloc`: `pack_to_vec`, the owned `MessageBuilder` and JSON specs (`Spec::from_json`,
//!   `Spec::to_json`).
//! - **Errors**: one `Copy` type, [`Error`] = [`ErrorKind`] + [`FieldPath`] (`55 → 9F26`) + byte
//!   offset. No error, and no `Debug` output of a message or value, ever shows field values (PCI).
//! - **Describe** ([`describe`]): `core::fmt`, masked by sensitivity (PAN 6 + 4, track data after
//!   the separator, PIN blocks, keys and MACs fully, DE 55 whole unless a tag-level
//!   [`payproto_tlv::MaskPolicy`] is passed); unmasked only by explicit opt-in. Composite
//!   elements are followed by their subfields, indented (`60.1`, `55.9F26`, `127.25`, `48.2.01`),
//!   masked by the enclosing field's sensitivity, nested down to [`composite::MAX_DEPTH`].
//! - **Framing** ([`framing`], sans-IO): 2-byte binary length with or without itself, 2-byte
//!   BCD, 4 ASCII digits, CUP LEN + TPDU + header and the reply TPDU swap.
//! - **MAC boundary**: [`Message::mac_input`] is the exact MAC input (MTI up to the MAC element;
//!   for CUP the bytes after LEN + TPDU + header up to DE 64). Computing the MAC belongs to
//!   `payproto-crypto` and will sit behind the `crypto` feature.
//!
//! ## Example
//!
//! ```
//! use payproto_iso8583::{specs::ISO87_ASCII, unpack, pack, Fields, ErrorKind};
//!
//! let mut f = Fields::new(*b"0200");
//! f.set(2, b"4761739001010010").set(3, b"000000").set(4, b"000000001000").set(11, b"000123");
//! f.set(52, &[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF]); // b 64: 16 hex chars on the wire
//! let mut buf = [0u8; 128];
//! let n = pack(&ISO87_ASCII, &f, &mut buf)?;
//! // MTI ‖ bitmap (DE 2, 3, 4, 11, 52) ‖ LL PAN ‖ n6 ‖ n12 ‖ n6 ‖ 16 hex characters.
//! let expected = b"0200\
//!     7020000000001000\
//!     164761739001010010\
//!     000000\
//!     000000001000\
//!     000123\
//!     0123456789ABCDEF";
//! assert_eq!(&buf[..n], expected);
//!
//! let m = unpack(&ISO87_ASCII, &buf[..n])?;
//! assert_eq!(m.mti_str(), "0200");
//! assert_eq!(m.field(4).unwrap().as_u64(), Some(1000));
//! assert_eq!(m.field(52).unwrap().canonical().collect::<Vec<_>>(), [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF]);
//! let dump = m.describe().to_string();
//! assert!(dump.contains("DE 002 Primary account number [16]: 476173******0010"));
//! assert!(dump.contains("DE 052 Personal identification number data [8]: ****************"));
//!
//! // Validation on pack: n6 with a letter.
//! f.set(3, b"00000A");
//! assert_eq!(pack(&ISO87_ASCII, &f, &mut buf).unwrap_err().kind, ErrorKind::BadCharset);
//! # Ok::<(), payproto_iso8583::Error>(())
//! ```
//!
//! ## Choices between two readings of a standard
//! - **Length units**: a prefix counts what its [`spec::Unit`] says; CUP counts digits for n/z
//!   and bytes for an/ans/b (reference §7.1); iso87-ascii DE 55 counts hex characters (max 510,
//!   CLI.md), not bytes.
//! - **Odd BCD**: alignment and pad nibble are per field (CUP DE 22 left `071` → `07 10`, DE 23
//!   right `001` → `00 01`; CUP DE 35/36 pad `F`, DE 2/32/60 pad `0`, as in the public samples).
//!   On unpack any pad nibble is accepted by default ([`spec::Field::lenient_pad`]): senders
//!   differ (`0` vs `F`) and the pad carries no data.
//! - **ISO 87 DE 65** ("b 1"): read as one byte (2 hex characters in ASCII), as jPOS does;
//!   pyiso8583 4.x reads bit 65 as a tertiary bitmap indicator instead. Tertiary bitmaps are a
//!   spec option ([`spec::Tertiary::Contiguous`]).
//! - **ISO 87 DE 45** (track 1) is `ans` (the 1987 table says `an`, but track 1 carries `^`);
//!   DE 96 (b 64) is carried as 16 hex characters in ASCII form like DE 52/64/128.
//! - **an / a**: space is accepted (fixed fields are space-padded in practice, e.g. CUP DE 44).
//! - **z**: `=` in ASCII forms; the BCD separator nibble `D` shows as `D`; `cup-pos` z fields
//!   also accept the nibbles A–F of encrypted track data.
//! - **iso87-binary**: the jPOS ISO87BPackager shape — BCD numerics right-aligned, LLVAR numerics
//!   with a 1-byte BCD digit count and trailing pad `0`, text in ASCII with BCD prefixes, DE 36
//!   as ASCII LLLCHAR; DE 55 as `b` with a 2-byte BCD byte count (wire-identical to its
//!   LLLCHAR).
//! - **iso93-ascii**: the 1987 table with the 1993 attribute changes of DE 12, 22, 24, 25, 26,
//!   30, 39, 43, 44, 53, 56, 72; other elements keep their 1987 attributes.
//! - **cup-pos**: one 64-bit bitmap only (bit 1 set is an error); DE 64 is `b 64` (the 8 bytes,
//!   which CUP fills with 8 ASCII hex characters of its ECB MAC); GBK in 43, 56, 58, 63.
//! - **GBK**: byte structure is always validated (lead 81–FE, trail 40–7E/80–FE); decoding to
//!   Unicode uses a 47 880-byte table only with the `gbk` feature, so firmware pays nothing.
//!
//! ## `nom`
//! Not used. The bitmap and prefix readers are a few lines of `first_chunk`/`get` and a
//! table-driven (SWAR) charset check. A `nom` 8 version of the hex-bitmap and ASCII-prefix
//! readers is timed against the hand-written shape in `benches/codec.rs` (group `nom-vs-hand`):
//! on the 2-core development machine an LLL prefix took 10–16 ns with `nom` and 2.4–3.9 ns by
//! hand, a 16-character hex bitmap 27–82 ns with `nom` and 15–48 ns by hand (three runs). `nom` is
//! not faster here, and mapping `nom::Err` to offsets and field paths adds code on the path
//! that must be proven panic-free.
//!
//! ## Performance
//! `benches/codec.rs`, a 0200 with 25 data elements incl. DE 55 (164 bytes of EMV data),
//! full validation both ways, zero heap allocations (`tests/alloc.rs`); `benches/instructions.rs`
//! counts instructions under callgrind (`.ci/bench-instructions-iso8583.sh`): unpack ≈ 5.6–5.8k,
//! pack ≈ 6.2–7.4k instructions per message (−15 % / −18–24 % after the fast paths). On the
//! shared 2-core machine under a load average of 5–7, min-of-N wall time was 0.41 µs unpack and
//! 0.44–0.50 µs pack, 102–130× faster than pyiso8583 on the same bytes (`benches/pyiso_bench.py`).
//! The issue's bar (≤ 0.3 µs and ≥ 160×) is not met under that load (BENCHMARKS.md); what
//! remains is per-element dispatch, for a precompiled per-element plan.
//!
//! ## Public parse and pack entry points (panic-freedom link check)
//! [`unpack`], [`unpack_partial`], [`unpack_field`], [`FieldRef::subfields`],
//! [`Subfields::new`] (and its iterator), [`FieldRef::canonical`], [`FieldRef::write_canonical`],
//! [`pack`], [`packed_len`], [`pack_field_into`], [`framing::Frame::split`],
//! [`framing::Frame::decode`], [`framing::Frame::encode`], [`framing::cup_split`],
//! [`Message::describe`] (`Display`), [`Message::mac_input`], [`gbk::decode`].
//!
//! ## Panic contract and features
//! No public function panics on any input; the workspace lints deny indexing, unwrap, panics
//! and unchecked arithmetic. `#![no_std]`, `#![forbid(unsafe_code)]`. Features: `alloc` (Vec
//! pack, owned builder, JSON specs), `std`, `gbk` (decode table), `crypto` (reserved for MAC
//! computation via `payproto-crypto`).
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod bitmap;
mod composite;
pub mod cup;
pub mod describe;
mod ebcdic;
mod error;
pub mod framing;
pub mod gbk;
#[cfg(feature = "alloc")]
mod json;
#[cfg(feature = "crypto")]
pub mod mac;
#[cfg(feature = "alloc")]
mod owned;
mod pack;
pub mod spec;
pub mod specs;
mod unpack;
mod value;

pub use composite::{MAX_DEPTH, Subfield, Subfields};
pub use error::{Error, ErrorKind, FieldPath, MAX_PATH};
#[cfg(feature = "alloc")]
pub use json::SpecError;
#[cfg(feature = "alloc")]
pub use owned::{MessageBuilder, pack_to_vec};
pub use pack::{Fields, pack, pack_field_into, packed_len};
pub use unpack::{FieldRef, MAX_FIELDS, Message, Partial, unpack, unpack_field, unpack_partial};
pub use value::Canonical;
