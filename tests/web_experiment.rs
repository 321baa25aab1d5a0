//! The widget in an experiment (headless Chromium, `wasm-pack test`): each arm shows what it
//! should, the holdout shows nothing, and a Shopify cart page writes the arm, the page and the
//! widget's adds into the cart's attributes.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use crossbuy::exports::{mount, Widget};
use crossbuy_engine::Catalog;
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, Response, ResponseInit};

wasm_bindgen_test_configure!(run_in_browser);

const SHOP: &str = r#"{
  "version": 1,
  "shop": { "name": "Test shop", "currency": "GBP", "locale": "en-GB" },
  "products": [
    { "id": "mug", "variant_ids": ["mug-1"], "url": "/products/mug", "title": "Mug", "price": 899,
      "neighbours": [
        { "id": "tea", "score": 0.9, "count": 9 }, { "id": "spoon", "score": 0.7, "count": 7 },
        { "id": "coaster", "score": 0.5, "count": 5 }, { "id": "cosy", "score": 0.3, "count": 3 }
      ] },
    { "id": "tea", "variant_ids": ["40001"], "url": "/products/tea", "title": "Tea", "price": 800 },
    { "id": "spoon", "variant_ids": ["spoon-1"], "url": "/products/spoon", "title": "Spoon", "price": 350 },
    { "id": "coaster", "variant_ids": ["coaster-1"], "url": "/products/coaster", "title": "Coaster", "price": 1299 },
    { "id": "cosy", "variant_ids": ["cosy-1"], "url": "/products/cosy", "title": "Tea cosy", "price": 500 },
    { "id": "jam", "variant_ids": ["jam-1"], "url": "/products/jam", "title": "Jam", "price": 300 }
  ],
  "bestsellers": ["mug", "jam", "cosy"],
  "offers": [{ "id": "ten", "kind": "percent", "percent": 10, "pages": ["cart", "thank_you"] }],
  "experiment": { "name": "t", "arms": [
    { "name": "crossbuy", "show": "crossbuy", "cards": 2 },
    { "name": "best", "show": "bestsellers", "offer": false },
    { "name": "holdout", "show": "none" } ] }
}"#;

/// A unit (cart token or order id) that the experiment puts in `arm`.
fn unit_in(arm: usize, prefix: &str) -> String {
    let catalog = Catalog::parse(SHOP).unwrap();
    let e = catalog.experiment.unwrap();
    (0..)
        .map(|i| format!("{prefix}{i}"))
        .find(|u| e.assign(u) == arm)
        .unwrap()
}

fn cart_page(token: &str) -> String {
    format!(
        r#"{{"page":"cart","cart_token":"{token}","items":[{{"product_id":"mug","quantity":1}}]}}"#
    )
}

/// Replaces `window.fetch` with a shop answering 200 and `body`, recording `METHOD url body`.
struct Shop {
    requests: Rc<RefCell<Vec<String>>>,
    saved: JsValue,
    _hook: Closure<dyn FnMut(JsValue, JsValue) -> Promise>,
}

impl Shop {
    fn answering(body: &'static str) -> Shop {
        let window = js_sys::global();
        let saved = Reflect::get(&window, &"fetch".into()).unwrap();
        let requests = Rc::new(RefCell::new(Vec::new()));
        let log = Rc::clone(&requests);
        let hook = Closure::<dyn FnMut(JsValue, JsValue) -> Promise>::new(
            move |url: JsValue, init: JsValue| {
                let field = |k: &str| {
                    Reflect::get(&init, &k.into())
                        .ok()
                        .and_then(|v| v.as_string())
                        .unwrap_or("-".into())
                };
                log.borrow_mut().push(format!(
                    "{} {} {}",
                    field("method"),
                    url.as_string().unwrap_or_default(),
                    field("body")
                ));
                let init = ResponseInit::new();
                init.set_status(200);
                let r = Response::new_with_opt_str_and_init(Some(body), &init).unwrap();
                Promise::resolve(&JsValue::from(r))
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

async fn tick() {
    let next = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback(&resolve)
            .unwrap();
    });
    JsFuture::from(next).await.unwrap();
}

async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        tick().await;
    }
    panic!("never happened: {what}");
}

