//! The library side of `paytool`: the demo terminal that `paytool emv transact` and the
//! `host-reader` example share (a whole transaction on any card transport, with a simulated
//! issuer, ending with the ISO 8583 message), and the PC/SC link (feature `pcsc`).
#![allow(clippy::arithmetic_side_effects, clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

#[cfg(feature = "pcsc")]
pub mod pcsc_link;
pub mod transact;
