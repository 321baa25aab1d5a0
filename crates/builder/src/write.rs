//! Writes the snapshot v1 JSON (docs/snapshot.md): compact, one product per line.

use std::fmt::Write;

use super::build::Built;
use super::dates::rfc3339;
use crossbuy_engine::json::escape_into;
use crossbuy_engine::offer::{Offer, OfferKind};
use crossbuy_engine::snapshot::{Product, Rules, Shop};
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

/// Appends `s` as a JSON string. Runs of characters that need no escape are copied whole;
/// the rest go through the engine's `escape_into`, so the output is the engine's byte for byte.
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        // Control characters, `"`, `\\`, `<`, `>`, `&`, and 0xE2 (which starts U+2028/U+2029).
        if b < 0x20 || matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&' | 0xE2) {
            if b == 0xE2 && !matches!(bytes.get(i + 1..i + 3), Some([0x80, 0xA8 | 0xA9])) {
                continue;
            }
            out.push_str(&s[start..i]);
            let end = if b == 0xE2 { i + 3 } else { i + 1 };
            escape_into(out, &s[i..end]);
            start = end;
        }
    }
    // Bytes skipped inside a U+2028/2029 sequence were consumed above.
    if start < bytes.len() {
        out.push_str(&s[start..]);
    }
    out.push('"');
}

fn strings(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, s);
    }
    out.push(']');
}

fn key(out: &mut String, k: &str) {
    out.push(',');
    string(out, k);
    out.push(':');
}

/// The shop object.
pub fn write_shop(out: &mut String, shop: &Shop) {
    out.push_str("{\"name\":");
    string(out, &shop.name);
    key(out, "currency");
    string(out, shop.currency.code());
    if let Some(l) = &shop.locale {
        key(out, "locale");
        string(out, l);
    }
    key(out, "root");
    string(out, &shop.root);
    out.push('}');
}

/// One product object. Neighbour indices are resolved to ids through `ids`.
pub fn write_product(out: &mut String, p: &Product, all: &[Product]) {
    out.push_str("{\"id\":");
    string(out, &p.id);
    key(out, "variant_ids");
    strings(out, &p.variant_ids);
    if let Some(h) = &p.handle {
        key(out, "handle");
        string(out, h);
    }
    if !p.skus.is_empty() {
        key(out, "skus");
        strings(out, &p.skus);
    }
    key(out, "url");
    string(out, &p.url);
    key(out, "title");
    string(out, &p.title);
    if let Some(img) = &p.image {
        key(out, "image");
        string(out, img);
    }
    let _ = write!(out, ",\"price\":{}", p.price);
    if let Some(c) = p.compare_at_price {
        let _ = write!(out, ",\"compare_at_price\":{c}");
    }
    if !p.available {
        out.push_str(",\"available\":false");
    }
    if let Some(t) = &p.product_type {
        key(out, "type");
        string(out, t);
    }
    if let Some(v) = &p.vendor {
        key(out, "vendor");
        string(out, v);
    }
    if !p.tags.is_empty() {
        key(out, "tags");
        strings(out, &p.tags);
    }
    if let Some(d) = p.repurchase_days {
        let _ = write!(out, ",\"repurchase_days\":{d}");
    }
    if !p.neighbours.is_empty() {
        key(out, "neighbours");
        out.push('[');
        for (i, n) in p.neighbours.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"id\":");
            string(out, &all[n.product].id);
            let _ = write!(
                out,
                ",\"score\":{},\"count\":{}}}",
                number(n.score),
                n.count
            );
        }
        out.push(']');
    }
    out.push('}');
}

/// The rules object, or nothing when there are no rules.
pub fn write_rules(out: &mut String, rules: &Rules, all: &[Product]) {
    if rules.pin.is_empty() && rules.exclude.is_empty() && rules.boost.is_empty() {
        return;
    }
    out.push_str(",\"rules\":{");
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !first {
            out.push(',');
        }
        first = false;
    };
    if !rules.pin.is_empty() {
        sep(out);
        out.push_str("\"pin\":{");
        let mut pins: Vec<(&usize, &Vec<usize>)> = rules.pin.iter().collect();
        pins.sort();
        for (i, (from, to)) in pins.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            string(out, &all[*from].id);
            out.push_str(":[");
            for (j, t) in to.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                string(out, &all[*t].id);
            }
            out.push(']');
        }
        out.push('}');
    }
    if !rules.exclude.is_empty() {
        sep(out);
        out.push_str("\"exclude\":[");
        for (i, x) in rules.exclude.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            string(out, &all[*x].id);
        }
        out.push(']');
    }
    if !rules.boost.is_empty() {
        sep(out);
        out.push_str("\"boost\":{");
        let mut boosts: Vec<(&usize, &f64)> = rules.boost.iter().collect();
        boosts.sort_by_key(|b| *b.0);
        for (i, (p, f)) in boosts.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            string(out, &all[*p].id);
            let _ = write!(out, ":{}", number(*f));
        }
        out.push('}');
    }
    out.push('}');
}

