//! `crossbuy shopify publish` and `crossbuy shopify discount`: the snapshot into the shop
//! through Shopify's Admin GraphQL API (crates/shopify-admin does the work; this is the
//! command line around it).

use crossbuy_builder::report::{BuildError, Result};
use crossbuy_shopify_admin::discount::DiscountError;
use crossbuy_shopify_admin::publish::PublishError;
use crossbuy_shopify_admin::{AdminOptions, Client, DiscountOptions, RealSleeper};

use crate::inputs::whole;

/// The environment variable holding the Admin API access token (not an argument: arguments
/// end up in shell histories and process lists).
pub const TOKEN_VAR: &str = "SHOPIFY_ADMIN_TOKEN";

/// Puts a snapshot into a Shopify shop for the crossbuy app's extensions
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The Admin API access token is read from the SHOPIFY_ADMIN_TOKEN environment \
                  variable (the app's own token for the shop: app-owned metafields take no other). \
                  Exit status: 0 done, 1 failed (named on stderr), 2 usage."
)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Writes the snapshot into the app's metafields (the shop's offers, each product's record
    /// with its neighbours' cards) for the theme and thank-you extensions; products above the
    /// metafield size limit are named and left out. Needs the write_products scope.
    Publish(Shop),
    /// Creates or updates one automatic app discount per campaign window of the snapshot's
    /// offers, run by the crossbuy-discount Function, and deactivates those of an earlier run no
    /// longer wanted. Needs the write_discounts scope.
    Discount {
        #[command(flatten)]
        shop: Shop,
        /// The discounts' title, before the window; buyers see it at checkout
        #[arg(long, value_name = "T", default_value = "crossbuy bundle")]
        title: String,
        /// The message beside each discounted cart line (default none)
        #[arg(long, value_name = "M")]
        message: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
struct Shop {
    /// A snapshot written by `crossbuy snapshot` (with Shopify's numeric ids:
    /// --shopify-products-json)
    #[arg(long, value_name = "FILE")]
    catalog: String,
    /// The shop's permanent domain, STORE.myshopify.com
    #[arg(long, value_name = "DOMAIN")]
    shop: String,
    /// The Admin GraphQL url instead of https://DOMAIN/admin/api/2026-07/graphql.json (a local
    /// stand-in, for tests)
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// Tries per request before giving up (throttled requests and 429/5xx answers are retried
    /// after Shopify's wait)
    #[arg(long, value_name = "N", default_value = "6", value_parser = at_least_one)]
    attempts: u32,
    /// The longest wait for one answer, in seconds
    #[arg(long, value_name = "S", default_value = "30", value_parser = at_least_one)]
    timeout: u32,
}

fn at_least_one(s: &str) -> std::result::Result<u32, String> {
    match whole::<u32>(s)? {
        0 => Err("expected 1 or more, got 0".to_owned()),
        n => Ok(n),
    }
}

fn failed(what: &str, message: String) -> BuildError {
    BuildError::Input {
        path: format!("shopify {what}"),
        message,
    }
}

/// Unix seconds now: `SOURCE_DATE_EPOCH` when set (tests), else the clock.
fn now_ms() -> i64 {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs() as i64)
        })
        .unwrap_or(0);
    secs.saturating_mul(1000)
}

/// `crossbuy shopify …`.
pub fn run(args: Args) -> Result<()> {
    let (shop_args, discount) = match args.command {
        Sub::Publish(shop) => (shop, None),
        Sub::Discount {
            shop,
            title,
            message,
        } => (shop, Some((title, message))),
    };
    let name = if discount.is_some() {
        "crossbuy shopify discount"
    } else {
        "crossbuy shopify publish"
    };
    let path = shop_args.catalog.as_str();
    if shop_args.shop.trim().is_empty() {
        return Err(BuildError::Usage(format!(
            "{name}: --shop STORE.myshopify.com is empty"
        )));
    }
    let token = std::env::var(TOKEN_VAR).unwrap_or_default();
    if token.trim().is_empty() {
        return Err(BuildError::Usage(format!(
            "{name}: set {TOKEN_VAR} to the app's Admin API access token"
        )));
    }
    let mut options = AdminOptions::new(&shop_args.shop, &token);
    options.endpoint = shop_args.endpoint.clone();
    options.max_attempts = shop_args.attempts;
    options.timeout = std::time::Duration::from_secs(u64::from(shop_args.timeout));
    let text = std::fs::read_to_string(path).map_err(|e| BuildError::io(path, e))?;
    let sleeper = RealSleeper;
    let mut client =
        Client::new(options, &sleeper).map_err(|e| BuildError::Usage(format!("{name}: {e}")))?;

    let Some((title, message)) = discount else {
        let report = crossbuy_shopify_admin::publish(&mut client, &text).map_err(|e| match e {
            PublishError::Snapshot(e) => BuildError::input(path, e.to_string()),
            e => failed("publish", e.to_string()),
        })?;
        for (id, message) in &report.refused {
            eprintln!(
                "crossbuy: shopify publish: product {id}: Shopify refused its metafield: {message}"
            );
        }
        for (id, bytes) in &report.too_large {
            eprintln!(
                "crossbuy: shopify publish: product {id}: {bytes} bytes, above the metafield limit: left out"
            );
        }
        eprintln!(
            "crossbuy: shopify publish: {} product metafields written{}, {} refused, {} too large ({} requests)",
            report.products,
            if report.shop { " and the shop's" } else { "" },
            report.refused.len(),
            report.too_large.len(),
            report.requests
        );
        if !report.refused.is_empty() {
            return Err(failed(
                "publish",
                format!(
                    "Shopify refused {} products' metafields (above)",
                    report.refused.len()
                ),
            ));
        }
        return Ok(());
    };

    let options = DiscountOptions {
        title,
        message,
        now_ms: now_ms(),
    };
    let report =
        crossbuy_shopify_admin::discount(&mut client, &text, &options).map_err(|e| match e {
            DiscountError::Snapshot(e) => BuildError::input(path, e.to_string()),
            e => failed("discount", e.to_string()),
        })?;
    for (title, id) in &report.created {
        eprintln!("crossbuy: shopify discount: created \"{title}\" ({id})");
    }
    for (title, id) in &report.updated {
        eprintln!("crossbuy: shopify discount: updated \"{title}\" ({id})");
    }
    for (title, id) in &report.deactivated {
        eprintln!(
            "crossbuy: shopify discount: deactivated \"{title}\" ({id}): no longer in the snapshot"
        );
    }
    for (offer, why) in &report.left_out {
        eprintln!("crossbuy: shopify discount: offer \"{offer}\" left out: {why}");
    }
    eprintln!(
        "crossbuy: shopify discount: {} created, {} updated, {} deactivated, {} offers left out ({} requests)",
        report.created.len(),
        report.updated.len(),
        report.deactivated.len(),
        report.left_out.len(),
        report.requests
    );
    Ok(())
}
