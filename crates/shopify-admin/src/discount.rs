//! `crossbuy shopify discount`: the snapshot's offers as automatic app discounts run by the
//! crossbuy-discount Function (`crates/shopify-discount`).
//!
//! Offers are grouped by campaign window (`starts_at`, `ends_at`): each group is one automatic
//! app discount, titled `{title} ({window})`, whose `startsAt`/`endsAt` are the window (Shopify
//! runs it only then), with the group's offers in its `$app.offers` metafield
//! (`offers::config_json`) and the window in the shop's local time in its `$app.window`
//! metafield (the Function's input variables). A discount of an earlier run whose title is no
//! longer wanted is deactivated. Offers with a `code` are left to that code (the merchant's own
//! Shopify discount), and offers whose campaign has ended are left out.

use chrono::{TimeZone, Utc};
use chrono_tz::Tz;
use crossbuy_engine::time;
use crossbuy_engine::Catalog;
use crossbuy_shopify_discount::offers::{config_json, ConfigError, MAX_CONFIG_BYTES};
use serde_json::{json, Value};

use crate::client::{AdminError, Client};

/// The Function's handle (`handle` in its shopify.extension.toml).
pub const FUNCTION_HANDLE: &str = "crossbuy-discount";

/// What `crossbuy shopify discount` is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountOptions {
    /// The discounts' title (the window is added); merchants see it in Discounts, buyers at
    /// checkout.
    pub title: String,
    /// The message shown in the cart beside each discounted line; none by default.
    pub message: Option<String>,
    /// Now, unix ms (offers whose campaign ended are left out; a window without a start starts
    /// now).
    pub now_ms: i64,
}

/// What discount did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiscountReport {
    /// `(title, discount node id)` created.
    pub created: Vec<(String, String)>,
    /// `(title, discount node id)` updated.
    pub updated: Vec<(String, String)>,
    /// `(title, discount node id)` deactivated: from an earlier run, no longer wanted.
    pub deactivated: Vec<(String, String)>,
    /// `(offer id, why)` left out.
    pub left_out: Vec<(String, String)>,
    /// Requests sent.
    pub requests: u32,
}

/// Why discount could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscountError {
    /// The snapshot cannot be read.
    #[error("{0}")]
    Snapshot(#[from] crossbuy_engine::SnapshotError),
    /// A group's configuration cannot be written.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The Admin API failed.
    #[error("{0}")]
    Admin(#[from] AdminError),
    /// Shopify refused a discount.
    #[error("{operation} \"{title}\": {messages}")]
    Refused {
        /// The mutation.
        operation: &'static str,
        /// The discount's title.
        title: String,
        /// Shopify's userErrors, joined.
        messages: String,
    },
}

const SHOP_QUERY: &str = "query crossbuyShop { shop { id ianaTimezone } }";

const LIST: &str = "query crossbuyDiscounts($after: String) {
  automaticDiscountNodes(first: 100, after: $after) {
    nodes {
      id
      automaticDiscount {
        __typename
        ... on DiscountAutomaticApp { title status }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}";

const CREATE: &str = "mutation crossbuyDiscountCreate($discount: DiscountAutomaticAppInput!) {
  discountAutomaticAppCreate(automaticAppDiscount: $discount) {
    automaticAppDiscount { discountId title }
    userErrors { field message code }
  }
}";

const UPDATE: &str =
    "mutation crossbuyDiscountUpdate($id: ID!, $discount: DiscountAutomaticAppInput!) {
  discountAutomaticAppUpdate(id: $id, automaticAppDiscount: $discount) {
    automaticAppDiscount { discountId title }
    userErrors { field message code }
  }
}";

const DEACTIVATE: &str = "mutation crossbuyDiscountDeactivate($id: ID!) {
  discountAutomaticDeactivate(id: $id) {
    automaticDiscountNode { id }
    userErrors { field message code }
  }
}";

/// A campaign window: its start and end, unix ms, when set.
type Window = (Option<i64>, Option<i64>);

/// The shop-local wall time of `ms` (the Function compares with the shop's clock).
fn local(ms: i64, zone: Tz) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(t) => t
            .with_timezone(&zone)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string(),
        None => "9999-12-31T23:59:59".to_owned(),
    }
}

