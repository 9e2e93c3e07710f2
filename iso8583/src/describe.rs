//! Human-readable dumps via `core::fmt`, masked by sensitivity unless the caller opts in.
//!
//! Default masking (PCI DSS): PAN first 6 + last 4 (shorter PANs fully masked); track data:
//! the PAN part as a PAN, everything after the separator (`=`, `D`, `^`) masked; PIN blocks,
//! keys, MACs and card verification data fully masked; DE 55 (EMV) fully masked unless a
//! tag-level [`MaskPolicy`] is supplied (`payproto-emv`'s dictionary implements it).
//!
//! Composite data elements are followed by their subfields, one line each, indented four spaces
//! per level and labelled by path (`60.1`, `127.25`, `55.9F26`, `48.2.01`): positional and
//! bitmapped subfields with their names, BER-TLV objects by tag, tag-length subelements by their
//! tag characters; nested composites down to [`crate::composite::MAX_DEPTH`]. Below a masked
//! field every value stays masked — BER-TLV values below an EMV field as the policy says (fully
//! without one) — and below a clear field each subfield is masked by its own sensitivity. A
//! subfield structure that does not parse ends the list with a `<subfields: error>` line.

use core::fmt::{self, Write};

use payproto_tlv::{MaskPolicy, Masking, Reader, Tag, write_masked_hex};

use crate::composite::Subfields;
use crate::error::FieldPath;
use crate::spec::{Charset, Class, Composite, Sensitivity};
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
            if let Some(composite) = field.spec.composite {
                let sens = if self.unmasked { Sensitivity::None } else { field.spec.sensitivity };
                let path = FieldPath::field(u16::try_from(field.number).unwrap_or(0));
                let mut scratch = [0u8; SCRATCH];
                let ctx = SubCtx { unmasked: self.unmasked, emv: self.emv };
                match canonical_data(&field, &mut scratch) {
                    Some(data) => ctx.write_subfields(f, composite, data, path, 1, sens)?,
                    None => ctx.note(f, 1, "value too long to show its subfields")?,
                }
            }
        }
        Ok(())
    }
}

/// Canonical bytes of a composite value shown by `describe` when its wire form is not canonical
/// (BCD, EBCDIC, hex): the largest such value whose subfields are listed (a hex-ASCII DE 55 of
/// 255 bytes fits).
const SCRATCH: usize = 512;

/// The canonical value of `field`: the wire bytes when already canonical, else decoded into
/// `scratch` (`None` if it does not fit).
fn canonical_data<'c>(field: &FieldRef<'c>, scratch: &'c mut [u8]) -> Option<&'c [u8]> {
    match field.as_canonical_slice() {
        Some(s) => Some(s),
        None => {
            let n = field.write_canonical(scratch).ok()?;
            scratch.get(..n)
        }
    }
}

/// Options shared by the subfield lines of one description.
#[derive(Copy, Clone)]
struct SubCtx<'m> {
    unmasked: bool,
    emv: Option<&'m dyn MaskPolicy>,
}

impl SubCtx<'_> {
    fn indent(f: &mut dyn Write, depth: usize) -> fmt::Result {
        for _ in 0..depth {
            f.write_str("    ")?;
        }
        Ok(())
    }

    fn note(&self, f: &mut dyn Write, depth: usize, text: &str) -> fmt::Result {
        Self::indent(f, depth)?;
        writeln!(f, "<{text}>")
    }

    /// One line per subfield of `data` (the canonical value of a composite), indented by
    /// `depth`, then the subfields of composite subfields (nesting bounded by
    /// [`crate::composite::MAX_DEPTH`]). `inherited` is the sensitivity of the enclosing field:
    /// below a masked field every value stays masked (BER-TLV values as the EMV policy says
    /// under an EMV field), below a clear one each subfield is masked by its own class.
    fn write_subfields(
        &self,
        f: &mut dyn Write,
        composite: &'static Composite,
        data: &[u8],
        path: FieldPath,
        depth: usize,
        inherited: Sensitivity,
    ) -> fmt::Result {
        let subs = match Subfields::new(composite, data, path, depth) {
            Ok(s) => s,
            Err(e) => {
                Self::indent(f, depth)?;
                return writeln!(f, "<subfields: {}>", e.kind);
            }
        };
        for sub in subs {
            let sub = match sub {
                Ok(s) => s,
                Err(e) => {
                    Self::indent(f, depth)?;
                    return writeln!(f, "<subfields: {e}>");
                }
            };
            let field = &sub.field;
            Self::indent(f, depth)?;
            write_path(f, &sub.path, composite, data, field)?;
            if !sub.is_tag && !matches!(composite, Composite::TagLength { .. }) && !field.spec.name.is_empty()
            {
                write!(f, " {}", field.spec.name)?;
            }
            write!(f, " [{}]: ", field.canonical_len())?;
            let own = if self.unmasked { Sensitivity::None } else { field.spec.sensitivity };
            let sens = if inherited == Sensitivity::None { own } else { inherited };
            if sub.is_tag {
                let masking = match sens {
                    Sensitivity::None => Masking::Clear,
                    Sensitivity::Emv => {
                        self.emv.zip(Tag::from_u32(field.number)).map_or(Masking::Full, |(p, t)| p.masking(t))
                    }
                    _ => Masking::Full,
                };
                write_masked_hex(f, field.raw, masking)?;
            } else if inherited == Sensitivity::None {
                write_value(f, field, self.unmasked, self.emv)?;
            } else {
                let n = field.canonical_len();
                stars(f, if field.spec.class == Class::B { n.saturating_mul(2) } else { n })?;
            }
            f.write_char('\n')?;
            if let Some(inner) = field.spec.composite {
                let mut scratch = [0u8; 128];
                match canonical_data(field, &mut scratch) {
                    Some(d) => self.write_subfields(f, inner, d, sub.path, depth.saturating_add(1), sens)?,
                    None => self.note(f, depth.saturating_add(1), "value too long to show its subfields")?,
                }
            }
        }
        Ok(())
    }
}

/// The label of a subfield line: its path with `.` between the levels (`60.1`, `127.2`,
/// `55.9F26`), a tag-length subelement by its tag characters (`48.2.01`).
fn write_path(
    f: &mut dyn Write,
    path: &FieldPath,
    composite: &Composite,
    data: &[u8],
    field: &FieldRef<'_>,
) -> fmt::Result {
    let items = path.items();
    let last = items.len().saturating_sub(1);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_char('.')?;
        }
        if i == last
            && let Composite::TagLength { tag_width, .. } = composite
        {
            let tw = usize::from(*tag_width);
            let tag = data.get(field.start..field.start.saturating_add(tw)).unwrap_or(&[]);
            tag.iter().try_for_each(|&c| f.write_char(char_of(c)))?;
        } else if path.is_tag(i) {
            write!(f, "{item:X}")?;
        } else {
            write!(f, "{item}")?;
        }
    }
    Ok(())
}

/// Masking for a DE 55 tag under `policy`, exposed for callers writing their own dumps.
pub fn emv_masking(policy: &dyn MaskPolicy, tag: Tag) -> Masking {
    policy.masking(tag)
}
