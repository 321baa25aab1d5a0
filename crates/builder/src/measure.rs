//! `crossbuy report`: what an experiment earned, from the shop's own orders.
//!
//! The orders come from Shopify's orders export (the arm, the page and the widget's adds are the
//! cart attributes crossbuy wrote, in the `Note Attributes` column, one `name: value` per line),
//! or from a plain CSV with one row per line item: the crossbuy WooCommerce plugin's order
//! history columns (`order_id`, `created_at`, `status`, `customer`, `product_id`, `sku`, `name`,
//! `quantity`, `price` in minor units, `refunded_quantity`) with the order meta as three more
//! columns named like the attributes (`_crossbuy_arm`, `_crossbuy_page`, `_crossbuy_added`).
//! docs/measure.md describes both and every number.
//!
//! What was shown is not tracked: it is recomputed from the snapshot in force with the engine's
//! [`recommend_for`], deterministically, for the items of the order that were not added from
//! the widget.

use std::collections::{BTreeMap, HashMap};

use crossbuy_engine::experiment::{
    recommend_for, Experiment, Show, ADDED_ATTRIBUTE, ADDED_COLUMN, ARM_ATTRIBUTE, PAGE_ATTRIBUTE,
};
use crossbuy_engine::money::parse_decimal;
use crossbuy_engine::{Catalog, Currency};
use csv::StringRecord;
use serde::Serialize;

use super::dates::parse_timestamp;
use super::feedback::{List, Record};
use super::lift::{self, Interval};
use super::orders::normalise_name;
use super::report::{BuildError, Result, Summary};
use super::table::{field, Table};

const DAY: i64 = 86_400;

/// One line of an order.
#[derive(Debug, Clone)]
pub struct Line {
    /// The catalog product, when the line matches one.
    pub product: Option<usize>,
    /// Units.
    pub quantity: u32,
    /// Unit price in minor units.
    pub price: i64,
    /// Units refunded.
    pub refunded: u32,
    /// When the line was last refunded (Unix seconds), when the export says (the WooCommerce
    /// plugin's `refunded_at`; Shopify's export has no refund dates).
    pub refunded_at: Option<i64>,
}

/// One order as the report sees it.
#[derive(Debug, Clone, Default)]
pub struct Order {
    /// The order's id (Shopify: `Id`, else `Name`; plain: `order_id`).
    pub id: String,
    /// The customer (email, or the plugin's hashed key), when known.
    pub customer: Option<String>,
    /// Unix seconds.
    pub time: Option<i64>,
    /// Line items.
    pub lines: Vec<Line>,
    /// `(experiment, arm)` from the arm attribute.
    pub arm: Option<(String, String)>,
    /// The page kind the widget was on.
    pub page: Option<String>,
    /// Product ids added from the widget.
    pub added: Vec<String>,
    /// Cancelled, voided or never paid: left out.
    pub void: bool,
}

impl Order {
    /// Sum of the lines in minor units (checked; `None` on overflow).
    pub fn revenue(&self) -> Option<i64> {
        self.lines.iter().try_fold(0i64, |acc, l| {
            l.price
                .checked_mul(i64::from(l.quantity))
                .and_then(|x| acc.checked_add(x))
        })
    }

    /// Units bought.
    pub fn items(&self) -> u64 {
        self.lines.iter().map(|l| u64::from(l.quantity)).sum()
    }
}

/// Orders read from an export, with what could not be read.
#[derive(Debug, Clone, Default)]
pub struct OrderFile {
    /// Orders in file order.
    pub orders: Vec<Order>,
    /// The currency the export names.
    pub currency: Option<String>,
    /// Whether the export has refund dates (a `refunded_at` column).
    pub refund_dates: bool,
    /// BigCommerce's export: no order can carry an arm.
    pub bigcommerce: bool,
}

/// Finds a catalog product by id, handle, variant id, SKU or title.
struct Finder<'a> {
    catalog: &'a Catalog,
    by_title: HashMap<String, usize>,
}

impl<'a> Finder<'a> {
    fn new(catalog: &'a Catalog) -> Self {
        let mut by_title = HashMap::new();
        for (i, p) in catalog.products.iter().enumerate() {
            by_title.entry(normalise_name(&p.title)).or_insert(i);
        }
        Finder { catalog, by_title }
    }

    fn find(&self, ids: &[&str], name: &str) -> Option<usize> {
        for id in ids.iter().filter(|s| !s.is_empty() && **s != "0") {
            if let Some(p) = self
                .catalog
                .variant_product(id)
                .or_else(|| self.catalog.product_index(id))
            {
                return Some(p);
            }
        }
        let mut n = name;
        loop {
            if let Some(&i) = self.by_title.get(&normalise_name(n)) {
                return Some(i);
            }
            match n.rfind(" - ") {
                Some(cut) => n = &n[..cut],
                None => return None,
            }
        }
    }
}

/// Reads `name: value` lines (Shopify's `Note Attributes` cell).
pub fn note_attributes(cell: &str) -> Vec<(&str, &str)> {
    cell.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim(), v.trim()))
        })
        .collect()
}

fn split_arm(value: &str) -> Option<(String, String)> {
    let (e, a) = value.trim().split_once(':')?;
    Some((e.to_owned(), a.to_owned()))
}

