//! Baskets: orders as sets of interned `u32` items, and the reader for plain basket files.
//!
//! Two plain formats are read (`crossbuy snapshot --baskets FILE`):
//! - one line per item with a header naming an order column and an item column
//!   (`order_id,item_id`; also `Transaction,Item`, `InvoiceNo,StockCode`, …), optionally a time
//!   column (`date`, `time`, `created_at`, …) and a customer column (`customer_id`, `email`, …);
//! - one basket per line, no header, items separated by commas (quoted as CSV when needed) or by
//!   spaces/tabs when a line has no comma (`retail.dat`).

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader};

use rustc_hash::FxHashMap;

use super::input::{self, Marks, Source};
use super::progress::Progress;
use super::report::{BuildError, Result, Summary};
use super::table::{csv_error, field, line_breaks, unclosed_quote, Table};

/// No customer key for this basket.
pub const NO_CUSTOMER: u32 = u32::MAX;

/// Names interned to dense `u32` ids, stored back to back in one buffer so that interning a
/// million order names or items costs no allocation per name.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    text: String,
    spans: Vec<(usize, usize)>,
    /// Hash of the name → the first id with that hash.
    by_hash: FxHashMap<u64, u32>,
    /// Names whose hash was already taken by another name (practically never).
    collisions: HashMap<String, u32>,
}

fn hash_name(name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    name.hash(&mut h);
    h.finish()
}

impl Interner {
    /// The id of `name`, adding it when new.
    pub fn intern(&mut self, name: &str) -> u32 {
        let h = hash_name(name);
        match self.by_hash.get(&h) {
            Some(&i) if self.name(i as usize) == name => i,
            Some(_) => {
                if let Some(&i) = self.collisions.get(name) {
                    return i;
                }
                let i = self.push(name);
                self.collisions.insert(name.to_owned(), i);
                i
            }
            None => {
                let i = self.push(name);
                self.by_hash.insert(h, i);
                i
            }
        }
    }

    fn push(&mut self, name: &str) -> u32 {
        let i = self.spans.len() as u32;
        self.spans.push((self.text.len(), name.len()));
        self.text.push_str(name);
        i
    }

    /// The id of `name` if it was interned.
    pub fn get(&self, name: &str) -> Option<u32> {
        match self.by_hash.get(&hash_name(name)) {
            Some(&i) if self.name(i as usize) == name => Some(i),
            Some(_) => self.collisions.get(name).copied(),
            None => None,
        }
    }

    /// The name of id `i`.
    pub fn name(&self, i: usize) -> &str {
        let (start, len) = self.spans[i];
        &self.text[start..start + len]
    }

    /// The names in id order.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.spans.len()).map(|i| self.name(i))
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// Orders as sorted, de-duplicated item sets (compressed rows), in input order.
#[derive(Debug, Clone, Default)]
pub struct Baskets {
    /// Number of distinct items (item ids are `0..n_items`).
    pub n_items: usize,
    start: Vec<u32>,
    items: Vec<u32>,
    /// Order time in unix seconds per basket; the input position when `has_times` is false.
    pub times: Vec<i64>,
    /// True when `times` are real timestamps.
    pub has_times: bool,
    /// Customer key per basket ([`NO_CUSTOMER`] when unknown); empty when the input has none.
    pub customers: Vec<u32>,
}

impl Baskets {
    /// Builds baskets from `(order, item)` pairs. `times[o]` and `customers[o]` (when given)
    /// belong to order `o`; orders without items are dropped.
    pub fn from_pairs(
        n_items: usize,
        pairs: &[(u32, u32)],
        times: &[i64],
        has_times: bool,
        customers: &[u32],
    ) -> Baskets {
        let n_orders = times.len();
        let mut count = vec![0u32; n_orders + 1];
        for &(o, _) in pairs {
            count[o as usize + 1] += 1;
        }
        for i in 1..count.len() {
            count[i] += count[i - 1];
        }
        let mut fill = count.clone();
        let mut grouped = vec![0u32; pairs.len()];
        for &(o, item) in pairs {
            let slot = &mut fill[o as usize];
            grouped[*slot as usize] = item;
            *slot += 1;
        }
        let mut out = Baskets {
            n_items,
            start: Vec::with_capacity(n_orders + 1),
            items: Vec::with_capacity(pairs.len()),
            times: Vec::with_capacity(n_orders),
            has_times,
            customers: Vec::new(),
        };
        out.start.push(0);
        for o in 0..n_orders {
            let slice = &mut grouped[count[o] as usize..count[o + 1] as usize];
            if slice.is_empty() {
                continue;
            }
            slice.sort_unstable();
            let mut last = u32::MAX;
            for &item in slice.iter() {
                if item != last {
                    out.items.push(item);
                    last = item;
                }
            }
            out.start.push(out.items.len() as u32);
            out.times.push(times[o]);
            if !customers.is_empty() {
                out.customers.push(customers[o]);
            }
        }
        out
    }

