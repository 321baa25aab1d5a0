//! The widget's side of opt-in signals in a real browser: the consent box as the shopper sees
//! it, and the events the widget hands to the page's `signal` function (JSON text, the
//! "Widget events" of `docs/signals.md`) for what the shopper does. The widget sends nothing
//! itself; the delivery is the signals module's (`tests/web_signals.rs`).
//!
//! Run with `wasm-pack test --headless --chrome`. The clock is the widget's `now` option; a
//! wait is for the page's cart function to answer, which it does at once.
#![cfg(target_arch = "wasm32")]

use crossbuy::exports::{mount, Widget};
use crossbuy_engine::json::{self, Value};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot};

mod common;
use common::PRIVACY_APIS;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function recorder(broken) {
  const r = { events: [] };
  r.signal = (e) => { r.events.push(e); if (broken) throw new Error("the page's handler broke"); };
  r.take = () => r.events.splice(0);
  return r;
}
export function clock(t) { return () => t; }
export function cart(status) {
  return () => Promise.resolve(new Response(status === 200 ? "{}" : '{"description":"Sold out"}', { status }));
}
export function spy() {
  const log = [], saved = {};
  for (const level of ["error", "warn"]) {
    saved[level] = console[level];
    console[level] = (m, ...rest) => String(m).startsWith("crossbuy") ? log.push(level + ": " + m) : saved[level](m, ...rest);
  }
  return { log, restore() { Object.assign(console, saved); } };
}
export function setShopify(expression) { window.Shopify = new Function("return " + expression)(); }
export function noLinks(el) {
  el.addEventListener("click", (e) => { const t = e.composedPath()[0]; if (t.closest && t.closest("a")) e.preventDefault(); });
}
export function nextTask() { return new Promise((r) => setTimeout(r, 0)); }
"#)]
extern "C" {
    type Recorder;
    fn recorder(broken: bool) -> Recorder;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &Recorder) -> js_sys::Function;
    #[wasm_bindgen(method)]
    fn take(this: &Recorder) -> Vec<String>;
    fn clock(t: f64) -> js_sys::Function;
    fn cart(status: u16) -> js_sys::Function;
    type Spy;
    fn spy() -> Spy;
    #[wasm_bindgen(method, getter)]
    fn log(this: &Spy) -> Vec<String>;
    #[wasm_bindgen(method)]
    fn restore(this: &Spy);
    #[wasm_bindgen(js_name = setShopify)]
    fn set_shopify(expression: &str);
    #[wasm_bindgen(js_name = noLinks)]
    fn no_links(el: &Element);
    #[wasm_bindgen(js_name = nextTask)]
    fn next_task() -> js_sys::Promise;
}

/// A shop in GBP: `mug` is bought with tea and spoons; `offers` is its `offers` array.
fn shop(name: &str, offers: &str) -> String {
    format!(
        r#"{{"version":1,"shop":{{"name":"{name}","currency":"GBP","locale":"en-GB"}},"products":[
      {{"id":"mug","variant_ids":["mug-1"],"url":"/products/mug","title":"Mug","price":899,
        "neighbours":[{{"id":"tea","score":0.9,"count":9}},{{"id":"spoon","score":0.7,"count":7}}]}},
      {{"id":"tea","variant_ids":["tea-1","tea-2"],"url":"/products/tea","title":"Tea","price":800}},
      {{"id":"spoon","variant_ids":["spoon-1"],"url":"/products/spoon","title":"Spoon","price":350}}],
      "offers":{offers}}}"#
    )
}

/// 20% off on the thank-you page, for the 48 hours after the order.
const TWENTY: &str =
    r#"[{"id":"thanks","kind":"percent","percent":20,"code":"THANKS20","pages":["thank_you"]}]"#;

/// The thank-you page of order `order` of one mug, placed at 2026-11-20T10:00:00Z by
/// ada@example.com, who did or did not accept email marketing at checkout.
fn order(order: &str, accepts_marketing: bool) -> String {
    format!(
        r#"{{"page":"thank_you","order_id":"{order}","created_at":"2026-11-20T10:00:00Z",
        "email":"ada@example.com","accepts_marketing":{accepts_marketing},
        "items":[{{"product_id":"mug","quantity":1,"price":899}}]}}"#
    )
}

/// 2026-11-20T10:05:00Z.
const FIVE_PAST: f64 = 1_795_169_100_000.0;

