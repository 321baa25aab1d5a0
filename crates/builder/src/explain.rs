//! What the widget would show for a cart, and why: the console's evidence beside each card,
//! scored by the engine itself (`crossbuy recommend` prints the same cards and evidence).

use crossbuy_engine::money::to_decimal;
use crossbuy_engine::score::{recommend, MIN_CARDS};
use crossbuy_engine::{Catalog, Product};
use serde_json::{json, Value};

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
}
