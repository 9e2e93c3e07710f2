#!/usr/bin/env bash
# PC/SC end to end: the real pcscd with the vsmartcard vpcd driver, payproto's simulated card
# served by `vcard`, and `host-reader` running a whole transaction on it through libpcsclite — for
# an online approval, an offline approval, a card decline and a CDA card.
# Starts its own pcscd in the foreground and stops it by PID (unless one was already running).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
command -v pcscd >/dev/null || { echo "pcscd is missing" >&2; exit 1; }
ls /usr/lib/pcsc/drivers/serial/libifdvpcd.so >/dev/null 2>&1 \
    || ls /usr/lib/*/pcsc/drivers/serial/libifdvpcd.so >/dev/null 2>&1 \
    || { echo "the vpcd driver (vsmartcard-vpcd) is missing" >&2; exit 1; }
cargo build --locked -q -p host-reader --bins
bin=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import sys, json; print(json.load(sys.stdin)["target_directory"])')/debug
log=$(mktemp -d)
pcscd_pid=""
vcard_pid=""
cleanup() {
    [ -n "$vcard_pid" ] && kill "$vcard_pid" 2>/dev/null || true
    [ -n "$pcscd_pid" ] && kill "$pcscd_pid" 2>/dev/null && wait "$pcscd_pid" 2>/dev/null || true
    rm -rf "$log"
}
trap cleanup EXIT
if pgrep -x pcscd >/dev/null; then
    echo "note: using the pcscd already running"
else
    mkdir -p /run/pcscd
    pcscd --foreground >"$log/pcscd.log" 2>&1 &
    pcscd_pid=$!
    for _ in $(seq 50); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.1; done
    [ -S /run/pcscd/pcscd.comm ] || { cat "$log/pcscd.log" >&2; echo "pcscd did not start" >&2; exit 1; }
fi
# profile, amount, expected AID, PAN and outcome (the simulator's documented paths)
cases="demo-online 25000 A0000009991010 4761730000000011 online-approved
demo-offline 5000 A0000009991010 4761730000000029 approved
demo-decline 25000 A0000009991010 4761730000000037 declined
demo-cda 25000 A0000009992010 5413330000000019 online-approved"
passed=0
failed=0
while read -r profile amount aid pan outcome; do
    echo "{\"amount\": $amount, \"pin\": \"1234\"}" >"$log/config-$profile.json"
    "$bin/vcard" --profile "$profile" >"$log/vcard-$profile.log" 2>&1 &
    vcard_pid=$!
    ok=0
    for _ in $(seq 40); do
        if timeout 30 "$bin/host-reader" --config "$log/config-$profile.json" --expect-aid "$aid" \
            --expect-pan "$pan" --expect-outcome "$outcome" >"$log/reader-$profile.log" 2>&1; then
            ok=1
            break
        fi
        sleep 0.25   # the card may not be in the reader yet
    done
    if [ "$ok" -eq 1 ]; then
        echo "pcsc e2e $profile: $(grep -E '^(selected|TVR|result)' "$log/reader-$profile.log" | tr '\n' ' ')"
        passed=$((passed + 1))
    else
        echo "pcsc e2e $profile: FAILED" >&2
        cat "$log/reader-$profile.log" "$log/vcard-$profile.log" >&2
        failed=$((failed + 1))
    fi
    kill "$vcard_pid" 2>/dev/null || true
    wait "$vcard_pid" 2>/dev/null || true
    vcard_pid=""
    sleep 0.5   # let pcscd see the card removed
done <<<"$cases"
echo "pcsc e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
