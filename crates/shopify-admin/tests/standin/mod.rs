//! A stand-in of Shopify's Admin GraphQL API on 127.0.0.1 for the tests. It answers only
//! requests of the documented shape (POST `/admin/api/2026-07/graphql.json`, JSON
//! `{"query", "variables"}`, the `X-Shopify-Access-Token` header, a query that parses as GraphQL,
//! and for each operation the variables its documentation gives: at most 25 `MetafieldsSetInput`
//! with an owner gid, `type`, `value` of valid JSON within 128,000 bytes; a
//! `DiscountAutomaticAppInput` with `functionHandle`, `discountClasses`, `startsAt`, …); any
//! other request gets a 400 and is counted in `malformed`. It keeps what it was sent (metafields,
//! discounts) and can throttle, answer 429 or 503, or refuse chosen products.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use crossbuy_shopify_admin::Sleeper;
use graphql_parser::query::{parse_query, Definition, OperationDefinition, Selection};
use serde_json::{json, Value};

pub const TOKEN: &str = "shpat_test_token";

/// What the stand-in does and has seen.
#[derive(Default)]
pub struct State {
    /// Metafields by (owner gid, key): value.
    pub metafields: BTreeMap<(String, String), String>,
    /// Discounts by node id: (title, status, input).
    pub discounts: BTreeMap<String, (String, String, Value)>,
    /// Each request's operation (its root field), in order.
    pub operations: Vec<String>,
    /// Requests that did not have the documented shape, with why.
    pub malformed: Vec<String>,
    /// Answer these request numbers (1-based) with THROTTLED.
    pub throttle: Vec<usize>,
    /// Answer these request numbers with 429 and `Retry-After: 2`.
    pub too_many: Vec<usize>,
    /// Answer these request numbers with 503.
    pub unavailable: Vec<usize>,
    /// Refuse the metafields of these product ids (userErrors with elementIndex).
    pub refuse_products: Vec<String>,
    /// The shop's timezone.
    pub timezone: String,
    pub next_id: u64,
}

pub struct StandIn {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl StandIn {
    pub fn start() -> StandIn {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = server.server_addr().to_ip().expect("ip").port();
        let state = Arc::new(Mutex::new(State {
            timezone: "Europe/London".to_owned(),
            next_id: 1,
            ..State::default()
        }));
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for mut request in server.incoming_requests() {
                let mut body = String::new();
                let _ = request.as_reader().read_to_string(&mut body);
                let (status, headers, text) = answer(&shared, &request, &body);
                let mut response = tiny_http::Response::from_string(text).with_status_code(status);
                for (k, v) in headers {
                    if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
                        response.add_header(h);
                    }
                }
                let _ = request.respond(response);
            }
        });
        StandIn {
            url: format!("http://127.0.0.1:{port}/admin/api/2026-07/graphql.json"),
            state,
        }
    }

    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("state")
    }
}

/// Records the waits instead of sleeping.
#[derive(Default)]
pub struct Waits(pub RefCell<Vec<Duration>>);

impl Sleeper for Waits {
    fn sleep(&self, d: Duration) {
        self.0.borrow_mut().push(d);
    }
}

type Answer = (u16, Vec<(String, String)>, String);

fn bad(state: &mut State, why: String) -> Answer {
    state.malformed.push(why.clone());
    (
        400,
        vec![],
        json!({ "errors": [{ "message": why }] }).to_string(),
    )
}

fn ok(data: Value) -> Answer {
    let body = json!({
        "data": data,
        "extensions": { "cost": { "requestedQueryCost": 10, "actualQueryCost": 10,
            "throttleStatus": { "maximumAvailable": 1000.0, "currentlyAvailable": 990, "restoreRate": 50.0 } } }
    });
    (
        200,
        vec![("Content-Type".into(), "application/json".into())],
        body.to_string(),
    )
}

