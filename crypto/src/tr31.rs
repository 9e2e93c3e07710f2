//! TR-31 / ANSI X9.143 key blocks: unwrap versions A, B, C, D; wrap B and D.
//!
//! Parsing is lenient, like deployed HSMs expect (optional blocks are opaque printable ASCII; no
//! key-length-obfuscation check on decode). Building is strict (X9.143): version D for an AES
//! KBPK and B for TDES, the wrapped key padded to the maximum key length of its algorithm, and
//! the `KS` block only with TDES DUKPT keys (AES DUKPT uses `IK`). MACs are checked in constant
//! time.

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Algorithm, Key};
use crate::mac::{self, MacTag};
use rand_core::CryptoRng;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Key block version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Version {
    /// `A`: TDES key variant binding (deprecated; unwrap only).
    A,
    /// `B`: TDES key derivation binding.
    B,
    /// `C`: TDES key variant binding (unwrap only).
    C,
    /// `D`: AES key derivation binding.
    D,
}

impl Version {
    /// From the header character.
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`].
    pub const fn from_char(c: u8) -> Result<Self> {
        match c {
            b'A' => Ok(Self::A),
            b'B' => Ok(Self::B),
            b'C' => Ok(Self::C),
            b'D' => Ok(Self::D),
            _ => Err(Error::new(ErrorKind::Unsupported, "key block version")),
        }
    }
    /// The header character.
    #[must_use]
    pub const fn as_char(self) -> u8 {
        match self {
            Self::A => b'A',
            Self::B => b'B',
            Self::C => b'C',
            Self::D => b'D',
        }
    }
    /// Cipher block size (8 for TDES versions, 16 for D).
    #[must_use]
    pub const fn block_size(self) -> usize {
        if matches!(self, Self::D) { 16 } else { 8 }
    }
    /// MAC length in bytes (A/C 4, B 8, D 16).
    #[must_use]
    pub const fn mac_len(self) -> usize {
        match self {
            Self::A | Self::C => 4,
            Self::B => 8,
            Self::D => 16,
        }
    }
}

/// The fixed 16-character header (typed where the standard fixes the meaning; the two-character
/// codes are kept as validated ASCII so unknown proprietary values still parse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Version.
    pub version: Version,
    /// Key usage, e.g. `*b"P0"` PIN encryption, `*b"B0"` BDK, `*b"B1"` DUKPT initial key.
    pub usage: [u8; 2],
    /// Algorithm: `b'T'` TDES, `b'A'` AES, `b'D'` DES, `b'H'` HMAC, `b'R'` RSA, `b'E'` ECC.
    pub algorithm: u8,
    /// Mode of use, e.g. `b'E'` encrypt, `b'D'` decrypt, `b'B'` both, `b'N'` none, `b'X'` derive.
    pub mode: u8,
    /// Key version number (2 characters).
    pub key_version: [u8; 2],
    /// Exportability: `b'E'`, `b'N'`, `b'S'`.
    pub exportability: u8,
    /// Key context (X9.143; `b'0'` in TR-31).
    pub context: u8,
    /// Reserved (`b'0'`).
    pub reserved: u8,
}

/// Key usage `B0` (base derivation key).
pub const USAGE_BDK: [u8; 2] = *b"B0";
/// Key usage `B1` (initial DUKPT key).
pub const USAGE_DUKPT_INITIAL_KEY: [u8; 2] = *b"B1";

/// One optional block: two-character ID and its data (printable ASCII), borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionalBlock<'a> {
    /// Block ID, e.g. `*b"KS"`.
    pub id: [u8; 2],
    /// Block data.
    pub data: &'a [u8],
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c.wrapping_sub(b'0')),
        b'A'..=b'F' => Some(c.wrapping_sub(b'A').wrapping_add(10)),
        b'a'..=b'f' => Some(c.wrapping_sub(b'a').wrapping_add(10)),
        _ => None,
    }
}

/// Decodes hex `src` into `out` (exactly `src.len() / 2` bytes).
fn unhex(src: &[u8], out: &mut [u8], field: &'static str) -> Result<()> {
    if src.len() != out.len().saturating_mul(2) {
        return Err(Error::at(ErrorKind::InvalidLength, field, src.len()));
    }
    for (i, (o, pair)) in out.iter_mut().zip(src.chunks_exact(2)).enumerate() {
        let (Some(h), Some(l)) =
            (pair.first().copied().and_then(hex_val), pair.get(1).copied().and_then(hex_val))
        else {
            return Err(Error::at(ErrorKind::InvalidCharacter, field, i.saturating_mul(2)));
        };
        *o = (h << 4) | l;
    }
    Ok(())
}

impl OptionalBlock<'_> {
    /// `KS` (TDES DUKPT KSN, X9.143 6.3.6.5): the data as a TDES KSN when it is 16 or 20 hex
    /// characters (None otherwise — some issuers put non-hex content there).
    #[must_use]
    pub fn ksn(&self) -> Option<crate::dukpt::tdes::Ksn> {
        if &self.id != b"KS" {
            return None;
        }
        let mut b = [0u8; 10];
        let n = self.data.len() / 2;
        let out = b.get_mut(..n)?;
        unhex(self.data, out, "KS").ok()?;
        crate::dukpt::tdes::Ksn::from_bytes(out).ok()
    }

    /// `IK` (AES DUKPT initial key ID): the 8-byte initial key ID from 16 hex characters.
    #[must_use]
    pub fn initial_key_id(&self) -> Option<[u8; 8]> {
        if &self.id != b"IK" {
            return None;
        }
        let mut b = [0u8; 8];
        unhex(self.data, &mut b, "IK").ok()?;
        Some(b)
    }
}

/// A parsed (not yet verified) key block: a view over the ASCII input.
#[derive(Debug, Clone, Copy)]
pub struct KeyBlock<'a> {
    header: Header,
    raw: &'a [u8],
    header_len: usize,
    n_blocks: usize,
}

fn is_printable(c: u8) -> bool {
    (0x20..=0x7E).contains(&c)
}

fn decimal(s: &[u8], field: &'static str, off: usize) -> Result<usize> {
    s.iter().enumerate().try_fold(0usize, |acc, (i, c)| {
        if c.is_ascii_digit() {
            Ok(acc.saturating_mul(10).saturating_add(usize::from(c.wrapping_sub(b'0'))))
        } else {
            Err(Error::at(ErrorKind::MalformedKeyBlock, field, off.saturating_add(i)))
        }
    })
}

fn hexnum(s: &[u8], field: &'static str, off: usize) -> Result<usize> {
    s.iter().enumerate().try_fold(0usize, |acc, (i, c)| {
        hex_val(*c).map(|v| acc.saturating_mul(16).saturating_add(usize::from(v))).ok_or(Error::at(
            ErrorKind::MalformedKeyBlock,
            field,
            off.saturating_add(i),
        ))
    })
}

fn at(raw: &[u8], i: usize) -> Result<u8> {
    raw.get(i).copied().ok_or(Error::at(ErrorKind::MalformedKeyBlock, "key block truncated", i))
}

fn two(raw: &[u8], i: usize) -> Result<[u8; 2]> {
    Ok([at(raw, i)?, at(raw, i.saturating_add(1))?])
}

/// Parses one optional block at `off`: returns the block and the offset after it.
fn parse_optional(raw: &[u8], off: usize) -> Result<(OptionalBlock<'_>, usize)> {
    let id = two(raw, off)?;
    if !id.iter().all(u8::is_ascii_alphanumeric) {
        return Err(Error::at(ErrorKind::MalformedKeyBlock, "optional block id", off));
    }
    let lo = off.saturating_add(2);
    let len = hexnum(&two(raw, lo)?, "optional block length", lo)?;
    let (data_start, total) = if len == 0 {
        let ll_off = lo.saturating_add(2);
        let ll = hexnum(&two(raw, ll_off)?, "optional block length of length", ll_off)?;
        if ll == 0 {
            return Err(Error::at(ErrorKind::MalformedKeyBlock, "optional block length of length", ll_off));
        }
        let l_off = ll_off.saturating_add(2);
        let l_end = l_off.saturating_add(ll.saturating_mul(2));
        let l = hexnum(
            raw.get(l_off..l_end).ok_or(Error::at(
                ErrorKind::MalformedKeyBlock,
                "optional block length",
                l_off,
            ))?,
            "optional block length",
            l_off,
        )?;
        (l_end, l)
    } else {
        (lo.saturating_add(2), len)
    };
    let end =
        off.checked_add(total).ok_or(Error::at(ErrorKind::MalformedKeyBlock, "optional block length", lo))?;
    if end < data_start {
        return Err(Error::at(ErrorKind::MalformedKeyBlock, "optional block length", lo));
    }
    let data = raw.get(data_start..end).ok_or(Error::at(
        ErrorKind::MalformedKeyBlock,
        "optional block data",
        data_start,
    ))?;
    if let Some(i) = data.iter().position(|c| !is_printable(*c)) {
        return Err(Error::at(
            ErrorKind::MalformedKeyBlock,
            "optional block data",
            data_start.saturating_add(i),
        ));
    }
    Ok((OptionalBlock { id, data }, end))
}

impl<'a> KeyBlock<'a> {
    /// Parses the header, the optional blocks and the framing of an ASCII key block. No
    /// cryptography; safe on any input.
    ///
    /// # Errors
    /// [`ErrorKind::MalformedKeyBlock`] (field and offset), [`ErrorKind::Unsupported`] version.
    pub fn parse(raw: &'a [u8]) -> Result<Self> {
        if raw.len() < 16 {
            return Err(Error::at(ErrorKind::MalformedKeyBlock, "header length", raw.len()));
        }
        if let Some(i) = raw.iter().position(|c| !is_printable(*c)) {
            return Err(Error::at(ErrorKind::MalformedKeyBlock, "non-printable character", i));
        }
        let version = Version::from_char(at(raw, 0)?)?;
        let total = decimal(raw.get(1..5).unwrap_or(&[]), "key block length", 1)?;
        if total != raw.len() {
            return Err(Error::at(ErrorKind::MalformedKeyBlock, "key block length", 1));
        }
        let fields = raw.get(5..12).unwrap_or(&[]);
        if let Some(i) = fields.iter().position(|c| !c.is_ascii_alphanumeric()) {
            return Err(Error::at(ErrorKind::MalformedKeyBlock, "header field", i.saturating_add(5)));
        }
        let header = Header {
            version,
            usage: two(raw, 5)?,
            algorithm: at(raw, 7)?,
            mode: at(raw, 8)?,
            key_version: two(raw, 9)?,
            exportability: at(raw, 11)?,
            context: at(raw, 14)?,
            reserved: at(raw, 15)?,
        };
        let n_blocks = decimal(raw.get(12..14).unwrap_or(&[]), "number of optional blocks", 12)?;
        let mut off = 16usize;
        for _ in 0..n_blocks {
            off = parse_optional(raw, off)?.1;
        }
        let kb = Self { header, raw, header_len: off, n_blocks };
        let (enc, mac) = kb.payload_hex()?;
        let bs = version.block_size().saturating_mul(2);
        if enc.is_empty() || !enc.len().is_multiple_of(bs) {
            return Err(Error::at(ErrorKind::MalformedKeyBlock, "encrypted key data length", off));
        }
        if let Some(i) = enc.iter().chain(mac).position(|c| hex_val(*c).is_none()) {
            return Err(Error::at(ErrorKind::MalformedKeyBlock, "encrypted key data", off.saturating_add(i)));
        }
        Ok(kb)
    }

    fn payload_hex(&self) -> Result<(&'a [u8], &'a [u8])> {
        let rest =
            self.raw.get(self.header_len..).ok_or(Error::at(ErrorKind::MalformedKeyBlock, "header", 0))?;
        let mac_hex = self.header.version.mac_len().saturating_mul(2);
        rest.split_at_checked(rest.len().checked_sub(mac_hex).ok_or(Error::at(
            ErrorKind::MalformedKeyBlock,
            "mac",
            self.header_len,
        ))?)
        .ok_or(Error::at(ErrorKind::MalformedKeyBlock, "mac", self.header_len))
    }

    /// The header.
    #[must_use]
    pub const fn header(&self) -> &Header {
        &self.header
    }

    /// Length of the header including the optional blocks (the MAC input's header part).
    #[must_use]
    pub const fn header_len(&self) -> usize {
        self.header_len
    }

    /// The optional blocks in order (the `PB` padding block included).
    pub fn optional_blocks(&self) -> impl Iterator<Item = OptionalBlock<'a>> + 'a {
        let raw = self.raw;
        let mut off = 16usize;
        (0..self.n_blocks).map_while(move |_| {
            let (b, next) = parse_optional(raw, off).ok()?;
            off = next;
            Some(b)
        })
    }

    /// Verifies the MAC (constant time) with `kbpk` and decrypts the key.
    ///
    /// # Errors
    /// [`ErrorKind::VerificationFailed`] on a MAC mismatch; [`ErrorKind::WrongAlgorithm`] for a
    /// KBPK of the wrong family; [`ErrorKind::MalformedKeyBlock`] for a bad key length field.
    pub fn unwrap(&self, kbpk: &Key) -> Result<UnwrappedKey> {
        let v = self.header.version;
        let (enc_hex, mac_hex) = self.payload_hex()?;
        let mut payload = [0u8; MAX_PAYLOAD];
        let n = enc_hex.len() / 2;
        let data = payload.get_mut(..n).ok_or(Error::at(ErrorKind::Unsupported, "key block too long", 0))?;
        unhex(enc_hex, data, "encrypted key data")?;
        let mut received = [0u8; 16];
        let rmac = received.get_mut(..v.mac_len()).ok_or(Error::new(ErrorKind::MalformedKeyBlock, "mac"))?;
        unhex(mac_hex, rmac, "mac")?;
        let header =
            self.raw.get(..self.header_len).ok_or(Error::new(ErrorKind::MalformedKeyBlock, "header"))?;
        let (kbek, kbak) = binding_keys(v, kbpk)?;
        let result = match v {
            Version::A | Version::C => {
                let computed = variant_mac(&kbak, header, data)?;
                computed.verify(rmac)?;
                let mut iv = [0u8; 8];
                iv.copy_from_slice(
                    header.get(..8).ok_or(Error::new(ErrorKind::MalformedKeyBlock, "header"))?,
                );
                kbek.cbc_decrypt(&iv, data)?;
                extract_key(data)
            }
            Version::B | Version::D => {
                kbek.cbc_decrypt(rmac, data)?;
                let computed = derivation_mac(&kbak, header, data)?;
                match computed.verify(rmac) {
                    Ok(()) => extract_key(data),
                    Err(e) => Err(e),
                }
            }
        };
        payload.zeroize();
        result
    }
}

const MAX_PAYLOAD: usize = 512;
const MAX_KEY: usize = 64;

/// A key recovered from a key block, zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct UnwrappedKey {
    bytes: [u8; MAX_KEY],
    len: usize,
}

impl core::fmt::Debug for UnwrappedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "UnwrappedKey({} bytes)", self.len)
    }
}

impl UnwrappedKey {
    /// The key bytes (secret).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

fn extract_key(clear: &[u8]) -> Result<UnwrappedKey> {
    let bits = usize::from(u16::from_be_bytes(two(clear, 0)?));
    if !bits.is_multiple_of(8) {
        return Err(Error::new(ErrorKind::MalformedKeyBlock, "key length"));
    }
    let len = bits / 8;
    let key =
        clear.get(2..len.saturating_add(2)).ok_or(Error::new(ErrorKind::MalformedKeyBlock, "key length"))?;
    let mut bytes = [0u8; MAX_KEY];
    bytes
        .get_mut(..len)
        .ok_or(Error::new(ErrorKind::Unsupported, "key longer than 64 bytes"))?
        .copy_from_slice(key);
    Ok(UnwrappedKey { bytes, len })
}

fn variant_mac(kbak: &Key, header: &[u8], enc: &[u8]) -> Result<MacTag> {
    mac::iso9797_1_alg1_parts(kbak, &[header, enc])?.truncated(4)
}

fn derivation_mac(kbak: &Key, header: &[u8], clear: &[u8]) -> Result<MacTag> {
    mac::cmac_parts(kbak, &[header, clear])
}

/// The key-block encryption and authentication keys (KBEK, KBAK) for `version` and `kbpk`.
///
/// A/C: KBPK ⊕ `45…` and KBPK ⊕ `4D…`. B: TDES-CMAC(KBPK, counter ‖ usage 0000/0001 ‖ 00 ‖
/// algorithm 0000/0001 ‖ length 0080/00C0). D: the same with AES-CMAC and algorithm 0002/0003/0004.
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] for a KBPK of the wrong family.
pub fn binding_keys(version: Version, kbpk: &Key) -> Result<(Key, Key)> {
    let alg = kbpk.algorithm();
    match version {
        Version::A | Version::C => {
            if !alg.is_des_family() {
                return Err(Error::new(ErrorKind::WrongAlgorithm, "kbpk"));
            }
            let mut e = [0u8; 24];
            let mut a = [0u8; 24];
            let k = kbpk.as_bytes();
            for ((x, y), z) in e.iter_mut().zip(a.iter_mut()).zip(k) {
                *x = z ^ 0x45;
                *y = z ^ 0x4D;
            }
            let n = k.len();
            let r = (Key::new(alg, e.get(..n).unwrap_or(&[]))?, Key::new(alg, a.get(..n).unwrap_or(&[]))?);
            e.zeroize();
            a.zeroize();
            Ok(r)
        }
        Version::B | Version::D => {
            let (code, bits): (u16, u16) = match (version, alg) {
                (Version::B, Algorithm::Tdes2) => (0, 128),
                (Version::B, Algorithm::Tdes3) => (1, 192),
                (Version::D, Algorithm::Aes128) => (2, 128),
                (Version::D, Algorithm::Aes192) => (3, 192),
                (Version::D, Algorithm::Aes256) => (4, 256),
                _ => return Err(Error::new(ErrorKind::WrongAlgorithm, "kbpk")),
            };
            let n = usize::from(bits / 8);
            let derive = |usage: u16| -> Result<Key> {
                let mut out = [0u8; 32];
                let mut filled = 0usize;
                let mut counter = 1u8;
                while filled < n {
                    let [u0, u1] = usage.to_be_bytes();
                    let [a0, a1] = code.to_be_bytes();
                    let [l0, l1] = bits.to_be_bytes();
                    let tag = mac::cmac(kbpk, &[counter, u0, u1, 0, a0, a1, l0, l1])?;
                    let t = tag.as_bytes();
                    let end = filled.saturating_add(t.len()).min(n);
                    out.get_mut(filled..end)
                        .unwrap_or(&mut [])
                        .copy_from_slice(t.get(..end.saturating_sub(filled)).unwrap_or(&[]));
                    filled = end;
                    counter = counter.wrapping_add(1);
                }
                let k = Key::new(alg, out.get(..n).unwrap_or(&[]));
                out.zeroize();
                k
            };
            Ok((derive(0x0000)?, derive(0x0001)?))
        }
    }
}

/// Maximum key length used for X9.143 key-length obfuscation, by key-block algorithm code.
const fn obfuscated_len(algorithm: u8, key_len: usize) -> usize {
    let m = match algorithm {
        b'T' | b'D' => 24,
        b'A' => 32,
        _ => key_len,
    };
    if m > key_len { m } else { key_len }
}

/// Builds a version B or D key block into `out`, returning its length. `padding` supplies the
/// random padding bytes (at least [`padding_len`] of them); see [`wrap`] for the RNG form.
///
/// Enforces X9.143: B needs a TDES KBPK, D an AES KBPK; `KS` only with a TDES DUKPT key
/// (usage B0/B1, algorithm T); optional blocks must be printable ASCII; the key is padded to the
/// maximum key length of its algorithm (length obfuscation).
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`], [`ErrorKind::MalformedKeyBlock`], [`ErrorKind::BufferTooSmall`].
pub fn wrap_with_padding(
    header: &Header,
    optional: &[OptionalBlock<'_>],
    kbpk: &Key,
    key: &[u8],
    padding: &[u8],
    out: &mut [u8],
) -> Result<usize> {
    let v = header.version;
    match (v, kbpk.algorithm().is_aes()) {
        (Version::B, false) if kbpk.algorithm().is_des_family() => {}
        (Version::D, true) => {}
        (Version::A | Version::C, _) => {
            return Err(Error::new(ErrorKind::Unsupported, "wrap version (A/C unwrap only)"));
        }
        _ => return Err(Error::new(ErrorKind::WrongAlgorithm, "kbpk for this version")),
    }
    let fields = [
        header.usage[0],
        header.usage[1],
        header.algorithm,
        header.mode,
        header.key_version[0],
        header.key_version[1],
        header.exportability,
        header.context,
        header.reserved,
    ];
    if let Some(i) = fields.iter().position(|c| !c.is_ascii_alphanumeric()) {
        return Err(Error::at(ErrorKind::MalformedKeyBlock, "header field", i.saturating_add(5)));
    }
    for b in optional {
        if &b.id == b"KS"
            && !(header.algorithm == b'T'
                && (header.usage == USAGE_BDK || header.usage == USAGE_DUKPT_INITIAL_KEY))
        {
            return Err(Error::new(
                ErrorKind::MalformedKeyBlock,
                "KS block needs a TDES DUKPT key (use IK for AES)",
            ));
        }
        if !b.id.iter().all(u8::is_ascii_alphanumeric) || &b.id == b"PB" {
            return Err(Error::new(ErrorKind::MalformedKeyBlock, "optional block id"));
        }
        if !b.data.iter().all(|c| is_printable(*c)) {
            return Err(Error::new(ErrorKind::MalformedKeyBlock, "optional block data"));
        }
    }
    if key.is_empty() || key.len() > MAX_KEY {
        return Err(Error::at(ErrorKind::InvalidLength, "key", key.len()));
    }
    let bs = v.block_size();
    // optional blocks (+ PB to a multiple of the block size)
    let mut w = Writer { out, pos: 16 };
    let mut count = 0usize;
    for b in optional {
        let total = b.data.len().saturating_add(4);
        w.put(&b.id)?;
        if total <= 255 {
            w.hex_byte(u8::try_from(total).unwrap_or(0))?;
        } else {
            let ext = b.data.len().saturating_add(10);
            let ext =
                u16::try_from(ext).map_err(|_| Error::new(ErrorKind::InvalidLength, "optional block"))?;
            w.put(b"0002")?;
            let [h, l] = ext.to_be_bytes();
            w.hex_byte(h)?;
            w.hex_byte(l)?;
        }
        w.put(b.data)?;
        count = count.saturating_add(1);
    }
    let opt_len = w.pos.saturating_sub(16);
    if !opt_len.is_multiple_of(bs) {
        let pad = bs
            .saturating_sub(opt_len.saturating_add(4).checked_rem(bs).unwrap_or(0))
            .checked_rem(bs)
            .unwrap_or(0);
        w.put(b"PB")?;
        w.hex_byte(u8::try_from(pad.saturating_add(4)).unwrap_or(0))?;
        for _ in 0..pad {
            w.put(b"0")?;
        }
        count = count.saturating_add(1);
    }
    if count > 99 {
        return Err(Error::new(ErrorKind::MalformedKeyBlock, "number of optional blocks"));
    }
    let header_len = w.pos;
    // payload: key length in bits ‖ key ‖ padding to the obfuscated length and the block size
    let masked = obfuscated_len(header.algorithm, key.len());
    let unpadded = masked.saturating_add(2);
    let plen = unpadded.div_ceil(bs).saturating_mul(bs);
    let pad_needed = plen.saturating_sub(key.len()).saturating_sub(2);
    if padding.len() < pad_needed {
        return Err(Error::at(ErrorKind::InvalidLength, "padding bytes", padding.len()));
    }
    let total =
        header_len.saturating_add(plen.saturating_mul(2)).saturating_add(v.mac_len().saturating_mul(2));
    if total > 9999 {
        return Err(Error::new(ErrorKind::MalformedKeyBlock, "key block length"));
    }
    // fixed header
    let mut hdr = [0u8; 16];
    hdr[..].copy_from_slice(&[
        v.as_char(),
        b'0',
        b'0',
        b'0',
        b'0',
        header.usage[0],
        header.usage[1],
        header.algorithm,
        header.mode,
        header.key_version[0],
        header.key_version[1],
        header.exportability,
        b'0',
        b'0',
        header.context,
        header.reserved,
    ]);
    let mut t = total;
    for i in (1..5).rev() {
        if let Some(c) = hdr.get_mut(i) {
            *c = b'0'.wrapping_add(u8::try_from(t % 10).unwrap_or(0));
        }
        t /= 10;
    }
    let [.., n1, n0, _, _] = &mut hdr;
    *n1 = b'0'.wrapping_add(u8::try_from(count / 10).unwrap_or(0));
    *n0 = b'0'.wrapping_add(u8::try_from(count % 10).unwrap_or(0));
    w.out.get_mut(..16).ok_or(Error::new(ErrorKind::BufferTooSmall, "key block"))?.copy_from_slice(&hdr);
    let mut payload = [0u8; 80];
    let p = payload.get_mut(..plen).ok_or(Error::new(ErrorKind::InvalidLength, "key"))?;
    let bits = u16::try_from(key.len().saturating_mul(8)).unwrap_or(0);
    p.get_mut(..2).unwrap_or(&mut []).copy_from_slice(&bits.to_be_bytes());
    p.get_mut(2..key.len().saturating_add(2)).unwrap_or(&mut []).copy_from_slice(key);
    p.get_mut(key.len().saturating_add(2)..)
        .unwrap_or(&mut [])
        .copy_from_slice(padding.get(..pad_needed).unwrap_or(&[]));
    let (kbek, kbak) = binding_keys(v, kbpk)?;
    let header_bytes = w.out.get(..header_len).ok_or(Error::new(ErrorKind::BufferTooSmall, "key block"))?;
    let tag = derivation_mac(&kbak, header_bytes, p)?;
    kbek.cbc_encrypt(tag.as_bytes(), p)?;
    let r = (|| {
        for b in p.iter() {
            w.hex_byte(*b)?;
        }
        for b in tag.as_bytes() {
            w.hex_byte(*b)?;
        }
        Ok(w.pos)
    })();
    payload.zeroize();
    r
}

/// Number of padding bytes [`wrap_with_padding`] needs for a key of `key_len` bytes.
#[must_use]
pub const fn padding_len(version: Version, algorithm: u8, key_len: usize) -> usize {
    let bs = version.block_size();
    let unpadded = obfuscated_len(algorithm, key_len).saturating_add(2);
    unpadded.div_ceil(bs).saturating_mul(bs).saturating_sub(key_len).saturating_sub(2)
}

/// As [`wrap_with_padding`], drawing the padding from `rng`.
///
/// # Errors
/// As [`wrap_with_padding`].
pub fn wrap<R: CryptoRng + ?Sized>(
    header: &Header,
    optional: &[OptionalBlock<'_>],
    kbpk: &Key,
    key: &[u8],
    rng: &mut R,
    out: &mut [u8],
) -> Result<usize> {
    let mut pad = [0u8; 80];
    rng.fill_bytes(&mut pad);
    let r = wrap_with_padding(header, optional, kbpk, key, &pad, out);
    pad.zeroize();
    r
}

struct Writer<'a> {
    out: &'a mut [u8],
    pos: usize,
}

impl Writer<'_> {
    fn put(&mut self, b: &[u8]) -> Result<()> {
        let end = self.pos.saturating_add(b.len());
        self.out
            .get_mut(self.pos..end)
            .ok_or(Error::at(ErrorKind::BufferTooSmall, "key block", end))?
            .copy_from_slice(b);
        self.pos = end;
        Ok(())
    }
    fn hex_byte(&mut self, b: u8) -> Result<()> {
        self.put(&[mac::hex_digit(b >> 4), mac::hex_digit(b)])
    }
}
