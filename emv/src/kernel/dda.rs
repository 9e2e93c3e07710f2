//! Dynamic data authentication (EMV 4.4 Book 2 §6.5, Book 3 §10.3): INTERNAL AUTHENTICATE with
//! the DDOL data, then verification of the Signed Dynamic Application Data with the recovered ICC
//! key ([`crate::kernel::oda::verify_sdad`]); the outcome goes to TVR byte 1 and TSI through
//! [`crate::kernel::oda::record_outcome`].
//!
//! ## Choices between two readings
//!
//! - **DDOL:** the card's `9F49` when present, else the terminal's default DDOL (Book 2 §6.5.1);
//!   the DDOL used must reference the Unpredictable Number `9F37`, otherwise DDA fails without a
//!   command (no DDOL at all likewise).
//! - **A status other than `9000`**, a malformed response or a failed signature all count as "DDA
//!   failed" (TVR B1b4); the transaction continues and action analysis decides. Kernels differ
//!   on terminating for a bad status; continuing keeps the decision with the action codes.

use crate::apdu::{Command, Response, parse_internal_authenticate};
use crate::data::{Tsi, Tvr};
use crate::dol::{DolSource, build};
use crate::error::{Error, ErrorKind};
use crate::kernel::oda::{IccPublicKey, OdaMethod, record_outcome, verify_sdad};
use crate::kernel::{Phase, Step, send};
use payproto_tlv::{Dol, Tag};

/// The result of DDA.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DdaOutcome {
    /// DDA succeeded.
    pub succeeded: bool,
    /// Updated TVR.
    pub tvr: Tvr,
    /// Updated TSI.
    pub tsi: Tsi,
    icc_dynamic_number: [u8; 8],
    idn_len: usize,
}

impl DdaOutcome {
    /// The ICC Dynamic Number (`9F4C`) from the signature, when DDA succeeded.
    pub fn icc_dynamic_number(&self) -> Option<&[u8]> {
        (self.idn_len > 0).then(|| self.icc_dynamic_number.get(..self.idn_len)).flatten()
    }
}

/// DDA as a sans-IO phase.
pub struct Dda<'a, S: DolSource + ?Sized> {
    icc_key: &'a IccPublicKey,
    card_ddol: Option<&'a [u8]>,
    default_ddol: &'a [u8],
    source: &'a S,
    tvr: Tvr,
    tsi: Tsi,
    ddol_data: [u8; 252],
    ddol_len: usize,
    sent: bool,
}

impl<S: DolSource + ?Sized> core::fmt::Debug for Dda<'_, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Dda").field("sent", &self.sent).finish_non_exhaustive()
    }
}

impl<'a, S: DolSource + ?Sized> Dda<'a, S> {
    /// A DDA phase with the recovered ICC key, the card's DDOL (if any), the terminal's default
    /// DDOL and the source of the DDOL data (the Unpredictable Number among others).
    pub fn new(
        icc_key: &'a IccPublicKey,
        card_ddol: Option<&'a [u8]>,
        default_ddol: &'a [u8],
        source: &'a S,
        tvr: Tvr,
        tsi: Tsi,
    ) -> Self {
        Self {
            icc_key,
            card_ddol,
            default_ddol,
            source,
            tvr,
            tsi,
            ddol_data: [0; 252],
            ddol_len: 0,
            sent: false,
        }
    }

    fn failed(&mut self) -> Step<DdaOutcome> {
        record_outcome(Some(OdaMethod::Dda), false, &mut self.tvr, &mut self.tsi);
        Step::Done(DdaOutcome {
            succeeded: false,
            tvr: self.tvr,
            tsi: self.tsi,
            icc_dynamic_number: [0; 8],
            idn_len: 0,
        })
    }
}

impl<S: DolSource + ?Sized> Phase for Dda<'_, S> {
    type Output = DdaOutcome;

    fn start(&mut self, out: &mut [u8]) -> Result<Step<DdaOutcome>, Error> {
        if self.sent {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        let ddol = self.card_ddol.unwrap_or(self.default_ddol);
        let has_un = Dol::new(ddol).map_while(Result::ok).any(|e| e.tag == const { Tag::new(0x9F37) });
        let Ok(n) = build(ddol, self.source, &mut self.ddol_data) else {
            return Ok(self.failed());
        };
        if !has_un {
            return Ok(self.failed());
        }
        self.ddol_len = n;
        self.sent = true;
        send(&Command::internal_authenticate(self.ddol_data.get(..n).unwrap_or(&[])), out)
    }

    fn on_response(&mut self, rapdu: &[u8], _out: &mut [u8]) -> Result<Step<DdaOutcome>, Error> {
        if !self.sent {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        let r = Response::parse(rapdu)?;
        let sdad = match r.ok_data().and_then(parse_internal_authenticate) {
            Ok(s) => s,
            Err(_) => return Ok(self.failed()),
        };
        let data = self.ddol_data;
        let dd = data.get(..self.ddol_len).unwrap_or(&[]);
        match verify_sdad(self.icc_key, sdad, &[dd]) {
            Ok(d) => {
                let mut idn = [0u8; 8];
                let v = d.icc_dynamic_number().unwrap_or(&[]);
                let n = v.len();
                if let Some(dst) = idn.get_mut(..n) {
                    dst.copy_from_slice(v);
                }
                // A signature without a valid ICC Dynamic Number is still a valid DDA; report
                // success with an empty number.
                Ok(self.done_ok(&idn, n))
            }
            Err(_) => Ok(self.failed()),
        }
    }
}

impl<S: DolSource + ?Sized> Dda<'_, S> {
    fn done_ok(&mut self, idn: &[u8; 8], n: usize) -> Step<DdaOutcome> {
        record_outcome(Some(OdaMethod::Dda), true, &mut self.tvr, &mut self.tsi);
        Step::Done(DdaOutcome {
            succeeded: true,
            tvr: self.tvr,
            tsi: self.tsi,
            icc_dynamic_number: *idn,
            idn_len: n,
        })
    }
}
