#!/usr/bin/env bash
# Runs `crossbuy eval` on the public datasets and prints one table per dataset and task: the
# basket task on every dataset, the next-order task on those with customers and dates.
#
#   scripts/eval.sh ../shared/data [extra eval options, e.g. --split leave-one-out]
#   TASKS=next-order scripts/eval.sh ../shared/data     # one task only
#
# Reads only the data folder given as the first argument (never at test time).
set -euo pipefail
DATA=${1:?usage: scripts/eval.sh DATA_DIR [crossbuy eval options]}
shift
cd "$(dirname "$0")/.."
cargo build --quiet --profile cli --bin crossbuy
BIN=target/cli/crossbuy
TASKS=${TASKS:-basket next-order}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Leave-one-out hides items from training; it is a basket-task protocol only.
if [[ " $* " == *" leave-one-out "* || " $* " == *" loo "* ]]; then TASKS=basket; fi

want() { [[ " $TASKS " == *" $1 "* ]]; }

# run NAME TASKS -- eval inputs...
run() {
  local name=$1 tasks=$2
  shift 2
  for task in $tasks; do
    want "$task" || continue
    echo "### $name ($task)"
    echo
    "$BIN" eval -q --task "$task" "$@"
    echo
  done
}

# The Kaggle groceries file names its member column `transaction_number`; a basket is one
# member's items on one date. A copy with the header `customer_id,date,item` reads as that.
KAGGLE="$DATA/groceries_kaggle_member_date/Groceries_dataset.csv"
if [[ -f $KAGGLE ]]; then
  { echo "customer_id,date,item"; tail -n +2 "$KAGGLE"; } >"$TMP/kaggle.csv"
fi

run "Online Retail (UCI)" "basket" \
  --baskets "$DATA/online_retail_uci/online_retail_baskets_stockcodes.csv" \
  --drop "POST,D,M,DOT,C2,BANK CHARGES,AMAZONFEE" "$@"
run "Groceries (arules)" "basket" --baskets "$DATA/groceries_arules/groceries.csv" "$@"
run "Bread Basket" "basket" --baskets "$DATA/bread_basket/BreadBasket_DMS.csv" --drop NONE "$@"
run "FIMI retail" "basket" --baskets "$DATA/fimi_retail/retail.dat" "$@"
run "Shopify store (real exports, pet products)" "basket" \
  --products "$DATA/shopify_real_store_export/products_export_1.csv" \
  --orders "$DATA/shopify_real_store_export/orders_export_1_lineitems_noPII.csv" "$@"
run "Online Retail, first week with customers (UCI)" "basket next-order" \
  --baskets "$DATA/online_retail_uci/online_retail_first10k_rows_with_customer.csv" \
  --drop "POST,D,M,DOT,C2,BANK CHARGES,AMAZONFEE" "$@"
if [[ -f $KAGGLE ]]; then
  run "Groceries (Kaggle, member and date)" "basket next-order" --baskets "$TMP/kaggle.csv" "$@"
fi
