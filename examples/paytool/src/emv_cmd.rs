//! `paytool emv tvr|tsi|aip|cvm-list|afl|cid|iad` (CLI.md, section emv) and the dictionary hook
//! for `paytool tlv decode`.
//!
//! Wiring (in `main.rs`): `mod emv_cmd;`, then inside the `emv` subcommand enum
//! `#[command(flatten)] Decode(emv_cmd::EmvDecode)` and dispatch with
//! `emv_cmd::run(&cmd, &mut std::io::stdout(), &mut std::io::stderr())`, whose return value is
//! the process exit code. `tlv decode` calls [`describe_tag`] for each object.

use std::io::Write;

use clap::{Args, Subcommand};
use payproto_emv::data::{Afl, Aip, Bit, Cid, CvmList, Iad, McCvr, Tsi, Tvr, VisaCvr};
use payproto_emv::describe::{describe, describe_unmasked};
use payproto_emv::dictionary::Scheme;
use payproto_emv::tlv::{Masking, Tag};
use serde_json::{Value, json};

/// A hex argument: hex digits (spaces allowed), `-` for standard input, `@PATH` for a file.
#[derive(Args, Debug, Clone)]
pub(crate) struct HexArg {
    /// The value as hex (spaces allowed), `-` to read standard input, `@PATH` to read a file.
    #[arg(value_name = "HEX")]
    pub(crate) hex: String,
    /// Print one JSON document instead of the human form.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The scheme whose IAD layout to use.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IadScheme {
    /// Recognise the layout by its shape.
    Auto,
    /// Visa (IAD formats 0/1/3 and 2).
    Visa,
    /// Mastercard M/Chip.
    Mastercard,
    /// UnionPay / PBOC.
    Upi,
}

/// `emv iad` arguments.
#[derive(Args, Debug, Clone)]
pub(crate) struct IadArgs {
    /// The Issuer Application Data (tag 9F10 value).
    #[command(flatten)]
    pub(crate) value: HexArg,
    /// The layout to decode with.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) scheme: IadScheme,
}

/// The EMV decode subcommands.
#[derive(Subcommand, Debug, Clone)]
pub(crate) enum EmvDecode {
    /// Decode Terminal Verification Results (tag 95; also IACs/TACs), 5 bytes.
    Tvr(HexArg),
    /// Decode Transaction Status Information (tag 9B), 2 bytes.
    Tsi(HexArg),
    /// Decode the Application Interchange Profile (tag 82), 2 bytes.
    Aip(HexArg),
    /// Decode a CVM List (tag 8E).
    CvmList(HexArg),
    /// Decode an Application File Locator (tag 94).
    Afl(HexArg),
    /// Decode Cryptogram Information Data (tag 9F27), 1 byte.
    Cid(HexArg),
    /// Decode Issuer Application Data (tag 9F10) for the common CVNs.
    Iad(IadArgs),
}

use crate::input::hex as hex_upper;

