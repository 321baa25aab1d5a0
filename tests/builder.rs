#![cfg(not(target_arch = "wasm32"))]
//! The snapshot builder from a merchant's point of view: Shopify exports in, a snapshot the
//! widget accepts out, with every skipped row and line accounted for.

use std::collections::HashSet;

use crossbuy::builder::build::{build, BuildInput, Built};
use crossbuy::builder::write::to_json;
use crossbuy::builder::Config;
use crossbuy::engine::{recommend, Catalog};

const CURRENT: &str = "tests/fixtures/shopify/products_export_current.csv";
const LEGACY: &str = "tests/fixtures/shopify/products_export_legacy.csv";
const ORDERS: &str = "tests/fixtures/shopify/orders_export.csv";

fn shopify(products: &str, config: &str) -> Built {
    let input = BuildInput {
        products: Some(products.to_owned()),
        orders: Some(ORDERS.to_owned()),
        config: Config::parse("crossbuy.toml", config).expect("test config"),
        ..BuildInput::default()
    };
    build(&input, Some(0)).expect("fixture builds")
}

/// The snapshot as the widget reads it, one line per product:
/// `id price[/was] [unavailable] [every Nd] -> neighbour(count) …`.
fn describe(catalog: &Catalog) -> String {
    let mut lines = Vec::new();
    for p in &catalog.products {
        let mut line = format!("{} {}", p.id, p.price);
        if let Some(w) = p.was_price() {
            line.push_str(&format!("/{w}"));
        }
        if !p.available {
            line.push_str(" unavailable");
        }
        if let Some(d) = p.repurchase_days {
            line.push_str(&format!(" every {d}d"));
        }
        if !p.neighbours.is_empty() {
            line.push_str(" ->");
            for n in &p.neighbours {
                line.push_str(&format!(" {}({})", catalog.products[n.product].id, n.count));
            }
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// Builds, writes, parses back with the engine and compares what the widget would see.
fn check(built: &Built, expected: &str) {
    let json = to_json(built);
    let catalog = Catalog::parse(&json)
        .unwrap_or_else(|e| panic!("engine refused the snapshot: {e}\n{json}"));
    assert_eq!(
        describe(&catalog),
        expected.trim().replace("\n        ", "\n")
    );
}

const FIXTURE_SNAPSHOT: &str = "
        classic-mug 899/1200 -> green-tea(3) earl-grey-tea(3) strawberry-jam(1)
        earl-grey-tea 450 every 14d -> classic-mug(3) strawberry-jam(2) teapot(1)
        green-tea 425 -> classic-mug(3)
        teapot 2400/3000 -> earl-grey-tea(1)
        strawberry-jam 375 -> earl-grey-tea(2) classic-mug(1)
        heather-honey 650 -> earl-grey-tea(0) classic-mug(0) green-tea(0)";

#[test]
fn current_shopify_export_becomes_a_snapshot_the_engine_accepts() {
    check(&shopify(CURRENT, ""), FIXTURE_SNAPSHOT);
}

#[test]
fn legacy_header_gives_the_same_snapshot() {
    check(&shopify(LEGACY, ""), FIXTURE_SNAPSHOT);
    assert_eq!(
        to_json(&shopify(LEGACY, "")),
        to_json(&shopify(CURRENT, ""))
    );
}

#[test]
fn product_text_and_money_are_kept_exactly() {
    let catalog = Catalog::parse(&to_json(&shopify(CURRENT, ""))).expect("parses");
    let teapot = &catalog.products[catalog.product_index("teapot").expect("teapot")];
    assert_eq!(teapot.title, "<img src=x onerror=alert(1)> Teapot");
    assert_eq!(teapot.image, None, "a javascript: image url is dropped");
    let mug = &catalog.products[catalog.product_index("classic-mug").expect("mug")];
    assert_eq!(mug.variant_ids, ["MUG-W", "MUG-B"]);
    assert_eq!(
        mug.image.as_deref(),
        Some("https://cdn.example/mug-white.png")
    );
    assert_eq!(mug.product_type.as_deref(), Some("Mugs"));
    assert_eq!(mug.tags, ["kitchen", "gifts"]);
    assert_eq!(catalog.shop.currency.code(), "GBP");
    assert_eq!(catalog.shop.name, "Tea & Tin");
}

#[test]
fn skipped_rows_name_file_line_and_reason() {
    let built = shopify(CURRENT, "");
    let mut problems: Vec<String> = built
        .summary
        .problems
        .iter()
        .map(ToString::to_string)
        .collect();
    problems.sort();
    assert_eq!(
        problems,
        [
            "tests/fixtures/shopify/orders_export.csv:27: empty order Name; row skipped",
            "tests/fixtures/shopify/products_export_current.csv:15: price 4,50: expected a decimal amount such as \"12.99\"; variant skipped",
            "tests/fixtures/shopify/products_export_current.csv:15: product \"butter-biscuits\" has no variant with a readable price; left out",
            "tests/fixtures/shopify/products_export_current.csv:16: no product row with a title for handle \"ghost-row\" above this row; row skipped",
            "tests/fixtures/shopify/products_export_current.csv:8: image url \"javascript:alert(1)\" is not http(s); image left out",
        ]
    );
}

#[test]
fn every_order_and_line_is_accounted_for() {
    let s = shopify(CURRENT, "").summary;
    let got = format!(
        "orders {} used {} cancelled {} refunded {}; lines {} used {} tip {} gift {} protection {} unmatched {}; products {} unavailable {}",
        s.orders_read,
        s.orders_used,
        s.orders_cancelled,
        s.orders_refunded,
        s.lines_read,
        s.lines_used,
        s.lines_tip,
        s.lines_gift_card,
        s.lines_shipping_protection,
        s.lines_unmatched,
        s.products_read,
        s.products_unavailable,
    );
    assert_eq!(
        got,
        "orders 12 used 10 cancelled 1 refunded 1; lines 27 used 19 tip 1 gift 1 protection 1 unmatched 1; products 11 unavailable 4"
    );
    assert_eq!(s.unmatched_names.get("Mystery Box"), Some(&1));
}

#[test]
fn merchant_rules_exclude_pin_and_boost() {
    let config = r#"
        [neighbours]
        k = 2
        [rules]
        pin = { "classic-mug" = ["heather-honey"] }
        boost = { "strawberry-jam" = 2.0 }
        [rules.exclude]
        tags = ["TEA"]
    "#;
    let built = shopify(CURRENT, config);
    check(
        &built,
        "
        classic-mug 899/1200 -> strawberry-jam(1)
        earl-grey-tea 450 every 14d -> classic-mug(3) strawberry-jam(2)
        green-tea 425 -> classic-mug(3)
        teapot 2400/3000
        strawberry-jam 375 -> classic-mug(1)
        heather-honey 650 -> classic-mug(0)",
    );
    let catalog = Catalog::parse(&to_json(&built)).expect("parses");
    let id = |i: usize| catalog.products[i].id.as_str();
    let mug = catalog.product_index("classic-mug").expect("mug");
    let shown: Vec<&str> = recommend(&catalog, &[mug], 3)
        .iter()
        .map(|r| id(r.product))
        .collect();
    assert_eq!(
        shown,
        ["heather-honey", "strawberry-jam"],
        "the pin first, tea excluded by tag"
    );
    let boosts: Vec<(&str, f64)> = catalog
        .rules
        .boost
        .iter()
        .map(|(&i, &f)| (id(i), f))
        .collect();
    assert_eq!(boosts, [("strawberry-jam", 2.0)]);
    let excluded: HashSet<&str> = catalog.rules.exclude.iter().map(|&i| id(i)).collect();
    assert_eq!(excluded, HashSet::from(["earl-grey-tea", "green-tea"]));
}

#[test]
fn a_pin_to_an_unknown_product_names_the_config_key() {
    let input = BuildInput {
        products: Some(CURRENT.to_owned()),
        orders: Some(ORDERS.to_owned()),
        config: Config::parse("crossbuy.toml", "[rules]\npin = { teapot = [\"nope\"] }")
            .expect("config"),
        ..BuildInput::default()
    };
    let err = build(&input, None).expect_err("unknown pin").to_string();
    assert_eq!(
        err,
        "crossbuy.toml: rules.pin.\"teapot\": unknown product \"nope\""
    );
}

#[test]
fn a_missing_required_column_stops_the_run_and_names_it() {
    let dir = std::env::temp_dir().join(format!("crossbuy-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let orders = dir.join("orders.csv");
    std::fs::write(
        &orders,
        "Name,Created at,Lineitem quantity\n#1,2023-01-01,1\n",
    )
    .expect("write");
    let input = BuildInput {
        products: Some(CURRENT.to_owned()),
        orders: Some(orders.to_string_lossy().into_owned()),
        ..BuildInput::default()
    };
    let err = build(&input, None)
        .expect_err("no Lineitem name")
        .to_string();
    assert!(
        err.ends_with("orders.csv: missing required column \"Lineitem name\" (the header has: name, created at, lineitem quantity)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
