//! Argument conventions shared by every subcommand: `-` reads standard input, `@PATH` a file;
//! hex input accepts either case and spaces; output hex is upper case with no spaces.

use std::io::Read as _;

/// Why a command failed, and so which exit code it ends with.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A verification failed on well-formed input (MAC, KCV, cryptogram …): exit 1.
    #[allow(dead_code, reason = "used by the verifying subcommands")]
    Verify(String),
    /// Malformed input or a usage error: exit 2.
    Input(String),
}

impl Failure {
    pub(crate) fn message(&self) -> &str {
        match self {
            Self::Verify(m) | Self::Input(m) => m,
        }
    }

    pub(crate) fn code(&self) -> u8 {
        match self {
            Self::Verify(_) => 1,
            Self::Input(_) => 2,
        }
    }
}

pub(crate) type Outcome = Result<(), Failure>;

/// The text of an argument: itself, standard input for `-`, a file's content for `@PATH`.
pub(crate) fn text(arg: &str) -> Result<String, Failure> {
    if arg == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| Failure::Input(format!("stdin: {e}")))?;
        Ok(s)
    } else if let Some(path) = arg.strip_prefix('@') {
        std::fs::read_to_string(path).map_err(|e| Failure::Input(format!("{path}: {e}")))
    } else {
        Ok(arg.to_owned())
    }
}

/// Hex from an argument (see [`text`]); `what` names the argument in errors.
pub(crate) fn hex_arg(arg: &str, what: &str) -> Result<Vec<u8>, Failure> {
    parse_hex(&text(arg)?).map_err(|(msg, at)| Failure::Input(format!("{what}: {msg} at character {at}")))
}

/// Parses hex (either case, whitespace ignored); errors name the character offset.
pub(crate) fn parse_hex(s: &str) -> Result<Vec<u8>, (&'static str, usize)> {
    let mut out = Vec::with_capacity(s.len() / 2);
    let mut hi: Option<u8> = None;
    let mut last = 0;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        last = i;
        let d = c.to_digit(16).ok_or(("not a hex digit", i))?;
        let d = u8::try_from(d).map_err(|_| ("not a hex digit", i))?;
        match hi.take() {
            None => hi = Some(d),
            Some(h) => out.push((h << 4) | d),
        }
    }
    if hi.is_some() {
        return Err(("odd number of hex digits", last));
    }
    Ok(out)
}

/// Upper-case hex without spaces.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02X}");
        s
    })
}
