//! What the widget would show for a cart, and why, scored by the engine itself: one
//! explanation, printed by `crossbuy recommend` ([`Explanation::text`]) and drawn by the
//! console beside each card ([`Explanation::json`]).

use std::fmt::Write as _;

use crossbuy_engine::money::to_decimal;
use crossbuy_engine::score::{recommend, MIN_CARDS};
use crossbuy_engine::{Catalog, Product};
use serde_json::{json, Value};

use super::report::shown;

/// A cart item as the catalog knows it, or not.
#[derive(Debug, Clone, PartialEq)]
pub enum CartItem {
    /// In the catalog: product index.
    Known(usize),
    /// Not in the catalog (ignored).
    Unknown(String),
}

/// Why a card is there.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The cart product (index) whose neighbour list names the card.
    pub with: usize,
    /// That neighbour's score.
    pub score: f64,
    /// Orders with both (0: a type-level complement, no orders together yet).
    pub count: u32,
}

/// One card the widget shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Product index.
    pub product: usize,
    /// The summed, boosted score (infinite for a pin).
    pub score: f64,
    /// Placed by a merchant pin.
    pub pinned: bool,
    /// The cart product (index) the merchant pinned it for.
    pub pinned_for: Option<usize>,
    /// The merchant's boost factor, when boosted.
    pub boost: Option<f64>,
    /// Per cart product naming it, its evidence.
    pub evidence: Vec<Evidence>,
}

/// The cart read against the catalog, and the cards.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The cart's items in order, each once.
    pub cart: Vec<CartItem>,
    /// The cards, best first (the widget shows none when fewer than [`MIN_CARDS`]).
    pub cards: Vec<Card>,
}

/// What the widget would show for `items` (product or variant ids, handles, SKUs) with at
/// most `limit` cards.
pub fn explain(catalog: &Catalog, items: &[String], limit: usize) -> Explanation {
    let mut cart = Vec::new();
    let mut context = Vec::new();
    for id in items {
        match catalog
            .product_index(id)
            .or_else(|| catalog.variant_product(id))
        {
            Some(i) if !context.contains(&i) => {
                context.push(i);
                cart.push(CartItem::Known(i));
            }
            Some(_) => {}
            None => cart.push(CartItem::Unknown(id.clone())),
        }
    }
    let cards = recommend(catalog, &context, limit)
        .into_iter()
        .map(|r| {
            let evidence = if r.pinned {
                Vec::new()
            } else {
                r.because
                    .iter()
                    .filter_map(|&c| {
                        catalog.products[c]
                            .neighbours
                            .iter()
                            .find(|n| n.product == r.product)
                            .map(|n| Evidence {
                                with: c,
                                score: n.score,
                                count: n.count,
                            })
                    })
                    .collect()
            };
            Card {
                product: r.product,
                score: r.score,
                pinned: r.pinned,
                pinned_for: r.pinned.then(|| r.because.first().copied()).flatten(),
                boost: catalog.rules.boost.get(&r.product).copied(),
                evidence,
            }
        })
        .collect();
    Explanation { cart, cards }
}

/// What a merchant calls a product: its handle when the id is Shopify's number, else its id.
pub fn name(p: &Product) -> &str {
    p.handle.as_deref().unwrap_or(&p.id)
}

/// The evidence in words: "bought together in 3 orders".
pub fn evidence_words(count: u32) -> String {
    match count {
        0 => "no orders together yet: from what shoppers of this type also buy".to_owned(),
        1 => "bought together in 1 order".to_owned(),
        n => format!("bought together in {n} orders"),
    }
}

impl Explanation {
    /// Whether the widget shows the cards (it needs at least [`MIN_CARDS`]).
    pub fn shown(&self) -> bool {
        self.cards.len() >= MIN_CARDS
    }

