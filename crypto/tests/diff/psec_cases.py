#!/usr/bin/env python3
"""Differential oracle for payproto-crypto: random cases computed with the PyPI package `psec`
(knovichikhin/psec, MIT), and verification of payproto's outputs with psec.

    psec_cases.py generate SEED N   -> JSON cases on stdout (N per category)
    psec_cases.py verify FILE       -> checks payproto outputs in FILE with psec; JSON report

Randomness psec draws internally (format-3 fill, format-4 random half, TR-31 padding) is replaced
by a generator seeded from SEED, so runs are reproducible. Exit status 3 means psec is missing.
"""
import json
import warnings
import random
import sys

try:
    import psec
    import psec.mac
    import psec.pinblock
    import psec.tr31
except ImportError as e:  # pragma: no cover
    sys.stderr.write(f"psec is not installed ({e}); run `pip install psec`\n")
    sys.exit(3)

warnings.filterwarnings("ignore")

DIGITS = "0123456789"
PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))


def rand_digits(rng, lo, hi):
    return "".join(rng.choice(DIGITS) for _ in range(rng.randint(lo, hi)))


def install_rng(rng):
    """Route psec's internal randomness through `rng` and record the bytes it draws."""
    drawn = []

    def urandom(n):
        b = bytes(rng.getrandbits(8) for _ in range(n))
        drawn.append(b)
        return b

    class Secrets:
        @staticmethod
        def choice(seq):
            return rng.choice(seq)

    psec.pinblock._urandom = urandom
    psec.pinblock._secrets = Secrets
    psec.tr31._urandom = urandom
    return drawn


def generate(seed, n):
    rng = random.Random(seed)
    drawn = install_rng(rng)
    out = {"seed": seed, "pin0": [], "pin3": [], "pin4": [], "mac": [], "tr31": []}
    for _ in range(n):
        pin, pan = rand_digits(rng, 4, 12), rand_digits(rng, 13, 19)
        out["pin0"].append({"pin": pin, "pan": pan, "block": psec.pinblock.encode_pinblock_iso_0(pin, pan).hex().upper()})
    for _ in range(n):
        pin, pan = rand_digits(rng, 4, 12), rand_digits(rng, 13, 19)
        out["pin3"].append({"pin": pin, "pan": pan, "block": psec.pinblock.encode_pinblock_iso_3(pin, pan).hex().upper()})
    for _ in range(n):
        pin, pan = rand_digits(rng, 4, 12), rand_digits(rng, 1, 19)
        key = bytes(rng.getrandbits(8) for _ in range(rng.choice([16, 24, 32])))
        drawn.clear()
        block = psec.pinblock.encipher_pinblock_iso_4(key, pin, pan)
        out["pin4"].append({"pin": pin, "pan": pan, "key": key.hex().upper(), "random": drawn[0].hex().upper(),
                            "block": block.hex().upper()})
    for i in range(n):
        data = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64)))
        padding = rng.randint(1, 3)
        kind = i % 3
        if kind == 0:  # algorithm 1, TDES
            key = bytes(rng.getrandbits(8) for _ in range(rng.choice([16, 24])))
            length = rng.randint(4, 8)
            mac = psec.mac.generate_cbc_mac(key, data, padding, length)
            alg = "1"
        elif kind == 1:  # algorithm 1, AES
            key = bytes(rng.getrandbits(8) for _ in range(rng.choice([16, 24, 32])))
            length = rng.randint(4, 16)
            mac = psec.mac.generate_cbc_mac(key, data, padding, length, psec.mac.Algorithm.AES)
            alg = "1aes"
        else:  # algorithm 3 (X9.19) with single-DES halves K, K'
            k1 = bytes(rng.getrandbits(8) for _ in range(8))
            k2 = bytes(rng.getrandbits(8) for _ in range(8))
            key = k1 + k2
            length = rng.randint(4, 8)
            mac = psec.mac.generate_retail_mac(k1, k2, data, padding, length)
            alg = "3"
        out["mac"].append({"alg": alg, "key": key.hex().upper(), "data": data.hex().upper(), "padding": padding,
                           "mac": mac.hex().upper()})
    for _ in range(n):
        version = rng.choice("ABCD")
        if version == "D":
            kbpk = bytes(rng.getrandbits(8) for _ in range(rng.choice([16, 24, 32])))
            algorithm = rng.choice("AT")
        else:
            kbpk = bytes(rng.getrandbits(8) for _ in range(rng.choice([16, 24])))
            algorithm = "T"
        key = bytes(rng.getrandbits(8) for _ in range(rng.choice([16, 24, 32] if algorithm == "A" else [8, 16, 24])))
        h = psec.tr31.Header(version, rng.choice(["P0", "M3", "D0", "K0", "B0", "B1"]), algorithm,
                             rng.choice("EDBNX"), "%02d" % rng.randint(0, 99), rng.choice("ENS"))
        for _ in range(rng.randint(0, 3)):
            bid = rng.choice(["KS", "KV", "TS", "HM", "DA", "X1"])
            h.blocks[bid] = "".join(rng.choice(PRINTABLE) for _ in range(rng.randint(0, 40)))
        block = psec.tr31.wrap(kbpk, h, key)
        out["tr31"].append({"kbpk": kbpk.hex().upper(), "block": block, "key": key.hex().upper()})
    return out


def verify(path):
    cases = json.load(open(path))
    failures, checked = [], {}

    def check(cat, ok, case):
        checked[cat] = checked.get(cat, 0) + 1
        if not ok:
            failures.append({"category": cat, "case": case})

    for c in cases.get("pin3", []):
        check("pin3", psec.pinblock.decode_pinblock_iso_3(bytes.fromhex(c["block"]), c["pan"]) == c["pin"], c)
    for c in cases.get("pin0", []):
        check("pin0", psec.pinblock.decode_pinblock_iso_0(bytes.fromhex(c["block"]), c["pan"]) == c["pin"], c)
    for c in cases.get("pin4", []):
        pin = psec.pinblock.decipher_pinblock_iso_4(bytes.fromhex(c["key"]), bytes.fromhex(c["block"]), c["pan"])
        check("pin4", pin == c["pin"], c)
    for c in cases.get("tr31", []):
        try:
            header, key = psec.tr31.unwrap(bytes.fromhex(c["kbpk"]), c["block"])
            ok = key.hex().upper() == c["key"]
        except Exception as e:  # noqa: BLE001 - report every psec rejection as a failure
            ok = False
            c = dict(c, error=str(e))
        check("tr31", ok, c)
    return {"checked": checked, "failures": failures}


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "generate":
        json.dump(generate(int(sys.argv[2]), int(sys.argv[3])), sys.stdout)
    elif len(sys.argv) == 3 and sys.argv[1] == "verify":
        report = verify(sys.argv[2])
        json.dump(report, sys.stdout)
        sys.exit(1 if report["failures"] else 0)
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
