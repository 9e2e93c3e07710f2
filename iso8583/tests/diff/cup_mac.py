#!/usr/bin/env python3
"""Independent CUP "ECB" MAC (reference iso8583.md §7.1 / O-4) over a MAB given as hex, with an
independent DES (the `cryptography` package). Prints the MAC for the upper-case and the
lower-case hex expansion, one a line. Usage: cup_mac.py KEYHEX MABHEX
"""
import sys

try:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:  # older cryptography
    from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes


def des(key, block):
    enc = Cipher(TripleDES(key * 3), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def cup_ecb(key, mab, upper=True):
    data = mab + b"\x00" * (-len(mab) % 8)
    r = bytes(8)
    for i in range(0, len(data), 8):
        r = bytes(a ^ b for a, b in zip(r, data[i:i + 8]))
    e = r.hex().upper() if upper else r.hex()
    e = e.encode()
    c1 = des(key, e[:8])
    c2 = des(key, bytes(a ^ b for a, b in zip(c1, e[8:])))
    return c2.hex().upper()[:8]


key = bytes.fromhex(sys.argv[1])
mab = bytes.fromhex(sys.argv[2])
print(cup_ecb(key, mab, True))
print(cup_ecb(key, mab, False))
