//! A test PIN entry device for the simulated cards ([`TestPinPad`]), implementing the kernel's
//! [`PinDevice`]: plaintext offline PIN sent by the device itself (EMV Book 3 §6.5.12 plaintext PIN
//! block `2N PP…PP FF…`), enciphered offline PIN (EMV Book 2 §7.2: `7F` ‖ PIN block ‖ ICC
//! challenge ‖ pad, RSA with the card's key) and an online ISO 9564 format 0 block under a test PIN
//! key. A test device: it holds the PIN in memory and pads with a fixed byte.

use crate::apdu::{CardTransport, Command, exchange};
use crate::error::{Error, ErrorKind};
use crate::kernel::oda::PublicKey;
use crate::kernel::transaction::PinDevice;
use payproto_crypto::Key;
use payproto_crypto::pin::{self, Format, Pan, Pin};

/// The test PIN pad.
pub struct TestPinPad<'a> {
    /// The PIN the cardholder types (ASCII digits, 4–12).
    pub pin: &'a [u8],
    /// Answers "bypassed" instead of a PIN.
    pub bypass: bool,
    /// The key of online PIN blocks (format 0).
    pub online_key: Option<Key>,
    /// How many PIN entries were made (for tests).
    pub entries: usize,
}

impl core::fmt::Debug for TestPinPad<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TestPinPad").field("entries", &self.entries).finish_non_exhaustive()
    }
}

impl<'a> TestPinPad<'a> {
    /// A pad on which the cardholder enters `pin`.
    pub const fn new(pin: &'a [u8]) -> Self {
        Self { pin, bypass: false, online_key: None, entries: 0 }
    }

    /// The plaintext PIN block of EMV Book 3: control `2`, length, digits, `F` fill.
    fn block(&self) -> Result<[u8; 8], Error> {
        let n = self.pin.len();
        if !(4..=12).contains(&n) || !self.pin.iter().all(u8::is_ascii_digit) {
            return Err(Error::new(ErrorKind::BadValue, n));
        }
        let mut nibbles = [0x0Fu8; 16];
        nibbles[0] = 2;
        nibbles[1] = u8::try_from(n).unwrap_or(0);
        for (d, c) in nibbles.iter_mut().skip(2).zip(self.pin) {
            *d = c & 0x0F;
        }
        let mut out = [0u8; 8];
        for (o, p) in out.iter_mut().zip(nibbles.chunks_exact(2)) {
            if let [hi, lo] = p {
                *o = (hi << 4) | lo;
            }
        }
        Ok(out)
    }
}

impl PinDevice for TestPinPad<'_> {
    fn offline_plaintext(
        &mut self,
        card: &mut dyn CardTransport,
        _try_counter: Option<u8>,
    ) -> Result<Option<u16>, Error> {
        if self.bypass {
            return Ok(None);
        }
        self.entries = self.entries.saturating_add(1);
        let block = self.block()?;
        let mut buf = [0u8; 16];
        let r = exchange(card, &Command::verify(0x80, &block), &mut buf)?;
        Ok(Some(r.sw.to_u16()))
    }

    fn offline_enciphered(
        &mut self,
        key: &PublicKey,
        challenge: &[u8; 8],
        _try_counter: Option<u8>,
        out: &mut [u8],
    ) -> Result<Option<usize>, Error> {
        if self.bypass {
            return Ok(None);
        }
        self.entries = self.entries.saturating_add(1);
        let n = key.modulus().len();
        let mut data = [0x5Au8; 248];
        let data = data.get_mut(..n).ok_or(Error::new(ErrorKind::BadLength, n))?;
        let (head, _) = data.split_at_mut_checked(17).ok_or(Error::new(ErrorKind::BadLength, n))?;
        let block = self.block()?;
        for (d, s) in head.iter_mut().zip([0x7F].iter().chain(&block).chain(challenge)) {
            *d = *s;
        }
        payproto_crypto::rsa::public_op(key.modulus(), key.exponent(), data, out)
            .map(Some)
            .map_err(|_| Error::new(ErrorKind::BadValue, n))
    }

    fn online(&mut self, pan: &[u8], out: &mut [u8; 16]) -> Option<usize> {
        if self.bypass {
            return None;
        }
        let key = self.online_key.as_ref()?;
        self.entries = self.entries.saturating_add(1);
        // 5A is BCD with an F pad: the digits as ASCII.
        let mut ascii = [0u8; 20];
        let mut len = 0usize;
        for nib in pan.iter().flat_map(|b| [b >> 4, b & 0x0F]).take_while(|&d| d <= 9) {
            if let Some(slot) = ascii.get_mut(len) {
                *slot = b'0' | nib;
                len = len.saturating_add(1);
            }
        }
        let pan = Pan::new(ascii.get(..len)?).ok()?;
        let pin = Pin::new(self.pin).ok()?;
        let block = pin::encrypt_with_random(Format::Iso0, key, &pin, Some(&pan), &[0; 8]).ok()?;
        let b = block.as_bytes();
        out.get_mut(..b.len())?.copy_from_slice(b);
        Some(b.len())
    }
}
