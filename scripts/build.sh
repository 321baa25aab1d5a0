#!/usr/bin/env bash
# Builds what the demo shop serves: the wasm package (wasm-pack, release, wasm-opt with the
# flags of Cargo.toml's wasm-pack profile) and its language packs (pkg/i18n/*.json), copied to
# www/pkg/, and the demo catalog snapshots built by `crossbuy snapshot` from the committed
# Shopify exports in demo/ (one in GBP, one in EUR for the French storefront) with the demo's
# merchant configuration and offers (demo/crossbuy.toml), and the demo's invented review ratings
# (demo/ratings.json) added.
set -euo pipefail
cd "$(dirname "$0")/.."
# wasm-pack runs the first wasm-opt on PATH: npm's binaryen (see scripts/setup.sh), not an
# older system one that breaks reference types.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { echo "build: $*" >&2; }
die() { echo "build: error: $*" >&2; exit 1; }

# The shipped modules are built with the standard library rebuilt for size (-Z build-std), panics
# that abort at once instead of formatting a message nobody reads, no Debug formatting or panic
# locations, and every function's MIR available to the crates that call it: unstable cargo and
# rustc options, so this build (and only this one) uses the nightly pinned in
# scripts/size-toolchain.toml, which scripts/setup.sh installs with rust-src and the wasm32
# target. Not RUSTC_BOOTSTRAP=1 on stable: the Rust project asks that nobody rely on it. Without
# the options (stable, measured) every shopper would download 71,147 B instead of 58,393 B,
# over the 64 KB budget (README, Size). Its own target directory, so the stable builds are not
# invalidated.
size_toolchain=$(sed -n 's/^channel *= *"\(.*\)"$/\1/p' scripts/size-toolchain.toml)
[ -n "$size_toolchain" ] || die "scripts/size-toolchain.toml names no channel"
rustup run "$size_toolchain" rustc --version >/dev/null 2>&1 \
  || die "the size build's toolchain $size_toolchain is not installed; run scripts/setup.sh"
# wasm_pack CRATE_DIR PACKAGE OUT_DIR OUT_NAME EXPORT (OUT_DIR relative to the repository).
# PACKAGE is passed to cargo (`-p`): at the top `cargo build` builds every default member, and
# wasm-pack would then take whichever cdylib cargo reported last (the pixel's, when it was
# already built); EXPORT, a function the module must export, checks it took the right one.
wasm_pack() {
  local crate="$1" package="$2" out_dir="$3" out_name="$4" export="$5"
  RUSTUP_TOOLCHAIN="$size_toolchain" \
    CARGO_TARGET_DIR="$PWD/target/wasm-size" \
    RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none -Zcross-crate-inline-threshold=always" \
    wasm-pack --log-level warn build --target web --release --out-dir "$PWD/$out_dir" --out-name "$out_name" "$crate" -- \
      -p "$package" -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size >&2 || return 1
  grep -q "^export function $export(" "$out_dir/$out_name.d.ts" \
    || die "$out_dir/$out_name.d.ts has no export '$export': wasm-pack took another crate's module"
  # Short names between the module and its glue instead of wasm-bindgen's hashed ones:
  # about 3.6 KB gzipped less for the widget (scripts/minify-names.mjs).
  # (`|| return 1`: the caller's `||` turns off `set -e` inside this function.)
  node scripts/minify-names.mjs "$out_dir/$out_name" || return 1
  # The glue minified (esbuild, the same ES module and exports): about 1.9 KB gzipped less.
  node_modules/.bin/esbuild "$out_dir/$out_name.js" --minify --format=esm --log-level=warning \
    --outfile="$out_dir/$out_name.js" --allow-overwrite || return 1
}
# Every output from scratch, so nothing an earlier build left (a language pack, a shard, a file of
# the npm package) is served, tested or packed.
rm -rf pkg pkg-signals pkg-pixel pkg-console www/pkg www/pixel www/demo/shards www/console/pkg www/console/widget \
  www/demo/catalog-experiment.json www/demo/experiment-orders.csv www/demo/report.html
