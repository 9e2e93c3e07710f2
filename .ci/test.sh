#!/usr/bin/env bash
# payproto: every test, on a fresh machine. This is the README's test command; .ci/run calls it.
#
# Installs what it needs (rustup targets and components, cargo-fuzz, Python oracles from PyPI,
# Debian packages for the examples once they exist), then runs: fmt check, clippy -D warnings,
# all tests (default, all and no features), thumbv7em builds of each library crate without and
# with `alloc`, the panic-freedom link check, a fuzz smoke run of every target, and the
# differential tests against the Python oracles. A missing tool is an error, never a skip.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export CARGO_TERM_COLOR=never
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
start_all=$(date +%s)
step_start=$start_all
steps_passed=0

step() {
    local now; now=$(date +%s)
    [ "$steps_passed" -gt 0 ] && echo "    (took $((now - step_start)) s)"
    step_start=$now
    steps_passed=$((steps_passed + 1))
    echo
    echo "=== [$steps_passed] $* ==="
}

die() { echo "FATAL: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "required tool '$1' is missing${2:+ ($2)}"; }

step "tools"
need cargo "install Rust with rustup"
need rustup
need python3
rustup component add rustfmt clippy llvm-tools >/dev/null
rustup target add thumbv7em-none-eabihf thumbv7m-none-eabi >/dev/null
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
cargo fuzz --version
# The fuzzers use AddressSanitizer on nightly; without a nightly toolchain they run uninstrumented
# for memory errors (still coverage-guided, still fail on any panic).
FUZZ_TOOLCHAIN=""
FUZZ_SANITIZER="none"
if cargo +nightly --version >/dev/null 2>&1 || rustup toolchain install nightly --profile minimal >/dev/null 2>&1; then
    FUZZ_TOOLCHAIN="+nightly"
    FUZZ_SANITIZER="address"
else
    echo "note: no nightly toolchain could be installed; fuzzing with --sanitizer none on stable"
fi
# Debian packages for the examples: QEMU runs the bare-metal board; pcscd, libpcsclite and the
# vsmartcard vpcd driver run the PC/SC end-to-end test.
apt_need=()
command -v qemu-system-arm >/dev/null 2>&1 || apt_need+=(qemu-system-arm)
command -v pcscd >/dev/null 2>&1 || apt_need+=(pcscd)
command -v pkg-config >/dev/null 2>&1 || apt_need+=(pkgconf)
pkg-config --exists libpcsclite 2>/dev/null || apt_need+=(libpcsclite-dev)
ls /usr/lib/pcsc/drivers/serial/libifdvpcd.so >/dev/null 2>&1 || apt_need+=(vsmartcard-vpcd)
if [ "${#apt_need[@]}" -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${apt_need[@]}"
fi
need qemu-system-arm "apt-get install -y --no-install-recommends qemu-system-arm"
need pcscd "apt-get install -y --no-install-recommends pcscd"
pkg-config --exists libpcsclite || die "libpcsclite-dev is missing"
python3 -m pip --version >/dev/null 2>&1 || die "python3 pip is missing"
python3 -m pip install --quiet --disable-pip-version-check pyiso8583 psec pyemv gmssl cryptography \
    -r iso8583/tests/diff/requirements.txt
python3 -c "import iso8583, psec, pyemv, gmssl, cryptography" || die "Python oracles failed to import"
rustc --version
cargo --version

step "format"
cargo fmt --all --check
cargo fmt --check --manifest-path fuzz/Cargo.toml
cargo fmt --check --manifest-path .ci/panic-free/Cargo.toml
cargo fmt --check --manifest-path examples/bare-metal/Cargo.toml

step "clippy (all targets; all features, then default features)"
cargo clippy --locked --workspace --all-targets --all-features -- -D warnings
cargo clippy --locked --workspace --all-targets -- -D warnings

step "tests (all features)"
cargo test --locked --workspace --all-features

step "tests without an allocator (library crates, no default features)"
for c in tlv emv iso8583 crypto; do
    cargo test --locked -p "payproto-$c" --no-default-features
done

step "long tests in release (#[ignore]d in debug): AES DUKPT terminal = host for the first 5,000,000 counters"
cargo test --locked --release -p payproto-crypto --test dukpt -- --ignored

step "thumbv7em-none-eabihf builds, without and with alloc"
for c in tlv emv iso8583 crypto; do
    cargo build --locked -p "payproto-$c" --target thumbv7em-none-eabihf --no-default-features
    cargo build --locked -p "payproto-$c" --target thumbv7em-none-eabihf --no-default-features --features alloc
done

step "panic-freedom link check (no panic path reachable from any parse/encode entry point)"
(cd .ci/panic-free && cargo build --locked --release) || die "a panic path is reachable (see 'undefined symbol: payproto_panic_path_reachable' above)"

step "bare-metal Cortex-M4F example under QEMU (no allocator; exits 0 only if every check passes)"
(cd examples/bare-metal && cargo clippy --locked --release -- -D warnings && cargo run --locked --release)

step "PC/SC end to end: pcscd + vpcd virtual card + host-reader, three card profiles"
bash .ci/pcsc-e2e.sh

step "benchmarks build"
cargo bench --locked --workspace --no-run

step "fuzz smoke run: every target for ${FUZZ_SECONDS} s"
bash .ci/fuzz.sh "$FUZZ_SECONDS" "$FUZZ_TOOLCHAIN" "$FUZZ_SANITIZER"

step "done"
end_all=$(date +%s)
echo "all $((steps_passed - 1)) steps passed in $((end_all - start_all)) s"
