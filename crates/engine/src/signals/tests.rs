//! The bodies and keys of every signal, against the examples in `docs/signals.md`.

use super::*;
use crate::deadline::Deadline;
use crate::json::{self, Value};
use crate::plan::{follow_up, PlanConfig};
use crate::platforms::{klaviyo, webhook, Destination, Klaviyo, Webhook, KLAVIYO_BASE};
use crate::price::choose_offer;
use crate::{context_products, recommend};

const DOCS: &str = include_str!("../../../../docs/signals.md");

/// Every signal type, as the webhook names it.
pub(crate) const KINDS: [&str; 6] = [
    "opted_in",
    "offer_viewed",
    "item_clicked",
    "item_added",
    "bundle_added",
    "feedback",
];

/// The JSON or HTTP block that follows `<!-- example: NAME -->` in docs/signals.md.
pub(crate) fn doc_example(name: &str) -> &'static str {
    let marker = ["<!-- example: ", name, " -->"].concat();
    let at = DOCS
        .find(&marker)
        .unwrap_or_else(|| panic!("docs lack {marker}"));
    let rest = &DOCS[at + marker.len()..];
    let start = rest.find("```").expect("code block") + 3;
    let start = start + rest[start..].find('\n').expect("fence line") + 1;
    let end = start + rest[start..].find("```").expect("block end");
    &rest[start..end]
}

/// The documented example signals, by kind, at their documented times (`kind@<seconds>`
/// moves the time).
pub(crate) fn example(kind: &str) -> Signal {
    let (kind, shift) = match kind.split_once('@') {
        Some((k, s)) => (k, s.parse::<i64>().expect("seconds") * 1000),
        None => (kind, 0),
    };
    let catalog = Catalog::parse(doc_example("snapshot")).expect("docs snapshot");
    let context = PageContext::parse(doc_example("context")).expect("docs context");
    let ordered_at = time::parse(context.created_at.as_deref().unwrap_or("")).unwrap();
    let minutes = |m: i64, s: i64| ordered_at + (m * 60 + s) * 1000 + shift;
    let bought = context_products(&catalog, &context);
    let recs: Vec<usize> = recommend(&catalog, &bought, 3)
        .iter()
        .map(|r| r.product)
        .collect();
    let on_page = choose_offer(&catalog.offers, &catalog, context.page, &recs, ordered_at);
    let offer = on_page.map(|i| {
        let o = &catalog.offers[i];
        ShownOffer {
            offer: o,
            ends_at: Some(
                Deadline::start(None, Some(ordered_at), o.window, ordered_at).deadline_ms,
            ),
        }
    });
    let mut env = Envelope {
        catalog: &catalog,
        context: &context,
        email: context.email.as_deref().unwrap_or(""),
        origin: "https://hearth-and-tin.example",
        at: 0,
    };
    let lantern = catalog.product_index("71053").unwrap();
    match kind {
        "opted_in" => {
            env.at = minutes(2, 30);
            let plan = follow_up(&catalog, &bought, ordered_at, &PlanConfig::default());
            opted_in(
                &env,
                &OptIn {
                    text: "Email me tips and offers for my order",
                    source: ConsentSource::Widget,
                    segment: Some(Segment::Repeat),
                    recommended: &recs,
                    offer,
                    plan: &plan,
                },
            )
        }
        "offer_viewed" => {
            env.at = minutes(1, 0);
            offer_viewed(&env, offer.as_ref(), &recs)
        }
        "item_clicked" => {
            env.at = minutes(3, 10);
            item_clicked(&env, lantern)
        }
        "item_added" => {
            env.at = minutes(3, 40);
            item_added(&env, lantern, "71053", offer.map(|o| o.offer))
        }
        "bundle_added" => {
            env.at = minutes(4, 0);
            bundle_added(&env, &recs, &[true, true], offer.map(|o| o.offer))
        }
        "feedback" => {
            env.at = minutes(5, 0);
            feedback(&env, true)
        }
        _ => panic!("no example {kind}"),
    }
}

/// `bundle_added` of the example's recommendations, ticked as `ticks` says (`10`: the
/// first only), under the example's offer.
fn example_bundle(ticks: &str) -> Signal {
    let catalog = Catalog::parse(doc_example("snapshot")).expect("docs snapshot");
    let context = PageContext::parse(doc_example("context")).expect("docs context");
    let bought = context_products(&catalog, &context);
    let recs: Vec<usize> = recommend(&catalog, &bought, 3)
        .iter()
        .map(|r| r.product)
        .collect();
    let ticked: Vec<bool> = ticks.chars().map(|c| c == '1').collect();
    let env = Envelope {
        catalog: &catalog,
        context: &context,
        email: "ada@example.com",
        origin: "",
        at: 0,
    };
    bundle_added(&env, &recs, &ticked, catalog.offers.first())
}

