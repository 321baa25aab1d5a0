//! The arguments `snapshot` and `eval` share: the input files and the overrides of
//! `crossbuy.toml`, read into the builder's [`BuildInput`].

use std::collections::HashSet;

use crossbuy_builder::baskets::BasketFormat;
use crossbuy_builder::build::{BuildInput, Platform};
use crossbuy_builder::config::Config;
use crossbuy_builder::report::Result;

/// What to learn from.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Input")]
pub struct InputFiles {
    /// Whose exports --products and --orders are: shopify (default), woocommerce (the product
    /// CSV export or Store API JSON, and the crossbuy plugin's order history) or bigcommerce
    /// (the products and orders exports)
    #[arg(long, value_name = "NAME", value_parser = platform, default_value = "shopify")]
    pub platform: Platform,
    /// Shopify products export (current `URL handle` or legacy `Handle` header; `Product ID`
    /// and `Variant ID` columns, when present, give Shopify's ids) or a plain table with
    /// columns id,title,price[,compare_at_price,url,image,type,vendor,tags,available,variant_id]
    #[arg(long, value_name = "FILE")]
    pub products: Option<String>,
    /// Shopify orders export (one row per line item)
    #[arg(long, value_name = "FILE")]
    pub orders: Option<String>,
    /// The shop's public product JSON (https://SHOP/products.json?limit=250&page=N; a directory
    /// stands for its .json files; fetch them with scripts/shopify-fetch-products.sh). Gives
    /// products Shopify's numeric product and variant ids, which Shopify pages and the cart use;
    /// the handle and SKUs stay as aliases. Without it, ids are handles and SKUs
    #[arg(long, value_name = "FILE[,FILE…]", value_delimiter = ',')]
    pub shopify_products_json: Vec<String>,
    /// Plain baskets: `order_id,item_id` lines with a header (optional time and customer
    /// columns), or one basket per line (items separated by commas, or spaces when a line has
    /// no comma)
    #[arg(long, value_name = "FILE")]
    pub baskets: Option<String>,
    /// Basket layout when not detected
    #[arg(long, value_name = "F", value_enum)]
    pub format: Option<Layout>,
    /// Basket items to leave out (postage, fees)
    #[arg(long, value_name = "ID,ID", value_delimiter = ',')]
    pub drop: Vec<String>,
    /// Merchant configuration (docs/config.md); default: crossbuy.toml when it exists in the
    /// current directory
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
}

/// A plain basket file's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// A header and one line per item (`order_id,item_id`)
    Lines,
    /// One basket per line, items separated by commas
    Comma,
    /// One basket per line, items separated by spaces or tabs
    Whitespace,
}

/// Settings that win over `crossbuy.toml`.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Overrides (win over crossbuy.toml)")]
pub struct Overrides {
    /// Shop name
    #[arg(long, value_name = "NAME")]
    pub shop_name: Option<String>,
    /// ISO 4217 currency of the prices (default: the orders' Currency column)
    #[arg(long, value_name = "CODE", value_parser = currency)]
    pub currency: Option<String>,
    /// Default locale, such as en-GB
    #[arg(long, value_name = "TAG")]
    pub locale: Option<String>,
    /// Neighbours kept per product, 1 to 50 (default 8)
    #[arg(long, value_name = "N", value_parser = neighbours)]
    pub k: Option<usize>,
    /// Ignore pairs bought together fewer than N times (default 1)
    #[arg(long, value_name = "N", value_parser = whole::<u32>)]
    pub min_support: Option<u32>,
    /// Pair score: crossbuy (default), confidence, cosine, lift, npmi, cooccurrence
    #[arg(long, value_name = "NAME", value_parser = score)]
    pub score: Option<String>,
}

/// A whole number.
pub fn whole<T: std::str::FromStr>(s: &str) -> std::result::Result<T, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("expected a whole number, got \"{s}\""))
}

fn neighbours(s: &str) -> std::result::Result<usize, String> {
    match whole::<usize>(s)? {
        k @ 1..=50 => Ok(k),
        k => Err(format!("expected 1 to 50, got {k}")),
    }
}

fn currency(s: &str) -> std::result::Result<String, String> {
    crossbuy_engine::Currency::parse(s)
        .map(|_| s.to_owned())
        .ok_or_else(|| format!("expected an ISO 4217 code such as GBP, got \"{s}\""))
}

fn platform(s: &str) -> std::result::Result<Platform, String> {
    Platform::parse(s)
        .ok_or_else(|| format!("expected shopify, woocommerce or bigcommerce, got \"{s}\""))
}

fn score(s: &str) -> std::result::Result<String, String> {
    crossbuy_builder::score::Method::parse(s)
        .map(|_| s.to_owned())
        .ok_or_else(|| format!("unknown score \"{s}\""))
}

impl InputFiles {
    /// The build input, with `crossbuy.toml` (or `--config`) read and `overrides` applied.
    pub fn build_input(&self, overrides: &Overrides) -> Result<BuildInput> {
        let config_path = self.config.clone().or_else(|| {
            std::path::Path::new("crossbuy.toml")
                .exists()
                .then(|| "crossbuy.toml".to_owned())
        });
        let mut config = match &config_path {
            Some(p) => Config::load(p)?,
            None => Config::default(),
        };
        let o = overrides;
        let shop = &mut config.shop;
        shop.name = o.shop_name.clone().or(shop.name.take());
        shop.currency = o.currency.clone().or(shop.currency.take());
        shop.locale = o.locale.clone().or(shop.locale.take());
        let n = &mut config.neighbours;
        n.k = o.k.or(n.k);
        n.min_support = o.min_support.or(n.min_support);
        n.score = o.score.clone().or(n.score.take());
        let list = |items: &[String]| -> Vec<String> {
            items
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        Ok(BuildInput {
            platform: self.platform,
            products: self.products.clone(),
            shopify_products_json: list(&self.shopify_products_json),
            orders: self.orders.clone(),
            baskets: self.baskets.clone(),
            basket_format: self.format.map(|f| match f {
                Layout::Lines => BasketFormat::Lines,
                Layout::Comma => BasketFormat::Comma,
                Layout::Whitespace => BasketFormat::Whitespace,
            }),
            drop: list(&self.drop).into_iter().collect::<HashSet<_>>(),
            config,
            feedback: None,
        })
    }
}