    /// As JSON, for the console: `{"shown":true,"cart":[…],"cards":[…]}` with each
    /// product's id, name and title.
    pub fn json(&self, catalog: &Catalog) -> Value {
        let product = |i: usize| {
            let p = &catalog.products[i];
            json!({"id": p.id, "name": name(p), "title": p.title})
        };
        let cart: Vec<Value> = self
            .cart
            .iter()
            .map(|item| match item {
                CartItem::Known(i) => {
                    let mut v = product(*i);
                    v["neighbours"] = json!(catalog.products[*i].neighbours.len());
                    v
                }
                CartItem::Unknown(id) => json!({"id": id, "unknown": true}),
            })
            .collect();
        let exp = catalog.shop.currency.exponent();
        let cards: Vec<Value> = self
            .cards
            .iter()
            .map(|c| {
                let p = &catalog.products[c.product];
                let mut v = product(c.product);
                v["variant"] = json!(p.default_variant());
                v["url"] = json!(p.url);
                v["price"] = json!(to_decimal(p.price, exp));
                v["currency"] = json!(catalog.shop.currency.code());
                v["pinned"] = json!(c.pinned);
                v["pinned_for"] = c.pinned_for.map_or(Value::Null, product);
                v["score"] = if c.score.is_finite() {
                    json!(format!("{:.4}", c.score))
                } else {
                    Value::Null
                };
                v["boost"] = c.boost.map_or(Value::Null, |b| json!(b));
                v["evidence"] = c
                    .evidence
                    .iter()
                    .map(|e| {
                        json!({
                            "with": product(e.with),
                            "score": format!("{:.4}", e.score),
                            "orders": e.count,
                            "words": evidence_words(e.count),
                        })
                    })
                    .collect();
                v
            })
            .collect();
        json!({"shown": self.shown(), "cart": cart, "cards": cards})
    }

    /// As `crossbuy recommend` prints it: the cart, then each card with the ids the widget
    /// uses and the evidence behind it. Text from the catalog is shown with control characters
    /// escaped ([`shown`]).
    pub fn text(&self, catalog: &Catalog) -> String {
        let mut out = String::new();
        for item in &self.cart {
            match item {
                CartItem::Known(i) => {
                    let p = &catalog.products[*i];
                    let _ = writeln!(
                        out,
                        "in the cart: {} ({}{}), {} neighbours",
                        shown(&p.title),
                        shown(&p.id),
                        p.handle
                            .as_ref()
                            .map_or(String::new(), |h| format!(", handle {}", shown(h))),
                        p.neighbours.len()
                    );
                }
                CartItem::Unknown(id) => {
                    let _ = writeln!(
                        out,
                        "in the cart: \"{}\" is not in this catalog (ignored)",
                        shown(id)
                    );
                }
            }
        }
        if self.shown() {
            out.push_str("the widget shows:\n");
        } else {
            let _ = writeln!(
                out,
                "the widget shows nothing: {} recommendation(s), it needs at least {MIN_CARDS}",
                self.cards.len()
            );
        }
        let exp = catalog.shop.currency.exponent();
        let code = catalog.shop.currency.code();
        for (rank, c) in self.cards.iter().enumerate() {
            let p = &catalog.products[c.product];
            let was = p.was_price().map_or(String::new(), |w| {
                format!(" (was {} {code})", to_decimal(w, exp))
            });
            let _ = writeln!(
                out,
                "  {}. {} ({}) at {} {code}{was}",
                rank + 1,
                shown(&p.title),
                shown(name(p)),
                to_decimal(p.price, exp)
            );
            let _ = writeln!(
                out,
                "     widget ids: product {}, variant {} (Add to cart), page {}",
                shown(&p.id),
                shown(p.default_variant()),
                shown(&p.url)
            );
            if c.pinned {
                let by = c.pinned_for.map_or("", |i| name(&catalog.products[i]));
                let _ = writeln!(out, "     pinned by the merchant for {}", shown(by));
                continue;
            }
            let _ = writeln!(
                out,
                "     score {:.4}{}",
                c.score,
                c.boost
                    .map_or(String::new(), |b| format!(" (boosted ×{b})"))
            );
            for e in &c.evidence {
                let _ = writeln!(
                    out,
                    "     with {}: score {:.4}, {}",
                    shown(name(&catalog.products[e.with])),
                    e.score,
                    evidence_words(e.count)
                );
            }
        }
        out
    }
}
