//! With `alloc`: an owned tree, for tools and tests that build or keep whole trees.

use alloc::vec::Vec;

use crate::error::Error;
use crate::reader::{Config, Content, Reader};
use crate::tag::Tag;
use crate::writer::{Body, Encode};

/// An owned TLV object: a primitive value, or children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnedTlv {
    /// A primitive object, or a constructed one read as opaque bytes.
    Primitive {
        /// Its tag.
        tag: Tag,
        /// Its value.
        value: Vec<u8>,
    },
    /// A constructed object.
    Constructed {
        /// Its tag.
        tag: Tag,
        /// Its children.
        children: Vec<OwnedTlv>,
    },
}

impl OwnedTlv {
    /// Parses all objects of `data` into owned trees (bounded depth, no recursion beyond it).
    pub fn parse_all(data: &[u8], config: Config) -> Result<Vec<Self>, Error> {
        Self::from_reader(Reader::new(data, config))
    }

    fn from_reader(reader: Reader<'_>) -> Result<Vec<Self>, Error> {
        let mut out = Vec::new();
        for item in reader {
            let tlv = item?;
            out.push(match tlv.content()? {
                Content::Children(children) => {
                    Self::Constructed { tag: tlv.tag, children: Self::from_reader(children)? }
                }
                Content::Primitive(v) | Content::Opaque(v) => {
                    Self::Primitive { tag: tlv.tag, value: v.to_vec() }
                }
            });
        }
        Ok(out)
    }

    /// Encodes a sequence of trees into a new vector (canonical form).
    pub fn encode_all(nodes: &[Self]) -> Result<Vec<u8>, Error> {
        let mut out = alloc::vec![0u8; crate::writer::encoded_len_all(nodes)?];
        let n = crate::writer::encode(nodes, &mut out)?;
        out.truncate(n);
        Ok(out)
    }
}

impl Encode for OwnedTlv {
    fn tag(&self) -> Tag {
        match self {
            Self::Primitive { tag, .. } | Self::Constructed { tag, .. } => *tag,
        }
    }
    fn body(&self) -> Body<'_, Self> {
        match self {
            Self::Primitive { value, .. } => Body::Value(value),
            Self::Constructed { children, .. } => Body::Children(children),
        }
    }
}
