//! The discount's configuration and what it takes off a cart, with the engine's price arithmetic
//! (`crossbuy_engine::price::bundle_quote`): the same function prices the widget's cards and
//! bundle row, so the price a shopper was quoted is the price the cart is charged.
//!
//! The configuration is the `$app` `offers` metafield of the discount (JSON), written by
//! `crossbuy shopify discount` from the snapshot with [`config_json`]:
//!
//! ```json
//! {"version":1,"currency":"GBP","message":"Bundle saving",
//!  "offers":[{"id":"trio","kind":"bundle_price","bundle_price":1500,"products":["632910392","632910393"]}]}
//! ```
//!
//! Offers are the snapshot's (`docs/snapshot.md`, "Offers") in the merchant's priority order,
//! amounts in minor units of `currency`, with the products they cover listed by Shopify product
//! id (a tag or type limit is resolved to the products it covers when the configuration is
//! written: the Function cannot read tags). An offer without `products` covers every product.
//!
//! What a cart gets: the first offer, in order, that saves something on the cart's lines. A
//! percent or amount offer takes its saving off every unit of every line it covers. A bundle
//! offer prices one of each product it covers (the first line of a product when several lines
//! share it) as the widget's bundle row does with every item ticked, and takes that off as many
//! complete sets as the cart holds (the smallest quantity among the discounted lines); further
//! units pay the regular price. In a cart whose currency is not the configuration's, only
//! percentage offers without a minimum price apply (amounts in another currency mean something
//! else).

use std::fmt;

use crossbuy_engine::json::{self, Value, Writer};
use crossbuy_engine::money::Currency;
use crossbuy_engine::offer::{Offer, OfferKind};
use crossbuy_engine::price::{bundle_quote, covers};
use crossbuy_engine::read::FieldError;
use crossbuy_engine::{Catalog, SnapshotError};

/// The configuration format version.
pub const CONFIG_VERSION: &str = "1";

/// Shopify's limit on a metafield value read by a Function (bytes).
pub const MAX_CONFIG_BYTES: usize = 10_000;

/// Why a configuration cannot be read or written, with the place (`offers[1].percent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Where: a JSON path in the configuration, or a snapshot path when writing it.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

fn error(path: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        path: path.into(),
        message: message.into(),
    }
}

impl From<FieldError> for ConfigError {
    fn from(e: FieldError) -> Self {
        error(e.path, e.message)
    }
}

/// The discount's configuration, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The currency of the offers' amounts.
    pub currency: Currency,
    /// Shown on the cart beside the discount, when set.
    pub message: Option<String>,
    /// The offers as JSON, in priority order, each checked by the engine's offer reader.
    offers: Vec<Value>,
    /// Each offer's products (Shopify product ids); `None`: every product.
    products: Vec<Option<Vec<String>>>,
}

impl Config {
    /// Reads the `offers` metafield's value. Each offer is checked by the engine's own offer
    /// reader; errors name the place (`offers[0].percent: expected a whole percent …`).
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let root = json::parse(text).map_err(|e| error("", format!("not JSON: {e}")))?;
        let Value::Object(_) = root else {
            return Err(error("", "expected an object"));
        };
        match root.get("version") {
            Some(Value::Number(n)) if n == CONFIG_VERSION => {}
            other => {
                return Err(error(
                    "version",
                    format!(
                        "expected {CONFIG_VERSION}, got {}",
                        other.map_or("nothing".to_owned(), Value::describe)
                    ),
                ))
            }
        }
        let currency = root
            .get("currency")
            .and_then(Value::as_str)
            .and_then(Currency::parse)
            .ok_or_else(|| error("currency", "expected an ISO 4217 code such as \"GBP\""))?;
        let message = match root.get("message") {
            None | Some(Value::Null) => None,
            Some(Value::Str(s)) => Some(s.clone()),
            Some(other) => {
                return Err(error(
                    "message",
                    format!("expected text, got {}", other.describe()),
                ))
            }
        };
        let Some(Value::Array(offers)) = root.get("offers") else {
            return Err(error("offers", "expected an array"));
        };
        let mut products = Vec::with_capacity(offers.len());
        let mut checked = Vec::with_capacity(offers.len());
        for (i, offer) in offers.iter().enumerate() {
            for limit in ["tags", "types"] {
                if offer.get(limit).is_some() {
                    return Err(error(
                        format!("offers[{i}].{limit}"),
                        "a Function cannot read product tags or types: list the products \
                         (`crossbuy shopify discount` does)",
                    ));
                }
            }
            products.push(match offer.get("products") {
                None => None,
                Some(Value::Array(list)) => {
                    let mut out = Vec::with_capacity(list.len());
                    for (k, id) in list.iter().enumerate() {
                        match id {
                            Value::Str(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
                            other => {
                                return Err(error(
                                    format!("offers[{i}].products[{k}]"),
                                    format!("expected a product id, got {}", other.describe()),
                                ))
                            }
                        }
                    }
                    if out.is_empty() {
                        return Err(error(
                            format!("offers[{i}].products"),
                            "an empty list would cover nothing; leave it out to cover every product",
                        ));
                    }
                    // Sorted, for the lookups of every cart line.
                    out.sort();
                    out.dedup();
                    Some(out)
                }
                Some(other) => {
                    return Err(error(
                        format!("offers[{i}].products"),
                        format!("expected an array of product ids, got {}", other.describe()),
                    ))
                }
            });
            // The engine's offer reader checks the rest of the offer (the product list is
            // checked above: the products themselves are the cart's).
            checked.push(match offer {
                Value::Object(fields) => Value::Object(
                    fields
                        .iter()
                        .filter(|(k, _)| k != "products")
                        .cloned()
                        .collect(),
                ),
                other => other.clone(),
            });
        }
        catalog(currency, &[], checked).map_err(|e| match e {
            SnapshotError::Field(f) => ConfigError {
                path: f.path,
                message: f.message,
            },
            SnapshotError::Syntax(s) => error("", s.to_string()),
        })?;
        Ok(Config {
            currency,
            message,
            offers: offers.clone(),
            products,
        })
    }

