//! Offers in a real browser, with the clock in the test's hands (`options.now`): badges and
//! struck-through prices, the bundle row as items are ticked, the countdown as it ticks and
//! ends, its record across reloads, "Give me more time" and "Hide timer", the shopper's
//! language (right to left for Arabic) and the merchant's texts.
//!
//! Run with `wasm-pack test --headless --chrome`. A tick is asked for the way a shopper's
//! browser asks for one on return to the tab: a `visibilitychange` event. No test waits.
#![cfg(target_arch = "wasm32")]

use crossbuy::exports::{mount, Widget};
use crossbuy_engine::i18n::{Lang, Overrides};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function clock(t) { const c = { t, now: () => c.t }; return c; }
export function spy() {
  const log = [], saved = {};
  for (const level of ["error", "warn"]) {
    saved[level] = console[level];
    console[level] = (m, ...rest) => String(m).startsWith("crossbuy") ? log.push(level + ": " + m) : saved[level](m, ...rest);
  }
  return { log, restore() { Object.assign(console, saved); } };
}
export function stubShop(status) {
  const requests = [], saved = window.fetch;
  window.fetch = async (url, init = {}) => {
    requests.push([init.method || "GET", url, init.body || ""].join(" ").trim());
    return new Response(status === 200 ? "{}" : '{"description":"Sold out"}', { status });
  };
  return { requests, restore() { window.fetch = saved; } };
}
export function breakStorage(how) {
  const proto = Storage.prototype, setItem = proto.setItem;
  const own = Object.getOwnPropertyDescriptor(window, "localStorage");
  if (how === "full") proto.setItem = () => { throw new DOMException("full", "QuotaExceededError"); };
  else Object.defineProperty(window, "localStorage", { configurable: true, get() { throw new DOMException("denied", "SecurityError"); } });
  return () => { proto.setItem = setItem; if (how !== "full") { if (own) Object.defineProperty(window, "localStorage", own); else delete window.localStorage; } };
}
export function tabReturns() { document.dispatchEvent(new Event("visibilitychange")); }
export function nextTask() { return new Promise((r) => setTimeout(r, 0)); }
"#)]
extern "C" {
    type Clock;
    fn clock(t: f64) -> Clock;
    type Spy;
    fn spy() -> Spy;
    #[wasm_bindgen(method, getter)]
    fn log(this: &Spy) -> Vec<String>;
    #[wasm_bindgen(method)]
    fn restore(this: &Spy);
    type StubShop;
    #[wasm_bindgen(js_name = stubShop)]
    fn stub_shop(status: u16) -> StubShop;
    #[wasm_bindgen(method, getter)]
    fn requests(this: &StubShop) -> Vec<String>;
    #[wasm_bindgen(method, js_name = restore)]
    fn restore_fetch(this: &StubShop);
    #[wasm_bindgen(js_name = breakStorage)]
    fn break_storage(how: &str) -> js_sys::Function;
    #[wasm_bindgen(js_name = tabReturns)]
    fn tab_returns();
    #[wasm_bindgen(js_name = nextTask)]
    fn next_task() -> js_sys::Promise;
}

impl Clock {
    fn set(&self, ms: i64) {
        Reflect::set(self, &"t".into(), &(ms as f64).into()).unwrap();
    }
}

/// 2026-11-20T10:00:00Z, the order's time.
const T0: i64 = 1_795_168_800_000;
const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/// A shop in GBP: a mug bought with tea (rated), spoons and coasters; `offers` is its
/// `offers` array.
fn snapshot(offers: &str) -> String {
    format!(
        r#"{{"version":1,"shop":{{"name":"T","currency":"GBP","locale":"en-GB"}},"products":[
      {{"id":"mug","variant_ids":["mug-1"],"url":"/products/mug","title":"Mug","price":899,
        "neighbours":[{{"id":"tea","score":0.9,"count":9}},{{"id":"spoon","score":0.7,"count":7}},
                      {{"id":"coaster","score":0.5,"count":5}}]}},
      {{"id":"tea","variant_ids":["40001"],"url":"/products/tea","title":"Tea","price":800,
        "rating":4.75,"review_count":1203}},
      {{"id":"spoon","variant_ids":["spoon-1"],"url":"/products/spoon","title":"Spoon","price":350}},
      {{"id":"coaster","variant_ids":["coaster-1"],"url":"/products/coaster","title":"Coaster",
        "price":1299,"compare_at_price":1500}}],
      "offers":{offers}}}"#
    )
}

