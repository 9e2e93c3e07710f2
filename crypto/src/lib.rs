//! # payproto-crypto
//!
//! Payment cryptography for terminals and acquirer hosts, `#![no_std]`, no allocator needed.
//!
//! ## Design
//!
//! Two faces, as in `ARCHITECTURE.md`:
//!
//! - **Terminal face — a block-cipher trait.** [`cipher::BlockCipher<N>`] is one keyed cipher with
//!   an `N`-byte block (8 DES/TDES, 16 AES); [`cipher::CipherProvider`] makes keyed ciphers from key
//!   bytes (one key schedule per call). [`cipher::Soft`] implements it with RustCrypto `des`/`aes`;
//!   an MCU peripheral or a counting adapter (see `tests/dukpt.rs`) can implement it too. DUKPT is
//!   generic over the provider, so its cost is observable: the tests assert the exact key-schedule
//!   and block counts of crypto.md §5.1 (TDES step = 2 DES schedules + 2 blocks; AES-128 step = 1
//!   expansion + 1 block; no schedule is ever computed twice).
//! - **Host face — an HSM trait.** [`hsm::Hsm`] works on [`hsm::KeyHandle`]s and never returns key
//!   bytes: PIN translation (static key or TDES/AES DUKPT → zone key, any ISO format), MAC
//!   generation/verification, key import from TR-31 and UnionPay key download, KCV.
//!   [`hsm::SoftHsm`] is a fixed-slot software implementation.
//!
//! Modules, one per standard concept: [`key`] (zeroizing [`Key`], component combine, parity),
//! [`mac`] (ISO 9797-1 alg 1/3, CMAC, CUP ECB MAC, [`mac::MacTag`] with explicit truncation and
//! constant-time verify), [`kcv`], [`pin`] (ISO 9564-1 formats 0–4), [`dukpt::tdes`] (X9.24-1:2009),
//! [`dukpt::aes`] (X9.24-3-2017), [`dukpt::state`] (terminal persistence), [`tr31`] (TR-31 /
//! X9.143), [`keydownload`] (UnionPay sign-on), [`hsm`], [`sm`] (China's SM4, SM3, SM2 signature
//! verification, and the UnionPay SM4 PIN block, MAC, track-data and key-download rules), [`rsa`]
//! (heap-free RSA public operation), [`spki`] (DER `SubjectPublicKeyInfo` import of RSA, P-256 and
//! SM2 public keys with RustCrypto `der`, borrowed, no heap).
//!
//! Types carry the key hierarchy: `Bdk` → `InitialKey` → `TransactionKey`/`DerivationKey` →
//! working key with an explicit variant/usage, so "decrypted with the transaction key instead of
//! the PIN working key" (openemv/dukpt#1) does not type-check. Key material lives in fixed arrays
//! that zeroize on drop; no `Debug` prints key or PIN bytes; MACs, KCVs, PIN blocks and key-block
//! MACs are compared with `subtle`. Errors are one `Copy` [`Error`] (kind + field + offset).
//!
//! ## Worked example: X9.24-1 A.4, first transaction
//!
//! Host side: from the BDK and the KSN received with the PIN block, derive the transaction key,
//! apply the PIN variant, and decrypt the format-0 PIN block. The terminal side ([`dukpt::tdes::Terminal`])
//! yields the same key from its future-key registers without ever holding the BDK.
//!
//! ```
//! use payproto_crypto::cipher::Soft;
//! use payproto_crypto::dukpt::tdes;
//! use payproto_crypto::pin::{self, Format, Pan};
//!
//! # fn main() -> Result<(), payproto_crypto::Error> {
//! fn h(s: &str) -> Vec<u8> {
//!     let b = s.as_bytes();
//!     b.chunks(2).map(|p| u8::from_str_radix(core::str::from_utf8(p).unwrap_or("?"), 16).unwrap_or(0)).collect()
//! }
//! let bdk = tdes::Bdk::from_slice(&h("0123456789ABCDEFFEDCBA9876543210"))?;
//! let ksn = tdes::Ksn::from_bytes(&h("FFFF9876543210E00001"))?;
//! let ipek = tdes::derive_ipek(&Soft, &bdk, &ksn);
//! assert_eq!(ipek.as_bytes()[..], h("6AC292FAA1315B4D858AB3A3D7D5933A")[..]);
//!
//! let txn = tdes::derive_transaction_key(&Soft, &ipek, &ksn)?;
//! let pin_key = txn.working_key(&Soft, tdes::Variant::Pin).to_key();
//! let pan = Pan::new(b"4012345678909")?;
//! let pin = pin::decrypt(Format::Iso0, &pin_key, &h("1B9C1845EB993A7A"), Some(&pan))?;
//! assert_eq!(pin.as_ascii(), b"1234");
//!
//! // The terminal: load the IPEK (then erased), take the first transaction.
//! let mut terminal = tdes::Terminal::load(&Soft, ipek, &ksn);
//! let tx = terminal.next_transaction(&Soft)?;
//! assert_eq!(tx.ksn, ksn);
//! assert_eq!(tx.key.as_bytes(), txn.as_bytes());
//! # Ok(())
//! # }
//! ```
//!
//! ## Choices between two readings of a standard
//!
//! - **ISO 9797-1 padding method 1, empty message:** padded to *one* zero block ("a positive
//!   multiple of n", as psec does), not left empty (RustCrypto `retail-mac` does no CBC step).
//!   X9.19 of the empty message under `0123…3210` is therefore `08D7B4FB629D0885`.
//! - **Padding method 3, empty message:** length block followed by one zero block (method 1
//!   applied to the data, as psec); a "possibly none" reading would give the length block only.
//! - **Method 3 length block** for 16-byte blocks: the bit length in the last 8 bytes (big-endian).
//! - **ISO 9797-1 alg 3** is defined here for a two-key TDES key only (K = left, K′ = right);
//!   psec's TDES generalisation with 16-byte halves is not offered.
//! - **PIN format 3 fill:** each random nibble n becomes 10 + (n mod 6) — a slight bias, harmless
//!   because fill digits carry no secret; format 1 fill is the random nibbles themselves.
//! - **PAN for formats 0/3:** 13–19 digits (ISO/IEC 7812 maximum 19; psec has no upper bound);
//!   format 4: 1–19 digits.
//! - **TDES KSN, 8-byte form:** left-padded with `FF FF` (moov-io); other lengths rejected.
//! - **Terminal with a register marked invalid:** returns [`ErrorKind::CorruptState`] (openemv)
//!   instead of the standard's "skip to the next counter and continue"; with the integrity-checked
//!   persistence this only happens on corrupted state.
//! - **Counter with 10 (TDES) / 16 (AES) one-bits:** the lower registers are not regenerated
//!   (they would serve only invalid counters), as X9.24-1 A.2 does.
//! - **AES update key:** all 32 counter bits are walked (counter `FFFFFFFF`, which is never a valid
//!   transaction counter) and then usage 0x0002 — matching the supplement's five update keys.
//! - **"Not stronger than the derivation key":** ranked 2TDEA = 3TDEA < AES-128 = HMAC-128 <
//!   192 < 256, so an AES-128 IK may derive a 3TDEA key (the supplement does exactly that).
//! - **TR-31:** lenient on decode (optional blocks opaque printable ASCII, no key-length
//!   obfuscation check, A/C accepted), strict on encode (B with TDES, D with AES KBPKs; key padded
//!   to 24 bytes for `T`/`D`, 32 for `A`; `KS` only with usage B0/B1 and algorithm `T`). The `KS`
//!   accessor accepts the 16- and 20-hex-character KSN forms and returns `None` for non-hex data.
//! - **CUP ECB MAC:** 8 upper-case ASCII hex characters; verification is case-sensitive.
//! - **MAC verification:** [`mac::MacTag::verify`] needs the exact length (truncate explicitly
//!   first); [`hsm::Hsm::mac_verify`] treats a received MAC of 4 or more bytes as a truncation.
//! - **UnionPay SM4 rules** (PIN block = format 0 ‖ `00`×8 under SM4; MAC = the CUP ECB MAC on
//!   16-byte blocks, first 8 hex characters; track block = one 16-byte block before the last byte;
//!   check value = first 4 bytes of SM4(K, 0¹²⁸)): sources and the rejected readings in [`sm::cup`].
//! - **SM2 DER signatures:** strict DER only (short-form lengths, minimal non-negative INTEGERs, no
//!   trailing bytes); any other length than 64 is taken as DER.
//! - **Terminal persistence:** the advanced state is written (A/B slots, SHA-256 integrity) before
//!   the key is released; a power cut after the write and before the release skips one counter
//!   rather than risking its reuse.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod cipher;
pub mod dukpt;
pub mod emv;
pub mod error;
pub mod hsm;
pub mod kcv;
pub mod key;
pub mod keydownload;
pub mod mac;
pub mod pin;
pub mod rsa;
pub mod sm;
pub mod spki;
pub mod tr31;

pub use error::{Error, ErrorKind, Result};
pub use key::{Algorithm, Key};