fn ids(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads an orders export (Shopify's, or the plain line-item CSV) against the catalog.
pub fn read_orders(
    path: &str,
    text: Option<&str>,
    catalog: &Catalog,
    summary: &mut Summary,
) -> Result<OrderFile> {
    let (reader, size): (Box<dyn std::io::Read>, u64) = match text {
        Some(text) => (Box::new(std::io::Cursor::new(text.to_owned())), 0),
        None => super::source::Sources::open(&super::source::Disk, path)?,
    };
    read_orders_from(path, reader, size, catalog, summary)
}

/// [`read_orders`] from a reader (the console's dropped file, read a chunk at a time) of
/// `size` bytes (0 when unknown).
pub fn read_orders_from(
    path: &str,
    reader: Box<dyn std::io::Read>,
    size: u64,
    catalog: &Catalog,
    summary: &mut Summary,
) -> Result<OrderFile> {
    let mut t = Table::from_reader(path, reader, size)?;
    let shopify = t.find(&["Lineitem name"]).is_some();
    let exponent = catalog.shop.currency.exponent();
    let finder = Finder::new(catalog);
    if !shopify && t.find(&["order_id"]).is_none() && t.find(&["Order ID"]).is_some() {
        return read_bigcommerce(t, &finder, exponent, summary);
    }
    let col = |t: &Table, names: &[&str]| t.find(names);
    let (key_col, id_col) = if shopify {
        (t.require(&["Name"])?, col(&t, &["Id"]))
    } else {
        (t.require(&["order_id"])?, None)
    };
    let product_col = if shopify {
        None
    } else {
        Some(t.require(&["product_id"])?)
    };
    let variation_col = col(&t, &["variation_id"]);
    let name_col = col(&t, &["Lineitem name", "name"]);
    let sku_col = col(&t, &["Lineitem sku", "sku"]);
    let qty_col = col(&t, &["Lineitem quantity", "quantity"]);
    let price_col = if shopify {
        t.require(&["Lineitem price"])?
    } else {
        t.require(&["price"])?
    };
    let created_col = col(&t, &["Created at", "created_at"]);
    let status_col = col(&t, &["Financial Status", "status"]);
    let cancelled_col = col(&t, &["Cancelled at"]);
    let customer_col = col(&t, &["Email", "customer"]);
    let currency_col = col(&t, &["Currency", "currency"]);
    let notes_col = col(&t, &["Note Attributes"]);
    let refunded_col = col(&t, &["refunded_quantity"]);
    let refunded_at_col = col(&t, &["refunded_at"]);
    let arm_col = col(&t, &[ARM_ATTRIBUTE]);
    let page_col = col(&t, &[PAGE_ATTRIBUTE]);
    let added_col = col(&t, &[ADDED_COLUMN]);
    let path = t.path.clone();

    let mut out = OrderFile {
        refund_dates: refunded_at_col.is_some(),
        ..OrderFile::default()
    };
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut fully_refunded: Vec<bool> = Vec::new();
    let mut rec = StringRecord::new();
    while let Some(line) = t.next(&mut rec, summary)? {
        let key = field(&rec, Some(key_col));
        if key.is_empty() {
            if !rec.iter().all(|f| f.trim().is_empty()) {
                summary.problem(&path, line, "empty order id; row skipped");
            }
            continue;
        }
        let o = *index.entry(key.to_owned()).or_insert_with(|| {
            out.orders.push(Order {
                id: key.to_owned(),
                ..Order::default()
            });
            fully_refunded.push(false);
            out.orders.len() - 1
        });
        let order = &mut out.orders[o];
        let id = field(&rec, id_col);
        if !id.is_empty() {
            order.id = id.to_owned();
        }
        if order.time.is_none() {
            order.time = created_col.and_then(|c| parse_timestamp(field(&rec, Some(c))));
        }
        let customer = field(&rec, customer_col);
        if order.customer.is_none() && !customer.is_empty() {
            order.customer = Some(customer.to_ascii_lowercase());
        }
        let status = field(&rec, status_col).to_ascii_lowercase();
        if !field(&rec, cancelled_col).is_empty()
            || matches!(
                status.as_str(),
                "voided" | "cancelled" | "pending" | "failed" | "checkout-draft"
            )
        {
            order.void = true;
        }
        if status == "refunded" {
            fully_refunded[o] = true;
        }
        let currency = field(&rec, currency_col);
        if out.currency.is_none() && !currency.is_empty() {
            out.currency = Some(currency.to_owned());
        }
        for (k, v) in note_attributes(field(&rec, notes_col)) {
            match k {
                ARM_ATTRIBUTE => order.arm = split_arm(v),
                PAGE_ATTRIBUTE => order.page = Some(v.to_owned()),
                _ => {
                    if let Some(id) = k.strip_prefix(ADDED_ATTRIBUTE) {
                        if !id.is_empty() && !order.added.iter().any(|a| a == id) {
                            order.added.push(id.to_owned());
                        }
                    }
                }
            }
        }
        if let Some(arm) = split_arm(field(&rec, arm_col)) {
            order.arm = Some(arm);
        }
        let page = field(&rec, page_col);
        if !page.is_empty() {
            order.page = Some(page.to_owned());
        }
        let added = field(&rec, added_col);
        if !added.is_empty() {
            order.added = ids(added);
        }

        let name = field(&rec, name_col);
        let sku = field(&rec, sku_col);
        let pid = field(&rec, product_col);
        if name.is_empty() && sku.is_empty() && pid.is_empty() {
            continue;
        }
        let q = field(&rec, qty_col);
        let Some(quantity) = units(q) else {
            summary.problem(
                &path,
                line,
                format!("quantity \"{q}\" is not a whole number; row skipped"),
            );
            continue;
        };
        let price_text = field(&rec, Some(price_col));
        let price = if shopify {
            parse_decimal(price_text, exponent).map_err(|e| e.message().to_owned())
        } else {
            price_text
                .parse::<i64>()
                .map_err(|_| "expected whole minor units".to_owned())
        };
        let price = match price {
            Ok(p) => p,
            Err(e) => {
                summary.problem(
                    &path,
                    line,
                    format!("price \"{price_text}\": {e}; row skipped"),
                );
                continue;
            }
        };
        let refunded = match field(&rec, refunded_col) {
            "" => 0,
            r => r.parse::<u32>().unwrap_or(0).min(quantity),
        };
        let refunded_at = match field(&rec, refunded_at_col) {
            "" => None,
            r => match parse_timestamp(r) {
                Some(t) => Some(t),
                None => {
                    summary.problem(
                        &path,
                        line,
                        format!("refunded_at \"{r}\" is not an RFC 3339 time; the refund counts, without its date"),
                    );
                    None
                }
            },
        };
        let variation = field(&rec, variation_col);
        let product = finder.find(&[variation, pid, sku], name);
        if product.is_none() {
            summary.unmatched(if name.is_empty() { sku } else { name });
        }
        summary.lines_read += 1;
        order.lines.push(Line {
            product,
            quantity,
            price,
            refunded,
            refunded_at,
        });
    }
    // Shopify's export says "refunded" for the whole order, not per line.
    finish(out, &fully_refunded, &path, summary)
}

/// A line's units: a whole number, 1 when the export leaves it empty.
fn units(text: &str) -> Option<u32> {
    match text {
        "" => Some(1),
        q => q.parse().ok(),
    }
}

/// Every unit of a refunded order (`refunded`, by order) counts as refunded; the file must
/// hold an order.
fn finish(
    mut out: OrderFile,
    refunded: &[bool],
    path: &str,
    summary: &mut Summary,
) -> Result<OrderFile> {
    for (order, &all) in out.orders.iter_mut().zip(refunded) {
        if all {
            for l in &mut order.lines {
                l.refunded = l.quantity;
            }
        }
    }
    summary.orders_read += out.orders.len() as u64;
    if out.orders.is_empty() {
        return Err(BuildError::input(path, "no orders in the file"));
    }
    Ok(out)
}

/// BigCommerce's orders export (Orders > Export; `crate::bigcommerce` has its layouts): the
/// items of `Product Details` (or one row per item), their `Product Unit Price`, the `Order
/// Status` (cancelled and never paid orders are out, a refunded one's units refunded), `Order
/// Date`, `Customer Email`. BigCommerce's storefront cannot write crossbuy's attributes into an
/// order (docs/measure.md), so no order carries an arm: only `--thank-you` reports on it, each
/// order in the arm its `Order ID` hashes to, as the order confirmation page chose it.
fn read_bigcommerce(
    mut t: Table,
    finder: &Finder,
    exponent: u32,
    summary: &mut Summary,
) -> Result<OrderFile> {
    use super::bigcommerce::{fate, order_times, ItemColumns, NOT_DETAILS};
    use super::order_book::Fate;
    let order_col = t.require(&["Order ID"])?;
    let item_cols = ItemColumns::find(&t)?;
    let col = |t: &Table, names: &[&str]| t.find(names);
    let date_col = col(&t, &["Order Date", "Date Created"]);
    let status_col = col(&t, &["Order Status", "Status"]);
    let email_col = col(&t, &["Customer Email", "Billing Email"]);
    let currency_col = col(&t, &["Order Currency Code", "Currency Code"]);
    let path = t.path.clone();
    let mut out = OrderFile {
        bigcommerce: true,
        ..OrderFile::default()
    };
    let mut dates: Vec<String> = Vec::new();
    let mut refunded: Vec<bool> = Vec::new();
    let mut rec = StringRecord::new();
    while let Some(line) = t.next(&mut rec, summary)? {
        let key = field(&rec, Some(order_col));
        if key.is_empty() && (!item_cols.per_row() || out.orders.is_empty()) {
            if !rec.iter().all(|f| f.trim().is_empty()) {
                summary.problem(&path, line, "empty Order ID; row skipped");
            }
            continue;
        }
        // One row per item: a row without an Order ID continues the order above.
        if !key.is_empty() {
            out.orders.push(Order {
                id: key.to_owned(),
                ..Order::default()
            });
            dates.push(field(&rec, date_col).to_owned());
            refunded.push(false);
        }
        let o = out.orders.len() - 1;
        let order = &mut out.orders[o];
        match fate(field(&rec, status_col)) {
            Fate::Cancelled | Fate::Unpaid => order.void = true,
            Fate::Refunded => refunded[o] = true,
            _ => {}
        }
        let email = field(&rec, email_col);
        if order.customer.is_none() && !email.is_empty() {
            order.customer = Some(email.to_ascii_lowercase());
        }
        let currency = field(&rec, currency_col);
        if out.currency.is_none() && !currency.is_empty() {
            out.currency = Some(currency.to_owned());
        }
        let Some(items) = item_cols.items(&rec) else {
            summary.problem(&path, line, NOT_DETAILS);
            continue;
        };
        for item in items {
            let Some(quantity) = units(item.quantity) else {
                summary.problem(
                    &path,
                    line,
                    format!(
                        "Product Qty \"{}\" is not a whole number; line skipped",
                        item.quantity
                    ),
                );
                continue;
            };
            let price = match parse_decimal(item.unit_price, exponent) {
                Ok(p) => p,
                Err(e) => {
                    summary.problem(
                        &path,
                        line,
                        format!(
                            "Product Unit Price \"{}\": {}; line skipped",
                            item.unit_price,
                            e.message()
                        ),
                    );
                    continue;
                }
            };
            let product = finder.find(&[item.product_id, item.sku], item.name);
            if product.is_none() {
                summary.unmatched(if item.name.is_empty() {
                    item.sku
                } else {
                    item.name
                });
            }
            summary.lines_read += 1;
            order.lines.push(Line {
                product,
                quantity,
                price,
                refunded: 0,
                refunded_at: None,
            });
        }
    }
    for (order, t) in out
        .orders
        .iter_mut()
        .zip(order_times(&dates, &mut summary.notes))
    {
        order.time = t;
    }
    finish(out, &refunded, &path, summary)
}

/// What the report is asked.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The experiment; default: the snapshot's.
    pub experiment: Option<String>,
    /// Unix seconds: orders before are left out of exposure (they still count as history).
    pub since: Option<i64>,
    /// The experiment ran on thank-you pages: an order without the arm attribute is in the
    /// arm its id hashes to, and its outcome is what its customer bought in the next 7 days.
    pub thank_you: bool,
}

impl Query {
    /// The query as `crossbuy report` and the console take it: `since` a date (YYYY-MM-DD or
    /// RFC 3339), named in the error when it is not one.
    pub fn new(experiment: Option<String>, since: Option<&str>, thank_you: bool) -> Result<Query> {
        let since = match since.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(parse_timestamp(s).ok_or_else(|| {
                BuildError::Usage(format!(
                    "crossbuy report: --since: expected a date such as 2026-12-01, got \"{s}\""
                ))
            })?),
            None => None,
        };
        Ok(Query {
            experiment: experiment.filter(|e| !e.trim().is_empty()),
            since,
            thank_you,
        })
    }
}

