//! GENERATE AC (EMV 4.4 Book 3 §6.5.5, §10.8): the first with CDOL1 data, the second with
//! CDOL2 data, as a sans-IO [`Phase`] that ends in card action analysis
//! ([`crate::kernel::taa::card_action_analysis`]).
//!
//! ## Choices between two readings
//!
//! - **Second GENERATE AC requests TC or AAC only** (Book 3 §6.5.5.2: an ARQC is not a valid
//!   second request); asking for an ARQC is a caller error ([`ErrorKind::BadValue`]).
//! - **CDA is never requested with an AAC** (see [`crate::kernel::taa::gen_ac_p1`]).
//! - **Any status but `9000`** ends the phase with [`ErrorKind::Status`]; the kernel treats that
//!   as a card error (terminate), not as a decline.
//! - **CDA:** when the phase is given the ICC key ([`GenerateAc::with_cda`]) and the card answers
//!   a CDA request with a TC or ARQC in format 2, the signature is verified here
//!   ([`crate::kernel::oda::verify_cda`] over the PDOL data, the CDOL data this phase built and
//!   the response) and the cryptogram is taken from the signature; the result is reported in
//!   [`GenAcOutcome::cda_verified`] for the caller's TVR (B1b3). Without the key, `9F4B` is only
//!   reported present.

use crate::apdu::{Command, GenAcResponse, Response};
use crate::data::{Cid, CryptogramType, Tsi};
use crate::dol::{DolSource, build};
use crate::error::{Error, ErrorKind};
use crate::kernel::oda::{IccPublicKey, verify_cda};
use crate::kernel::taa::{CardDecision, card_action_analysis};
use crate::kernel::{Phase, Step};

/// Which GENERATE AC.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Which {
    /// First GENERATE AC (CDOL1).
    First,
    /// Second GENERATE AC (CDOL2).
    Second,
}

/// The GENERATE AC response, copied out of the card's answer.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct GenAcOutcome {
    /// Card action analysis result.
    pub decision: CardDecision,
    /// Cryptogram Information Data.
    pub cid: Cid,
    /// ATC.
    pub atc: u16,
    /// Application Cryptogram (absent in a CDA format-2 answer).
    pub cryptogram: Option<[u8; 8]>,
    iad: [u8; 32],
    iad_len: usize,
    /// A Signed Dynamic Application Data (`9F4B`) came back (CDA).
    pub has_sdad: bool,
    /// CDA verification result (`None` when not attempted).
    pub cda_verified: Option<bool>,
    /// Updated TSI.
    pub tsi: Tsi,
}

impl GenAcOutcome {
    /// Issuer Application Data (`9F10`), empty when absent.
    pub fn iad(&self) -> &[u8] {
        self.iad.get(..self.iad_len).unwrap_or(&[])
    }
}

/// Writes the GENERATE AC command for `kind` with the data of `cdol` (CDOL1 or CDOL2) from
/// `source`; `scratch` holds the DOL data. Returns the command length written to `out`.
///
/// # Errors
/// Malformed CDOL, buffers too small, or an ARQC asked in the second GENERATE AC.
#[allow(clippy::too_many_arguments)]
pub fn write_command<S: DolSource + ?Sized>(
    which: Which,
    kind: CryptogramType,
    cda_selected: bool,
    cdol: &[u8],
    source: &S,
    scratch: &mut [u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    if kind == CryptogramType::Rfu || (which == Which::Second && kind == CryptogramType::Arqc) {
        return Err(Error::new(ErrorKind::BadValue, 0));
    }
    let n = build(cdol, source, scratch)?;
    let data = scratch.get(..n).ok_or(Error::new(ErrorKind::BufferTooSmall, n))?;
    let cda = cda_selected && kind != CryptogramType::Aac;
    Command::generate_ac(kind, cda, data).encode(out)
}

/// One GENERATE AC as a sans-IO phase.
pub struct GenerateAc<'a, S: DolSource + ?Sized> {
    which: Which,
    kind: CryptogramType,
    cda_selected: bool,
    cdol: &'a [u8],
    source: &'a S,
    tsi: Tsi,
    sent: bool,
    cda: Option<CdaContext<'a>>,
    cdol_data: [u8; 252],
    cdol_len: usize,
}

