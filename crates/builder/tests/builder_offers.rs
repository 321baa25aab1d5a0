#![cfg(not(target_arch = "wasm32"))]
//! The merchant's offers from `crossbuy.toml` (`[[offers]]`, docs/config.md "Offers"): carried
//! into the snapshot and its sharded index, products named by handle, SKU or id, amounts in the
//! shop currency exactly, every bad field named, and what is written read back by the engine.

use crossbuy_builder::build::{build, BuildInput, Built};
use crossbuy_builder::shards::write_shards;
use crossbuy_builder::write::to_json;
use crossbuy_builder::Config;
use crossbuy_engine::offer::{Offer, OfferKind};
use crossbuy_engine::shards::{assemble, ShardIndex};
use crossbuy_engine::time;
use crossbuy_engine::Catalog;

const PRODUCTS: &str = "tests/fixtures/shopify/products_export_current.csv";
const ORDERS: &str = "tests/fixtures/shopify/orders_export.csv";
const STOREFRONT: &str = "tests/fixtures/shopify/storefront";

/// The docs/config.md example, on the fixture shop's products.
const OFFERS: &str = r#"
[[offers]]
id = "thanks-20"
kind = "percent"
percent = 20
code = "THANKS20"
starts_at = "2026-11-01"
ends_at = 2027-01-31T23:59:59Z
min_price = "1.00"
pages = ["thank_you"]
tags = ["Gifts"]

[[offers]]
id = "trio"
kind = "bundle_price"
bundle_price = "15.00"
code = " TRIO "
window_hours = 4
pages = ["checkout"]
products = ["classic-mug", "TEA-EG", "green-tea"]

[[offers]]
id = "pair-10"
kind = "bundle_percent"
percent = 10
types = ["Tea"]

[[offers]]
id = "jam-off"
kind = "amount"
amount = 50
products = ["JAM-S"]
"#;

fn input(config: &str, json: &[&str]) -> BuildInput {
    BuildInput {
        products: Some(PRODUCTS.to_owned()),
        orders: Some(ORDERS.to_owned()),
        shopify_products_json: json.iter().map(|s| s.to_string()).collect(),
        config: Config::parse("crossbuy.toml", config).expect("test config"),
        ..BuildInput::default()
    }
}

fn fixture(config: &str, json: &[&str]) -> Built {
    build(&input(config, json), Some(0)).expect("fixture builds")
}