/// Per-arm numbers.
#[derive(Debug, Clone, Serialize)]
pub struct ArmReport {
    /// The arm's name.
    pub arm: String,
    /// What it shows.
    pub show: String,
    /// Orders placed in this arm.
    pub orders: u64,
    /// Orders with at least one item added from the widget.
    pub accepted: u64,
    /// `accepted / orders`.
    pub acceptance_rate: f64,
    /// Revenue of all orders, minor units.
    pub revenue: i64,
    /// Mean revenue per order, minor units.
    pub revenue_per_order: f64,
    /// Mean units per order.
    pub items_per_order: f64,
    /// Revenue of lines added from the widget, minor units.
    pub attributed_revenue: i64,
    /// Units added from the widget.
    pub attributed_items: u64,
    /// Mean revenue of the orders that took a cross-sell, minor units.
    pub cross_sell_order_value: Option<f64>,
    /// Share of orders whose customer bought a recommended item again within 7 / 30 days.
    pub secondary_7d: f64,
    /// Within 30 days.
    pub secondary_30d: f64,
    /// Median days to that next order.
    pub secondary_median_days: Option<f64>,
    /// Share of orders whose customer bought a product type new to them within 7 / 30 days
    /// (this order included).
    pub new_type_7d: f64,
    /// Within 30 days.
    pub new_type_30d: f64,
    /// Refunded units / units, for cross-sold lines.
    pub refund_rate_cross_sold: Option<f64>,
    /// Refunded units / units, for the other lines.
    pub refund_rate_rest: Option<f64>,
    /// Units refunded within 7 days of their order / units, cross-sold lines; `None` when the
    /// export has no refund dates (Shopify's) or there were no such lines.
    pub refund_rate_cross_sold_7d: Option<f64>,
    /// Within 30 days.
    pub refund_rate_cross_sold_30d: Option<f64>,
    /// Within 7 days, the other lines.
    pub refund_rate_rest_7d: Option<f64>,
    /// Within 30 days, the other lines.
    pub refund_rate_rest_30d: Option<f64>,
}

