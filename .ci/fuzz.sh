#!/usr/bin/env bash
# Runs every cargo-fuzz target for N seconds each: `bash .ci/fuzz.sh [SECONDS] [+TOOLCHAIN] [SANITIZER]`.
# The smoke run in .ci/test.sh uses 30 s; long campaigns pass more (e.g. 3600). New inputs go to a
# scratch corpus so the committed seeds stay as they are; a crash fails the run and leaves the
# reproducer under fuzz/artifacts/<target>/.
set -euo pipefail
seconds=${1:-30}
toolchain=${2:-}
sanitizer=${3:-none}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root/fuzz"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# shellcheck disable=SC2086
cargo $toolchain fuzz build --sanitizer "$sanitizer" 2>&1 | tail -n 3
# shellcheck disable=SC2086
targets=$(cargo $toolchain fuzz list)
[ -n "$targets" ] || { echo "no fuzz targets found" >&2; exit 1; }
n=0
for t in $targets; do
    mkdir -p "$scratch/$t" "corpus/$t"
    echo "--- fuzz $t (${seconds} s)"
    rc=0
    # shellcheck disable=SC2086
    cargo $toolchain fuzz run --sanitizer "$sanitizer" "$t" "$scratch/$t" "corpus/$t" -- \
        -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 >"$scratch/$t.log" 2>&1 || rc=$?
    grep -E '^(Done|stat::number_of_executed_units)' "$scratch/$t.log" || true
    if [ "$rc" -ne 0 ]; then
        tail -n 60 "$scratch/$t.log" >&2
        echo "fuzz target $t FAILED (exit $rc)" >&2
        exit 1
    fi
    n=$((n + 1))
done
echo "fuzz: $n targets ran ${seconds} s each without a crash"
