//! `paytool tlv decode|encode`.

use clap::{Args, Subcommand};
use payproto_tlv::{
    Config, Content, MaskPolicy, Masking, NoMasking, OwnedTlv, Reader, Tag, Tlv, write_masked_hex,
};
use serde_json::{Map, Value, json};

use crate::input::{Failure, Outcome, hex, hex_arg, text};

#[derive(Subcommand, Debug)]
pub(crate) enum TlvCmd {
    /// Decode BER-TLV into an indented tree (or JSON).
    Decode(DecodeArgs),
    /// Encode the JSON of `tlv decode --json` back to canonical BER-TLV hex.
    Encode {
        /// The JSON array of nodes (`-` for stdin, `@PATH` for a file).
        json: String,
    },
}

#[derive(Args, Debug)]
pub(crate) struct DecodeArgs {
    /// Strict BER: no padding, minimal lengths, constructed values must be TLV.
    #[arg(long)]
    strict: bool,
    /// Skip FF bytes between objects like 00.
    #[arg(long)]
    ff_padding: bool,
    /// The input is a response APDU: strip and show the trailing status word.
    #[arg(long)]
    apdu: bool,
    /// Print one JSON document (raw values unless --mask).
    #[arg(long)]
    json: bool,
    /// Show sensitive values (PAN, track data, names) in the human form.
    #[arg(long)]
    unmasked: bool,
    /// Mask sensitive values in the JSON form too.
    #[arg(long)]
    mask: bool,
    /// The BER-TLV bytes as hex (`-` for stdin, `@PATH` for a file).
    hex: String,
}

pub(crate) fn run(cmd: TlvCmd) -> Outcome {
    match cmd {
        TlvCmd::Decode(a) => decode(&a),
        TlvCmd::Encode { json } => encode(&json),
    }
}

fn decode(a: &DecodeArgs) -> Outcome {
    let mut data = hex_arg(&a.hex, "HEX")?;
    let mut sw = None;
    if a.apdu {
        let split = data.len().checked_sub(2).ok_or_else(|| {
            Failure::Input("HEX: a response APDU needs at least a 2-byte status word".into())
        })?;
        sw = Some(data.split_off(split));
    }
    let cfg = if a.strict { Config::STRICT } else { Config::EMV }.with_ff_padding(a.ff_padding);
    // The EMV dictionary decides what is sensitive (PAN, track data, names …).
    let dictionary = crate::emv_cmd::mask_policy();
    let policy: &dyn MaskPolicy = if a.json {
        if a.mask { &dictionary } else { &NoMasking }
    } else if a.unmasked {
        &NoMasking
    } else {
        &dictionary
    };
    // Build the whole output first: on error nothing goes to stdout.
    let fail = |e: payproto_tlv::Error| Failure::Input(format!("malformed TLV: {e}"));
    if a.json {
        let nodes = json_level(Reader::new(&data, cfg), policy).map_err(fail)?;
        println!("{}", Value::Array(nodes));
    } else {
        let mut out = String::new();
        human_level(Reader::new(&data, cfg), policy, a.unmasked, &mut out).map_err(fail)?;
        if let Some(sw) = sw {
            out.push_str(&format!("SW {}\n", hex(&sw)));
        }
        print!("{out}");
    }
    Ok(())
}

fn masked(value: &[u8], m: Masking) -> String {
    let mut s = String::new();
    let _ = write_masked_hex(&mut s, value, m);
    s
}

fn json_level(r: Reader<'_>, policy: &dyn MaskPolicy) -> Result<Vec<Value>, payproto_tlv::Error> {
    let mut out = Vec::new();
    for t in r {
        let t = t?;
        let mut node = Map::new();
        node.insert("tag".into(), json!(t.tag.to_string()));
        node.insert("length".into(), json!(t.value.len()));
        match t.content()? {
            Content::Children(c) => {
                node.insert("children".into(), Value::Array(json_level(c, policy)?));
            }
            Content::Primitive(v) | Content::Opaque(v) => {
                node.insert("value".into(), json!(masked(v, policy.masking(t.tag))));
            }
        }
        out.push(Value::Object(node));
    }
    Ok(out)
}