fn answer(shared: &Arc<Mutex<State>>, request: &tiny_http::Request, body: &str) -> Answer {
    let mut state = shared.lock().expect("state");
    let n = state.operations.len() + state.malformed.len() + 1;
    if request.method() != &tiny_http::Method::Post {
        return bad(&mut state, format!("method {}", request.method()));
    }
    if request.url() != "/admin/api/2026-07/graphql.json" {
        return bad(&mut state, format!("path {}", request.url()));
    }
    let header = |name: &str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str().to_owned())
    };
    if header("X-Shopify-Access-Token").as_deref() != Some(TOKEN) {
        return (401, vec![], json!({ "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)" }).to_string());
    }
    if !header("Content-Type").is_some_and(|c| c.starts_with("application/json")) {
        return bad(&mut state, "content-type".into());
    }
    let Ok(request_json) = serde_json::from_str::<Value>(body) else {
        return bad(&mut state, "body is not JSON".into());
    };
    let (Some(query), Some(variables)) = (
        request_json.get("query").and_then(Value::as_str),
        request_json.get("variables").filter(|v| v.is_object()),
    ) else {
        return bad(&mut state, "expected {query, variables}".into());
    };
    let document = match parse_query::<String>(query) {
        Ok(d) => d,
        Err(e) => return bad(&mut state, format!("query does not parse: {e}")),
    };
    let Some(op) = document.definitions.iter().find_map(|d| match d {
        Definition::Operation(op) => Some(op),
        _ => None,
    }) else {
        return bad(&mut state, "no operation".into());
    };
    let (selection, declared) = match op {
        OperationDefinition::Query(q) => (&q.selection_set, &q.variable_definitions),
        OperationDefinition::Mutation(m) => (&m.selection_set, &m.variable_definitions),
        _ => return bad(&mut state, "neither a query nor a mutation".into()),
    };
    let Some(Selection::Field(root)) = selection.items.first() else {
        return bad(&mut state, "no root field".into());
    };
    let declared: BTreeMap<String, String> = declared
        .iter()
        .map(|v| (v.name.clone(), v.var_type.to_string()))
        .collect();
    let field = root.name.clone();
    if state.throttle.contains(&n) {
        state.operations.push(format!("{field} (throttled)"));
        let body = json!({
            "errors": [{ "message": "Throttled", "extensions": { "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits" } }],
            "extensions": { "cost": { "requestedQueryCost": 752, "actualQueryCost": null,
                "throttleStatus": { "maximumAvailable": 1000.0, "currentlyAvailable": 552, "restoreRate": 50.0 } } }
        });
        return (200, vec![], body.to_string());
    }
    if state.too_many.contains(&n) {
        state.operations.push(format!("{field} (429)"));
        return (
            429,
            vec![("Retry-After".into(), "2.0".into())],
            "{\"errors\":\"Exceeded 2 calls per second for api client.\"}".into(),
        );
    }
    if state.unavailable.contains(&n) {
        state.operations.push(format!("{field} (503)"));
        return (503, vec![], "Service Unavailable".into());
    }
    let fields: Vec<String> = root
        .selection_set
        .items
        .iter()
        .filter_map(|s| match s {
            Selection::Field(f) => Some(f.name.clone()),
            _ => None,
        })
        .collect();
    match field.as_str() {
        "shop" => {
            if !fields.contains(&"id".to_owned()) {
                return bad(&mut state, "shop without id".into());
            }
            state.operations.push(field);
            let tz = state.timezone.clone();
            ok(json!({ "shop": { "id": "gid://shopify/Shop/548380009", "ianaTimezone": tz } }))
        }
        "metafieldsSet" => {
            if declared.get("metafields").map(String::as_str) != Some("[MetafieldsSetInput!]!") {
                return bad(
                    &mut state,
                    format!("metafieldsSet variables declared {declared:?}"),
                );
            }
            let Some(list) = variables.get("metafields").and_then(Value::as_array) else {
                return bad(&mut state, "metafields is not a list".into());
            };
            if list.is_empty() || list.len() > 25 {
                return bad(
                    &mut state,
                    format!("{} metafields in one metafieldsSet (1 to 25)", list.len()),
                );
            }
            let mut user_errors = Vec::new();
            for (i, m) in list.iter().enumerate() {
                let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("");
                let owner = s("ownerId");
                let owner_ok = ["gid://shopify/Product/", "gid://shopify/Shop/"]
                    .iter()
                    .any(|p| {
                        owner.strip_prefix(p).is_some_and(|id| {
                            !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
                        })
                    });
                if !owner_ok
                    || s("namespace") != "$app"
                    || s("key").is_empty()
                    || s("type") != "json"
                {
                    return bad(&mut state, format!("metafields[{i}]: {m}"));
                }
                if s("value").len() > 128_000 || serde_json::from_str::<Value>(s("value")).is_err()
                {
                    return bad(
                        &mut state,
                        format!("metafields[{i}].value: not JSON or above 128,000 bytes"),
                    );
                }
                let product = owner.trim_start_matches("gid://shopify/Product/");
                if state.refuse_products.iter().any(|p| p == product) {
                    user_errors.push(json!({ "field": ["metafields", i.to_string(), "value"], "message": "Value is invalid JSON.", "code": "INVALID_VALUE", "elementIndex": i }));
                }
            }
            state.operations.push(field);
            if !user_errors.is_empty() {
                // Atomic: nothing of the batch is kept.
                return ok(
                    json!({ "metafieldsSet": { "metafields": null, "userErrors": user_errors } }),
                );
            }
            for m in list {
                let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
                state
                    .metafields
                    .insert((s("ownerId"), s("key")), s("value"));
            }
            let set: Vec<Value> = list
                .iter()
                .map(|m| json!({ "key": m["key"], "namespace": "app--1234--x" }))
                .collect();
            ok(json!({ "metafieldsSet": { "metafields": set, "userErrors": [] } }))
        }
        "automaticDiscountNodes" => {
            state.operations.push(field);
            let nodes: Vec<Value> = state
                .discounts
                .iter()
                .map(|(id, (title, status, _))| json!({ "id": id, "automaticDiscount": { "__typename": "DiscountAutomaticApp", "title": title, "status": status } }))
                .chain(std::iter::once(json!({ "id": "gid://shopify/DiscountAutomaticNode/999", "automaticDiscount": { "__typename": "DiscountAutomaticBasic" } })))
                .collect();
            ok(
                json!({ "automaticDiscountNodes": { "nodes": nodes, "pageInfo": { "hasNextPage": false, "endCursor": null } } }),
            )
        }
        "discountAutomaticAppCreate" | "discountAutomaticAppUpdate" => {
            if declared.get("discount").map(String::as_str) != Some("DiscountAutomaticAppInput!") {
                return bad(
                    &mut state,
                    format!("{field} variables declared {declared:?}"),
                );
            }
            let Some(d) = variables.get("discount").filter(|d| d.is_object()) else {
                return bad(&mut state, "no discount".into());
            };
            let rfc3339 = |v: &Value| {
                v.as_str().is_some_and(|s| {
                    s.len() >= 20 && s.ends_with('Z') && &s[4..5] == "-" && &s[10..11] == "T"
                })
            };
            let classes_ok = d["discountClasses"].as_array().is_some_and(|c| {
                !c.is_empty()
                    && c.iter()
                        .all(|x| matches!(x.as_str(), Some("PRODUCT" | "ORDER" | "SHIPPING")))
            });
            let combines_ok = d["combinesWith"]
                .as_object()
                .is_some_and(|c| c.values().all(Value::is_boolean));
            let metafields_ok = d["metafields"].as_array().is_some_and(|l| {
                l.iter().all(|m| {
                    m["namespace"].is_string()
                        && m["key"].is_string()
                        && m["type"] == "json"
                        && m["value"]
                            .as_str()
                            .is_some_and(|v| serde_json::from_str::<Value>(v).is_ok())
                })
            });
            if !d["title"].is_string()
                || d["functionHandle"] != "crossbuy-discount"
                || d.get("functionId").is_some()
                || !classes_ok
                || !rfc3339(&d["startsAt"])
                || !(d["endsAt"].is_null() || rfc3339(&d["endsAt"]))
                || !combines_ok
                || !metafields_ok
            {
                return bad(&mut state, format!("{field}: discount {d}"));
            }
            let title = d["title"].as_str().unwrap_or("").to_owned();
            let id = if field == "discountAutomaticAppUpdate" {
                let id = variables
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                if !state.discounts.contains_key(&id) {
                    state.operations.push(field);
                    return ok(
                        json!({ "discountAutomaticAppUpdate": { "automaticAppDiscount": null, "userErrors": [{ "field": ["id"], "message": "Discount does not exist", "code": "INVALID" }] } }),
                    );
                }
                id
            } else {
                state.next_id += 1;
                format!("gid://shopify/DiscountAutomaticNode/{}", state.next_id)
            };
            state
                .discounts
                .insert(id.clone(), (title.clone(), "ACTIVE".into(), d.clone()));
            state.operations.push(field.clone());
            ok(
                json!({ field: { "automaticAppDiscount": { "discountId": id, "title": title }, "userErrors": [] } }),
            )
        }
        "discountAutomaticDeactivate" => {
            let id = variables
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            state.operations.push(field);
            match state.discounts.get_mut(&id) {
                Some(d) => {
                    d.1 = "EXPIRED".into();
                    ok(
                        json!({ "discountAutomaticDeactivate": { "automaticDiscountNode": { "id": id }, "userErrors": [] } }),
                    )
                }
                None => bad(&mut state, format!("deactivate unknown {id}")),
            }
        }
        other => bad(&mut state, format!("unknown operation {other}")),
    }
}
