//! BigCommerce: the products export and the orders export a merchant downloads from the
//! control panel, read by header name from a reader (never a file name: the same code serves
//! the command line and the browser).
//!
//! Products (Products > Export), in either of BigCommerce's layouts:
//!
//! | meaning | current export (`Item` column) | Bulk Edit template (`Item Type` column) |
//! |---|---|---|
//! | row kind | `Item`: `Product`, then its `Variant` and `Image` rows | `Item Type`: `Product`, then its `SKU` and `Rule` rows |
//! | product id, variant id | `ID` (of the product, of the variant) | `Product ID` (variants: their SKU) |
//! | title, SKU | `Name`, `SKU` | `Product Name`, `Product Code/SKU` |
//! | variant options | `Options` (`Type=…\|Name=Colour\|Value=White`) | the SKU row's `Product Name` (`[S]Colour=White`) |
//! | price | `Sale Price` when set, then `Price` is the compare-at price; else `Price`, with `Retail Price` above it as the compare-at price; a variant's own `Price` wins over its product's | the same, `Price`, `Sale Price`, `Retail Price` |
//! | stock | `Inventory Tracking` (`none`, `product`, `variant`) and `Current Stock` | `Track Inventory` (`none`, `by product`, `by option`) and `Current Stock Level` |
//! | status | `Is Visible` | `Product Visible?`, `Allow Purchases?` |
//! | type | the last level of the first of `Categories` (`Shop All/Mugs;Gifts`) | the same, `Category` |
//! | vendor | `Brand` or `Brand Name`, when the export has it | `Brand Name` |
//! | page, image | `Product URL`; the thumbnail `Image` row's `Internal Image URL (Export)` (else the first) | `Product URL`; `Product Image URL - 1` |
//!
//! Rows after a product row continue it, as Shopify's rows with an empty title do. A product
//! without variant rows is its own variant, with its product id.
//!
//! Orders (Orders > Export, the default template): one row per order, its line items in one
//! `Product Details` field, `Product ID: 77, Product Qty: 2, Product SKU: …, Product Name: …,
//! Product Weight: …, Product Variation Details: …, Product Unit Price: …, Product Total Price:
//! …` joined with `|`. A template that exports the item fields as columns instead (`Product
//! ID`, `Product Qty`, `Product SKU`, `Product Name`) gives one row per item; a row with an
//! empty `Order ID` continues the order above. Lines join to products by product id, else SKU,
//! else name. `Order Status` `Cancelled` orders are left out and counted, as are `Refunded`
//! ones (and those whose `Refund Amount` is their whole `Order Total (inc tax)`) and never
//! paid ones (`Incomplete`, `Pending`, `Declined`); a `Partially Refunded` order counts, as a
//! partially refunded Shopify order does. `Order Date` is read in the store's date format:
//! `DD/MM/YYYY` or `MM/DD/YYYY`, told apart by the file's dates (a day above 12), month first
//! when nothing tells; ISO dates and `Tue, 20 Nov 2018 10:00:00 +0000` are read too.

use std::collections::HashMap;
use std::io::Read;

use csv::StringRecord;

use super::dates::parse_timestamp;
use super::order_book::{blank, Fate, Finder, Finish, LineIds, OrderBook};
use super::orders::{non_product, NonProduct, Orders};
use super::products::{
    counted, image_url, is_false, is_true, non_empty, ProductFile, ProductRow, Status, VariantRow,
};
use super::progress::Progress;
use super::report::{BuildError, Result, Summary};
use super::table::{field, Table};
use crossbuy_engine::money::parse_decimal;
use crossbuy_engine::url::is_safe_url;

