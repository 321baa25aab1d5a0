//! Writes the sharded snapshot (docs/snapshot.md, "Sharded form"): `DIR/index.json` (shop,
//! offers and shard layout, no products) and `DIR/p/{bucket}.json`, each a valid snapshot v1 holding the
//! products of its bucket with their neighbours, plus the cards those neighbours and pins need.
//! The page fetches the index and one shard per context product, so what it downloads does not
//! grow with the catalog.

use std::collections::HashSet;
use std::path::Path;

use super::build::Built;
use super::dates::rfc3339;
use super::report::{BuildError, Result};
use super::write::{write_offers, write_product, write_shop};
use crossbuy_engine::hash::fnv1a32;
use crossbuy_engine::shards::HASH;
use crossbuy_engine::Product;

/// Products per bucket, on average.
pub const PRODUCTS_PER_SHARD: usize = 2;

/// The shard url template written to the index.
pub const SHARD_PATH: &str = "p/{bucket}.json";

/// Buckets for a catalog of `n` products.
pub fn bucket_count(n: usize) -> u32 {
    n.div_ceil(PRODUCTS_PER_SHARD).clamp(1, u32::MAX as usize) as u32
}

/// The index text.
pub fn index_json(built: &Built, buckets: u32) -> String {
    let mut out = String::from("{\"version\":1");
    if let Some(t) = built.generated_at {
        out.push_str(&format!(",\"generated_at\":\"{}\"", rfc3339(t)));
    }
    out.push_str(",\"shop\":");
    write_shop(&mut out, &built.shop);
    out.push_str(",\"products\":[]");
    // The offers travel in the index: the loader and `engine::shards::assemble` keep the index's
    // fields, each offer's products cut to those the page fetched.
    write_offers(&mut out, &built.offers, &built.products);
    super::write::write_experiment(&mut out, built);
    out.push_str(&format!(
        ",\"shards\":{{\"hash\":\"{HASH}\",\"buckets\":{buckets},\"path\":\"{SHARD_PATH}\"}}}}\n"
    ));
    out
}

/// A card: what the widget needs to show a product, without its own neighbours, with only
/// the variant added to the cart and without the aliases a context matches (its own shard
/// has them).
fn card(p: &Product) -> Product {
    Product {
        neighbours: Vec::new(),
        variant_ids: p.variant_ids.iter().take(1).cloned().collect(),
        handle: None,
        skus: Vec::new(),
        ..p.clone()
    }
}

/// The shard texts by bucket (every bucket has one, possibly without products).
pub fn shard_texts(built: &Built, buckets: u32) -> Vec<String> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); buckets as usize];
    for (i, p) in built.products.iter().enumerate() {
        members[(fnv1a32(p.id.trim()) % buckets) as usize].push(i);
    }
    let excluded: HashSet<usize> = built.rules.exclude.iter().copied().collect();
    let mut out = Vec::with_capacity(buckets as usize);
    for primaries in members {
        let mut text = String::from("{\"version\":1,\"shop\":");
        write_shop(&mut text, &built.shop);
        text.push_str(",\"products\":[");
        let mut included: Vec<usize> = primaries.clone();
        for &p in &primaries {
            let pins = built.rules.pin.get(&p).into_iter().flatten();
            for n in built.products[p]
                .neighbours
                .iter()
                .map(|n| n.product)
                .chain(pins.copied())
            {
                if !included.contains(&n) {
                    included.push(n);
                }
            }
        }
        for (k, &i) in included.iter().enumerate() {
            if k > 0 {
                text.push(',');
            }
            let p = &built.products[i];
            if k < primaries.len() {
                write_product(&mut text, p, &built.products);
            } else {
                write_product(&mut text, &card(p), &built.products);
            }
        }
        text.push(']');
        let set: HashSet<usize> = included.iter().copied().collect();
        let rules = crossbuy_engine::snapshot::Rules {
            pin: primaries
                .iter()
                .filter_map(|p| built.rules.pin.get(p).map(|t| (*p, t.clone())))
                .collect(),
            exclude: included
                .iter()
                .copied()
                .filter(|i| excluded.contains(i))
                .collect(),
            boost: built
                .rules
                .boost
                .iter()
                .filter(|(i, _)| set.contains(i))
                .map(|(&i, &f)| (i, f))
                .collect(),
        };
        super::write::write_rules(&mut text, &rules, &built.products);
        text.push_str("}\n");
        out.push(text);
    }
    out
}

/// Writes the index and the shards under `dir`. Old numbered shards in `dir/p` are removed
/// first, so a catalog that shrank leaves no stale bucket behind.
pub fn write_shards(built: &Built, dir: &Path) -> Result<()> {
    let shown = |p: &Path| p.display().to_string();
    let pdir = dir.join("p");
    std::fs::create_dir_all(&pdir).map_err(|e| BuildError::io(&shown(&pdir), e))?;
    if let Ok(entries) = std::fs::read_dir(&pdir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".json") {
                if !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit()) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
    let buckets = bucket_count(built.products.len());
    for (b, text) in shard_texts(built, buckets).iter().enumerate() {
        let path = pdir.join(format!("{b}.json"));
        std::fs::write(&path, text).map_err(|e| BuildError::io(&shown(&path), e))?;
    }
    let index = dir.join("index.json");
    std::fs::write(&index, index_json(built, buckets))
        .map_err(|e| BuildError::io(&shown(&index), e))
}
