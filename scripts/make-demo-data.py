#!/usr/bin/env python3
"""Builds the demo shop's Shopify exports from the UCI Online Retail data (run once, by hand).

    python3 scripts/make-demo-data.py ../shared/data/online_retail_uci

Writes demo/products_export.csv (Shopify's current products export header),
demo/orders_export.csv (Shopify's orders export: one row per line item) and one SVG tile per
product under www/img/. The outputs are committed, so `npm start` and `npm test` never read
../shared. The data is CC BY 4.0 (Chen, Sain and Guo, 2012, UCI Machine Learning Repository);
demo/README.md carries the attribution and says what was changed.

Deterministic: the same input gives byte-identical output.
"""

import collections
import csv
import datetime
import hashlib
import os
import re
import sys

PRODUCT_COUNT = 100
ORDER_COUNT = 1500
# Not products: postage, discounts, manual adjustments, fees.
NON_PRODUCTS = {"POST", "D", "M", "DOT", "C2", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "S", "B"}
# The baskets file has no dates; it is in invoice order over this span, so order times are
# interpolated along it.
FIRST_INVOICE = datetime.datetime(2010, 12, 1, 8, 26)
LAST_INVOICE = datetime.datetime(2011, 12, 9, 12, 50)
VENDOR = "Hearth & Tin"
# Marked down besides every ninth product, so the demo thank-you page (teacups and cake tins)
# shows a discount badge: Jam Making Set with Jars.
MARKDOWNS = {"22960", "22697"}

PRODUCTS_HEADER = [
    "Title", "URL handle", "Description", "Vendor", "Product category", "Type", "Tags",
    "Published on online store", "Status", "SKU", "Barcode", "Option1 name", "Option1 value",
    "Option1 Linked To", "Option2 name", "Option2 value", "Option2 Linked To", "Option3 name",
    "Option3 value", "Option3 Linked To", "Price", "Compare-at price", "Cost per item",
    "Charge tax", "Tax code", "Unit price total measure", "Unit price total measure unit",
    "Unit price base measure", "Unit price base measure unit", "Inventory tracker",
    "Inventory quantity", "Continue selling when out of stock", "Weight value (grams)",
    "Weight unit for display", "Requires shipping", "Fulfillment service", "Product image URL",
    "Image position", "Image alt text", "Variant image URL", "Gift card", "SEO title",
    "SEO description", "Color (product.metafields.shopify.color-pattern)",
    "Google Shopping / Google product category", "Google Shopping / Gender",
    "Google Shopping / Age group", "Google Shopping / Manufacturer part number (MPN)",
    "Google Shopping / Ad group name", "Google Shopping / Ads labels",
    "Google Shopping / Condition", "Google Shopping / Custom product",
    "Google Shopping / Custom label 0", "Google Shopping / Custom label 1",
    "Google Shopping / Custom label 2", "Google Shopping / Custom label 3",
    "Google Shopping / Custom label 4",
]

ORDERS_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
    "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,"
    "Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,"
    "Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,"
    "Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,"
    "Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,"
    "Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,"
    "Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,"
    "Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,"
    "Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,"
    "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
).split(",")

# Product type from words in the description, first match wins.
TYPES = [
    ("Lunch bags", ["LUNCH BAG"]),
    ("Bags", ["BAG", "SHOPPER"]),
    ("Candle holders", ["T-LIGHT", "CANDLE", "LANTERN"]),
    ("Cake stands and tins", ["CAKESTAND", "CAKE TIN", "CAKE CASES", "JELLY MOULD", "BAKING"]),
    ("Tea sets", ["TEACUP", "TEA SET", "MUG", "CUP"]),
    ("Party", ["BUNTING", "PARTY", "PAPER CHAIN", "NAPKINS", "POPCORN", "CHRISTMAS"]),
    ("Kitchen", ["JAM", "RECIPE", "LUNCH BOX", "BOTTLE", "PANTRY", "TRAY"]),
    ("Home decor", ["HEART", "FRAME", "CLOCK", "ORNAMENT", "SIGN", "CHALKBOARD", "WICKER"]),
]
PALETTE = ["#8c2f39", "#2f5d8c", "#3d7a4f", "#8c6a2f", "#5b3d8c", "#2f7a7a", "#7a2f6a", "#4a4a4a"]


