//! The sharded snapshot (docs/snapshot.md, "Sharded form"): a small index and, per bucket of
//! products, a shard that is itself a valid snapshot v1 holding those products with their
//! neighbours and the cards the neighbours need. The page fetches the index and the shards of
//! the products in its context, and [`assemble`] joins them into one [`Catalog`].
//!
//! A product's bucket is `fnv1a32(id) % buckets`; its shard url is the index's `shards.path`
//! with `{bucket}` replaced by the bucket number, relative to the index url.

use std::collections::HashMap;

use super::context::PageKind;
use super::hash::fnv1a32;
use super::json::{self, Value};
use super::read::{self, FieldError};
use super::snapshot::{Catalog, SnapshotError};

/// The hash that assigns products to buckets.
pub const HASH: &str = "fnv1a32";

/// What the index says about its shards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardIndex {
    /// Number of buckets, ≥ 1.
    pub buckets: u32,
    /// Shard url template relative to the index, with `{bucket}`.
    pub path: String,
}

impl ShardIndex {
    /// Reads `shards` from a parsed index.
    pub fn from_value(index: &Value) -> read::Result<ShardIndex> {
        let s = read::required(index, "", "shards")?;
        read::object(s, "shards")?;
        let hash = read::string(read::required(s, "shards", "hash")?, "shards.hash")?;
        if hash != HASH {
            return read::fail(
                "shards.hash",
                format!("this crossbuy understands \"{HASH}\", got \"{hash}\"; update crossbuy.js"),
            );
        }
        let buckets = read::count(read::required(s, "shards", "buckets")?, "shards.buckets")?;
        if buckets == 0 {
            return read::fail("shards.buckets", "expected at least 1 bucket");
        }
        let path = read::url(read::required(s, "shards", "path")?, "shards.path")?;
        if !path.contains("{bucket}") {
            return read::fail("shards.path", "expected a template containing {bucket}");
        }
        Ok(ShardIndex { buckets, path })
    }

    /// Parses an index text.
    pub fn parse(text: &str) -> Result<ShardIndex, SnapshotError> {
        Ok(ShardIndex::from_value(&json::parse(text)?)?)
    }

    /// The bucket of a product id.
    pub fn bucket(&self, product_id: &str) -> u32 {
        fnv1a32(product_id.trim()) % self.buckets
    }

    /// The shard url (relative to the index) that holds `product_id`.
    pub fn shard_path(&self, product_id: &str) -> String {
        self.path
            .replace("{bucket}", &self.bucket(product_id).to_string())
    }
}

fn shard_error(i: usize, e: impl std::fmt::Display) -> SnapshotError {
    SnapshotError::Field(FieldError {
        path: format!("shards[{i}]"),
        message: e.to_string(),
    })
}

