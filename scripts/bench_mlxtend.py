#!/usr/bin/env python3
"""crossbuy's builder side by side with mlxtend's fpgrowth + association_rules (PyPI).

    pip install mlxtend pandas
    python3 scripts/bench_mlxtend.py ../shared/data

For each dataset, `crossbuy eval --export-split` writes the time split (first 80% of baskets
for training, one hidden item per later basket) and reports crossbuy's HR@4 on it. Then, on the
same training baskets:
  - mlxtend: one-hot encoding, fpgrowth(min_support) and association_rules(confidence) are timed
    together; a test case scores each item as the sum of the confidences of the rules whose
    antecedent is inside the context and whose consequent holds the item (the usual
    "frequently bought together" use of rules); HR@4 on the same cases;
  - crossbuy: `crossbuy snapshot --baskets train.csv` is timed as a whole process (reading,
    counting, scoring, writing the snapshot).
Both are also run with the dense model off (`dense_items = 0`, pair scores only), the fastest
setting. Prints a Markdown table with the times, the speed ratios and the HR@4s.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile
import time

import pandas as pd
from mlxtend.frequent_patterns import association_rules, fpgrowth
from mlxtend.preprocessing import TransactionEncoder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "cli", "crossbuy")

DATASETS = [
    # name, crossbuy input arguments (relative to DATA), mlxtend min_support
    ("Online Retail (UCI)", ["--baskets", "online_retail_uci/online_retail_baskets_stockcodes.csv",
                             "--drop", "POST,D,M,DOT,C2,BANK CHARGES,AMAZONFEE"], 0.005),
    ("Groceries (arules)", ["--baskets", "groceries_arules/groceries.csv"], 0.001),
    ("Bread Basket", ["--baskets", "bread_basket/BreadBasket_DMS.csv", "--drop", "NONE"], 0.001),
    ("FIMI retail", ["--baskets", "fimi_retail/retail.dat"], 0.002),
]


def read_rows(path):
    with open(path, newline="") as f:
        return [row for row in csv.reader(f)]


def mlxtend_rules(train, min_support):
    t0 = time.perf_counter()
    te = TransactionEncoder()
    onehot = pd.DataFrame(te.fit(train).transform(train), columns=te.columns_)
    frequent = fpgrowth(onehot, min_support=min_support, use_colnames=True)
    if len(frequent) == 0:
        return [], time.perf_counter() - t0
    rules = association_rules(frequent, metric="confidence", min_threshold=0.0)
    elapsed = time.perf_counter() - t0
    out = [(frozenset(a), frozenset(c), conf)
           for a, c, conf in zip(rules["antecedents"], rules["consequents"], rules["confidence"])]
    return out, elapsed


def mlxtend_hr4(rules, cases):
    by_first = {}
    for a, c, conf in rules:
        for item in a:
            by_first.setdefault(item, []).append((a, c, conf))
            break
    hits = 0
    for case in cases:
        hidden, context = case[0], set(case[1:])
        scores = {}
        seen = set()
        for item in context:
            for rule in by_first.get(item, ()):
                a, c, conf = rule
                if id(rule) in seen or not a <= context:
                    continue
                seen.add(id(rule))
                for x in c:
                    if x not in context:
                        scores[x] = scores.get(x, 0.0) + conf
        top = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
        hits += any(x == hidden for x, _ in top)
    return hits / max(len(cases), 1)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    data = sys.argv[1]
    subprocess.run(["cargo", "build", "--quiet", "--profile", "cli", "--bin", "crossbuy"],
                   cwd=ROOT, check=True)
    print("| dataset | training baskets | mlxtend min_support | rules | mlxtend s | crossbuy s "
          "| speed ratio | mlxtend HR@4 | crossbuy HR@4 | pairs only s | speed ratio | pairs only HR@4 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, args, min_support in DATASETS:
        args = [a if not a.endswith((".csv", ".dat")) else os.path.join(data, a) for a in args]
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([BIN, "eval", "-q", "--json", "--variants", "noease",
                                  "--export-split", tmp] + args,
                                 check=True, capture_output=True, text=True).stdout
            results = json.loads(out)["results"]
            ours = next(r for r in results if r["method"] == "crossbuy")
            pairs_only = next(r for r in results if r["method"] == "crossbuy[noease]")
            config = os.path.join(tmp, "pairs.toml")
            with open(config, "w") as f:
                f.write("[neighbours]\ndense_items = 0\n")
            train = read_rows(os.path.join(tmp, "train.csv"))
            cases = read_rows(os.path.join(tmp, "cases.csv"))
            rules, t_mlx = mlxtend_rules(train, min_support)

            def timed(extra):
                best = None
                for _ in range(3):
                    t0 = time.perf_counter()
                    subprocess.run([BIN, "snapshot", "-q", "--baskets",
                                    os.path.join(tmp, "train.csv"), "--format", "comma",
                                    "-o", os.path.join(tmp, "catalog.json")] + extra, check=True)
                    t = time.perf_counter() - t0
                    best = t if best is None else min(best, t)
                return best

            full, pairs = timed([]), timed(["--config", config])
            hr = mlxtend_hr4(rules, cases)
            print(f"| {name} | {len(train)} | {min_support} | {len(rules)} | {t_mlx:.2f} | "
                  f"{full:.3f} | {t_mlx / full:.0f}× | {hr:.4f} | {ours['hr4']:.4f} | "
                  f"{pairs:.3f} | {t_mlx / pairs:.0f}× | {pairs_only['hr4']:.4f} |", flush=True)


if __name__ == "__main__":
    main()
