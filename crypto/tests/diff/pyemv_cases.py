#!/usr/bin/env python3
"""Differential oracle for payproto-crypto's EMV module: random cases computed with the PyPI
package `pyemv` (knovichikhin/pyemv, MIT; modules `pyemv.kd`, `pyemv.ac`, `pyemv.cvn`).

    pyemv_cases.py SEED N   -> JSON list of N cases on stdout

Every input is drawn from `random.Random(SEED)`, so runs are reproducible. Exit status 3 means
pyemv is missing. The CVR handed to pyemv's CVN 10 / Mastercard CVN 16 classes is cut from the
generated IAD at the offsets payproto documents (Visa bytes 4-7, Mastercard bytes 3-8); those
offsets are checked separately by the published vectors (tests/vectors/emv.txt).
"""
import json
import random
import sys
import warnings

try:
    from pyemv import ac, cvn, kd
except ImportError as e:  # pragma: no cover
    sys.stderr.write(f"pyemv is not installed ({e}); run `pip install pyemv`\n")
    sys.exit(3)

warnings.filterwarnings("ignore")


def main() -> None:
    seed, n = int(sys.argv[1]), int(sys.argv[2])
    rnd = random.Random(seed)
    rb = lambda k: bytes(rnd.getrandbits(8) for _ in range(k))
    h = lambda b: b.hex().upper()
    cases = []
    for i in range(n):
        imk = rb(16)
        pan = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(12, 19)))
        psn = None if rnd.random() < 0.2 else f"{rnd.randint(0, 99):02d}"
        atc, un, r = rb(2), rb(4), rb(8)
        data = rb(rnd.randint(0, 64))
        csu, prop, arc = rb(4), rb(rnd.randint(0, 8)), rb(2)
        mk_a = kd.derive_icc_mk_a(imk, pan, psn)
        mk_b = kd.derive_icc_mk_b(imk, pan, psn)
        sk = kd.derive_common_sk(mk_a, r)
        ac1 = ac.generate_ac(sk, data, ac.PaddingType.VISA)
        ac2 = ac.generate_ac(sk, data, ac.PaddingType.EMV)
        # One CVN per case, in rotation.
        which = ["10", "18", "22", "16"][i % 4]
        tx = dict(
            tag_9f02=rb(6), tag_9f03=rb(6), tag_9f1a=rb(2), tag_95=rb(5), tag_5f2a=rb(2),
            tag_9a=rb(3), tag_9c=rb(1), tag_9f37=un, tag_82=rb(2), tag_9f36=atc,
        )
        smi, smc = rb(16), rb(16)
        if which == "10":
            iad = bytes([6, rnd.getrandbits(8), 0x0A, 3]) + rb(3)
            c = cvn.VisaCVN10(imk, smi, smc, pan, psn)
            arqc = c.generate_ac(cvr=iad[3:7], **tx)
            arpc = c.generate_arpc(arqc, arc)
        elif which in ("18", "22"):
            iad = rb(rnd.randint(7, 32))
            c = (cvn.VisaCVN18 if which == "18" else cvn.VisaCVN22)(imk, smi, smc, pan, psn)
            arqc = c.generate_ac(tag_9f10=iad, **tx)
            arpc = c.generate_arpc(arqc, atc, csu, prop)
        else:
            iad = bytes([rnd.getrandbits(8), 0x10]) + rb(rnd.randint(6, 16))
            c = cvn.MasterCardCVN16(imk, smi, smc, pan, psn)
            arqc = c.generate_ac(cvr=iad[2:8], **tx)
            arpc = c.generate_arpc(arqc, arc)
        cases.append(dict(
            imk=h(imk), pan=pan, psn=psn, atc=h(atc), un=h(un), r=h(r), data=h(data),
            csu=h(csu), prop=h(prop), arc=h(arc),
            mk_a=h(mk_a), mk_b=h(mk_b), sk=h(sk),
            visa_sm=h(kd.derive_visa_sm_sk(mk_a, atc)),
            mc_sk=h(kd.derive_common_sk(mk_a, atc + b"\0\0" + un)),
            ac1=h(ac1), ac2=h(ac2),
            arpc1=h(ac.generate_arpc_1(sk, ac2, arc)),
            arpc2=h(ac.generate_arpc_2(sk, ac2, csu, prop)),
            cvn=which, tx={k: h(v) for k, v in tx.items()}, iad=h(iad),
            cvn_arqc=h(arqc), cvn_arpc=h(arpc),
        ))
    json.dump(cases, sys.stdout)


if __name__ == "__main__":
    main()