const TWENTY: &str =
    r#"[{"id":"thanks","kind":"percent","percent":20,"code":"THANKS20","pages":["thank_you"]}]"#;

/// The thank-you page of order `order` (placed at T0) in `locale`.
fn thank_you(order: &str, locale: &str) -> String {
    format!(
        r#"{{"page":"thank_you","order_id":"{order}","created_at":"2026-11-20T10:00:00Z","locale":"{locale}","items":[{{"product_id":"mug"}}]}}"#
    )
}

/// A widget in a fresh `<div>` (removed when dropped) with the clock at `now`.
struct Page {
    target: Element,
    clock: Clock,
    widget: Option<Widget>,
}

impl Page {
    fn open(catalog: &str, context: &str, now: i64, extra: &[(&str, JsValue)]) -> Page {
        let document = web_sys::window().unwrap().document().unwrap();
        let target = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&target).unwrap();
        let clock = clock(now as f64);
        let options = Object::new();
        Reflect::set(&options, &"context".into(), &context.into()).unwrap();
        let now_fn = Reflect::get(&clock, &"now".into()).unwrap();
        Reflect::set(&options, &"now".into(), &now_fn).unwrap();
        for (k, v) in extra {
            Reflect::set(&options, &(*k).into(), v).unwrap();
        }
        let widget = mount(target.clone().into(), catalog.into(), options.into());
        Page {
            target,
            clock,
            widget,
        }
    }

    fn root(&self) -> ShadowRoot {
        self.target.shadow_root().expect("a widget")
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.root().query_selector_all(selector).unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().unchecked_into())
            .collect()
    }

    /// The text of each match, joined by " | "; "-" for none.
    fn text(&self, selector: &str) -> String {
        let texts: Vec<String> = self
            .all(selector)
            .iter()
            .map(|e| e.text_content().unwrap_or_default())
            .collect();
        if texts.is_empty() {
            "-".into()
        } else {
            texts.join(" | ")
        }
    }

    /// Each card as `id: price texts (with the hidden labels) / notes`.
    fn cards(&self) -> Vec<String> {
        self.all("li.cb-card")
            .iter()
            .map(|card| {
                let part = |sel: &str| {
                    let list = card.query_selector_all(sel).unwrap();
                    (0..list.length())
                        .map(|i| list.item(i).unwrap().text_content().unwrap())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                [
                    card.get_attribute("data-product-id").unwrap() + ":",
                    part(".cb-price > *"),
                    "/".into(),
                    part(".cb-note"),
                ]
                .join(" ")
                .trim()
                .to_owned()
            })
            .collect()
    }

    /// The bundle row and the offer bar, as the shopper reads them.
    fn offer(&self) -> String {
        [".cb-total", ".cb-time", ".cb-status"]
            .map(|s| self.text(s))
            .join(" / ")
    }

    fn click(&self, selector: &str) {
        self.all(selector)[0].unchecked_ref::<HtmlElement>().click();
    }

    /// Ticks or unticks card `i`'s bundle box as a shopper does.
    fn tick_item(&self, i: usize, on: bool) {
        let boxes = self.all("input.cb-pick");
        let input: &HtmlInputElement = boxes[i].unchecked_ref();
        if input.checked() != on {
            input.click();
        }
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        if let Some(w) = self.widget.as_mut() {
            w.unmount();
        }
        self.target.remove();
    }
}

fn clear_storage() {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
}

/// Cards and the bundle row for `offers` on a thank-you page `hours` after the order.
fn check_offer(offers: &str, hours: i64, cards: &[&str], offer: &str) {
    clear_storage();
    let page = Page::open(
        &snapshot(offers),
        &thank_you("1", "en-GB"),
        T0 + hours * HOUR,
        &[],
    );
    assert_eq!(page.cards(), cards, "{offers}");
    assert_eq!(page.offer(), offer, "{offers}");
}