/// A lift against the holdout.
#[derive(Debug, Clone, Serialize)]
pub struct LiftReport {
    /// The arm compared.
    pub arm: String,
    /// The holdout it is compared with.
    pub against: String,
    /// Revenue per order difference (minor units), with the 95% interval.
    pub revenue: Interval,
    /// Units per order difference.
    pub items: Interval,
    /// Orders each arm still needs before a difference this size would show (0: enough).
    pub more_orders_per_arm: u64,
    /// The verdict in plain words.
    pub verdict: String,
}

/// One segment's lifts.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentReport {
    /// `new`, `returning`, or a page kind.
    pub segment: String,
    /// Orders per arm, in arm order.
    pub orders: Vec<u64>,
    /// The lifts in this segment.
    pub lifts: Vec<LiftReport>,
}

/// A recommended pair: shown and taken.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PairReport {
    /// The product in the cart.
    pub from: String,
    /// The product recommended.
    pub to: String,
    /// The list that showed it: `basket` (cart and checkout pages) or `next` (a thank-you
    /// page: the product's next-order list where it has one).
    pub list: List,
    /// Orders whose page showed it.
    pub shown: u64,
    /// Of those, orders that added it from the widget.
    pub taken: u64,
    /// Showings on the first, second, … card.
    pub shown_at: Vec<u64>,
    /// Takes from the first, second, … card.
    pub taken_at: Vec<u64>,
}

/// The whole report (also `--json`).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The shop.
    pub shop: String,
    /// The currency of every amount (minor units).
    pub currency: String,
    /// Its decimals.
    pub exponent: u32,
    /// The experiment.
    pub experiment: String,
    /// Orders read, and those in the experiment.
    pub orders_read: u64,
    /// Orders carrying this experiment's arm.
    pub orders_exposed: u64,
    /// First and last exposed order (RFC 3339 dates).
    pub from: Option<String>,
    /// Last.
    pub to: Option<String>,
    /// Per arm.
    pub arms: Vec<ArmReport>,
    /// Each arm against the holdout.
    pub lifts: Vec<LiftReport>,
    /// By segment.
    pub segments: Vec<SegmentReport>,
    /// Recommended pairs, most shown first.
    pub pairs: Vec<PairReport>,
    /// Warnings for the merchant.
    pub notes: Vec<String>,
}

