//! Shopify's orders export: one row per line item, read into baskets of products.
//!
//! The first row of an order carries the order fields (`Financial Status`, `Cancelled at`,
//! `Email`, `Currency`, …); later rows repeat `Name` and `Created at` and leave the rest blank.
//! Line items join to products by `Lineitem sku`, else by a normalised `Lineitem name`
//! (`Magic Pee Pads XL - -` is `Magic Pee Pads XL`; `Blanket - Beige / Large` is the `Blanket`
//! variant `Beige / Large`). Cancelled, voided and fully refunded orders, tips, gift cards and
//! shipping-protection lines are left out and counted.

use std::collections::HashMap;

use csv::StringRecord;
use rustc_hash::FxHashMap;

use super::baskets::{Baskets, Interner, NO_CUSTOMER};
use super::dates::parse_timestamp;
use super::products::ProductFile;
use super::progress::{Progress, Silent};
use super::report::{BuildError, Result, Summary};
use super::table::{field, Table};

/// Orders read into baskets whose items are indices into the products file.
#[derive(Debug, Clone)]
pub struct Orders {
    /// The baskets (item = product index).
    pub baskets: Baskets,
    /// The currency the orders name, when they do.
    pub currency: Option<String>,
}

/// Lower-case words of a name: marks such as ™ and punctuation become single spaces.
pub fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// Finds the product of an order line.
pub struct Matcher {
    by_sku: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, usize>,
    cache: FxHashMap<String, Option<usize>>,
    key: String,
}

impl Matcher {
    /// Indexes the products' SKUs and names (title, and title with variant options).
    pub fn new(products: &ProductFile) -> Matcher {
        let mut by_sku: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, p) in products.products.iter().enumerate() {
            by_name.entry(normalise_name(&p.title)).or_insert(i);
            by_name.entry(normalise_name(&p.id)).or_insert(i);
            for v in &p.variants {
                if !v.sku.is_empty() {
                    let list = by_sku.entry(v.sku.clone()).or_default();
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
                if !v.options.is_empty() {
                    by_name
                        .entry(normalise_name(&format!("{} - {}", p.title, v.options)))
                        .or_insert(i);
                }
            }
        }
        Matcher {
            by_sku,
            by_name,
            cache: FxHashMap::default(),
            key: String::new(),
        }
    }

    fn by_name(&self, name: &str) -> Option<usize> {
        let mut n = name;
        loop {
            if let Some(&i) = self.by_name.get(&normalise_name(n)) {
                return Some(i);
            }
            // "Title - Variant": drop the last " - " part and try again.
            match n.rfind(" - ") {
                Some(cut) => n = &n[..cut],
                None => return None,
            }
        }
    }

    /// The product for a line's SKU and name, or `None`.
    pub fn find(&mut self, sku: &str, name: &str) -> Option<usize> {
        // The common case: a SKU that belongs to exactly one product.
        if let Some(list) = self.by_sku.get(sku) {
            if list.len() == 1 {
                return Some(list[0]);
            }
        }
        self.key.clear();
        self.key.push_str(sku);
        self.key.push('\u{1f}');
        self.key.push_str(name);
        if let Some(hit) = self.cache.get(self.key.as_str()) {
            return *hit;
        }
        let found = match self.by_sku.get(sku) {
            Some(list) if list.len() == 1 => Some(list[0]),
            // A SKU shared by several products: the name decides, else the first.
            Some(list) => self
                .by_name(name)
                .filter(|i| list.contains(i))
                .or(Some(list[0])),
            None => self.by_name(name),
        };
        self.cache.insert(self.key.clone(), found);
        found
    }
}

/// What kind of non-product line this is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonProduct {
    /// A tip.
    Tip,
    /// A gift card.
    GiftCard,
    /// Shipping protection or insurance.
    ShippingProtection,
}

