#!/usr/bin/env python3
"""Test PKI and personalisation data of the personalised simulated cards (`emv::sim`, feature
`sim`), built from a fixed seed with Python's own integers and hashlib (no payproto code).

EMV 4.4 Book 2: CA key 1984 bits (test RID A000000999, index D1), two issuer keys of 1984 bits
(Visa-like issuer 476173, Mastercard-like issuer 541333), one 1024-bit ICC key per card, every
exponent 3. Issuer certificates (Table 6, format 02, with remainder), Signed Static Application
Data (Table 7, format 03) and ICC certificates (Table 14, format 04, the ICC modulus fits) are
computed over each card's static data to be authenticated (the value of the ODA record SFI 2
record 1, then the AIP as listed by 9F4A). The ICC key doubles as the ICC PIN encipherment key.

These are synthetic test keys: the private exponents are written out for the simulator.

    cd emv/tests/gen && python3 sim_pki.py
      -> ../../src/sim_pki.rs           (const card data for emv::sim::pki)
      -> ../vectors/sim_pki.txt         (CA key, card identities, an RSA signature check)
"""
import hashlib
import os
import random

SEED = 20261124_02
rnd = random.Random(SEED)
HERE = os.path.dirname(os.path.abspath(__file__))


def is_probable_prime(n):
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(40):
        a = rnd.randrange(2, n - 1)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def prime(bits, e):
    while True:
        p = rnd.getrandbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if (p - 1) % e != 0 and is_probable_prime(p):
            return p


def keypair(nbytes, e=3):
    while True:
        p, q = prime(nbytes * 4, e), prime(nbytes * 4, e)
        n = p * q
        if n.bit_length() == nbytes * 8 and p != q:
            d = pow(e, -1, (p - 1) * (q - 1))
            return n, d


def b(n, length):
    return n.to_bytes(length, "big")


def sign(body, hashed_extra, n, d, nlen):
    """Book 2 recovery format: 6A ‖ body ‖ SHA-1(body ‖ extra) ‖ BC, then ^d mod n."""
    h = hashlib.sha1(body + hashed_extra).digest()
    m = b"\x6a" + body + h + b"\xbc"
    assert len(m) == nlen, (len(m), nlen)
    return b(pow(int.from_bytes(m, "big"), d, n), nlen)


def tlv(tag, value):
    t = bytes.fromhex(tag)
    n = len(value)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 0xFF])
    return t + ln + value


