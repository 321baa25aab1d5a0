//! The build pipeline: load products and orders, count, score, assemble the snapshot model.

use std::collections::{HashMap, HashSet};

use super::baskets::{read_plain, BasketFormat, Baskets};
use super::config::Config;
use super::orders::{read_orders, Orders};
use super::products::{read_products, resolve_prices, ProductFile, ProductRow};
use super::progress::{Progress, Silent, Stopwatch};
use super::report::{BuildError, Result, Summary};
use super::repurchase::repurchase_days;
use super::score::{Method, Params, PriorWeight};
use super::source::{Disk, Sources};
use super::stats::{PairStats, DEFAULT_MAX_BASKET};
use super::storefront;
use crossbuy_engine::offer::Offer;
use crossbuy_engine::snapshot::{Neighbour, Rules, Shop};
use crossbuy_engine::{Currency, Product};

/// Whose exports `products` and `orders` are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Platform {
    /// Shopify's products and orders exports ([`super::products`], [`super::orders`]).
    #[default]
    Shopify,
    /// WooCommerce's product CSV export or Store API JSON, and the crossbuy plugin's order
    /// history ([`super::woocommerce`]).
    WooCommerce,
    /// BigCommerce's products and orders exports ([`super::bigcommerce`]).
    BigCommerce,
}

impl Platform {
    /// The platform of a `--platform` value: `shopify`, `woocommerce` or `bigcommerce`.
    pub fn parse(name: &str) -> Option<Platform> {
        match name.trim().to_ascii_lowercase().as_str() {
            "shopify" => Some(Platform::Shopify),
            "woocommerce" | "woo" => Some(Platform::WooCommerce),
            "bigcommerce" => Some(Platform::BigCommerce),
            _ => None,
        }
    }
}

/// What to build from.
#[derive(Debug, Clone, Default)]
pub struct BuildInput {
    /// Whose exports `products` and `orders` are.
    pub platform: Platform,
    /// The products: Shopify's products export or a plain item table; WooCommerce's product
    /// export or Store API JSON; BigCommerce's products export.
    pub products: Option<String>,
    /// Shopify's storefront product JSON pages (files or directories of them): the numeric
    /// product and variant ids the export lacks ([`storefront`]).
    pub shopify_products_json: Vec<String>,
    /// The orders: Shopify's orders export, the crossbuy WooCommerce plugin's order history,
    /// or BigCommerce's orders export.
    pub orders: Option<String>,
    /// A plain basket file (instead of `orders`).
    pub baskets: Option<String>,
    /// The basket file's layout, when not detected.
    pub basket_format: Option<BasketFormat>,
    /// Basket items to leave out (postage, fees…).
    pub drop: HashSet<String>,
    /// The merchant configuration (command-line overrides already applied).
    pub config: Config,
    /// What shoppers did with the pairs shown (`--feedback`): re-weights them.
    pub feedback: Option<super::feedback::Feedback>,
}

/// Products and baskets, before any counting.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Products; item `i` of the baskets is product `i`. No neighbours yet; `available` says
    /// whether the shop sells it (active, published, in stock).
    pub products: Vec<Product>,
    /// Orders over product indices.
    pub baskets: Baskets,
    /// The shop currency.
    pub currency: Currency,
    /// Product type per product, interned (case-insensitive), for cold start and demotion.
    pub types: Vec<Option<u32>>,
    /// The products came from a Shopify export (so the shop's cart wants numeric ids).
    pub shopify: bool,
}

/// The snapshot model: what `write` serialises.
#[derive(Debug, Clone)]
pub struct Built {
    /// The shop.
    pub shop: Shop,
    /// Products with their neighbours (indices into this list).
    pub products: Vec<Product>,
    /// Merchant rules (indices into `products`).
    pub rules: Rules,
    /// The merchant's offers, in priority order (products as indices into `products`).
    pub offers: Vec<Offer>,
    /// The merchant's experiment, when one is configured.
    pub experiment: Option<crossbuy_engine::experiment::Experiment>,
    /// The best-selling recommendable products, best first (written when an arm shows them).
    pub bestsellers: Vec<usize>,
    /// Unix seconds of the build, when known.
    pub generated_at: Option<i64>,
    /// What the run read, used and skipped.
    pub summary: Summary,
}

