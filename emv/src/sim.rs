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

#[path = "sim_profiles.rs"]
pub mod profiles;

use crate::apdu::{CardTransport, Command};
use crate::error::{Error, ErrorKind};
use crate::kernel::selection::{PPSE, PSE};
use crate::redact::{Len, OptLen, Tags};

/// A record: (SFI, record number, record bytes including the `70` template).
pub type SimRecord<'a> = (u8, u8, &'a [u8]);

/// A directory DDF below the PSE (Book 1 §12.2.3): (DDF name, SELECT response data (FCI with
/// the directory SFI in `88`), directory records).
pub type SimDdf<'a> = (&'a [u8], &'a [u8], &'a [SimRecord<'a>]);

/// One application on the simulated card. `Debug` shows sizes and tags, not the card data.
#[derive(Copy, Clone)]
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

impl core::fmt::Debug for SimApp<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SimApp")
            .field("aid", &Len(self.aid))
            .field("fci", &Tags(self.fci))
            .field("gpo", &Tags(self.gpo))
            .field("records", &self.records.len())
            .field("blocked", &self.blocked)
            .field("data", &self.data.len())
            .finish()
    }
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

/// A card profile. `Debug` shows sizes and tags, not the card data.
#[derive(Copy, Clone)]
pub struct Profile<'a> {
    /// The PSE: its FCI and directory records (SFI from the FCI); `None` = `6A82`.
    pub pse: Option<(&'a [u8], &'a [SimRecord<'a>])>,
    /// The PPSE FCI; `None` = `6A82`.
    pub ppse: Option<&'a [u8]>,
    /// Further directory DDFs, selected by name (entries `61 { 9D … }` of the directories).
    pub ddfs: &'a [SimDdf<'a>],
    /// The applications.
    pub apps: &'a [SimApp<'a>],
    /// The card answers `6A81` to every SELECT (blocked card).
    pub card_blocked: bool,
    /// Injected faults.
    pub faults: &'a [Fault],
    /// The initial ATC.
    pub atc: u16,
}

impl core::fmt::Debug for Profile<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Profile")
            .field("pse_records", &self.pse.map(|p| p.1.len()))
            .field("ppse", &OptLen(self.ppse))
            .field("ddfs", &self.ddfs.len())
            .field("apps", &self.apps)
            .field("card_blocked", &self.card_blocked)
            .field("faults", &self.faults)
            .field("atc", &self.atc)
            .finish()
    }
}

/// The selected directory.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Dir {
    Pse,
    Ddf(usize),
}

/// The simulated card.
#[derive(Clone)]
pub struct SimCard<'a> {
    profile: Profile<'a>,
    selected: Option<usize>,
    dir: Option<Dir>,
    last_select_index: Option<usize>,
    counts: [u8; 256],
    atc: u16,
    challenge: u8,
}

impl core::fmt::Debug for SimCard<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SimCard")
            .field("profile", &self.profile)
            .field("selected", &self.selected)
            .field("dir", &self.dir)
            .field("atc", &self.atc)
            .finish_non_exhaustive()
    }
}