def luhn_complete(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


hx = lambda x: x.hex().upper()

# ---- keys -----------------------------------------------------------------------------------
NCA, NI, NIC = 248, 248, 128
RID, INDEX = bytes.fromhex("A000000999"), 0xD1
ca_n, ca_d = keypair(NCA)
ca_mod = b(ca_n, NCA)
ca_checksum = hashlib.sha1(RID + bytes([INDEX]) + ca_mod + b"\x03").digest()

ISSUERS = {}
for name, iin in (("visa", "476173"), ("mc", "541333")):
    n, d = keypair(NI)
    mod = b(n, NI)
    room = NCA - 36
    issuer_id = bytes.fromhex(iin + "FF")
    body = (b"\x02" + issuer_id + bytes.fromhex("1230") + bytes.fromhex("00" + iin[:4]) + b"\x01\x01"
            + bytes([NI, 1]) + mod[:room])
    rem = mod[room:]
    cert = sign(body, rem + b"\x03", ca_n, ca_d, NCA)
    imk = bytes(rnd.getrandbits(8) for _ in range(16))
    ISSUERS[name] = dict(n=n, d=d, mod=mod, cert=cert, rem=rem, imk=imk)

# ---- cards ----------------------------------------------------------------------------------
AIDS = {"visa": bytes.fromhex("A0000009991010"), "mc": bytes.fromhex("A0000009992010")}
LABELS = {"visa": b"DEMO VISA-LIKE", "mc": b"DEMO MC-LIKE"}
CDOL1 = bytes.fromhex("9F02069F03069F1A0295055F2A029A039C019F3704")
CDOL2 = bytes.fromhex("8A02") + CDOL1
DDOL = bytes.fromhex("9F3704")
IAC_DENIAL = bytes.fromhex("0050000000")  # expired, service not allowed
IAC_ONLINE = bytes.fromhex("FC00FCF800")
IAC_DEFAULT = bytes.fromhex("FC00FCF800")
CVM_SIG = bytes.fromhex("00000000000000005E031F00")  # signature (if supported), else no CVM
CVM_NONE = bytes.fromhex("00000000000000001F00")  # no CVM required
CVM_PIN = bytes.fromhex("000000000000000044034103") + bytes.fromhex("1E03")  # enc. PIN, plain PIN, signature

# name, scheme, PAN body (15 digits, Luhn added), AIP, CVM list, expiry, LCOL/UCOL, holder name
CARDS = [
    ("demo-online", "visa", "476173000000001", "7C00", CVM_SIG, "301231", (10, 20), "DEMO/ONLINE"),
    ("demo-offline", "visa", "476173000000002", "5C00", CVM_NONE, "301231", (10, 20), "DEMO/OFFLINE"),
    ("demo-decline", "visa", "476173000000003", "7C00", CVM_SIG, "301231", (10, 20), "DEMO/DECLINE"),
    ("demo-expired", "visa", "476173000000004", "7C00", CVM_SIG, "250131", (10, 20), "DEMO/EXPIRED"),
    ("demo-pin", "visa", "476173000000005", "7C00", CVM_PIN, "301231", (10, 20), "DEMO/PIN"),
    ("demo-velocity", "visa", "476173000000006", "7C00", CVM_SIG, "301231", (2, 5), "DEMO/VELOCITY"),
    ("demo-cda", "mc", "541333000000001", "7D00", CVM_SIG, "301231", None, "DEMO/CDA"),
]

out_cards = []
for name, scheme, body15, aip_hex, cvm, expiry, col, holder in CARDS:
    pan = luhn_complete(body15)
    pan_b = bytes.fromhex(pan)
    aip = bytes.fromhex(aip_hex)
    iss = ISSUERS[scheme]
    aid = AIDS[scheme]
    pdol = bytes.fromhex("9F1A02") if scheme == "mc" else b""
    a5 = tlv("50", LABELS[scheme]) + tlv("87", b"\x01") + (tlv("9F38", pdol) if pdol else b"") + tlv("5F2D", b"en")
    fci = tlv("6F", tlv("84", aid) + tlv("A5", a5))
    afl = bytes.fromhex("08010100" "10010101" "18010400")
    if scheme == "mc":
        gpo = tlv("77", tlv("82", aip) + tlv("94", afl))
    else:
        gpo = tlv("80", aip + afl)
    yymm = expiry[:4]
    track2 = bytes.fromhex(pan + "D" + yymm + "201" + "000001234" + "F")
    rec_1_1 = tlv("70", tlv("57", track2) + tlv("5F20", holder.encode()))
    oda = (tlv("5A", pan_b) + tlv("5F34", b"\x01") + tlv("5F24", bytes.fromhex(expiry))
           + tlv("5F25", bytes.fromhex("240101")) + tlv("5F28", bytes.fromhex("0840"))
           + tlv("9F07", bytes.fromhex("FF00")) + tlv("9F08", bytes.fromhex("008C" if scheme == "visa" else "0002"))
           + tlv("8C", CDOL1) + tlv("8D", CDOL2) + tlv("9F49", DDOL) + tlv("8E", cvm)
           + tlv("9F0D", IAC_DEFAULT) + tlv("9F0E", IAC_DENIAL) + tlv("9F0F", IAC_ONLINE)
           + ((tlv("9F14", bytes([col[0]])) + tlv("9F23", bytes([col[1]]))) if col else b"")
           + tlv("9F42", bytes.fromhex("0840")) + tlv("9F4A", b"\x82"))
    rec_2_1 = tlv("70", oda)
    static = oda + aip
    # SSAD (Table 7), DAC derived from the PAN.
    dac = hashlib.sha1(b"DAC" + pan_b).digest()[:2]
    ssad = sign(b"\x03\x01" + dac + b"\xbb" * (NI - 26), static, iss["n"], iss["d"], NI)
    # ICC key and certificate (Table 14).
    ic_n, ic_d = keypair(NIC)
    ic_mod = b(ic_n, NIC)
    room = NI - 42
    serial = hashlib.sha1(b"SERIAL" + pan_b).digest()[:3]
    cbody = (b"\x04" + pan_b + b"\xff\xff" + bytes.fromhex("1230") + serial + b"\x01\x01" + bytes([NIC, 1])
             + ic_mod + b"\xbb" * (room - NIC))
    icc_cert = sign(cbody, b"\x03" + static, iss["n"], iss["d"], NI)
    rec_3_1 = tlv("70", tlv("90", iss["cert"]))
    rec_3_2 = tlv("70", tlv("8F", bytes([INDEX])) + tlv("92", iss["rem"]) + tlv("9F32", b"\x03") + tlv("9F47", b"\x03"))
    rec_3_3 = tlv("70", tlv("93", ssad))
    rec_3_4 = tlv("70", tlv("9F46", icc_cert))
    records = [(1, 1, rec_1_1), (2, 1, rec_2_1), (3, 1, rec_3_1), (3, 2, rec_3_2), (3, 3, rec_3_3), (3, 4, rec_3_4)]
    for _, _, r in records:
        assert len(r) <= 256, (name, len(r))
    out_cards.append(dict(name=name, scheme=scheme, pan=pan, aid=aid, fci=fci, gpo=gpo, records=records,
                          ic_mod=ic_mod, ic_d=b(ic_d, NIC), ic_n=ic_n, ic_dint=ic_d, aip=aip, static=static,
                          dac=dac, expiry=expiry))


# ---- Rust output ----------------------------------------------------------------------------
def rb(x):
    return 'b"' + "".join(f"\\x{c:02X}" for c in x) + '"'


def ident(name):
    return name.upper().replace("-", "_")


lines = [
    f"//! GENERATED by `emv/tests/gen/sim_pki.py` (seed {SEED}); do not edit. Synthetic test PKI and",
    "//! personalisation data of the personalised simulated cards: CA key (RID A000000999, index D1,",
    "//! 1984 bits, e = 3), issuer certificates (1984-bit keys, with remainders), SSAD and ICC",
    "//! certificates (1024-bit ICC keys, e = 3) per EMV 4.4 Book 2 Tables 6, 7 and 14, the cards' FCI,",
    "//! GPO responses and records, the ICC private exponents (the simulator signs with them) and the",
    "//! issuer master keys (AC) the simulator derives its ICC master keys from (option A).",
    "//!",
    "//! These are **synthetic test keys**, published on purpose: never use them outside tests and demos.",
    "",
    "use super::SimRecord;",
    "",
    "/// The test CA's RID.",
    f"pub const CA_RID: [u8; 5] = *{rb(RID)};",
    "/// The test CA public key index (`8F`).",
    f"pub const CA_INDEX: u8 = 0x{INDEX:02X};",
    "/// The test CA public key modulus (1984 bits).",
    f"pub const CA_MODULUS: &[u8] = {rb(ca_mod)};",
    "/// The test CA public key exponent.",
    "pub const CA_EXPONENT: &[u8] = b\"\\x03\";",
    "/// SHA-1(RID ‖ index ‖ modulus ‖ exponent) (Book 2 Annex B.2).",
    f"pub const CA_CHECKSUM: [u8; 20] = *{rb(ca_checksum)};",
    "/// Issuer master key (AC) of the Visa-like issuer 476173 (synthetic; for a simulated issuer host).",
    f"pub const VISA_IMK: [u8; 16] = *{rb(ISSUERS['visa']['imk'])};",
    "/// Issuer master key (AC) of the Mastercard-like issuer 541333 (synthetic; for a simulated issuer host).",
    f"pub const MC_IMK: [u8; 16] = *{rb(ISSUERS['mc']['imk'])};",
    "/// The Visa-like application (test RID).",
    f"pub const VISA_AID: &[u8] = {rb(AIDS['visa'])};",
    "/// The Mastercard-like application (test RID).",
    f"pub const MC_AID: &[u8] = {rb(AIDS['mc'])};",
]
for c in out_cards:
    p = ident(c["name"])
    lines += [
        "",
        f"/// `{c['name']}`: the PAN (ASCII digits).",
        f"pub const {p}_PAN: &[u8] = b\"{c['pan']}\";",
        f"/// `{c['name']}`: the SELECT response (FCI).",
        f"pub const {p}_FCI: &[u8] = {rb(c['fci'])};",
        f"/// `{c['name']}`: the GET PROCESSING OPTIONS response data.",
        f"pub const {p}_GPO: &[u8] = {rb(c['gpo'])};",
        f"/// `{c['name']}`: the records (SFI, record number, `70` template).",
        f"pub const {p}_RECORDS: &[SimRecord<'static>] = &[",
    ]
    for sfi, rec, data in c["records"]:
        lines.append(f"    ({sfi}, {rec}, {rb(data)}),")
    lines += [
        "];",
        f"/// `{c['name']}`: the ICC public key modulus (1024 bits, e = 3).",
        f"pub const {p}_ICC_MODULUS: &[u8] = {rb(c['ic_mod'])};",
        f"/// `{c['name']}`: the ICC private exponent (synthetic test key).",
        f"pub const {p}_ICC_PRIVATE_EXPONENT: &[u8] = {rb(c['ic_d'])};",
    ]
with open(os.path.join(HERE, "..", "..", "src", "sim_pki.rs"), "w") as f:
    f.write("\n".join(lines) + "\n")

# ---- vector file ----------------------------------------------------------------------------
vec = [
    f"# source: generated by emv/tests/gen/sim_pki.py (seed {SEED}; Python integers and hashlib only;",
    "# EMV 4.4 Book 2 Tables 6, 7, 14): the test PKI of the personalised simulated cards (emv::sim::pki).",
    f"name=capk rid={hx(RID)} index={INDEX:02X} modulus={hx(ca_mod)} exponent=03 checksum={hx(ca_checksum)} expiry=311231",
]
for s, iss in ISSUERS.items():
    vec.append(f"name=issuer-{s} modulus={hx(iss['mod'])} exponent=03 imk={hx(iss['imk'])}")
for c in out_cards:
    vec.append(f"name=card profile={c['name']} pan={c['pan']} psn=01 aid={hx(c['aid'])} aip={hx(c['aip'])} "
               f"expiry={c['expiry']} icc_modulus={hx(c['ic_mod'])} static={hx(c['static'])} dac={hx(c['dac'])} "
               f"imk={hx(ISSUERS[c['scheme']]['imk'])}")
# An RSA private-operation check: a DDA-shaped message (Table 17) signed with demo-online's ICC key.
c = out_cards[0]
msg_body = b"\x05\x01\x09\x08" + bytes(range(1, 9)) + b"\xbb" * (NIC - 9 - 25)
h = hashlib.sha1(msg_body + bytes.fromhex("01020304")).digest()
m = b"\x6a" + msg_body + h + b"\xbc"
sig = b(pow(int.from_bytes(m, "big"), c["ic_dint"], c["ic_n"]), NIC)
vec.append(f"name=rsa-sign profile={c['name']} message={hx(m)} signature={hx(sig)}")
with open(os.path.join(HERE, "..", "vectors", "sim_pki.txt"), "w") as f:
    f.write("\n".join(vec) + "\n")

# ---- crypto vectors: the RSA private operation (payproto_crypto::rsa::private_op_vartime) ----
cv = [
    f"# source: generated by emv/tests/gen/sim_pki.py (seed {SEED}; Python pow(m, d, n)): RSA private-operation",
    "# vectors with synthetic test keys of the simulated cards' PKI (1024-bit ICC key of demo-online, 1984-bit CA key).",
]
c = out_cards[0]
cv.append(f"name=icc1024 modulus={hx(c['ic_mod'])} d={hx(c['ic_d'])} exponent=03 message={hx(m)} signature={hx(sig)}")
ca_msg = b"\x6a\x02" + bytes(range(1, NCA - 22)) + hashlib.sha1(b"ca").digest() + b"\xbc"
assert len(ca_msg) == NCA
ca_sig = b(pow(int.from_bytes(ca_msg, "big"), ca_d, ca_n), NCA)
cv.append(f"name=ca1984 modulus={hx(ca_mod)} d={hx(b(ca_d, NCA))} exponent=03 message={hx(ca_msg)} signature={hx(ca_sig)}")
with open(os.path.join(HERE, "..", "..", "..", "crypto", "tests", "vectors", "rsa_private.txt"), "w") as f:
    f.write("\n".join(cv) + "\n")
