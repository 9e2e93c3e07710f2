#!/usr/bin/env python3
"""Second, independent decoder for the public CUP POS samples (reference iso8583.md §8 O-1, O-3):
pyiso8583 with a CUP POS spec written here from the reference §7.1 table. Reads a JSON object
{"name": HEX-without-LEN, ...} on stdin; prints {"name": {"mti", "header", "fields"}} where `b`
fields (52, 55, 64) are upper-case hex and BCD fields are digit strings (pad nibbles removed).
"""
import json
import sys

import iso8583


def f(data_enc, len_type=0, max_len=0, len_enc="bcd", **kw):
    d = {"data_enc": data_enc, "len_enc": len_enc, "len_type": len_type, "max_len": max_len, "desc": ""}
    d.update(kw)
    return d


def bcd(n, **kw):
    return f("b", 0, n, len_count="nibbles", **kw)


def llbcd(n, pad="0", width=1):
    return f("b", width, n, len_count="nibbles", right_pad=pad)


SPEC = {
    "h": f("b", 0, 11),
    "t": f("b", 0, 2),
    "p": f("b", 0, 8),
    "1": f("b", 0, 0),
    "2": llbcd(19),
    "3": bcd(6), "4": bcd(12), "11": bcd(6), "12": bcd(6), "13": bcd(4), "14": bcd(4), "15": bcd(4),
    "22": bcd(3, right_pad="0"), "23": bcd(3, left_pad="0"), "25": bcd(2), "26": bcd(2),
    "32": llbcd(11),
    "35": llbcd(37, "F"),
    "36": llbcd(104, "F", width=2),
    "37": f("ascii", 0, 12), "38": f("ascii", 0, 6), "39": f("ascii", 0, 2),
    "41": f("ascii", 0, 8), "42": f("ascii", 0, 15), "43": f("gbk", 0, 40),
    "44": f("ascii", 1, 25),
    "46": f("ascii", 2, 999),
    "48": llbcd(322, "0", width=2),
    "49": f("ascii", 0, 3),
    "52": f("b", 0, 8), "53": bcd(16),
    "55": f("b", 2, 255),
    "56": f("gbk", 2, 999),
    "59": f("ascii", 2, 999),
    "62": f("b", 2, 999),
    "60": llbcd(17, "0", width=2),
    "61": llbcd(29, "0", width=2),
    "63": f("gbk", 2, 163),
    "64": f("b", 0, 8),
}

def main():
    out = {}
    for name, h in json.load(sys.stdin).items():
        doc, _ = iso8583.decode(bytes.fromhex(h), SPEC)
        fields = {k: v for k, v in doc.items() if k not in ("h", "t", "p", "1")}
        out[name] = {"mti": doc["t"], "header": doc["h"].upper(), "fields": fields}
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
