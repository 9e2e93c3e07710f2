//! Answer to Reset (ISO/IEC 7816-3 §8.2) and PPS (§9), with the EMV acceptance rules.
//!
//! [`Atr::parse`] reads the structure of any ATR (TS, T0, interface bytes TAi–TDi, historical
//! bytes, TCK). [`Atr::check_emv`] then applies the acceptance rules this crate implements,
//! from EMV Book 1 §8.3 as summarised below (a terminal rejects the card — warm reset, then
//! deactivation — when one fails):
//! - TS is `3B` (direct) or `3F` (inverse convention);
//! - TA1, when present, codes Fi/Di `11`, `12` or `13` (F = 372, D = 1, 2 or 4);
//! - TB1 and TB2 (programming voltage) are ignored for TB1 and TB2 must be absent;
//! - TD1 indicates T=0 or T=1; TD2, when present, indicates T=1 (or T=15 global bytes);
//! - TA2 (specific mode), when present, has b5 = 0 (no implicit parameters) and names T=0 or T=1;
//! - TC2 (T=0 waiting integer), when present, is `0A`;
//! - for T=1: TA3 (IFSC) is `10`–`FE`; TB3 has BWI ≤ 4, CWI ≤ 5 and 2^CWI > N + 1 for the extra
//!   guard time N of TC1 (unless N = `FF`); TC3, when present, is `00` (LRC);
//! - TCK is present and correct whenever a protocol other than T=0 is indicated.
//!
//! These are the rules as the EMV Book 1 text is commonly summarised; the choice to reject TB2
//! and to accept any TC1 follows Book 1 §8.3.3 as read here — verify against the Book version
//! targeted before certification.

use core::fmt;

use crate::error::{Error, ErrorKind};

/// The maximum number of interface-byte groups read (TA1…TD8).
pub const MAX_LEVELS: usize = 8;

/// Bit convention announced by TS.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Convention {
    /// `3B`.
    Direct,
    /// `3F`.
    Inverse,
}

/// A parsed ATR (a view: historical bytes borrow the input).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Atr<'a> {
    /// The convention.
    pub convention: Convention,
    /// TA1…TA8 (index 0 = TA1).
    pub ta: [Option<u8>; MAX_LEVELS],
    /// TB1…TB8.
    pub tb: [Option<u8>; MAX_LEVELS],
    /// TC1…TC8.
    pub tc: [Option<u8>; MAX_LEVELS],
    /// TD1…TD8.
    pub td: [Option<u8>; MAX_LEVELS],
    /// The historical bytes.
    pub historical: &'a [u8],
    /// TCK, if present.
    pub tck: Option<u8>,
    /// Total length of the ATR in bytes.
    pub len: usize,
}

/// The parameters a terminal uses after an accepted ATR.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LinkParams {
    /// The protocol to use: 0 or 1 (the first offered by TD1, or the one TA2 imposes).
    pub protocol: u8,
    /// Fi/Di byte (TA1, default `11`).
    pub fidi: u8,
    /// Extra guard time N (TC1, default 0).
    pub extra_guard_time: u8,
    /// T=0 waiting integer (TC2, default 10).
    pub wi: u8,
    /// T=1 IFSC (TA3, default 32).
    pub ifsc: u8,
    /// T=1 block waiting integer (TB3 high nibble, default 4).
    pub bwi: u8,
    /// T=1 character waiting integer (TB3 low nibble, default 13).
    pub cwi: u8,
    /// Whether the card is in specific mode (TA2 present): no PPS.
    pub specific_mode: bool,
}

impl LinkParams {
    /// The adjustment factor D of the Fi/Di byte (EMV: TA1 `11`–`13` → 1, 2, 4); 1 otherwise.
    pub const fn d(&self) -> u32 {
        match self.fidi & 0x0F {
            2 => 2,
            3 => 4,
            _ => 1,
        }
    }

    /// T=0 work waiting time in etu: 960 × D × WI (ISO/IEC 7816-3 §10.2, F = 372 as EMV uses).
    /// EMV Book 1 lets the terminal add a tolerance (D × 480 etu); the caller's timer applies it.
    pub const fn wwt_etu(&self) -> u32 {
        960u32.saturating_mul(self.d()).saturating_mul(self.wi as u32)
    }

