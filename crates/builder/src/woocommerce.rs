//! WooCommerce: products from WooCommerce's own product CSV export (Products > Export) or from
//! the Store API's product JSON (`/wp-json/wc/store/v1/products`), and orders from the order
//! history the crossbuy plugin provides (its CSV download or its REST endpoint's JSON pages;
//! `docs/install/woocommerce.md`, "Order history").
//!
//! Every reader takes text from a reader, never a file name: the same code serves the command
//! line and the browser. Which form a file is in is read from its first character (`[` or `{`:
//! JSON, else CSV).
//!
//! The product CSV, by header name (the English labels of WooCommerce's exporter, or its column
//! keys such as `regular_price`):
//!
//! | meaning | column |
//! |---|---|
//! | product id (variation id on variation rows) | `ID` |
//! | kind | `Type`: `simple`, `variable`, `variation` (`, downloadable, virtual` may follow); `grouped` and `external` products cannot be added to a cart and are left out |
//! | title | `Name` |
//! | SKU | `SKU` |
//! | status | `Published` (`1` published, `0` private, `-1` draft, `2` pending), `Visibility in catalog` (`hidden`) |
//! | stock | `In stock?` (`1`, `0`, `backorder`) |
//! | price | `Sale price` when set (then `Regular price` is the compare-at price), else `Regular price`, in the shop's decimal separator |
//! | type | the last level of the first of `Categories` (`Home > Kitchen, Gifts`) |
//! | tags, vendor | `Tags`, `Brands` |
//! | image | the first of `Images` |
//! | the variable product of a variation | `Parent` (`id:101` or the parent's SKU) |
//! | variation options | `Attribute 1 value(s)`, `Attribute 2 value(s)`, … |
//!
//! The export has no product links: a product's page is `?post_type=product&p=ID` under the
//! shop's root, which WordPress redirects to the product's permalink. The Store API gives
//! permalinks, prices in minor units, and only what the shop shows shoppers (published,
//! visible products).
//!
//! The order history (CSV, one row per line item; or JSON, `{"orders":[{"id":…,"items":[…]}]}`):
//! `order_id`, `created_at` (RFC 3339), `status` (WooCommerce's, `completed`, `refunded`, …),
//! `customer` (a key hashed with the site's secret, never the email), `currency`, `product_id`,
//! `variation_id` (`0` for none), `sku`, `name`, `quantity`, `price` (unit price in minor units)
//! and `refunded_quantity`. Lines join to products by variation id, then product id, then SKU,
//! then name. Cancelled and refunded orders are left out and counted, as are orders never paid
//! (`pending`, `failed`, `checkout-draft`) and lines whose whole quantity was refunded.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use csv::StringRecord;
use serde_json::Value;

use super::dates::parse_timestamp;
use super::order_book::{blank, Fate, Finder, Finish, LineIds, OrderBook};
use super::orders::{non_product, NonProduct, Orders};
use super::products::{counted, image_url, non_empty, ProductFile, ProductRow, Status, VariantRow};
use super::progress::Progress;
use super::report::{BuildError, Result, Summary};
use super::table::{field, Table};

use crossbuy_engine::url::is_safe_url;

