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
        let catalog = written_catalog(&dir, "out.json");
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
            "--products <FILE>",
            "--orders <FILE>",
            "--shopify-products-json <FILE[,FILE…]>",
            "--baskets <FILE>",
            "--format <F>",
            "--drop <ID,ID>",
            "--config <FILE>",
            "-o, --output <FILE>",
            "--shards <DIR>",
            "--pixel-recommendations <FILE>",
            "--shop-name <NAME>",
            "--currency <CODE>",
            "--locale <TAG>",
            "--k <N>",
            "--min-support <N>",
            "--score <NAME>",
            "--feedback <FILE>",
            "-q, --quiet",
            "WHOLE_MAX_BYTES: a whole snapshot is written up to",
        ],
    );
    // `crossbuy help COMMAND` is `crossbuy COMMAND --help`; each command lists its options.
    for (command, options) in [
        ("snapshot", &["--products <FILE>", "--timings"][..]),
        (
            "recommend",
            &[
                "--catalog <FILE>",
                "--items <ID,ID>",
                "--limit <N>",
                "--page <KIND>",
            ][..],
        ),
        (
            "report",
            &[
                "--orders <FILE>",
                "--catalog <FILE>",
                "--experiment <NAME>",
                "--since <DATE>",
                "--html <FILE>",
                "--thank-you",
                "--json",
            ][..],
        ),
        (
            "simulate",
            &[
                "--catalog <FILE>",
                "--take <P,P>",
                "--orders <N>",
                "--seed <N>",
                "--start <DATE>",
                "--page <KIND>",
                "-o, --output <FILE>",
            ][..],
        ),
        (
            "eval",
            &[
                "--products <FILE>",
                "--baskets <FILE>",
                "--k <N>",
                "--split <S>",
                "--train-fraction <F>",
                "--seed <N>",
                "--variants <LIST>",
                "--same-type-factor <F>",
                "--fill-popular",
                "--json",
                "--export-split <DIR>",
                "-q, --quiet",
            ][..],
        ),
        ("i18n-packs", &["<DIR>"][..]),
    ] {
        let (code, long, _) = run(&[command, "--help"], &dir);
        check((code, &long), 0, options);
        let (code, via_help, _) = run(&["help", command], &dir);
        assert_eq!((code, &via_help), (0, &long), "crossbuy help {command}");
    }
    let (code, version, _) = run(&["--version"], &dir);
    check((code, &version), 0, &["crossbuy 0.1.0"]);
    // The overview, with or without --help: every command, exit 0.
    for args in [&[][..], &["--help"][..], &["help"][..]] {
        let (code, out, _) = run(args, &dir);
        check(
            (code, &out),
            0,
            &["snapshot", "recommend", "eval", "i18n-packs", "Examples:"],
        );
    }
    let (code, out, _) = run(&["--help"], &dir);
    check(
        (code, &out),
        0,
        &["crossbuy snapshot", "crossbuy recommend", "crossbuy eval"],
    );
    // Usage errors: exit 2, one line naming the command and the argument, nothing written.
    for (args, message) in [
        (
            &["snapshot", "--baskets"][..],
            "crossbuy: crossbuy snapshot: --baskets needs a value",
        ),
        (
            &["snapshot", "--baskets", "b.csv", "--output", "--quiet"][..],
            "crossbuy: crossbuy snapshot: --output needs a value",
        ),
        (
            &["snapshot", "--baskets", "b.csv", "-o", "-q"][..],
            "crossbuy: crossbuy snapshot: --output needs a value",
        ),
        (
            &["snapshot", "--frobnicate"][..],
            "crossbuy: crossbuy snapshot: unknown argument \"--frobnicate\" (see `crossbuy snapshot --help`)",
        ),
        (
            &["snapshot", "--baskets", "b.csv", "--k", "60"][..],
            "crossbuy: crossbuy snapshot: --k: expected 1 to 50, got 60",
        ),
        (
            &["snapshot", "--baskets", "b.csv", "--format", "tabs"][..],
            "crossbuy: crossbuy snapshot: --format: expected lines, comma or whitespace, got \"tabs\"",
        ),
        (
            &["snapshot", "--baskets", "b.csv", "--currency", "pounds"][..],
            "crossbuy: crossbuy snapshot: --currency: expected an ISO 4217 code such as GBP, got \"pounds\"",
        ),
        (
            &["eval", "--baskets", "b.csv", "--split", "random"][..],
            "crossbuy: crossbuy eval: --split: expected time or leave-one-out, got \"random\"",
        ),
        (
            &["recommend", "--items", "tea"][..],
            "crossbuy: crossbuy recommend: --catalog FILE required (see `crossbuy recommend --help`)",
        ),
        (
            &["recommend", "--catalog", "c.json", "--items", " , "][..],
            "crossbuy: crossbuy recommend: --items ID,ID is required",
        ),
        (
            &["frobnicate"][..],
            "crossbuy: unknown command \"frobnicate\"; commands: snapshot, recommend, eval, i18n-packs, shopify, report, simulate (see `crossbuy --help`)",
        ),
    ] {
        let (code, _, err) = run(args, &dir);
        check((code, &err), 2, &[message]);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
    }
    assert_eq!(
        std::fs::read_dir(&dir).expect("dir").count(),
        0,
        "a wrong command line writes nothing (no file named --quiet or -q)"
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

/// The snapshot `name` written in `dir`, as the engine reads it.
fn written_catalog(dir: &std::path::Path, name: &str) -> Catalog {
    let text = std::fs::read_to_string(dir.join(name)).expect("snapshot written");
    Catalog::parse(&text).expect("the engine reads the snapshot")
}

/// Writes `files` (name, contents) into a fresh directory.
fn with_files(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = temp_dir(name);
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write");
    }
    dir
}