impl<'a> SimCard<'a> {
    /// A card with `profile`, freshly reset.
    pub fn new(profile: Profile<'a>) -> Self {
        Self {
            profile,
            selected: None,
            dir: None,
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
                let records: &[SimRecord<'a>] = match self.dir {
                    Some(Dir::Pse) => self.profile.pse.map_or(&[], |p| p.1),
                    Some(Dir::Ddf(i)) => self.profile.ddfs.get(i).map_or(&[], |d| d.2),
                    None => self.app().map_or(&[], |a| a.records),
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
            self.dir = if name == PSE && fci.is_some() { Some(Dir::Pse) } else { None };
            return match fci {
                Some(f) => out.data_ok(f),
                None => out.sw(0x6A82),
            };
        }
        if cmd.p2 == 0x00
            && let Some(i) = self.profile.ddfs.iter().position(|d| d.0 == name)
        {
            self.selected = None;
            self.dir = Some(Dir::Ddf(i));
            let fci = self.profile.ddfs.get(i).map_or(&[][..], |d| d.1);
            return out.data_ok(fci);
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
        self.dir = None;
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

/// The APDU replay transport: strict, ordered. `Debug` shows the position, not the APDUs.
#[derive(Clone)]
pub struct Replay<'a> {
    pairs: &'a [(&'a [u8], &'a [u8])],
    at: usize,
    mismatch: Option<usize>,
}

impl core::fmt::Debug for Replay<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Replay")
            .field("pairs", &self.pairs.len())
            .field("at", &self.at)
            .field("mismatch", &self.mismatch)
            .finish()
    }
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

/// Whether an EMV command with this INS carries command data (T=0 case 3/4 on the card side).
const fn carries_data(ins: u8) -> bool {
    matches!(ins, 0xA4 | 0xA8 | 0xAE | 0x88 | 0x20 | 0x82)
}

/// Whether an EMV command with data also expects response data (case 4).
const fn case4(ins: u8) -> bool {
    matches!(ins, 0xA4 | 0xA8 | 0xAE | 0x88)
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum T0State {
    Header,
    Data { remaining: usize },
}

/// The simulated card behind a T=0 byte link ([`crate::link::ByteIo`]): card-side procedure
/// bytes, `61xx` for case 4 (or the `62xx`/`63xx` warning itself, the data following with
/// GET RESPONSE, Book 1 §9.3.1.3), `6Cxx` for a wrong Le, GET RESPONSE. Options exercise the
/// terminal: NULL procedure bytes before each procedure byte, one-byte-at-a-time transfer
/// (INS ⊕ FF), and injected parity errors with character repetition (EMV Book 1 §9.2.3) in
/// both directions: [`SimT0::rx_parity`] (the card receives a terminal character with a parity
/// error, signals it, and expects the repetition) and [`SimT0::tx_parity`] (a card character
/// reaches the terminal with a parity error; the card repeats it when the terminal signals).
/// Injection applies to the character-level I/O ([`crate::link::ByteIo::send_char`],
/// [`crate::link::ByteIo::recv_char`]) that [`crate::link::T0Link`] uses.
#[derive(Clone)]
pub struct SimT0<'a> {
    card: SimCard<'a>,
    state: T0State,
    header: [u8; 5],
    hlen: usize,
    data: [u8; 256],
    dlen: usize,
    queue: [u8; 600],
    qhead: usize,
    qlen: usize,
    pending: [u8; 258],
    plen: usize,
    /// Send a `60` NULL byte before each procedure byte.
    pub null_bytes: bool,
    /// Ask for command data one byte at a time (INS ⊕ FF).
    pub one_byte: bool,
    /// Terminal-to-card character transmissions (0-based, repetitions counted) that the card
    /// receives with a parity error.
    pub rx_parity: &'a [u16],
    /// Card-to-terminal character transmissions (0-based, repetitions counted) that reach the
    /// terminal with a parity error.
    pub tx_parity: &'a [u16],
    rx_count: u16,
    tx_count: u16,
    awaiting_signal: bool,
}

impl core::fmt::Debug for SimT0<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SimT0")
            .field("card", &self.card)
            .field("state", &self.state)
            .field("queued", &self.qlen.saturating_sub(self.qhead))
            .field("null_bytes", &self.null_bytes)
            .field("one_byte", &self.one_byte)
            .field("transmissions", &self.transmissions())
            .finish_non_exhaustive()
    }
}

impl<'a> SimT0<'a> {
    /// Wraps a simulated card.
    pub fn new(card: SimCard<'a>) -> Self {
        Self {
            card,
            state: T0State::Header,
            header: [0; 5],
            hlen: 0,
            data: [0; 256],
            dlen: 0,
            queue: [0; 600],
            qhead: 0,
            qlen: 0,
            pending: [0; 258],
            plen: 0,
            null_bytes: false,
            one_byte: false,
            rx_parity: &[],
            tx_parity: &[],
            rx_count: 0,
            tx_count: 0,
            awaiting_signal: false,
        }
    }

    /// Character transmissions so far, repetitions included: (terminal to card, card to
    /// terminal).
    pub const fn transmissions(&self) -> (u16, u16) {
        (self.rx_count, self.tx_count)
    }

