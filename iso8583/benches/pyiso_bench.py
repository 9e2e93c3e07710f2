#!/usr/bin/env python3
"""Times pyiso8583 decoding and encoding the benchmark messages of benches/codec.rs (the same
bytes: the Rust bench writes them to $TMPDIR/target-bench-<spec>.hex). Prints µs per operation.

iso87-ascii uses pyiso8583's default_ascii; cup-pos uses the CUP spec of tests/diff/cup_check.py.
Usage: python3 benches/pyiso_bench.py   (after `cargo bench -p payproto-iso8583 --bench codec`)
With PYISO_MIN_OF_N=1: the minimum over 2000 short batches (20 operations, about a millisecond: inside one
scheduler time slice), comparable to `ISO_TIME=1` of benches/instructions.rs on a loaded machine.
"""
import os
import sys
import tempfile
import timeit

import iso8583
from iso8583.specs import default_ascii

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "diff"))
from cup_check import SPEC as CUP_SPEC  # noqa: E402

for name, spec in [("iso87-ascii", default_ascii), ("cup-pos", CUP_SPEC)]:
    path = os.path.join(tempfile.gettempdir(), f"target-bench-{name}.hex")
    data = bytes.fromhex(open(path).read())
    doc, _ = iso8583.decode(data, spec)
    enc = {k: v for k, v in doc.items() if k not in ("p", "1")}
    packed, _ = iso8583.encode(dict(enc), spec)
    assert bytes(packed) == data, name
    n, repeat = (20, 2000) if os.environ.get("PYISO_MIN_OF_N") else (20000, 5)
    t_dec = min(timeit.repeat(lambda: iso8583.decode(data, spec), number=n, repeat=repeat)) / n * 1e6
    t_enc = min(timeit.repeat(lambda: iso8583.encode(dict(enc), spec), number=n, repeat=repeat)) / n * 1e6
    print(f"{name}: pyiso8583 decode {t_dec:.2f} µs, encode {t_enc:.2f} µs ({len(data)} bytes, {sum(k.isdigit() for k in doc)} data elements)")
