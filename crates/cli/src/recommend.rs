//! `crossbuy recommend`: what the widget would show for a cart, and why.

use std::path::{Path, PathBuf};

use crossbuy_builder::explain::explain;
use crossbuy_builder::input::read_text;
use crossbuy_builder::report::{shown, BuildError, Result};
use crossbuy_engine::context::PageKind;
use crossbuy_engine::shards::{assemble_for, ShardIndex};
use crossbuy_engine::Catalog;

use crate::cli::print;
use crate::inputs::whole;

/// Shows what the widget would show for a cart, and why
#[derive(Debug, clap::Args)]
#[command(
    override_usage = "crossbuy recommend --catalog catalog.json --items ID,ID [--limit N] [--page KIND]",
    after_help = "For each recommendation it prints the ids the widget uses: the product id, the \
                  variant it adds to the cart (on Shopify, a numeric variant id) and the product page."
)]
pub struct Args {
    /// A snapshot written by `crossbuy snapshot`: a whole snapshot, or the index of the sharded
    /// form (its shards are read from beside it, as the page fetches them)
    #[arg(long, value_name = "FILE")]
    catalog: String,
    /// Product or variant ids in the cart / order (handles and SKUs too)
    #[arg(long, value_name = "ID,ID", value_delimiter = ',', required = true)]
    items: Vec<String>,
    /// Cards to show, 1 to 4 (default 3)
    #[arg(long, value_name = "N", value_parser = whole::<usize>)]
    limit: Option<usize>,
    /// The page: product, cart (default) or checkout rank basket completion; thank_you ranks
    /// the customer's next order (as the follow-up emails do)
    #[arg(long, value_name = "KIND", value_parser = page_kind)]
    page: Option<PageKind>,
}

fn page_kind(s: &str) -> std::result::Result<PageKind, String> {
    PageKind::parse(s)
        .ok_or_else(|| format!("expected product, cart, checkout or thank_you, got \"{s}\""))
}

/// `crossbuy recommend …`.
pub fn run(args: Args) -> Result<()> {
    let items: Vec<String> = args
        .items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if items.is_empty() {
        return Err(BuildError::Usage(
            "crossbuy recommend: --items ID,ID is required".to_owned(),
        ));
    }
    let limit = args.limit.unwrap_or(crossbuy_engine::score::DEFAULT_CARDS);
    let (catalog, notes) = load(&args.catalog, &items, args.page.unwrap_or(PageKind::Cart))?;
    print(&(notes + &explain(&catalog, &items, limit).text(&catalog)))
}

/// The catalog of `path`, with the shards the page would fetch for `items` when it is the index
/// of the sharded form; every shard when an item is not a product id (a handle, a SKU), with a
/// note, since the page finds shards by product id. The lists are those that rank on `page`.
fn load(path: &str, items: &[String], page: PageKind) -> Result<(Catalog, String)> {
    let text = read_text(path)?;
    let bad = |e: crossbuy_engine::snapshot::SnapshotError| BuildError::input(path, e.to_string());
    let value = crossbuy_engine::json::parse(&text).map_err(|e| bad(e.into()))?;
    if value.get("shards").is_none() {
        return Ok((
            Catalog::from_value_for(&value, page).map_err(|e| bad(e.into()))?,
            String::new(),
        ));
    }
    let layout = ShardIndex::from_value(&value).map_err(|e| bad(e.into()))?;
    let base = Path::new(path).parent().unwrap_or(Path::new(""));
    let read_bucket = |b: u32| -> Result<String> {
        let url = layout.path.replace("{bucket}", &b.to_string());
        let file = percent_encoding::percent_decode_str(&url)
            .decode_utf8()
            .map(|p| base.join(p.as_ref()))
            .unwrap_or_else(|_| PathBuf::from(&url));
        read_text(&file.to_string_lossy())
    };
    let join = |buckets: &[u32]| -> Result<Catalog> {
        let shards = buckets
            .iter()
            .map(|&b| read_bucket(b))
            .collect::<Result<Vec<String>>>()?;
        let refs: Vec<&str> = shards.iter().map(String::as_str).collect();
        assemble_for(&text, &refs, page).map_err(bad)
    };
    let mut buckets: Vec<u32> = items.iter().map(|id| layout.bucket(id)).collect();
    buckets.sort_unstable();
    buckets.dedup();
    let catalog = join(&buckets)?;
    let missing: Vec<&String> = items
        .iter()
        .filter(|id| catalog.product_index(id).is_none())
        .collect();
    if missing.is_empty() {
        return Ok((catalog, String::new()));
    }
    let mut notes = String::new();
    for id in missing {
        notes.push_str(&format!(
            "note: \"{}\" is not a product id of this sharded catalog: the page finds shards by product id, so the widget would not see it; looked for it in every shard\n",
            shown(id)
        ));
    }
    let all: Vec<u32> = (0..layout.buckets).collect();
    Ok((join(&all)?, notes))
}
