#!/usr/bin/env python3
"""Generates src/gbk_table.bin: GBK (CP936 double-byte) -> Unicode, for the `gbk` feature.

Layout: for lead byte 0x81..=0xFE and trail byte 0x40..=0xFE except 0x7F (190 trails), one
big-endian u16 code point (0 = unmapped), row-major by lead byte. Source: Python's `gbk` codec.
"""
import pathlib, struct

out = bytearray()
for lead in range(0x81, 0xFF):
    for trail in range(0x40, 0xFF):
        if trail == 0x7F:
            continue
        try:
            ch = bytes([lead, trail]).decode("gbk")
            cp = ord(ch) if len(ch) == 1 and ord(ch) <= 0xFFFF else 0
        except UnicodeDecodeError:
            cp = 0
        out += struct.pack(">H", cp)
path = pathlib.Path(__file__).resolve().parent.parent / "src" / "gbk_table.bin"
path.write_bytes(bytes(out))
print(path, len(out))