    /// Number of baskets.
    pub fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// True when there are no baskets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The sorted distinct items of basket `i`.
    pub fn basket(&self, i: usize) -> &[u32] {
        &self.items[self.start[i] as usize..self.start[i + 1] as usize]
    }

    /// Total item occurrences.
    pub fn total_items(&self) -> usize {
        self.items.len()
    }

    /// The same baskets over a new item space: item `i` becomes `map[i]`, or is dropped when
    /// `None`; baskets left empty are dropped. Returns the baskets and the item occurrences
    /// dropped.
    pub fn remap(&self, map: &[Option<u32>], n_items: usize) -> (Baskets, u64) {
        let mut pairs = Vec::with_capacity(self.items.len());
        let mut dropped = 0u64;
        for b in 0..self.len() {
            for &i in self.basket(b) {
                match map[i as usize] {
                    Some(j) => pairs.push((b as u32, j)),
                    None => dropped += 1,
                }
            }
        }
        let out = Baskets::from_pairs(
            n_items,
            &pairs,
            &self.times,
            self.has_times,
            &self.customers,
        );
        (out, dropped)
    }

    /// A new set of baskets from `sets` (each sorted and distinct), keeping the item space.
    pub fn from_sets(n_items: usize, sets: &[Vec<u32>], times: &[i64], has_times: bool) -> Baskets {
        let mut out = Baskets {
            n_items,
            start: vec![0],
            items: Vec::new(),
            times: Vec::new(),
            has_times,
            customers: Vec::new(),
        };
        for (s, &t) in sets.iter().zip(times) {
            if s.is_empty() {
                continue;
            }
            out.items.extend_from_slice(s);
            out.start.push(out.items.len() as u32);
            out.times.push(t);
        }
        out
    }
}

/// Baskets read from a plain file, with the item names.
#[derive(Debug, Clone, Default)]
pub struct PlainBaskets {
    /// The baskets over interned items.
    pub baskets: Baskets,
    /// Item names by id.
    pub items: Interner,
}

/// How a plain basket file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasketFormat {
    /// A header and one line per item (`order_id,item_id`).
    Lines,
    /// No header, one basket per line, items separated by commas.
    Comma,
    /// No header, one basket per line, items separated by whitespace.
    Whitespace,
}

const ORDER_COLUMNS: &[&str] = &[
    "order_id",
    "order",
    "orderid",
    "order id",
    "transaction",
    "transaction_id",
    "invoiceno",
    "invoice",
    "invoice_no",
    "basket",
    "basket_id",
    "name",
];
const ITEM_COLUMNS: &[&str] = &[
    "item_id",
    "item",
    "itemid",
    "product_id",
    "product",
    "sku",
    "stockcode",
    "items",
];
const TIME_COLUMNS: &[&str] = &[
    "created_at",
    "date_time",
    "datetime",
    "timestamp",
    "invoicedate",
    "time",
    "date",
];
const CUSTOMER_COLUMNS: &[&str] = &[
    "customer_id",
    "customerid",
    "customer",
    "email",
    "member_number",
    "member",
];

/// Guesses the layout from the first line.
pub fn detect_format(first_line: &str) -> BasketFormat {
    let cells: Vec<String> = first_line
        .split(',')
        .map(|c| c.trim().trim_matches('"').trim().to_ascii_lowercase())
        .collect();
    let has = |names: &[&str]| cells.iter().any(|c| names.contains(&c.as_str()));
    if cells.len() >= 2 && has(ORDER_COLUMNS) && has(ITEM_COLUMNS) {
        BasketFormat::Lines
    } else if first_line.contains(',') {
        BasketFormat::Comma
    } else {
        BasketFormat::Whitespace
    }
}