#[derive(Copy, Clone)]
struct CdaContext<'a> {
    icc: &'a IccPublicKey,
    un: [u8; 4],
    pdol_data: &'a [u8],
}

impl<S: DolSource + ?Sized> core::fmt::Debug for GenerateAc<'_, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("GenerateAc")
            .field("which", &self.which)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl<'a, S: DolSource + ?Sized> GenerateAc<'a, S> {
    /// A GENERATE AC requesting `kind`, with the CDOL and the data source for it.
    pub fn new(
        which: Which,
        kind: CryptogramType,
        cda_selected: bool,
        cdol: &'a [u8],
        source: &'a S,
        tsi: Tsi,
    ) -> Self {
        Self {
            which,
            kind,
            cda_selected,
            cdol,
            source,
            tsi,
            sent: false,
            cda: None,
            cdol_data: [0; 252],
            cdol_len: 0,
        }
    }

    /// Verifies a CDA answer with the recovered ICC key, the Unpredictable Number in the CDOL
    /// data and the PDOL data sent in GET PROCESSING OPTIONS.
    #[must_use]
    pub fn with_cda(
        mut self,
        icc: &'a IccPublicKey,
        unpredictable_number: [u8; 4],
        pdol_data: &'a [u8],
    ) -> Self {
        self.cda = Some(CdaContext { icc, un: unpredictable_number, pdol_data });
        self
    }
}

impl<S: DolSource + ?Sized> Phase for GenerateAc<'_, S> {
    type Output = GenAcOutcome;

    fn start(&mut self, out: &mut [u8]) -> Result<Step<GenAcOutcome>, Error> {
        if self.sent {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        let mut scratch = [0u8; 252];
        let n = write_command(
            self.which,
            self.kind,
            self.cda_selected,
            self.cdol,
            self.source,
            &mut scratch,
            out,
        )?;
        self.cdol_data = scratch;
        self.cdol_len = crate::tlv::Dol::new(self.cdol).data_len()?;
        self.sent = true;
        Ok(Step::Send(n))
    }

    fn on_response(&mut self, rapdu: &[u8], _out: &mut [u8]) -> Result<Step<GenAcOutcome>, Error> {
        if !self.sent {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        let data = Response::parse(rapdu)?.ok_data()?;
        let resp = GenAcResponse::parse(data)?;
        let cda = self.cda_selected && self.kind != CryptogramType::Aac;
        let decision = card_action_analysis(self.kind, cda, &resp, &mut self.tsi)?;
        let mut iad = [0u8; 32];
        let src = resp.iad.unwrap_or(&[]);
        iad.get_mut(..src.len()).ok_or(Error::new(ErrorKind::BadLength, src.len()))?.copy_from_slice(src);
        let mut cryptogram = resp.cryptogram;
        let mut cda_verified = None;
        if let (Some(c), Some(template), true) =
            (self.cda, resp.template, cda && decision.cryptogram != CryptogramType::Aac)
        {
            let cdol_data = self.cdol_data;
            let cdol = cdol_data.get(..self.cdol_len).unwrap_or(&[]);
            match verify_cda(c.icc, &c.un, template, c.pdol_data, cdol) {
                Ok(r) => {
                    cryptogram = Some(r.cryptogram);
                    cda_verified = Some(true);
                }
                Err(_) => cda_verified = Some(false),
            }
        }
        Ok(Step::Done(GenAcOutcome {
            decision,
            cid: resp.cid,
            atc: resp.atc,
            cryptogram,
            iad,
            iad_len: src.len(),
            has_sdad: resp.sdad.is_some(),
            cda_verified,
            tsi: self.tsi,
        }))
    }
}