struct Target(Element);

impl Target {
    fn new() -> Target {
        let document = web_sys::window().unwrap().document().unwrap();
        let el = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&el).unwrap();
        Target(el)
    }

    fn mount(&self, context: &str) -> Option<Widget> {
        self.mount_with(context, None)
    }

    /// With `cart` set (`"permalink"`).
    fn mount_with(&self, context: &str, cart: Option<&str>) -> Option<Widget> {
        let o = Object::new();
        if let Some(cart) = cart {
            Reflect::set(&o, &"cart".into(), &cart.into()).unwrap();
        }
        Reflect::set(&o, &"context".into(), &context.into()).unwrap();
        let now = js_sys::Function::new_no_args("return 1800000000000");
        Reflect::set(&o, &"now".into(), &now).unwrap();
        mount(self.0.clone().into(), SHOP.into(), o.into())
    }

    fn titles(&self) -> Vec<String> {
        let Some(root) = self.0.shadow_root() else {
            return Vec::new();
        };
        let list = root
            .query_selector_all("li.cb-card h3, li.cb-card .cb-title")
            .unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().text_content().unwrap_or_default())
            .collect()
    }

    fn has_badge(&self) -> bool {
        self.0
            .shadow_root()
            .and_then(|r| r.query_selector(".cb-badge").ok().flatten())
            .is_some()
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        self.0.remove();
    }
}

const ARM: &str = r#"{"attributes":{"_crossbuy_arm":"#;