    /// The offers' ids, in priority order.
    pub fn offer_ids(&self) -> Vec<String> {
        self.offers
            .iter()
            .filter_map(|o| {
                o.get("id")
                    .map(|v| v.as_str().map_or_else(|| v.to_json(), str::to_owned))
            })
            .collect()
    }
}

/// A catalog of `products` (id, price) in `currency` with `offers`, through the engine's own
/// snapshot reader.
fn catalog(
    currency: Currency,
    products: &[(String, i64)],
    offers: Vec<Value>,
) -> Result<Catalog, SnapshotError> {
    let products = products
        .iter()
        .map(|(id, price)| {
            Value::Object(vec![
                ("id".to_owned(), Value::Str(id.clone())),
                (
                    "variant_ids".to_owned(),
                    Value::Array(vec![Value::Str(id.clone())]),
                ),
                ("url".to_owned(), Value::Str("/".to_owned())),
                ("title".to_owned(), Value::Str(String::new())),
                ("price".to_owned(), Value::Number(price.to_string())),
            ])
        })
        .collect();
    let root = Value::Object(vec![
        ("version".to_owned(), Value::Number("1".to_owned())),
        (
            "shop".to_owned(),
            Value::Object(vec![
                ("name".to_owned(), Value::Str("cart".to_owned())),
                (
                    "currency".to_owned(),
                    Value::Str(currency.code().to_owned()),
                ),
            ]),
        ),
        ("products".to_owned(), Value::Array(products)),
        ("offers".to_owned(), Value::Array(offers)),
    ]);
    Ok(Catalog::from_value(&root)?)
}

/// One cart line as the Function reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The cart line's id (`gid://shopify/CartLine/1`).
    pub id: String,
    /// The Shopify product id, plain (`632910392`).
    pub product_id: String,
    /// Units on the line, ≥ 1.
    pub quantity: i64,
    /// The price of one unit, minor units of the cart's currency.
    pub unit_price: i64,
}

/// What comes off one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDiscount {
    /// Index into the lines given to [`apply`].
    pub line: usize,
    /// Minor units off each discounted unit.
    pub per_item: i64,
    /// Units discounted; `None`: all of the line's.
    pub items: Option<i64>,
}

/// The offer a cart gets and what it takes off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The offer's id.
    pub offer: String,
    /// The discounted lines, in cart order.
    pub discounts: Vec<LineDiscount>,
}

/// True when an offer means amounts of its configuration's currency.
fn uses_amounts(o: &Offer) -> bool {
    o.min_price > 0 || matches!(o.kind, OfferKind::Amount(_) | OfferKind::BundlePrice(_))
}