/// Reads a plain basket file. Items in `drop` (compared trimmed) are left out and counted.
pub fn read_plain(
    path: &str,
    format: Option<BasketFormat>,
    drop: &HashSet<String>,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<PlainBaskets> {
    let (source, size) = input::open_table(path)?;
    let marks = source.marks();
    let mut reader = BufReader::with_capacity(1 << 16, source);
    let first = {
        let buf = reader
            .fill_buf()
            .map_err(|e| input::to_build_error(path, e))?;
        let end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    };
    let format = format.unwrap_or_else(|| detect_format(first.trim_start_matches('\u{feff}')));
    let out = match format {
        BasketFormat::Lines => {
            let table = Table::with_marks(path, Box::new(reader), size, marks.clone())?;
            read_lines(table, drop, summary, progress)?
        }
        BasketFormat::Comma => read_comma(path, reader, &marks, drop, summary, progress)?,
        BasketFormat::Whitespace => read_whitespace(path, reader, &marks, drop, summary, progress)?,
    };
    if marks.saw_lone_cr() {
        summary.notes.push(format!(
            "{path} ends its lines with a carriage return alone (old Mac line endings): read as line ends"
        ));
    }
    if out.baskets.is_empty() {
        return Err(BuildError::input(
            path,
            "no baskets with items: expected `order_id,item_id` lines with a header, or one basket per line",
        ));
    }
    Ok(out)
}

/// Collects `(order, item)` pairs while reading.
struct Collector<'a> {
    items: Interner,
    pairs: Vec<(u32, u32)>,
    times: Vec<i64>,
    customers: Vec<u32>,
    customer_keys: Interner,
    drop: &'a HashSet<String>,
}

impl<'a> Collector<'a> {
    fn new(drop: &'a HashSet<String>) -> Self {
        Collector {
            items: Interner::default(),
            pairs: Vec::new(),
            times: Vec::new(),
            customers: Vec::new(),
            customer_keys: Interner::default(),
            drop,
        }
    }

    /// Starts a new order; returns its index.
    fn order(&mut self, time: i64) -> u32 {
        self.times.push(time);
        (self.times.len() - 1) as u32
    }

    fn item(&mut self, order: u32, name: &str, summary: &mut Summary) {
        summary.lines_read += 1;
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        if !self.drop.is_empty() && self.drop.contains(name) {
            summary.lines_dropped += 1;
            return;
        }
        summary.lines_used += 1;
        let item = self.items.intern(name);
        self.pairs.push((order, item));
    }

    fn finish(self, has_times: bool, summary: &mut Summary) -> PlainBaskets {
        let customers = if self.customer_keys.is_empty() {
            Vec::new()
        } else {
            self.customers
        };
        let baskets = Baskets::from_pairs(
            self.items.len(),
            &self.pairs,
            &self.times,
            has_times,
            &customers,
        );
        summary.orders_read += self.times.len() as u64;
        summary.orders_used += baskets.len() as u64;
        summary.orders_empty += (self.times.len() - baskets.len()) as u64;
        PlainBaskets {
            baskets,
            items: self.items,
        }
    }
}

