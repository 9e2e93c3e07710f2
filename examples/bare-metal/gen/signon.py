#!/usr/bin/env python3
"""Expected values for the bare-metal sign-on step, computed with psec (PyPI) only.

A UnionPay POS sign-on (0810) carries field 62 = PIK ‖ KCV ‖ MAK ‖ KCV ‖ TDK ‖ KCV (network
management code 004: double-length keys, each TDES-ECB under the terminal master key, KCV = the
leftmost 4 bytes of E(key, 0⁸)). The terminal then builds an ISO 9564 format 0 PIN block under the PIK
and MACs its 0200 with the MAK by the CUP "ECB" algorithm (reference crypto.md §4.9), which this
script implements independently from payproto with psec's single DES.

Run: python3 examples/bare-metal/gen/signon.py  (prints the Rust constants baked into main.rs).
"""
import psec
from psec import des, pinblock

TMK = bytes.fromhex("6B3C1AF08E2D5749A4E1C73F925B08D6")
PIK = bytes.fromhex("C1D0F8FB4958670DBA40AB1F3752EF0D")
MAK = bytes.fromhex("0123456789ABCDEF0123456789ABCDEF")  # the MAC uses its left half (single DES)
TDK = bytes.fromhex("A2C4E6F81A3C5E7092B4D6F80A2C4E61")
PIN, PAN = "123456", "6210948000000011"

def kcv4(key):
    return des.encrypt_tdes_ecb(key, b"\0" * 8)[:4]

f62 = b"".join(des.encrypt_tdes_ecb(TMK, k) + kcv4(k) for k in (PIK, MAK, TDK))
clear = pinblock.encode_pinblock_iso_0(PIN, PAN)
block = des.encrypt_tdes_ecb(PIK, clear)

def cup_ecb_mac(key8, data):
    """CUP POS ECB MAC: XOR the 8-byte blocks (zero padded), hex-expand the result to 16 ASCII
    characters, E(left 8) XOR right 8, E again, hex-expand, the first 8 characters."""
    data = data + b"\0" * (-len(data) % 8)
    x = bytes(8)
    for i in range(0, len(data), 8):
        x = bytes(a ^ b for a, b in zip(x, data[i:i + 8]))
    h = x.hex().upper().encode()
    k = key8 * 3  # single DES as TDES with K1 = K2 = K3
    e = des.encrypt_tdes_ecb(k, h[:8])
    e = des.encrypt_tdes_ecb(k, bytes(a ^ b for a, b in zip(e, h[8:])))
    return e.hex().upper().encode()[:8]

# The MAC input of the sample 0200 (iso8583.md §8 O-3): MTI .. DE 63, i.e. the message after
# TPDU + header up to (excluding) DE 64.
O3 = bytes.fromhex(
    "600501000061310031110802007024068020C08211196210810840003424940000000000000000000100002027060720"
    "000100376210810840003424940D27062207001000100F373337383232313438393834313133343133313030313431353601"
    "649F2608ED1D6BA78357FB259F2701809F101307010103A00000010A0100000000003B1637329F3704591D37169F360201C0"
    "950500000000009A031807119C01009F02060000000000015F2A02015682027C009F1A0201569F03060000000000009F3303"
    "E0E1C89F34030200009F3501229F1E0830303030303030308408A0000003330101019F0902008C9F410400000020"
    "9F6310303130353030303000000000000000000013220007570006004237313333423537")
mab = O3[11:-8]
assert cup_ecb_mac(bytes.fromhex("313215FDA2C4AB4C"), mab) == b"B7133B57", "the published MAC must reproduce"

print(f'// psec {psec.__version__ if hasattr(psec, "__version__") else "?"}')
print(f'const TMK: [u8; 16] = hex("{TMK.hex().upper()}");')
print(f'const SIGN_ON_F62: [u8; 60] = hex("{f62.hex().upper()}");')
print(f'const PIK_KCV: [u8; 4] = hex("{kcv4(PIK).hex().upper()}");')
print(f'const SIGN_ON_PINBLOCK: [u8; 8] = hex("{block.hex().upper()}");')
print(f'const O3_MAC_UNDER_MAK: &[u8; 8] = b"{cup_ecb_mac(MAK[:8], mab).decode()}";')
