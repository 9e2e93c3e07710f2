//! [`EmvHsm`] for the software HSM: the issuer master key is looked up by handle (role
//! [`KeyRole::IssuerMasterKey`]) and only cryptogram results leave.

use super::{KeyHandle, KeyRole, SoftHsm};
use crate::emv::{self, ArpcInput, Card, CryptogramData, Cvn, EmvHsm};
use crate::error::Result;
use crate::mac::MacTag;

impl<const N: usize> EmvHsm for SoftHsm<N> {
    fn arqc_verify(
        &self,
        imk: KeyHandle,
        cvn: Cvn,
        card: &Card<'_>,
        data: &CryptogramData<'_>,
        arqc: &[u8],
    ) -> Result<()> {
        emv::verify_arqc(self.get(imk, KeyRole::IssuerMasterKey)?, cvn, card, data, arqc)
    }

    fn arpc_generate(
        &self,
        imk: KeyHandle,
        cvn: Cvn,
        card: &Card<'_>,
        atc: [u8; 2],
        un: [u8; 4],
        arqc: &[u8; 8],
        input: ArpcInput<'_>,
    ) -> Result<MacTag> {
        emv::generate_arpc(self.get(imk, KeyRole::IssuerMasterKey)?, cvn, card, atc, un, arqc, input)
    }
}