def title_case(description):
    words = re.sub(r"\s+", " ", description.strip().rstrip(".")).lower().split(" ")
    small = {"of", "and", "with", "in", "for", "the", "a", "to"}
    out = []
    for i, word in enumerate(words):
        parts = word.split("-")
        out.append("-".join(p if (i > 0 and p in small) else p[:1].upper() + p[1:] for p in parts))
    return " ".join(out)


def handle_of(title):
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def product_type(description):
    for name, words in TYPES:
        if any(w in description for w in words):
            return name
    return "Gifts"


def money(pence):
    return "%d.%02d" % divmod(pence, 100)


def pence(decimal_text):
    whole, _, frac = decimal_text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def read_inputs(source):
    catalog = {}
    with open(os.path.join(source, "stockcode_catalog_partial.csv"), newline="") as f:
        for row in csv.DictReader(f):
            price = pence(row["median_unit_price"])
            if row["StockCode"] not in NON_PRODUCTS and price > 0:
                catalog[row["StockCode"]] = (row["Description"], price)
    baskets = []
    with open(os.path.join(source, "online_retail_baskets_stockcodes.csv"), newline="") as f:
        for line in f:
            codes = [c for c in dict.fromkeys(line.strip().split(",")) if c in catalog]
            baskets.append(codes)
    return catalog, baskets


def choose_products(baskets):
    """The PRODUCT_COUNT items with the most co-purchases among the 300 most bought ones."""
    freq = collections.Counter(c for b in baskets if len(b) >= 2 for c in b)
    pool = {c for c, _ in freq.most_common(300)}
    together = collections.Counter()
    for b in baskets:
        inside = [c for c in b if c in pool]
        if len(inside) >= 2:
            for c in inside:
                together[c] += len(inside) - 1
    ranked = sorted(pool, key=lambda c: (-together[c], c))
    return ranked[:PRODUCT_COUNT]


