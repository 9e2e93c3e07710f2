#!/usr/bin/env python3
"""Expected cryptograms of the personalised simulated cards, computed with pyemv (PyPI, MIT):
`pyemv.cvn.VisaCVN10` / `pyemv.cvn.MasterCardCVN16` from the issuer master keys, PANs and PSNs
of `../vectors/sim_pki.txt` — an implementation independent of payproto.

Each case fixes the terminal data (CDOL1 / CDOL2 values), the ATC the card must have (initial ATC
+ 1 after one GPO) and the CVR the card must report, as `emv/src/sim_personal.rs` documents the
CVR bits (derived here by hand from those rules, not from the card's output):

  Visa CVR: 03 ‖ b1 ‖ b2 ‖ b3; b1 = (2nd AC: 00 AAC, 01 TC, 10 not requested) << 6
            | (1st AC: 00 AAC, 01 TC, 10 ARQC) << 4 | 04 offline PIN ok / 06 failed;
            b2: 40 PIN try limit exceeded, 20 velocity (UCOL) exceeded.
  Mastercard CVR (6 bytes): b1 as Visa for the AC types (offline PIN: 04 performed, 02 enciphered,
            01 successful); b2: 40 CDA in 1st GEN AC,
            20 CDA in 2nd, 10 issuer authentication performed.

    cd emv/tests/gen && python3 sim_pyemv.py > ../vectors/sim_pyemv.txt
"""
import importlib.metadata
import os
import warnings

warnings.filterwarnings("ignore")
from pyemv import cvn  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
cards = {}
for line in open(os.path.join(HERE, "..", "vectors", "sim_pki.txt")):
    if line.startswith("name=card "):
        kv = dict(p.split("=", 1) for p in line.split())
        cards[kv["profile"]] = kv

# (case, profile, CVN class, ATC, CVR, 9F02, 9F03, 9F1A, 95, 5F2A, 9A, 9C, 9F37, AIP, ARC for an ARPC)
CASES = [
    ("online-arqc", "demo-online", "visa10", "0011", "03A00000", "000000012345", "000000000000", "0840",
     "0000008000", "0840", "261124", "00", "11223344", "7C00", "3030"),
    ("online-tc2", "demo-online", "visa10", "0011", "03600000", "000000012345", "000000000000", "0840",
     "0000008000", "0840", "261124", "00", "55667788", "7C00", None),
    ("offline-tc", "demo-offline", "visa10", "0021", "03900000", "000000000100", "000000000000", "0840",
     "0000000000", "0840", "261124", "00", "0A0B0C0D", "5C00", None),
    ("decline-aac", "demo-decline", "visa10", "0011", "03800000", "000000012345", "000000000000", "0840",
     "0000008000", "0840", "261124", "00", "CAFEBABE", "7C00", None),
    ("velocity-arqc", "demo-velocity", "visa10", "0031", "03A02000", "000000000100", "000000000000", "0840",
     "0000006000", "0840", "261124", "00", "01020304", "7C00", "3030"),
    ("pin-arqc", "demo-pin", "visa10", "0011", "03A40000", "000000012345", "000000000000", "0840",
     "0000008000", "0840", "261124", "00", "99887766", "7C00", "3030"),
    # demo-online's card data under Visa CVN 18 (a test Personalisation; IAD 06 01 12 ‖ CVR, whole IAD
    # MACed, option B = A for a 16-digit PAN, common session key; ARPC method 2 with CSU 00000000).
    ("cvn18-arqc", "demo-online", "visa18", "0011", "03A00000", "000000012345", "000000000000", "0840",
     "0000008000", "0840", "261124", "00", "11223344", "7C00", "00000000"),
    ("cda-arqc", "demo-cda", "mc16", "0041", "A04000000000", "000000012345", "000000000000", "0840",
     "0000008000", "0840", "261124", "00", "1A2B3C4D", "7D00", "3030"),
    ("cda-tc2", "demo-cda", "mc16", "0041", "607000000000", "000000012345", "000000000000", "0840",
     "0000008000", "0840", "261124", "00", "5E6F7081", "7D00", None),
]

print(f"# source: pyemv {importlib.metadata.version('pyemv')} (PyPI, MIT; cryptography "
      f"{importlib.metadata.version('cryptography')}) via emv/tests/gen/sim_pyemv.py: ARQC/TC/AAC and ARPC (method 1)")
print("# of the personalised simulated cards (keys and PANs from sim_pki.txt); CVRs derived by hand from the")
print("# documented card rules. ac = pyemv generate_ac; arpc = pyemv generate_arpc(ac, arc) (method 1) or")
print("# generate_arpc(ac, atc, csu) (CVN 18, method 2).")
for case, prof, kind, atc, cvr, *rest in CASES:
    aa, ao, cc, tvr, cur, date, tt, un, aip, arc = rest
    c = cards[prof]
    imk = bytes.fromhex(c["imk"])
    cls = {"visa10": cvn.VisaCVN10, "visa18": cvn.VisaCVN18, "mc16": cvn.MasterCardCVN16}[kind]
    card = cls(imk, imk, imk, c["pan"], c["psn"])
    last = "060112" + cvr if kind == "visa18" else cvr  # CVN 18 MACs the whole IAD
    args = [bytes.fromhex(x) for x in (aa, ao, cc, tvr, cur, date, tt, un, aip, atc, last)]
    ac = card.generate_ac(*args)
    line = (f"name={case} profile={prof} cvn={kind} atc={atc} cvr={cvr} amount={aa} other={ao} country={cc} "
            f"tvr={tvr} currency={cur} date={date} type={tt} un={un} aip={aip} ac={ac.hex().upper()}")
    if arc and kind == "visa18":
        arpc = card.generate_arpc(ac, bytes.fromhex(atc), bytes.fromhex(arc))
        line += f" csu={arc} arpc={arpc.hex().upper()}"
    elif arc:
        arpc = card.generate_arpc(ac, bytes.fromhex(arc))
        line += f" arc={arc} arpc={arpc.hex().upper()}"
    print(line)
