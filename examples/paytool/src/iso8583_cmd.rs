//! `paytool iso8583 specs|decode|encode` (shared/CLI.md, section iso8583).
//!
//! Wiring (main.rs): `mod iso8583_cmd;`, a `Cmd` variant
//! `#[command(subcommand)] Iso8583(iso8583_cmd::Iso8583Cmd)` and the arm
//! `Cmd::Iso8583(c) => iso8583_cmd::run(c)`; Cargo.toml:
//! `payproto-iso8583 = { workspace = true, features = ["std", "gbk"] }`.

use clap::{Args, Subcommand};
use payproto_iso8583::framing::Frame;
use payproto_iso8583::spec::{Charset, Class, Composite, Spec};
use payproto_iso8583::{FieldRef, MessageBuilder, Subfield, gbk, specs, unpack_partial};
use serde_json::{Map, Value, json};

use crate::input::{Failure, Outcome, hex, hex_arg, parse_hex, text};

#[derive(Subcommand, Debug)]
pub(crate) enum Iso8583Cmd {
    /// List the built-in spec names, one a line (or print one spec as JSON with --dump).
    Specs {
        /// Print this built-in spec in the JSON spec format (a starting point for --spec-file).
        #[arg(long)]
        dump: Option<String>,
    },
    /// Decode a message (masked human dump, or JSON).
    Decode(DecodeArgs),
    /// Encode the JSON of `iso8583 decode --json` back to the message hex.
    Encode(EncodeArgs),
}

#[derive(Args, Debug)]
pub(crate) struct SpecArgs {
    /// A built-in spec (`paytool iso8583 specs`).
    #[arg(long, conflicts_with = "spec_file", required_unless_present = "spec_file")]
    spec: Option<String>,
    /// A JSON spec file (the library's spec format).
    #[arg(long)]
    spec_file: Option<String>,
}

#[derive(Args, Debug)]
pub(crate) struct DecodeArgs {
    #[command(flatten)]
    spec: SpecArgs,
    /// Transport framing to strip first: none, len2, len2incl, len2bcd, ascii4.
    #[arg(long, default_value = "none")]
    frame: String,
    /// Print one JSON document (raw values unless --mask).
    #[arg(long)]
    json: bool,
    /// Show sensitive values in the human form.
    #[arg(long)]
    unmasked: bool,
    /// Mask sensitive values in the JSON form too.
    #[arg(long)]
    mask: bool,
    /// Add the parsed subfields of composite fields under "subfields" (JSON).
    #[arg(long)]
    subfields: bool,
    /// Verify the message's MAC with this key (exit 1 on mismatch).
    #[arg(long)]
    mak: Option<String>,
    /// The message as hex (`-` for stdin, `@PATH` for a file).
    hex: String,
}

#[derive(Args, Debug)]
pub(crate) struct EncodeArgs {
    #[command(flatten)]
    spec: SpecArgs,
    /// Transport framing to add: none (default), len2, len2incl, len2bcd, ascii4.
    #[arg(long, default_value = "none")]
    frame: String,
    /// Compute and fill the MAC field with this key.
    #[arg(long)]
    mak: Option<String>,
    /// The JSON of `iso8583 decode --json` (`-` for stdin, `@PATH` for a file).
    json: String,
}

pub(crate) fn run(cmd: Iso8583Cmd) -> Outcome {
    match cmd {
        Iso8583Cmd::Specs { dump: None } => {
            for s in specs::ALL {
                println!("{}", s.name);
            }
            Ok(())
        }
        Iso8583Cmd::Specs { dump: Some(name) } => {
            let spec = load_spec(&SpecArgs { spec: Some(name), spec_file: None })?;
            println!("{}", spec.to_json());
            Ok(())
        }
        Iso8583Cmd::Decode(a) => decode(&a),
        Iso8583Cmd::Encode(a) => encode(&a),
    }
}

fn load_spec(a: &SpecArgs) -> Result<&'static Spec, Failure> {
    match (&a.spec, &a.spec_file) {
        (Some(name), _) => specs::by_name(name).ok_or_else(|| {
            let names: Vec<&str> = specs::ALL.iter().map(|s| s.name).collect();
            Failure::Input(format!("unknown spec {name:?} (built-in: {})", names.join(", ")))
        }),
        (None, Some(path)) => {
            let json = text(&format!("@{path}"))?;
            Spec::from_json(&json).map_err(|e| Failure::Input(format!("{path}: {e}")))
        }
        (None, None) => Err(Failure::Input("--spec or --spec-file is required".to_owned())),
    }
}

