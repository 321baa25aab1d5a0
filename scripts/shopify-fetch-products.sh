#!/usr/bin/env bash
# Downloads a Shopify shop's public product JSON, 250 products a page, for
#   crossbuy snapshot --products products_export.csv --orders orders_export.csv \
#     --shopify-products-json OUT_DIR
# which gives the snapshot Shopify's numeric product and variant ids (the CSV exports have only
# handles and SKUs; Shopify pages and the cart use the numbers).
#
# Usage: scripts/shopify-fetch-products.sh SHOP_DOMAIN OUT_DIR
#   SHOP_DOMAIN  the storefront, e.g. tea-and-tin.myshopify.com or shop.example.com
#                (https:// is assumed; give http://127.0.0.1:PORT to try it against a stand-in)
#   OUT_DIR      where products-1.json, products-2.json, … go (earlier pages there are removed)
#
# It asks for https://SHOP/products.json?limit=250&page=1, 2, … and stops at the first empty page
# ({"products":[]}). Shopify serves at most 25,000 products this way (page × limit ≤ 25,000);
# past that the script stops and says so. Only published products are listed: the others keep
# their handle ids in the snapshot, and the snapshot's summary counts them.
# Network only: no test runs this script.
set -euo pipefail

die() { echo "shopify-fetch-products: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 SHOP_DOMAIN OUT_DIR (for example: $0 tea-and-tin.myshopify.com shopify-json)"
command -v curl >/dev/null || die "curl is needed"

shop=${1%/}
case "$shop" in
  http://* | https://*) base=$shop ;;
  *) base="https://$shop" ;;
esac
base=${base%%/products.json*}
out=$2

mkdir -p "$out"
rm -f "$out"/products-[0-9]*.json

limit=250
max_pages=$((25000 / limit))
page=1
total=0
waits=0
while :; do
  if [ "$page" -gt "$max_pages" ]; then
    echo "shopify-fetch-products: stopped after $max_pages pages: Shopify lists at most 25,000 products at /products.json" >&2
    break
  fi
  url="$base/products.json?limit=$limit&page=$page"
  file="$out/products-$page.json"
  status=$(curl --silent --show-error --location --retry 3 --retry-delay 2 \
    --user-agent "crossbuy-fetch-products" --output "$file.part" --write-out '%{http_code}' "$url") \
    || die "GET $url failed"
  case "$status" in
    200) ;;
    429) # rate limited: wait, then ask again (10 times at most)
      rm -f "$file.part"
      waits=$((waits + 1))
      [ "$waits" -le 10 ] || die "GET $url: still rate limited (HTTP 429) after 10 waits"
      sleep 5
      continue ;;
    *) rm -f "$file.part"; die "GET $url answered HTTP $status" ;;
  esac
  # A password-protected or closed store answers with an HTML page, not JSON.
  head -c 200 "$file.part" | tr -d ' \t\r\n' | grep -q '^{"products":' \
    || { rm -f "$file.part"; die "GET $url did not answer with product JSON (is the store password-protected?)"; }
  count=$({ grep -o '"handle":' "$file.part" || true; } | wc -l | tr -d ' ')
  if [ "$count" -eq 0 ]; then
    rm -f "$file.part"
    break
  fi
  mv "$file.part" "$file"
  total=$((total + count))
  echo "shopify-fetch-products: page $page: $count products" >&2
  page=$((page + 1))
  sleep 0.5 # be gentle with the shop
done

[ "$total" -gt 0 ] || die "$base/products.json lists no products"
echo "shopify-fetch-products: $total products in $((page - 1)) page(s) in $out/" >&2
echo "next: crossbuy snapshot --products products_export.csv --orders orders_export.csv --shopify-products-json $out" >&2
