//! What every orders importer does once it has read a line: the order it belongs to, the
//! order's fate (open, cancelled, refunded, never paid), time, customer and currency, and the
//! products of its usable lines; then the baskets and the summary's order counts.
//!
//! The importers ([`super::woocommerce`], [`super::bigcommerce`]) only read their format and
//! find each line's product; the rules of what counts are here, once.

use std::collections::{HashMap, HashSet};

use super::baskets::{Baskets, Interner, NO_CUSTOMER};
use super::orders::{non_product, Matcher, NonProduct, Orders};
use super::products::ProductFile;
use super::report::{BuildError, Result, Summary};

/// What became of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Bought: its lines count.
    Open,
    /// Cancelled or voided.
    Cancelled,
    /// Refunded in full.
    Refunded,
    /// Never paid (abandoned, declined, failed).
    Unpaid,
}

/// Orders being read, in the order they were first met.
#[derive(Debug, Default)]
pub struct OrderBook {
    keys: Interner,
    fates: Vec<Fate>,
    times: Vec<Option<i64>>,
    customers: Vec<u32>,
    emails: Interner,
    pairs: Vec<(u32, u32)>,
    currencies: Vec<String>,
    with_refunded_lines: HashSet<u32>,
    last_key: String,
    last: u32,
}

/// How the orders' file told time and customers, for the notes of [`OrderBook::finish`].
#[derive(Debug, Clone, Copy)]
pub struct Finish<'a> {
    /// The time column's name, when the file has one.
    pub time_column: Option<&'a str>,
    /// The customer column's name, when the file has one.
    pub customer_column: Option<&'a str>,
    /// Whether the file lists the newest orders first (used when times are missing).
    pub newest_first: bool,
}

impl OrderBook {
    /// The order called `key`, added (open, no time, no customer) when it is new.
    pub fn order(&mut self, key: &str) -> u32 {
        if !self.fates.is_empty() && key == self.last_key {
            return self.last;
        }
        let next = self.fates.len() as u32;
        let o = self.keys.intern(key);
        if o == next {
            self.fates.push(Fate::Open);
            self.times.push(None);
            self.customers.push(NO_CUSTOMER);
        }
        self.last_key.clear();
        self.last_key.push_str(key);
        self.last = o;
        o
    }

    /// Number of orders met so far.
    pub fn len(&self) -> usize {
        self.fates.len()
    }

    /// True before the first order.
    pub fn is_empty(&self) -> bool {
        self.fates.is_empty()
    }

    /// Marks order `o`: a cancellation wins over a refund, a refund over never paid.
    pub fn set_fate(&mut self, o: u32, fate: Fate) {
        let f = &mut self.fates[o as usize];
        let rank = |f: Fate| match f {
            Fate::Open => 0,
            Fate::Unpaid => 1,
            Fate::Refunded => 2,
            Fate::Cancelled => 3,
        };
        if rank(fate) > rank(*f) {
            *f = fate;
        }
    }

    /// Whether order `o` has no time yet (so a reader need not parse one).
    pub fn needs_time(&self, o: u32) -> bool {
        self.times[o as usize].is_none()
    }

    /// Sets order `o`'s time (unix seconds) when it has none yet.
    pub fn set_time(&mut self, o: u32, time: Option<i64>) {
        let t = &mut self.times[o as usize];
        if t.is_none() {
            *t = time;
        }
    }