#[wasm_bindgen_test]
async fn the_holdout_sees_nothing_and_its_cart_still_carries_the_arm() {
    let shop = Shop::answering(r#"{"attributes":{}}"#);
    let target = Target::new();
    let token = unit_in(2, "hold-");
    assert!(
        target.mount(&cart_page(&token)).is_none(),
        "no widget for the holdout"
    );
    assert_eq!(target.titles(), Vec::<String>::new());
    until("the arm is written", || !shop.requests().is_empty()).await;
    assert_eq!(
        shop.requests(),
        [format!(
            r#"POST /cart/update.js {ARM}"t:holdout","_crossbuy_page":"cart"}}}}"#
        )]
    );
}

#[wasm_bindgen_test]
async fn each_arm_shows_its_cards_and_offer() {
    let _shop = Shop::answering(r#"{"attributes":{}}"#);
    // crossbuy with two cards and the offer.
    let a = Target::new();
    let _w = a.mount(&cart_page(&unit_in(0, "cb-"))).unwrap();
    assert_eq!(a.titles(), ["Tea", "Spoon"]);
    assert!(a.has_badge());
    // best-sellers, minus the mug in the cart, and without the offer.
    let b = Target::new();
    let _w = b.mount(&cart_page(&unit_in(1, "best-"))).unwrap();
    assert_eq!(b.titles(), ["Jam", "Tea cosy"]);
    assert!(!b.has_badge());
    // The same unit always gets the same arm (a reload, another device).
    let c = Target::new();
    let _w = c.mount(&cart_page(&unit_in(1, "best-"))).unwrap();
    assert_eq!(c.titles(), ["Jam", "Tea cosy"]);
    // A product page has no unit: crossbuy's cards, at the page's number.
    let d = Target::new();
    let _w = d
        .mount(r#"{"page":"product","items":[{"product_id":"mug"}]}"#)
        .unwrap();
    assert_eq!(d.titles(), ["Tea", "Spoon", "Coaster"]);
}

#[wasm_bindgen_test]
async fn an_add_from_the_widget_is_added_to_the_cart_attribute() {
    let shop = Shop::answering(r#"{"items":[]}"#);
    let target = Target::new();
    let _w = target.mount(&cart_page(&unit_in(0, "add-"))).unwrap();
    until("the arm is written", || shop.requests().len() == 1).await;
    tick().await;
    let button: HtmlElement = target
        .0
        .shadow_root()
        .unwrap()
        .query_selector("button.cb-add")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
    until("the add is recorded", || shop.requests().len() == 3).await;
    let r = shop.requests();
    assert!(r[1].starts_with("POST /cart/add.js "), "{}", r[1]);
    assert_eq!(
        r[2],
        format!(
            r#"POST /cart/update.js {ARM}"t:crossbuy","_crossbuy_page":"cart","_crossbuy_added_tea":"1"}}}}"#
        )
    );
}

#[wasm_bindgen_test]
async fn a_thank_you_page_uses_the_order_id_and_writes_no_cart() {
    let shop = Shop::answering("{}");
    let target = Target::new();
    let order = unit_in(2, "");
    let context =
        format!(r#"{{"page":"thank_you","order_id":"{order}","items":[{{"product_id":"mug"}}]}}"#);
    assert!(target.mount(&context).is_none());
    let order = unit_in(0, "");
    let context =
        format!(r#"{{"page":"thank_you","order_id":"{order}","items":[{{"product_id":"mug"}}]}}"#);
    let _w = target.mount(&context).unwrap();
    assert_eq!(target.titles(), ["Tea", "Spoon"]);
    tick().await;
    assert_eq!(shop.requests(), Vec::<String>::new());
}

#[wasm_bindgen_test]
async fn a_thank_you_pages_permalinks_carry_the_arm_and_the_adds_into_the_next_order() {
    let shop = Shop::answering("{}");
    let target = Target::new();
    let order = unit_in(0, "");
    let context =
        format!(r#"{{"page":"thank_you","order_id":"{order}","items":[{{"product_id":"mug"}}]}}"#);
    let _w = target.mount_with(&context, Some("permalink")).unwrap();
    assert_eq!(target.titles(), ["Tea", "Spoon"]);
    let root = target.0.shadow_root().unwrap();
    let hrefs = |selector: &str| {
        let list = root.query_selector_all(selector).unwrap();
        (0..list.length())
            .map(|i| {
                list.item(i)
                    .unwrap()
                    .unchecked_into::<Element>()
                    .get_attribute("href")
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
    };
    let marks =
        "attributes%5B_crossbuy_arm%5D=t%3Acrossbuy&attributes%5B_crossbuy_page%5D=thank_you";
    // The thank-you offer's discount (ten) has no code: no `discount=`.
    assert_eq!(
        hrefs("li.cb-card a.cb-add"),
        [
            format!("/cart/40001:1?{marks}&attributes%5B_crossbuy_added_tea%5D=1"),
            format!("/cart/spoon-1:1?{marks}&attributes%5B_crossbuy_added_spoon%5D=1"),
        ]
    );
    // "Add selected" starts a cart with both, each marked as added from the widget.
    assert_eq!(
        hrefs("a.cb-all"),
        [format!(
            "/cart/40001:1,spoon-1:1?{marks}&attributes%5B_crossbuy_added_tea%5D=1&attributes%5B_crossbuy_added_spoon%5D=1"
        )]
    );
    // Without an experiment's arm (a page with no unit), the links are plain.
    let plain = Target::new();
    let _p = plain
        .mount_with(
            r#"{"page":"thank_you","items":[{"product_id":"mug"}]}"#,
            Some("permalink"),
        )
        .unwrap();
    let first = plain
        .0
        .shadow_root()
        .unwrap()
        .query_selector("li.cb-card a.cb-add")
        .unwrap()
        .unwrap()
        .get_attribute("href");
    assert_eq!(first.as_deref(), Some("/cart/40001:1"));
    tick().await;
    assert_eq!(shop.requests(), Vec::<String>::new());
}
