//! The spec model: every property of a data element is explicit data (no bare "LL").
//!
//! Units: a length (fixed, or carried by a prefix) counts [`Unit`]s. Lengths, `min` and `max`
//! are always in the unit of that field's length. Values at the API are in *canonical form*:
//! numeric classes (n, z, x+n, ns) as ASCII characters, text as bytes of its character set
//! (ASCII; EBCDIC translated to Latin-1, a bijection for cp037/cp1047; GBK kept as GBK bytes),
//! binary as the raw bytes (hex-ASCII wire forms are decoded). Composite subfields are parsed
//! over the parent's canonical value.

#[cfg(feature = "alloc")]
use serde::{Deserialize, Serialize};

/// Content class of a data element (ISO 8583 attribute notation).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum Class {
    /// `n`: digits.
    N,
    /// `ns`: digits and special characters.
    Ns,
    /// `a`: letters (space allowed as padding).
    A,
    /// `an`: letters and digits (space allowed as padding).
    An,
    /// `ans`: printable characters of the field's character set.
    Ans,
    /// `z`: track 2/3 code set: digits, `=` (or `D` in BCD) separator; in specs with
    /// [`Field::z_hex`], the hex nibbles A–F of encrypted track data too.
    Z,
    /// `b`: binary.
    B,
    /// `x+n`: `C` (credit) or `D` (debit) followed by digits.
    Xn,
}

/// How the value bytes are carried on the wire.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum Encoding {
    /// One ASCII byte per character.
    Ascii,
    /// One EBCDIC byte per character (code page from [`Field::charset`] or cp037 for numerics).
    Ebcdic,
    /// Packed BCD, two digits per byte; see [`Field::align`] and [`Field::pad_nibble`]. For
    /// `x+n` the `C`/`D` is one ASCII byte before the BCD digits.
    Bcd,
    /// Raw bytes (class `b`).
    Binary,
    /// Binary data as upper-case ASCII hex characters (two per byte; lower case accepted).
    Hex,
}

/// Encoding of a length prefix.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum PrefixEncoding {
    /// `width` ASCII digits.
    Ascii,
    /// `width` EBCDIC digits (`F0`–`F9`).
    Ebcdic,
    /// `width` bytes of packed BCD (so up to `2 × width` digits).
    Bcd,
    /// `width` bytes, unsigned big-endian.
    Binary,
}

/// What a length counts.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum Unit {
    /// Digits of a numeric value (a BCD pad nibble is not counted).
    Digits,
    /// Half-bytes on the wire (BCD: equal to digits, a pad nibble not counted; binary: 2 × bytes).
    Nibbles,
    /// Bytes on the wire (after the prefix).
    Bytes,
    /// Characters on the wire (one byte each; for hex-ASCII binary, the hex characters).
    Chars,
}

/// A length prefix, fully explicit.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize))]
pub struct Prefix {
    /// Width: digits for ASCII/EBCDIC, bytes for BCD/binary.
    pub width: u8,
    /// Encoding of the prefix.
    pub encoding: PrefixEncoding,
    /// What the prefix counts.
    pub unit: Unit,
    /// Whether the prefix counts its own bytes too.
    pub includes_self: bool,
}