    /// Sets order `o`'s customer when it has none yet; keys are compared ignoring ASCII case
    /// (emails) and surrounding space. An empty key is no customer.
    pub fn set_customer(&mut self, o: u32, key: &str) {
        let key = key.trim();
        let c = &mut self.customers[o as usize];
        if key.is_empty() || *c != NO_CUSTOMER {
            return;
        }
        *c = if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.emails.intern(&key.to_ascii_lowercase())
        } else {
            self.emails.intern(key)
        };
    }

    /// Records a currency the orders name.
    pub fn currency(&mut self, code: &str) {
        let code = code.trim();
        if !code.is_empty() && !self.currencies.iter().any(|c| c == code) {
            self.currencies.push(code.to_owned());
        }
    }

    /// A usable line of order `o`: product `product` (an index into the products file).
    pub fn item(&mut self, o: u32, product: u32) {
        self.pairs.push((o, product));
    }

    /// A line of order `o` read: product `product` of `products` when one matched, `name` in
    /// reports. Tips, gift cards and shipping protection are counted and left out, as is a line
    /// no product matched; the rest is an item of the order.
    pub fn line(
        &mut self,
        o: u32,
        product: Option<usize>,
        name: &str,
        products: &ProductFile,
        summary: &mut Summary,
    ) {
        let kind = match product {
            Some(p) if products.products[p].gift_card => Some(NonProduct::GiftCard),
            Some(_) => None,
            None => non_product(name),
        };
        match (kind, product) {
            (Some(NonProduct::Tip), _) => summary.lines_tip += 1,
            (Some(NonProduct::GiftCard), _) => summary.lines_gift_card += 1,
            (Some(NonProduct::ShippingProtection), _) => summary.lines_shipping_protection += 1,
            (None, None) => summary.unmatched(name),
            (None, Some(p)) => self.item(o, p as u32),
        }
    }

    /// A line of order `o` as an export names its product (`ids`): the product found by
    /// `finder`, named in reports by its name, else its SKU, else `product ID`; a line naming
    /// nothing is a problem at `path:line` (`place`, a JSON path, before the message; `id_column`,
    /// the file's name for the product id) and is skipped.
    #[allow(clippy::too_many_arguments)]
    pub fn named_line(
        &mut self,
        o: u32,
        ids: &LineIds<'_>,
        finder: &mut Finder,
        products: &ProductFile,
        (path, line, place): (&str, u64, &str),
        id_column: &str,
        summary: &mut Summary,
    ) {
        if ids.product_id.is_empty() && ids.sku.is_empty() && ids.name.is_empty() {
            summary.problem(
                path,
                line,
                format!("{place}line item without a {id_column}, SKU or name; line skipped"),
            );
            return;
        }
        let product = finder.find(ids.product_id, ids.variant_id, ids.sku, ids.name);
        let shown = if !ids.name.is_empty() {
            ids.name.to_owned()
        } else if !ids.sku.is_empty() {
            ids.sku.to_owned()
        } else {
            format!("product {}", ids.product_id)
        };
        self.line(o, product, &shown, products, summary);
    }

    /// A line of order `o` whose whole quantity was refunded: counted, left out, and an order
    /// left with nothing but refunded lines counts as refunded.
    pub fn refunded_line(&mut self, o: u32, summary: &mut Summary) {
        summary.lines_refunded += 1;
        self.with_refunded_lines.insert(o);
    }

    /// The baskets over `n_products` products, with the order counts added to `summary`.
    /// Fails, naming `path`, when no order has a usable line.
    pub fn finish(
        mut self,
        n_products: usize,
        path: &str,
        how: Finish<'_>,
        summary: &mut Summary,
    ) -> Result<Orders> {
        let n_orders = self.fates.len();
        // An open order whose every usable line was refunded was refunded.
        let mut has_item = vec![false; n_orders];
        for &(o, _) in &self.pairs {
            has_item[o as usize] = true;
        }
        for o in std::mem::take(&mut self.with_refunded_lines) {
            if !has_item[o as usize] {
                self.set_fate(o, Fate::Refunded);
            }
        }
        let count = |f: Fate| self.fates.iter().filter(|&&x| x == f).count() as u64;
        summary.orders_read += n_orders as u64;
        summary.orders_cancelled += count(Fate::Cancelled);
        summary.orders_refunded += count(Fate::Refunded);
        summary.orders_unpaid += count(Fate::Unpaid);
        let open = count(Fate::Open);
        let fates = &self.fates;
        self.pairs.retain(|&(o, _)| fates[o as usize] == Fate::Open);
        summary.lines_used += self.pairs.len() as u64;

        let all_timed = self.times.iter().all(Option::is_some);
        if !all_timed {
            if let Some(column) = how.time_column {
                let missing = self.times.iter().filter(|t| t.is_none()).count();
                summary.notes.push(format!(
                    "{missing} orders have no readable `{column}`: file order is used as time order"
                ));
            }
        }
        let times: Vec<i64> = if all_timed {
            self.times.into_iter().map(|t| t.unwrap_or(0)).collect()
        } else if how.newest_first {
            (0..n_orders as i64).rev().collect()
        } else {
            (0..n_orders as i64).collect()
        };
        let customers = if self.emails.is_empty() {
            if how.customer_column.is_none() {
                summary.notes.push(
                    "the orders name no customer: repurchase intervals are skipped".to_owned(),
                );
            }
            Vec::new()
        } else {
            self.customers
        };
        let baskets = Baskets::from_pairs(n_products, &self.pairs, &times, all_timed, &customers);
        summary.orders_used += baskets.len() as u64;
        summary.orders_empty += open - baskets.len() as u64;
        if self.currencies.len() > 1 {
            summary.notes.push(format!(
                "orders are in several currencies ({}); prices are read in {}",
                self.currencies.join(", "),
                self.currencies[0]
            ));
        }
        if baskets.is_empty() {
            return Err(BuildError::input(
                path,
                format!(
                    "no usable orders: {} orders read, {} cancelled, {} refunded, {} never paid, {} lines match no product",
                    n_orders,
                    summary.orders_cancelled,
                    summary.orders_refunded,
                    summary.orders_unpaid,
                    summary.lines_unmatched
                ),
            ));
        }
        Ok(Orders {
            baskets,
            currency: self.currencies.into_iter().next(),
        })
    }
}

