#!/usr/bin/env python3
"""Differential oracle for payproto-crypto's national algorithms: random cases computed with the
PyPI package `gmssl` (duanhongyi/gmssl, pure Python SM2/SM3/SM4).

    gmssl_cases.py generate SEED N   -> JSON cases on stdout (N per category)

Categories: sm2 (signatures made by gmssl over random keys, messages and user IDs, as r || s or DER,
public keys raw / SEC1 uncompressed / compressed, each with a corrupted message and a corrupted
signature that must be rejected), sm3, sm4_ecb, sm4_cbc, and the UnionPay SM4 rules of
payproto_crypto::sm::cup re-implemented here over gmssl's SM4 (cup_mac, cup_pin, cup_track).
All randomness, including the SM2 nonces, comes from a generator seeded with SEED, so runs are
reproducible. Exit status 3 means gmssl is missing.
"""
import json
import random
import sys

try:
    from gmssl import sm2, sm3, sm4, func
except ImportError as e:  # pragma: no cover
    sys.stderr.write(f"gmssl is not installed ({e}); run `pip install gmssl`\n")
    sys.exit(3)

N_ORDER = int(sm2.default_ecc_table["n"], 16)
DEFAULT_ID = b"1234567812345678"
NO_PADDING = 2  # neither PKCS7 (0) nor ZERO (1): raw blocks


def sm3_hash(data: bytes) -> bytes:
    return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))


def sm4_ecb(key: bytes, data: bytes, decrypt=False) -> bytes:
    c = sm4.CryptSM4(padding_mode=NO_PADDING)
    c.set_key(key, sm4.SM4_DECRYPT if decrypt else sm4.SM4_ENCRYPT)
    return c.crypt_ecb(data)


def sm4_cbc(key: bytes, iv: bytes, data: bytes) -> bytes:
    c = sm4.CryptSM4()
    c.set_key(key, sm4.SM4_ENCRYPT)
    return c.crypt_cbc(iv, data)[: len(data)]  # gmssl always appends a PKCS#7 block


def z_value(uid: bytes, pub_hex: str) -> bytes:
    t = sm2.default_ecc_table
    entl = (len(uid) * 8).to_bytes(2, "big")
    return sm3_hash(entl + uid + bytes.fromhex(t["a"] + t["b"] + t["g"] + pub_hex))


def sm2_case(rng: random.Random) -> dict:
    d = rng.randrange(1, N_ORDER - 1)
    d_hex = "%064x" % d
    signer = sm2.CryptSM2(private_key=d_hex, public_key="")
    pub = signer._kg(d, sm2.default_ecc_table["g"])  # x || y, 128 hex digits
    signer = sm2.CryptSM2(private_key=d_hex, public_key="")
    # Set after construction: CryptSM2.__init__ does `public_key.lstrip("04")`, which also eats
    # leading '0'/'4' digits of x (gmssl 3.2.2 quirk).
    signer.public_key = pub
    msg = rng.randbytes(rng.randrange(0, 200))
    kind = rng.randrange(3)
    uid = DEFAULT_ID if kind == 0 else rng.randbytes(rng.randrange(0, 40))
    e = sm3_hash(z_value(uid, pub) + msg)
    if uid == DEFAULT_ID:
        # gmssl's own Z (fixed to the default ID) must agree with the one computed here.
        assert signer._sm3_z(msg) == e.hex(), "gmssl Z mismatch"
    der = rng.random() < 0.3
    sig = None
    while sig is None:
        k = "%064x" % rng.randrange(1, N_ORDER - 1)
        signer.asn1 = der
        sig = signer.sign(e, k)
    raw_sig = bytes.fromhex(sig)
    # The corrupted signature: flip one bit of r or s (always the raw form).
    rs = raw_sig if not der else None
    if rs is None:
        signer.asn1 = False
        rs = bytes.fromhex(signer.sign(e, k))
    i = rng.randrange(64)
    bad_sig = bytearray(rs)
    bad_sig[i] ^= 1 << rng.randrange(8)
    bad_msg = bytearray(msg + b"\x00") if not msg else bytearray(msg)
    bad_msg[rng.randrange(len(bad_msg))] ^= 1 << rng.randrange(8)
    y_odd = int(pub[64:], 16) & 1
    enc = rng.randrange(3)
    pub_bytes = bytes.fromhex(pub)
    pub_enc = [pub_bytes, b"\x04" + pub_bytes, bytes([2 + y_odd]) + pub_bytes[:32]][enc]
    assert signer.verify(rs.hex(), e), "gmssl does not verify its own signature"
    return {
        "pub": pub_enc.hex(),
        "id": None if (kind == 0 and rng.random() < 0.5) else uid.hex(),
        "msg": msg.hex(),
        "sig": raw_sig.hex(),
        "e": e.hex(),
        "bad_sig": bytes(bad_sig).hex(),
        "bad_msg": bytes(bad_msg).hex(),
    }