/// Reads products: WooCommerce's product CSV export or the Store API's product JSON (one
/// page, an array of products, or an array of such pages). `name` names the source in
/// messages; `size` is its length in bytes when known (0 otherwise, for progress); `root` is
/// the shop's root path (`crossbuy.toml`'s `shop.root`), for the CSV's product links.
pub fn read_products(
    name: &str,
    source: Box<dyn Read>,
    size: u64,
    root: &str,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<ProductFile> {
    let (json, source) = sniff(name, source)?;
    let file = if json {
        read_store_api(name, &read_all(name, source)?, summary)?
    } else {
        read_product_csv(
            Table::from_reader(name, source, size)?,
            root,
            summary,
            progress,
        )?
    };
    counted(file, summary)
}

/// Reads the plugin's order history (CSV or the REST endpoint's JSON) against the products.
pub fn read_orders(
    name: &str,
    source: Box<dyn Read>,
    size: u64,
    products: &ProductFile,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<Orders> {
    let (json, source) = sniff(name, source)?;
    if json {
        read_order_json(name, &read_all(name, source)?, products, summary)
    } else {
        read_order_csv(
            Table::from_reader(name, source, size)?,
            products,
            summary,
            progress,
        )
    }
}

/// Whether the text is JSON (its first character other than space or a byte-order mark is `[`
/// or `{`), and the source to read it from.
fn sniff(name: &str, source: Box<dyn Read>) -> Result<(bool, Box<dyn Read>)> {
    let mut reader = BufReader::with_capacity(1 << 16, source);
    let buf = reader.fill_buf().map_err(|e| BuildError::io(name, e))?;
    let text = buf.strip_prefix("\u{feff}".as_bytes()).unwrap_or(buf);
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    Ok((matches!(first, Some(b'[' | b'{')), Box::new(reader)))
}

/// The whole JSON text, within [`MAX_TEXT_BYTES`](super::input::MAX_TEXT_BYTES).
fn read_all(name: &str, source: Box<dyn Read>) -> Result<String> {
    super::input::read_text_from(name, source)
}

/// A field as WooCommerce's exporters wrote it, read back: text that a spreadsheet would run
/// as a formula (`=`, `+`, `-`, `@`, tab or carriage return first) is written with a `'` in
/// front (`'=SUM(…)`, and `'-1` for a draft's Published in older versions), which is removed.
fn cell(rec: &StringRecord, i: Option<usize>) -> &str {
    let f = field(rec, i);
    match f.as_bytes() {
        [b'\'', b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r', ..] => &f[1..],
        _ => f,
    }
}

/// WooCommerce writes prices with the shop's decimal separator: `4,50` is `4.50`.
fn decimal(s: &str) -> String {
    if !s.contains('.') && s.matches(',').count() == 1 {
        s.replace(',', ".")
    } else {
        s.to_owned()
    }
}

/// A list as WooCommerce's exporter writes it: `a, b\, c, d` is `a`, `b, c`, `d`.
fn list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                cur.push(',');
                chars.next();
            }
            ',' => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|x| x.trim().to_owned())
        .filter(|x| !x.is_empty())
        .collect()
}

struct CsvColumns {
    id: usize,
    kind: usize,
    name: usize,
    sku: Option<usize>,
    published: Option<usize>,
    visibility: Option<usize>,
    in_stock: Option<usize>,
    sale: Option<usize>,
    regular: usize,
    categories: Option<usize>,
    tags: Option<usize>,
    brands: Option<usize>,
    images: Option<usize>,
    parent: Option<usize>,
    attributes: Vec<usize>,
}

/// A variation waiting for its variable product (which may come later in the file).
struct Pending {
    parent: String,
    variant: VariantRow,
}

