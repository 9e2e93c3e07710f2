//! `paytool` national-algorithm subcommands (CLI.md section "sm"): `sm3 DATA` and
//! `sm2 verify --pub HEX [--id HEX] --sig HEX DATA`.
//!
//! Wiring (in `main.rs`): `mod sm_cmd;`, add `#[command(flatten)] Sm(sm_cmd::SmCommand)` to the
//! top-level `Cmd` enum and dispatch `Cmd::Sm(c) => sm_cmd::run(c)` with the other
//! [`Outcome`]-returning commands (exit 0 success / valid, 1 signature does not verify, 2 malformed
//! input or usage, one line on stderr).

use crate::input::{Failure, Outcome, hex, hex_arg};
use clap::{Args, Subcommand};
use payproto_crypto::ErrorKind;
use payproto_crypto::sm::{self, sig};

/// The national-algorithm subcommands, flattened into paytool's top-level command list.
#[derive(Debug, Subcommand)]
pub(crate) enum SmCommand {
    /// SM3 digest (GB/T 32905) of DATA (hex, `-` or `@PATH`).
    Sm3(Sm3Args),
    /// SM2 signatures (GB/T 32918).
    #[command(subcommand)]
    Sm2(Sm2Command),
}

/// Arguments of `sm3`.
#[derive(Debug, Args)]
pub(crate) struct Sm3Args {
    /// The data (hex, `-` or `@PATH`).
    pub(crate) data: String,
}

/// `paytool sm2 …`
#[derive(Debug, Subcommand)]
pub(crate) enum Sm2Command {
    /// Verify an SM2 signature: exit 0 valid, 1 invalid, 2 malformed.
    Verify(Sm2VerifyArgs),
}

/// Arguments of `sm2 verify`.
#[derive(Debug, Args)]
pub(crate) struct Sm2VerifyArgs {
    /// Public key: `04‖x‖y`, compressed `02/03‖x`, or raw `x‖y` (hex, `-` or `@PATH`).
    #[arg(long = "pub")]
    pub(crate) public_key: String,
    /// User identity (hex); default the standard's `1234567812345678`.
    #[arg(long)]
    pub(crate) id: Option<String>,
    /// Signature: r ‖ s (64 bytes) or DER (hex, `-` or `@PATH`).
    #[arg(long)]
    pub(crate) sig: String,
    /// The signed message (hex, `-` or `@PATH`).
    pub(crate) data: String,
}

/// Runs one subcommand, printing its result on stdout.
pub(crate) fn run(cmd: SmCommand) -> Outcome {
    let out = match cmd {
        SmCommand::Sm3(a) => hex(&sm::sm3(&hex_arg(&a.data, "DATA")?)),
        SmCommand::Sm2(Sm2Command::Verify(a)) => sm2_verify(&a)?,
    };
    println!("{out}");
    Ok(())
}

fn sm2_verify(a: &Sm2VerifyArgs) -> Result<String, Failure> {
    let pk = hex_arg(&a.public_key, "--pub")?;
    let id = a.id.as_deref().map(|i| hex_arg(i, "--id")).transpose()?;
    let sig = hex_arg(&a.sig, "--sig")?;
    let data = hex_arg(&a.data, "DATA")?;
    let key = sig::PublicKey::from_bytes(&pk).map_err(|e| Failure::Input(format!("--pub: {e}")))?;
    let signature = sig::Signature::from_bytes(&sig).map_err(|e| Failure::Input(format!("--sig: {e}")))?;
    match key.verify(id.as_deref().unwrap_or(sig::DEFAULT_ID), &data, &signature) {
        Ok(()) => Ok("valid".to_owned()),
        Err(e) if e.kind == ErrorKind::VerificationFailed => {
            Err(Failure::Verify("SM2 signature does not verify".to_owned()))
        }
        Err(e) => Err(Failure::Input(format!("--id: {e}"))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    //! Vectors: GM/T 0004-2012 Appendix A ("abc") and GM/T 0003.5-2012 Appendix A (signature
    //! example on the recommended curve, message "message digest", default ID).
    use super::*;

    const PUB: &str = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020\
                       CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13";
    const SIG: &str = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3\
                       B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA";
    const MSG: &str = "6D65737361676520646967657374";

    fn args(public_key: &str, id: Option<&str>, sig: &str, data: &str) -> Sm2VerifyArgs {
        Sm2VerifyArgs {
            public_key: public_key.into(),
            id: id.map(Into::into),
            sig: sig.into(),
            data: data.into(),
        }
    }

    #[test]
    fn sm3_of_abc() {
        assert_eq!(
            hex(&sm::sm3(&hex_arg("61 62 63", "DATA").unwrap())),
            "66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0"
        );
    }

    #[test]
    fn sm2_verify_exit_classes() {
        assert_eq!(sm2_verify(&args(PUB, None, SIG, MSG)).unwrap(), "valid");
        let id = "31323334353637383132333435363738";
        assert_eq!(sm2_verify(&args(&format!("04{PUB}"), Some(id), SIG, MSG)).unwrap(), "valid");
        let code = |a: Sm2VerifyArgs| sm2_verify(&a).err().map(|f| f.code());
        assert_eq!(code(args(PUB, None, SIG, "6D")), Some(1));
        assert_eq!(code(args(PUB, Some("00"), SIG, MSG)), Some(1));
        assert_eq!(code(args(PUB, None, &SIG[..100], MSG)), Some(2));
        assert_eq!(code(args(&PUB[..100], None, SIG, MSG)), Some(2));
        assert_eq!(code(args(PUB, None, SIG, "zz")), Some(2));
    }
}
