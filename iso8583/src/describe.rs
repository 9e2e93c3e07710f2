//! Human-readable dumps via `core::fmt`, masked by sensitivity unless the caller opts in.
//!
//! Default masking (PCI DSS): PAN first 6 + last 4 (shorter PANs fully masked); track data:
//! the PAN part as a PAN, everything after the separator (`=`, `D`, `^`) masked; PIN blocks,
//! keys, MACs and card verification data fully masked; DE 55 (EMV) fully masked unless a
//! tag-level [`MaskPolicy`] is supplied (`payproto-emv`'s dictionary implements it).

use core::fmt::{self, Write};

use payproto_tlv::{MaskPolicy, Masking, Reader, write_masked_hex};

use crate::spec::{Charset, Class, Sensitivity};
use crate::unpack::{FieldRef, Message, Partial};

/// A displayable description of a message.
pub struct Describe<'m, 'a> {
    msg: &'m Message<'a>,
    unmasked: bool,
    emv: Option<&'m dyn MaskPolicy>,
}

impl<'a> Message<'a> {
    /// A masked description (see the module docs); `Display` it.
    pub fn describe(&self) -> Describe<'_, 'a> {
        Describe { msg: self, unmasked: false, emv: None }
    }
}

impl<'a> Partial<'a> {
    /// A masked description of what was parsed, followed by the error line if any.
    pub fn describe(&self) -> DescribePartial<'_, 'a> {
        DescribePartial { inner: self.message.describe(), error: self.error }
    }
}

/// A description of a partial unpack.
pub struct DescribePartial<'m, 'a> {
    inner: Describe<'m, 'a>,
    error: Option<crate::Error>,
}

impl<'m, 'a> DescribePartial<'m, 'a> {
    /// Explicit opt-in to unmasked output.
    #[must_use]
    pub fn unmasked(mut self) -> Self {
        self.inner.unmasked = true;
        self
    }
}

impl fmt::Display for DescribePartial<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)?;
        if let Some(e) = self.error {
            writeln!(f, "error: {e}")?;
        }
        Ok(())
    }
}

impl<'m, 'a> Describe<'m, 'a> {
    /// Explicit opt-in to unmasked output (never the default).
    #[must_use]
    pub fn unmasked(mut self) -> Self {
        self.unmasked = true;
        self
    }
    /// Shows DE 55 tag by tag, masked as `policy` says.
    #[must_use]
    pub fn with_emv_policy(mut self, policy: &'m dyn MaskPolicy) -> Self {
        self.emv = Some(policy);
        self
    }
}

fn hex(f: &mut dyn Write, bytes: impl Iterator<Item = u8>) -> fmt::Result {
    for b in bytes {
        write!(f, "{b:02X}")?;
    }
    Ok(())
}

fn stars(f: &mut dyn Write, n: usize) -> fmt::Result {
    for _ in 0..n {
        f.write_char('*')?;
    }
    Ok(())
}

fn char_of(b: u8) -> char {
    if (0x20..0x7F).contains(&b) { char::from(b) } else { '.' }
}

/// Writes `digits` masked as a PAN (first 6, last 4).
fn pan(f: &mut dyn Write, digits: impl Iterator<Item = u8> + Clone) -> fmt::Result {
    let n = digits.clone().count();
    for (i, c) in digits.enumerate() {
        let show = n >= 13 && (i < 6 || i.saturating_add(4) >= n);
        f.write_char(if show { char_of(c) } else { '*' })?;
    }
    Ok(())
}

/// Writes one field value, masked by its sensitivity unless `unmasked` (DE 55 tag by tag when
/// `emv` is given), as the `describe` lines show it.
pub fn write_value(
    f: &mut dyn Write,
    field: &FieldRef<'_>,
    unmasked: bool,
    emv: Option<&dyn MaskPolicy>,
) -> fmt::Result {
    let canon = field.canonical();
    let sens = if unmasked { Sensitivity::None } else { field.spec.sensitivity };
    let binary = field.spec.class == Class::B;
    match sens {
        Sensitivity::Pan => pan(f, canon),
        Sensitivity::Track => {
            let sep = canon.clone().position(|c| matches!(c, b'=' | b'D' | b'^'));
            match sep {
                Some(p) => {
                    pan(f, canon.clone().take(p))?;
                    stars(f, canon.len().saturating_sub(p))
                }
                None => stars(f, canon.len()),
            }
        }
        Sensitivity::Pin | Sensitivity::Key | Sensitivity::Cvv => {
            stars(f, if binary { canon.len().saturating_mul(2) } else { canon.len() })
        }
        Sensitivity::Emv => match (emv, field.as_canonical_slice()) {
            (Some(policy), Some(bytes)) => {
                let mut first = true;
                for t in Reader::emv(bytes) {
                    let Ok(t) = t else {
                        return f.write_str(" <malformed TLV>");
                    };
                    if !first {
                        f.write_char(' ')?;
                    }
                    first = false;
                    hex(f, t.tag.as_bytes().iter().copied())?;
                    f.write_char('=')?;
                    write_masked_hex(f, t.value, policy.masking(t.tag))?;
                }
                Ok(())
            }
            _ => stars(f, canon.len().saturating_mul(2)),
        },
        _ => {
            if binary {
                hex(f, canon)
            } else if field.spec.charset == Charset::Gbk && canon.clone().any(|c| c >= 0x80) {
                crate::gbk::write_gbk(f, canon)
            } else {
                canon.map(char_of).try_for_each(|c| f.write_char(c))
            }
        }
    }
}

impl fmt::Display for Describe<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.msg;
        if !m.tpdu().is_empty() {
            f.write_str("TPDU    ")?;
            hex(f, m.tpdu().iter().copied())?;
            f.write_char('\n')?;
        }
        if !m.header().is_empty() {
            f.write_str("Header  ")?;
            hex(f, m.header().iter().copied())?;
            f.write_char('\n')?;
        }
        writeln!(f, "MTI     {}", m.mti_str())?;
        for field in m.fields() {
            write!(f, "DE {:03} {} [{}]: ", field.number, field.spec.name, field.canonical_len())?;
            write_value(f, &field, self.unmasked, self.emv)?;
            f.write_char('\n')?;
        }
        Ok(())
    }
}

/// Masking for a DE 55 tag under `policy`, exposed for callers writing their own dumps.
pub fn emv_masking(policy: &dyn MaskPolicy, tag: payproto_tlv::Tag) -> Masking {
    policy.masking(tag)
}
