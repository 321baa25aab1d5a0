//! The merchant's offers: `[[offers]]` in `crossbuy.toml` (docs/config.md, "Offers") into the
//! engine's [`Offer`]s, which `write` carries into the snapshot's `offers` array.
//!
//! The checks mirror the engine's `parse_offers` field by field, and are stricter where a value
//! the engine would take is surely a mistake (a field the offer's kind does not use, a bundle
//! price of zero), so the builder never writes offers the widget refuses. Each error names its
//! key: `crossbuy.toml: offers[1].percent: expected a whole percent from 1 to 100, got 120`.
//! [`verify`] then has the engine itself read what will be written.

use std::collections::HashMap;

use super::config::OfferConfig;
use super::report::{BuildError, Result};
use super::write::{write_offers, write_product, write_shop};
use crossbuy_engine::deadline::Window;
use crossbuy_engine::json::Writer;
use crossbuy_engine::money::{parse_decimal, DecimalError, MAX_AMOUNT};
use crossbuy_engine::offer::{Offer, OfferKind, DEFAULT_WINDOW_HOURS};
use crossbuy_engine::snapshot::Shop;
use crossbuy_engine::time::{self, HOUR_MS};
use crossbuy_engine::{Catalog, Currency, PageKind, Product};

/// The engine's longest discount code (Shopify's limit).
const MAX_CODE_CHARS: usize = 255;

/// What converting money and product references needs, known once the exports are read.
struct Shopfront<'a> {
    currency: Currency,
    /// Product ids, then handles, then variant ids and SKUs, to indices into `products`.
    refs: HashMap<&'a str, usize>,
}

/// A bad field: its key inside the offer (`percent`, `products[2]`) and what is wrong.
type Field<T> = std::result::Result<T, (String, String)>;

fn bad<T>(key: &str, message: impl Into<String>) -> Field<T> {
    Err((key.to_owned(), message.into()))
}

/// Checks every offer as far as it can before the exports are read: everything but decimal
/// amounts (they need the shop currency) and product references (they need the catalog).
pub fn check(file: &str, offers: &[OfferConfig]) -> Result<()> {
    convert(file, offers, None).map(drop)
}

/// The offers with money in minor units of `currency` and products as indices into `products`.
/// Tags and types that no product has are worth a note: they would silently cover nothing.
pub fn resolve(
    offers: &[OfferConfig],
    products: &[Product],
    currency: Currency,
    notes: &mut Vec<String>,
) -> Result<Vec<Offer>> {
    let shop = Shopfront {
        currency,
        refs: references(products),
    };
    let resolved = convert("crossbuy.toml", offers, Some(&shop))?;
    for (i, o) in offers.iter().enumerate() {
        let missing = |key: &str, names: &[String], has: &dyn Fn(&Product, &str) -> bool| {
            names
                .iter()
                .enumerate()
                .filter(|(_, n)| {
                    !products
                        .iter()
                        .any(|p| has(p, &n.trim().to_ascii_lowercase()))
                })
                .map(|(j, n)| {
                    format!("offers[{i}].{key}[{j}]: no product in the snapshot has \"{n}\"")
                })
                .collect::<Vec<_>>()
        };
        notes.extend(missing("tags", &o.tags, &|p, t| {
            p.tags.iter().any(|x| x.to_ascii_lowercase() == t)
        }));
        notes.extend(missing("types", &o.types, &|p, t| {
            p.product_type
                .as_ref()
                .is_some_and(|x| x.to_ascii_lowercase() == t)
        }));
    }
    Ok(resolved)
}

/// Has the engine read the offers as the widget will: a snapshot of the shop, the products the
/// offers name and the offers, through [`Catalog::parse`]. The checks above mirror the engine;
/// this keeps them honest, and costs a few products' worth of JSON.
pub fn verify(shop: &Shop, products: &[Product], offers: &[Offer]) -> Result<()> {
    if offers.is_empty() {
        return Ok(());
    }
    let mut named: Vec<usize> = offers.iter().flat_map(|o| o.products.clone()).collect();
    named.sort_unstable();
    named.dedup();
    let mut w = Writer(String::new());
    w.open('{').key("version").int(1).key("shop");
    write_shop(&mut w, shop);
    w.key("products").open('[');
    for &i in &named {
        let card = Product {
            neighbours: Vec::new(),
            next: Vec::new(),
            ..products[i].clone()
        };
        write_product(&mut w, &card, products);
    }
    w.close(']');
    write_offers(&mut w, offers, products);
    w.close('}');
    Catalog::parse(&w.0)
        .map(drop)
        .map_err(|e| BuildError::Config {
            path: "crossbuy.toml: offers".to_owned(),
            message: format!("the widget would refuse them ({e}); please report this"),
        })
}

