//! The widget in a real browser, as a shopper and the shop's cart endpoint see it: the cards in
//! the shadow root, their prices and badges, the text of hostile titles, what "Add to cart"
//! sends and shows, and that bad input renders nothing and throws nothing.
//!
//! Run with `wasm-pack test --headless --chrome` (`webdriver.json` holds Chrome's flags).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use crossbuy::exports::{mount, Widget};
use js_sys::{Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement, Response, ResponseInit, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

/// A small shop: `mug` is bought with the others; `tea` has two variants and a real saving.
const SHOP: &str = r#"{
  "version": 1,
  "shop": { "name": "Test shop", "currency": "GBP", "locale": "en-GB" },
  "products": [
    { "id": "mug", "variant_ids": ["mug-1"], "url": "/products/mug", "title": "Mug",
      "image": "/img/mug.svg", "price": 899,
      "neighbours": [
        { "id": "tea", "score": 0.9, "count": 9 }, { "id": "spoon", "score": 0.7, "count": 7 },
        { "id": "coaster", "score": 0.5, "count": 5 }, { "id": "cosy", "score": 0.3, "count": 3 }
      ] },
    { "id": "tea", "variant_ids": ["40001", "40002"], "url": "/products/tea", "title": "Tea",
      "image": "/img/tea.svg", "price": 800, "compare_at_price": 1000,
      "neighbours": [{ "id": "mug", "score": 0.8, "count": 9 }, { "id": "cosy", "score": 0.6, "count": 4 }] },
    { "id": "spoon", "variant_ids": ["spoon-1"], "url": "https://shop.example/products/spoon",
      "title": "Spoon", "image": "https://cdn.example/spoon.png", "price": 350, "compare_at_price": 350 },
    { "id": "coaster", "variant_ids": ["coaster-1"], "url": "/products/coaster", "title": "Coaster",
      "price": 1299, "compare_at_price": 999 },
    { "id": "cosy", "variant_ids": ["cosy-1"], "url": "/products/cosy", "title": "Tea cosy",
      "image": "/img/cosy.svg", "price": 500 }
  ]
}"#;

const BOUGHT_MUG: &str = r#"{"page":"thank_you","items":[{"product_id":"mug","quantity":1}]}"#;

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh, empty `<div>` in the page; removed when dropped.
struct Target(Element);

impl Target {
    fn new() -> Target {
        let el = document().create_element("div").unwrap();
        document().body().unwrap().append_child(&el).unwrap();
        Target(el)
    }

    fn shadow(&self) -> ShadowRoot {
        self.0.shadow_root().expect("the widget's shadow root")
    }

    fn html(&self) -> &HtmlElement {
        self.0.unchecked_ref()
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        self.0.remove();
    }
}

