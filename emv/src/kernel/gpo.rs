//! Initiate application processing (EMV 4.4 Book 3 §10.1): build the PDOL data from the
//! transaction store, send GET PROCESSING OPTIONS, and store the AIP and AFL.
//!
//! - PDOL absent → the command template is `83 00`.
//! - `9000` → format 1 (`80`: AIP ‖ AFL) or format 2 (`77`); AIP and AFL are stored as ICC data
//!   (for format 2, every primitive object of the template is). The contact kernel requires an
//!   AFL: a response without one is an error ([`ErrorKind::Missing`], tag `94`).
//! - `6985` (conditions of use not satisfied) → [`GpoOutcome::SelectNext`]: the caller removes
//!   the application from the candidate list and selects the next one.
//! - any other status → error (terminate).
//!
//! The caller must have stored the terminal data the PDOL may ask for (amounts, country, TTQ …);
//! the TVR and TSI are reset to zero here, as §10.1 requires.

use payproto_tlv::tag;

use super::{Phase, Step, send};
use crate::apdu::{Command, GpoResponse, Response, StatusWord, wrap_pdol_data};
use crate::dictionary::Source;
use crate::dol;
use crate::error::{Error, ErrorKind};
use crate::store::TlvStore;

/// The result of GPO.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum GpoOutcome {
    /// AIP and AFL are in the store.
    Done,
    /// `6985`: go back to selection and try the next candidate.
    SelectNext,
}

/// The GPO state without the borrowed store (used by [`super::ReadApplication`]).
#[derive(Copy, Clone, Debug, Default)]
pub(crate) struct GpoCore {
    sent: bool,
}

impl GpoCore {
    pub(crate) fn start<const N: usize, const B: usize>(
        &mut self,
        store: &mut TlvStore<N, B>,
        pdol: Option<&[u8]>,
        out: &mut [u8],
    ) -> Result<Step<GpoOutcome>, Error> {
        store.insert(tag!(0x95), Source::Terminal, &[0; 5])?;
        store.insert(tag!(0x9B), Source::Terminal, &[0; 2])?;
        let mut data = [0u8; 252];
        let n = match pdol {
            Some(p) => dol::build(p, &*store, &mut data)?,
            None => 0,
        };
        let mut tmpl = [0u8; 256];
        let t = wrap_pdol_data(data.get(..n).unwrap_or(&[]), &mut tmpl)?;
        self.sent = true;
        send(&Command::get_processing_options(t), out)
    }

    pub(crate) fn on_response<const N: usize, const B: usize>(
        &mut self,
        store: &mut TlvStore<N, B>,
        rapdu: &[u8],
    ) -> Result<Step<GpoOutcome>, Error> {
        if !core::mem::replace(&mut self.sent, false) {
            return Err(Error::new(ErrorKind::Sequence, 0));
        }
        let r = Response::parse(rapdu)?;
        if r.sw == StatusWord::ConditionsNotSatisfied {
            return Ok(Step::Done(GpoOutcome::SelectNext));
        }
        let g = GpoResponse::parse(r.ok_data()?)?;
        let afl = g.afl.ok_or(Error::at_tag(ErrorKind::Missing, tag!(0x94)))?;
        match g.template {
            Some(t) => {
                store.insert_icc_objects(t)?;
            }
            None => {
                store.insert(tag!(0x82), Source::Icc, &g.aip.0)?;
                store.insert(tag!(0x94), Source::Icc, afl.as_bytes())?;
            }
        }
        Ok(Step::Done(GpoOutcome::Done))
    }
}

/// The GPO phase over a transaction store.
#[derive(Debug)]
pub struct Gpo<'s, 'p, const N: usize, const B: usize> {
    store: &'s mut TlvStore<N, B>,
    pdol: Option<&'p [u8]>,
    core: GpoCore,
}

impl<'s, 'p, const N: usize, const B: usize> Gpo<'s, 'p, N, B> {
    /// GPO with the PDOL from the FCI (if any).
    pub fn new(store: &'s mut TlvStore<N, B>, pdol: Option<&'p [u8]>) -> Self {
        Self { store, pdol, core: GpoCore::default() }
    }
}

impl<const N: usize, const B: usize> Phase for Gpo<'_, '_, N, B> {
    type Output = GpoOutcome;

    fn start(&mut self, out: &mut [u8]) -> Result<Step<GpoOutcome>, Error> {
        self.core.start(self.store, self.pdol, out)
    }

    fn on_response(&mut self, rapdu: &[u8], _out: &mut [u8]) -> Result<Step<GpoOutcome>, Error> {
        self.core.on_response(self.store, rapdu)
    }
}
