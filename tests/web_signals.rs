//! Opt-in signals in a real browser, as the shopper and the shop's endpoint see them: the
//! consent box, that nothing reaches the network (or even the outbox) before opt-in or when the
//! page's privacy API says no, what is sent after opt-in, and the outbox in `localStorage`:
//! kept across pages, resumed, and in memory when storage is disabled or full.
//!
//! Every test uses its own shop name, so its own stored outbox and page sender, and its own
//! endpoint url, so a retry of another test's signal never counts. `Date.now` is pinned where
//! a time is checked.
//!
//! Run with `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use crossbuy::engine::json::{self, Value};
use crossbuy::engine::outbox::{Config, Message, Outbox, Request};
use crossbuy::web::exports::{mount, Widget};
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, ShadowRoot, Storage};

wasm_bindgen_test_configure!(run_in_browser);

/// A small shop: `mug` is bought with the others.
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
  ]
}"#;

/// An order of one mug, placed at 2026-11-20T10:00:00Z (1795168800000).
const ORDER: &str = r#"{"page":"thank_you","order_id":"1001","created_at":"2026-11-20T10:00:00Z",
  "email":"ada@example.com","accepts_marketing":false,"items":[{"product_id":"mug","quantity":1,"price":899}]}"#;

/// 2026-11-20T10:05:00Z.
const FIVE_PAST: f64 = 1_795_169_100_000.0;

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

/// A fresh `<div>` in the page whose product links do not navigate away; removed when dropped.
struct Target(Element);

impl Target {
    fn new() -> Target {
        let document = web_sys::window().unwrap().document().unwrap();
        let el = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&el).unwrap();
        let stop = js(
            "e",
            "const t = e.composedPath()[0]; if (t.closest && t.closest('a')) e.preventDefault()",
        );
        el.add_event_listener_with_callback("click", &stop).unwrap();
        Target(el)
    }

    fn shadow(&self) -> ShadowRoot {
        self.0.shadow_root().expect("the widget's shadow root")
    }

    fn find(&self, selector: &str) -> Option<HtmlElement> {
        let found = self.shadow().query_selector(selector).unwrap();
        found.map(|e| e.unchecked_into())
    }

    fn click(&self, selector: &str) {
        self.find(selector)
            .unwrap_or_else(|| panic!("no {selector}"))
            .click();
    }

    fn text(&self, selector: &str) -> String {
        self.find(selector)
            .map_or("-".into(), |e| e.text_content().unwrap_or_default())
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        self.0.remove();
    }
}

/// Mounts the shop named `shop` for `context` with these (string) options.
fn mount_shop(
    target: &Target,
    shop: &str,
    context: &str,
    extra: &[(&str, &str)],
) -> Option<Widget> {
    let options = Object::new();
    set(&options, "context", &context.into());
    for (k, v) in extra {
        set(&options, k, &(*v).into());
    }
    mount(
        target.0.clone().into(),
        SHOP.replace("NAME", shop).into(),
        options.into(),
    )
}

