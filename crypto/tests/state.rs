//! Terminal state persistence: layout, integrity check, and power cuts at every byte of every
//! write showing no key is released twice and no state is lost.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use payproto_crypto::cipher::Soft;
use payproto_crypto::dukpt::state::{self, Persistent, Storage, TerminalState};
use payproto_crypto::dukpt::{aes, tdes};
use payproto_crypto::{Error, ErrorKind, Result};

/// Two flash slots; a write budget in bytes simulates a power cut in the middle of a write
/// (the slot keeps the bytes written so far followed by its old content).
#[derive(Clone, Default)]
struct Flash {
    slots: [Vec<u8>; 2],
    budget: Option<usize>,
    writes: usize,
}

impl Storage for Flash {
    fn write(&mut self, slot: u8, data: &[u8]) -> Result<()> {
        let s = &mut self.slots[usize::from(slot)];
        s.resize(data.len(), 0xFF);
        let n = self.budget.map_or(data.len(), |b| b.min(data.len()));
        s[..n].copy_from_slice(&data[..n]);
        self.writes += 1;
        if let Some(b) = &mut self.budget {
            *b -= n;
            if n < data.len() {
                return Err(Error::new(ErrorKind::Unsupported, "power lost"));
            }
        }
        Ok(())
    }
    fn read(&self, slot: u8, out: &mut [u8]) -> Result<()> {
        let s = &self.slots[usize::from(slot)];
        if s.len() < out.len() {
            return Err(Error::new(ErrorKind::InvalidLength, "empty slot"));
        }
        out.copy_from_slice(&s[..out.len()]);
        Ok(())
    }
}

fn tdes_terminal() -> tdes::Terminal {
    let ik = tdes::InitialKey::from_slice(&hex::decode("6AC292FAA1315B4D858AB3A3D7D5933A").unwrap()).unwrap();
    tdes::Terminal::load(
        &Soft,
        ik,
        &tdes::Ksn::from_bytes(&hex::decode("FFFF9876543210E00000").unwrap()).unwrap(),
    )
}

fn aes_terminal() -> aes::Terminal {
    let ik = aes::InitialKey::from_slice(&hex::decode("1273671EA26AC29AFA4D1084127652A1").unwrap()).unwrap();
    aes::Terminal::load(&Soft, ik, &[0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56]).unwrap()
}

#[test]
fn layout_round_trip_and_rejections() {
    let t = tdes_terminal();
    let mut buf = [0u8; state::MAX_STATE_LEN];
    state::encode(&t, 7, &mut buf).unwrap();
    assert_eq!(&buf[..4], b"PPDK");
    assert_eq!(buf[4], state::LAYOUT_VERSION);
    assert_eq!(&buf[12..22], &hex::decode("FFFF9876543210E00001").unwrap()[..]);
    let (back, seq) = state::decode::<tdes::Terminal>(&buf).unwrap();
    assert_eq!(seq, 7);
    assert_eq!(back.ksn(), t.ksn());
    assert_eq!(back.valid_registers(), t.valid_registers());
    // any single-bit corruption is detected
    for i in 0..tdes::Terminal::LEN {
        let mut b = buf;
        b[i] ^= 0x01;
        assert_eq!(
            state::decode::<tdes::Terminal>(&b).unwrap_err().kind,
            ErrorKind::CorruptState,
            "byte {i}"
        );
    }
    // an AES layout is not a TDES terminal and vice versa
    let mut abuf = [0u8; state::MAX_STATE_LEN];
    state::encode(&aes_terminal(), 1, &mut abuf).unwrap();
    assert_eq!(state::decode::<tdes::Terminal>(&abuf).unwrap_err().kind, ErrorKind::CorruptState);
    assert!(state::decode::<aes::Terminal>(&abuf).is_ok());
    assert_eq!(state::decode::<aes::Terminal>(&buf[..100]).unwrap_err().kind, ErrorKind::CorruptState);
    assert_eq!(state::TDES_STATE_LEN, 4 + 4 + 4 + 12 + 4 + 21 * 16 + 32);
    assert_eq!(state::AES_STATE_LEN, 4 + 4 + 4 + 12 + 4 + 32 * 32 + 32);
}