def choose_orders(baskets, chosen):
    """Every k-th basket holding at least two chosen products, ORDER_COUNT of them, in time order."""
    keep = set(chosen)
    candidates = [(i, [c for c in b if c in keep]) for i, b in enumerate(baskets)]
    candidates = [(i, b) for i, b in candidates if len(b) >= 2]
    step = max(1, len(candidates) // ORDER_COUNT)
    return candidates[::step][:ORDER_COUNT], len(baskets)


def write_products(path, chosen, catalog, sold_out_code):
    rows = []
    for n, code in enumerate(sorted(chosen)):
        description, price = catalog[code]
        title = title_case(description)
        kind = product_type(description)
        # A few honest markdowns: the compare-at price is the price a quarter higher.
        compare_at = money(price * 5 // 4) if n % 9 == 4 or code in MARKDOWNS else ""
        sold_out = code == sold_out_code
        row = dict.fromkeys(PRODUCTS_HEADER, "")
        row.update({
            "Title": title,
            "URL handle": handle_of(title),
            "Description": "<p>%s, from the %s range.</p>" % (title, kind.lower()),
            "Vendor": VENDOR,
            "Type": kind,
            "Tags": ", ".join(sorted({kind.lower(), "gift"})),
            "Published on online store": "TRUE",
            "Status": "Active",
            "SKU": code,
            "Option1 name": "Title",
            "Option1 value": "Default Title",
            "Price": money(price),
            "Compare-at price": compare_at,
            "Charge tax": "TRUE",
            "Inventory tracker": "shopify",
            "Inventory quantity": "0" if sold_out else str(20 + int(hashlib.sha1(code.encode()).hexdigest()[:2], 16)),
            "Continue selling when out of stock": "DENY",
            "Weight value (grams)": "300",
            "Weight unit for display": "g",
            "Requires shipping": "TRUE",
            "Fulfillment service": "manual",
            "Product image URL": "/img/%s.svg" % code,
            "Image position": "1",
            "Image alt text": title,
            "Gift card": "FALSE",
            "Google Shopping / Condition": "new",
            "Google Shopping / Custom product": "FALSE",
        })
        rows.append(row)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, PRODUCTS_HEADER, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def write_orders(path, orders, total_lines, catalog):
    span = LAST_INVOICE - FIRST_INVOICE
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, ORDERS_HEADER, lineterminator="\n")
        w.writeheader()
        for n, (line_no, codes) in enumerate(orders):
            created = FIRST_INVOICE + span * line_no / max(1, total_lines - 1)
            created_at = created.replace(microsecond=0).strftime("%Y-%m-%d %H:%M:%S +0000")
            subtotal = sum(catalog[c][1] for c in codes)
            name = "#%d" % (1001 + n)
            # A few orders that a snapshot builder must leave out: refunded, cancelled.
            refunded = n % 97 == 50
            cancelled = n % 89 == 40
            first = {
                "Name": name,
                "Financial Status": "refunded" if refunded else ("voided" if cancelled else "paid"),
                "Paid at": "" if cancelled else created_at,
                "Fulfillment Status": "unfulfilled" if cancelled else "fulfilled",
                "Fulfilled at": "" if cancelled else created_at,
                "Accepts Marketing": "yes" if n % 3 == 0 else "no",
                "Currency": "GBP",
                "Subtotal": money(subtotal),
                "Shipping": "0.00",
                "Taxes": "0.00",
                "Total": money(subtotal),
                "Discount Amount": "0.00",
                "Shipping Method": "Standard",
                "Created at": created_at,
                "Billing Country": "GB",
                "Shipping Country": "GB",
                "Cancelled at": created_at if cancelled else "",
                "Payment Method": "Shopify Payments",
                "Refunded Amount": money(subtotal) if refunded else "",
                "Outstanding Balance": "0.00",
                "Id": str(5200000000 + n),
                "Risk Level": "Low",
                "Source": "web",
            }
            for k, code in enumerate(codes):
                description, price = catalog[code]
                row = dict.fromkeys(ORDERS_HEADER, "")
                if k == 0:
                    row.update(first)
                else:
                    row.update({"Name": name, "Created at": created_at})
                row.update({
                    "Lineitem quantity": "1",
                    "Lineitem name": title_case(description),
                    "Lineitem price": money(price),
                    "Lineitem sku": code,
                    "Lineitem requires shipping": "true",
                    "Lineitem taxable": "true",
                    "Lineitem fulfillment status": "pending" if cancelled else "fulfilled",
                    "Vendor": VENDOR,
                    "Lineitem discount": "0.00",
                })
                w.writerow(row)


def initials(title):
    words = [w for w in re.split(r"[^A-Za-z0-9]+", title) if w and not w.isdigit()]
    return "".join(w[0].upper() for w in words[:2]) or "?"


def write_tiles(directory, chosen, catalog):
    os.makedirs(directory, exist_ok=True)
    for code in chosen:
        title = title_case(catalog[code][0])
        colour = PALETTE[int(hashlib.sha1(code.encode()).hexdigest()[:4], 16) % len(PALETTE)]
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160" viewBox="0 0 160 160">'
            '<rect width="160" height="160" rx="12" fill="%s"/>'
            '<text x="80" y="96" font-family="Georgia, serif" font-size="52" fill="#fff" '
            'text-anchor="middle">%s</text></svg>\n' % (colour, initials(title))
        )
        with open(os.path.join(directory, code + ".svg"), "w") as f:
            f.write(svg)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-demo-data.py PATH/TO/online_retail_uci")
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    catalog, baskets = read_inputs(sys.argv[1])
    chosen = choose_products(baskets)
    # The sold-out product is a popular one, so the widget visibly skips it.
    sold_out = chosen[3]
    orders, total_lines = choose_orders(baskets, chosen)
    os.makedirs(os.path.join(root, "demo"), exist_ok=True)
    write_products(os.path.join(root, "demo", "products_export.csv"), chosen, catalog, sold_out)
    write_orders(os.path.join(root, "demo", "orders_export.csv"), orders, total_lines, catalog)
    write_tiles(os.path.join(root, "www", "img"), chosen, catalog)
    lines = sum(len(b) for _, b in orders)
    print("demo: %d products (sold out: %s), %d orders, %d line items" % (len(chosen), sold_out, len(orders), lines))


if __name__ == "__main__":
    main()
