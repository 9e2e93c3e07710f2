//! The behaviour of a personalised simulated card ([`Personalisation`]): real cryptograms, DDA and
//! CDA signatures, offline PIN with a try counter, issuer authentication and issuer scripts.
//!
//! Card-side choices (the parts EMV leaves to the issuer; each one documented where it is made):
//!
//! - **Cryptograms** are computed with [`payproto_crypto::emv`]: the ICC master key is derived
//!   from the issuer master key with the CVN's derivation (option A for Visa CVN 10 and
//!   Mastercard CVN 16), the session key as the CVN says (CVN 10: the master key itself;
//!   CVN 16: Mastercard SKD with R = ATC ‖ 00 00 ‖ UN), over 9F02 ‖ 9F03 ‖ 9F1A ‖ 95 ‖ 5F2A ‖ 9A
//!   ‖ 9C ‖ 9F37 ‖ 82 ‖ 9F36 ‖ CVR, taken from CDOL1 data (first GENERATE AC) or CDOL2 data
//!   (second).
//! - **IAD** (`9F10`): Visa layout `06 DKI CVN 03 CVR₁ CVR₂ CVR₃` (7 bytes); Mastercard layout
//!   `DKI 10 CVR(6) 00×10` (18 bytes).
//! - **CVR bits** set by the simulator (a subset): Visa byte 1 b8–b7 second AC type (`00` AAC,
//!   `01` TC, `10` not requested), b6–b5 first AC type (`00` AAC, `01` TC, `10` ARQC), b4 issuer
//!   authentication failed, b3 offline PIN performed, b2 offline PIN failed; byte 2 b7 PIN try
//!   limit exceeded, b6 velocity (UCOL) exceeded; byte 3 b8–b5 number of issuer script commands.
//!   Mastercard byte 1 as Visa byte 1 for the AC types, b3 offline PIN performed, b2 offline
//!   enciphered PIN performed, b1 offline PIN successful; byte 2 b8 DDA returned, b7 CDA in the
//!   first GENERATE AC, b6 CDA in the second, b5 issuer authentication performed; byte 4 b8–b5
//!   the number of script commands.
//! - **Card action analysis:** never a higher cryptogram than asked for (AAC < ARQC < TC). First
//!   GENERATE AC: AAC when the profile declines at the first GENERATE AC or the application is
//!   blocked; ARQC instead of a requested TC when ATC − last online ATC exceeds the UCOL or the
//!   PIN try limit was exceeded; otherwise what was asked. Second GENERATE AC: AAC when the
//!   profile declines there or issuer authentication was performed and failed; otherwise what
//!   was asked. An ARQC request in the second GENERATE AC is answered `6A86`.
//! - **Last online ATC register** (`9F13`): set to the ATC by a TC in the second GENERATE AC
//!   unless the ARC is `Y3`/`Z3` (unable to go online) or issuer authentication failed.
//! - **CDA** (P1 b5, AIP b1): TC and ARQC answers are signed (format 2, `9F4B` instead of `9F26`;
//!   ICC Dynamic Data = 08 ‖ ICC Dynamic Number ‖ CID ‖ AC ‖ Transaction Data Hash Code over
//!   PDOL data ‖ CDOL1 data [‖ CDOL2 data] ‖ the response objects but `9F4B`); AAC answers are
//!   not signed. Without CDA support the bit is ignored.
//! - **GET PROCESSING OPTIONS** starts a transaction (ATC + 1) once per SELECT of the
//!   application (again: `6985`); PDOL data of the wrong length: `6700`.
//! - **ICC Dynamic Number** and **GET CHALLENGE**: the first 8 bytes of SHA-1 over a label, the
//!   PAN, the ATC and a per-card counter (deterministic, different every time).
//! - **VERIFY:** P2 `80` takes the 8-byte plaintext PIN block `2N PP.. FF`; P2 `88` the PIN block
//!   enciphered under the ICC key (`7F` ‖ PIN block ‖ the last GET CHALLENGE number ‖ padding;
//!   the challenge is used once). A wrong PIN answers `63Cx` (x = tries left, `63C0` on the last
//!   one), a blocked PIN `6983`, a malformed block or a challenge mismatch `6A80` (no try
//!   counted), P2 `88` without a GET CHALLENGE `6985`.
//! - **EXTERNAL AUTHENTICATE:** the ARPC method and key of the CVN as
//!   [`payproto_crypto::emv::generate_arpc`] has them: method 1 (CVN 10, Mastercard CVN 16),
//!   `91` = ARPC (8) ‖ ARC (2); method 2 (CVN 18/22), `91` = ARPC (4) ‖ CSU (4) ‖ proprietary
//!   data (0–8; the CSU is checked, not acted on). Only after an ARQC and once per transaction
//!   (again: `6985`); a wrong ARPC `6300`.
//! - **Other CVNs:** a [`Personalisation`] may name Visa CVN 18 or 22 (option B master key,
//!   common session key, whole IAD in the cryptogram; IAD `06 DKI 12|16 03 CVR`); the demo
//!   profiles use CVN 10 and Mastercard CVN 16.
//! - **Issuer scripts** (only after a GENERATE AC in the same transaction, else `6985`; secure
//!   messaging MACs are accepted unchecked): APPLICATION BLOCK `841E`, APPLICATION UNBLOCK
//!   `8418`, CARD BLOCK `8416`, PIN CHANGE/UNBLOCK `8424` with P2 `00` (unblock: resets the try
//!   counter; P2 `01`/`02` PIN change answers `6A86`), PUT DATA `04DA`/`84DA` for `9F14`/`9F23`
//!   (other tags `6A88`).

