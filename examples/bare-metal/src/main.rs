//! payproto on a Cortex-M4F board with no allocator (QEMU `mps2-an386` in CI).
//!
//! Each step checks payproto against values published by others, never values payproto computed:
//! 1. BER-TLV: the PSE FCI of a real Visa card (devnied/EMV-NFC-Paycard-Enrollment `VisaCardPse`),
//!    SFI found by path `6F/A5/88`;
//! 2. TDES DUKPT (ANSI X9.24-1:2009 Annex A.4): IPEK from the BDK, the terminal's future-key
//!    registers, the first transaction key and the ISO 9564 format 0 PIN block under its PIN key;
//! 3. ISO 8583 `cup-pos`: the public UnionPay 0200 sample (reference iso8583.md §8 O-3) decoded, the
//!    CUP "ECB" MAC recomputed over the codec's MAC range with the published MAK (O-4 → `B7133B57`),
//!    and the message packed again from its decoded fields, byte for byte;
//! 4. UnionPay sign-on: the working keys of a field 62 (network management code `004`) decrypted
//!    under the terminal master key with their 4-byte KCVs checked, an ISO 9564 format 0 PIN block
//!    under the new PIN key, and the O-3 message MACed under the new MAC key — expected values from
//!    `gen/signon.py` (psec, and a CUP MAC written there independently of payproto);
//! 5. AES DUKPT as a terminal on an AES-DUKPT acquirer (ANSI X9.24-3-2017 supplement): the 32
//!    registers loaded from the published initial key, the first transaction's PIN key and the
//!    format 4 PIN block of the supplement;
//! 6. a whole EMV contact transaction (`emv_txn.rs`) against the simulated `demo-pin` card through
//!    the T=1 link layer over a block-level loop: selection, GPO, records, DDA (RSA recovery of the
//!    issuer and ICC certificates on the board), offline enciphered PIN through the test PIN pad
//!    (GET CHALLENGE, RSA encipherment on the board), TRM, action analysis, GENERATE AC, online
//!    approval with ARPC, TC — its ARQC checked against pyemv's (`emv/tests/vectors/sim_pyemv.txt`
//!    case `pin-arqc`); then the `cup-pos` 0200 with its DE 55, MACed, unpacked and its MAC checked.
//!    The card's own RSA answers (DDA signature, PIN decipherment) come precomputed from
//!    `card_rsa.rs`: no RSA signing on the board.
//!
//! The full contact transaction through the T=1 link layer (issue 7) builds on this skeleton once the
//! EMV kernel's second half lands. The process exits 0 only if every check passed; a panic exits
//! non-zero through `panic-semihosting`.
#![no_std]
#![no_main]

mod card_rsa;
mod emv_txn;

use core::sync::atomic::{AtomicU32, Ordering};
use cortex_m::peripheral::{SYST, syst::SystClkSource};
use cortex_m_rt::{entry, exception};
use cortex_m_semihosting::{debug, hprintln};
use panic_semihosting as _;

use payproto_crypto::cipher::Soft;
use payproto_crypto::dukpt::{aes, tdes};
use payproto_crypto::pin::{self, Format, Pan, Pin};
use payproto_crypto::{Algorithm, Key, kcv, keydownload, mac};
use payproto_emv::link::T1Link;
use payproto_emv::sim::{Personalisation, Profile, SimCard, SimT1, profiles};
use payproto_iso8583::{Fields, pack, specs::CUP_POS, unpack};
use payproto_tlv::{Config, find_path};

/// Hex to bytes at compile time (a malformed literal fails the build).
const fn hex<const N: usize>(s: &str) -> [u8; N] {
    const fn nib(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'F' => c - b'A' + 10,
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not hex"),
        }
    }
    let b = s.as_bytes();
    assert!(b.len() == 2 * N, "hex length");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = (nib(b[2 * i]) << 4) | nib(b[2 * i + 1]);
        i += 1;
    }
    out
}