fn frame(name: &str) -> Result<Frame, Failure> {
    Frame::from_name(name).ok_or_else(|| {
        Failure::Input(format!("unknown frame {name:?} (none, len2, len2incl, len2bcd, ascii4)"))
    })
}

/// The MAC key of `--mak`: 8 bytes single DES, 16 or 24 bytes TDES.
fn mak(arg: &str) -> Result<payproto_crypto::Key, Failure> {
    let bytes = hex_arg(arg, "--mak")?;
    let alg = match bytes.len() {
        8 => payproto_crypto::Algorithm::Des,
        16 => payproto_crypto::Algorithm::Tdes2,
        24 => payproto_crypto::Algorithm::Tdes3,
        n => return Err(Failure::Input(format!("--mak: {n} bytes (8, 16 or 24 expected)"))),
    };
    payproto_crypto::Key::new(alg, &bytes).map_err(|e| Failure::Input(format!("--mak: {e}")))
}

/// The JSON value of a field: characters for n/an/ans/z (non-ASCII character sets decoded to
/// Unicode, or `{"hex": …}` when not valid in that set), upper-case hex for b.
fn value_json(f: &FieldRef<'_>) -> Value {
    let canon: Vec<u8> = f.canonical().collect();
    if f.spec.class == Class::B {
        return Value::String(hex(&canon));
    }
    match f.spec.charset {
        Charset::Gbk => match gbk::decode(canon.iter().copied()).collect::<Result<String, usize>>() {
            Ok(s) => Value::String(s),
            Err(_) => json!({ "hex": hex(&canon) }),
        },
        // EBCDIC values are canonical Latin-1 (a bijection), so every byte is a character.
        Charset::Cp037 | Charset::Cp1047 => Value::String(canon.iter().map(|&b| char::from(b)).collect()),
        _ => match String::from_utf8(canon) {
            Ok(s) if s.is_ascii() => Value::String(s),
            Ok(s) => json!({ "hex": hex(s.as_bytes()) }),
            Err(e) => json!({ "hex": hex(e.as_bytes()) }),
        },
    }
}

fn masked_json(f: &FieldRef<'_>) -> Value {
    let mut s = String::new();
    let _ = payproto_iso8583::describe::write_value(&mut s, f, false, None);
    Value::String(s)
}

fn subfields_json(f: &FieldRef<'_>, sub: Option<&Subfield<'_>>) -> Result<Value, Failure> {
    let mut scratch = vec![0u8; f.canonical_len().max(1)];
    let it = match sub {
        Some(s) => s.subfields(&mut scratch),
        None => f.subfields(&mut scratch),
    }
    .map_err(|e| Failure::Input(format!("subfields: {e}")))?;
    let mut map = Map::new();
    for s in it {
        let s = s.map_err(|e| Failure::Input(format!("subfields: {e}")))?;
        let key = if s.is_tag { format!("{:X}", s.field.number) } else { s.field.number.to_string() };
        let v = if s.field.spec.composite.is_some() {
            json!({ "value": value_json(&s.field), "subfields": subfields_json(&s.field, Some(&s))? })
        } else {
            value_json(&s.field)
        };
        map.insert(key, v);
    }
    Ok(Value::Object(map))
}

fn decode(a: &DecodeArgs) -> Outcome {
    let spec = load_spec(&a.spec)?;
    let fr = frame(&a.frame)?;
    let key = a.mak.as_deref().map(mak).transpose()?;
    let bytes = hex_arg(&a.hex, "HEX")?;
    let (body, _) = fr.decode(&bytes).map_err(|e| Failure::Input(format!("frame {}: {e}", a.frame)))?;
    let p = unpack_partial(spec, body);
    if let Some(e) = p.error {
        if !a.json {
            let d = p.message.describe();
            print!("{}", if a.unmasked { d.unmasked() } else { d });
        }
        return Err(Failure::Input(format!("{}: {e}", spec.name)));
    }
    let m = p.message;
    if let Some(k) = &key {
        payproto_iso8583::mac::verify(&m, k).map_err(|e| match e.kind {
            payproto_iso8583::ErrorKind::MacMismatch => {
                Failure::Verify(format!("{}: MAC does not verify", spec.name))
            }
            _ => Failure::Input(format!("{}: {e}", spec.name)),
        })?;
    }
    if !a.json {
        let d = m.describe();
        print!("{}", if a.unmasked { d.unmasked() } else { d });
        if key.is_some() {
            println!("MAC verified");
        }
        return Ok(());
    }
    let mut doc = Map::new();
    if spec.header.tpdu > 0 {
        doc.insert("tpdu".into(), Value::String(hex(m.tpdu())));
    }
    if spec.header.header > 0 {
        doc.insert("header".into(), Value::String(hex(m.header())));
    }
    doc.insert("mti".into(), Value::String(m.mti_str().to_owned()));
    let mut fields = Map::new();
    let mut subs = Map::new();
    for f in m.fields() {
        let v = if a.mask { masked_json(&f) } else { value_json(&f) };
        fields.insert(f.number.to_string(), v);
        if a.subfields && f.spec.composite.is_some() && !(a.mask && f.spec.composite == Some(&Composite::Tlv))
        {
            subs.insert(f.number.to_string(), subfields_json(&f, None)?);
        }
    }
    doc.insert("fields".into(), Value::Object(fields));
    if a.subfields {
        doc.insert("subfields".into(), Value::Object(subs));
    }
    println!("{}", Value::Object(doc));
    Ok(())
}