/// `{ context, ...extra }` for `mount`.
fn options(context: &str, extra: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &"context".into(), &context.into()).unwrap();
    for (k, v) in extra {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

fn mount_into(target: &Target, catalog: &str, options: JsValue) -> Option<Widget> {
    mount(target.0.clone().into(), catalog.into(), options)
}

fn text(el: &Element, selector: &str) -> String {
    el.query_selector(selector)
        .unwrap()
        .map_or("-".to_owned(), |e| e.text_content().unwrap_or_default())
}

/// One line per card: `id | title | href | now | was | badge | image`.
fn cards(root: &ShadowRoot) -> Vec<String> {
    let list = root.query_selector_all("li.cb-card").unwrap();
    (0..list.length())
        .map(|i| {
            let card: Element = list.item(i).unwrap().unchecked_into();
            let img = card
                .query_selector("img")
                .unwrap()
                .map_or("tile".to_owned(), |img| {
                    ["src", "width", "height", "loading", "decoding", "alt"]
                        .map(|a| img.get_attribute(a).unwrap_or("?".into()))
                        .join(" ")
                });
            let href = card
                .query_selector("a.cb-title")
                .unwrap()
                .and_then(|a| a.get_attribute("href"))
                .unwrap_or("-".into());
            [
                card.get_attribute("data-product-id").unwrap_or("-".into()),
                text(&card, ".cb-title"),
                href,
                text(&card, ".cb-price .cb-now"),
                text(&card, ".cb-price s.cb-was"),
                text(&card, ".cb-price .cb-badge"),
                img,
            ]
            .join(" | ")
        })
        .collect()
}

/// Records what crossbuy writes to the console instead of printing it; restores on drop.
struct Console {
    messages: Rc<RefCell<Vec<String>>>,
    saved: Vec<(&'static str, JsValue)>,
    _hooks: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl Console {
    fn spy() -> Console {
        let console = Reflect::get(&js_sys::global(), &"console".into()).unwrap();
        let messages = Rc::new(RefCell::new(Vec::new()));
        let mut saved = Vec::new();
        let mut hooks = Vec::new();
        for level in ["error", "warn", "info", "log"] {
            let original: js_sys::Function = Reflect::get(&console, &level.into()).unwrap().into();
            saved.push((level, original.clone().into()));
            let sink = Rc::clone(&messages);
            // Records crossbuy's messages; anything else (a failing assertion) still prints.
            let hook = Closure::<dyn FnMut(JsValue)>::new(move |m: JsValue| {
                let text = m.as_string().unwrap_or_default();
                if text.starts_with("crossbuy") {
                    sink.borrow_mut().push(format!("{level}: {text}"));
                } else {
                    let _ = original.call1(&JsValue::NULL, &m);
                }
            });
            Reflect::set(&console, &level.into(), hook.as_ref()).unwrap();
            hooks.push(hook);
        }
        Console {
            messages,
            saved,
            _hooks: hooks,
        }
    }

    fn messages(&self) -> Vec<String> {
        self.messages.borrow().clone()
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let console = Reflect::get(&js_sys::global(), &"console".into()).unwrap();
        for (level, original) in &self.saved {
            Reflect::set(&console, &(*level).into(), original).unwrap();
        }
    }
}

/// How the stub shop answers `fetch`.
#[derive(Clone, Copy)]
enum Answer {
    Status(u16, &'static str),
    NetworkDown,
}

/// Replaces `window.fetch` with a shop that answers `answer` and records each request as
/// `METHOD url content-type body`; restores on drop.
struct Shop {
    requests: Rc<RefCell<Vec<String>>>,
    saved: JsValue,
    _hook: Closure<dyn FnMut(JsValue, JsValue) -> Promise>,
}

impl Shop {
    fn answering(answer: Answer) -> Shop {
        let window = js_sys::global();
        let saved = Reflect::get(&window, &"fetch".into()).unwrap();
        let requests = Rc::new(RefCell::new(Vec::new()));
        let log = Rc::clone(&requests);
        let hook = Closure::<dyn FnMut(JsValue, JsValue) -> Promise>::new(
            move |url: JsValue, init: JsValue| {
                let field = |o: &JsValue, k: &str| {
                    Reflect::get(o, &k.into())
                        .ok()
                        .and_then(|v| v.as_string())
                        .unwrap_or("-".into())
                };
                let headers = Reflect::get(&init, &"headers".into()).unwrap();
                log.borrow_mut().push(format!(
                    "{} {} {} {}",
                    field(&init, "method"),
                    url.as_string().unwrap_or_default(),
                    field(&headers, "Content-Type"),
                    field(&init, "body"),
                ));
                match answer {
                    Answer::Status(status, body) => {
                        let init = ResponseInit::new();
                        init.set_status(status);
                        let r = Response::new_with_opt_str_and_init(Some(body), &init).unwrap();
                        Promise::resolve(&JsValue::from(r))
                    }
                    Answer::NetworkDown => {
                        Promise::reject(&js_sys::TypeError::new("Failed to fetch").into())
                    }
                }
            },
        );
        Reflect::set(&window, &"fetch".into(), hook.as_ref()).unwrap();
        Shop {
            requests,
            saved,
            _hook: hook,
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.borrow().clone()
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        Reflect::set(&js_sys::global(), &"fetch".into(), &self.saved).unwrap();
    }
}

/// Yields to the event loop (a zero-delay task, so promise reactions and body reads run)
/// until `done` holds; the stub shop answers at once, so no clock is involved. Fails the test
/// if it never does.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        let next_task = Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback(&resolve)
                .unwrap();
        });
        JsFuture::from(next_task).await.unwrap();
    }
    panic!("never happened: {what}");
}

#[wasm_bindgen_test]
fn renders_the_recommended_cards_into_the_shadow_root() {
    let console = Console::spy();
    let target = Target::new();
    let widget = mount_into(&target, SHOP, options(BOUGHT_MUG, &[]));
    assert!(widget.is_some());
    let root = target.shadow();
    assert_eq!(
        text(root.unchecked_ref(), "section.cb > h2"),
        "Frequently bought together"
    );
    assert_eq!(
        cards(&root),
        [
            "tea | Tea | /products/tea | £8.00 | £10.00 | -20% | /img/tea.svg 160 160 lazy async ",
            "spoon | Spoon | https://shop.example/products/spoon | £3.50 | - | - | https://cdn.example/spoon.png 160 160 lazy async ",
            "coaster | Coaster | /products/coaster | £12.99 | - | - | tile",
        ]
    );
    let buttons = root.query_selector_all("li.cb-card button.cb-add").unwrap();
    assert_eq!(buttons.length(), 3);
    assert_eq!(
        buttons.item(0).unwrap().text_content().unwrap(),
        "Add to cart"
    );
    assert_eq!(text(root.unchecked_ref(), "section.cb [role=status]"), "");
    assert_eq!(console.messages(), Vec::<String>::new());
}

#[wasm_bindgen_test]
fn the_merchant_chooses_two_to_four_cards() {
    for (limit, expected) in [(4.0, 4), (2.0, 2), (1.0, 2), (9.0, 4)] {
        let target = Target::new();
        mount_into(
            &target,
            SHOP,
            options(BOUGHT_MUG, &[("limit", limit.into())]),
        )
        .unwrap();
        assert_eq!(cards(&target.shadow()).len(), expected, "limit {limit}");
    }
}

#[wasm_bindgen_test]
fn fewer_than_two_recommendations_show_nothing_and_say_nothing() {
    let console = Console::spy();
    let target = Target::new();
    let only_cosy = r#"{"page":"cart","items":[{"product_id":"cosy"}]}"#;
    assert!(mount_into(&target, SHOP, options(only_cosy, &[])).is_none());
    assert!(target.0.shadow_root().is_none());
    assert_eq!(console.messages(), Vec::<String>::new());
}

#[wasm_bindgen_test]
fn a_hostile_title_shows_as_text() {
    let hostile = r#"<img src=x onerror=alert(1)></style><script>alert(2)</script>"#;
    let catalog = SHOP
        .replace(
            r#""title": "Tea""#,
            &format!("\"title\": {}", JSON::stringify(&hostile.into()).unwrap()),
        )
        .replace(r#""image": "/img/tea.svg", "#, "");
    let target = Target::new();
    mount_into(&target, &catalog, options(BOUGHT_MUG, &[])).unwrap();
    let root = target.shadow();
    let title = root.query_selector(".cb-title").unwrap().unwrap();
    assert_eq!(title.text_content().unwrap(), hostile);
    assert_eq!(title.child_element_count(), 0);
    // Only the spoon has an image left; no element came out of the title.
    assert_eq!(root.query_selector_all("img").unwrap().length(), 1);
    assert_eq!(root.query_selector_all("script").unwrap().length(), 0);
}

#[wasm_bindgen_test]
fn a_broken_snapshot_renders_nothing_throws_nothing_and_says_where() {
    for (catalog, expected) in [
        (
            SHOP.replace(r#""price": 800"#, r#""price": 8.00"#),
            "error: crossbuy: snapshot products[1].price: expected integer minor units, got 8.00 (in https://shop.example/catalog.json)",
        ),
        (
            SHOP.replace(r#""/products/coaster""#, r#""javascript:alert(1)""#),
            "error: crossbuy: snapshot products[3].url: expected an http(s) or shop-relative url, got \"javascript:alert(1)\" (in https://shop.example/catalog.json)",
        ),
        (
            // Past crossbuy's largest amount: refused, never a total that wrapped round.
            SHOP.replace(r#""price": 1299"#, r#""price": 9223372036854775807"#),
            "error: crossbuy: snapshot products[3].price: expected integer minor units ≤ 1000000000000000, got 9223372036854775807 (in https://shop.example/catalog.json)",
        ),
        (
            SHOP.replace(r#"["40001", "40002"]"#, r#"["40001", 40002]"#),
            "error: crossbuy: snapshot products[1].variant_ids[1]: expected an id as a string, got 40002 (in https://shop.example/catalog.json)",
        ),
        (
            SHOP.replace(r#""version": 1"#, r#""version": 2"#),
            "error: crossbuy: snapshot version: this crossbuy understands snapshot version 1, got 2; update crossbuy.js (in https://shop.example/catalog.json)",
        ),
        (
            SHOP[..200].to_owned(),
            "error: crossbuy: snapshot is not valid JSON: line 6, column 9: unterminated string (in https://shop.example/catalog.json)",
        ),
        (
            "<!doctype html><title>Not found</title>".to_owned(),
            "error: crossbuy: snapshot is not valid JSON: line 1, column 1: expected a JSON value (in https://shop.example/catalog.json)",
        ),
    ] {
        let console = Console::spy();
        let target = Target::new();
        let source = ("source", "https://shop.example/catalog.json".into());
        assert!(mount_into(&target, &catalog, options(BOUGHT_MUG, &[source])).is_none());
        assert!(target.0.shadow_root().is_none());
        assert_eq!(console.messages(), [expected]);
    }
}

#[wasm_bindgen_test]
fn bad_arguments_are_reported_not_thrown() {
    let console = Console::spy();
    let target = Target::new();
    assert!(mount(JsValue::NULL, SHOP.into(), options(BOUGHT_MUG, &[])).is_none());
    assert!(mount(
        target.0.clone().into(),
        JsValue::from(42),
        options(BOUGHT_MUG, &[])
    )
    .is_none());
    let bad_root = ("root", "javascript:alert(1)".into());
    assert!(mount_into(&target, SHOP, options(BOUGHT_MUG, &[bad_root])).is_none());
    assert!(mount_into(&target, SHOP, options(r#"{"page":"home"}"#, &[])).is_none());
    assert!(target.0.shadow_root().is_none());
    assert_eq!(
        console.messages(),
        [
            "error: crossbuy: target: expected an element to render into, got null",
            "error: crossbuy: catalog: expected the snapshot's JSON text or object, got number",
            "error: crossbuy: options.root: expected an http(s) or shop-relative path such as \"/\" or \"/fr/\"",
            "error: crossbuy: page context page: expected \"product\", \"cart\", \"checkout\" or \"thank_you\", got \"home\" (in options.context)",
        ]
    );
}

/// The card of product `a`, whose price and compare-at price are under test.
fn check_price(price: i64, compare_at: Option<i64>, expected: &str) {
    let compare = compare_at.map_or(String::new(), |c| format!(r#""compare_at_price": {c},"#));
    let catalog = format!(
        r#"{{"version":1,"shop":{{"name":"t","currency":"GBP"}},"products":[
          {{"id":"x","variant_ids":["x"],"url":"/x","title":"X","price":1,
            "neighbours":[{{"id":"a","score":2,"count":1}},{{"id":"b","score":1,"count":1}}]}},
          {{"id":"a","variant_ids":["a"],"url":"/a","title":"A",{compare}"price":{price}}},
          {{"id":"b","variant_ids":["b"],"url":"/b","title":"B","price":1}}]}}"#
    );
    let target = Target::new();
    let context = r#"{"page":"thank_you","items":[{"product_id":"x"}],"locale":"en-GB"}"#;
    mount_into(&target, &catalog, options(context, &[])).unwrap();
    let first = cards(&target.shadow()).remove(0);
    let got: Vec<&str> = first.split(" | ").skip(3).take(3).collect();
    assert_eq!(
        got.join(" | "),
        expected,
        "price {price}, compare-at {compare_at:?}"
    );
}

#[wasm_bindgen_test]
fn the_was_price_and_badge_show_only_for_a_real_saving() {
    check_price(800, Some(1000), "£8.00 | £10.00 | -20%");
    // Whole percent, never rounded up: 15.7% off shows as -15%.
    check_price(295, Some(350), "£2.95 | £3.50 | -15%");
    // A saving under 1% is struck through but gets no "-0%" badge.
    check_price(999, Some(1000), "£9.99 | £10.00 | -");
    check_price(0, Some(100), "£0.00 | £1.00 | -100%");
    check_price(350, Some(350), "£3.50 | - | -");
    check_price(1299, Some(999), "£12.99 | - | -");
    check_price(500, None, "£5.00 | - | -");
}

/// The tea card's price for a shop currency and the page's locales.
fn check_money(
    currency: &str,
    shop_locale: Option<&str>,
    context_locale: Option<&str>,
    lang: Option<&str>,
    expected: &str,
) {
    let html = document().document_element().unwrap();
    let saved_lang = html.get_attribute("lang");
    match lang {
        Some(l) => html.set_attribute("lang", l).unwrap(),
        None => html.remove_attribute("lang").unwrap(),
    }
    let shop = match shop_locale {
        Some(l) => format!(r#""currency": "{currency}", "locale": "{l}""#),
        None => format!(r#""currency": "{currency}""#),
    };
    let catalog = SHOP.replace(r#""currency": "GBP", "locale": "en-GB""#, &shop);
    let context = match context_locale {
        Some(l) => BOUGHT_MUG.replace(r#""page""#, &format!(r#""locale":"{l}","page""#)),
        None => BOUGHT_MUG.to_owned(),
    };
    let target = Target::new();
    mount_into(&target, &catalog, options(&context, &[])).unwrap();
    match saved_lang {
        Some(l) => html.set_attribute("lang", &l).unwrap(),
        None => html.remove_attribute("lang").unwrap(),
    }
    let tea = cards(&target.shadow()).remove(0);
    assert_eq!(
        tea.split(" | ").nth(3).unwrap(),
        expected,
        "{currency} shop {shop_locale:?} page {context_locale:?} lang {lang:?}"
    );
}

#[wasm_bindgen_test]
fn prices_follow_the_currency_and_the_page_locale() {
    check_money("GBP", Some("en-GB"), None, None, "£8.00");
    check_money("EUR", Some("en-GB"), Some("de-DE"), None, "8,00\u{a0}€");
    check_money("EUR", None, None, Some("fr-FR"), "8,00\u{a0}€");
    // The document's language comes before the shop's default.
    check_money("USD", Some("en-GB"), None, Some("fr-FR"), "8,00\u{a0}$US");
    check_money("JPY", Some("ja-JP"), None, None, "￥800");
    check_money("KWD", Some("en-US"), None, None, "KWD\u{a0}0.800");
    // A malformed locale tag is skipped, not thrown.
    check_money("GBP", Some("en-GB"), Some("not a locale!"), None, "£8.00");
}

#[wasm_bindgen_test]
fn the_context_comes_from_the_page_element_or_shopify_checkout() {
    let console = Console::spy();
    let script = document().create_element("script").unwrap();
    script.set_attribute("type", "application/json").unwrap();
    script.set_id("crossbuy-context");
    script.set_text_content(Some(
        r#"{"page":"thank_you","items":[{"product_id":"tea"}]}"#,
    ));
    document().body().unwrap().append_child(&script).unwrap();
    let target = Target::new();
    mount_into(&target, SHOP, JsValue::UNDEFINED).unwrap();
    let ids: Vec<String> = cards(&target.shadow())
        .iter()
        .map(|c| c.split(" | ").next().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["mug", "cosy"]);

    script.set_text_content(Some(r#"{"page":"thank_you","items":[{}]}"#));
    let broken = Target::new();
    assert!(mount_into(&broken, SHOP, JsValue::UNDEFINED).is_none());
    script.remove();

    let shopify = JSON::parse(
        r#"{"checkout":{"order_id":4501,"currency":"GBP","email":"a@b.example",
            "line_items":[{"product_id":"mug","variant_id":"mug-1","quantity":1,"price":"8.99"}]}}"#,
    )
    .unwrap();
    Reflect::set(&js_sys::global(), &"Shopify".into(), &shopify).unwrap();
    let from_shopify = Target::new();
    let shown = mount_into(&from_shopify, SHOP, JsValue::UNDEFINED);
    Reflect::delete_property(
        js_sys::global().unchecked_ref::<Object>(),
        &"Shopify".into(),
    )
    .unwrap();
    assert!(shown.is_some());
    assert_eq!(cards(&from_shopify.shadow()).len(), 3);

    let nowhere = Target::new();
    assert!(mount_into(&nowhere, SHOP, JsValue::UNDEFINED).is_none());
    assert!(nowhere.0.shadow_root().is_none());
    assert_eq!(
        console.messages(),
        [
            "error: crossbuy: page context items[0].product_id: missing (in #crossbuy-context)",
            "warn: crossbuy: no page context: add <script type=\"application/json\" id=\"crossbuy-context\"> to the page; no widget shown",
        ]
    );
}

/// Clicks the `card`-th "Add to cart" with the shop answering `answer`, and checks what the
/// shop received, what the status area says and what the console got.
async fn check_add(
    answer: Answer,
    root: Option<&str>,
    card: u32,
    request: &str,
    status: &str,
    console_says: &[&str],
) {
    let shop = Shop::answering(answer);
    let console = Console::spy();
    let target = Target::new();
    let extra: Vec<(&str, JsValue)> = root.map(|r| ("root", r.into())).into_iter().collect();
    let _widget = mount_into(&target, SHOP, options(BOUGHT_MUG, &extra)).unwrap();
    let root = target.shadow();
    let button: HtmlElement = root
        .query_selector_all("button.cb-add")
        .unwrap()
        .item(card)
        .unwrap()
        .unchecked_into();
    let status_area = root.query_selector("[role=status]").unwrap().unwrap();
    button.click();
    assert!(button.has_attribute("disabled"), "disabled while in flight");
    assert_eq!(status_area.text_content().unwrap(), "Adding…");
    until("the shop's answer shows", || {
        status_area.text_content().unwrap() != "Adding…"
    })
    .await;
    assert_eq!(status_area.text_content().unwrap(), status);
    assert!(!button.has_attribute("disabled"), "enabled again");
    assert_eq!(shop.requests(), [request]);
    assert_eq!(console.messages(), console_says);
}

#[wasm_bindgen_test]
async fn add_to_cart_posts_the_variant_and_shows_the_shops_answer() {
    let tea = r#"POST /cart/add.js application/json {"items":[{"id":40001,"quantity":1}]}"#;
    check_add(
        Answer::Status(200, r#"{"items":[{"id":40001,"quantity":1}]}"#),
        None,
        0,
        tea,
        "Added to cart",
        &[],
    )
    .await;
    check_add(
        Answer::Status(200, "{}"),
        Some("/fr"),
        1,
        r#"POST /fr/cart/add.js application/json {"items":[{"id":"spoon-1","quantity":1}]}"#,
        "Added to cart",
        &[],
    )
    .await;
    check_add(
        Answer::Status(
            422,
            r#"{"status":422,"message":"Cart Error","description":"All 1 Tea are in your cart."}"#,
        ),
        None,
        0,
        tea,
        "Could not add to cart: All 1 Tea are in your cart.",
        &[],
    )
    .await;
    check_add(
        Answer::Status(
            422,
            r#"{"status":422,"message":"Tea is sold out.","description":null}"#,
        ),
        None,
        0,
        tea,
        "Could not add to cart: Tea is sold out.",
        &[],
    )
    .await;
    check_add(
        Answer::Status(500, "<h1>Internal error</h1>"),
        None,
        0,
        tea,
        "Could not reach the shop. Please try again.",
        &["error: crossbuy: POST /cart/add.js answered HTTP 500"],
    )
    .await;
    check_add(
        Answer::NetworkDown,
        None,
        0,
        tea,
        "Could not reach the shop. Please try again.",
        &["error: crossbuy: POST /cart/add.js failed: TypeError: Failed to fetch"],
    )
    .await;
}

#[wasm_bindgen_test]
fn update_rescores_and_unmount_empties_the_widget() {
    let console = Console::spy();
    let target = Target::new();
    let mut widget = mount_into(&target, SHOP, options(BOUGHT_MUG, &[])).unwrap();
    assert!(widget.update(r#"{"page":"cart","items":[{"product_id":"tea"}]}"#.into()));
    let ids: Vec<String> = cards(&target.shadow())
        .iter()
        .map(|c| c.split(" | ").next().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["mug", "cosy"]);
    assert!(!widget.update(r#"{"page":"cart","items":[{"product_id":"tea","price":"8"}]}"#.into()));
    assert_eq!(
        cards(&target.shadow()).len(),
        2,
        "a broken update keeps the cards"
    );
    widget.unmount();
    widget.unmount();
    assert_eq!(target.shadow().child_nodes().length(), 0);
    assert_eq!(target.shadow().adopted_style_sheets().length(), 0);
    // The same target can host the widget again.
    assert!(mount_into(&target, SHOP, options(BOUGHT_MUG, &[])).is_some());
    assert_eq!(cards(&target.shadow()).len(), 3);
    assert_eq!(
        console.messages(),
        ["error: crossbuy: page context items[0].price: expected integer minor units, got \"8\" (in update())"]
    );
}

/// The space the loader (`src/loader/crossbuy.js`) reserves on the target before the widget loads.
fn reserved_height() -> &'static str {
    let loader = include_str!("../src/loader/crossbuy.js");
    let start = loader
        .find("const RESERVE = \"")
        .expect("RESERVE in the loader")
        + 17;
    loader[start..].split('"').next().unwrap()
}

#[wasm_bindgen_test]
fn the_widget_fills_the_reserved_space_without_shifting_the_page() {
    let long =
        "A very long product title that goes on and on across three or more lines of the card";
    let catalog = SHOP
        .replace(r#""title": "Spoon""#, &format!("\"title\": \"{long}\""))
        .replace(
            r#""price": 800, "compare_at_price": 1000"#,
            r#""price": 123456789, "compare_at_price": 987654321"#,
        );
    for width in ["18rem", "40rem", "80rem"] {
        let target = Target::new();
        let style = target.html().style();
        style.set_property("width", width).unwrap();
        style.set_property("min-height", reserved_height()).unwrap();
        let before = target.html().offset_height();
        assert!(before > 300, "the reservation is real: {before}px");
        mount_into(
            &target,
            &catalog,
            options(BOUGHT_MUG, &[("limit", 4.into())]),
        )
        .unwrap();
        let section: HtmlElement = target
            .shadow()
            .query_selector("section.cb")
            .unwrap()
            .unwrap()
            .unchecked_into();
        assert_eq!(target.html().offset_height(), before, "at {width}");
        assert_eq!(
            section.offset_height(),
            before,
            "the widget fills its space at {width}"
        );
    }
}

/// Mounts with `options.cart` set to a page function that records its arguments and answers
/// `status` with `body`; clicks the first card and returns what the function received, the
/// status text, the `crossbuy:cart-changed` events the document got, and the console.
async fn check_cart_function(status: u16, body: &str) -> (String, String, u32, Vec<String>) {
    let console = Console::spy();
    let target = Target::new();
    let cart = js_sys::Function::new_with_args(
        "variant, product",
        &format!(
            "this.received = variant + ' ' + product; \
             return Promise.resolve(new Response({body:?}, {{ status: {status} }}));"
        ),
    );
    let receiver = Object::new();
    let cart = cart.bind0(&receiver);
    let events = Rc::new(RefCell::new(0));
    let count = Rc::clone(&events);
    let _listener = crossbuy_browser::js::Listener::new(
        &document(),
        "crossbuy:cart-changed",
        Box::new(move |_| *count.borrow_mut() += 1),
    );
    let _widget = mount_into(&target, SHOP, options(BOUGHT_MUG, &[("cart", cart.into())])).unwrap();
    let root = target.shadow();
    let button: HtmlElement = root
        .query_selector("button.cb-add")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let status_area = root.query_selector("[role=status]").unwrap().unwrap();
    button.click();
    until("the function's answer shows", || {
        status_area.text_content().unwrap() != "Adding…"
    })
    .await;
    let received = Reflect::get(&receiver, &"received".into())
        .unwrap()
        .as_string()
        .unwrap();
    let shown = status_area.text_content().unwrap();
    let n = *events.borrow();
    (received, shown, n, console.messages())
}

#[wasm_bindgen_test]
async fn a_page_function_adds_and_the_document_hears_of_it() {
    assert_eq!(
        check_cart_function(201, r#"{"items":[]}"#).await,
        (
            "40001 tea".to_owned(),
            "Added to cart".to_owned(),
            1,
            vec![]
        )
    );
    // WooCommerce's Store API error and BigCommerce's storefront error: the shop's words.
    assert_eq!(
        check_cart_function(403, r#"{"code":"woocommerce_rest_invalid_nonce","message":"Nonce is invalid.","data":{"status":403}}"#).await,
        (
            "40001 tea".to_owned(),
            "Could not add to cart: Nonce is invalid.".to_owned(),
            0,
            vec![]
        )
    );
    assert_eq!(
        check_cart_function(
            422,
            r#"{"status":422,"title":"Not enough stock: Tea","type":"x"}"#
        )
        .await,
        (
            "40001 tea".to_owned(),
            "Could not add to cart: Not enough stock: Tea".to_owned(),
            0,
            vec![]
        )
    );
    assert_eq!(
        check_cart_function(500, "oops").await,
        (
            "40001 tea".to_owned(),
            "Could not reach the shop. Please try again.".to_owned(),
            0,
            vec!["error: crossbuy: options.cart answered HTTP 500".to_owned()]
        )
    );
}

#[wasm_bindgen_test]
fn a_permalink_cart_makes_the_cards_links() {
    let target = Target::new();
    let extra = [("cart", "permalink".into()), ("root", "/fr/".into())];
    mount_into(&target, SHOP, options(BOUGHT_MUG, &extra)).unwrap();
    let root = target.shadow();
    assert!(root.query_selector("button").unwrap().is_none());
    let links = root.query_selector_all("a.cb-add").unwrap();
    let hrefs: Vec<String> = (0..links.length())
        .map(|i| {
            let a: Element = links.item(i).unwrap().unchecked_into();
            a.get_attribute("href").unwrap() + " " + &a.text_content().unwrap()
        })
        .collect();
    assert_eq!(
        hrefs,
        [
            "/fr/cart/40001:1 Add to cart",
            "/fr/cart/spoon-1:1 Add to cart",
            "/fr/cart/coaster-1:1 Add to cart"
        ]
    );
}
