//! Magnetic stripe tracks 1 and 2 (ISO/IEC 7813) and the service-code rules for swiping a chip
//! card (EMV fallback).
//!
//! Track 2: `;` PAN (≤ 19 digits) `=` YYMM, service code (3 digits), discretionary data `?` (then the LRC character).
//! Track 1: `%B` PAN `^` name (2–26 characters) `^` YYMM, service code, discretionary `?` (then the LRC character).
//! Sentinels and the LRC character are optional on input (readers often strip them); a field
//! separator may also replace the expiry and service code when absent (then they are `None`).
//!
//! Service code digit 1: `2` and `6` mean "IC card: use the chip". [`swipe_decision`] applies the
//! rule a terminal with a chip reader follows: a chip card swiped must be inserted; magnetic
//! stripe is accepted only as fallback after the chip could not be read (the caller records that
//! as [`ChipAttempt::Failed`]), and the transaction is then marked as fallback.
//!
//! `Display` masks the PAN (first 6, last 4) and hides name and discretionary data.

use core::fmt;

use crate::error::{Error, ErrorKind};

/// A parsed track (views over the input characters).
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct Track<'a> {
    /// The PAN digits.
    pub pan: &'a str,
    /// The cardholder name (track 1 only).
    pub name: Option<&'a str>,
    /// Expiry YYMM.
    pub expiry: Option<&'a str>,
    /// The three-digit service code.
    pub service_code: Option<ServiceCode>,
    /// Discretionary data.
    pub discretionary: &'a str,
}

/// A service code (three digits).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServiceCode(pub [u8; 3]);

impl ServiceCode {
    /// Parses three ASCII digits.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let b: [u8; 3] = s.as_bytes().try_into().map_err(|_| Error::new(ErrorKind::BadLength, 0))?;
        if !b.iter().all(u8::is_ascii_digit) {
            return Err(Error::new(ErrorKind::BadValue, 0));
        }
        Ok(Self(b.map(|c| c.saturating_sub(b'0'))))
    }

    /// Digit 1 is 2 or 6: the card has a chip that must be used.
    pub const fn is_chip_card(self) -> bool {
        matches!(self.0[0], 2 | 6)
    }

    /// Digit 1: interchange.
    pub const fn interchange(self) -> &'static str {
        match self.0[0] {
            1 => "International interchange OK",
            2 => "International interchange, use IC (chip) where feasible",
            5 => "National interchange only, except under bilateral agreement",
            6 => "National interchange only, use IC (chip) where feasible",
            7 => "No interchange except under bilateral agreement (closed loop)",
            9 => "Test",
            _ => "Reserved",
        }
    }

    /// Digit 2: authorisation processing.
    pub const fn authorisation(self) -> &'static str {
        match self.0[1] {
            0 => "Normal",
            2 => "Contact issuer via online means",
            4 => "Contact issuer via online means except under bilateral agreement",
            _ => "Reserved",
        }
    }

    /// Digit 3: allowed services and PIN requirements.
    pub const fn services(self) -> &'static str {
        match self.0[2] {
            0 => "No restrictions, PIN required",
            1 => "No restrictions",
            2 => "Goods and services only",
            3 => "ATM only, PIN required",
            4 => "Cash only",
            5 => "Goods and services only, PIN required",
            6 => "No restrictions, prompt for PIN if PED present",
            7 => "Goods and services only, prompt for PIN if PED present",
            _ => "Reserved",
        }
    }

    /// Digit 3 requires a PIN (0, 3, 5).
    pub const fn pin_required(self) -> bool {
        matches!(self.0[2], 0 | 3 | 5)
    }
}

impl fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c] = self.0;
        write!(f, "{a}{b}{c}: {}; {}; {}", self.interchange(), self.authorisation(), self.services())
    }
}

/// `s.split_once('^')` by byte search (see [`strip`]).
fn split_caret(s: &str) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == b'^')?;
    Some((s.get(..i)?, s.get(i.checked_add(1)?..)?))
}