/// `crossbuy snapshot --products PRODUCTS --baskets baskets.csv --currency GBP` in `dir`.
fn snapshot_in_gbp(products: &str, dir: &std::path::Path) -> (i32, String, String) {
    let args = [
        "snapshot",
        "--products",
        products,
        "--baskets",
        "baskets.csv",
        "--currency",
        "GBP",
    ];
    run(&args, dir)
}

/// A plain products table of 20 products, `p1` to `p20`, and baskets pairing each with the next.
fn twenty_products() -> (String, String) {
    let mut products = String::from("id,title,price\n");
    for i in 1..=20 {
        products.push_str(&format!("p{i},Product {i},{i}.50\n"));
    }
    let mut baskets = String::from("order_id,item_id\n");
    for o in 1..=20 {
        baskets.push_str(&format!("{o},p{o}\n{o},p{}\n", o % 20 + 1));
    }
    (products, baskets)
}

#[test]
fn an_unclosed_quote_stops_the_run_instead_of_losing_the_rows_after_it() {
    let (products, baskets) = twenty_products();
    // Row 7 (product 6) opens a quote that is never closed: the CSV reader would take rows 7 to
    // 21 as one title, and write 5 of the 20 products.
    let broken = products.replace("p6,Product 6,", "p6,\"Product 6,");
    let broken_baskets = baskets.replace("5,p6\n", "5,\"p6\n");
    let rows = "tea,mug\n\"tea,scone\njam,scone\ntea,mug\n";
    let dir = with_files(
        "unclosed-quote",
        &[
            ("products.csv", broken.as_bytes()),
            ("baskets.csv", baskets.as_bytes()),
            ("broken-baskets.csv", broken_baskets.as_bytes()),
            ("rows.csv", rows.as_bytes()),
        ],
    );
    let cases: [(&[&str], &str); 3] = [
        (
            &["--products", "products.csv", "--baskets", "baskets.csv", "--currency", "GBP"],
            "crossbuy: products.csv:7: a quoted field runs from this line to line 21 and leaves the row with 2 fields where the header has 3: a quote that is never closed?",
        ),
        (
            &["--baskets", "broken-baskets.csv"],
            "crossbuy: broken-baskets.csv:11: a quoted field runs from this line to line 41 and puts a line break in column \"item_id\": a quote that is never closed?",
        ),
        (
            &["--baskets", "rows.csv"],
            "crossbuy: rows.csv:2: a quoted field runs from this line to line 4 and puts a line break in an item: a quote that is never closed?",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["snapshot", "-o", "catalog.json"];
        all.extend_from_slice(args);
        let (code, _, err) = run(&all, &dir);
        check((code, &err), 1, &[message, "close the quote"]);
        assert!(
            !dir.join("catalog.json").exists(),
            "nothing written from part of a file: {args:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn baskets_with_carriage_return_line_ends_read_like_any_other() {
    let lines = "order_id,item_id\n1,tea\n1,mug\n2,tea\n2,mug\n3,tea\n3,scone\n";
    let comma = "tea,mug\ntea,mug\ntea,scone\n";
    let spaces = "tea mug\ntea mug\ntea scone\n";
    let mut files: Vec<(String, String)> = Vec::new();
    for (name, text) in [("lines", lines), ("comma", comma), ("spaces", spaces)] {
        files.push((format!("{name}-lf.csv"), text.to_owned()));
        files.push((format!("{name}-cr.csv"), text.replace('\n', "\r")));
        files.push((format!("{name}-crlf.csv"), text.replace('\n', "\r\n")));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_bytes()))
        .collect();
    let dir = with_files("carriage-returns", &refs);
    for (file, _) in &files {
        let (code, _, err) = run(&["snapshot", "--baskets", file, "-o", "out.json"], &dir);
        let mut expected = vec!["orders used 3", "pairs bought together 2"];
        let note = format!("note: {file} ends its lines with a carriage return alone");
        if file.ends_with("-cr.csv") {
            expected.push(&note);
        } else {
            assert!(!err.contains("carriage return alone"), "{file}: {err}");
        }
        check((code, &err), 0, &expected);
        let catalog = written_catalog(&dir, "out.json");
        let tea = &catalog.products[catalog.product_index("tea").expect("tea")];
        let first = &catalog.products[tea.neighbours[0].product];
        assert_eq!(
            (first.id.as_str(), tea.neighbours[0].count),
            ("mug", 2),
            "{file}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_pair_bought_together_is_a_warning_even_when_quiet() {
    let dir = with_files("no-pairs", &[("single.csv", b"tea\nmug\nscone\n")]);
    let (code, _, err) = run(&["snapshot", "-q", "--baskets", "single.csv"], &dir);
    check(
        (code, &err),
        0,
        &["crossbuy: warning: no two products were bought in the same order"],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_products_table_without_prices_is_refused_and_an_empty_price_named() {
    let (_, baskets) = twenty_products();
    let mut products = String::from("id,title\n");
    let mut some_empty = String::from("id,title,price\n");
    for i in 1..=20 {
        products.push_str(&format!("p{i},Product {i}\n"));
        let price = if i == 4 {
            String::new()
        } else {
            format!("{i}.50")
        };
        some_empty.push_str(&format!("p{i},Product {i},{price}\n"));
    }
    let dir = with_files(
        "no-price",
        &[
            ("products.csv", products.as_bytes()),
            ("some-empty.csv", some_empty.as_bytes()),
            ("baskets.csv", baskets.as_bytes()),
        ],
    );
    let (code, _, err) = snapshot_in_gbp("products.csv", &dir);
    check(
        (code, &err),
        1,
        &["crossbuy: products.csv: missing required column \"price\" or \"unit_price\" or \"median_unit_price\" (the header has: id, title)"],
    );
    assert!(!dir.join("catalog.json").exists());
    let (code, _, err) = snapshot_in_gbp("some-empty.csv", &dir);
    check(
        (code, &err),
        0,
        &[
            "crossbuy: some-empty.csv:5: price (empty): expected a decimal amount",
            "crossbuy: some-empty.csv:5: product \"p4\" has no variant with a readable price; left out",
            "products written 19",
        ],
    );
    let catalog = written_catalog(&dir, "catalog.json");
    assert!(
        catalog.products.iter().all(|p| p.price > 0),
        "no product is shown as free"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn endless_or_binary_input_stops_at_a_documented_limit() {
    let mut long_row = b"order_id,item_id\n1,tea\n2,".to_vec();
    long_row.resize(long_row.len() + (3 << 20), b'x');
    let mut utf16 = vec![0xff, 0xfe];
    for c in "order_id,item_id\n1,tea\n".encode_utf16() {
        utf16.extend(c.to_le_bytes());
    }
    let dir = with_files(
        "endless",
        &[("long-row.csv", &long_row), ("utf16.csv", &utf16)],
    );
    let cases: [(&[&str], &str); 5] = [
        (
            &["--baskets", "/dev/zero"],
            "crossbuy: /dev/zero:1: a NUL byte: this is not a text file (UTF-16 or binary?); save it as CSV UTF-8",
        ),
        (
            &["--baskets", "/dev/zero", "--format", "comma"],
            "crossbuy: /dev/zero:1: a NUL byte",
        ),
        (
            &["--products", "/dev/zero", "--orders", "/dev/zero"],
            "crossbuy: /dev/zero:1: a NUL byte",
        ),
        (
            &["--baskets", "long-row.csv"],
            "crossbuy: long-row.csv:3: a row longer than 1 MiB, the most crossbuy reads (a quote that is never closed, or not a CSV file?)",
        ),
        (
            &["--baskets", "utf16.csv"],
            "crossbuy: utf16.csv:1: a NUL byte",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["snapshot"];
        all.extend_from_slice(args);
        let (code, _, err) = run(&all, &dir);
        check((code, &err), 1, &[message]);
        assert!(
            !err.contains("backtrace") && !err.contains("memory allocation"),
            "{err}"
        );
    }
    let (code, _, err) = run(
        &["snapshot", "--baskets", "x.csv", "--config", "/dev/zero"],
        &dir,
    );
    check((code, &err), 1, &["crossbuy: /dev/zero:1: a NUL byte"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn control_characters_from_the_input_are_shown_escaped() {
    let products = "id,title,price\n\
        p1,\u{1b}[31mRed Tea\u{1b}[0m,4.50\n\
        p2,Mug,oops\u{1b}[2J\n\
        p3,Jam \u{202e}reversed,3.00\n\
        p4,Scone,2.00\n";
    let baskets =
        "order_id,item_id\n1,p1\n1,p3\n2,p1\n2,p4\n3,p1\n3,p3\n4,p\u{1b}]0;pwned\u{7}\n4,p1\n";
    let dir = with_files(
        "ansi",
        &[
            ("products.csv", products.as_bytes()),
            ("baskets.csv", baskets.as_bytes()),
        ],
    );
    let (code, _, err) = snapshot_in_gbp("products.csv", &dir);
    check(
        (code, &err),
        0,
        &["crossbuy: products.csv:3: price oops\\u{1b}[2J: expected a decimal amount"],
    );
    // A Shopify order line that matches no product is named in the summary.
    std::fs::write(
        dir.join("orders.csv"),
        "Name,Lineitem name,Lineitem sku,Currency\n\
         #1,Classic Mug - White,MUG-W,GBP\n\
         #1,\u{1b}]0;pwned\u{7}Tea,ZZZ,GBP\n",
    )
    .expect("write");
    let (code, _, orders_err) = run(
        &[
            "snapshot",
            "--products",
            &fixture("products_export_current.csv"),
            "--orders",
            "orders.csv",
            "-o",
            "shopify.json",
        ],
        &dir,
    );
    check(
        (code, &orders_err),
        0,
        &[
            "most frequent unmatched line items:",
            "1 × \\u{1b}]0;pwned\\u{7}Tea",
        ],
    );
    let (code, out, _) = run(
        &["recommend", "--catalog", "catalog.json", "--items", "p1"],
        &dir,
    );
    check(
        (code, &out),
        0,
        &[
            "in the cart: \\u{1b}[31mRed Tea\\u{1b}[0m (p1)",
            "Jam \\u{202e}reversed (p3) at 3.00 GBP",
        ],
    );
    let (code, unknown, _) = run(
        &[
            "recommend",
            "--catalog",
            "catalog.json",
            "--items",
            "p\u{1b}[1m",
        ],
        &dir,
    );
    check(
        (code, &unknown),
        0,
        &["in the cart: \"p\\u{1b}[1m\" is not in this catalog (ignored)"],
    );
    for text in [&err, &orders_err, &out, &unknown] {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{7}'),
            "raw control characters reach the terminal: {text:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_progress_bar_only_on_a_terminal_and_never_with_quiet() {
    let mut baskets = String::from("order_id,item_id\n");
    for o in 0..20_000 {
        baskets.push_str(&format!("{o},tea{}\n{o},mug{}\n", o % 97, o % 89));
    }
    let dir = with_files("progress", &[("baskets.csv", baskets.as_bytes())]);
    let bin = env!("CARGO_BIN_EXE_crossbuy");
    // `script` (util-linux) runs the command on a pseudo-terminal and copies what it draws.
    let on_terminal = |extra: &str| -> String {
        let out = Command::new("script")
            .args([
                "-qec",
                &format!("stty cols 100; {bin} snapshot {extra} --baskets baskets.csv"),
                "/dev/null",
            ])
            .current_dir(&dir)
            .output()
            .expect("run script (util-linux)");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let drawn = on_terminal("");
    assert!(
        drawn.contains("reading baskets [") && drawn.contains("crossbuy: wrote catalog.json"),
        "a bar, then the summary: {drawn:?}"
    );
    let quiet = on_terminal("--quiet");
    assert!(!quiet.contains("reading baskets"), "{quiet:?}");
    let (code, _, err) = run(&["snapshot", "--baskets", "baskets.csv"], &dir);
    check((code, &err), 0, &["crossbuy: summary"]);
    assert!(
        !err.contains("reading baskets") && !err.contains('\r'),
        "stderr is not a terminal: {err:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_snapshot_too_large_to_parse_at_once_is_written_sharded_and_says_so() {
    // 6,000 items, each bought with its next four: a whole snapshot of about 3 MB, more than
    // the widget parses within 50 ms (WHOLE_MAX_BYTES).
    let mut baskets = String::new();
    for i in 0..6_000 {
        let item = |k: usize| format!("item-{:05}", (i + k) % 6_000);
        baskets.push_str(&format!(
            "{},{},{}\n{},{}\n",
            item(0),
            item(1),
            item(2),
            item(0),
            item(4)
        ));
    }
    let dir = with_files(
        "auto-shards",
        &[
            ("baskets.csv", baskets.as_bytes()),
            // The dense model is cubic in its items: off, so the debug build stays quick.
            ("crossbuy.toml", b"[neighbours]\ndense_items = 0\n"),
        ],
    );
    let (code, whole, err) = run(&["snapshot", "--baskets", "baskets.csv", "-o", "-"], &dir);
    check(
        (code, &err),
        0,
        &[
            "crossbuy: warning: the snapshot is",
            "the widget parses within one 50 ms task (WHOLE_MAX_BYTES: it would hold the shopper's page longer)",
        ],
    );
    assert!(
        whole.len() > crossbuy_engine::snapshot::WHOLE_MAX_BYTES,
        "{}",
        whole.len()
    );
    let whole = Catalog::parse(&whole).expect("stdout has the whole snapshot");

    // With every output option; then --quiet, which still says where the products went.
    for quiet in [false, true] {
        let mut args = vec!["snapshot", "--baskets", "baskets.csv", "-o", "catalog.json"];
        if quiet {
            args.push("--quiet");
        } else {
            args.extend(["--pixel-recommendations", "pixel.json", "--shards", "copy"]);
        }
        let (code, _, err) = run(&args, &dir);
        check(
            (code, &err),
            0,
            &[
                "crossbuy: the snapshot is",
                "catalog.json is the index of the sharded form, its 3000 shards are in catalog/",
            ],
        );
        assert_eq!(err.contains("crossbuy: summary"), !quiet, "{err}");
    }
    let index = std::fs::read_to_string(dir.join("catalog.json")).expect("index");
    assert!(index.len() < 1000, "the index holds no products: {index}");
    let layout = crossbuy_engine::shards::ShardIndex::parse(&index).expect("an index");
    assert_eq!(
        (layout.buckets, layout.path.as_str()),
        (3000, "catalog/{bucket}.json")
    );
    // What a page with item-00042 fetches: the index and that product's shard.
    let shard = std::fs::read_to_string(dir.join(layout.shard_path("item-00042"))).expect("shard");
    let assembled = crossbuy_engine::shards::assemble(&index, &[&shard]).expect("assembles");
    let show = |c: &Catalog| -> Vec<String> {
        let i = c.product_index("item-00042").expect("in the catalog");
        crossbuy_engine::recommend(c, &[i], 4)
            .iter()
            .map(|r| c.products[r.product].id.clone())
            .collect()
    };
    assert_eq!(
        show(&assembled),
        show(&whole),
        "the page shows what the whole snapshot would"
    );
    assert_eq!(
        std::fs::read_dir(dir.join("catalog"))
            .expect("shards")
            .count(),
        3000
    );
    assert!(dir.join("copy/index.json").exists() && dir.join("copy/p/2999.json").exists());
    let pixel: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("pixel.json")).expect("pixel"))
            .expect("pixel file is JSON");
    assert_eq!(pixel["products"].as_object().map(|p| p.len()), Some(6000));
    // crossbuy recommend reads the shards the page would fetch.
    let (code, out, _) = run(
        &[
            "recommend",
            "--catalog",
            "catalog.json",
            "--items",
            "item-00042",
        ],
        &dir,
    );
    check(
        (code, &out),
        0,
        &[
            "in the cart: item-00042 (item-00042), 6 neighbours",
            "the widget shows:",
            "1. item-000",
        ],
    );
    assert!(!out.contains("note:"), "{out}");
    // An id that is not a product id: the page would not find its shard, recommend says so.
    let (code, out, _) = run(
        &[
            "recommend",
            "--catalog",
            "catalog.json",
            "--items",
            "item-00042,POST",
        ],
        &dir,
    );
    check(
        (code, &out),
        0,
        &[
            "note: \"POST\" is not a product id of this sharded catalog",
            "in the cart: \"POST\" is not in this catalog (ignored)",
            "the widget shows:",
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_small_snapshot_stays_whole() {
    let dir = with_files("whole", &[("baskets.csv", b"tea,mug\ntea,scone\n")]);
    let (code, _, err) = run(&["snapshot", "--baskets", "baskets.csv"], &dir);
    check(
        (code, &err),
        0,
        &["crossbuy: wrote catalog.json (3 products"],
    );
    assert!(!err.contains("sharded"), "{err}");
    assert_eq!(written_catalog(&dir, "catalog.json").products.len(), 3);
    assert!(!dir.join("catalog").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn readme_builds_crossbuy_with_the_profile_the_benchmarks_use() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |path: &str| std::fs::read_to_string(root.join(path)).expect(path);
    // The profile scripts/bench.sh measures with (`--release` is tuned for the wasm's size).
    let bench = read("scripts/bench.sh");
    let profile = bench
        .lines()
        .filter(|l| l.trim_start().starts_with("cargo build"))
        .find_map(|l| l.split("--profile ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("scripts/bench.sh builds crossbuy with --profile");
    let manifest = read("Cargo.toml");
    let section = manifest
        .split(&format!("[profile.{profile}]\n"))
        .nth(1)
        .expect("the profile is in Cargo.toml");
    assert!(
        section.lines().any(|l| l == "opt-level = 3"),
        "[profile.{profile}] is built for speed"
    );
    let mut commands = Vec::new();
    let mut docs = vec!["README.md".to_owned(), "package.json".to_owned()];
    for entry in std::fs::read_dir(root.join("docs")).expect("docs") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".md") {
            docs.push(format!("docs/{name}"));
        }
    }
    for file in &docs {
        for (n, line) in read(file).lines().enumerate() {
            // The `crossbuy` command itself (`--bin crossbuy`, `-p crossbuy-cli`), not the
            // other binaries of the workspace (crossbuy-relay has its own release build).
            if (line.contains("cargo run") || line.contains("cargo build"))
                && (line.contains("--bin crossbuy") || line.contains("-p crossbuy-cli"))
            {
                commands.push(format!("{file}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        commands.iter().any(|c| c.starts_with("README.md:")),
        "README shows how to build crossbuy: {commands:?}"
    );
    for c in &commands {
        assert!(
            c.contains(&format!("--profile {profile}")) && !c.contains("--release"),
            "{c}: build crossbuy with --profile {profile}, as scripts/bench.sh does"
        );
    }
}

#[test]
fn platform_exports_are_read_within_the_same_bounds() {
    let fixtures = format!("{}/../builder/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let woo_orders = std::fs::read_to_string(format!("{fixtures}/woocommerce/crossbuy-orders.csv"))
        .expect("fixture");
    // Line 3 opens a quote that is never closed: the rest of the history would be one name.
    let broken = woo_orders.replacen(",MUG-B,Classic Mug", ",MUG-B,\"Classic Mug", 1);
    assert_ne!(broken, woo_orders);
    let dir = with_files("platforms", &[("woo-orders.csv", broken.as_bytes())]);
    let woo_products = format!("{fixtures}/woocommerce/wc-product-export.csv");
    let woo_json = format!("{fixtures}/woocommerce/store-api-products.json");
    let woo = format!("{fixtures}/woocommerce/crossbuy-orders.csv");
    let bc_products = format!("{fixtures}/bigcommerce/products-export.csv");
    let bc = format!("{fixtures}/bigcommerce/orders-export.csv");
    let good: [[&str; 3]; 3] = [
        ["woocommerce", &woo_products, &woo],
        ["woo", &woo_json, &woo],
        ["bigcommerce", &bc_products, &bc],
    ];
    for [platform, products, orders] in good {
        let args = [
            "snapshot",
            "--platform",
            platform,
            "--products",
            products,
            "--orders",
            orders,
        ];
        let (code, _, err) = run(&args, &dir);
        check(
            (code, &err),
            0,
            &[
                "products written 6",
                "crossbuy: wrote catalog.json (6 products",
            ],
        );
    }
    let bad: [(&[&str], i32, &str); 4] = [
        (
            &["--platform", "woocommerce", "--products", &woo_products, "--orders", "woo-orders.csv"],
            1,
            "crossbuy: woo-orders.csv:3: a quoted field runs from this line to line",
        ),
        (
            &["--platform", "woocommerce", "--products", "/dev/zero", "--orders", &woo],
            1,
            "crossbuy: /dev/zero:1: a NUL byte",
        ),
        (
            &["--platform", "bigcommerce", "--products", &bc_products, "--orders", "/dev/zero"],
            1,
            "crossbuy: /dev/zero:1: a NUL byte",
        ),
        (
            &["--platform", "shopfiy", "--baskets", "b.csv"],
            2,
            "crossbuy snapshot: --platform: expected shopify, woocommerce or bigcommerce, got \"shopfiy\"",
        ),
    ];
    for (args, expected_code, message) in bad {
        let mut all = vec!["snapshot", "-o", "bad.json"];
        all.extend_from_slice(args);
        let (code, _, err) = run(&all, &dir);
        check((code, &err), expected_code, &[message]);
        assert!(!dir.join("bad.json").exists(), "{args:?}");
    }
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

#[test]
fn recommend_ranks_the_list_of_the_page() {
    // Tea's basket list is cups and a pot; what tea buyers order next is more tea and filters.
    let dir = temp_dir("recommend-page");
    let product = |id: &str, lists: &str| {
        format!(
            r#"{{"id":"{id}","variant_ids":["{id}"],"url":"/p/{id}","title":"{id}","price":100{lists}}}"#
        )
    };
    let nb = |ids: &[&str]| {
        let items: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| format!(r#"{{"id":"{id}","score":{},"count":3}}"#, 9 - i))
            .collect();
        format!("[{}]", items.join(","))
    };
    let tea = product(
        "tea",
        &format!(
            r#","neighbours":{},"next":{}"#,
            nb(&["cups", "pot"]),
            nb(&["refill", "filters"])
        ),
    );
    let others: Vec<String> = ["cups", "pot", "refill", "filters"]
        .iter()
        .map(|id| product(id, ""))
        .collect();
    std::fs::write(
        dir.join("c.json"),
        format!(
            r#"{{"version":1,"shop":{{"name":"t","currency":"GBP"}},"products":[{tea},{}]}}"#,
            others.join(",")
        ),
    )
    .expect("write catalog");
    let shown = |page: Option<&str>| {
        let mut args = vec![
            "recommend",
            "--catalog",
            "c.json",
            "--items",
            "tea",
            "--limit",
            "2",
        ];
        if let Some(p) = page {
            args.extend(["--page", p]);
        }
        let (code, out, err) = run(&args, &dir);
        assert_eq!(code, 0, "{err}");
        let order: Vec<&str> = ["cups", "pot", "refill", "filters"]
            .into_iter()
            .filter(|id| out.contains(&format!("\"{id}\"")) || out.contains(&format!(" {id} ")))
            .collect();
        (order.join(" "), out)
    };
    for page in [None, Some("cart"), Some("checkout"), Some("product")] {
        let (got, out) = shown(page);
        assert_eq!(got, "cups pot", "{page:?}: {out}");
    }
    let (got, out) = shown(Some("thank_you"));
    assert_eq!(got, "refill filters", "{out}");
    let (code, _, err) = run(
        &[
            "recommend",
            "--catalog",
            "c.json",
            "--items",
            "tea",
            "--page",
            "home",
        ],
        &dir,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("expected product, cart, checkout or thank_you, got \"home\""),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
