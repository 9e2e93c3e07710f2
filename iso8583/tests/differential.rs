//! Differential test against pyiso8583 (PyPI, `iso8583.specs.default_ascii`) on `iso87-ascii`
//! (and, second test, on `iso87-binary` with a pyiso8583 spec of the ISO87BPackager layout):
//! 1 200 random messages packed by pyiso8583 (fixed seed, `tests/diff/pyiso_diff.py`) must
//! unpack to the same values here and repack byte for byte; the messages packed here must be
//! decoded by pyiso8583 to the same values. Fields are restricted to those where the two specs
//! agree (see the script). Missing python3 or pyiso8583 is a FAILURE, never a skip.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use std::io::Write;
use std::process::{Command, Stdio};

use payproto_iso8583::spec::Class;
use payproto_iso8583::specs::{ISO87_ASCII, ISO87_BINARY};
use payproto_iso8583::{Fields, pack, unpack};
use serde_json::Value;

const SEED: &str = "8583";
const COUNT: usize = 1200;

fn script() -> String {
    format!("{}/tests/diff/pyiso_diff.py", env!("CARGO_MANIFEST_DIR"))
}

fn python(args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    let mut child = Command::new("python3")
        .arg(script())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("differential test needs python3 on PATH (pip install pyiso8583): {e}"));
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "pyiso_diff.py {args:?} failed (is pyiso8583 installed? `pip install pyiso8583`):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02X}")).collect()
}

/// The value of a field as pyiso8583 shows it: text as is, `b` as upper-case hex.
fn shown(f: &payproto_iso8583::FieldRef<'_>) -> String {
    let canon: Vec<u8> = f.canonical().collect();
    if f.spec.class == Class::B { hex_encode(&canon) } else { String::from_utf8(canon).unwrap() }
}

#[test]
fn pyiso8583_packs_payproto_unpacks_and_back() {
    differential(&ISO87_ASCII, "gen", "decode");
}

/// The same against `iso87-binary`, with a pyiso8583 spec written from the jPOS ISO87BPackager
/// layout (reference O-7; see the script): BCD MTI/numerics, BCD length prefixes, binary b.
#[test]
fn iso87_binary_against_pyiso8583() {
    differential(&ISO87_BINARY, "gen-binary", "decode-binary");
}

fn differential(spec: &'static payproto_iso8583::spec::Spec, gen_mode: &str, decode_mode: &str) {
    let generated: Vec<Value> =
        serde_json::from_slice(&python(&[gen_mode, SEED, &COUNT.to_string()], None)).unwrap();
    assert_eq!(generated.len(), COUNT);
    let mut ours = Vec::new();
    let mut fields_total = 0usize;
    for (i, g) in generated.iter().enumerate() {
        let packed = hex_decode(g["packed"].as_str().unwrap());
        let expected = g["fields"].as_object().unwrap();
        let m = unpack(spec, &packed).unwrap_or_else(|e| panic!("message {i}: {e}"));
        assert_eq!(m.mti_str(), g["mti"].as_str().unwrap(), "message {i}");
        let got: Vec<(String, String)> = m.fields().map(|f| (f.number.to_string(), shown(&f))).collect();
        assert_eq!(got.len(), expected.len(), "message {i}: field count");
        for (k, v) in &got {
            assert_eq!(Some(v.as_str()), expected[k].as_str(), "message {i} DE {k}");
        }
        fields_total += got.len();
        // Pack the same values here: byte-identical to pyiso8583's output.
        let values: Vec<(usize, Vec<u8>)> = expected
            .iter()
            .map(|(k, v)| {
                let de: usize = k.parse().unwrap();
                let s = v.as_str().unwrap();
                let class = spec.field(de).unwrap().class;
                (de, if class == Class::B { hex_decode(s) } else { s.as_bytes().to_vec() })
            })
            .collect();
        let mut fields = Fields::new(m.mti());
        for (de, v) in &values {
            fields.set(*de, v);
        }
        let mut out = vec![0u8; 8192];
        let n = pack(spec, &fields, &mut out).unwrap_or_else(|e| panic!("message {i}: {e}"));
        assert_eq!(hex_encode(&out[..n]), g["packed"].as_str().unwrap(), "message {i}: repack");
        ours.push(Value::String(hex_encode(&out[..n])));
    }
    assert!(fields_total > COUNT * 5, "too few fields exercised: {fields_total}");
    // pyiso8583 decodes what payproto packed.
    let input = serde_json::to_vec(&ours).unwrap();
    let decoded: Vec<Value> = serde_json::from_slice(&python(&[decode_mode], Some(&input))).unwrap();
    assert_eq!(decoded.len(), COUNT);
    for (i, (d, g)) in decoded.iter().zip(&generated).enumerate() {
        assert!(d.get("error").is_none(), "message {i}: pyiso8583 says {}", d["error"]);
        assert_eq!(d["mti"], g["mti"], "message {i}");
        assert_eq!(d["fields"], g["fields"], "message {i}");
    }
}
