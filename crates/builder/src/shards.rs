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
use super::write::{write_card, write_head, write_offers, write_product, write_rules, write_shop};
use crossbuy_engine::hash::fnv1a32;
use crossbuy_engine::json::Writer;
use crossbuy_engine::shards::HASH;

/// Products per bucket, on average, while there are at most [`FEW_SHARDS`] buckets.
pub const PRODUCTS_PER_SHARD: usize = 2;

/// Up to this many buckets, one per [`PRODUCTS_PER_SHARD`] products; beyond, buckets grow to
/// [`PRODUCTS_PER_LARGE_SHARD`] products. Every bucket is a file, and creating one costs about
/// 70 µs here: 25,000 files (a 50,000-product shop at 2 per bucket) took 1.7 s, 6,250 take
/// about 0.4 s, while a 3-item cart then fetches 9.5 KB gzipped instead of 4.1 KB
/// (docs/performance.md).
pub const FEW_SHARDS: usize = 4096;

/// Products per bucket, on average, in a large catalog.
pub const PRODUCTS_PER_LARGE_SHARD: usize = 8;

/// The shard url template written to the index.
pub const SHARD_PATH: &str = "p/{bucket}.json";

/// Buckets for a catalog of `n` products: one per 2 products up to 4,096 buckets, then no more
/// than one per 8 products (4,096 from 8,192 to 32,768 products).
pub fn bucket_count(n: usize) -> u32 {
    let small = n.div_ceil(PRODUCTS_PER_SHARD);
    let large = n.div_ceil(PRODUCTS_PER_LARGE_SHARD).max(FEW_SHARDS);
    small.min(large).clamp(1, u32::MAX as usize) as u32
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
    super::write::write_experiment(&mut w, built);
    w.key("shards").open('{').key("hash").str(HASH);
    w.key("buckets").int(i64::from(buckets));
    w.key("path").str(path).close('}').close('}');
    w.0.push('\n');
    w.0
}

/// The products of each bucket (indices into `built.products`).
fn members(built: &Built, buckets: u32) -> Vec<Vec<usize>> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); buckets as usize];
    for (i, p) in built.products.iter().enumerate() {
        members[(fnv1a32(p.id.trim()) % buckets) as usize].push(i);
    }
    members
}

/// Writes the shard of `primaries` into `w` (cleared first): a snapshot v1 of those products
/// with their neighbours, and a card for each neighbour (of both lists) and pinned product they
/// need.
fn write_shard(w: &mut Writer, built: &Built, primaries: &[usize], excluded: &HashSet<usize>) {
    w.0.clear();
    w.open('{').key("version").int(1).key("shop");
    write_shop(w, &built.shop);
    w.key("products").open('[');
    let mut included: Vec<usize> = primaries.to_vec();
    let mut seen: HashSet<usize> = primaries.iter().copied().collect();
    for &p in primaries {
        let pins = built.rules.pin.get(&p).into_iter().flatten();
        let own = &built.products[p];
        for n in own
            .neighbours
            .iter()
            .chain(&own.next)
            .map(|n| n.product)
            .chain(pins.copied())
        {
            if seen.insert(n) {
                included.push(n);
            }
        }
    }
    for (k, &i) in included.iter().enumerate() {
        let p = &built.products[i];
        if k < primaries.len() {
            write_product(w, p, &built.products);
        } else {
            write_card(w, p);
        }
    }
    w.close(']');
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
            .filter(|(i, _)| seen.contains(i))
            .map(|(&i, &f)| (i, f))
            .collect(),
    };
    write_rules(w, &rules, &built.products);
    w.close('}');
    w.0.push('\n');
}

/// Hands each shard's text to `f` with its bucket, one at a time through one buffer (the shards
/// together are several times the whole snapshot); returns the number of buckets. The files
/// (`write_sharded`) and the browser console's zip both come from here.
pub fn each_shard(built: &Built, mut f: impl FnMut(u32, &str) -> Result<()>) -> Result<u32> {
    let buckets = bucket_count(built.products.len());
    let excluded: HashSet<usize> = built.rules.exclude.iter().copied().collect();
    let mut w = Writer(String::new());
    for (b, primaries) in members(built, buckets).iter().enumerate() {
        write_shard(&mut w, built, primaries, &excluded);
        f(b as u32, &w.0)?;
    }
    Ok(buckets)
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
    let buckets = each_shard(built, |b, text| {
        let path = folder.join(format!("{b}.json"));
        std::fs::write(&path, text).map_err(|e| BuildError::io(&shown(&path), e))
    })?;
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
    fn buckets_grow_with_the_catalog_and_files_stay_few() {
        let got: Vec<(usize, u32)> = [0, 1, 6, 100, 8_192, 8_194, 20_000, 32_768, 50_000, 100_000]
            .into_iter()
            .map(|n| (n, bucket_count(n)))
            .collect();
        assert_eq!(
            got,
            [
                (0, 1),
                (1, 1),
                (6, 3),
                (100, 50),
                (8_192, 4_096),
                (8_194, 4_096),
                (20_000, 4_096),
                (32_768, 4_096),
                (50_000, 6_250),
                (100_000, 12_500)
            ]
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