/// Reads BigCommerce's products export (current or Bulk Edit layout). `name` names the
/// source in messages; `size` is its length in bytes when known (0 otherwise).
pub fn read_products(
    name: &str,
    source: Box<dyn Read>,
    size: u64,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<ProductFile> {
    let t = Table::from_reader(name, source, size)?;
    let file = if t.has("item") {
        read_current(t, summary, progress)?
    } else if t.has("item type") {
        read_bulk_edit(t, summary, progress)?
    } else {
        return Err(BuildError::input(
            name,
            "not BigCommerce's products export: expected an `Item` column (Products > Export) or an `Item Type` column (the Bulk Edit template)",
        ));
    };
    counted(file, summary)
}

/// An amount, exactly, for comparing prices (`None` when empty or unreadable).
fn amount(s: &str) -> Option<i64> {
    parse_decimal(s, 4).ok()
}

/// Price and compare-at price from `Price`, `Sale Price` and `Retail Price`: a sale price
/// below the price is the price (the price is then the compare-at price); else a retail price
/// above the price is the compare-at price.
fn pricing(price: &str, sale: &str, retail: &str) -> (String, String) {
    let p = amount(price);
    match (p, amount(sale)) {
        (Some(p), Some(s)) if s > 0 && s < p => return (sale.to_owned(), price.to_owned()),
        _ => {}
    }
    match (p, amount(retail)) {
        (Some(p), Some(r)) if r > p => (price.to_owned(), retail.to_owned()),
        _ => (price.to_owned(), String::new()),
    }
}

/// The option values of `Type=Swatch|Name=Colour|Value=White[#FFFFFF]` (several options are
/// separated by `;`): `White`.
fn option_values(s: &str) -> String {
    s.split(['|', ';'])
        .filter_map(|part| part.trim().strip_prefix("Value="))
        .map(|v| v.split('[').next().unwrap_or(v).trim())
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The last level of the first category: `Shop All/Kitchen/Mugs;Gifts` is `Mugs`.
fn category_type(s: &str) -> Option<String> {
    s.split(';')
        .next()
        .and_then(|c| c.rsplit('/').next())
        .map(str::trim)
        .and_then(non_empty)
}

/// The options of a Bulk Edit SKU row's name, `[S]Colour=White,[RB]Size=Large`: `White / Large`.
fn sku_options(s: &str) -> String {
    s.split(',')
        .filter_map(|part| part.split_once('=').map(|(_, v)| v.trim()))
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The columns of either layout.
struct Columns {
    item: usize,
    id: usize,
    name: usize,
    price: usize,
    sku: Option<usize>,
    options: Option<usize>,
    tracking: Option<usize>,
    stock: Option<usize>,
    sale: Option<usize>,
    retail: Option<usize>,
    categories: Option<usize>,
    url: Option<usize>,
    visible: Option<usize>,
    allow_purchases: Option<usize>,
    brand: Option<usize>,
    /// The current layout: on `Image` rows; the Bulk Edit template: on the product row.
    image: Option<usize>,
    thumbnail: Option<usize>,
    bulk_edit: bool,
}

impl Columns {
    fn current(t: &Table) -> Result<Columns> {
        Ok(Columns {
            item: t.require(&["Item"])?,
            id: t.require(&["ID"])?,
            name: t.require(&["Name"])?,
            price: t.require(&["Price"])?,
            sku: t.find(&["SKU"]),
            options: t.find(&["Options"]),
            tracking: t.find(&["Inventory Tracking"]),
            stock: t.find(&["Current Stock"]),
            sale: t.find(&["Sale Price"]),
            retail: t.find(&["Retail Price"]),
            categories: t.find(&["Categories"]),
            url: t.find(&["Product URL"]),
            visible: t.find(&["Is Visible"]),
            allow_purchases: None,
            brand: t.find(&["Brand", "Brand Name"]),
            image: t.find(&["Internal Image URL (Export)", "Image URL (Import)"]),
            thumbnail: t.find(&["Image is Thumbnail"]),
            bulk_edit: false,
        })
    }

    fn bulk_edit(t: &Table) -> Result<Columns> {
        Ok(Columns {
            item: t.require(&["Item Type"])?,
            id: t.require(&["Product ID"])?,
            name: t.require(&["Product Name"])?,
            price: t.require(&["Price"])?,
            sku: t.find(&["Product Code/SKU"]),
            options: None,
            tracking: t.find(&["Track Inventory"]),
            stock: t.find(&["Current Stock Level"]),
            sale: t.find(&["Sale Price"]),
            retail: t.find(&["Retail Price"]),
            categories: t.find(&["Category"]),
            url: t.find(&["Product URL"]),
            visible: t.find(&["Product Visible?"]),
            allow_purchases: t.find(&["Allow Purchases?"]),
            brand: t.find(&["Brand Name", "Brand"]),
            image: t.find(&["Product Image URL - 1", "Product Image File - 1"]),
            thumbnail: None,
            bulk_edit: true,
        })
    }
}

/// The product whose continuation rows are being read.
struct Current {
    index: usize,
    price: String,
    sale: String,
    retail: String,
    /// In stock by the product's own stock, or `None` when stock is kept per variant.
    in_stock: Option<bool>,
    has_thumbnail: bool,
}

/// A tracked stock of 0 or less.
fn sold_out(stock: &str) -> bool {
    stock.parse::<i64>().is_ok_and(|n| n <= 0)
}

/// Products being read, with each product's own variant for when no variant row follows.
struct Catalogue<'a> {
    path: String,
    c: &'a Columns,
    products: Vec<ProductRow>,
    own: Vec<Option<VariantRow>>,
    current: Option<Current>,
    seen: HashMap<String, u64>,
}

impl Catalogue<'_> {
    fn product(&mut self, rec: &StringRecord, line: u64, summary: &mut Summary) {
        let (c, path) = (self.c, self.path.as_str());
        self.current = None;
        let id = field(rec, Some(c.id));
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            summary.problem(
                path,
                line,
                format!("product ID \"{id}\" is not a number; the product and its rows skipped"),
            );
            return;
        }
        if let Some(first) = self.seen.get(id) {
            summary.problem(
                path,
                line,
                format!(
                    "product ID {id} already at line {first}; the product and its rows skipped"
                ),
            );
            return;
        }
        self.seen.insert(id.to_owned(), line);
        let title = field(rec, Some(c.name));
        if title.is_empty() {
            summary.problem(
                path,
                line,
                format!("product {id} has no name; the product and its rows skipped"),
            );
            return;
        }
        let url = match field(rec, c.url) {
            "" => None,
            u if is_safe_url(u) => Some(u.to_owned()),
            u => {
                summary.problem(
                    path,
                    line,
                    format!("Product URL \"{u}\" is not http(s) or shop-relative; the product and its rows skipped"),
                );
                return;
            }
        };
        let tracking = field(rec, c.tracking).to_ascii_lowercase();
        let stock = field(rec, c.stock);
        let in_stock = match tracking.as_str() {
            "variant" | "by option" => None,
            "product" | "by product" => Some(!sold_out(stock)),
            _ => Some(true),
        };
        let price = field(rec, Some(c.price)).to_owned();
        let sale = field(rec, c.sale).to_owned();
        let retail = field(rec, c.retail).to_owned();
        let (own_price, compare_at) = pricing(&price, &sale, &retail);
        self.own.push((!own_price.is_empty()).then(|| VariantRow {
            id: id.to_owned(),
            sku: field(rec, c.sku).to_owned(),
            options: String::new(),
            price: own_price,
            compare_at,
            in_stock: in_stock.unwrap_or(true),
            line,
        }));
        let hidden = is_false(field(rec, c.visible)) || is_false(field(rec, c.allow_purchases));
        let image = if c.bulk_edit {
            match field(rec, c.image) {
                u if u.contains("://") => image_url(u, path, line, summary),
                _ => None, // a file name in the store's image folder, not a url
            }
        } else {
            None
        };
        self.current = Some(Current {
            index: self.products.len(),
            price,
            sale,
            retail,
            in_stock,
            has_thumbnail: false,
        });
        self.products.push(ProductRow {
            id: id.to_owned(),
            shopify_id: None,
            title: title.to_owned(),
            url,
            image,
            vendor: non_empty(field(rec, c.brand)),
            product_type: category_type(field(rec, c.categories)),
            tags: Vec::new(),
            status: if hidden {
                Status::Unpublished
            } else {
                Status::Active
            },
            gift_card: non_product(title) == Some(NonProduct::GiftCard),
            variants: Vec::new(),
            line,
        });
    }

    fn variant(&mut self, rec: &StringRecord, line: u64, summary: &mut Summary) {
        let (c, path) = (self.c, self.path.as_str());
        let Some(cur) = &self.current else {
            return;
        };
        let sku = field(rec, c.sku);
        let id = match field(rec, Some(c.id)) {
            n if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => n,
            // The Bulk Edit template's SKU rows carry no id: the SKU names the variant.
            "" if c.bulk_edit && !sku.is_empty() => sku,
            n => {
                summary.problem(
                    path,
                    line,
                    format!("variant ID \"{n}\" is not a number; row skipped"),
                );
                return;
            }
        };
        let own = if c.bulk_edit {
            ""
        } else {
            field(rec, Some(c.price))
        };
        let (price, compare_at) = if own.is_empty() {
            pricing(&cur.price, &cur.sale, &cur.retail)
        } else {
            pricing(own, field(rec, c.sale), &cur.retail)
        };
        if price.is_empty() {
            summary.problem(
                path,
                line,
                format!("variant {id} has no price (nor has its product); row skipped"),
            );
            return;
        }
        let options = if c.bulk_edit {
            sku_options(field(rec, Some(c.name)))
        } else {
            option_values(field(rec, c.options))
        };
        self.products[cur.index].variants.push(VariantRow {
            id: id.to_owned(),
            sku: sku.to_owned(),
            options,
            price,
            compare_at,
            in_stock: cur
                .in_stock
                .unwrap_or_else(|| !sold_out(field(rec, c.stock))),
            line,
        });
    }

    fn image(&mut self, rec: &StringRecord, line: u64, summary: &mut Summary) {
        let (c, path) = (self.c, self.path.as_str());
        let Some(cur) = &mut self.current else {
            return;
        };
        let thumbnail = is_true(field(rec, c.thumbnail));
        let product = &mut self.products[cur.index];
        if product.image.is_none() || (thumbnail && !cur.has_thumbnail) {
            if let Some(url) = image_url(field(rec, c.image), path, line, summary) {
                product.image = Some(url);
                cur.has_thumbnail |= thumbnail;
            }
        }
    }

    /// A product without variant rows is its own variant (one without a price is then left
    /// out, and reported, when prices are read).
    fn finish(mut self) -> ProductFile {
        for (p, own) in self.products.iter_mut().zip(self.own) {
            if p.variants.is_empty() {
                p.variants.extend(own);
            }
        }
        ProductFile {
            path: self.path,
            products: self.products,
            shopify: false,
        }
    }
}