    fn accept(&mut self, b: u8) -> Result<(), Error> {
        match self.state {
            T0State::Header => {
                *self.header.get_mut(self.hlen).ok_or(Error::new(ErrorKind::Sequence, 0))? = b;
                self.hlen = self.hlen.saturating_add(1);
                if self.hlen == 5 {
                    self.hlen = 0;
                    self.on_header()?;
                }
            }
            T0State::Data { remaining } => {
                *self.data.get_mut(self.dlen).ok_or(Error::new(ErrorKind::Sequence, 0))? = b;
                self.dlen = self.dlen.saturating_add(1);
                let left = remaining.saturating_sub(1);
                self.state = T0State::Data { remaining: left };
                if left == 0 {
                    self.on_data_complete()?;
                } else if self.one_byte {
                    let ins = self.header[1];
                    self.procedure(ins, true)?;
                }
            }
        }
        Ok(())
    }

    fn put(&mut self, b: &[u8]) -> Result<(), Error> {
        let end = self.qlen.checked_add(b.len()).ok_or(Error::new(ErrorKind::Full, 0))?;
        self.queue.get_mut(self.qlen..end).ok_or(Error::new(ErrorKind::Full, 0))?.copy_from_slice(b);
        self.qlen = end;
        Ok(())
    }

    fn procedure(&mut self, ins: u8, one: bool) -> Result<(), Error> {
        if self.null_bytes {
            self.put(&[0x60])?;
        }
        self.put(&[if one { ins ^ 0xFF } else { ins }])
    }

    fn on_header(&mut self) -> Result<(), Error> {
        let [cla, ins, p1, p2, p3] = self.header;
        if carries_data(ins) && p3 > 0 {
            self.dlen = 0;
            self.state = T0State::Data { remaining: usize::from(p3) };
            return self.procedure(ins, self.one_byte);
        }
        let want = if p3 == 0 { 256 } else { usize::from(p3) };
        if ins == 0xC0 {
            if self.plen == 0 {
                return self.put(&[0x69, 0x85]);
            }
            let have = self.plen.saturating_sub(2);
            if want != have {
                return self.put(&[0x6C, u8::try_from(have).unwrap_or(0)]);
            }
            self.procedure(ins, false)?;
            let pending = self.pending;
            self.put(pending.get(..self.plen).unwrap_or(&[]))?;
            self.plen = 0;
            return Ok(());
        }
        // Case 1 or 2.
        let mut rapdu = [0u8; 258];
        let apdu = [cla, ins, p1, p2, p3];
        let n = self.card.transmit(&apdu, &mut rapdu)?;
        let r = rapdu.get(..n).unwrap_or(&[]);
        let data_len = n.saturating_sub(2);
        if data_len == 0 {
            return self.put(r.get(data_len..).unwrap_or(&[]));
        }
        if data_len != want {
            return self.put(&[0x6C, u8::try_from(data_len).unwrap_or(0)]);
        }
        self.procedure(ins, false)?;
        self.put(r)
    }

    fn on_data_complete(&mut self) -> Result<(), Error> {
        let [cla, ins, p1, p2, p3] = self.header;
        let mut apdu = [0u8; 262];
        let mut n = 0usize;
        for &b in [cla, ins, p1, p2, p3].iter().chain(self.data.get(..self.dlen).unwrap_or(&[])) {
            *apdu.get_mut(n).ok_or(Error::new(ErrorKind::Full, 0))? = b;
            n = n.saturating_add(1);
        }
        if case4(ins) {
            *apdu.get_mut(n).ok_or(Error::new(ErrorKind::Full, 0))? = 0;
            n = n.saturating_add(1);
        }
        let mut rapdu = [0u8; 258];
        let m = self.card.transmit(apdu.get(..n).unwrap_or(&[]), &mut rapdu)?;
        let data_len = m.saturating_sub(2);
        self.state = T0State::Header;
        if data_len > 0 {
            self.pending
                .get_mut(..m)
                .ok_or(Error::new(ErrorKind::Full, 0))?
                .copy_from_slice(rapdu.get(..m).unwrap_or(&[]));
            self.plen = m;
            let sw1 = rapdu.get(data_len).copied().unwrap_or(0);
            if matches!(sw1, 0x62 | 0x63) {
                // A case 4 command completed with a warning: the card sends the warning, and
                // GET RESPONSE returns the data with 9000 (EMV Book 1 §9.3.1.3).
                let sw = [sw1, rapdu.get(data_len.saturating_add(1)).copied().unwrap_or(0)];
                let end = data_len.saturating_add(2);
                self.pending
                    .get_mut(data_len..end)
                    .ok_or(Error::new(ErrorKind::Full, 0))?
                    .copy_from_slice(&[0x90, 0x00]);
                return self.put(&sw);
            }
            return self.put(&[0x61, u8::try_from(data_len).unwrap_or(0)]);
        }
        self.put(rapdu.get(..m).unwrap_or(&[]))
    }
}