impl Prefix {
    /// `width` ASCII digits counting `unit`.
    pub const fn ascii(width: u8, unit: Unit) -> Self {
        Self { width, encoding: PrefixEncoding::Ascii, unit, includes_self: false }
    }
    /// `width` bytes of BCD counting `unit`.
    pub const fn bcd(width: u8, unit: Unit) -> Self {
        Self { width, encoding: PrefixEncoding::Bcd, unit, includes_self: false }
    }
    /// `width` bytes binary big-endian counting `unit`.
    pub const fn binary(width: u8, unit: Unit) -> Self {
        Self { width, encoding: PrefixEncoding::Binary, unit, includes_self: false }
    }
    /// `width` EBCDIC digits counting `unit`.
    pub const fn ebcdic(width: u8, unit: Unit) -> Self {
        Self { width, encoding: PrefixEncoding::Ebcdic, unit, includes_self: false }
    }
    /// Bytes the prefix occupies on the wire.
    #[inline]
    pub const fn wire_len(&self) -> usize {
        self.width as usize
    }
    /// The largest length the prefix can express.
    #[inline]
    pub const fn capacity(&self) -> u64 {
        const MAX10: [u64; 20] = {
            let mut t = [0u64; 20];
            let mut i = 0;
            let mut p: u64 = 1;
            while i < 19 {
                p = p.saturating_mul(10);
                #[allow(clippy::indexing_slicing)]
                {
                    t[i] = p.saturating_sub(1);
                }
                i = i.saturating_add(1);
            }
            #[allow(clippy::indexing_slicing)]
            {
                t[19] = u64::MAX;
            }
            t
        };
        let w = self.width as usize;
        let digits = match self.encoding {
            PrefixEncoding::Ascii | PrefixEncoding::Ebcdic => w,
            PrefixEncoding::Bcd => w.saturating_mul(2),
            PrefixEncoding::Binary => {
                return match 1u64.checked_shl((w as u32).saturating_mul(8)) {
                    Some(v) if w < 8 => v.saturating_sub(1),
                    _ => u64::MAX,
                };
            }
        };
        if digits == 0 {
            return 0;
        }
        match digits.checked_sub(1) {
            Some(i) if i < 20 =>
            {
                #[allow(clippy::indexing_slicing)]
                MAX10[i]
            }
            _ => u64::MAX,
        }
    }
}

/// Fixed or variable length.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum Length {
    /// Exactly `len` units.
    Fixed {
        /// The length.
        len: u16,
        /// Its unit.
        unit: Unit,
    },
    /// A length prefix followed by `min..=max` units (in the prefix's unit).
    Var {
        /// The prefix.
        prefix: Prefix,
        /// Minimum length.
        min: u16,
        /// Maximum length.
        max: u16,
    },
    /// Everything that remains of the parent (composite subfields only), up to `max` bytes.
    Rest {
        /// Maximum length in bytes.
        max: u16,
    },
}

/// Alignment of an odd number of BCD digits in whole bytes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize), serde(rename_all = "lowercase"))]
pub enum Align {
    /// Digits start in the first high nibble; the pad nibble is last (`071` → `07 1F`).
    Left,
    /// The pad nibble is first (`071` → `00 71`).
    Right,
}

/// Character set of text data.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum Charset {
    /// US-ASCII.
    Ascii,
    /// EBCDIC code page 037.
    Cp037,
    /// EBCDIC code page 1047.
    Cp1047,
    /// GBK (GB 2312 superset; CUP POS text fields). Validated for byte structure.
    Gbk,
}

/// Sensitivity class, driving masking in [`crate::describe`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum Sensitivity {
    /// Shown as is.
    None,
    /// PAN: first 6 and last 4 shown.
    Pan,
    /// Track data: PAN part as a PAN, everything after the separator masked.
    Track,
    /// PIN block: fully masked.
    Pin,
    /// Key material or MAC: fully masked.
    Key,
    /// EMV ICC data: masked whole unless a tag-level [`payproto_tlv::MaskPolicy`] is given.
    Emv,
    /// Card verification data: fully masked.
    Cvv,
}

/// One data element (or subfield).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Human name.
    pub name: &'static str,
    /// Content class.
    pub class: Class,
    /// Wire encoding of the value.
    pub encoding: Encoding,
    /// Length.
    pub length: Length,
    /// BCD alignment for odd digit counts.
    pub align: Align,
    /// The BCD pad nibble written (any nibble is accepted when reading if `lenient_pad`).
    pub pad_nibble: u8,
    /// Whether a pad nibble other than `pad_nibble` is accepted on unpack (`0` or `F` in the wild).
    pub lenient_pad: bool,
    /// Pad character of fixed text fields (only documents the convention; values are exact).
    pub pad_char: u8,
    /// Character set of text (class a/an/ans).
    pub charset: Charset,
    /// Class `z` also accepts the hex nibbles A–F (encrypted track data).
    pub z_hex: bool,
    /// Whether values are checked against the class and character set (on unpack and pack).
    /// `false` for acquirer-specific fields whose content varies (CUP 46/56–59/63 may carry
    /// binary or SM-encrypted bytes): the character set then only drives rendering, and bytes
    /// invalid in it are shown as hex.
    pub check_charset: bool,
    /// Masking class.
    pub sensitivity: Sensitivity,
    /// Subfield structure, parsed on demand.
    pub composite: Option<&'static Composite>,
}