fn bits_json(bits: impl Iterator<Item = (Bit, &'static str)>) -> Value {
    Value::Array(
        bits.map(|(b, name)| {
            let bit = 8u32.saturating_sub(b.mask.leading_zeros());
            json!({"byte": b.byte, "bit": bit, "name": name})
        })
        .collect(),
    )
}

fn bits_human(
    out: &mut dyn Write,
    hex: &str,
    bits: impl Iterator<Item = (Bit, &'static str)>,
) -> std::io::Result<()> {
    writeln!(out, "{hex}")?;
    for (b, name) in bits {
        writeln!(out, "  {b}  {name}")?;
    }
    Ok(())
}

/// The input bytes of a decode subcommand.
fn input(arg: &HexArg) -> Result<Vec<u8>, String> {
    let text = crate::input::text(&arg.hex).map_err(|f| f.message().to_owned())?;
    crate::input::parse_hex(&text).map_err(|(m, at)| format!("{m} at character {at}"))
}

/// Runs one decode subcommand; returns the exit code (0 ok, 2 malformed input).
pub(crate) fn run(cmd: &EmvDecode, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match run_inner(cmd) {
        Ok((human, json)) => {
            let arg = match cmd {
                EmvDecode::Tvr(a)
                | EmvDecode::Tsi(a)
                | EmvDecode::Aip(a)
                | EmvDecode::CvmList(a)
                | EmvDecode::Afl(a)
                | EmvDecode::Cid(a) => a,
                EmvDecode::Iad(a) => &a.value,
            };
            let r = if arg.json { writeln!(out, "{json}") } else { out.write_all(human.as_bytes()) };
            if r.is_err() { 2 } else { 0 }
        }
        Err(msg) => {
            let _ = writeln!(err, "error: {msg}");
            2
        }
    }
}

fn run_inner(cmd: &EmvDecode) -> Result<(String, Value), String> {
    let mut h: Vec<u8> = Vec::new();
    let name_err = |what: &str, e: payproto_emv::Error| format!("{what}: {e}");
    let json = match cmd {
        EmvDecode::Tvr(a) => {
            let v = input(a)?;
            let t = Tvr::parse(&v).map_err(|e| name_err("TVR must be 5 bytes", e))?;
            bits_human(&mut h, &hex_upper(&v), t.set_bits()).map_err(|e| e.to_string())?;
            json!({"hex": hex_upper(&v), "bits": bits_json(t.set_bits())})
        }
        EmvDecode::Tsi(a) => {
            let v = input(a)?;
            let t = Tsi::parse(&v).map_err(|e| name_err("TSI must be 2 bytes", e))?;
            bits_human(&mut h, &hex_upper(&v), t.set_bits()).map_err(|e| e.to_string())?;
            json!({"hex": hex_upper(&v), "bits": bits_json(t.set_bits())})
        }
        EmvDecode::Aip(a) => {
            let v = input(a)?;
            let t = Aip::parse(&v).map_err(|e| name_err("AIP must be 2 bytes", e))?;
            bits_human(&mut h, &hex_upper(&v), t.set_bits()).map_err(|e| e.to_string())?;
            json!({"hex": hex_upper(&v), "bits": bits_json(t.set_bits())})
        }
        EmvDecode::CvmList(a) => {
            let v = input(a)?;
            let l = CvmList::parse(&v).map_err(|e| name_err("malformed CVM list", e))?;
            let _ = writeln!(h, "X = {}, Y = {}", l.x, l.y);
            let mut rules = Vec::new();
            for r in l.rules() {
                let _ = writeln!(h, "  {r}");
                rules.push(json!({
                    "rule": format!("{:02X}{:02X}", r.code, r.condition.0),
                    "method": r.method().name(),
                    "condition": r.condition.name(),
                    "apply_next_if_unsuccessful": r.apply_next_if_unsuccessful(),
                }));
            }
            json!({"x": l.x, "y": l.y, "rules": rules})
        }
        EmvDecode::Afl(a) => {
            let v = input(a)?;
            let afl = Afl::parse(&v).map_err(|e| name_err("invalid AFL", e))?;
            let mut entries = Vec::new();
            for e in afl.entries() {
                let _ = writeln!(h, "{e}");
                entries.push(
                    json!({"sfi": e.sfi, "first": e.first, "last": e.last, "oda_records": e.oda_records}),
                );
            }
            json!({"entries": entries, "records": afl.record_count(), "oda_records": afl.oda_record_count()})
        }
        EmvDecode::Cid(a) => {
            let v = input(a)?;
            let c = Cid::parse(&v).map_err(|e| name_err("CID must be 1 byte", e))?;
            let _ = writeln!(h, "{c}");
            json!({"hex": hex_upper(&v), "cryptogram": c.cryptogram().as_str(), "advice_required": c.advice_required(), "reason": c.reason()})
        }
        EmvDecode::Iad(a) => {
            let v = input(&a.value)?;
            let iad = match a.scheme {
                IadScheme::Auto => Iad::parse(&v).map_err(|e| name_err("IAD longer than 32 bytes", e))?,
                IadScheme::Visa => Iad::parse_for(&v, Scheme::Visa),
                IadScheme::Mastercard => Iad::parse_for(&v, Scheme::Mastercard),
                IadScheme::Upi => Iad::parse_for(&v, Scheme::UnionPay),
            };
            iad_out(&mut h, &v, &iad)
        }
    };
    Ok((String::from_utf8_lossy(&h).into_owned(), json))
}

fn visa_cvr_json(cvr: &VisaCvr) -> Value {
    json!({"hex": hex_upper(&cvr.0), "bits": bits_json(cvr.set_bits()), "script_commands": cvr.script_count()})
}

fn mc_cvr_json(cvr: &McCvr) -> Value {
    json!({"hex": hex_upper(&cvr.0), "bits": bits_json(cvr.set_bits()),
           "script_counter": cvr.script_counter(), "pin_try_counter": cvr.pin_try_counter()})
}

fn iad_out(h: &mut Vec<u8>, v: &[u8], iad: &Iad<'_>) -> Value {
    let _ = writeln!(h, "{iad}");
    match iad {
        Iad::Visa { dki, cvn, cvr, idd } => {
            json!({"hex": hex_upper(v), "format": "visa", "cvn": format!("{cvn:02X}"),
            "dki": format!("{dki:02X}"), "cvr": visa_cvr_json(cvr), "idd": idd.map(hex_upper)})
        }
        Iad::VisaFormat2 { cvn, dki, cvr, idd } => json!({"hex": hex_upper(v), "format": "visa-format-2",
            "cvn": format!("{cvn:02X}"), "dki": format!("{dki:02X}"), "cvr": hex_upper(cvr), "idd": hex_upper(idd)}),
        Iad::Mastercard { dki, cvn, cvr, dac, counters, rest } => {
            json!({"hex": hex_upper(v), "format": "mastercard",
            "cvn": format!("{cvn:02X}"), "dki": format!("{dki:02X}"), "cvr": mc_cvr_json(cvr), "dac": hex_upper(dac),
            "counters": hex_upper(counters), "rest": hex_upper(rest)})
        }
        Iad::Pboc { dki, cvn, cvr, algorithm, rest } => json!({"hex": hex_upper(v), "format": "pboc",
            "cvn": format!("{cvn:02X}"), "dki": format!("{dki:02X}"), "cvr": visa_cvr_json(cvr),
            "algorithm": format!("{algorithm:02X}"), "rest": hex_upper(rest)}),
        _ => json!({"hex": hex_upper(v), "format": "unknown"}),
    }
}

/// For `paytool tlv decode`: the tag's dictionary name, its PCI masking, and its decoded value
/// (masked unless `unmasked`). `None` when the tag is not in the EMV dictionary. The decoded
/// value is hex when the value does not decode.
pub(crate) fn describe_tag(
    tag: Tag,
    value: &[u8],
    unmasked: bool,
) -> Option<(&'static str, Masking, String)> {
    let d = if unmasked { describe_unmasked(tag, value)? } else { describe(tag, value)? };
    Some((d.name(), d.entry().masking, d.to_string()))
}

/// The masking policy to hand to dumpers (`payproto_tlv::MaskPolicy`).
pub(crate) fn mask_policy() -> payproto_emv::dictionary::Dictionary {
    payproto_emv::dictionary::Dictionary
}