impl crate::link::ByteIo for SimT0<'_> {
    fn send(&mut self, bytes: &[u8]) -> Result<(), Error> {
        bytes.iter().try_for_each(|&b| self.accept(b))
    }

    fn recv(&mut self) -> Result<Option<u8>, Error> {
        if self.qhead >= self.qlen {
            self.qhead = 0;
            self.qlen = 0;
            return Ok(None);
        }
        let b = self.queue.get(self.qhead).copied();
        self.qhead = self.qhead.saturating_add(1);
        Ok(b)
    }

    fn send_char(&mut self, b: u8) -> Result<crate::link::Sent, Error> {
        let k = self.rx_count;
        self.rx_count = self.rx_count.saturating_add(1);
        if self.rx_parity.contains(&k) {
            // The card signals the error and discards the character.
            return Ok(crate::link::Sent::ErrorSignalled);
        }
        self.accept(b)?;
        Ok(crate::link::Sent::Accepted)
    }

    fn recv_char(&mut self) -> Result<Option<crate::link::Received>, Error> {
        if core::mem::replace(&mut self.awaiting_signal, false) {
            // The terminal kept a character that arrived with a parity error: the card goes on.
            self.qhead = self.qhead.saturating_add(1);
        }
        if self.qhead >= self.qlen {
            return self.recv().map(|b| b.map(crate::link::Received::Byte));
        }
        let k = self.tx_count;
        self.tx_count = self.tx_count.saturating_add(1);
        if self.tx_parity.contains(&k) {
            self.awaiting_signal = true;
            return Ok(Some(crate::link::Received::ParityError));
        }
        self.recv().map(|b| b.map(crate::link::Received::Byte))
    }

    fn signal_parity_error(&mut self) -> Result<(), Error> {
        // The card sees the error signal: the character stays at the head of the queue and is
        // sent again.
        if !core::mem::replace(&mut self.awaiting_signal, false) {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        Ok(())
    }
}

/// The simulated card behind a T=1 block link ([`crate::link::BlockIo`]): card-side I/R/S
/// blocks, chaining both ways (responses cut into blocks of at most `ifsd` bytes), IFS and
/// RESYNCH handling, and fault injection: the replies numbered in `corrupt` get a wrong LRC,
/// those in `drop` are never sent (the terminal times out).
#[derive(Clone)]
pub struct SimT1<'a> {
    card: SimCard<'a>,
    /// The terminal's receive size, i.e. the card's largest response block.
    pub ifsd: usize,
    ns: bool,
    nr: bool,
    apdu: [u8; 261],
    alen: usize,
    resp: [u8; 258],
    rlen: usize,
    roff: usize,
    chunk: usize,
    last: [u8; crate::link::t1::MAX_BLOCK],
    last_len: usize,
    replies: u16,
    /// Reply numbers (0-based) sent with a corrupted LRC.
    pub corrupt: &'a [u16],
    /// Reply numbers (0-based) not sent at all.
    pub drop: &'a [u16],
}

impl core::fmt::Debug for SimT1<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SimT1")
            .field("card", &self.card)
            .field("ifsd", &self.ifsd)
            .field("ns", &self.ns)
            .field("nr", &self.nr)
            .field("replies", &self.replies)
            .finish_non_exhaustive()
    }
}

impl<'a> SimT1<'a> {
    /// Wraps a simulated card; `ifsd` is the size the card may send per block.
    pub fn new(card: SimCard<'a>, ifsd: usize) -> Self {
        Self {
            card,
            ifsd: ifsd.clamp(1, 254),
            ns: false,
            nr: false,
            apdu: [0; 261],
            alen: 0,
            resp: [0; 258],
            rlen: 0,
            roff: 0,
            chunk: 0,
            last: [0; crate::link::t1::MAX_BLOCK],
            last_len: 0,
            replies: 0,
            corrupt: &[],
            drop: &[],
        }
    }