use payproto_crypto::emv::{self as emvc, ArpcInput, ArpcMethod, Card, CryptogramData, Cvn};
use payproto_crypto::{Algorithm, Key, rsa};
use payproto_tlv::{Config, Dol, Tag};
use sha1::{Digest, Sha1};

use super::{Out, SimCard, SimRecord};
use crate::apdu::Command;
use crate::error::Error;

/// The issuer's keys and choices of a personalised simulated card. All data is borrowed `const`
/// data (see [`super::pki`]). `Debug` shows the CVN and sizes, never the keys or the PIN.
#[derive(Copy, Clone)]
pub struct Personalisation<'a> {
    /// The PAN as ASCII digits (as in `5A`, for the master key derivation).
    pub pan: &'a [u8],
    /// The PAN Sequence Number (`5F34`), BCD.
    pub psn: Option<u8>,
    /// The cryptogram version ([`Cvn::Visa10`] or [`Cvn::Mastercard16`]).
    pub cvn: Cvn,
    /// Derivation key index in the IAD.
    pub dki: u8,
    /// The issuer master key (AC), two-key TDES; the ICC master key is derived from it.
    pub imk: [u8; 16],
    /// The ICC RSA modulus (also the ICC PIN encipherment key).
    pub icc_modulus: &'a [u8],
    /// The ICC RSA private exponent (synthetic test key).
    pub icc_private_exponent: &'a [u8],
    /// The offline PIN as ASCII digits (4–12).
    pub pin: &'a [u8],
    /// PIN try limit (the counter's reset value).
    pub pin_try_limit: u8,
    /// PIN tries left when the card is made.
    pub pin_tries: u8,
    /// Last online ATC register (`9F13`) when the card is made.
    pub last_online_atc: u16,
    /// Lower and upper consecutive offline limits (`9F14`, `9F23`), if the card has them.
    pub velocity: Option<(u8, u8)>,
    /// The card answers AAC to the first GENERATE AC.
    pub decline_first: bool,
    /// The card answers AAC to the second GENERATE AC.
    pub decline_second: bool,
    /// The RSA private operation the card signs (DDA, CDA) and deciphers (enciphered PIN) with:
    /// [`rsa_private_op`] (the variable-time `payproto-crypto` operation), or, where run-time RSA
    /// is not wanted (a board), a function answering from precomputed values.
    pub private_op: PrivateOp,
}

/// An RSA private operation: `(modulus, private exponent, input, out)` → the output length
/// (the modulus length), or `None` on failure.
pub type PrivateOp = fn(&[u8], &[u8], &[u8], &mut [u8]) -> Option<usize>;

/// The default [`PrivateOp`]: [`payproto_crypto::rsa::private_op_vartime`] — variable-time,
/// for the synthetic test keys of simulated cards only.
pub fn rsa_private_op(
    modulus: &[u8],
    private_exponent: &[u8],
    input: &[u8],
    out: &mut [u8],
) -> Option<usize> {
    rsa::private_op_vartime(modulus, private_exponent, input, out).ok()
}

impl core::fmt::Debug for Personalisation<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Personalisation")
            .field("pan_len", &self.pan.len())
            .field("cvn", &self.cvn)
            .field("icc_key_bits", &self.icc_modulus.len().saturating_mul(8))
            .field("pin_try_limit", &self.pin_try_limit)
            .field("velocity", &self.velocity)
            .field("decline_first", &self.decline_first)
            .field("decline_second", &self.decline_second)
            .finish_non_exhaustive()
    }
}

