//! A simulated contact EMV card and an APDU replay transport (feature `sim`).
//!
//! [`SimCard`] answers SELECT (PSE, PPSE, ADFs, next occurrence), READ RECORD, GET PROCESSING
//! OPTIONS, GET DATA, GENERATE AC, INTERNAL AUTHENTICATE, VERIFY, GET CHALLENGE and EXTERNAL
//! AUTHENTICATE from a [`Profile`] of borrowed byte strings (no heap), with injectable status-word
//! faults. Its cryptograms are **not** cryptography: GENERATE AC returns a fixed 8-byte pattern
//! mixed with the ATC, since this crate's crypto dependency is not used here.
//!
//! [`Replay`] is the APDU-replay harness: an ordered list of (C-APDU, R-APDU) pairs; each command
//! the kernel sends must equal the next expected one exactly, or the transport fails with
//! [`ErrorKind::Sequence`] and records where ([`Replay::mismatch`]).

use crate::apdu::{CardTransport, Command};
use crate::error::{Error, ErrorKind};
use crate::kernel::selection::{PPSE, PSE};

/// A record: (SFI, record number, record bytes including the `70` template).
pub type SimRecord<'a> = (u8, u8, &'a [u8]);

/// One application on the simulated card.
#[derive(Copy, Clone, Debug)]
pub struct SimApp<'a> {
    /// The ADF name.
    pub aid: &'a [u8],
    /// The SELECT response data (FCI).
    pub fci: &'a [u8],
    /// The GPO response data (`80…` or `77…`).
    pub gpo: &'a [u8],
    /// The records.
    pub records: &'a [SimRecord<'a>],
    /// SELECT answers `6283` with the FCI (application blocked).
    pub blocked: bool,
    /// GET DATA objects: (tag, value).
    pub data: &'a [(u16, &'a [u8])],
}

/// A status-word fault: the `nth` (0-based) command with this INS gets `sw` instead.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The instruction byte.
    pub ins: u8,
    /// Which occurrence (0 = first).
    pub nth: u8,
    /// The status word to answer.
    pub sw: u16,
}

/// A card profile.
#[derive(Copy, Clone, Debug)]
pub struct Profile<'a> {
    /// The PSE: its FCI and directory records (SFI from the FCI); `None` = `6A82`.
    pub pse: Option<(&'a [u8], &'a [SimRecord<'a>])>,
    /// The PPSE FCI; `None` = `6A82`.
    pub ppse: Option<&'a [u8]>,
    /// The applications.
    pub apps: &'a [SimApp<'a>],
    /// The card answers `6A81` to every SELECT (blocked card).
    pub card_blocked: bool,
    /// Injected faults.
    pub faults: &'a [Fault],
    /// The initial ATC.
    pub atc: u16,
}

/// The simulated card.
#[derive(Clone, Debug)]
pub struct SimCard<'a> {
    profile: Profile<'a>,
    selected: Option<usize>,
    dir_selected: bool,
    last_select_index: Option<usize>,
    counts: [u8; 256],
    atc: u16,
    challenge: u8,
}

impl<'a> SimCard<'a> {
    /// A card with `profile`, freshly reset.
    pub fn new(profile: Profile<'a>) -> Self {
        Self {
            profile,
            selected: None,
            dir_selected: false,
            last_select_index: None,
            counts: [0; 256],
            atc: profile.atc,
            challenge: 0,
        }
    }

    /// The current ATC.
    pub const fn atc(&self) -> u16 {
        self.atc
    }

    fn fault(&mut self, ins: u8) -> Option<u16> {
        let slot = self.counts.get_mut(usize::from(ins))?;
        let n = *slot;
        *slot = n.saturating_add(1);
        self.profile.faults.iter().find(|f| f.ins == ins && f.nth == n).map(|f| f.sw)
    }

