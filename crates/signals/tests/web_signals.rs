//! The signals module in a real browser, as the shop's endpoint sees it: it is handed the
//! widget's events (`Signals.event`, the JSON text the widget's `signal` option receives, see
//! `tests/web_consent.rs`) and sends nothing (and queues nothing) before an opt-in or when the
//! page's privacy API says no; what it sends after opt-in, one request at a time; and the
//! outbox in `localStorage`: kept across pages, resumed, and in memory when storage is
//! disabled or full.
//!
//! Every test uses its own shop name, so its own stored outbox and page sender, and its own
//! endpoint url, so a retry of another test's signal never counts. The signals' time is the
//! `now` option.
//!
//! Run with `wasm-pack test --headless --chrome crates/signals`.
#![cfg(target_arch = "wasm32")]

use crossbuy_engine::json::{self, Value};
use crossbuy_engine::outbox::{Config, Message, Outbox, Request};
use crossbuy_signals::{signals, Signals};
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::Storage;

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::PRIVACY_APIS;

wasm_bindgen_test_configure!(run_in_browser);

/// A small shop with an offer: `mug` is bought with tea and spoons.
const SHOP: &str = r#"{
  "version": 1,
  "shop": { "name": "NAME", "currency": "GBP", "locale": "en-GB" },
  "products": [
    { "id": "mug", "variant_ids": ["mug-1"], "url": "/products/mug", "title": "Mug", "price": 899,
      "repurchase_days": 40,
      "neighbours": [{ "id": "tea", "score": 0.9, "count": 9 }, { "id": "spoon", "score": 0.7, "count": 7 }] },
    { "id": "tea", "variant_ids": ["tea-1"], "url": "/products/tea", "title": "Tea", "price": 800,
      "compare_at_price": 1000 },
    { "id": "spoon", "variant_ids": ["spoon-1"], "url": "/products/spoon", "title": "Spoon", "price": 350 }
  ],
  "offers": [{ "id": "thanks", "kind": "percent", "percent": 20, "code": "THANKS20", "pages": ["thank_you"] }]
}"#;

/// An order of one mug, placed at 2026-11-20T10:00:00Z (1795168800000), by a buyer who did
/// not accept email marketing at checkout.
const ORDER: &str = r#"{"page":"thank_you","order_id":"1001","created_at":"2026-11-20T10:00:00Z",
  "email":"ada@example.com","accepts_marketing":false,"items":[{"product_id":"mug","quantity":1,"price":899}]}"#;

/// 2026-11-20T10:05:00Z.
const FIVE_PAST: f64 = 1_795_169_100_000.0;

/// The widget's events (`docs/signals.md`, "Widget events"): the cards shown without an
/// offer, and with the thank-you offer until 2026-11-22T10:00:00Z.
const SHOWN: &str = r#"{"kind":"shown","products":["tea","spoon"],"offer":"","ends_at":null}"#;
const SHOWN_OFFER: &str =
    r#"{"kind":"shown","products":["tea","spoon"],"offer":"thanks","ends_at":1795341600000}"#;
const CLICK: &str = r#"{"kind":"click","product":"tea"}"#;
const ADD: &str = r#"{"kind":"add","product":"tea","variant":"tea-1"}"#;
const BUNDLE: &str = r#"{"kind":"bundle","ticked":[true,false]}"#;
const HELPFUL: &str = r#"{"kind":"feedback","helpful":true}"#;
const OPT_OUT: &str = r#"{"kind":"opt_out"}"#;
const CONSENT_TEXT: &str = "Email me tips and offers for my order";