/// Visa PSE FCI (devnied `VisaCardPse`, status word stripped).
const PSE_FCI: [u8; 32] = hex("6F1E840E315041592E5359532E4444463031A50C8801019F1101015F2D026672");

/// ANSI X9.24-1:2009 Annex A.4: BDK, initial KSN, IPEK, first KSN and key, PIN block (PIN 1234,
/// PAN 4012345678909, format 0).
const BDK: [u8; 16] = hex("0123456789ABCDEFFEDCBA9876543210");
const IKSN: [u8; 10] = hex("FFFF9876543210E00000");
const IPEK: [u8; 16] = hex("6AC292FAA1315B4D858AB3A3D7D5933A");
const KSN1: [u8; 10] = hex("FFFF9876543210E00001");
const KEY1: [u8; 16] = hex("042666B49184CFA368DE9628D0397BC9");
const PINBLOCK1: [u8; 8] = hex("1B9C1845EB993A7A");

/// The public CUP POS 0200 sample (iso8583.md §8 O-3), 2-byte length stripped, and its MAK (O-4).
const CUP_0200: [u8; 280] = hex(concat!(
    "600501000061310031110802007024068020C08211196210810840003424940000000000000000000100002027060720",
    "000100376210810840003424940D27062207001000100F373337383232313438393834313133343133313030313431353601",
    "649F2608ED1D6BA78357FB259F2701809F101307010103A00000010A0100000000003B1637329F3704591D37169F360201C0",
    "950500000000009A031807119C01009F02060000000000015F2A02015682027C009F1A0201569F03060000000000009F3303",
    "E0E1C89F34030200009F3501229F1E0830303030303030308408A0000003330101019F0902008C9F410400000020",
    "9F6310303130353030303000000000000000000013220007570006004237313333423537"
));
const MAK: [u8; 8] = hex("313215FDA2C4AB4C");

/// Sign-on values from `gen/signon.py` (psec 1.3.0): the TMK, the 0810's field 62 (PIK, MAK and TDK
/// under the TMK, each with its 4-byte KCV), the PIK's KCV, the format 0 PIN block of PIN 123456 /
/// PAN 6210948000000011 under the PIK, and the CUP MAC of the O-3 message under the MAK (its two
/// halves are equal, so single-DES and TDES readings of the MAC key agree).
const TMK: [u8; 16] = hex("6B3C1AF08E2D5749A4E1C73F925B08D6");
const SIGN_ON_F62: [u8; 60] = hex(concat!(
    "4A7DE74264471A9ACC683D60A3938EC42DAF031DF939BC7EE02ADD17F939BC7EE02ADD17D5D44FF72A2B14035F1D",
    "4B915C60EF7194098A7779AD3FE5"
));
const PIK_KCV: [u8; 4] = hex("2DAF031D");
const SIGN_ON_PINBLOCK: [u8; 8] = hex("9432C9499A7FE0AF");
const O3_MAC_UNDER_MAK: &[u8; 8] = b"EC067C4A";

/// ANSI X9.24-3-2017 supplement (AES-128 BDK `FEDCBA9876543210F1F1F1F1F1F1F1F1`): initial key ID,
/// initial key, the first transaction's PIN key and its format 4 PIN block (PIN 1234, PAN
/// 4111111111111111, random half `2F69ADDE2E9E7ACE` fixed by the supplement).
const AES_IKID: [u8; 8] = hex("1234567890123456");
const AES_IK: [u8; 16] = hex("1273671EA26AC29AFA4D1084127652A1");
const AES_PIN_KEY1: [u8; 16] = hex("AF8CB133A78F8DC2D1359F18527593FB");
const AES_PINBLOCK1: [u8; 16] = hex("A912150391AB65A67E52883D81CE2D15");

type Check = Result<(), &'static str>;

