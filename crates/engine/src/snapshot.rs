//! The catalog snapshot, version 1 (`docs/snapshot.md`): parsed and validated in one pass.

use super::context::PageKind;
use super::experiment::Experiment;
use super::json::{self, Value};
use super::money::Currency;
use super::offer::{self, Offer};
use super::read::{self, index, join, FieldError};
use super::sort;

/// The snapshot version this engine reads.
pub const SNAPSHOT_VERSION: u32 = 1;
/// The largest whole snapshot, in bytes, that the widget parses within one 50 ms main-thread
/// task (docs/snapshot.md, "Sharded form"): `crossbuy snapshot` writes the sharded form above
/// it. Measured with `node scripts/bench-parse.mjs` (docs/snapshot.md: 996,089 bytes 29 ms best
/// of 9; 2,002,557 bytes 145 ms).
pub const WHOLE_MAX_BYTES: usize = 1_000_000;
/// [`SNAPSHOT_VERSION`] as written in JSON, for comparing and quoting without formatting.
const VERSION_TEXT: &str = "1";

/// Why a snapshot was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// Not JSON at all.
    #[error("snapshot is not valid JSON: {0}")]
    Syntax(#[from] json::SyntaxError),
    /// JSON, but a field is missing or wrong.
    #[error("snapshot {0}")]
    Field(#[from] FieldError),
}

/// The shop the snapshot belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Shop {
    /// Shop name.
    pub name: String,
    /// Currency of every price in the snapshot.
    pub currency: Currency,
    /// Default locale, when the builder knew it.
    pub locale: Option<String>,
    /// Root path for cart requests, `/` by default (Shopify's `Shopify.routes.root`).
    pub root: String,
}

/// One complementary neighbour of a product.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    /// Index into [`Catalog::products`].
    pub product: usize,
    /// Complement strength from the builder, ≥ 0.
    pub score: f64,
    /// Orders in which both were bought.
    pub count: u32,
}

/// A product that can be recommended or be in a context.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// Product id.
    pub id: String,
    /// Variant ids; never empty.
    pub variant_ids: Vec<String>,
    /// Another id a context may name the product by (Shopify: the URL handle, when `id` is
    /// the numeric product id).
    pub handle: Option<String>,
    /// Other ids a context may name its variants by (Shopify: the SKUs, when `variant_ids`
    /// are numeric variant ids).
    pub skus: Vec<String>,
    /// Product page url (http(s) or shop-relative).
    pub url: String,
    /// Title, shown as text.
    pub title: String,
    /// Image url (http(s) or shop-relative).
    pub image: Option<String>,
    /// Price in minor units of the shop currency.
    pub price: i64,
    /// The "was" price, when the snapshot has one.
    pub compare_at_price: Option<i64>,
    /// False: never recommended.
    pub available: bool,
    /// Product type or category.
    pub product_type: Option<String>,
    /// Vendor or brand.
    pub vendor: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Average rating, 0 to 5.
    pub rating: Option<f64>,
    /// Number of reviews.
    pub review_count: Option<u32>,
    /// Median days between one customer's repeat purchases.
    pub repurchase_days: Option<u32>,
    /// Complementary products, best first: what ranks (the list of the page the catalog was
    /// parsed for, [`Catalog::parse_for`]).
    pub neighbours: Vec<Neighbour>,
    /// What the customer buys next, best first, as the builder writes it (`next`). Parsing
    /// never fills it: [`Catalog::parse_for`] a thank-you page reads this list into
    /// `neighbours` instead.
    pub next: Vec<Neighbour>,
}

impl Product {
    /// The product has a next-order list of its own (non-empty, not its basket list): the list
    /// a thank-you page ranks, and the only one the builder writes as `next`.
    pub fn has_own_next(&self) -> bool {
        !self.next.is_empty() && self.next != self.neighbours
    }

