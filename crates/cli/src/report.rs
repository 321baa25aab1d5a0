//! `crossbuy report`: what an experiment earned, from the shop's orders export
//! (docs/measure.md); and `crossbuy simulate`, a shop's orders under a known effect.

use crossbuy_builder::dates::parse_timestamp;
use crossbuy_builder::measure::{parse_catalog, read_orders, report, summary_text, Query};
use crossbuy_builder::measure_html::html;
use crossbuy_builder::report::{BuildError, Result, Summary};
use crossbuy_builder::simulate::{simulate, Params};
use crossbuy_engine::Catalog;

use crate::cli::{print, report_problems, write_file};

/// Reports what an experiment earned, from the shop's orders export (docs/measure.md)
#[derive(Debug, clap::Args)]
#[command(
    override_usage = "crossbuy report --orders orders_export.csv --catalog catalog.json [--experiment NAME] [--since DATE] [--thank-you] [--html report.html] [--json]",
    after_help = "The orders: Shopify's orders export (the arm, page and adds in `Note Attributes`), a \
                  plain CSV with one row per line item such as the WooCommerce plugin's order history \
                  (order_id, product_id, price in minor units, optional created_at, status, customer, \
                  quantity, refunded_quantity, refunded_at and the columns _crossbuy_arm, \
                  _crossbuy_page, _crossbuy_added), or BigCommerce's orders export (no arms: \
                  --thank-you only). The catalog: the snapshot that was live during the experiment; \
                  what each order was shown is recomputed from it."
)]
pub struct Args {
    /// The orders export
    #[arg(long, value_name = "FILE")]
    orders: String,
    /// The snapshot that ran the experiment
    #[arg(long, value_name = "FILE")]
    catalog: String,
    /// The experiment (default: the catalog's)
    #[arg(long, value_name = "NAME")]
    experiment: Option<String>,
    /// Leave out orders before this date (YYYY-MM-DD or RFC 3339)
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Also write the report with its charts as one HTML file
    #[arg(long, value_name = "FILE")]
    html: Option<String>,
    /// The experiment ran on thank-you pages: an order without the arm attribute is in the arm
    /// its id hashes to, and what it earned is what its customer bought in the next 7 days
    #[arg(long)]
    thank_you: bool,
    /// Print the report as JSON (the input of `crossbuy snapshot --feedback`) instead of the summary
    #[arg(long)]
    json: bool,
}

fn load_catalog(path: &str, thank_you: bool) -> Result<Catalog> {
    let text = std::fs::read_to_string(path).map_err(|e| BuildError::io(path, e))?;
    parse_catalog(path, &text, thank_you)
}

/// `crossbuy report …`.
pub fn run(args: Args) -> Result<()> {
    let catalog = load_catalog(&args.catalog, args.thank_you)?;
    let query = Query::new(
        args.experiment.clone(),
        args.since.as_deref(),
        args.thank_you,
    )?;
    let mut summary = Summary::default();
    let file = read_orders(&args.orders, None, &catalog, &mut summary)?;
    report_problems(&summary);
    let r = report(&catalog, &file, &query)?;
    let currency = catalog.shop.currency;
    if let Some(path) = &args.html {
        write_file(path, &html(&r, currency))?;
        eprintln!("crossbuy: wrote {path}");
    }
    if args.json {
        let text = serde_json::to_string_pretty(&r)
            .map_err(|e| BuildError::input(&args.orders, e.to_string()))?;
        print(&(text + "\n"))
    } else {
        print(&summary_text(&r, currency))
    }
}

/// Writes a simulated shop's orders under a known effect of each arm (for trying the report)
#[derive(Debug, clap::Args)]
#[command(
    override_usage = "crossbuy simulate --catalog catalog.json --take 0.3,0 [--orders N] [--seed N] [-o orders.csv]"
)]
pub struct SimulateArgs {
    /// A snapshot with an experiment
    #[arg(long, value_name = "FILE")]
    catalog: String,
    /// Per arm, in the experiment's order: the probability that a shopper adds the first card of
    /// a product of average appeal (later cards less, as k^-0.7; docs/measure.md)
    #[arg(long, value_name = "P,P", value_delimiter = ',', required = true)]
    take: Vec<f64>,
    /// Orders to write
    #[arg(long, value_name = "N", default_value_t = 2000)]
    orders: u64,
    /// Seed (the same seed writes the same orders)
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// The first order's date; the orders spread over four weeks
    #[arg(long, value_name = "DATE", default_value = "2026-11-01")]
    start: String,
    /// The page kind the orders say the widget was on
    #[arg(long, value_name = "KIND", default_value = "checkout")]
    page: String,
    /// The orders CSV (`-` for stdout)
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    output: String,
}

/// `crossbuy simulate …`.
pub fn simulate_run(args: SimulateArgs) -> Result<()> {
    // A thank-you page shows the next-order lists: simulate what it showed.
    let catalog = load_catalog(&args.catalog, args.page == "thank_you")?;
    let arms = catalog.experiment.as_ref().map_or(0, |e| e.arms.len());
    if arms == 0 {
        return Err(BuildError::input(
            &args.catalog,
            "the catalog has no experiment",
        ));
    }
    if args.take.len() != arms || args.take.iter().any(|p| !(0.0..=1.0).contains(p)) {
        return Err(BuildError::Usage(format!(
            "crossbuy simulate: --take: expected {arms} probabilities from 0 to 1, one per arm"
        )));
    }
    let start = parse_timestamp(&args.start).ok_or_else(|| {
        BuildError::Usage(format!(
            "crossbuy simulate: --start: expected a date, got \"{}\"",
            args.start
        ))
    })?;
    let sim = simulate(
        &catalog,
        &Params {
            seed: args.seed,
            orders: args.orders,
            take: args.take.clone(),
            start,
            days: 28,
            page: args.page.clone(),
        },
    )
    .ok_or_else(|| BuildError::input(&args.catalog, "no product has neighbours to recommend"))?;
    if args.output == "-" {
        print(&sim.csv)
    } else {
        write_file(&args.output, &sim.csv)
    }
}