/// `/products/{id}` under the shop root, with the id percent-encoded.
pub fn product_url(root: &str, id: &str) -> String {
    let mut url = String::with_capacity(root.len() + 10 + id.len());
    url.push_str(root);
    if !url.ends_with('/') {
        url.push('/');
    }
    url.push_str("products/");
    crossbuy_engine::url::percent_encode(&mut url, id, b"");
    url
}

fn to_product(row: &ProductRow, price: i64, compare_at: Option<i64>, root: &str) -> Product {
    let mut variant_ids: Vec<String> = Vec::new();
    for v in &row.variants {
        if !v.id.is_empty() && !variant_ids.contains(&v.id) {
            variant_ids.push(v.id.clone());
        }
    }
    if variant_ids.is_empty() {
        variant_ids.push(row.id.clone());
    }
    let mut skus: Vec<String> = Vec::new();
    for v in &row.variants {
        if !v.sku.is_empty() && !variant_ids.contains(&v.sku) && !skus.contains(&v.sku) {
            skus.push(v.sku.clone());
        }
    }
    Product {
        // With Shopify's numeric id, the handle stays as an alias and in the url.
        id: row.shopify_id.clone().unwrap_or_else(|| row.id.clone()),
        variant_ids,
        handle: row.shopify_id.as_ref().map(|_| row.id.clone()),
        skus,
        url: row
            .url
            .clone()
            .unwrap_or_else(|| product_url(root, &row.id)),
        title: row.title.clone(),
        image: row.image.clone(),
        price,
        compare_at_price: compare_at,
        available: row.recommendable(),
        product_type: row.product_type.clone(),
        vendor: row.vendor.clone(),
        tags: row.tags.clone(),
        rating: None,
        review_count: None,
        repurchase_days: None,
        neighbours: Vec::new(),
        next: Vec::new(),
    }
}

fn currency_of(
    config: &Config,
    from_orders: Option<&str>,
    need: bool,
    path: &str,
) -> Result<Currency> {
    let code = config.shop.currency.as_deref().or(from_orders);
    match code {
        Some(c) => Currency::parse(c).ok_or_else(|| {
            BuildError::input(path, format!("currency \"{c}\" is not an ISO 4217 code"))
        }),
        // ISO 4217 "XXX": no currency, for baskets without prices.
        None if !need => Currency::parse("XXX")
            .ok_or_else(|| BuildError::Usage("the currency \"XXX\" is not accepted".to_owned())),
        None => Err(BuildError::Usage(
            "no currency: set shop.currency in crossbuy.toml or pass --currency (the orders export has no Currency column)".to_owned(),
        )),
    }
}

/// Priced products of a file, and per row its index among them (`None` when left out).
fn priced(
    file: &mut ProductFile,
    currency: Currency,
    root: &str,
    summary: &mut Summary,
) -> (Vec<Product>, Vec<Option<u32>>) {
    let prices = resolve_prices(file, currency.exponent(), summary);
    let mut products = Vec::with_capacity(file.products.len());
    let mut map = Vec::with_capacity(file.products.len());
    for (row, p) in file.products.iter().zip(prices) {
        match p {
            Some(p) => {
                map.push(Some(products.len() as u32));
                products.push(to_product(row, p.price, p.compare_at, root));
            }
            None => map.push(None),
        }
    }
    (products, map)
}

