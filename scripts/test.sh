#!/usr/bin/env bash
# `npm test`: every check, in order, stopping at the first failure with the step's name.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

started=$SECONDS
current=""
step() {
  current="$1"
  echo >&2
  echo "== test: $1 ($((SECONDS - started)) s)" >&2
}
trap 'status=$?; if [ $status -ne 0 ]; then echo >&2; echo "npm test: FAILED at step: $current (exit $status)" >&2; fi' EXIT

step "set-up on a fresh machine (scripts/setup.sh against an empty tool directory, stubbed)"
node --test tests/setup/*.test.mjs
step "setup"
bash scripts/setup.sh
# Only now, after setup checked the user's own CHROME/CHROMEDRIVER or installed Debian's: the
# browser the e2e tests launch and the driver wasm-pack test drives (instead of downloading one).
CHROME="${CHROME:-$(command -v chromium)}"
CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export CHROME CHROMEDRIVER
step "build (wasm-pack, demo snapshot)"
bash scripts/build.sh
step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy (native, every crate, all targets)"
cargo clippy --quiet --workspace --all-targets -- -D warnings
step "cargo clippy (wasm32: the widget, signals and pixel modules and what they share, and the builder the browser console runs; lib and tests)"
cargo clippy --quiet --target wasm32-unknown-unknown --lib --tests \
  -p crossbuy -p crossbuy-signals -p crossbuy-pixel -p crossbuy-browser -p crossbuy-engine -p crossbuy-builder -- -D warnings
step "cargo test (every crate)"
cargo test --quiet --workspace
step "wasm-pack test --headless --chrome (the widget)"
wasm-pack --log-level warn test --headless --chrome .
step "wasm-pack test --headless --chrome crates/signals (the signals module)"
wasm-pack --log-level warn test --headless --chrome crates/signals
step "WooCommerce plugin (php -l, PHP tests)"
bash tests/php/run.sh
step "size budget"
node scripts/size.mjs
step "relay (crates/relay against the platforms' stand-ins, Redis; tests/relay)"
cargo build --quiet -p crossbuy-relay
node --test --test-concurrency=1 tests/relay/*.test.mjs
step "end-to-end (Chromium)"
node --test --test-concurrency=1 tests/e2e/*.test.mjs
trap - EXIT
echo "npm test: all steps passed in $((SECONDS - started)) s" >&2