/// Recognises tips, gift cards and shipping protection by the line's name.
pub fn non_product(name: &str) -> Option<NonProduct> {
    let n = normalise_name(name);
    if n == "tip" || n == "tips" || n.starts_with("tip ") && n.len() < 16 {
        return Some(NonProduct::Tip);
    }
    if n.contains("gift card") || n.contains("giftcard") || n.contains("gift certificate") {
        return Some(NonProduct::GiftCard);
    }
    const PROTECTION: &[&str] = &[
        "shipping protection",
        "package protection",
        "order protection",
        "shipping insurance",
        "delivery protection",
        "route protection",
        "navidium",
        "extend protection",
    ];
    if PROTECTION.iter().any(|p| n.contains(p)) {
        return Some(NonProduct::ShippingProtection);
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Open,
    Cancelled,
    Refunded,
}

/// Reads an orders export against the products.
pub fn read_orders(
    path: &str,
    products: &ProductFile,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<Orders> {
    let table = Table::open(path)?;
    read_table(table, products, summary, progress)
}

/// Reads orders from CSV text (tests); `path` names it in messages.
pub fn read_orders_text(
    path: &str,
    text: &str,
    products: &ProductFile,
    summary: &mut Summary,
) -> Result<Orders> {
    let table = Table::from_text(path, text)?;
    read_table(table, products, summary, &mut Silent)
}

fn read_table(
    mut t: Table,
    products: &ProductFile,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<Orders> {
    let name_col = t.require(&["Name"])?;
    let item_col = t.require(&["Lineitem name"])?;
    let sku_col = t.find(&["Lineitem sku"]);
    let created_col = t.find(&["Created at"]);
    let status_col = t.find(&["Financial Status"]);
    let cancelled_col = t.find(&["Cancelled at"]);
    let email_col = t.find(&["Email"]);
    let currency_col = t.find(&["Currency"]);
    t.one_line(&[
        Some(name_col),
        Some(item_col),
        sku_col,
        created_col,
        currency_col,
    ]);
    let path = t.path.clone();
    let mut matcher = Matcher::new(products);

    let mut order_of = Interner::default();
    let mut fates: Vec<Fate> = Vec::new();
    let mut times: Vec<Option<i64>> = Vec::new();
    let mut customers: Vec<u32> = Vec::new();
    let mut emails = Interner::default();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut currencies: Vec<String> = Vec::new();
    let mut last_key = String::new();
    let mut last_order = 0u32;
    let mut rec = StringRecord::new();
    progress.start("reading orders", t.size);
    while let Some(line) = t.next(&mut rec, summary)? {
        progress.at(t.position());
        let key = field(&rec, Some(name_col));
        if key.is_empty() {
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            summary.problem(&path, line, "empty order Name; row skipped");
            continue;
        }
        let order = if key == last_key {
            last_order
        } else {
            let next = fates.len() as u32;
            let o = order_of.intern(key);
            if o == next {
                fates.push(Fate::Open);
                times.push(created_col.and_then(|c| parse_timestamp(field(&rec, Some(c)))));
                customers.push(NO_CUSTOMER);
            }
            last_key.clear();
            last_key.push_str(key);
            last_order = o;
            o
        };
        let o = order as usize;
        // Order-level fields, on the order's first row.
        let status = field(&rec, status_col);
        if !status.is_empty() || !field(&rec, cancelled_col).is_empty() {
            if !field(&rec, cancelled_col).is_empty() || status.eq_ignore_ascii_case("voided") {
                fates[o] = Fate::Cancelled;
            } else if status.eq_ignore_ascii_case("refunded") {
                fates[o] = Fate::Refunded;
            }
        }
        let email = field(&rec, email_col);
        if !email.is_empty() && customers[o] == NO_CUSTOMER {
            customers[o] = if email.bytes().any(|b| b.is_ascii_uppercase()) {
                emails.intern(&email.to_ascii_lowercase())
            } else {
                emails.intern(email)
            };
        }
        let currency = field(&rec, currency_col);
        if !currency.is_empty() && !currencies.iter().any(|c| c == currency) {
            currencies.push(currency.to_owned());
        }
        if times[o].is_none() {
            times[o] = created_col.and_then(|c| parse_timestamp(field(&rec, Some(c))));
        }

        summary.lines_read += 1;
        let name = field(&rec, Some(item_col));
        let sku = field(&rec, sku_col);
        if name.is_empty() && sku.is_empty() {
            summary.problem(&path, line, "line item without a name or SKU; row skipped");
            continue;
        }
        let product = matcher.find(sku, name);
        let kind = match product {
            Some(p) if products.products[p].gift_card => Some(NonProduct::GiftCard),
            Some(_) => None,
            None => non_product(name),
        };
        match (kind, product) {
            (Some(NonProduct::Tip), _) => summary.lines_tip += 1,
            (Some(NonProduct::GiftCard), _) => summary.lines_gift_card += 1,
            (Some(NonProduct::ShippingProtection), _) => summary.lines_shipping_protection += 1,
            (None, None) => summary.unmatched(if name.is_empty() { sku } else { name }),
            (None, Some(p)) => pairs.push((order, p as u32)),
        }
    }
    progress.done();

    let n_orders = fates.len();
    summary.orders_read += n_orders as u64;
    summary.orders_cancelled += fates.iter().filter(|&&f| f == Fate::Cancelled).count() as u64;
    summary.orders_refunded += fates.iter().filter(|&&f| f == Fate::Refunded).count() as u64;
    pairs.retain(|&(o, _)| fates[o as usize] == Fate::Open);
    summary.lines_used += pairs.len() as u64;

    let all_timed = times.iter().all(Option::is_some);
    if !all_timed && created_col.is_some() {
        let missing = times.iter().filter(|t| t.is_none()).count();
        summary.notes.push(format!(
            "{missing} orders have no readable `Created at`: file order is used as time order"
        ));
    }
    // Shopify exports newest first: without times, later rows are older.
    let times: Vec<i64> = if all_timed {
        times.into_iter().map(|t| t.unwrap_or(0)).collect()
    } else {
        (0..n_orders as i64).rev().collect()
    };
    let customers = if emails.is_empty() {
        if email_col.is_none() {
            summary.notes.push(
                "the orders have no Email column: repurchase intervals are skipped".to_owned(),
            );
        }
        Vec::new()
    } else {
        customers
    };
    // Orders in a skipped state contribute nothing; drop their times too.
    let baskets = Baskets::from_pairs(
        products.products.len(),
        &pairs,
        &times,
        all_timed,
        &customers,
    );
    let open = fates.iter().filter(|&&f| f == Fate::Open).count();
    summary.orders_used += baskets.len() as u64;
    summary.orders_empty += (open - baskets.len()) as u64;
    if currencies.len() > 1 {
        summary.notes.push(format!(
            "orders are in several currencies ({}); prices are read in {}",
            currencies.join(", "),
            currencies[0]
        ));
    }
    if baskets.is_empty() {
        return Err(BuildError::input(
            &path,
            format!(
                "no usable orders: {} orders read, {} cancelled, {} refunded, {} lines match no product",
                n_orders, summary.orders_cancelled, summary.orders_refunded, summary.lines_unmatched
            ),
        ));
    }
    Ok(Orders {
        baskets,
        currency: currencies.into_iter().next(),
    })
}