/// The holdout: the arm showing nothing, else the first bestsellers arm, else the last arm.
fn holdout(e: &Experiment) -> usize {
    e.arms
        .iter()
        .position(|a| a.show == Show::None)
        .or_else(|| e.arms.iter().position(|a| a.show == Show::Bestsellers))
        .unwrap_or(e.arms.len() - 1)
}

/// Which exposed orders a segment holds.
type Subset = Box<dyn Fn(&Exposed) -> bool>;

struct Exposed<'a> {
    order: &'a Order,
    arm: usize,
    /// The outcome: the order's revenue, or on a thank-you page the customer's next 7 days'.
    revenue: i64,
    /// Units, likewise.
    items: u64,
    page: Option<&'a str>,
    returning: bool,
    /// On a thank-you page: the customer's orders within 7 days that its adds started (they
    /// carry the page `thank_you` and this arm).
    followups: Vec<&'a Order>,
}

/// The page kind of an order started by a thank-you page's add (a cart permalink on Shopify,
/// the order-received page on WooCommerce).
const THANK_YOU: &str = "thank_you";

/// Reads the snapshot that was live during the experiment (`name` in errors) with the lists
/// its pages ranked: a thank-you page's (`thank_you`) ranks the next-order lists, so what it
/// showed is recomputed from those.
pub fn parse_catalog(name: &str, text: &str, thank_you: bool) -> Result<Catalog> {
    let page = if thank_you {
        crossbuy_engine::PageKind::ThankYou
    } else {
        crossbuy_engine::PageKind::Cart
    };
    Catalog::parse_for(text, page).map_err(|e| BuildError::input(name, e.to_string()))
}

