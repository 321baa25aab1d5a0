#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need, idempotently, from package registries only:
# the wasm32 target, wasm-pack, wasm-bindgen-cli at exactly Cargo.lock's version, Debian's
# chromium + chromium-driver (unless $CHROME and $CHROMEDRIVER name others), php-cli and
# redis-server (the relay's tests), and
# the npm packages of package-lock.json, among them binaryen's wasm-opt (Debian bookworm's
# binaryen 108 corrupts wasm-bindgen's externref table; scripts/build.sh puts npm's first on
# PATH). Prints nothing when all of it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*" >&2; }
die() { echo "setup: error: $*" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null || die "cargo is not installed; install Rust with rustup first"
command -v rustup >/dev/null || die "rustup is not installed; it is needed to add the wasm32 target"

# Rust: the wasm32 target and the lint/format components.
installed_targets=$(rustup target list --installed)
if ! grep -qx wasm32-unknown-unknown <<<"$installed_targets"; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >&2
fi
installed_components=$(rustup component list --installed)
# rust-src: the shipped wasm is built with the standard library rebuilt for size (scripts/build.sh).
for component in clippy rustfmt rust-src; do
  if ! grep -q "^$component" <<<"$installed_components"; then
    say "adding the $component component"
    rustup component add "$component" >&2
  fi
done

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly, or wasm-pack
# would try to download one.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$bindgen_version" ] || die "Cargo.lock has no wasm-bindgen entry; run 'cargo generate-lockfile'"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (cargo install, a few minutes)"
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force >&2
fi
if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack (cargo install, a few minutes)"
  cargo install wasm-pack >&2
fi

# Debian packages: a browser and its driver, php, redis-server.
missing=()
if [ -z "${CHROME:-}" ] || [ -z "${CHROMEDRIVER:-}" ]; then
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
else
  [ -x "$CHROME" ] || die "CHROME=$CHROME is not an executable"
  [ -x "$CHROMEDRIVER" ] || die "CHROMEDRIVER=$CHROMEDRIVER is not an executable"
fi
command -v php >/dev/null || missing+=(php-cli)
# The relay's tests start a Redis shared by two relays (crates/relay, tests/relay).
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing ${missing[*]} and there is no apt-get to install them"
  say "installing ${missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# npm packages, reinstalled when package-lock.json changed since the last install.
command -v npm >/dev/null || die "npm is not installed"
if [ -f package-lock.json ]; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
fi