fn read_product_csv(
    mut t: Table,
    root: &str,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<ProductFile> {
    let mut attributes = Vec::new();
    for n in 1.. {
        match t.find(&[
            &format!("Attribute {n} value(s)"),
            &format!("attributes:value{n}"),
        ]) {
            Some(i) => attributes.push(i),
            None => break,
        }
    }
    let c = CsvColumns {
        id: t.require(&["ID", "id"])?,
        kind: t.require(&["Type", "type"])?,
        name: t.require(&["Name", "name"])?,
        sku: t.find(&["SKU", "sku"]),
        published: t.find(&["Published", "published"]),
        visibility: t.find(&["Visibility in catalog", "catalog_visibility"]),
        in_stock: t.find(&["In stock?", "stock_status"]),
        sale: t.find(&["Sale price", "sale_price"]),
        regular: t.require(&["Regular price", "regular_price"])?,
        categories: t.find(&["Categories", "category_ids"]),
        tags: t.find(&["Tags", "tag_ids"]),
        brands: t.find(&["Brands", "brand_ids"]),
        images: t.find(&["Images", "images"]),
        parent: t.find(&["Parent", "parent_id"]),
        attributes,
    };
    let path = t.path.clone();
    let mut products: Vec<ProductRow> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_sku: HashMap<String, usize> = HashMap::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut not_sold = 0u64;
    let mut rec = StringRecord::new();
    progress.start("reading products", t.size);
    while let Some(line) = t.next(&mut rec, summary)? {
        progress.at(t.position());
        let id = cell(&rec, Some(c.id));
        if id.is_empty() && rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            summary.problem(
                &path,
                line,
                format!("ID \"{id}\" is not a WooCommerce product id; row skipped"),
            );
            continue;
        }
        let kinds: Vec<String> = cell(&rec, Some(c.kind))
            .split(',')
            .map(|k| k.trim().to_ascii_lowercase())
            .collect();
        let is = |k: &str| kinds.iter().any(|x| x == k);
        if is("grouped") || is("external") {
            not_sold += 1;
            continue;
        }
        if is("variation") {
            let parent = cell(&rec, c.parent);
            if parent.is_empty() {
                summary.problem(&path, line, "variation without a Parent; row skipped");
                continue;
            }
            match variant(&rec, &c, id, line) {
                Some(variant) => pending.push(Pending {
                    parent: parent.to_owned(),
                    variant,
                }),
                None => summary.problem(
                    &path,
                    line,
                    format!("variation {id} has no price (Regular price and Sale price are empty); row skipped"),
                ),
            }
            continue;
        }
        if let Some(&first) = by_id.get(id) {
            summary.problem(
                &path,
                line,
                format!(
                    "ID {id} already has a product row at line {}; row skipped",
                    products[first].line
                ),
            );
            continue;
        }
        let title = cell(&rec, Some(c.name));
        if title.is_empty() {
            summary.problem(
                &path,
                line,
                format!("product {id} has no Name; row skipped"),
            );
            continue;
        }
        let hidden = cell(&rec, c.visibility).eq_ignore_ascii_case("hidden");
        let status = match cell(&rec, c.published) {
            "-1" | "2" => Status::Draft,
            "0" => Status::Unpublished,
            _ if hidden => Status::Unpublished,
            _ => Status::Active,
        };
        let image = list(cell(&rec, c.images))
            .into_iter()
            .next()
            .and_then(|url| image_url(&url, &path, line, summary));
        let mut row = ProductRow {
            id: id.to_owned(),
            shopify_id: None,
            title: title.to_owned(),
            url: Some(format!(
                "{}{}?post_type=product&p={id}",
                root,
                if root.ends_with('/') { "" } else { "/" }
            )),
            image,
            vendor: list(cell(&rec, c.brands)).into_iter().next(),
            product_type: list(cell(&rec, c.categories))
                .into_iter()
                .next()
                .and_then(|cat| cat.rsplit(" > ").next().and_then(non_empty)),
            tags: list(cell(&rec, c.tags)),
            status,
            gift_card: is_gift_card(title, &kinds),
            variants: Vec::new(),
            line,
        };
        // A variable product's variants are its variation rows; any other is its own variant
        // (without a price, it is left out and reported when prices are read).
        if !is("variable") {
            row.variants.extend(variant(&rec, &c, id, line));
        }
        let sku = cell(&rec, c.sku);
        if !sku.is_empty() {
            by_sku.entry(sku.to_owned()).or_insert(products.len());
        }
        by_id.insert(id.to_owned(), products.len());
        products.push(row);
    }
    progress.done();
    for p in pending {
        let parent = match p.parent.strip_prefix("id:") {
            Some(n) => by_id.get(n.trim()),
            None => by_sku.get(&p.parent),
        };
        match parent {
            Some(&i) => products[i].variants.push(p.variant),
            None => summary.problem(
                &path,
                p.variant.line,
                format!(
                    "Parent \"{}\" is no product of this file; variation {} skipped",
                    p.parent, p.variant.id
                ),
            ),
        }
    }
    if not_sold > 0 {
        summary.notes.push(format!(
            "{not_sold} grouped or external products are left out (they cannot be added to a cart)"
        ));
    }
    Ok(ProductFile {
        path,
        products,
        shopify: false,
    })
}

