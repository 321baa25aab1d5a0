//! The snapshot as app-owned metafields (`docs/install/shopify.md`, "What publish writes"):
//!
//! - the shop's `$app.crossbuy_shop` (JSON): `{"version":1,"shop":{…},"offers":[…]}`, the
//!   snapshot's shop (with `currency_digits`, its currency's minor-unit digits) and offers,
//!   their times and amounts as the engine read them; an offer limited to products, tags or types is limited instead
//!   to the tag `crossbuy-offer:<id>`, which the products it covers carry in their records below
//!   (the same products are covered, and no page needs the list);
//! - each product's `$app.crossbuy` (JSON): `{"p":{…},"n":[…],"pin":[…],"boost":{…}}`: the
//!   product's snapshot record with the neighbours that can be recommended (`p`), the records of
//!   those neighbours and of its pins without their own neighbours (`n`), its pins, and the
//!   boosts of the products in `n`. Products that are never recommended (unavailable, excluded)
//!   are left out of every neighbour list and pin, which recommends exactly what the snapshot
//!   does; products with nothing to recommend get no metafield.
//!
//! A page joins the shop's value with those of the products in its context into a snapshot v1:
//! the context's `p` records first, then the `n` records not written yet, `pin` per context
//! product and the boosts (the theme extension's `snippets/crossbuy-catalog.liquid`, the
//! thank-you extension's `catalog.js`, and [`assemble`] here, which the tests use). The
//! engine then ranks and prices from it exactly as from the whole snapshot.

use crossbuy_engine::json::{self, Value};
use crossbuy_engine::offer::{Offer, OfferKind};
use crossbuy_engine::price::covers;
use crossbuy_engine::time::{self, HOUR_MS};
use crossbuy_engine::Catalog;

/// Shopify's limit on a JSON metafield value written through API 2026-04 and later (bytes).
pub const MAX_VALUE_BYTES: usize = 128_000;

/// The key of the shop's metafield (namespace `$app`).
pub const SHOP_KEY: &str = "crossbuy_shop";
/// The key of each product's metafield (namespace `$app`).
pub const PRODUCT_KEY: &str = "crossbuy";

/// The metafield values for one snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Metafields {
    /// The shop's value.
    pub shop: String,
    /// `(Shopify product id, value)`, in snapshot order.
    pub products: Vec<(String, String)>,
    /// Products whose value is above [`MAX_VALUE_BYTES`]: `(id, bytes)`; they get no metafield.
    pub too_large: Vec<(String, usize)>,
}

/// Why a snapshot cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// Not a valid snapshot.
    #[error("{0}")]
    Snapshot(#[from] crossbuy_engine::SnapshotError),
    /// Products without Shopify's numeric product id: they cannot be given a metafield.
    #[error(
        "{count} products have no Shopify product id (the first is \"{first}\"): build the \
         snapshot with --shopify-products-json (docs/install/shopify.md, \"Building the snapshot\")"
    )]
    NotShopifyIds {
        /// How many.
        count: usize,
        /// The first one.
        first: String,
    },
    /// The shop's value is above the metafield limit.
    #[error("the shop's offers take {0} bytes, above Shopify's {MAX_VALUE_BYTES}-byte limit for a metafield")]
    ShopTooLarge(usize),
}

/// The tag that stands for "covered by offer `id`" in the published records.
pub fn offer_tag(id: &str) -> String {
    format!("crossbuy-offer:{}", id.to_ascii_lowercase())
}

fn fields(v: &Value) -> &[(String, Value)] {
    match v {
        Value::Object(f) => f,
        _ => &[],
    }
}

fn with(mut fields: Vec<(String, Value)>, key: &str, value: Value) -> Vec<(String, Value)> {
    match fields.iter_mut().find(|(k, _)| k == key) {
        Some((_, v)) => *v = value,
        None => fields.push((key.to_owned(), value)),
    }
    fields
}

