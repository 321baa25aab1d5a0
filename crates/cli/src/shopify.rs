//! `crossbuy shopify publish` and `crossbuy shopify discount`: the snapshot into the shop
//! through Shopify's Admin GraphQL API (crates/shopify-admin does the work; this is the
//! command line around it).

use crossbuy_builder::report::{BuildError, Result};
use crossbuy_shopify_admin::discount::DiscountError;
use crossbuy_shopify_admin::publish::PublishError;
use crossbuy_shopify_admin::{AdminOptions, Client, DiscountOptions, RealSleeper};

use crate::cli::{now, parse_flags, print, Flag};

/// The environment variable holding the Admin API access token (not an argument: arguments
/// end up in shell histories and process lists).
pub const TOKEN_VAR: &str = "SHOPIFY_ADMIN_TOKEN";

pub const HELP: &str = "\
crossbuy shopify: puts a snapshot into a Shopify shop for the crossbuy app's extensions

USAGE:
    crossbuy shopify publish  --catalog catalog.json --shop STORE.myshopify.com
    crossbuy shopify discount --catalog catalog.json --shop STORE.myshopify.com [--title T]

    publish     writes the snapshot into the app's metafields (the shop's offers, and each
                product's record with its neighbours' cards) for the theme extension and the
                thank-you extension; products above the metafield size limit are named and
                left out. Needs the write_products scope.
    discount    creates or updates one automatic app discount per campaign window of the
                snapshot's offers, run by the crossbuy-discount Function, and deactivates the
                ones of an earlier run no longer wanted. Needs the write_discounts scope.

    --catalog FILE      a snapshot written by `crossbuy snapshot` (with Shopify's numeric ids:
                        --shopify-products-json)
    --shop DOMAIN       the shop's permanent domain, STORE.myshopify.com
    --title T           discount: the discounts' title, before the window (default
                        \"crossbuy bundle\"); buyers see it at checkout
    --message M         discount: the message beside each discounted cart line (default none)
    --endpoint URL      the Admin GraphQL url instead of https://DOMAIN/admin/api/2026-07/
                        graphql.json (a local stand-in, for tests)
    --attempts N        tries per request before giving up (default 6; throttled requests and
                        429/5xx answers are retried after Shopify's wait)
    --timeout S         the longest wait for one answer, in seconds (default 30)
    -h, --help          this help

The Admin API access token is read from the SHOPIFY_ADMIN_TOKEN environment variable.
Exit status: 0 done, 1 failed (named on stderr), 2 usage.
";

fn flags_spec(discount: bool) -> Vec<Flag> {
    let mut spec = vec![
        Flag("catalog", None, true),
        Flag("shop", None, true),
        Flag("endpoint", None, true),
        Flag("attempts", None, true),
        Flag("timeout", None, true),
        Flag("help", Some("-h"), false),
    ];
    if discount {
        spec.push(Flag("title", None, true));
        spec.push(Flag("message", None, true));
    }
    spec
}

fn failed(what: &str, message: String) -> BuildError {
    BuildError::Input {
        path: format!("shopify {what}"),
        message,
    }
}

/// `crossbuy shopify …`.
pub fn command(args: &[String]) -> Result<()> {
    let sub = args.first().map(String::as_str);
    let discount = match sub {
        None | Some("help" | "--help" | "-h") => return print(HELP),
        Some("publish") => false,
        Some("discount") => true,
        Some(other) => {
            return Err(BuildError::Usage(format!(
                "shopify: unknown command \"{other}\"; commands: publish, discount (see `crossbuy shopify --help`)"
            )))
        }
    };
    let name = if discount {
        "shopify discount"
    } else {
        "shopify publish"
    };
    let flags = parse_flags(name, &args[1..], &flags_spec(discount))?;
    if flags.contains_key("help") {
        return print(HELP);
    }
    let required = |key: &str, what: &str| {
        flags
            .get(key)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| BuildError::Usage(format!("{name}: --{key} {what} is required")))
    };
    let path = required("catalog", "FILE")?;
    let shop = required("shop", "STORE.myshopify.com")?;
    let token = std::env::var(TOKEN_VAR).unwrap_or_default();
    if token.trim().is_empty() {
        return Err(BuildError::Usage(format!(
            "{name}: set {TOKEN_VAR} to the app's Admin API access token"
        )));
    }
    let mut options = AdminOptions::new(shop, &token);
    options.endpoint = flags.get("endpoint").cloned();
    if let Some(n) = flags.get("attempts") {
        options.max_attempts = n.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
            BuildError::Usage(format!(
                "{name}: --attempts \"{n}\" is not a whole number ≥ 1"
            ))
        })?;
    }
    if let Some(s) = flags.get("timeout") {
        let secs: u64 = s.parse().ok().filter(|s| *s >= 1).ok_or_else(|| {
            BuildError::Usage(format!(
                "{name}: --timeout \"{s}\" is not a whole number of seconds ≥ 1"
            ))
        })?;
        options.timeout = std::time::Duration::from_secs(secs);
    }
    let text = std::fs::read_to_string(path).map_err(|e| BuildError::io(path, e))?;
    let sleeper = RealSleeper;
    let mut client =
        Client::new(options, &sleeper).map_err(|e| BuildError::Usage(format!("{name}: {e}")))?;

    if !discount {
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
    }

    let options = DiscountOptions {
        title: flags
            .get("title")
            .cloned()
            .unwrap_or_else(|| "crossbuy bundle".to_owned()),
        message: flags.get("message").cloned(),
        now_ms: now().unwrap_or(0).saturating_mul(1000),
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
