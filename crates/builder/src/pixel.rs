//! Recommendations precomputed per product for the Shopify customer-events pixel, which may not
//! be able to run the engine (docs/snapshot.md, "Pixel fallback"):
//!
//! ```json
//! {"version":1,"currency":"GBP","products":{
//! "632910392":[{"id":"632910393","variant_id":"808950811","title":"Green Tea","url":"/products/green-tea","price":425},…]}}
//! ```
//!
//! Each list is the engine's [`recommend`] for that product alone (pins, exclusions and boosts
//! applied), best first, at most [`MAX_CARDS`] long; products with nothing to recommend are left
//! out.

use std::fmt::Write as _;

use super::write::string;
use crossbuy_engine::score::{recommend, MAX_CARDS};
use crossbuy_engine::Catalog;

/// The pixel file's format version.
pub const PIXEL_VERSION: u32 = 1;

/// The `recommendations.json` text for `catalog`.
pub fn recommendations_json(catalog: &Catalog) -> String {
    let mut out = String::with_capacity(64 + catalog.products.len() * 600);
    let _ = write!(out, "{{\"version\":{PIXEL_VERSION},\"currency\":");
    string(&mut out, catalog.shop.currency.code());
    out.push_str(",\"products\":{");
    let mut first = true;
    for (i, p) in catalog.products.iter().enumerate() {
        let recs = recommend(catalog, &[i], MAX_CARDS);
        if recs.is_empty() {
            continue;
        }
        out.push_str(if first { "\n" } else { ",\n" });
        first = false;
        string(&mut out, &p.id);
        out.push_str(":[");
        for (k, r) in recs.iter().enumerate() {
            let q = &catalog.products[r.product];
            if k > 0 {
                out.push(',');
            }
            out.push_str("{\"id\":");
            string(&mut out, &q.id);
            out.push_str(",\"variant_id\":");
            string(&mut out, q.default_variant());
            out.push_str(",\"title\":");
            string(&mut out, &q.title);
            out.push_str(",\"url\":");
            string(&mut out, &q.url);
            let _ = write!(out, ",\"price\":{}", q.price);
            if let Some(was) = q.was_price() {
                let _ = write!(out, ",\"compare_at_price\":{was}");
            }
            if let Some(img) = &q.image {
                out.push_str(",\"image\":");
                string(&mut out, img);
            }
            out.push('}');
        }
        out.push(']');
    }
    out.push_str("\n}}\n");
    out
}
