//! # payproto-iso8583
//!
//! An ISO 8583 message codec for both ends of a payment link.
//!
//! Scope of this crate (delivered by the ISO 8583 issue and the acquirer/UnionPay flows issue):
//! - a spec engine whose specs are `const` data: every data element declares its content class,
//!   encoding, length prefix (width, encoding, unit), padding, character set and sensitivity;
//! - built-in specs `iso87-ascii`, `iso87-binary`, `iso93-ascii` and `cup-pos` (China UnionPay POS);
//! - zero-copy unpack with full validation, validated pack into caller buffers;
//! - composite data elements (positional, bitmapped, BER-TLV, tag-length) as spec data;
//! - masked `describe`, sans-IO framing, and the dialect's MAC range (MAC computation behind the
//!   `crypto` feature).
//!
//! This crate is `#![no_std]` and needs no allocator.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;