/// Product ids, then handles, then variant ids and SKUs, to indices: the first product to claim
/// a name keeps it, so an id always wins over another product's handle or SKU.
fn references(products: &[Product]) -> HashMap<&str, usize> {
    let mut refs: HashMap<&str, usize> = HashMap::with_capacity(products.len() * 3);
    let aliases: [fn(&Product) -> Vec<&str>; 3] = [
        |p| vec![p.id.as_str()],
        |p| p.handle.iter().map(String::as_str).collect(),
        |p| {
            p.variant_ids
                .iter()
                .chain(&p.skus)
                .map(String::as_str)
                .collect()
        },
    ];
    for names in aliases {
        for (i, p) in products.iter().enumerate() {
            for name in names(p) {
                refs.entry(name).or_insert(i);
            }
        }
    }
    refs
}

fn convert(file: &str, offers: &[OfferConfig], shop: Option<&Shopfront>) -> Result<Vec<Offer>> {
    let mut out: Vec<Offer> = Vec::with_capacity(offers.len());
    for (i, o) in offers.iter().enumerate() {
        let fail = |(key, message): (String, String)| BuildError::Config {
            path: format!("{file}: offers[{i}].{key}"),
            message,
        };
        let offer = one(o, shop).map_err(fail)?;
        if let Some(first) = out.iter().position(|x| x.id == offer.id) {
            return Err(fail((
                "id".to_owned(),
                format!(
                    "duplicate offer id \"{}\" (first at offers[{first}])",
                    offer.id
                ),
            )));
        }
        out.push(offer);
    }
    Ok(out)
}

fn one(o: &OfferConfig, shop: Option<&Shopfront>) -> Field<Offer> {
    let id = o.id.trim();
    if id.is_empty() {
        return bad("id", "expected an id, got an empty string");
    }
    // Each kind takes its own fields; another kind's field is refused, so a misplaced one never
    // silently does nothing.
    let own: &[&str] = match o.kind.as_str() {
        "percent" => &["percent"],
        "amount" => &["amount"],
        "bundle_price" => &["bundle_price"],
        "bundle_percent" => &["percent", "min_items"],
        other => {
            return bad(
                "kind",
                format!("expected \"percent\", \"amount\", \"bundle_price\" or \"bundle_percent\", got \"{other}\""),
            )
        }
    };
    let given = [
        ("percent", o.percent.is_some()),
        ("amount", o.amount.is_some()),
        ("bundle_price", o.bundle_price.is_some()),
        ("min_items", o.min_items.is_some()),
    ];
    for (name, set) in given {
        if set && !own.contains(&name) {
            return bad(name, format!("not used by a \"{}\" offer", o.kind));
        }
    }
    let needs = |what: &str| format!("missing: a \"{}\" offer needs {what}", o.kind);
    let percent = || match o.percent {
        Some(p @ 1..=100) => Ok(p as u32),
        Some(p) => bad(
            "percent",
            format!("expected a whole percent from 1 to 100, got {p}"),
        ),
        None => bad("percent", needs("a whole percent from 1 to 100")),
    };
    let currency = shop.map(|s| s.currency);
    let price = |key: &str, value: &Option<toml::Value>| -> Field<i64> {
        let v = value.as_ref().map_or_else(
            || bad(key, needs("an amount > 0")),
            |v| money(key, v, currency),
        )?;
        if v == 0 {
            return bad(key, "expected an amount > 0");
        }
        Ok(v)
    };
    let kind = match o.kind.as_str() {
        "percent" => OfferKind::Percent(percent()?),
        "amount" => OfferKind::Amount(price("amount", &o.amount)?),
        "bundle_price" => OfferKind::BundlePrice(price("bundle_price", &o.bundle_price)?),
        _ => {
            let min_items = match o.min_items {
                None => 2,
                Some(m @ 2..=0xFFFF_FFFF) => m as u32,
                Some(m) => {
                    return bad(
                        "min_items",
                        format!("a bundle has at least 2 items, got {m}"),
                    )
                }
            };
            OfferKind::BundlePercent {
                percent: percent()?,
                min_items,
            }
        }
    };
    let code = match &o.code {
        None => None,
        Some(raw) => {
            let c = raw.trim();
            if c.is_empty() || c.chars().count() > MAX_CODE_CHARS || c.chars().any(char::is_control)
            {
                return bad(
                    "code",
                    format!(
                        "expected a discount code of 1 to {MAX_CODE_CHARS} characters, got {raw:?}"
                    ),
                );
            }
            Some(c.to_owned())
        }
    };
    let hours = match o.window_hours {
        None => DEFAULT_WINDOW_HOURS,
        Some(h @ 1..=0xFFFF_FFFF) => h as u32,
        Some(h) => {
            return bad(
                "window_hours",
                format!("expected a whole number of hours ≥ 1, got {h}"),
            )
        }
    };
    let starts_at_ms = o
        .starts_at
        .as_ref()
        .map(|t| timestamp("starts_at", t))
        .transpose()?;
    let ends_at_ms = o
        .ends_at
        .as_ref()
        .map(|t| timestamp("ends_at", t))
        .transpose()?;
    if let (Some(s), Some(e)) = (starts_at_ms, ends_at_ms) {
        if e <= s {
            return bad("ends_at", "ends before starts_at");
        }
    }
    let min_price = o
        .min_price
        .as_ref()
        .map(|m| money("min_price", m, currency))
        .transpose()?
        .unwrap_or(0);
    let pages = match &o.pages {
        None => vec![PageKind::Checkout, PageKind::ThankYou],
        Some(names) if names.is_empty() => return bad("pages", "expected at least one page"),
        Some(names) => names
            .iter()
            .enumerate()
            .map(|(j, n)| {
                PageKind::parse(n).map_or_else(
                    || {
                        bad(
                            &format!("pages[{j}]"),
                            format!("expected \"product\", \"cart\", \"checkout\" or \"thank_you\", got \"{n}\""),
                        )
                    },
                    Ok,
                )
            })
            .collect::<Field<Vec<PageKind>>>()?,
    };
    let mut products: Vec<usize> = Vec::new();
    for (j, name) in o.products.iter().enumerate() {
        let key = format!("products[{j}]");
        let name = name.trim();
        if name.is_empty() {
            return bad(
                &key,
                "expected a product id, handle or SKU, got an empty string",
            );
        }
        if let Some(shop) = shop {
            match shop.refs.get(name) {
                Some(&i) if !products.contains(&i) => products.push(i),
                Some(_) => {}
                None => return bad(&key, format!("unknown product \"{name}\"")),
            }
        }
    }
    let lower = |key: &str, names: &[String]| -> Field<Vec<String>> {
        names
            .iter()
            .enumerate()
            .map(|(j, n)| match n.trim() {
                "" => bad(
                    &format!("{key}[{j}]"),
                    "expected a name, got an empty string",
                ),
                t => Ok(t.to_ascii_lowercase()),
            })
            .collect()
    };
    Ok(Offer {
        id: id.to_owned(),
        kind,
        code,
        window: Window {
            length_ms: i64::from(hours) * HOUR_MS,
            ends_at_ms,
        },
        starts_at_ms,
        min_price,
        pages,
        products,
        tags: lower("tags", &o.tags)?,
        types: lower("types", &o.types)?,
    })
}