/// The offers array (`,"offers":[…]`), or nothing when there are none (docs/snapshot.md,
/// "Offers"). Products are written as their snapshot ids, times as UTC RFC 3339, and the
/// defaults the engine would assume (`pages`, `window_hours`, `min_items`) spelled out.
pub fn write_offers(out: &mut String, offers: &[Offer], all: &[Product]) {
    if offers.is_empty() {
        return;
    }
    out.push_str(",\"offers\":[");
    for (i, o) in offers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        string(out, &o.id);
        let _ = match o.kind {
            OfferKind::Percent(p) => write!(out, ",\"kind\":\"percent\",\"percent\":{p}"),
            OfferKind::Amount(a) => write!(out, ",\"kind\":\"amount\",\"amount\":{a}"),
            OfferKind::BundlePrice(b) => {
                write!(out, ",\"kind\":\"bundle_price\",\"bundle_price\":{b}")
            }
            OfferKind::BundlePercent { percent, min_items } => write!(
                out,
                ",\"kind\":\"bundle_percent\",\"percent\":{percent},\"min_items\":{min_items}"
            ),
        };
        if let Some(c) = &o.code {
            key(out, "code");
            string(out, c);
        }
        let _ = write!(out, ",\"window_hours\":{}", o.window.length_ms / HOUR_MS);
        for (name, at) in [
            ("starts_at", o.starts_at_ms),
            ("ends_at", o.window.ends_at_ms),
        ] {
            if let Some(ms) = at {
                key(out, name);
                string(out, &time::format(ms));
            }
        }
        if o.min_price > 0 {
            let _ = write!(out, ",\"min_price\":{}", o.min_price);
        }
        key(out, "pages");
        let pages: Vec<String> = o.pages.iter().map(|p| p.as_str().to_owned()).collect();
        strings(out, &pages);
        if !o.products.is_empty() {
            key(out, "products");
            let ids: Vec<String> = o.products.iter().map(|&p| all[p].id.clone()).collect();
            strings(out, &ids);
        }
        for (name, list) in [("tags", &o.tags), ("types", &o.types)] {
            if !list.is_empty() {
                key(out, name);
                strings(out, list);
            }
        }
        out.push('}');
    }
    out.push(']');
}

/// The whole snapshot as JSON text.
pub fn to_json(built: &Built) -> String {
    let mut out = String::with_capacity(256 + built.products.len() * 400);
    out.push_str("{\"version\":1");
    if let Some(t) = built.generated_at {
        key(&mut out, "generated_at");
        string(&mut out, &rfc3339(t));
    }
    key(&mut out, "shop");
    write_shop(&mut out, &built.shop);
    out.push_str(",\"products\":[\n");
    for (i, p) in built.products.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        write_product(&mut out, p, &built.products);
    }
    out.push_str("\n]");
    write_rules(&mut out, &built.rules, &built.products);
    write_offers(&mut out, &built.offers, &built.products);
    write_experiment(&mut out, built);
    out.push_str("}\n");
    out
}

/// The experiment and the best-sellers list (`,"experiment":{…},"bestsellers":[…]`), or
/// nothing (docs/snapshot.md, "Experiments").
pub fn write_experiment(out: &mut String, built: &Built) {
    if let Some(e) = &built.experiment {
        key(out, "experiment");
        out.push_str("{\"name\":");
        string(out, &e.name);
        out.push_str(",\"arms\":[");
        for (i, a) in e.arms.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"name\":");
            string(out, &a.name);
            let _ = write!(
                out,
                ",\"weight\":{},\"show\":\"{}\"",
                a.weight,
                a.show.as_str()
            );
            if let Some(c) = a.cards {
                let _ = write!(out, ",\"cards\":{c}");
            }
            if !a.offer {
                out.push_str(",\"offer\":false");
            }
            out.push('}');
        }
        out.push_str("]}");
    }
    if !built.bestsellers.is_empty() {
        key(out, "bestsellers");
        out.push('[');
        for (i, &p) in built.bestsellers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            string(out, &built.products[p].id);
        }
        out.push(']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_the_engine_does() {
        for s in [
            "plain",
            "",
            "<img src=x onerror=alert(1)>",
            "a\"b\\c\n\t\u{1}",
            "caf\u{e9} \u{2028}x\u{2029}\u{2026}€",
            "&amp;",
        ] {
            let mut ours = String::new();
            string(&mut ours, s);
            let mut theirs = String::from("\"");
            escape_into(&mut theirs, s);
            theirs.push('"');
            assert_eq!(ours, theirs, "{s:?}");
        }
    }

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
