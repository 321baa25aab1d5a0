#!/usr/bin/env python3
"""Synthetic Shopify exports for the builder benchmark (scripts/bench.sh).

    python3 scripts/bench_data.py OUT_DIR [--products 50000] [--lines 1000000] [--seed 1]

Writes OUT_DIR/products_export.csv (Shopify's current products header, one variant per product,
200 product types) and OUT_DIR/orders_export.csv (Shopify's 79-column orders export, one row per
line item, continuation rows as Shopify writes them). Item popularity is Zipf-like and each
product has a few complements that are often bought with it, so the pair statistics look like a
shop's. Deterministic for a given seed.
"""

import argparse
import csv
import os
import random

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
    "SEO description",
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--products", type=int, default=50_000)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    n = a.products
    prices = [f"{rng.randint(3, 120)}.{rng.choice(['00', '50', '95', '99'])}" for _ in range(n)]
    with open(os.path.join(a.out, "products_export.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(PRODUCTS_HEADER)
        col = {h: i for i, h in enumerate(PRODUCTS_HEADER)}
        for p in range(n):
            row = [""] * len(PRODUCTS_HEADER)
            row[col["Title"]] = f"Product {p} ({['Mug', 'Candle', 'Lantern', 'Bag'][p % 4]})"
            row[col["URL handle"]] = f"product-{p}"
            row[col["Description"]] = "<p>A fine product.</p>"
            row[col["Vendor"]] = "Bench & Co"
            row[col["Type"]] = f"Type {p % 200}"
            row[col["Tags"]] = f"tag-{p % 37}, tag-{p % 11}"
            row[col["Published on online store"]] = "TRUE"
            row[col["Status"]] = "active" if p % 50 else "draft"
            row[col["SKU"]] = f"SKU-{p}"
            row[col["Option1 name"]] = "Title"
            row[col["Option1 value"]] = "Default Title"
            row[col["Price"]] = prices[p]
            row[col["Compare-at price"]] = "" if p % 3 else f"{float(prices[p]) * 1.25:.2f}"
            row[col["Inventory tracker"]] = "shopify"
            row[col["Inventory quantity"]] = str(rng.randint(0, 40))
            row[col["Continue selling when out of stock"]] = "FALSE"
            row[col["Product image URL"]] = f"https://cdn.example/products/{p}.jpg"
            row[col["Image position"]] = "1"
            row[col["Gift card"]] = "FALSE"
            w.writerow(row)

    # Zipf-like popularity over a shuffled catalog; each product has 4 complements.
    order = list(range(n))
    rng.shuffle(order)
    weights = [1.0 / (r + 10) for r in range(n)]
    cum = []
    s = 0.0
    for x in weights:
        s += x
        cum.append(s)
    import bisect

    def popular():
        return order[bisect.bisect_left(cum, rng.random() * s)]

    partners = [[(p * 7 + k * 131 + 1) % n for k in range(1, 5)] for p in range(n)]
    col = {h: i for i, h in enumerate(ORDERS_HEADER)}
    lines = 0
    number = 100000 + a.lines
    t = 1_700_000_000
    with open(os.path.join(a.out, "orders_export.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(ORDERS_HEADER)
        while lines < a.lines:
            size = min(1 + int(rng.expovariate(0.45)), 40, a.lines - lines)
            items = [popular()]
            while len(items) < size:
                base = rng.choice(items)
                items.append(rng.choice(partners[base]) if rng.random() < 0.5 else popular())
            number -= 1
            t -= rng.randint(20, 400)
            stamp = f"2023-{(t // 2_600_000) % 12 + 1:02d}-{(t // 86_400) % 28 + 1:02d} {(t // 3600) % 24:02d}:{(t // 60) % 60:02d}:00 -0500"
            for k, p in enumerate(items):
                row = [""] * len(ORDERS_HEADER)
                row[col["Name"]] = f"#{number}"
                row[col["Created at"]] = stamp
                row[col["Lineitem quantity"]] = "1"
                row[col["Lineitem name"]] = f"Product {p} ({['Mug', 'Candle', 'Lantern', 'Bag'][p % 4]})"
                row[col["Lineitem price"]] = prices[p]
                row[col["Lineitem sku"]] = f"SKU-{p}"
                row[col["Lineitem requires shipping"]] = "true"
                row[col["Lineitem taxable"]] = "true"
                row[col["Lineitem fulfillment status"]] = "fulfilled"
                if k == 0:
                    row[col["Email"]] = f"customer{rng.randint(1, n)}@example.com"
                    row[col["Financial Status"]] = "paid" if rng.random() > 0.01 else "refunded"
                    row[col["Fulfillment Status"]] = "fulfilled"
                    row[col["Currency"]] = "USD"
                    row[col["Id"]] = str(5_000_000_000_000 + number)
                    row[col["Source"]] = "web"
                w.writerow(row)
                lines += 1


if __name__ == "__main__":
    main()
