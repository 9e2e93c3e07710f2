#!/usr/bin/env bash
# Instruction counts per pass of each TLV walk contender (valgrind callgrind: deterministic, not
# disturbed by other load on the machine). Companion to the timed race
# `cargo bench -p payproto-tlv --bench walk_race`; both feed BENCHMARKS.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install -y --no-install-recommends valgrind)" >&2; exit 1; }
bin=$(cargo bench -p payproto-tlv --bench walk_race --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import sys, json
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == "walk_race" and m.get("executable"):
        print(m["executable"])')
out=$(mktemp)
trap 'rm -f "$out"' EXIT
ROUNDS=1 BATCH=2000 valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" >/dev/null 2>&1
callgrind_annotate --inclusive=yes "$out" 2>/dev/null \
    | grep -E 'contenders::(payproto_walk|payproto_walk_strict|payproto_reader|nom_walk|flexiber_walk|iso7816_walk|tlv_parser_walk) \[' \
    | sed -E 's/ \(.*contenders::/ /; s/ \[.*//; s/,//g' \
    | awk '{ n[$2] = $1 / 2000 } END {
        base = n["payproto_walk"];
        printf "%-22s %12s %22s\n", "contender", "instr/pass", "instr / payproto_walk";
        split("payproto_walk payproto_walk_strict payproto_reader nom_walk flexiber_walk iso7816_walk tlv_parser_walk", order, " ");
        for (i = 1; i <= 7; i++) { k = order[i]; printf "%-22s %12.0f %22.2f\n", k, n[k], n[k] / base } }'
