#![cfg(not(target_arch = "wasm32"))]
//! The sharded snapshot: a page that fetches the index and its context's shards sees the same
//! recommendations as with the whole snapshot.

use crossbuy_builder::build::{build, BuildInput, Built};
use crossbuy_builder::shards::write_shards;
use crossbuy_builder::write::to_json;
use crossbuy_builder::Config;
use crossbuy_engine::shards::{assemble, ShardIndex};
use crossbuy_engine::{recommend, Catalog};

fn fixture(config: &str) -> Built {
    fixture_with(config, &[])
}

/// Built with the storefront product JSON `json` (Shopify's numeric ids).
fn fixture_with(config: &str, json: &[&str]) -> Built {
    let input = BuildInput {
        products: Some("tests/fixtures/shopify/products_export_current.csv".to_owned()),
        orders: Some("tests/fixtures/shopify/orders_export.csv".to_owned()),
        shopify_products_json: json.iter().map(|s| s.to_string()).collect(),
        config: Config::parse("crossbuy.toml", config).expect("config"),
        ..BuildInput::default()
    };
    build(&input, Some(0)).expect("fixture builds")
}

/// What the widget shows for `context` (product ids), from a catalog.
fn shown(catalog: &Catalog, context: &[&str]) -> Vec<String> {
    let items: Vec<usize> = context
        .iter()
        .filter_map(|id| catalog.product_index(id))
        .collect();
    recommend(catalog, &items, 4)
        .iter()
        .map(|r| {
            format!(
                "{}{}",
                catalog.products[r.product].id,
                if r.pinned { " (pin)" } else { "" }
            )
        })
        .collect()
}

/// Writes the shards, fetches what a page with `context` would, and compares.
fn check(config: &str, context: &[&str], expected: &[&str]) {
    check_built(fixture(config), context, expected);
}

fn check_built(built: Built, context: &[&str], expected: &[&str]) {
    let whole = Catalog::parse(&to_json(&built)).expect("whole snapshot");
    assert_eq!(shown(&whole, context), expected, "whole snapshot");

    let dir = std::env::temp_dir().join(format!(
        "crossbuy-shards-{}-{}",
        std::process::id(),
        context.join("+")
    ));
    write_shards(&built, &dir).expect("shards written");
    let index = std::fs::read_to_string(dir.join("index.json")).expect("index");
    let layout = ShardIndex::parse(&index).expect("index parses");
    let mut paths: Vec<String> = context.iter().map(|id| layout.shard_path(id)).collect();
    paths.dedup();
    let shards: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(dir.join(p)).expect("shard exists"))
        .collect();
    let refs: Vec<&str> = shards.iter().map(String::as_str).collect();
    let assembled = assemble(&index, &refs).expect("shards assemble");
    assert_eq!(shown(&assembled, context), expected, "sharded");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sharded_and_whole_snapshots_recommend_the_same() {
    check(
        "",
        &["classic-mug"],
        &["green-tea", "earl-grey-tea", "strawberry-jam"],
    );
    check(
        "",
        &["classic-mug", "earl-grey-tea"],
        &["green-tea", "strawberry-jam", "teapot"],
    );
    check(
        "",
        &["heather-honey"],
        &["earl-grey-tea", "classic-mug", "green-tea"],
    );
    check(
        "[rules]\npin = { teapot = [\"heather-honey\"] }\nboost = { \"green-tea\" = 3.0 }\n[rules.exclude]\nproducts = [\"strawberry-jam\"]",
        &["classic-mug", "teapot"],
        &["heather-honey (pin)", "green-tea", "earl-grey-tea"],
    );
}

#[test]
fn shards_with_shopify_ids_serve_the_numeric_context() {
    let built = fixture_with("", &["tests/fixtures/shopify/storefront"]);
    check_built(
        built,
        &["8012345678901", "8012345678902"],
        &["8012345678903", "strawberry-jam", "8012345678904"],
    );
}

#[test]
fn every_product_is_in_its_bucket_and_the_index_stays_small() {
    let built = fixture("");
    let dir = std::env::temp_dir().join(format!("crossbuy-shards-all-{}", std::process::id()));
    write_shards(&built, &dir).expect("shards written");
    let index = std::fs::read_to_string(dir.join("index.json")).expect("index");
    assert!(index.len() < 400, "index is {} bytes", index.len());
    let layout = ShardIndex::parse(&index).expect("index parses");
    assert_eq!(layout.buckets, 3, "6 products, 2 per bucket");
    for p in &built.products {
        let shard = std::fs::read_to_string(dir.join(layout.shard_path(&p.id))).expect("shard");
        let catalog = Catalog::parse(&shard).expect("a shard is a snapshot");
        let found = &catalog.products[catalog.product_index(&p.id).expect("product in its shard")];
        assert_eq!(found.neighbours.len(), p.neighbours.len(), "{}", p.id);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
