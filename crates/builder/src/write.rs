//! Writes the snapshot v1 JSON (docs/snapshot.md): compact, one product per line, through the
//! engine's JSON writer ([`Writer`], which escapes strings as the engine reads them).

use super::build::Built;
use crossbuy_engine::json::Writer;
use crossbuy_engine::offer::{Offer, OfferKind};
use crossbuy_engine::snapshot::{Neighbour, Product, Rules, Shop};
use crossbuy_engine::time::{self, HOUR_MS};

/// A non-negative score with 4 significant digits, as a JSON number (`0.6123`, `12.5`, `0`).
pub fn number(x: f64) -> String {
    if !(x.is_finite() && x > 1e-12) {
        return "0".to_owned();
    }
    let magnitude = x.log10().floor() as i32;
    let decimals = (3 - magnitude).clamp(0, 15) as usize;
    let mut s = format!("{x:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    s
}

/// An object key that comes from the data (a product id), escaped like a string value.
pub(crate) fn id_key(w: &mut Writer, id: &str) {
    w.str(id);
    w.0.push(':');
}

/// An array of strings.
pub(crate) fn strings<S: AsRef<str>>(w: &mut Writer, items: &[S]) {
    w.open('[');
    for s in items {
        w.str(s.as_ref());
    }
    w.close(']');
}

/// An item of an array that starts on a line of its own: `\n` before the first, `,\n` before
/// the others. `write` writes the item into `scratch` (cleared first), which is then appended.
pub(crate) fn item_on_its_line(
    out: &mut Writer,
    first: bool,
    scratch: &mut Writer,
    write: impl FnOnce(&mut Writer),
) {
    out.0.push_str(if first { "\n" } else { ",\n" });
    scratch.0.clear();
    write(scratch);
    out.0.push_str(&scratch.0);
}

/// The shop object.
pub fn write_shop(w: &mut Writer, shop: &Shop) {
    w.open('{').key("name").str(&shop.name);
    w.key("currency").str(shop.currency.code());
    if let Some(l) = &shop.locale {
        w.key("locale").str(l);
    }
    w.key("root").str(&shop.root).close('}');
}

/// One product object. Neighbour indices are resolved to ids through `all`.
pub fn write_product(w: &mut Writer, p: &Product, all: &[Product]) {
    write_fields(w, p, all, false);
}

/// A product as a card of the sharded form: what the widget needs to show it, without its own
/// neighbours, with only the variant added to the cart and without the aliases a context
/// matches (its own shard has them).
pub fn write_card(w: &mut Writer, p: &Product) {
    write_fields(w, p, &[], true);
}

fn write_fields(w: &mut Writer, p: &Product, all: &[Product], card: bool) {
    w.open('{').key("id").str(&p.id);
    w.key("variant_ids");
    strings(
        w,
        if card {
            &p.variant_ids[..p.variant_ids.len().min(1)]
        } else {
            &p.variant_ids
        },
    );
    if let Some(h) = p.handle.as_ref().filter(|_| !card) {
        w.key("handle").str(h);
    }
    if !p.skus.is_empty() && !card {
        w.key("skus");
        strings(w, &p.skus);
    }
    w.key("url").str(&p.url);
    w.key("title").str(&p.title);
    if let Some(img) = &p.image {
        w.key("image").str(img);
    }
    w.key("price").int(p.price);
    if let Some(c) = p.compare_at_price {
        w.key("compare_at_price").int(c);
    }
    if !p.available {
        w.key("available").bool(false);
    }
    if let Some(t) = &p.product_type {
        w.key("type").str(t);
    }
    if let Some(v) = &p.vendor {
        w.key("vendor").str(v);
    }
    if !p.tags.is_empty() {
        w.key("tags");
        strings(w, &p.tags);
    }
    if let Some(d) = p.repurchase_days {
        w.key("repurchase_days").int(i64::from(d));
    }
    if !card {
        neighbour_list(w, "neighbours", &p.neighbours, all);
        // The next-order list only where it differs: a product without one ranks by
        // `neighbours` on every page.
        if p.has_own_next() {
            neighbour_list(w, "next", &p.next, all);
        }
    }
    w.close('}');
}

/// `"key":[{"id":…,"score":…,"count":…},…]`, or nothing for an empty list.
fn neighbour_list(w: &mut Writer, key: &str, list: &[Neighbour], all: &[Product]) {
    if list.is_empty() {
        return;
    }
    w.key(key).open('[');
    for n in list {
        w.open('{').key("id").str(&all[n.product].id);
        w.key("score").raw(&number(n.score));
        w.key("count").int(i64::from(n.count)).close('}');
    }
    w.close(']');
}

/// The rules object (`,"rules":{…}`), or nothing when there are no rules.
pub fn write_rules(w: &mut Writer, rules: &Rules, all: &[Product]) {
    if rules.pin.is_empty() && rules.exclude.is_empty() && rules.boost.is_empty() {
        return;
    }
    w.key("rules").open('{');
    if !rules.pin.is_empty() {
        w.key("pin").open('{');
        let mut pins: Vec<(&usize, &Vec<usize>)> = rules.pin.iter().collect();
        pins.sort();
        for (from, to) in pins {
            id_key(w, &all[*from].id);
            w.open('[');
            for t in to {
                w.str(&all[*t].id);
            }
            w.close(']');
        }
        w.close('}');
    }
    if !rules.exclude.is_empty() {
        w.key("exclude").open('[');
        for x in &rules.exclude {
            w.str(&all[*x].id);
        }
        w.close(']');
    }
    if !rules.boost.is_empty() {
        w.key("boost").open('{');
        let mut boosts: Vec<(&usize, &f64)> = rules.boost.iter().collect();
        boosts.sort_by_key(|b| *b.0);
        for (p, f) in boosts {
            id_key(w, &all[*p].id);
            w.raw(&number(*f));
        }
        w.close('}');
    }
    w.close('}');
}

/// The offers array (`,"offers":[…]`), or nothing when there are none (docs/snapshot.md,
/// "Offers"). Products are written as their snapshot ids, times as UTC RFC 3339, and the
/// defaults the engine would assume (`pages`, `window_hours`, `min_items`) spelled out.
pub fn write_offers(w: &mut Writer, offers: &[Offer], all: &[Product]) {
    if offers.is_empty() {
        return;
    }
    w.key("offers").open('[');
    for o in offers {
        w.open('{').key("id").str(&o.id);
        match o.kind {
            OfferKind::Percent(p) => {
                w.key("kind")
                    .str("percent")
                    .key("percent")
                    .int(i64::from(p));
            }
            OfferKind::Amount(a) => {
                w.key("kind").str("amount").key("amount").int(a);
            }
            OfferKind::BundlePrice(b) => {
                w.key("kind").str("bundle_price").key("bundle_price").int(b);
            }
            OfferKind::BundlePercent { percent, min_items } => {
                w.key("kind").str("bundle_percent");
                w.key("percent").int(i64::from(percent));
                w.key("min_items").int(i64::from(min_items));
            }
        }
        if let Some(c) = &o.code {
            w.key("code").str(c);
        }
        w.key("window_hours").int(o.window.length_ms / HOUR_MS);
        for (name, at) in [
            ("starts_at", o.starts_at_ms),
            ("ends_at", o.window.ends_at_ms),
        ] {
            if let Some(ms) = at {
                w.key(name).str(&time::format(ms));
            }
        }
        if o.min_price > 0 {
            w.key("min_price").int(o.min_price);
        }
        w.key("pages").open('[');
        for page in &o.pages {
            w.str(page.as_str());
        }
        w.close(']');
        if !o.products.is_empty() {
            w.key("products").open('[');
            for &p in &o.products {
                w.str(&all[p].id);
            }
            w.close(']');
        }
        for (name, list) in [("tags", &o.tags), ("types", &o.types)] {
            if !list.is_empty() {
                w.key(name);
                strings(w, list);
            }
        }
        w.close('}');
    }
    w.close(']');
}

/// The shop, and the build time when known: the members every snapshot file starts with.
pub(crate) fn write_head(w: &mut Writer, built: &Built) {
    w.open('{').key("version").int(1);
    if let Some(t) = built.generated_at {
        w.key("generated_at")
            .str(&time::format(t.saturating_mul(1000)));
    }
    w.key("shop");
    write_shop(w, &built.shop);
}

/// The whole snapshot as JSON text.
pub fn to_json(built: &Built) -> String {
    let mut w = Writer(String::with_capacity(256 + built.products.len() * 400));
    write_head(&mut w, built);
    w.key("products").open('[');
    let mut scratch = Writer(String::with_capacity(1024));
    for (i, p) in built.products.iter().enumerate() {
        item_on_its_line(&mut w, i == 0, &mut scratch, |s| {
            write_product(s, p, &built.products)
        });
    }
    w.0.push('\n');
    w.close(']');
    write_rules(&mut w, &built.rules, &built.products);
    write_offers(&mut w, &built.offers, &built.products);
    write_experiment(&mut w, built);
    w.close('}');
    w.0.push('\n');
    w.0
}

/// The experiment and the best-sellers list (`"experiment":{…},"bestsellers":[…]`), or
/// nothing (docs/snapshot.md, "Experiments").
pub fn write_experiment(w: &mut Writer, built: &Built) {
    if let Some(e) = &built.experiment {
        w.key("experiment").open('{').key("name").str(&e.name);
        w.key("arms").open('[');
        for a in &e.arms {
            w.open('{').key("name").str(&a.name);
            w.key("weight").int(i64::from(a.weight));
            w.key("show").str(a.show.as_str());
            if let Some(c) = a.cards {
                w.key("cards").int(i64::from(c));
            }
            if !a.offer {
                w.key("offer").bool(false);
            }
            w.close('}');
        }
        w.close(']').close('}');
    }
    if !built.bestsellers.is_empty() {
        w.key("bestsellers").open('[');
        for &p in &built.bestsellers {
            w.str(&built.products[p].id);
        }
        w.close(']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_keep_four_significant_digits() {
        for (x, s) in [
            (0.61234, "0.6123"),
            (12.5, "12.5"),
            (1234.56, "1235"),
            (0.000012346, "0.00001235"),
            (1.0, "1"),
            (0.0, "0"),
            (f64::NAN, "0"),
        ] {
            assert_eq!(number(x), s, "{x}");
        }
    }
}