/// The card's non-volatile state.
#[derive(Copy, Clone, Debug, Default)]
pub(super) struct Nvm {
    pub(super) pin_tries: u8,
    pub(super) last_online_atc: u16,
    pub(super) app_blocked: bool,
    pub(super) card_blocked: bool,
    pub(super) lcol: Option<u8>,
    pub(super) ucol: Option<u8>,
    pub(super) counter: u32,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub(super) enum PinOutcome {
    #[default]
    NotPerformed,
    Ok,
    Failed,
}

/// One transaction's volatile state (reset by SELECT and GPO).
#[derive(Copy, Clone)]
pub(super) struct Tx {
    gpo: bool,
    pdol: [u8; 64],
    pdol_len: usize,
    cdol1: [u8; 96],
    cdol1_len: usize,
    /// First GENERATE AC: (CID type bits, AC).
    first: Option<(u8, [u8; 8])>,
    second_done: bool,
    cda_first: bool,
    ext_auth: Option<bool>,
    pin: PinOutcome,
    pin_enciphered: bool,
    dda: bool,
    scripts: u8,
    challenge: Option<[u8; 8]>,
}

impl Default for Tx {
    fn default() -> Self {
        Self {
            gpo: false,
            pdol: [0; 64],
            pdol_len: 0,
            cdol1: [0; 96],
            cdol1_len: 0,
            first: None,
            second_done: false,
            cda_first: false,
            ext_auth: None,
            pin: PinOutcome::NotPerformed,
            pin_enciphered: false,
            dda: false,
            scripts: 0,
            challenge: None,
        }
    }
}

impl core::fmt::Debug for Tx {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Tx")
            .field("gpo", &self.gpo)
            .field("first", &self.first.map(|x| x.0))
            .field("second_done", &self.second_done)
            .field("ext_auth", &self.ext_auth)
            .finish_non_exhaustive()
    }
}

impl Nvm {
    pub(super) fn new(p: &Personalisation<'_>) -> Self {
        Self {
            pin_tries: p.pin_tries,
            last_online_atc: p.last_online_atc,
            app_blocked: false,
            card_blocked: false,
            lcol: p.velocity.map(|v| v.0),
            ucol: p.velocity.map(|v| v.1),
            counter: 0,
        }
    }
}

const AAC: u8 = 0x00;
const TC: u8 = 0x40;
const ARQC: u8 = 0x80;

/// AAC < ARQC < TC.
const fn rank(t: u8) -> u8 {
    match t {
        TC => 2,
        ARQC => 1,
        _ => 0,
    }
}

/// The CVR's 2-bit code for an AC type (`00` AAC, `01` TC, `10` ARQC / not requested).
const fn ac_bits(t: u8) -> u8 {
    match t {
        TC => 1,
        ARQC => 2,
        _ => 0,
    }
}

/// The value of `tag` in the card's records.
fn record_value<'r>(records: &[SimRecord<'r>], tag: u32) -> Option<&'r [u8]> {
    let tag = Tag::from_u32(tag)?;
    records.iter().find_map(|r| payproto_tlv::find(r.2, Config::EMV, tag).ok().flatten().map(|t| t.value))
}

/// The value of `tag` in DOL-related data built from `dol`.
fn dol_field<'d>(dol: &[u8], data: &'d [u8], tag: u32) -> Option<&'d [u8]> {
    let mut at = 0usize;
    for e in Dol::new(dol) {
        let e = e.ok()?;
        let end = at.checked_add(e.len)?;
        if e.tag.to_u32() == tag {
            return data.get(at..end);
        }
        at = end;
    }
    None
}

fn dol_len(dol: &[u8]) -> Option<usize> {
    Dol::new(dol).data_len().ok()
}

fn arr<const N: usize>(s: Option<&[u8]>) -> Option<[u8; N]> {
    s.and_then(|s| <[u8; N]>::try_from(s).ok())
}

/// Writes a primitive TLV with a one- or two-byte (`81`) length.
fn tlv(out: &mut Out<'_>, tag: &[u8], value: &[u8]) -> Result<(), Error> {
    out.push(tag)?;
    let n = value.len();
    match u8::try_from(n) {
        Ok(l) if l < 0x80 => out.push(&[l])?,
        Ok(l) => out.push(&[0x81, l])?,
        Err(_) => return Err(Error::new(crate::error::ErrorKind::BadLength, n)),
    }
    out.push(value)
}

/// Copies `src` into `dst` (lengths checked) and returns the copied length.
fn store(dst: &mut [u8], src: &[u8]) -> Option<usize> {
    dst.get_mut(..src.len())?.copy_from_slice(src);
    Some(src.len())
}

/// Parses a plaintext PIN block `2N PP.. FF` (EMV Book 3 §6.5.12): the PIN digits (values 0–9).
fn pin_digits(block: &[u8]) -> Option<([u8; 12], usize)> {
    let (&control, rest) = block.split_first()?;
    if block.len() != 8 || control >> 4 != 2 {
        return None;
    }
    let n = usize::from(control & 0x0F);
    if !(4..=12).contains(&n) {
        return None;
    }
    let mut digits = [0u8; 12];
    for (i, nib) in rest.iter().flat_map(|b| [b >> 4, b & 0x0F]).enumerate() {
        if i < n {
            if nib > 9 {
                return None;
            }
            *digits.get_mut(i)? = nib;
        } else if nib != 0x0F {
            return None;
        }
    }
    Some((digits, n))
}

