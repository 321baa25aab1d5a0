//! Writes the snapshot v1 JSON (docs/snapshot.md): compact, one product per line.

use std::fmt::Write;

use super::build::Built;
use super::dates::rfc3339;
use crate::engine::json::escape_into;
use crate::engine::snapshot::{Product, Rules, Shop};

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

fn string(out: &mut String, s: &str) {
    out.push('"');
    escape_into(out, s);
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
pub fn write_product(out: &mut String, p: &Product, ids: &dyn Fn(usize) -> String) {
    out.push_str("{\"id\":");
    string(out, &p.id);
    key(out, "variant_ids");
    strings(out, &p.variant_ids);
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
            string(out, &ids(n.product));
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
pub fn write_rules(out: &mut String, rules: &Rules, ids: &dyn Fn(usize) -> String) {
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
            string(out, &ids(*from));
            out.push_str(":[");
            for (j, t) in to.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                string(out, &ids(*t));
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
            string(out, &ids(*x));
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
            string(out, &ids(*p));
            let _ = write!(out, ":{}", number(*f));
        }
        out.push('}');
    }
    out.push('}');
}

/// The whole snapshot as JSON text.
pub fn to_json(built: &Built) -> String {
    let ids = |i: usize| built.products[i].id.clone();
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
        write_product(&mut out, p, &ids);
    }
    out.push_str("\n]");
    write_rules(&mut out, &built.rules, &ids);
    out.push_str("}\n");
    out
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
