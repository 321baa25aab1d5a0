#![cfg(not(target_arch = "wasm32"))]
//! The `crossbuy` command as a merchant runs it: files in, snapshot and summary out.

use std::path::PathBuf;
use std::process::Command;

use crossbuy_engine::Catalog;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crossbuy-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs `crossbuy args…`; returns (exit code, stdout, stderr).
fn run(args: &[&str], dir: &std::path::Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_crossbuy"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1764064800")
        .output()
        .expect("run crossbuy");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture(name: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    format!("{root}/../builder/tests/fixtures/shopify/{name}")
}

fn squeeze(s: &str) -> String {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks the exit code and that each expected line appears (in order) in the output, with
/// runs of spaces (column alignment) compared as one.
fn check(got: (i32, &str), expected_code: i32, expected_lines: &[&str]) {
    assert_eq!(got.0, expected_code, "exit code; output:\n{}", got.1);
    let text = squeeze(got.1);
    let mut rest = text.as_str();
    for line in expected_lines {
        let line = squeeze(line);
        match rest.find(&line) {
            Some(at) => rest = &rest[at + line.len()..],
            None => panic!("missing (in order) {line:?} in:\n{}", got.1),
        }
    }
}

#[test]
fn snapshot_from_shopify_exports_writes_a_catalog_and_a_summary() {
    let dir = temp_dir("shopify");
    let (code, _, err) = run(
        &[
            "snapshot",
            "--products",
            &fixture("products_export_current.csv"),
            "--orders",
            &fixture("orders_export.csv"),
            "--shop-name",
            "Tea & Tin",
            "-o",
            "catalog.json",
            "--shards",
            "shards",
        ],
        &dir,
    );
    check(
        (code, &err),
        0,
        &[
            "orders_export.csv:27: empty order Name; row skipped",
            "products_export_current.csv:15: price 4,50",
            "crossbuy: summary",
            "lines skipped: tips 1",
            "orders skipped: cancelled 1",
            "products written 6",
            "products without Shopify ids: 6 — add-to-cart will fall back to links",
            "crossbuy: wrote catalog.json (6 products",
            ", shards in shards",
        ],
    );
    let text = std::fs::read_to_string(dir.join("catalog.json")).expect("catalog written");
    let catalog = Catalog::parse(&text).expect("the engine accepts it");
    assert_eq!(catalog.shop.name, "Tea & Tin");
    assert!(
        text.contains("\"generated_at\":\"2025-11-25T10:00:00Z\""),
        "{text}"
    );

    let (code, out, _) = run(
        &[
            "recommend",
            "--catalog",
            "catalog.json",
            "--items",
            "MUG-B,nope",
        ],
        &dir,
    );
    check(
        (code, &out),
        0,
        &[
            "in the cart: Classic Mug (classic-mug), 3 neighbours",
            "in the cart: \"nope\" is not in this catalog (ignored)",
            "the widget shows:",
            "1. Green Tea (green-tea) at 4.25 GBP",
            "with classic-mug: score 0.0519, bought together in 3 orders",
            "2. Earl Grey Tea (earl-grey-tea) at 4.50 GBP",
            "3. Strawberry Jam (strawberry-jam) at 3.75 GBP",
            "bought together in 1 order\n",
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn plain_basket_files_in_both_layouts() {
    let dir = temp_dir("baskets");
    std::fs::write(
        dir.join("lines.csv"),
        "order_id,item_id\n1,tea\n1,mug\n2,tea\n2,mug\n3,tea\n3,scone\n4,POST\n4,mug\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("rows.csv"),
        "tea,mug\ntea,mug\ntea,scone\nPOST,mug",
    )
    .expect("write");
    for file in ["lines.csv", "rows.csv"] {
        let (code, _, err) = run(
            &[
                "snapshot",
                "--baskets",
                file,
                "--drop",
                "POST",
                "-o",
                "out.json",
            ],
            &dir,
        );
        check(
            (code, &err),
            0,
            &[
                "lines read 8",
                "lines skipped: --drop list 1",
                "orders used 4",
            ],
        );
        let catalog =
            Catalog::parse(&std::fs::read_to_string(dir.join("out.json")).expect("written"))
                .expect("parses");
        let tea = &catalog.products[catalog.product_index("tea").expect("tea")];
        let first = &catalog.products[tea.neighbours[0].product];
        assert_eq!(
            (first.id.as_str(), tea.neighbours[0].count),
            ("mug", 2),
            "{file}"
        );
        assert_eq!(
            catalog.shop.currency.code(),
            "XXX",
            "no prices, no currency"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_lists_every_option_and_bad_arguments_say_so() {
    let dir = temp_dir("help");
    let (code, out, _) = run(&["snapshot", "--help"], &dir);
    check(
        (code, &out),
        0,
        &[
            "--products FILE",
            "--orders FILE",
            "--shopify-products-json FILE[,FILE…]",
            "--baskets FILE",
            "--format F",
            "--drop ID,ID",
            "--config FILE",
            "-o, --output FILE",
            "--shards DIR",
            "--pixel-recommendations FILE",
            "--shop-name NAME",
            "--currency CODE",
            "--locale TAG",
            "--k N",
            "--min-support N",
            "--score NAME",
            "-q, --quiet",
        ],
    );
    let (code, out, _) = run(&["--help"], &dir);
    check(
        (code, &out),
        0,
        &["crossbuy snapshot", "crossbuy recommend", "crossbuy eval"],
    );
    let (code, _, err) = run(&["snapshot", "--baskets"], &dir);
    check(
        (code, &err),
        2,
        &["crossbuy: crossbuy snapshot: --baskets needs a value"],
    );
    let (code, _, err) = run(&["snapshot", "--orders", "x.csv"], &dir);
    check((code, &err), 2, &["--orders needs --products"]);
    let (code, _, err) = run(
        &[
            "snapshot",
            "--baskets",
            "x.csv",
            "--shopify-products-json",
            "p.json",
        ],
        &dir,
    );
    check(
        (code, &err),
        2,
        &["--shopify-products-json needs --products"],
    );
    let (code, _, err) = run(&["snapshot", "--baskets", "missing.csv"], &dir);
    check(
        (code, &err),
        1,
        &["crossbuy: missing.csv: No such file or directory"],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `crossbuy snapshot` of the fixture exports with `--shopify-products-json json` and `extra`.
fn snapshot_with_ids(dir: &std::path::Path, json: &str, extra: &[&str]) -> (i32, String) {
    let products = fixture("products_export_current.csv");
    let orders = fixture("orders_export.csv");
    let mut args = vec![
        "snapshot",
        "--products",
        &products,
        "--orders",
        &orders,
        "--shopify-products-json",
        json,
    ];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&args, dir);
    (code, err)
}

#[test]
fn shopify_ids_pixel_file_and_the_ids_recommend_shows() {
    let dir = temp_dir("shopify-ids");
    let storefront = fixture("storefront");
    let (code, err) = snapshot_with_ids(
        &dir,
        &storefront,
        &["--pixel-recommendations", "recommendations.json"],
    );
    check(
        (code, &err),
        0,
        &[
            "Shopify product JSON: products read 6",
            "products given Shopify ids 6",
            "products without Shopify ids: 1 — add-to-cart will fall back to links",
            "crossbuy: wrote catalog.json (6 products",
            ", pixel recommendations in recommendations.json",
        ],
    );
    let pixel: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("recommendations.json")).expect("pixel file written"),
    )
    .expect("pixel file is JSON");
    assert_eq!(
        pixel["products"]["8012345678903"][0]["variant_id"], "44123456789011",
        "green tea's first card is the white mug's numeric variant"
    );

    // A merchant checks a cart by handle and SKU and sees the ids the widget uses.
    let (code, out, _) = run(
        &[
            "recommend",
            "--catalog",
            "catalog.json",
            "--items",
            "classic-mug,TEA-EG",
        ],
        &dir,
    );
    check(
        (code, &out),
        0,
        &[
            "in the cart: Classic Mug (8012345678901, handle classic-mug), 3 neighbours",
            "in the cart: Earl Grey Tea (8012345678902, handle earl-grey-tea), 3 neighbours",
            "1. Green Tea (green-tea) at 4.25 GBP",
            "widget ids: product 8012345678903, variant 44123456789031 (Add to cart), page /products/green-tea",
            "with classic-mug: score 0.0519, bought together in 3 orders",
            "2. Strawberry Jam (strawberry-jam) at 3.75 GBP",
            "widget ids: product strawberry-jam, variant JAM-S (Add to cart), page /products/strawberry-jam",
        ],
    );

    // A page that is not the product JSON (a password page) stops the run and names the file.
    std::fs::write(dir.join("products.json"), "<html>Opening soon</html>").expect("write");
    let (code, err) = snapshot_with_ids(&dir, "products.json", &[]);
    check(
        (code, &err),
        1,
        &["crossbuy: products.json: not Shopify's product JSON (expected {\"products\":[…]} from /products.json): expected value at line 1 column 1"],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_runs_both_tasks_on_customer_and_date_baskets() {
    let dir = temp_dir("eval-tasks");
    // 40 customers, each ordering tea and a mug on day 1, then tea and a scone 3 days later;
    // no order column: one customer's lines on one date are one order.
    let mut csv = String::from("customer_id,date,item\n");
    for c in 0..40 {
        let day = 1 + c / 2;
        csv.push_str(&format!(
            "c{c},2026-01-{day:02},tea\nc{c},2026-01-{day:02},mug\n"
        ));
        csv.push_str(&format!(
            "c{c},2026-01-{:02},tea\nc{c},2026-01-{:02},scone\n",
            day + 3,
            day + 3
        ));
    }
    std::fs::write(dir.join("orders.csv"), csv).expect("write");
    let (code, out, err) = run(
        &[
            "eval",
            "-q",
            "--task",
            "next-order",
            "--baskets",
            "orders.csv",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    // The test part holds the last customers' two orders: after tea and a mug comes a scone.
    check(
        (code, &out),
        0,
        &[
            "task: next-order, split: time",
            "| method | HR@1 | HR@4 | P@4 | NDCG@4 | MRR | coverage |",
            "| popularity |",
            "| item-kNN cosine |",
            "| crossbuy | 1.0000 | 1.0000 |",
        ],
    );
    let (code, out, _) = run(&["eval", "-q", "--baskets", "orders.csv", "--json"], &dir);
    check(
        (code, &out),
        0,
        &["{\"task\":\"basket\",\"split\":\"time\""],
    );
    // Without customers there is no next order to measure.
    std::fs::write(
        dir.join("plain.csv"),
        "order_id,item\n1,tea\n1,mug\n2,tea\n",
    )
    .expect("write");
    let (code, _, err) = run(
        &[
            "eval",
            "-q",
            "--task",
            "next-order",
            "--baskets",
            "plain.csv",
        ],
        &dir,
    );
    check(
        (code, &err),
        2,
        &["eval --task next-order: the orders need a customer"],
    );
    let (code, _, err) = run(&["eval", "--task", "later", "--baskets", "plain.csv"], &dir);
    check(
        (code, &err),
        2,
        &["--task: expected basket or next-order, got \"later\""],
    );
    let _ = std::fs::remove_dir_all(&dir);
}
