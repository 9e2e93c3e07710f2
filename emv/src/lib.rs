//! # payproto-emv
//!
//! A contact EMV kernel (EMV 4.4 Books 1–3) for terminals that may have no heap: `#![no_std]`,
//! no allocator needed, no `unsafe`, and no function that panics on card input.
//!
//! ## Layers
//! - [`link`] — the card link layer of Book 1 / ISO 7816-3, sans-IO and byte-level: ATR with the
//!   EMV acceptance rules and PPS ([`link::atr`]), T=0 procedure bytes, the case 1–4 mapping
//!   and character repetition on parity errors ([`link::t0`]), T=1 blocks with chaining, IFS,
//!   WTX, resynchronisation ([`link::t1`]).
//! - [`apdu`] — command builders and response parsers (SELECT/FCI, GPO, READ RECORD, GET DATA,
//!   GENERATE AC, INTERNAL AUTHENTICATE, VERIFY, GET CHALLENGE, EXTERNAL AUTHENTICATE), typed
//!   [`apdu::StatusWord`]s, the T=0 `61xx`/`6Cxx` helper and the blocking
//!   [`apdu::CardTransport`] trait.
//! - [`dictionary`] — the const EMV data dictionary (name, format, lengths, source, template,
//!   decoder, PCI masking, scheme) implementing [`payproto_tlv::MaskPolicy`]; [`describe`] turns a
//!   tag and value into a masked human decode.
//! - [`data`] — typed decoders with `Display`: AIP, AFL, AUC, CVM list and results, TVR and TSI
//!   (EMV 4.4 bit names as constants), terminal capabilities and type, CID, IAD, track 2,
//!   dates, amounts, currency and country codes.
//! - [`dol`] and [`store`] — DOL building per Book 3 §5.4 into a caller buffer, and the
//!   fixed-capacity transaction [`store::TlvStore`] with sources and redundancy detection.
//! - [`kernel`] — the phases as sans-IO state machines: [`kernel::selection`],
//!   [`kernel::gpo`], [`kernel::read_records`] (later issues add ODA, restrictions, CVM, TRM,
//!   TAA, GENERATE AC and issuer processing). Each phase writes the next C-APDU into a buffer
//!   and consumes the R-APDU; [`kernel::drive`] runs one over a [`apdu::CardTransport`], and
//!   [`kernel::ReadApplication`] chains the three with the GPO `6985` → next-candidate loop.
//!   [`link::T0Link`] and [`link::T1Link`] turn byte- or block-level card I/O into a
//!   [`apdu::CardTransport`], so the same kernel runs over PC/SC or a UART.
//! - [`track`] and [`qr`] — magnetic stripe tracks with the chip-fallback rule, EMV QR codes.
//! - `sim` (feature `sim`) — a simulated contact card (APDU, T=0 and T=1 level, with injectable
//!   status-word and link faults), ready-made profiles from public card traces
//!   (`sim::profiles::{VISA, MASTERCARD, UPI}`), personalised cards with real cryptography on a
//!   generated test PKI (`sim::profiles::DEMO_*`, `sim::pki`), and the strict APDU replay
//!   transport.
//!
//! PIN digits never pass through this crate: VERIFY takes a PIN block produced by the PIN entry
//! device. `Debug` of the parsed views, commands and responses, the store, the kernel
//! phases, the T=1 engine and the simulator shows lengths and tags, never value bytes (PCI DSS:
//! `{:?}` output ends up in logs); [`data::Track2`] shows at most the BIN and the last four
//! digits. The `alloc` and `std` features add nothing yet beyond enabling them in dependencies.
//!
//! ## Worked example
//!
//! Read a card's GPO response, check its AFL, and build the CDOL1 data for GENERATE AC from the
//! transaction store (values from a public Visa test-card trace):
//!
//! ```
//! use payproto_emv::apdu::{Command, GpoResponse};
//! use payproto_emv::data::{Aip, CryptogramType, Tvr};
//! use payproto_emv::dictionary::Source;
//! use payproto_emv::store::TlvStore;
//! use payproto_emv::tlv::tag;
//!
//! // GPO response format 1: AIP 1C00, AFL SFI 1 rec 1, SFI 2 rec 1, SFI 3 recs 3–4.
//! let gpo = [0x80, 0x0E, 0x1C, 0x00, 0x08, 0x01, 0x01, 0x00, 0x10, 0x01, 0x01, 0x00, 0x18, 0x03, 0x04, 0x00];
//! let r = GpoResponse::parse(&gpo)?;
//! assert!(r.aip.contains(Aip::CV_SUPPORTED));
//! let afl = r.afl.expect("contact cards send an AFL");
//! assert_eq!(afl.to_string(), "SFI 1 record 1; SFI 2 record 1; SFI 3 records 3-4");
//!
//! // The terminal's data for CDOL1 = 9F02 06, 95 05, 9F37 04.
//! let mut store: TlvStore<16, 256> = TlvStore::new();
//! store.insert(tag!(0x9F02), Source::Terminal, &[0, 0, 0, 0, 0x10, 0x00])?;
//! let mut tvr = Tvr::default();
//! tvr.set(Tvr::ODA_NOT_PERFORMED);
//! tvr.set(Tvr::FLOOR_LIMIT_EXCEEDED);
//! store.insert(tag!(0x95), Source::Terminal, &tvr.0)?;
//! // 9F37 (unpredictable number) is absent: §5.4 fills it with zeros.
//! let cdol1 = [0x9F, 0x02, 0x06, 0x95, 0x05, 0x9F, 0x37, 0x04];
//! let mut data = [0u8; 64];
//! let n = payproto_emv::dol::build(&cdol1, &store, &mut data)?;
//! assert_eq!(&data[..n], &[0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0x80, 0, 0, 0, 0, 0]);
//!
//! // The GENERATE AC command asking for an ARQC.
//! let mut apdu = [0u8; 64];
//! let len = Command::generate_ac(CryptogramType::Arqc, false, &data[..n]).encode(&mut apdu)?;
//! assert_eq!(&apdu[..5], &[0x80, 0xAE, 0x80, 0x00, 15]);
//! # let _ = len;
//! # Ok::<(), payproto_emv::Error>(())
//! ```
//!
//! ## Choices between two readings of a standard
//! Each is also documented where it is implemented.
//! - **DOL building** (Book 3 §5.4): a tag the dictionary does not know is treated as format `b`
//!   (padding/truncation on the right); a constructed tag in a DOL is filled with zeros.
//! - **Transaction store**: a second ICC value of a primitive tag is *redundant* and terminates
//!   (Book 3 §10.2); terminal and issuer values are replaced. Lookup without a source prefers
//!   terminal, then ICC, then issuer data.
//! - **AFL**: bits 3–1 of byte 1 (RFU) are ignored, not rejected; an empty AFL is invalid.
//! - **CVM list**: an 8-byte list (amounts, no rules) parses; the CVM step treats it as empty.
//! - **IAD**: the scheme layout is recognised by shape (Visa `06…`/`1F…`, Mastercard CVN
//!   `10/11/14/15` at byte 2, PBOC `07…`); [`data::Iad::parse_for`] forces a scheme.
//! - **Dates**: YY 00–49 → 20YY, 50–99 → 19YY.
//! - **Dictionary**: colliding scheme tags have one entry per scheme; plain lookup prefers the
//!   EMV meaning, then the first scheme's. `9F1E` (IFD serial number) is not masked: it
//!   identifies the terminal, not the cardholder. `9F61` (PBOC cardholder ID) is masked.
//! - **ATR**: TB2 is rejected, any TC1 accepted, TC2 must be `0A`, TB3 is required for T=1, TC3
//!   must select LRC (Book 1 §8.3 as summarised in [`link::atr`]; verify before certification).
//! - **T=0 case 4**: Le is not sent; the response comes through `61xx` + GET RESPONSE. A
//!   warning (`62xx`/`63xx`) without data is followed by GET RESPONSE (Le `00`) and the data is
//!   returned with the warning (Book 1 §9.3.1.3); if GET RESPONSE fails, the warning alone.
//! - **T=0 character repetition**: at most 4 repetitions of a character (5 transmissions),
//!   then [`ErrorKind::Link`] (Book 1 §9.2.3 as read here; verify before certification).
//! - **Selection**: SELECT PSE answered with anything but `9000` or `6A81` (e.g. `6283`, PSE
//!   blocked) falls back to the AID list; `6A81` to the first SELECT means card blocked. Nested
//!   DDFs (`9D`) are followed depth-first up to three open directories (PSE + 2 levels), eight
//!   DDF SELECTs, four DDFs per record, never a DDF already open; a record's ADF entries are
//!   added before the DDFs it names are followed; the parent directory is SELECTed again
//!   before its next record is read. A malformed directory record is skipped. The final SELECT is
//!   always sent, even after the AID-list SELECT of the same application, and its DF name must
//!   equal the candidate's AID. A terminal that cannot ask for confirmation drops candidates
//!   that require it.
//! - **GPO**: the parser accepts a format-2 response without AFL (contactless); the contact
//!   phase rejects it (`94` missing).
//! - **Read records**: a non-`70` record in SFI 11–30 is kept for ODA but not parsed; in SFI
//!   1–10 it terminates. ODA input: `70` value for SFI 1–10, whole record for SFI 11–30.
//! - **GET DATA**: the response must be exactly one object with the requested tag.
//! - **Tracks**: sentinels and LRC are optional on input; `=`/`^` may stand for absent expiry or
//!   service code.
//! - **QR (MPM)**: lengths count characters (UTF-8 text in templates 64); a lower-case CRC is
//!   accepted on input, upper case is written.
//!
//! ## Panic contract
//! Library code denies `indexing_slicing`, `unwrap_used`, `expect_used`, `panic` and
//! `arithmetic_side_effects`. The public parser entry points are fuzzed (`fuzz/fuzz_targets/emv_*`).
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
mod redact;
#[cfg(feature = "sim")]
pub mod sim;
pub mod store;
pub mod track;

pub use error::{Error, ErrorKind};
