//! Issuer authentication and issuer script processing (EMV 4.4 Book 3 §10.9–10.10, Annex C5/C6,
//! Issuer Script Results `9F5B`).
//!
//! - [`IssuerAuthentication`]: a sans-IO [`Phase`] sending EXTERNAL AUTHENTICATE with the Issuer
//!   Authentication Data `91` **once**, when the AIP says issuer authentication is supported and
//!   `91` was received; failure sets TVR B5b7; performing it sets TSI B1b5.
//! - [`scripts`] finds the `71`/`72` templates of an authorisation response; [`ScriptProcessing`]
//!   is a sans-IO [`Phase`] sending one script's `86` commands in order. A status other than
//!   `90xx`, `62xx` or `63xx` stops that script; its result is "failed" with the command's
//!   sequence number, and TVR B5b6 (template `71`, before the final GENERATE AC) or B5b5 (`72`,
//!   after) is set. TSI B1b3 is set once a script was processed.
//!
//! ## Choices between two readings
//!
//! - **A malformed script** (not valid TLV, no `86`, a `9F18` that is not 4 bytes, or an `86`
//!   that is not a command APDU) is not sent at all: result "failed", sequence number 0, and the
//!   TVR bit of its template — the card never sees a half-understood script.
//! - **Script length limit:** a script whose template value exceeds [`MAX_SCRIPT_LEN`] (128
//!   bytes, the common terminal limit) is treated like a malformed one.
//! - **Sequence number** in the result: 1–14 for the failing command, `F` for the 15th or later,
//!   0 when not applicable (success, or a malformed script).
//! - **`91` of a length outside 8–16 bytes** (Book 3 Annex A) is not sent: issuer
//!   authentication counts as performed and failed.
//! - **Issuer authentication response:** any status but `9000` is a failure (`6300` is the usual
//!   answer to a wrong ARPC).

use crate::apdu::{Command, Response};
use crate::data::{Aip, Tsi, Tvr};
use crate::error::{Error, ErrorKind};
use crate::kernel::{Phase, Step, send};
use payproto_tlv::{Config, Reader, Tag};

/// Longest script template value processed.
pub const MAX_SCRIPT_LEN: usize = 128;

/// Issuer authentication as a sans-IO phase.
#[derive(Copy, Clone, Debug)]
pub struct IssuerAuthentication<'a> {
    aip: Aip,
    issuer_auth_data: Option<&'a [u8]>,
    tvr: Tvr,
    tsi: Tsi,
    sent: bool,
}

/// TVR and TSI after a phase of this module.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// Updated TVR.
    pub tvr: Tvr,
    /// Updated TSI.
    pub tsi: Tsi,
}

impl<'a> IssuerAuthentication<'a> {
    /// A phase for the AIP and the `91` value received online (if any).
    pub const fn new(aip: Aip, issuer_auth_data: Option<&'a [u8]>, tvr: Tvr, tsi: Tsi) -> Self {
        Self { aip, issuer_auth_data, tvr, tsi, sent: false }
    }
}

impl Phase for IssuerAuthentication<'_> {
    type Output = Status;

    fn start(&mut self, out: &mut [u8]) -> Result<Step<Status>, Error> {
        if self.sent {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        match self.issuer_auth_data {
            Some(d) if self.aip.contains(Aip::ISSUER_AUTH_SUPPORTED) => {
                if !(8..=16).contains(&d.len()) {
                    self.tvr.set(Tvr::ISSUER_AUTH_FAILED);
                    self.tsi.set(Tsi::ISSUER_AUTH_PERFORMED);
                    return Ok(Step::Done(Status { tvr: self.tvr, tsi: self.tsi }));
                }
                self.sent = true;
                send(&Command::external_authenticate(d), out)
            }
            _ => Ok(Step::Done(Status { tvr: self.tvr, tsi: self.tsi })),
        }
    }

    fn on_response(&mut self, rapdu: &[u8], _out: &mut [u8]) -> Result<Step<Status>, Error> {
        if !self.sent {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        let r = Response::parse(rapdu)?;
        if r.sw.to_u16() != 0x9000 {
            self.tvr.set(Tvr::ISSUER_AUTH_FAILED);
        }
        self.tsi.set(Tsi::ISSUER_AUTH_PERFORMED);
        Ok(Step::Done(Status { tvr: self.tvr, tsi: self.tsi }))
    }
}

/// When a script runs.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ScriptTiming {
    /// Template `71`: before the final GENERATE AC.
    BeforeFinalGenerateAc,
    /// Template `72`: after the final GENERATE AC.
    AfterFinalGenerateAc,
}

/// One issuer script (a `71` or `72` template value).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct IssuerScript<'a> {
    /// Before or after the final GENERATE AC.
    pub timing: ScriptTiming,
    /// The template value.
    pub value: &'a [u8],
}

/// The issuer scripts of an authorisation response (`71`/`72` at the top level of `data`, e.g.
/// DE 55), in order. Stops at the first malformed top-level object.
pub fn scripts(data: &[u8]) -> impl Iterator<Item = IssuerScript<'_>> + '_ {
    Reader::new(data, Config::EMV).map_while(Result::ok).filter_map(|t| {
        let timing = match t.tag.to_u32() {
            0x71 => ScriptTiming::BeforeFinalGenerateAc,
            0x72 => ScriptTiming::AfterFinalGenerateAc,
            _ => return None,
        };
        Some(IssuerScript { timing, value: t.value })
    })
}