/// Computes the report.
pub fn report(catalog: &Catalog, file: &OrderFile, query: &Query) -> Result<Report> {
    let experiment = catalog
        .experiment
        .as_ref()
        .filter(|e| query.experiment.as_ref().map_or(true, |n| *n == e.name))
        .ok_or_else(|| {
            BuildError::Usage(match &query.experiment {
                Some(n) => format!(
                    "the catalog's experiment is {}, not \"{n}\": report with the snapshot that ran it",
                    catalog
                        .experiment
                        .as_ref()
                        .map_or("none".to_owned(), |e| format!("\"{}\"", e.name))
                ),
                None => "the catalog has no experiment: add [experiment] to crossbuy.toml and rebuild (docs/measure.md)".to_owned(),
            })
        })?;
    let mut notes = Vec::new();
    let currency = catalog.shop.currency;
    if let Some(c) = &file.currency {
        if !c.eq_ignore_ascii_case(currency.code()) {
            notes.push(format!(
                "the orders are in {c}, the catalog in {}: amounts are read as {}",
                currency.code(),
                currency.code()
            ));
        }
    }
    // Customers' orders in time order, for history (new vs returning, next orders).
    let mut by_customer: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, o) in file.orders.iter().enumerate() {
        if let (Some(c), false) = (&o.customer, o.void) {
            by_customer.entry(c.as_str()).or_default().push(i);
        }
    }
    for list in by_customer.values_mut() {
        list.sort_by_key(|&i| (file.orders[i].time.unwrap_or(0), i));
    }
    let mut exposed: Vec<Exposed> = Vec::new();
    let mut unknown_arms: BTreeMap<String, u64> = BTreeMap::new();
    let mut overflow = 0u64;
    let mut from_thank_you = 0u64;
    let thank_you = query.thank_you;
    for o in &file.orders {
        if o.void {
            continue;
        }
        let arm = if thank_you {
            // Every order has a thank-you page, in the arm its id hashes to (as the page chose).
            experiment.assign(&o.id)
        } else {
            match &o.arm {
                Some((e, _)) if *e != experiment.name => continue,
                // Its arm is an earlier order's thank-you page's, not this order's page's.
                Some(_) if o.page.as_deref() == Some(THANK_YOU) => {
                    from_thank_you += 1;
                    continue;
                }
                Some((_, a)) => match experiment.arm(a) {
                    Some(arm) => arm,
                    None => {
                        *unknown_arms.entry(a.clone()).or_default() += 1;
                        continue;
                    }
                },
                None => continue,
            }
        };
        if let (Some(since), Some(t)) = (query.since, o.time) {
            if t < since {
                continue;
            }
        }
        let mut followups = Vec::new();
        let (revenue, items) = if thank_you {
            // What the customer bought after the page, within 7 days; the orders its adds
            // started say so.
            let mut revenue = Some(0i64);
            let mut items = 0u64;
            if let (Some(c), Some(t)) = (&o.customer, o.time) {
                for &j in &by_customer[c.as_str()] {
                    let p = &file.orders[j];
                    if p.time.is_some_and(|pt| pt > t && pt - t <= 7 * DAY) {
                        revenue = revenue.zip(p.revenue()).and_then(|(a, b)| a.checked_add(b));
                        items += p.items();
                        let mine = p.page.as_deref() == Some(THANK_YOU)
                            && p.arm.as_ref().is_some_and(|(e, a)| {
                                *e == experiment.name && *a == experiment.arms[arm].name
                            });
                        if mine {
                            followups.push(p);
                        }
                    }
                }
            }
            (revenue, items)
        } else {
            (o.revenue(), o.items())
        };
        let Some(revenue) = revenue else {
            overflow += 1;
            continue;
        };
        let returning = o.customer.as_ref().is_some_and(|c| {
            by_customer[c.as_str()].iter().any(|&j| {
                let p = &file.orders[j];
                p.time.zip(o.time).is_some_and(|(a, b)| a < b)
            })
        });
        exposed.push(Exposed {
            order: o,
            arm,
            revenue,
            items,
            page: if thank_you {
                Some(THANK_YOU)
            } else {
                o.page.as_deref()
            },
            returning,
            followups,
        });
    }
    for (a, n) in unknown_arms {
        notes.push(format!(
            "{n} orders name arm \"{a}\", which the catalog's experiment does not have: left out"
        ));
    }
    if overflow > 0 {
        notes.push(format!("{overflow} orders' totals overflow: left out"));
    }
    if file.bigcommerce && !thank_you {
        notes.push("BigCommerce's orders carry no arm (its storefront cannot write one, docs/measure.md): report an order confirmation page's experiment with --thank-you".to_owned());
    }
    if from_thank_you > 0 {
        notes.push(format!(
            "{from_thank_you} orders were started by a thank-you page's add: they count for that page's experiment (--thank-you), not as exposures here"
        ));
    }
    if !file.refund_dates {
        notes.push("the orders export has no refund dates (Shopify's has none): the refund rates are over every refund in it, without 7- and 30-day windows".to_owned());
    }
    if exposed.is_empty() {
        notes.push(format!(
            "no order carries the {ARM_ATTRIBUTE} attribute of experiment \"{}\" yet",
            experiment.name
        ));
    }

    let n_arms = experiment.arms.len();
    let control = holdout(experiment);
    let mut arms = Vec::with_capacity(n_arms);
    let mut pairs: BTreeMap<(usize, usize), Record> = BTreeMap::new();
    for (a, arm) in experiment.arms.iter().enumerate() {
        let mine: Vec<&Exposed> = exposed.iter().filter(|x| x.arm == a).collect();
        let n = mine.len() as u64;
        let mut r = ArmReport {
            arm: arm.name.clone(),
            show: arm.show.as_str().to_owned(),
            orders: n,
            accepted: 0,
            acceptance_rate: 0.0,
            revenue: 0,
            revenue_per_order: 0.0,
            items_per_order: 0.0,
            attributed_revenue: 0,
            attributed_items: 0,
            cross_sell_order_value: None,
            secondary_7d: 0.0,
            secondary_30d: 0.0,
            secondary_median_days: None,
            new_type_7d: 0.0,
            new_type_30d: 0.0,
            refund_rate_cross_sold: None,
            refund_rate_rest: None,
            refund_rate_cross_sold_7d: None,
            refund_rate_cross_sold_30d: None,
            refund_rate_rest_7d: None,
            refund_rate_rest_30d: None,
        };
        let (mut items, mut accepted_value) = (0u64, 0i64);
        // Units and refunded units, cross-sold [0] and the rest [1]: in all, within 7, 30 days.
        let mut units = [0u64; 2];
        let mut refunded = [[0u64; 3]; 2];
        let (mut sec7, mut sec30, mut new7, mut new30) = (0u64, 0u64, 0u64, 0u64);
        let mut days_to_next: Vec<f64> = Vec::new();
        for x in &mine {
            let o = x.order;
            r.revenue = r.revenue.saturating_add(x.revenue);
            items += x.items;
            let added_of = |order: &Order| -> Vec<usize> {
                order
                    .added
                    .iter()
                    .filter_map(|id| {
                        catalog
                            .product_index(id)
                            .or_else(|| catalog.variant_product(id))
                    })
                    .collect()
            };
            // The orders whose lines count, with what the widget added in each: the order
            // itself; on a thank-you page, the order (nothing added) and those its adds started.
            let mut counted: Vec<(&Order, Vec<usize>)> =
                vec![(o, if thank_you { Vec::new() } else { added_of(o) })];
            counted.extend(x.followups.iter().map(|f| (*f, added_of(f))));
            let added: Vec<usize> = counted.iter().flat_map(|(_, a)| a.clone()).collect();
            let mut took = false;
            for (order, order_added) in &counted {
                for l in &order.lines {
                    let cross = l.product.is_some_and(|p| order_added.contains(&p));
                    if cross {
                        took = true;
                        r.attributed_items += u64::from(l.quantity);
                        r.attributed_revenue = r
                            .attributed_revenue
                            .saturating_add(l.price.saturating_mul(i64::from(l.quantity)));
                    }
                    let k = usize::from(!cross);
                    units[k] += u64::from(l.quantity);
                    let after = l.refunded_at.zip(order.time).map(|(at, t)| at - t);
                    refunded[k][0] += u64::from(l.refunded);
                    refunded[k][1] +=
                        u64::from(l.refunded) * u64::from(after.is_some_and(|d| d <= 7 * DAY));
                    refunded[k][2] +=
                        u64::from(l.refunded) * u64::from(after.is_some_and(|d| d <= 30 * DAY));
                }
            }
            if took {
                r.accepted += 1;
                accepted_value = accepted_value.saturating_add(x.revenue);
            }
            // What the page showed: recomputed for the items that were there before the adds
            // (a thank-you page: the order's).
            let mut context: Vec<usize> = Vec::new();
            for l in &o.lines {
                if let Some(p) = l.product {
                    if (thank_you || !added.contains(&p)) && !context.contains(&p) {
                        context.push(p);
                    }
                }
            }
            let shown = recommend_for(
                catalog,
                Some(arm),
                &context,
                crossbuy_engine::score::DEFAULT_CARDS,
            );
            for (card, s) in shown.iter().enumerate() {
                let from = s.because.first().copied().or(context.first().copied());
                if let Some(from) = from {
                    let e = pairs.entry((from, s.product)).or_default();
                    e.show(card, added.contains(&s.product));
                }
            }
            // The customer's later orders.
            let Some((c, t)) = o.customer.as_deref().zip(o.time) else {
                continue;
            };
            let history = &by_customer[c];
            let recommended: Vec<usize> = if shown.is_empty() {
                // A holdout saw nothing; what crossbuy would have shown is the yardstick.
                recommend_for(
                    catalog,
                    None,
                    &context,
                    crossbuy_engine::score::DEFAULT_CARDS,
                )
                .iter()
                .map(|r| r.product)
                .collect()
            } else {
                shown.iter().map(|r| r.product).collect()
            };
            let mut next: Option<i64> = None;
            let mut known_types: Vec<&str> = Vec::new();
            let mut first_new: Option<i64> = None;
            for &j in history {
                let p = &file.orders[j];
                let Some(pt) = p.time else { continue };
                let types = p
                    .lines
                    .iter()
                    .filter_map(|l| l.product)
                    .filter_map(|i| catalog.products[i].product_type.as_deref());
                if pt < t {
                    known_types.extend(types);
                    continue;
                }
                if first_new.is_none()
                    && !known_types.is_empty()
                    && types.clone().any(|ty| !known_types.contains(&ty))
                {
                    first_new = Some(pt - t);
                }
                if pt > t
                    && next.is_none()
                    && p.lines
                        .iter()
                        .any(|l| l.product.is_some_and(|i| recommended.contains(&i)))
                {
                    next = Some(pt - t);
                }
            }
            if let Some(d) = next {
                days_to_next.push(d as f64 / DAY as f64);
                sec7 += u64::from(d <= 7 * DAY);
                sec30 += u64::from(d <= 30 * DAY);
            }
            if let Some(d) = first_new {
                new7 += u64::from(d <= 7 * DAY);
                new30 += u64::from(d <= 30 * DAY);
            }
        }
        if n > 0 {
            let nf = n as f64;
            r.acceptance_rate = r.accepted as f64 / nf;
            r.revenue_per_order = r.revenue as f64 / nf;
            r.items_per_order = items as f64 / nf;
            r.secondary_7d = sec7 as f64 / nf;
            r.secondary_30d = sec30 as f64 / nf;
            r.new_type_7d = new7 as f64 / nf;
            r.new_type_30d = new30 as f64 / nf;
        }
        if r.accepted > 0 {
            r.cross_sell_order_value = Some(accepted_value as f64 / r.accepted as f64);
        }
        r.secondary_median_days = median(&mut days_to_next);
        let rate = |k: usize, w: usize| {
            (units[k] > 0 && (w == 0 || file.refund_dates))
                .then(|| refunded[k][w] as f64 / units[k] as f64)
        };
        r.refund_rate_cross_sold = rate(0, 0);
        r.refund_rate_rest = rate(1, 0);
        r.refund_rate_cross_sold_7d = rate(0, 1);
        r.refund_rate_cross_sold_30d = rate(0, 2);
        r.refund_rate_rest_7d = rate(1, 1);
        r.refund_rate_rest_30d = rate(1, 2);
        arms.push(r);
    }

    let lifts_of = |subset: &dyn Fn(&Exposed) -> bool| -> (Vec<u64>, Vec<LiftReport>) {
        let sample = |a: usize| -> (Vec<f64>, Vec<f64>) {
            exposed
                .iter()
                .filter(|x| x.arm == a && subset(x))
                .map(|x| (x.revenue as f64, x.items as f64))
                .unzip()
        };
        let (c_rev, c_items) = sample(control);
        let counts = (0..n_arms)
            .map(|a| exposed.iter().filter(|x| x.arm == a && subset(x)).count() as u64)
            .collect();
        let mut lifts = Vec::new();
        for a in (0..n_arms).filter(|&a| a != control) {
            let (rev, it) = sample(a);
            let revenue = lift::difference(&rev, &c_rev);
            let items = lift::difference(&it, &c_items);
            let more = lift::more_orders_needed(&rev, &c_rev);
            let verdict = verdict(&experiment.arms[a].name, &revenue, more, currency);
            lifts.push(LiftReport {
                arm: experiment.arms[a].name.clone(),
                against: experiment.arms[control].name.clone(),
                revenue,
                items,
                more_orders_per_arm: more,
                verdict,
            });
        }
        (counts, lifts)
    };
    let (_, lifts) = lifts_of(&|_| true);
    let mut segments = Vec::new();
    let seg: [(&str, Subset); 2] = [
        ("new", Box::new(|x: &Exposed| !x.returning)),
        ("returning", Box::new(|x: &Exposed| x.returning)),
    ];
    for (name, f) in seg.iter() {
        let (orders, lifts) = lifts_of(f.as_ref());
        segments.push(SegmentReport {
            segment: (*name).to_owned(),
            orders,
            lifts,
        });
    }
    let mut pages: Vec<&str> = exposed.iter().filter_map(|x| x.page).collect();
    pages.sort_unstable();
    pages.dedup();
    for page in pages {
        let (orders, lifts) = lifts_of(&|x: &Exposed| x.page == Some(page));
        segments.push(SegmentReport {
            segment: format!("page: {page}"),
            orders,
            lifts,
        });
    }
    // Every pair's card counts as long as the most cards any page showed.
    let cards = pairs.values().map(|r| r.shown_at.len()).max().unwrap_or(0);
    let mut pairs: Vec<PairReport> = pairs
        .into_iter()
        .map(|((f, t), mut r)| {
            r.shown_at.resize(cards, 0);
            r.taken_at.resize(cards, 0);
            PairReport {
                from: catalog.products[f].id.clone(),
                to: catalog.products[t].id.clone(),
                list: if thank_you { List::Next } else { List::Basket },
                shown: r.shown,
                taken: r.taken,
                shown_at: r.shown_at,
                taken_at: r.taken_at,
            }
        })
        .collect();
    pairs.sort_by(|a, b| {
        b.shown
            .cmp(&a.shown)
            .then(b.taken.cmp(&a.taken))
            .then(a.from.cmp(&b.from))
            .then(a.to.cmp(&b.to))
    });
    let times: Vec<i64> = exposed.iter().filter_map(|x| x.order.time).collect();
    let date = |t: i64| crossbuy_engine::time::format(t.saturating_mul(1000))[..10].to_owned();
    Ok(Report {
        shop: catalog.shop.name.clone(),
        currency: currency.code().to_owned(),
        exponent: currency.exponent(),
        experiment: experiment.name.clone(),
        orders_read: file.orders.len() as u64,
        orders_exposed: exposed.len() as u64,
        from: times.iter().min().map(|&t| date(t)),
        to: times.iter().max().map(|&t| date(t)),
        arms,
        lifts,
        segments,
        pairs,
        notes,
    })
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