    /// The compare-at price only when it is really higher than the price.
    pub fn was_price(&self) -> Option<i64> {
        self.compare_at_price.filter(|&c| c > self.price)
    }

    /// The variant added to the cart.
    pub fn default_variant(&self) -> &str {
        self.variant_ids.first().map_or("", String::as_str)
    }
}

/// The merchant's rules carried in the snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    /// Context product index → products always shown first.
    pub pin: SmallMap<Vec<usize>>,
    /// Never recommended.
    pub exclude: Vec<usize>,
    /// Score multipliers.
    pub boost: SmallMap<f64>,
}

/// A map from product index to `V` for the merchant's handful of rules: a vector searched
/// linearly, which costs a fraction of a hash map's WebAssembly and is as fast at this size.
///
/// Keys and values are kept apart so that the key search is one function for every `V`.
#[derive(Debug, Clone, PartialEq)]
pub struct SmallMap<V> {
    keys: Vec<usize>,
    values: Vec<V>,
}

impl<V> Default for SmallMap<V> {
    fn default() -> Self {
        SmallMap {
            keys: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl<V> FromIterator<(usize, V)> for SmallMap<V> {
    fn from_iter<I: IntoIterator<Item = (usize, V)>>(iter: I) -> Self {
        let mut map = SmallMap::default();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

/// Where `key` is among `keys`.
fn position(keys: &[usize], key: usize) -> Option<usize> {
    keys.iter().position(|&k| k == key)
}

impl<V> SmallMap<V> {
    /// Sets `key` to `value`, replacing an earlier value.
    pub fn insert(&mut self, key: usize, value: V) {
        match position(&self.keys, key) {
            Some(at) => self.values[at] = value,
            None => {
                self.keys.push(key);
                self.values.push(value);
            }
        }
    }

    /// The value for `key`.
    pub fn get(&self, key: &usize) -> Option<&V> {
        position(&self.keys, *key).map(|at| &self.values[at])
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&usize, &V)> {
        self.keys.iter().zip(&self.values)
    }

    /// Keys in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &usize> {
        self.keys.iter()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// A parsed, validated snapshot. Long-lived: the web shell keeps it in wasm memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    /// The shop.
    pub shop: Shop,
    /// Products in snapshot order.
    pub products: Vec<Product>,
    /// Merchant rules.
    pub rules: Rules,
    /// The merchant's offers, in priority order (`docs/snapshot.md`, "Offers").
    pub offers: Vec<Offer>,
    /// The merchant's experiment, when one runs (`docs/snapshot.md`, "Experiments").
    pub experiment: Option<Experiment>,
    /// The shop's best-sellers, best first: what a `bestsellers` arm shows.
    pub bestsellers: Vec<usize>,
    by_id: IdIndex,
    by_variant: IdIndex,
    by_handle: IdIndex,
    by_sku: IdIndex,
}

/// Ids to product indices: a vector sorted by id, searched by bisection. A catalog is read once
/// and looked up a few times per page, so this is as quick as a hash map for a fraction of its
/// WebAssembly.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdIndex(Vec<(String, usize)>);

impl IdIndex {
    /// Indexes `(id, product)` pairs. When an id repeats, the first pair (lowest product index)
    /// wins and the pair that repeated it is returned as `(id, first, repeat)`.
    fn build(mut pairs: Vec<(String, usize)>) -> (IdIndex, Option<(String, usize, usize)>) {
        sort::heap_sort_by(&mut pairs, |a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut repeat: Option<(String, usize, usize)> = None;
        let mut kept: Vec<(String, usize)> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            match kept.last() {
                Some(first) if first.0 == pair.0 => {
                    // Report the repeat that comes first in the snapshot.
                    if repeat.as_ref().map_or(true, |r| pair.1 < r.2) {
                        repeat = Some((pair.0, first.1, pair.1));
                    }
                }
                _ => kept.push(pair),
            }
        }
        (IdIndex(kept), repeat)
    }

    /// Indexes the ids each product lists (`ids_of`); an id under two products belongs to the
    /// first.
    fn of(products: &[Product], ids_of: fn(&Product) -> &[String]) -> IdIndex {
        let mut pairs = Vec::new();
        for (i, p) in products.iter().enumerate() {
            for id in ids_of(p) {
                pairs.push((id.clone(), i));
            }
        }
        IdIndex::build(pairs).0
    }

    /// The product index for `id`.
    pub fn get(&self, id: &str) -> Option<usize> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(id))
            .ok()
            .map(|at| self.0[at].1)
    }
}

impl Catalog {
    /// Parses and validates a snapshot, with the lists of a cart page; the error names the
    /// first bad place.
    pub fn parse(text: &str) -> Result<Catalog, SnapshotError> {
        Catalog::parse_for(text, PageKind::Cart)
    }

    /// Parses and validates a snapshot with the lists that rank on `page` in `neighbours`
    /// (docs/snapshot.md, "Which list ranks where"): basket completion (`neighbours`) on
    /// product, cart and checkout pages; the next order (`next`, where a product has one) on
    /// the thank-you page and in the follow-up emails. So one ranking function,
    /// [`crate::recommend`], serves both tasks.
    pub fn parse_for(text: &str, page: PageKind) -> Result<Catalog, SnapshotError> {
        let root = json::parse(text)?;
        Ok(Catalog::from_value_for(&root, page)?)
    }

    /// Validates an already parsed snapshot, with the lists of a cart page.
    pub fn from_value(root: &Value) -> read::Result<Catalog> {
        Catalog::from_value_for(root, PageKind::Cart)
    }

    /// Validates an already parsed snapshot, with the lists that rank on `page`.
    pub fn from_value_for(root: &Value, page: PageKind) -> read::Result<Catalog> {
        Catalog::read(root, page == PageKind::ThankYou).map_err(FieldError::from)
    }

    fn read(root: &Value, next: bool) -> read::Boxed<Catalog> {
        read::object_at(root, "(root)", "")?;
        match read::required_at(root, "", "version")? {
            Value::Number(n) if n == VERSION_TEXT => {}
            Value::Number(n) => {
                return Err(read::error_at(
                    "version",
                    "",
                    &[
                        "this crossbuy understands snapshot version ",
                        VERSION_TEXT,
                        ", got ",
                        n,
                        "; update crossbuy.js",
                    ],
                ))
            }
            other => return Err(read::expected_at("version", "", "the integer 1", other)),
        }
        let shop = parse_shop(read::required_at(root, "", "shop")?)?;

        let items = read::array_at(read::required_at(root, "", "products")?, "products", "")?;
        // First pass: the products and their ids, so neighbours can point forward.
        let mut ids = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = index("products", i);
            read::object_at(item, &path, "")?;
            ids.push((read::req(item, &path, "id", read::text_id_at)?, i));
        }
        let (by_id, repeat) = IdIndex::build(ids);
        if let Some((id, first, at)) = repeat {
            return Err(read::error_at(
                &index("products", at),
                "id",
                &[
                    "duplicate product id \"",
                    &id,
                    "\" (first at ",
                    &index("products", first),
                    ")",
                ],
            ));
        }
        let mut catalog = Catalog {
            shop,
            products: Vec::with_capacity(items.len()),
            rules: Rules::default(),
            offers: Vec::new(),
            experiment: None,
            bestsellers: Vec::new(),
            by_id,
            by_variant: IdIndex::default(),
            by_handle: IdIndex::default(),
            by_sku: IdIndex::default(),
        };
        for (i, item) in items.iter().enumerate() {
            let product = parse_product(item, &index("products", i), &catalog.by_id, next)?;
            catalog.products.push(product);
        }
        // An id listed under two products belongs to the first; that is not an error. Handles
        // and SKUs are aliases, looked up only when no product id or variant id matches.
        catalog.by_variant = IdIndex::of(&catalog.products, |p| &p.variant_ids);
        catalog.by_handle = IdIndex::of(&catalog.products, |p| p.handle.as_slice());
        catalog.by_sku = IdIndex::of(&catalog.products, |p| &p.skus);
        if let Some(r) = read::optional(root, "rules") {
            catalog.rules = parse_rules(r, &catalog.by_id)?;
        }
        if let Some(o) = read::optional(root, "offers") {
            catalog.offers = offer::parse_offers(o, &|id| catalog.by_id.get(id))?;
        }
        if let Some(e) = read::optional(root, "experiment") {
            catalog.experiment = Some(Experiment::parse(e)?);
        }
        if let Some(Value::Array(list)) = read::optional(root, "bestsellers") {
            // Ids this snapshot lacks are passed over: a shard of the sharded form holds only
            // some products, and the index lists the best-sellers of all.
            for id in list {
                catalog
                    .bestsellers
                    .extend(id.as_str().and_then(|id| catalog.by_id.get(id)));
            }
        }
        Ok(catalog)
    }

    /// The index of a product id, else of the product with that `handle`.
    pub fn product_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).or_else(|| self.by_handle.get(id))
    }