/// The canonical bytes of a JSON field value for `de`.
fn value_bytes(spec: &Spec, de: usize, v: &Value) -> Result<Vec<u8>, Failure> {
    let f =
        spec.field(de).ok_or_else(|| Failure::Input(format!("field {de}: not defined by {}", spec.name)))?;
    let bad = |what: &str| Failure::Input(format!("field {de}: {what}"));
    if let Some(h) = v.get("hex").and_then(Value::as_str) {
        return parse_hex(h).map_err(|(m, at)| bad(&format!("{m} at character {at}")));
    }
    let s = v.as_str().ok_or_else(|| bad("expected a string or {\"hex\": ...}"))?;
    if f.class == Class::B {
        return parse_hex(s).map_err(|(m, at)| bad(&format!("{m} at character {at}")));
    }
    match f.charset {
        Charset::Gbk => {
            let mut out = Vec::new();
            for c in s.chars() {
                let mut buf = [0u8; 2];
                let n = gbk::encode_char(c, &mut buf)
                    .ok_or_else(|| bad(&format!("{c:?} has no GBK encoding")))?;
                out.extend_from_slice(buf.get(..n).unwrap_or(&[]));
            }
            Ok(out)
        }
        Charset::Cp037 | Charset::Cp1047 => s
            .chars()
            .map(|c| {
                u8::try_from(u32::from(c)).map_err(|_| bad(&format!("{c:?} is not in the EBCDIC code page")))
            })
            .collect(),
        _ => Ok(s.as_bytes().to_vec()),
    }
}

fn encode(a: &EncodeArgs) -> Outcome {
    let spec = load_spec(&a.spec)?;
    let fr = frame(&a.frame)?;
    let key = a.mak.as_deref().map(mak).transpose()?;
    let doc: Value =
        serde_json::from_str(&text(&a.json)?).map_err(|e| Failure::Input(format!("JSON: {e}")))?;
    let mti = doc
        .get("mti")
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::Input("JSON: \"mti\" missing".into()))?;
    let mti: [u8; 4] =
        mti.as_bytes().try_into().map_err(|_| Failure::Input("JSON: \"mti\" must be 4 digits".into()))?;
    let mut b = MessageBuilder::new(mti);
    let mut header = Vec::new();
    for key in ["tpdu", "header"] {
        if let Some(h) = doc.get(key) {
            let h = h.as_str().ok_or_else(|| Failure::Input(format!("JSON: \"{key}\" must be hex")))?;
            header.extend(
                parse_hex(h).map_err(|(m, at)| Failure::Input(format!("{key}: {m} at character {at}")))?,
            );
        }
    }
    b.header(header);
    let fields = doc
        .get("fields")
        .and_then(Value::as_object)
        .ok_or_else(|| Failure::Input("JSON: \"fields\" must be an object".into()))?;
    for (k, v) in fields {
        let de: usize =
            k.parse().map_err(|_| Failure::Input(format!("JSON: field key {k:?} is not a number")))?;
        b.set(de, value_bytes(spec, de, v)?);
    }
    let msg = match &key {
        None => b.pack(spec).map_err(|e| Failure::Input(format!("{}: {e}", spec.name)))?,
        Some(k) => {
            let mut buf = vec![0u8; 65_536];
            let n = payproto_iso8583::mac::pack_with_mac(spec, &b.fields(), k, &mut buf)
                .map_err(|e| Failure::Input(format!("{}: {e}", spec.name)))?;
            buf.truncate(n);
            buf
        }
    };
    let mut out = vec![0u8; msg.len() + fr.header_len()];
    let n = fr.encode(&msg, &mut out).map_err(|e| Failure::Input(format!("frame {}: {e}", a.frame)))?;
    println!("{}", hex(out.get(..n).unwrap_or(&[])));
    Ok(())
}