/// One offer of the shop's value.
fn offer_value(o: &Offer, limited: bool) -> Value {
    let n = |x: i64| Value::Number(x.to_string());
    let s = |x: &str| Value::Str(x.to_owned());
    let mut f = vec![("id".to_owned(), s(&o.id))];
    match o.kind {
        OfferKind::Percent(p) => {
            f.push(("kind".to_owned(), s("percent")));
            f.push(("percent".to_owned(), n(i64::from(p))));
        }
        OfferKind::Amount(a) => {
            f.push(("kind".to_owned(), s("amount")));
            f.push(("amount".to_owned(), n(a)));
        }
        OfferKind::BundlePrice(b) => {
            f.push(("kind".to_owned(), s("bundle_price")));
            f.push(("bundle_price".to_owned(), n(b)));
        }
        OfferKind::BundlePercent { percent, min_items } => {
            f.push(("kind".to_owned(), s("bundle_percent")));
            f.push(("percent".to_owned(), n(i64::from(percent))));
            f.push(("min_items".to_owned(), n(i64::from(min_items))));
        }
    }
    if let Some(code) = &o.code {
        f.push(("code".to_owned(), s(code)));
    }
    f.push(("window_hours".to_owned(), n(o.window.length_ms / HOUR_MS)));
    if let Some(t) = o.starts_at_ms {
        f.push(("starts_at".to_owned(), Value::Str(time::format(t))));
    }
    if let Some(t) = o.window.ends_at_ms {
        f.push(("ends_at".to_owned(), Value::Str(time::format(t))));
    }
    if o.min_price > 0 {
        f.push(("min_price".to_owned(), n(o.min_price)));
    }
    f.push((
        "pages".to_owned(),
        Value::Array(o.pages.iter().map(|p| s(p.as_str())).collect()),
    ));
    if limited {
        f.push((
            "tags".to_owned(),
            Value::Array(vec![Value::Str(offer_tag(&o.id))]),
        ));
    }
    Value::Object(f)
}

/// The metafield values of a snapshot (its JSON text).
pub fn build(snapshot: &str) -> Result<Metafields, BuildError> {
    let catalog = Catalog::parse(snapshot)?;
    let root = json::parse(snapshot).map_err(crossbuy_engine::SnapshotError::from)?;
    let not_shopify: Vec<&str> = catalog
        .products
        .iter()
        .map(|p| p.id.as_str())
        .filter(|id| id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    if let Some(first) = not_shopify.first() {
        return Err(BuildError::NotShopifyIds {
            count: not_shopify.len(),
            first: (*first).to_owned(),
        });
    }
    let records: Vec<&Value> = match root.get("products") {
        Some(Value::Array(items)) => items.iter().collect(),
        _ => Vec::new(),
    };

    // The offers, limited by their tag.
    let limited: Vec<bool> = catalog
        .offers
        .iter()
        .map(|o| !(o.products.is_empty() && o.tags.is_empty() && o.types.is_empty()))
        .collect();
    // The offers as the engine read them (times in RFC 3339, amounts in minor units), limited
    // by their tag.
    let offers: Vec<Value> = catalog
        .offers
        .iter()
        .zip(&limited)
        .map(|(o, &is_limited)| offer_value(o, is_limited))
        .collect();
    // The shop's record, with its currency's minor-unit digits for the thank-you extension,
    // which formats prices without a currency table of its own.
    let mut shop_record: Vec<(String, Value)> = fields(root.get("shop").unwrap_or(&Value::Null))
        .iter()
        .filter(|(k, _)| k != "currency_digits")
        .cloned()
        .collect();
    shop_record.push((
        "currency_digits".to_owned(),
        Value::Number(catalog.shop.currency.exponent().to_string()),
    ));
    let shop = Value::Object(vec![
        ("version".to_owned(), Value::Number("1".to_owned())),
        ("shop".to_owned(), Value::Object(shop_record)),
        ("offers".to_owned(), Value::Array(offers)),
    ])
    .to_json();
    if shop.len() > MAX_VALUE_BYTES {
        return Err(BuildError::ShopTooLarge(shop.len()));
    }

    // Each product's record with the offers' tags, without neighbours (a card).
    let card = |i: usize| -> Vec<(String, Value)> {
        let mut f: Vec<(String, Value)> = fields(records[i])
            .iter()
            .filter(|(k, _)| k != "neighbours")
            .cloned()
            .collect();
        let tags: Vec<Value> = catalog
            .offers
            .iter()
            .zip(&limited)
            .filter(|(o, &l)| l && covers(o, i, &catalog.products[i]))
            .map(|(o, _)| Value::Str(offer_tag(&o.id)))
            .collect();
        if !tags.is_empty() {
            let mut all = match records[i].get("tags") {
                Some(Value::Array(t)) => t.clone(),
                _ => Vec::new(),
            };
            all.extend(tags);
            f = with(f, "tags", Value::Array(all));
        }
        f
    };
    let eligible = |p: usize| catalog.products[p].available && !catalog.rules.exclude.contains(&p);
    let boosts = match root.get("rules").and_then(|r| r.get("boost")) {
        Some(Value::Object(b)) => b.clone(),
        _ => Vec::new(),
    };

    let mut products = Vec::new();
    let mut too_large = Vec::new();
    for (i, product) in catalog.products.iter().enumerate() {
        let neighbours: Vec<usize> = product
            .neighbours
            .iter()
            .map(|n| n.product)
            .filter(|&n| n != i && eligible(n))
            .collect();
        let pins: Vec<usize> = catalog
            .rules
            .pin
            .get(&i)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&p| p != i && eligible(p))
            .collect();
        if neighbours.is_empty() && pins.is_empty() {
            continue;
        }
        // The record's neighbour list, without those that are never recommended.
        let kept: Vec<Value> = match records[i].get("neighbours") {
            Some(Value::Array(list)) => list
                .iter()
                .zip(&product.neighbours)
                .filter(|(_, n)| n.product != i && eligible(n.product))
                .map(|(v, _)| v.clone())
                .collect(),
            _ => Vec::new(),
        };
        let mut p = card(i);
        p.push(("neighbours".to_owned(), Value::Array(kept)));
        let mut cards: Vec<usize> = Vec::new();
        for q in pins.iter().chain(&neighbours) {
            if !cards.contains(q) {
                cards.push(*q);
            }
        }
        let id = |q: usize| Value::Str(catalog.products[q].id.clone());
        let mut value = vec![
            ("p".to_owned(), Value::Object(p)),
            (
                "n".to_owned(),
                Value::Array(cards.iter().map(|&q| Value::Object(card(q))).collect()),
            ),
        ];
        if !pins.is_empty() {
            value.push((
                "pin".to_owned(),
                Value::Array(pins.iter().map(|&q| id(q)).collect()),
            ));
        }
        let boost: Vec<(String, Value)> = boosts
            .iter()
            .filter(|(k, _)| cards.iter().any(|&q| &catalog.products[q].id == k))
            .cloned()
            .collect();
        if !boost.is_empty() {
            value.push(("boost".to_owned(), Value::Object(boost)));
        }
        let text = Value::Object(value).to_json();
        if text.len() > MAX_VALUE_BYTES {
            too_large.push((product.id.clone(), text.len()));
        } else {
            products.push((product.id.clone(), text));
        }
    }
    Ok(Metafields {
        shop,
        products,
        too_large,
    })
}