fn read_layout(
    mut t: Table,
    c: &Columns,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<ProductFile> {
    let mut cat = Catalogue {
        path: t.path.clone(),
        c,
        products: Vec::new(),
        own: Vec::new(),
        current: None,
        seen: HashMap::new(),
    };
    let mut rec = StringRecord::new();
    progress.start("reading products", t.size);
    while let Some(line) = t.next(&mut rec, summary)? {
        progress.at(t.position());
        let kind = field(&rec, Some(c.item));
        let item = kind.to_ascii_lowercase();
        match item.as_str() {
            "product" => cat.product(&rec, line, summary),
            "" if rec.iter().all(|f| f.trim().is_empty()) => {}
            _ if cat.current.is_none() && cat.products.is_empty() => summary.problem(
                &cat.path,
                line,
                format!("{kind} row without a product row above it; row skipped"),
            ),
            "variant" | "sku" => cat.variant(&rec, line, summary),
            "image" => cat.image(&rec, line, summary),
            // Rules, videos and the rows of a skipped product say nothing the widget uses.
            _ => {}
        }
    }
    progress.done();
    Ok(cat.finish())
}

fn read_current(
    t: Table,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<ProductFile> {
    let c = Columns::current(&t)?;
    read_layout(t, &c, summary, progress)
}

fn read_bulk_edit(
    t: Table,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<ProductFile> {
    let c = Columns::bulk_edit(&t)?;
    read_layout(t, &c, summary, progress)
}

/// What became of a BigCommerce order of status `status`.
pub fn fate(status: &str) -> Fate {
    let s = status.trim();
    let is = |x: &str| s.eq_ignore_ascii_case(x);
    if is("Cancelled") {
        Fate::Cancelled
    } else if is("Refunded") {
        Fate::Refunded
    } else if is("Incomplete") || is("Pending") || is("Declined") {
        Fate::Unpaid
    } else {
        Fate::Open
    }
}

/// One line item of an order.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Item<'a> {
    pub(crate) product_id: &'a str,
    pub(crate) quantity: &'a str,
    pub(crate) sku: &'a str,
    pub(crate) name: &'a str,
    /// As the export writes it (`8.99`).
    pub(crate) unit_price: &'a str,
}

const DETAIL_KEYS: [&str; 8] = [
    "Product ID: ",
    ", Product Qty: ",
    ", Product SKU: ",
    ", Product Name: ",
    ", Product Weight: ",
    ", Product Variation Details: ",
    ", Product Unit Price: ",
    ", Product Total Price: ",
];

/// The items of a `Product Details` field, or `None` when it is not in that form.
pub(crate) fn details(s: &str) -> Option<Vec<Item<'_>>> {
    let s = s.trim();
    let rest = s.strip_prefix(DETAIL_KEYS[0])?;
    let mut out = Vec::new();
    for text in rest.split("|Product ID: ") {
        // Each key's value runs to the next key found after it.
        let mut values = [""; 8];
        let mut at = text;
        let mut k = 0;
        while k < 8 {
            let next = (k + 1..8).find_map(|j| at.find(DETAIL_KEYS[j]).map(|p| (j, p)));
            match next {
                Some((j, p)) => {
                    values[k] = at[..p].trim();
                    at = &at[p + DETAIL_KEYS[j].len()..];
                    k = j;
                }
                None => {
                    values[k] = at.trim();
                    break;
                }
            }
        }
        out.push(Item {
            product_id: values[0],
            quantity: values[1],
            sku: values[2],
            name: values[3],
            unit_price: values[6],
        });
    }
    Some(out)
}

/// Where an export's line items are: the `Product Details` field, or one row per item with
/// the item fields as columns.
pub(crate) struct ItemColumns {
    details: Option<usize>,
    product: Option<usize>,
    quantity: Option<usize>,
    sku: Option<usize>,
    name: Option<usize>,
    price: Option<usize>,
}

/// What a `Product Details` field not in BigCommerce's form is told.
pub(crate) const NOT_DETAILS: &str =
    "Product Details is not in BigCommerce's form (\"Product ID: …, Product Qty: …\"); row skipped";

impl ItemColumns {
    /// Finds them: `Product Details`, else `Product ID` (required) with `Product Qty`,
    /// `Product SKU`, `Product Name` and `Product Unit Price`.
    pub(crate) fn find(t: &Table) -> Result<ItemColumns> {
        let details = t.find(&["Product Details"]);
        let product = match details {
            Some(_) => None,
            None => Some(t.require(&["Product Details", "Product ID"])?),
        };
        Ok(ItemColumns {
            details,
            product,
            quantity: t.find(&["Product Qty"]),
            sku: t.find(&["Product SKU"]),
            name: t.find(&["Product Name"]),
            price: t.find(&["Product Unit Price"]),
        })
    }

    /// One row per item: a row without an `Order ID` continues the order above.
    pub(crate) fn per_row(&self) -> bool {
        self.product.is_some()
    }

    /// The row's items; `None` when its `Product Details` is not in BigCommerce's form
    /// ([`NOT_DETAILS`]).
    pub(crate) fn items<'a>(&self, rec: &'a StringRecord) -> Option<Vec<Item<'a>>> {
        match self.details {
            Some(d) => match field(rec, Some(d)) {
                "" => Some(Vec::new()),
                text => details(text),
            },
            None => Some(vec![Item {
                product_id: field(rec, self.product),
                quantity: field(rec, self.quantity),
                sku: field(rec, self.sku),
                name: field(rec, self.name),
                unit_price: field(rec, self.price),
            }]),
        }
    }
}