/// The widget's `opt_in` event.
fn opt_in(email: &str, source: &str, text: &str) -> String {
    format!(r#"{{"kind":"opt_in","email":"{email}","source":"{source}","text":"{text}"}}"#)
}

/// The opt-in the widget reports for checkout consent.
fn checkout_opt_in() -> String {
    opt_in("ada@example.com", "checkout", "")
}

fn global() -> JsValue {
    js_sys::global().into()
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap()
}

fn set(o: &JsValue, key: &str, value: &JsValue) {
    Reflect::set(o, &key.into(), value).unwrap();
}

/// A JS function from source, for the stubs below.
fn js(args: &str, body: &str) -> Function {
    Function::new_with_args(args, body)
}

fn storage() -> Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Starts the signals of shop `shop` for the page `context`, with the clock at [`FIVE_PAST`]
/// and these (string) options.
fn start(shop: &str, context: &str, extra: &[(&str, &str)]) -> Option<Signals> {
    let options = Object::new();
    set(&options, "context", &context.into());
    set(
        &options,
        "now",
        &js("", &["return ", &FIVE_PAST.to_string()].concat()),
    );
    for (k, v) in extra {
        set(&options, k, &(*v).into());
    }
    signals(SHOP.replace("NAME", shop).into(), options.into())
}

/// The webhook options for `url`.
fn webhook(url: &str) -> [(&str, &str); 2] {
    [("signals", "webhook"), ("signalsUrl", url)]
}

/// Hands `events` to `signals`, as the loader does with the widget's.
fn events(signals: &Signals, events: &[&str]) {
    for e in events {
        signals.event(e);
    }
}

/// One request the stub endpoint received.
#[derive(Debug)]
struct Sent {
    url: String,
    headers: Value,
    body: Value,
    keepalive: bool,
}

impl Sent {
    fn field(&self, path: &[&str]) -> String {
        let mut v = &self.body;
        for key in path {
            v = v.get(key).unwrap_or(&Value::Null);
        }
        match v {
            Value::Str(s) => s.clone(),
            other => other.to_json(),
        }
    }
}

/// Replaces `window.fetch`: requests to urls under `endpoint` are recorded and answered as
/// the state says (`status`, `down`, `hold`: answered only on [`Network::release`]); anything
/// else goes to the real fetch. Restored on drop.
struct Network {
    state: Object,
    saved: JsValue,
}

impl Network {
    fn install(endpoint: &str) -> Network {
        let state = Object::new();
        set(&state, "status", &202.into());
        set(&state, "requests", &Array::new());
        set(&state, "held", &Array::new());
        let saved = get(&global(), "fetch");
        let make = js(
            "state, endpoint, original",
            r#"return function (url, init) {
                url = String(url);
                if (!url.startsWith(endpoint)) return original(url, init);
                state.requests.push({ url, headers: JSON.stringify(Object.fromEntries(new Headers(init.headers))), body: init.body,
                                      keepalive: init.keepalive === true });
                if (state.down) return Promise.reject(new TypeError("Failed to fetch"));
                const answer = () => new Response(null, { status: state.status });
                if (state.hold) return new Promise((resolve) => state.held.push(() => resolve(answer())));
                return Promise.resolve(answer());
            }"#,
        );
        let stub = make
            .call3(&JsValue::NULL, &state, &endpoint.into(), &saved)
            .unwrap();
        set(&global(), "fetch", &stub);
        Network { state, saved }
    }

    fn answer(&self, status: u16) {
        set(&self.state, "status", &status.into());
    }

    fn down(&self, down: bool) {
        set(&self.state, "down", &down.into());
    }

    /// Holds the answers until [`Network::release`].
    fn hold(&self) {
        set(&self.state, "hold", &true.into());
    }

    /// Answers the held requests, and the next ones at once.
    fn release(&self) {
        set(&self.state, "hold", &false.into());
        let held: Array = get(&self.state, "held").unchecked_into();
        for answer in held.iter() {
            answer
                .unchecked_into::<Function>()
                .call0(&JsValue::NULL)
                .unwrap();
        }
    }

    fn sent(&self) -> Vec<Sent> {
        let list: Array = get(&self.state, "requests").unchecked_into();
        list.iter()
            .map(|r| {
                let text = |k: &str| get(&r, k).as_string().unwrap_or_default();
                Sent {
                    url: text("url"),
                    headers: json::parse(&text("headers")).expect("headers JSON"),
                    body: json::parse(&text("body")).expect("body JSON"),
                    keepalive: get(&r, "keepalive").as_bool() == Some(true),
                }
            })
            .collect()
    }

    /// `type` of every webhook body received, in order.
    fn types(&self) -> Vec<String> {
        self.sent().iter().map(|s| s.field(&["type"])).collect()
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        set(&global(), "fetch", &self.saved);
    }
}