# The loader a merchant pastes, minified from its commented source (about 1.3 KB gzipped less):
# src/loader/crossbuy.js -> www/crossbuy.js, which the demo pages and every test load.
step "esbuild --minify src/loader/crossbuy.js -> www/crossbuy.js"
node_modules/.bin/esbuild src/loader/crossbuy.js --minify --log-level=warning --outfile=www/crossbuy.js \
  || die "esbuild could not minify src/loader/crossbuy.js"
step "wasm-pack build --target web --release (std rebuilt for size)"
wasm_pack . crossbuy pkg crossbuy mount || die "wasm-pack build failed (see above)"
for f in crossbuy.js crossbuy_bg.wasm; do
  [ -f "pkg/$f" ] || die "wasm-pack did not write pkg/$f"
done
# The opt-in signals module (crates/signals): the loader fetches it
# only once a shopper opts in, so what every shopper downloads does not carry it. It ships
# beside the widget, in the npm package too.
step "wasm-pack build crates/signals -> pkg-signals/"
wasm_pack crates/signals crossbuy-signals pkg-signals crossbuy_signals signals \
  || die "wasm-pack build of the signals module failed (see above)"
# The `crossbuy` command (crates/cli), built with the native profile the benchmarks use
# (`cli`: the release profile is tuned for wasm size): it writes the language packs and the
# demo snapshots below.
step "cargo build --profile cli -p crossbuy-cli -> target/cli/crossbuy"
cargo build --profile cli --quiet -p crossbuy-cli || die "cargo build --profile cli -p crossbuy-cli failed"
CROSSBUY=target/cli/crossbuy
step "crossbuy i18n-packs pkg/i18n (the widget's texts other than English, from crates/engine/src/i18n.rs)"
"$CROSSBUY" i18n-packs pkg/i18n || die "crossbuy i18n-packs pkg/i18n failed"
# The npm package: the widget, <crossbuy-widget> (www/crossbuy-element.js) and the signals module
# with their types, the language packs, the wasm files, LICENSE; package.json's exports map.
step "npm package -> pkg/ (scripts/npm-package.mjs)"
node scripts/npm-package.mjs || die "scripts/npm-package.mjs could not assemble the npm package"
mkdir -p www/pkg/i18n
cp pkg/crossbuy.js pkg/crossbuy_bg.wasm pkg/crossbuy_signals.js pkg/crossbuy_signals_bg.wasm www/pkg/
cp pkg/i18n/*.json www/pkg/i18n/

# Shopify's customer-events pixel loads the engine from its own module (crates/pixel), so the
# widget does not carry the signal code it needs.
step "wasm-pack build crates/pixel -> www/pixel/"
wasm_pack crates/pixel crossbuy-pixel pkg-pixel crossbuy_pixel optedIn \
  || die "wasm-pack build of the pixel's engine failed (see above)"
mkdir -p www/pixel
cp pkg-pixel/crossbuy_pixel.js pkg-pixel/crossbuy_pixel_bg.wasm www/pixel/

# The merchant console (crates/console: the builder in the browser, www/console/): not shipped to
# shoppers, so built for speed, not size: the `console` profile (opt-level 3) on the stable
# toolchain, wasm-opt -O3. The console folder also gets the widget, for its preview.
step "wasm-pack build crates/console (the merchant console, for speed) -> www/console/pkg/"
wasm-pack --log-level warn build --target web --profile console --out-dir "$PWD/pkg-console" \
  --out-name crossbuy_console crates/console -- -p crossbuy-console >&2 \
  || die "wasm-pack build of the console failed (see above)"
grep -q "^export class Console" pkg-console/crossbuy_console.d.ts \
  || die "pkg-console/crossbuy_console.d.ts has no class Console: wasm-pack took another crate's module"
mkdir -p www/console/pkg www/console/widget
cp pkg-console/crossbuy_console.js pkg-console/crossbuy_console_bg.wasm www/console/pkg/
cp pkg/crossbuy.js pkg/crossbuy_bg.wasm www/console/widget/

step "crossbuy snapshot -> www/demo/catalog.json, www/demo/recommendations.json (the pixel's fallback)"
mkdir -p www/demo
"$CROSSBUY" snapshot \
  --products demo/products_export.csv --orders demo/orders_export.csv --config demo/crossbuy.toml \
  --shop-name "Hearth & Tin" --locale en-GB -o www/demo/catalog.json \
  --pixel-recommendations www/demo/recommendations.json --shards www/demo/shards \
  || die "crossbuy snapshot could not build the demo catalog from demo/*.csv"
step "crossbuy snapshot (EUR price list, fr-FR) -> www/demo/catalog-eur.json"
"$CROSSBUY" snapshot --quiet \
  --products demo/products_export.csv --orders demo/orders_export.csv --config demo/crossbuy.toml \
  --shop-name "Hearth & Tin" --currency EUR --locale fr-FR -o www/demo/catalog-eur.json \
  || die "crossbuy snapshot could not build the EUR demo catalog from demo/*.csv"
# The offers came from demo/crossbuy.toml; the UCI data has no reviews, so the demo's ratings
# are added to the whole snapshots (the shards' index holds no products).
step "demo ratings (demo/ratings.json) -> the demo snapshots"
node scripts/demo-ratings.mjs demo/ratings.json www/demo/catalog.json www/demo/catalog-eur.json \
  || die "scripts/demo-ratings.mjs could not add the demo ratings"

# The demo's experiment report (docs/measure.md): the demo catalog with demo/experiment.toml's
# three arms, four weeks of simulated orders under a known effect (crossbuy: 15% add a first
# card of average appeal, later cards less; best-sellers: 6%; holdout: nothing), and
# `crossbuy report --html`, linked from the index.
step "crossbuy simulate + report -> www/demo/report.html (the demo's experiment)"
"$CROSSBUY" snapshot --quiet \
  --products demo/products_export.csv --orders demo/orders_export.csv --config demo/experiment.toml \
  --shop-name "Hearth & Tin" --locale en-GB -o www/demo/catalog-experiment.json \
  || die "crossbuy snapshot could not build the demo's experiment catalog"
"$CROSSBUY" simulate --catalog www/demo/catalog-experiment.json --take 0.15,0.06,0 \
  --orders 6000 --seed 7 -o www/demo/experiment-orders.csv \
  || die "crossbuy simulate could not write the demo's experiment orders"
"$CROSSBUY" report --orders www/demo/experiment-orders.csv \
  --catalog www/demo/catalog-experiment.json --html www/demo/report.html > /dev/null \
  || die "crossbuy report could not write www/demo/report.html"

# The WooCommerce plugin carries the loader, glue, wasm and language packs itself (WordPress.org
# guideline 8): integrations/woocommerce/crossbuy/assets/, and the installable zip.
step "WooCommerce plugin: assets/ and dist/crossbuy-woocommerce.zip"
node scripts/woocommerce-plugin.mjs || die "scripts/woocommerce-plugin.mjs could not build the WooCommerce plugin"

# The Shopify app's extensions (integrations/shopify/extensions): the theme extension's assets
# (loader, glue, wasm, language packs, signals module), the app pixel's engine, the thank-you
# block's and the pixel's bundles, the discount Function's wasm, each against its size limit;
# and the demo's stand-in of Shopify's thank-you page (www/shopify/).
step "Shopify app: extension assets and bundles, their sizes (scripts/shopify-build.mjs)"
node scripts/shopify-build.mjs || die "scripts/shopify-build.mjs could not build the Shopify app's extensions"