fn ids_of(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|x| match x {
                Value::Str(s) => Some(s.trim().to_owned()),
                Value::Number(n) => Some(n.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn entries(v: Option<&Value>) -> &[(String, Value)] {
    match v {
        Some(Value::Object(fields)) => fields,
        _ => &[],
    }
}

/// Joins the index and the fetched shards into one catalog. Each shard must be a valid snapshot
/// on its own (its errors are reported as `shards[i]: …`); a product found in several shards is
/// kept once, with its neighbours when one copy has them. The index's rules and offers are kept
/// for the products present. The lists are a cart page's ([`assemble_for`]).
pub fn assemble(index: &str, shards: &[&str]) -> Result<Catalog, SnapshotError> {
    assemble_for(index, shards, PageKind::Cart)
}

/// [`assemble`], with the lists that rank on `page` ([`Catalog::parse_for`]).
pub fn assemble_for(
    index: &str,
    shards: &[&str],
    page: PageKind,
) -> Result<Catalog, SnapshotError> {
    let index_value = json::parse(index)?;
    ShardIndex::from_value(&index_value)?;
    let mut products: Vec<Value> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    let mut pin: Vec<(String, Value)> = Vec::new();
    let mut boost: Vec<(String, Value)> = Vec::new();
    let mut exclude: Vec<String> = Vec::new();
    let has_neighbours = |p: &Value| {
        ["neighbours", "next"]
            .iter()
            .any(|k| matches!(p.get(k), Some(Value::Array(a)) if !a.is_empty()))
    };
    for (i, text) in shards.iter().enumerate() {
        let shard =
            json::parse(text).map_err(|e| shard_error(i, format!("not valid JSON: {e}")))?;
        Catalog::from_value(&shard).map_err(|e| shard_error(i, e))?;
        if let Some(Value::Array(items)) = shard.get("products") {
            for p in items {
                let id = p
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                match position.get(&id) {
                    Some(&at) => {
                        if has_neighbours(p) && !has_neighbours(&products[at]) {
                            products[at] = p.clone();
                        }
                    }
                    None => {
                        position.insert(id, products.len());
                        products.push(p.clone());
                    }
                }
            }
        }
        let rules = shard.get("rules");
        for (k, v) in entries(rules.and_then(|r| r.get("pin"))) {
            if !pin.iter().any(|(x, _)| x == k) {
                pin.push((k.clone(), v.clone()));
            }
        }
        for (k, v) in entries(rules.and_then(|r| r.get("boost"))) {
            if !boost.iter().any(|(x, _)| x == k) {
                boost.push((k.clone(), v.clone()));
            }
        }
        for id in ids_of(rules.and_then(|r| r.get("exclude"))) {
            if !exclude.contains(&id) {
                exclude.push(id);
            }
        }
    }
    // The index's own rules, for the products present.
    let present = |id: &str| position.contains_key(id.trim());
    let index_rules = index_value.get("rules");
    for (k, v) in entries(index_rules.and_then(|r| r.get("pin"))) {
        let targets: Vec<Value> = ids_of(Some(v))
            .into_iter()
            .filter(|t| present(t))
            .map(Value::Str)
            .collect();
        if present(k) && !targets.is_empty() && !pin.iter().any(|(x, _)| x == k) {
            pin.push((k.clone(), Value::Array(targets)));
        }
    }
    for (k, v) in entries(index_rules.and_then(|r| r.get("boost"))) {
        if present(k) && !boost.iter().any(|(x, _)| x == k) {
            boost.push((k.clone(), v.clone()));
        }
    }
    for id in ids_of(index_rules.and_then(|r| r.get("exclude"))) {
        if present(&id) && !exclude.contains(&id) {
            exclude.push(id);
        }
    }
    let mut root: Vec<(String, Value)> = Vec::new();
    if let Value::Object(fields) = &index_value {
        for (k, v) in fields {
            match k.as_str() {
                "products" | "rules" | "shards" => {}
                "offers" => root.push((k.clone(), present_offers(v, &present))),
                _ => root.push((k.clone(), v.clone())),
            }
        }
    }
    root.push(("products".to_owned(), Value::Array(products)));
    root.push((
        "rules".to_owned(),
        Value::Object(vec![
            ("pin".to_owned(), Value::Object(pin)),
            ("boost".to_owned(), Value::Object(boost)),
            (
                "exclude".to_owned(),
                Value::Array(exclude.into_iter().map(Value::Str).collect()),
            ),
        ]),
    ));
    Ok(Catalog::from_value_for(&Value::Object(root), page)?)
}

/// Offers limited to product ids keep only the ids present; an offer whose only limit was a
/// product list with none present covers nothing here and is left out (an empty list would
/// mean "every product").
fn present_offers(offers: &Value, present: &dyn Fn(&str) -> bool) -> Value {
    let Value::Array(list) = offers else {
        return offers.clone();
    };
    let mut out = Vec::new();
    for offer in list {
        let Value::Object(fields) = offer else {
            out.push(offer.clone());
            continue;
        };
        let Some(Value::Array(ids)) = offer.get("products") else {
            out.push(offer.clone());
            continue;
        };
        let kept: Vec<Value> = ids
            .iter()
            .filter(|x| match x {
                Value::Str(s) => present(s),
                Value::Number(n) => present(n),
                _ => true,
            })
            .cloned()
            .collect();
        let other_limits = ["tags", "types"]
            .iter()
            .any(|k| matches!(offer.get(k), Some(Value::Array(a)) if !a.is_empty()));
        if kept.is_empty() && !ids.is_empty() {
            if other_limits {
                let rest = fields
                    .iter()
                    .filter(|(k, _)| k != "products")
                    .cloned()
                    .collect();
                out.push(Value::Object(rest));
            }
            continue;
        }
        let fields = fields
            .iter()
            .map(|(k, v)| {
                if k == "products" {
                    (k.clone(), Value::Array(kept.clone()))
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect();
        out.push(Value::Object(fields));
    }
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOP: &str = r#""version":1,"shop":{"name":"t","currency":"GBP"}"#;

    /// A product: `id` with neighbours `n1 n2…` (`id>n1 n2`), or a bare card (`id`).
    fn product(spec: &str) -> String {
        let (id, nbs) = spec.split_once('>').unwrap_or((spec, ""));
        let nbs: Vec<String> = nbs
            .split_whitespace()
            .map(|n| format!(r#"{{"id":"{n}","score":0.5,"count":2}}"#))
            .collect();
        format!(
            r#"{{"id":"{id}","variant_ids":["v{id}"],"url":"/p/{id}","title":"{id}","price":100,"type":"T","neighbours":[{}]}}"#,
            nbs.join(",")
        )
    }

    /// A shard: products separated by `,`, then optional rules JSON after `|`.
    fn shard(spec: &str) -> String {
        let (products, rules) = spec.split_once('|').unwrap_or((spec, "{}"));
        let products: Vec<String> = products.split(',').map(|p| product(p.trim())).collect();
        format!(
            r#"{{{SHOP},"products":[{}],"rules":{rules}}}"#,
            products.join(",")
        )
    }

    fn check(index_extra: &str, shards: &[&str], expected: &str) {
        let index = format!(
            r#"{{{SHOP},"products":[],"shards":{{"hash":"fnv1a32","buckets":4,"path":"p/{{bucket}}.json"}}{index_extra}}}"#
        );
        let texts: Vec<String> = shards.iter().map(|s| shard(s)).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let got = match assemble(&index, &refs) {
            Ok(c) => {
                let id = |i: usize| c.products[i].id.clone();
                let mut parts: Vec<String> = c
                    .products
                    .iter()
                    .map(|p| {
                        let n: Vec<String> = p.neighbours.iter().map(|n| id(n.product)).collect();
                        if n.is_empty() {
                            p.id.clone()
                        } else {
                            format!("{}>{}", p.id, n.join(" "))
                        }
                    })
                    .collect();
                let mut pins: Vec<String> = c
                    .rules
                    .pin
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "pin {}:{}",
                            id(*k),
                            v.iter().map(|&x| id(x)).collect::<Vec<_>>().join("+")
                        )
                    })
                    .collect();
                pins.sort();
                parts.extend(pins);
                parts.extend(
                    c.rules
                        .exclude
                        .iter()
                        .map(|&x| format!("exclude {}", id(x))),
                );
                parts.extend(c.offers.iter().map(|o| format!("offer {}", o.id)));
                parts.join(", ")
            }
            Err(e) => e.to_string(),
        };
        assert_eq!(got, expected);
    }

    #[test]
    fn shards_join_into_one_catalog() {
        check("", &["a>b c, b, c", "b>a, a"], "a>b c, b>a, c");
        check("", &["a>b, b", "b>a, a"], "a>b, b>a");
        check("", &[], "");
        check(
            "",
            &[r#"a>b, b, z | {"pin":{"a":["z"]},"exclude":["b"]}"#],
            "a>b, b, z, pin a:z, exclude b",
        );
    }

    #[test]
    fn index_rules_and_offers_apply_to_the_products_present() {
        check(
            r#","rules":{"pin":{"a":["b","q"],"q":["a"]},"exclude":["q","b"]},"offers":[
                {"id":"o1","kind":"percent","percent":10,"products":["q"]},
                {"id":"o2","kind":"percent","percent":10,"products":["q","b"]},
                {"id":"o3","kind":"percent","percent":10,"products":["q"],"tags":["x"]}]"#,
            &["a>b, b"],
            "a>b, b, pin a:b, exclude b, offer o2, offer o3",
        );
    }

    #[test]
    fn a_broken_shard_is_named() {
        let index = format!(
            r#"{{{SHOP},"products":[],"shards":{{"hash":"fnv1a32","buckets":2,"path":"p/{{bucket}}.json"}}}}"#
        );
        let good = shard("a");
        let bad = good.replace("\"price\":100", "\"price\":1.5");
        let err = assemble(&index, &[&good, &bad])
            .expect_err("bad shard")
            .to_string();
        assert_eq!(
            err,
            "snapshot shards[1]: products[0].price: expected integer minor units, got 1.5"
        );
        let err = assemble(&index, &[&good, "{"])
            .expect_err("not json")
            .to_string();
        assert!(
            err.starts_with("snapshot shards[1]: not valid JSON: line 1"),
            "{err}"
        );
        let err = assemble(&index.replace("fnv1a32", "md5"), &[])
            .expect_err("hash")
            .to_string();
        assert_eq!(err, "snapshot shards.hash: this crossbuy understands \"fnv1a32\", got \"md5\"; update crossbuy.js");
    }

    #[test]
    fn buckets_come_from_fnv1a() {
        assert_eq!(fnv1a32(""), 0x811c_9dc5);
        assert_eq!(fnv1a32("a"), 0xe40c_292c);
        assert_eq!(fnv1a32("foobar"), 0xbf9c_f968);
        let index = ShardIndex {
            buckets: 7,
            path: "p/{bucket}.json".into(),
        };
        assert_eq!(
            index.shard_path("a"),
            format!("p/{}.json", 0xe40c_292c_u32 % 7)
        );
        assert_eq!(index.shard_path(" a "), index.shard_path("a"));
    }
}
