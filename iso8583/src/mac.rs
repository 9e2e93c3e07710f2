//! The dialect's MAC (feature `crypto`), computed with `payproto-crypto` over the codec's exact MAC
//! input range ([`Message::mac_input`]: from the MTI up to, not including, the MAC data element).
//!
//! The algorithm comes from the spec ([`Spec::mac_algorithm`]) — pure spec data, no dialect code
//! path. `cup-pos` declares the China UnionPay POS "ECB" MAC (known answer: the public sample O-4,
//! MAK `313215FDA2C4AB4C` → `B7133B57`, in `tests/mac.rs`). The ISO 87/93 specs declare none: the
//! algorithm of their DE 64/128 is agreed bilaterally, so callers name it with [`compute`].

use payproto_crypto::{ErrorKind as CryptoKind, Key, mac};

use crate::error::{Error, ErrorKind, FieldPath};
use crate::pack::{Fields, pack};
use crate::spec::{MacAlgorithm, Spec};
use crate::unpack::{Message, unpack};

fn unavailable(spec: &Spec) -> Error {
    Error::new(ErrorKind::MacUnavailable, FieldPath::field(u16::from(spec.mac_field.unwrap_or(0))), 0)
}

/// The MAC field's value for the MAC input `mab` under `key`.
///
/// # Errors
/// [`ErrorKind::MacUnavailable`] when the key does not suit the algorithm.
pub fn compute(algorithm: MacAlgorithm, key: &Key, mab: &[u8]) -> Result<[u8; 8], Error> {
    let fail = Error::new(ErrorKind::MacUnavailable, FieldPath::ROOT, 0);
    match algorithm {
        MacAlgorithm::CupEcb => mac::cup_ecb_mac(key, mab).map_err(|_| fail),
    }
}

/// Verifies an unpacked message's MAC with its spec's algorithm (constant-time comparison).
///
/// # Errors
/// [`ErrorKind::MacMismatch`] when it does not verify; [`ErrorKind::MacUnavailable`] when the spec
/// has no MAC algorithm or the key does not suit it; [`ErrorKind::Absent`] when the message carries
/// no MAC.
pub fn verify(message: &Message<'_>, key: &Key) -> Result<(), Error> {
    let spec = message.spec();
    let algorithm = spec.mac_algorithm.ok_or(unavailable(spec))?;
    let path = FieldPath::field(u16::from(spec.mac_field.unwrap_or(0)));
    let (Some(mab), Some(received)) = (message.mac_input(), message.mac()) else {
        return Err(Error::new(ErrorKind::Absent, path, 0));
    };
    match algorithm {
        MacAlgorithm::CupEcb => mac::cup_ecb_mac_verify(key, mab, received).map_err(|e| {
            let kind = if e.kind == CryptoKind::VerificationFailed {
                ErrorKind::MacMismatch
            } else {
                ErrorKind::MacUnavailable
            };
            Error::new(kind, path, 0)
        }),
    }
}

/// Packs `fields` under `spec` with the MAC data element computed under `key` (any value already
/// set for it is replaced); returns the bytes written.
///
/// # Errors
/// Those of [`pack`], and [`ErrorKind::MacUnavailable`].
pub fn pack_with_mac(spec: &Spec, fields: &Fields<'_>, key: &Key, out: &mut [u8]) -> Result<usize, Error> {
    let algorithm = spec.mac_algorithm.ok_or(unavailable(spec))?;
    let de = usize::from(spec.mac_field.ok_or(unavailable(spec))?);
    // Pack once with a placeholder MAC: the MAC input is everything before it, whatever its value.
    let placeholder = [0u8; 8];
    let mut with_placeholder = fields.clone();
    with_placeholder.set(de, &placeholder);
    let n = pack(spec, &with_placeholder, out)?;
    let mab = unpack(spec, out.get(..n).unwrap_or(&[]))?.mac_input().ok_or(unavailable(spec))?;
    let value = compute(algorithm, key, mab)?;
    let mut with_mac = fields.clone();
    with_mac.set(de, &value);
    pack(spec, &with_mac, out)
}
