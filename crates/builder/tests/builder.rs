#![cfg(not(target_arch = "wasm32"))]
//! The snapshot builder from a merchant's point of view: Shopify exports in, a snapshot the
//! widget accepts out, with every skipped row and line accounted for.

use std::collections::HashSet;

use crossbuy_builder::build::{build, BuildInput, Built};
use crossbuy_builder::pixel::recommendations_json;
use crossbuy_builder::write::to_json;
use crossbuy_builder::Config;
use crossbuy_engine::{context_products, recommend, Catalog, PageContext};

mod common;
use common::describe;

const CURRENT: &str = "tests/fixtures/shopify/products_export_current.csv";
const LEGACY: &str = "tests/fixtures/shopify/products_export_legacy.csv";
const ORDERS: &str = "tests/fixtures/shopify/orders_export.csv";
/// The shop's storefront product JSON, two pages; strawberry-jam is not on it.
const STOREFRONT: &str = "tests/fixtures/shopify/storefront";

fn shopify(products: &str, config: &str) -> Built {
    shopify_with_ids(products, &[], config)
}

/// Built with the storefront product JSON files (or directories) `json`.
fn shopify_with_ids(products: &str, json: &[&str], config: &str) -> Built {
    let input = BuildInput {
        products: Some(products.to_owned()),
        orders: Some(ORDERS.to_owned()),
        shopify_products_json: json.iter().map(|s| s.to_string()).collect(),
        config: Config::parse("crossbuy.toml", config).expect("test config"),
        ..BuildInput::default()
    };
    build(&input, Some(0)).expect("fixture builds")
}