impl<'a> SimCard<'a> {
    /// A fresh 8-byte number: SHA-1(label ‖ PAN ‖ ATC ‖ counter), leftmost 8 bytes.
    fn fresh(&mut self, label: &[u8], pan: &[u8]) -> [u8; 8] {
        let mut h = Sha1::new();
        h.update(label);
        h.update(pan);
        h.update(self.atc.to_be_bytes());
        h.update(self.nvm.counter.to_be_bytes());
        self.nvm.counter = self.nvm.counter.wrapping_add(1);
        let d = h.finalize();
        let mut out = [0u8; 8];
        for (o, s) in out.iter_mut().zip(d.iter()) {
            *o = *s;
        }
        out
    }

    fn aip(&self) -> [u8; 2] {
        let gpo = self.app().map_or(&[][..], |a| a.gpo);
        let v = if gpo.first() == Some(&0x80) {
            gpo.get(2..4)
        } else {
            Tag::from_u32(0x82)
                .and_then(|t| payproto_tlv::find(gpo, Config::EMV, t).ok().flatten())
                .map(|t| t.value)
        };
        arr::<2>(v).unwrap_or([0, 0])
    }

    fn format1(&self) -> bool {
        self.app().is_some_and(|a| a.gpo.first() == Some(&0x80))
    }