/// A named check run by `main`.
type Step = (&'static str, fn() -> Check);

fn ensure(ok: bool, what: &'static str) -> Check {
    if ok { Ok(()) } else { Err(what) }
}

fn tlv_step() -> Check {
    let sfi = find_path(&PSE_FCI, Config::EMV, "6F/A5/88").map_err(|_| "PSE FCI does not parse")?;
    ensure(sfi.map(|t| t.value) == Some(&[0x01][..]), "SFI of the PSE directory is not 1")?;
    hprintln!("tlv: PSE FCI parsed, directory SFI 01");
    Ok(())
}

fn dukpt_step() -> Check {
    let bdk = tdes::Bdk::from_slice(&BDK).map_err(|_| "BDK")?;
    let iksn = tdes::Ksn::from_bytes(&IKSN).map_err(|_| "initial KSN")?;
    let ipek = tdes::derive_ipek(&Soft, &bdk, &iksn);
    ensure(ipek.as_bytes() == &IPEK, "IPEK differs from X9.24-1 A.4")?;
    let mut terminal = tdes::Terminal::load(&Soft, ipek, &iksn);
    let tx = terminal.next_transaction(&Soft).map_err(|_| "no transaction key")?;
    ensure(tx.ksn == tdes::Ksn::from_bytes(&KSN1).map_err(|_| "KSN")?, "first KSN")?;
    ensure(tx.key.as_bytes() == &KEY1, "first transaction key differs from X9.24-1 A.4")?;
    let pin_key = tx.key.working_key(&Soft, tdes::Variant::Pin).to_key();
    let pan = Pan::new(b"4012345678909").map_err(|_| "PAN")?;
    let pin = Pin::new(b"1234").map_err(|_| "PIN")?;
    let block = pin::encrypt_with_random(Format::Iso0, &pin_key, &pin, Some(&pan), &[0; 8])
        .map_err(|_| "PIN block")?;
    ensure(*block.as_bytes() == PINBLOCK1, "PIN block differs from X9.24-1 A.4")?;
    hprintln!("dukpt: IPEK, KSN {:02X?}, key and PIN block {:02X?} as X9.24-1 A.4", KSN1, PINBLOCK1);
    Ok(())
}

fn iso8583_step() -> Check {
    let m = unpack(&CUP_POS, &CUP_0200).map_err(|_| "CUP 0200 sample does not unpack")?;
    ensure(m.mti_str() == "0200", "MTI")?;
    let pan: [u8; 19] = *b"6210810840003424940";
    ensure(m.field(2).map(|f| f.canonical().eq(pan.iter().copied())) == Some(true), "DE 2")?;
    let amount: [u8; 12] = *b"000000000001";
    ensure(m.field(4).map(|f| f.canonical().eq(amount.iter().copied())) == Some(true), "DE 4")?;
    let mab = m.mac_input().ok_or("no MAC range")?;
    let key = Key::new(Algorithm::Des, &MAK).map_err(|_| "MAK")?;
    let computed = mac::cup_ecb_mac(&key, mab).map_err(|_| "MAC")?;
    ensure(&computed == b"B7133B57", "CUP MAC differs from the published B7133B57")?;
    ensure(m.mac() == Some(&computed[..]), "DE 64 differs from the MAC")?;

    // Pack again from the decoded field values (no heap: values copied into one arena).
    let mut arena = [0u8; 512];
    let mut spans = [(0usize, 0usize, 0usize); 24];
    let (mut used, mut count) = (0usize, 0usize);
    for f in m.fields() {
        let start = used;
        for b in f.canonical() {
            *arena.get_mut(used).ok_or("arena")? = b;
            used += 1;
        }
        *spans.get_mut(count).ok_or("too many fields")? = (f.number as usize, start, used);
        count += 1;
    }
    let mut fields = Fields::new(m.mti()).with_header(m.header_bytes());
    for &(de, a, b) in spans.get(..count).ok_or("spans")? {
        fields.set(de, arena.get(a..b).ok_or("arena")?);
    }
    let mut out = [0u8; 512];
    let n = pack(&CUP_POS, &fields, &mut out).map_err(|_| "pack")?;
    ensure(out.get(..n) == Some(&CUP_0200[..]), "packed message differs from the sample")?;
    hprintln!(
        "iso8583: CUP 0200 sample decoded, MAC B7133B57 recomputed, {} bytes packed again identically",
        n
    );
    Ok(())
}

fn sign_on_step() -> Check {
    let tmk = Key::tdes(&TMK).map_err(|_| "TMK")?;
    let keys = keydownload::decrypt_sign_on_keys(&tmk, &SIGN_ON_F62).map_err(|_| "field 62 keys or KCVs")?;
    ensure(keys.data.is_some(), "no track key in a 004 sign-on")?;
    let kcv = kcv::legacy(&keys.pin, 4).map_err(|_| "KCV")?;
    ensure(kcv.as_bytes() == PIK_KCV, "PIN key KCV")?;
    // A corrupted KCV must be refused.
    let mut bad = SIGN_ON_F62;
    if let Some(b) = bad.get_mut(16) {
        *b ^= 1;
    }
    ensure(keydownload::decrypt_sign_on_keys(&tmk, &bad).is_err(), "a wrong KCV was accepted")?;
    let pan = Pan::new(b"6210948000000011").map_err(|_| "PAN")?;
    let pin = Pin::new(b"123456").map_err(|_| "PIN")?;
    let block = pin::encrypt_with_random(Format::Iso0, &keys.pin, &pin, Some(&pan), &[0; 8])
        .map_err(|_| "PIN block")?;
    ensure(*block.as_bytes() == SIGN_ON_PINBLOCK, "PIN block under the downloaded PIN key")?;
    let m = unpack(&CUP_POS, &CUP_0200).map_err(|_| "CUP 0200 sample does not unpack")?;
    let mac = mac::cup_ecb_mac(&keys.mac, m.mac_input().ok_or("no MAC range")?).map_err(|_| "MAC")?;
    ensure(&mac == O3_MAC_UNDER_MAK, "MAC under the downloaded MAC key")?;
    hprintln!("sign-on: 3 working keys with KCVs, PIN block {:02X?}, MAC {}", SIGN_ON_PINBLOCK, "EC067C4A");
    Ok(())
}

fn aes_dukpt_step() -> Check {
    let ik = aes::InitialKey::from_slice(&AES_IK).map_err(|_| "initial key")?;
    let mut terminal = aes::Terminal::load(&Soft, ik, &AES_IKID).map_err(|_| "load")?;
    let tx = terminal.next_transaction(&Soft).map_err(|_| "no transaction key")?;
    ensure(tx.ksn.counter() == 1, "first counter")?;
    let pin_key = tx
        .key
        .working_key(&Soft, &tx.ksn, aes::KeyUsage::PinEncryption, aes::KeyType::Aes128)
        .map_err(|_| "PIN key")?;
    ensure(pin_key.as_bytes() == AES_PIN_KEY1, "AES PIN key differs from X9.24-3")?;
    let key = pin_key.to_key().ok_or("PIN key type")?;
    let pan = Pan::new(b"4111111111111111").map_err(|_| "PAN")?;
    let pin = Pin::new(b"1234").map_err(|_| "PIN")?;
    let random = hex::<8>("2F69ADDE2E9E7ACE");
    let block = pin::encrypt_with_random(Format::Iso4, &key, &pin, Some(&pan), &random)
        .map_err(|_| "format 4 PIN block")?;
    ensure(block.as_bytes() == &AES_PINBLOCK1[..], "format 4 PIN block differs from X9.24-3")?;
    hprintln!("aes dukpt: KSN counter 1, PIN key and format 4 PIN block {:02X?} as X9.24-3", AES_PINBLOCK1);
    Ok(())
}

/// pyemv's ARQC for the board's transaction (`emv/tests/vectors/sim_pyemv.txt`, `pin-arqc`).
const PYEMV_ARQC: [u8; 8] = hex("29F9C8F79D54C050");

/// The card's private-key operation on the board: the precomputed answer for this input.
fn precomputed_rsa(_modulus: &[u8], _d: &[u8], input: &[u8], out: &mut [u8]) -> Option<usize> {
    let (_, answer) = card_rsa::TABLE.iter().find(|(i, _)| *i == input)?;
    out.get_mut(..answer.len())?.copy_from_slice(answer);
    Some(answer.len())
}

const CARD: Personalisation<'static> =
    Personalisation { private_op: precomputed_rsa, ..*profiles::DEMO_PIN.personal.unwrap() };

fn emv_step() -> Check {
    use payproto_emv::kernel::transaction::{Outcome, online_icc_data};
    let profile = Profile { personal: Some(&CARD), ..profiles::DEMO_PIN };
    let mut link = T1Link::new(SimT1::new(SimCard::new(profile), 254), 254, 254);
    let mut store = emv_txn::Store::new();
    let mut oda = [0u8; 1024];
    let r = emv_txn::transact(&mut link, &mut store, &mut oda).map_err(|_| "kernel error")?;
    ensure(r.outcome == Outcome::OnlineApproved, "outcome is not online-approved")?;
    let first = r.first_gen_ac.ok_or("no first GENERATE AC")?;
    ensure(first.cryptogram == Some(PYEMV_ARQC), "ARQC differs from pyemv")?;
    ensure(r.cvm_results.bytes() == [0x44, 0x03, 0x02], "CVM results (enciphered offline PIN)")?;
    ensure(r.tvr.0 == [0, 0, 0, 0x80, 0], "TVR (floor limit exceeded only)")?;
    let second = r.second_gen_ac.ok_or("no second GENERATE AC")?;
    hprintln!(
        "emv: demo-pin over T=1: DDA, enciphered PIN, ARQC {:02X?} = pyemv, TC {:02X?}, outcome {}",
        PYEMV_ARQC,
        second.cryptogram.unwrap_or_default(),
        r.outcome.name()
    );

    // The cup-pos 0200 the terminal sends: DE 55 from the kernel's store, MACed.
    let mut de55 = [0u8; 256];
    let n55 = online_icc_data(&store, &mut de55).map_err(|_| "DE 55")?;
    let mut fields = Fields::new(*b"0200")
        .with_header(&[0x60, 0x05, 0x01, 0x00, 0x00, 0x61, 0x31, 0x00, 0x31, 0x11, 0x08]);
    fields.set(2, b"4761730000000052");
    fields.set(3, b"000000");
    fields.set(4, b"000000012345");
    fields.set(11, b"000001");
    fields.set(14, b"3012");
    fields.set(22, b"051");
    fields.set(23, b"001");
    fields.set(25, b"00");
    fields.set(41, b"MPS2AN38");
    fields.set(42, b"898411341310014");
    fields.set(49, b"840");
    fields.set(55, de55.get(..n55).ok_or("DE 55")?);
    fields.set(60, b"2200000100060");
    let key = Key::new(Algorithm::Des, &MAK).map_err(|_| "MAK")?;
    let mut msg = [0u8; 512];
    let len = payproto_iso8583::mac::pack_with_mac(&CUP_POS, &fields, &key, &mut msg)
        .map_err(|_| "pack with MAC")?;
    let m = unpack(&CUP_POS, msg.get(..len).ok_or("message")?).map_err(|_| "0200 does not unpack")?;
    let mab = m.mac_input().ok_or("no MAC range")?;
    let computed = mac::cup_ecb_mac(&key, mab).map_err(|_| "MAC")?;
    ensure(m.mac() == Some(&computed[..]), "0200 MAC")?;
    hprintln!(
        "iso8583: cup-pos 0200 with DE 55 ({} bytes), {} bytes, MAC {}",
        n55,
        len,
        core::str::from_utf8(&computed).unwrap_or("?")
    );
    Ok(())
}

/// SysTick wraps since it was started (its 24-bit counter runs from `0xFF_FFFF` down to 0).
static SYSTICK_WRAPS: AtomicU32 = AtomicU32::new(0);

#[exception]
fn SysTick() {
    SYSTICK_WRAPS.fetch_add(1, Ordering::Relaxed);
}

/// Core clock ticks since SysTick was started (wraps counted by the exception).
fn ticks() -> u64 {
    loop {
        let wraps = SYSTICK_WRAPS.load(Ordering::Relaxed);
        let current = SYST::get_current();
        if SYSTICK_WRAPS.load(Ordering::Relaxed) == wraps {
            return (u64::from(wraps) << 24) + u64::from(0x00FF_FFFF - current);
        }
    }
}

/// Bytes of stack never written since reset (cortex-m-rt `paint-stack` fills it with 0xCCCCCCCC).
fn stack_unused() -> usize {
    unsafe extern "C" {
        static mut _stack_end: u32;
        static mut _stack_start: u32;
    }
    // SAFETY: reads whole words of this core's own stack region between the linker symbols; the
    // words below the live stack pointer are not in use by anyone.
    unsafe {
        let bottom = &raw const _stack_end;
        let top = &raw const _stack_start;
        let mut p = bottom;
        while p < top && core::ptr::read_volatile(p) == 0xCCCC_CCCC {
            p = p.add(1);
        }
        (p as usize) - (bottom as usize)
    }
}

fn stack_size() -> usize {
    unsafe extern "C" {
        static mut _stack_end: u32;
        static mut _stack_start: u32;
    }
    (&raw const _stack_start as usize) - (&raw const _stack_end as usize)
}

#[entry]
fn main() -> ! {
    hprintln!("payproto bare-metal check on a Cortex-M4F, no allocator");
    if let Some(mut p) = cortex_m::Peripherals::take() {
        p.SYST.set_clock_source(SystClkSource::Core);
        p.SYST.set_reload(0x00FF_FFFF);
        p.SYST.clear_current();
        p.SYST.enable_interrupt();
        p.SYST.enable_counter();
    }
    // The counter reads 0 until its first reload.
    cortex_m::asm::delay(100);
    // Calibration: `asm::delay(4_000_000)` runs 2,000,001 iterations of `subs; bne`, i.e. 4,000,002
    // instructions. Under `qemu -icount shift=0` virtual time advances by instructions, so SysTick
    // ticks convert to instruction counts by this ratio (without -icount the figures are host time).
    let t0 = ticks();
    cortex_m::asm::delay(4_000_000);
    let calibration = (ticks() - t0).max(1);
    let instructions = |t: u64| t * 4_000_002 / calibration;
    let steps: [Step; 6] = [
        ("tlv", tlv_step),
        ("dukpt", dukpt_step),
        ("iso8583", iso8583_step),
        ("sign-on", sign_on_step),
        ("aes-dukpt", aes_dukpt_step),
        ("emv", emv_step),
    ];
    let mut failed = 0;
    for (name, step) in steps {
        let start = ticks();
        let r = step();
        hprintln!("  {}: {} instructions", name, instructions(ticks() - start));
        if let Err(what) = r {
            hprintln!("FAIL {}: {}", name, what);
            failed += 1;
        }
    }
    let size = stack_size();
    let used = size - stack_unused();
    hprintln!("stack high-water mark: {} of {} bytes", used, size);
    if failed == 0 {
        hprintln!("all {} checks passed", steps.len());
        debug::exit(debug::EXIT_SUCCESS);
    } else {
        hprintln!("{} check(s) failed", failed);
        debug::exit(debug::EXIT_FAILURE);
    }
    loop {
        cortex_m::asm::wfi();
    }
}
