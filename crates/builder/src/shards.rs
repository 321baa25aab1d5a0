//! Writes the sharded snapshot (docs/snapshot.md, "Sharded form"): `DIR/index.json` (shop,
//! offers and shard layout, no products) and `DIR/p/{bucket}.json`, each a valid snapshot v1 holding the
//! products of its bucket with their neighbours, plus the cards those neighbours and pins need.
//! The page fetches the index and one shard per context product, so what it downloads does not
//! grow with the catalog.
//!
//! [`write_catalog`] writes a snapshot file: whole up to
//! [`WHOLE_MAX_BYTES`](crossbuy_engine::snapshot::WHOLE_MAX_BYTES), the most the widget parses
//! within one 50 ms main-thread task; above it the file is the index and the shards go to a
//! folder beside it (`catalog.json` and `catalog/0.json`, …), so the page's `data-catalog` url
//! stays the same.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::build::Built;
use super::report::{BuildError, Result};
use super::write::{write_head, write_offers, write_product, write_rules, write_shop};
use crossbuy_engine::hash::fnv1a32;
use crossbuy_engine::json::Writer;
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

/// The index text, with [`SHARD_PATH`] as the shard url.
pub fn index_json(built: &Built, buckets: u32) -> String {
    index_json_at(built, buckets, SHARD_PATH)
}

/// The index text; `path` is the shard url template relative to the index (`{bucket}` in it).
pub fn index_json_at(built: &Built, buckets: u32, path: &str) -> String {
    let mut w = Writer(String::new());
    write_head(&mut w, built);
    w.key("products").open('[').close(']');
    // The offers travel in the index: the loader and `engine::shards::assemble` keep the index's
    // fields, each offer's products cut to those the page fetched.
    write_offers(&mut w, &built.offers, &built.products);
    w.key("shards").open('{').key("hash").str(HASH);
    w.key("buckets").int(i64::from(buckets));
    w.key("path").str(path).close('}').close('}');
    w.0.push('\n');
    w.0
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
        let mut w = Writer(String::new());
        w.open('{').key("version").int(1).key("shop");
        write_shop(&mut w, &built.shop);
        w.key("products").open('[');
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
            let p = &built.products[i];
            if k < primaries.len() {
                write_product(&mut w, p, &built.products);
            } else {
                write_product(&mut w, &card(p), &built.products);
            }
        }
        w.close(']');
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
        write_rules(&mut w, &rules, &built.products);
        w.close('}');
        w.0.push('\n');
        out.push(w.0);
    }
    out
}

/// Writes the index and the shards under `dir`: `dir/index.json` and `dir/p/{bucket}.json`.
pub fn write_shards(built: &Built, dir: &Path) -> Result<()> {
    write_sharded(built, &dir.join("index.json"), &dir.join("p"), SHARD_PATH).map(|_| ())
}

/// Writes the shards into `folder`, then the index to `index` with `template` as their url;
/// returns the number of buckets. Old numbered shards in `folder` are removed first, so a
/// catalog that shrank leaves no stale bucket behind; the index is written last, so it never
/// names a shard that is not there yet.
pub fn write_sharded(built: &Built, index: &Path, folder: &Path, template: &str) -> Result<u32> {
    let shown = |p: &Path| p.display().to_string();
    std::fs::create_dir_all(folder).map_err(|e| BuildError::io(&shown(folder), e))?;
    if let Ok(entries) = std::fs::read_dir(folder) {
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
        let path = folder.join(format!("{b}.json"));
        std::fs::write(&path, text).map_err(|e| BuildError::io(&shown(&path), e))?;
    }
    std::fs::write(index, index_json_at(built, buckets, template))
        .map_err(|e| BuildError::io(&shown(index), e))?;
    Ok(buckets)
}

/// The folder beside a snapshot file that holds its shards, and their url template relative to
/// the file: `catalog.json` → `catalog/` and `catalog/{bucket}.json` (the folder name
/// percent-encoded in the url); a file without an extension gets `NAME.shards/`.
pub fn folder_beside(file: &Path) -> (PathBuf, String) {
    let name = file.file_name().map_or_else(
        || "catalog".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let folder = match file.extension() {
        Some(_) => file
            .file_stem()
            .map_or_else(|| name.clone(), |s| s.to_string_lossy().into_owned()),
        None => format!("{name}.shards"),
    };
    let mut template = String::new();
    crossbuy_engine::url::encode_uri_component(&mut template, &folder);
    template.push_str("/{bucket}.json");
    (file.with_file_name(folder), template)
}

/// What [`write_catalog`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// The whole snapshot.
    Whole,
    /// The index, with the shards in `folder`.
    Sharded {
        /// Where the shards are.
        folder: PathBuf,
        /// How many.
        buckets: u32,
    },
}

/// Writes the snapshot to `path`: `json` (the whole snapshot of `built`) when it is at most
/// [`WHOLE_MAX_BYTES`](crossbuy_engine::snapshot::WHOLE_MAX_BYTES), else the sharded form, the
/// index at `path` and the shards in [`folder_beside`] it.
pub fn write_catalog(built: &Built, json: &str, path: &Path) -> Result<Written> {
    if json.len() <= crossbuy_engine::snapshot::WHOLE_MAX_BYTES {
        std::fs::write(path, json).map_err(|e| BuildError::io(&path.display().to_string(), e))?;
        return Ok(Written::Whole);
    }
    let (folder, template) = folder_beside(path);
    let buckets = write_sharded(built, path, &folder, &template)?;
    Ok(Written::Sharded { folder, buckets })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(file: &str, folder: &str, template: &str) {
        let (f, t) = folder_beside(Path::new(file));
        assert_eq!(
            (f.to_string_lossy().as_ref(), t.as_str()),
            (folder, template),
            "{file}"
        );
    }

    #[test]
    fn shards_go_beside_the_file_the_page_names() {
        check("catalog.json", "catalog", "catalog/{bucket}.json");
        check(
            "www/demo/catalog-eur.json",
            "www/demo/catalog-eur",
            "catalog-eur/{bucket}.json",
        );
        check("out/cat", "out/cat.shards", "cat.shards/{bucket}.json");
        check("my shop#1.json", "my shop#1", "my%20shop%231/{bucket}.json");
    }
}
