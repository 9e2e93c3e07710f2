#!/usr/bin/env python3
"""Differential oracle for payproto-iso8583 `iso87-ascii`, driven by pyiso8583 (PyPI, MIT).

Modes:
  gen SEED N      -> stdout JSON: N random messages encoded by pyiso8583 with
                     iso8583.specs.default_ascii: [{"mti", "fields": {"2": "..."}, "packed": HEX}]
  decode          -> stdin JSON list of HEX messages; stdout JSON list of {"mti", "fields"} as
                     decoded by pyiso8583 (or {"error": "..."}).
  gen-binary SEED N / decode-binary
                  -> the same against `iso87-binary`, using BINARY87 below: a pyiso8583 spec
                     written from the jPOS ISO87BPackager layout (reference O-7): BCD MTI and
                     numerics (fixed: leading pad 0; LLVAR: 1-byte BCD digit count, trailing pad
                     0), ASCII text with 1-/2-byte BCD lengths, binary b. x+n fields (28-31, 97)
                     are left out: pyiso8583 cannot express an ASCII sign before BCD digits.

Fields are restricted to those where default_ascii agrees with ISO 8583:1987 as CLI.md defines
iso87-ascii (and values stay inside both definitions):
- excluded: 1/65 (pyiso 4.x: bit 65 = tertiary bitmap indicator; ISO 87: b1),
- 54 generated at most 120 long (pyiso allows 240),
- b fields (52, 64, 96, 128, 55) carried as upper-case hex characters.
Values are generated per the ISO 8583:1987 attribute table (written here independently).
"""
import json
import random
import sys

import iso8583
from iso8583.specs import default_ascii

DIGITS = "0123456789"
ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
AN = ALPHA + DIGITS + " "
ANS = "".join(chr(c) for c in range(0x20, 0x7F))
NS = "".join(c for c in ANS if not c.isalpha())
HEX = "0123456789ABCDEF"

# number -> (alphabet or special, fixed?, length)
N_FIXED = {3: 6, 4: 12, 5: 12, 6: 12, 7: 10, 8: 8, 9: 8, 10: 8, 11: 6, 12: 6, 13: 4, 14: 4, 15: 4,
           16: 4, 17: 4, 18: 4, 19: 3, 20: 3, 21: 3, 22: 3, 23: 3, 24: 3, 25: 2, 26: 2, 27: 1,
           53: 16, 66: 1, 67: 2, 68: 3, 69: 3, 70: 3, 71: 4, 72: 4, 73: 6, 90: 42}
for d in range(74, 82):
    N_FIXED[d] = 10
for d in range(82, 86):
    N_FIXED[d] = 12
for d in range(86, 90):
    N_FIXED[d] = 16
TABLE = {}
for d, l in N_FIXED.items():
    TABLE[d] = (DIGITS, True, l)
for d in (28, 29, 30, 31):
    TABLE[d] = ("xn", True, 9)
TABLE[97] = ("xn", True, 17)
for d in (2,):
    TABLE[d] = (DIGITS, False, 19)
for d in (32, 33, 99, 100):
    TABLE[d] = (DIGITS, False, 11)
TABLE[34] = (NS, False, 28)
TABLE[35] = ("z", False, 37)
TABLE[36] = (DIGITS, False, 104)
for d, l in {37: 12, 38: 6, 39: 2, 40: 3, 49: 3, 50: 3, 51: 3, 91: 1, 92: 2, 93: 5, 94: 7, 95: 42}.items():
    TABLE[d] = (AN, True, l)
for d, l in {41: 8, 42: 15, 43: 40, 98: 25}.items():
    TABLE[d] = (ANS, True, l)
TABLE[44] = (AN, False, 25)
TABLE[45] = (ANS, False, 76)
for d in (46, 47, 48):
    TABLE[d] = (AN, False, 999)
TABLE[54] = (AN, False, 120)
for d in list(range(56, 64)) + list(range(105, 128)):
    TABLE[d] = (ANS, False, 999)
TABLE[101] = (ANS, False, 17)
TABLE[102] = (ANS, False, 28)
TABLE[103] = (ANS, False, 28)
TABLE[104] = (ANS, False, 100)
for d in (52, 64, 96, 128):
    TABLE[d] = ("hex", True, 16)