    fn records(&self) -> &'a [SimRecord<'a>] {
        let apps: &'a [super::SimApp<'a>] = self.profile.apps;
        self.selected.and_then(|i| apps.get(i)).map_or(&[], |a| a.records)
    }

    /// Handles the commands a personalised card answers itself; `None` leaves the command to the
    /// common handling (SELECT, READ RECORD, GET DATA of other tags…).
    pub(super) fn personal(
        &mut self,
        p: &Personalisation<'_>,
        cmd: &Command<'_>,
        out: &mut Out<'_>,
    ) -> Option<Result<(), Error>> {
        let r = match (cmd.cla, cmd.ins) {
            (0x80, 0xA8) => self.gpo(cmd, out),
            (0x80, 0xCA) => return self.get_data(cmd, out),
            (0x80, 0xAE) => self.generate_ac(p, cmd, out),
            (0x00, 0x88) => self.internal_authenticate(p, cmd, out),
            (0x00, 0x84) => {
                let c = self.fresh(b"CHALLENGE", p.pan);
                self.tx.challenge = Some(c);
                out.data_ok(&c)
            }
            (0x00, 0x20) => self.verify(p, cmd, out),
            (0x00, 0x82) => self.external_authenticate(p, cmd, out),
            (0x84 | 0x04, 0x1E | 0x18 | 0xDA) | (0x84, 0x16 | 0x24) => self.script(p, cmd, out),
            _ => return None,
        };
        Some(r)
    }

    fn gpo(&mut self, cmd: &Command<'_>, out: &mut Out<'_>) -> Result<(), Error> {
        let Some(app) = self.app().copied() else { return out.sw(0x6985) };
        if self.tx.gpo {
            // One GPO per application selection (a new transaction starts with SELECT).
            return out.sw(0x6985);
        }
        let [tag, len, value @ ..] = cmd.data else { return out.sw(0x6700) };
        let pdol = Tag::from_u32(0x9F38)
            .and_then(|t| payproto_tlv::find(app.fci, Config::EMV, t).ok().flatten())
            .map_or(&[][..], |t| t.value);
        if *tag != 0x83 || usize::from(*len) != value.len() || dol_len(pdol) != Some(value.len()) {
            return out.sw(0x6700);
        }
        let Some(atc) = self.atc.checked_add(1) else { return out.sw(0x6985) };
        let mut tx = Tx::default();
        let Some(n) = store(&mut tx.pdol, value) else { return out.sw(0x6700) };
        tx.pdol_len = n;
        tx.gpo = true;
        tx.challenge = self.tx.challenge;
        self.tx = tx;
        self.atc = atc;
        out.data_ok(app.gpo)
    }

    fn get_data(&mut self, cmd: &Command<'_>, out: &mut Out<'_>) -> Option<Result<(), Error>> {
        let tag = u16::from_be_bytes([cmd.p1, cmd.p2]);
        let v: [u8; 2];
        let value: &[u8] = match tag {
            0x9F13 => {
                v = self.nvm.last_online_atc.to_be_bytes();
                &v
            }
            0x9F17 => {
                v = [self.nvm.pin_tries, 0];
                v.get(..1).unwrap_or(&[])
            }
            0x9F14 | 0x9F23 => {
                let x = if tag == 0x9F14 { self.nvm.lcol } else { self.nvm.ucol };
                match x {
                    Some(x) => {
                        v = [x, 0];
                        v.get(..1).unwrap_or(&[])
                    }
                    None => return Some(out.sw(0x6A88)),
                }
            }
            _ => return None,
        };
        let len = u8::try_from(value.len()).unwrap_or(0);
        Some(out.push(&[cmd.p1, cmd.p2, len]).and_then(|()| out.data_ok(value)))
    }

    fn velocity_exceeded(&self) -> bool {
        self.nvm
            .ucol
            .is_some_and(|u| self.atc.checked_sub(self.nvm.last_online_atc).is_none_or(|d| d > u16::from(u)))
    }

    fn cvr(
        &self,
        p: &Personalisation<'_>,
        first: u8,
        second: Option<u8>,
        cda_second: bool,
    ) -> ([u8; 6], usize) {
        let mut c = [0u8; 6];
        let [b1, b2, b3, b4, ..] = &mut c;
        let second_bits = second.map_or(2, ac_bits);
        *b1 = (second_bits << 6) | (ac_bits(first) << 4);
        let scripts = self.tx.scripts.min(15) << 4;
        match p.cvn {
            Cvn::Mastercard16 => {
                match self.tx.pin {
                    PinOutcome::NotPerformed => {}
                    PinOutcome::Ok => *b1 |= 0x05,
                    PinOutcome::Failed => *b1 |= 0x04,
                }
                if self.tx.pin != PinOutcome::NotPerformed && self.tx.pin_enciphered {
                    *b1 |= 0x02;
                }
                if self.tx.dda {
                    *b2 |= 0x80;
                }
                if self.tx.cda_first {
                    *b2 |= 0x40;
                }
                if cda_second {
                    *b2 |= 0x20;
                }
                if self.tx.ext_auth.is_some() {
                    *b2 |= 0x10;
                }
                *b4 = scripts;
                (c, 6)
            }
            _ => {
                // Visa: 03 ‖ 3 bytes; `c` holds the 3 bytes after the length byte.
                if self.tx.ext_auth == Some(false) {
                    *b1 |= 0x08;
                }
                match self.tx.pin {
                    PinOutcome::NotPerformed => {}
                    PinOutcome::Ok => *b1 |= 0x04,
                    PinOutcome::Failed => *b1 |= 0x06,
                }
                if self.nvm.pin_tries == 0 {
                    *b2 |= 0x40;
                }
                if self.velocity_exceeded() {
                    *b2 |= 0x20;
                }
                *b3 = scripts;
                (c, 3)
            }
        }
    }

    /// The IAD for the current CVR.
    fn iad(p: &Personalisation<'_>, cvr: &([u8; 6], usize)) -> ([u8; 18], usize) {
        let mut iad = [0u8; 18];
        let cvr_bytes = cvr.0.get(..cvr.1).unwrap_or(&[]);
        match p.cvn {
            Cvn::Mastercard16 => {
                let [dki, cvn, rest @ ..] = &mut iad;
                *dki = p.dki;
                *cvn = 0x10;
                let _ = store(rest, cvr_bytes);
                (iad, 18)
            }
            cvn => {
                let [len, dki, cvn_b, cvr_len, rest @ ..] = &mut iad;
                *len = 6;
                *dki = p.dki;
                *cvn_b = match cvn {
                    Cvn::Visa18 => 0x12,
                    Cvn::Visa22 => 0x16,
                    _ => 0x0A,
                };
                *cvr_len = 3;
                let _ = store(rest, cvr_bytes);
                (iad, 7)
            }
        }
    }

    #[allow(clippy::too_many_lines)]
    fn generate_ac(
        &mut self,
        p: &Personalisation<'_>,
        cmd: &Command<'_>,
        out: &mut Out<'_>,
    ) -> Result<(), Error> {
        if self.app().is_none() || !self.tx.gpo || self.tx.second_done {
            return out.sw(0x6985);
        }
        let requested = cmd.p1 & 0xC0;
        if requested == 0xC0 || cmd.p2 != 0 {
            return out.sw(0x6A86);
        }
        let cda_requested = cmd.p1 & 0x10 != 0;
        let aip = self.aip();
        let cda = cda_requested && aip.first().is_some_and(|b| b & 0x01 != 0);
        let second = match self.tx.first {
            None => false,
            Some((ARQC, _)) => true,
            Some(_) => return out.sw(0x6985),
        };
        let records = self.records();
        let Some(dol) = record_value(records, if second { 0x8D } else { 0x8C }) else {
            return out.sw(0x6985);
        };
        if dol_len(dol) != Some(cmd.data.len()) {
            return out.sw(0x6700);
        }
        let d = cmd.data;
        let un = arr::<4>(dol_field(dol, d, 0x9F37));
        let fields = (
            arr::<6>(dol_field(dol, d, 0x9F02)),
            arr::<6>(dol_field(dol, d, 0x9F03)),
            arr::<2>(dol_field(dol, d, 0x9F1A)),
            arr::<5>(dol_field(dol, d, 0x95)),
            arr::<2>(dol_field(dol, d, 0x5F2A)),
            arr::<3>(dol_field(dol, d, 0x9A)),
            dol_field(dol, d, 0x9C).and_then(|t| t.first().copied()),
            un,
        );
        let (Some(aa), Some(ao), Some(cc), Some(tvr), Some(cur), Some(date), Some(tt), Some(un)) = fields
        else {
            // The card's own CDOL lacks a cryptogram input: a personalisation error.
            return out.sw(0x6F00);
        };
        // Card action analysis (module docs).
        if second && requested == ARQC {
            return out.sw(0x6A86);
        }
        let decided = if second {
            if p.decline_second || (requested == TC && self.tx.ext_auth == Some(false)) {
                AAC
            } else {
                requested
            }
        } else if p.decline_first || self.nvm.app_blocked {
            AAC
        } else if requested == TC && (self.velocity_exceeded() || self.nvm.pin_tries == 0) {
            ARQC
        } else {
            requested
        };
        if rank(decided) > rank(requested) {
            return out.sw(0x6F00);
        }
        let signed = cda && decided != AAC;
        let first_type = self.tx.first.map_or(decided, |f| f.0);
        let cvr = if second {
            self.cvr(p, first_type, Some(decided), signed)
        } else {
            self.tx.cda_first = signed;
            self.cvr(p, decided, None, false)
        };
        let (iad, iad_len) = Self::iad(p, &cvr);
        let iad = iad.get(..iad_len).unwrap_or(&[]);
        let atc = self.atc.to_be_bytes();
        let data = CryptogramData {
            amount_authorised: aa,
            amount_other: ao,
            terminal_country: cc,
            tvr,
            currency: cur,
            date,
            transaction_type: tt,
            unpredictable_number: un,
            aip,
            atc,
            iad,
        };
        let card = Card { pan: p.pan, psn: p.psn };
        let ac = match Key::new(Algorithm::Tdes2, &p.imk)
            .and_then(|imk| emvc::generate_arqc(&imk, p.cvn, &card, &data))
        {
            Ok(ac) => ac,
            Err(_) => return out.sw(0x6F00),
        };
        let cid = decided;
        if second {
            self.tx.second_done = true;
            // Online approval: a TC after an ARQC, unless the terminal could not go online.
            let arc = dol_field(dol, d, 0x8A).unwrap_or(&[]);
            if decided == TC && arc != b"Y3" && arc != b"Z3" && self.tx.ext_auth != Some(false) {
                self.nvm.last_online_atc = self.atc;
            }
        } else {
            self.tx.first = Some((decided, ac));
            let Some(n) = store(&mut self.tx.cdol1, d) else { return out.sw(0x6700) };
            self.tx.cdol1_len = n;
        }
        if signed {
            let pdol = self.tx.pdol.get(..self.tx.pdol_len).unwrap_or(&[]);
            let cdol1 = self.tx.cdol1.get(..self.tx.cdol1_len).unwrap_or(&[]);
            let parts: [&[u8]; 3] = if second { [pdol, cdol1, d] } else { [pdol, d, &[]] };
            // Copy what the signature hashes so that `self` can be borrowed mutably.
            let mut buf = [0u8; 256];
            let mut n = 0usize;
            for part in parts {
                let Some(k) = buf.get_mut(n..).and_then(|b| store(b, part)) else { return out.sw(0x6F00) };
                n = n.saturating_add(k);
            }
            return self.cda_response(p, cid, atc, &ac, iad, un, buf.get(..n).unwrap_or(&[]), out);
        }
        let mut tmp = [0u8; 64];
        let mut body = Out { buf: &mut tmp, len: 0 };
        if self.format1() {
            body.push(&[cid])?;
            body.push(&atc)?;
            body.push(&ac)?;
            body.push(iad)?;
            let b = body.buf.get(..body.len).unwrap_or(&[]);
            tlv(out, &[0x80], b)?;
        } else {
            tlv(&mut body, &[0x9F, 0x27], &[cid])?;
            tlv(&mut body, &[0x9F, 0x36], &atc)?;
            tlv(&mut body, &[0x9F, 0x26], &ac)?;
            tlv(&mut body, &[0x9F, 0x10], iad)?;
            let b = body.buf.get(..body.len).unwrap_or(&[]);
            tlv(out, &[0x77], b)?;
        }
        out.sw(0x9000)
    }

    /// Signs `dynamic` (ICC Dynamic Data) with the ICC key over `extra` (Book 2 Tables 17/22):
    /// 6A ‖ 05 ‖ 01 ‖ LDD ‖ data ‖ BB… ‖ SHA-1(05 … BB ‖ extra) ‖ BC, then the private operation.
    fn sign_dynamic(
        p: &Personalisation<'_>,
        dynamic: &[u8],
        extra: &[u8],
        sig: &mut [u8; 248],
    ) -> Option<usize> {
        let n = p.icc_modulus.len();
        let ldd = u8::try_from(dynamic.len()).ok()?;
        let pad = n.checked_sub(25)?.checked_sub(dynamic.len())?;
        let mut m = [0u8; 248];
        let msg = m.get_mut(..n)?;
        let (head, rest) = msg.split_first_mut()?;
        *head = 0x6A;
        let body_len = n.checked_sub(22)?;
        let (body, tail) = rest.split_at_mut_checked(body_len)?;
        let (fixed, rest) = body.split_at_mut_checked(3)?;
        fixed.copy_from_slice(&[0x05, 0x01, ldd]);
        let (dd, pad_area) = rest.split_at_mut_checked(dynamic.len())?;
        dd.copy_from_slice(dynamic);
        if pad_area.len() != pad {
            return None;
        }
        pad_area.fill(0xBB);
        let mut h = Sha1::new();
        h.update(&*body);
        h.update(extra);
        let (hash, trailer) = tail.split_at_mut_checked(20)?;
        hash.copy_from_slice(&h.finalize());
        *trailer.first_mut()? = 0xBC;
        (p.private_op)(p.icc_modulus, p.icc_private_exponent, m.get(..n)?, sig)
    }

    #[allow(clippy::too_many_arguments)]
    fn cda_response(
        &mut self,
        p: &Personalisation<'_>,
        cid: u8,
        atc: [u8; 2],
        ac: &[u8; 8],
        iad: &[u8],
        un: [u8; 4],
        hashed_data: &[u8],
        out: &mut Out<'_>,
    ) -> Result<(), Error> {
        // Response objects but 9F4B, as they are sent.
        let mut objs = [0u8; 64];
        let mut o = Out { buf: &mut objs, len: 0 };
        tlv(&mut o, &[0x9F, 0x27], &[cid])?;
        tlv(&mut o, &[0x9F, 0x36], &atc)?;
        let split = o.len;
        tlv(&mut o, &[0x9F, 0x10], iad)?;
        let objs_len = o.len;
        let objects = objs.get(..objs_len).unwrap_or(&[]);
        let mut h = Sha1::new();
        h.update(hashed_data);
        h.update(objects);
        let tdhc = h.finalize();
        let idn = self.fresh(b"IDN", p.pan);
        let mut dynamic = [0u8; 38];
        let mut dw = Out { buf: &mut dynamic, len: 0 };
        dw.push(&[8])?;
        dw.push(&idn)?;
        dw.push(&[cid])?;
        dw.push(ac)?;
        dw.push(&tdhc)?;
        let mut sig = [0u8; 248];
        let Some(sn) = Self::sign_dynamic(p, &dynamic, &un, &mut sig) else { return out.sw(0x6F00) };
        let mut tmp = [0u8; 300];
        let mut body = Out { buf: &mut tmp, len: 0 };
        body.push(objects.get(..split).unwrap_or(&[]))?;
        tlv(&mut body, &[0x9F, 0x4B], sig.get(..sn).unwrap_or(&[]))?;
        body.push(objects.get(split..).unwrap_or(&[]))?;
        let b = body.buf.get(..body.len).unwrap_or(&[]);
        tlv(out, &[0x77], b)?;
        out.sw(0x9000)
    }

    fn internal_authenticate(
        &mut self,
        p: &Personalisation<'_>,
        cmd: &Command<'_>,
        out: &mut Out<'_>,
    ) -> Result<(), Error> {
        if self.app().is_none() {
            return out.sw(0x6985);
        }
        if self.aip().first().is_none_or(|b| b & 0x20 == 0) {
            // No DDA in the AIP: the card does not offer the command.
            return out.sw(0x6D00);
        }
        if cmd.data.is_empty() {
            return out.sw(0x6700);
        }
        let idn = self.fresh(b"IDN", p.pan);
        let mut dynamic = [0u8; 9];
        let [l, rest @ ..] = &mut dynamic;
        *l = 8;
        rest.copy_from_slice(&idn);
        let mut sig = [0u8; 248];
        let Some(n) = Self::sign_dynamic(p, &dynamic, cmd.data, &mut sig) else { return out.sw(0x6F00) };
        self.tx.dda = true;
        let sdad = sig.get(..n).unwrap_or(&[]);
        if self.format1() {
            tlv(out, &[0x80], sdad)?;
        } else {
            let mut tmp = [0u8; 260];
            let mut body = Out { buf: &mut tmp, len: 0 };
            tlv(&mut body, &[0x9F, 0x4B], sdad)?;
            let b = body.buf.get(..body.len).unwrap_or(&[]);
            tlv(out, &[0x77], b)?;
        }
        out.sw(0x9000)
    }

    fn verify(&mut self, p: &Personalisation<'_>, cmd: &Command<'_>, out: &mut Out<'_>) -> Result<(), Error> {
        if cmd.p1 != 0 || !matches!(cmd.p2, 0x80 | 0x88) {
            return out.sw(0x6A86);
        }
        if self.nvm.pin_tries == 0 {
            return out.sw(0x6983);
        }
        let enciphered = cmd.p2 == 0x88;
        let mut plain = [0u8; 248];
        let block: &[u8] = if enciphered {
            let Some(challenge) = self.tx.challenge.take() else { return out.sw(0x6985) };
            if cmd.data.len() != p.icc_modulus.len() {
                return out.sw(0x6700);
            }
            let Some(n) = (p.private_op)(p.icc_modulus, p.icc_private_exponent, cmd.data, &mut plain) else {
                return out.sw(0x6A80);
            };
            let m = plain.get(..n).unwrap_or(&[]);
            if m.first() != Some(&0x7F) || m.get(9..17) != Some(&challenge[..]) {
                return out.sw(0x6A80);
            }
            m.get(1..9).unwrap_or(&[])
        } else {
            cmd.data
        };
        let Some((digits, n)) = pin_digits(block) else { return out.sw(0x6A80) };
        let entered = digits.get(..n).unwrap_or(&[]);
        let same = entered.len() == p.pin.len()
            && entered.iter().zip(p.pin).fold(0u8, |acc, (a, b)| acc | (a ^ (b.wrapping_sub(b'0')))) == 0;
        plain.fill(0);
        self.tx.pin_enciphered = enciphered;
        if same {
            self.nvm.pin_tries = p.pin_try_limit;
            self.tx.pin = PinOutcome::Ok;
            out.sw(0x9000)
        } else {
            self.nvm.pin_tries = self.nvm.pin_tries.saturating_sub(1);
            self.tx.pin = PinOutcome::Failed;
            out.sw(0x63C0 | u16::from(self.nvm.pin_tries.min(15)))
        }
    }

    fn external_authenticate(
        &mut self,
        p: &Personalisation<'_>,
        cmd: &Command<'_>,
        out: &mut Out<'_>,
    ) -> Result<(), Error> {
        let Some((ARQC, arqc)) = self.tx.first else { return out.sw(0x6985) };
        if self.tx.ext_auth.is_some() || self.tx.second_done {
            return out.sw(0x6985);
        }
        // Method 1: ARPC (8) ‖ ARC (2); method 2: ARPC (4) ‖ CSU (4) ‖ proprietary data (0–8).
        let (arpc, input) = match p.cvn.arpc_method() {
            ArpcMethod::Method1 => {
                let [arpc @ .., a, b] = cmd.data else { return out.sw(0x6700) };
                if arpc.len() != 8 {
                    return out.sw(0x6700);
                }
                (arpc, ArpcInput::Method1 { arc: [*a, *b] })
            }
            ArpcMethod::Method2 => {
                let Some((arpc, rest)) = cmd.data.split_at_checked(4) else { return out.sw(0x6700) };
                let Some((csu, proprietary)) = rest.split_first_chunk::<4>() else { return out.sw(0x6700) };
                if proprietary.len() > 8 {
                    return out.sw(0x6700);
                }
                (arpc, ArpcInput::Method2 { csu: *csu, proprietary })
            }
        };
        let card = Card { pan: p.pan, psn: p.psn };
        let un =
            arr::<4>(record_value(self.records(), 0x8C).and_then(|dol| {
                dol_field(dol, self.tx.cdol1.get(..self.tx.cdol1_len).unwrap_or(&[]), 0x9F37)
            }))
            .unwrap_or([0; 4]);
        let expected = Key::new(Algorithm::Tdes2, &p.imk).and_then(|imk| {
            emvc::generate_arpc(&imk, p.cvn, &card, self.atc.to_be_bytes(), un, &arqc, input)
        });
        let ok = expected.is_ok_and(|t| t.verify(arpc).is_ok());
        self.tx.ext_auth = Some(ok);
        out.sw(if ok { 0x9000 } else { 0x6300 })
    }

    fn script(&mut self, p: &Personalisation<'_>, cmd: &Command<'_>, out: &mut Out<'_>) -> Result<(), Error> {
        if self.tx.first.is_none() {
            return out.sw(0x6985);
        }
        let sw = match cmd.ins {
            0x1E => {
                self.nvm.app_blocked = true;
                0x9000
            }
            0x18 => {
                self.nvm.app_blocked = false;
                0x9000
            }
            0x16 => {
                self.nvm.card_blocked = true;
                0x9000
            }
            0x24 if cmd.p1 == 0 && cmd.p2 == 0 => {
                self.nvm.pin_tries = p.pin_try_limit;
                0x9000
            }
            0x24 => 0x6A86,
            _ => match (u16::from_be_bytes([cmd.p1, cmd.p2]), cmd.data.first()) {
                (0x9F14, Some(&v)) if self.nvm.lcol.is_some() => {
                    self.nvm.lcol = Some(v);
                    0x9000
                }
                (0x9F23, Some(&v)) if self.nvm.ucol.is_some() => {
                    self.nvm.ucol = Some(v);
                    0x9000
                }
                (0x9F14 | 0x9F23, None) => 0x6700,
                _ => 0x6A88,
            },
        };
        if sw == 0x9000 {
            self.tx.scripts = self.tx.scripts.saturating_add(1);
        }
        out.sw(sw)
    }
}
