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
//! out. `crossbuy snapshot --pixel-recommendations` passes the catalog as a thank-you page reads
//! it (`Catalog::parse_for`: the next-order lists), since the pixel runs on checkout_completed.

use super::write::{id_key, item_on_its_line};
use crossbuy_engine::json::Writer;
use crossbuy_engine::score::{recommend, MAX_CARDS};
use crossbuy_engine::Catalog;

/// The pixel file's format version.
pub const PIXEL_VERSION: u32 = 1;

/// The `recommendations.json` text for `catalog`.
pub fn recommendations_json(catalog: &Catalog) -> String {
    let mut w = Writer(String::with_capacity(64 + catalog.products.len() * 600));
    w.open('{').key("version").int(i64::from(PIXEL_VERSION));
    w.key("currency").str(catalog.shop.currency.code());
    w.key("products").open('{');
    let mut first = true;
    let mut scratch = Writer(String::with_capacity(4096));
    for (i, p) in catalog.products.iter().enumerate() {
        let recs = recommend(catalog, &[i], MAX_CARDS);
        if recs.is_empty() {
            continue;
        }
        item_on_its_line(&mut w, first, &mut scratch, |s| {
            id_key(s, &p.id);
            s.open('[');
            for r in &recs {
                let q = &catalog.products[r.product];
                s.open('{').key("id").str(&q.id);
                s.key("variant_id").str(q.default_variant());
                s.key("title").str(&q.title);
                s.key("url").str(&q.url);
                s.key("price").int(q.price);
                if let Some(was) = q.was_price() {
                    s.key("compare_at_price").int(was);
                }
                if let Some(img) = &q.image {
                    s.key("image").str(img);
                }
                s.close('}');
            }
            s.close(']');
        });
        first = false;
    }
    w.0.push('\n');
    w.close('}').close('}');
    w.0.push('\n');
    w.0
}
