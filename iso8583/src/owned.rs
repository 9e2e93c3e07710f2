//! With `alloc`: a `Vec` form of pack and an owned message builder.

use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;

use crate::error::Error;
use crate::pack::{Fields, pack, packed_len};
use crate::spec::Spec;
use crate::unpack::Message;

/// Packs into a new `Vec` of exactly the packed size.
pub fn pack_to_vec(spec: &Spec, fields: &Fields<'_>) -> Result<Vec<u8>, Error> {
    let n = packed_len(spec, fields)?;
    let mut out = vec![0u8; n];
    let written = pack(spec, fields, &mut out)?;
    out.truncate(written);
    Ok(out)
}

/// An owned message: header, MTI and canonical values, packable under any spec.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MessageBuilder {
    header: Vec<u8>,
    mti: [u8; 4],
    values: BTreeMap<usize, Vec<u8>>,
}

impl MessageBuilder {
    /// A message with this MTI (four ASCII digits).
    pub fn new(mti: [u8; 4]) -> Self {
        Self { header: Vec::new(), mti, values: BTreeMap::new() }
    }
    /// Copies header, MTI and every decoded value out of a parsed message.
    pub fn from_message(m: &Message<'_>) -> Self {
        let mut b = Self::new(m.mti());
        b.header = m.header_bytes().to_vec();
        for f in m.fields() {
            b.values.insert(usize::try_from(f.number).unwrap_or(0), f.canonical().collect());
        }
        b
    }
    /// Sets the header bytes (TPDU + header).
    pub fn header(&mut self, header: impl Into<Vec<u8>>) -> &mut Self {
        self.header = header.into();
        self
    }
    /// Sets the MTI.
    pub fn mti(&mut self, mti: [u8; 4]) -> &mut Self {
        self.mti = mti;
        self
    }
    /// Sets data element `de` to a canonical value.
    pub fn set(&mut self, de: usize, value: impl Into<Vec<u8>>) -> &mut Self {
        self.values.insert(de, value.into());
        self
    }
    /// Removes data element `de`.
    pub fn remove(&mut self, de: usize) -> Option<Vec<u8>> {
        self.values.remove(&de)
    }
    /// The value of `de`.
    pub fn get(&self, de: usize) -> Option<&[u8]> {
        self.values.get(&de).map(Vec::as_slice)
    }
    /// Borrowed [`Fields`] for [`pack`].
    pub fn fields(&self) -> Fields<'_> {
        let mut f = Fields::new(self.mti).with_header(&self.header);
        for (de, v) in &self.values {
            f.set(*de, v);
        }
        f
    }
    /// Packs under `spec` into a new `Vec`.
    pub fn pack(&self, spec: &Spec) -> Result<Vec<u8>, Error> {
        pack_to_vec(spec, &self.fields())
    }
}

impl core::fmt::Debug for MessageBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Values never shown (PCI).
        f.debug_struct("MessageBuilder").field("fields", &self.values.keys().collect::<Vec<_>>()).finish()
    }
}