/// One entry of the Issuer Script Results `9F5B` (5 bytes).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ScriptResult {
    /// Byte 1: result nibble (0 not performed, 1 failed, 2 successful) ‖ sequence number nibble.
    pub status: u8,
    /// Issuer Script Identifier `9F18` (zeros when absent).
    pub id: [u8; 4],
}

impl ScriptResult {
    /// The five bytes as they go into `9F5B`.
    pub const fn bytes(&self) -> [u8; 5] {
        let [a, b, c, d] = self.id;
        [self.status, a, b, c, d]
    }
}

/// Validates a script: every object is `9F18` (4 bytes, at most once) or `86` (a command APDU),
/// at least one `86`.
fn parse(script: &IssuerScript<'_>) -> Option<[u8; 4]> {
    if script.value.len() > MAX_SCRIPT_LEN {
        return None;
    }
    let mut id = None;
    let mut commands = 0usize;
    for t in Reader::new(script.value, Config::EMV) {
        let t = t.ok()?;
        match t.tag.to_u32() {
            0x9F18 if id.is_none() => id = Some(<[u8; 4]>::try_from(t.value).ok()?),
            0x86 => {
                Command::parse(t.value).ok()?;
                commands = commands.saturating_add(1);
            }
            _ => return None,
        }
    }
    (commands > 0).then_some(id.unwrap_or([0; 4]))
}

/// One script's processing as a sans-IO phase.
#[derive(Clone, Debug)]
pub struct ScriptProcessing<'a> {
    script: IssuerScript<'a>,
    parsed: Option<[u8; 4]>,
    commands: Reader<'a>,
    sequence: u8,
    tvr: Tvr,
    tsi: Tsi,
    done: bool,
}

/// The outcome of one script.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ScriptOutcome {
    /// Its `9F5B` entry.
    pub result: ScriptResult,
    /// Updated TVR and TSI.
    pub status: Status,
}

impl<'a> ScriptProcessing<'a> {
    /// A phase for `script`, starting from the current TVR and TSI.
    pub fn new(script: IssuerScript<'a>, tvr: Tvr, tsi: Tsi) -> Self {
        let parsed = parse(&script);
        Self {
            script,
            parsed,
            commands: Reader::new(script.value, Config::EMV),
            sequence: 0,
            tvr,
            tsi,
            done: false,
        }
    }

    fn finish(&mut self, ok: bool) -> Step<ScriptOutcome> {
        self.done = true;
        self.tsi.set(Tsi::SCRIPT_PROCESSING_PERFORMED);
        let seq = if ok || self.parsed.is_none() { 0 } else { self.sequence.min(15) };
        if !ok {
            self.tvr.set(match self.script.timing {
                ScriptTiming::BeforeFinalGenerateAc => Tvr::SCRIPT_FAILED_BEFORE_FINAL_GEN_AC,
                ScriptTiming::AfterFinalGenerateAc => Tvr::SCRIPT_FAILED_AFTER_FINAL_GEN_AC,
            });
        }
        let id = self.parsed.unwrap_or_else(|| fallback_id(self.script.value));
        let status = if ok { 0x20 } else { 0x10 | seq };
        Step::Done(ScriptOutcome {
            result: ScriptResult { status, id },
            status: Status { tvr: self.tvr, tsi: self.tsi },
        })
    }

    fn next_command(&mut self, out: &mut [u8]) -> Result<Step<ScriptOutcome>, Error> {
        for t in self.commands.by_ref() {
            let t = t?;
            if t.tag == const { Tag::new(0x86) } {
                self.sequence = self.sequence.saturating_add(1);
                let dst = out
                    .get_mut(..t.value.len())
                    .ok_or(Error::new(ErrorKind::BufferTooSmall, t.value.len()))?;
                dst.copy_from_slice(t.value);
                return Ok(Step::Send(t.value.len()));
            }
        }
        Ok(self.finish(true))
    }
}

/// The `9F18` of a malformed script when it can still be read, else zeros.
fn fallback_id(value: &[u8]) -> [u8; 4] {
    Reader::new(value, Config::EMV)
        .map_while(Result::ok)
        .find(|t| t.tag == const { Tag::new(0x9F18) })
        .and_then(|t| <[u8; 4]>::try_from(t.value).ok())
        .unwrap_or([0; 4])
}

impl Phase for ScriptProcessing<'_> {
    type Output = ScriptOutcome;

    fn start(&mut self, out: &mut [u8]) -> Result<Step<ScriptOutcome>, Error> {
        if self.done || self.sequence != 0 {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        if self.parsed.is_none() {
            return Ok(self.finish(false));
        }
        self.next_command(out)
    }

    fn on_response(&mut self, rapdu: &[u8], out: &mut [u8]) -> Result<Step<ScriptOutcome>, Error> {
        if self.done || self.sequence == 0 {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        let [sw1, _] = Response::parse(rapdu)?.sw.bytes();
        if !matches!(sw1, 0x90 | 0x62 | 0x63) {
            return Ok(self.finish(false));
        }
        self.next_command(out)
    }
}