/// Gift cards are products of gift-card plugins (types such as `pw-gift-card`) or named so.
fn is_gift_card(title: &str, kinds: &[String]) -> bool {
    kinds.iter().any(|k| k.contains("gift")) || non_product(title) == Some(NonProduct::GiftCard)
}

/// The variant of a simple product's or a variation's row, or `None` without a price.
fn variant(rec: &StringRecord, c: &CsvColumns, id: &str, line: u64) -> Option<VariantRow> {
    let sale = decimal(cell(rec, c.sale));
    let regular = decimal(cell(rec, Some(c.regular)));
    let (price, compare_at) = if sale.is_empty() {
        (regular, String::new())
    } else {
        (sale, regular)
    };
    if price.is_empty() {
        return None;
    }
    let options: Vec<&str> = c
        .attributes
        .iter()
        .map(|&a| cell(rec, Some(a)))
        .filter(|v| !v.is_empty())
        .collect();
    // A disabled variation is exported as private (0) or draft (-1).
    let enabled = matches!(cell(rec, c.published), "" | "1");
    Some(VariantRow {
        id: id.to_owned(),
        sku: cell(rec, c.sku).to_owned(),
        options: options.join(", "),
        price,
        compare_at,
        in_stock: enabled && cell(rec, c.in_stock) != "0",
        line,
    })
}

/// Decodes the HTML character references WordPress puts in titles (`&amp;`, `&#8211;`).
fn unescape_html(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "hellip" => Some('…'),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// An id: a whole number, or its decimal text.
fn json_id(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Number(n) => n.as_u64().map(|n| n.to_string()),
        Value::String(s) => {
            let s = s.trim();
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.to_owned())
        }
        _ => None,
    }
}

fn json_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => unescape_html(s.trim()),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Minor units as decimal text: `"295"` with 2 minor digits is `"2.95"`.
fn minor_to_decimal(minor: &str, digits: usize) -> Option<String> {
    if minor.is_empty() || !minor.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits == 0 {
        return Some(minor.to_owned());
    }
    let padded = format!("{minor:0>width$}", width = digits + 1);
    let (whole, frac) = padded.split_at(padded.len() - digits);
    Some(format!("{whole}.{frac}"))
}