    /// The index of the product that has this variant id, else this SKU.
    pub fn variant_product(&self, variant_id: &str) -> Option<usize> {
        self.by_variant
            .get(variant_id)
            .or_else(|| self.by_sku.get(variant_id))
    }
}

fn parse_shop(v: &Value) -> read::Boxed<Shop> {
    read::object_at(v, "shop", "")?;
    let name = read::req(v, "shop", "name", read::string_at)?;
    let currency = read::currency_at(
        read::required_at(v, "shop", "currency")?,
        "shop",
        "currency",
    )?;
    let locale = read::opt(v, "shop", "locale", read::string_at)?;
    let mut root = read::opt(v, "shop", "root", read::url_at)?.unwrap_or_default();
    if !root.ends_with('/') {
        root.push('/');
    }
    Ok(Shop {
        name,
        currency,
        locale,
        root,
    })
}

/// Reads one product. Fields are read in the order of `docs/snapshot.md` (the first bad one is
/// reported) into a product built up in place, so an error drops one value instead of each
/// field read so far.
/// `next`: the product's `next` list, when it has one, is read as its `neighbours`.
fn parse_product(v: &Value, path: &str, by_id: &IdIndex, next: bool) -> read::Boxed<Product> {
    let mut p = Product {
        id: read::req(v, path, "id", read::text_id_at)?,
        variant_ids: read::req(v, path, "variant_ids", read::text_ids_at)?,
        handle: None,
        skus: Vec::new(),
        url: String::new(),
        title: String::new(),
        image: None,
        price: 0,
        compare_at_price: None,
        available: true,
        product_type: None,
        vendor: None,
        tags: Vec::new(),
        rating: None,
        review_count: None,
        repurchase_days: None,
        neighbours: Vec::new(),
        next: Vec::new(),
    };
    if p.variant_ids.is_empty() {
        return Err(read::error_at(
            path,
            "variant_ids",
            &["expected at least one variant id"],
        ));
    }
    p.handle = read::opt(v, path, "handle", read::text_id_at)?;
    p.skus = read::opt(v, path, "skus", read::text_ids_at)?.unwrap_or_default();
    p.url = read::req(v, path, "url", read::url_at)?;
    p.title = read::req(v, path, "title", read::string_at)?;
    p.image = read::opt(v, path, "image", read::url_at)?;
    p.price = read::req(v, path, "price", read::minor_units_at)?;
    if let Some(x) = read::optional(v, "compare_at_price") {
        p.compare_at_price = Some(read::minor_units_at(x, path, "compare_at_price")?);
    }
    if let Some(x) = read::optional(v, "available") {
        p.available = read::boolean_at(x, path, "available")?;
    }
    p.product_type = read::opt(v, path, "type", read::string_at)?;
    p.vendor = read::opt(v, path, "vendor", read::string_at)?;
    p.tags = read::opt(v, path, "tags", read::strings_at)?.unwrap_or_default();
    if let Some(x) = read::optional(v, "rating") {
        p.rating = Some(rating(x, path, "rating")?);
    }
    p.review_count = read::opt(v, path, "review_count", read::count_at)?;
    p.repurchase_days = read::opt(v, path, "repurchase_days", read::count_at)?;
    let key = if next && read::optional(v, "next").is_some() {
        "next"
    } else {
        "neighbours"
    };
    if let Some(list) = read::optional(v, key) {
        let npath = join(path, key);
        for (i, n) in read::array_at(list, &npath, "")?.iter().enumerate() {
            let np = index(&npath, i);
            read::object_at(n, &np, "")?;
            let product = lookup(by_id, read::required_at(n, &np, "id")?, &np, "id")?;
            p.neighbours.push(Neighbour {
                product,
                score: read::req(n, &np, "score", read::non_negative_at)?,
                count: read::count_at(read::required_at(n, &np, "count")?, &np, "count")?,
            });
        }
    }
    Ok(p)
}

