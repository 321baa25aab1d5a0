//! Scoring, version 1: complementary products for the items in a context.
//!
//! Each context item's neighbour scores are summed per candidate; the merchant's boosts
//! multiply; pins come first; context items, unavailable and excluded products never appear.
//! Ties are broken by product id so the same input always gives the same cards.

use super::context::PageContext;
use super::snapshot::Catalog;
use super::sort;

/// The widget shows at least this many cards, or nothing.
pub const MIN_CARDS: usize = 2;
/// The widget shows at most this many cards.
pub const MAX_CARDS: usize = 4;
/// Cards shown when the merchant does not say.
pub const DEFAULT_CARDS: usize = 3;

/// One recommended product and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// Index into [`Catalog::products`].
    pub product: usize,
    /// The summed, boosted score; pins score `f64::INFINITY`.
    pub score: f64,
    /// Context products (indices) whose neighbour lists named it, strongest first.
    pub because: Vec<usize>,
    /// Orders with both, summed over the context items.
    pub count: u32,
    /// Placed by a merchant pin.
    pub pinned: bool,
}

/// The catalog products of a context's items, in context order, without repeats. Items are
/// found by product id, else by variant id; unknown items are skipped.
pub fn context_products(catalog: &Catalog, context: &PageContext) -> Vec<usize> {
    let mut out = Vec::new();
    for item in &context.items {
        let found = catalog.product_index(&item.product_id).or_else(|| {
            item.variant_id
                .as_deref()
                .and_then(|v| catalog.variant_product(v))
        });
        if let Some(p) = found {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// The top `limit` (clamped to 1..=[`MAX_CARDS`]) complementary products for `context_items`.
pub fn recommend(catalog: &Catalog, context_items: &[usize], limit: usize) -> Vec<Recommendation> {
    let limit = limit.clamp(1, MAX_CARDS);
    let eligible = |p: usize| {
        catalog.products[p].available
            && !context_items.contains(&p)
            && !catalog.rules.exclude.contains(&p)
    };

    let mut out: Vec<Recommendation> = Vec::new();
    for &c in context_items {
        for &p in catalog.rules.pin.get(&c).into_iter().flatten() {
            if eligible(p) && !out.iter().any(|r| r.product == p) {
                out.push(Recommendation {
                    product: p,
                    score: f64::INFINITY,
                    because: vec![c],
                    count: 0,
                    pinned: true,
                });
            }
        }
    }

    // The scored candidates follow the pins in `out`: a few dozen at most, so a vector beats a
    // hash map in size and speed here. Each candidate's (score, context item) contributions are
    // kept in order as they come, strongest first and then by context item, so `because` needs
    // no sort of its own.
    let pinned = out.len();
    let mut contributions: Vec<Vec<(f64, usize)>> = Vec::new();
    for &c in context_items {
        for n in &catalog.products[c].neighbours {
            if !eligible(n.product) {
                continue;
            }
            let at = match out.iter().position(|r| r.product == n.product) {
                Some(at) if at < pinned => continue,
                Some(at) => at,
                None => {
                    out.push(Recommendation {
                        product: n.product,
                        score: 0.0,
                        because: Vec::new(),
                        count: 0,
                        pinned: false,
                    });
                    contributions.push(Vec::new());
                    out.len() - 1
                }
            };
            let r = &mut out[at];
            r.score += n.score;
            r.count = r.count.saturating_add(n.count);
            let list = &mut contributions[at - pinned];
            // After every contribution that sorts before or with this one (a stable insert).
            let place = list
                .iter()
                .position(|&(s, k)| n.score.total_cmp(&s).then(k.cmp(&c)).is_gt())
                .unwrap_or(list.len());
            list.insert(place, (n.score, c));
        }
    }
    let scored = &mut out[pinned..];
    for (r, list) in scored.iter_mut().zip(&contributions) {
        r.score *= catalog.rules.boost.get(&r.product).copied().unwrap_or(1.0);
        r.because = list.iter().map(|&(_, c)| c).collect();
    }
    sort::sort_by(scored, |a, b| {
        b.score.total_cmp(&a.score).then_with(|| {
            catalog.products[a.product]
                .id
                .cmp(&catalog.products[b.product].id)
        })
    });
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::PageContext;

    /// A catalog from a compact description: `id:price[!unavailable] -> nb:score, nb:score`.
    /// Product `x` has variant id `vx`, handle `handle-x` and SKU `sku-x`.
    fn catalog(spec: &str, rules: &str) -> Catalog {
        let mut products = Vec::new();
        for line in spec.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (head, nbs) = line.split_once("->").unwrap_or((line, ""));
            let head = head.trim();
            let (id, available) = match head.strip_suffix('!') {
                Some(id) => (id, false),
                None => (head, true),
            };
            let neighbours: Vec<String> = nbs
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    let (nid, score) = s.split_once(':').expect("nb:score");
                    format!(r#"{{"id":"{nid}","score":{score},"count":1}}"#)
                })
                .collect();
            products.push(format!(
                r#"{{"id":"{id}","variant_ids":["v{id}"],"handle":"handle-{id}","skus":["sku-{id}"],"url":"/p/{id}","title":"{id}","price":100,"available":{available},"neighbours":[{}]}}"#,
                neighbours.join(",")
            ));
        }
        let text = format!(
            r#"{{"version":1,"shop":{{"name":"t","currency":"GBP"}},"products":[{}],"rules":{rules}}}"#,
            products.join(",")
        );
        Catalog::parse(&text).expect("test catalog")
    }

    /// `context` is `page ids…` (ids may be `v<id>` variant ids or `sku-<id>` SKUs with an
    /// unknown product).
    fn check(spec: &str, rules: &str, context: &str, limit: usize, expected: &str) {
        let cat = catalog(spec, rules);
        let items: Vec<String> = context
            .split_whitespace()
            .map(|id| {
                if id.starts_with('v') || id.starts_with("sku-") {
                    format!(r#"{{"product_id":"unknown-{id}","variant_id":"{id}"}}"#)
                } else {
                    format!(r#"{{"product_id":"{id}"}}"#)
                }
            })
            .collect();
        let ctx = PageContext::parse(&format!(
            r#"{{"page":"thank_you","items":[{}]}}"#,
            items.join(",")
        ))
        .expect("test context");
        let recs = recommend(&cat, &context_products(&cat, &ctx), limit);
        let got: Vec<String> = recs
            .iter()
            .map(|r| {
                let because: Vec<&str> = r
                    .because
                    .iter()
                    .map(|&b| cat.products[b].id.as_str())
                    .collect();
                let score = if r.pinned {
                    "pin".to_owned()
                } else {
                    format!("{:.2}", r.score)
                };
                format!(
                    "{}={} ({})",
                    cat.products[r.product].id,
                    score,
                    because.join("+")
                )
            })
            .collect();
        assert_eq!(got.join(", "), expected);
    }

    const SHOP: &str = "
        a -> b:0.9, c:0.5, d:0.2, e:0.1
        b -> a:0.8, c:0.6, f:0.3
        c -> a:0.1
        d
        e
        f!
        g -> a:1.0
    ";

    #[test]
    fn sums_neighbour_scores_over_the_context() {
        check(SHOP, "{}", "a", 3, "b=0.90 (a), c=0.50 (a), d=0.20 (a)");
        check(SHOP, "{}", "a b", 3, "c=1.10 (b+a), d=0.20 (a), e=0.10 (a)");
        check(SHOP, "{}", "c", 3, "a=0.10 (c)");
    }

    #[test]
    fn never_context_unavailable_or_excluded() {
        check(SHOP, "{}", "b", 4, "a=0.80 (b), c=0.60 (b)");
        check(
            SHOP,
            r#"{"exclude":["c"]}"#,
            "a",
            3,
            "b=0.90 (a), d=0.20 (a), e=0.10 (a)",
        );
        check(SHOP, "{}", "", 3, "");
        check(SHOP, "{}", "zzz", 3, "");
    }

    #[test]
    fn variant_ids_find_their_product() {
        check(SHOP, "{}", "va", 2, "b=0.90 (a), c=0.50 (a)");
    }

    #[test]
    fn handles_and_skus_find_their_product() {
        // A page naming products by handle, variants by SKU, finds the same products.
        check(SHOP, "{}", "handle-a", 2, "b=0.90 (a), c=0.50 (a)");
        check(SHOP, "{}", "sku-a", 2, "b=0.90 (a), c=0.50 (a)");
        check(
            SHOP,
            "{}",
            "handle-a sku-b",
            3,
            "c=1.10 (b+a), d=0.20 (a), e=0.10 (a)",
        );
        check(SHOP, "{}", "handle-zzz sku-zzz", 3, "");
        // A product id wins over another product's handle.
        check(
            "a -> b:0.9, c:0.5\nb\nc\nhandle-a -> c:0.7",
            "{}",
            "handle-a",
            3,
            "c=0.70 (handle-a)",
        );
    }

    #[test]
    fn merchant_pins_and_boosts() {
        check(
            SHOP,
            r#"{"pin":{"a":["e"]}}"#,
            "a",
            3,
            "e=pin (a), b=0.90 (a), c=0.50 (a)",
        );
        check(
            SHOP,
            r#"{"pin":{"a":["f","e"]}}"#,
            "a",
            2,
            "e=pin (a), b=0.90 (a)",
        );
        check(
            SHOP,
            r#"{"boost":{"d":5}}"#,
            "a",
            3,
            "d=1.00 (a), b=0.90 (a), c=0.50 (a)",
        );
    }

    #[test]
    fn limit_is_clamped_and_ties_break_by_id() {
        check(
            "x -> z:0.5, y:0.5, w:0.5, v:0.5, u:0.5\ny\nz\nw\nv\nu",
            "{}",
            "x",
            9,
            "u=0.50 (x), v=0.50 (x), w=0.50 (x), y=0.50 (x)",
        );
        check(SHOP, "{}", "a", 0, "b=0.90 (a)");
    }
}
