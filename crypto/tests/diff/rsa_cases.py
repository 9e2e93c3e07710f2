#!/usr/bin/env python3
"""Differential oracle for payproto-crypto's RSA public operation: Python's built-in
`pow(s, e, n)` on random odd moduli of 64-248 bytes (top byte non-zero), e in {3, 65537}, and
random s < n, drawn from `random.Random(SEED)`.

    rsa_cases.py SEED N   -> JSON list of N cases on stdout
"""
import json
import random
import sys


def main() -> None:
    seed, n = int(sys.argv[1]), int(sys.argv[2])
    rnd = random.Random(seed)
    cases = []
    for i in range(n):
        size = rnd.choice([64, 96, 128, 144, 176, 248, rnd.randint(1, 248)])
        m = rnd.getrandbits(size * 8) | 1 | (1 << (size * 8 - 1))
        s = rnd.randrange(0, m)
        e = 3 if i % 2 == 0 else 65537
        cases.append({
            "n": m.to_bytes(size, "big").hex(),
            "e": e,
            "s": s.to_bytes(size, "big").hex(),
            "r": pow(s, e, m).to_bytes(size, "big").hex(),
        })
    json.dump(cases, sys.stdout)


if __name__ == "__main__":
    main()