/// The snapshot a page builds from the shop's value and the values of its context's products,
/// in context order (`None` for a product without one): what the theme extension's Liquid and
/// the thank-you extension do, in Rust for the tests.
pub fn assemble(shop: &str, products: &[Option<&str>]) -> Result<String, json::SyntaxError> {
    let shop = json::parse(shop)?;
    let values: Vec<Value> = products
        .iter()
        .flatten()
        .map(|v| json::parse(v))
        .collect::<Result<_, _>>()?;
    let mut seen: Vec<String> = Vec::new();
    let mut records = Vec::new();
    let mut pin = Vec::new();
    let mut boost = Vec::new();
    let id_of = |r: &Value| {
        r.get("id")
            .map(|v| v.as_str().map_or_else(|| v.to_json(), str::to_owned))
    };
    for v in &values {
        if let Some(p) = v.get("p") {
            let id = id_of(p).unwrap_or_default();
            if !seen.contains(&id) {
                seen.push(id.clone());
                records.push(p.clone());
                if let Some(list) = v.get("pin") {
                    pin.push((id, list.clone()));
                }
            }
        }
    }
    for v in &values {
        if let Some(Value::Array(cards)) = v.get("n") {
            for c in cards {
                let id = id_of(c).unwrap_or_default();
                if !seen.contains(&id) {
                    seen.push(id);
                    records.push(c.clone());
                }
            }
        }
        boost.extend(
            fields(v.get("boost").unwrap_or(&Value::Null))
                .iter()
                .cloned(),
        );
    }
    Ok(Value::Object(vec![
        ("version".to_owned(), Value::Number("1".to_owned())),
        (
            "shop".to_owned(),
            shop.get("shop").cloned().unwrap_or(Value::Null),
        ),
        ("products".to_owned(), Value::Array(records)),
        (
            "rules".to_owned(),
            Value::Object(vec![
                ("pin".to_owned(), Value::Object(pin)),
                ("boost".to_owned(), Value::Object(boost)),
            ]),
        ),
        (
            "offers".to_owned(),
            shop.get("offers").cloned().unwrap_or(Value::Array(vec![])),
        ),
    ])
    .to_json())
}