#[wasm_bindgen_test]
fn offers_show_badges_struck_prices_and_the_bundle_saving() {
    let regular = [
        "tea: £8.00 / ★ 4.8 (1,203 reviews) Pairs with your Mug",
        "spoon: £3.50 / Pairs with your Mug",
        "coaster: Sale price £12.99 Original price £15.00 -13% / Pairs with your Mug",
    ];
    check_offer(
        TWENTY,
        1,
        &[
            "tea: Sale price £6.40 Original price £8.00 -20% / ★ 4.8 (1,203 reviews) Pairs with your Mug",
            "spoon: Sale price £2.80 Original price £3.50 -20% / Pairs with your Mug",
            "coaster: Sale price £10.39 Original price £12.99 -20% / Pairs with your Mug",
        ],
        "Total: £19.59 · You save £4.90 / Offer ends in 1 d 23 h / ",
    );
    check_offer(
        r#"[{"id":"a","kind":"amount","amount":100,"products":["tea","spoon"]}]"#,
        0,
        &[
            "tea: Sale price £7.00 Original price £8.00 Save £1.00 / ★ 4.8 (1,203 reviews) Pairs with your Mug",
            "spoon: Sale price £2.50 Original price £3.50 Save £1.00 / Pairs with your Mug",
            regular[2],
        ],
        "Total: £22.49 · You save £2.00 / Offer ends in 2 d 0 h / ",
    );
    // A bundle offer leaves the cards alone and prices the row.
    check_offer(
        r#"[{"id":"b","kind":"bundle_price","bundle_price":2000,"window_hours":4}]"#,
        0,
        &regular,
        "Total: £20.00 · You save £4.49 / Offer ends in 4 h 0 min / ",
    );
    // The campaign is over: regular prices, no countdown, nothing announced.
    check_offer(
        r#"[{"id":"c","kind":"percent","percent":20,"ends_at":"2026-11-20T09:00:00Z"}]"#,
        1,
        &regular,
        "Total: £24.49 / - / ",
    );
    // The order's 48 hours are over.
    check_offer(TWENTY, 48, &regular, "Total: £24.49 / - / ");
}

#[wasm_bindgen_test]
async fn the_bundle_adds_the_ticked_items_in_one_request_and_applies_the_code() {
    clear_storage();
    let page = Page::open(&snapshot(TWENTY), &thank_you("2", "en-GB"), T0 + HOUR, &[]);
    page.tick_item(1, false);
    assert_eq!(
        page.text(".cb-total"),
        "Total: £16.79 · You save £4.20",
        "without the spoon"
    );
    page.tick_item(0, false);
    page.tick_item(2, false);
    assert_eq!(page.text(".cb-total"), "Total: £0.00");
    let add_all = &page.all("button.cb-all")[0];
    assert!(add_all.has_attribute("disabled"), "nothing to add");
    page.tick_item(0, true);
    page.tick_item(2, true);
    assert!(!add_all.has_attribute("disabled"));

    let shop = stub_shop(200);
    page.click("button.cb-all");
    assert_eq!(page.text(".cb-status"), "Adding…");
    for _ in 0..50 {
        if page.text(".cb-status") != "Adding…" {
            break;
        }
        JsFuture::from(next_task()).await.unwrap();
    }
    shop.restore_fetch();
    assert_eq!(
        shop.requests(),
        [
            r#"POST /cart/add.js {"items":[{"id":40001,"quantity":1},{"id":"coaster-1","quantity":1}]}"#,
            "GET /discount/THANKS20?redirect=/cart.js",
        ]
    );
    assert_eq!(
        page.text(".cb-status"),
        "Added to cart · Code THANKS20 is applied at checkout"
    );
}