/// The first offer of `config`, in order, that saves something on `lines` (a cart in
/// `currency`), and what it takes off each line; `None` when none does.
pub fn apply(
    config: &Config,
    currency: Currency,
    lines: &[Line],
) -> Result<Option<Applied>, ConfigError> {
    for (offer, limit) in config.offers.iter().zip(&config.products) {
        // The offer over the cart: its products are the lines of the products it lists.
        let mut offer = offer.clone();
        if let (Some(ids), Value::Object(fields)) = (limit, &mut offer) {
            let covered: Vec<Value> = lines
                .iter()
                .filter(|l| ids.binary_search(&l.product_id).is_ok())
                .map(|l| Value::Str(l.id.clone()))
                .collect();
            if covered.is_empty() {
                continue;
            }
            for (k, v) in fields.iter_mut() {
                if k == "products" {
                    *v = Value::Array(covered.clone());
                }
            }
        }
        // A per-item offer prices each line it covers on its own; a bundle offer one line of
        // each product (its first), covered or not, as the widget's bundle row prices every
        // ticked item (the bundle's minimum price holds the whole row up).
        let per_item = matches!(
            offer.get("kind").and_then(Value::as_str),
            Some("percent" | "amount")
        );
        let in_offer = |l: &Line| {
            limit
                .as_ref()
                .map_or(true, |ids| ids.binary_search(&l.product_id).is_ok())
        };
        let chosen: Vec<usize> = if per_item {
            (0..lines.len()).filter(|&i| in_offer(&lines[i])).collect()
        } else {
            let mut seen: Vec<&str> = Vec::new();
            let mut first = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                if let Err(at) = seen.binary_search(&l.product_id.as_str()) {
                    seen.insert(at, &l.product_id);
                    first.push(i);
                }
            }
            first
        };
        let products: Vec<(String, i64)> = chosen
            .iter()
            .map(|&i| (lines[i].id.clone(), lines[i].unit_price))
            .collect();
        let catalog = catalog(currency, &products, vec![offer]).map_err(|e| match e {
            SnapshotError::Field(f) => ConfigError {
                path: f.path,
                message: f.message,
            },
            SnapshotError::Syntax(s) => error("", s.to_string()),
        })?;
        let Some(o) = catalog.offers.first() else {
            continue;
        };
        if currency != config.currency && uses_amounts(o) {
            continue;
        }
        let items: Vec<usize> = (0..chosen.len()).collect();
        // None: the prices do not add up within an i64 (not below 9,223 items of the
        // snapshot's largest price); the widget shows no bundle row then, so nothing is taken off.
        let Some(quote) = bundle_quote(&catalog, &items, &[], Some(o)) else {
            continue;
        };
        if quote.saving <= 0 {
            continue;
        }
        let mut discounts: Vec<LineDiscount> = quote
            .lines
            .iter()
            .filter_map(|b| {
                let off = b.was? - b.price;
                (off > 0).then_some(LineDiscount {
                    line: chosen[b.product],
                    per_item: off,
                    items: None,
                })
            })
            .collect();
        if !per_item {
            let sets = discounts
                .iter()
                .map(|d| lines[d.line].quantity)
                .min()
                .unwrap_or(0);
            for d in &mut discounts {
                d.items = Some(sets);
            }
        }
        discounts.sort_by_key(|d| d.line);
        return Ok(Some(Applied {
            offer: o.id.clone(),
            discounts,
        }));
    }
    Ok(None)
}

/// The `offers` metafield's value for `offers` (indices into `catalog.offers`, in priority
/// order), with each offer's tag and type limits resolved to the catalog's products. Product
/// ids must be Shopify's numeric ids (a snapshot built with `--shopify-products-json`).
pub fn config_json(
    catalog: &Catalog,
    offers: &[usize],
    message: Option<&str>,
) -> Result<String, ConfigError> {
    let mut w = Writer(String::new());
    w.open('{');
    w.key("version").raw(CONFIG_VERSION);
    w.key("currency").str(catalog.shop.currency.code());
    if let Some(m) = message {
        w.key("message").str(m);
    }
    w.key("offers").open('[');
    for &i in offers {
        let o = catalog
            .offers
            .get(i)
            .ok_or_else(|| error(format!("offers[{i}]"), "no such offer"))?;
        w.open('{');
        w.key("id").str(&o.id);
        match o.kind {
            OfferKind::Percent(p) => {
                w.key("kind").str("percent");
                w.key("percent").int(i64::from(p));
            }
            OfferKind::Amount(a) => {
                w.key("kind").str("amount");
                w.key("amount").int(a);
            }
            OfferKind::BundlePrice(b) => {
                w.key("kind").str("bundle_price");
                w.key("bundle_price").int(b);
            }
            OfferKind::BundlePercent { percent, min_items } => {
                w.key("kind").str("bundle_percent");
                w.key("percent").int(i64::from(percent));
                w.key("min_items").int(i64::from(min_items));
            }
        }
        if o.min_price > 0 {
            w.key("min_price").int(o.min_price);
        }
        if !(o.products.is_empty() && o.tags.is_empty() && o.types.is_empty()) {
            let covered: Vec<&str> = catalog
                .products
                .iter()
                .enumerate()
                .filter(|(p, product)| covers(o, *p, product))
                .map(|(_, product)| product.id.as_str())
                .collect();
            if covered.is_empty() {
                return Err(error(
                    format!("offers[{i}] (\"{}\")", o.id),
                    "covers no product of the snapshot",
                ));
            }
            if let Some(id) = covered.iter().find(|id| !is_shopify_id(id)) {
                return Err(error(
                    format!("offers[{i}] (\"{}\")", o.id),
                    format!(
                        "covers product \"{id}\", which has no Shopify product id: build the \
                         snapshot with --shopify-products-json"
                    ),
                ));
            }
            w.key("products").open('[');
            for id in covered {
                w.str(id);
            }
            w.close(']');
        }
        w.close('}');
    }
    w.close(']');
    w.close('}');
    Ok(w.0)
}

