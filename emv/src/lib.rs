//! # payproto-emv
//!
//! A contact EMV kernel (EMV 4.4 Books 1–3) for terminals that may have no heap.
//!
//! Scope of this crate (delivered across the EMV issues):
//! - the card link layer of Book 1 / ISO 7816-3: ATR, T=0 and T=1, sans-IO and byte-level;
//! - the EMV data dictionary, typed decoders (AIP, AFL, CVM list, TVR, TSI …) and DOL building;
//! - APDU builders and response parsers, status words;
//! - the kernel phases in Book 3 order — `selection`, `gpo`, `read_records`, `oda`,
//!   `restrictions`, `cvm`, `trm`, `taa`, `gen_ac`, `issuer` — as one sans-IO state machine that
//!   hands out the next command and consumes the card's response;
//! - magstripe track data and EMV QR codes;
//! - a simulated contact card for tests, examples and the `paytool emv transact` demo.
//!
//! PIN digits never pass through this crate: the kernel talks to a PIN entry device trait.
//!
//! This crate is `#![no_std]` and needs no allocator; the `alloc` and `std` features only add
//! conveniences.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub use payproto_tlv as tlv;

pub mod apdu;
pub mod data;
pub mod describe;
pub mod dictionary;
pub mod dol;
mod error;
pub mod kernel;
pub mod link;
pub mod qr;
#[cfg(feature = "sim")]
pub mod sim;
pub mod store;
pub mod track;

pub use error::{Error, ErrorKind};