TABLE[55] = ("hex", False, 510)


def _bin_spec():
    spec = {
        "h": {"data_enc": "b", "len_enc": "b", "len_type": 0, "max_len": 0, "desc": ""},
        "t": {"data_enc": "b", "len_enc": "b", "len_type": 0, "max_len": 2, "desc": ""},
        "p": {"data_enc": "b", "len_enc": "b", "len_type": 0, "max_len": 8, "desc": ""},
        "1": {"data_enc": "b", "len_enc": "b", "len_type": 0, "max_len": 8, "desc": ""},
    }
    for number, (alphabet, fixed, length) in TABLE.items():
        d = {"desc": ""}
        if alphabet in (DIGITS, "z") and number != 36:
            d.update(data_enc="b", len_count="nibbles", max_len=length)
            if fixed:
                d.update(len_enc="b", len_type=0, left_pad="0")
            else:
                d.update(len_enc="bcd", len_type=1 if length < 100 else 2, right_pad="0")
        elif alphabet == "hex":
            d.update(data_enc="b", max_len=length // 2, len_enc="bcd", len_type=0 if fixed else 2)
        else:
            d.update(data_enc="ascii", max_len=length, len_enc="bcd",
                     len_type=0 if fixed else (1 if length < 100 else 2))
        spec[str(number)] = d
    return spec


BINARY_SKIP = {28, 29, 30, 31, 97}


def value(rng, number):
    alphabet, fixed, length = TABLE[number]
    if not fixed:
        # Favour short values, sometimes empty, sometimes the maximum.
        r = rng.random()
        length = 0 if r < 0.05 else length if r < 0.1 else rng.randint(0, min(length, 40))
    if alphabet == "xn":
        return rng.choice("CD") + "".join(rng.choice(DIGITS) for _ in range(length - 1))
    if alphabet == "z":
        s = [rng.choice(DIGITS) for _ in range(length)]
        if length > 2:
            s[rng.randint(1, length - 1)] = SEPARATOR
        return "".join(s)
    if alphabet == "hex":
        if not fixed:
            length -= length % 2
        return "".join(rng.choice(HEX) for _ in range(length))
    return "".join(rng.choice(alphabet) for _ in range(length))


SEPARATOR = "="


def gen(seed, n, spec=default_ascii, skip=()):
    rng = random.Random(seed)
    numbers = sorted(k for k in TABLE if k not in skip)
    out = []
    for _ in range(n):
        mti = rng.choice(["0100", "0110", "0200", "0210", "0400", "0420", "0800", "0810"])
        chosen = rng.sample(numbers, rng.randint(1, 30))
        if rng.random() < 0.5:
            chosen = [c for c in chosen if c < 65] or [2]
        doc = {"t": mti}
        for c in chosen:
            doc[str(c)] = value(rng, c)
        if spec is not default_ascii:
            # Binary forms carry hex strings upper case (pyiso8583 decodes `b` as upper case).
            doc = {k: (v.upper() if k != "t" and TABLE[int(k)][0] in ("hex", DIGITS, "z") else v) for k, v in doc.items()}
        packed, _ = iso8583.encode(dict(doc), spec)
        fields = {k: v for k, v in doc.items() if k != "t"}
        out.append({"mti": mti, "fields": fields, "packed": bytes(packed).hex().upper()})
    json.dump(out, sys.stdout)


def decode(spec=default_ascii):
    items = json.load(sys.stdin)
    out = []
    for h in items:
        try:
            doc, _ = iso8583.decode(bytes.fromhex(h), spec)
            fields = {k: v for k, v in doc.items() if k not in ("t", "p", "1", "h")}
            out.append({"mti": doc["t"], "fields": fields})
        except Exception as e:  # noqa: BLE001 - reported to the Rust side
            out.append({"error": str(e)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "decode":
        decode()
    elif sys.argv[1] == "gen-binary":
        SEPARATOR = "D"
        gen(int(sys.argv[2]), int(sys.argv[3]), _bin_spec(), BINARY_SKIP)
    elif sys.argv[1] == "decode-binary":
        decode(_bin_spec())
    else:
        sys.exit("usage: pyiso_diff.py gen SEED N | decode")