#[wasm_bindgen_test]
fn the_countdown_ticks_and_the_end_is_announced_once() {
    clear_storage();
    let spy = spy();
    let page = Page::open(
        &snapshot(TWENTY),
        &thank_you("3", "en-GB"),
        T0 + 47 * HOUR,
        &[],
    );
    let timer = &page.all(".cb-time")[0];
    assert_eq!(timer.get_attribute("role").as_deref(), Some("timer"));
    assert_eq!(timer.get_attribute("aria-live").as_deref(), Some("off"));
    assert_eq!(page.text(".cb-time"), "Offer ends in 1 h 0 min");
    // In the last hour, minutes and seconds; a partial second counts as one.
    for (at, shown) in [
        (T0 + 47 * HOUR + 1, "Offer ends in 1 h 0 min"),
        (T0 + 47 * HOUR + 1_000, "Offer ends in 59 min 59 s"),
        (T0 + 48 * HOUR - 1_500, "Offer ends in 0 min 2 s"),
        (T0 + 48 * HOUR - 1, "Offer ends in 0 min 1 s"),
    ] {
        page.clock.set(at);
        tab_returns();
        assert_eq!(page.text(".cb-time"), shown);
    }
    assert_eq!(page.text(".cb-badge"), "-20% | -20% | -20%");
    page.clock.set(T0 + 48 * HOUR);
    tab_returns();
    assert_eq!(page.offer(), "Total: £24.49 / - / This offer has ended");
    assert_eq!(
        page.text(".cb-badge"),
        "-13%",
        "only the real compare-at saving"
    );
    assert_eq!(page.text("s.cb-was"), "£15.00");
    // Announced once: nothing more on later ticks, nor after a reload.
    page.all(".cb-status")[0].set_text_content(None);
    tab_returns();
    assert_eq!(page.text(".cb-status"), "");
    drop(page);
    let reload = Page::open(
        &snapshot(TWENTY),
        &thank_you("3", "en-GB"),
        T0 + 48 * HOUR,
        &[],
    );
    assert_eq!(reload.offer(), "Total: £24.49 / - / ");
    spy.restore();
    assert_eq!(spy.log(), Vec::<String>::new());
}