fn parsed(built: &Built) -> Catalog {
    let json = to_json(built);
    Catalog::parse(&json).unwrap_or_else(|e| panic!("engine refused the snapshot: {e}\n{json}"))
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

/// Prices are bounded as the snapshot bounds them (docs/snapshot.md): the largest is kept
/// exactly, one minor unit more skips the variant with its file and line, so the builder never
/// writes a snapshot the widget refuses.
#[test]
fn prices_above_the_largest_amount_are_skipped_with_their_line() {
    let text = std::fs::read_to_string(CURRENT).expect("fixture");
    let text = text
        .replacen(",8.99,12.00,", ",\"10,000,000,000,000.00\",,", 1)
        .replacen(",4.25,", ",10000000000000.01,", 1);
    let path = std::env::temp_dir().join(format!("crossbuy-max-price-{}.csv", std::process::id()));
    std::fs::write(&path, text).expect("written");
    let path = path.to_string_lossy().into_owned();
    let built = shopify(&path, "");
    let catalog = parsed(&built);
    let mug = &catalog.products[catalog.product_index("classic-mug").expect("mug")];
    assert_eq!(mug.price, 1_000_000_000_000_000);
    assert_eq!(catalog.product_index("green-tea"), None);
    let problems: Vec<String> = built
        .summary
        .problems
        .iter()
        .map(ToString::to_string)
        .collect();
    for expected in [
        format!("{path}:7: price 10000000000000.01: amount out of range: at most 1000000000000000 minor units; variant skipped"),
        format!("{path}:7: product \"green-tea\" has no variant with a readable price; left out"),
    ] {
        assert!(problems.contains(&expected), "{expected}\nin {problems:#?}");
    }
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

/// The storefront JSON's numeric product ids of the fixture's handles.
const SHOPIFY_IDS: [(&str, &str); 5] = [
    ("classic-mug", "8012345678901"),
    ("earl-grey-tea", "8012345678902"),
    ("green-tea", "8012345678903"),
    ("teapot", "8012345678904"),
    ("heather-honey", "8012345678906"),
];

/// One line per product: `id handle variant,… skus sku,… url`.
fn describe_ids(catalog: &Catalog) -> String {
    catalog
        .products
        .iter()
        .map(|p| {
            format!(
                "{} {} {} skus {} {}",
                p.id,
                p.handle.as_deref().unwrap_or("-"),
                p.variant_ids.join(","),
                if p.skus.is_empty() {
                    "-".to_owned()
                } else {
                    p.skus.join(",")
                },
                p.url
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn storefront_json_gives_shopify_ids_and_keeps_handles_as_aliases() {
    let built = shopify_with_ids(CURRENT, &[STOREFRONT], "");
    // The same snapshot as from the handles, with Shopify's ids where the shop lists them.
    let mut expected = FIXTURE_SNAPSHOT.to_owned();
    for (handle, id) in SHOPIFY_IDS {
        expected = expected.replace(handle, id);
    }
    check(&built, &expected);
    assert_eq!(
        describe_ids(&parsed(&built)),
        [
            // Black's SKU differs on the storefront (MUG-BLK): matched by its title.
            "8012345678901 classic-mug 44123456789011,44123456789012 skus MUG-W,MUG-B /products/classic-mug",
            "8012345678902 earl-grey-tea 44123456789021 skus TEA-EG /products/earl-grey-tea",
            "8012345678903 green-tea 44123456789031 skus TEA-GR /products/green-tea",
            "8012345678904 teapot 44123456789041 skus POT-1 /products/teapot",
            "strawberry-jam - JAM-S skus - /products/strawberry-jam",
            "8012345678906 heather-honey 44123456789061 skus HONEY /products/heather-honey",
        ]
        .join("\n")
    );
    let s = &built.summary;
    assert_eq!(
        (s.storefront_products, s.products_shopify_ids, s.variants_no_shopify_id, s.products_without_shopify_ids),
        (6, 6, 0, Some(1)),
        "storefront products read, export products matched, variants unmatched, written products without ids"
    );
    assert!(
        s.to_string()
            .contains("products without Shopify ids: 1 — add-to-cart will fall back to links"),
        "{s}"
    );
    // The pages one by one give the same snapshot as their directory.
    let pages = [
        "tests/fixtures/shopify/storefront/products-1.json",
        "tests/fixtures/shopify/storefront/products-2.json",
    ];
    assert_eq!(
        to_json(&shopify_with_ids(CURRENT, &pages, "")),
        to_json(&built)
    );
    // Without the JSON every product of a Shopify export is counted.
    assert_eq!(
        shopify(CURRENT, "").summary.products_without_shopify_ids,
        Some(6)
    );
}

#[test]
fn contexts_with_numbers_handles_or_skus_get_the_same_cards() {
    let catalog = parsed(&shopify_with_ids(CURRENT, &[STOREFRONT], ""));
    let by_handle = parsed(&shopify(CURRENT, ""));
    let cards = |catalog: &Catalog, ctx: &PageContext| -> String {
        recommend(catalog, &context_products(catalog, ctx), 3)
            .iter()
            .map(|r| catalog.products[r.product].title.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let expected = "Green Tea, Strawberry Jam, <img src=x onerror=alert(1)> Teapot";
    // Shopify's legacy order-status object: numeric ids.
    let legacy = PageContext::from_shopify_checkout(
        r#"{"order_id":4501,"currency":"GBP","line_items":[
            {"product_id":8012345678901,"variant_id":44123456789012,"quantity":1,"price":"8.99"},
            {"product_id":8012345678902,"variant_id":44123456789021,"quantity":2,"price":"4.50"}]}"#,
    )
    .expect("context");
    // A page that names products by handle, or only variants by SKU.
    let handles = PageContext::parse(
        r#"{"page":"cart","items":[{"product_id":"classic-mug"},{"product_id":"earl-grey-tea"}]}"#,
    )
    .expect("context");
    let skus = PageContext::parse(
        r#"{"page":"cart","items":[{"product_id":"?","variant_id":"MUG-B"},{"product_id":"?","variant_id":"TEA-EG"}]}"#,
    )
    .expect("context");
    for (name, ctx) in [("numbers", &legacy), ("handles", &handles), ("skus", &skus)] {
        assert_eq!(cards(&catalog, ctx), expected, "{name}");
    }
    // The snapshot without Shopify ids shows the same cards for handles and SKUs…
    assert_eq!(cards(&by_handle, &handles), expected);
    assert_eq!(cards(&by_handle, &skus), expected);
    // …but cannot know the numbers a Shopify page sends.
    assert_eq!(cards(&by_handle, &legacy), "");
}

#[test]
fn merchant_rules_by_handle_still_apply_with_shopify_ids() {
    let config = r#"
        [rules]
        pin = { "classic-mug" = ["heather-honey"] }
        [rules.exclude]
        products = ["green-tea"]
    "#;
    let catalog = parsed(&shopify_with_ids(CURRENT, &[STOREFRONT], config));
    let mug = catalog.product_index("8012345678901").expect("mug");
    let shown: Vec<&str> = recommend(&catalog, &[mug], 3)
        .iter()
        .map(|r| catalog.products[r.product].id.as_str())
        .collect();
    assert_eq!(shown, ["8012345678906", "8012345678902", "strawberry-jam"]);
}

#[test]
fn product_id_and_variant_id_columns_give_shopify_ids() {
    let dir = std::env::temp_dir().join(format!("crossbuy-test-ids-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let products = dir.join("products.csv");
    std::fs::write(
        &products,
        "Handle,Title,Product ID,Variant ID,Option1 Value,Variant SKU,Variant Price
classic-mug,Classic Mug,8012345678901,44123456789011,White,MUG-W,8.99
classic-mug,,,44123456789012,Black,MUG-B,8.99
earl-grey-tea,Earl Grey Tea,8012345678902,44123456789021,Default Title,TEA-EG,4.50
green-tea,Green Tea,not-a-number,44123456789031,Default Title,TEA-GR,4.25
",
    )
    .expect("write");
    let built = shopify(&products.to_string_lossy(), "");
    assert_eq!(
        describe_ids(&parsed(&built)),
        [
            "8012345678901 classic-mug 44123456789011,44123456789012 skus MUG-W,MUG-B /products/classic-mug",
            "8012345678902 earl-grey-tea 44123456789021 skus TEA-EG /products/earl-grey-tea",
            "green-tea - 44123456789031 skus TEA-GR /products/green-tea",
        ]
        .join("\n")
    );
    let problems: Vec<String> = built
        .summary
        .problems
        .iter()
        .map(|p| p.reason.clone())
        .collect();
    assert!(
        problems.contains(
            &"Product ID \"not-a-number\" is not a number; the handle is used".to_owned()
        ),
        "{problems:?}"
    );
    assert_eq!(built.summary.products_without_shopify_ids, Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The pixel file, one line per product: `product -> id/variant price[/was] "title", …`.
fn describe_pixel(text: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(text).expect("pixel file is JSON");
    let mut lines = vec![format!("version {} {}", v["version"], v["currency"])];
    for (product, list) in v["products"].as_object().expect("products object") {
        let cards: Vec<String> = list
            .as_array()
            .expect("a list")
            .iter()
            .map(|c| {
                let was = c
                    .get("compare_at_price")
                    .map_or(String::new(), |w| format!("/{w}"));
                let image = if c.get("image").is_some() { " img" } else { "" };
                format!(
                    "{}/{} {}{was}{image} {}",
                    c["id"].as_str().expect("id string"),
                    c["variant_id"].as_str().expect("variant string"),
                    c["price"],
                    c["title"]
                )
            })
            .collect();
        lines.push(format!("{product} -> {}", cards.join(", ")));
    }
    lines.join("\n")
}

#[test]
fn pixel_fallback_holds_the_engines_top_four_per_product() {
    // Two pins and three neighbours: heather-honey's list stops at four.
    let config = r#"
        [rules]
        pin = { "heather-honey" = ["teapot", "strawberry-jam"] }
    "#;
    let catalog = parsed(&shopify_with_ids(CURRENT, &[STOREFRONT], config));
    assert_eq!(
        describe_pixel(&recommendations_json(&catalog)),
        [
            r#"version 1 "GBP""#,
            r#"8012345678901 -> 8012345678903/44123456789031 425 img "Green Tea", 8012345678902/44123456789021 450 img "Earl Grey Tea", strawberry-jam/JAM-S 375 "Strawberry Jam""#,
            r#"8012345678902 -> 8012345678901/44123456789011 899/1200 img "Classic Mug", strawberry-jam/JAM-S 375 "Strawberry Jam", 8012345678904/44123456789041 2400/3000 "<img src=x onerror=alert(1)> Teapot""#,
            r#"8012345678903 -> 8012345678901/44123456789011 899/1200 img "Classic Mug""#,
            r#"8012345678904 -> 8012345678902/44123456789021 450 img "Earl Grey Tea""#,
            r#"8012345678906 -> 8012345678904/44123456789041 2400/3000 "<img src=x onerror=alert(1)> Teapot", strawberry-jam/JAM-S 375 "Strawberry Jam", 8012345678902/44123456789021 450 img "Earl Grey Tea", 8012345678901/44123456789011 899/1200 img "Classic Mug""#,
            r#"strawberry-jam -> 8012345678902/44123456789021 450 img "Earl Grey Tea", 8012345678901/44123456789011 899/1200 img "Classic Mug""#,
        ]
        .join("\n")
    );
}

#[test]
fn the_engine_reads_back_every_string_the_builder_writes() {
    let dir = std::env::temp_dir().join(format!("crossbuy-test-strings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ids = [
        "a\"b",
        "c<d>&e",
        "f\\g",
        "h\u{2028}i\u{2029}j",
        "caf\u{e9} \u{1f375}",
    ];
    let titles = [
        "<script>alert(1)</script>",
        "Tab\there",
        "Bell\u{7} and \u{1b}[31mred",
        "Line\u{2028}separator",
        "\"Quoted\" & 'single'",
    ];
    let mut products = String::from("id,title,price,tags\n");
    let mut baskets = String::from("order_id,item_id\n");
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    for (i, (id, title)) in ids.iter().zip(titles).enumerate() {
        products.push_str(&format!(
            "{},{},{i}.25,{}\n",
            quote(id),
            quote(title),
            quote(title)
        ));
        for other in &ids[i + 1..] {
            baskets.push_str(&format!(
                "{i}{other:?},{}\n{i}{other:?},{}\n",
                quote(id),
                quote(other)
            ));
        }
    }
    std::fs::write(dir.join("products.csv"), &products).expect("write");
    std::fs::write(dir.join("baskets.csv"), &baskets).expect("write");
    let config = "[rules]\npin = { \"a\\\"b\" = [\"c<d>&e\"] }\nboost = { \"f\\\\g\" = 1.5 }\n";
    let mut input = BuildInput {
        products: Some(dir.join("products.csv").to_string_lossy().into_owned()),
        baskets: Some(dir.join("baskets.csv").to_string_lossy().into_owned()),
        config: Config::parse("crossbuy.toml", config).expect("config"),
        ..BuildInput::default()
    };
    input.config.shop.currency = Some("GBP".to_owned());
    let built = build(&input, Some(0)).expect("builds");
    let json = to_json(&built);
    for raw in [
        '<', '>', '&', '\u{2028}', '\u{2029}', '\u{7}', '\u{1b}', '\t',
    ] {
        assert!(
            !json.contains(raw),
            "{raw:?} written raw, the engine's writer escapes it"
        );
    }
    let catalog = Catalog::parse(&json).expect("the engine reads it");
    for (id, title) in ids.iter().zip(titles) {
        let p = &catalog.products[catalog
            .product_index(id)
            .unwrap_or_else(|| panic!("{id:?}"))];
        assert_eq!(
            (p.title.as_str(), p.tags.as_slice()),
            (title, &[title.to_owned()][..])
        );
        assert_eq!(p.neighbours.len(), ids.len() - 1, "{id:?}");
    }
    let pinned = catalog.product_index("a\"b").expect("pin source");
    let target = catalog.product_index("c<d>&e").expect("pin target");
    assert_eq!(catalog.rules.pin.get(&pinned), Some(&vec![target]));
    let boosted = catalog.product_index("f\\g").expect("boosted");
    assert_eq!(catalog.rules.boost.get(&boosted), Some(&1.5));
    let _ = std::fs::remove_dir_all(&dir);
}