impl Field {
    const BASE: Self = Self {
        name: "",
        class: Class::N,
        encoding: Encoding::Ascii,
        length: Length::Fixed { len: 0, unit: Unit::Digits },
        align: Align::Right,
        pad_nibble: 0,
        lenient_pad: true,
        pad_char: b' ',
        charset: Charset::Ascii,
        z_hex: false,
        check_charset: true,
        sensitivity: Sensitivity::None,
        composite: None,
    };

    /// A fixed-length field: `len` in the natural unit of `class`/`encoding` (digits for
    /// numeric classes, characters for text, bytes for binary, hex characters for hex).
    pub const fn fixed(name: &'static str, class: Class, encoding: Encoding, len: u16) -> Self {
        let unit = natural_unit(class, encoding);
        Self { name, class, encoding, length: Length::Fixed { len, unit }, ..Self::BASE }
    }

    /// A variable-length field with the given prefix; `max` in the prefix's unit.
    pub const fn var(name: &'static str, class: Class, encoding: Encoding, prefix: Prefix, max: u16) -> Self {
        Self { name, class, encoding, length: Length::Var { prefix, min: 0, max }, ..Self::BASE }
    }

    /// A subfield that takes the rest of its parent.
    pub const fn rest(name: &'static str, class: Class, encoding: Encoding, max: u16) -> Self {
        Self { name, class, encoding, length: Length::Rest { max }, ..Self::BASE }
    }

    /// With BCD alignment and pad nibble.
    #[must_use]
    pub const fn aligned(mut self, align: Align, pad_nibble: u8) -> Self {
        self.align = align;
        self.pad_nibble = pad_nibble;
        self
    }
    /// With a minimum length.
    #[must_use]
    pub const fn min(mut self, min: u16) -> Self {
        if let Length::Var { prefix, max, .. } = self.length {
            self.length = Length::Var { prefix, min, max };
        }
        self
    }
    /// With a character set.
    #[must_use]
    pub const fn charset(mut self, charset: Charset) -> Self {
        self.charset = charset;
        self
    }
    /// With a sensitivity class.
    #[must_use]
    pub const fn sensitive(mut self, s: Sensitivity) -> Self {
        self.sensitivity = s;
        self
    }
    /// With a composite structure.
    #[must_use]
    pub const fn composite(mut self, c: &'static Composite) -> Self {
        self.composite = Some(c);
        self
    }
    /// `z` accepting hex nibbles A–F.
    #[must_use]
    pub const fn z_hex(mut self) -> Self {
        self.z_hex = true;
        self
    }
    /// Values not checked against class and character set (see [`Field::check_charset`]).
    #[must_use]
    pub const fn unchecked_charset(mut self) -> Self {
        self.check_charset = false;
        self
    }
    /// With a pad character for fixed text.
    #[must_use]
    pub const fn pad_char(mut self, c: u8) -> Self {
        self.pad_char = c;
        self
    }
}

/// The natural unit for a fixed length of this class and encoding.
pub const fn natural_unit(class: Class, encoding: Encoding) -> Unit {
    match (class, encoding) {
        (_, Encoding::Hex) => Unit::Chars,
        (Class::B, _) | (_, Encoding::Binary) => Unit::Bytes,
        (Class::N | Class::Z | Class::Xn | Class::Ns, _) => Unit::Digits,
        _ => Unit::Chars,
    }
}

/// Structure of a composite data element (over the parent's canonical value).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Composite {
    /// Subfields in order, numbered from 1; the value may end after any complete subfield
    /// (trailing subfields absent, as in CUP F60).
    Positional(&'static [Field]),
    /// A bitmap (binary, `bitmap_bytes` long) then the present subfields, numbered from 1 like
    /// data elements (`fields[i]` is subfield `i`; index 0 unused).
    Bitmapped {
        /// Bitmap length in bytes (8 for Postilion 127).
        bitmap_bytes: u8,
        /// Subfield specs by number.
        fields: &'static [Option<Field>],
    },
    /// BER-TLV objects (EMV), read with `payproto-tlv` in EMV mode.
    Tlv,
    /// Tag-length-value subelements with fixed-width character tags and lengths (Mastercard
    /// DE 48 style `TT LL value`): tags of `tag_width` characters, lengths of `len_width` decimal
    /// characters counting characters.
    TagLength {
        /// Tag width in characters.
        tag_width: u8,
        /// Length width in decimal characters.
        len_width: u8,
    },
}

