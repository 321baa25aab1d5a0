#![cfg(not(target_arch = "wasm32"))]
//! `crossbuy recommend` as a merchant reads it: the whole text, for a cart with a pin, a boost,
//! a "was" price, a handle, evidence from orders and from product types, and an unknown id; and
//! the same cards and evidence as the console's explanation (crates/builder explain, one
//! explanation of one ranking).

use std::path::PathBuf;
use std::process::Command;

use crossbuy_builder::explain::explain;
use crossbuy_engine::Catalog;

/// A kettle (numeric id, handle `kettle`) with three neighbours; the merchant pins the cosy for
/// it and boosts the mug ×2; the teapot has one neighbour only.
const CATALOG: &str = r#"{"version":1,"shop":{"name":"Tea & Tin","currency":"GBP"},
"products":[
 {"id":"101","handle":"kettle","variant_ids":["9101"],"url":"/products/kettle","title":"Kettle","price":3500,
  "neighbours":[{"id":"tea","score":0.5,"count":12},{"id":"mug","score":0.2,"count":1},{"id":"spoon","score":0.15,"count":0}]},
 {"id":"teapot","variant_ids":["teapot-1"],"url":"/products/teapot","title":"Teapot","price":2400,
  "neighbours":[{"id":"tea","score":0.4,"count":3}]},
 {"id":"tea","variant_ids":["tea-1"],"url":"/products/tea","title":"Green Tea","price":425,"compare_at_price":500},
 {"id":"mug","variant_ids":["mug-1","mug-2"],"url":"/products/mug","title":"Mug","price":800},
 {"id":"spoon","variant_ids":["spoon-1"],"url":"/products/spoon","title":"Spoon","price":250},
 {"id":"cosy","variant_ids":["cosy-1"],"url":"/products/cosy","title":"Tea \u001b[31mcosy","price":1200}],
"rules":{"pin":{"101":["cosy"]},"boost":{"mug":2}}}"#;

fn temp_catalog(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crossbuy-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("catalog.json");
    std::fs::write(&file, CATALOG).expect("write catalog");
    file
}

fn recommend(catalog: &PathBuf, items: &str, limit: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_crossbuy"))
        .args(["recommend", "--catalog"])
        .arg(catalog)
        .args(["--items", items, "--limit", limit])
        .output()
        .expect("run crossbuy");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn the_whole_text_a_merchant_reads() {
    let file = temp_catalog("recommend-text");
    // By handle and SKU-less variant id, with an unknown id and the kettle twice.
    let out = recommend(&file, "kettle,nope,9101", "4");
    assert_eq!(
        out,
        "in the cart: Kettle (101, handle kettle), 3 neighbours\n\
         in the cart: \"nope\" is not in this catalog (ignored)\n\
         the widget shows:\n\
         \x20 1. Tea \\u{1b}[31mcosy (cosy) at 12.00 GBP\n\
         \x20    widget ids: product cosy, variant cosy-1 (Add to cart), page /products/cosy\n\
         \x20    pinned by the merchant for kettle\n\
         \x20 2. Green Tea (tea) at 4.25 GBP (was 5.00 GBP)\n\
         \x20    widget ids: product tea, variant tea-1 (Add to cart), page /products/tea\n\
         \x20    score 0.5000\n\
         \x20    with kettle: score 0.5000, bought together in 12 orders\n\
         \x20 3. Mug (mug) at 8.00 GBP\n\
         \x20    widget ids: product mug, variant mug-1 (Add to cart), page /products/mug\n\
         \x20    score 0.4000 (boosted ×2)\n\
         \x20    with kettle: score 0.2000, bought together in 1 order\n\
         \x20 4. Spoon (spoon) at 2.50 GBP\n\
         \x20    widget ids: product spoon, variant spoon-1 (Add to cart), page /products/spoon\n\
         \x20    score 0.1500\n\
         \x20    with kettle: score 0.1500, no orders together yet: from what shoppers of this type also buy\n"
    );
    // Two cart items naming the same card: its score is the sum, with each one's evidence.
    let both = recommend(&file, "101,teapot", "2");
    assert!(
        both.contains(
            "  2. Green Tea (tea) at 4.25 GBP (was 5.00 GBP)\n\
             \x20    widget ids: product tea, variant tea-1 (Add to cart), page /products/tea\n\
             \x20    score 0.9000\n\
             \x20    with kettle: score 0.5000, bought together in 12 orders\n\
             \x20    with teapot: score 0.4000, bought together in 3 orders\n"
        ),
        "{both}"
    );
    // One recommendation is not enough for the widget.
    assert_eq!(
        recommend(&file, "teapot", "3"),
        "in the cart: Teapot (teapot), 1 neighbours\n\
         the widget shows nothing: 1 recommendation(s), it needs at least 2\n\
         \x20 1. Green Tea (tea) at 4.25 GBP (was 5.00 GBP)\n\
         \x20    widget ids: product tea, variant tea-1 (Add to cart), page /products/tea\n\
         \x20    score 0.4000\n\
         \x20    with teapot: score 0.4000, bought together in 3 orders\n"
    );
    let _ = std::fs::remove_dir_all(file.parent().expect("dir"));
}

#[test]
fn the_command_prints_the_explanation_the_console_draws() {
    let file = temp_catalog("recommend-console");
    let catalog = Catalog::parse(CATALOG).expect("catalog");
    for items in ["kettle", "101,teapot", "teapot", "nope", "mug,kettle"] {
        let ids: Vec<String> = items.split(',').map(str::to_owned).collect();
        let json = explain(&catalog, &ids, 3).json(&catalog);
        let out = recommend(&file, items, "3");
        // Every card the console draws, in its order, with each piece of its evidence.
        let mut rest = out.as_str();
        for card in json["cards"].as_array().expect("cards") {
            let title = format!(
                ". {} (",
                card["title"]
                    .as_str()
                    .expect("title")
                    .replace('\u{1b}', "\\u{1b}")
            );
            let at = rest
                .find(&title)
                .unwrap_or_else(|| panic!("{title} not in order in:\n{out}"));
            rest = &rest[at..];
            for e in card["evidence"].as_array().expect("evidence") {
                let line = format!(
                    "with {}: score {}, {}",
                    e["with"]["name"].as_str().expect("name"),
                    e["score"].as_str().expect("score"),
                    e["words"].as_str().expect("words")
                );
                assert!(rest.contains(&line), "{line} not in:\n{out}");
            }
        }
        let shown = json["shown"].as_bool().expect("shown");
        assert_eq!(out.contains("the widget shows:\n"), shown, "{out}");
    }
    let _ = std::fs::remove_dir_all(file.parent().expect("dir"));
}