/// The engine's reading of a snapshot's offers, one line each:
/// `id kind [code] window [from … to …] [min] pages [products] [tags] [types]`.
fn describe(catalog: &Catalog) -> String {
    let line = |o: &Offer| {
        let mut l = format!("{} ", o.id);
        l.push_str(&match o.kind {
            OfferKind::Percent(p) => format!("{p}%"),
            OfferKind::Amount(a) => format!("-{a}"),
            OfferKind::BundlePrice(b) => format!("all for {b}"),
            OfferKind::BundlePercent { percent, min_items } => {
                format!("{percent}% on {min_items}+")
            }
        });
        if let Some(c) = &o.code {
            l.push_str(&format!(" code {c}"));
        }
        l.push_str(&format!(" {}h", o.window.length_ms / time::HOUR_MS));
        if let Some(s) = o.starts_at_ms {
            l.push_str(&format!(" from {}", time::format(s)));
        }
        if let Some(e) = o.window.ends_at_ms {
            l.push_str(&format!(" to {}", time::format(e)));
        }
        if o.min_price > 0 {
            l.push_str(&format!(" min {}", o.min_price));
        }
        let pages: Vec<&str> = o.pages.iter().map(|p| p.as_str()).collect();
        l.push_str(&format!(" on {}", pages.join(",")));
        if !o.products.is_empty() {
            let ids: Vec<&str> = o
                .products
                .iter()
                .map(|&p| catalog.products[p].id.as_str())
                .collect();
            l.push_str(&format!(" products {}", ids.join(",")));
        }
        for (name, list) in [("tags", &o.tags), ("types", &o.types)] {
            if !list.is_empty() {
                l.push_str(&format!(" {name} {}", list.join(",")));
            }
        }
        l
    };
    catalog
        .offers
        .iter()
        .map(line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes the snapshot, reads it back with the engine (as the widget does) and compares.
fn parsed(built: &Built) -> Catalog {
    let json = to_json(built);
    let catalog = Catalog::parse(&json)
        .unwrap_or_else(|e| panic!("engine refused the snapshot: {e}\n{json}"));
    assert_eq!(
        catalog.offers, built.offers,
        "the engine reads what was built"
    );
    catalog
}

fn check(built: &Built, expected: &str) {
    assert_eq!(
        describe(&parsed(built)),
        expected.trim().replace("\n        ", "\n")
    );
}

#[test]
fn offers_from_crossbuy_toml_are_carried_into_the_snapshot() {
    check(
        &fixture(OFFERS, &[]),
        "
        thanks-20 20% code THANKS20 48h from 2026-11-01T00:00:00Z to 2027-01-31T23:59:59Z min 100 on thank_you tags gifts
        trio all for 1500 code TRIO 4h on checkout products classic-mug,earl-grey-tea,green-tea
        pair-10 10% on 2+ 48h on checkout,thank_you types tea
        jam-off -50 48h on checkout,thank_you products strawberry-jam",
    );
    // No [[offers]]: no `offers` key at all.
    assert!(!to_json(&fixture("", &[])).contains("\"offers\""));
}

#[test]
fn products_by_handle_or_sku_are_written_as_shopify_ids() {
    let built = fixture(OFFERS, &[STOREFRONT]);
    let catalog = parsed(&built);
    let products = |id: &str| {
        let o = &catalog.offers[catalog.offers.iter().position(|o| o.id == id).expect(id)];
        o.products
            .iter()
            .map(|&p| catalog.products[p].id.clone())
            .collect::<Vec<_>>()
    };
    // Handles, a SKU, and the numeric id itself all name the same products.
    assert_eq!(
        products("trio"),
        ["8012345678901", "8012345678902", "8012345678903"]
    );
    assert_eq!(products("jam-off"), ["strawberry-jam"], "no Shopify id");
    let by_number = OFFERS
        .replace(
            "\"classic-mug\", \"TEA-EG\"",
            "\"MUG-B\", \"8012345678902\"",
        )
        .replace("\"green-tea\"]", "\"44123456789031\"]");
    let again = fixture(&by_number, &[STOREFRONT]);
    assert_eq!(
        parsed(&again).offers,
        catalog.offers[..],
        "a variant's SKU or id names its product"
    );
}

#[test]
fn the_sharded_index_carries_the_offers_to_the_page() {
    let built = fixture(OFFERS, &[]);
    let dir = std::env::temp_dir().join(format!("crossbuy-offers-{}", std::process::id()));
    write_shards(&built, &dir).expect("shards written");
    let index = std::fs::read_to_string(dir.join("index.json")).expect("index");
    let layout = ShardIndex::parse(&index).expect("index parses");
    let page = |context: &[&str]| {
        let mut paths: Vec<String> = context.iter().map(|id| layout.shard_path(id)).collect();
        paths.sort();
        paths.dedup();
        let shards: Vec<String> = paths
            .iter()
            .map(|p| std::fs::read_to_string(dir.join(p)).expect("shard"))
            .collect();
        let refs: Vec<&str> = shards.iter().map(String::as_str).collect();
        describe(&assemble(&index, &refs).expect("shards assemble"))
    };
    // The mug's shard holds it and the cards of its neighbours (green tea, earl grey, jam):
    // the bundle keeps the products present.
    assert_eq!(
        page(&["classic-mug"]),
        [
            "thanks-20 20% code THANKS20 48h from 2026-11-01T00:00:00Z to 2027-01-31T23:59:59Z min 100 on thank_you tags gifts",
            "trio all for 1500 code TRIO 4h on checkout products classic-mug,earl-grey-tea,green-tea",
            "pair-10 10% on 2+ 48h on checkout,thank_you types tea",
            "jam-off -50 48h on checkout,thank_you products strawberry-jam",
        ]
        .join("\n")
    );
    // The teapot's shard holds earl grey but no mug, green tea or jam: the bundle keeps the tea,
    // and the offer limited to the jam is left out (an empty list would cover everything).
    assert_eq!(
        page(&["teapot"]),
        [
            "thanks-20 20% code THANKS20 48h from 2026-11-01T00:00:00Z to 2027-01-31T23:59:59Z min 100 on thank_you tags gifts",
            "trio all for 1500 code TRIO 4h on checkout products earl-grey-tea",
            "pair-10 10% on 2+ 48h on checkout,thank_you types tea",
        ]
        .join("\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Builds with `[shop] currency` and one offer whose amounts are `fields`; the engine's
/// reading of it, or the error.
fn money(currency: &str, fields: &str) -> String {
    let config = format!(
        "[shop]\ncurrency = \"{currency}\"\n[[offers]]\nid = \"o\"\nkind = \"bundle_price\"\n{fields}\n"
    );
    match Config::parse("crossbuy.toml", &config).and_then(|c| {
        build(
            &BuildInput {
                config: c,
                ..baskets_input()
            },
            None,
        )
    }) {
        Ok(built) => describe(&parsed(&built)),
        Err(e) => e.to_string(),
    }
}

/// Plain baskets: no prices, so any currency's build succeeds.
fn baskets_input() -> BuildInput {
    let path = std::env::temp_dir().join(format!(
        "crossbuy-offers-baskets-{}.txt",
        std::process::id()
    ));
    std::fs::write(&path, "mug tea\ntea jam\nmug jam tea\n").expect("baskets written");
    BuildInput {
        baskets: Some(path.to_string_lossy().into_owned()),
        ..BuildInput::default()
    }
}

#[test]
fn decimal_amounts_become_exact_minor_units_of_the_shop_currency() {
    for (currency, fields, expected) in [
        ("GBP", "bundle_price = \"15.00\"", "o all for 1500 48h on checkout,thank_you"),
        ("GBP", "bundle_price = \"1,015.5\"\nmin_price = \"0.01\"", "o all for 101550 48h min 1 on checkout,thank_you"),
        ("GBP", "bundle_price = 1500", "o all for 1500 48h on checkout,thank_you"),
        ("JPY", "bundle_price = \"1500\"", "o all for 1500 48h on checkout,thank_you"),
        ("JPY", "bundle_price = \"1500.00\"", "o all for 1500 48h on checkout,thank_you"),
        ("KWD", "bundle_price = \"1.995\"", "o all for 1995 48h on checkout,thank_you"),
        ("KWD", "bundle_price = \"15\"", "o all for 15000 48h on checkout,thank_you"),
        (
            "JPY",
            "bundle_price = \"15.5\"",
            "crossbuy.toml: offers[0].bundle_price: more decimal places than the currency has (JPY has 0), got \"15.5\"",
        ),
        (
            "KWD",
            "bundle_price = \"1.9955\"",
            "crossbuy.toml: offers[0].bundle_price: more decimal places than the currency has (KWD has 3), got \"1.9955\"",
        ),
        (
            "GBP",
            "bundle_price = \"0.00\"",
            "crossbuy.toml: offers[0].bundle_price: expected an amount > 0",
        ),
        // The snapshot's bound (docs/snapshot.md): the widget reads what the builder writes.
        ("GBP", "bundle_price = 1000000000000000", "o all for 1000000000000000 48h on checkout,thank_you"),
        ("GBP", "bundle_price = \"10,000,000,000,000.00\"", "o all for 1000000000000000 48h on checkout,thank_you"),
        ("JPY", "bundle_price = \"1000000000000000\"", "o all for 1000000000000000 48h on checkout,thank_you"),
        (
            "GBP",
            "bundle_price = 1000000000000001",
            "crossbuy.toml: offers[0].bundle_price: expected at most 1000000000000000 minor units (crossbuy's largest amount), got 1000000000000001",
        ),
        (
            "GBP",
            "bundle_price = 9223372036854775807",
            "crossbuy.toml: offers[0].bundle_price: expected at most 1000000000000000 minor units (crossbuy's largest amount), got 9223372036854775807",
        ),
        (
            "GBP",
            "bundle_price = 1500\nmin_price = \"10000000000000.01\"",
            "crossbuy.toml: offers[0].min_price: amount out of range: at most 1000000000000000 minor units, got \"10000000000000.01\"",
        ),
        (
            "KWD",
            "bundle_price = \"1000000000000.001\"",
            "crossbuy.toml: offers[0].bundle_price: amount out of range: at most 1000000000000000 minor units, got \"1000000000000.001\"",
        ),
    ] {
        assert_eq!(money(currency, fields), expected, "{currency} {fields}");
    }
}

/// The error for one offer `fields` on the fixture shop (checked when the config is read, or,
/// for money and product references, when the build knows the currency and the products).
fn error(fields: &str) -> String {
    let config = format!("[[offers]]\n{fields}\n");
    match Config::parse("crossbuy.toml", &config).and_then(|c| {
        build(
            &BuildInput {
                config: c,
                ..input("", &[])
            },
            None,
        )
    }) {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn each_bad_field_names_its_offer_and_key() {
    let percent = "id = \"p\"\nkind = \"percent\"\npercent = 10";
    for (fields, expected) in [
        (percent.to_owned(), "ok"),
        (
            "id = \" \"\nkind = \"percent\"\npercent = 10".to_owned(),
            "crossbuy.toml: offers[0].id: expected an id, got an empty string",
        ),
        (
            "id = \"p\"\nkind = \"free\"".to_owned(),
            "crossbuy.toml: offers[0].kind: expected \"percent\", \"amount\", \"bundle_price\" or \"bundle_percent\", got \"free\"",
        ),
        (
            "id = \"p\"\nkind = \"percent\"\npercent = 120".to_owned(),
            "crossbuy.toml: offers[0].percent: expected a whole percent from 1 to 100, got 120",
        ),
        (
            "id = \"p\"\nkind = \"percent\"".to_owned(),
            "crossbuy.toml: offers[0].percent: missing: a \"percent\" offer needs a whole percent from 1 to 100",
        ),
        (
            format!("{percent}\namount = 100"),
            "crossbuy.toml: offers[0].amount: not used by a \"percent\" offer",
        ),
        (
            "id = \"a\"\nkind = \"amount\"\namount = 0".to_owned(),
            "crossbuy.toml: offers[0].amount: expected an amount > 0",
        ),
        (
            "id = \"a\"\nkind = \"amount\"\namount = -5".to_owned(),
            "crossbuy.toml: offers[0].amount: expected an amount ≥ 0, got -5",
        ),
        (
            "id = \"a\"\nkind = \"amount\"\namount = 1.5".to_owned(),
            "crossbuy.toml: offers[0].amount: got the number 1.5: write integer minor units (1500) or a decimal string (\"15.00\"), so the amount is exact",
        ),
        (
            "id = \"a\"\nkind = \"amount\"\namount = \"1,50\"".to_owned(),
            "crossbuy.toml: offers[0].amount: expected a decimal amount such as \"12.99\", got \"1,50\"",
        ),
        (
            "id = \"a\"\nkind = \"amount\"\namount = \"1.505\"".to_owned(),
            "crossbuy.toml: offers[0].amount: more decimal places than the currency has (GBP has 2), got \"1.505\"",
        ),
        (
            "id = \"b\"\nkind = \"bundle_price\"".to_owned(),
            "crossbuy.toml: offers[0].bundle_price: missing: a \"bundle_price\" offer needs an amount > 0",
        ),
        (
            "id = \"b\"\nkind = \"bundle_percent\"\npercent = 10\nmin_items = 1".to_owned(),
            "crossbuy.toml: offers[0].min_items: a bundle has at least 2 items, got 1",
        ),
        (
            format!("{percent}\ncode = \"\""),
            "crossbuy.toml: offers[0].code: expected a discount code of 1 to 255 characters, got \"\"",
        ),
        (
            format!("{percent}\ncode = \"A\\nB\""),
            "crossbuy.toml: offers[0].code: expected a discount code of 1 to 255 characters, got \"A\\nB\"",
        ),
        (
            format!("{percent}\nwindow_hours = 0"),
            "crossbuy.toml: offers[0].window_hours: expected a whole number of hours ≥ 1, got 0",
        ),
        (
            format!("{percent}\nstarts_at = \"next monday\""),
            "crossbuy.toml: offers[0].starts_at: expected a time such as \"2026-12-31T23:59:59Z\": expected a four-digit year at character 0",
        ),
        (
            format!("{percent}\nstarts_at = 2026-11-01T00:00:00"),
            "crossbuy.toml: offers[0].starts_at: expected a time such as \"2026-12-31T23:59:59Z\": no UTC offset: add Z or an offset such as +01:00",
        ),
        (
            format!("{percent}\nends_at = 2026"),
            "crossbuy.toml: offers[0].ends_at: expected a time such as \"2026-12-31T23:59:59Z\", got a integer",
        ),
        (
            format!("{percent}\nstarts_at = \"2026-12-01\"\nends_at = \"2026-11-30 23:00:00 -01:00\""),
            "crossbuy.toml: offers[0].ends_at: ends before starts_at",
        ),
        (
            format!("{percent}\nmin_price = \"-1\""),
            "crossbuy.toml: offers[0].min_price: expected an amount ≥ 0, got \"-1\"",
        ),
        (
            format!("{percent}\npages = []"),
            "crossbuy.toml: offers[0].pages: expected at least one page",
        ),
        (
            format!("{percent}\npages = [\"cart\", \"thank-you\"]"),
            "crossbuy.toml: offers[0].pages[1]: expected \"product\", \"cart\", \"checkout\" or \"thank_you\", got \"thank-you\"",
        ),
        (
            format!("{percent}\nproducts = [\"classic-mug\", \"nope\"]"),
            "crossbuy.toml: offers[0].products[1]: unknown product \"nope\"",
        ),
        (
            format!("{percent}\nproducts = [\"\"]"),
            "crossbuy.toml: offers[0].products[0]: expected a product id, handle or SKU, got an empty string",
        ),
        (
            format!("{percent}\ntags = [\"ok\", \" \"]"),
            "crossbuy.toml: offers[0].tags[1]: expected a name, got an empty string",
        ),
        (
            format!("{percent}\n[[offers]]\n{percent}"),
            "crossbuy.toml: offers[1].id: duplicate offer id \"p\" (first at offers[0])",
        ),
        (
            format!("{percent}\npercnt = 10"),
            "crossbuy.toml: line 5, column 1: unknown field `percnt`, expected one of `id`, `kind`, `percent`, `amount`, `bundle_price`, `min_items`, `code`, `window_hours`, `starts_at`, `ends_at`, `min_price`, `pages`, `products`, `tags`, `types`",
        ),
    ] {
        assert_eq!(error(&fields), expected, "{fields}");
    }
}

#[test]
fn tags_and_types_no_product_has_are_noted() {
    let built = fixture(
        "[[offers]]\nid = \"p\"\nkind = \"percent\"\npercent = 10\ntags = [\"gifts\", \"gfits\"]\ntypes = [\"TEA\", \"Candles\"]\n",
        &[],
    );
    let notes: Vec<&String> = built
        .summary
        .notes
        .iter()
        .filter(|n| n.starts_with("offers"))
        .collect();
    assert_eq!(
        notes,
        [
            "offers[0].tags[1]: no product in the snapshot has \"gfits\"",
            "offers[0].types[1]: no product in the snapshot has \"Candles\"",
        ]
    );
}

#[test]
fn the_docs_example_builds_on_the_demo_shop() {
    let docs = std::fs::read_to_string("../../docs/config.md").expect("docs/config.md");
    let example = docs
        .split("```toml\n")
        .map(|block| block.split("```").next().unwrap_or_default())
        .find(|block| block.contains("[[offers]]"))
        .expect("an [[offers]] example in docs/config.md");
    let built = build(
        &BuildInput {
            products: Some("../../demo/products_export.csv".to_owned()),
            orders: Some("../../demo/orders_export.csv".to_owned()),
            config: Config::parse("crossbuy.toml", example).expect("the example parses"),
            ..BuildInput::default()
        },
        Some(0),
    )
    .expect("the example builds");
    check(
        &built,
        "
        thanks-20 20% code THANKS20 48h from 2026-11-01T00:00:00Z to 2027-01-31T23:59:59Z min 100 on thank_you tags candle holders
        trio all for 750 code TRIO 4h on checkout products green-regency-teacup-and-saucer,pink-regency-teacup-and-saucer,roses-regency-teacup-and-saucer
        pair-10 10% on 2+ 48h on checkout,thank_you types lunch bags,kitchen",
    );
}