/// Where the header before the MTI comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize))]
pub struct Header {
    /// TPDU bytes (CUP: 5).
    pub tpdu: u8,
    /// Further header bytes (CUP: 6).
    pub header: u8,
}

/// Encoding of the MTI.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum MtiEncoding {
    /// 4 ASCII digits.
    Ascii,
    /// 4 EBCDIC digits.
    Ebcdic,
    /// 2 bytes BCD.
    Bcd,
}

/// Encoding of the bitmaps.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum BitmapEncoding {
    /// 8 bytes per bitmap.
    Binary,
    /// 16 ASCII hex characters per bitmap.
    Hex,
}

/// How a tertiary bitmap is carried.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum Tertiary {
    /// No tertiary bitmap: bit 65 is an ordinary data element.
    None,
    /// Bit 65 announces a third bitmap right after the secondary one (bit 65 is not a DE).
    Contiguous,
    /// The third bitmap is the value of this data element (jPOS `thirdBitmapField`): its bit in
    /// the secondary bitmap announces it, and its canonical value (8 bytes) announces data
    /// elements 129–192, which follow it. The element is a bitmap, not a data element: it is
    /// not listed by [`crate::Message::fields`] and is written by pack itself.
    #[cfg_attr(feature = "alloc", serde(rename = "in_field"))]
    InField(u8),
}

/// Bitmap layout.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize))]
pub struct Bitmaps {
    /// Encoding.
    pub encoding: BitmapEncoding,
    /// Longest chain: 1 (primary only), 2 (secondary), 3 (tertiary).
    pub max: u8,
    /// Tertiary bitmap placement.
    pub tertiary: Tertiary,
}

/// How a dialect computes the MAC it carries in [`Spec::mac_field`] (computed by the `crypto`
/// feature, `crate::mac`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "alloc", derive(Serialize, Deserialize), serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum MacAlgorithm {
    /// China UnionPay POS "ECB" MAC over the MAC input range (XOR of 8-byte blocks, upper-case hex
    /// expansion, two encryptions under the MAK); the field carries the 8 ASCII hex characters.
    CupEcb,
}

/// A whole message spec.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Name (`iso87-ascii`).
    pub name: &'static str,
    /// Bytes before the MTI.
    pub header: Header,
    /// MTI encoding.
    pub mti: MtiEncoding,
    /// Bitmap layout.
    pub bitmaps: Bitmaps,
    /// Data elements by number (index 0 and 1 unused; index 65 unused with a contiguous
    /// tertiary bitmap). At most 193 entries.
    pub fields: &'static [Option<Field>],
    /// The data element carrying the MAC (64 or 128), if the dialect MACs messages.
    pub mac_field: Option<u8>,
    /// The dialect's MAC algorithm, when it has one defined by its specification (`None` where it
    /// is agreed bilaterally: supply the algorithm to `crate::mac` explicitly).
    pub mac_algorithm: Option<MacAlgorithm>,
}

impl Spec {
    /// The spec of data element `de`.
    #[inline]
    pub fn field(&self, de: usize) -> Option<&'static Field> {
        self.fields.get(de).and_then(Option::as_ref)
    }
    /// Bytes of header before the MTI.
    pub const fn header_len(&self) -> usize {
        (self.header.tpdu as usize).saturating_add(self.header.header as usize)
    }
    /// Bytes of the MTI.
    pub const fn mti_len(&self) -> usize {
        match self.mti {
            MtiEncoding::Bcd => 2,
            _ => 4,
        }
    }
    /// Bytes of one bitmap.
    pub const fn bitmap_len(&self) -> usize {
        match self.bitmaps.encoding {
            BitmapEncoding::Binary => 8,
            BitmapEncoding::Hex => 16,
        }
    }
}