fn names(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|t| json_text(t.get("name")))
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The Store API's product listing: `[{"id":85,"name":"…","prices":{"price":"295",…},…}]`.
fn read_store_api(path: &str, text: &str, summary: &mut Summary) -> Result<ProductFile> {
    let not_products = |why: String| {
        BuildError::input(
            path,
            format!("not WooCommerce's Store API product JSON (expected […] from /wp-json/wc/store/v1/products): {why}"),
        )
    };
    let root: Value = serde_json::from_str(text).map_err(|e| not_products(e.to_string()))?;
    let Value::Array(top) = root else {
        return Err(not_products("the top level is not an array".to_owned()));
    };
    // One page is an array of products; several pages, an array of those arrays.
    let mut items: Vec<(String, &Value)> = Vec::new();
    for (i, x) in top.iter().enumerate() {
        match x {
            Value::Array(page) => items.extend(
                page.iter()
                    .enumerate()
                    .map(|(j, p)| (format!("[{i}][{j}]"), p)),
            ),
            p => items.push((format!("[{i}]"), p)),
        }
    }
    let mut products = Vec::with_capacity(items.len());
    let mut not_sold = 0u64;
    for (place, p) in items {
        let Some(id) = json_id(p.get("id")) else {
            summary.problem(path, 0, format!("{place}: no numeric \"id\"; skipped"));
            continue;
        };
        let kind = json_text(p.get("type"));
        if kind == "grouped" || kind == "external" {
            not_sold += 1;
            continue;
        }
        let title = json_text(p.get("name"));
        if title.is_empty() {
            summary.problem(path, 0, format!("{place} (id {id}): no \"name\"; skipped"));
            continue;
        }
        let prices = p.get("prices");
        let digits = prices
            .and_then(|x| x.get("currency_minor_unit"))
            .and_then(Value::as_u64)
            .unwrap_or(2) as usize;
        let amount = |key: &str| {
            prices
                .and_then(|x| x.get(key))
                .and_then(Value::as_str)
                .and_then(|m| minor_to_decimal(m.trim(), digits))
        };
        let Some(price) = amount("price") else {
            summary.problem(
                path,
                0,
                format!("{place} (id {id}): no \"prices.price\" in minor units; skipped"),
            );
            continue;
        };
        let on_sale = p.get("on_sale").and_then(Value::as_bool).unwrap_or(false);
        let compare_at = match amount("regular_price") {
            Some(r) if on_sale && r != price => r,
            _ => String::new(),
        };
        let url = match p.get("permalink").and_then(Value::as_str).map(str::trim) {
            Some(u) if is_safe_url(u) => Some(u.to_owned()),
            Some(u) if !u.is_empty() => {
                summary.problem(
                    path,
                    0,
                    format!("{place} (id {id}): permalink \"{u}\" is not http(s); skipped"),
                );
                continue;
            }
            _ => None,
        };
        let image = p
            .get("images")
            .and_then(Value::as_array)
            .and_then(|list| list.first())
            .map(|img| {
                let thumb = json_text(img.get("thumbnail"));
                if thumb.is_empty() {
                    json_text(img.get("src"))
                } else {
                    thumb
                }
            })
            .filter(|u| !u.is_empty())
            .and_then(|u| {
                if is_safe_url(&u) {
                    Some(u)
                } else {
                    summary.problem(
                        path,
                        0,
                        format!(
                            "{place}.images[0]: image url \"{u}\" is not http(s); image left out"
                        ),
                    );
                    None
                }
            });
        let in_stock = p
            .get("is_in_stock")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let purchasable = p
            .get("is_purchasable")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let sku = json_text(p.get("sku"));
        let variation = |id: String, options: String| VariantRow {
            id,
            sku: String::new(),
            options,
            price: price.clone(),
            compare_at: compare_at.clone(),
            in_stock,
            line: 0,
        };
        let mut variants: Vec<VariantRow> = p
            .get("variations")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|v| {
                        let options = v
                            .get("attributes")
                            .and_then(Value::as_array)
                            .map(|a| {
                                a.iter()
                                    .map(|x| json_text(x.get("value")))
                                    .filter(|x| !x.is_empty())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            })
                            .unwrap_or_default();
                        Some(variation(json_id(v.get("id"))?, options))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if variants.is_empty() {
            let mut own = variation(id.clone(), String::new());
            own.sku = sku;
            variants.push(own);
        }
        let gift_card = is_gift_card(&title, &[kind]);
        products.push(ProductRow {
            id,
            shopify_id: None,
            title,
            url,
            image,
            vendor: names(p.get("brands")).into_iter().next(),
            product_type: names(p.get("categories")).into_iter().next(),
            tags: names(p.get("tags")),
            status: if purchasable {
                Status::Active
            } else {
                Status::Unpublished
            },
            gift_card,
            variants,
            line: 0,
        });
    }
    if not_sold > 0 {
        summary.notes.push(format!(
            "{not_sold} grouped or external products are left out (they cannot be added to a cart)"
        ));
    }
    Ok(ProductFile {
        path: path.to_owned(),
        products,
        shopify: false,
    })
}

/// What became of a WooCommerce order of status `status` (`wc-` prefix or not).
pub fn fate(status: &str) -> Fate {
    let s = status.trim();
    let s = s.strip_prefix("wc-").unwrap_or(s);
    if s.eq_ignore_ascii_case("cancelled") {
        Fate::Cancelled
    } else if s.eq_ignore_ascii_case("refunded") {
        Fate::Refunded
    } else if ["pending", "failed", "checkout-draft"]
        .iter()
        .any(|x| s.eq_ignore_ascii_case(x))
    {
        Fate::Unpaid
    } else {
        Fate::Open
    }
}

/// One line of the order history, as text.
struct Line<'a> {
    ids: LineIds<'a>,
    quantity: &'a str,
    refunded: &'a str,
}

