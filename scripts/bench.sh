#!/usr/bin/env bash
# Builder budgets (docs/performance.md):
#   1. a snapshot from 1,000,000 Shopify order lines (50,000 products) in <= 3 s, <= 500 MB peak,
#      written as a merchant gets it (the sharded form: the whole would be over WHOLE_MAX_BYTES);
#   2. catalog bytes a page fetches for a 3-item cart, sharded form, <= 30 KB gzipped.
#
#   scripts/bench.sh [LINES] [PRODUCTS]      (defaults 1000000 50000)
#   CROSSBUY=path/to/crossbuy scripts/bench.sh   measures another build (before/after a change)
#
# The synthetic exports are generated once into target/bench-data (scripts/bench_data.py).
set -euo pipefail
LINES=${1:-1000000}
PRODUCTS=${2:-50000}
cd "$(dirname "$0")/.."
if [ -z "${CROSSBUY:-}" ]; then
  cargo build --quiet --profile cli --bin crossbuy
fi
BIN=${CROSSBUY:-target/cli/crossbuy}
DATA=target/bench-data/$PRODUCTS-$LINES
if [ ! -f "$DATA/orders_export.csv" ]; then
  echo "generating $LINES order lines for $PRODUCTS products in $DATA …"
  python3 scripts/bench_data.py "$DATA" --lines "$LINES" --products "$PRODUCTS"
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "## build: $LINES order lines, $PRODUCTS products ($(du -m "$DATA/orders_export.csv" | cut -f1) MB orders export)"
# What a merchant runs: above WHOLE_MAX_BYTES the snapshot is written in its sharded form
# ($OUT/catalog.json the index, $OUT/catalog/ the shards), as it is for 50,000 products.
for run in 1 2 3; do
  /usr/bin/time -f "run $run: %e s wall, %U s user, %S s sys, peak %M KB" \
    "$BIN" snapshot -q --timings --products "$DATA/products_export.csv" \
    --orders "$DATA/orders_export.csv" -o "$OUT/catalog.json" 2>&1 | grep -E "^run|crossbuy: " | sed 's/^crossbuy: /  /'
done
if [ -d "$OUT/catalog" ]; then
  echo "sharded: index $(wc -c < "$OUT/catalog.json") B, $(find "$OUT/catalog" -name '*.json' | wc -l) shards, $(du -sk "$OUT/catalog" | cut -f1) KB"
fi
/usr/bin/time -f "the whole snapshot to stdout instead: %e s wall, peak %M KB" \
  "$BIN" snapshot -q --products "$DATA/products_export.csv" --orders "$DATA/orders_export.csv" \
  -o - 2>"$OUT/stdout.err" >"$OUT/whole.json" || { cat "$OUT/stdout.err"; exit 1; }
grep -v "^crossbuy: warning" "$OUT/stdout.err" || true
echo "whole snapshot: $(du -k "$OUT/whole.json" | cut -f1) KB, $(gzip -c "$OUT/whole.json" | wc -c) bytes gzipped"

echo
echo "## sharded form: what a page fetches"
python3 - "$OUT/catalog.json" "$OUT/whole.json" <<'PY'
import gzip, json, os, random, sys
index_path, whole = sys.argv[1], sys.argv[2]
base = os.path.dirname(index_path)
index_text = open(index_path, "rb").read()
index = json.loads(index_text)
if "shards" not in index:
    sys.exit("the snapshot was written whole (under WHOLE_MAX_BYTES): no shards to measure")
buckets, path = index["shards"]["buckets"], index["shards"]["path"]

def fnv1a32(s):
    h = 0x811C9DC5
    for b in s.strip().encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h

def gz(data):
    return len(gzip.compress(data, 9))

products = [p["id"] for p in json.load(open(whole))["products"]]
rng = random.Random(1)
sizes = []
for _ in range(200):
    cart = rng.sample(products, 3)
    files = {path.replace("{bucket}", str(fnv1a32(pid) % buckets)) for pid in cart}
    total = gz(index_text) + sum(gz(open(os.path.join(base, f), "rb").read()) for f in files)
    sizes.append(total)
sizes.sort()
print(f"3-item carts (200 random): index {gz(index_text)} B gzipped; fetched per cart "
      f"median {sizes[100] / 1024:.1f} KB, max {sizes[-1] / 1024:.1f} KB gzipped "
      f"(budget 30 KB); {buckets} shards")
PY
