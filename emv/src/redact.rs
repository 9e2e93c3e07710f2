//! `Debug` helpers that show lengths and tags, never value bytes: parsed views, buffers and
//! stores hold card data (PAN, track 2, cardholder name, cryptograms, PIN blocks), and PCI DSS
//! keeps it out of logs — which is where `{:?}` output ends up.

use core::fmt;

use payproto_tlv::{Config, Walk};

/// A byte string shown as its length only.
pub(crate) struct Len<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for Len<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

/// An optional byte string shown as its length only.
pub(crate) struct OptLen<'a>(pub(crate) Option<&'a [u8]>);

impl fmt::Debug for OptLen<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(v) => write!(f, "Some(<{} bytes>)", v.len()),
            None => f.write_str("None"),
        }
    }
}

/// BER-TLV data shown as its tags and value lengths (the whole tree), e.g.
/// `<14 bytes: 5A(8) 5F24(3)>`; `malformed` where the TLV structure breaks.
pub(crate) struct Tags<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for Tags<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes:", self.0.len())?;
        for item in Walk::new(self.0, Config::EMV) {
            match item {
                Ok(t) => write!(f, " {}({})", t.tag, t.value.len())?,
                Err(_) => {
                    f.write_str(" malformed")?;
                    break;
                }
            }
        }
        f.write_str(">")
    }
}

/// Optional BER-TLV data shown as [`Tags`].
pub(crate) struct OptTags<'a>(pub(crate) Option<&'a [u8]>);

impl fmt::Debug for OptTags<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(v) => f.debug_tuple("Some").field(&Tags(v)).finish(),
            None => f.write_str("None"),
        }
    }
}
