//! A PC/SC card as a [`CardTransport`] (pcscd + libpcsclite through the `pcsc` crate).

use std::ffi::CStr;

use payproto_emv::apdu::CardTransport;

/// A connected card.
pub struct PcscCard {
    card: pcsc::Card,
    /// The reader's name.
    pub reader: String,
}

impl std::fmt::Debug for PcscCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscCard").field("reader", &self.reader).finish_non_exhaustive()
    }
}

impl CardTransport for PcscCard {
    fn transmit(&mut self, capdu: &[u8], rapdu: &mut [u8]) -> Result<usize, payproto_emv::Error> {
        let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
        let r = self.card.transmit(capdu, &mut buf).map_err(|e| {
            eprintln!("PC/SC transmit failed: {e}");
            payproto_emv::Error::new(payproto_emv::ErrorKind::Transport, 0)
        })?;
        let n = r.len();
        let dst =
            rapdu.get_mut(..n).ok_or(payproto_emv::Error::new(payproto_emv::ErrorKind::BufferTooSmall, n))?;
        dst.copy_from_slice(r);
        Ok(n)
    }
}

/// The readers' names.
///
/// # Errors
/// No PC/SC service.
pub fn readers() -> Result<Vec<String>, String> {
    let ctx = pcsc::Context::establish(pcsc::Scope::User)
        .map_err(|e| format!("no PC/SC service (is pcscd running?): {e}"))?;
    let mut names = [0u8; 4096];
    let list: Vec<&CStr> =
        ctx.list_readers(&mut names).map_err(|e| format!("cannot list readers: {e}"))?.collect();
    Ok(list.iter().map(|r| r.to_string_lossy().into_owned()).collect())
}

/// Connects to the first reader whose name contains `wanted` (any reader when `None`) holding a
/// card.
///
/// # Errors
/// No PC/SC service, no reader, no card.
pub fn connect(wanted: Option<&str>) -> Result<PcscCard, String> {
    let ctx = pcsc::Context::establish(pcsc::Scope::User)
        .map_err(|e| format!("no PC/SC service (is pcscd running?): {e}"))?;
    let mut names = [0u8; 4096];
    let readers: Vec<&CStr> =
        ctx.list_readers(&mut names).map_err(|e| format!("cannot list readers: {e}"))?.collect();
    if readers.is_empty() {
        return Err("no PC/SC reader".into());
    }
    for r in readers {
        let name = r.to_string_lossy().into_owned();
        if wanted.is_some_and(|w| !name.contains(w)) {
            continue;
        }
        match ctx.connect(r, pcsc::ShareMode::Shared, pcsc::Protocols::ANY) {
            Ok(card) => return Ok(PcscCard { card, reader: name }),
            Err(pcsc::Error::NoSmartcard | pcsc::Error::RemovedCard) => {}
            Err(e) => return Err(format!("{name}: {e}")),
        }
    }
    Err("no card in any reader".into())
}