/// Records crossbuy's console warnings and errors (`warn: crossbuy: …`); restored on drop.
struct Console {
    log: Array,
    saved: [JsValue; 2],
}

impl Console {
    fn spy() -> Console {
        let console = get(&global(), "console");
        let log = Array::new();
        let saved = ["warn", "error"].map(|level| get(&console, level));
        for (level, original) in ["warn", "error"].iter().zip(&saved) {
            let hook = js(
                "log, level, original",
                r#"return function (m) {
                    if (String(m).startsWith("crossbuy")) log.push(level + ": " + m);
                    else original.apply(console, arguments);
                }"#,
            )
            .call3(&JsValue::NULL, &log, &(*level).into(), original)
            .unwrap();
            set(&console, level, &hook);
        }
        Console { log, saved }
    }

    fn messages(&self) -> Vec<String> {
        self.log.iter().map(|m| m.as_string().unwrap()).collect()
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let console = get(&global(), "console");
        for (level, original) in ["warn", "error"].iter().zip(&self.saved) {
            set(&console, level, original);
        }
    }
}

/// Sets `window.Shopify` to this JS expression (`undefined` removes it).
fn shopify(expression: &str) {
    let value = js("", &["return ", expression].concat())
        .call0(&JsValue::NULL)
        .unwrap();
    set(&global(), "Shopify", &value);
}

/// Yields to the event loop until `done` holds (the stubs answer at once, so no clock is
/// involved); fails the test if it never does.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tick().await;
    }
    panic!("never happened: {what}");
}

/// One turn of the event loop (a zero-delay task).
async fn tick() {
    let next = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback(&resolve)
            .unwrap();
    });
    JsFuture::from(next).await.unwrap();
}

/// Real time passing (`setTimeout`): the outbox's retries wait on the browser's timers.
async fn later(ms: i32) {
    let done = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(done).await.unwrap();
}

/// A few turns of the event loop, for what must not happen.
async fn settle() {
    for _ in 0..10 {
        tick().await;
    }
}

/// The stored outbox of `shop`: its entries' keys, and its delivered keys.
fn stored(shop: &str) -> (Vec<String>, Vec<String>) {
    let Some(text) = storage()
        .get_item(&["crossbuy:outbox:", shop].concat())
        .unwrap()
    else {
        return (Vec::new(), Vec::new());
    };
    let v = json::parse(&text).expect("stored outbox is JSON");
    let Value::Array(parts) = v else {
        panic!("stored outbox: {text}")
    };
    let strings = |v: &Value| match v {
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::Array(entry) => entry[0].as_str().unwrap().to_owned(),
                other => other.as_str().unwrap().to_owned(),
            })
            .collect(),
        _ => Vec::new(),
    };
    (strings(&parts[3]), strings(&parts[2]))
}

/// Whether the consent gate of `shop` was stored (it is, once it admitted a signal).
fn gate_stored(shop: &str) -> bool {
    let key = ["crossbuy:gate:", shop].concat();
    storage().get_item(&key).unwrap().is_some()
}

/// An outbox as an earlier page left it: one `opted_in` for `endpoint` under `key`.
fn left_behind(shop: &str, endpoint: &str, key: &str) {
    let mut outbox = Outbox::new(Config::default());
    outbox.enqueue(
        Message {
            key: key.into(),
            consent: true,
            request: Request {
                url: endpoint.into(),
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("Idempotency-Key".into(), key.into()),
                ],
                body: format!(r#"{{"type":"opted_in","id":"{key}"}}"#),
            },
        },
        js_sys::Date::now() as i64,
    );
    storage()
        .set_item(&["crossbuy:outbox:", shop].concat(), &outbox.to_json())
        .unwrap();
}