#[wasm_bindgen_test]
fn a_reload_or_a_clock_set_back_never_extends_the_deadline() {
    clear_storage();
    let checkout = r#"{"page":"checkout","items":[{"product_id":"mug"}]}"#;
    let offers = r#"[{"id":"c","kind":"percent","percent":10}]"#;
    let view = |now: i64| {
        Page::open(&snapshot(offers), checkout, now, &[])
            .text(".cb-time")
            .clone()
    };
    // Checkout: the window starts at the first view.
    assert_eq!(view(T0), "Offer ends in 2 d 0 h");
    assert_eq!(view(T0 + 10 * HOUR), "Offer ends in 1 d 14 h");
    // The shopper sets the clock back a day: no time comes back.
    assert_eq!(view(T0 - 24 * HOUR), "Offer ends in 1 d 14 h");
    assert_eq!(view(T0 + 11 * HOUR), "Offer ends in 1 d 13 h");
    assert_eq!(view(T0 + 48 * HOUR), "-");
    // Expired stays expired, whatever the clock says.
    assert_eq!(view(T0 + HOUR), "-");
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("crossbuy:deadline:checkout:mug")
        .unwrap()
        .unwrap();
    assert!(stored.ends_with(r#""expired":true}"#), "{stored}");
}

/// A thank-you page's countdown starts at the order, so clearing storage does not give the
/// shopper a new window; an order time the widget cannot read shows no offer at all (one
/// warning says why), rather than a countdown that would start again.
#[wasm_bindgen_test]
fn a_cleared_storage_never_restarts_an_orders_countdown() {
    let spy = spy();
    clear_storage();
    let first = Page::open(&snapshot(TWENTY), &thank_you("7", "en-GB"), T0 + HOUR, &[]);
    assert_eq!(first.text(".cb-time"), "Offer ends in 1 d 23 h");
    drop(first);
    clear_storage();
    let again = Page::open(
        &snapshot(TWENTY),
        &thank_you("7", "en-GB"),
        T0 + 10 * HOUR,
        &[],
    );
    assert_eq!(again.text(".cb-time"), "Offer ends in 1 d 14 h");
    drop(again);
    assert_eq!(spy.log(), Vec::<String>::new());
    let unreadable = thank_you("8", "en-GB").replace("2026-11-20T10:00:00Z", "yesterday");
    for now in [T0, T0 + 10 * HOUR] {
        clear_storage();
        let page = Page::open(&snapshot(TWENTY), &unreadable, now, &[]);
        assert_eq!(page.offer(), "Total: £24.49 / - / ");
        assert_eq!(
            page.text(".cb-badge"),
            "-13%",
            "only the real compare-at saving"
        );
    }
    spy.restore();
    assert_eq!(
        spy.log(),
        [
            "warn: crossbuy: page context created_at: expected a four-digit year at character 0, got \"yesterday\"; without the order's time no offer is shown on this page";
            2
        ],
        "once per page"
    );
}

/// The largest prices a snapshot allows (10^15 minor units each) add up exactly on the bundle
/// row, with and without an offer: never a total that wrapped round below zero.
#[wasm_bindgen_test]
fn the_largest_prices_add_up_exactly() {
    let max = r#""price":1000000000000000"#;
    let largest = |offers: &str| {
        snapshot(offers)
            .replace(r#""price":800"#, max)
            .replace(r#""price":350"#, max)
            .replace(r#""price":1299"#, max)
    };
    for (offers, total) in [
        ("[]", "Total: £30,000,000,000,000.00"),
        (
            TWENTY,
            "Total: £24,000,000,000,000.00 · You save £6,000,000,000,000.00",
        ),
    ] {
        clear_storage();
        let page = Page::open(&largest(offers), &thank_you("9", "en-GB"), T0, &[]);
        assert_eq!(page.text(".cb-total"), total, "{offers}");
    }
}

/// The `localStorage` keys of the deadline records, sorted.
fn deadline_keys() -> Vec<String> {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let mut keys: Vec<String> = (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .filter(|k| k.starts_with("crossbuy:deadline:"))
        .collect();
    keys.sort();
    keys
}

#[wasm_bindgen_test]
fn a_deadline_belongs_to_the_order_or_else_to_the_cart() {
    clear_storage();
    let offers = r#"[{"id":"c","kind":"percent","percent":10}]"#;
    Page::open(&snapshot(offers), &thank_you("1001", "en-GB"), T0, &[]);
    // A cart in any order, with an item the snapshot does not know, is one cart. (Its own
    // cart: another test leaves records in memory for the page's life.)
    let cart = |items: &str, now: i64| {
        let context = format!(r#"{{"page":"checkout","items":[{items}]}}"#);
        Page::open(&snapshot(offers), &context, now, &[])
            .text(".cb-time")
            .clone()
    };
    assert_eq!(
        cart(
            r#"{"product_id":"tea"},{"product_id":"mug"},{"product_id":"zz"}"#,
            T0
        ),
        "Offer ends in 2 d 0 h"
    );
    // Ten hours later the same cart resumes its window.
    assert_eq!(
        cart(
            r#"{"product_id":"mug"},{"product_id":"tea"}"#,
            T0 + 10 * HOUR
        ),
        "Offer ends in 1 d 14 h"
    );
    assert_eq!(
        deadline_keys(),
        [
            "crossbuy:deadline:checkout:mug:tea",
            "crossbuy:deadline:order:1001"
        ]
    );
}

#[wasm_bindgen_test]
fn short_windows_offer_more_time_and_the_timer_can_be_hidden() {
    clear_storage();
    let offers = r#"[{"id":"s","kind":"percent","percent":10,"window_hours":2}]"#;
    let page = Page::open(&snapshot(offers), &thank_you("4", "en-GB"), T0 + HOUR, &[]);
    assert_eq!(page.text(".cb-time"), "Offer ends in 1 h 0 min");
    let more = &page.all("button.cb-more")[0];
    assert!(!more.has_attribute("hidden"), "a window under 20 hours");
    page.click("button.cb-more");
    assert_eq!(page.text(".cb-time"), "Offer ends in 3 h 0 min");
    assert_eq!(
        page.text(".cb-status"),
        "More time added: the offer now ends in 3 h 0 min"
    );
    page.click("button.cb-hide");
    assert!(page.all(".cb-time")[0].has_attribute("hidden"));
    assert_eq!(page.text("button.cb-hide"), "Show timer");
    page.click("button.cb-hide");
    assert!(!page.all(".cb-time")[0].has_attribute("hidden"));
    assert_eq!(page.text("button.cb-hide"), "Hide timer");

    clear_storage();
    let long = Page::open(&snapshot(TWENTY), &thank_you("5", "en-GB"), T0, &[]);
    assert!(
        long.all("button.cb-more")[0].has_attribute("hidden"),
        "48 hours: none"
    );
}

/// The language pack the loader fetches for `lang` (`pkg/i18n/<code>.json`, made by
/// `crossbuy i18n-packs` from the same tables).
fn pack(lang: Lang) -> (&'static str, JsValue) {
    ("texts", Overrides::builtin(lang).to_json().into())
}

#[wasm_bindgen_test]
fn the_shoppers_language_and_direction() {
    clear_storage();
    let ar = Page::open(
        &snapshot(TWENTY),
        &thank_you("6", "ar"),
        T0 + HOUR,
        &[pack(Lang::Ar)],
    );
    let section = &ar.all("section.cb")[0];
    assert_eq!(section.get_attribute("dir").as_deref(), Some("rtl"));
    assert_eq!(ar.text("h2"), "يُشترى معًا بشكل متكرر");
    assert_eq!(ar.text("button.cb-all"), "أضف المحدد إلى السلة");
    // Mirrored: the badge sits at the inline start (right), the box at the inline end.
    // (Both are placed in the card, so their offsets are from its left edge.)
    let offset = |sel: &str| {
        let el: HtmlElement = ar.all(sel)[0].clone().unchecked_into();
        (el.offset_left(), el.offset_left() + el.offset_width())
    };
    let middle = ar.all("li.cb-card")[0]
        .unchecked_ref::<HtmlElement>()
        .offset_width()
        / 2;
    assert!(offset(".cb-badge").0 > middle, "badge on the right");
    assert!(offset(".cb-pick").1 < middle, "box on the left");

    clear_storage();
    let euros = snapshot(TWENTY).replace(
        r#""currency":"GBP","locale":"en-GB""#,
        r#""currency":"EUR""#,
    );
    let fr = Page::open(
        &euros,
        &thank_you("7", "fr-FR"),
        T0 + HOUR,
        &[pack(Lang::Fr)],
    );
    assert_eq!(
        fr.all("section.cb")[0].get_attribute("dir").as_deref(),
        Some("ltr")
    );
    assert_eq!(
        fr.cards()[0],
        "tea: Prix soldé 6,40\u{a0}€ Prix d’origine 8,00\u{a0}€ -20\u{202f}% / ★ 4,8 (1\u{202f}203 avis) S’accorde avec votre Mug"
    );
    assert_eq!(
        fr.offer(),
        "Total\u{a0}: 19,59\u{a0}€ · Vous économisez 4,90\u{a0}€ / L’offre se termine dans 1 j 23 h / "
    );
    // Without its pack (not loaded) the page is in English, never in key names.
    let bare = Page::open(&euros, &thank_you("7", "fr-FR"), T0 + HOUR, &[]);
    assert_eq!(bare.text("button.cb-all"), "Add selected to cart");
}

#[wasm_bindgen_test]
fn the_merchants_texts_win_and_a_mistake_is_reported_once() {
    clear_storage();
    let spy = spy();
    let strings =
        r#"{"*":{"heading":"Complete the look"},"en":{"add_selected":"Add {title} all"}}"#;
    let bad = Page::open(
        &snapshot("[]"),
        &thank_you("8", "en-GB"),
        T0,
        &[("strings", strings.into())],
    );
    assert_eq!(
        bad.text("h2"),
        "Frequently bought together",
        "built-in texts"
    );
    let good = Page::open(
        &snapshot("[]"),
        &thank_you("8", "en-GB"),
        T0,
        &[("strings", r#"{"*":{"heading":"Complete the look"}}"#.into())],
    );
    assert_eq!(good.text("h2"), "Complete the look");
    spy.restore();
    assert_eq!(
        spy.log(),
        ["error: crossbuy: strings.en.add_selected: unknown placeholder {title}; this text takes none (in options.strings)"]
    );
}

#[wasm_bindgen_test]
fn without_storage_the_deadline_lives_in_memory_and_one_warning_says_so() {
    let spy = spy();
    // On checkout the window starts at the first view: only a kept record keeps it. (Each
    // case has its own basket, so its own record.)
    let checkout = r#"{"page":"checkout","items":[{"product_id":"mug"},{"product_id":"ITEM"}]}"#;
    let offers = r#"[{"id":"c","kind":"percent","percent":10}]"#;
    for (how, item) in [("denied", "spoon"), ("full", "coaster")] {
        clear_storage();
        let context = checkout.replace("ITEM", item);
        let restore = break_storage(how);
        let first = Page::open(&snapshot(offers), &context, T0, &[]);
        let again = Page::open(&snapshot(offers), &context, T0 + HOUR, &[]);
        restore.call0(&JsValue::NULL).unwrap();
        assert_eq!(first.text(".cb-time"), "Offer ends in 2 d 0 h", "{how}");
        assert_eq!(again.text(".cb-time"), "Offer ends in 1 d 23 h", "{how}");
    }
    spy.restore();
    assert_eq!(
        spy.log(),
        ["warn: crossbuy: localStorage is disabled or full: the offer's deadline is kept in memory for this page"]
    );
}