    fn app(&self) -> Option<&SimApp<'a>> {
        self.selected.and_then(|i| self.profile.apps.get(i))
    }

    fn respond(&mut self, cmd: &Command<'_>, out: &mut Out<'_>) -> Result<(), Error> {
        if let Some(sw) = self.fault(cmd.ins) {
            return out.sw(sw);
        }
        match (cmd.cla, cmd.ins) {
            (0x00, 0xA4) => self.select(cmd, out),
            (0x00, 0xB2) => {
                let sfi = cmd.p2 >> 3;
                let records: &[SimRecord<'a>] = if self.dir_selected {
                    self.profile.pse.map_or(&[], |p| p.1)
                } else {
                    self.app().map_or(&[], |a| a.records)
                };
                if cmd.p2 & 0x07 != 0x04 {
                    return out.sw(0x6A86);
                }
                match records.iter().find(|r| r.0 == sfi && r.1 == cmd.p1) {
                    Some(r) => out.data_ok(r.2),
                    None => out.sw(0x6A83),
                }
            }
            (0x80, 0xA8) => match self.app() {
                Some(a) if cmd.data.first() == Some(&0x83) => {
                    let gpo = a.gpo;
                    self.atc = self.atc.wrapping_add(1);
                    out.data_ok(gpo)
                }
                Some(_) => out.sw(0x6700),
                None => out.sw(0x6985),
            },
            (0x80, 0xCA) => {
                let tag = u16::from_be_bytes([cmd.p1, cmd.p2]);
                if tag == 0x9F36 {
                    let [a, b] = self.atc.to_be_bytes();
                    return out.data_ok(&[0x9F, 0x36, 0x02, a, b]);
                }
                match self.app().and_then(|a| a.data.iter().find(|d| d.0 == tag)) {
                    Some(&(_, v)) => {
                        let len = u8::try_from(v.len()).map_err(|_| Error::new(ErrorKind::BadLength, 0))?;
                        out.push(&[cmd.p1, cmd.p2, len])?;
                        out.data_ok(v)
                    }
                    None => out.sw(0x6A88),
                }
            }
            (0x80, 0xAE) => {
                if self.app().is_none() {
                    return out.sw(0x6985);
                }
                // Never a higher cryptogram than asked for; the simulated card gives what is asked.
                let cid = cmd.p1 & 0xC0;
                let [a, b] = self.atc.to_be_bytes();
                out.push(&[0x80, 0x0B, cid, a, b])?;
                out.data_ok(&[0xAC, a, b, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A])
            }
            (0x00, 0x88) => {
                let c = self.challenge;
                out.data_ok(&[0x80, 0x08, 0xDD, c, 1, 2, 3, 4, 5, 6])
            }
            (0x00, 0x20) => {
                if cmd.data.is_empty() {
                    out.sw(0x6700)
                } else {
                    out.sw(0x9000)
                }
            }
            (0x00, 0x84) => {
                self.challenge = self.challenge.wrapping_add(1);
                let c = self.challenge;
                out.data_ok(&[c, c, c, c, 0x11, 0x22, 0x33, 0x44])
            }
            (0x00, 0x82) => {
                if (8..=16).contains(&cmd.data.len()) {
                    out.sw(0x9000)
                } else {
                    out.sw(0x6700)
                }
            }
            (0x00, 0xC0) => out.sw(0x6985),
            (0x00 | 0x80, _) => out.sw(0x6D00),
            _ => out.sw(0x6E00),
        }
    }

    fn select(&mut self, cmd: &Command<'_>, out: &mut Out<'_>) -> Result<(), Error> {
        if self.profile.card_blocked {
            return out.sw(0x6A81);
        }
        if cmd.p1 != 0x04 {
            return out.sw(0x6A86);
        }
        let name = cmd.data;
        if cmd.p2 == 0x00 && (name == PSE || name == PPSE) {
            self.selected = None;
            let fci = if name == PSE { self.profile.pse.map(|p| p.0) } else { self.profile.ppse };
            self.dir_selected = name == PSE && fci.is_some();
            return match fci {
                Some(f) => out.data_ok(f),
                None => out.sw(0x6A82),
            };
        }
        let start = match cmd.p2 {
            0x00 => 0,
            0x02 => self.last_select_index.map_or(0, |i| i.saturating_add(1)),
            _ => return out.sw(0x6A86),
        };
        let found = self
            .profile
            .apps
            .iter()
            .enumerate()
            .skip(start)
            .find(|(_, a)| a.aid.len() >= name.len() && a.aid.starts_with(name))
            .map(|(i, _)| i);
        self.dir_selected = false;
        match found {
            Some(i) => {
                self.last_select_index = Some(i);
                let app = self.profile.apps.get(i).copied().ok_or(Error::new(ErrorKind::Sequence, 0))?;
                if app.blocked {
                    self.selected = None;
                    out.push(app.fci)?;
                    return out.sw(0x6283);
                }
                self.selected = Some(i);
                out.data_ok(app.fci)
            }
            None => {
                self.last_select_index = None;
                out.sw(0x6A82)
            }
        }
    }
}