trait Released {
    fn counter_and_key(&self) -> (u32, Vec<u8>);
}
impl Released for tdes::Transaction {
    fn counter_and_key(&self) -> (u32, Vec<u8>) {
        (self.ksn.counter(), self.key.as_bytes().to_vec())
    }
}
impl Released for aes::Transaction {
    fn counter_and_key(&self) -> (u32, Vec<u8>) {
        (self.ksn.counter(), self.key.as_bytes().to_vec())
    }
}

/// For every cut point (in bytes) over `before` transactions: run until the power is cut, restart
/// from storage, run `after` more transactions. Checks: the restart always finds a valid state;
/// released counters strictly increase (no key used twice); at most the one counter whose state
/// was durable but whose key was not handed out is skipped; every released key is the host key.
fn power_cut_everywhere<T, F>(fresh: T, before: usize, after: usize, host: F)
where
    T: TerminalState,
    T::Transaction: Released,
    F: Fn(u32) -> Vec<u8>,
{
    let provisioned = Persistent::provision(fresh, Flash::default()).unwrap().into_storage();
    let total = before * T::LEN;
    for cut in 0..=total {
        let mut flash = provisioned.clone();
        flash.budget = Some(cut);
        let mut p = Persistent::<T, _>::restore(flash).unwrap();
        let mut released: Vec<(u32, Vec<u8>)> = Vec::new();
        let mut failed_at = None;
        for _ in 0..before {
            match p.next_transaction(&Soft) {
                Ok(tx) => released.push(tx.counter_and_key()),
                Err(e) => {
                    failed_at = Some(e);
                    break;
                }
            }
        }
        // power comes back
        let mut flash = p.into_storage();
        flash.budget = None;
        let mut p =
            Persistent::<T, _>::restore(flash).unwrap_or_else(|e| panic!("state lost at cut {cut}: {e}"));
        for _ in 0..after {
            released.push(p.next_transaction(&Soft).unwrap().counter_and_key());
        }
        for w in released.windows(2) {
            assert!(
                w[0].0 < w[1].0,
                "counter reused or went back at cut {cut}: {:X} then {:X}",
                w[0].0,
                w[1].0
            );
        }
        let skipped = released.last().unwrap().0 as usize - released.len();
        assert!(skipped <= usize::from(failed_at.is_some()), "cut {cut}: {skipped} counters skipped");
        for (c, k) in &released {
            assert_eq!(k, &host(*c), "cut {cut}, counter {c:X}");
        }
    }
}

#[test]
fn tdes_power_cut_at_every_byte() {
    let ik = tdes::InitialKey::from_slice(&hex::decode("6AC292FAA1315B4D858AB3A3D7D5933A").unwrap()).unwrap();
    let base = tdes::Ksn::from_bytes(&hex::decode("FFFF9876543210E00000").unwrap()).unwrap();
    power_cut_everywhere(tdes_terminal(), 4, 3, |c| {
        tdes::derive_transaction_key(&Soft, &ik, &base.with_counter(c)).unwrap().as_bytes().to_vec()
    });
}

#[test]
fn aes_power_cut_at_every_byte() {
    let ik = aes::InitialKey::from_slice(&hex::decode("1273671EA26AC29AFA4D1084127652A1").unwrap()).unwrap();
    let base = aes::Ksn::new(&[0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56], 0);
    power_cut_everywhere(aes_terminal(), 2, 2, |c| {
        aes::derive_transaction_key(&Soft, &ik, &base.with_counter(c)).unwrap().as_bytes().to_vec()
    });
}

#[test]
fn failed_write_releases_no_key_and_keeps_state() {
    let mut flash = Persistent::provision(tdes_terminal(), Flash::default()).unwrap().into_storage();
    flash.budget = Some(10);
    let mut p = Persistent::<tdes::Terminal, _>::restore(flash).unwrap();
    let before = *p.terminal().ksn();
    assert!(p.next_transaction(&Soft).is_err());
    assert_eq!(*p.terminal().ksn(), before, "in-memory state unchanged after a failed write");
    let mut flash = p.into_storage();
    assert_eq!(flash.writes, 3);
    flash.budget = None;
    let mut p = Persistent::<tdes::Terminal, _>::restore(flash).unwrap();
    assert_eq!(p.next_transaction(&Soft).unwrap().ksn, before);
    assert_eq!(
        Persistent::<tdes::Terminal, _>::restore(Flash::default()).unwrap_err().kind,
        ErrorKind::CorruptState
    );
}
