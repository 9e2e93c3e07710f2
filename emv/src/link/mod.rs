//! The card link layer (EMV 4.4 Book 1 / ISO/IEC 7816-3), sans-IO and byte-level, for firmware
//! that drives a card UART itself: [`atr`] (answer to reset and PPS), [`t0`] (procedure bytes and
//! the case 1–4 mapping) and [`t1`] (block protocol with chaining and error recovery).
//!
//! Nothing here touches hardware or time: the caller feeds received bytes (or reports a timeout)
//! and gets bytes to send and waiting times to arm.

pub mod atr;
pub mod t0;
pub mod t1;