fn printable(v: &[u8]) -> Option<String> {
    (!v.is_empty() && v.iter().all(|b| (0x20..0x7F).contains(b)))
        .then(|| v.iter().map(|&b| char::from(b)).collect())
}

fn human_level(
    r: Reader<'_>,
    policy: &dyn MaskPolicy,
    unmasked: bool,
    out: &mut String,
) -> Result<(), payproto_tlv::Error> {
    for t in r {
        let t: Tlv<'_> = t?;
        let indent = "  ".repeat(t.depth());
        let described = crate::emv_cmd::describe_tag(t.tag, t.value, unmasked);
        let name = described.as_ref().map_or(String::new(), |d| format!(" {}", d.0));
        match t.content()? {
            Content::Children(c) => {
                out.push_str(&format!("{indent}{}{name} ({})\n", t.tag, t.value.len()));
                human_level(c, policy, unmasked, out)?;
            }
            Content::Primitive(v) | Content::Opaque(v) => {
                let m = policy.masking(t.tag);
                let mut line = format!("{indent}{}{name} ({}) {}", t.tag, v.len(), masked(v, m));
                match &described {
                    // The dictionary's decode (already masked when the tag is sensitive), when it
                    // says more than the hex.
                    Some((_, _, text))
                        if !text.is_empty() && *text != masked(v, m) && !t.is_constructed() =>
                    {
                        line.push_str(&format!("  {text}"));
                    }
                    _ => {
                        if let (Masking::Clear, Some(s)) = (m, printable(v)) {
                            line.push_str(&format!("  \"{s}\""));
                        }
                    }
                }
                if t.is_constructed() {
                    line.push_str("  (constructed, value is not TLV)");
                }
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    Ok(())
}

fn encode(arg: &str) -> Outcome {
    let v: Value = serde_json::from_str(&text(arg)?).map_err(|e| Failure::Input(format!("JSON: {e}")))?;
    let nodes = json_nodes(&v, "$")?;
    let bytes = OwnedTlv::encode_all(&nodes).map_err(|e| Failure::Input(format!("cannot encode: {e}")))?;
    println!("{}", hex(&bytes));
    Ok(())
}

fn json_nodes(v: &Value, path: &str) -> Result<Vec<OwnedTlv>, Failure> {
    let arr =
        v.as_array().ok_or_else(|| Failure::Input(format!("JSON {path}: expected an array of nodes")))?;
    arr.iter().enumerate().map(|(i, n)| json_node(n, &format!("{path}[{i}]"))).collect()
}

fn json_node(n: &Value, path: &str) -> Result<OwnedTlv, Failure> {
    let bad = |what: &str| Failure::Input(format!("JSON {path}: {what}"));
    let obj = n.as_object().ok_or_else(|| bad("expected an object"))?;
    let tag_hex = obj.get("tag").and_then(Value::as_str).ok_or_else(|| bad("missing \"tag\" string"))?;
    let tag_bytes = crate::input::parse_hex(tag_hex).map_err(|(m, _)| bad(&format!("tag: {m}")))?;
    let tag = Tag::from_bytes(&tag_bytes).map_err(|_| bad("tag is not a 1-3 byte BER tag"))?;
    match (obj.get("value"), obj.get("children")) {
        (Some(v), None) => {
            let s = v.as_str().ok_or_else(|| bad("\"value\" must be a hex string"))?;
            let value = crate::input::parse_hex(s).map_err(|(m, at)| bad(&format!("value: {m} at {at}")))?;
            Ok(OwnedTlv::Primitive { tag, value })
        }
        (None, Some(c)) => {
            if !tag.is_constructed() {
                return Err(bad(&format!("tag {tag} is primitive but has \"children\"")));
            }
            Ok(OwnedTlv::Constructed { tag, children: json_nodes(c, &format!("{path}.children"))? })
        }
        _ => Err(bad("exactly one of \"value\" or \"children\" is required")),
    }
}
