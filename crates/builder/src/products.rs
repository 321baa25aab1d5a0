//! The products file: Shopify's products export (current or legacy header) or a plain item
//! table, read by header name.
//!
//! | meaning | current export | legacy export | plain table |
//! |---|---|---|---|
//! | product id | `URL handle` | `Handle` | `id`, `product_id`, `item_id`, `StockCode` |
//! | Shopify product id | `Product ID` when present | `Product ID` when present | — |
//! | title | `Title` | `Title` | `title`, `name`, `Description` |
//! | variant | `SKU` (`Variant ID` when present) | `Variant SKU` | `variant_id` |
//! | price | `Price` | `Variant Price` | `price`, `median_unit_price` |
//! | compare-at | `Compare-at price` | `Variant Compare At Price` | `compare_at_price` |
//! | image | `Product image URL` | `Image Src` | `image` |
//! | stock | `Inventory quantity`, `Inventory tracker`, `Continue selling when out of stock` | `Variant Inventory Qty`, `Variant Inventory Tracker`, `Variant Inventory Policy` | `available` |
//! | status | `Status`, `Published on online store` | `Status`, `Published` | `available` |
//!
//! A Shopify row with an empty title continues the product above with the same handle (another
//! variant or image). Prices stay text until the shop currency is known, then become exact minor
//! units ([`resolve_prices`]).

use std::collections::HashMap;

use csv::StringRecord;

use super::progress::{Progress, Silent};
use super::report::{BuildError, Result, Summary};
use super::table::{field, Table};
use crossbuy_engine::money::parse_decimal;
use crossbuy_engine::url::is_safe_url;

/// Where a product stands in the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Active and published: can be recommended.
    Active,
    /// A draft.
    Draft,
    /// Archived.
    Archived,
    /// Active but not published on the online store.
    Unpublished,
}

/// One variant as read, price still as text.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantRow {
    /// The id the cart uses: `Variant ID` when the export has it, else the SKU, else the handle.
    pub id: String,
    /// The SKU (may be empty).
    pub sku: String,
    /// Option values, `Beige / Large`; empty for a single `Default Title` variant.
    pub options: String,
    /// Price text as exported.
    pub price: String,
    /// Compare-at price text (may be empty).
    pub compare_at: String,
    /// False when inventory is tracked, at or below zero, and overselling is off.
    pub in_stock: bool,
    /// The line of its row.
    pub line: u64,
}

/// One product as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductRow {
    /// Product id: the handle for Shopify exports.
    pub id: String,
    /// Shopify's numeric product id, when known (a `Product ID` column, or the storefront JSON,
    /// [`super::storefront`]). The snapshot then uses it as the id and `id` as the handle.
    pub shopify_id: Option<String>,
    /// Title, kept as text.
    pub title: String,
    /// Product page url when the file gives one (Shopify: `/products/{handle}` is used).
    pub url: Option<String>,
    /// First image url.
    pub image: Option<String>,
    /// Vendor.
    pub vendor: Option<String>,
    /// Type, or the last level of the product category when the type is empty.
    pub product_type: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Status.
    pub status: Status,
    /// A gift card: never recommended, its order lines are left out.
    pub gift_card: bool,
    /// Variants, in file order.
    pub variants: Vec<VariantRow>,
    /// The line of its first row.
    pub line: u64,
}

impl ProductRow {
    /// Whether it may be recommended: active, published, not a gift card, some variant in stock.
    pub fn recommendable(&self) -> bool {
        self.status == Status::Active && !self.gift_card && self.variants.iter().any(|v| v.in_stock)
    }
}

/// The products of a file, with the file name for messages.
#[derive(Debug, Clone, Default)]
pub struct ProductFile {
    /// The file.
    pub path: String,
    /// Products in file order.
    pub products: Vec<ProductRow>,
    /// True for a Shopify export, false for a plain item table.
    pub shopify: bool,
}