/// Reads the products file of `platform`.
fn platform_products(
    sources: &dyn Sources,
    platform: Platform,
    path: &str,
    root: &str,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<ProductFile> {
    let (source, size) = sources.open(path)?;
    match platform {
        Platform::Shopify => read_products(path, source, size, summary, progress),
        Platform::WooCommerce => {
            super::woocommerce::read_products(path, source, size, root, summary, progress)
        }
        Platform::BigCommerce => {
            super::bigcommerce::read_products(path, source, size, summary, progress)
        }
    }
}

/// Reads the orders file of `platform` against its products.
fn platform_orders(
    sources: &dyn Sources,
    platform: Platform,
    path: &str,
    products: &ProductFile,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<Orders> {
    let (source, size) = sources.open(path)?;
    match platform {
        Platform::Shopify => read_orders(path, source, size, products, summary, progress),
        Platform::WooCommerce => {
            super::woocommerce::read_orders(path, source, size, products, summary, progress)
        }
        Platform::BigCommerce => {
            super::bigcommerce::read_orders(path, source, size, products, summary, progress)
        }
    }
}

/// Reads the inputs into products and baskets.
pub fn load(input: &BuildInput, summary: &mut Summary) -> Result<Loaded> {
    load_with(input, summary, &mut Silent)
}

/// [`load`], reporting how far it is in each file to `progress`.
pub fn load_with(
    input: &BuildInput,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<Loaded> {
    load_from(input, &Disk, summary, progress)
}

/// [`load_with`], the inputs opened by name from `sources` (files on disk, or the files a
/// merchant dropped on the browser console).
pub fn load_from(
    input: &BuildInput,
    sources: &dyn Sources,
    summary: &mut Summary,
    progress: &mut dyn Progress,
) -> Result<Loaded> {
    let root = input
        .config
        .shop
        .root
        .clone()
        .unwrap_or_else(|| "/".to_owned());
    if !input.shopify_products_json.is_empty() && input.products.is_none() {
        return Err(BuildError::Usage(
            "--shopify-products-json needs --products (the products export it gives ids to)"
                .to_owned(),
        ));
    }
    if !input.shopify_products_json.is_empty() && input.platform != Platform::Shopify {
        return Err(BuildError::Usage(
            "--shopify-products-json is for Shopify's exports (the other platforms' exports carry their ids)"
                .to_owned(),
        ));
    }
    let storefront = storefront::read_files(sources, &input.shopify_products_json, summary)?;
    let with_ids = |file: &mut ProductFile, summary: &mut Summary| {
        if !storefront.is_empty() {
            storefront::apply(file, &storefront, summary);
        }
    };
    let mut shopify = false;
    let (products, baskets, currency) = match (&input.orders, &input.baskets) {
        (Some(_), Some(_)) => {
            return Err(BuildError::Usage(
                "give --orders or --baskets, not both".to_owned(),
            ))
        }
        (None, None) => {
            return Err(BuildError::Usage(
                "nothing to learn from: give --orders (with --products) or --baskets".to_owned(),
            ))
        }
        (Some(orders_path), None) => {
            let products_path = input.products.as_deref().ok_or_else(|| {
                BuildError::Usage("--orders needs --products (the products export)".to_owned())
            })?;
            let mut file = platform_products(
                sources,
                input.platform,
                products_path,
                &root,
                summary,
                progress,
            )?;
            let orders = platform_orders(
                sources,
                input.platform,
                orders_path,
                &file,
                summary,
                progress,
            )?;
            // After the orders joined by handle, SKU and name: the ids change, not the rows.
            with_ids(&mut file, summary);
            shopify = file.shopify;
            let currency =
                currency_of(&input.config, orders.currency.as_deref(), true, orders_path)?;
            let (products, map) = priced(&mut file, currency, &root, summary);
            let (baskets, dropped) = orders.baskets.remap(&map, products.len());
            summary.lines_used -= dropped.min(summary.lines_used);
            (products, baskets, currency)
        }
        (None, Some(baskets_path)) => {
            let (source, size) = sources.open(baskets_path)?;
            let plain = read_plain(
                baskets_path,
                source,
                size,
                input.basket_format,
                &input.drop,
                summary,
                progress,
            )?;
            match &input.products {
                Some(products_path) => {
                    let mut file = platform_products(
                        sources,
                        input.platform,
                        products_path,
                        &root,
                        summary,
                        progress,
                    )?;
                    with_ids(&mut file, summary);
                    shopify = file.shopify;
                    let need = file
                        .products
                        .iter()
                        .any(|p| p.variants.iter().any(|v| !v.price.is_empty()));
                    let currency = currency_of(&input.config, None, need, products_path)?;
                    let (products, map) = priced(&mut file, currency, &root, summary);
                    let by_id = ids_and_handles(&products);
                    let item_map: Vec<Option<u32>> = plain
                        .items
                        .names()
                        .map(|n| by_id.get(n).map(|&i| i as u32))
                        .collect();
                    drop(map);
                    let (baskets, dropped) = plain.baskets.remap(&item_map, products.len());
                    summary.lines_unmatched += dropped;
                    summary.lines_used -= dropped.min(summary.lines_used);
                    if baskets.is_empty() {
                        return Err(BuildError::input(
                            baskets_path,
                            format!("no basket item matches an id in {products_path}"),
                        ));
                    }
                    (products, baskets, currency)
                }
                None => {
                    let currency = currency_of(&input.config, None, false, baskets_path)?;
                    let products = plain
                        .items
                        .names()
                        .map(|name| Product {
                            id: name.to_owned(),
                            variant_ids: vec![name.to_owned()],
                            handle: None,
                            skus: Vec::new(),
                            url: product_url(&root, name),
                            title: name.to_owned(),
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
                        })
                        .collect();
                    (products, plain.baskets, currency)
                }
            }
        }
    };
    let mut type_ids: HashMap<String, u32> = HashMap::new();
    let types = products
        .iter()
        .map(|p: &Product| {
            p.product_type.as_ref().map(|t| {
                let key = t.to_lowercase();
                let next = type_ids.len() as u32;
                *type_ids.entry(key).or_insert(next)
            })
        })
        .collect();
    if storefront.is_empty() && !input.shopify_products_json.is_empty() {
        summary
            .notes
            .push("the Shopify product JSON lists no products".to_owned());
    }
    Ok(Loaded {
        products,
        baskets,
        currency,
        types,
        shopify,
    })
}

/// Product ids, then handles (an id wins over another product's handle), to indices.
fn ids_and_handles(products: &[Product]) -> HashMap<&str, usize> {
    let mut map: HashMap<&str, usize> = HashMap::with_capacity(products.len() * 2);
    for (i, p) in products.iter().enumerate() {
        map.entry(p.id.as_str()).or_insert(i);
    }
    for (i, p) in products.iter().enumerate() {
        if let Some(h) = &p.handle {
            map.entry(h.as_str()).or_insert(i);
        }
    }
    map
}

/// A Shopify id: decimal digits.
pub fn is_shopify_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// Neighbour parameters from the configuration.
pub fn params(config: &Config) -> Params {
    let defaults = Params::default();
    Params {
        k: config.k(),
        min_support: config
            .neighbours
            .min_support
            .unwrap_or(defaults.min_support),
        method: config
            .neighbours
            .score
            .as_deref()
            .and_then(Method::parse)
            .unwrap_or(defaults.method),
        same_type_factor: config
            .neighbours
            .same_type_factor
            .unwrap_or(defaults.same_type_factor),
        cold_start: config.neighbours.cold_start.unwrap_or(defaults.cold_start),
        fill_popular: defaults.fill_popular,
        ease: match (defaults.ease, config.neighbours.dense_items) {
            (_, Some(0)) => None,
            (Some(d), items) => Some(super::ease::EaseParams {
                lambda: config.neighbours.dense_lambda.unwrap_or(d.lambda),
                max_items: items.unwrap_or(d.max_items),
            }),
            (None, _) => None,
        },
        ease_auto_items: config.neighbours.dense_items.is_none(),
        ease_unseen: defaults.ease_unseen,
        prior: config
            .neighbours
            .popularity_prior
            .map_or(defaults.prior, PriorWeight::Fixed),
    }
}

/// Which products the merchant excluded by id, tag, type or vendor.
pub fn excluded(products: &[Product], config: &Config) -> Vec<bool> {
    let ex = &config.rules.exclude;
    let lower = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect::<HashSet<_>>();
    let (tags, types, vendors) = (lower(&ex.tags), lower(&ex.types), lower(&ex.vendors));
    let ids: HashSet<&str> = ex.products.iter().map(String::as_str).collect();
    products
        .iter()
        .map(|p| {
            ids.contains(p.id.as_str())
                || p.handle.as_ref().is_some_and(|h| ids.contains(h.as_str()))
                || p.tags.iter().any(|t| tags.contains(&t.to_lowercase()))
                || p.product_type
                    .as_ref()
                    .is_some_and(|t| types.contains(&t.to_lowercase()))
                || p.vendor
                    .as_ref()
                    .is_some_and(|v| vendors.contains(&v.to_lowercase()))
        })
        .collect()
}

/// Runs the whole pipeline.
pub fn build(input: &BuildInput, generated_at: Option<i64>) -> Result<Built> {
    build_with(input, generated_at, &mut Silent)
}

/// [`build`], reporting how far it is in each file to `progress`.
pub fn build_with(
    input: &BuildInput,
    generated_at: Option<i64>,
    progress: &mut dyn Progress,
) -> Result<Built> {
    let mut summary = Summary::default();
    let started = Stopwatch::start();
    let loaded = load_with(input, &mut summary, progress)?;
    summary.timings.push(("read files", started.elapsed()));
    let mut built = assemble(loaded, &input.config, generated_at, summary)?;
    if let Some(f) = &input.feedback {
        apply_feedback(&mut built, f);
    }
    Ok(built)
}

/// Re-weights a build's lists by what shoppers did (`--feedback`), and says so in its summary.
pub fn apply_feedback(built: &mut Built, feedback: &super::feedback::Feedback) {
    let applied = feedback.apply(&mut built.products);
    built.summary.notes.push(format!(
        "feedback: {} pairs re-weighted by what shoppers took, {} lists reordered",
        applied.pairs, applied.reordered
    ));
}

/// Counts, scores and assembles the snapshot model from loaded data.
pub fn assemble(
    loaded: Loaded,
    config: &Config,
    generated_at: Option<i64>,
    mut summary: Summary,
) -> Result<Built> {
    let Loaded {
        mut products,
        baskets,
        currency,
        types,
        shopify,
    } = loaded;
    let params = params(config);
    let excluded = excluded(&products, config);
    let recommendable: Vec<bool> = products
        .iter()
        .zip(&excluded)
        .map(|(p, &x)| p.available && !x)
        .collect();
    summary.products_unavailable += products.iter().filter(|p| !p.available).count() as u64;
    let max_basket = config.neighbours.max_basket.unwrap_or(DEFAULT_MAX_BASKET);
    let mut clock = Stopwatch::start();
    let mut lap = |summary: &mut Summary, phase: &'static str| {
        summary.timings.push((phase, clock.elapsed()));
        clock = Stopwatch::start();
    };
    let stats = PairStats::count(&baskets, max_basket);
    lap(&mut summary, "count pairs");
    summary.orders_too_large += u64::from(stats.too_large);
    summary.pairs_counted += stats.n_pairs() as u64;
    if stats.n_pairs() == 0 {
        summary.warnings.push(
            "no two products were bought in the same order, so no product has neighbours from the orders: is each basket one line, or each line an item with its order id? (`crossbuy snapshot --help`, --baskets)"
                .to_owned(),
        );
    }
    let blended = super::blend::blended_lists(
        &baskets,
        &stats,
        &params,
        &recommendable,
        &types,
        max_basket,
    );
    for t in std::iter::once(&blended.basket).chain(&blended.next) {
        summary.notes.push(match &t.learned {
            Some(l) => format!(
                "blend, {} (learned on the latest 20% of the orders)",
                l.describe()
            ),
            None => format!(
                "blend: {}{}",
                super::blend::describe_weights(&t.weights),
                if config.neighbours.popularity_prior.is_some() {
                    " (fixed by neighbours.popularity_prior)"
                } else {
                    " (too few orders to learn it)"
                }
            ),
        });
    }
    let lists = blended.basket.lists;
    let next_lists = blended.next.map(|t| t.lists);
    lap(&mut summary, "score neighbours");
    let repurchase = repurchase_days(&baskets);
    lap(&mut summary, "repurchase intervals");

    // Keep what can be shown or can be in a context (bought at least once).
    let pinned: HashSet<&str> = config.rules.pin.keys().map(String::as_str).collect();
    let keep: Vec<bool> = (0..products.len())
        .map(|i| {
            let p = &products[i];
            recommendable[i]
                || stats.item_count[i] > 0
                || pinned.contains(p.id.as_str())
                || p.handle
                    .as_ref()
                    .is_some_and(|h| pinned.contains(h.as_str()))
        })
        .collect();
    let mut new_index = vec![usize::MAX; products.len()];
    let mut n = 0;
    for (i, &k) in keep.iter().enumerate() {
        if k {
            new_index[i] = n;
            n += 1;
        }
    }
    for (i, p) in products.iter_mut().enumerate() {
        let kept = |l: &[super::score::Neighbour]| -> Vec<Neighbour> {
            l.iter()
                .filter(|x| keep[x.item as usize])
                .map(|x| Neighbour {
                    product: new_index[x.item as usize],
                    score: x.score,
                    count: x.count,
                })
                .collect()
        };
        p.neighbours = kept(&lists.lists[i]);
        p.next = next_lists
            .as_ref()
            .map_or(Vec::new(), |l| kept(&l.lists[i]));
        p.repurchase_days = repurchase[i];
        if !p.neighbours.is_empty() {
            summary.products_with_neighbours += 1;
            summary.pairs_kept += p.neighbours.len() as u64;
            summary.products_cold_start += u64::from(lists.cold_start[i]);
        }
        summary.products_repurchase += u64::from(repurchase[i].is_some());
    }
    let kept_excluded: Vec<usize> = (0..products.len())
        .filter(|&i| keep[i] && excluded[i])
        .map(|i| new_index[i])
        .collect();
    let sold: Vec<u32> = (0..keep.len())
        .filter(|&i| keep[i])
        .map(|i| stats.item_count[i])
        .collect();
    let products: Vec<Product> = products
        .into_iter()
        .zip(&keep)
        .filter(|(_, &k)| k)
        .map(|(p, _)| p)
        .collect();
    summary.products_written = products.len() as u64;
    if shopify {
        summary.products_without_shopify_ids = Some(
            products
                .iter()
                .filter(|p| {
                    !is_shopify_id(&p.id) || !p.variant_ids.iter().all(|v| is_shopify_id(v))
                })
                .count() as u64,
        );
    }

    // The merchant's crossbuy.toml names products by id or by handle.
    let by_id = ids_and_handles(&products);
    let mut rules = Rules {
        exclude: kept_excluded,
        ..Rules::default()
    };
    let config_error = |key: String, message: String| BuildError::Config {
        path: format!("crossbuy.toml: {key}"),
        message,
    };
    for (from, targets) in &config.rules.pin {
        let key = format!("rules.pin.\"{from}\"");
        let f = *by_id
            .get(from.as_str())
            .ok_or_else(|| config_error(key.clone(), format!("unknown product \"{from}\"")))?;
        let mut list = Vec::new();
        for t in targets {
            let ti = *by_id
                .get(t.as_str())
                .ok_or_else(|| config_error(key.clone(), format!("unknown product \"{t}\"")))?;
            if !products[ti].available || rules.exclude.contains(&ti) {
                return Err(config_error(
                    key,
                    format!("\"{t}\" is unavailable or excluded, so it cannot be pinned"),
                ));
            }
            list.push(ti);
        }
        rules.pin.insert(f, list);
    }
    for (id, &factor) in &config.rules.boost {
        let key = format!("rules.boost.\"{id}\"");
        let i = *by_id
            .get(id.as_str())
            .ok_or_else(|| config_error(key, format!("unknown product \"{id}\"")))?;
        rules.boost.insert(i, factor);
    }
    let shop = Shop {
        name: config
            .shop
            .name
            .clone()
            .unwrap_or_else(|| default_name(&products)),
        currency,
        locale: config.shop.locale.clone(),
        root: config.shop.root.clone().unwrap_or_else(|| "/".to_owned()),
    };
    // After the rules: offers name products as the rules do, and SKUs too.
    let offers = super::offers::resolve(&config.offers, &products, currency, &mut summary.notes)?;
    super::offers::verify(&shop, &products, &offers)?;
    if config.shop.name.is_none() {
        summary.notes.push(format!(
            "shop.name not set: using \"{}\" (set it in crossbuy.toml or with --shop-name)",
            shop.name
        ));
    }
    let experiment = match &config.experiment {
        Some(e) => Some(e.resolve("crossbuy.toml")?),
        None => None,
    };
    let shows_bestsellers = experiment.as_ref().is_some_and(|e| {
        e.arms
            .iter()
            .any(|a| a.show == crossbuy_engine::experiment::Show::Bestsellers)
    });
    let bestsellers = if shows_bestsellers {
        let n = config
            .experiment
            .as_ref()
            .and_then(|e| e.bestsellers)
            .unwrap_or(DEFAULT_BESTSELLERS);
        best_sellers(&products, &sold, &rules, n)
    } else {
        Vec::new()
    };
    Ok(Built {
        shop,
        products,
        rules,
        offers,
        experiment,
        bestsellers,
        generated_at,
        summary,
    })
}

/// Best-sellers a `bestsellers` arm lists when the merchant does not say how many.
pub const DEFAULT_BESTSELLERS: usize = 12;

/// The `n` recommendable products bought in the most orders (ties: by id).
fn best_sellers(products: &[Product], sold: &[u32], rules: &Rules, n: usize) -> Vec<usize> {
    let mut list: Vec<usize> = (0..products.len())
        .filter(|&i| products[i].available && sold[i] > 0 && !rules.exclude.contains(&i))
        .collect();
    list.sort_by(|&a, &b| {
        sold[b]
            .cmp(&sold[a])
            .then_with(|| products[a].id.cmp(&products[b].id))
    });
    list.truncate(n);
    list
}

/// The most common vendor, else "Shop".
fn default_name(products: &[Product]) -> String {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for p in products {
        if let Some(v) = &p.vendor {
            *counts.entry(v.as_str()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map_or_else(|| "Shop".to_owned(), |(v, _)| v.to_owned())
}
