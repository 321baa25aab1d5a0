//! The catalog snapshot, version 1 (`docs/snapshot.md`): parsed and validated in one pass.

use super::json::{self, Value};
use super::money::Currency;
use super::offer::{self, Offer};
use super::read::{self, index, join, FieldError};
use super::sort;

/// The snapshot version this engine reads.
pub const SNAPSHOT_VERSION: u32 = 1;

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
    /// Complementary products, best first.
    pub neighbours: Vec<Neighbour>,
}

impl Product {
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
#[derive(Debug, Clone, PartialEq)]
pub struct SmallMap<V>(Vec<(usize, V)>);

impl<V> Default for SmallMap<V> {
    fn default() -> Self {
        SmallMap(Vec::new())
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

impl<V> SmallMap<V> {
    /// Sets `key` to `value`, replacing an earlier value.
    pub fn insert(&mut self, key: usize, value: V) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// The value for `key`.
    pub fn get(&self, key: &usize) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&usize, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Keys in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &usize> {
        self.0.iter().map(|(k, _)| k)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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
    /// wins and the pair that repeated it is returned as `Err((id, first, repeat))`.
    fn build(mut pairs: Vec<(String, usize)>) -> (IdIndex, Option<(String, usize, usize)>) {
        sort::heap_sort_by(&mut pairs, |a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut repeat: Option<(String, usize, usize)> = None;
        pairs.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            // Report the repeat that comes first in the snapshot.
            if same && repeat.as_ref().map_or(true, |r| later.1 < r.2) {
                repeat = Some((later.0.clone(), earlier.1, later.1));
            }
            same
        });
        (IdIndex(pairs), repeat)
    }

    /// Indexes the ids each product lists (`ids_of`); an id under two products belongs to the
    /// first.
    fn of(products: &[Product], ids_of: fn(&Product) -> &[String]) -> IdIndex {
        let pairs = products
            .iter()
            .enumerate()
            .flat_map(|(i, p)| ids_of(p).iter().map(move |v| (v.clone(), i)))
            .collect();
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
    /// Parses and validates a snapshot; the error names the first bad place.
    pub fn parse(text: &str) -> Result<Catalog, SnapshotError> {
        let root = json::parse(text)?;
        Ok(Catalog::from_value(&root)?)
    }

    /// Validates an already parsed snapshot.
    pub fn from_value(root: &Value) -> read::Result<Catalog> {
        read::object(root, "(root)")?;
        let version = read::required(root, "", "version")?;
        match version {
            Value::Number(n) if n == "1" => {}
            Value::Number(n) => {
                return read::fail(
                    "version",
                    format!(
                        "this crossbuy understands snapshot version {SNAPSHOT_VERSION}, got {n}; update crossbuy.js"
                    ),
                )
            }
            other => {
                return read::fail(
                    "version",
                    format!("expected the integer 1, got {}", other.describe()),
                )
            }
        }
        let shop = parse_shop(read::required(root, "", "shop")?)?;

        let items = read::array(read::required(root, "", "products")?, "products")?;
        // First pass: the products and their ids, so neighbours can point forward.
        let mut ids = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = index("products", i);
            read::object(item, &path)?;
            ids.push((
                read::id(read::required(item, &path, "id")?, &join(&path, "id"))?,
                i,
            ));
        }
        let (by_id, repeat) = IdIndex::build(ids);
        if let Some((id, first, at)) = repeat {
            return read::fail(
                &join(&index("products", at), "id"),
                format!("duplicate product id \"{id}\" (first at products[{first}])"),
            );
        }
        let mut products = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            products.push(parse_product(item, &index("products", i), &by_id)?);
        }
        // An id listed under two products belongs to the first; that is not an error. Handles
        // and SKUs are aliases, looked up only when no product id or variant id matches.
        let by_variant = IdIndex::of(&products, |p| &p.variant_ids);
        let by_handle = IdIndex::of(&products, |p| p.handle.as_slice());
        let by_sku = IdIndex::of(&products, |p| &p.skus);
        let rules = match read::optional(root, "rules") {
            Some(r) => parse_rules(r, &by_id)?,
            None => Rules::default(),
        };
        let offers = match read::optional(root, "offers") {
            Some(o) => offer::parse_offers(o, &by_id)?,
            None => Vec::new(),
        };
        Ok(Catalog {
            shop,
            products,
            rules,
            offers,
            by_id,
            by_variant,
            by_handle,
            by_sku,
        })
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

fn parse_shop(v: &Value) -> read::Result<Shop> {
    read::object(v, "shop")?;
    let name = read::string(read::required(v, "shop", "name")?, "shop.name")?;
    let code = read::string(read::required(v, "shop", "currency")?, "shop.currency")?;
    let currency = Currency::parse(&code).ok_or_else(|| FieldError {
        path: "shop.currency".into(),
        message: format!("expected an ISO 4217 code such as \"GBP\", got \"{code}\""),
    })?;
    let locale = read::optional(v, "locale")
        .map(|l| read::string(l, "shop.locale"))
        .transpose()?;
    let root = match read::optional(v, "root") {
        Some(r) => {
            let s = read::url(r, "shop.root")?;
            if s.ends_with('/') {
                s
            } else {
                format!("{s}/")
            }
        }
        None => "/".to_owned(),
    };
    Ok(Shop {
        name,
        currency,
        locale,
        root,
    })
}

fn parse_product(v: &Value, path: &str, by_id: &IdIndex) -> read::Result<Product> {
    let field = |key: &str| join(path, key);
    let id = read::id(read::required(v, path, "id")?, &field("id"))?;
    let variants_path = field("variant_ids");
    let variant_ids = id_list(read::required(v, path, "variant_ids")?, &variants_path)?;
    if variant_ids.is_empty() {
        return read::fail(&variants_path, "expected at least one variant id");
    }
    let handle = read::optional(v, "handle")
        .map(|x| read::id(x, &field("handle")))
        .transpose()?;
    let skus = read::optional(v, "skus")
        .map(|x| id_list(x, &field("skus")))
        .transpose()?
        .unwrap_or_default();
    let url = read::url(read::required(v, path, "url")?, &field("url"))?;
    let title = read::string(read::required(v, path, "title")?, &field("title"))?;
    let image = read::optional(v, "image")
        .map(|x| read::url(x, &field("image")))
        .transpose()?;
    let price = read::minor_units(read::required(v, path, "price")?, &field("price"))?;
    let compare_at_price = read::optional(v, "compare_at_price")
        .map(|x| read::minor_units(x, &field("compare_at_price")))
        .transpose()?;
    let available = read::optional(v, "available")
        .map(|x| read::boolean(x, &field("available")))
        .transpose()?
        .unwrap_or(true);
    let opt_string = |key: &str| {
        read::optional(v, key)
            .map(|x| read::string(x, &field(key)))
            .transpose()
    };
    let product_type = opt_string("type")?;
    let vendor = opt_string("vendor")?;
    let tags = read::optional(v, "tags")
        .map(|x| read::strings(x, &field("tags")))
        .transpose()?
        .unwrap_or_default();
    // The error quotes the number as written: formatting an f64 would pull Rust's float
    // printer (about 10 KB gzipped) into the shipped module.
    let rating = match read::optional(v, "rating") {
        Some(x) => match read::non_negative(x, &field("rating"))? {
            r if r <= 5.0 => Some(r),
            _ => {
                return read::fail(
                    &field("rating"),
                    format!("expected a rating from 0 to 5, got {}", x.describe()),
                )
            }
        },
        None => None,
    };
    let review_count = read::optional(v, "review_count")
        .map(|x| read::count(x, &field("review_count")))
        .transpose()?;
    let repurchase_days = read::optional(v, "repurchase_days")
        .map(|x| read::count(x, &field("repurchase_days")))
        .transpose()?;
    let mut neighbours = Vec::new();
    if let Some(list) = read::optional(v, "neighbours") {
        let npath = field("neighbours");
        for (i, n) in read::array(list, &npath)?.iter().enumerate() {
            let p = index(&npath, i);
            read::object(n, &p)?;
            let nid_path = join(&p, "id");
            let nid = read::id(read::required(n, &p, "id")?, &nid_path)?;
            let product = match by_id.get(&nid) {
                Some(ix) => ix,
                None => return read::fail(&nid_path, format!("unknown product \"{nid}\"")),
            };
            let score = read::non_negative(read::required(n, &p, "score")?, &join(&p, "score"))?;
            let count = read::count(read::required(n, &p, "count")?, &join(&p, "count"))?;
            neighbours.push(Neighbour {
                product,
                score,
                count,
            });
        }
    }
    Ok(Product {
        id,
        variant_ids,
        handle,
        skus,
        url,
        title,
        image,
        price,
        compare_at_price,
        available,
        product_type,
        vendor,
        tags,
        rating,
        review_count,
        repurchase_days,
        neighbours,
    })
}

/// An array of ids.
fn id_list(v: &Value, path: &str) -> read::Result<Vec<String>> {
    read::array(v, path)?
        .iter()
        .enumerate()
        .map(|(i, x)| read::id(x, &index(path, i)))
        .collect()
}

fn lookup(by_id: &IdIndex, v: &Value, path: &str) -> read::Result<usize> {
    let id = read::id(v, path)?;
    match by_id.get(&id) {
        Some(i) => Ok(i),
        None => read::fail(path, format!("unknown product \"{id}\"")),
    }
}

fn parse_rules(v: &Value, by_id: &IdIndex) -> read::Result<Rules> {
    read::object(v, "rules")?;
    let mut rules = Rules::default();
    if let Some(pin) = read::optional(v, "pin") {
        for (key, list) in read::object(pin, "rules.pin")? {
            let path = format!("rules.pin[\"{key}\"]");
            let from = lookup(by_id, &Value::Str(key.clone()), &path)?;
            let targets = read::array(list, &path)?
                .iter()
                .enumerate()
                .map(|(i, x)| lookup(by_id, x, &index(&path, i)))
                .collect::<read::Result<Vec<_>>>()?;
            rules.pin.insert(from, targets);
        }
    }
    if let Some(ex) = read::optional(v, "exclude") {
        for (i, x) in read::array(ex, "rules.exclude")?.iter().enumerate() {
            rules
                .exclude
                .push(lookup(by_id, x, &index("rules.exclude", i))?);
        }
    }
    if let Some(boost) = read::optional(v, "boost") {
        for (key, factor) in read::object(boost, "rules.boost")? {
            let path = format!("rules.boost[\"{key}\"]");
            let product = lookup(by_id, &Value::Str(key.clone()), &path)?;
            let f = read::non_negative(factor, &path)?;
            if f == 0.0 {
                return read::fail(&path, "expected a factor > 0 (use rules.exclude to hide)");
            }
            rules.boost.insert(product, f);
        }
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../tests/fixtures/catalog-example.json");

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
        let docs = include_str!("../../docs/snapshot.md");
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
            "snapshot products[1].handle: expected an id (string or whole number), got 4.5",
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
}
