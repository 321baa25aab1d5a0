#!/usr/bin/env bash
# Runs `crossbuy eval` on the public basket datasets and prints one table per dataset.
#
#   scripts/eval.sh ../shared/data [extra eval options, e.g. --split leave-one-out]
#
# Reads only the data folder given as the first argument (never at test time).
set -euo pipefail
DATA=${1:?usage: scripts/eval.sh DATA_DIR [crossbuy eval options]}
shift
cd "$(dirname "$0")/.."
cargo build --quiet --profile cli --bin crossbuy
BIN=target/cli/crossbuy

run() {
  local name=$1
  shift
  echo "### $name"
  echo
  "$BIN" eval -q "$@"
  echo
}

run "Online Retail (UCI)" --baskets "$DATA/online_retail_uci/online_retail_baskets_stockcodes.csv" \
  --drop "POST,D,M,DOT,C2,BANK CHARGES,AMAZONFEE" "$@"
run "Groceries (arules)" --baskets "$DATA/groceries_arules/groceries.csv" "$@"
run "Bread Basket" --baskets "$DATA/bread_basket/BreadBasket_DMS.csv" --drop NONE "$@"
run "FIMI retail" --baskets "$DATA/fimi_retail/retail.dat" "$@"
run "Shopify store (real exports, pet products)" \
  --products "$DATA/shopify_real_store_export/products_export_1.csv" \
  --orders "$DATA/shopify_real_store_export/orders_export_1_lineitems_noPII.csv" "$@"