/// Month-first or day-first slash dates, decided by the file's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    MonthFirst,
    DayFirst,
}

/// `a/b/yyyy` and what follows, when the date is in that form.
fn slash_date(s: &str) -> Option<(u32, u32, &str, &str)> {
    let (date, rest) = s.split_once(' ').unwrap_or((s, ""));
    let mut p = date.split('/');
    let a = p.next()?.parse().ok()?;
    let b = p.next()?.parse().ok()?;
    let y = p.next()?;
    (p.next().is_none() && y.len() == 4).then_some((a, b, y, rest.trim()))
}

/// `Tue, 20 Nov 2018 10:00:00 +0000` as `2018-11-20 10:00:00 +0000`.
fn rfc2822(s: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let s = s.split_once(", ").map_or(s, |(_, rest)| rest);
    let mut p = s.split_whitespace();
    let d: u32 = p.next()?.parse().ok()?;
    let m = p.next()?.to_ascii_lowercase();
    let m = MONTHS.iter().position(|x| m.starts_with(x))? + 1;
    let y = p.next()?;
    let rest: Vec<&str> = p.collect();
    Some(
        format!("{y}-{m:02}-{d:02} {}", rest.join(" "))
            .trim()
            .to_owned(),
    )
}

fn order_time(raw: &str, order: Order) -> Option<i64> {
    if let Some((a, b, y, rest)) = slash_date(raw) {
        let (m, d) = match order {
            Order::MonthFirst => (a, b),
            Order::DayFirst => (b, a),
        };
        return parse_timestamp(&format!("{y}-{m:02}-{d:02} {rest}"));
    }
    parse_timestamp(raw).or_else(|| rfc2822(raw).and_then(|t| parse_timestamp(&t)))
}

