#!/usr/bin/env python3
"""Independent vectors for the CUP POS sign-on key download (reference iso8583.md §7.1,
crypto.md key download): each working key encrypted under the TMK (TDES / SM4 ECB) followed by
its 4-byte check value = leftmost 4 bytes of E(working key, zero block). Computed with Python
`cryptography` (TripleDES, SM4); writes tests/vectors/cup_signon_keys.json.

Run: python3 tests/diff/cup_signon_vectors.py > tests/vectors/cup_signon_keys.json
"""
import json
import warnings

warnings.simplefilter("ignore")
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402

try:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:  # older cryptography
    TripleDES = algorithms.TripleDES


def ecb(alg, key, data):
    e = Cipher(alg(key), modes.ECB()).encryptor()
    return e.update(data) + e.finalize()


def block(alg, tmk, wk, bs):
    return ecb(alg, tmk, wk) + ecb(alg, wk, bytes(bs))[:4]


TMK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
PIK = bytes.fromhex("1A2B3C4D5E6F70801F2E3D4C5B6A7980")
MAK = bytes.fromhex("2C3D4E5F60718293A4B5C6D7E8F90A1B")
TDK = bytes.fromhex("3E4F5A6B7C8D9EAFB0C1D2E3F4051627")
SM4_TMK = bytes.fromhex("00112233445566778899AABBCCDDEEFF")

out = {
    "tool": "python cryptography (TripleDES, SM4 ECB) via tests/diff/cup_signon_vectors.py",
    "tmk": TMK.hex().upper(),
    "pik": PIK.hex().upper(),
    "mak": MAK.hex().upper(),
    "tdk": TDK.hex().upper(),
    "f62_001": (block(TripleDES, TMK, PIK[:8], 8) + block(TripleDES, TMK, MAK[:8], 8)).hex().upper(),
    "f62_003": (block(TripleDES, TMK, PIK, 8) + block(TripleDES, TMK, MAK, 8)).hex().upper(),
    "f62_004": (block(TripleDES, TMK, PIK, 8) + block(TripleDES, TMK, MAK, 8) + block(TripleDES, TMK, TDK, 8)).hex().upper(),
    "sm4_tmk": SM4_TMK.hex().upper(),
    "f62_sm4": (block(algorithms.SM4, SM4_TMK, PIK, 16) + block(algorithms.SM4, SM4_TMK, MAK, 16)
                + block(algorithms.SM4, SM4_TMK, TDK, 16)).hex().upper(),
}
print(json.dumps(out, indent=1))