/// Reads a products file of any accepted kind.
pub fn read_products(
    path: &str,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<ProductFile> {
    let table = Table::open(path)?;
    read_table(table, summary, progress)
}

/// Reads products from CSV text (for tests and stdin); `path` names it in messages.
pub fn read_products_text(path: &str, text: &str, summary: &mut Summary) -> Result<ProductFile> {
    let table = Table::from_text(path, text)?;
    read_table(table, summary, &mut Silent)
}

fn read_table(
    table: Table,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<ProductFile> {
    let path = table.path.clone();
    let file = if table.has("handle") || table.has("url handle") {
        read_shopify(table, summary, progress)?
    } else if table.find(ID_COLUMNS).is_some() {
        read_plain(table, summary)?
    } else {
        return Err(BuildError::input(
            &path,
            "not a products file: expected Shopify's products export (a `Handle` or `URL handle` column) or a table with an `id` column",
        ));
    };
    counted(file, summary)
}

/// Counts a file's products and variants into `summary`; a file without any is an error.
pub(crate) fn counted(file: ProductFile, summary: &mut Summary) -> Result<ProductFile> {
    summary.products_read += file.products.len() as u64;
    summary.variants_read += file
        .products
        .iter()
        .map(|p| p.variants.len() as u64)
        .sum::<u64>();
    if file.products.is_empty() {
        return Err(BuildError::input(&file.path, "no products could be read"));
    }
    Ok(file)
}

pub(crate) fn is_true(s: &str) -> bool {
    ["true", "yes", "1", "y"]
        .iter()
        .any(|t| s.eq_ignore_ascii_case(t))
}

pub(crate) fn is_false(s: &str) -> bool {
    ["false", "no", "0", "n"]
        .iter()
        .any(|t| s.eq_ignore_ascii_case(t))
}

pub(crate) fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn split_tags(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An image url the widget may use, or a problem.
pub(crate) fn image_url(s: &str, path: &str, line: u64, summary: &mut Summary) -> Option<String> {
    if s.is_empty() {
        None
    } else if is_safe_url(s) {
        Some(s.to_owned())
    } else {
        summary.problem(
            path,
            line,
            format!("image url \"{s}\" is not http(s); image left out"),
        );
        None
    }
}

struct ShopifyColumns {
    handle: usize,
    title: usize,
    vendor: Option<usize>,
    product_type: Option<usize>,
    category: Option<usize>,
    tags: Option<usize>,
    published: Option<usize>,
    status: Option<usize>,
    product_id: Option<usize>,
    variant_id: Option<usize>,
    sku: Option<usize>,
    options: [Option<usize>; 3],
    price: usize,
    compare_at: Option<usize>,
    tracker: Option<usize>,
    quantity: Option<usize>,
    policy: Option<usize>,
    continue_selling: Option<usize>,
    image: Option<usize>,
    gift_card: Option<usize>,
}

fn read_shopify(
    mut t: Table,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<ProductFile> {
    let c = ShopifyColumns {
        handle: t.require(&["Handle", "URL handle"])?,
        title: t.require(&["Title"])?,
        vendor: t.find(&["Vendor"]),
        product_type: t.find(&["Type"]),
        category: t.find(&["Product category"]),
        tags: t.find(&["Tags"]),
        published: t.find(&["Published", "Published on online store"]),
        status: t.find(&["Status"]),
        product_id: t.find(&["Product ID"]),
        variant_id: t.find(&["Variant ID"]),
        sku: t.find(&["Variant SKU", "SKU"]),
        options: [
            t.find(&["Option1 Value"]),
            t.find(&["Option2 Value"]),
            t.find(&["Option3 Value"]),
        ],
        price: t.require(&["Variant Price", "Price"])?,
        compare_at: t.find(&["Variant Compare At Price", "Compare-at price"]),
        tracker: t.find(&["Variant Inventory Tracker", "Inventory tracker"]),
        quantity: t.find(&["Variant Inventory Qty", "Inventory quantity"]),
        policy: t.find(&["Variant Inventory Policy"]),
        continue_selling: t.find(&["Continue selling when out of stock"]),
        image: t.find(&["Image Src", "Product image URL"]),
        gift_card: t.find(&["Gift Card"]),
    };
    t.one_line(&[
        Some(c.handle),
        Some(c.title),
        Some(c.price),
        c.compare_at,
        c.product_id,
        c.variant_id,
        c.sku,
    ]);
    let path = t.path.clone();
    let width = t.width();
    let mut products: Vec<ProductRow> = Vec::new();
    let mut by_handle: HashMap<String, usize> = HashMap::new();
    let mut rec = StringRecord::new();
    progress.start("reading products", t.size);
    while let Some(line) = t.next(&mut rec, summary)? {
        progress.at(t.position());
        if rec.len() > width || rec.len() <= c.price.max(c.handle).max(c.title) {
            summary.problem(
                &path,
                line,
                format!(
                    "row has {} fields, the header has {width} (a stray quote or comma?); row skipped",
                    rec.len()
                ),
            );
            continue;
        }
        let handle = field(&rec, Some(c.handle));
        if handle.is_empty() {
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            summary.problem(&path, line, "empty handle; row skipped");
            continue;
        }
        let title = field(&rec, Some(c.title));
        let index = match (by_handle.get(handle), title.is_empty()) {
            (Some(&i), true) => i,
            (Some(&i), false) => {
                summary.problem(
                    &path,
                    line,
                    format!(
                        "handle \"{handle}\" already has a product row at line {}; row skipped",
                        products[i].line
                    ),
                );
                continue;
            }
            (None, true) => {
                summary.problem(
                    &path,
                    line,
                    format!("no product row with a title for handle \"{handle}\" above this row; row skipped"),
                );
                continue;
            }
            (None, false) => {
                let status = match field(&rec, c.status).to_ascii_lowercase().as_str() {
                    "draft" => Status::Draft,
                    "archived" => Status::Archived,
                    _ if is_false(field(&rec, c.published)) => Status::Unpublished,
                    _ => Status::Active,
                };
                let product_type = non_empty(field(&rec, c.product_type)).or_else(|| {
                    field(&rec, c.category)
                        .rsplit('>')
                        .next()
                        .map(str::trim)
                        .and_then(non_empty)
                });
                let shopify_id = match field(&rec, c.product_id) {
                    "" => None,
                    n if n.bytes().all(|b| b.is_ascii_digit()) => Some(n.to_owned()),
                    n => {
                        summary.problem(
                            &path,
                            line,
                            format!("Product ID \"{n}\" is not a number; the handle is used"),
                        );
                        None
                    }
                };
                products.push(ProductRow {
                    id: handle.to_owned(),
                    shopify_id,
                    title: title.to_owned(),
                    url: None,
                    image: None,
                    vendor: non_empty(field(&rec, c.vendor)),
                    product_type,
                    tags: split_tags(field(&rec, c.tags)),
                    status,
                    gift_card: is_true(field(&rec, c.gift_card)),
                    variants: Vec::new(),
                    line,
                });
                by_handle.insert(handle.to_owned(), products.len() - 1);
                products.len() - 1
            }
        };
        let product = &mut products[index];
        if product.image.is_none() {
            product.image = image_url(field(&rec, c.image), &path, line, summary);
        }
        let price = field(&rec, Some(c.price));
        let sku = field(&rec, c.sku);
        let options: Vec<&str> = c
            .options
            .iter()
            .map(|&o| field(&rec, o))
            .filter(|o| !o.is_empty() && *o != "Default Title")
            .collect();
        if price.is_empty() && sku.is_empty() && options.is_empty() {
            continue; // an image-only row
        }
        let tracked = field(&rec, c.tracker).eq_ignore_ascii_case("shopify");
        let quantity: i64 = field(&rec, c.quantity).parse().unwrap_or(1);
        let oversell = field(&rec, c.policy).eq_ignore_ascii_case("continue")
            || is_true(field(&rec, c.continue_selling));
        let id = match field(&rec, c.variant_id) {
            "" if sku.is_empty() => product.id.clone(),
            "" => sku.to_owned(),
            v => v.to_owned(),
        };
        product.variants.push(VariantRow {
            id,
            sku: sku.to_owned(),
            options: options.join(" / "),
            price: price.to_owned(),
            compare_at: field(&rec, c.compare_at).to_owned(),
            in_stock: !(tracked && quantity <= 0 && !oversell),
            line,
        });
    }
    progress.done();
    Ok(ProductFile {
        path,
        products,
        shopify: true,
    })
}

const ID_COLUMNS: &[&str] = &["id", "product_id", "item_id", "stockcode", "sku", "handle"];

fn read_plain(mut t: Table, summary: &mut Summary) -> Result<ProductFile> {
    let id_col = t.require(ID_COLUMNS)?;
    let title_col = t.find(&["title", "name", "description"]);
    // Without prices every card would show the product as free.
    let price_col = Some(t.require(&["price", "unit_price", "median_unit_price"])?);
    let compare_col = t.find(&["compare_at_price", "compare-at price", "compare_at"]);
    let url_col = t.find(&["url"]);
    let image_col = t.find(&["image", "image_url"]);
    let type_col = t.find(&["type", "product_type", "category"]);
    let vendor_col = t.find(&["vendor", "brand"]);
    let tags_col = t.find(&["tags"]);
    let available_col = t.find(&["available", "in_stock"]);
    let variant_col = t.find(&["variant_id", "variant_ids"]);
    t.one_line(&[Some(id_col), title_col, price_col, compare_col, variant_col]);
    let path = t.path.clone();
    let mut products: Vec<ProductRow> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut rec = StringRecord::new();
    while let Some(line) = t.next(&mut rec, summary)? {
        let id = field(&rec, Some(id_col));
        if id.is_empty() {
            summary.problem(&path, line, "empty id; row skipped");
            continue;
        }
        if let Some(first) = seen.get(id) {
            summary.problem(
                &path,
                line,
                format!("id \"{id}\" already at line {first}; row skipped"),
            );
            continue;
        }
        seen.insert(id.to_owned(), line);
        let url = match field(&rec, url_col) {
            "" => None,
            u if is_safe_url(u) => Some(u.to_owned()),
            u => {
                summary.problem(
                    &path,
                    line,
                    format!("url \"{u}\" is not http(s) or shop-relative; row skipped"),
                );
                continue;
            }
        };
        let variant = match field(&rec, variant_col) {
            "" => id.to_owned(),
            v => v.to_owned(),
        };
        products.push(ProductRow {
            id: id.to_owned(),
            shopify_id: None,
            title: non_empty(field(&rec, title_col)).unwrap_or_else(|| id.to_owned()),
            url,
            image: image_url(field(&rec, image_col), &path, line, summary),
            vendor: non_empty(field(&rec, vendor_col)),
            product_type: non_empty(field(&rec, type_col)),
            tags: split_tags(field(&rec, tags_col)),
            status: if is_false(field(&rec, available_col)) {
                Status::Unpublished
            } else {
                Status::Active
            },
            gift_card: false,
            variants: vec![VariantRow {
                id: variant,
                sku: String::new(),
                options: String::new(),
                price: field(&rec, price_col).to_owned(),
                compare_at: field(&rec, compare_col).to_owned(),
                in_stock: true,
                line,
            }],
            line,
        });
    }
    Ok(ProductFile {
        path,
        products,
        shopify: false,
    })
}

/// A product's price and compare-at price in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prices {
    /// Price of the default variant.
    pub price: i64,
    /// Its compare-at price, when given.
    pub compare_at: Option<i64>,
}

/// Turns price texts into minor units with the currency's `exponent`, exactly. The default
/// variant is the first in-stock variant with a readable price; variants with unreadable or
/// empty prices are reported and dropped. A product without any readable price gets `None` (and
/// a problem).
pub fn resolve_prices(
    file: &mut ProductFile,
    exponent: u32,
    summary: &mut Summary,
) -> Vec<Option<Prices>> {
    let mut out = Vec::with_capacity(file.products.len());
    for p in &mut file.products {
        let mut kept = Vec::with_capacity(p.variants.len());
        let mut prices = Vec::with_capacity(p.variants.len());
        for v in p.variants.drain(..) {
            let price = match parse_decimal(&v.price, exponent) {
                Ok(n) if n >= 0 => n,
                Ok(_) => {
                    summary.problem(
                        &file.path,
                        v.line,
                        format!("price \"{}\" is negative; variant skipped", v.price),
                    );
                    continue;
                }
                Err(e) => {
                    let shown = if v.price.is_empty() {
                        "(empty)"
                    } else {
                        &v.price
                    };
                    summary.problem(
                        &file.path,
                        v.line,
                        format!("price {shown}: {e}; variant skipped"),
                    );
                    continue;
                }
            };
            let compare_at = if v.compare_at.is_empty() {
                None
            } else {
                match parse_decimal(&v.compare_at, exponent) {
                    Ok(n) if n >= 0 => Some(n),
                    _ => {
                        summary.problem(
                            &file.path,
                            v.line,
                            format!(
                                "compare-at price \"{}\" is not an amount; left out",
                                v.compare_at
                            ),
                        );
                        None
                    }
                }
            };
            prices.push(Prices { price, compare_at });
            kept.push(v);
        }
        // In-stock variants first: the widget adds the first variant to the cart.
        let mut order: Vec<usize> = (0..kept.len()).collect();
        order.sort_by_key(|&i| !kept[i].in_stock);
        let first = order.first().map(|&i| prices[i]);
        p.variants = order.into_iter().map(|i| kept[i].clone()).collect();
        if first.is_none() {
            summary.problem(
                &file.path,
                p.line,
                format!(
                    "product \"{}\" has no variant with a readable price; left out",
                    p.id
                ),
            );
        }
        out.push(first);
    }
    out
}
