//! UnionPay POS rules under the national algorithm SM4: PIN block, MAC, track-data encryption and
//! sign-on key download under an SM4 terminal master key.
//!
//! The CUP POS specification (Q/CUP 009 "银联卡受理终端应用规范" and its national-algorithm
//! supplement) is not public; each rule below names the public source it follows and, where the
//! sources allow two readings, which one is implemented and why.
//!
//! - **PIN block** ([`encrypt_pin_block`]): the ISO 9564-1 format 0 (ANSI X9.8) 8-byte block
//!   (PIN field ⊕ PAN field, [`crate::pin::encode_clear_with_random`]) right-padded with eight
//!   `00` bytes to the 16-byte SM4 block, then SM4-ECB under the PIN key. Source: the worked
//!   example "银行卡密码键盘 SM4 ECB模式+ANSI X9.8 格式标准(带主账号信息)PIN 加解密示例"
//!   (blog.csdn.net/M_Kerry/article/details/104625499): PIN `123654`, PAN `6230606601007726888`,
//!   block `06125055FF88D977`, PIN key `F351D490994603795C6EBEE8FAEBB481` →
//!   `E639B7346D93D4ECE1E991CDCC84936E` (reproduced only with `00` padding; `FF` or PKCS#7
//!   padding give other values). The same page shows a second reading — a 32-nibble block (PIN
//!   field `F`-filled to 16 bytes ⊕ PAN field with the 12 digits right-aligned in 16 bytes) — with
//!   no ciphertext; it is not implemented. Decryption checks the pad is `00…00`.
//! - **MAC** ([`mac`], = [`crate::mac::cup_ecb_mac`] with an SM4 key): the CUP "ECB" MAC run on
//!   16-byte blocks — XOR of the 16-byte blocks of the `00`-padded MAB, hex-expanded to 32
//!   upper-case characters, SM4(first 16) ⊕ last 16, SM4, hex-expanded, first 8 characters. Source:
//!   "银联联机UTVT SM4 MAC算法" (blog.csdn.net/qq_31143595/article/details/97785248, steps 1–8);
//!   a second page (blog.csdn.net/weixin_39142884/article/details/139765880) words the last step
//!   "the first 8 bytes, hex-encoded", which could also mean 8 binary bytes; the reading taken is
//!   the one that keeps field 64's form (8 ASCII hex characters) identical to the DES MAC.
//! - **Track data** ([`encrypt_track`]): the CUP rule for field 35/36 — in the BCD-packed track
//!   (odd length padded with a `0` nibble), the block that ends just before the last byte
//!   ("从结束标志向左第2个字节开始,再向左取8个字节", TDB) is encrypted in place under the track
//!   key; source: the CUP POS rule as transcribed at doc.xrtinfo.com/docs/ss_api (§4.4, with the
//!   example TDB2 `0820178199916830`). Under SM4 the block is 16 bytes (the reading implemented:
//!   the TDB is one cipher block; no public SM4 example exists).
//! - **Sign-on key download** ([`decrypt_sign_on_keys`]): field 62 carries each working key
//!   SM4-ECB-encrypted under the SM4 TMK followed by its check value = the leftmost 4 bytes of
//!   SM4(working key, 16 zero bytes). Source: the same M_Kerry example — TMK
//!   `1234567890ABCDEFABCDEF0987654321`, encrypted key `3D66234C49E4296FF9C78D8BACBD6A76` → clear
//!   `F351D490994603795C6EBEE8FAEBB481`, check value `861E83E31FAEBF10` (the first 8 bytes of
//!   SM4(key, 0¹²⁸); field 62 carries the first 4, as in the DES layouts). Layouts: 40 bytes (PIK,
//!   MAK) or 60 bytes (PIK, MAK, TDK) — [`crate::keydownload`] with an SM4 TMK.

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Algorithm, Key};
use crate::keydownload::{self, WorkingKeys};
use crate::pin::{self, Format, Pan, Pin, PinBlock};
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

fn require_sm4(key: &Key, what: &'static str) -> Result<()> {
    if key.algorithm() == Algorithm::Sm4 { Ok(()) } else { Err(Error::new(ErrorKind::WrongAlgorithm, what)) }
}

/// Encrypts a PIN as the UnionPay SM4 PIN block: SM4(format-0 block ‖ `00`×8), 16 bytes.
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] unless `key` is SM4; PAN errors as in [`crate::pin`].
pub fn encrypt_pin_block(key: &Key, pin: &Pin, pan: &Pan) -> Result<PinBlock> {
    require_sm4(key, "sm4 pin key")?;
    let mut b8 = pin::encode_clear_with_random(Format::Iso0, pin, Some(pan), &[0; 8])?;
    let mut block = [0u8; 16];
    let r = block
        .get_mut(..8)
        .ok_or(Error::new(ErrorKind::InvalidLength, "pin block"))
        .map(|d| d.copy_from_slice(&b8[..]))
        .and_then(|()| key.ecb_encrypt(&mut block))
        .and_then(|()| PinBlock::from_slice(&block));
    b8.zeroize();
    block.zeroize();
    r
}