/// A count: empty is `default`, else a whole number (WooCommerce writes refunds as negatives).
fn count(s: &str, default: u64) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return Some(default);
    }
    s.trim_start_matches('-').parse().ok()
}

/// Adds one line to order `o`; a problem is reported at `line` with `place` (a JSON path).
#[allow(clippy::too_many_arguments)]
fn add_line(
    book: &mut OrderBook,
    o: u32,
    l: &Line<'_>,
    finder: &mut Finder,
    products: &ProductFile,
    path: &str,
    (line, place): (u64, &str),
    summary: &mut Summary,
) {
    summary.lines_read += 1;
    let (quantity, refunded) = match (count(l.quantity, 1), count(l.refunded, 0)) {
        (Some(q), Some(r)) => (q, r),
        (q, _) => {
            let (column, value) = if q.is_none() {
                ("quantity", l.quantity)
            } else {
                ("refunded_quantity", l.refunded)
            };
            summary.problem(
                path,
                line,
                format!("{place}{column} \"{value}\" is not a whole number; line skipped"),
            );
            return;
        }
    };
    if quantity > 0 && refunded >= quantity {
        book.refunded_line(o, summary);
        return;
    }
    book.named_line(
        o,
        &l.ids,
        finder,
        products,
        (path, line, place),
        "product_id",
        summary,
    );
}

