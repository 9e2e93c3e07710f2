//! # payproto-crypto
//!
//! Payment cryptography for terminals and acquirer hosts.
//!
//! Scope of this crate (delivered by the crypto, EMV and national-algorithm issues):
//! - a block-cipher trait an MCU crypto peripheral can implement, with RustCrypto-backed
//!   implementations (DES, TDES, AES, SM4);
//! - an HSM-operation trait over key handles that never return key bytes;
//! - DUKPT (ANSI X9.24-1 TDES and X9.24-3 AES), host and terminal side;
//! - ISO 9564 PIN blocks, ISO 9797-1 MACs, CMAC, the UnionPay POS MAC, KCVs, TR-31 key blocks;
//! - EMV issuer/acquirer cryptography: ICC master keys, session keys, ARQC/ARPC;
//! - RSA and ECC public operations for offline data authentication, SM2/SM3/SM4.
//!
//! Key material lives in types that zeroize on drop; MACs and cryptograms are compared in constant
//! time. This crate is `#![no_std]` and needs no allocator.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod cipher;
pub mod dukpt;
pub mod error;
pub mod hsm;
pub mod kcv;
pub mod key;
pub mod keydownload;
pub mod mac;
pub mod pin;
pub mod tr31;

pub use error::{Error, ErrorKind, Result};
pub use key::{Algorithm, Key};