def hexup(b: bytes) -> bytes:
    return b.hex().upper().encode()


def cup_mac(key: bytes, mab: bytes) -> bytes:
    """UnionPay SM4 MAC (payproto_crypto::sm::cup docs): XOR of 16-byte blocks (zero padded),
    32 upper-case hex chars, SM4(first 16) xor last 16, SM4, hex, first 8 characters."""
    x = bytearray(16)
    for i in range(0, len(mab), 16):
        for j, b in enumerate(mab[i : i + 16]):
            x[j] ^= b
    h = hexup(bytes(x))
    b = sm4_ecb(key, h[:16])
    b = sm4_ecb(key, bytes(p ^ q for p, q in zip(b, h[16:])))
    return hexup(b)[:8]


def format0(pin: str, pan: str) -> bytes:
    field = ("0" + "%X" % len(pin) + pin).ljust(16, "F")
    pan12 = pan[:-1][-12:].rjust(12, "0")
    return bytes(a ^ b for a, b in zip(bytes.fromhex(field), bytes.fromhex("0000" + pan12)))


def generate(seed: int, n: int) -> dict:
    rng = random.Random(seed)
    out = {k: [] for k in ("sm2", "sm3", "sm4_ecb", "sm4_cbc", "cup_mac", "cup_pin", "cup_track")}
    for _ in range(n):
        out["sm2"].append(sm2_case(rng))
        msg = rng.randbytes(rng.randrange(0, 300))
        out["sm3"].append({"msg": msg.hex(), "digest": sm3_hash(msg).hex()})
        key = rng.randbytes(16)
        data = rng.randbytes(16 * rng.randrange(1, 9))
        out["sm4_ecb"].append({"key": key.hex(), "pt": data.hex(), "ct": sm4_ecb(key, data).hex()})
        iv = rng.randbytes(16)
        out["sm4_cbc"].append({"key": key.hex(), "iv": iv.hex(), "pt": data.hex(), "ct": sm4_cbc(key, iv, data).hex()})
        mab = rng.randbytes(rng.randrange(0, 200))
        out["cup_mac"].append({"key": key.hex(), "mab": mab.hex(), "mac": cup_mac(key, mab).decode()})
        pin = "".join(rng.choice("0123456789") for _ in range(rng.randrange(4, 13)))
        pan = "".join(rng.choice("0123456789") for _ in range(rng.randrange(13, 20)))
        block = sm4_ecb(key, format0(pin, pan) + bytes(8))
        out["cup_pin"].append({"key": key.hex(), "pin": pin, "pan": pan, "block": block.hex()})
        packed = rng.randbytes(rng.randrange(17, 60))
        enc = packed[: len(packed) - 17] + sm4_ecb(key, packed[-17:-1]) + packed[-1:]
        out["cup_track"].append({"key": key.hex(), "packed": packed.hex(), "enc": enc.hex()})
    return out


def main() -> int:
    if len(sys.argv) != 4 or sys.argv[1] != "generate":
        sys.stderr.write(__doc__)
        return 2
    json.dump(generate(int(sys.argv[2]), int(sys.argv[3])), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