fn read_lines(
    mut table: Table,
    drop: &HashSet<String>,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<PlainBaskets> {
    let order_col = table.require(ORDER_COLUMNS)?;
    let item_col = table.require(ITEM_COLUMNS)?;
    // Separate `Date` and `Time` columns are read together.
    let date_col = table.find(&["date"]);
    let clock_col = table.find(&["time"]);
    let time_col = table.find(TIME_COLUMNS);
    let customer_col = table.find(CUSTOMER_COLUMNS);
    table.one_line(&[
        Some(order_col),
        Some(item_col),
        date_col,
        clock_col,
        time_col,
        customer_col,
    ]);
    let path = table.path.clone();
    let mut c = Collector::new(drop);
    let mut orders: FxHashMap<String, u32> = FxHashMap::default();
    let mut last_key = String::new();
    let mut last_order = u32::MAX;
    let mut all_timed = time_col.is_some();
    let mut rec = csv::StringRecord::new();
    let mut stamp = String::new();
    progress.start("reading baskets", table.size);
    while let Some(line) = table.next(&mut rec, summary)? {
        progress.at(table.position());
        let key = field(&rec, Some(order_col));
        if key.is_empty() {
            summary.problem(&path, line, "empty order id");
            continue;
        }
        let order = if key == last_key {
            last_order
        } else {
            let next = c.times.len() as u32;
            let o = *orders.entry(key.to_owned()).or_insert(next);
            if o == next {
                let time = match (date_col, clock_col) {
                    (Some(d), Some(t)) if d != t => {
                        stamp.clear();
                        stamp.push_str(field(&rec, Some(d)));
                        stamp.push(' ');
                        stamp.push_str(field(&rec, Some(t)));
                        super::dates::parse_timestamp(&stamp)
                    }
                    _ => time_col.and_then(|t| super::dates::parse_timestamp(field(&rec, Some(t)))),
                };
                if time.is_none() {
                    all_timed = false;
                }
                c.order(time.unwrap_or(i64::from(next)));
                let who = field(&rec, customer_col);
                let cust = if who.is_empty() {
                    NO_CUSTOMER
                } else {
                    c.customer_keys.intern(&who.to_lowercase())
                };
                c.customers.push(cust);
            }
            last_key.clear();
            last_key.push_str(key);
            last_order = o;
            o
        };
        let item = field(&rec, Some(item_col)).to_owned();
        c.item(order, &item, summary);
    }
    progress.done();
    if !all_timed {
        // Without a time on every order, input order is the time order.
        for (i, t) in c.times.iter_mut().enumerate() {
            *t = i as i64;
        }
    }
    Ok(c.finish(all_timed, summary))
}

fn read_comma(
    path: &str,
    reader: BufReader<Source<File>>,
    marks: &Marks,
    drop: &HashSet<String>,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<PlainBaskets> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut c = Collector::new(drop);
    let mut rec = csv::ByteRecord::new();
    progress.start("reading baskets", 0);
    loop {
        let read = csv.read_byte_record(&mut rec);
        let next = csv.position();
        marks.row_starts(next.byte(), next.line());
        if !read.map_err(|e| csv_error(path, e))? {
            break;
        }
        progress.at(rec.position().map_or(0, |p| p.byte()));
        let line = rec.position().map_or(0, |p| p.line());
        if memchr::memchr(b'\n', rec.as_slice()).is_some() {
            // No item has a line break: the quote of this line is never closed.
            return Err(unclosed_quote(
                path,
                line,
                line + line_breaks(rec.as_slice()),
                "puts a line break in an item",
            ));
        }
        let order = c.order(c.times.len() as i64);
        for cell in rec.iter() {
            match std::str::from_utf8(cell) {
                Ok(name) => c.item(order, name, summary),
                Err(_) => summary.problem(path, line, "an item is not valid UTF-8 text"),
            }
        }
    }
    progress.done();
    Ok(c.finish(false, summary))
}

fn read_whitespace(
    path: &str,
    mut reader: BufReader<Source<File>>,
    marks: &Marks,
    drop: &HashSet<String>,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<PlainBaskets> {
    let mut c = Collector::new(drop);
    let mut buf = Vec::with_capacity(1024);
    let mut line_no = 0u64;
    let mut pos = 0u64;
    progress.start("reading baskets", 0);
    loop {
        buf.clear();
        marks.row_starts(pos, line_no + 1);
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| input::to_build_error(path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        pos += n as u64;
        progress.at(pos);
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t,
            Err(_) => {
                summary.problem(path, line_no, "not valid UTF-8 text");
                continue;
            }
        };
        let order = c.order(c.times.len() as i64);
        for name in text.split_ascii_whitespace() {
            c.item(order, name, summary);
        }
    }
    progress.done();
    Ok(c.finish(false, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(first_line: &str, expected: BasketFormat) {
        assert_eq!(detect_format(first_line), expected, "{first_line}");
    }

    #[test]
    fn formats_are_told_apart_by_the_first_line() {
        check("order_id,item_id", BasketFormat::Lines);
        check("Date,Time,Transaction,Item", BasketFormat::Lines);
        check("InvoiceNo,StockCode,Description", BasketFormat::Lines);
        check("85123A,71053,84406B", BasketFormat::Comma);
        check("citrus fruit,semi-finished bread", BasketFormat::Comma);
        check("0 1 2 3", BasketFormat::Whitespace);
        check("whole milk", BasketFormat::Whitespace);
    }

    #[test]
    fn interned_names_keep_their_ids() {
        let mut names = Interner::default();
        let ids: Vec<u32> = ["tea", "mug", "tea", "", "mug", "scone"]
            .iter()
            .map(|n| names.intern(n))
            .collect();
        assert_eq!(ids, [0, 1, 0, 2, 1, 3]);
        assert_eq!(
            names.names().collect::<Vec<_>>(),
            ["tea", "mug", "", "scone"]
        );
        assert_eq!((names.get("scone"), names.get("jam")), (Some(3), None));
    }

    #[test]
    fn pairs_become_sorted_distinct_baskets() {
        let b = Baskets::from_pairs(
            4,
            &[(1, 3), (0, 2), (1, 0), (0, 2), (2, 1), (1, 3)],
            &[10, 20, 30, 40],
            true,
            &[],
        );
        let got: Vec<(Vec<u32>, i64)> = (0..b.len())
            .map(|i| (b.basket(i).to_vec(), b.times[i]))
            .collect();
        assert_eq!(
            got,
            vec![(vec![2], 10), (vec![0, 3], 20), (vec![1], 30)],
            "order 3 has no items and is dropped"
        );
    }
}
