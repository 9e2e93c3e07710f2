#!/usr/bin/env bash
# Instruction counts per unpack and per pack of the iso8583 benchmark messages (valgrind
# callgrind: deterministic, not disturbed by other load on the machine). Companion to the timed
# `cargo bench -p payproto-iso8583 --bench codec`; both feed BENCHMARKS.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install -y --no-install-recommends valgrind)" >&2; exit 1; }
bin=$(cargo bench -p payproto-iso8583 --bench instructions --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import sys, json
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == "instructions" and m.get("executable"):
        print(m["executable"])')
out=$(mktemp)
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" >/dev/null 2>&1
callgrind_annotate --inclusive=yes "$out" 2>/dev/null \
    | grep -E 'instructions::(iso87_unpack|iso87_pack|cup_unpack|cup_pack) \[' \
    | sed -E 's/ \(.*instructions::/ /; s/ \[.*//; s/,//g' \
    | awk '{ n[$2] = $1 / 1000 } END {
        printf "%-14s %12s\n", "operation", "instr/op";
        split("iso87_unpack iso87_pack cup_unpack cup_pack", order, " ");
        for (i = 1; i <= 4; i++) { k = order[i]; printf "%-14s %12.0f\n", k, n[k] } }'
