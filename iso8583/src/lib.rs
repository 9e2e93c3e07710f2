//! # payproto-iso8583
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod bitmap;
mod composite;
pub mod describe;
mod ebcdic;
mod error;
pub mod framing;
pub mod gbk;
#[cfg(feature = "alloc")]
mod json;
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