struct Out<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl Out<'_> {
    fn push(&mut self, b: &[u8]) -> Result<(), Error> {
        let end = self.len.checked_add(b.len()).ok_or(Error::new(ErrorKind::BufferTooSmall, self.len))?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(Error::new(ErrorKind::BufferTooSmall, self.len))?
            .copy_from_slice(b);
        self.len = end;
        Ok(())
    }
    fn sw(&mut self, sw: u16) -> Result<(), Error> {
        self.push(&sw.to_be_bytes())
    }
    fn data_ok(&mut self, b: &[u8]) -> Result<(), Error> {
        self.push(b)?;
        self.sw(0x9000)
    }
}

impl CardTransport for SimCard<'_> {
    fn transmit(&mut self, capdu: &[u8], rapdu: &mut [u8]) -> Result<usize, Error> {
        let cmd = match Command::parse(capdu) {
            Ok(c) => c,
            Err(_) => {
                let n = rapdu.get_mut(..2).ok_or(Error::new(ErrorKind::BufferTooSmall, 0))?;
                n.copy_from_slice(&[0x67, 0x00]);
                return Ok(2);
            }
        };
        let mut out = Out { buf: rapdu, len: 0 };
        self.respond(&cmd, &mut out)?;
        Ok(out.len)
    }
}

/// The APDU replay transport: strict, ordered.
#[derive(Clone, Debug)]
pub struct Replay<'a> {
    pairs: &'a [(&'a [u8], &'a [u8])],
    at: usize,
    mismatch: Option<usize>,
}

impl<'a> Replay<'a> {
    /// A replay of `pairs` (C-APDU, R-APDU).
    pub const fn new(pairs: &'a [(&'a [u8], &'a [u8])]) -> Self {
        Self { pairs, at: 0, mismatch: None }
    }

    /// How many exchanges were consumed.
    pub const fn consumed(&self) -> usize {
        self.at
    }

    /// Whether every exchange was consumed.
    pub const fn finished(&self) -> bool {
        self.at == self.pairs.len()
    }

    /// The index of the first command that did not match, if any.
    pub const fn mismatch(&self) -> Option<usize> {
        self.mismatch
    }
}

impl CardTransport for Replay<'_> {
    fn transmit(&mut self, capdu: &[u8], rapdu: &mut [u8]) -> Result<usize, Error> {
        let Some(&(c, r)) = self.pairs.get(self.at) else {
            self.mismatch = Some(self.at);
            return Err(Error::new(ErrorKind::Sequence, self.at));
        };
        if c != capdu {
            self.mismatch = Some(self.at);
            return Err(Error::new(ErrorKind::Sequence, self.at));
        }
        rapdu.get_mut(..r.len()).ok_or(Error::new(ErrorKind::BufferTooSmall, 0))?.copy_from_slice(r);
        self.at = self.at.saturating_add(1);
        Ok(r.len())
    }
}
