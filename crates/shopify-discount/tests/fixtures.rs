#![cfg(not(target_family = "wasm"))]
//! The fixtures in `integrations/shopify/extensions/crossbuy-discount/tests/fixtures/` (Shopify's
//! `{"payload": {"export", "target", "input", "output"}}` shape, which `shopify app function run`
//! also reads): each input, run through the Function natively, gives exactly its output. Each
//! file's `description` says why the figures are what they are.
mod common;

use std::fs;
use std::path::Path;

use common::output_json;
use crossbuy_engine::json::{self, Value};
use crossbuy_shopify_discount::cart_lines_discounts_generate_run;
use shopify_function::run_function_with_input;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../integrations/shopify/extensions/crossbuy-discount/tests/fixtures"
);

#[test]
fn every_fixture_gives_its_output() {
    let mut names: Vec<String> = fs::read_dir(DIR)
        .expect("fixtures folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    // The cases the issue lists, each with a file.
    for wanted in [
        "bundle-price-complete",
        "bundle-price-without-the-bundle",
        "bundle-percent-partial",
        "bundle-quantities",
        "percent-quantities",
        "amount-min-price",
        "expired-window",
        "several-offers",
        "yen-zero-decimals",
        "dinar-three-decimals",
    ] {
        assert!(
            names.contains(&format!("{wanted}.json")),
            "fixture {wanted}.json"
        );
    }
    for name in names {
        let text = fs::read_to_string(Path::new(DIR).join(&name)).expect("fixture");
        let doc = json::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let payload = doc.get("payload").expect("payload");
        assert_eq!(
            payload.get("export").and_then(Value::as_str),
            Some("cart_lines_discounts_generate_run"),
            "{name}"
        );
        assert_eq!(
            payload.get("target").and_then(Value::as_str),
            Some("cart.lines.discounts.generate.run"),
            "{name}"
        );
        let input = payload.get("input").expect("input").to_json();
        let expected = payload.get("output").expect("output").to_json();
        let got = run_function_with_input(cart_lines_discounts_generate_run, &input)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(output_json(&got), expected, "{name}");
    }
}