fn destination(name: &str) -> Destination {
    match name {
        "klaviyo" => Destination::Klaviyo(Klaviyo {
            base: KLAVIYO_BASE.into(),
            public_key: "AbC123".into(),
            list_id: Some("Y6nRLr".into()),
        }),
        "webhook" => Destination::Webhook(Webhook {
            url: "https://hooks.hearth-and-tin.example/crossbuy".into(),
        }),
        "klaviyo-local" => Destination::Klaviyo(Klaviyo {
            base: "http://127.0.0.1:9/klaviyo/".into(),
            public_key: "a b&c".into(),
            list_id: None,
        }),
        _ => panic!("no destination {name}"),
    }
}

/// A signal's data as an object.
fn data(s: &Signal) -> Value {
    json::parse(&["{", &s.data, "}"].concat()).expect("signal data is JSON members")
}

/// A request as docs/signals.md shows it: request line, headers, a blank line, the body
/// (JSON compared whatever its layout).
fn http(text: &str) -> String {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let body = match json::parse(body) {
        Ok(v) => v.to_json(),
        Err(e) => format!("body is not JSON: {e}"),
    };
    [head.trim(), "", &body].join("\n")
}

/// One check for the module. `input`:
/// - `request <destination> <kind> <n>`: the n-th request (from 1) of the documented
///   example signal, as docs/signals.md shows requests;
/// - `messages <destination> <kind>`: per message, its key (`KEY` for the signal's),
///   whether it carries consent, its url;
/// - `keys <kind>[@<seconds later>] <kind>[@…]`: whether two signals share a key;
/// - `field <kind> <name>`: a field of the example signal's data, as JSON;
/// - `escape <text>`: the lantern titled `text` and the shopper's email `text@x` read back
///   from the parsed `item_clicked` bodies (webhook title, webhook email, Klaviyo title);
/// - `bundle <ticks>`: `bundle_added` for the example's recommendations with these ticked
///   (`1`/`0` each): `<id>@<price>` per line and the total;
/// - `properties <kind>`: Klaviyo's event properties against the webhook's data.
fn check(input: &str, expected: &str) {
    let words: Vec<&str> = input.split_whitespace().collect();
    let got = match words[..] {
        ["request", dest, kind, n] => {
            let requests = destination(dest).messages(&example(kind));
            let n: usize = n.parse().expect("request number");
            let Some(m) = requests.get(n - 1) else {
                panic!("{input}: only {} requests", requests.len());
            };
            let mut text = ["POST ", &m.request.url].concat();
            for (k, v) in &m.request.headers {
                text.push('\n');
                text.push_str(&[k.as_str(), ": ", v.as_str()].concat());
            }
            text.push_str("\n\n");
            text.push_str(&m.request.body);
            http(&text)
        }
        ["messages", dest, kind] => {
            let signal = example(kind);
            let lines: Vec<String> = destination(dest)
                .messages(&signal)
                .iter()
                .map(|m| {
                    let key = m.key.replacen(&signal.key, "KEY", 1);
                    let consent = if m.consent { "consent" } else { "-" };
                    [key.as_str(), consent, &m.request.url].join(" ")
                })
                .collect();
            lines.join("\n")
        }
        ["field", kind, name] => data(&example(kind))
            .get(name)
            .map_or("absent".to_owned(), Value::to_json),
        ["bundle", ticks] => {
            let data = data(&example_bundle(ticks));
            let field = |k: &str| data.get(k).cloned();
            let mut out = Vec::new();
            if let Some(Value::Array(items)) = field("items") {
                for item in items {
                    let id = item
                        .get("product_id")
                        .and_then(Value::as_str)
                        .unwrap_or("?");
                    let price = item.get("price").map_or("?".into(), Value::to_json);
                    out.push([id, "@", &price].concat());
                }
            }
            out.push(["total", &field("total").map_or("?".into(), |v| v.to_json())].join(" "));
            out.join(" ")
        }
        ["escape", ..] => {
            let text = input.trim_start_matches("escape ");
            let mut quoted = String::new();
            json::escape_into(&mut quoted, text);
            let snapshot = doc_example("snapshot").replacen("White Metal Lantern", &quoted, 1);
            let catalog = Catalog::parse(&snapshot).expect("snapshot");
            let context = PageContext::parse(doc_example("context")).expect("context");
            let email = [text, "@x"].concat();
            let env = Envelope {
                catalog: &catalog,
                context: &context,
                email: &email,
                origin: "",
                at: 0,
            };
            let s = item_clicked(&env, catalog.product_index("71053").expect("lantern"));
            let webhook = json::parse(&webhook::body(&s)).expect("webhook JSON");
            let event = json::parse(&klaviyo::event_body(&s)).expect("event JSON");
            let data = webhook.get("data");
            let item = data.and_then(|d| d.get("item"));
            let props = event.get("data").and_then(|d| d.get("attributes"));
            let props = props.and_then(|a| a.get("properties"));
            [
                item.and_then(|i| i.get("title")),
                data.and_then(|d| d.get("email")),
                props
                    .and_then(|p| p.get("item"))
                    .and_then(|i| i.get("title")),
            ]
            .iter()
            .map(|v| v.and_then(Value::as_str).unwrap_or("?"))
            .collect::<Vec<_>>()
            .join(" | ")
        }
        ["keys", a, b] => match example(a).key == example(b).key {
            true => "same key".to_owned(),
            false => "different keys".to_owned(),
        },
        ["properties", kind] => {
            let s = example(kind);
            let event = json::parse(&klaviyo::event_body(&s)).expect("event JSON");
            let props = event
                .get("data")
                .and_then(|d| d.get("attributes"))
                .and_then(|a| a.get("properties"));
            let webhook = json::parse(&webhook::body(&s)).expect("webhook JSON");
            let mut data = match webhook.get("data") {
                Some(Value::Object(f)) => f.clone(),
                _ => Vec::new(),
            };
            data.retain(|(k, _)| !matches!(k.as_str(), "email" | "value" | "value_currency"));
            data.insert(0, ("shop".into(), s.shop.as_str().into()));
            if props == Some(&Value::Object(data)) {
                "shop + webhook data without email and value".to_owned()
            } else {
                format!("{props:?}")
            }
        }
        _ => panic!("unknown input {input}"),
    };
    let expected = if words[0] == "request" {
        http(expected)
    } else if words[0] == "field" {
        json::parse(expected).map_or_else(|e| e.to_string(), |v| v.to_json())
    } else {
        expected
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(got, expected.trim(), "{input}");
}

#[test]
fn klaviyo_requests_match_the_docs() {
    for (input, name) in [
        (
            "request klaviyo opted_in 1",
            "klaviyo opted_in subscription",
        ),
        ("request klaviyo opted_in 2", "klaviyo opted_in event"),
        ("request klaviyo item_added 1", "klaviyo item_added event"),
    ] {
        check(input, doc_example(name));
    }
}

#[test]
fn webhook_requests_match_the_docs() {
    for kind in KINDS {
        let input = ["request webhook ", kind, " 1"].concat();
        check(&input, doc_example(&["webhook ", kind].concat()));
    }
}

#[test]
fn the_documented_plan_is_the_one_sent() {
    check("field opted_in plan", doc_example("plan"));
}

#[test]
fn a_bundle_reports_the_ticked_lines_at_their_bundle_prices() {
    // 10% off each, rounded half up per line: 425 - 43, 375 - 38.
    check("bundle 11", "71053@382 84029E@337 total 719");
    check("bundle 01", "84029E@337 total 337");
    check("bundle 00", "total 0");
}

#[test]
fn klaviyo_properties_are_the_webhook_data_without_the_email() {
    for kind in KINDS {
        check(
            &["properties ", kind].concat(),
            "shop + webhook data without email and value",
        );
    }
}

#[test]
fn only_opted_in_to_a_list_subscribes_and_carries_consent() {
    check(
        "messages klaviyo opted_in",
        "KEY_sub consent https://a.klaviyo.com/client/subscriptions/?company_id=AbC123
         KEY consent https://a.klaviyo.com/client/events/?company_id=AbC123",
    );
    check(
        "messages klaviyo-local opted_in",
        "KEY consent http://127.0.0.1:9/klaviyo/client/events/?company_id=a%20b%26c",
    );
    check(
        "messages klaviyo item_added",
        "KEY - https://a.klaviyo.com/client/events/?company_id=AbC123",
    );
    check(
        "messages webhook opted_in",
        "KEY consent https://hooks.hearth-and-tin.example/crossbuy",
    );
}

#[test]
fn hostile_text_reaches_the_receiver_as_text() {
    // The email is lower-cased; everything else arrives exactly as written.
    check(
        "escape \"Quote\" </script><img src=x onerror=alert(1)> \\ \u{2028}\t€",
        "\"Quote\" </script><img src=x onerror=alert(1)> \\ \u{2028}\t€ | \
         \"quote\" </script><img src=x onerror=alert(1)> \\ \u{2028}\t€@x | \
         \"Quote\" </script><img src=x onerror=alert(1)> \\ \u{2028}\t€",
    );
}

#[test]
fn keys_are_stable_per_event_and_distinct_across_events() {
    // The opt-in computed again later (a reload of the thank-you page) is the same event.
    check("keys opted_in opted_in@3600", "same key");
    check("keys offer_viewed offer_viewed@1", "different keys");
    check("keys item_clicked item_clicked@1", "different keys");
    check("keys item_added item_added@1", "different keys");
    check("keys item_clicked item_added", "different keys");
    check("keys bundle_added feedback", "different keys");
    check("keys opted_in offer_viewed", "different keys");
}