/// A money field: integer minor units, or a decimal string in the shop currency (`"15.00"` is
/// 1500 pence, 15 yen written `"15"`, 15 dinars `"15.000"`), read exactly. Without the currency
/// (before the exports are read) a string is checked for its form only.
fn money(key: &str, v: &toml::Value, currency: Option<Currency>) -> Field<i64> {
    let amount = match (v, currency) {
        (toml::Value::Integer(n), _) => *n,
        (toml::Value::String(s), Some(c)) => match parse_decimal(s, c.exponent()) {
            Ok(n) => n,
            Err(DecimalError::TooPrecise) => {
                return bad(
                    key,
                    format!(
                        "{} ({} has {}), got \"{s}\"",
                        DecimalError::TooPrecise,
                        c.code(),
                        c.exponent()
                    ),
                )
            }
            Err(e) => return bad(key, format!("{e}, got \"{s}\"")),
        },
        // The form does not depend on the currency; the decimal places do, so they wait.
        (toml::Value::String(s), None) => match parse_decimal(s, 0) {
            Ok(n) => n,
            Err(DecimalError::NotDecimal) => {
                return bad(key, format!("{}, got \"{s}\"", DecimalError::NotDecimal))
            }
            Err(_) => 1,
        },
        (toml::Value::Float(f), _) => {
            return bad(
                key,
                format!("got the number {f}: write integer minor units (1500) or a decimal string (\"15.00\"), so the amount is exact"),
            )
        }
        (other, _) => {
            return bad(
                key,
                format!(
                    "expected integer minor units or a decimal string such as \"15.00\", got a {}",
                    other.type_str()
                ),
            )
        }
    };
    if amount < 0 {
        return bad(key, format!("expected an amount ≥ 0, got {v}"));
    }
    // The snapshot's bound, so the widget reads what the builder writes.
    if amount > MAX_AMOUNT {
        return bad(
            key,
            format!(
                "expected at most {MAX_AMOUNT} minor units (crossbuy's largest amount), got {v}"
            ),
        );
    }
    Ok(amount)
}

/// A campaign time: RFC 3339 text or a TOML date-time (`2026-11-01T00:00:00Z`); a date alone is
/// midnight UTC.
fn timestamp(key: &str, v: &toml::Value) -> Field<i64> {
    let text = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => {
            return bad(
                key,
                format!(
                    "expected a time such as \"2026-12-31T23:59:59Z\", got a {}",
                    other.type_str()
                ),
            )
        }
    };
    time::parse(&text).map_err(|e| {
        (
            key.to_owned(),
            format!("expected a time such as \"2026-12-31T23:59:59Z\": {e}"),
        )
    })
}