fn strip(s: &str, start: char) -> &str {
    let s = s.strip_prefix(start).unwrap_or(s);
    // Byte search: `str::find(char)` keeps a bounds panic in core's searcher that the
    // panic-freedom link check would find.
    match s.bytes().position(|b| b == b'?') {
        Some(i) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

fn tail(s: &str) -> Result<(Option<&str>, Option<ServiceCode>, &str), Error> {
    // YYMM + service code, or '=' / '^' standing for an absent field.
    let (expiry, s) = match s.strip_prefix(['=', '^']) {
        Some(rest) => (None, rest),
        None => {
            let (e, rest) = s.split_at_checked(4).ok_or(Error::new(ErrorKind::BadLength, 0))?;
            if !e.bytes().all(|c| c.is_ascii_digit()) {
                return Err(Error::new(ErrorKind::BadValue, 0));
            }
            (Some(e), rest)
        }
    };
    let (sc, s) = match s.strip_prefix(['=', '^']) {
        Some(rest) => (None, rest),
        None => {
            let (c, rest) = s.split_at_checked(3).ok_or(Error::new(ErrorKind::BadLength, 0))?;
            (Some(ServiceCode::parse(c)?), rest)
        }
    };
    Ok((expiry, sc, s))
}

fn check_pan(pan: &str) -> Result<(), Error> {
    if !(12..=19).contains(&pan.len()) || !pan.bytes().all(|c| c.is_ascii_digit()) {
        return Err(Error::new(ErrorKind::BadValue, 0));
    }
    Ok(())
}

impl<'a> Track<'a> {
    /// Parses track 2 (`;PAN=YYMMSSS…?`; sentinels optional).
    pub fn parse_track2(s: &'a str) -> Result<Self, Error> {
        let s = strip(s, ';');
        let (pan, rest) = s.split_once(['=', 'D']).ok_or(Error::new(ErrorKind::BadValue, 0))?;
        check_pan(pan)?;
        if !rest.bytes().all(|c| c.is_ascii_digit() || c == b'=') {
            return Err(Error::new(ErrorKind::BadValue, pan.len()));
        }
        let (expiry, service_code, discretionary) = tail(rest)?;
        Ok(Self { pan, name: None, expiry, service_code, discretionary })
    }

    /// Parses track 1 (`%B PAN ^ NAME ^ YYMMSSS…?`; sentinels optional).
    pub fn parse_track1(s: &'a str) -> Result<Self, Error> {
        let s = strip(s, '%');
        let s = s.strip_prefix('B').ok_or(Error::new(ErrorKind::BadValue, 0))?;
        let (pan, rest) = split_caret(s).ok_or(Error::new(ErrorKind::BadValue, 1))?;
        check_pan(pan)?;
        let (name, rest) = split_caret(rest).ok_or(Error::new(ErrorKind::BadValue, pan.len()))?;
        if !(2..=26).contains(&name.len()) {
            return Err(Error::new(ErrorKind::BadLength, pan.len().saturating_add(2)));
        }
        let (expiry, service_code, discretionary) = tail(rest)?;
        Ok(Self { pan, name: Some(name), expiry, service_code, discretionary })
    }
}

impl fmt::Display for Track<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PAN ")?;
        let n = self.pan.len();
        for (i, c) in self.pan.chars().enumerate() {
            if i < 6 || i.saturating_add(4) >= n {
                write!(f, "{c}")?;
            } else {
                f.write_str("*")?;
            }
        }
        if let Some(sc) = self.service_code {
            let [a, b, c] = sc.0;
            write!(f, ", service code {a}{b}{c}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Track<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Track({self})")
    }
}

/// What happened with the chip before the swipe.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChipAttempt {
    /// The chip was not tried.
    NotTried,
    /// The chip was tried and could not be read (no ATR, or no common application after a
    /// technical failure): fallback is possible.
    Failed,
}

/// The terminal's decision on a swipe.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum SwipeDecision {
    /// Proceed with the magnetic stripe (not a chip card, or the terminal has no chip reader).
    Accept,
    /// A chip card: ask for the card to be inserted.
    UseChip,
    /// Proceed with the magnetic stripe as fallback (POS entry mode 80 in ISO 8583).
    Fallback,
    /// No service code: the track cannot be accepted.
    Reject,
}

/// Applies the service-code rule for a swipe (module docs).
pub fn swipe_decision(track: &Track<'_>, terminal_has_chip_reader: bool, chip: ChipAttempt) -> SwipeDecision {
    let Some(sc) = track.service_code else { return SwipeDecision::Reject };
    if !sc.is_chip_card() || !terminal_has_chip_reader {
        return SwipeDecision::Accept;
    }
    match chip {
        ChipAttempt::NotTried => SwipeDecision::UseChip,
        ChipAttempt::Failed => SwipeDecision::Fallback,
    }
}