#[wasm_bindgen_test]
async fn nothing_is_queued_or_sent_before_the_shopper_opts_in() {
    let shop = "Consent shop";
    let endpoint = "https://hooks.test/consent";
    let net = Network::install(endpoint);
    let console = Console::spy();
    let signals = start(shop, ORDER, &webhook(endpoint)).expect("signals");

    // Shopping without opting in: shown, a followed link, adds, feedback. Nothing queued.
    events(
        &signals,
        &[SHOWN_OFFER, CLICK, ADD, BUNDLE, HELPFUL, OPT_OUT],
    );
    settle().await;
    assert_eq!(net.types(), Vec::<String>::new());
    assert_eq!(stored(shop).0, Vec::<String>::new());
    assert!(!gate_stored(shop), "the gate admitted nothing");

    // Opting in: `opted_in`, then the view, one request at a time.
    net.hold();
    signals.event(&opt_in(" Ada@Example.com ", "widget", CONSENT_TEXT));
    until("the opt-in was sent", || !net.sent().is_empty()).await;
    settle().await;
    assert_eq!(net.types(), ["opted_in"], "the view waits for the opt-in");
    net.release();
    until("two signals arrived", || net.sent().len() == 2).await;
    assert_eq!(net.types(), ["opted_in", "offer_viewed"]);
    let opted = &net.sent()[0];
    assert_eq!(opted.url, endpoint);
    assert!(opted.keepalive);
    assert_eq!(
        // Header names as `fetch` sends them: case does not matter in HTTP.
        opted.headers.get("idempotency-key").and_then(Value::as_str),
        Some(opted.field(&["id"]).as_str())
    );
    assert_eq!(
        opted.headers.get("content-type").and_then(Value::as_str),
        Some("application/json")
    );
    assert_eq!(opted.field(&["data", "email"]), "ada@example.com");
    assert_eq!(opted.field(&["occurred_at"]), "2026-11-20T10:05:00Z");
    assert_eq!(
        opted.field(&["data", "consent"]),
        format!(r#"{{"text":"{CONSENT_TEXT}","at":"2026-11-20T10:05:00Z","source":"widget"}}"#)
    );
    // The offer the widget showed, ending with its countdown.
    assert_eq!(opted.field(&["data", "offer", "id"]), "thanks");
    assert_eq!(
        opted.field(&["data", "offer", "ends_at"]),
        "2026-11-22T10:00:00Z"
    );
    // The plan counts from the order time, not from now: delivery 4 days after.
    assert_eq!(
        opted.field(&["data", "plan", "delivery_estimate"]),
        "2026-11-24T10:00:00Z"
    );
    assert_eq!(
        net.sent()[1].field(&["data", "products"]),
        r#"["tea","spoon"]"#
    );
    until("the outbox emptied", || stored(shop).0.is_empty()).await;
    assert_eq!(stored(shop).1.len(), 2, "both keys remembered as delivered");

    // After opt-in: a click, an add, the bundle, the feedback.
    events(&signals, &[CLICK, ADD, BUNDLE, HELPFUL]);
    until("six signals", || net.sent().len() == 6).await;
    assert_eq!(
        net.types(),
        [
            "opted_in",
            "offer_viewed",
            "item_clicked",
            "item_added",
            "bundle_added",
            "feedback"
        ]
    );
    let sent = net.sent();
    assert_eq!(sent[3].field(&["data", "item", "variant_id"]), "tea-1");
    assert_eq!(
        sent[4]
            .field(&["data", "items"])
            .matches("\"product_id\"")
            .count(),
        1,
        "only the ticked tea: {}",
        sent[4].field(&["data", "items"])
    );
    assert_eq!(sent[5].field(&["data", "helpful"]), "true");
    assert_eq!(console.messages(), Vec::<String>::new());
}

#[wasm_bindgen_test]
async fn checkout_consent_counts_and_unticking_opts_out() {
    let shop = "Checkout shop";
    let endpoint = "https://hooks.test/checkout";
    let net = Network::install(endpoint);
    let signals = start(shop, ORDER, &webhook(endpoint)).expect("signals");
    events(&signals, &[SHOWN, &checkout_opt_in()]);
    until("two signals arrived", || net.sent().len() == 2).await;
    assert_eq!(net.types(), ["opted_in", "offer_viewed"]);
    // Consent from checkout records no wording of crossbuy's.
    let sent = net.sent();
    assert_eq!(sent[0].field(&["data", "consent", "source"]), "checkout");
    assert_eq!(sent[0].field(&["data", "consent", "text"]), "null");
    until("the outbox emptied", || stored(shop).0.is_empty()).await;

    // Unticked: nothing more from this page.
    events(&signals, &[OPT_OUT, CLICK, ADD, HELPFUL]);
    settle().await;
    assert_eq!(net.sent().len(), 2);
    assert_eq!(stored(shop).0, Vec::<String>::new());
}

#[wasm_bindgen_test]
async fn when_the_privacy_api_says_no_nothing_is_sent_at_all() {
    let endpoint = "https://hooks.test/privacy";
    let net = Network::install(endpoint);
    for (i, (api, allowed)) in PRIVACY_APIS.into_iter().enumerate() {
        shopify(api);
        let shop = ["Privacy shop ", &i.to_string()].concat();
        let before = net.sent().len();
        let signals = start(&shop, ORDER, &webhook(endpoint)).expect("signals");
        events(&signals, &[SHOWN, &checkout_opt_in(), CLICK]);
        settle().await;
        shopify("undefined");
        let sent = net.types()[before..].to_vec();
        let expected: &[&str] = match allowed {
            true => &["opted_in", "offer_viewed", "item_clicked"],
            false => &[],
        };
        assert_eq!(sent, expected, "{api}");
        assert_eq!(gate_stored(&shop), allowed, "{api}: the gate");
        assert_eq!(
            stored(&shop).0,
            Vec::<String>::new(),
            "{api}: nothing left queued"
        );
    }

    // What an earlier page left waits while the privacy API says no.
    let shop = "Privacy shop with a past";
    left_behind(shop, endpoint, "cb_waiting");
    shopify("{ customerPrivacy: { marketingAllowed: () => false } }");
    let before = net.sent().len();
    let signals = start(shop, ORDER, &webhook(endpoint));
    settle().await;
    shopify("undefined");
    assert!(signals.is_some());
    assert_eq!(net.sent().len(), before, "nothing sent");
    assert_eq!(stored(shop).0, ["cb_waiting"], "kept for later");
}

#[wasm_bindgen_test]
async fn the_outbox_is_kept_in_local_storage_and_resumed() {
    // Offline: the signals wait in the shop's stored outbox.
    let shop = "Offline shop";
    let endpoint = "https://hooks.test/offline";
    let net = Network::install(endpoint);
    net.down(true);
    let signals = start(shop, ORDER, &webhook(endpoint)).expect("signals");
    events(&signals, &[SHOWN, &checkout_opt_in()]);
    until("both tried", || net.sent().len() >= 2).await;
    let (queued, delivered) = stored(shop);
    assert_eq!(queued.len(), 2);
    assert_eq!(delivered, Vec::<String>::new());
    let sent: Vec<String> = net.sent().iter().map(|s| s.field(&["id"])).collect();
    assert_eq!(queued, sent[..2], "the two signals tried are kept");
    // Forgotten, so this page's retries of them stop here.
    storage()
        .remove_item(&["crossbuy:outbox:", shop].concat())
        .unwrap();
    drop(net);

    // The next page of another shop finds what an earlier page left, and sends it, even
    // without signals configured (the loader starts the module for that alone).
    let shop = "Resumed shop";
    let endpoint = "https://hooks.test/resumed";
    let net = Network::install(endpoint);
    left_behind(shop, endpoint, "cb_left_behind");
    assert!(start(shop, ORDER, &[]).is_none());
    until("the stored signal was sent", || net.sent().len() == 1).await;
    assert_eq!(net.sent()[0].field(&["id"]), "cb_left_behind");
    until("the outbox emptied", || stored(shop).0.is_empty()).await;
    assert_eq!(stored(shop).1, ["cb_left_behind"]);
}

#[wasm_bindgen_test]
async fn disabled_or_full_storage_keeps_signals_in_memory_with_one_warning() {
    let window = global();
    let object: JsValue = get(&window, "Object");
    let describe: Function = get(&object, "getOwnPropertyDescriptor").unchecked_into();
    let define: Function = get(&object, "defineProperty").unchecked_into();
    let descriptor = describe
        .call2(&object, &window, &"localStorage".into())
        .unwrap();
    let prototype = get(&get(&window, "Storage"), "prototype");
    let set_item = get(&prototype, "setItem");
    for (i, broken) in ["disabled", "full"].into_iter().enumerate() {
        let endpoint = ["https://hooks.test/storage-", broken].concat();
        let shop = ["Storage shop ", broken].concat();
        let net = Network::install(&endpoint);
        let console = Console::spy();
        if i == 0 {
            let throwing = js(
                "",
                r#"return { configurable: true,
                    get() { throw new DOMException("The operation is insecure.", "SecurityError") } }"#,
            );
            define
                .call3(
                    &object,
                    &window,
                    &"localStorage".into(),
                    &throwing.call0(&JsValue::NULL).unwrap(),
                )
                .unwrap();
        } else {
            let full = js(
                "",
                r#"throw new DOMException("The quota has been exceeded.", "QuotaExceededError")"#,
            );
            set(&prototype, "setItem", &full);
        }
        let signals = start(&shop, ORDER, &webhook(&endpoint));
        if let Some(s) = &signals {
            events(s, &[SHOWN, &checkout_opt_in()]);
        }
        until("both sent", || net.sent().len() == 2).await;
        if let Some(s) = &signals {
            s.event(r#"{"kind":"feedback","helpful":false}"#);
        }
        until("the feedback sent", || net.sent().len() == 3).await;
        define
            .call3(&object, &window, &"localStorage".into(), &descriptor)
            .unwrap();
        set(&prototype, "setItem", &set_item);
        assert!(signals.is_some(), "{broken}: signals start");
        assert_eq!(net.types(), ["opted_in", "offer_viewed", "feedback"]);
        assert_eq!(
            console.messages(),
            ["warn: crossbuy: localStorage is not available; signals wait in memory and are lost if the shopper leaves before they are sent"],
            "{broken}"
        );
    }
}

#[wasm_bindgen_test]
async fn a_request_the_endpoint_refuses_is_given_up_with_one_console_error() {
    let shop = "Refusing shop";
    let endpoint = "https://hooks.test/refusing";
    let net = Network::install(endpoint);
    net.answer(400);
    let console = Console::spy();
    let signals = start(shop, ORDER, &webhook(endpoint)).expect("signals");
    events(&signals, &[SHOWN, &checkout_opt_in()]);
    until("both given up", || console.messages().len() == 2).await;
    settle().await;
    let sent = net.sent();
    assert_eq!(sent.len(), 2, "not retried");
    let expected: Vec<String> = sent
        .iter()
        .map(|s| {
            [
                "error: crossbuy: POST ",
                endpoint,
                " answered HTTP 400; signal ",
                &s.field(&["id"]),
                " given up",
            ]
            .concat()
        })
        .collect();
    assert_eq!(console.messages(), expected);
    assert_eq!(stored(shop).0, Vec::<String>::new());
}

#[wasm_bindgen_test]
fn a_signals_misconfiguration_is_reported() {
    let console = Console::spy();
    for (options, message) in [
        (
            vec![("signals", "klaviyo")],
            "error: crossbuy: options.klaviyoKey: the shop's public Klaviyo key is missing",
        ),
        (
            vec![("signals", "webhook")],
            "error: crossbuy: options.signalsUrl: the webhook's url is missing",
        ),
        (
            vec![
                ("signals", "webhook"),
                ("signalsUrl", "javascript:alert(1)"),
            ],
            "error: crossbuy: options.signalsUrl: expected an http(s) url",
        ),
        (
            vec![("signals", "mailchimp")],
            "error: crossbuy: options.signalsUrl: the relay's url is missing",
        ),
        (
            vec![("signals", "sendgrid")],
            "error: crossbuy: options.signals: expected klaviyo, webhook, relay, mailchimp, activecampaign, drip or omnisend",
        ),
    ] {
        assert!(start("Misconfigured shop", ORDER, &options).is_none());
        assert_eq!(console.messages().pop().as_deref(), Some(message));
    }
    assert_eq!(console.messages().len(), 5);

    // An event it cannot read (not the widget's) is named, and nothing else happens.
    let signals = start(
        "Misconfigured shop",
        ORDER,
        &webhook("https://hooks.test/misconfigured"),
    )
    .expect("signals");
    events(
        &signals,
        &[r#"{"kind":"wave"}"#, r#"{"kind":"opt_in","email":" "}"#],
    );
    assert_eq!(
        console.messages()[5..],
        [
            r#"error: crossbuy: options.signal: unknown kind in {"kind":"wave"}"#,
            r#"error: crossbuy: options.signal: no email in {"kind":"opt_in","email":" "}"#,
        ]
    );
    signals.event("{");
    assert_eq!(console.messages().len(), 8);
    assert!(
        console.messages()[7].ends_with(" in {"),
        "{:?}",
        console.messages()[7]
    );
}

#[wasm_bindgen_test]
async fn after_the_cart_changed_later_signals_describe_the_new_context() {
    let shop = "Cart shop";
    let endpoint = "https://hooks.test/cart";
    let net = Network::install(endpoint);
    let console = Console::spy();
    let signals = start(shop, ORDER, &webhook(endpoint)).expect("signals");
    events(
        &signals,
        &[SHOWN, &opt_in("ada@example.com", "widget", CONSENT_TEXT)],
    );
    until("opted_in and the view arrived", || net.sent().len() == 2).await;
    assert_eq!(net.sent()[0].field(&["data", "order_id"]), "1001");

    // The shop's cart page re-read its cart: the next signal is about that page, not the order.
    signals.update(JsValue::from_str(
        r#"{"page":"cart","items":[{"product_id":"mug","quantity":2,"price":899}]}"#,
    ));
    events(&signals, &[CLICK]);
    until("the click arrived", || net.sent().len() == 3).await;
    let click = &net.sent()[2];
    assert_eq!(net.types()[2], "item_clicked");
    assert_eq!(click.field(&["data", "page"]), "cart");
    assert_eq!(click.field(&["data", "order_id"]), "null");

    // A broken context is said once and the last good one stays.
    signals.update(JsValue::from_str(r#"{"page":"basket"}"#));
    events(&signals, &[HELPFUL]);
    until("the feedback arrived", || net.sent().len() == 4).await;
    assert_eq!(net.sent()[3].field(&["data", "page"]), "cart");
    let log = console.messages();
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(
        log[0].starts_with("error: crossbuy: page context page: expected"),
        "{log:?}"
    );
}

/// Installs a stand-in for a platform's loaded script that records its calls in `calls`:
/// Drip's (`window.dc` and a `_dcq` whose `push` calls back `success`, or `failure` when
/// `fail`), or Omnisend's (`omnisend.identifyContact` and `omnisend.push`).
fn platform_script(platform: &str, calls: &Array, fail: bool) {
    let install = match platform {
        "drip" => js(
            "calls, fail",
            "window.dc = {}; window._dcq = { push(a) { calls.push(JSON.parse(JSON.stringify(a))); \
             const o = a[a.length - 1]; (fail ? o.failure : o.success)({ success: !fail }); return 1; } };",
        ),
        _ => js(
            "calls",
            "window.omnisend = { push(a) { calls.push(JSON.parse(JSON.stringify(a))); return 1; }, \
             identifyContact(c) { calls.push(['identifyContact', c]); } };",
        ),
    };
    install
        .call2(&JsValue::NULL, calls, &JsValue::from_bool(fail))
        .unwrap();
}

/// The recorded calls as compact JSON, `[method, name]` of each (`identify`, `track crossbuy
/// Opted In`…).
fn call_names(calls: &Array) -> Vec<String> {
    calls
        .iter()
        .map(|c| {
            let c: Array = c.dyn_into().unwrap();
            let method = c.get(0).as_string().unwrap();
            match c.get(1).as_string() {
                Some(name) => [method, name].join(" "),
                None => method,
            }
        })
        .collect()
}

#[wasm_bindgen_test]
async fn drip_and_omnisend_get_the_signals_through_their_own_script_on_the_page() {
    let email_opt_in = opt_in("ada@example.com", "widget", CONSENT_TEXT);
    for platform in ["drip", "omnisend"] {
        let shop = ["Script shop ", platform].concat();
        let calls = Array::new();
        platform_script(platform, &calls, false);
        let signals = start(&shop, ORDER, &[("signals", platform)]).unwrap();
        events(&signals, &[SHOWN, &email_opt_in, ADD]);
        until("three signals handed over", || calls.length() == 4).await;
        let identify = if platform == "drip" {
            "identify"
        } else {
            "identifyContact"
        };
        assert_eq!(
            call_names(&calls),
            [
                identify,
                "track crossbuy Opted In",
                "track crossbuy Offer Viewed",
                "track crossbuy Item Added"
            ],
            "{platform}: one at a time, the identification first"
        );
        let first = get(&calls.get(0), "1");
        assert_eq!(
            get(&first, "email").as_string().as_deref(),
            Some("ada@example.com")
        );
        until("delivered", || stored(&shop).0.is_empty()).await;
        assert_eq!(
            stored(&shop).1.len(),
            4,
            "{platform}: remembered as delivered"
        );
        for name in ["dc", "_dcq", "omnisend"] {
            Reflect::delete_property(global().unchecked_ref::<Object>(), &name.into()).unwrap();
        }
    }
}

#[wasm_bindgen_test]
async fn without_the_platforms_script_or_when_drip_fails_the_signals_wait() {
    // No Drip script on this page: nothing is handed anywhere, the signals stay queued.
    let signals = start("Scriptless shop", ORDER, &[("signals", "drip")]).unwrap();
    set(&global(), "_dcq", &Array::new());
    events(
        &signals,
        &[SHOWN, &opt_in("ada@example.com", "widget", CONSENT_TEXT)],
    );
    settle().await;
    assert_eq!(
        stored("Scriptless shop").0.len(),
        3,
        "identify, opted_in, offer_viewed wait"
    );
    assert!(stored("Scriptless shop").1.is_empty());
    // Drip's script answers `failure`: kept for a retry, not given up.
    let calls = Array::new();
    platform_script("drip", &calls, true);
    let failing = start("Failing Drip shop", ORDER, &[("signals", "drip")]).unwrap();
    events(
        &failing,
        &[&opt_in("ada@example.com", "widget", CONSENT_TEXT)],
    );
    until("handed to Drip", || calls.length() >= 1).await;
    settle().await;
    // The opt-in's identify (refused by Drip), opted_in and offer_viewed: all kept.
    let queued = stored("Failing Drip shop").0;
    assert_eq!(
        queued.len(),
        3,
        "still queued after Drip's failure: {queued:?}"
    );
    assert!(queued[0].ends_with("_identify"), "{queued:?}");
    assert!(stored("Failing Drip shop").1.is_empty());
    // Drip recovers: the kept signals go with the next retry (about a second later), each
    // once, and this shop has nothing left to retry while the tests that follow run (a retry
    // landing in the storage test's broken localStorage would warn there).
    let recovered = Array::new();
    platform_script("drip", &recovered, false);
    for _ in 0..100 {
        if stored("Failing Drip shop").0.is_empty() {
            break;
        }
        later(100).await;
    }
    assert_eq!(
        stored("Failing Drip shop").0,
        Vec::<String>::new(),
        "delivered once Drip recovered"
    );
    assert_eq!(stored("Failing Drip shop").1.len(), 3);
    for name in ["dc", "_dcq"] {
        Reflect::delete_property(global().unchecked_ref::<Object>(), &name.into()).unwrap();
    }
}