/// What the widget reports on showing the cards without an offer.
const SHOWN: &str = r#"{"kind":"shown","products":["tea","spoon"],"offer":"","ends_at":null}"#;

const CONSENT_TEXT: &str = "Email me tips and offers for my order";

/// A widget mounted in a fresh `<div>` (removed when dropped) whose `signal` option records
/// the events, with the clock at [`FIVE_PAST`]. Product links do not navigate away.
struct Page {
    target: Element,
    events: Recorder,
    widget: Option<Widget>,
}

impl Page {
    fn open(catalog: &str, context: &str, extra: &[(&str, JsValue)]) -> Page {
        Page::with(recorder(false), catalog, context, extra)
    }

    fn with(events: Recorder, catalog: &str, context: &str, extra: &[(&str, JsValue)]) -> Page {
        let document = web_sys::window().unwrap().document().unwrap();
        let target = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&target).unwrap();
        no_links(&target);
        let options = Object::new();
        let set = |k: &str, v: &JsValue| Reflect::set(&options, &k.into(), v).unwrap();
        set("context", &context.into());
        set("now", &clock(FIVE_PAST));
        set("cart", &cart(200));
        set("signal", &events.signal());
        for (k, v) in extra {
            set(k, v);
        }
        let widget = mount(target.clone().into(), catalog.into(), options.into());
        Page {
            target,
            events,
            widget,
        }
    }

    /// The events reported since the last call.
    fn take(&self) -> Vec<String> {
        self.events.take()
    }

    fn root(&self) -> ShadowRoot {
        self.target.shadow_root().expect("a widget")
    }

    fn find(&self, selector: &str) -> Option<HtmlElement> {
        let found = self.root().query_selector(selector).unwrap();
        found.map(|e| e.unchecked_into())
    }

    fn get(&self, selector: &str) -> HtmlElement {
        self.find(selector)
            .unwrap_or_else(|| panic!("no {selector}"))
    }

    fn input(&self, selector: &str) -> HtmlInputElement {
        self.get(selector).unchecked_into()
    }

    fn click(&self, selector: &str) {
        self.get(selector).click();
    }

    fn text(&self, selector: &str) -> String {
        self.find(selector)
            .map_or("-".into(), |e| e.text_content().unwrap_or_default())
    }

    /// The consent box as the shopper sees it: `ticked` or not, and which parts show.
    fn consent(&self) -> String {
        let shows = |selector: &'static str| match self.get(selector).hidden() {
            true => "",
            false => selector,
        };
        let ticked = match self.input(".cb-check").checked() {
            true => "ticked",
            false => "unticked",
        };
        [
            ticked,
            shows(".cb-mail"),
            shows(".cb-fb"),
            &self.text("#cb-note"),
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" / ")
    }

    /// Yields to the event loop until the page's cart answered an add (the status leaves
    /// "Adding…"); fails the test if it never does.
    async fn added(&self) -> String {
        for _ in 0..100 {
            let status = self.text("[role=status]");
            if status != "Adding…" {
                return status;
            }
            JsFuture::from(next_task()).await.unwrap();
        }
        panic!("the cart never answered");
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

/// The event's fields, read as JSON.
fn parsed(event: &str) -> Value {
    json::parse(event).unwrap_or_else(|e| panic!("{event}: {e}"))
}

#[wasm_bindgen_test]
async fn the_shoppers_actions_are_reported_as_events() {
    let page = Page::open(&shop("Events shop", TWENTY), &order("e1", false), &[]);
    assert!(page.widget.is_some());
    // The cards and the offer with its countdown's end, 48 hours after the order.
    assert_eq!(
        page.take(),
        [r#"{"kind":"shown","products":["tea","spoon"],"offer":"thanks","ends_at":1795341600000}"#]
    );

    page.click("a.cb-title");
    assert_eq!(page.take(), [r#"{"kind":"click","product":"tea"}"#]);

    page.click("button.cb-add");
    assert_eq!(page.added().await, "Added to cart");
    assert_eq!(
        page.take(),
        [r#"{"kind":"add","product":"tea","variant":"tea-1"}"#]
    );

    // The bundle row with the spoon unticked.
    page.input("input.cb-pick[data-index='1']").click();
    page.click("button.cb-all");
    page.added().await;
    assert_eq!(page.take(), [r#"{"kind":"bundle","ticked":[true,false]}"#]);

    // An add the shop refuses is no add.
    let refused = Page::open(
        &shop("Events shop", TWENTY),
        &order("e1", false),
        &[("cart", cart(422).into())],
    );
    refused.take();
    refused.click("button.cb-add");
    assert_eq!(refused.added().await, "Could not add to cart: Sold out");
    assert_eq!(refused.take(), Vec::<String>::new());
}

#[wasm_bindgen_test]
fn the_consent_box_shows_the_wording_as_text_and_asks_for_a_valid_email() {
    let wording = r#"<b>Yes</b>, "email" me & more"#;
    let page = Page::open(
        &shop("Box shop", "[]"),
        &order("b1", false),
        &[("consentText", wording.into())],
    );
    assert_eq!(page.take(), [SHOWN]);

    // The merchant's wording as text, the context's email, unticked.
    let label = page.get("label.cb-consent");
    assert_eq!(label.text_content().unwrap(), wording);
    assert!(label.query_selector("b").unwrap().is_none());
    let email = page.input("#cb-email");
    assert_eq!(email.value(), "ada@example.com");
    assert_eq!(
        email.get_attribute("aria-describedby").as_deref(),
        Some("cb-note")
    );
    assert_eq!(page.consent(), "unticked / .cb-mail");

    // An address that cannot receive mail: the box stays unticked, says why, reports nothing.
    email.set_value("ada@example");
    page.click(".cb-check");
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        page.consent(),
        "unticked / .cb-mail / Enter a valid email address"
    );
    assert_eq!(page.take(), Vec::<String>::new());

    // Opting in: the address as typed, trimmed, and the wording the shopper saw.
    email.set_value(" Ada@Example.com ");
    page.click(".cb-check");
    assert_eq!(email.get_attribute("aria-invalid"), None);
    assert_eq!(
        page.consent(),
        "ticked / .cb-fb / Thanks! We'll email you tips and offers for your order."
    );
    let events = page.take();
    assert_eq!(events.len(), 1, "{events:?}");
    let opt_in = parsed(&events[0]);
    assert_eq!(
        ["kind", "email", "source", "text"].map(|k| opt_in.get(k).and_then(Value::as_str)),
        [
            Some("opt_in"),
            Some("Ada@Example.com"),
            Some("widget"),
            Some(wording)
        ]
    );

    // "Was this helpful?", answered once.
    page.click(".cb-no");
    assert_eq!(page.take(), [r#"{"kind":"feedback","helpful":false}"#]);
    assert_eq!(page.consent(), "ticked / .cb-fb / Thanks for your feedback");
    assert!(page.get(".cb-yes").has_attribute("disabled"));
    page.click(".cb-yes");
    assert_eq!(page.take(), Vec::<String>::new());

    // Unticking opts out, and the box asks again.
    page.click(".cb-check");
    assert_eq!(page.take(), [r#"{"kind":"opt_out"}"#]);
    assert_eq!(page.consent(), "unticked / .cb-mail");
}

#[wasm_bindgen_test]
fn the_feedback_answer_yes_is_reported() {
    let page = Page::open(&shop("Feedback shop", "[]"), &order("f1", false), &[]);
    page.click(".cb-check");
    page.click(".cb-yes");
    assert_eq!(
        page.take(),
        [
            SHOWN.to_owned(),
            format!(
                r#"{{"kind":"opt_in","email":"ada@example.com","source":"widget","text":"{CONSENT_TEXT}"}}"#
            ),
            r#"{"kind":"feedback","helpful":true}"#.to_owned(),
        ]
    );
}

#[wasm_bindgen_test]
fn checkout_consent_counts_once_and_unticking_opts_out() {
    let context = order("c1", true);
    let mut page = Page::open(&shop("Checkout shop", "[]"), &context, &[]);
    // Ticked from checkout, saying how to opt out; the opt-in records no wording of the widget.
    assert_eq!(
        page.take(),
        [
            SHOWN,
            r#"{"kind":"opt_in","email":"ada@example.com","source":"checkout","text":""}"#
        ]
    );
    assert_eq!(
        page.consent(),
        "ticked / .cb-fb / You agreed to marketing emails at checkout. Untick the box to opt out."
    );

    page.click(".cb-check");
    assert_eq!(page.take(), [r#"{"kind":"opt_out"}"#]);
    assert_eq!(page.consent(), "unticked / .cb-mail");

    // The cart changed and the widget shows again: unticking sticks.
    let widget = page.widget.as_mut().unwrap();
    assert!(widget.update(context.as_str().into()));
    assert_eq!(page.take(), [SHOWN]);
    assert_eq!(page.consent(), "unticked / .cb-mail");

    // Marketing accepted but no email known: nothing to opt in with.
    let no_email = context.replace(r#""email":"ada@example.com","#, "");
    let page = Page::open(&shop("Checkout shop", "[]"), &no_email, &[]);
    assert_eq!(page.take(), [SHOWN]);
    assert_eq!(page.consent(), "unticked / .cb-mail");
    assert_eq!(page.input("#cb-email").value(), "");
}

#[wasm_bindgen_test]
fn when_the_privacy_api_says_no_there_is_no_box_and_no_opt_in() {
    for (api, allowed) in PRIVACY_APIS {
        set_shopify(api);
        let page = Page::open(&shop("Privacy shop", "[]"), &order("p1", true), &[]);
        set_shopify("undefined");
        assert!(page.find(".cb-card").is_some(), "{api}: the cards");
        assert_eq!(page.find(".cb-optin").is_some(), allowed, "{api}: the box");
        let opt_ins: Vec<String> = page
            .take()
            .into_iter()
            .filter(|e| parsed(e).get("kind").and_then(Value::as_str) == Some("opt_in"))
            .collect();
        assert_eq!(opt_ins.len(), usize::from(allowed), "{api}: {opt_ins:?}");
    }
}

#[wasm_bindgen_test]
async fn a_broken_signal_option_leaves_the_widget_working() {
    let spy = spy();
    // The page's function throws: the shopper can still opt in and add.
    let page = Page::with(
        recorder(true),
        &shop("Broken shop", "[]"),
        &order("x1", false),
        &[],
    );
    assert!(page.widget.is_some());
    page.click(".cb-check");
    assert!(page.input(".cb-check").checked());
    page.click("button.cb-add");
    assert_eq!(page.added().await, "Added to cart");
    assert_eq!(
        page.take().len(),
        3,
        "shown, opt_in and add were all reported"
    );

    // Not a function (the options of the old, all-in-one widget): the cards, without a box,
    // and the mistake said once.
    let old = Page::open(
        &shop("Broken shop", "[]"),
        &order("x1", false),
        &[("signal", "webhook".into()), ("signals", "webhook".into())],
    );
    assert!(old.find(".cb-card").is_some());
    assert!(old.find(".cb-optin").is_none());
    let log = spy.log();
    spy.restore();
    assert_eq!(
        log,
        ["error: crossbuy: options.signal: expected a function; no consent box"]
    );
}

/// The space the loader (`src/loader/crossbuy.js`) reserves on the target when signals are on.
fn reserved_height() -> &'static str {
    let loader = include_str!("../src/loader/crossbuy.js");
    let marker = "const RESERVE_SIGNALS = \"";
    let start = loader.find(marker).expect("RESERVE_SIGNALS in the loader") + marker.len();
    loader[start..].split('"').next().unwrap()
}

#[wasm_bindgen_test]
fn with_the_consent_box_the_widget_still_fills_the_reserved_space() {
    let long = "A very long product title that goes on and on across three or more lines";
    let catalog =
        shop("Layout shop", TWENTY).replace(r#""title":"Spoon""#, &format!(r#""title":"{long}""#));
    for width in ["18rem", "40rem", "80rem"] {
        let document = web_sys::window().unwrap().document().unwrap();
        let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
        host.style().set_property("width", width).unwrap();
        host.style()
            .set_property("min-height", reserved_height())
            .unwrap();
        document.body().unwrap().append_child(&host).unwrap();
        let before = host.offset_height();
        assert!(before > 300, "the reservation is real: {before}px");
        let options = Object::new();
        let set = |k: &str, v: &JsValue| Reflect::set(&options, &k.into(), v).unwrap();
        set("context", &order("l1", false).into());
        set("now", &clock(FIVE_PAST));
        set("signal", &recorder(false).signal());
        let widget = mount(host.clone().into(), catalog.as_str().into(), options.into());
        let root = host.shadow_root().expect("a widget");
        let section: HtmlElement = root
            .query_selector("section.cb")
            .unwrap()
            .expect("the widget")
            .unchecked_into();
        assert!(root.query_selector(".cb-optin").unwrap().is_some());
        let (after, filled) = (host.offset_height(), section.offset_height());
        drop(widget);
        host.remove();
        assert_eq!(after, before, "the page does not shift at {width}");
        assert_eq!(filled, before, "the widget fills its space at {width}");
    }
}
