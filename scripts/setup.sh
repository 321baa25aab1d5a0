#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need, idempotently, from package registries only:
# - Rust (rustup): the wasm32 target, clippy and rustfmt on the stable toolchain; the size
#   build's nightly (scripts/size-toolchain.toml) with its components and targets;
#   wasm-bindgen-cli at exactly Cargo.lock's version and wasm-pack (cargo install);
# - Debian: chromium and chromium-driver (each unless $CHROME or $CHROMEDRIVER names your own;
#   a variable you set is checked, never replaced), php-cli and redis-server (the relay's
#   tests; apt-get, through sudo when not root);
# - npm: the packages of package-lock.json (npm ci, again whenever the lock file changed), among
#   them binaryen's wasm-opt (Debian bookworm's binaryen 108 corrupts wasm-bindgen's externref
#   table; scripts/build.sh puts npm's first on PATH).
# Prints nothing when all of it is already there. tests/setup/fresh-machine.test.mjs runs it
# against an empty tool directory.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*" >&2; }
die() { echo "setup: error: $*" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null || die "cargo is not installed; install Rust with rustup first"
command -v rustup >/dev/null || die "rustup is not installed; it is needed to add the wasm32 target"

# Rust, stable: the wasm32 target (clippy, cargo test of the wasm crates, wasm-pack test) and the
# lint/format components.
if ! grep -qx wasm32-unknown-unknown <<<"$(rustup target list --installed)"; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >&2
fi
installed_components=$(rustup component list --installed)
for component in clippy rustfmt; do
  if ! grep -q "^$component-" <<<"$installed_components"; then
    say "adding the $component component"
    rustup component add "$component" >&2
  fi
done

# Rust, the size build's pinned nightly (scripts/build.sh): only its components and targets.
pin=scripts/size-toolchain.toml
[ -f "$pin" ] || die "$pin is missing"
toml_value() { sed -n "s/^$1 *= *//p" "$pin" | tr -d '[]",' ; }
size_channel=$(toml_value channel)
size_profile=$(toml_value profile)
read -r -a size_components <<<"$(toml_value components)"
read -r -a size_targets <<<"$(toml_value targets)"
[ -n "$size_channel" ] || die "$pin: no channel"
if ! grep -q "^$size_channel-" <<<"$(rustup toolchain list)"; then
  say "installing the size build's toolchain $size_channel (rustup, about 100 MB)"
  args=(--profile "${size_profile:-minimal}")
  for c in "${size_components[@]}"; do args+=(--component "$c"); done
  for t in "${size_targets[@]}"; do args+=(--target "$t"); done
  rustup toolchain install "$size_channel" "${args[@]}" >&2
else
  for kind in component target; do
    if [ "$kind" = component ]; then wanted=("${size_components[@]}"); else wanted=("${size_targets[@]}"); fi
    installed=$(rustup "$kind" list --installed --toolchain "$size_channel")
    for x in "${wanted[@]}"; do
      grep -q "^$x" <<<"$installed" && continue
      say "adding the $x $kind to $size_channel"
      rustup "$kind" add --toolchain "$size_channel" "$x" >&2
    done
  done
fi

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

# Debian packages: a browser and its driver, php, redis-server. Only a variable the user set names their own
# browser or driver (scripts/test.sh sets none before this runs); it must then be executable.
missing=()
if [ -n "${CHROME:-}" ]; then
  [ -x "$CHROME" ] || die "CHROME=$CHROME (set in your environment) is not an executable; unset it to use Debian's chromium"
else
  command -v chromium >/dev/null || missing+=(chromium)
fi
if [ -n "${CHROMEDRIVER:-}" ]; then
  [ -x "$CHROMEDRIVER" ] || die "CHROMEDRIVER=$CHROMEDRIVER (set in your environment) is not an executable; unset it to use Debian's chromium-driver"
else
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
fi
command -v php >/dev/null || missing+=(php-cli)
# The relay's tests start a Redis shared by two relays (crates/relay, tests/relay).
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing ${missing[*]} and there is no apt-get to install them"
  as_root=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "missing ${missing[*]}: run 'apt-get install ${missing[*]}' as root"
    as_root=(sudo)
  fi
  say "installing ${missing[*]} (apt)"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# npm packages, reinstalled when package-lock.json changed since the last install.
command -v npm >/dev/null || die "npm is not installed"
[ -f package-lock.json ] || die "package-lock.json is missing"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