/// A Shopify id as the snapshot keeps it: digits only.
fn is_shopify_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// The number at the end of a Shopify gid (`gid://shopify/Product/632910392` → `632910392`); the
/// text itself when it is not a gid.
pub fn plain_id(gid: &str) -> &str {
    gid.rsplit_once('/').map_or(gid, |(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> String {
        match Config::parse(text) {
            Ok(c) => format!("ok {} {:?}", c.currency.code(), c.offer_ids()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_configuration_that_cannot_be_used_is_named_with_its_place() {
        let ok = r#"{"version":1,"currency":"gbp","offers":[{"id":"a","kind":"percent","percent":10,"products":["1"]},{"id":"b","kind":"amount","amount":100}]}"#;
        assert_eq!(parse(ok), r#"ok GBP ["a", "b"]"#);
        for (text, expected) in [
            ("", "not JSON: line 1, column 1: unexpected end of input"),
            ("[]", "expected an object"),
            (r#"{"version":2}"#, "version: expected 1, got 2"),
            (r#"{"version":1,"currency":"pounds"}"#, "currency: expected an ISO 4217 code such as \"GBP\""),
            (r#"{"version":1,"currency":"GBP","message":7,"offers":[]}"#, "message: expected text, got 7"),
            (r#"{"version":1,"currency":"GBP"}"#, "offers: expected an array"),
            (r#"{"version":1,"currency":"GBP","offers":[{"id":"a","kind":"percent","percent":10,"tags":["x"]}]}"#,
             "offers[0].tags: a Function cannot read product tags or types: list the products (`crossbuy shopify discount` does)"),
            (r#"{"version":1,"currency":"GBP","offers":[{"id":"a","kind":"percent","percent":10,"products":[]}]}"#,
             "offers[0].products: an empty list would cover nothing; leave it out to cover every product"),
            (r#"{"version":1,"currency":"GBP","offers":[{"id":"a","kind":"percent","percent":10,"products":[1]}]}"#,
             "offers[0].products[0]: expected a product id, got 1"),
            (r#"{"version":1,"currency":"GBP","offers":[{"id":"a","kind":"percent","percent":0}]}"#,
             "offers[0].percent: expected a whole percent from 1 to 100, got 0"),
            (r#"{"version":1,"currency":"GBP","offers":[{"id":"a","kind":"half"}]}"#,
             "offers[0].kind: expected \"percent\", \"amount\", \"bundle_price\" or \"bundle_percent\", got \"half\""),
        ] {
            assert_eq!(parse(text), expected, "{text}");
        }
    }

    #[test]
    fn the_configuration_lists_what_each_offer_covers_by_shopify_id() {
        let catalog = Catalog::parse(
            r#"{"version":1,"shop":{"name":"T","currency":"GBP"},"products":[
              {"id":"11","variant_ids":["111"],"url":"/a","title":"A","price":100,"tags":["Gift"]},
              {"id":"12","variant_ids":["121"],"url":"/b","title":"B","price":200,"type":"Candles"},
              {"id":"handle-c","variant_ids":["c1"],"url":"/c","title":"C","price":300}],
             "offers":[{"id":"t","kind":"percent","percent":10,"tags":["gift"],"types":["candles"],"min_price":50},
                       {"id":"all","kind":"bundle_percent","percent":5,"min_items":3},
                       {"id":"c","kind":"amount","amount":5,"products":["handle-c"]}]}"#,
        )
        .expect("catalog");
        assert_eq!(
            config_json(&catalog, &[0, 1], Some("Saving")).expect("config"),
            r#"{"version":1,"currency":"GBP","message":"Saving","offers":[{"id":"t","kind":"percent","percent":10,"min_price":50,"products":["11","12"]},{"id":"all","kind":"bundle_percent","percent":5,"min_items":3}]}"#
        );
        assert_eq!(
            config_json(&catalog, &[2], None).map_err(|e| e.to_string()),
            Err("offers[2] (\"c\"): covers product \"handle-c\", which has no Shopify product id: build the snapshot with --shopify-products-json".to_owned())
        );
    }
}