/// An amount in minor units (rounded to a whole minor unit) as the shop writes it: `£1.20`,
/// `-$0.40`, `¥120`, `1.500 KWD`.
pub fn money(minor: f64, currency: Currency) -> String {
    let m = minor.round();
    let negative = m < 0.0;
    let m = m.abs() as u128;
    let e = currency.exponent();
    let scale = 10u128.pow(e);
    let number = if e == 0 {
        group(m)
    } else {
        format!(
            "{}.{:0width$}",
            group(m / scale),
            m % scale,
            width = e as usize
        )
    };
    let sign = if negative { "-" } else { "" };
    match currency.code() {
        "GBP" => format!("{sign}£{number}"),
        "USD" => format!("{sign}${number}"),
        "EUR" => format!("{sign}€{number}"),
        "JPY" => format!("{sign}¥{number}"),
        code => format!("{sign}{number} {code}"),
    }
}

fn group(n: u128) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn signed(minor: f64, currency: Currency) -> String {
    let s = money(minor, currency);
    if minor.round() > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

/// The verdict on revenue per order, in plain words.
pub fn verdict(arm: &str, revenue: &Interval, more: u64, currency: Currency) -> String {
    if revenue.n.0 < 2 || revenue.n.1 < 2 {
        return "not enough data yet: each arm needs orders".to_owned();
    }
    let ci = format!(
        "95% CI {} to {}",
        money(revenue.low, currency),
        money(revenue.high, currency)
    );
    if revenue.significant() {
        let word = if revenue.estimate > 0.0 {
            "earns"
        } else {
            "costs"
        };
        let amount = if revenue.estimate > 0.0 {
            signed(revenue.estimate, currency)
        } else {
            money(-revenue.estimate, currency)
        };
        format!("{arm} {word} {amount} per order, {ci}")
    } else if more > 0 {
        format!(
            "not enough data yet: about {more} more orders per arm ({arm}: {} per order so far, {ci})",
            signed(revenue.estimate, currency)
        )
    } else {
        format!(
            "no measurable difference: {arm} {} per order, {ci}",
            signed(revenue.estimate, currency)
        )
    }
}

/// The terminal summary.
pub fn summary_text(r: &Report, currency: Currency) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "experiment \"{}\" at {}: {} of {} orders in the experiment{}",
        r.experiment,
        r.shop,
        r.orders_exposed,
        r.orders_read,
        match (&r.from, &r.to) {
            (Some(a), Some(b)) => format!(", {a} to {b}"),
            _ => String::new(),
        }
    );
    for l in &r.lifts {
        let _ = writeln!(s, "  {}", l.verdict);
    }
    let _ = writeln!(
        s,
        "\n  {:<14} {:>7} {:>9} {:>12} {:>8} {:>12} {:>9} {:>9}",
        "arm",
        "orders",
        "accepted",
        "revenue/ord",
        "items/ord",
        "attributed",
        "2nd 30d",
        "new type"
    );
    for a in &r.arms {
        let _ = writeln!(
            s,
            "  {:<14} {:>7} {:>8.1}% {:>12} {:>9.2} {:>12} {:>8.1}% {:>8.1}%",
            a.arm,
            a.orders,
            a.acceptance_rate * 100.0,
            money(a.revenue_per_order, currency),
            a.items_per_order,
            money(a.attributed_revenue as f64, currency),
            a.secondary_30d * 100.0,
            a.new_type_30d * 100.0,
        );
    }
    let rate = |x: Option<f64>| x.map_or("–".to_owned(), |x| format!("{:.1}%", x * 100.0));
    for a in &r.arms {
        if a.refund_rate_cross_sold.is_some() || a.refund_rate_rest.is_some() {
            let _ = writeln!(
                s,
                "  {} refunds: cross-sold {} (7 days {}, 30 days {}), other {} (7 days {}, 30 days {})",
                a.arm,
                rate(a.refund_rate_cross_sold),
                rate(a.refund_rate_cross_sold_7d),
                rate(a.refund_rate_cross_sold_30d),
                rate(a.refund_rate_rest),
                rate(a.refund_rate_rest_7d),
                rate(a.refund_rate_rest_30d),
            );
        }
    }
    for l in &r.lifts {
        let _ = writeln!(
            s,
            "\n  {} vs {}: revenue per order {} (95% CI {} to {}); items per order {:+.2} (95% CI {:+.2} to {:+.2})",
            l.arm,
            l.against,
            signed(l.revenue.estimate, currency),
            money(l.revenue.low, currency),
            money(l.revenue.high, currency),
            l.items.estimate,
            l.items.low,
            l.items.high
        );
    }
    for seg in &r.segments {
        for l in &seg.lifts {
            let _ = writeln!(s, "  {} ({}): {}", seg.segment, l.arm, l.verdict);
        }
    }
    if !r.pairs.is_empty() {
        let _ = writeln!(s, "\n  most shown pairs (shown / taken):");
        for p in r.pairs.iter().take(10) {
            let _ = writeln!(s, "    {} -> {}: {} / {}", p.from, p.to, p.shown, p.taken);
        }
    }
    for n in &r.notes {
        let _ = writeln!(s, "  note: {n}");
    }
    s
}