fn read_order_csv(
    mut t: Table,
    products: &ProductFile,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<Orders> {
    let order_col = t.require(&["order_id"])?;
    let product_col = t.require(&["product_id"])?;
    let variation_col = t.find(&["variation_id"]);
    let sku_col = t.find(&["sku"]);
    let name_col = t.find(&["name"]);
    let quantity_col = t.find(&["quantity"]);
    let refunded_col = t.find(&["refunded_quantity"]);
    let created_col = t.find(&["created_at"]);
    let status_col = t.find(&["status"]);
    let customer_col = t.find(&["customer"]);
    let currency_col = t.find(&["currency"]);
    let path = t.path.clone();
    let mut finder = Finder::new(products);
    let mut book = OrderBook::default();
    let mut rec = StringRecord::new();
    progress.start("reading orders", t.size);
    while let Some(line) = t.next(&mut rec, summary)? {
        progress.at(t.position());
        let key = cell(&rec, Some(order_col));
        if key.is_empty() {
            if !blank(&rec) {
                summary.problem(&path, line, "empty order_id; row skipped");
            }
            continue;
        }
        let o = book.order(key);
        let status = cell(&rec, status_col);
        if !status.is_empty() {
            book.set_fate(o, fate(status));
        }
        if book.needs_time(o) {
            book.set_time(o, parse_timestamp(cell(&rec, created_col)));
        }
        book.set_customer(o, cell(&rec, customer_col));
        book.currency(cell(&rec, currency_col));
        let l = Line {
            ids: LineIds {
                product_id: cell(&rec, Some(product_col)),
                variant_id: cell(&rec, variation_col),
                sku: cell(&rec, sku_col),
                name: cell(&rec, name_col),
            },
            quantity: cell(&rec, quantity_col),
            refunded: cell(&rec, refunded_col),
        };
        add_line(
            &mut book,
            o,
            &l,
            &mut finder,
            products,
            &path,
            (line, ""),
            summary,
        );
    }
    progress.done();
    let how = Finish {
        time_column: created_col.map(|_| "created_at"),
        customer_column: customer_col.map(|_| "customer"),
        newest_first: false,
    };
    book.finish(products.products.len(), &path, how, summary)
}

fn read_order_json(
    path: &str,
    text: &str,
    products: &ProductFile,
    summary: &mut Summary,
) -> Result<Orders> {
    let not_orders = |why: String| {
        BuildError::input(
            path,
            format!("not crossbuy's WooCommerce order history (expected {{\"orders\":[…]}} from /wp-json/crossbuy/v1/orders): {why}"),
        )
    };
    let root: Value = serde_json::from_str(text).map_err(|e| not_orders(e.to_string()))?;
    let list = match &root {
        Value::Array(list) => list,
        Value::Object(_) => match root.get("orders") {
            Some(Value::Array(list)) => list,
            _ => return Err(not_orders("no \"orders\" array".to_owned())),
        },
        _ => return Err(not_orders("the top level is not an object".to_owned())),
    };
    if list.first().is_some_and(|o| o.get("items").is_none()) {
        return Err(not_orders("orders[0] has no \"items\"".to_owned()));
    }
    let mut finder = Finder::new(products);
    let mut book = OrderBook::default();
    let (mut timed, mut customers) = (false, false);
    for (i, order) in list.iter().enumerate() {
        let Some(key) = json_id(order.get("id")) else {
            summary.problem(
                path,
                0,
                format!("orders[{i}]: no numeric \"id\"; order skipped"),
            );
            continue;
        };
        let o = book.order(&key);
        book.set_fate(o, fate(&json_text(order.get("status"))));
        let created = json_text(order.get("created_at"));
        timed |= !created.is_empty();
        book.set_time(o, parse_timestamp(&created));
        let customer = json_text(order.get("customer"));
        customers |= order.get("customer").is_some();
        book.set_customer(o, &customer);
        book.currency(&json_text(order.get("currency")));
        let Some(items) = order.get("items").and_then(Value::as_array) else {
            summary.problem(
                path,
                0,
                format!("orders[{i}]: no \"items\" array; order skipped"),
            );
            continue;
        };
        for (j, item) in items.iter().enumerate() {
            let text = |key: &str| json_text(item.get(key));
            let (product_id, variation_id, sku, name, quantity, refunded) = (
                text("product_id"),
                text("variation_id"),
                text("sku"),
                text("name"),
                text("quantity"),
                text("refunded_quantity"),
            );
            let l = Line {
                ids: LineIds {
                    product_id: &product_id,
                    variant_id: &variation_id,
                    sku: &sku,
                    name: &name,
                },
                quantity: &quantity,
                refunded: &refunded,
            };
            let place = format!("orders[{i}].items[{j}]: ");
            add_line(
                &mut book,
                o,
                &l,
                &mut finder,
                products,
                path,
                (0, &place),
                summary,
            );
        }
    }
    let how = Finish {
        time_column: timed.then_some("created_at"),
        customer_column: customers.then_some("customer"),
        newest_first: false,
    };
    book.finish(products.products.len(), path, how, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_escapes_are_read_back() {
        let rec = StringRecord::from(vec!["'-1", "'=HYPERLINK(\"x\")", "'quoted", "-2", "@'"]);
        let got: Vec<&str> = (0..5).map(|i| cell(&rec, Some(i))).collect();
        assert_eq!(got, ["-1", "=HYPERLINK(\"x\")", "'quoted", "-2", "@'"]);
    }

    #[test]
    fn exporter_lists_prices_and_references() {
        assert_eq!(
            list("Home > Kitchen, Gifts\\, wrapped ,"),
            ["Home > Kitchen", "Gifts, wrapped"]
        );
        assert_eq!(decimal("4,50"), "4.50");
        assert_eq!(decimal("1,234.50"), "1,234.50");
        assert_eq!(minor_to_decimal("295", 2).as_deref(), Some("2.95"));
        assert_eq!(minor_to_decimal("5", 3).as_deref(), Some("0.005"));
        assert_eq!(minor_to_decimal("1200", 0).as_deref(), Some("1200"));
        assert_eq!(minor_to_decimal("-5", 2), None);
        assert_eq!(
            unescape_html("Tea &amp; Tin &#8211; Mug &#x2019;s &bogus; & more"),
            "Tea & Tin – Mug ’s &bogus; & more"
        );
        for (status, want) in [
            ("completed", Fate::Open),
            ("wc-processing", Fate::Open),
            ("on-hold", Fate::Open),
            ("cancelled", Fate::Cancelled),
            ("refunded", Fate::Refunded),
            ("failed", Fate::Unpaid),
            ("pending", Fate::Unpaid),
            ("checkout-draft", Fate::Unpaid),
            ("shipped-custom", Fate::Open),
        ] {
            assert_eq!(fate(status), want, "{status}");
        }
    }
}