/// Decrypts and decodes a UnionPay SM4 PIN block (16 bytes), checking the format-0 content and
/// the `00` pad.
///
/// # Errors
/// [`ErrorKind::InvalidLength`], [`ErrorKind::WrongAlgorithm`], [`ErrorKind::InvalidPinBlock`]
/// (offset 8 for a bad pad), [`ErrorKind::InvalidPan`].
pub fn decrypt_pin_block(key: &Key, block: &[u8], pan: &Pan) -> Result<Pin> {
    require_sm4(key, "sm4 pin key")?;
    let mut b: [u8; 16] =
        block.try_into().map_err(|_| Error::at(ErrorKind::InvalidLength, "pin block", block.len()))?;
    let r = key.ecb_decrypt(&mut b).and_then(|()| {
        let (left, pad) = b.split_at(8);
        if bool::from(pad.ct_eq(&[0u8; 8])) {
            pin::decode_clear(Format::Iso0, left, Some(pan))
        } else {
            Err(Error::at(ErrorKind::InvalidPinBlock, "sm4 pin block pad", 8))
        }
    });
    b.zeroize();
    r
}

/// The UnionPay SM4 MAC (8 ASCII hex characters, as sent in field 64/128).
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] unless `key` is SM4.
pub fn mac(key: &Key, mab: &[u8]) -> Result<[u8; 8]> {
    require_sm4(key, "sm4 mac key")?;
    crate::mac::cup_ecb_mac(key, mab)
}

/// Constant-time verification of a received UnionPay SM4 MAC (8 ASCII characters, case-sensitive).
///
/// # Errors
/// [`ErrorKind::VerificationFailed`]; [`ErrorKind::WrongAlgorithm`] unless `key` is SM4.
pub fn mac_verify(key: &Key, mab: &[u8], received: &[u8]) -> Result<()> {
    require_sm4(key, "sm4 mac key")?;
    crate::mac::cup_ecb_mac_verify(key, mab, received)
}

/// The range of the track data block (TDB) in a BCD-packed track of `len` bytes for a cipher with
/// `block`-byte blocks: the `block` bytes ending just before the last byte.
fn tdb_range(len: usize, block: usize) -> Result<core::ops::Range<usize>> {
    let end = len.checked_sub(1).ok_or(Error::at(ErrorKind::InvalidLength, "track data", len))?;
    let start = end.checked_sub(block).ok_or(Error::at(ErrorKind::InvalidLength, "track data", len))?;
    Ok(start..end)
}

/// Encrypts the track data block of a BCD-packed track 2 or 3 (field 35/36 value without its
/// length prefix) in place under the track key: one cipher block (8 bytes TDES, 16 bytes SM4)
/// ending just before the last byte.
///
/// # Errors
/// [`ErrorKind::InvalidLength`] when the track is shorter than one block plus one byte;
/// [`ErrorKind::WrongAlgorithm`] for an AES key.
pub fn encrypt_track(key: &Key, packed: &mut [u8]) -> Result<()> {
    track(key, packed, true)
}

/// Decrypts the track data block in place (inverse of [`encrypt_track`]).
///
/// # Errors
/// As [`encrypt_track`].
pub fn decrypt_track(key: &Key, packed: &mut [u8]) -> Result<()> {
    track(key, packed, false)
}

fn track(key: &Key, packed: &mut [u8], encrypt: bool) -> Result<()> {
    if key.algorithm().is_aes() {
        return Err(Error::new(ErrorKind::WrongAlgorithm, "track key"));
    }
    let r = tdb_range(packed.len(), key.algorithm().block_size())?;
    let at = r.start;
    let tdb = packed.get_mut(r).ok_or(Error::at(ErrorKind::InvalidLength, "track data", at))?;
    if encrypt { key.ecb_encrypt(tdb) } else { key.ecb_decrypt(tdb) }
}

/// Decrypts one working key under an SM4 TMK and checks its 4-byte check value in constant time.
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] unless `tmk` is SM4; [`ErrorKind::InvalidLength`];
/// [`ErrorKind::VerificationFailed`] on a check-value mismatch.
pub fn decrypt_working_key(tmk: &Key, encrypted: &[u8], kcv4: &[u8]) -> Result<Key> {
    require_sm4(tmk, "sm4 tmk")?;
    if encrypted.len() != 16 {
        return Err(Error::at(ErrorKind::InvalidLength, "sm4 working key", encrypted.len()));
    }
    keydownload::decrypt_working_key(tmk, encrypted, kcv4)
}

/// Splits and decrypts a sign-on field 62 of 40 bytes (PIK, MAK) or 60 bytes (PIK, MAK, TDK)
/// under an SM4 TMK; every key is SM4 and carries a 4-byte check value.
///
/// # Errors
/// [`ErrorKind::WrongAlgorithm`] unless `tmk` is SM4; [`ErrorKind::InvalidLength`] for other
/// lengths; [`ErrorKind::VerificationFailed`] (offset = the failing key's position).
pub fn decrypt_sign_on_keys(tmk: &Key, field62: &[u8]) -> Result<WorkingKeys> {
    require_sm4(tmk, "sm4 tmk")?;
    if field62.len() != 40 && field62.len() != 60 {
        return Err(Error::at(ErrorKind::InvalidLength, "field 62", field62.len()));
    }
    keydownload::decrypt_sign_on_keys(tmk, field62)
}