    /// T=1 character waiting time in etu: 11 + 2^CWI.
    pub const fn cwt_etu(&self) -> u32 {
        11u32.saturating_add(1u32 << (self.cwi & 0x0F))
    }

    /// T=1 block waiting time in etu: 11 + 2^BWI × 960 × D (multiply the second term by the
    /// WTX multiplier when the card asked for one, [`crate::link::t1::T1::wtx`]).
    pub const fn bwt_etu(&self) -> u32 {
        let block = (1u32 << (self.bwi & 0x0F)).saturating_mul(960).saturating_mul(self.d());
        11u32.saturating_add(block)
    }
}

impl<'a> Atr<'a> {
    /// Parses the structure; the input must be exactly one ATR.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let (&ts, rest) = bytes.split_first().ok_or(Error::new(ErrorKind::BadLength, 0))?;
        let convention = match ts {
            0x3B => Convention::Direct,
            0x3F => Convention::Inverse,
            _ => return Err(Error::new(ErrorKind::Link, 0)),
        };
        let (&t0, mut rest) = rest.split_first().ok_or(Error::new(ErrorKind::BadLength, 1))?;
        let k = usize::from(t0 & 0x0F);
        let mut y = t0 >> 4;
        let mut atr = Self {
            convention,
            ta: [None; MAX_LEVELS],
            tb: [None; MAX_LEVELS],
            tc: [None; MAX_LEVELS],
            td: [None; MAX_LEVELS],
            historical: &[],
            tck: None,
            len: 0,
        };
        let mut pos = 2usize;
        let mut needs_tck = false;
        let mut level = 0usize;
        loop {
            for (bit, slot) in [(0x1u8, 0usize), (0x2, 1), (0x4, 2), (0x8, 3)] {
                if y & bit == 0 {
                    continue;
                }
                let (&b, r) = rest.split_first().ok_or(Error::new(ErrorKind::BadLength, pos))?;
                rest = r;
                let arr = match slot {
                    0 => &mut atr.ta,
                    1 => &mut atr.tb,
                    2 => &mut atr.tc,
                    _ => &mut atr.td,
                };
                *arr.get_mut(level).ok_or(Error::new(ErrorKind::Link, pos))? = Some(b);
                pos = pos.saturating_add(1);
            }
            match atr.td.get(level).copied().flatten() {
                Some(td) if y & 0x8 != 0 => {
                    if td & 0x0F != 0 {
                        needs_tck = true;
                    }
                    y = td >> 4;
                    level = level.saturating_add(1);
                    if level >= MAX_LEVELS {
                        return Err(Error::new(ErrorKind::Link, pos));
                    }
                }
                _ => break,
            }
        }
        let (hist, rest) = rest.split_at_checked(k).ok_or(Error::new(ErrorKind::BadLength, pos))?;
        atr.historical = hist;
        pos = pos.saturating_add(k);
        let rest = if needs_tck {
            let (&tck, r) = rest.split_first().ok_or(Error::new(ErrorKind::BadLength, pos))?;
            atr.tck = Some(tck);
            // XOR of T0 … TCK is zero.
            let x = bytes.get(1..pos.saturating_add(1)).unwrap_or(&[]).iter().fold(0u8, |a, b| a ^ b);
            if x != 0 {
                return Err(Error::new(ErrorKind::Link, pos));
            }
            pos = pos.saturating_add(1);
            r
        } else {
            rest
        };
        if !rest.is_empty() {
            return Err(Error::new(ErrorKind::BadLength, pos));
        }
        atr.len = pos;
        Ok(atr)
    }

    /// The protocols offered (bit n set = T=n), from TD1, TD2 …; T=0 when no TD1.
    pub fn protocols(&self) -> u16 {
        let mut set = 0u16;
        for td in self.td.iter().flatten() {
            set |= 1u16 << (td & 0x0F);
        }
        if set & 0x7FFF == 0 { 1 } else { set & 0x7FFF }
    }

    /// The expected total length, from the first bytes received so far (`None`: need more).
    /// A UART driver uses it to know when the ATR is complete.
    pub fn expected_len(prefix: &[u8]) -> Option<usize> {
        let &t0 = prefix.get(1)?;
        let mut y = t0 >> 4;
        let mut pos = 2usize;
        let mut needs_tck = false;
        loop {
            let count = (y & 0x0F).count_ones() as usize;
            let td_at = if y & 0x8 != 0 { Some(pos.saturating_add(count).saturating_sub(1)) } else { None };
            pos = pos.saturating_add(count);
            match td_at {
                Some(i) => {
                    let &td = prefix.get(i)?;
                    if td & 0x0F != 0 {
                        needs_tck = true;
                    }
                    y = td >> 4;
                }
                None => break,
            }
            if pos > 40 {
                return Some(pos);
            }
        }
        Some(pos.saturating_add(usize::from(t0 & 0x0F)).saturating_add(usize::from(needs_tck)))
    }

    /// Applies the EMV acceptance rules (module docs) and returns the link parameters.
    pub fn check_emv(&self) -> Result<LinkParams, Error> {
        let reject = |i: usize| Error::new(ErrorKind::Link, i);
        let [ta1, ta2, ta3, ..] = self.ta;
        let [_, tb2, tb3, ..] = self.tb;
        let [tc1, tc2, tc3, ..] = self.tc;
        let [td1, td2, ..] = self.td;
        if let Some(ta1) = ta1
            && !(0x11..=0x13).contains(&ta1)
        {
            return Err(reject(2));
        }
        if tb2.is_some() {
            return Err(reject(0));
        }
        let first = td1.map_or(0, |t| t & 0x0F);
        if first > 1 {
            return Err(reject(0));
        }
        if let Some(td2) = td2
            && !matches!(td2 & 0x0F, 1 | 15)
        {
            return Err(reject(0));
        }
        let mut protocol = first;
        if let Some(ta2) = ta2 {
            if ta2 & 0x10 != 0 || ta2 & 0x0F > 1 {
                return Err(reject(0));
            }
            protocol = ta2 & 0x0F;
        }
        if let Some(tc2) = tc2
            && tc2 != 0x0A
        {
            return Err(reject(0));
        }
        let n = tc1.unwrap_or(0);
        let t1_offered = self.protocols() & 0x2 != 0;
        let (mut ifsc, mut bwi, mut cwi) = (32u8, 4u8, 13u8);
        if t1_offered {
            if let Some(ta3) = ta3 {
                if !(0x10..=0xFE).contains(&ta3) {
                    return Err(reject(0));
                }
                ifsc = ta3;
            }
            if let Some(tb3) = tb3 {
                bwi = tb3 >> 4;
                cwi = tb3 & 0x0F;
                let two_cwi = 1u16 << cwi;
                if bwi > 4 || cwi > 5 || (n != 0xFF && two_cwi <= u16::from(n).saturating_add(1)) {
                    return Err(reject(0));
                }
            } else if protocol == 1 {
                // EMV requires TB3 for T=1.
                return Err(reject(0));
            }
            if let Some(tc3) = tc3
                && tc3 != 0
            {
                return Err(reject(0));
            }
        }
        Ok(LinkParams {
            protocol,
            fidi: ta1.unwrap_or(0x11),
            extra_guard_time: n,
            wi: tc2.unwrap_or(10),
            ifsc,
            bwi,
            cwi,
            specific_mode: ta2.is_some(),
        })
    }
}

impl fmt::Display for Atr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} convention, protocols {:#06b}", self.convention, self.protocols())?;
        for (name, arr) in [("TA", &self.ta), ("TB", &self.tb), ("TC", &self.tc), ("TD", &self.td)] {
            for (i, v) in arr.iter().enumerate() {
                if let Some(v) = v {
                    write!(f, ", {name}{}={v:02X}", i.saturating_add(1))?;
                }
            }
        }
        write!(f, ", {} historical bytes", self.historical.len())
    }
}

/// A PPS request (ISO 7816-3 §9.2): PPSS `FF`, PPS0 (PPS1 present, protocol), PPS1 = Fi/Di, PCK.
pub const fn pps_request(protocol: u8, fidi: u8) -> [u8; 4] {
    let pps0 = 0x10 | (protocol & 0x0F);
    [0xFF, pps0, fidi, 0xFF ^ pps0 ^ fidi]
}

/// Checks a PPS response against the request: success when it echoes the request exactly.
pub fn pps_confirmed(request: &[u8; 4], response: &[u8]) -> Result<(), Error> {
    let x = response.iter().fold(0u8, |a, b| a ^ b);
    if response == request && x == 0 { Ok(()) } else { Err(Error::new(ErrorKind::Link, 0)) }
}