/// A rating from 0 to 5. The error quotes the number as written: formatting an f64 would pull
/// Rust's float printer (about 10 KB gzipped) into the shipped module.
fn rating(v: &Value, parent: &str, key: &str) -> read::Boxed<f64> {
    match read::non_negative_at(v, parent, key)? {
        r if r <= 5.0 => Ok(r),
        _ => Err(read::expected_at(parent, key, "a rating from 0 to 5", v)),
    }
}

/// The product index of the id at `parent.key`.
fn lookup(by_id: &IdIndex, v: &Value, parent: &str, key: &str) -> read::Boxed<usize> {
    let id = read::text_id_at(v, parent, key)?;
    by_id
        .get(&id)
        .ok_or_else(|| read::error_at(parent, key, &["unknown product \"", &id, "\""]))
}

/// The product indices of an array of ids at `path`.
fn lookups(by_id: &IdIndex, v: &Value, path: &str) -> read::Boxed<Vec<usize>> {
    let items = read::array_at(v, path, "")?;
    let mut out = Vec::with_capacity(items.len());
    for (i, x) in items.iter().enumerate() {
        out.push(lookup(by_id, x, &index(path, i), "")?);
    }
    Ok(out)
}

fn parse_rules(v: &Value, by_id: &IdIndex) -> read::Boxed<Rules> {
    read::object_at(v, "rules", "")?;
    let mut rules = Rules::default();
    if let Some(pin) = read::optional(v, "pin") {
        for (key, list) in read::object_at(pin, "rules.pin", "")? {
            let path = ["rules.pin[\"", key, "\"]"].concat();
            let from = lookup(by_id, &Value::Str(key.clone()), &path, "")?;
            rules.pin.insert(from, lookups(by_id, list, &path)?);
        }
    }
    if let Some(ex) = read::optional(v, "exclude") {
        rules.exclude = lookups(by_id, ex, "rules.exclude")?;
    }
    if let Some(boost) = read::optional(v, "boost") {
        for (key, factor) in read::object_at(boost, "rules.boost", "")? {
            let path = ["rules.boost[\"", key, "\"]"].concat();
            let product = lookup(by_id, &Value::Str(key.clone()), &path, "")?;
            let f = read::non_negative_at(factor, &path, "")?;
            if f == 0.0 {
                return Err(read::error_at(
                    &path,
                    "",
                    &["expected a factor > 0 (use rules.exclude to hide)"],
                ));
            }
            rules.boost.insert(product, f);
        }
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../tests/fixtures/catalog-example.json");

    fn check(input: &str, expected: &str) {
        let got = match Catalog::parse(input) {
            Ok(c) => format!(
                "ok: {} products, first {} at {} {}",
                c.products.len(),
                c.products[0].title,
                c.products[0].price,
                c.shop.currency.code()
            ),
            Err(e) => e.to_string(),
        };
        assert_eq!(got, expected);
    }

    /// The example with one JSON fragment replaced.
    fn with(from: &str, to: &str) -> String {
        assert!(EXAMPLE.contains(from), "fixture lacks {from}");
        EXAMPLE.replacen(from, to, 1)
    }

    #[test]
    fn the_documented_example_parses() {
        check(
            EXAMPLE,
            "ok: 3 products, first White Hanging Heart T-Light Holder at 295 GBP",
        );
        let docs = include_str!("../../../docs/snapshot.md");
        let start = docs.find("```json\n").expect("docs example") + 8;
        let end = start + docs[start..].find("```").expect("docs example end");
        assert_eq!(
            json::parse(&docs[start..end]),
            json::parse(EXAMPLE),
            "docs/snapshot.md and the fixture differ"
        );
    }

    #[test]
    fn bad_snapshots_name_the_place() {
        check(
            &with("\"price\": 425", "\"price\": 12.99"),
            "snapshot products[1].price: expected integer minor units, got 12.99",
        );
        check(
            &with("\"price\": 425", "\"price\": \"12.99\""),
            "snapshot products[1].price: expected integer minor units, got \"12.99\"",
        );
        check(
            &with("\"version\": 1", "\"version\": 2"),
            "snapshot version: this crossbuy understands snapshot version 1, got 2; update crossbuy.js",
        );
        check(
            &with("\"title\": \"White Metal Lantern\",", "\"title\": null,"),
            "snapshot products[1].title: missing",
        );
        check(
            &with(
                "{ \"id\": \"84406B\", \"score\"",
                "{ \"id\": \"NOPE\", \"score\"",
            ),
            "snapshot products[0].neighbours[1].id: unknown product \"NOPE\"",
        );
        check(
            &with("\"/img/71053.svg\"", "\"javascript:alert(1)\""),
            "snapshot products[1].image: expected an http(s) or shop-relative url, got \"javascript:alert(1)\"",
        );
        check(
            &with(
                "\"id\": \"71053\",\n      \"variant_ids\"",
                "\"id\": \"85123A\",\n      \"variant_ids\"",
            ),
            "snapshot products[1].id: duplicate product id \"85123A\" (first at products[0])",
        );
        check(
            &with("\"currency\": \"GBP\"", "\"currency\": \"pounds\""),
            "snapshot shop.currency: expected an ISO 4217 code such as \"GBP\", got \"pounds\"",
        );
        check(
            &with("\"exclude\": [\"84406B\"]", "\"exclude\": [\"X\"]"),
            "snapshot rules.exclude[0]: unknown product \"X\"",
        );
        check(
            &with(
                "\"exclude\": [\"84406B\"]",
                "\"pin\": {\" 85123A \": [\"Y\"]}",
            ),
            "snapshot rules.pin[\" 85123A \"][0]: unknown product \"Y\"",
        );
        check(
            &with(
                "\"pin\": { \"85123A\": [\"71053\"] }",
                "\"pin\": {\" \": []}",
            ),
            "snapshot rules.pin[\" \"]: expected an id, got an empty string",
        );
        check(
            &with(
                "\"pin\": { \"85123A\": [\"71053\"] }",
                "\"pin\": {\"Q\": []}",
            ),
            "snapshot rules.pin[\"Q\"]: unknown product \"Q\"",
        );
        check(
            &with("\"pin\": { \"85123A\": [\"71053\"] }", "\"pin\": []"),
            "snapshot rules.pin: expected an object, got an array",
        );
        check(
            &with(
                "\"boost\": { \"71053\": 1.5 }",
                "\"boost\": {\"84406B\": 0}",
            ),
            "snapshot rules.boost[\"84406B\"]: expected a factor > 0 (use rules.exclude to hide)",
        );
        check(
            &with(
                "\"boost\": { \"71053\": 1.5 }",
                "\"boost\": {\"84406B\": \"2\"}",
            ),
            "snapshot rules.boost[\"84406B\"]: expected a number ≥ 0, got \"2\"",
        );
        check(
            &with("\"boost\": { \"71053\": 1.5 }", "\"boost\": 1"),
            "snapshot rules.boost: expected an object, got 1",
        );
        check(
            &with("\"rating\": 4.7", "\"rating\": 7"),
            "snapshot products[0].rating: expected a rating from 0 to 5, got 7",
        );
        check(
            "{\"version\": 1,",
            "snapshot is not valid JSON: line 1, column 15: expected a quoted key in object",
        );
        check("[]", "snapshot (root): expected an object, got an array");
        check(
            &with(
                "\"variant_ids\": [\"71053\"]",
                "\"variant_ids\": [\"71053\"], \"handle\": 4.5",
            ),
            "snapshot products[1].handle: expected an id as a string, got 4.5",
        );
        check(
            &with(
                "\"variant_ids\": [\"71053\"]",
                "\"variant_ids\": [\"71053\"], \"skus\": [\"L-1\", \"\"]",
            ),
            "snapshot products[1].skus[1]: expected an id, got an empty string",
        );
        check(
            &with(
                "\"variant_ids\": [\"71053\"]",
                "\"variant_ids\": [\"71053\"], \"skus\": \"L-1\"",
            ),
            "snapshot products[1].skus: expected an array, got \"L-1\"",
        );
    }

    /// Prices are at most `MAX_AMOUNT` (docs/snapshot.md): the largest is read, one more is an
    /// error naming the product and field, however large the number.
    #[test]
    fn prices_are_bounded_with_their_place() {
        let snapshot = |prices: &str| crate::offer::tests::snapshot("GBP", prices, "");
        check(
            &snapshot("1299 450 295 1000000000000000/1000000000000000"),
            "ok: 4 products, first a at 1299 GBP",
        );
        for (prices, expected) in [
            (
                "1299 450 295 9223372036854775807",
                "snapshot products[3].price: expected integer minor units ≤ 1000000000000000, got 9223372036854775807",
            ),
            (
                "1299 450 295 1000000000000001",
                "snapshot products[3].price: expected integer minor units ≤ 1000000000000000, got 1000000000000001",
            ),
            (
                "1299 450 295 99999999999999999999999999",
                "snapshot products[3].price: expected integer minor units, got 99999999999999999999999999",
            ),
            (
                "1299 450/9223372036854775807",
                "snapshot products[1].compare_at_price: expected integer minor units ≤ 1000000000000000, got 9223372036854775807",
            ),
            (
                "1299 -1",
                "snapshot products[1].price: expected integer minor units ≥ 0, got -1",
            ),
        ] {
            check(&snapshot(prices), expected);
        }
    }

    /// Ids are strings (docs/snapshot.md): a number where an id goes is an error naming it.
    #[test]
    fn numeric_ids_are_errors_with_their_place() {
        for (from, to, expected) in [
            (
                "\"id\": \"71053\",\n      \"variant_ids\"",
                "\"id\": 71053,\n      \"variant_ids\"",
                "snapshot products[1].id: expected an id as a string, got 71053",
            ),
            (
                "\"variant_ids\": [\"71053\"]",
                "\"variant_ids\": [71053]",
                "snapshot products[1].variant_ids[0]: expected an id as a string, got 71053",
            ),
            (
                "\"variant_ids\": [\"71053\"]",
                "\"variant_ids\": [\"71053\"], \"skus\": [\"L-1\", 12]",
                "snapshot products[1].skus[1]: expected an id as a string, got 12",
            ),
            (
                "\"variant_ids\": [\"71053\"]",
                "\"variant_ids\": [\"71053\"], \"handle\": 7",
                "snapshot products[1].handle: expected an id as a string, got 7",
            ),
            (
                "{ \"id\": \"84406B\", \"score\"",
                "{ \"id\": 84406, \"score\"",
                "snapshot products[0].neighbours[1].id: expected an id as a string, got 84406",
            ),
            (
                "\"exclude\": [\"84406B\"]",
                "\"exclude\": [84406]",
                "snapshot rules.exclude[0]: expected an id as a string, got 84406",
            ),
        ] {
            check(&with(from, to), expected);
        }
    }

    #[test]
    fn version_text_is_the_version() {
        assert_eq!(SNAPSHOT_VERSION.to_string(), VERSION_TEXT);
    }

    #[test]
    fn handles_and_skus_are_aliases_ids_win() {
        // Product 1 names product 0's id and variant as its handle and SKU: the ids win.
        let c = Catalog::parse(&with(
            "\"variant_ids\": [\"71053\"]",
            "\"variant_ids\": [\"71053\"], \"handle\": \"85123A\", \"skus\": [\"85123A\", \"LANTERN-W\"]",
        ))
        .expect("example");
        assert_eq!(c.product_index("85123A"), Some(0));
        assert_eq!(c.variant_product("85123A"), Some(0));
        assert_eq!(c.variant_product("LANTERN-W"), Some(1));
        assert_eq!(c.products[1].handle.as_deref(), Some("85123A"));
        assert_eq!(c.variant_product("lantern-w"), None, "SKUs match exactly");
    }

    #[test]
    fn was_price_only_when_higher() {
        let c = Catalog::parse(EXAMPLE).expect("example");
        assert_eq!(c.products[0].was_price(), Some(350));
        let c = Catalog::parse(&with(
            "\"compare_at_price\": 350",
            "\"compare_at_price\": 295",
        ))
        .expect("example");
        assert_eq!(c.products[0].was_price(), None);
    }

    #[test]
    fn the_thank_you_page_ranks_the_next_order_lists() {
        // The lantern's basket list names the heart; its next-order list the coat hanger.
        let text = with(
            "\"neighbours\": [{ \"id\": \"85123A\", \"score\": 0.58, \"count\": 48 }]",
            "\"neighbours\": [{ \"id\": \"85123A\", \"score\": 0.58, \"count\": 48 }], \
             \"next\": [{ \"id\": \"84406B\", \"score\": 0.3, \"count\": 2 }]",
        );
        let lists = |page: PageKind| {
            let c = Catalog::parse_for(&text, page).expect("snapshot with next");
            c.products
                .iter()
                .map(|p| {
                    let ids: Vec<&str> = p
                        .neighbours
                        .iter()
                        .map(|n| c.products[n.product].id.as_str())
                        .collect();
                    ids.join("+")
                })
                .collect::<Vec<_>>()
                .join(" | ")
        };
        for page in [PageKind::Product, PageKind::Cart, PageKind::Checkout] {
            assert_eq!(lists(page), "71053+84406B | 85123A | ", "{page:?}");
        }
        // The heart has no next list: its basket list ranks on the thank-you page too.
        assert_eq!(lists(PageKind::ThankYou), "71053+84406B | 84406B | ");
        // A bad next list is an error on the thank-you page, naming its place (the other
        // pages do not read it, as any field they do not use).
        let bad = text.replace(
            "\"id\": \"84406B\", \"score\": 0.3",
            "\"id\": \"X9\", \"score\": 0.3",
        );
        assert_eq!(
            Catalog::parse_for(&bad, PageKind::ThankYou)
                .map(|_| ())
                .unwrap_err()
                .to_string(),
            "snapshot products[1].next[0].id: unknown product \"X9\""
        );
        assert!(Catalog::parse_for(&bad, PageKind::Cart).is_ok());
    }
}