/// The webhook options for `url`.
fn webhook(url: &str) -> [(&str, &str); 2] {
    [("signals", "webhook"), ("signalsUrl", url)]
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
/// `answer` says (`status`, `retryAfter`, `down`); `/cart/add.js` is answered 200; anything
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
        let saved = get(&global(), "fetch");
        let make = js(
            "state, endpoint, original",
            r#"return function (url, init) {
                url = String(url);
                if (url.endsWith("/cart/add.js")) {
                    return Promise.resolve(new Response('{"items":[]}', { status: 200 }));
                }
                if (!url.startsWith(endpoint)) return original(url, init);
                state.requests.push({ url, headers: JSON.stringify(init.headers), body: init.body,
                                      keepalive: init.keepalive === true });
                if (state.down) return Promise.reject(new TypeError("Failed to fetch"));
                const headers = state.retryAfter ? { "retry-after": state.retryAfter } : {};
                return Promise.resolve(new Response(null, { status: state.status, headers }));
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

/// Pins `Date.now()` (the clock crossbuy gives the engine); restored on drop.
struct Clock(JsValue);

impl Clock {
    fn at(ms: f64) -> Clock {
        let date = get(&global(), "Date");
        let saved = get(&date, "now");
        set(
            &date,
            "now",
            &js("", &["return ", &ms.to_string()].concat()),
        );
        Clock(saved)
    }
}

impl Drop for Clock {
    fn drop(&mut self) {
        set(&get(&global(), "Date"), "now", &self.0);
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

#[wasm_bindgen_test]
async fn nothing_is_queued_or_sent_before_the_shopper_opts_in() {
    let shop = "Consent shop";
    let endpoint = "https://hooks.test/consent";
    let net = Network::install(endpoint);
    let _clock = Clock::at(FIVE_PAST);
    let target = Target::new();
    let _widget = mount_shop(&target, shop, ORDER, &webhook(endpoint)).unwrap();

    // The box: unticked, the default wording, the context's email, no feedback question yet.
    let check: web_sys::HtmlInputElement = target.find(".cb-check").unwrap().unchecked_into();
    assert!(!check.checked());
    assert_eq!(
        target.text("label.cb-consent"),
        "Email me tips and offers for my order"
    );
    let email: web_sys::HtmlInputElement = target.find("#cb-email").unwrap().unchecked_into();
    assert_eq!(email.value(), "ada@example.com");
    assert_eq!(email.get_attribute("aria-describedby").unwrap(), "cb-note");
    assert!(target.find(".cb-fb").unwrap().hidden());

    // Shopping without opting in: a followed link, an item added. Nothing queued, nothing sent.
    target.click("a.cb-title");
    target.click("button.cb-add");
    until("the cart answered", || {
        target.text("[role=status]") == "Added to cart"
    })
    .await;
    for _ in 0..5 {
        tick().await;
    }
    assert_eq!(net.types(), Vec::<String>::new());
    assert_eq!(stored(shop).0, Vec::<String>::new());

    // An address that cannot receive mail: the box stays unticked and says why.
    email.set_value("ada@example");
    check.click();
    assert!(!check.checked());
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        target.text("#cb-note"),
        "Enter a valid email address, like name@example.com."
    );
    assert_eq!(stored(shop).0, Vec::<String>::new());

    // Opting in: `opted_in` and the view, one request at a time, with the wording and time.
    email.set_value(" Ada@Example.com ");
    check.click();
    assert!(check.checked());
    assert_eq!(email.get_attribute("aria-invalid"), None);
    assert!(!target.find(".cb-fb").unwrap().hidden());
    assert!(target.find(".cb-mail").unwrap().hidden());
    assert_eq!(
        target.text("#cb-note"),
        "Untick to opt out. Every email has an unsubscribe link."
    );
    until("two signals arrived", || net.sent().len() == 2).await;
    assert_eq!(net.types(), ["opted_in", "offer_viewed"]);
    let opted = &net.sent()[0];
    assert_eq!(opted.url, endpoint);
    assert!(opted.keepalive);
    assert_eq!(
        opted.headers.get("Idempotency-Key").and_then(Value::as_str),
        Some(opted.field(&["id"]).as_str())
    );
    assert_eq!(opted.field(&["data", "email"]), "ada@example.com");
    assert_eq!(opted.field(&["occurred_at"]), "2026-11-20T10:05:00Z");
    assert_eq!(
        opted.field(&["data", "consent"]),
        r#"{"text":"Email me tips and offers for my order","at":"2026-11-20T10:05:00Z","source":"widget"}"#
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

    // After opt-in: a click, an add, the feedback.
    target.click("a.cb-title");
    target.click("button.cb-add");
    until("the cart answered", || {
        target.text("[role=status]") == "Added to cart"
    })
    .await;
    target.click(".cb-yes");
    until("five signals", || net.sent().len() == 5).await;
    assert_eq!(
        net.types(),
        [
            "opted_in",
            "offer_viewed",
            "item_clicked",
            "item_added",
            "feedback"
        ]
    );
    assert_eq!(
        net.sent()[3].field(&["data", "item", "variant_id"]),
        "tea-1"
    );
    assert_eq!(net.sent()[4].field(&["data", "helpful"]), "true");
    assert_eq!(target.text("#cb-note"), "Thanks for your feedback.");
    assert!(target.find(".cb-yes").unwrap().has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn checkout_consent_counts_and_unticking_opts_out() {
    let shop = "Checkout shop";
    let endpoint = "https://hooks.test/checkout";
    let net = Network::install(endpoint);
    let target = Target::new();
    let hostile = "<b>Yes</b>, email me & more";
    let context = ORDER.replace(
        r#""accepts_marketing":false"#,
        r#""accepts_marketing":true"#,
    );
    let mut options = webhook(endpoint).to_vec();
    options.push(("consentText", hostile));
    let _widget = mount_shop(&target, shop, &context, &options).unwrap();

    // The merchant's wording as text; ticked from checkout, saying how to opt out.
    let label = target.find("label.cb-consent").unwrap();
    assert_eq!(label.text_content().unwrap(), hostile);
    assert!(label.query_selector("b").unwrap().is_none());
    let check: web_sys::HtmlInputElement = target.find(".cb-check").unwrap().unchecked_into();
    assert!(check.checked());
    assert_eq!(
        target.text("#cb-note"),
        "Agreed at checkout. Untick to opt out; emails have an unsubscribe link."
    );
    until("two signals arrived", || net.sent().len() == 2).await;
    assert_eq!(net.types(), ["opted_in", "offer_viewed"]);
    // Consent from checkout records no wording of crossbuy's.
    assert_eq!(
        net.sent()[0].field(&["data", "consent", "source"]),
        "checkout"
    );
    assert_eq!(net.sent()[0].field(&["data", "consent", "text"]), "null");

    // Unticked: nothing more from this page.
    check.click();
    assert!(!check.checked());
    target.click("a.cb-title");
    target.click("button.cb-add");
    until("the cart answered", || {
        target.text("[role=status]") == "Added to cart"
    })
    .await;
    for _ in 0..5 {
        tick().await;
    }
    assert_eq!(net.sent().len(), 2);
}

#[wasm_bindgen_test]
async fn when_the_privacy_api_says_no_nothing_is_sent_at_all() {
    let endpoint = "https://hooks.test/privacy";
    let net = Network::install(endpoint);
    let context = ORDER.replace(
        r#""accepts_marketing":false"#,
        r#""accepts_marketing":true"#,
    );
    // Not allowed, an API that cannot answer, and allowed (the old method name too).
    for (i, (api, sends)) in [
        (
            "{ customerPrivacy: { marketingAllowed: () => false } }",
            false,
        ),
        ("{ customerPrivacy: {} }", false),
        (
            "{ customerPrivacy: { marketingAllowed() { throw new Error('x') } } }",
            false,
        ),
        (
            "{ customerPrivacy: { userCanBeTracked: () => true } }",
            true,
        ),
        (
            "{ customerPrivacy: { marketingAllowed: () => true } }",
            true,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        shopify(api);
        let shop = ["Privacy shop ", &i.to_string()].concat();
        let before = net.sent().len();
        let target = Target::new();
        let _widget = mount_shop(&target, &shop, &context, &webhook(endpoint)).unwrap();
        for _ in 0..5 {
            tick().await;
        }
        shopify("undefined");
        assert_eq!(target.find(".cb-optin").is_some(), sends, "{api}: the box");
        assert_eq!(
            net.sent().len() - before,
            if sends { 2 } else { 0 },
            "{api}"
        );
        assert_eq!(
            stored(&shop).0,
            Vec::<String>::new(),
            "{api}: nothing queued"
        );
    }
}

#[wasm_bindgen_test]
async fn the_outbox_is_kept_in_local_storage_and_resumed() {
    // Offline: the signals wait in the shop's stored outbox.
    let shop = "Offline shop";
    let endpoint = "https://hooks.test/offline";
    let net = Network::install(endpoint);
    net.down(true);
    let target = Target::new();
    let context = ORDER.replace(
        r#""accepts_marketing":false"#,
        r#""accepts_marketing":true"#,
    );
    let _widget = mount_shop(&target, shop, &context, &webhook(endpoint)).unwrap();
    until("both tried", || net.sent().len() >= 2).await;
    let (queued, delivered) = stored(shop);
    assert_eq!(queued.len(), 2);
    assert_eq!(delivered, Vec::<String>::new());
    // Forgotten, so this page's retries of them stop here.
    storage()
        .remove_item(&["crossbuy:outbox:", shop].concat())
        .unwrap();
    drop(net);

    // The next page of another shop finds what an earlier page left, and sends it, even
    // without signals configured and without cards to show.
    let shop = "Resumed shop";
    let endpoint = "https://hooks.test/resumed";
    let net = Network::install(endpoint);
    let mut outbox = Outbox::new(Config::default());
    outbox.enqueue(
        Message {
            key: "cb_left_behind".into(),
            consent: true,
            request: Request {
                url: endpoint.into(),
                headers:
                    r#"{"content-type":"application/json","Idempotency-Key":"cb_left_behind"}"#
                        .into(),
                body: r#"{"type":"opted_in","id":"cb_left_behind"}"#.into(),
            },
        },
        js_sys::Date::now() as i64,
    );
    storage()
        .set_item(&["crossbuy:outbox:", shop].concat(), &outbox.to_json())
        .unwrap();
    let target = Target::new();
    let nothing_to_show = r#"{"page":"cart","items":[{"product_id":"spoon"}]}"#;
    assert!(mount_shop(&target, shop, nothing_to_show, &[]).is_none());
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
        let target = Target::new();
        let context = ORDER.replace(
            r#""accepts_marketing":false"#,
            r#""accepts_marketing":true"#,
        );
        let widget = mount_shop(&target, &shop, &context, &webhook(&endpoint));
        until("both sent", || net.sent().len() == 2).await;
        target.click(".cb-no");
        until("the feedback sent", || net.sent().len() == 3).await;
        define
            .call3(&object, &window, &"localStorage".into(), &descriptor)
            .unwrap();
        set(&prototype, "setItem", &set_item);
        assert!(widget.is_some(), "{broken}: the widget shows");
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
    let target = Target::new();
    let context = ORDER.replace(
        r#""accepts_marketing":false"#,
        r#""accepts_marketing":true"#,
    );
    let _widget = mount_shop(&target, shop, &context, &webhook(endpoint)).unwrap();
    until("both given up", || console.messages().len() == 2).await;
    for _ in 0..10 {
        tick().await;
    }
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
fn a_signals_misconfiguration_is_reported_and_the_widget_still_shows() {
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
            "error: crossbuy: options.signals: expected \"klaviyo\" or \"webhook\"",
        ),
    ] {
        let target = Target::new();
        assert!(mount_shop(&target, "Misconfigured shop", ORDER, &options).is_some());
        assert!(target.find(".cb-card").is_some());
        assert!(
            target.find(".cb-optin").is_none(),
            "{message}: no consent box"
        );
        assert_eq!(console.messages().pop().as_deref(), Some(message));
    }
    assert_eq!(console.messages().len(), 4);
}

/// The space `www/crossbuy.js` reserves on the target when signals are on.
fn reserved_height() -> &'static str {
    let loader = include_str!("../www/crossbuy.js");
    let marker = "const RESERVE_SIGNALS = \"";
    let start = loader.find(marker).expect("RESERVE_SIGNALS in the loader") + marker.len();
    loader[start..].split('"').next().unwrap()
}

#[wasm_bindgen_test]
fn with_the_consent_box_the_widget_still_fills_the_reserved_space() {
    for width in ["18rem", "40rem", "80rem"] {
        let target = Target::new();
        let el: &HtmlElement = target.0.unchecked_ref();
        el.style().set_property("width", width).unwrap();
        el.style()
            .set_property("min-height", reserved_height())
            .unwrap();
        let before = el.offset_height();
        mount_shop(
            &target,
            "Layout shop",
            ORDER,
            &webhook("https://hooks.test/layout"),
        )
        .unwrap();
        assert!(target.find(".cb-optin").is_some());
        let section = target.find("section.cb").unwrap();
        assert_eq!(el.offset_height(), before, "at {width}");
        assert_eq!(
            section.offset_height(),
            before,
            "the widget fills its space at {width}"
        );
    }
}