    fn block(
        &mut self,
        pcb: crate::link::t1::Pcb,
        inf_from_resp: Option<(usize, usize)>,
        inf: &[u8],
    ) -> Result<(), Error> {
        let body: &[u8] = match inf_from_resp {
            Some((a, b)) => self.resp.get(a..b).unwrap_or(&[]),
            None => inf,
        };
        let mut tmp = [0u8; crate::link::t1::MAX_BLOCK];
        let n = crate::link::t1::encode_block(0, pcb, body, &mut tmp)?;
        self.last = tmp;
        self.last_len = n;
        Ok(())
    }

    fn send_resp_chunk(&mut self) -> Result<(), Error> {
        let chunk = self.rlen.saturating_sub(self.roff).min(self.ifsd);
        let end = self.roff.saturating_add(chunk);
        self.chunk = chunk;
        let more = end < self.rlen;
        self.block(crate::link::t1::Pcb::I { ns: self.ns, more }, Some((self.roff, end)), &[])
    }

    fn handle(&mut self, tx: &[u8]) -> Result<(), Error> {
        use crate::link::t1::{Block, BlockError, Pcb, SKind};
        let blk = match Block::parse(tx) {
            Ok(b) => b,
            Err(e) => {
                let code = if e == BlockError::Edc { 1 } else { 2 };
                return self.block(Pcb::R { nr: self.nr, error: code }, None, &[]);
            }
        };
        match blk.pcb {
            Pcb::I { ns, more } => {
                if ns != self.nr {
                    return self.block(Pcb::R { nr: self.nr, error: 2 }, None, &[]);
                }
                if self.rlen > 0 && self.roff < self.rlen {
                    // The terminal's I-block acknowledges our last response chunk: a new command.
                    self.ns = !self.ns;
                }
                self.rlen = 0;
                self.roff = 0;
                let end = self.alen.checked_add(blk.inf.len()).ok_or(Error::new(ErrorKind::Full, 0))?;
                self.apdu
                    .get_mut(self.alen..end)
                    .ok_or(Error::new(ErrorKind::Full, 0))?
                    .copy_from_slice(blk.inf);
                self.alen = end;
                self.nr = !self.nr;
                if more {
                    return self.block(Pcb::R { nr: self.nr, error: 0 }, None, &[]);
                }
                let apdu = self.apdu;
                let n = self.card.transmit(apdu.get(..self.alen).unwrap_or(&[]), &mut self.resp)?;
                self.alen = 0;
                self.rlen = n;
                self.roff = 0;
                self.send_resp_chunk()
            }
            Pcb::R { nr, .. } => {
                let chaining = self.rlen > 0 && self.roff.saturating_add(self.chunk) < self.rlen;
                if chaining && nr != self.ns {
                    self.ns = !self.ns;
                    self.roff = self.roff.saturating_add(self.chunk);
                    return self.send_resp_chunk();
                }
                Ok(()) // retransmit the last block as it is
            }
            Pcb::S { response: false, kind: SKind::Ifs } => {
                let inf = [blk.inf.first().copied().unwrap_or(0x20)];
                self.block(Pcb::S { response: true, kind: SKind::Ifs }, None, &inf)
            }
            Pcb::S { response: false, kind: SKind::Resynch } => {
                self.ns = false;
                self.nr = false;
                self.alen = 0;
                self.rlen = 0;
                self.roff = 0;
                self.block(Pcb::S { response: true, kind: SKind::Resynch }, None, &[])
            }
            Pcb::S { .. } => self.block(Pcb::R { nr: self.nr, error: 2 }, None, &[]),
        }
    }
}

impl crate::link::BlockIo for SimT1<'_> {
    fn exchange_block(&mut self, tx: &[u8], rx: &mut [u8]) -> Result<Option<usize>, Error> {
        self.handle(tx)?;
        let k = self.replies;
        self.replies = self.replies.saturating_add(1);
        if self.drop.contains(&k) {
            return Ok(None);
        }
        let n = self.last_len;
        let dst = rx.get_mut(..n).ok_or(Error::new(ErrorKind::BufferTooSmall, n))?;
        dst.copy_from_slice(self.last.get(..n).unwrap_or(&[]));
        if self.corrupt.contains(&k)
            && let Some(l) = dst.last_mut()
        {
            *l ^= 0x55;
        }
        Ok(Some(n))
    }
}
