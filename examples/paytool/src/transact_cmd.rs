//! `paytool emv transact` (CLI.md): argument handling around [`paytool::transact`].

use clap::Args;
use payproto_emv::sim::{SimCard, profiles};
use paytool::transact::{self, Options};

use crate::input::{Failure, Outcome};

/// `emv transact` arguments.
#[derive(Args, Debug)]
pub(crate) struct TransactArgs {
    /// Use the PC/SC reader whose name contains this text (needs the `pcsc` feature).
    #[arg(long)]
    reader: Option<String>,
    /// The simulated card's profile (see --profiles).
    #[arg(long, default_value = "demo-online")]
    profile: String,
    /// List the simulated card's profiles.
    #[arg(long)]
    profiles: bool,
    /// Amount, authorised, in minor units (25000 = 250.00).
    #[arg(long, default_value_t = 25_000)]
    amount: u64,
    /// The PIN the simulated cardholder enters (default: the profile's PIN).
    #[arg(long)]
    pin: Option<String>,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
    /// Show card data and the message unmasked.
    #[arg(long)]
    unmasked: bool,
}

/// Today's date and time as BCD (UTC), from the system clock.
fn now() -> ([u8; 3], [u8; 3]) {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let bcd = |v: i64| {
        let v = u8::try_from(v.rem_euclid(100)).unwrap_or(0);
        ((v / 10) << 4) | (v % 10)
    };
    let t = secs % 86_400;
    let tb = |v: u64| bcd(i64::try_from(v).unwrap_or(0));
    ([bcd(year), bcd(month), bcd(day)], [tb(t / 3600), tb(t / 60 % 60), tb(t % 60)])
}

pub(crate) fn run(a: &TransactArgs) -> Outcome {
    if a.profiles {
        for (name, _) in profiles::ALL {
            println!("{name}");
        }
        return Ok(());
    }
    let (date, time) = now();
    let pin = a.pin.clone().unwrap_or_else(|| if a.profile == "demo-pin" { "4321" } else { "1234" }.into());
    let opts = Options { amount: a.amount, pin, unmasked: a.unmasked, date, time };
    let report = match &a.reader {
        Some(name) => reader(name, &opts)?,
        None => {
            let profile = profiles::by_name(&a.profile).ok_or_else(|| {
                Failure::Input(format!("--profile: no profile {:?} (see --profiles)", a.profile))
            })?;
            transact::transact(SimCard::new(profile), &opts).map_err(Failure::Input)?
        }
    };
    if a.json {
        println!("{}", transact::json(&report));
    } else {
        print!("{}", transact::human(&report, a.unmasked));
    }
    Ok(())
}

#[cfg(feature = "pcsc")]
fn reader(name: &str, opts: &Options) -> Result<transact::Report, Failure> {
    let card = paytool::pcsc_link::connect(Some(name)).map_err(Failure::Input)?;
    transact::transact(card, opts).map_err(Failure::Input)
}

#[cfg(not(feature = "pcsc"))]
fn reader(_name: &str, _opts: &Options) -> Result<transact::Report, Failure> {
    Err(Failure::Input(
        "--reader: this paytool was built without PC/SC (cargo build -p paytool --features pcsc)".into(),
    ))
}