/// How an order line names its product (any may be empty; an id may be `0`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineIds<'a> {
    /// The shop's product id.
    pub product_id: &'a str,
    /// The shop's variant (variation) id.
    pub variant_id: &'a str,
    /// The SKU.
    pub sku: &'a str,
    /// The line item's name.
    pub name: &'a str,
}

/// Whether every field of a row is blank (a row a spreadsheet left at the end of a file).
pub fn blank(rec: &csv::StringRecord) -> bool {
    rec.iter().all(|f| f.trim().is_empty())
}

/// Finds an order line's product by the shop's own ids (variant, then product), else by SKU
/// and name as the Shopify importer does ([`Matcher`]).
pub struct Finder {
    by_product: HashMap<String, usize>,
    by_variant: HashMap<String, usize>,
    matcher: Matcher,
}

impl Finder {
    /// Indexes the products' ids, their variants' ids, SKUs and names.
    pub fn new(products: &ProductFile) -> Finder {
        let mut by_product = HashMap::with_capacity(products.products.len());
        let mut by_variant = HashMap::new();
        for (i, p) in products.products.iter().enumerate() {
            by_product.entry(p.id.clone()).or_insert(i);
            for v in &p.variants {
                by_variant.entry(v.id.clone()).or_insert(i);
            }
        }
        Finder {
            by_product,
            by_variant,
            matcher: Matcher::new(products),
        }
    }

    /// The product of a line naming `product_id`, `variant_id` (either may be empty or `0`),
    /// `sku` and `name`.
    pub fn find(
        &mut self,
        product_id: &str,
        variant_id: &str,
        sku: &str,
        name: &str,
    ) -> Option<usize> {
        let known = |id: &str| !id.is_empty() && id != "0";
        if known(variant_id) {
            if let Some(&i) = self.by_variant.get(variant_id) {
                return Some(i);
            }
        }
        if known(product_id) {
            if let Some(&i) = self.by_product.get(product_id) {
                return Some(i);
            }
        }
        if sku.is_empty() && name.is_empty() {
            return None;
        }
        self.matcher.find(sku, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOW: Finish<'static> = Finish {
        time_column: Some("created_at"),
        customer_column: Some("customer"),
        newest_first: false,
    };

    #[test]
    fn continuation_lines_join_their_order_and_fates_are_counted_once() {
        let mut book = OrderBook::default();
        let mut summary = Summary::default();
        for (key, product) in [("1", 0), ("1", 1), ("2", 1), ("2", 2), ("1", 2), ("3", 0)] {
            let o = book.order(key);
            book.set_time(o, Some(100 * i64::from(o)));
            book.item(o, product);
        }
        let o3 = book.order("3");
        book.set_fate(o3, Fate::Unpaid);
        book.set_fate(o3, Fate::Open);
        let o2 = book.order("2");
        book.set_fate(o2, Fate::Cancelled);
        book.set_fate(o2, Fate::Refunded);
        let orders = book.finish(3, "orders.csv", HOW, &mut summary).unwrap();
        assert_eq!(orders.baskets.len(), 1);
        assert_eq!(orders.baskets.basket(0), [0, 1, 2]);
        assert_eq!(
            (
                summary.orders_read,
                summary.orders_used,
                summary.orders_cancelled,
                summary.orders_unpaid,
                summary.lines_used
            ),
            (3, 1, 1, 1, 3)
        );
    }

    #[test]
    fn an_order_of_refunded_lines_only_is_refunded_and_customers_ignore_case() {
        let mut book = OrderBook::default();
        let mut summary = Summary::default();
        let a = book.order("a");
        book.set_customer(a, "Ann@Example.com");
        book.item(a, 0);
        book.refunded_line(a, &mut summary);
        let b = book.order("b");
        book.set_customer(b, "ann@example.com ");
        book.refunded_line(b, &mut summary);
        let c = book.order("c");
        book.item(c, 1);
        let orders = book.finish(2, "orders.csv", HOW, &mut summary).unwrap();
        assert_eq!(orders.baskets.len(), 2);
        assert_eq!(orders.baskets.customers, [0, NO_CUSTOMER]);
        assert_eq!(
            (
                summary.orders_refunded,
                summary.lines_refunded,
                summary.orders_empty
            ),
            (1, 2, 0)
        );
        assert_eq!(
            summary.notes,
            ["3 orders have no readable `created_at`: file order is used as time order"]
        );
    }

    #[test]
    fn nothing_usable_is_an_error_naming_the_file_and_the_counts() {
        let mut book = OrderBook::default();
        let mut summary = Summary::default();
        let o = book.order("1");
        book.set_fate(o, Fate::Cancelled);
        book.item(o, 0);
        let err = book.finish(1, "orders.csv", HOW, &mut summary).unwrap_err();
        assert_eq!(
            err.to_string(),
            "orders.csv: no usable orders: 1 orders read, 1 cancelled, 0 refunded, 0 never paid, 0 lines match no product"
        );
    }
}