/// The times of the export's `Order Date`s: slash dates day first when some day is above 12,
/// else month first (said in `notes` when nothing tells).
pub(crate) fn order_times(dates: &[String], notes: &mut Vec<String>) -> Vec<Option<i64>> {
    let parts: Vec<(u32, u32)> = dates
        .iter()
        .filter_map(|d| slash_date(d).map(|(a, b, _, _)| (a, b)))
        .collect();
    let day_first = parts.iter().any(|&(a, _)| a > 12);
    let month_first = parts.iter().any(|&(_, b)| b > 12);
    let order = if day_first && !month_first {
        Order::DayFirst
    } else {
        Order::MonthFirst
    };
    if !parts.is_empty() && !day_first && !month_first {
        notes.push(
            "`Order Date` is read as month/day/year (no date in the file is past the 12th)"
                .to_owned(),
        );
    }
    dates.iter().map(|raw| order_time(raw, order)).collect()
}

/// Reads BigCommerce's orders export against the products.
pub fn read_orders(
    name: &str,
    source: Box<dyn Read>,
    size: u64,
    products: &ProductFile,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<Orders> {
    let mut t = Table::from_reader(name, source, size)?;
    let order_col = t.require(&["Order ID"])?;
    let item_cols = ItemColumns::find(&t)?;
    let date_col = t.find(&["Order Date", "Date Created"]);
    let status_col = t.find(&["Order Status", "Status"]);
    let email_col = t.find(&["Customer Email", "Billing Email"]);
    let currency_col = t.find(&["Order Currency Code", "Currency Code"]);
    let refund_col = t.find(&["Refund Amount"]);
    let total_col = t.find(&["Order Total (inc tax)", "Total Inc Tax"]);
    let path = t.path.clone();
    let mut finder = Finder::new(products);
    let mut book = OrderBook::default();
    let mut dates: Vec<String> = Vec::new();
    let mut current: Option<u32> = None;
    let mut rec = StringRecord::new();
    progress.start("reading orders", t.size);
    while let Some(line) = t.next(&mut rec, summary)? {
        progress.at(t.position());
        let key = field(&rec, Some(order_col));
        let o = if key.is_empty() {
            if blank(&rec) {
                continue;
            }
            // One row per item: a row without an Order ID continues the order above.
            match (item_cols.per_row(), current) {
                (true, Some(o)) => o,
                _ => {
                    summary.problem(&path, line, "empty Order ID; row skipped");
                    continue;
                }
            }
        } else {
            let o = book.order(key);
            if o as usize == dates.len() {
                dates.push(field(&rec, date_col).to_owned());
            }
            o
        };
        current = Some(o);
        let status = field(&rec, status_col);
        if !status.is_empty() {
            book.set_fate(o, fate(status));
        }
        let refund = amount(field(&rec, refund_col)).unwrap_or(0);
        if refund > 0 && amount(field(&rec, total_col)).is_some_and(|total| refund >= total) {
            book.set_fate(o, Fate::Refunded);
        }
        book.set_customer(o, field(&rec, email_col));
        book.currency(field(&rec, currency_col));
        let Some(items) = item_cols.items(&rec) else {
            summary.problem(&path, line, NOT_DETAILS);
            continue;
        };
        for item in items {
            summary.lines_read += 1;
            let ids = LineIds {
                product_id: item.product_id,
                sku: item.sku,
                name: item.name,
                // BigCommerce's export names no variant id.
                variant_id: "",
            };
            book.named_line(
                o,
                &ids,
                &mut finder,
                products,
                (&path, line, ""),
                "Product ID",
                summary,
            );
        }
    }
    progress.done();
    for (o, t) in order_times(&dates, &mut summary.notes)
        .into_iter()
        .enumerate()
    {
        book.set_time(o as u32, t);
    }
    let how = Finish {
        time_column: date_col.map(|_| "Order Date"),
        customer_column: email_col.map(|_| "Customer Email"),
        newest_first: true,
    };
    book.finish(products.products.len(), &path, how, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_details_split_at_their_keys() {
        let text = "Product ID: 77, Product Qty: 2, Product SKU: LAN-1, Product Name: Lantern, small, Product Weight: 1.0000, Product Variation Details: Size: Small, Product Unit Price: 12.50, Product Total Price: 25.00|Product ID: 80, Product Qty: 1, Product SKU: , Product Name: Mug | blue, Product Weight: 0.3000, Product Variation Details: , Product Unit Price: 8.00, Product Total Price: 8.00";
        assert_eq!(
            details(text),
            Some(vec![
                Item {
                    product_id: "77",
                    quantity: "2",
                    sku: "LAN-1",
                    name: "Lantern, small",
                    unit_price: "12.50",
                },
                Item {
                    product_id: "80",
                    quantity: "1",
                    sku: "",
                    name: "Mug | blue",
                    unit_price: "8.00",
                },
            ])
        );
        assert_eq!(details("77 x Lantern"), None);
    }

    #[test]
    fn prices_options_dates_and_statuses() {
        assert_eq!(
            pricing("12.00", "8.99", ""),
            ("8.99".into(), "12.00".into())
        );
        assert_eq!(
            pricing("12.00", "0.00", "15.00"),
            ("12.00".into(), "15.00".into())
        );
        assert_eq!(
            pricing("12.00", "14.00", "11.00"),
            ("12.00".into(), String::new())
        );
        assert_eq!(
            option_values(
                "Type=Swatch|Name=Colour|Value=White[#FFFFFF];Type=Rectangle|Name=Size|Value=Large"
            ),
            "White / Large"
        );
        assert_eq!(
            sku_options("[S]Colour=White,[RB]Size=Large"),
            "White / Large"
        );
        assert_eq!(
            category_type("Shop All/Kitchen/Mugs;Gifts").as_deref(),
            Some("Mugs")
        );
        let t = |raw, order| {
            order_time(raw, order).map(|s: i64| crossbuy_engine::time::format(s * 1000))
        };
        assert_eq!(
            t("07/06/2023", Order::DayFirst).as_deref(),
            Some("2023-06-07T00:00:00Z")
        );
        assert_eq!(
            t("07/06/2023", Order::MonthFirst).as_deref(),
            Some("2023-07-06T00:00:00Z")
        );
        assert_eq!(
            t("Tue, 20 Nov 2018 10:00:00 +0100", Order::MonthFirst).as_deref(),
            Some("2018-11-20T09:00:00Z")
        );
        assert_eq!(
            t("2023-06-07 10:00", Order::DayFirst).as_deref(),
            Some("2023-06-07T10:00:00Z")
        );
        for (s, want) in [
            ("Completed", Fate::Open),
            ("Awaiting Payment", Fate::Open),
            ("Partially Refunded", Fate::Open),
            ("Refunded", Fate::Refunded),
            ("Cancelled", Fate::Cancelled),
            ("Declined", Fate::Unpaid),
            ("Incomplete", Fate::Unpaid),
            ("Pending", Fate::Unpaid),
        ] {
            assert_eq!(fate(s), want, "{s}");
        }
    }
}