/// Creates, updates and deactivates the automatic app discounts for the offers of `snapshot`.
pub fn discount(
    client: &mut Client,
    snapshot: &str,
    options: &DiscountOptions,
) -> Result<DiscountReport, DiscountError> {
    client.scope = "write_discounts";
    let catalog = Catalog::parse(snapshot)?;
    let mut report = DiscountReport::default();

    // The groups: offers by campaign window, in priority order within each.
    let mut groups: Vec<(Window, Vec<usize>)> = Vec::new();
    for (i, o) in catalog.offers.iter().enumerate() {
        if o.code.is_some() {
            report.left_out.push((
                o.id.clone(),
                "has a code: the shop's discount for that code applies it".to_owned(),
            ));
            continue;
        }
        if o.window.ends_at_ms.is_some_and(|e| e <= options.now_ms) {
            report
                .left_out
                .push((o.id.clone(), "its campaign has ended".to_owned()));
            continue;
        }
        let window = (o.starts_at_ms, o.window.ends_at_ms);
        match groups.iter_mut().find(|(w, _)| *w == window) {
            Some((_, list)) => list.push(i),
            None => groups.push((window, vec![i])),
        }
    }

    let shop = client.graphql("shop", SHOP_QUERY, json!({}))?;
    let zone_name = shop
        .pointer("/shop/ianaTimezone")
        .and_then(Value::as_str)
        .unwrap_or("UTC");
    let zone: Tz = zone_name.parse().map_err(|_| AdminError::Answer {
        url: String::new(),
        operation: "shop".to_owned(),
        message: format!("unknown timezone \"{zone_name}\""),
    })?;

    // The discounts of earlier runs, by title.
    let mut existing: Vec<(String, String, String)> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = client.graphql("automaticDiscountNodes", LIST, json!({ "after": after }))?;
        let page = data
            .get("automaticDiscountNodes")
            .cloned()
            .unwrap_or(Value::Null);
        for node in page
            .get("nodes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let d = node.get("automaticDiscount");
            if d.and_then(|d| d.get("__typename")).and_then(Value::as_str)
                != Some("DiscountAutomaticApp")
            {
                continue;
            }
            let title = d
                .and_then(|d| d.get("title"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let status = d
                .and_then(|d| d.get("status"))
                .and_then(Value::as_str)
                .unwrap_or("");
            if let Some(id) = node.get("id").and_then(Value::as_str) {
                existing.push((title.to_owned(), id.to_owned(), status.to_owned()));
            }
        }
        match (
            page.pointer("/pageInfo/hasNextPage")
                .and_then(Value::as_bool),
            page.pointer("/pageInfo/endCursor").and_then(Value::as_str),
        ) {
            (Some(true), Some(cursor)) => after = Some(cursor.to_owned()),
            _ => break,
        }
    }

    let mut wanted: Vec<String> = Vec::new();
    for ((starts, ends), offers) in &groups {
        let label = match (starts, ends) {
            (None, None) => "always".to_owned(),
            (Some(s), None) => format!("from {}", time::format(*s)),
            (None, Some(e)) => format!("until {}", time::format(*e)),
            (Some(s), Some(e)) => format!("{} to {}", time::format(*s), time::format(*e)),
        };
        let title = format!("{} ({label})", options.title);
        let config = config_json(&catalog, offers, options.message.as_deref())?;
        if config.len() > MAX_CONFIG_BYTES {
            return Err(ConfigError {
                path: title,
                message: format!(
                    "the offers' configuration takes {} bytes, above the {MAX_CONFIG_BYTES} a Function can read: limit these offers to fewer products",
                    config.len()
                ),
            }
            .into());
        }
        let window = json!({
            "startsAt": starts.map_or_else(|| "2000-01-01T00:00:00".to_owned(), |s| local(s, zone)),
            "endsAt": ends.map_or_else(|| "9999-12-31T23:59:59".to_owned(), |e| local(e, zone)),
        })
        .to_string();
        let input = json!({
            "title": title,
            "functionHandle": FUNCTION_HANDLE,
            "discountClasses": ["PRODUCT"],
            "startsAt": time::format(starts.unwrap_or(options.now_ms)),
            "endsAt": ends.map(time::format),
            "combinesWith": { "orderDiscounts": true, "productDiscounts": false, "shippingDiscounts": true },
            "metafields": [
                { "namespace": "$app", "key": "offers", "type": "json", "value": config },
                { "namespace": "$app", "key": "window", "type": "json", "value": window },
            ],
        });
        wanted.push(title.clone());
        let (operation, data_key, query, variables) =
            match existing.iter().find(|(t, _, _)| *t == title) {
                Some((_, id, _)) => (
                    "discountAutomaticAppUpdate",
                    "discountAutomaticAppUpdate",
                    UPDATE,
                    json!({ "id": id, "discount": input }),
                ),
                None => (
                    "discountAutomaticAppCreate",
                    "discountAutomaticAppCreate",
                    CREATE,
                    json!({ "discount": input }),
                ),
            };
        let data = client.graphql(operation, query, variables)?;
        let payload = data.get(data_key).cloned().unwrap_or(Value::Null);
        refused(operation, &title, &payload)?;
        let id = payload
            .pointer("/automaticAppDiscount/discountId")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if operation == "discountAutomaticAppUpdate" {
            report.updated.push((title, id));
        } else {
            report.created.push((title, id));
        }
    }

    // Earlier runs' discounts that are no longer wanted stop applying.
    let prefix = format!("{} (", options.title);
    for (title, id, status) in &existing {
        if title.starts_with(&prefix) && !wanted.contains(title) && status != "EXPIRED" {
            let data = client.graphql(
                "discountAutomaticDeactivate",
                DEACTIVATE,
                json!({ "id": id }),
            )?;
            let payload = data
                .get("discountAutomaticDeactivate")
                .cloned()
                .unwrap_or(Value::Null);
            refused("discountAutomaticDeactivate", title, &payload)?;
            report.deactivated.push((title.clone(), id.clone()));
        }
    }
    report.requests = client.requests;
    Ok(report)
}

fn refused(operation: &'static str, title: &str, payload: &Value) -> Result<(), DiscountError> {
    let errors = payload
        .get("userErrors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if errors.is_empty() {
        return Ok(());
    }
    let messages: Vec<String> = errors
        .iter()
        .map(|e| {
            let field = e
                .get("field")
                .and_then(Value::as_array)
                .map(|f| {
                    f.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .unwrap_or_default();
            let message = e
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("refused");
            if field.is_empty() {
                message.to_owned()
            } else {
                format!("{field}: {message}")
            }
        })
        .collect();
    Err(DiscountError::Refused {
        operation,
        title: title.to_owned(),
        messages: messages.join("; "),
    })
}
