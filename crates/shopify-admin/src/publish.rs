//! `crossbuy shopify publish`: the snapshot into the shop's app-owned metafields
//! ([`crate::metafields`]), 25 to a `metafieldsSet` (Shopify's maximum), retrying what Shopify
//! throttles and going on past what it refuses.

use serde_json::{json, Value};

use crate::client::{AdminError, Client};
use crate::metafields::{self, BuildError, PRODUCT_KEY, SHOP_KEY};

/// `metafieldsSet` takes at most this many metafields.
pub const BATCH: usize = 25;

const SHOP_QUERY: &str = "query crossbuyShop { shop { id } }";

const SET: &str = "mutation crossbuyPublish($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { key namespace }
    userErrors { field message code elementIndex }
  }
}";

/// What publish did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishReport {
    /// Products whose metafield was written.
    pub products: usize,
    /// Whether the shop's metafield was written.
    pub shop: bool,
    /// Products Shopify refused, with its message: `(product id, message)`.
    pub refused: Vec<(String, String)>,
    /// Products whose value is above the metafield limit: `(product id, bytes)`.
    pub too_large: Vec<(String, usize)>,
    /// Requests sent (throttled and failed attempts included).
    pub requests: u32,
}

/// Why publish could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    /// The snapshot cannot be published.
    #[error("{0}")]
    Snapshot(#[from] BuildError),
    /// The Admin API failed.
    #[error("{0}")]
    Admin(#[from] AdminError),
}

struct Entry {
    /// `None`: the shop's.
    product: Option<String>,
    input: Value,
}

/// Writes the metafields of `snapshot` (its JSON text).
pub fn publish(client: &mut Client, snapshot: &str) -> Result<PublishReport, PublishError> {
    client.scope = "write_products";
    let built = metafields::build(snapshot)?;
    let data = client.graphql("shop", SHOP_QUERY, json!({}))?;
    let shop_id = data
        .pointer("/shop/id")
        .and_then(Value::as_str)
        .ok_or_else(|| AdminError::Answer {
            url: String::new(),
            operation: "shop".to_owned(),
            message: "no shop.id".to_owned(),
        })?
        .to_owned();
    let input = |owner: &str, key: &str, value: &str| json!({ "ownerId": owner, "namespace": "$app", "key": key, "type": "json", "value": value });
    let mut entries = vec![Entry {
        product: None,
        input: input(&shop_id, SHOP_KEY, &built.shop),
    }];
    for (id, value) in &built.products {
        entries.push(Entry {
            product: Some(id.clone()),
            input: input(&format!("gid://shopify/Product/{id}"), PRODUCT_KEY, value),
        });
    }
    let mut report = PublishReport {
        too_large: built.too_large,
        ..PublishReport::default()
    };
    for batch in entries.chunks(BATCH) {
        let mut pending: Vec<&Entry> = batch.iter().collect();
        // A batch is all or nothing: without the entries Shopify named, it is sent once more.
        for round in 0..2 {
            let metafields: Vec<&Value> = pending.iter().map(|e| &e.input).collect();
            let data = client.graphql("metafieldsSet", SET, json!({ "metafields": metafields }))?;
            let errors = data
                .pointer("/metafieldsSet/userErrors")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if errors.is_empty() {
                for e in &pending {
                    match e.product {
                        Some(_) => report.products += 1,
                        None => report.shop = true,
                    }
                }
                break;
            }
            let mut named = Vec::new();
            for e in &errors {
                let message = e
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("refused")
                    .to_owned();
                match e
                    .get("elementIndex")
                    .and_then(Value::as_u64)
                    .and_then(|i| usize::try_from(i).ok())
                {
                    Some(i) if i < pending.len() => {
                        named.push(i);
                        let who = pending[i]
                            .product
                            .clone()
                            .unwrap_or_else(|| "(the shop)".to_owned());
                        report.refused.push((who, message));
                    }
                    _ => {
                        // Not tied to one metafield: the whole batch is refused.
                        for p in &pending {
                            let who = p.product.clone().unwrap_or_else(|| "(the shop)".to_owned());
                            report.refused.push((who, message.clone()));
                        }
                        named = (0..pending.len()).collect();
                        break;
                    }
                }
            }
            pending = pending
                .iter()
                .enumerate()
                .filter(|(i, _)| !named.contains(i))
                .map(|(_, e)| *e)
                .collect();
            if pending.is_empty() || round == 1 {
                for p in &pending {
                    let who = p.product.clone().unwrap_or_else(|| "(the shop)".to_owned());
                    report.refused.push((who, "refused twice".to_owned()));
                }
                break;
            }
        }
    }
    report.requests = client.requests;
    Ok(report)
}
